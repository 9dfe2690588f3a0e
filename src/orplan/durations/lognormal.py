"""Lognormal helpers: conversions between the parametrisations planners and models use.

Case durations are right-skewed; within one procedure they are well described by a
lognormal distribution (Strum, May & Vargas, Anesthesiology 2000; May et al., Decision
Sciences 2000): ``log(duration) ~ N(mu, sigma**2)``. Three equivalent descriptions are used
in orplan:

* ``(mu, sigma)``: mean and standard deviation of ``log(minutes)`` (the model's own);
* ``(mean, sd)``: expected minutes and their standard deviation (``Case.duration`` and
  ``Case.duration_sd``);
* ``(median, spread)``: median minutes and the multiplicative one-sigma factor
  ``exp(sigma)`` (a spread of 1.35 means "one sigma is 35 % longer or 26 % shorter").

The conversions are exact:

.. math::

    \\sigma^2 = \\log(1 + sd^2 / mean^2), \\qquad \\mu = \\log(mean) - \\sigma^2 / 2,

    mean = e^{\\mu + \\sigma^2/2}, \\qquad sd = mean \\sqrt{e^{\\sigma^2} - 1},
    \\qquad median = e^{\\mu}.
"""

from __future__ import annotations

import math
from statistics import NormalDist

__all__ = [
    "DEFAULT_CV",
    "DEFAULT_SIGMA",
    "cv_from_sigma",
    "lognormal_cdf",
    "lognormal_quantile",
    "mean_sd_from_mu_sigma",
    "median_spread_from_mu_sigma",
    "mu_sigma_from_mean_sd",
    "mu_sigma_from_median_spread",
    "sigma_from_cv",
]

_STD = NormalDist()

DEFAULT_CV = 0.3
"""Coefficient of variation (sd / mean) used when neither the case nor a fitted model gives a
spread. An assumption of orplan: within-procedure durations are lognormal (Strum, May &
Vargas 2000) with a log-sd of roughly 0.2-0.45 for most procedure families (the calibration
tables of :mod:`orplan.generate.calibration` use that range), i.e. a CV of about 0.2-0.47;
0.3 sits in the middle. Equivalent log-sd: :data:`DEFAULT_SIGMA` ≈ 0.294."""


def sigma_from_cv(cv: float) -> float:
    """Return the log-sd ``sigma`` of a lognormal with coefficient of variation ``cv``.

    Parameters
    ----------
    cv
        sd / mean, ``>= 0``.

    Returns
    -------
    float
        ``sqrt(log(1 + cv**2))``.
    """
    if cv < 0:
        raise ValueError(f"coefficient of variation must be >= 0, got {cv}")
    return math.sqrt(math.log1p(cv * cv))


def cv_from_sigma(sigma: float) -> float:
    """Return the coefficient of variation of a lognormal with log-sd ``sigma``.

    Parameters
    ----------
    sigma
        Log-sd, ``>= 0``.

    Returns
    -------
    float
        ``sqrt(exp(sigma**2) - 1)``.
    """
    if sigma < 0:
        raise ValueError(f"sigma must be >= 0, got {sigma}")
    return math.sqrt(math.expm1(sigma * sigma))


DEFAULT_SIGMA = sigma_from_cv(DEFAULT_CV)
"""Log-sd of the default spread (CV :data:`DEFAULT_CV`)."""


def mu_sigma_from_mean_sd(mean: float, sd: float) -> tuple[float, float]:
    """Return ``(mu, sigma)`` of the lognormal with the given mean and standard deviation.

    Parameters
    ----------
    mean
        Expected minutes, ``> 0``.
    sd
        Standard deviation in minutes, ``>= 0`` (0 gives ``sigma = 0``: a fixed duration).

    Returns
    -------
    tuple of float
        ``mu`` and ``sigma`` of ``log(minutes)``.

    Examples
    --------
    >>> mu, sigma = mu_sigma_from_mean_sd(100.0, 30.0)
    >>> round(sigma, 4), round(mean_sd_from_mu_sigma(mu, sigma)[1], 6)
    (0.2936, 30.0)
    """
    if mean <= 0:
        raise ValueError(f"mean must be > 0, got {mean}")
    if sd < 0:
        raise ValueError(f"sd must be >= 0, got {sd}")
    var_log = math.log1p((sd / mean) ** 2)
    return math.log(mean) - var_log / 2.0, math.sqrt(var_log)


def mean_sd_from_mu_sigma(mu: float, sigma: float) -> tuple[float, float]:
    """Return ``(mean, sd)`` in minutes of the lognormal ``(mu, sigma)``.

    Parameters
    ----------
    mu
        Mean of ``log(minutes)``.
    sigma
        Standard deviation of ``log(minutes)``, ``>= 0``.

    Returns
    -------
    tuple of float
        Expected minutes and their standard deviation.
    """
    if sigma < 0:
        raise ValueError(f"sigma must be >= 0, got {sigma}")
    mean = math.exp(mu + sigma * sigma / 2.0)
    return mean, mean * math.sqrt(math.expm1(sigma * sigma))


def median_spread_from_mu_sigma(mu: float, sigma: float) -> tuple[float, float]:
    """Return ``(median, spread)``: ``exp(mu)`` and the one-sigma factor ``exp(sigma)``.

    Parameters
    ----------
    mu, sigma
        Parameters of ``log(minutes)``.

    Returns
    -------
    tuple of float
        Median minutes and multiplicative spread (``>= 1``).
    """
    if sigma < 0:
        raise ValueError(f"sigma must be >= 0, got {sigma}")
    return math.exp(mu), math.exp(sigma)


def mu_sigma_from_median_spread(median: float, spread: float) -> tuple[float, float]:
    """Return ``(mu, sigma)`` from the median minutes and the one-sigma factor.

    Parameters
    ----------
    median
        Median minutes, ``> 0``.
    spread
        Multiplicative one-sigma factor ``exp(sigma)``, ``>= 1``.

    Returns
    -------
    tuple of float
        ``log(median)`` and ``log(spread)``.
    """
    if median <= 0:
        raise ValueError(f"median must be > 0, got {median}")
    if spread < 1:
        raise ValueError(f"spread must be >= 1, got {spread}")
    return math.log(median), math.log(spread)


def lognormal_cdf(x: float, mu: float, sigma: float) -> float:
    """Return ``P(X <= x)`` for ``X`` lognormal ``(mu, sigma)``.

    Parameters
    ----------
    x
        Minutes.
    mu, sigma
        Parameters of ``log(X)``; ``sigma = 0`` is a point mass at ``exp(mu)``.

    Returns
    -------
    float
        The probability.
    """
    if x <= 0:
        return 0.0
    if sigma == 0:
        return 1.0 if x >= math.exp(mu) else 0.0
    return _STD.cdf((math.log(x) - mu) / sigma)


def lognormal_quantile(p: float, mu: float, sigma: float) -> float:
    """Return the ``p``-quantile of the lognormal ``(mu, sigma)``.

    Parameters
    ----------
    p
        Probability in ``(0, 1)``.
    mu, sigma
        Parameters of ``log(X)``.

    Returns
    -------
    float
        ``exp(mu + sigma * z_p)``.
    """
    if not 0 < p < 1:
        raise ValueError(f"p must be in (0, 1), got {p}")
    return math.exp(mu + sigma * _STD.inv_cdf(p))
