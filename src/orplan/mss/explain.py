"""Reasons an MSS cannot exist, found before any search, each naming what is at fault."""

from __future__ import annotations

from orplan.mss.model import MssInput


def explain_infeasible(inp: MssInput) -> list[str]:
    """Plain-language reasons no MSS meets every rule; empty when none is obvious.

    Checks, in order: a specialty needing more hours than its allowed theatres open; all
    specialties together needing more hours than exist; a pinned block in a theatre that
    does not allow its specialty; two pins on one block.
    """
    reasons: list[str] = []
    weeks = inp.cycle_weeks
    total_open = sum(weeks * len(t.weekdays) * t.hours for t in inp.theatres)
    for spec in inp.specialties:
        allowed = [t for t in inp.theatres if not t.specialties or spec.id in t.specialties]
        available = sum(weeks * len(t.weekdays) * t.hours for t in allowed)
        need = weeks * (spec.hours - spec.tolerance_hours)
        if need > available + 1e-9:
            reasons.append(
                f"specialty {spec.id} needs {need:g} h per cycle but the theatres it may use "
                f"open only {available:g} h"
            )
    need_all = sum(weeks * max(s.hours - s.tolerance_hours, 0) for s in inp.specialties)
    if need_all > total_open + 1e-9:
        reasons.append(
            f"the specialties need {need_all:g} h per cycle together but the theatres open "
            f"only {total_open:g} h"
        )
    theatres = {t.id: t for t in inp.theatres}
    seen: dict[tuple[str, int, int], str] = {}
    for i, b in enumerate(inp.fixed):
        kept_for = theatres[b.theatre].specialties
        if kept_for and b.specialty not in kept_for:
            reasons.append(f"fixed[{i}]: theatre {b.theatre} does not allow {b.specialty}")
        cell = (b.theatre, b.week, b.weekday)
        if cell in seen and seen[cell] != b.specialty:
            reasons.append(f"fixed[{i}]: block already pinned to {seen[cell]}")
        seen[cell] = b.specialty
    return reasons
