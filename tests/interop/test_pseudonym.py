"""``--pseudonymise``: no original patient id survives in any file solve, report or export
fhir writes; the same key gives the same pseudonyms; no key is a one-line error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from orplan.cli import main
from orplan.pseudonym import KEY_ENV, pseudonym
from orplan.scenario import load_scenario
from tests.builders import TINY
from tests.pseudonyms import raw_ids_in

KEY = "a-test-key-of-32-bytes-0123456789"


def _texts(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _raw_ids_in(folder: Path) -> list[tuple[str, str]]:
    """(file, patient id) for every raw id of tiny.yaml found in any file."""
    return raw_ids_in(folder, {c.patient for c in load_scenario(TINY).cases})


@pytest.fixture
def outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """solve, report (with xlsx) and export fhir of tiny.yaml, all with --pseudonymise."""
    monkeypatch.setenv(KEY_ENV, KEY)
    out = tmp_path / "out"
    flag = "--pseudonymise"
    assert main(["solve", str(TINY), "--out", str(out), "--method", "rule", "--quiet", flag]) == 0
    assert main(["report", str(TINY), str(out / "plan.json"), "--out", str(out / "r.html"),
                 "--xlsx", str(out / "r.xlsx"), "--quiet", flag]) == 0  # fmt: skip
    assert main(["export", "fhir", str(TINY), str(out), "--out", str(out / "bundle.json"),
                 "--quiet", flag]) == 0  # fmt: skip
    return out


def test_no_raw_patient_id_in_any_output(outputs: Path) -> None:
    """Every output file (plan.csv, plan.xlsx, report.html, bundle.json, ...) holds the
    pseudonyms, never a raw id, never the key."""
    assert {"plan.csv", "plan.xlsx", "report.html", "r.html", "r.xlsx", "bundle.json"} <= set(
        _texts(outputs)
    )
    assert _raw_ids_in(outputs) == []
    assert pseudonym(KEY.encode(), "P001").encode() in _texts(outputs)["bundle.json"]
    assert not [n for n, data in _texts(outputs).items() if KEY.encode() in data]


def test_without_the_flag_ids_are_there(tmp_path: Path) -> None:
    """The check above can fail: an export without --pseudonymise has the raw ids."""
    out = tmp_path / "out"
    assert main(["solve", str(TINY), "--out", str(out), "--method", "rule", "--quiet"]) == 0
    assert (
        main(["export", "fhir", str(TINY), str(out), "--out", str(out / "b.json"), "--quiet"]) == 0
    )
    assert ("b.json", "P001") in _raw_ids_in(out)


def test_same_key_same_pseudonyms_other_key_others(tmp_path: Path) -> None:
    """A key file works like the environment variable; another key gives other pseudonyms."""
    key_file = tmp_path / "key"
    key_file.write_text(KEY + "\n")
    assert pseudonym(KEY.encode(), "P001") == pseudonym(KEY.encode(), "P001")
    assert pseudonym(KEY.encode(), "P001") != pseudonym(b"another-key-of-enough-bytes", "P001")
    assert pseudonym(KEY.encode(), "P001") != pseudonym(KEY.encode(), "P002")
    out = tmp_path / "out"
    assert main(["solve", str(TINY), "--out", str(out), "--method", "rule", "--quiet"]) == 0
    bundle = tmp_path / "b.json"
    argv = ["export", "fhir", str(TINY), str(out), "--out", str(bundle), "--quiet"]
    assert main([*argv, "--pseudonymise", "--pseudonym-key-file", str(key_file)]) == 0
    assert pseudonym(KEY.encode(), "P006") in bundle.read_text()


@pytest.mark.parametrize(
    ("env", "extra", "message"),
    [
        (None, [], f"--pseudonymise needs a key: set {KEY_ENV}"),  # no key anywhere
        ("short", [], f"{KEY_ENV}: the key must be at least 16 bytes"),  # guessable key
        (KEY, ["--pseudonym-key-file", "/nonexistent/key"], "pseudonym key file not found"),
    ],
)
def test_key_problems_exit_2_nothing_written(
    env: str | None, extra: list[str], message: str, tmp_path: Path, monkeypatch: Any,
    capsys: Any,
) -> None:  # fmt: skip
    """No usable key: one line, exit 2, and the solve writes nothing."""
    if env is None:
        monkeypatch.delenv(KEY_ENV, raising=False)
    else:
        monkeypatch.setenv(KEY_ENV, env)
    out = tmp_path / "out"
    argv = ["solve", str(TINY), "--out", str(out), "--method", "rule", "--pseudonymise"]
    assert main([*argv, *extra]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_key_file_without_the_flag_is_refused(tmp_path: Path, capsys: Any) -> None:
    """--pseudonym-key-file alone would look pseudonymised but is not: refused."""
    out = tmp_path / "out"
    argv = ["solve", str(TINY), "--out", str(out), "--pseudonym-key-file", str(TINY)]
    assert main(argv) == 2
    assert "only with --pseudonymise" in capsys.readouterr().err


def test_pseudonymising_twice_keeps_the_pseudonyms() -> None:
    """An id already in pseudonym form is kept, so pseudonymised data (a pseudonymised
    replan's scenario.yaml given to solve, report or export fhir) is not hashed twice."""
    once = pseudonym(KEY.encode(), "patient-1")
    assert once != "patient-1"
    assert pseudonym(KEY.encode(), once) == once
    assert pseudonym(b"another-key-of-16-bytes-or-more", once) == once


def test_report_key_file_without_the_flag_is_refused(tmp_path: Path, capsys: Any) -> None:
    """The report reads the options as every other command does: a key file alone is refused."""
    out = tmp_path / "out"
    assert main(["solve", str(TINY), "--out", str(out), "--method", "rule", "--quiet"]) == 0
    argv = ["report", str(TINY), str(out / "plan.json"), "--out", str(out / "r.html")]
    assert main([*argv, "--quiet", "--pseudonym-key-file", str(TINY)]) == 2
    assert "only with --pseudonymise" in capsys.readouterr().err
    assert not (out / "r.html").exists()
