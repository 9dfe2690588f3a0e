"""The CP-SAT model: levelling binds, hours and pins hold, infeasible inputs are explained."""

from __future__ import annotations

from orplan.mss import MssInput, check_mss, plan_mss
from tests.mss.conftest import SETTINGS, tiny_dict


def test_levelling_spreads_long_stay_blocks(tiny: MssInput) -> None:
    """The optimum puts the two long-stay blocks 3+ days apart: 2 expected beds, not 4."""
    plan = plan_mss(tiny, SETTINGS)
    assert plan.status == "optimal"
    assert plan.expected_peak_ward == 2.0
    days = sorted(b.weekday for b in plan.blocks if b.specialty == "long")
    assert len(days) == 2 and days[1] - days[0] >= 3
    assert check_mss(tiny, plan).ok


def test_baseline_is_worse_than_the_optimum(tiny: MssInput) -> None:
    """The baseline (long blocks Monday and Tuesday) peaks at 4 expected ward beds."""
    from orplan.mss import baseline_plan

    base = baseline_plan(tiny)
    assert base is not None and base.expected_peak_ward == 4.0
    assert plan_mss(tiny, SETTINGS).expected_peak_ward == 2.0


def test_bed_curve_is_attached_and_levelled(tiny: MssInput) -> None:
    """The returned plan carries the exact curve: Monday-Saturday 2 beds on average."""
    plan = plan_mss(tiny, SETTINGS)
    assert len(plan.bed_curve) == 7
    assert max(d.ward_mean for d in plan.bed_curve) == 2.0


def test_pinned_block_is_kept() -> None:
    """A pin to 'long' on Tuesday holds, and the other long block goes Friday (3 apart)."""
    data = tiny_dict()
    data["fixed"] = [{"theatre": "OR1", "weekday": 1, "specialty": "long"}]
    plan = plan_mss(MssInput.model_validate(data), SETTINGS)
    assert plan.status == "optimal"
    assert sorted(b.weekday for b in plan.blocks if b.specialty == "long") == [1, 4]


def test_hours_exceeding_the_theatres_name_the_specialty() -> None:
    """Needing 48 h in a theatre that opens 40 h a week: the reason names 'long'."""
    data = tiny_dict()
    data["specialties"][0]["hours"] = 48
    plan = plan_mss(MssInput.model_validate(data), SETTINGS)
    assert plan.status == "infeasible"
    assert any("specialty long needs 48 h" in line for line in plan.explanation)
    assert not plan.blocks


def test_hours_together_exceeding_the_theatres_are_explained() -> None:
    """Each fits alone (32 h and 24 h of 40 h) but not together: the total is named."""
    data = tiny_dict()
    data["specialties"][0]["hours"] = 32
    plan = plan_mss(MssInput.model_validate(data), SETTINGS)
    assert plan.status == "infeasible"
    assert plan.explanation == [
        "the specialties need 56 h per cycle together but the theatres open only 40 h"
    ]


def test_hours_no_whole_blocks_can_meet_are_infeasible() -> None:
    """12 h with 8-h blocks and no tolerance: CP-SAT proves it and says to widen it."""
    data = tiny_dict()
    data["specialties"][0]["hours"] = 12
    plan = plan_mss(MssInput.model_validate(data), SETTINGS)
    assert plan.status == "infeasible"
    assert "tolerance_hours" in plan.explanation[0]


def test_tolerance_still_prefers_the_target_hours() -> None:
    """With 8 h tolerance 'day' could drop a block (fewer beds: none), but hours_off keeps 24."""
    data = tiny_dict()
    data["specialties"][1]["tolerance_hours"] = 8
    plan = plan_mss(MssInput.model_validate(data), SETTINGS)
    assert sum(1 for b in plan.blocks if b.specialty == "day") == 3


def test_two_week_cycle_keeps_the_weekly_pattern() -> None:
    """Over 2 weeks the same optimum repeats: the pattern term keeps each block's weekday."""
    data = tiny_dict()
    data["cycle_weeks"] = 2
    plan = plan_mss(MssInput.model_validate(data), SETTINGS)
    assert plan.status == "optimal"
    week1 = {(b.weekday, b.specialty) for b in plan.blocks if b.week == 1}
    week2 = {(b.weekday, b.specialty) for b in plan.blocks if b.week == 2}
    assert week1 == week2 and len(week1) == 5
    assert plan.expected_peak_ward == 2.0


def test_icu_weight_moves_icu_patients_apart() -> None:
    """Two ICU-heavy blocks on one theatre-day each: never on the same weekday (2 theatres)."""
    data = tiny_dict()
    data["theatres"].append({"id": "OR2", "hours": 8})
    data["specialties"][1]["hours"] = 64
    data["specialties"][0]["case_mix"] = [{"share": 1.0, "icu_days": 1}]
    data["baseline"] = []
    plan = plan_mss(MssInput.model_validate(data), SETTINGS)
    assert plan.expected_peak_icu == 2.0  # one block a day at most: 2 patients, never 4
    days = [b.weekday for b in plan.blocks if b.specialty == "long"]
    assert len(set(days)) == 2


def test_peak_with_weight_zero_is_the_real_one(tiny: MssInput) -> None:
    """With the ICU weighted 0 the stated ICU peak is still the schedule's own (checker agrees)."""
    data = tiny_dict()
    data["specialties"][0]["case_mix"] = [{"share": 1.0, "icu_days": 1, "ward_days": 2}]
    data["weights"] = {"icu_peak": 0}
    inp = MssInput.model_validate(data)
    plan = plan_mss(inp, SETTINGS)
    assert plan.expected_peak_icu == 2.0
    assert check_mss(inp, plan).ok
