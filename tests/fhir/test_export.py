"""``orplan export fhir``: a checked plan as a FHIR R4 Bundle that fhir.resources accepts,
identical on re-export, and read back into the same cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from orplan.baselines import rule_plan
from orplan.cli import main
from orplan.errors import OrplanError
from orplan.fhir import NCSP_SYSTEM, cases_from_bundle, export_bundle
from orplan.plan.io import save_plan
from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario import Scenario, load_scenario
from tests.builders import TINY
from tests.report import plans


@pytest.fixture
def tiny() -> Scenario:
    """tests/data/tiny.yaml."""
    return load_scenario(TINY)


def _resources(bundle: Bundle, kind: str) -> list[Any]:
    return [
        e.resource
        for e in bundle.entry or []
        if e.resource is not None and e.resource.get_resource_type() == kind
    ]


def _export(tmp_path: Path, plan: Plan, *options: str, name: str = "b.json") -> Path:
    save_plan(plan, tmp_path / "plan.json")
    out = tmp_path / name
    assert main(["export", "fhir", str(TINY), str(tmp_path), "--out", str(out), "--quiet",
                 *options]) == 0  # fmt: skip
    return out


def test_bundle_loads_back_and_references_resolve(tmp_path: Path, tiny: Scenario) -> None:
    """The written file validates as an R4B Bundle; one ServiceRequest per case, one booked
    Appointment per scheduled case, NCSP-coded, and every reference names an entry of the
    right type."""
    out = _export(tmp_path, rule_plan(tiny))
    bundle = Bundle.model_validate_json(out.read_text())
    urls = {
        str(e.fullUrl): e.resource.get_resource_type()
        for e in bundle.entry or []
        if e.resource is not None
    }
    requests = _resources(bundle, "ServiceRequest")
    appointments = _resources(bundle, "Appointment")
    assert len(requests) == len(tiny.cases) and len(appointments) == len(tiny.cases)
    assert {a.status for a in appointments} == {"booked"}
    codes = {c.system: c.code for r in requests for c in r.code.coding}
    assert codes == {NCSP_SYSTEM: codes[NCSP_SYSTEM]}
    assert {c.code for r in requests for c in r.code.coding} == {c.ncsp for c in tiny.cases}
    for a in appointments:
        assert urls[str(a.basedOn[0].reference)] == "ServiceRequest"
        kinds = sorted(urls[str(p.actor.reference)] for p in a.participant)
        assert kinds == ["Location", "Patient", "Practitioner"]
    for r in requests:
        assert urls[str(r.subject.reference)] == "Patient"


def test_re_export_is_byte_identical(tmp_path: Path, tiny: Scenario) -> None:
    """Name-based ids and no timestamps: the same plan.json gives the same file; only the
    bundle id (from the plan's digest) tells two runs apart, not the resource ids."""
    plan = rule_plan(tiny)
    first = _export(tmp_path, plan, name="a.json")
    second = _export(tmp_path, plan, name="b.json")
    assert first.read_bytes() == second.read_bytes()
    rerun = json.loads(_export(tmp_path, rule_plan(tiny), name="c.json").read_text())
    before = json.loads(first.read_text())
    assert rerun["entry"] == before["entry"]


def test_proposed_and_timezone(tmp_path: Path, tiny: Scenario) -> None:
    """--proposed marks every appointment proposed; times carry the zone's offset (Oslo is
    UTC+1 in March 2027 until the 28th)."""
    out = _export(tmp_path, rule_plan(tiny), "--proposed")
    bundle = Bundle.model_validate_json(out.read_text())
    appointments = _resources(bundle, "Appointment")
    assert {a.status for a in appointments} == {"proposed"}
    c1 = next(a for a in appointments if a.identifier[0].value == "C1")
    assert c1.start.isoformat() == "2027-03-01T08:00:00+01:00"
    out = _export(tmp_path, rule_plan(tiny), "--timezone", "UTC", name="utc.json")
    starts = [a["resource"]["start"] for a in json.loads(out.read_text())["entry"]
              if a["resource"]["resourceType"] == "Appointment"]  # fmt: skip
    assert starts and all(s.endswith("Z") for s in starts)  # FHIR writes UTC as Z


def test_unknown_timezone_exit_2(tmp_path: Path, tiny: Scenario, capsys: Any) -> None:
    """A zone that does not exist: one line, exit 2, nothing written."""
    save_plan(rule_plan(tiny), tmp_path / "plan.json")
    out = tmp_path / "b.json"
    argv = ["export", "fhir", str(TINY), str(tmp_path), "--out", str(out)]
    assert main([*argv, "--timezone", "Europe/Atlantis"]) == 2
    assert "--timezone Europe/Atlantis: unknown time zone" in capsys.readouterr().err
    assert not out.exists()


def test_invalid_plan_is_not_exported(tmp_path: Path, tiny: Scenario, capsys: Any) -> None:
    """A plan the checker rejects (two cases at once for S1) is not written."""
    plan = rule_plan(tiny)
    entries = [e.model_copy(update={"start": 480, "end": 525}) if e.case == "C2" else e
               for e in plan.cases]  # fmt: skip
    save_plan(plan.model_copy(update={"cases": entries}), tmp_path / "plan.json")
    out = tmp_path / "b.json"
    assert main(["export", "fhir", str(TINY), str(tmp_path), "--out", str(out)]) == 2
    assert "hard rule" in capsys.readouterr().err
    assert not out.exists()


def test_round_trip_keeps_every_case_field_fhir_carries(tiny: Scenario) -> None:
    """scenario -> bundle -> cases: field by field equal (tiny's cases use only fields the
    bundle carries), for scheduled and unscheduled cases alike."""
    bundle = Bundle.model_validate_json(
        export_bundle(tiny, plans.tiny_with_gaps(tiny)).model_dump_json(exclude_none=True)
    )
    back = {c.id: c for _, c in cases_from_bundle(bundle)}
    fields = ("patient", "procedure", "ncsp", "specialty", "surgeon", "duration", "release",
              "due", "priority", "mandatory")  # fmt: skip
    for case in tiny.cases:
        for field in fields:
            assert getattr(back[case.id], field) == getattr(case, field), (case.id, field)
    assert back == {c.id: c for c in tiny.cases}


def test_unscheduled_case_keeps_its_reason(tiny: Scenario) -> None:
    """An unscheduled case has no Appointment; its request carries the reason as a note."""
    bundle = export_bundle(tiny, plans.tiny_with_gaps(tiny))
    booked = {a.identifier[0].value for a in _resources(bundle, "Appointment")}
    assert booked == {"C1", "C2", "C3", "C5"}
    c4 = next(r for r in _resources(bundle, "ServiceRequest") if r.identifier[0].value == "C4")
    assert c4.note[0].text.startswith("not scheduled: capacity")


def test_free_slots_fill_each_session_around_its_cases(tiny: Scenario) -> None:
    """Per session one Schedule; its free Slots and its cases (with turnover) never overlap
    and add up to the session's open hours."""
    plan = rule_plan(tiny)
    bundle = export_bundle(tiny, plan, timezone="UTC")
    schedules = _resources(bundle, "Schedule")
    assert len(schedules) == len(tiny.sessions)
    slots = _resources(bundle, "Slot")
    # OR2 on 1 March: C3 08:00-09:30, C4 09:45-10:45 (+15 turnover): free 11:00-15:30.
    or2 = next(s for s in schedules if s.identifier[0].value == "OR2@2027-03-01")
    mine = [s for s in slots if s.schedule.reference.endswith(str(or2.id))]
    assert [(s.start.strftime("%H:%M"), s.end.strftime("%H:%M")) for s in mine] == [
        ("11:00", "15:30")
    ]
    assert {s.status for s in slots} == {"free"}


def test_parent_plan_cancelled_and_rescheduled(tiny: Scenario) -> None:
    """Exported with its parent: a case taken off gets a cancelled appointment, a moved case
    a cancelled old one and a new one pointing to it; an unmoved case appears once."""
    parent = rule_plan(tiny)
    plan = plans.tiny_with_gaps(tiny)  # C1 moves a day, C4 and C6 are taken off, C3 stays
    bundle = export_bundle(tiny, plan, parent=parent)
    by_case: dict[str, list[Any]] = {}
    for a in _resources(bundle, "Appointment"):
        by_case.setdefault(a.identifier[0].value, []).append(a)
    assert [a.status for a in by_case["C3"]] == ["booked"]
    assert [a.status for a in by_case["C4"]] == ["cancelled"]
    assert by_case["C4"][0].cancelationReason.text.startswith("capacity")
    new, old = sorted(by_case["C1"], key=lambda a: a.status)
    assert (new.status, old.status) == ("booked", "cancelled")
    assert new.extension[0].valueReference.reference == f"urn:uuid:{old.id}"
    assert old.start.date().isoformat() == "2027-03-01" and new.start.day == 2


def test_export_bundle_refuses_a_plan_with_a_missing_case(tiny: Scenario) -> None:
    """The Python API checks too: a plan that omits a case raises, naming hard rules."""
    plan = rule_plan(tiny)
    short = plan.model_copy(update={"cases": plan.cases[1:]})
    with pytest.raises(OrplanError, match="hard rule"):
        export_bundle(tiny, short)
    assert isinstance(plan.cases[0], CaseAssignment)


def test_round_trip_of_spread_pathway_and_eligible_surgeons(tiny: Scenario) -> None:
    """duration_sd, cancer_pathway and eligible_surgeons (several desired performers) come
    back; a fixed surgeon stays a surgeon."""
    import yaml

    from orplan.scenario import scenario_from_dict

    data = yaml.safe_load(TINY.read_text())
    data["surgeons"].append({"id": "S3", "specialty": "orthopaedics"})
    c2 = data["cases"][1]
    c2.update({"eligible_surgeons": ["S1", "S3"], "duration_sd": 12.5, "cancer_pathway": True})
    scenario = scenario_from_dict(data)
    back = {c.id: c for _, c in cases_from_bundle(export_bundle(scenario, rule_plan(scenario)))}
    assert back["C2"].eligible_surgeons == ["S1", "S3"] and back["C2"].surgeon is None
    assert (back["C2"].duration_sd, back["C2"].cancer_pathway) == (12.5, True)
    assert back["C1"].surgeon == "S1" and back["C1"].eligible_surgeons == []
    assert back == {c.id: c for c in scenario.cases}
