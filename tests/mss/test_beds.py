"""The exact bed curve: Poisson-binomial against brute force, means against the checker."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from orplan.mss import Block, MssInput, MssPlan, check_mss
from orplan.mss.beds import bed_curve, cyclic_load, poisson_binomial, quantile, stay_profile
from orplan.mss.model import MssSpecialty


def test_poisson_binomial_matches_enumeration() -> None:
    """The convolution equals summing every outcome of 2 + 1 Bernoullis by hand."""
    terms = [(2, 0.3), (1, 0.6)]
    probs = [0.3, 0.3, 0.6]
    brute = np.zeros(4)
    for outcome in itertools.product((0, 1), repeat=3):
        p = np.prod([q if o else 1 - q for o, q in zip(outcome, probs, strict=True)])
        brute[sum(outcome)] += p
    assert poisson_binomial(terms) == pytest.approx(brute)


def test_quantile_reads_the_cdf() -> None:
    """P = (0.5, 0.4, 0.1): p50 is 0, p90 is 1, p99 is 2."""
    pmf = np.array([0.5, 0.4, 0.1])
    assert [quantile(pmf, q) for q in (0.5, 0.9, 0.99)] == [0, 1, 2]


def test_stay_profile_puts_icu_before_ward() -> None:
    """Type (icu 1, ward 2): ICU on day 0, ward on days 1-2."""
    spec = MssSpecialty.model_validate({"id": "s", "hours": 8, "cases_per_block": 1,
                                        "case_mix": [{"share": 1.0, "icu_days": 1,
                                                      "ward_days": 2}]})  # fmt: skip
    assert list(stay_profile(spec, "icu")) == [1.0, 0.0, 0.0]
    assert list(stay_profile(spec, "ward")) == [0.0, 1.0, 1.0]


def test_cyclic_load_folds_long_stays() -> None:
    """A 9-day stay in a 7-day cycle adds 2 beds on days 0-1 (two cohorts), 1 after."""
    spec = MssSpecialty.model_validate({"id": "s", "hours": 8, "cases_per_block": 1,
                                        "case_mix": [{"share": 1.0, "ward_days": 9}]})  # fmt: skip
    assert list(cyclic_load(spec, "ward", 7)) == [2, 2, 1, 1, 1, 1, 1]


def test_curve_means_equal_the_checkers(tiny: MssInput) -> None:
    """The exact mean per day equals the checker's own day-by-day sum (fractional cases too)."""
    data = tiny.model_dump()
    data["specialties"][0]["cases_per_block"] = 2.5
    data["specialties"][0]["case_mix"] = [
        {"share": 0.7, "ward_days": 3},
        {"share": 0.3, "icu_days": 2, "ward_days": 5},
    ]
    inp = MssInput.model_validate(data)
    blocks = [Block(theatre="OR1", weekday=d, specialty="long") for d in (0, 3)]
    curve = bed_curve(inp, blocks)
    report = check_mss(inp, MssPlan(name="t", cycle_weeks=1, status="feasible", blocks=blocks))
    assert max(d.ward_mean for d in curve) == pytest.approx(report.expected_peak_ward, abs=1e-3)
    assert max(d.icu_mean for d in curve) == pytest.approx(report.expected_peak_icu, abs=1e-3)


def test_bands_are_ordered(tiny: MssInput) -> None:
    """On every day p50 <= p90 <= p99, and a day with sure patients has p50 = their count."""
    blocks = [Block(theatre="OR1", weekday=0, specialty="long")]
    curve = bed_curve(tiny, blocks)
    assert all(d.ward_p50 <= d.ward_p90 <= d.ward_p99 for d in curve)
    # 2 patients, each surely in a bed Monday-Wednesday: no spread at all.
    assert [(d.ward_p50, d.ward_p99) for d in curve[:4]] == [(2, 2), (2, 2), (2, 2), (0, 0)]
