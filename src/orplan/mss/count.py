"""The count model of a cycle: how many blocks of each specialty per theatre class and day.

Theatres with the same hours, weekdays and specialty list (and no pin) are interchangeable
(:func:`orplan.mss.floor.theatre_classes`). Every rule and every objective term except the
pattern term depends on a schedule only through the counts

.. math:: n_{s,c,w,d} = \\sum_{t \\in c} x_{s,t,w,d} \\in [0, |c|],
   \\qquad \\sum_s n_{s,c,w,d} \\le |c|,

so this model has no symmetry between identical theatres (CP-SAT never explores the
:math:`|c|!` relabellings). The pattern term (theatre-weekdays a specialty uses over the
cycle) is bounded below by :math:`y_{s,c,d} \\ge n_{s,c,w,d}` for every week: a specialty
that has :math:`n` theatres of a class on some week's weekday uses at least :math:`n` of
them. :mod:`orplan.mss.recover` turns the counts into theatres; when the theatres need more
patterns than :math:`\\sum y` the count optimum is still a valid lower bound.

Cyclic shifts of the weeks give the same objective; the model breaks that symmetry by
putting the week with the most blocks of the busiest-ward specialty on Monday first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from orplan.mss.beds import KINDS, cyclic_load
from orplan.mss.floor import theatre_classes
from orplan.mss.model import Block, MssInput, MssTheatre

#: Beds in hundredths, as in the theatre model (kept equal by a test).
SCALE = 100


@dataclass
class CountModel:
    """The count model and the variables read back from it."""

    inp: MssInput
    classes: list[list[MssTheatre]]
    fold: int
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    n: dict[tuple[str, int, int, int], cp_model.IntVar] = field(default_factory=dict)
    y: dict[tuple[str, int, int], cp_model.IntVar] = field(default_factory=dict)
    peaks: dict[str, cp_model.IntVar] = field(default_factory=dict)
    day_beds: dict[str, list[cp_model.LinearExprT]] = field(default_factory=dict)
    objective: cp_model.LinearExprT = 0


def _variables(m: CountModel) -> None:
    pins: dict[tuple[str, str, int, int], int] = defaultdict(int)
    for b in m.inp.fixed:
        pins[b.specialty, b.theatre, b.week, b.weekday] += 1
    for c, group in enumerate(m.classes):
        first, size = group[0], _rep(m) * len(group)
        allowed = [s.id for s in m.inp.specialties
                   if not first.specialties or s.id in first.specialties]  # fmt: skip
        for w in range(1, m.fold + 1):
            folded = range(w, m.inp.cycle_weeks + 1, m.fold)
            for d in first.weekdays:
                cell = []
                for s in allowed:
                    least = sum(pins[s, t.id, v, d] for t in group for v in folded)
                    least = min(least, size)
                    var = m.model.new_int_var(least, size, f"n[{s},{c},{w},{d}]")
                    m.n[s, c, w, d] = var
                    cell.append(var)
                m.model.add(sum(cell) <= size)
    for b in m.inp.fixed:  # a pin the theatre does not allow: no way to keep it
        c = next(i for i, g in enumerate(m.classes) if any(t.id == b.theatre for t in g))
        if (b.specialty, c, (b.week - 1) % m.fold + 1, b.weekday) not in m.n:
            m.model.add_bool_or([])


def _rep(m: CountModel) -> int:
    """Cycle weeks folded onto each model week."""
    return m.inp.cycle_weeks // m.fold


def _minutes(m: CountModel, c: int) -> int:
    return round(60 * m.classes[c][0].hours)


def _hours(m: CountModel) -> list[cp_model.IntVar]:
    weeks = m.inp.cycle_weeks
    offs: list[cp_model.IntVar] = []
    for spec in m.inp.specialties:
        low = round(60 * weeks * (spec.hours - spec.tolerance_hours))
        high = round(60 * weeks * (spec.hours + spec.tolerance_hours))
        total = sum(_minutes(m, c) * v for (s, c, _w, _d), v in m.n.items() if s == spec.id)
        m.model.add_linear_constraint(total, max(low, 0), high)
        if spec.tolerance_hours > 0:
            target = round(60 * weeks * spec.hours)
            off = m.model.new_int_var(0, max(target, high), f"hours_off[{spec.id}]")
            m.model.add_abs_equality(off, total - target)
            offs.append(off)
    return offs


def _bed_peaks(m: CountModel) -> None:
    cycle_days, days, rep = 7 * m.inp.cycle_weeks, 7 * m.fold, _rep(m)
    for kind in KINDS:
        load = {s.id: [round(SCALE * v) for v in cyclic_load(s, kind, cycle_days)]
                for s in m.inp.specialties}  # fmt: skip
        # Folded: the summed load of the days j, j + 7 fold, ... of the cycle (rep 1: load).
        fold = {s: [sum(v[(j + days * r) % cycle_days] for r in range(rep)) for j in range(days)]
                for s, v in load.items()}  # fmt: skip
        bound = sum(max(fold[s]) * len(m.classes[c]) for (s, c, _w, _d) in m.n) + 1
        peak = m.model.new_int_var(0, bound, f"peak_{kind}")
        for day in range(days):
            expr = sum(fold[s][(day - 7 * (w - 1) - d) % days] * v
                       for (s, _c, w, d), v in m.n.items())  # fmt: skip
            m.day_beds.setdefault(kind, []).append(expr)
            m.model.add(rep * peak >= expr)
        m.peaks[kind] = peak


def _patterns(m: CountModel) -> None:
    if m.inp.cycle_weeks == 1 or m.inp.weights.pattern <= 0:
        return
    for (s, c, _w, d), v in m.n.items():
        if (s, c, d) not in m.y:
            m.y[s, c, d] = m.model.new_int_var(0, len(m.classes[c]), f"y[{s},{c},{d}]")
        m.model.add(_rep(m) * m.y[s, c, d] >= v)


def _rotation(m: CountModel) -> None:
    """Week 1 is a week with the most blocks of the longest-stay specialty on its Monday.

    Valid: rotating the weeks of any MSS keeps every rule and the objective (pins excepted,
    so it is skipped when there are pins).
    """
    weeks = m.fold
    if weeks == 1 or m.inp.fixed:
        return
    stay = {s.id: sum(cyclic_load(s, "ward", 7)) for s in m.inp.specialties}
    first_day = min(d for g in m.classes for d in g[0].weekdays)
    for s in sorted(stay, key=lambda k: -stay[k]):
        cells = [[v for (s2, _c, w, d), v in m.n.items() if s2 == s and w == wk and d == first_day]
                 for wk in range(1, weeks + 1)]  # fmt: skip
        if cells[0]:
            for w in range(1, weeks):
                m.model.add(sum(cells[0]) >= sum(cells[w]))
            return


def _objective(m: CountModel, hours_off: list[cp_model.IntVar]) -> None:
    w = m.inp.weights
    terms: list[cp_model.LinearExprT] = []
    if w.ward_peak > 0:
        terms.append(round(60 * SCALE * w.ward_peak) * m.peaks["ward"])
    if w.icu_peak > 0:
        terms.append(round(60 * SCALE * w.icu_peak) * m.peaks["icu"])
    if m.y:
        terms.append(round(60 * SCALE * SCALE * w.pattern) * sum(m.y.values()))
    if hours_off and w.hours_off > 0:
        terms.append(round(SCALE * SCALE * w.hours_off) * sum(hours_off))
    m.objective = sum(terms)
    m.model.minimize(m.objective)


def hint_from_blocks(m: CountModel, blocks: list[Block]) -> None:
    """Hint the counts of a theatre-level schedule (e.g. the one-week optimum repeated)."""
    of_theatre = {t.id: c for c, g in enumerate(m.classes) for t in g}
    counts: dict[tuple[str, int, int, int], int] = defaultdict(int)
    for b in blocks:
        counts[b.specialty, of_theatre[b.theatre], (b.week - 1) % m.fold + 1, b.weekday] += 1
    for key, var in m.n.items():
        m.model.add_hint(var, counts.get(key, 0))


def build_count(inp: MssInput, fold: int | None = None, symmetry: bool = True) -> CountModel:
    """Build the count model of ``inp`` (same objective and units as the theatre model).

    Parameters
    ----------
    inp
        The MSS input.
    fold
        Model weeks (a divisor of ``inp.cycle_weeks``; default all of them, the exact
        model). With fewer, cycle weeks ``w, w + fold, ...`` are summed into model week
        ``w`` and each peak is at least the average of the days summed: a relaxation whose
        optimum is a lower bound of the cycle's (``fold = 1`` is
        :func:`orplan.mss.floor.week_averaged_floor`).
    symmetry
        Break the rotation of the weeks (valid for any input without pins).
    """
    fold = inp.cycle_weeks if fold is None else fold
    if fold < 1 or inp.cycle_weeks % fold:
        raise ValueError(f"fold {fold} does not divide cycle_weeks {inp.cycle_weeks}")
    m = CountModel(inp, theatre_classes(inp), fold)
    _variables(m)
    offs = _hours(m)
    _bed_peaks(m)
    _patterns(m)
    if symmetry:
        _rotation(m)
    _objective(m, offs)
    return m
