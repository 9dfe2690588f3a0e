"""Clinical resources of generated scenarios (issue 4): documented ranges and invariants."""

from __future__ import annotations

import pytest

from orplan.generate import PROFILES, generate
from orplan.generate.calibration import (
    CLINICAL,
    EQUIPMENT_KINDS,
    FAMILIES,
    SPECIALTIES,
    family_by_ncsp,
    stay_probability,
)
from orplan.generate.clinical import expected_equipment_use, specialty_sites
from orplan.generate.mandatory import mandatory_witness, witness_plan
from orplan.generate.realism import (
    BED_LOAD,
    EQUIPMENT_LOAD,
    EQUIPMENT_USE_PER_UNIT,
    PACU_BEDS_PER_RUNNING_THEATRE,
    RECOVERY_MEAN_MINUTES,
    SURGEON_PREFERENCE_SHARE,
    expected_flag_share,
    flag_share_tolerance,
)
from orplan.generate.stats import clinical_stats
from orplan.scenario import Scenario

BIG = [("pilot-week", "pilot_week"), ("hospital-month", "hospital_month")]


@pytest.fixture(params=BIG, ids=[p for p, _ in BIG])
def big(request: pytest.FixtureRequest) -> tuple[str, Scenario]:
    """(profile name, scenario) for the profiles with every clinical resource."""
    name, fixture = request.param
    return name, request.getfixturevalue(fixture)


def test_calibration_covers_every_family_once() -> None:
    """Each family has clinical needs; recovery, stays and equipment kinds are in range."""
    assert set(CLINICAL) == {f.ncsp for f in FAMILIES}
    for family in FAMILIES:
        clinical = CLINICAL[family.ncsp]
        cardiac = family.specialty == "cardiothoracic" and clinical.icu[0] >= 1
        assert clinical.recovery == 0 if cardiac else 45 <= clinical.recovery <= 180
        assert 0 <= clinical.icu[0] <= clinical.icu[1] <= 3, family.name
        assert 0 <= clinical.ward[0] <= clinical.ward[1] <= 10, family.name
        assert set(clinical.equipment) <= set(EQUIPMENT_KINDS), family.name
        if "robot" in clinical.equipment:
            assert "robot" in family.requires, family.name


def test_equipment_setup_fits_in_the_turnover() -> None:
    """A kind's set-up never exceeds the turnover of a specialty that uses it, so one unit
    serves back-to-back cases of one theatre."""
    for family in FAMILIES:
        for kind in CLINICAL[family.ncsp].equipment:
            assert EQUIPMENT_KINDS[kind].setup <= SPECIALTIES[family.specialty].turnover


def test_stay_probabilities_sum_to_the_mean_stay() -> None:
    """Summed over lags, the ward probability is the mean ward stay."""
    family = family_by_ncsp("JGB10")  # anterior resection: ICU 1, ward 5-7
    assert sum(stay_probability(family, "icu", lag) for lag in range(10)) == 1.0
    assert sum(stay_probability(family, "ward", lag) for lag in range(12)) == pytest.approx(6.0)


@pytest.mark.parametrize("profile", ["pilot-week", "hospital-month"])
def test_equipment_counts_bind_sometimes(profile: str) -> None:
    """Full theatres keep each item 30-140% busy on average during session hours."""
    prof = PROFILES[profile]
    counts = {f"{s.code}-{k}": n for s in prof.sites for k, n in s.equipment}
    low, high = EQUIPMENT_USE_PER_UNIT
    for item, busy in expected_equipment_use(prof).items():
        assert low <= busy / counts[item] <= high, item


def test_flag_shares_follow_the_calibration(big: tuple[str, Scenario]) -> None:
    """Each flag's share is its expected share for the case mix within 4 standard errors."""
    name, scenario = big
    stats = clinical_stats(scenario)
    n = len(scenario.cases)
    for flag in ("child", "latex-allergy", "infected", "diabetic"):
        expected = expected_flag_share(PROFILES[name], flag)
        share = stats.flag_shares.get(flag, 0.0)
        assert abs(share - expected) <= flag_share_tolerance(expected, n), flag
    assert 0.08 <= stats.flagged_share <= 0.35


def test_flags_never_ask_for_first_and_last(big: tuple[str, Scenario]) -> None:
    """No case is both first (child, latex allergy) and last (infected); children are not
    diabetic; paediatric surgery is all children."""
    _, scenario = big
    first = {r.flag for r in scenario.sequencing if r.position == "first"}
    last = {r.flag for r in scenario.sequencing if r.position == "last"}
    for case in scenario.cases:
        assert not (first & set(case.flags) and last & set(case.flags)), case.id
        assert not {"child", "diabetic"} <= set(case.flags), case.id
        if case.specialty == "paediatric-surgery":
            assert "child" in case.flags


def test_equipment_use_and_site(big: tuple[str, Scenario]) -> None:
    """Cases need equipment of their specialty's site; the list's load is in range."""
    name, scenario = big
    items = {e.id: e for e in scenario.equipment}
    sites = specialty_sites(PROFILES[name])
    for case in scenario.cases:
        for item in case.equipment:
            assert items[item].site == sites[case.specialty], case.id
    low, high = EQUIPMENT_LOAD
    for item, load in clinical_stats(scenario).equipment_load.items():
        assert low <= load <= high, item


def test_pacu_and_recovery(big: tuple[str, Scenario]) -> None:
    """~1.5 PACU beds per running theatre, half of them after 17:00; recovery 60-120 min."""
    _, scenario = big
    stats = clinical_stats(scenario)
    low, high = PACU_BEDS_PER_RUNNING_THEATRE
    assert stats.pacu_beds_per_theatre
    assert all(low <= v <= high for v in stats.pacu_beds_per_theatre.values())
    for unit in scenario.recovery:
        assert [(p.start, p.end) for p in unit.periods] == [(17 * 60, 24 * 60)]
        assert unit.periods[0].beds < unit.beds
    assert RECOVERY_MEAN_MINUTES[0] <= stats.recovery_mean <= RECOVERY_MEAN_MINUTES[1]
    assert stats.recovery_share > 0.9


def test_beds_and_occupancy(big: tuple[str, Scenario]) -> None:
    """Every site has a ward; occupied beds decline over the first days; load is in range."""
    _, scenario = big
    wards = {u.site for u in scenario.beds if u.kind == "ward"}
    assert wards == {t.site for t in scenario.theatres}
    for unit in scenario.beds:
        taken = [unit.occupied.get(d, 0) for d in scenario.dates()]
        assert taken == sorted(taken, reverse=True), (unit.site, unit.kind)
        assert max(taken) < unit.beds
        if unit.kind == "ward" and unit.site != "AKE":  # AKE's urology stays are short
            assert taken[0] > 0
    low, high = BED_LOAD
    for key, load in clinical_stats(scenario).bed_load.items():
        assert low <= load <= high, key


def test_anaesthesia_teams_short_on_fridays(big: tuple[str, Scenario]) -> None:
    """Each site has one team fewer than its sessions on every Friday, enough otherwise."""
    _, scenario = big
    site_of = {t.id: t.site for t in scenario.theatres}
    fridays = [d for d in scenario.dates() if d.weekday() == 4]
    for pool in scenario.staff:
        for date in scenario.dates():
            running = sum(
                1 for s in scenario.sessions if s.date == date and site_of[s.theatre] == pool.site
            )
            if date in fridays and running:
                assert pool.teams_on(date) == running - 1
            else:
                assert pool.teams_on(date) >= running
    assert clinical_stats(scenario).short_team_days == len(scenario.staff) * len(fridays)


def test_surgeon_preferences(big: tuple[str, Scenario]) -> None:
    """Some surgeons prefer two of their operating weekdays or one dedicated theatre."""
    _, scenario = big
    low, high = SURGEON_PREFERENCE_SHARE
    assert low <= clinical_stats(scenario).preference_share <= high
    dedicated = {t.id: t.specialties for t in scenario.theatres}
    for surgeon in scenario.surgeons:
        absent = set(surgeon.absent)
        present = {d.weekday() for d in scenario.dates() if d.weekday() < 5 and d not in absent}
        assert len(surgeon.preferred_weekdays) in (0, 2)
        assert set(surgeon.preferred_weekdays) <= present
        for theatre in surgeon.preferred_theatres:
            assert dedicated[theatre] == [surgeon.specialty]


def test_demo_stays_small_for_make_demo(demo: Scenario) -> None:
    """demo has only one C-arm: a PACU or patient flags break its proof of optimality in
    ~15 s on two cores."""
    assert [(e.id, e.count) for e in demo.equipment] == [("ULL-c-arm", 1)]
    assert not (demo.recovery or demo.beds or demo.staff)
    assert not any(c.flags for c in demo.cases)
    assert any(c.equipment for c in demo.cases)


def test_witness_plan_obeys_the_resource_rules() -> None:
    """The mandatory witness at its start times, with every other case unscheduled, is a
    plan the independent checker accepts (equipment, PACU, beds, teams, sequencing)."""
    from orplan.check import check
    from orplan.plan.model import CaseAssignment, Plan

    scenario = generate("pilot-week", 3)
    placed = witness_plan(scenario)
    assert len(placed) == sum(c.mandatory for c in scenario.cases) > 0
    sessions = {s.id: s for s in scenario.sessions}
    rows = []
    for case in scenario.cases:
        if case.id not in placed:
            rows.append(CaseAssignment(case=case.id, scheduled=False, reason="witness"))
            continue
        sid, surgeon, start = placed[case.id]
        session = sessions[sid]
        rows.append(
            CaseAssignment(
                case=case.id,
                scheduled=True,
                session=sid,
                theatre=session.theatre,
                date=session.date,
                start=start,
                end=start + case.duration,
                surgeon=surgeon,
            )
        )
    report = check(scenario, Plan(cases=rows))
    assert report.violations == []


def test_witness_respects_beds_already_occupied() -> None:
    """With the ward full on every date, a mandatory case that needs a ward bed has no slot."""
    scenario = generate("pilot-week", 1)
    needs_ward = [c for c in scenario.cases if c.mandatory and c.ward_days > 0]
    assert needs_ward
    full = [
        u.model_copy(update={"occupied": dict.fromkeys(scenario.dates(), u.beds)})
        if u.kind == "ward"
        else u
        for u in scenario.beds
    ]
    tight = scenario.model_copy(update={"beds": full})
    _, missing = mandatory_witness(tight)
    assert {c.id for c in needs_ward} <= set(missing)
