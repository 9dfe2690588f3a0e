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

from typing import TYPE_CHECKING

from orplan._lazy import lazy_package

if TYPE_CHECKING:
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

_EXPORTS = {
    "case_distribution": "orplan.durations.distribution",
    "case_mean_sigma": "orplan.durations.distribution",
    "fit": "orplan.durations.fit",
    "fit_table": "orplan.durations.fit",
    "read_history": "orplan.durations.fit",
    "DEFAULT_CV": "orplan.durations.lognormal",
    "DEFAULT_SIGMA": "orplan.durations.lognormal",
    "mean_sd_from_mu_sigma": "orplan.durations.lognormal",
    "median_spread_from_mu_sigma": "orplan.durations.lognormal",
    "mu_sigma_from_mean_sd": "orplan.durations.lognormal",
    "mu_sigma_from_median_spread": "orplan.durations.lognormal",
    "DurationModel": "orplan.durations.model",
    "FitRow": "orplan.durations.model",
    "LognormalParams": "orplan.durations.model",
    "ProcedureModel": "orplan.durations.model",
    "overtime_probability": "orplan.durations.slack",
    "required_slack": "orplan.durations.slack",
    "sum_lognormal": "orplan.durations.slack",
    "whole_minute_slack": "orplan.durations.slack",
}
lazy_package(__name__, _EXPORTS)

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
