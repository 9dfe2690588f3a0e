"""The duration distribution of one case: where its lognormal parameters come from.

Order of sources (first that applies):

1. the case itself: ``duration`` is the mean and ``duration_sd`` the standard deviation;
2. a fitted :class:`~orplan.durations.model.DurationModel`: it supplies the *spread*
   (``sigma``) for the case's procedure (looked up by procedure name, then NCSP code), using
   the surgeon's own parameters when the model has them. The case's ``duration`` stays the
   mean — it is the planner's case-specific estimate and the number the plan was built on —
   unless ``model_mean=True``, which takes the model's mean as well (to replay a booking
   bias, e.g. when bookings are systematically short);
3. the default coefficient of variation :data:`~orplan.durations.lognormal.DEFAULT_CV`
   (0.3) around ``duration``.
"""

from __future__ import annotations

import math

from orplan.durations.lognormal import DEFAULT_SIGMA, mu_sigma_from_mean_sd
from orplan.durations.model import DurationModel
from orplan.scenario.model import Case, Scenario

__all__ = ["case_distribution", "case_mean_sigma"]


def case_mean_sigma(
    case: Case,
    model: DurationModel | None = None,
    surgeon: str | None = None,
    *,
    model_mean: bool = False,
) -> tuple[float, float]:
    """Return ``(mean minutes, sigma)`` of the case's lognormal duration.

    Parameters
    ----------
    case
        The case.
    model
        Fitted duration model (optional).
    surgeon
        Operating surgeon (the plan's); defaults to ``case.surgeon``.
    model_mean
        Take the mean from the model too (see the module docstring).

    Returns
    -------
    tuple of float
        Expected minutes and the log-sd ``sigma`` (0 for a fixed duration).
    """
    if case.duration_sd is not None:
        return float(case.duration), mu_sigma_from_mean_sd(case.duration, case.duration_sd)[1]
    if model is not None:
        params = model.lookup([case.procedure, case.ncsp], surgeon or case.surgeon)
        if params is not None:
            mean = params.mean if model_mean else float(case.duration)
            return mean, params.sigma
    return float(case.duration), DEFAULT_SIGMA


def case_distribution(
    scenario: Scenario,
    case: Case,
    model: DurationModel | None = None,
    *,
    surgeon: str | None = None,
    model_mean: bool = False,
) -> tuple[float, float]:
    """Return the lognormal parameters ``(mu, sigma)`` of ``log(minutes)`` of ``case``.

    Parameters
    ----------
    scenario
        The scenario the case belongs to (kept for scenario-wide settings; the case's own
        fields and the model decide today).
    case
        The case.
    model
        Fitted duration model (optional).
    surgeon
        Operating surgeon (e.g. the plan's); defaults to ``case.surgeon``.
    model_mean
        Take the mean from the model as well as the spread.

    Returns
    -------
    tuple of float
        ``mu`` and ``sigma``: ``log(minutes) ~ N(mu, sigma**2)``.
    """
    del scenario  # the case and the model decide (see the module docstring)
    mean, sigma = case_mean_sigma(case, model, surgeon, model_mean=model_mean)
    return math.log(mean) - sigma * sigma / 2.0, sigma
