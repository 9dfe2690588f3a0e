r"""The small whole model with ``mip_start``: CP-SAT, then HiGHS from its plan, then CP-SAT.

Up to :data:`~orplan.solver.strategies.SMALL_MODEL_MAX_OPTIONS` options the whole CP-SAT
model is searched alone, and it mostly proves its plan optimal. When it does not within
:data:`FIRST_SHARE` of the limit, its incumbent goes to the MIP-start stage of
:mod:`orplan.solver.mipstart` over *every* option (the model is small, so the MIP is too):
HiGHS improves the assignment from it and proves a dual bound of the assignment MIP, a valid
bound of every plan (source ``mip``). The cheaper plan then seeds the whole model again for
the rest of the limit, which re-times it exactly and compacts it; when HiGHS's bound already
equals the plan's cost the plan is proven optimal and that last search only compacts.

Measured on scale-t4-s1 (80 cases, 241 options; 60 s, 2 workers; docs/solver.md): the whole
model ends at 10,755 after 30 s, HiGHS from that plan finds and proves 10,595 in 10.5 s,
and the re-timed plan costs 10,595: the MIP baseline's optimum, which the whole model alone
missed in 60 s (10,775).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from orplan.plan.model import Plan
from orplan.scenario.model import Scenario
from orplan.solver.lp_bound import LpOutcome
from orplan.solver.options import CaseOptions
from orplan.solver.search import with_reasons
from orplan.solver.settings import Progress, Result, SolveSettings
from orplan.solver.strategies import Outcome, solve_whole

__all__ = ["FIRST_SHARE", "solve_whole_mip_start"]

#: Share of the limit the whole model gets before the MIP-start stage. The demo (95
#: options) is proven in about 6 s, so at the default 30 s it never reaches the stage.
FIRST_SHARE = 0.4

#: Shares of the time left after the first search: HiGHS, then the CP-SAT re-timing (as in
#: ``decompose``'s stage 2b); the last search gets the rest.
MIP_SHARE = 0.5
TIMING_SHARE = 0.2

#: HiGHS stops at a relative gap of 1e-4 by default, which on a 10,000 cost leaves its bound
#: one unit short of a proof. Costs are integers: a gap below 1 is a proof.
EXACT = {"mip_rel_gap": 0.0, "mip_abs_gap": 0.999}


def solve_whole_mip_start(
    scenario: Scenario,
    case_options: list[CaseOptions],
    settings: SolveSettings,
    progress: Callable[[Progress], None] | None,
    began: float,
    start: Plan | None = None,
) -> tuple[Result | Outcome, LpOutcome | None]:
    """Run the three searches (module docstring).

    Parameters
    ----------
    scenario, case_options, settings, progress, began, start
        As for :func:`orplan.solver.strategies.solve_whole`.

    Returns
    -------
    tuple
        The outcome, as :func:`~orplan.solver.strategies.solve_whole` returns it (CP-SAT's
        bound is the higher of its two searches'), and HiGHS's dual bound as an
        :class:`~orplan.solver.lp_bound.LpOutcome` (None when the stage did not run).
    """
    from orplan.solver.decompose import checked_cost, monotone
    from orplan.solver.mipstart import improve_assignment

    report = monotone(progress)
    spent = time.perf_counter() - began
    first = replace(
        settings, time_limit=spent + FIRST_SHARE * max(0.0, settings.time_limit - spent)
    )
    outcome = solve_whole(scenario, case_options, first, report, began, start)
    if isinstance(outcome, Result) or outcome[1] == "OPTIMAL" or outcome[2] == "interrupted":
        return outcome, None
    entries, _status, _stopped, cpsat_bound, _objective, first_time = outcome
    incumbent = Plan(cases=entries)
    left = settings.time_limit - (time.perf_counter() - began)
    if left < 2.0:
        return outcome, None
    clock = time.perf_counter()
    try:
        stage = improve_assignment(
            scenario, case_options, settings, report, began, incumbent,
            mip_time=MIP_SHARE * left, timing_time=TIMING_SHARE * left,
            highs_options=EXACT,
        )  # fmt: skip
    except KeyboardInterrupt:  # while HiGHS runs (a child process)
        return (entries, "FEASIBLE", "interrupted", cpsat_bound, None, first_time), None
    note = None if stage.bound is not None else _why_no_bound(stage.status)
    mip = LpOutcome(stage.bound, note, time.perf_counter() - clock)
    best, cost = incumbent, checked_cost(scenario, incumbent)
    if stage.plan is not None and stage.final_cost is not None and stage.final_cost < cost:
        best, cost = stage.plan, stage.final_cost
        if report is not None:
            report(Progress(time.perf_counter() - began, cost, None, None))
    if stage.interrupted:
        plan_entries = with_reasons(scenario, case_options, best)
        return (plan_entries, "FEASIBLE", "interrupted", cpsat_bound, None, first_time), mip
    proven = stage.bound is not None and stage.bound >= cost
    last = settings
    if proven:
        # Nothing cheaper exists: the last search only re-times and compacts the plan.
        now = time.perf_counter() - began
        last = replace(settings, time_limit=min(settings.time_limit, now + max(2.0, 0.1 * now)))
    whole = solve_whole(scenario, case_options, last, report, began, start=best)
    if isinstance(whole, Result):
        # No plan from the last search in time: the best plan so far (checked in solve).
        stopped = "optimal" if proven else "time_limit"
        plan_entries = with_reasons(scenario, case_options, best)
        return (plan_entries, "FEASIBLE", stopped, cpsat_bound, None, first_time), mip
    plan_entries, status, stopped_by, bound, objective, _ = whole
    bounds = [b for b in (cpsat_bound, bound) if b is not None]
    if proven and stopped_by == "time_limit":
        stopped_by = "optimal"  # stopped early because HiGHS's bound proved the plan
    best_bound = max(bounds) if bounds else None
    return (plan_entries, status, stopped_by, best_bound, objective, first_time), mip


def _why_no_bound(status: str | None) -> str:
    """The note of a missing MIP bound from the stage."""
    if status is None:
        return "MIP-start stage: the HiGHS worker failed"
    return f"MIP-start stage ended without a dual bound ({status})"
