"""Reasons an MSS cannot exist, found before any search, each naming what is at fault."""

from __future__ import annotations

from orplan.mss.model import MssInput


def explain_infeasible(inp: MssInput) -> list[str]:
    """Plain-language reasons no MSS meets every rule; empty when none is obvious.

    Checks, in order: a specialty needing more hours than its allowed theatres open; all
    specialties together needing more hours than exist; a pinned block in a theatre that
    does not allow its specialty; two pins on one block; a specialty whose hours no sum of
    whole blocks of its theatres meets (:func:`whole_block_reasons`).
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
    return reasons or whole_block_reasons(inp)


def _sums(inp: MssInput, spec_id: str, high: int) -> int:
    """Bitset of the block minutes (up to ``high``) the specialty's theatres can add up to."""
    reach = 1
    mask = (1 << (high + 1)) - 1
    for t in inp.theatres:
        if t.specialties and spec_id not in t.specialties:
            continue
        minutes = round(60 * t.hours)
        for _ in range(inp.cycle_weeks * len(t.weekdays)):
            reach = (reach | (reach << minutes)) & mask
    return reach


def whole_block_reasons(inp: MssInput) -> list[str]:
    """Specialties whose hours no sum of whole blocks of their theatres meets, by name.

    Each specialty alone: the block lengths of the theatres it may use, each at most as
    often as the theatre opens in the cycle, must add up to its hours within the
    tolerance (in minutes, as the models count them).
    """
    reasons: list[str] = []
    weeks = inp.cycle_weeks
    for spec in inp.specialties:
        low = max(round(60 * weeks * (spec.hours - spec.tolerance_hours)), 0)
        high = round(60 * weeks * (spec.hours + spec.tolerance_hours))
        if _sums(inp, spec.id, high) >> low == 0:
            lengths = sorted({t.hours for t in inp.theatres
                              if not t.specialties or spec.id in t.specialties})  # fmt: skip
            reasons.append(
                f"specialty {spec.id} needs {weeks * spec.hours:g} +/- "
                f"{weeks * spec.tolerance_hours:g} h per cycle, which no number of whole "
                f"blocks of its theatres ({', '.join(f'{h:g}' for h in lengths)} h) adds up "
                "to; widen its tolerance_hours or change its hours"
            )
    return reasons
