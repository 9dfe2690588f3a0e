"""The logic-based Benders bound: never above a proven optimum, never below the LP bound,
and above the LP where start times cost something the assignment cannot see."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, given, settings

from orplan import solve
from orplan.scenario import Scenario, scenario_from_dict
from orplan.solver import SolveSettings
from orplan.solver.benders import BendersSettings, benders_bound
from orplan.solver.benders_sub import benders_refusal
from orplan.solver.lp_bound import LpBound, LpOutcome, start_lp_bound
from orplan.solver.options import build_options
from tests.builders import DETERMINISTIC, case, make
from tests.strategies import clinical_scenarios

#: Far more than the tiny scenarios' masters need (each is solved to optimality and the
#: loop stops when no cut is broken), so that a busy machine cannot change an outcome.
QUICK = BendersSettings(time_limit=600.0, first_master=120.0, final_share=0.0, sub_time=30.0)


def _lp(scenario: Scenario) -> LpOutcome:
    running = start_lp_bound(scenario, build_options(scenario), 300.0)
    return running.collect(600.0) if isinstance(running, LpBound) else running


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=clinical_scenarios())
def test_benders_bound_lies_between_the_lp_bound_and_the_optimum(data: dict[str, Any]) -> None:
    """LP bound <= Benders bound <= optimum, on scenarios CP-SAT solves to optimality."""
    scenario = scenario_from_dict(data)
    result = solve(scenario, SolveSettings(**DETERMINISTIC, lp_bound=False))
    if result.status != "OPTIMAL" or result.objective is None:
        return  # no proven optimum to hold the bound to
    outcome = benders_bound(scenario, build_options(scenario), QUICK)
    event(f"{outcome.cuts} cuts" if outcome.cuts < 2 else "2+ cuts")
    if benders_refusal(scenario) is not None:
        assert outcome.bound is None
        return
    assert outcome.bound is not None, outcome.note
    assert outcome.bound <= result.objective + 1e-6
    lp = _lp(scenario)
    assert lp.bound is not None, lp.note
    assert lp.bound <= outcome.bound + 1e-6


def _clash() -> Scenario:
    """One surgeon, two 2-hour sessions side by side (2 h of overtime allowed), two
    mandatory 2-hour cases and no turnover: the assignment puts one case in each theatre at
    no overtime, but the surgeon operates one after the other, so one runs 2 h over."""
    sessions = [
        {"theatre": t, "date": "2027-03-01", "open": "08:00", "close": "10:00", "overtime": 120}
        for t in ("OR1", "OR2")
    ]
    changes = {
        "horizon": {"start": "2027-03-01", "days": 1},
        "default_turnover": 0,
        "theatres": [{"id": "OR1", "site": "main"}, {"id": "OR2", "site": "main"}],
        "sessions": sessions,
    }
    return make(changes, [case("A", 120, mandatory=True), case("B", 120, mandatory=True)])


def test_benders_bound_sees_the_surgeon_clash_the_lp_misses() -> None:
    """Split over two theatres: a theatre change (30) and 120 min of overtime (240);
    both in one theatre: 120 min of overtime and 120 idle minutes (360). The LP sees only
    at most the theatre change (half a case in each theatre costs it nothing); the Benders
    cut on the surgeon's component adds the overtime, and the bound is the optimum."""
    scenario = _clash()
    w = scenario.weights
    result = solve(scenario, SolveSettings(**DETERMINISTIC, lp_bound=False))
    assert result.status == "OPTIMAL"
    assert result.objective == w.theatre_change + 120 * w.overtime_minute
    lp = _lp(scenario)
    assert lp.bound is not None and lp.bound <= w.theatre_change
    outcome = benders_bound(scenario, build_options(scenario), QUICK)
    assert outcome.bound == result.objective


def test_a_cut_prices_the_queue_of_early_cases() -> None:
    """Three diabetic (early) 60-min cases in one session start at 0, 60 and 120 min after
    opening: early cost 180. The master's queue row sees only 60 x (3 - 1) = 120; the
    subproblem's cut gives the rest, and the bound is the optimum."""
    cases = [case(c, 60, mandatory=True, flags=["diabetic"]) for c in "ABC"]
    scenario = make({"default_turnover": 0}, cases)
    result = solve(scenario, SolveSettings(**DETERMINISTIC, lp_bound=False))
    assert result.status == "OPTIMAL" and result.objective is not None
    lp = _lp(scenario)
    assert lp.bound is not None and lp.bound < result.objective
    outcome = benders_bound(scenario, build_options(scenario), QUICK)
    assert outcome.bound == result.objective
    assert outcome.cuts >= 1


def test_benders_refuses_a_cost_that_is_not_monotone() -> None:
    """The break-in cost can fall when a case is added: no bound, and a note says why."""
    scenario = make({"weights": {"break_in_interval": 1}}, [case("A", 60)])
    outcome = benders_bound(scenario, build_options(scenario), QUICK)
    assert outcome.bound is None
    assert outcome.note is not None and "monotone" in outcome.note


def test_a_solve_reports_the_benders_bound_as_its_source() -> None:
    """Without a proof from the search, the Benders bound is collected and, being the
    largest, names the bound's source."""
    import time

    from orplan.solver.benders import BendersRun
    from orplan.solver.bound_runs import collect_bounds
    from orplan.solver.settings import best_bound

    scenario = _clash()
    options = build_options(scenario)
    run = BendersRun(scenario, options, QUICK)
    settings = SolveSettings(time_limit=600.0, lp_bound=False, benders_bound=True)
    bounds, notes = collect_bounds(
        scenario, options, "FEASIBLE", "time_limit", None, None, 0.0, settings,
        time.perf_counter(), run,
    )  # fmt: skip
    assert "benders" in bounds, notes
    assert best_bound(bounds) == ("benders", bounds["benders"])
