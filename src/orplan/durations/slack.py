"""Planned slack for a session: robust surgery loading (Hans et al. 2008).

Hans, Wullink, van Houdenhoven & Kazemier (EJOR 2008) keep the chance of overtime in a
session below a target ``alpha`` by reserving *planned slack* on top of the expected
surgical minutes. Because independent case durations pool, the slack grows with the square
root of the summed variances, not with the number of cases:

.. math:: \\text{slack} \\approx z_{1-\\alpha} \\sqrt{\\textstyle\\sum_i \\sigma_i^2}
   \\quad\\text{(normal approximation, } \\sigma_i \\text{ in minutes)}

A sum of lognormals is itself right-skewed, so for a session of one or two long cases the
normal approximation reserves too little. The Fenton-Wilkinson approximation matches a
lognormal to the sum's mean ``M = sum(mean_i)`` and variance ``V = sum(sd_i**2)``:

.. math::

    s^2 = \\log(1 + V / M^2), \\qquad m = \\log M - s^2 / 2, \\qquad
    \\text{slack} = e^{m + z_{1-\\alpha} s} - M

which is exact for one case and converges to the normal rule as cases are added. The session
overruns (its last case ends after closing) when ``sum(durations) > close - open - turnovers
between cases``, so the load rule for a robust plan is
``sum(mean_i) + sum(turnovers between cases) + slack <= close - open``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Literal

__all__ = ["overtime_probability", "required_slack", "sum_lognormal", "whole_minute_slack"]

Method = Literal["fenton-wilkinson", "normal"]
_STD = NormalDist()


def sum_lognormal(means: Sequence[float], sds: Sequence[float]) -> tuple[float, float]:
    """Fenton-Wilkinson lognormal ``(mu, sigma)`` of a sum of independent durations.

    Parameters
    ----------
    means, sds
        Mean and standard deviation (minutes) of each case.

    Returns
    -------
    tuple of float
        ``mu`` and ``sigma`` of the lognormal with the sum's mean and variance.
    """
    if len(means) != len(sds):
        raise ValueError("means and sds must have the same length")
    total = float(sum(means))
    var = float(sum(s * s for s in sds))
    if total <= 0:
        raise ValueError("the sum of means must be > 0")
    s2 = math.log1p(var / (total * total))
    return math.log(total) - s2 / 2.0, math.sqrt(s2)


def required_slack(
    means: Sequence[float],
    sds: Sequence[float],
    target_overtime_prob: float,
    *,
    method: Method = "fenton-wilkinson",
) -> float:
    """Return the planned slack (minutes) that keeps ``P(overtime)`` at the target.

    Parameters
    ----------
    means, sds
        Mean and standard deviation (minutes) of each case in the session.
    target_overtime_prob
        Accepted probability that the cases' total exceeds ``sum(means) + slack``, in
        ``(0, 1)``; e.g. 0.1.
    method
        ``"fenton-wilkinson"`` (default; lognormal fit to the sum) or ``"normal"``
        (Hans et al.: ``z * sqrt(sum(sd**2))``).

    Returns
    -------
    float
        Slack minutes (0 for an empty session or fixed durations; negative when the
        target is above the chance of exceeding the mean).

    Examples
    --------
    >>> round(required_slack([60] * 4, [18] * 4, 0.1, method="normal"), 1)
    46.1
    >>> round(required_slack([60] * 4, [18] * 4, 0.1), 1)
    47.3
    """
    if not 0 < target_overtime_prob < 1:
        raise ValueError("target_overtime_prob must be in (0, 1)")
    if len(means) != len(sds):
        raise ValueError("means and sds must have the same length")
    var = float(sum(s * s for s in sds))
    if not means or var == 0:
        return 0.0
    z = _STD.inv_cdf(1.0 - target_overtime_prob)
    if method == "normal":
        return z * math.sqrt(var)
    if method != "fenton-wilkinson":
        raise ValueError(f"unknown method {method!r}")
    mu, sigma = sum_lognormal(means, sds)
    return math.exp(mu + z * sigma) - float(sum(means))


def overtime_probability(
    means: Sequence[float],
    sds: Sequence[float],
    slack: float,
    *,
    method: Method = "fenton-wilkinson",
) -> float:
    """Return the approximate ``P(sum of durations > sum(means) + slack)``.

    The inverse of :func:`required_slack`.

    Parameters
    ----------
    means, sds
        Mean and standard deviation (minutes) of each case.
    slack
        Minutes reserved beyond the expected total.
    method
        ``"fenton-wilkinson"`` or ``"normal"``.

    Returns
    -------
    float
        The probability.
    """
    if not means:
        return 0.0
    total = float(sum(means))
    var = float(sum(s * s for s in sds))
    if var == 0:
        return 0.0 if slack >= 0 else 1.0
    if method == "normal":
        return 1.0 - _STD.cdf(slack / math.sqrt(var))
    mu, sigma = sum_lognormal(means, sds)
    limit = total + slack
    if limit <= 0:
        return 1.0
    return 1.0 - _STD.cdf((math.log(limit) - mu) / sigma)


@functools.lru_cache(maxsize=16)
def _z2(target_overtime_prob: float) -> int:
    """``⌈100 z²⌉`` for the target (the planner's rule asks for it at every insertion)."""
    if not 0 < target_overtime_prob < 0.5:
        raise ValueError("target_overtime_prob must be in (0, 0.5)")
    z = _STD.inv_cdf(1.0 - target_overtime_prob)
    return math.ceil(100 * z * z)


def whole_minute_slack(target_overtime_prob: float, sds: Sequence[float]) -> int:
    """Return the robust slack in whole minutes, rounded the way the CP-SAT model rounds it.

    The smallest integer ``k`` with ``100 k² ≥ ⌈100 z²⌉ · Σ ⌈sd²⌉`` (``z`` the standard
    normal quantile at ``1 − target``): never less than the normal rule ``z · sqrt(Σ sd²)``.
    Planners' rules use it so their plans are accepted as they are by the optimiser.

    Parameters
    ----------
    target_overtime_prob
        Accepted probability of running past close, in ``(0, 0.5)``.
    sds
        Standard deviation (minutes) of each case in the session.

    Returns
    -------
    int
        Slack minutes (0 for an empty session or fixed durations).

    Examples
    --------
    >>> whole_minute_slack(0.1, [18] * 4)  # z · 36 = 46.14
    47
    """
    need = _z2(target_overtime_prob) * sum(math.ceil(s * s) for s in sds)
    k = math.isqrt(need // 100)
    while 100 * k * k < need:
        k += 1
    return k
