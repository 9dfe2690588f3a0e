r"""``--strategy decompose``: the LP picks candidate sessions, HiGHS assigns, CP-SAT polishes.

First the planner's-rule plan (warm start) and then the LP rounded
(:func:`~orplan.solver.firstplan.lp_rounded_plan`) are published as the incumbent, so a
checked plan exists within about a second; then three stages, each a plan the next starts
from (a stage's plan replaces the incumbent only when cheaper):

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
   With ``mip_start`` (the default), then HiGHS from the incumbent's assignment as a MIP start
   and CP-SAT re-timing its new assignment (:mod:`orplan.solver.mipstart`).
3. **Polish.** The whole CP-SAT model, hinted with stage 2's plan, for the rest of the time:
   its LNS workers move cases to sessions the LP did not pick, re-time sessions exactly,
   and it proves CP-SAT's bound.

Without an LP solution (skipped for size, failed, or ``lp_bound=False``) the strategy is
``both`` (day windows, then the whole model).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace

from orplan.plan.model import Plan
from orplan.scenario.model import Scenario
from orplan.solver.firstplan import lp_rounded_plan, plan_cost
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

    The first plan is published at once: the planner's rule (``warm_start``), then the LP
    rounded (:func:`~orplan.solver.firstplan.lp_rounded_plan`) if cheaper. It is the
    incumbent until a stage finds a cheaper plan, and what Ctrl-C returns meanwhile;
    progress reports never go up in cost.

    Parameters
    ----------
    scenario, case_options, settings, progress, began
        As for :func:`orplan.solver.strategies.solve_whole`.
    lp
        The LP started by :func:`orplan.solver.solve.solve` (None when not asked for); it is
        collected here, within a fifth of the time limit, and handed back for the bound.
    """
    report = monotone(progress)
    best = Incumbent(scenario, report, began)
    if settings.warm_start:
        best.offer(start_plan(scenario))
    try:
        if isinstance(lp, LpBound):
            left = settings.time_limit - (time.perf_counter() - began)
            lp = lp.collect(max(1.0, 0.2 * left))
        if lp is None or lp.candidates is None:
            return solve_both(scenario, case_options, settings, report, began), lp
        if lp.weights:
            best.offer(lp_rounded_plan(scenario, case_options, lp.weights))
        start, interrupted = _assigned_and_timed(
            scenario, case_options, settings, report, began, lp.candidates
        )
    except KeyboardInterrupt:
        # Ctrl-C while HiGHS runs (a child process, outside CP-SAT's own Ctrl-C handling):
        # stop as the other strategies do, with the best plan so far.
        if isinstance(lp, LpBound):
            lp = lp.cancel("LP stopped by Ctrl-C")
        if best.plan is None:
            rule = start_plan(scenario)
            if rule is None:
                raise
            best.offer(rule)
        return best.outcome(case_options, "interrupted"), lp
    if start is None and not interrupted:
        start = best.plan
        restricted = candidate_options(scenario, case_options, lp.candidates, start)
        spent = time.perf_counter() - began
        first = replace(
            settings, time_limit=spent + 0.5 * max(0.0, settings.time_limit - spent), compact=False
        )
        outcome = solve_whole(scenario, restricted, first, _no_bound(report), began, start)
        if not isinstance(outcome, Result):
            start = Plan(cases=outcome[0])
            interrupted = outcome[2] == "interrupted"
    best.offer(start)
    if interrupted:
        return best.outcome(case_options, "interrupted"), lp
    if settings.mip_start and best.plan is not None:
        try:
            interrupted = _improved(
                scenario, case_options, settings, report, began, lp.candidates, best
            )
        except KeyboardInterrupt:  # while HiGHS runs (a child process)
            interrupted = True
        if interrupted:
            return best.outcome(case_options, "interrupted"), lp
    whole = solve_whole(scenario, case_options, settings, report, began, start=best.plan)
    if isinstance(whole, Result) and best.plan is not None:
        # No plan from the whole model in time: the best plan so far (checked in solve).
        return best.outcome(case_options, "time_limit"), lp
    if isinstance(whole, Result):
        return whole, lp
    plan_entries, status, stopped_by, bound, objective, _ = whole
    return (plan_entries, status, stopped_by, bound, objective, best.first_time), lp


class Incumbent:
    """The cheapest checked plan so far, published through ``progress`` when it improves."""

    def __init__(
        self, scenario: Scenario, progress: Callable[[Progress], None] | None, began: float
    ) -> None:
        self.scenario = scenario
        self.progress = progress
        self.began = began
        self.plan: Plan | None = None
        self.cost = math.inf
        self.first_time: float | None = None

    def offer(self, plan: Plan | None) -> None:
        """Keep ``plan`` (a checked plan) if it is cheaper than the incumbent and report it."""
        if plan is None:
            return
        cost = plan_cost(self.scenario, plan)
        if cost >= self.cost:
            return
        self.plan, self.cost = plan, cost
        elapsed = time.perf_counter() - self.began
        if self.first_time is None:
            self.first_time = elapsed
        if self.progress is not None:
            self.progress(Progress(elapsed, cost, None, None))

    def outcome(self, case_options: list[CaseOptions], stopped_by: str) -> Outcome:
        """The incumbent as the solve's outcome (there must be one)."""
        assert self.plan is not None
        entries = with_reasons(self.scenario, case_options, self.plan)
        return entries, "FEASIBLE", stopped_by, None, None, self.first_time


def monotone(
    progress: Callable[[Progress], None] | None,
) -> Callable[[Progress], None] | None:
    """Progress without the reports of plans costlier than one already reported (a stage
    restarting from an older plan, or a restricted model's first solutions)."""
    if progress is None:
        return None
    report = progress
    lowest = [math.inf]

    def monotone(p: Progress) -> None:
        if p.objective is not None:
            if p.objective > lowest[0] + 1e-9:
                return
            lowest[0] = p.objective
        report(p)

    return monotone


def _assigned_and_timed(
    scenario: Scenario,
    case_options: list[CaseOptions],
    settings: SolveSettings,
    progress: Callable[[Progress], None] | None,
    began: float,
    candidates: dict[int, set[int]],
) -> tuple[Plan | None, bool]:
    """Stage 2: HiGHS assigns cases among the candidate pairs, then the CP-SAT model with
    each case offered only its assigned session times the sessions (cases that do not fit
    stay out); a plan (None when either step gave none) and whether Ctrl-C stopped it."""
    from orplan.baselines.mip import solve_mip

    left = settings.time_limit - (time.perf_counter() - began)
    try:
        result = solve_mip(
            scenario, time_limit=max(1.0, 0.35 * left), workers=1, seed=settings.seed,
            candidates=candidates,
        )  # fmt: skip
    except RuntimeError:
        return None, False  # the HiGHS worker failed: the restricted CP-SAT model takes over
    if result.plan is None or result.report is None or not result.report.ok:
        return None, False
    timed = Plan(cases=result.plan.cases, run=result.plan.run)
    if progress is not None:
        progress(Progress(time.perf_counter() - began, result.objective, None, None))
    left = settings.time_limit - (time.perf_counter() - began)
    return retimed(
        scenario, case_options, settings, progress, began,
        result.extra.get("assignment", {}), candidates, timed, 0.25 * max(0.0, left),
    )  # fmt: skip


def retimed(
    scenario: Scenario,
    case_options: list[CaseOptions],
    settings: SolveSettings,
    progress: Callable[[Progress], None] | None,
    began: float,
    chosen: dict[int, tuple[int, str]],
    candidates: dict[int, set[int]] | None,
    timed: Plan,
    seconds: float,
) -> tuple[Plan, bool]:
    """Exact timing of greedily timed sessions (stage 2, and :mod:`orplan.solver.mipstart`).

    The CP-SAT model with each case offered only its ``chosen`` session (plus
    ``candidates`` when it must be scheduled, and the session ``timed`` gave it), hinted
    with the checked plan ``timed``, for ``seconds``. Returns the cheaper (by the
    independent checker) of its plan and ``timed``, and whether Ctrl-C stopped the search.
    """
    assigned = {ci: {si} for ci, (si, _name) in chosen.items()}
    for entry in case_options:
        if entry.case.must_schedule and candidates is not None:
            # A case that must be scheduled keeps every candidate, so the timing model has
            # room to move it when its assigned session is full.
            assigned.setdefault(entry.index, set()).update(candidates.get(entry.index, set()))
    timing = candidate_options(scenario, case_options, assigned, timed)
    spent = time.perf_counter() - began
    limited = replace(settings, time_limit=spent + seconds, compact=False)
    outcome = solve_whole(scenario, timing, limited, _no_bound(progress), began, start=timed)
    if isinstance(outcome, Result):
        return timed, False
    plan = Plan(cases=outcome[0])
    interrupted = outcome[2] == "interrupted"
    return (plan if checked_cost(scenario, plan) <= checked_cost(scenario, timed) else timed), (
        interrupted
    )


def checked_cost(scenario: Scenario, plan: Plan) -> float:
    """The independent checker's cost of ``plan`` (infinite when it breaks a hard rule)."""
    from orplan.check import check

    report = check(scenario, plan)
    return float(report.cost.total) if report.ok else math.inf


def _improved(
    scenario: Scenario,
    case_options: list[CaseOptions],
    settings: SolveSettings,
    progress: Callable[[Progress], None] | None,
    began: float,
    candidates: dict[int, set[int]],
    best: Incumbent,
) -> bool:
    """Stage 2b (``settings.mip_start``): HiGHS from the incumbent's assignment for 35 % of
    the time left, CP-SAT re-timing for 30 %; the plan is offered to ``best``, which keeps it
    only when cheaper. Measured on pilot-week-s1 (docs/solver.md): the restricted MIP's
    objective 43.9k -> 40.7k in 7 s; the re-timed plan 44,225 -> 43,560. Returns whether
    Ctrl-C stopped the re-timing."""
    from orplan.solver.mipstart import improve_assignment

    left = settings.time_limit - (time.perf_counter() - began)
    if best.plan is None or left < 2.0:
        return False
    stage = improve_assignment(
        scenario, case_options, settings, progress, began, best.plan,
        mip_time=0.35 * left, timing_time=0.3 * left, candidates=candidates, restrict=True,
    )  # fmt: skip
    best.offer(stage.plan)
    return stage.interrupted


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
