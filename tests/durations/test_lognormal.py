"""Lognormal conversions and the case-distribution fallbacks."""

from __future__ import annotations

import math

import pytest

from orplan.durations import (
    DEFAULT_CV,
    DEFAULT_SIGMA,
    DurationModel,
    ProcedureModel,
    case_distribution,
    mean_sd_from_mu_sigma,
    median_spread_from_mu_sigma,
    mu_sigma_from_mean_sd,
    mu_sigma_from_median_spread,
)
from orplan.durations.lognormal import (
    cv_from_sigma,
    lognormal_cdf,
    lognormal_quantile,
    sigma_from_cv,
)
from orplan.durations.model import SurgeonParams
from tests.builders import case, make


@pytest.mark.parametrize(("mean", "sd"), [(100.0, 30.0), (35.0, 20.0), (240.0, 1.0)])
def test_mean_sd_round_trip(mean: float, sd: float) -> None:
    mu, sigma = mu_sigma_from_mean_sd(mean, sd)
    assert mean_sd_from_mu_sigma(mu, sigma) == pytest.approx((mean, sd), rel=1e-12)
    median, spread = median_spread_from_mu_sigma(mu, sigma)
    assert median < mean and spread > 1
    assert mu_sigma_from_median_spread(median, spread) == pytest.approx((mu, sigma))


def test_zero_sd_is_a_fixed_duration() -> None:
    mu, sigma = mu_sigma_from_mean_sd(90.0, 0.0)
    assert sigma == 0 and math.exp(mu) == pytest.approx(90.0)
    assert lognormal_cdf(89.9, mu, sigma) == 0 and lognormal_cdf(90.1, mu, sigma) == 1


def test_default_cv() -> None:
    assert DEFAULT_CV == 0.3
    assert math.sqrt(math.log(1.09)) == pytest.approx(DEFAULT_SIGMA)
    assert cv_from_sigma(sigma_from_cv(0.45)) == pytest.approx(0.45)


def test_cdf_and_quantile_agree() -> None:
    mu, sigma = 4.5, 0.3
    assert lognormal_quantile(0.5, mu, sigma) == pytest.approx(math.exp(mu))
    for p in (0.05, 0.5, 0.9, 0.99):
        assert lognormal_cdf(lognormal_quantile(p, mu, sigma), mu, sigma) == pytest.approx(p)


@pytest.mark.parametrize(
    ("function", "args"),
    [
        (mu_sigma_from_mean_sd, (0.0, 1.0)),
        (mu_sigma_from_mean_sd, (10.0, -1.0)),
        (mu_sigma_from_median_spread, (10.0, 0.9)),
        (lognormal_quantile, (1.0, 0.0, 1.0)),
        (sigma_from_cv, (-0.1,)),
    ],
)
def test_bad_arguments(function, args) -> None:
    with pytest.raises(ValueError):
        function(*args)


def _model() -> DurationModel:
    surgeon = SurgeonParams(mu=4.7, sigma=0.2, n=40, mu_raw=4.72, sigma_raw=0.19, weight=0.9)
    return DurationModel(
        procedures={
            "Test procedure": ProcedureModel(
                mu=4.6,
                sigma=0.35,
                n=100,
                within_sigma=0.3,
                prior_count=4.0,
                surgeons={"S1": surgeon},
            ),
            "NFB40": ProcedureModel(mu=4.5, sigma=0.25, n=50, within_sigma=0.25, prior_count=4.0),
        }
    )


def test_case_distribution_sources() -> None:
    """Case sd first; then the model (surgeon, procedure name, NCSP code); then CV 0.3."""
    scenario = make(
        cases=[
            case("OWN", 100, duration_sd=30),
            case("FIT", 100),
            case("NOSURGEON", 100, surgeon=None),
            case("CODE", 100, procedure="Unknown", ncsp="NFB40"),
            case("NONE", 100, procedure="Unknown"),
        ]
    )
    model = _model()
    by_id = {c.id: c for c in scenario.cases}
    mu, sigma = case_distribution(scenario, by_id["OWN"], model)
    assert (mu, sigma) == pytest.approx(mu_sigma_from_mean_sd(100, 30))
    mu, sigma = case_distribution(scenario, by_id["FIT"], model)
    assert sigma == 0.2 and mean_sd_from_mu_sigma(mu, sigma)[0] == pytest.approx(100)
    assert case_distribution(scenario, by_id["NOSURGEON"], model)[1] == 0.35
    assert case_distribution(scenario, by_id["NOSURGEON"], model, surgeon="S1")[1] == 0.2
    assert case_distribution(scenario, by_id["CODE"], model)[1] == 0.25
    assert case_distribution(scenario, by_id["NONE"], model)[1] == pytest.approx(DEFAULT_SIGMA)
    assert case_distribution(scenario, by_id["FIT"])[1] == pytest.approx(DEFAULT_SIGMA)
    mu, sigma = case_distribution(scenario, by_id["FIT"], model, model_mean=True)
    assert (mu, sigma) == (4.7, 0.2)
