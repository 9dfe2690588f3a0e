"""Generated profiles fall inside the documented ranges (orplan.generate.realism)."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from orplan.generate import PROFILES
from orplan.generate.calibration import (
    CAPABILITIES,
    FAMILIES,
    PATHWAYS,
    PREDICTABLE_SHARE,
    SESSION_CLOSE,
    SESSION_OPEN,
    SPECIALTIES,
    family_by_ncsp,
    residual_sigma,
)
from orplan.generate.cases import MAX_CASE_MINUTES
from orplan.generate.realism import (
    CANCER_SHARE_TOLERANCE,
    CAPACITY_CASES_PER_SESSION,
    CASE_COUNTS,
    DEMAND_RATIO_TOLERANCE,
    FIXED_SURGEON_SHARE,
    MANDATORY_SHARE,
    PAST_DUE_SHARE,
    duration_median_tolerance,
    expected_cancer_share,
    expected_duration_median,
)
from orplan.generate.stats import scenario_stats
from orplan.scenario import Scenario

PROFILE_FIXTURES = [
    ("demo", "demo"),
    ("pilot-week", "pilot_week"),
    ("hospital-month", "hospital_month"),
]


@pytest.fixture(params=PROFILE_FIXTURES, ids=[p for p, _ in PROFILE_FIXTURES])
def generated(request: pytest.FixtureRequest) -> tuple[str, Scenario]:
    """(profile name, generated scenario) for each built-in profile."""
    name, fixture = request.param
    return name, request.getfixturevalue(fixture)


def test_case_count_matches_the_profile_target(generated: tuple[str, Scenario]) -> None:
    """~30 / ~400 / ~4,000 cases for demo / pilot-week / hospital-month."""
    name, scenario = generated
    low, high = CASE_COUNTS[name]
    assert low <= len(scenario.cases) <= high


def test_demand_ratio_is_the_profiles(generated: tuple[str, Scenario]) -> None:
    """Sum of duration + turnover over open minutes is the profile's ratio, within 5%."""
    name, scenario = generated
    target = PROFILES[name].demand_ratio
    ratio = scenario_stats(scenario).demand_ratio
    assert abs(ratio - target) <= DEMAND_RATIO_TOLERANCE * target


def test_cases_per_theatre_day(generated: tuple[str, Scenario]) -> None:
    """A session holds 2.5-5 average cases (U22: 4.4; OUS: ~220/day over ~60 theatres)."""
    _, scenario = generated
    stats = scenario_stats(scenario)
    low, high = CAPACITY_CASES_PER_SESSION
    assert low <= stats.capacity_cases_per_session <= high
    assert stats.cases_per_session > stats.capacity_cases_per_session  # over-booked list


def test_past_due_and_mandatory_shares(generated: tuple[str, Scenario]) -> None:
    """Some cases are past their deadline and a few are mandatory, within the ranges."""
    name, scenario = generated
    stats = scenario_stats(scenario)
    if name != "demo":  # 30 cases are too few for a share
        assert PAST_DUE_SHARE[0] <= stats.past_due_share <= PAST_DUE_SHARE[1]
        assert MANDATORY_SHARE[0] <= stats.mandatory / stats.cases <= MANDATORY_SHARE[1]
        assert FIXED_SURGEON_SHARE[0] <= stats.fixed_surgeon_share <= FIXED_SURGEON_SHARE[1]
    assert stats.mandatory >= PROFILES[name].min_mandatory


@pytest.mark.parametrize("fixture", ["pilot_week", "hospital_month"])
def test_cancer_share_follows_the_specialty_mix(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    """Cancer-pathway share is within 5 points of what the calibration table implies."""
    scenario: Scenario = request.getfixturevalue(fixture)
    expected = expected_cancer_share(PROFILES[scenario.name])
    share = scenario_stats(scenario).cancer_share
    assert abs(share - expected) <= CANCER_SHARE_TOLERANCE


def test_duration_medians_per_family(hospital_month: Scenario) -> None:
    """Each family with >= 60 cases has its calibrated median within 3 standard errors."""
    checked = 0
    for code, (median, n) in scenario_stats(hospital_month).family_medians.items():
        if n < 60:
            continue
        family = family_by_ncsp(code)
        expected = expected_duration_median(family)
        assert abs(median - expected) <= duration_median_tolerance(family, n) * expected, code
        checked += 1
    assert checked >= 25


def test_every_case_is_possible_somewhere(hospital_month: Scenario) -> None:
    """Each case has a theatre with sessions that allows its specialty and capabilities,
    and a surgeon of its specialty whose daily maximum covers its duration."""
    scenario = hospital_month
    with_sessions = {s.theatre for s in scenario.sessions}
    surgeons = {s.id: s for s in scenario.surgeons}
    for case in scenario.cases:
        assert any(
            t.id in with_sessions
            and (not t.specialties or case.specialty in t.specialties)
            and set(case.requires) <= set(t.capabilities)
            for t in scenario.theatres
        ), case.id
        team = [surgeons[s] for s in scenario.surgeons_for(case)]
        assert all(s.specialty == case.specialty for s in team)
        assert any(s.max_minutes_per_day >= case.duration for s in team), case.id


def test_sessions_are_weekday_daytime(pilot_week: Scenario) -> None:
    """Sessions run 08:00-15:30 on Monday-Friday only; the horizon is one calendar week."""
    assert pilot_week.horizon.days == 7
    assert {s.date.weekday() for s in pilot_week.sessions} == {0, 1, 2, 3, 4}
    assert {(s.open, s.close) for s in pilot_week.sessions} == {(8 * 60, 15 * 60 + 30)}


def test_calibration_tables_are_consistent() -> None:
    """NCSP codes are unique, every family's specialty and pathway exist, and each
    specialty's theatres get the capabilities its families need."""
    codes = [f.ncsp for f in FAMILIES]
    assert len(codes) == len(set(codes))
    for family in FAMILIES:
        assert family.specialty in SPECIALTIES
        assert (family.cancer_share > 0) == (family.pathway in PATHWAYS)
        given = {cap for cap, _ in CAPABILITIES.get(family.specialty, ())}
        assert set(family.requires) <= given, family.name


def test_duration_cap_cuts_few_cases() -> None:
    """Capping a case at one session plus overtime (max 480 min) distorts < 2% of any family.

    A case's mean exceeds the cap when ``z > (log(cap / median) - s_res**2 / 2) / s_between``.
    """
    for family in FAMILIES:
        spec = SPECIALTIES[family.specialty]
        cap = min(MAX_CASE_MINUTES, SESSION_CLOSE - SESSION_OPEN + spec.overtime)
        s_res = residual_sigma(family)
        s_between = family.sigma * math.sqrt(PREDICTABLE_SHARE)
        z = (math.log(cap / family.median) - s_res**2 / 2) / s_between
        assert 1 - NormalDist().cdf(z) < 0.02, family.name
