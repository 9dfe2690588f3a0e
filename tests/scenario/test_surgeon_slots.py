"""A surgeon's availability on a date: slots, their envelope, the gaps between them."""

from __future__ import annotations

import datetime as dt

from orplan.scenario.model import Surgeon

DAY = dt.date(2027, 3, 1)


def _surgeon(*slots: tuple[str, str], absent: bool = False) -> Surgeon:
    return Surgeon.model_validate(
        {
            "id": "S1",
            "specialty": "ortho",
            "available": [{"date": DAY, "start": a, "end": b} for a, b in slots],
            "absent": [DAY] if absent else [],
        }
    )


def test_split_day_has_a_gap() -> None:
    s = _surgeon(("12:00", "16:00"), ("08:00", "10:00"))
    assert s.slots(DAY) == [(480, 600), (720, 960)]
    assert s.window(DAY) == (480, 960)
    assert s.gaps(DAY) == [(600, 720)]
    assert s.present_minutes(DAY) == 120 + 240


def test_overlapping_and_touching_slots_join() -> None:
    s = _surgeon(("08:00", "12:00"), ("11:00", "13:00"), ("13:00", "14:00"))
    assert s.slots(DAY) == [(480, 840)]
    assert s.gaps(DAY) == []
    assert s.window(DAY) == (480, 840)
    assert s.present_minutes(DAY) == 360


def test_absent_or_unlisted_date() -> None:
    assert _surgeon(("08:00", "10:00"), absent=True).slots(DAY) == []
    assert _surgeon(("08:00", "10:00")).window(DAY + dt.timedelta(days=1)) is None
    assert _surgeon(("08:00", "10:00")).present_minutes(DAY + dt.timedelta(days=1)) == 0
    always = Surgeon.model_validate({"id": "S2", "specialty": "ortho"})
    assert always.slots(DAY) == [(0, 1440)] and always.gaps(DAY) == []
