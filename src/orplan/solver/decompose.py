r"""``--strategy decompose``: the LP picks candidate sessions, HiGHS assigns, CP-SAT polishes.

Three stages, each a plan the next starts from:

1. **Candidates.** The LP relaxation of the assignment MIP (:mod:`orplan.solver.lp_bound`,
   already running for the bound) puts weight :math:`\bar x_{cs} > 0` on few
   (case, session) pairs — on pilot-week-s1 about a fifth of the options.
2. **Assign and time.** The MIP baseline (:func:`orplan.baselines.mip.solve_mip`) restricted
   to those pairs, for 35 % of the time left: HiGHS assigns cases to sessions, sessions are
   timed greedily and cases that do not fit are repaired elsewhere (a checked plan). Then
   the CP-SAT model with each case offered only its MIP session (plus its candidates if it
   must be scheduled, and the session the plan gave it), hinted with that plan, re-times
   the sessions exactly for a quarter of the time left: greedy timing drops cases that fit.
   (If HiGHS gives no plan: the CP-SAT model restricted to the candidate options and the
   start plan's sessions, :func:`candidate_options`, for half the time left.)
3. **Polish.** The whole CP-SAT model, hinted with stage 2's plan, for the rest of the time:
   its LNS workers move cases to sessions the LP did not pick, re-time sessions exactly,
   and it proves CP-SAT's bound.

Without an LP solution (skipped for size, failed, or ``lp_bound=False``) the strategy is
``both`` (day windows, then the whole model).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from orplan.plan.model import Plan
from orplan.scenario.model import Scenario
from orplan.solver.lp_bound import LpBound, LpOutcome
from orplan.solver.options import CaseOptions
from orplan.solver.search import with_reasons
from orplan.solver.settings import Progress, Result, SolveSettings
from orplan.solver.strategies import Outcome, solve_both, solve_whole
from orplan.solver.warmstart import start_plan

__all__ = ["candidate_options", "solve_decompose"]


def candidate_options(
    scenario: Scenario,
    case_options: list[CaseOptions],
    candidates: dict[int, set[int]],
    start: Plan | None,
) -> list[CaseOptions]:
    """Each case's options cut down to the LP's candidate sessions and the start's session.

    Parameters
    ----------
    scenario
        The scenario (to find the start's sessions by id).
    case_options
        All options of every case.
    candidates
        Case index -> session indices with positive LP weight.
    start
        A checked plan whose sessions are kept, so it remains a valid hint.

    Returns
    -------
    list of CaseOptions
        Same cases, in the same order, with fewer options.
    """
    session_index = {s.id: si for si, s in enumerate(scenario.sessions)}
    started: dict[str, int] = {}
    if start is not None:
        for placed in start.cases:
            if placed.scheduled and placed.session is not None:
                started[placed.case] = session_index[str(placed.session)]
    out = []
    for entry in case_options:
        keep = set(candidates.get(entry.index, set()))
        if entry.case.id in started:
            keep.add(started[entry.case.id])
        out.append(replace(entry, options=[o for o in entry.options if o.session in keep]))
    return out


def solve_decompose(
    scenario: Scenario,
    case_options: list[CaseOptions],
    settings: SolveSettings,
    progress: Callable[[Progress], None] | None,
    began: float,
    lp: LpBound | LpOutcome | None,
) -> tuple[Result | Outcome, LpBound | LpOutcome | None]:
    """Run the three stages (module docstring); return the outcome and the collected LP.

    Parameters
    ----------
    scenario, case_options, settings, progress, began
        As for :func:`orplan.solver.strategies.solve_whole`.
    lp
        The LP started by :func:`orplan.solver.solve.solve` (None when not asked for); it is
        collected here, within a fifth of the time limit, and handed back for the bound.
    """
    try:
        if isinstance(lp, LpBound):
            left = settings.time_limit - (time.perf_counter() - began)
            lp = lp.collect(max(1.0, 0.2 * left))
        if lp is None or lp.candidates is None:
            return solve_both(scenario, case_options, settings, progress, began), lp
        start = _assigned_and_timed(
            scenario, case_options, settings, progress, began, lp.candidates
        )
    except KeyboardInterrupt:
        # Ctrl-C while HiGHS runs (a child process, outside CP-SAT's own Ctrl-C handling):
        # stop as the other strategies do, with the best plan so far - the planner's rule.
        if isinstance(lp, LpBound):
            lp = lp.cancel("LP stopped by Ctrl-C")
        rule = start_plan(scenario)
        if rule is None:
            raise
        entries = with_reasons(scenario, case_options, rule)
        return (entries, "FEASIBLE", "interrupted", None, None, None), lp
    if start is None:
        start = start_plan(scenario) if settings.warm_start else None
        restricted = candidate_options(scenario, case_options, lp.candidates, start)
        spent = time.perf_counter() - began
        first = replace(
            settings, time_limit=spent + 0.5 * max(0.0, settings.time_limit - spent), compact=False
        )
        outcome = solve_whole(scenario, restricted, first, _no_bound(progress), began, start)
        if not isinstance(outcome, Result):
            start = Plan(cases=outcome[0])
    first_time = time.perf_counter() - began
    whole = solve_whole(scenario, case_options, settings, progress, began, start=start)
    if isinstance(whole, Result) and start is not None:
        # No plan from the whole model in time: stage 2's plan it is (checked in solve).
        return (with_reasons(scenario, case_options, start), "FEASIBLE", "time_limit", None,
                None, first_time), lp  # fmt: skip
    if isinstance(whole, Result):
        return whole, lp
    plan_entries, status, stopped_by, bound, objective, _ = whole
    return (plan_entries, status, stopped_by, bound, objective, first_time), lp


def _assigned_and_timed(
    scenario: Scenario,
    case_options: list[CaseOptions],
    settings: SolveSettings,
    progress: Callable[[Progress], None] | None,
    began: float,
    candidates: dict[int, set[int]],
) -> Plan | None:
    """Stage 2: HiGHS assigns cases among the candidate pairs, then the CP-SAT model with
    each case offered only its assigned session times the sessions (cases that do not fit
    stay out); a plan, or None when either step gave none."""
    from orplan.baselines.mip import solve_mip

    left = settings.time_limit - (time.perf_counter() - began)
    try:
        result = solve_mip(
            scenario, time_limit=max(1.0, 0.35 * left), workers=1, seed=settings.seed,
            candidates=candidates,
        )  # fmt: skip
    except RuntimeError:
        return None  # the HiGHS worker failed: the restricted CP-SAT model takes over
    if result.plan is None or result.report is None or not result.report.ok:
        return None
    timed = Plan(cases=result.plan.cases, run=result.plan.run)
    if progress is not None:
        progress(Progress(time.perf_counter() - began, result.objective, None, None))
    assigned = {ci: {si} for ci, (si, _name) in result.extra.get("assignment", {}).items()}
    for entry in case_options:
        if entry.case.must_schedule:
            # A case that must be scheduled keeps every candidate, so the timing model has
            # room to move it when its MIP session is full.
            assigned.setdefault(entry.index, set()).update(candidates.get(entry.index, set()))
    # The sequenced plan (where each case went, dropped ones repaired elsewhere) is the
    # hint; CP-SAT re-times each MIP session exactly, which greedy timing could not.
    timing = candidate_options(scenario, case_options, assigned, timed)
    spent = time.perf_counter() - began
    first = replace(
        settings, time_limit=spent + 0.25 * max(0.0, settings.time_limit - spent), compact=False
    )
    outcome = solve_whole(scenario, timing, first, _no_bound(progress), began, start=timed)
    if isinstance(outcome, Result):
        return timed
    return Plan(cases=outcome[0])


def _no_bound(
    progress: Callable[[Progress], None] | None,
) -> Callable[[Progress], None] | None:
    """Progress of a restricted model without its bound: it holds for the restricted
    options only, not for the plan."""
    if progress is None:
        return None
    report = progress

    def without(p: Progress) -> None:
        report(replace(p, bound=None, gap=None))

    return without
