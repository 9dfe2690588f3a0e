"""FHIR bundle export of any version: checker first, booked only for the version patients
are told about, and pseudonymised when the workbench is set to."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle

from orplan.cli import main
from orplan.pseudonym import KEY_ENV, pseudonym
from orplan.scenario.io import load_scenario
from orplan.web import create_app
from orplan.web.workbench import plan_from_json
from tests.builders import REPO
from tests.web.conftest import Bench, web_settings

KEY = "a-workbench-key-of-32-bytes-0123"
PATIENTS = {c.patient for c in load_scenario(REPO / "scenarios/demo.yaml").cases}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Bench, int]]:
    """A database with the demo solved once, a client without pseudonyms, the version."""
    db = tmp_path_factory.mktemp("webfhir") / "orplan.db"
    with TestClient(create_app(web_settings(db))) as client:
        bench = Bench(client)
        draft = bench.solve_demo()
        yield db, bench, int(bench.draft(draft)["head_version"])


def _appointments(bundle: Bundle) -> list[str]:
    """The status of each Appointment in the bundle."""
    return [
        e.resource.status  # type: ignore[attr-defined]
        for e in bundle.entry or []
        if e.resource is not None and e.resource.get_resource_type() == "Appointment"
    ]


def _bundle(bench: Bench, version: int) -> Bundle:
    response = bench.client.get(f"/versions/{version}/bundle.json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="bundle-v{version}.json"'
    )
    return Bundle.model_validate_json(response.content)


def test_bundle_is_proposed_until_published_then_booked(
    database: tuple[Path, Bench, int],
) -> None:
    _, bench, version = database
    plan = plan_from_json(bench.client.get(f"/versions/{version}/plan.json").text)
    booked = len(plan.scheduled())
    assert booked > 0
    assert _appointments(_bundle(bench, version)) == ["proposed"] * booked
    page = bench.client.get("/workspaces/1/versions").text
    assert f'href="/versions/{version}/bundle.json"' in page
    assert bench.post(f"/versions/{version}/publish", {"author": "Kari"}).status_code == 303
    assert _appointments(_bundle(bench, version)) == ["booked"] * booked
    # Without pseudonymisation the raw ids are there (so the test below can fail).
    text = bench.client.get(f"/versions/{version}/bundle.json").text
    assert {p for p in PATIENTS if p in text} == PATIENTS


def test_a_version_breaking_a_rule_is_not_exported_as_fhir(
    database: tuple[Path, Bench, int],
) -> None:
    _, bench, head = database
    broken = bench.broken_version(head)
    refused = bench.client.get(f"/versions/{broken}/bundle.json")
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert detail.startswith(f"version {broken} breaks ") and "not exported as FHIR" in detail
    assert bench.client.get("/versions/999/bundle.json").status_code == 404
    unknown = bench.client.get(f"/versions/{head}/bundle.json?timezone=Mars/Olympus")
    assert unknown.status_code == 400 and "unknown time zone" in unknown.json()["detail"]


def test_pseudonymised_workbench_exports_no_raw_patient_id(
    database: tuple[Path, Bench, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _, version = database
    monkeypatch.setenv(KEY_ENV, KEY)
    with TestClient(create_app(web_settings(db, pseudonymise=True))) as client:
        bench = Bench(client)
        bundle = _bundle(bench, version)
        assert _appointments(bundle)
        texts = {
            "bundle": client.get(f"/versions/{version}/bundle.json").text,
            "report": client.get(f"/versions/{version}/report.html").text,
        }
        book = openpyxl.load_workbook(
            io.BytesIO(client.get(f"/versions/{version}/plan.xlsx").content)
        )
        texts["xlsx"] = " ".join(
            str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r
        )
        for name, text in texts.items():
            assert [p for p in PATIENTS if p in text] == [], name
            assert KEY not in text
        some = sorted(PATIENTS)[0]
        assert pseudonym(KEY.encode(), some) in texts["bundle"]


def test_pseudonymised_workbench_without_a_key_refuses_to_export(
    database: tuple[Path, Bench, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _, version = database
    monkeypatch.delenv(KEY_ENV, raising=False)
    with TestClient(create_app(web_settings(db, pseudonymise=True))) as client:
        for name in ("bundle.json", "plan.xlsx", "report.html"):
            response = client.get(f"/versions/{version}/{name}")
            assert response.status_code == 503, name
            detail = response.json()["detail"]
            assert detail.startswith("the workbench pseudonymises patient ids but has no usable")
            assert KEY_ENV in detail and "\n" not in detail


def test_serve_pseudonymise_without_a_key_is_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    db = tmp_path / "never.db"
    assert main(["serve", "--db", f"sqlite:///{db}", "--pseudonymise"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("orplan: error: --pseudonymise needs a key") and "\n" not in err
    assert not db.exists()
    assert main(["serve", "--db", f"sqlite:///{db}", "--pseudonym-key-file", str(db)]) == 2
    assert "only with --pseudonymise" in capsys.readouterr().err
