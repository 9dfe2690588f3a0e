"""Exact bed demand of a cyclic MSS: Poisson-binomial distributions, no sampling.

Every case a block admits is one patient. A patient of case type :math:`(i, w)` (``icu_days``,
``ward_days``) operated on day :math:`b` is in an ICU bed on days :math:`b \\dots b+i-1` and in
a ward bed on days :math:`b+i \\dots b+i+w-1`. Drawing the case type from the specialty's mix,
the patient is in a ward bed :math:`k` days after surgery with probability

.. math:: q^{ward}_s(k) = \\sum_{(i,w,\\pi)} \\pi \\,[i \\le k < i + w]

(and likewise for the ICU). Patients are independent, so the occupancy of one day in the
steady state of the repeating cycle is a sum of independent Bernoulli variables: one per
(patient, earlier cycle) that can still be in a bed. Its exact distribution is the
convolution of those Bernoullis (Poisson-binomial); p50/p90/p99 are read from it. A
fractional ``cases_per_block`` :math:`n` is :math:`\\lfloor n \\rfloor` patients plus one
more with probability :math:`n - \\lfloor n \\rfloor`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from orplan.mss.model import Block, DayBeds, MssInput, MssSpecialty

KINDS = ("ward", "icu")


def stay_profile(specialty: MssSpecialty, kind: str) -> np.ndarray:
    """Probability that a patient is in a ``kind`` bed ``k`` days after surgery, k = 0, 1, ...

    Parameters
    ----------
    specialty
        The specialty whose case mix is used.
    kind
        ``"ward"`` or ``"icu"``.

    Returns
    -------
    numpy.ndarray
        ``q[k]``; its length is the longest stay (at least 1).
    """
    longest = max(c.icu_days + c.ward_days for c in specialty.case_mix)
    q = np.zeros(max(longest, 1))
    for c in specialty.case_mix:
        first, last = (0, c.icu_days) if kind == "icu" else (c.icu_days, c.icu_days + c.ward_days)
        q[first:last] += c.share
    return q


def cyclic_load(specialty: MssSpecialty, kind: str, cycle_days: int) -> np.ndarray:
    """Expected beds one block adds to each cycle day, by days after its own day.

    ``load[d]`` sums the stay profile over every later cycle that lands on the same day:
    :math:`n_s \\sum_{m \\ge 0} q_s(d + m C)`, with :math:`C` = ``cycle_days``.
    """
    q = stay_profile(specialty, kind)
    load = np.zeros(cycle_days)
    for k, p in enumerate(q):
        load[k % cycle_days] += p
    return specialty.cases_per_block * load


def _bernoullis(
    inp: MssInput, blocks: Iterable[Block], kind: str, day: int
) -> list[tuple[int, float]]:
    """(count, probability) of the independent Bernoulli patients in ``kind`` beds on ``day``."""
    cycle_days = 7 * inp.cycle_weeks
    specs = {s.id: s for s in inp.specialties}
    profiles = {s: stay_profile(spec, kind) for s, spec in specs.items()}
    out: list[tuple[int, float]] = []
    for b in blocks:
        spec = specs[b.specialty]
        whole = int(spec.cases_per_block)
        extra = spec.cases_per_block - whole
        q = profiles[b.specialty]
        offset = (day - (7 * (b.week - 1) + b.weekday)) % cycle_days
        for k in range(offset, len(q), cycle_days):
            if q[k] > 0:
                out.append((whole, float(q[k])))
                if extra > 0:
                    out.append((1, extra * float(q[k])))
    return out


def poisson_binomial(terms: Iterable[tuple[int, float]]) -> np.ndarray:
    """Exact distribution of a sum of independent Bernoullis given as (count, probability).

    Returns
    -------
    numpy.ndarray
        ``pmf[j]`` = probability that the sum is ``j``.
    """
    pmf = np.ones(1)
    for count, p in terms:
        step = np.array([1.0 - p, p])
        for _ in range(count):
            pmf = np.convolve(pmf, step)
    return pmf


def quantile(pmf: np.ndarray, level: float) -> int:
    """Smallest ``j`` with P(sum <= j) >= ``level``."""
    cdf = np.cumsum(pmf)
    return int(np.searchsorted(cdf, level - 1e-12))


def bed_curve(inp: MssInput, blocks: list[Block]) -> list[DayBeds]:
    """Exact mean and p50/p90/p99 ward and ICU beds for every day of the cycle."""
    days: list[DayBeds] = []
    for day in range(7 * inp.cycle_weeks):
        row: dict[str, float | int] = {"week": day // 7 + 1, "weekday": day % 7}
        for kind in KINDS:
            pmf = poisson_binomial(_bernoullis(inp, blocks, kind, day))
            row[f"{kind}_mean"] = round(float(np.dot(np.arange(len(pmf)), pmf)), 4)
            for level in (50, 90, 99):
                row[f"{kind}_p{level}"] = quantile(pmf, level / 100)
        days.append(DayBeds.model_validate(row))
    return days
