"""What-if helpers: each edit has its effect, leaves the original alone, names bad ids."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import orplan
from orplan import whatif
from orplan.errors import ScenarioError
from orplan.scenario import Scenario
from tests.builders import case, make

D1 = dt.date(2027, 3, 1)
D2 = dt.date(2027, 3, 2)


@pytest.fixture
def frozen(small: Scenario) -> tuple[Scenario, dict[str, object]]:
    """The tiny scenario and a dump of it, to show a helper did not change it."""
    return small, small.model_dump()


def _unknown(exc: pytest.ExceptionInfo[Exception], *words: str) -> None:
    assert isinstance(exc.value, ScenarioError)
    assert isinstance(exc.value, ValueError)
    for word in words:
        assert word in str(exc.value)


# -- close_theatre -------------------------------------------------------------------------


def test_close_theatre_on_dates(frozen: tuple[Scenario, dict[str, object]]) -> None:
    base, dump = frozen
    closed = whatif.close_theatre(base, "OR1", dates=["2027-03-02"])
    assert [s.id for s in closed.sessions] == ["OR1@2027-03-01", "OR2@2027-03-01"]
    assert [t.id for t in closed.theatres] == ["OR1", "OR2"]  # the room stays
    assert "OR1" in closed.description and closed.name != base.name
    assert base.model_dump() == dump


def test_close_theatre_whole_horizon(small: Scenario) -> None:
    closed = whatif.close_theatre(small, "OR1")
    assert [s.id for s in closed.sessions] == ["OR2@2027-03-01"]
    assert closed.cases == small.cases


def test_close_theatre_errors(small: Scenario) -> None:
    with pytest.raises(whatif.WhatIfError) as exc:
        whatif.close_theatre(small, "OR9")
    _unknown(exc, "'OR9'", "close_theatre", "OR1, OR2")
    with pytest.raises(ValueError, match="outside the horizon"):
        whatif.close_theatre(small, "OR1", dates="2027-04-01")
    with pytest.raises(ValueError, match="no session on 2027-03-02"):
        whatif.close_theatre(small, "OR2", dates=D2)
    with pytest.raises(ValueError, match="not a date"):
        whatif.close_theatre(small, "OR1", dates="tuesday")


# -- extend_sessions -----------------------------------------------------------------------


def test_extend_sessions_all(frozen: tuple[Scenario, dict[str, object]]) -> None:
    base, dump = frozen
    longer = whatif.extend_sessions(base, 60)
    assert [s.close for s in longer.sessions] == [s.close + 60 for s in base.sessions]
    assert [s.overtime for s in longer.sessions] == [s.overtime for s in base.sessions]
    assert [s.id for s in longer.sessions] == [s.id for s in base.sessions]
    assert "180 min added" in longer.description
    assert base.model_dump() == dump


def test_extend_sessions_filters(small: Scenario) -> None:
    by_theatre = whatif.extend_sessions(small, 30, theatres="OR2")
    assert [
        s.close - b.close for s, b in zip(by_theatre.sessions, small.sessions, strict=True)
    ] == [
        0,
        30,
        0,
    ]
    by_date = whatif.extend_sessions(small, 30, dates=[D2])
    assert [s.close - b.close for s, b in zip(by_date.sessions, small.sessions, strict=True)] == [
        0,
        0,
        30,
    ]
    by_specialty = whatif.extend_sessions(small, 30, specialty="orthopaedics", dates=[D1])
    assert [
        s.close - b.close for s, b in zip(by_specialty.sessions, small.sessions, strict=True)
    ] == [30, 0, 0]


def test_numpy_numbers_are_accepted(small: Scenario) -> None:
    assert whatif.extend_sessions(small, np.int64(15)).sessions[0].close == 15 * 60 + 45
    assert len(whatif.scale_demand(small, np.float64(0.5), seed=np.int64(1)).cases) == 3


def test_extend_sessions_respects_midnight_and_next_session() -> None:
    base = make(
        {
            "sessions": [
                {"theatre": "OR1", "date": "2027-03-01", "open": "08:00", "close": "12:00",
                 "overtime": 30},
                {"theatre": "OR1", "date": "2027-03-01", "open": "13:00", "close": "23:00",
                 "overtime": 30, "id": "OR1-pm"},
            ]
        }
    )  # fmt: skip
    longer = whatif.extend_sessions(base, 120)
    am, pm = longer.sessions
    assert am.close == 12 * 60 + 30  # + 30 overtime = 13:00, the next session's opening
    assert pm.close == 24 * 60 - 30  # + 30 overtime = midnight
    assert "capped" in longer.description


def test_extend_sessions_errors(small: Scenario) -> None:
    with pytest.raises(whatif.WhatIfError) as exc:
        whatif.extend_sessions(small, 30, theatres=["OR1", "ORX"])
    _unknown(exc, "'ORX'")
    with pytest.raises(ValueError, match="'gastro'"):
        whatif.extend_sessions(small, 30, specialty="gastro")
    with pytest.raises(ValueError, match="minutes"):
        whatif.extend_sessions(small, 0)
    with pytest.raises(ValueError, match="no session matches"):
        whatif.extend_sessions(small, 30, theatres="OR2", dates=D2)


# -- remove_surgeon ------------------------------------------------------------------------


def test_remove_surgeon_whole_horizon(frozen: tuple[Scenario, dict[str, object]]) -> None:
    base, dump = frozen
    away = whatif.remove_surgeon(base, "S1")
    surgeon = next(s for s in away.surgeons if s.id == "S1")
    assert surgeon.absent == [D1, D2]
    assert away.cases == base.cases  # their cases stay on the list
    assert "3 cases booked" in away.description
    assert base.model_dump() == dump


def test_remove_surgeon_on_dates_keeps_earlier_absence(small: Scenario) -> None:
    away = whatif.remove_surgeon(small, "S2", dates=[D1])
    assert next(s for s in away.surgeons if s.id == "S2").absent == [D1, D2]
    assert next(s for s in away.surgeons if s.id == "S1").absent == []


def test_remove_surgeon_errors(small: Scenario) -> None:
    with pytest.raises(whatif.WhatIfError) as exc:
        whatif.remove_surgeon(small, "S-NOBODY")
    _unknown(exc, "'S-NOBODY'", "S1, S2")
    with pytest.raises(ValueError, match="outside the horizon"):
        whatif.remove_surgeon(small, "S1", dates=[dt.date(2027, 2, 28)])


# -- add_session ---------------------------------------------------------------------------


def test_add_session(frozen: tuple[Scenario, dict[str, object]]) -> None:
    base, dump = frozen
    more = whatif.add_session(base, "OR2", "2027-03-02", close="17:00", overtime=30)
    added = more.sessions[-1]
    assert (added.id, added.open, added.close, added.overtime) == ("OR2@2027-03-02", 480, 1020, 30)
    assert len(more.sessions) == len(base.sessions) + 1
    assert base.model_dump() == dump


def test_add_second_session_same_day_needs_own_id(small: Scenario) -> None:
    evening = whatif.add_session(small, "OR2", D1, open="17:00", close="21:00", id="OR2-evening")
    assert evening.sessions[-1].id == "OR2-evening"
    with pytest.raises(whatif.WhatIfError, match="overlaps session"):
        whatif.add_session(small, "OR2", D1, open="15:00", close="18:00", id="OR2-late")


def test_add_session_errors(small: Scenario) -> None:
    with pytest.raises(whatif.WhatIfError) as exc:
        whatif.add_session(small, "OR7", D1)
    _unknown(exc, "'OR7'")
    with pytest.raises(ValueError, match="does not allow 'gastro'"):
        whatif.add_session(small, "OR1", D2, specialty="gastro", id="x")
    with pytest.raises(ValueError, match="outside the horizon"):
        whatif.add_session(small, "OR2", "2027-03-09")
    with pytest.raises(ValueError, match="close"):
        whatif.add_session(small, "OR2", D2, open="12:00", close="10:00")


# -- scale_demand --------------------------------------------------------------------------


def test_scale_demand_down_keeps_mandatory(frozen: tuple[Scenario, dict[str, object]]) -> None:
    base, dump = frozen
    fewer = whatif.scale_demand(base, 0.5, seed=1)
    ids = [c.id for c in fewer.cases]
    assert len(ids) == 3
    assert "C3" in ids  # the mandatory case
    assert ids == [c.id for c in base.cases if c.id in ids]  # original order
    assert base.model_dump() == dump
    only_mandatory = whatif.scale_demand(base, 0.01)
    assert [c.id for c in only_mandatory.cases] == ["C3"]


def test_scale_demand_up_copies_as_new_elective_patients(small: Scenario) -> None:
    more = whatif.scale_demand(small, 1.5, seed=2)
    assert len(more.cases) == 9
    assert [c.id for c in more.cases[:6]] == [c.id for c in small.cases]
    originals = {c.id: c for c in small.cases}
    for copy in more.cases[6:]:
        source = originals[copy.id.removesuffix("+1")]
        assert copy.patient == source.patient + "+1"
        assert not copy.mandatory
        assert (copy.duration, copy.surgeon, copy.due) == (
            source.duration,
            source.surgeon,
            source.due,
        )
    doubled = whatif.scale_demand(small, 2.0)
    assert sorted(c.id for c in doubled.cases[6:]) == sorted(f"C{i}+1" for i in range(1, 7))


def test_scale_demand_is_deterministic() -> None:
    base = make(cases=[case(f"K{i:02d}", 30) for i in range(40)])
    draws = {
        seed: [c.id for c in whatif.scale_demand(base, 1.25, seed=seed).cases] for seed in (0, 1)
    }
    assert draws[0] == [c.id for c in whatif.scale_demand(base, 1.25, seed=0).cases]
    assert draws[0] != draws[1]
    assert len(draws[0]) == 50
    assert whatif.scale_demand(base, 1.0).cases == base.cases


def test_scale_demand_errors(small: Scenario) -> None:
    for factor in (0, -1.0, float("nan"), float("inf")):
        with pytest.raises(whatif.WhatIfError, match="factor"):
            whatif.scale_demand(small, factor)
    with pytest.raises(ValueError, match="seed"):
        whatif.scale_demand(small, 1.1, seed=-3)


# -- set_weights ---------------------------------------------------------------------------


def test_set_weights(frozen: tuple[Scenario, dict[str, object]]) -> None:
    base, dump = frozen
    changed = whatif.set_weights(base, overtime_minute=6, unscheduled={1: 5000})
    assert changed.weights.overtime_minute == 6
    assert changed.weights.unscheduled == {1: 5000, 2: 800, 3: 300, 4: 100}
    assert changed.weights.idle_minute == base.weights.idle_minute
    assert base.model_dump() == dump


def test_set_weights_errors(small: Scenario) -> None:
    with pytest.raises(whatif.WhatIfError) as exc:
        whatif.set_weights(small, overtime=3)
    _unknown(exc, "'overtime'", "overtime_minute")
    with pytest.raises(ValueError, match="overtime_minute"):
        whatif.set_weights(small, overtime_minute=-1)
    with pytest.raises(ValueError, match="at least one"):
        whatif.set_weights(small)
    with pytest.raises(ValueError, match="mapping"):
        whatif.set_weights(small, unscheduled=5)


# -- chaining and solving ------------------------------------------------------------------


def test_edits_chain_and_record_themselves(small: Scenario) -> None:
    variant = whatif.extend_sessions(whatif.close_theatre(small, "OR2"), 30)
    assert variant.name == "tiny~close-OR2~extend-30"
    assert variant.description.count("What-if:") == 2


def test_closing_a_theatre_never_schedules_more(small: Scenario) -> None:
    closed = whatif.close_theatre(small, "OR1", dates=[D2])
    results = {
        "base": orplan.solve(small, time_limit=10, workers=2),
        "closed": orplan.solve(closed, time_limit=10, workers=2),
    }
    table = whatif.compare(results)
    assert list(table.index) == ["base", "closed"]
    assert all(r.check is not None and r.check.ok for r in results.values())
    assert table.loc["closed", "scheduled"] <= table.loc["base", "scheduled"]
    assert table.loc["closed", "sessions_total"] == 2
    assert table.loc["base", "open_minutes"] - table.loc["closed", "open_minutes"] == 450
    # The cost may fall: idle minutes of unused sessions are a cost (docs/rules.md).


# -- set_rules -----------------------------------------------------------------------------


def test_set_rules(frozen: tuple[Scenario, dict[str, object]]) -> None:
    base, dump = frozen
    strict = whatif.set_rules(base, deadlines_hard=True)
    assert strict.rules.deadlines_hard is True
    assert base.rules.deadlines_hard is False
    assert base.model_dump() == dump


def test_set_rules_errors(small: Scenario) -> None:
    with pytest.raises(whatif.WhatIfError) as exc:
        whatif.set_rules(small, hard_deadlines=True)
    _unknown(exc, "'hard_deadlines'", "deadlines_hard")
    with pytest.raises(ValueError, match="at least one"):
        whatif.set_rules(small)
    with pytest.raises(ValueError, match="deadlines_hard"):
        whatif.set_rules(small, deadlines_hard="sometimes")
