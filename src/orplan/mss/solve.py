"""The theatre-level CP-SAT model of the MSS, and :func:`solve_mss`, which picks a model.

The default formulation is the count model (:mod:`orplan.mss.count`, solved by
:mod:`orplan.mss.solve_count`): blocks per theatre class, theatres recovered afterwards.
This module's theatre model (``MssSettings(formulation="theatre")``) is kept to compare.

Theatre formulation (docs/mss.md has the full text). Booleans :math:`x_{s,t,w,d}` = specialty
:math:`s` has theatre :math:`t` on weekday :math:`d` of cycle week :math:`w`, made only where
the theatre opens and allows the specialty.

- one specialty per block: :math:`\\sum_s x_{s,t,w,d} \\le 1`;
- hours: :math:`|\\sum_{t,w,d} h_t x_{s,t,w,d} - W H_s| \\le W \\tau_s` (:math:`W` weeks);
- pinned blocks: :math:`x = 1`;
- expected beds of cycle day :math:`c`:
  :math:`E^k_c = \\sum x_{s,t,w,d}\\, L^k_s((c - 7(w-1) - d) \\bmod 7W)` with :math:`L` from
  :func:`orplan.mss.beds.cyclic_load`, and :math:`P^k \\ge E^k_c` for every day;
- pattern: :math:`y_{s,t,d} \\ge x_{s,t,w,d}` (the specialty uses that theatre-weekday).

Objective: :math:`\\min\\ \\omega_{ward} P^{ward} + \\omega_{icu} P^{icu} + \\omega_{pat}
\\sum y + \\omega_{hrs} \\sum_s |\\text{hours}_s - H_s|`, in bed units, scaled to integers.
A multi-week cycle also gets ``objective >= floor``, the proven lower bound of
:func:`orplan.mss.floor.week_averaged_floor`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

from ortools.sat.python import cp_model

import orplan
from orplan.mss.beds import KINDS, cyclic_load
from orplan.mss.model import Block, MssInput, MssPlan, MssRun

#: Beds are counted in hundredths in the model (CP-SAT needs integer coefficients).
SCALE = 100
#: The objective is in beds times this (beds in hundredths, hours off per minute).
OBJECTIVE_SCALE = 60 * SCALE * SCALE


@dataclass(frozen=True)
class MssSettings:
    """Solver settings; the same defaults in the CLI and the Python API."""

    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    #: ``count`` (blocks per theatre class, theatres recovered; the default) or
    #: ``theatre`` (one Boolean per specialty, theatre, week and weekday; for comparison).
    formulation: Literal["count", "theatre"] = "count"


@dataclass
class _Model:
    """The CP-SAT model and the variables read back from it."""

    inp: MssInput
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[str, str, int, int], cp_model.IntVar] = field(default_factory=dict)
    peaks: dict[str, cp_model.IntVar] = field(default_factory=dict)
    day_beds: dict[str, list[cp_model.LinearExprT]] = field(default_factory=dict)
    pattern: list[cp_model.IntVar] = field(default_factory=list)
    hours_off: list[cp_model.IntVar] = field(default_factory=list)
    objective: cp_model.LinearExprT = 0

    def minutes(self, theatre: str) -> int:
        return next(round(60 * t.hours) for t in self.inp.theatres if t.id == theatre)


def _variables(m: _Model) -> None:
    for t in m.inp.theatres:
        allowed = [s.id for s in m.inp.specialties if not t.specialties or s.id in t.specialties]
        for w in range(1, m.inp.cycle_weeks + 1):
            for d in t.weekdays:
                for s in allowed:
                    m.x[s, t.id, w, d] = m.model.new_bool_var(f"x[{s},{t.id},{w},{d}]")


def _one_specialty_per_block(m: _Model) -> None:
    cells: dict[tuple[str, int, int], list[cp_model.IntVar]] = {}
    for (_s, t, w, d), var in m.x.items():
        cells.setdefault((t, w, d), []).append(var)
    for group in cells.values():
        m.model.add_at_most_one(group)


def _hours(m: _Model) -> None:
    for spec in m.inp.specialties:
        # 'hours' is per week: the cycle needs it once per cycle week.
        weeks = m.inp.cycle_weeks
        low = round(60 * weeks * (spec.hours - spec.tolerance_hours))
        high = round(60 * weeks * (spec.hours + spec.tolerance_hours))
        total = sum(m.minutes(t) * v for (s, t, _w, _d), v in m.x.items() if s == spec.id)
        m.model.add_linear_constraint(total, max(low, 0), high)
        if spec.tolerance_hours > 0:
            target = round(60 * weeks * spec.hours)
            off = m.model.new_int_var(0, max(target, high), f"hours_off[{spec.id}]")
            m.model.add_abs_equality(off, total - target)
            m.hours_off.append(off)


def _fixed(m: _Model) -> None:
    for b in m.inp.fixed:
        var = m.x.get((b.specialty, b.theatre, b.week, b.weekday))
        if var is None:  # the theatre does not allow the specialty: no way to pin it
            m.model.add_bool_or([])
        else:
            m.model.add(var == 1)


def _bed_peaks(m: _Model) -> None:
    cycle_days = 7 * m.inp.cycle_weeks
    loads = {
        (s.id, k): [round(SCALE * v) for v in cyclic_load(s, k, cycle_days)]
        for s in m.inp.specialties
        for k in KINDS
    }
    for kind in KINDS:
        bound = sum(max(loads[s, kind]) for (s, _t, _w, _d) in m.x) + 1
        peak = m.model.new_int_var(0, bound, f"peak_{kind}")
        for day in range(cycle_days):
            expr = [
                loads[s, kind][(day - 7 * (w - 1) - d) % cycle_days] * v
                for (s, _t, w, d), v in m.x.items()
            ]
            m.day_beds.setdefault(kind, []).append(sum(expr))
            m.model.add(peak >= m.day_beds[kind][-1])
        m.peaks[kind] = peak


def _patterns(m: _Model) -> None:
    if m.inp.cycle_weeks == 1 or m.inp.weights.pattern <= 0:
        return  # one week: every pattern is its own week, nothing to keep
    uses: dict[tuple[str, str, int], cp_model.IntVar] = {}
    for (s, t, _w, d), v in m.x.items():
        if (s, t, d) not in uses:
            uses[s, t, d] = m.model.new_bool_var(f"y[{s},{t},{d}]")
            m.pattern.append(uses[s, t, d])
        m.model.add_implication(v, uses[s, t, d])


def _objective(m: _Model) -> None:
    # Every term is in hundredths of a bed times 60, so hours off can count per minute.
    w = m.inp.weights
    terms: list[cp_model.LinearExprT] = []
    if w.ward_peak > 0:
        terms.append(round(60 * SCALE * w.ward_peak) * m.peaks["ward"])
    if w.icu_peak > 0:
        terms.append(round(60 * SCALE * w.icu_peak) * m.peaks["icu"])
    if m.pattern:
        terms.append(round(60 * SCALE * SCALE * w.pattern) * sum(m.pattern))
    if m.hours_off and w.hours_off > 0:
        terms.append(round(SCALE * SCALE * w.hours_off) * sum(m.hours_off))
    m.objective = sum(terms)
    m.model.minimize(m.objective)


def _hint(m: _Model, start: list[Block] | None) -> None:
    # A start (the one-week optimum repeated) or the current MSS is usually feasible: a
    # good first solution to improve on.
    blocks = m.inp.baseline if start is None else start
    chosen = {(b.specialty, b.theatre, b.week, b.weekday) for b in blocks}
    for key, var in m.x.items():
        m.model.add_hint(var, key in chosen)


def build(inp: MssInput, start: list[Block] | None = None) -> _Model:
    """Build the CP-SAT model of ``inp`` (rules in this order; each is independent)."""
    m = _Model(inp)
    _variables(m)
    _one_specialty_per_block(m)
    _hours(m)
    _fixed(m)
    _bed_peaks(m)
    _patterns(m)
    _objective(m)
    _hint(m, start)
    return m


def _one_week_start(inp: MssInput, settings: MssSettings) -> list[Block] | None:
    """For a multi-week cycle, the one-week optimum repeated every week (or ``None``).

    Hours are per week, so the repeated week meets them and has the same bed peaks; the
    search of the full cycle then starts from it. It gets a quarter of the time limit.
    """
    if inp.cycle_weeks == 1:
        return None
    one = inp.model_copy(update={
        "cycle_weeks": 1,
        "fixed": [b for b in inp.fixed if b.week == 1],
        "baseline": [b for b in inp.baseline if b.week == 1],
    })  # fmt: skip
    plan = solve_mss(one, MssSettings(settings.time_limit / 4, settings.workers, settings.seed,
                                      settings.formulation))  # fmt: skip
    if not plan.blocks:
        return None
    return [b.model_copy(update={"week": w}) for w in range(1, inp.cycle_weeks + 1)
            for b in plan.blocks]  # fmt: skip


def solve_mss(inp: MssInput, settings: MssSettings | None = None) -> MssPlan:
    """Solve the MSS model; the result's status says whether blocks were found.

    Infeasible or no solution in time is a status with an explanation, not an exception.
    """
    from orplan.mss.explain import explain_infeasible

    settings = settings or MssSettings()
    started = time.perf_counter()
    reasons = explain_infeasible(inp)
    if reasons:
        return MssPlan(
            name=inp.name, cycle_weeks=inp.cycle_weeks, status="infeasible", explanation=reasons
        )
    if settings.formulation == "count":
        from orplan.mss.solve_count import solve_count

        def one_week(cycle: MssInput, seconds: float) -> list[Block] | None:
            return _one_week_start(cycle, MssSettings(4 * seconds, settings.workers,
                                                      settings.seed, "count"))  # fmt: skip

        return solve_count(inp, settings.time_limit, settings.workers, settings.seed, one_week)
    start = _one_week_start(inp, settings)
    m = build(inp, start)
    if inp.cycle_weeks > 1:
        # A proven floor of the objective (orplan.mss.floor): CP-SAT's own bound of a
        # multi-week cycle stays near the LP's; this one lifts it and can end the search.
        from orplan.mss.floor import week_averaged_floor

        floor = week_averaged_floor(inp, settings.time_limit / 6, settings.workers, settings.seed)
        if floor is not None:
            m.model.add(m.objective >= floor)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(
        settings.time_limit - (time.perf_counter() - started), 0.1
    )
    solver.parameters.num_workers = settings.workers
    solver.parameters.random_seed = settings.seed
    code = solver.solve(m.model)
    wall = time.perf_counter() - started
    status = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}.get(code)
    run = MssRun(
        version=orplan.__version__,
        seed=settings.seed,
        time_limit=settings.time_limit,
        workers=settings.workers,
        wall_time=round(wall, 3),
        stopped_by="optimal" if code == cp_model.OPTIMAL else "time_limit",
        formulation="theatre",
    )
    if status is None:
        infeasible = code == cp_model.INFEASIBLE
        why = (
            ["no choice of whole blocks meets every specialty's hours within its tolerance "
             "and the pinned blocks; widen tolerance_hours or unpin blocks"]
            if infeasible
            else [f"no MSS found within {settings.time_limit:g} s"]
        )  # fmt: skip
        return MssPlan(
            name=inp.name,
            cycle_weeks=inp.cycle_weeks,
            status="infeasible" if infeasible else "unknown",
            explanation=why,
            run=run,
        )
    blocks = [
        Block(theatre=t, week=w, weekday=d, specialty=s)
        for (s, t, w, d), v in sorted(m.x.items(), key=lambda kv: (kv[0][2], kv[0][1], kv[0][3]))
        if solver.boolean_value(v)
    ]
    blocks.sort(key=lambda b: (b.week, b.weekday, b.theatre))
    return MssPlan(
        name=inp.name,
        cycle_weeks=inp.cycle_weeks,
        status=status,
        blocks=blocks,
        objective=solver.objective_value / OBJECTIVE_SCALE,
        bound=solver.best_objective_bound / OBJECTIVE_SCALE,
        # From the day sums, not the peak variables: a peak weighted 0 is only a bound.
        expected_peak_ward=max(solver.value(e) for e in m.day_beds["ward"]) / SCALE,
        expected_peak_icu=max(solver.value(e) for e in m.day_beds["icu"]) / SCALE,
        run=run,
    )
