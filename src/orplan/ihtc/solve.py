"""IHTC-2024 solver: CP-SAT admission plan, then simulated annealing on the full problem.

:func:`solve` is the entry point. It runs, in threads (the compiled kernel
and CP-SAT release the GIL):

1. **Admission model** (one thread, a few seconds): the CP-SAT model of
   :mod:`orplan.ihtc.admission` picks admission days with exact surgeon
   budgets and pooled theatre minutes and beds; :func:`greedy_start` turns
   it into rooms and theatres.
2. **Annealing workers** (``workers`` threads, each with its own seed). A
   worker starts from an empty plan (occupants in place, random nurses), and
   switches to each admission plan (first the one for the mandatory patients,
   then the full one) as soon as it is ready, if that is better.
   *Phase 1* (only while hard violations remain) anneals the hard counts
   alone over the mandatory patients. *Phase 2* anneals the full objective
   with the moves of :mod:`orplan.ihtc.moves`: admit / move / unschedule a
   patient (day, room, theatre), swap two patients' rooms, swap the days of
   two patients of one surgeon, admit a patient by displacing others (by
   surgeon minutes or by beds), change a room-shift's nurse, swap two rooms'
   nurses, give one nurse a room for a run of her shifts. The temperature
   falls geometrically in wall time. Gender mix, surgeon and theatre
   overtime and unscheduled mandatory patients are priced with an adaptive
   multiplier that rises while the current plan is infeasible; its floor
   rises over the last 40 % of the run so that the search ends feasible.
   At a few sync points a worker whose best is worse than the shared best
   restarts from it. With ``eject`` above 0, a kick move re-admits the
   patient it displaces on another day when it can (an ejection chain).
3. **Window repairs** (first worker, later part of phase 2, every
   ``repair_every`` seconds when that is above 0): the exact CP-SAT model of
   :mod:`orplan.ihtc.repair` re-decides the patients of a random window of
   admission days, with the rest and the nurse roster fixed; the current
   placement is its hint, so a repair only ever lowers the cost.

The best feasible plan is re-scored by the independent evaluator
(:func:`orplan.ihtc.evaluate`) before it is returned. A solver run reads only
the instance, never reference solutions.

The kernel is compiled by numba on first use (about a minute; cached on disk
afterwards, see :func:`warm_up`).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from orplan.ihtc.admission import greedy_start, plan_admissions
from orplan.ihtc.evaluate import Evaluation, evaluate
from orplan.ihtc.instance import Instance
from orplan.ihtc.kernel import (
    MV_NURSE,
    MV_NURSE_BLOCK,
    MV_NURSE_SWAP,
    N_MOVES,
    Data,
    State,
    hard,
    load_solution,
    objective,
    save_best,
)
from orplan.ihtc.moves import anneal
from orplan.ihtc.repair import repair_window
from orplan.ihtc.search import build_data, new_state, to_solution
from orplan.ihtc.solution import Solution

__all__ = ["SolveResult", "SolverParams", "solve", "warm_up"]

ProgressFn = Callable[[str], None]


#: Tuple fields of :class:`SolverParams` that take any number of entries (the others have
#: one entry per move, per penalty, ...).
ANY_LENGTH = frozenset({"worker_heat"})


@dataclass(frozen=True)
class SolverParams:
    """Tuning knobs of the annealing search.

    Attributes
    ----------
    t_start, t_end : float
        Start and end temperature of phase 2, as multiples of the
        patient-delay weight; it cools geometrically in wall time.
    worker_heat : tuple of float
        Factor on ``t_start`` of each worker (worker *i* takes entry
        *i* modulo the length): workers that cool from different heights
        search differently, and the syncs hand the better state over.
    move_prob : tuple of float
        Relative frequency of the moves, in the order of :data:`MOVE_NAMES`.
    eject : float
        Probability that an optional patient displaced by a kick move is
        re-admitted on another day (an ejection chain) rather than unscheduled;
        above 0, a displaced mandatory patient also gets that try before a
        random slot. 0 (default until measured better) is the plain exchange.
    chunk_seconds : float
        Target wall time of one compiled call (between time checks).
    syncs : int
        How many times during the run the worse worker restarts from the
        best solution found so far.
    penalty_scale : tuple of float
        Base price of one unit of H1 (person-day), H3 and H4 (minute) and H5
        (patient), as multiples of the unscheduled-optional weight.
    lambda_range : tuple of float
        Range of the adaptive multiplier of the base prices: it grows while
        the current solution is infeasible and shrinks while it is feasible;
        its floor rises from the low to the high end over the last 40 % of
        phase 2, so that the search ends in the feasible region.
    phase1_share : float
        Longest share of the run spent on the mandatory patients alone
        (phase 1 ends as soon as they are all admitted without violation).
    phase1_penalty : tuple of int
        Phase-1 objective: price of H1, H3, H4 and H5 units (no soft costs).
    phase1_temperature : tuple of float
        Start and end temperature of each phase-1 cooling cycle.
    phase1_cycle : float
        Seconds per phase-1 cooling cycle.
    report_seconds : float
        Interval between progress lines.
    admission_share, admission_max : float
        Time for the CP-SAT admission model (:mod:`orplan.ihtc.admission`)
        that gives the start: this share of the limit, at most this many
        seconds.
    repair_every : float
        Seconds of annealing between two CP-SAT window repairs
        (:mod:`orplan.ihtc.repair`) by the first worker; 0 (default until
        measured better) turns them off.
    repair_from : float
        Share of phase 2 after which the repairs start (before, the
        temperature is too high for a repaired window to last).
    repair_days, repair_seconds : int, float
        Window length in days and CP-SAT seconds of one repair.
    """

    t_start: float = 8.0
    t_end: float = 0.05
    worker_heat: tuple[float, ...] = (1.0,)
    # The kick moves (surgeon, bed) and slot swaps at 0.08-0.1 rather than
    # 0.04: on the 8-instance subset at 60 s the mean gap fell 10.7 -> 8.5 %
    # (benchmarks/results/ihtc-2026-12-05-592507d-x-kick.md).
    move_prob: tuple[float, ...] = (0.3, 0.08, 0.3, 0.1, 0.1, 0.08, 0.1, 0.1, 0.04)
    eject: float = 0.0
    chunk_seconds: float = 0.1
    syncs: int = 3
    penalty_scale: tuple[float, float, float, float] = (0.2, 0.01, 0.01, 2.0)
    lambda_range: tuple[float, float] = (1.0, 100.0)
    phase1_share: float = 0.7
    phase1_penalty: tuple[int, int, int, int] = (20, 1, 1, 200)
    phase1_temperature: tuple[float, float] = (30.0, 0.3)
    phase1_cycle: float = 2.0
    report_seconds: float = 30.0
    admission_share: float = 0.05
    admission_max: float = 20.0
    repair_every: float = 0.0
    repair_from: float = 0.5
    repair_days: int = 3
    repair_seconds: float = 2.0


@dataclass
class SolveResult:
    """Outcome of :func:`solve`.

    Attributes
    ----------
    solution : Solution or None
        The best feasible solution, or None when none was found.
    evaluation : Evaluation or None
        Its evaluation by the independent evaluator.
    time_to_first_feasible : float or None
        Seconds from the start of :func:`solve` until a feasible solution was known.
    wall_time : float
        Seconds spent in :func:`solve`.
    history : list of (float, int)
        ``(seconds, cost)`` each time the best feasible cost improved.
    iterations : int
        Moves tried, summed over workers.
    search_cost : int or None
        The search's own (incremental) cost of the returned solution; equal
        to ``evaluation.total_cost`` unless the kernel has a bug.
    move_stats : dict
        Per move kind: ``[tried, accepted]`` summed over workers.
    repairs : tuple of int
        CP-SAT window repairs: tried, improved, summed cost decrease.
    """

    solution: Solution | None
    evaluation: Evaluation | None
    time_to_first_feasible: float | None
    wall_time: float
    history: list[tuple[float, int]] = field(default_factory=list)
    iterations: int = 0
    search_cost: int | None = None
    move_stats: dict[str, list[int]] = field(default_factory=dict)
    repairs: tuple[int, int, int] = (0, 0, 0)

    @property
    def feasible(self) -> bool:
        """Whether a feasible solution was found."""
        return self.evaluation is not None and self.evaluation.feasible

    @property
    def cost(self) -> int | None:
        """Total cost of the returned solution (None without one)."""
        return None if self.evaluation is None else self.evaluation.total_cost


MOVE_NAMES = (
    "patient",
    "swap_rooms",
    "nurse",
    "swap_nurses",
    "nurse_block",
    "swap_slots",
    "kick_surgeon",
    "kick_bed",
    "swap_theaters",
)


def warm_up() -> float:
    """Compile (or load from the on-disk cache) the kernel on a tiny instance.

    Returns
    -------
    float
        Seconds it took.
    """
    from orplan.ihtc.instance import parse_instance

    t0 = time.perf_counter()
    inst = parse_instance(_TINY)
    data = build_data(inst)
    st = new_state(inst, data, 0)
    params = SolverParams()
    anneal(data, st, 50, 1.0, 0.5, np.asarray(params.move_prob, dtype=np.float64), params.eject)
    load_solution(data, st, st.best_adm, st.best_room, st.best_theater, st.nurse_of)
    save_best(data, st)
    return time.perf_counter() - t0


class _Shared:
    """Best solution across workers, guarded by a lock."""

    def __init__(self, start: float) -> None:
        self.lock = threading.Lock()
        self.start = start
        self.best_obj = -1
        self.best: tuple[np.ndarray, ...] | None = None
        self.first_feasible: float | None = None
        self.history: list[tuple[float, int]] = []
        self.iterations = 0
        self.stats = np.zeros((N_MOVES, 2), dtype=np.int64)
        self.plans: list[np.ndarray] = []  # admission plans, in the order found
        self.repairs = [0, 0, 0]  # tried, improved, summed gain

    def offer(self, obj: int, arrays: tuple[np.ndarray, ...]) -> bool:
        with self.lock:
            if self.best_obj >= 0 and obj >= self.best_obj:
                return False
            now = time.perf_counter() - self.start
            if self.first_feasible is None:
                self.first_feasible = now
            self.best_obj = obj
            self.best = tuple(x.copy() for x in arrays)
            self.history.append((now, obj))
            return True


def _worker(
    inst: Instance,
    seed: int,
    index: int,
    deadline: float,
    params: SolverParams,
    shared: _Shared,
    progress: ProgressFn | None,
) -> None:
    data = build_data(inst)
    st = new_state(inst, data, seed)
    plans_seen = 0
    # Phase 1 sees only the mandatory patients (optional ones have no admission
    # day), so that beds and surgeon minutes go to them first.
    # Its objective is the hard counts alone (minutes, person-days, patients).
    p_ndays = data.p_ndays.copy()
    p_ndays[data.p_mandatory == 0] = 0
    mandatory_only = data._replace(
        p_ndays=p_ndays,
        weights=np.zeros_like(data.weights),
        penalty=np.asarray(params.phase1_penalty, dtype=np.int64),
    )
    scale = float(max(1, inst.weights.patient_delay))
    heat = params.worker_heat[index % len(params.worker_heat)] if params.worker_heat else 1.0
    t_hi, t_lo = params.t_start * heat * scale, params.t_end * scale
    probs = np.asarray(params.move_prob, dtype=np.float64)
    probs1 = probs.copy()
    probs1[[MV_NURSE, MV_NURSE_SWAP, MV_NURSE_BLOCK]] = 0.0
    base = np.asarray(params.penalty_scale) * max(1, inst.weights.unscheduled_optional)
    lam_lo, lam_hi = params.lambda_range
    lam = lam_lo
    begin = time.perf_counter()
    n_iter = 2000
    iterations = 0
    phase = 1
    sync_points: list[float] = []
    last_report = begin
    span = max(deadline - begin, 1e-3)
    next_repair = 0.0
    window_rng = np.random.default_rng(seed)
    while True:
        now = time.perf_counter()
        if now >= deadline:
            break
        if plans_seen < len(shared.plans):
            # A new admission plan: restart from it if that is better than
            # where this worker got to on its own.
            with shared.lock:
                plans = shared.plans[plans_seen:]
                plans_seen = len(shared.plans)
            for days in plans:
                st2 = new_state(inst, data, seed + 7919 * plans_seen)
                greedy_start(data, st2, days)
                if (hard(st2.c), objective(data, st2.c)) < (hard(st.c), objective(data, st.c)):
                    st = st2
                    phase, begin, span = 1, now, max(deadline - now, 1e-3)
        if phase == 1 and (hard(st.c) == 0 or now - begin > params.phase1_share * span):
            phase = 2
            st.best_obj[0] = -1  # phase-1 bests were scored without soft costs
            if hard(st.c) == 0:
                save_best(data, st)
            begin = now
            span = max(deadline - begin, 1e-3)
            sync_points = [begin + span * (k + 1) / (params.syncs + 1) for k in range(params.syncs)]
            lam = max(lam, math.sqrt(lam_lo * lam_hi))
        if sync_points and now >= sync_points[0]:
            sync_points.pop(0)
            _adopt_if_worse(data, st, shared)
        f0 = (now - begin) / span
        if phase == 1:
            # repeated short coolings on the hard counts
            cycle = ((now - begin) / params.phase1_cycle) % 1.0
            hi, lo = params.phase1_temperature
            t0 = hi * (lo / hi) ** cycle
            t1 = hi * (lo / hi) ** min(1.0, cycle + params.chunk_seconds / params.phase1_cycle)
        else:
            floor = lam_lo * (lam_hi / lam_lo) ** max(0.0, (f0 - 0.6) / 0.4)
            lam = lam * 1.1 if hard(st.c) > 0 else lam / 1.1
            lam = min(max(lam, floor), lam_hi)
            f1 = min(1.0, f0 + params.chunk_seconds / span)
            t0 = t_hi * (t_lo / t_hi) ** f0
            t1 = t_hi * (t_lo / t_hi) ** f1
        data.penalty[:] = np.maximum(1, np.rint(base * lam)).astype(np.int64)
        c0 = time.perf_counter()
        if phase == 1:
            anneal(mandatory_only, st, n_iter, t0, t1, probs1, params.eject)
            st.best_obj[0] = -1  # scored without soft costs: not a valid best
        else:
            anneal(data, st, n_iter, t0, t1, probs, params.eject)
        elapsed = time.perf_counter() - c0
        iterations += n_iter
        if (
            phase == 2
            and index == 0
            and params.repair_every > 0
            and f0 >= params.repair_from
            and hard(st.c) == 0
            and time.perf_counter() >= next_repair
            and time.perf_counter() + params.repair_seconds + 3.0 < deadline
        ):
            next_repair = _repair(data, st, params, shared, window_rng)
        if elapsed > 0:
            n_iter = int(min(max(n_iter * params.chunk_seconds / elapsed, 100), 5_000_000))
            # never run past the deadline
            rate = n_iter / max(params.chunk_seconds, 1e-9)
            n_iter = max(100, min(n_iter, int(rate * (deadline - time.perf_counter()))))
        if st.best_obj[0] >= 0 and (shared.best_obj < 0 or st.best_obj[0] < shared.best_obj):
            improved = shared.offer(
                int(st.best_obj[0]),
                (st.best_adm, st.best_room, st.best_theater, st.best_nurse_of),
            )
            if improved and progress is not None and len(shared.history) == 1:
                progress(
                    f"[{time.perf_counter() - shared.start:7.1f}s] worker {index}: "
                    f"first feasible, cost {int(st.best_obj[0])}"
                )
        if progress is not None and time.perf_counter() - last_report > params.report_seconds:
            last_report = time.perf_counter()
            cur = int(objective(data, st.c))
            progress(
                f"[{last_report - shared.start:7.1f}s] worker {index}: best {shared.best_obj}, "
                f"current {cur} (hard {int(hard(st.c))}), temperature {t1:.2f}, "
                f"{iterations} moves"
            )
    with shared.lock:
        shared.iterations += iterations
        shared.stats += st.stats


def _repair(
    data: Data, st: State, params: SolverParams, shared: _Shared, rng: np.random.Generator
) -> float:
    """One CP-SAT window repair of the current state; returns when the next one is due."""
    first = int(rng.integers(0, max(1, data.n_days - params.repair_days + 1)))
    result = repair_window(
        data,
        st,
        first,
        params.repair_days,
        params.repair_seconds,
        seed=int(rng.integers(1 << 30)),
    )
    if result.gain > 0 and hard(st.c) == 0:
        obj = int(objective(data, st.c))
        if st.best_obj[0] < 0 or obj < st.best_obj[0]:
            save_best(data, st)
    with shared.lock:
        shared.repairs[0] += 1
        shared.repairs[1] += int(result.gain > 0)
        shared.repairs[2] += result.gain
    return time.perf_counter() + params.repair_every


def _adopt_if_worse(data: Data, st: State, shared: _Shared) -> None:
    """Restart this worker from the shared best when its own best is worse."""
    with shared.lock:
        best = shared.best
        best_obj = shared.best_obj
    if best is None:
        return
    own = int(st.best_obj[0])
    if own >= 0 and own <= best_obj:
        return
    ok = load_solution(data, st, *best)
    if ok and hard(st.c) == 0:
        save_best(data, st)


def solve(
    instance: Instance,
    time_limit: float = 600.0,
    workers: int = 2,
    seed: int = 0,
    progress: ProgressFn | None = None,
    params: SolverParams | None = None,
) -> SolveResult:
    """Solve an IHTC-2024 instance within a wall-clock limit.

    Parameters
    ----------
    instance : Instance
        The instance.
    time_limit : float, optional
        Wall-clock seconds for the whole call (default 600). The search
        stops a little before, leaving time to write the result.
    workers : int, optional
        Parallel annealing runs (threads), each with its own seed (default 2).
    seed : int, optional
        Base random seed (default 0).
    progress : callable, optional
        Called with one-line progress messages.
    params : SolverParams, optional
        Search settings (defaults are the tuned ones).

    Returns
    -------
    SolveResult
        Best feasible solution (if any), its evaluation, time to first
        feasible, cost history and move statistics. An instance with a shift
        that no nurse works is not supported (no solution is returned).

    Notes
    -----
    The first call on a machine compiles the kernel (about one to two
    minutes, then cached on disk); that time counts against the limit, so
    run :func:`warm_up` once after installing.
    """
    start = time.perf_counter()
    params = params or SolverParams()
    if not instance.arrays.n_working.any(axis=0).all():
        # The search keeps a nurse on every room-shift; a shift nobody works
        # is outside its representation (no public instance has one).
        if progress is not None:
            progress("some shift has no working nurse: not supported by this solver")
        return SolveResult(None, None, None, time.perf_counter() - start)
    compile_s = warm_up()
    if progress is not None:
        progress(f"[{time.perf_counter() - start:7.1f}s] kernel ready ({compile_s:.1f}s)")
    margin = min(2.0, 0.03 * time_limit + 0.3)
    deadline = start + max(time_limit - margin, 0.1)
    shared = _Shared(start)
    workers = max(1, int(workers))
    budget = min(
        max(params.admission_share * time_limit, min(4.0, 0.25 * time_limit)),
        params.admission_max,
    )

    def publish(days: np.ndarray) -> None:
        with shared.lock:
            shared.plans.append(days)
        if progress is not None:
            progress(
                f"[{time.perf_counter() - start:7.1f}s] admission plan: "
                f"{int((days >= 0).sum())} patients"
            )

    def admissions() -> None:
        days = plan_admissions(build_data(instance), budget, 1, seed, on_first=publish)
        if days is not None and not any(days is d for d in shared.plans):
            publish(days)

    threads = [threading.Thread(target=admissions, daemon=True)] + [
        threading.Thread(
            target=_worker,
            args=(instance, seed * 1000 + k + 1, k, deadline, params, shared, progress),
            daemon=True,
        )
        for k in range(workers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    solution = None
    evaluation = None
    if shared.best is not None:
        solution = to_solution(instance, *shared.best)
        evaluation = evaluate(instance, solution)
        if not evaluation.feasible:  # should not happen: the kernel tracks every rule
            solution, evaluation = None, None
    stats = {name: [int(v) for v in shared.stats[i]] for i, name in enumerate(MOVE_NAMES)}
    return SolveResult(
        solution=solution,
        evaluation=evaluation,
        time_to_first_feasible=shared.first_feasible if solution is not None else None,
        wall_time=time.perf_counter() - start,
        history=shared.history,
        iterations=shared.iterations,
        search_cost=shared.best_obj if solution is not None else None,
        move_stats=stats,
        repairs=(shared.repairs[0], shared.repairs[1], shared.repairs[2]),
    )


def _tiny_instance() -> dict[str, object]:
    shifts = ["early", "late", "night"]
    los = 2
    return {
        "days": 3,
        "skill_levels": 2,
        "shift_types": shifts,
        "age_groups": ["young", "old"],
        "weights": {
            "room_mixed_age": 1,
            "room_nurse_skill": 1,
            "continuity_of_care": 1,
            "nurse_eccessive_workload": 1,
            "open_operating_theater": 1,
            "surgeon_transfer": 1,
            "patient_delay": 1,
            "unscheduled_optional": 10,
        },
        "occupants": [
            {
                "id": "a0",
                "gender": "A",
                "age_group": "old",
                "length_of_stay": 1,
                "workload_produced": [1, 1, 1],
                "skill_level_required": [1, 0, 0],
                "room_id": "r0",
            }
        ],
        "patients": [
            {
                "id": f"p{i}",
                "mandatory": i == 0,
                "gender": "AB"[i % 2],
                "age_group": "young",
                "length_of_stay": los,
                "surgery_release_day": 0,
                "surgery_due_day": 2,
                "surgery_duration": 60,
                "surgeon_id": "s0",
                "incompatible_room_ids": [],
                "workload_produced": [1] * (los * 3),
                "skill_level_required": [1] * (los * 3),
            }
            for i in range(3)
        ],
        "surgeons": [{"id": "s0", "max_surgery_time": [480, 480, 480]}],
        "operating_theaters": [{"id": "t0", "availability": [480, 480, 480]}],
        "rooms": [{"id": "r0", "capacity": 2}, {"id": "r1", "capacity": 2}],
        "nurses": [
            {
                "id": f"n{k}",
                "skill_level": k,
                "working_shifts": [
                    {"day": d, "shift": s, "max_load": 5} for d in range(3) for s in shifts
                ],
            }
            for k in range(2)
        ],
    }


_TINY = _tiny_instance()
