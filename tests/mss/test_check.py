"""The independent checker: a valid MSS passes, each hand-broken one names its fault."""

from __future__ import annotations

import pytest

from orplan.mss import Block, MssInput, MssPlan, check_mss
from tests.mss.conftest import tiny_dict


def _plan(blocks: list[tuple[str, int, str]], week: int = 1, **extra: float) -> MssPlan:
    return MssPlan(
        name="t",
        cycle_weeks=1,
        status="feasible",
        blocks=[Block(theatre=t, week=week, weekday=d, specialty=s) for t, d, s in blocks],
        **extra,
    )


GOOD = [("OR1", 0, "long"), ("OR1", 3, "long"), ("OR1", 1, "day"), ("OR1", 2, "day"),
        ("OR1", 4, "day")]  # fmt: skip


def test_valid_mss_passes(tiny: MssInput) -> None:
    """The hand-made optimum holds every rule; the checker's own peak is 2 ward beds."""
    report = check_mss(tiny, _plan(GOOD, expected_peak_ward=2.0, expected_peak_icu=0.0))
    assert report.ok, report.violations
    assert report.expected_peak_ward == pytest.approx(2.0)
    assert report.hours == {"long": 16.0, "day": 24.0}


@pytest.mark.parametrize(
    ("blocks", "fault"),
    [
        # Two specialties in one theatre on Monday.
        ([*GOOD, ("OR1", 0, "day")], "already given to long"),
        # Saturday: OR1 opens Monday-Friday only.
        ([*GOOD[:4], ("OR1", 5, "day")], "closed on weekday 5"),
        # A theatre the input does not know.
        ([*GOOD, ("OR9", 0, "day")], "unknown theatre OR9"),
        # A specialty the input does not know.
        ([*GOOD[:4], ("OR1", 4, "eyes")], "unknown specialty eyes"),
        # 'day' one block short of its 24 h.
        (GOOD[:4], "specialty day: 16 h"),
    ],
)
def test_broken_mss_is_rejected(
    tiny: MssInput, blocks: list[tuple[str, int, str]], fault: str
) -> None:
    """Each broken MSS gives a violation naming what is wrong."""
    report = check_mss(tiny, _plan(blocks))
    assert not report.ok
    assert any(fault in v for v in report.violations), report.violations


def test_theatre_not_allowing_the_specialty() -> None:
    """'long' in a theatre kept for 'day' only is a violation."""
    data = tiny_dict()
    data["theatres"][0]["specialties"] = ["day"]
    data["baseline"] = []
    report = check_mss(MssInput.model_validate(data), _plan(GOOD))
    assert any("does not allow long" in v for v in report.violations)


def test_missing_pin(tiny: MssInput) -> None:
    """A pinned Monday 'day' block that the MSS gives to 'long' is reported."""
    pinned = tiny.model_copy(update={"fixed": [Block(theatre="OR1", weekday=0, specialty="day")]})
    report = check_mss(pinned, _plan(GOOD))
    assert report.violations == ["fixed[0]: OR1 week 1 day 0 is not day"]


def test_week_outside_the_cycle(tiny: MssInput) -> None:
    """Week 2 of a 1-week cycle is out of the cycle."""
    report = check_mss(tiny, _plan(GOOD, week=2))
    assert any("outside the 1-week cycle" in v for v in report.violations)


def test_wrong_stated_peak_is_caught(tiny: MssInput) -> None:
    """A plan claiming 1.5 expected ward beds when its blocks give 2 is rejected."""
    report = check_mss(tiny, _plan(GOOD, expected_peak_ward=1.5))
    assert report.violations == ["expected peak ward beds stated 1.50, recomputed 2.00"]


def test_stays_longer_than_the_cycle_wrap_around() -> None:
    """A 10-day stay in a 1-week cycle overlaps itself: Monday holds 2 x 2 patients."""
    data = tiny_dict()
    data["specialties"][0]["case_mix"] = [{"share": 1.0, "ward_days": 10}]
    inp = MssInput.model_validate(data)
    report = check_mss(inp, _plan([("OR1", 0, "long")] * 1))
    # 2 patients a week for 10 days: 4 on days 0-2 (this week's and last week's), 2 after.
    assert report.expected_peak_ward == pytest.approx(4.0)
