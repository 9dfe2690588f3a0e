"""The bounds that run beside the search: collected, or stopped, when the search ends.

:func:`orplan.solver.solve.solve` starts them (the assignment LP and MIP, the capacity LP,
the Benders bound) before the search; these functions wait for each within the time limit,
or stop it when it is not needed (a proof, Ctrl-C) or the search failed, and say why a
bound is missing.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from orplan.scenario.model import Scenario
from orplan.solver.lp_bound import LpBound, LpOutcome, start_lp_bound
from orplan.solver.options import CaseOptions
from orplan.solver.settings import SolveSettings

if TYPE_CHECKING:
    from orplan.solver.benders import BendersRun

__all__ = ["add_capacity_bound", "collect_bounds", "stop_runs"]


def stop_runs(note: str, *runs: LpBound | LpOutcome | BendersRun | None) -> None:
    """Stop the bounds still running beside the search (``note`` says why)."""
    for run in runs:
        if isinstance(run, LpBound):
            run.cancel(note)
        elif run is not None and not isinstance(run, LpOutcome):
            run.cancel()


def add_capacity_bound(
    capacity: LpBound | LpOutcome | None,
    status: str,
    stopped_by: str,
    settings: SolveSettings,
    began: float,
    bounds: dict[str, float],
    notes: list[str],
) -> None:
    """Add the capacity LP's bound (or why there is none) to ``bounds`` and ``notes``."""
    if capacity is None:
        return
    if isinstance(capacity, LpBound) and (status == "OPTIMAL" or stopped_by == "interrupted"):
        # Not waited for (a proof, or Ctrl-C); kept if already back (the day windows may
        # have collected it for their start).
        finished = capacity.ready(0.0)
        if finished is None:
            capacity.cancel("not needed")
            if stopped_by == "interrupted":
                notes.append("capacity LP not waited for: stopped by Ctrl-C")
            return
        capacity = finished
    # Its HiGHS stops at the time limit; a little slack for the child process.
    wait = max(2.0, settings.time_limit - (time.perf_counter() - began) + 5.0)
    done = capacity if isinstance(capacity, LpOutcome) else capacity.collect(wait)
    if done.bound is not None:
        # Before the unavoidable cost, which collect_bounds puts last: a tie names a search.
        unavoidable = bounds.pop("unavoidable")
        bounds["capacity"] = done.bound
        bounds["unavoidable"] = unavoidable
    else:
        notes.append(done.note or "capacity LP bound missing")


def collect_bounds(
    scenario: Scenario,
    case_options: list[CaseOptions],
    status: str,
    stopped_by: str,
    cpsat_bound: float | None,
    lp: LpBound | LpOutcome | None,
    unavoidable: float,
    settings: SolveSettings,
    began: float,
    benders: BendersRun | None = None,
    mip_bound: LpBound | LpOutcome | None = None,
) -> tuple[dict[str, float], list[str]]:
    """Every valid lower bound by source, and notes on the missing ones.

    No bound is clamped: each is reported as its source proved it, and the largest wins.
    """
    bounds: dict[str, float] = {}
    notes: list[str] = []
    if cpsat_bound is not None:
        bounds["cpsat"] = float(cpsat_bound)
    else:
        notes.append("no CP-SAT bound: day windows (or a restricted model) prove no global bound")
    if not settings.lp_bound:
        notes.append("LP bound not asked for")
    elif status == "OPTIMAL" and not isinstance(lp, LpOutcome):
        notes.append("LP bound not needed: CP-SAT proved optimality")
        if lp is not None:
            lp.cancel("not needed")
    elif stopped_by == "interrupted" and not isinstance(lp, LpOutcome):
        # The planner pressed Ctrl-C for the plan now, not after the LP.
        notes.append("LP bound not waited for: stopped by Ctrl-C")
        if lp is not None:
            lp.cancel("interrupted")
    else:
        # Wait for the LP only within the time limit (at least 1 s: on a busy machine the
        # child process may start late).
        wait = max(1.0, settings.time_limit - (time.perf_counter() - began))
        if lp is None:  # a small whole model without a proof: its LP starts now
            lp = start_lp_bound(scenario, case_options, wait)
        done = lp if isinstance(lp, LpOutcome) else lp.collect(wait)
        if done.bound is not None:
            bounds["lp"] = done.bound
        else:
            notes.append(done.note or "LP bound missing")
    if isinstance(mip_bound, LpBound) and (status == "OPTIMAL" or stopped_by == "interrupted"):
        mip_bound.cancel("not needed")
    elif mip_bound is not None:
        # Its HiGHS stops at the time limit; a little slack for the child process.
        wait = max(2.0, settings.time_limit - (time.perf_counter() - began) + 5.0)
        done = mip_bound if isinstance(mip_bound, LpOutcome) else mip_bound.collect(wait)
        if done.bound is not None:
            bounds["mip"] = done.bound
        else:
            notes.append(done.note or "MIP bound missing")
    if benders is not None and (status == "OPTIMAL" or stopped_by == "interrupted"):
        benders.cancel()  # proven, or the planner wants the plan now
    elif benders is not None:
        # Its masters end by the time limit; a little slack for the last child process.
        wait = max(2.0, settings.time_limit - (time.perf_counter() - began) + 5.0)
        finished = benders.collect(wait)
        if finished.bound is not None:
            bounds["benders"] = finished.bound
        else:
            notes.append(finished.note or "Benders bound missing")
    # Last, so that on a tie the bound of a search is named.
    bounds["unavoidable"] = unavoidable
    return bounds, notes
