"""What a solve is asked for and what it returns: settings, progress reports, the result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from orplan.plan.model import Plan, PlanStatus

if TYPE_CHECKING:
    from orplan.check import CheckReport, Kpis


@dataclass(frozen=True)
class SolveSettings:
    """Search settings; recorded in every plan.

    Parameters
    ----------
    time_limit
        Wall-clock seconds from the call to the plan, model building and the start plan
        included (they are not free for a planner waiting on it). The search gets at least
        1 s even when building took longer; the independent check comes on top.
    workers
        CP-SAT worker threads (2 suits this 2-core machine: it adds LNS to the main search).
    seed
        Random seed.
    deterministic_time
        Optional limit in CP-SAT's deterministic time units. With ``workers=1`` it makes a
        run repeat exactly, which a wall-clock limit cannot.
    compact
        After the search, spend a short extra solve (at most 10 % of the limit, ≤ 10 s)
        moving cases as early as possible without raising the cost: a plan with idle gaps
        before cases costs the same, but a planner would not accept it.
    warm_start
        Start the search from the planner's-rule plan (earliest deadline first, first fit),
        so a plan exists from the first second; the search only keeps a better one.
    strategy
        ``"whole"``: one model over the horizon (gives a proven bound); ``"days"``: rolling
        horizon and day-window search for scenarios too big for one model; ``"both"``:
        day windows for half the time, then the whole model from that plan (plan quality
        of the windows, bound of the whole model); ``"auto"`` picks ``"whole"`` up to
        ``SMALL_MODEL_MAX_OPTIONS`` options, ``"days"`` above ``WHOLE_MODEL_MAX_OPTIONS``,
        else ``"decompose"`` (``"both"`` when ``lp_bound`` is off). ``"decompose"``: the LP
        relaxation picks candidate sessions, HiGHS assigns cases among them, CP-SAT times
        the sessions, then the whole model is polished from that plan (docs/solver.md).
    lp_bound
        Also compute the LP relaxation of the assignment MIP with HiGHS in a child process,
        alongside the search (after it, for a small whole model CP-SAT did not prove), and
        report it when it beats CP-SAT's bound (docs/solver.md). Where that LP is skipped
        for size, the session-capacity LP (:mod:`orplan.solver.capacity_lp`, source
        ``"capacity"``) runs instead, for the whole time limit.
    benders_bound
        Also compute the logic-based Benders bound (:mod:`orplan.solver.benders`: the
        assignment MIP with cuts from timed subproblems) in a thread alongside the search,
        for the whole time limit, and report it as source ``"benders"`` when it is the
        largest bound. Off by default: it takes a core from the search.
    mip_bound
        Also run HiGHS on the assignment MIP itself (integrality kept) in a child process
        beside the search, for a share of the time limit (``solve.MIP_BOUND_SHARE``), and
        report its dual bound as source ``"mip"`` when it is the largest: HiGHS's root cuts
        and branching lift it above the LP (docs/solver.md). Run where the LP runs beside
        the search (not for a small whole model, which CP-SAT mostly proves itself). On by
        default together with ``mip_start``: the two cost the plans nothing measurable and
        lift the bound on every suite row measured (docs/solver.md).
    mip_start
        ``"decompose"`` only: after stage 2, HiGHS improves the incumbent's assignment from
        it as a MIP start (the MIP over the LP candidates and the incumbent's sessions, with
        the timing rows), CP-SAT re-times the new assignment, and the plan replaces the
        incumbent when cheaper (:mod:`orplan.solver.mipstart`). The small whole model
        (up to ``SMALL_MODEL_MAX_OPTIONS`` options, not with ``deterministic_time``) runs the
        same stage over every option when CP-SAT has not proven its plan within 40 % of the
        limit, and reports that MIP's dual bound as source ``"mip"``
        (:mod:`orplan.solver.whole_mip`).
    """

    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    deterministic_time: float | None = None
    compact: bool = True
    strategy: Literal["auto", "whole", "days", "both", "decompose"] = "auto"
    warm_start: bool = True
    lp_bound: bool = True
    benders_bound: bool = False
    mip_bound: bool = True
    mip_start: bool = True


@dataclass(frozen=True)
class Progress:
    """One progress report: a new incumbent plan or a better bound."""

    elapsed: float
    objective: float | None
    bound: float | None
    gap: float | None


@dataclass
class Result:
    """What a solve returns.

    ``plan`` is None only when no plan exists (infeasible, or none found in time); then
    ``explanation`` says why in the hospital's terms.

    ``objective`` is the plan's cost as the independent checker counts it (what orplan
    reports). ``model_objective`` is the CP-SAT model's own value of its objective for the
    same plan, kept so that tests can hold the model to the checker: equal when the status
    is OPTIMAL, never below the checker's cost otherwise (helper variables may over-state
    the cost before optimality). It is None when no CP-SAT solution gave the plan (day
    windows, or the warm start returned unchanged).

    ``bound`` is the largest valid lower bound found, never clamped; ``bound_source`` names
    it (``"cpsat"``, ``"lp"``, ``"mip"``, ``"benders"``, ``"capacity"`` or
    ``"unavoidable"``), ``bounds``
    holds every bound found by source, ``bound_note`` says why a bound is missing or was
    skipped, and ``unavoidable`` is the cost no plan avoids (:mod:`orplan.solver.unavoidable`).
    """

    status: PlanStatus
    plan: Plan | None
    objective: float | None
    bound: float | None
    gap: float | None
    wall_time: float
    explanation: list[str] = field(default_factory=list)
    check: CheckReport | None = None
    model_objective: float | None = None
    bound_source: str | None = None
    bound_note: str | None = None
    bounds: dict[str, float] = field(default_factory=dict)
    unavoidable: float | None = None

    @property
    def kpis(self) -> Kpis | None:
        """KPIs recomputed by the independent checker (None without a plan)."""
        return self.check.kpis if self.check is not None else None


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """Return ``(objective - bound) / max(1, |objective|)``, as CP-SAT reports it.

    Parameters
    ----------
    objective
        Cost of a plan.
    bound
        A lower bound on the cost.

    Returns
    -------
    float or None
        The gap (never negative), or None when either figure is missing.
    """
    if objective is None or bound is None:
        return None
    return max(0.0, objective - bound) / max(1.0, abs(objective))


def best_bound(bounds: Mapping[str, float]) -> tuple[str, float]:
    """Pick the bound a solve reports: the largest of the valid lower bounds found.

    Every entry is a valid lower bound of the optimum, so the largest is too; used for the
    final result and for every progress line alike.

    Parameters
    ----------
    bounds
        Source name -> bound, at least one; on a tie the first listed wins (list the
        bounds of a search before the unavoidable cost, so a tie names the search).

    Returns
    -------
    tuple of (str, float)
        The source and its bound.
    """
    source = max(bounds, key=bounds.__getitem__)
    return source, bounds[source]
