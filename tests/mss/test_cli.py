"""``orplan mss``: files written and checked; bad input exits 2 naming the field, writes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from orplan.cli import main as orplan_main
from tests.builders import REPO
from tests.mss.conftest import tiny_dict

EXAMPLE = REPO / "scenarios" / "mss" / "example.yaml"


def main(argv: list[str]) -> int:
    """``orplan mss ARGV...`` in-process."""
    return orplan_main(["mss", *argv])


def _write(tmp_path: Path, data: dict[str, Any], name: str = "mss.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_example_writes_every_file(tmp_path: Path) -> None:
    """The shipped example: exit 0, the files, and the JSON records seed and version."""
    out = tmp_path / "out"
    code = main([str(EXAMPLE), "--out", str(out), "--simulate-weeks", "50", "--workers", "1",
                 "--quiet"])  # fmt: skip
    assert code == 0
    names = {"mss.json", "mss.csv", "bed-curve.png", "blocks.png", "mss.html", "mss-input.yaml"}
    assert names <= {p.name for p in out.iterdir()}
    data = json.loads((out / "mss.json").read_text())
    assert data["run"]["seed"] == 0 and data["run"]["version"]
    assert data["comparison"]["weeks"] == 50
    assert len(data["bed_curve"]) == 7
    # The pinned ENT Monday list is in the CSV.
    assert "OR2,1,0,Mon,ent" in (out / "mss.csv").read_text()


def test_rerun_of_the_written_input_repeats_the_mss(tmp_path: Path) -> None:
    """mss-input.yaml is the input as used: planning it again gives the same blocks."""
    first, second = tmp_path / "a", tmp_path / "b"
    assert main([str(EXAMPLE), "--out", str(first), "--simulate-weeks", "0", "--workers", "1",
                 "--quiet"]) == 0  # fmt: skip
    assert main([str(first / "mss-input.yaml"), "--out", str(second), "--simulate-weeks", "0",
                 "--workers", "1", "--quiet"]) == 0  # fmt: skip
    assert (first / "mss.csv").read_text() == (second / "mss.csv").read_text()


def test_user_text_is_escaped_and_never_a_formula(tmp_path: Path) -> None:
    """A specialty id like '=HYPERLINK<b>' is inert in the CSV and escaped in the HTML."""
    data = tiny_dict()
    evil = "=HYPERLINK<b>"
    data["specialties"][1]["id"] = evil
    for block in data["baseline"]:
        if block["specialty"] == "day":
            block["specialty"] = evil
    out = tmp_path / "out"
    assert main([str(_write(tmp_path, data)), "--out", str(out), "--simulate-weeks", "0",
                 "--workers", "1", "--quiet"]) == 0  # fmt: skip
    assert "'=HYPERLINK<b>" in (out / "mss.csv").read_text()
    html = (out / "mss.html").read_text()
    assert "=HYPERLINK&lt;b&gt;" in html and "<b>" not in html


def test_sessions_for_writes_scenario_sessions(tmp_path: Path) -> None:
    """--sessions-for 7 --horizon-start: sessions.yaml holds 5 weekday sessions, quoted times."""
    out = tmp_path / "out"
    assert main([str(_write(tmp_path, tiny_dict())), "--out", str(out), "--sessions-for", "7",
                 "--horizon-start", "2027-03-01", "--simulate-weeks", "0", "--workers", "1",
                 "--quiet"]) == 0  # fmt: skip
    rows = yaml.safe_load((out / "sessions.yaml").read_text())["sessions"]
    assert len(rows) == 5 and rows[0]["open"] == "08:00"


def test_infeasible_names_the_specialty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Hours beyond the theatres: exit 1, the specialty named, nothing written."""
    data = tiny_dict()
    data["specialties"][0]["hours"] = 48
    out = tmp_path / "out"
    assert main([str(_write(tmp_path, data)), "--out", str(out), "--workers", "1"]) == 1
    assert "specialty long needs 48 h per cycle" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())


BAD: list[tuple[str, Any, str]] = [
    # A negative length of stay.
    ("case_mix.0.ward_days", -2, "specialties[0] (id=long).case_mix[0].ward_days"),
    # A missing share.
    ("case_mix.0.share", None, "specialties[0] (id=long).case_mix[0].share: Field required"),
    # Shares not summing to 1.
    ("case_mix.0.share", 0.5, "specialties[0] (id=long).case_mix: shares sum to 0.5, not 1"),
    # Text where a number belongs.
    ("cases_per_block", "four", "specialties[0] (id=long).cases_per_block"),
    # A typo in a field name must not be silently ignored.
    ("case_mixx", [], "specialties[0] (id=long).case_mixx"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD)
def test_bad_input_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, value: Any, message: str
) -> None:
    """One line names the file and field; exit 2; no output folder is filled."""
    data = tiny_dict()
    node: Any = data["specialties"][0]
    *path, last = field.split(".")
    for key in path:
        node = node[int(key) if key.isdigit() else key]
    if value is None:
        del node[last]
    else:
        node[last] = value
    out = tmp_path / "out"
    assert main([str(_write(tmp_path, data)), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "mss.yaml: " in err and message in err
    assert not out.exists() or not any(out.iterdir())


def test_bad_cross_reference_and_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A pin on a closed Saturday is named; --sessions-for without a start date is exit 2."""
    data = tiny_dict()
    data["fixed"] = [{"theatre": "OR1", "weekday": 5, "specialty": "long"}]
    assert main([str(_write(tmp_path, data)), "--out", str(tmp_path / "o")]) == 2
    assert "fixed[0].weekday: theatre OR1 is closed on that day" in capsys.readouterr().err
    good = _write(tmp_path, tiny_dict(), "good.yaml")
    assert main([str(good), "--out", str(tmp_path / "p"), "--sessions-for", "7"]) == 2
    assert "--horizon-start" in capsys.readouterr().err


def test_baseline_from_a_scenario(tmp_path: Path) -> None:
    """--baseline-from reads the pilot week's sessions as the baseline of the pilot MSS."""
    data = yaml.safe_load((REPO / "scenarios" / "mss" / "pilot-baseline.yaml").read_text())
    data.pop("baseline")
    out = tmp_path / "out"
    code = main([str(_write(tmp_path, data)), "--out", str(out), "--simulate-weeks", "20",
                 "--baseline-from", str(REPO / "scenarios" / "pilot-week.yaml"),
                 "--workers", "1", "--quiet"])  # fmt: skip
    assert code == 0
    written = json.loads((out / "mss.json").read_text())
    assert written["comparison"]["baseline"]["theatre_hours"] == 577.5


def test_orplan_mss_function_after_the_cli_package_loaded() -> None:
    """``orplan.mss(path)`` is the function even after ``orplan.mss.cli`` was imported."""
    import importlib

    import orplan

    importlib.import_module("orplan.mss.cli")
    plan = orplan.mss(EXAMPLE, workers=1)
    assert plan.status == "optimal" and len(plan.bed_curve) == 7
