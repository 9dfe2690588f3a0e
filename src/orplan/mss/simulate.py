"""Monte-Carlo weeks of an MSS: bed peaks, days over capacity, cancellations for lack of a bed.

The exact bed curve (:mod:`orplan.mss.beds`) gives each day's distribution; the peak over a
week and cancellations depend on several days at once, so they are simulated here. Every
block operates on :math:`\\lfloor n \\rfloor` cases plus one with probability
:math:`n - \\lfloor n \\rfloor`, each drawing its case type from the specialty's mix.

Two runs share the same random patients. *Uncapped*: every patient gets a bed; gives the
daily peak and the days demand exceeds capacity. *Capped*: on the surgery day a patient whose
first bed (ICU, else ward) is full is cancelled and takes no bed; later steps (ICU to ward)
are always admitted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from orplan.mss.model import Block, MssInput


@dataclass(frozen=True)
class SimResult:
    """Figures over the simulated weeks (after a warm-up of full cycles).

    ``p90_day_*`` is the 90th percentile of the daily occupancy over all simulated days;
    ``p90_peak_*`` the 90th percentile of each calendar week's highest day.
    """

    weeks: int
    seed: int
    cases: int
    p90_day_ward: float
    p90_day_icu: float
    p90_peak_ward: float
    p90_peak_icu: float
    mean_peak_ward: float
    days_over_ward: int
    days_over_icu: int
    cancelled_no_ward_bed: int
    cancelled_no_icu_bed: int
    theatre_hours: float

    def as_dict(self) -> dict[str, float | int]:
        """Plain dict for JSON."""
        return asdict(self)


def _patients(
    inp: MssInput, blocks: list[Block], cycles: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Surgery day, ICU days and ward days of every simulated patient, sorted by day."""
    specs = {s.id: s for s in inp.specialties}
    cycle_days = 7 * inp.cycle_weeks
    days, icu, ward = [], [], []
    starts = np.arange(cycles) * cycle_days
    for b in blocks:
        spec = specs[b.specialty]
        whole = int(spec.cases_per_block)
        counts = whole + (rng.random(cycles) < spec.cases_per_block - whole)
        n = int(counts.sum())
        kinds = rng.choice(len(spec.case_mix), size=n, p=[c.share for c in spec.case_mix])
        days.append(np.repeat(starts + 7 * (b.week - 1) + b.weekday, counts))
        icu.append(np.array([c.icu_days for c in spec.case_mix])[kinds])
        ward.append(np.array([c.ward_days for c in spec.case_mix])[kinds])
    day, i, w = (np.concatenate(a) if a else np.zeros(0, int) for a in (days, icu, ward))
    order = np.lexsort((rng.random(len(day)), day))  # random order within a day
    return day[order], i[order], w[order]


def _occupancy(total: int, first: np.ndarray, length: np.ndarray) -> np.ndarray:
    diff = np.zeros(total + int(length.max(initial=0)) + 2, dtype=np.int64)
    np.add.at(diff, first, 1)
    np.add.at(diff, first + length, -1)
    return np.cumsum(diff)[:total]


def _capped(
    inp: MssInput, day: np.ndarray, icu: np.ndarray, ward: np.ndarray, total: int
) -> np.ndarray:
    """Per patient: 0 admitted, 1 cancelled for a full ward, 2 for a full ICU."""
    cap_w = inp.beds.ward if inp.beds.ward is not None else 10**9
    cap_i = inp.beds.icu if inp.beds.icu is not None else 10**9
    span = total + int((icu + ward).max(initial=0)) + 2
    occ_w = np.zeros(span, dtype=np.int64)
    occ_i = np.zeros(span, dtype=np.int64)
    cancelled = np.zeros(len(day), dtype=np.int8)
    needs = np.flatnonzero((icu + ward) > 0)
    # Per-patient loop over bed patients only (day cases never need a bed).
    for p in needs.tolist():
        d, i, w = int(day[p]), int(icu[p]), int(ward[p])
        if i > 0 and occ_i[d] >= cap_i:
            cancelled[p] = 2
            continue
        if i == 0 and occ_w[d] >= cap_w:
            cancelled[p] = 1
            continue
        occ_i[d : d + i] += 1
        occ_w[d + i : d + i + w] += 1
    return cancelled


def simulate(inp: MssInput, blocks: list[Block], weeks: int = 10_000, seed: int = 0) -> SimResult:
    """Simulate ``weeks`` calendar weeks of the MSS repeating (after a warm-up).

    Parameters
    ----------
    inp, blocks
        The MSS input and the blocks to simulate (optimised or baseline).
    weeks
        Calendar weeks counted, rounded up to whole cycles.
    seed
        Seed of the random generator; the same seed gives the same patients.
    """
    rng = np.random.default_rng(seed)
    cycle_days = 7 * inp.cycle_weeks
    longest = max(c.icu_days + c.ward_days for s in inp.specialties for c in s.case_mix)
    warm = -(-max(longest, 1) // cycle_days)  # cycles before counting: beds fill up
    cycles = warm + -(-weeks // inp.cycle_weeks)
    total = cycles * cycle_days
    day, icu, ward = _patients(inp, blocks, cycles, rng)
    ward_occ = _occupancy(total, day + icu, ward)
    icu_occ = _occupancy(total, day, icu)
    why = _capped(inp, day, icu, ward, total)
    first = warm * cycle_days
    counted = (day >= first) & ((icu + ward) > 0)
    w_weeks = ward_occ[first:].reshape(-1, 7).max(axis=1)
    i_weeks = icu_occ[first:].reshape(-1, 7).max(axis=1)
    hours = {t.id: t.hours for t in inp.theatres}
    cap_w = inp.beds.ward if inp.beds.ward is not None else 10**9
    cap_i = inp.beds.icu if inp.beds.icu is not None else 10**9
    return SimResult(
        weeks=len(w_weeks),
        seed=seed,
        cases=int((day >= first).sum()),
        # The figure: the 90th percentile over every simulated day (weekends too)
        # of that day's occupancy (one count a day is its peak).
        p90_day_ward=float(np.percentile(ward_occ[first:], 90)),
        p90_day_icu=float(np.percentile(icu_occ[first:], 90)),
        p90_peak_ward=float(np.percentile(w_weeks, 90)),
        p90_peak_icu=float(np.percentile(i_weeks, 90)),
        mean_peak_ward=round(float(w_weeks.mean()), 3),
        days_over_ward=int((ward_occ[first:] > cap_w).sum()),
        days_over_icu=int((icu_occ[first:] > cap_i).sum()),
        cancelled_no_ward_bed=int((counted & (why == 1)).sum()),
        cancelled_no_icu_bed=int((counted & (why == 2)).sum()),
        theatre_hours=sum(hours[b.theatre] for b in blocks) / inp.cycle_weeks,
    )
