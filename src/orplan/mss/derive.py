"""Between scenarios and MSSs: derive an MSS input from a week's plan, and sessions back.

:func:`input_from_scenario` reads the current block pattern of a scenario (its sessions) as
the baseline MSS, each specialty's hours from it, and each specialty's case mix from the
cases on the waiting list (the ``icu_days``/``ward_days`` columns). Sessions with no
specialty become the ``open`` pseudo-specialty (``open_session``), whose case mix pools all
cases. :func:`sessions_for` turns an MSS into ``sessions:`` rows for any horizon.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from orplan.mss.model import Block, CaseType, MssInput, MssPlan
from orplan.scenario import Scenario

#: Id of the pseudo-specialty of sessions with no specialty.
OPEN = "open"


def baseline_blocks(scenario: Scenario, cycle_weeks: int) -> list[Block]:
    """The scenario's sessions as blocks, repeated to fill ``cycle_weeks`` weeks."""
    blocks: dict[tuple[str, int, int], Block] = {}
    span = max(1, -(-scenario.horizon.days // 7))
    for week in range(1, cycle_weeks + 1):
        for s in scenario.sessions:
            offset = (s.date - scenario.horizon.start).days
            if offset // 7 != (week - 1) % span:
                continue
            key = (s.theatre, week, s.date.weekday())
            blocks.setdefault(key, Block(theatre=s.theatre, week=week,
                                         weekday=s.date.weekday(),
                                         specialty=s.specialty or OPEN))  # fmt: skip
    return sorted(blocks.values(), key=lambda b: (b.week, b.weekday, b.theatre))


def _case_mix(cases: list[Any]) -> list[dict[str, Any]]:
    counts = Counter((c.icu_days, c.ward_days) for c in cases)
    total = sum(counts.values())
    mix = [
        {"icu_days": i, "ward_days": w, "share": round(n / total, 6)}
        for (i, w), n in sorted(counts.items())
    ]
    # Rounding to 6 places can leave the sum a hair off 1: give the rest to the largest.
    largest = max(mix, key=lambda row: row["share"])
    largest["share"] = round(largest["share"] + 1 - sum(r["share"] for r in mix), 6)
    return mix


def input_from_scenario(scenario: Scenario, cycle_weeks: int = 1) -> MssInput:
    """An MSS input whose baseline is the scenario's current block pattern.

    A block's admissions are its minutes over the mean case minutes (duration plus
    turnover) of its specialty: what a full block operates on.
    """
    blocks = baseline_blocks(scenario, cycle_weeks)
    minutes: dict[str, list[int]] = defaultdict(list)
    for s in scenario.sessions:
        minutes[s.theatre].append(s.close - s.open)
    hours = {t: Counter(m).most_common(1)[0][0] / 60 for t, m in minutes.items()}
    weekdays = sorted({s.date.weekday() for s in scenario.sessions})
    by_spec: dict[str, list[Any]] = defaultdict(list)
    for case in scenario.cases:
        by_spec[case.specialty or OPEN].append(case)
    by_spec[OPEN] = list(scenario.cases)
    specs = []
    for spec_id in sorted({b.specialty for b in blocks}):
        cases = by_spec.get(spec_id) or list(scenario.cases)
        per_case = sum(c.duration + scenario.turnover_of(c) for c in cases) / len(cases)
        spec_hours = sum(hours[b.theatre] for b in blocks if b.specialty == spec_id)
        block_minutes = 60 * spec_hours / sum(1 for b in blocks if b.specialty == spec_id)
        specs.append({
            "id": spec_id,
            "hours": round(spec_hours / cycle_weeks, 4),
            "cases_per_block": round(block_minutes / per_case, 3),
            "case_mix": [CaseType(**row) for row in _case_mix(cases)],
            "open_session": spec_id == OPEN,
        })  # fmt: skip
    spec_ids = {str(s["id"]) for s in specs}
    # A theatre with a specialty list keeps it; open sessions stay on theatres with none
    # (those allow any specialty).
    theatres = [
        {"id": t.id, "weekdays": weekdays, "hours": hours[t.id],
         "specialties": [s for s in t.specialties if s in spec_ids]}
        for t in scenario.theatres if t.id in hours
    ]  # fmt: skip
    beds = {u.kind: u.beds for u in scenario.beds}
    return MssInput.model_validate({
        "name": f"{scenario.name}-mss",
        "description": f"Derived from scenario {scenario.name!r}; baseline = its sessions.",
        "cycle_weeks": cycle_weeks,
        "day_start": _clock(Counter(s.open for s in scenario.sessions).most_common(1)[0][0]),
        "theatres": theatres,
        "specialties": specs,
        "beds": {"ward": beds.get("ward"), "icu": beds.get("icu")},
        # ICU beds are far scarcer than ward beds: one ICU bed weighs as ten ward beds.
        "weights": {"icu_peak": 10.0},
        "baseline": blocks,
    })  # fmt: skip


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def sessions_for(inp: MssInput, plan: MssPlan, start: dt.date, days: int) -> list[dict[str, Any]]:
    """Session rows of a scenario for ``days`` days from ``start`` that follow the MSS.

    Cycle week 1 starts on the Monday on or before ``start``, so a weekday always gets the
    same block. Open-session blocks get no specialty.
    """
    hours = {t.id: t.hours for t in inp.theatres}
    open_ids = {s.id for s in inp.specialties if s.open_session}
    h, m = (int(part) for part in inp.day_start.split(":"))
    opens = 60 * h + m
    anchor = start - dt.timedelta(days=start.weekday())
    by_cell: dict[tuple[int, int], list[Block]] = defaultdict(list)
    for b in plan.blocks:
        by_cell[b.week, b.weekday].append(b)
    rows: list[dict[str, Any]] = []
    for n in range(days):
        date = start + dt.timedelta(days=n)
        week = ((date - anchor).days // 7) % inp.cycle_weeks + 1
        for b in sorted(by_cell.get((week, date.weekday()), []), key=lambda b: b.theatre):
            close = min(opens + round(60 * hours[b.theatre]), 24 * 60 - 1)
            row: dict[str, Any] = {"theatre": b.theatre, "date": date.isoformat(),
                                   "open": _clock(opens), "close": _clock(close)}  # fmt: skip
            if b.specialty not in open_ids:
                row["specialty"] = b.specialty
            rows.append(row)
    return rows
