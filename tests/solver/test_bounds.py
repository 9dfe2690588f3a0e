"""Honest bounds: the unavoidable cost, the LP bound, and what a solve reports about them.

Every lower bound must sit at or below the cost of every valid plan, so at or below the
optimum; the hypothesis test holds the LP relaxation and the unavoidable cost to plans
CP-SAT solved (to optimality where it could) on small random scenarios.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from orplan import solve
from orplan.scenario import Scenario, scenario_from_dict
from orplan.solver import SolveSettings, lp_bound
from orplan.solver.build import build_model
from orplan.solver.lp_bound import LpBound, LpOutcome, start_lp_bound
from orplan.solver.options import build_options
from orplan.solver.unavoidable import decidable_gap, unavoidable_cost
from tests.builders import (
    DETERMINISTIC,
    SHORT,
    base_dict,
    case,
    checked_plan,
    make,
    tiny_scenario,
)
from tests.strategies import clinical_scenarios


def _lp(scenario: Scenario, integer: bool = False) -> LpOutcome:
    """The LP bound of ``scenario`` (the MIP's dual bound with ``integer``), waited for
    (tiny scenarios solve in well under 1 s)."""
    running = start_lp_bound(scenario, build_options(scenario), 30.0, integer=integer)
    return running.collect(60.0) if isinstance(running, LpBound) else running


def _unavoidable_scenario() -> Scenario:
    """One bookable 4-hour session and one no case can use; one case too long for any
    session, one overdue since before the horizon."""
    gastro = {"theatre": "OR1", "date": "2027-03-02", "open": "08:00", "close": "11:00",
              "specialty": "gastro"}  # fmt: skip
    return make(
        {"sessions": [*base_dict()["sessions"], gastro]},
        [case("LONG", 300), case("OVERDUE", 60, due="2027-02-20")],
    )


def test_unavoidable_counts_each_source() -> None:
    """No eligible session: the unscheduled cost; overdue: breach and 9 late days at best
    (day 0 is 9 days after the deadline); a session no case can use: idle all 180 min."""
    scenario = _unavoidable_scenario()
    w = scenario.weights
    parts = unavoidable_cost(scenario, build_options(scenario))
    assert parts.cases == w.unscheduled_cost(3) + w.deadline_breach + 9 * w.late_day
    assert parts.idle == 180 * w.idle_minute
    assert parts.beds == 0
    result = solve(scenario, SolveSettings(**DETERMINISTIC))
    assert result.objective is not None
    assert parts.total <= result.objective
    assert result.unavoidable == parts.total


def test_unavoidable_counts_beds_occupied_before_the_plan() -> None:
    """The bed-peak term is at least the busiest pre-occupied day of each site."""
    changes: dict[str, Any] = {
        "beds": [
            {
                "site": "main",
                "kind": "icu",
                "beds": 5,
                "occupied": {"2027-03-01": 2, "2027-03-02": 4},
            }
        ],
        "weights": {"bed_peak": 7},
    }
    scenario = make(changes, [case("A", 60)])
    assert unavoidable_cost(scenario, build_options(scenario)).beds == 4 * 7


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=clinical_scenarios())
def test_lp_bound_and_unavoidable_never_exceed_a_plan(data: dict[str, Any]) -> None:
    """unavoidable <= LP bound <= MIP dual bound <= cost of a checked plan (the optimum
    when proven); the reported bound <= that cost too."""
    scenario = scenario_from_dict(data)
    result = solve(scenario, SolveSettings(**SHORT, lp_bound=False))
    if result.plan is None:
        return  # infeasible draws have no plan to hold the bounds to
    checked_plan(scenario, result)
    assert result.objective is not None
    lp = _lp(scenario)
    assert lp.bound is not None, lp.note
    unavoidable = unavoidable_cost(scenario, build_options(scenario)).total
    assert unavoidable <= lp.bound + 1e-6
    assert lp.bound <= result.objective + 1e-6
    mip = _lp(scenario, integer=True)
    assert mip.bound is not None, mip.note
    # Both are rounded up from HiGHS's values; the MIP's is the LP's or above.
    assert lp.bound - 1 <= mip.bound <= result.objective + 1e-6
    assert result.bound is not None and result.bound <= result.objective + 1e-6


def test_solve_reports_the_largest_bound_and_every_source() -> None:
    """The reported bound is the largest of those found, named by its source, and at
    least the unavoidable cost; plan.json carries the same figures."""
    scenario = tiny_scenario()
    result = solve(scenario, SolveSettings(time_limit=5.0, workers=1, deterministic_time=0.01))
    assert result.bound is not None and result.bound_source is not None
    assert result.bound == max(result.bounds.values())
    assert result.bounds[result.bound_source] == result.bound
    assert result.unavoidable is not None and result.bound >= result.unavoidable
    run = result.plan.run if result.plan is not None else None
    assert run is not None
    assert (run.bound, run.bound_source, run.unavoidable) == (
        result.bound,
        result.bound_source,
        result.unavoidable,
    )
    assert run.gap_decidable == decidable_gap(result.objective, result.bound, result.unavoidable)


def test_day_windows_say_why_cp_sat_gives_no_bound() -> None:
    """The day-window search proves no global bound: the note says so, the LP still counts."""
    result = solve(tiny_scenario(), SolveSettings(time_limit=3.0, strategy="days"))
    assert "cpsat" not in result.bounds
    assert result.bound_note is not None and "day windows" in result.bound_note
    assert "lp" in result.bounds and result.bound_source in ("lp", "unavoidable")


def test_mip_dual_bound_beside_the_search() -> None:
    """``mip_bound``: HiGHS's dual bound of the assignment MIP is reported as source "mip",
    at least the LP's and at most the plan's cost; skipped for size, a note says why."""
    result = solve(tiny_scenario(), SolveSettings(time_limit=3.0, strategy="days", mip_bound=True))
    assert result.objective is not None
    assert "mip" in result.bounds and "lp" in result.bounds
    assert result.bounds["lp"] - 1 <= result.bounds["mip"] <= result.objective + 1e-6
    assert result.bound == max(result.bounds.values())


def test_lp_and_mip_bounds_share_one_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """The LP and the MIP's dual bound beside the search come from one build of the
    assignment MIP (built in Python before the search starts), and both are reported."""
    from orplan.baselines import mip as mip_module

    builds = []
    real = mip_module.build_mip

    def counted(*args: Any, **kwargs: Any) -> Any:
        builds.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(mip_module, "build_mip", counted)
    result = solve(tiny_scenario(), SolveSettings(time_limit=3.0, strategy="days"))
    assert len(builds) == 1
    assert "lp" in result.bounds and "mip" in result.bounds


def test_skipped_mip_bound_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    """A MIP bound skipped for size names the reason as the MIP's."""
    monkeypatch.setattr(lp_bound, "LP_MAX_OPTIONS", 0)
    result = solve(tiny_scenario(), SolveSettings(time_limit=3.0, strategy="days", mip_bound=True))
    assert "mip" not in result.bounds
    assert result.bound_note is not None and "MIP skipped" in result.bound_note


def test_skipped_lp_bound_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    """An LP skipped for size or not asked for leaves a note naming the reason."""
    monkeypatch.setattr(lp_bound, "LP_MAX_OPTIONS", 0)
    fast = {**DETERMINISTIC, "deterministic_time": 0.01}
    result = solve(tiny_scenario(), SolveSettings(**fast))
    assert "lp" not in result.bounds
    assert result.bound_note is not None and "LP skipped" in result.bound_note
    result = solve(tiny_scenario(), SolveSettings(**fast, lp_bound=False))
    assert result.bound_note is not None and "not asked for" in result.bound_note


def test_objective_coefficients_of_cases_are_not_negative() -> None:
    """With a left-out literal per case, no case or option term rewards scheduling: CP-SAT's
    bound starts at 0, not at minus the waiting list (issue 17)."""
    model = build_model(_unavoidable_scenario()).model
    objective = model.proto.objective
    names = {i: model.proto.variables[i].name for i in objective.vars}
    case_terms = [
        coeff
        for var, coeff in zip(objective.vars, objective.coeffs, strict=True)
        if names[var].startswith(("x[", "unscheduled["))
    ]
    assert case_terms and min(case_terms) >= 0
    assert objective.offset >= 0


def test_benchmark_row_names_the_bound_and_the_unavoidable_cost() -> None:
    """The suite's record of a CP-SAT run carries bound_source, unavoidable and the gap on
    the decidable part, consistent with the bound and cost of the same row."""
    from benchmarks.run import COLUMNS, record

    from orplan.baselines import solve_cpsat

    row = record(solve_cpsat(tiny_scenario(), time_limit=3.0, workers=1))
    assert {"bound_source", "unavoidable", "gap_decidable"} <= set(COLUMNS)
    assert row["bound_source"] in ("cpsat", "lp", "unavoidable")
    assert row["unavoidable"] is not None and row["bound"] >= row["unavoidable"]
    assert row["gap_decidable"] == decidable_gap(row["objective"], row["bound"], row["unavoidable"])


def test_progress_shows_the_unavoidable_cost_when_the_search_bound_is_below_it() -> None:
    """CP-SAT's first bound can be far below zero; progress shows the best valid bound
    known instead, and no bound while the search has none (the start plan)."""
    from orplan.solver.settings import Progress
    from orplan.solver.solve import _best_known

    seen: list[Progress] = []
    show = _best_known(seen.append, 500.0)
    assert show is not None
    show(Progress(1.0, 1000.0, -1_388_000.0, 1389.0))
    show(Progress(2.0, 1000.0, None, None))
    show(Progress(3.0, 900.0, 700.0, 0.2))
    assert [p.bound for p in seen] == [500.0, None, 700.0]
    assert seen[0].gap == 0.5


def test_progress_reports_that_repeat_the_last_are_not_passed_on() -> None:
    """A report with the cost and bound of the one before is dropped (a plan a strategy
    takes over from another stage is neither new nor better); a new cost, a new bound, or
    the same cost after a different one, is passed on."""
    from orplan.solver.settings import Progress
    from orplan.solver.solve import _best_known

    seen: list[Progress] = []
    show = _best_known(seen.append, 0.0)
    assert show is not None
    for p in [
        Progress(1.0, 49_655.0, None, None),
        Progress(1.5, 49_655.0, None, None),
        Progress(2.0, 49_655.0, 36_005.0, 0.275),
        Progress(2.5, 49_655.0, 36_005.0, 0.275),
        Progress(3.0, 48_000.0, 36_005.0, 0.25),
    ]:
        show(p)
    assert [p.elapsed for p in seen] == [1.0, 2.0, 3.0]
    assert _best_known(None, 0.0) is None


def test_ctrl_c_does_not_wait_for_the_lp(monkeypatch: pytest.MonkeyPatch) -> None:
    """A search stopped by Ctrl-C returns its plan at once: the running LP is stopped, not
    waited for, and the note says why there is no LP bound."""
    import importlib

    from orplan.solver.search import with_reasons
    from orplan.solver.warmstart import start_plan

    def interrupted(scenario: Scenario, case_options: Any, *args: object) -> Any:
        rule = start_plan(scenario)
        assert rule is not None
        return (with_reasons(scenario, case_options, rule), "FEASIBLE", "interrupted", None,
                None, None)  # fmt: skip

    # The module, not the function orplan.solver exports under the same name.
    monkeypatch.setattr(
        importlib.import_module("orplan.solver.solve"), "solve_by_days", interrupted
    )
    result = solve(tiny_scenario(), SolveSettings(time_limit=30.0, strategy="days"))
    assert "lp" not in result.bounds
    assert result.bound_note is not None and "Ctrl-C" in result.bound_note


def test_a_bound_above_the_plan_is_flagged_and_proves_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A lower bound above a checked plan's cost can only be a bug: it is reported as
    found (never clamped), the note says it is not valid, and the plan is not called
    OPTIMAL because of it."""
    import importlib

    from orplan.solver.unavoidable import Unavoidable

    solve_module = importlib.import_module("orplan.solver.solve")
    monkeypatch.setattr(
        solve_module, "unavoidable_cost", lambda *_: Unavoidable(cases=10**9, idle=0, beds=0)
    )
    result = solve(tiny_scenario(), SolveSettings(time_limit=3.0, workers=1, strategy="days"))
    assert result.bound == 10**9 and result.bound_source == "unavoidable"
    assert result.status == "FEASIBLE"
    assert result.bound_note is not None and "not a valid bound" in result.bound_note
    assert result.plan is not None and result.plan.run is not None
    assert result.plan.run.bound_note == result.bound_note
