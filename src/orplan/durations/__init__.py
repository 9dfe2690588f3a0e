"""Case-duration uncertainty: lognormal helpers, a fitted duration model, robust slack.

* :mod:`~orplan.durations.lognormal` - conversions (mean/sd, mu/sigma, median/spread) and
  the default spread (CV 0.3);
* :class:`DurationModel` and :func:`fit` - lognormal parameters per procedure and per
  procedure + surgeon from a history table, with empirical-Bayes shrinkage of thin surgeons;
* :func:`case_distribution` - the lognormal of one case (case fields, else model, else
  default);
* :func:`required_slack` - planned slack for a session (Hans et al. 2008 robust loading).
"""

from __future__ import annotations

from orplan.durations.distribution import case_distribution, case_mean_sigma
from orplan.durations.fit import fit, fit_table, read_history
from orplan.durations.lognormal import (
    DEFAULT_CV,
    DEFAULT_SIGMA,
    mean_sd_from_mu_sigma,
    median_spread_from_mu_sigma,
    mu_sigma_from_mean_sd,
    mu_sigma_from_median_spread,
)
from orplan.durations.model import DurationModel, FitRow, LognormalParams, ProcedureModel
from orplan.durations.slack import (
    overtime_probability,
    required_slack,
    sum_lognormal,
    whole_minute_slack,
)

__all__ = [
    "DEFAULT_CV",
    "DEFAULT_SIGMA",
    "DurationModel",
    "FitRow",
    "LognormalParams",
    "ProcedureModel",
    "case_distribution",
    "case_mean_sigma",
    "fit",
    "fit_table",
    "mean_sd_from_mu_sigma",
    "median_spread_from_mu_sigma",
    "mu_sigma_from_mean_sd",
    "mu_sigma_from_median_spread",
    "overtime_probability",
    "read_history",
    "required_slack",
    "sum_lognormal",
    "whole_minute_slack",
]
