"""Every MSS the solver returns for a random small input passes the independent checker."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orplan.mss import MssInput, check_mss, plan_mss
from orplan.mss.beds import bed_curve
from tests.mss.conftest import SETTINGS


@st.composite
def mss_inputs(draw: st.DrawFn) -> dict[str, Any]:
    """1-3 theatres of 8 h, 2-3 specialties needing whole blocks, random stays, a cycle of 1-2."""
    n_theatres = draw(st.integers(1, 3))
    specs = [f"S{i}" for i in range(draw(st.integers(2, 3)))]
    theatres = [
        {"id": f"OR{t}", "hours": 8,
         "weekdays": sorted(draw(st.sets(st.integers(0, 5), min_size=2, max_size=5))),
         "specialties": draw(st.lists(st.sampled_from(specs), max_size=2, unique=True))}
        for t in range(n_theatres)
    ]  # fmt: skip
    specialties = []
    for s in specs:
        kinds = draw(st.integers(1, 3))
        shares = [1.0 / kinds] * kinds
        shares[-1] = 1.0 - sum(shares[:-1])
        specialties.append({
            "id": s, "hours": 8 * draw(st.integers(0, 3)),
            "tolerance_hours": draw(st.sampled_from([0, 8])),
            "cases_per_block": draw(st.sampled_from([1, 2.5, 4])),
            "case_mix": [{"share": sh, "icu_days": draw(st.integers(0, 2)),
                          "ward_days": draw(st.integers(0, 9))} for sh in shares],
        })  # fmt: skip
    return {"name": "random", "cycle_weeks": draw(st.integers(1, 2)), "theatres": theatres,
            "specialties": specialties}  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mss_inputs())
def test_solver_answers_pass_the_checker(data: dict[str, Any]) -> None:
    """Found: the checker agrees and the exact mean peak equals the stated one. Else a reason."""
    inp = MssInput.model_validate(data)
    plan = plan_mss(inp, SETTINGS)
    if plan.status in ("optimal", "feasible"):
        report = check_mss(inp, plan)
        assert report.ok, report.violations
        assert plan.expected_peak_ward is not None
        exact = max(d.ward_mean for d in bed_curve(inp, plan.blocks))
        assert abs(exact - plan.expected_peak_ward) <= 0.005 * len(plan.blocks) + 1e-6
    else:
        assert plan.status == "infeasible" and plan.explanation
