"""Property: for any valid scenario and plan, export then import keeps every case field the
bundle carries, and the bundle always loads back through fhir.resources."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.bundle import Bundle
from hypothesis import HealthCheck, assume, given, settings

from orplan.baselines import rule_plan
from orplan.fhir import cases_from_bundle, export_bundle
from orplan.scenario import scenario_from_dict
from tests.strategies import clinical_scenarios

#: Case fields docs/fhir.md maps (the others come from the mapping file on import).
CARRIED = ("id", "patient", "procedure", "ncsp", "specialty", "duration", "duration_sd",
           "release", "due", "priority", "mandatory", "cancer_pathway")  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clinical_scenarios())
def test_export_import_keeps_carried_fields(data: dict[str, Any]) -> None:
    """Random clinical scenarios planned by the planner's rule: the bundle re-validates from
    its JSON, and every carried field (surgeons as the fixed one or the eligible list)
    comes back unchanged."""
    assume(data["cases"])  # a bundle with no request is refused, as an empty waiting list
    scenario = scenario_from_dict(data)
    bundle = export_bundle(scenario, rule_plan(scenario))
    again = Bundle.model_validate_json(bundle.model_dump_json(exclude_none=True))
    back = {c.id: c for _, c in cases_from_bundle(again)}
    assert set(back) == {c.id for c in scenario.cases}
    for case in scenario.cases:
        got = back[case.id]
        for field in CARRIED:
            assert getattr(got, field) == getattr(case, field), (case.id, field)
        wanted = [case.surgeon] if case.surgeon else case.eligible_surgeons
        assert ([got.surgeon] if got.surgeon else got.eligible_surgeons) == wanted
