"""Independent check of a master surgery schedule: every hard rule, recomputed by hand.

Shares no code with the CP-SAT model (:mod:`orplan.mss.solve`) or the exact bed curve
(:mod:`orplan.mss.beds`): it reads only the input and the blocks, loops over them in plain
Python and says in words what is wrong. It also recomputes the expected peak ward and ICU
beds so a wrong objective in the solver is caught.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orplan.mss.model import MssInput, MssPlan


@dataclass
class MssCheck:
    """What the checker found: violations (empty = valid) and its own bed figures."""

    violations: list[str] = field(default_factory=list)
    hours: dict[str, float] = field(default_factory=dict)
    expected_peak_ward: float = 0.0
    expected_peak_icu: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every hard rule holds."""
        return not self.violations


def _expected_beds(inp: MssInput, plan: MssPlan) -> tuple[list[float], list[float]]:
    """Expected ward and ICU beds per cycle day, walking each patient's stay day by day."""
    days = 7 * inp.cycle_weeks
    ward = [0.0] * days
    icu = [0.0] * days
    specs = {s.id: s for s in inp.specialties}
    for b in plan.blocks:
        spec = specs.get(b.specialty)
        if spec is None:
            continue
        surgery = 7 * (b.week - 1) + b.weekday
        for kind in spec.case_mix:
            weight = spec.cases_per_block * kind.share
            for n in range(kind.icu_days):
                icu[(surgery + n) % days] += weight
            for n in range(kind.ward_days):
                ward[(surgery + kind.icu_days + n) % days] += weight
    return ward, icu


def check_mss(inp: MssInput, plan: MssPlan) -> MssCheck:
    """Check every hard rule of an MSS against its input.

    Rules: each block names a known theatre, an open weekday and a cycle week; the theatre
    allows the specialty; at most one specialty per theatre, week and weekday; each
    specialty's hours are within its tolerance; every pinned block is kept; the expected
    peaks the plan states (if any) equal the recomputed ones.
    """
    result = MssCheck()
    bad = result.violations
    theatres = {t.id: t for t in inp.theatres}
    specs = {s.id: s for s in inp.specialties}
    taken: dict[tuple[str, int, int], str] = {}
    hours = dict.fromkeys(specs, 0.0)
    for i, b in enumerate(plan.blocks):
        where = f"block {i} ({b.theatre} week {b.week} day {b.weekday})"
        theatre = theatres.get(b.theatre)
        if theatre is None:
            bad.append(f"{where}: unknown theatre {b.theatre}")
            continue
        if b.specialty not in specs:
            bad.append(f"{where}: unknown specialty {b.specialty}")
            continue
        if b.weekday not in theatre.weekdays:
            bad.append(f"{where}: the theatre is closed on weekday {b.weekday}")
        if not 1 <= b.week <= inp.cycle_weeks:
            bad.append(f"{where}: week {b.week} is outside the {inp.cycle_weeks}-week cycle")
        if theatre.specialties and b.specialty not in theatre.specialties:
            bad.append(f"{where}: the theatre does not allow {b.specialty}")
        cell = (b.theatre, b.week, b.weekday)
        if cell in taken:
            bad.append(f"{where}: already given to {taken[cell]}")
        taken[cell] = b.specialty
        hours[b.specialty] += theatre.hours
    weeks = inp.cycle_weeks
    for spec in inp.specialties:
        if abs(hours[spec.id] - weeks * spec.hours) > weeks * spec.tolerance_hours + 1e-6:
            bad.append(
                f"specialty {spec.id}: {hours[spec.id]:g} h per {weeks}-week cycle, needs "
                f"{weeks * spec.hours:g} +/- {weeks * spec.tolerance_hours:g} h"
            )
    for i, pin in enumerate(inp.fixed):
        if taken.get((pin.theatre, pin.week, pin.weekday)) != pin.specialty:
            bad.append(f"fixed[{i}]: {pin.theatre} week {pin.week} day {pin.weekday} is not "
                       f"{pin.specialty}")  # fmt: skip
    result.hours = hours
    ward, icu = _expected_beds(inp, plan)
    result.expected_peak_ward = max(ward)
    result.expected_peak_icu = max(icu)
    # The solver rounds each block's load to hundredths of a bed: allow that much per block.
    slack = 0.005 * max(len(plan.blocks), 1) + 1e-6
    for label, stated, own in (
        ("ward", plan.expected_peak_ward, result.expected_peak_ward),
        ("icu", plan.expected_peak_icu, result.expected_peak_icu),
    ):
        if stated is not None and abs(stated - own) > slack:
            bad.append(f"expected peak {label} beds stated {stated:.2f}, recomputed {own:.2f}")
    return result
