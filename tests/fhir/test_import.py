"""``orplan import fhir`` and ``cases_file:`` bundles: ServiceRequests become cases, and each
broken bundle gives one line naming the file, the entry and the field, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from orplan.cli import main
from orplan.errors import ScenarioError
from orplan.fhir import FhirMapping, load_bundle_cases
from orplan.scenario import load_scenario
from tests.builders import DATA

FHIR = DATA / "fhir"


def test_waiting_list_with_mapping() -> None:
    """Each field comes from where docs/fhir.md says: ids from identifiers, NCSP code from the
    coding, priority from FHIR's code, duration from the mapping (code first, then default)."""
    mapping = FhirMapping.model_validate(
        {"defaults": {"duration": 60, "specialty": "orthopaedics"},
         "procedures": {"NFB49": {"duration": 120}}}
    )  # fmt: skip
    cases = {c.id: c for _, c in load_bundle_cases(FHIR / "waiting_list.json", mapping)}
    assert sorted(cases) == ["W1", "W2"]
    hip, knee = cases["W1"], cases["W2"]
    assert (hip.patient, hip.surgeon, hip.ncsp, hip.procedure) == (
        "P101", "S1", "NFB49", "Hip replacement"
    )  # fmt: skip
    assert (hip.duration, knee.duration) == (120, 60)
    assert (hip.priority, knee.priority) == (3, 4)  # urgent -> 3, routine -> 4
    assert str(hip.due) == "2027-03-02" and knee.due is None
    assert hip.specialty == knee.specialty == "orthopaedics"


def test_import_command_writes_a_valid_scenario(tmp_path: Path) -> None:
    """The written scenario loads, has the base's theatres and the bundle's cases."""
    out = tmp_path / "scenario.yaml"
    argv = ["import", "fhir", str(FHIR / "waiting_list.json"), "--base", str(FHIR / "base.yaml")]
    assert main([*argv, "--mapping", str(FHIR / "mapping.yaml"), "--out", str(out)]) == 0
    scenario = load_scenario(out)
    assert [c.id for c in scenario.cases] == ["W1", "W2"]
    assert [t.id for t in scenario.theatres] == ["OR1"]


def test_import_without_durations_names_the_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No mapping and no duration extension: exit 2, one line per request, nothing written."""
    out = tmp_path / "scenario.yaml"
    argv = ["import", "fhir", str(FHIR / "waiting_list.json"), "--base", str(FHIR / "base.yaml")]
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "entry[3] (ServiceRequest, id=W1).duration: the bundle gives none" in err
    assert "entry[3] (ServiceRequest, id=W1).category: no urn:orplan:specialty code" in err
    assert not out.exists()


def test_cases_file_may_be_a_bundle(tmp_path: Path) -> None:
    """A scenario whose cases_file is a FHIR bundle (duration and specialty in orplan's
    extension and category, as its exports write them) loads."""
    import json

    data = json.loads((FHIR / "waiting_list.json").read_text())
    for entry in data["entry"]:
        if entry["resource"]["resourceType"] == "ServiceRequest":
            entry["resource"]["extension"] = [
                {"url": "urn:orplan:extension:expected-duration",
                 "valueDuration": {"value": 75, "unit": "min"}}
            ]  # fmt: skip
            entry["resource"]["category"] = [
                {"coding": [{"system": "urn:orplan:specialty", "code": "orthopaedics"}]}
            ]
    (tmp_path / "list.json").write_text(json.dumps(data))
    text = (FHIR / "base.yaml").read_text() + "cases_file: list.json\n"
    (tmp_path / "s.yaml").write_text(text)
    scenario = load_scenario(tmp_path / "s.yaml")
    assert [(c.id, c.duration) for c in scenario.cases] == [("W1", 75), ("W2", 75)]


# (file, what the one message must name). Each is the waiting list with one thing wrong.
BAD = [
    ("not_json.json", "not_json.json: not JSON (line 2"),
    ("not_a_bundle.json", "not_a_bundle.json: resourceType: 'Patient', expected 'Bundle'"),
    ("missing_code.json", "entry[4] (ServiceRequest, id=W2).code: missing"),
    ("unknown_field.json", "entry[3] (ServiceRequest).priorty: Extra inputs are not permitted"),
    ("missing_subject.json", "entry[3] (ServiceRequest).subject: Field required"),
    ("subject_to_nothing.json", "entry[3] (ServiceRequest, id=W1).subject: urn:uuid:"),
    ("subject_not_patient.json", "(ServiceRequest, id=W1).subject: urn:uuid:00000000-0000-4000"
     "-8000-0000000000d1 is a Practitioner, not a Patient"),
    ("wrong_entry_type.json", "entry[5] (Observation): a Observation has no place"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "expected"), BAD, ids=[b[0] for b in BAD])
def test_bad_bundle_one_line_exit_2(
    name: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the command line: exit 2, a single error line naming file and field, and no
    scenario written."""
    out = tmp_path / "scenario.yaml"
    argv = ["import", "fhir", str(FHIR / name), "--base", str(FHIR / "base.yaml")]
    code = main([*argv, "--mapping", str(FHIR / "mapping.yaml"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert not out.exists()


@pytest.mark.parametrize("name", ["missing_code.json", "subject_to_nothing.json"])
def test_bad_bundle_as_cases_file(name: str, tmp_path: Path) -> None:
    """The same bundle given as cases_file: the error names the bundle file."""
    (tmp_path / name).write_bytes((FHIR / name).read_bytes())
    (tmp_path / "s.yaml").write_text((FHIR / "base.yaml").read_text() + f"cases_file: {name}\n")
    with pytest.raises(ScenarioError, match=name.replace(".", r"\.")):
        load_scenario(tmp_path / "s.yaml")


def test_command_line_round_trip(tmp_path: Path) -> None:
    """solve -> export fhir -> import fhir (tiny as the base, no mapping): the written
    scenario's cases are tiny's, and the plan checks against it."""
    tiny = DATA / "tiny.yaml"
    out = tmp_path / "plan"
    assert main(["solve", str(tiny), "--out", str(out), "--method", "rule", "--quiet"]) == 0
    bundle = tmp_path / "bundle.json"
    assert main(["export", "fhir", str(tiny), str(out), "--out", str(bundle), "--quiet"]) == 0
    back = tmp_path / "back.yaml"
    argv = ["import", "fhir", str(bundle), "--base", str(tiny), "--out", str(back), "--quiet"]
    assert main(argv) == 0
    assert load_scenario(back).cases == load_scenario(tiny).cases
    assert main(["check", str(back), str(out / "plan.json"), "--quiet"]) == 0


def test_fitted_model_fills_durations_the_mapping_does_not(tmp_path: Path) -> None:
    """--durations: the mapping's entry for a code wins (W1: NFB49 -> 120); the model's mean
    fills the rest (W2 by procedure name), with its spread; the default is not used."""
    from orplan.durations.model import DurationModel, ProcedureModel

    model = DurationModel(
        procedures={"Knee arthroscopy": ProcedureModel(mu=3.8, sigma=0.3, n=40,
                                                       within_sigma=0.25, prior_count=5.0)}
    )  # fmt: skip
    model.save(tmp_path / "model.json")
    out = tmp_path / "s.yaml"
    argv = ["import", "fhir", str(FHIR / "waiting_list.json"), "--base", str(FHIR / "base.yaml"),
            "--mapping", str(FHIR / "mapping.yaml"), "--durations", str(tmp_path / "model.json"),
            "--out", str(out), "--quiet"]  # fmt: skip
    assert main(argv) == 0
    hip, knee = load_scenario(out).cases
    assert (hip.duration, hip.duration_sd) == (120, None)
    params = model.procedures["Knee arthroscopy"]
    assert knee.duration == round(params.mean) != 60  # 60 is the mapping's default
    assert knee.duration_sd == round(params.sd, 1)


def test_occurrence_date_time_is_the_due_date(tmp_path: Path) -> None:
    """A request with one requested moment instead of a period: its date is the due date."""
    import json

    data = json.loads((FHIR / "waiting_list.json").read_text())
    request = data["entry"][4]["resource"]
    request["occurrenceDateTime"] = "2027-03-02T10:00:00+01:00"
    (tmp_path / "list.json").write_text(json.dumps(data))
    mapping = FhirMapping.model_validate({"defaults": {"duration": 60, "specialty": "o"}})
    cases = {c.id: c for _, c in load_bundle_cases(tmp_path / "list.json", mapping)}
    assert str(cases["W2"].due) == "2027-03-02"


def test_scenario_errors_on_bundle_cases_name_the_entry(tmp_path: Path) -> None:
    """A bundle case the scenario rejects (a surgeon the base lacks) is named by its bundle
    entry, not by cases[k] of the merged scenario."""
    import json

    data = json.loads((FHIR / "waiting_list.json").read_text())
    data["entry"][2]["resource"]["identifier"][0]["value"] = "S9"  # the Practitioner
    for entry in data["entry"][3:]:
        entry["resource"]["extension"] = [
            {"url": "urn:orplan:extension:expected-duration", "valueDuration": {"value": 60}}
        ]
        entry["resource"]["category"] = [
            {"coding": [{"system": "urn:orplan:specialty", "code": "orthopaedics"}]}
        ]
    (tmp_path / "list.json").write_text(json.dumps(data))
    (tmp_path / "s.yaml").write_text((FHIR / "base.yaml").read_text() + "cases_file: list.json\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "s.yaml")
    assert "list.json entry[3] (id=W1).surgeon: unknown surgeon 'S9'" in str(info.value)
