r"""A logic-based Benders lower bound: the assignment MIP plus cuts from timed subproblems.

**Master.** The assignment MIP of :mod:`orplan.baselines.mip` (with the rows of
:mod:`orplan.baselines.mip_rows`) over the CP-SAT model's options, solved by HiGHS. It is a
relaxation of the plan: its overtime columns :math:`o_s` and early-sequencing columns
:math:`e_c` are only bounded below by rows that ignore start times.

**Subproblems.** For the master's assignment, each date's cases are split into components
(cases joined by a theatre, a surgeon or scarce equipment) and each component *K* is timed
by CP-SAT (:mod:`orplan.solver.benders_sub`): :math:`T_K` is a proven lower bound of its
timing cost :math:`w_o \sum_{s \in K} o_s + \sum_{c \in K} e_c`, or *K* is infeasible.

**Cuts.** With :math:`A_K` the component's ``(case, session, surgeon)`` triples and
:math:`y_a` the master column of triple *a* (the ``x`` column when the case has one
possible surgeon there),

.. math::

    w_o \sum_{s \in K} o_s + \sum_{c \in K} e_c \ge T_K \Big(\sum_{a \in A_K} y_a - |A_K| + 1\Big)
    \quad\text{(optimality)}, \qquad
    \sum_{a \in A_K} y_a \le |A_K| - 1 \quad\text{(infeasibility)}.

*Why valid.* Take any plan the checker accepts and set every master column to the plan's
value (overtime and early costs to their true values; the MIP's own rows hold, see
:mod:`orplan.baselines.mip`). If the plan does not contain all of :math:`A_K`, the right
side is at most 0 and the cut holds. If it does, restrict the plan's timetable to the cases
of :math:`A_K`: removing cases keeps every rule the subproblem models (no-overlaps,
cumulatives, windows and first/last order only get looser) and lowers no cost of the kept
cases, while the overtime of a session can only fall (its latest end is over fewer cases).
So the restriction is a timetable of the subproblem costing at most the plan's
:math:`w_o \sum o_s + \sum e_c` over *K*, which is therefore :math:`\ge T_K`; and an
infeasible :math:`A_K` can be in no plan. Each cut holds for every plan, so the master with
cuts is still a relaxation, and **its dual bound (not its incumbent) is a lower bound of
every plan's cost** — also when HiGHS stops at its time limit. The bound reported is the
largest dual bound over the master solves, rounded up (costs are integers).

**Smaller supports.** A cut over a subset :math:`B \subseteq A_K` with :math:`T_B = T_K` is
stronger (it also binds plans that contain only *B*) and is valid by the same argument.
:func:`_shrink` drops triples one at a time while the subproblem's proven bound stays at
:math:`T_K` (deletion filter); for an infeasible *K* it keeps an infeasible subset.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from orplan.baselines.highs_worker import run_highs
from orplan.baselines.mip import AssignmentMip, build_mip
from orplan.scenario.model import Scenario
from orplan.solver.benders_rows import add_timing_rows
from orplan.solver.benders_sub import (
    Component,
    SubResult,
    benders_refusal,
    components,
    solve_component,
)
from orplan.solver.options import CaseOptions

__all__ = ["BendersOutcome", "BendersRun", "BendersSettings", "benders_bound"]

#: Tolerance of a cut's violation by the master's solution (cost units).
VIOLATION = 0.5


@dataclass(frozen=True)
class BendersSettings:
    """Knobs of :func:`benders_bound`.

    Attributes
    ----------
    time_limit
        Seconds for the whole bound (masters, subproblems, model building).
    first_master
        Seconds of the first master solve; each later one gets ``growth`` times more, and
        the last one all the time left.
    growth
        Factor between consecutive master time slices.
    final_share
        Share of ``time_limit`` kept for the last master solve, whose dual bound is usually
        the best (HiGHS restarts from scratch on each master, so the bound needs one long
        solve with all cuts).
    sub_time
        Seconds per component subproblem.
    separation
        Seconds of subproblems (timing and shrinking) after a master, as a share of that
        master's time slice (at least 1 s): the masters, not the cuts, move the bound.
    shrink
        Shrink cut supports with the deletion filter (module docstring).
    seed
        Random seed of HiGHS and CP-SAT.
    """

    time_limit: float = 60.0
    first_master: float = 4.0
    growth: float = 1.5
    final_share: float = 0.5
    sub_time: float = 1.0
    separation: float = 0.5
    shrink: bool = True
    seed: int = 0


@dataclass
class BendersOutcome:
    """A finished Benders bound: the bound (None when there is none) and why not.

    ``history`` holds ``(seconds since start, bound so far)`` after each master solve;
    ``cuts`` counts optimality and infeasibility cuts added.
    """

    bound: float | None
    note: str | None
    seconds: float
    iterations: int = 0
    cuts: int = 0
    history: list[tuple[float, float]] = field(default_factory=list)


class _Cuts:
    """Cut rows added to the master, with the columns each cut needs."""

    def __init__(self, mip: AssignmentMip) -> None:
        self.mip = mip
        self.count = 0
        self._seen: set[tuple[tuple[int, int, str], ...]] = set()

    def column(self, member: tuple[int, int, str]) -> int:
        """Master column of a ``(case, session, surgeon)`` triple."""
        ci, si, name = member
        return self.mip.y.get((ci, si, name), self.mip.x[(ci, si)])

    def timing(self, members: tuple[tuple[int, int, str], ...]) -> list[tuple[int, float]]:
        """Columns and weights of the component's timing cost in the master."""
        w = self.mip.scenario.weights
        sessions = {si for _, si, _ in members}
        terms = [(self.mip.overtime[si], float(w.overtime_minute)) for si in sessions
                 if si in self.mip.overtime]  # fmt: skip
        sc = self.mip.scenario
        early = {r.flag for r in sc.sequencing if r.position == "early"}
        for ci, _, _ in members:
            if ci not in self.mip.early and early.intersection(sc.cases[ci].flags):
                # The MIP's early rows made no column for this case (it never queues): a
                # fresh one, cost 1 and otherwise free, is its early cost, >= 0 in any plan.
                self.mip.early[ci] = self.mip.lp.var(0, math.inf, 1.0)
            if ci in self.mip.early:
                terms.append((self.mip.early[ci], 1.0))
        return terms

    def add(self, members: tuple[tuple[int, int, str], ...], bound: int | None) -> bool:
        """Add the cut of ``members`` (infeasible when ``bound`` is None); False if known."""
        key = tuple(sorted(members))
        if key in self._seen or (bound is not None and bound <= 0):
            return False
        self._seen.add(key)
        ys = [(self.column(m), 1.0) for m in members]
        n = float(len(members))
        lp = self.mip.lp
        if bound is None:
            lp.row(ys, -math.inf, n - 1.0)
        else:
            # timing - T * sum(y) >= T * (1 - n)
            lp.row([*self.timing(members), *((c, -bound * v) for c, v in ys)],
                   bound * (1.0 - n), math.inf)  # fmt: skip
        self.count += 1
        return True

    def violated(self, result: SubResult, values: Any) -> bool:
        """Whether the master's solution ``values`` breaks the cut of ``result``."""
        members = result.component.members
        if result.bound is None:
            return True
        # A column made by timing() after the solve was 0 in it.
        have = sum(v * values[c] for c, v in self.timing(members) if c < len(values))
        return have < result.bound - VIOLATION


def _shrink(
    scenario: Scenario, result: SubResult, sub_time: float, deadline: float, seed: int
) -> SubResult:
    """A smaller support with the same bound (or still infeasible), by deletion.

    Each triple is dropped in turn and kept out when the subproblem without it still proves
    the same bound (or infeasibility); stops at ``deadline`` (perf_counter seconds) with the
    support found so far, which is valid at every step.
    """
    kept = list(result.component.members)
    i = 0
    while i < len(kept) and len(kept) > 1 and time.perf_counter() < deadline:
        trial = Component(result.component.day, tuple(kept[:i] + kept[i + 1 :]))
        sub = solve_component(scenario, trial, sub_time, seed)
        if sub is not None and (
            (result.bound is None and sub.bound is None)
            or (result.bound is not None and sub.bound is not None and sub.bound >= result.bound)
        ):
            kept.pop(i)
        else:
            i += 1
    return SubResult(Component(result.component.day, tuple(kept)), result.bound, result.optimal)


def _separate(
    scenario: Scenario,
    cuts: _Cuts,
    chosen: dict[int, tuple[int, str]],
    values: Any | None,
    settings: BendersSettings,
    deadline: float,
) -> int:
    """Time the components of an assignment and add the cuts it breaks; return how many."""
    added = 0
    for component in components(scenario, chosen):
        if time.perf_counter() >= deadline:
            break
        result = solve_component(scenario, component, settings.sub_time, settings.seed)
        if result is None or (result.bound is not None and result.bound <= 0):
            continue
        if values is not None and not cuts.violated(result, values):
            continue
        if settings.shrink:
            result = _shrink(scenario, result, settings.sub_time, deadline, settings.seed)
        added += int(cuts.add(result.component.members, result.bound))
    return added


def benders_bound(
    scenario: Scenario,
    case_options: list[CaseOptions],
    settings: BendersSettings | None = None,
    *,
    assignments: list[dict[int, tuple[int, str]]] | None = None,
    progress: Callable[[float, float], None] | None = None,
    stop: threading.Event | None = None,
) -> BendersOutcome:
    """Compute the logic-based Benders lower bound of ``scenario`` (module docstring).

    Parameters
    ----------
    scenario
        A validated scenario.
    case_options
        The eligible options of every case (:func:`orplan.solver.options.build_options`).
    settings
        Time limit and knobs (defaults: :class:`BendersSettings`).
    assignments
        Case index -> (session index, surgeon) of known plans (e.g. a search's incumbent):
        their components are cut before the first master solve, where good plans are.
    progress
        Called with ``(seconds, bound)`` after each master solve.
    stop
        When set, no further master or subproblem is started (the bound so far stays).

    Returns
    -------
    BendersOutcome
        The bound is the largest proven dual bound of the master (cuts included), rounded
        up; None with a note when there is none.
    """
    settings = settings or BendersSettings()
    began = time.perf_counter()
    end = began + settings.time_limit
    refusal = benders_refusal(scenario)
    if refusal is not None:
        return BendersOutcome(None, refusal, 0.0)
    eligible = [
        [(o.session, [g.surgeon for g in o.surgeons]) for o in entry.options]
        for entry in case_options
    ]
    mip = build_mip(scenario, eligible)
    if not mip.lp.cost:
        return BendersOutcome(float(math.ceil(mip.lp.offset)), None, 0.0)
    add_timing_rows(mip)  # the subproblems' relaxation, known to the master from the start
    cuts = _Cuts(mip)
    seeding = min(end, began + 0.2 * settings.time_limit)  # most of the time is the masters'
    for chosen in assignments or []:
        _separate(scenario, cuts, chosen, None, settings, seeding)
    outcome = BendersOutcome(None, None, 0.0)
    slice_ = settings.first_master
    overhead = 0.0
    while stop is None or not stop.is_set():
        left = end - time.perf_counter()
        final = left - slice_ < settings.final_share * settings.time_limit
        # The last master keeps time for its child process to start and report (HiGHS's
        # own clock starts after the model is passed): as long as the slowest start so
        # far took, at least 1 s (a busy machine slows the start far more than the solve).
        budget = left - max(1.0, overhead) if final else slice_
        if budget < 0.5:
            break
        data = mip.lp.to_arrays()
        data["options"] = {"time_limit": float(budget), "threads": 1,
                           "random_seed": int(settings.seed), "mip_rel_gap": 0.0}  # fmt: skip
        called = time.perf_counter()
        solved = run_highs(data, timeout=budget + 60.0)
        overhead = max(overhead, time.perf_counter() - called - budget)
        outcome.iterations += 1
        value = float(solved["bound"])
        if str(solved["status"]) == "Optimal" and solved["objective"] is not None:
            # Proven optimal (gap 0): the optimum is the bound. HiGHS leaves the dual bound
            # unset (0) when presolve alone solves the model.
            value = max(value, float(solved["objective"])) if math.isfinite(value) else value
        if math.isfinite(value) and abs(value) < 1e30:
            # HiGHS's dual bound may sit a tolerance above the truth; costs are integers.
            rounded = float(math.ceil(value - 1e-6 * max(1.0, abs(value))))
            outcome.bound = rounded if outcome.bound is None else max(outcome.bound, rounded)
        now = time.perf_counter() - began
        if outcome.bound is not None:
            outcome.history.append((now, outcome.bound))
            if progress is not None:
                progress(now, outcome.bound)
        values = solved["values"]
        if values is None and not final and "limit" in str(solved["status"]).lower():
            slice_ *= settings.growth  # no assignment yet: a longer master may find one
            continue
        if final or values is None:
            # Done, or an infeasible master (no plan exists; no bound is reported).
            break
        rounds = min(end, time.perf_counter() + max(1.0, settings.separation * budget))
        added = _separate(scenario, cuts, mip.assignment(values), values, settings, rounds)
        if added == 0 and str(solved["status"]) == "Optimal":
            # The master's optimum breaks no cut of its own timing: the next master would
            # return it again, so more time cannot raise the bound.
            break
        slice_ *= settings.growth
    outcome.cuts = cuts.count
    outcome.seconds = time.perf_counter() - began
    if outcome.bound is None:
        outcome.note = "Benders master ended without a dual bound"
    return outcome


class BendersRun:
    """:func:`benders_bound` in a background thread, alongside a search.

    The masters run in HiGHS child processes and the subproblems in CP-SAT, which releases
    the interpreter lock while it solves, so the thread costs the search little beyond the
    CPU it uses.

    Parameters
    ----------
    scenario
        A validated scenario.
    case_options
        The eligible options of every case.
    settings
        Time limit and knobs.
    """

    def __init__(
        self, scenario: Scenario, case_options: list[CaseOptions], settings: BendersSettings
    ) -> None:
        self._stop = threading.Event()
        self._outcome: BendersOutcome | None = None
        self._error: str | None = None

        def work() -> None:
            try:
                self._outcome = benders_bound(scenario, case_options, settings, stop=self._stop)
            except Exception as error:  # a failed bound is reported, never fatal to a solve
                self._error = f"Benders bound failed: {error}"

        self._thread = threading.Thread(target=work, name="orplan-benders", daemon=True)
        self._thread.start()

    def collect(self, wait: float) -> BendersOutcome:
        """Wait at most ``wait`` seconds for the bound; return it or why there is none.

        Parameters
        ----------
        wait
            Seconds to wait from now.

        Returns
        -------
        BendersOutcome
        """
        self._thread.join(timeout=max(0.0, wait))
        if self._thread.is_alive():
            # The running master ends at its own time limit; nothing waits for it.
            self._stop.set()
            return BendersOutcome(None, "Benders bound not finished in time (stopped)", wait)
        if self._outcome is None:
            return BendersOutcome(None, self._error or "Benders bound failed", 0.0)
        return self._outcome

    def cancel(self) -> None:
        """Ask the thread to start nothing new (the running master ends at its time limit)."""
        self._stop.set()
