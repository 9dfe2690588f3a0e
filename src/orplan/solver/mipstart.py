r"""HiGHS improves a plan's assignment from a MIP start, then CP-SAT re-times it.

The assignment MIP of :mod:`orplan.baselines.mip`, built over the CP-SAT model's own options
(as :func:`orplan.solver.lp_bound.start_lp_bound` builds it) and tightened with the timing
rows of :mod:`orplan.solver.benders_rows`, is given to HiGHS with the plan's assignment
(each case's session and surgeon) as a MIP start. HiGHS completes the start (overtime, idle
time, theatre changes) and its heuristics (RINS, local search around the incumbent) look
for a cheaper assignment. A new assignment is timed as the MIP baseline times one (sessions
greedily on the time grid, dropped cases repaired by the rule's first fit: a plan the
independent checker accepts), then the CP-SAT model with each case offered only its new
session re-times the sessions exactly (:func:`orplan.solver.decompose.retimed`).

The stage returns a plan or None; the caller keeps it only when it is cheaper than its
incumbent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from orplan.plan.model import Plan
from orplan.scenario.model import Scenario
from orplan.solver.options import CaseOptions
from orplan.solver.settings import Progress, SolveSettings

__all__ = ["MipStartOutcome", "assignment_of", "improve_assignment"]


@dataclass
class MipStartOutcome:
    """What the stage did (for the experiment and the logs)."""

    plan: Plan | None = None
    #: The start's MIP objective (HiGHS's first incumbent when it took the start).
    start_objective: float | None = None
    #: HiGHS's best MIP objective and the seconds after its start at which it was found.
    best_objective: float | None = None
    best_time: float | None = None
    status: str | None = None
    #: Cases whose (session, surgeon) differs from the start.
    moved: int = 0
    #: Checker cost of the greedily timed plan, and of the re-timed one.
    sequenced_cost: float | None = None
    final_cost: float | None = None
    #: HiGHS's proven dual bound of the MIP over every option (a valid bound of every plan;
    #: None for a ``restrict``-ed MIP, whose bound holds for its options only).
    bound: float | None = None
    #: Ctrl-C stopped the re-timing (the caller should stop too).
    interrupted: bool = False
    events: list[tuple[float, float, float]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def assignment_of(scenario: Scenario, plan: Plan) -> dict[int, tuple[int, str]]:
    """Case index -> (session index, surgeon) of the scheduled cases of ``plan``."""
    case_index = {c.id: ci for ci, c in enumerate(scenario.cases)}
    session_index = {s.id: si for si, s in enumerate(scenario.sessions)}
    out: dict[int, tuple[int, str]] = {}
    for placed in plan.cases:
        if placed.scheduled and placed.session is not None and placed.surgeon is not None:
            out[case_index[placed.case]] = (session_index[str(placed.session)], placed.surgeon)
    return out


def improve_assignment(
    scenario: Scenario,
    case_options: list[CaseOptions],
    settings: SolveSettings,
    progress: Callable[[Progress], None] | None,
    began: float,
    incumbent: Plan,
    *,
    mip_time: float,
    timing_time: float,
    candidates: dict[int, set[int]] | None = None,
    timing_rows: bool = True,
    highs_options: dict[str, Any] | None = None,
    restrict: bool = False,
) -> MipStartOutcome:
    """Run the stage (module docstring) from ``incumbent``.

    Parameters
    ----------
    scenario, case_options, settings, progress, began
        As for :func:`orplan.solver.strategies.solve_whole` (``progress`` gets no bound).
    incumbent
        A checked plan of ``scenario``: the MIP start.
    mip_time
        Seconds HiGHS may spend (one thread).
    timing_time
        Seconds the CP-SAT re-timing may spend.
    candidates
        Extra sessions a case that must be scheduled may move to in the re-timing (the LP's
        candidates), so a full session does not leave it out.
    timing_rows
        Add :func:`~orplan.solver.benders_rows.add_timing_rows` to the MIP.
    highs_options
        Further HiGHS options (e.g. ``mip_heuristic_effort``).
    restrict
        Offer each case in the MIP only its ``candidates`` and the incumbent's session (a
        smaller MIP, as stage 2 of ``decompose`` solves), not every option.

    Returns
    -------
    MipStartOutcome
        ``plan`` is None when HiGHS failed, found nothing new or no plan came of it.
    """
    from orplan.baselines.common import finish_plan
    from orplan.baselines.highs_worker import run_highs
    from orplan.baselines.mip import build_mip, sequence_assignment
    from orplan.solver.benders_rows import add_timing_rows
    from orplan.solver.decompose import checked_cost, retimed
    from orplan.solver.lp_bound import mip_dual_bound

    out = MipStartOutcome()
    clock = time.perf_counter()
    options = [
        [(o.session, [g.surgeon for g in o.surgeons]) for o in entry.options]
        for entry in case_options
    ]
    everywhere = options  # the repair offers every option
    if restrict and candidates is not None:
        kept = {ci: set(sis) for ci, sis in candidates.items()}
        for ci, (si, _name) in assignment_of(scenario, incumbent).items():
            kept.setdefault(ci, set()).add(si)
        options = [
            [(si, names) for si, names in opts if si in kept.get(ci, set())]
            for ci, opts in enumerate(options)
        ]
    mip = build_mip(scenario, options)
    if timing_rows:
        add_timing_rows(mip)
    chosen0 = {
        ci: pick
        for ci, pick in assignment_of(scenario, incumbent).items()
        if (ci, pick[0], pick[1]) in mip.y
    }
    data: dict[str, Any] = mip.lp.to_arrays()
    data["start"] = mip.start(chosen0)
    data["options"] = {
        "time_limit": float(max(0.5, mip_time)),
        "threads": 1,
        "random_seed": int(settings.seed),
        **(highs_options or {}),
    }
    out.seconds["build"] = time.perf_counter() - clock
    clock = time.perf_counter()
    epoch = time.time()
    try:
        solved = run_highs(data, timeout=mip_time + 60.0)
    except RuntimeError:
        return out
    out.seconds["highs"] = time.perf_counter() - clock
    out.status = str(solved["status"])
    if not (restrict and candidates is not None):
        options = data["options"]  # HiGHS's defaults where not set
        gaps = float(options.get("mip_abs_gap", 1e-6)), float(options.get("mip_rel_gap", 1e-4))
        out.bound = mip_dual_bound(solved, *gaps)
    out.events = [(t - epoch, obj, bnd) for t, obj, bnd in solved["events"]]
    if out.events:
        out.start_objective = out.events[0][1]
    if solved["values"] is None:
        return out
    out.best_objective = float(solved["objective"])
    out.best_time = next((t for t, obj, _ in out.events if obj <= out.best_objective + 1e-6), None)
    chosen = mip.assignment(solved["values"])
    out.moved = sum(chosen.get(ci) != chosen0.get(ci) for ci in set(chosen) | set(chosen0))
    if not out.moved:
        return out
    clock = time.perf_counter()
    board, _dropped, reasons, _repaired = sequence_assignment(scenario, mip, chosen, everywhere)
    plan, report, _ = finish_plan(
        scenario,
        board.entries(reasons),
        began=began,
        time_limit=settings.time_limit,
        workers=settings.workers,
        seed=settings.seed,
    )
    out.seconds["sequence"] = time.perf_counter() - clock
    if not report.ok:
        return out
    out.sequenced_cost = float(report.cost.total)
    clock = time.perf_counter()
    timed, out.interrupted = retimed(
        scenario, case_options, settings, progress, began, chosen, candidates, plan,
        max(0.5, timing_time),
    )  # fmt: skip
    out.seconds["timing"] = time.perf_counter() - clock
    out.plan = timed
    out.final_cost = checked_cost(scenario, timed)
    return out
