"""A brute-force oracle for tiny scenarios: every plan on the planning grid, judged by the
checker alone.

It shares no code with the CP-SAT model: the plans are enumerated from the scenario's
documented grid (start times are multiples of ``time_step`` minutes after midnight, see
``Scenario.time_step``), every case is tried unscheduled and in every session, at every grid
start from the session's opening to its latest closing, with every surgeon of the scenario.
The independent checker (:mod:`orplan.check`) decides which plans keep the hard rules of
docs/rules.md and what they cost. The cheapest accepted plan is therefore the optimum over
the same start grid the solver searches, so a solver's proven optimum must cost exactly the
same, and a scenario the solver calls infeasible must have no accepted plan.

Exhaustive search is exponential in the number of cases; it is meant for 1-4 cases in one or
two short sessions on a 10- or 15-minute grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from orplan.check import check, find_violations
from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario import Scenario

#: Hard rules whose violations adding a scheduled case can remove: every other rule of
#: docs/rules.md only gains violations when a case is added (capacities, overlaps, orders and
#: per-case rules), so a partial plan that breaks one can be dropped with all its extensions.
#: ``mandatory-scheduled`` is cured by scheduling the case; ``session-overtime-risk`` can be
#: cured by an earlier first case, which shortens the session's planned minutes.
NOT_MONOTONE = frozenset({"mandatory-scheduled", "session-overtime-risk"})


class SearchTooLargeError(RuntimeError):
    """The scenario has more candidate plans than the oracle is allowed to enumerate."""


@dataclass(frozen=True)
class Optimum:
    """What the exhaustive search found.

    Attributes
    ----------
    cost
        The lowest checker cost of a plan that keeps every hard rule; None when the checker
        accepts no plan on the grid.
    plan
        One cheapest accepted plan (None with ``cost``).
    accepted
        How many complete plans the checker accepted.
    """

    cost: int | None
    plan: Plan | None
    accepted: int


def grid_starts(scenario: Scenario, open_: int, last: int) -> range:
    """Grid start minutes from ``open_`` (rounded up to the grid) to ``last`` inclusive."""
    step = scenario.time_step
    return range(math.ceil(open_ / step) * step, last + 1, step)


def _kept(scenario: Scenario, entries: list[CaseAssignment]) -> bool:
    """Whether no rule outside :data:`NOT_MONOTONE` is broken by the (partial) plan."""
    violations = find_violations(scenario, Plan(cases=entries))
    return all(v.rule in NOT_MONOTONE for v in violations)


def candidates(scenario: Scenario) -> list[list[CaseAssignment]]:
    """Each case's entries that the checker accepts with every other case unscheduled.

    Parameters
    ----------
    scenario
        A tiny scenario.

    Returns
    -------
    list of list of CaseAssignment
        Per case, in scenario order: the unscheduled entry first, then every scheduled entry
        (session, grid start, surgeon) that breaks no monotone rule on its own. An entry that
        does break one on its own breaks it in every plan, so nothing is lost.
    """
    off = [CaseAssignment(case=c.id, scheduled=False) for c in scenario.cases]
    out: list[list[CaseAssignment]] = []
    for ci, case in enumerate(scenario.cases):
        mine = [off[ci]]
        for session in scenario.sessions:
            last = session.close + session.overtime
            for start in grid_starts(scenario, session.open, last):
                for surgeon in scenario.surgeons:
                    entry = CaseAssignment.placed(case, session, start, surgeon.id)
                    if _kept(scenario, [*off[:ci], entry, *off[ci + 1 :]]):
                        mine.append(entry)
        out.append(mine)
    return out


def brute_force(scenario: Scenario, max_plans: int = 50_000) -> Optimum:
    """The cheapest plan the checker accepts, over every plan on the planning grid.

    Parameters
    ----------
    scenario
        A tiny scenario (a few cases, one or two short sessions).
    max_plans
        Refuse scenarios whose product of per-case candidate counts is larger (the search
        would take too long to be a test).

    Returns
    -------
    Optimum

    Raises
    ------
    SearchTooLargeError
        If the scenario has more than ``max_plans`` candidate plans.
    """
    options = candidates(scenario)
    size = math.prod(len(o) for o in options)
    if size > max_plans:
        raise SearchTooLargeError(f"{size} candidate plans (limit {max_plans})")
    best: tuple[int, Plan] | None = None
    accepted = 0
    chosen: list[CaseAssignment] = [o[0] for o in options]  # all unscheduled

    def extend(depth: int) -> None:
        nonlocal best, accepted
        if depth == len(options):
            report = check(scenario, Plan(cases=list(chosen)))
            if report.ok:
                accepted += 1
                if best is None or report.cost.total < best[0]:
                    best = (report.cost.total, Plan(cases=list(chosen)))
            return
        for entry in options[depth]:
            chosen[depth] = entry
            # The cases after ``depth`` are still unscheduled here, so this judges the plan
            # made so far; depth 0 was judged alone by ``candidates``.
            if depth == 0 or not entry.scheduled or _kept(scenario, chosen):
                extend(depth + 1)
        chosen[depth] = options[depth][0]

    extend(0)
    if best is None:
        return Optimum(None, None, 0)
    return Optimum(best[0], best[1], accepted)
