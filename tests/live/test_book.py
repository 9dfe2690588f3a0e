"""``orplan book``: the best slots for one patient, fewest others moved, each checked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from orplan.baselines import rule_plan
from orplan.check import check
from orplan.cli import main
from orplan.live import BookSettings, book
from orplan.live.book import Suggestions
from orplan.plan.io import load_plan, plan_digest, save_plan
from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario import Scenario, load_scenario, save_scenario
from orplan.scenario.io import scenario_digest
from orplan.scenario.model import Case
from tests.builders import DATA, case, make
from tests.strategies import FLAGS, clinical_scenarios

D1, D2 = dt.date(2027, 3, 1), dt.date(2027, 3, 2)
QUICK = BookSettings(time_limit=5.0, workers=1)


def _session(theatre: str, date: dt.date) -> dict[str, Any]:
    return {"theatre": theatre, "date": date.isoformat(), "open": "08:00", "close": "12:00"}


def _plan(scenario: Scenario, slots: dict[str, tuple[str, int]]) -> Plan:
    """A plan placing case -> (session id, start) with the case's surgeon S1."""
    sessions = {s.id: s for s in scenario.sessions}
    entries = []
    for c in scenario.cases:
        if c.id in slots:
            sid, start = slots[c.id]
            entries.append(CaseAssignment.placed(c, sessions[sid], start, "S1"))
        else:
            entries.append(CaseAssignment(case=c.id, scheduled=False))
    plan = Plan(cases=entries)
    assert check(scenario, plan).ok
    return plan


def _full_day() -> tuple[Scenario, Plan]:
    """OR1 on day 1: A 08:00-09:00 and B 10:00-11:00; 45-minute gaps either side of B."""
    scenario = make(
        {"sessions": [_session("OR1", D1)]}, [case("A", 60), case("B", 60), case("X", 60)]
    )
    return scenario, _plan(scenario, {"A": ("OR1@2027-03-01", 480), "B": ("OR1@2027-03-01", 600)})


def _assert_checked(suggestions: Suggestions, parent: Plan) -> None:
    booking = suggestions.booking
    for s in suggestions:
        report = check(booking.scenario, s.plan, parent=parent)
        assert report.ok, report.summary()
        entry = next(e for e in s.plan.cases if e.case == s.case)
        assert (entry.session, entry.start, entry.surgeon) == (s.session, s.start, s.surgeon)
        changed = {
            e.case for e, w in zip(s.plan.cases, booking.waiting.cases, strict=True) if e != w
        }
        assert changed == {s.case} | {m.case for m in s.moves}


def test_zero_move_slot_is_the_first_gap_and_passes_the_checker() -> None:
    scenario = make({}, [case("A", 60), case("X", 45)])
    plan = _plan(scenario, {"A": ("OR1@2027-03-01", 480)})
    suggestions = book(scenario, plan, "X", settings=QUICK)
    assert len(suggestions) == 1  # one session, one gap: after A and its turnover
    best = suggestions[0]
    assert (best.rank, best.date, best.theatre, best.start, best.end) == (1, D1, "OR1", 555, 600)
    assert best.moves == []
    assert suggestions.reason  # fewer than 5: says why
    _assert_checked(suggestions, plan)
    # The cost change is the checker's: X no longer waits (300), 45 + 15 idle minutes fewer.
    assert best.cost_change == -300 - 60


def test_ranked_by_moves_then_cost() -> None:
    scenario = make(
        {
            "sessions": [_session("OR1", D1), _session("OR1", D2), _session("OR2", D2)],
            "theatres": [{"id": "OR1"}, {"id": "OR2"}],
            "surgeons": [{"id": "S1", "specialty": "ortho", "preferred_theatres": ["OR1"]}],
        },
        [case("A", 60), case("B", 60), case("X", 60)],
    )
    plan = _plan(scenario, {"A": ("OR1@2027-03-01", 480), "B": ("OR1@2027-03-01", 600)})
    suggestions = book(scenario, plan, "X", settings=QUICK)
    got = [(s.rank, s.theatre, s.date, len(s.moves)) for s in suggestions]
    # Day 2 needs no move: OR1 first, OR2 misses the surgeon's preferred theatre. Day 1 saves
    # a waiting day but moves B, so it comes last although it is the cheapest.
    assert got == [(1, "OR1", D2, 0), (2, "OR2", D2, 0), (3, "OR1", D1, 1)]
    w = scenario.weights
    costs = [s.cost_change for s in suggestions]
    assert costs[1] - costs[0] == w.surgeon_preference
    assert costs[0] - costs[2] == w.waiting_day
    _assert_checked(suggestions, plan)


def test_a_case_that_fits_only_if_another_shifts_lists_the_move() -> None:
    scenario, plan = _full_day()
    suggestions = book(scenario, plan, "X", settings=QUICK)
    assert len(suggestions) == 1
    (move,) = suggestions[0].moves
    assert (move.case, move.kind) == ("B", "moved-time")
    assert move.old == "2027-03-01 OR1 10:00-11:00 S1"
    _assert_checked(suggestions, plan)
    without = book(scenario, plan, "X", settings=BookSettings(moves=False))
    assert list(without) == [] and "no free" in without.reason


def test_no_slot_gives_an_empty_list_and_the_reason() -> None:
    scenario = make({}, [case("A", 60), case("X", 300)])
    plan = _plan(scenario, {"A": ("OR1@2027-03-01", 480)})
    suggestions = book(scenario, plan, "X", settings=QUICK)
    assert list(suggestions) == []
    assert "longer than any suitable session" in suggestions.reason


def test_now_books_nothing_in_the_past() -> None:
    scenario = make({"sessions": [_session("OR1", D1), _session("OR1", D2)]}, [case("X", 30)])
    plan = _plan(scenario, {})
    now = dt.datetime(2027, 3, 1, 10, 2)
    suggestions = book(scenario, plan, "X", now=now, settings=QUICK)
    assert [(s.date, s.start) for s in suggestions] == [(D1, 605), (D2, 480)]
    assert suggestions.booking.scenario.now == now
    _assert_checked(suggestions, plan)


def test_a_new_case_is_added_to_the_scenario() -> None:
    scenario, plan = _full_day()
    new = Case.model_validate(case("N", 30))
    suggestions = book(scenario, plan, new, settings=QUICK)
    assert [s.start for s in suggestions] == [555, 675]  # both 45-minute gaps
    assert [c.id for c in suggestions.booking.scenario.cases][-1] == "N"
    assert [c.id for c in scenario.cases] == ["A", "B", "X"]  # the caller's is untouched
    _assert_checked(suggestions, plan)


# -- the command line -----------------------------------------------------------------------


@pytest.fixture
def published(tmp_path: Path) -> tuple[Path, Path]:
    """tiny.yaml with case C6 taken off its solved plan: (scenario, plan.json)."""
    scenario = load_scenario(DATA / "tiny.yaml")
    plan = rule_plan(scenario)
    entries = [
        CaseAssignment(case="C6", scheduled=False) if e.case == "C6" else e for e in plan.cases
    ]
    path = tmp_path / "plan.json"
    save_plan(plan.model_copy(update={"cases": entries}), path)
    return DATA / "tiny.yaml", path


@pytest.mark.parametrize("now", [None, "2027-03-01T09:00"])
def test_apply_writes_a_plan_orplan_check_accepts(
    published: tuple[Path, Path], tmp_path: Path, now: str | None
) -> None:
    scenario_path, plan_path = published
    out = tmp_path / "booked"
    argv = ["book", str(scenario_path), str(plan_path), "--case", "C6", "--apply", "1"]
    argv += ["--out", str(out), "--quiet"] + (["--now", now] if now else [])
    assert main(argv) == 0
    assert main(["check", str(out / "scenario.yaml"), str(out / "plan.json"), "--quiet"]) == 0
    saved, plan = load_scenario(out / "scenario.yaml"), load_plan(out / "plan.json")
    assert plan.run is not None and plan.run.scenario_sha256 == scenario_digest(saved)
    assert plan.live is not None
    assert plan.live.parent_sha256 == plan_digest(load_plan(plan_path))
    assert next(e for e in plan.cases if e.case == "C6").scheduled
    assert (saved.now is None) == (now is None)
    assert "C6,P006,booked" in (out / "changes.csv").read_text()


def test_json_lists_the_suggestions(published: tuple[Path, Path], capsys: Any) -> None:
    import json

    scenario_path, plan_path = published
    assert main(["book", str(scenario_path), str(plan_path), "--case", "C6", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["case"] == "C6" and data["suggestions"]
    assert [s["rank"] for s in data["suggestions"]] == list(range(1, len(data["suggestions"]) + 1))


def _bad(tmp_path: Path, plan_path: Path) -> dict[str, tuple[list[str], str]]:
    other = load_scenario(DATA / "tiny.yaml").model_copy(update={"name": "other"})
    save_scenario(other, tmp_path / "other.yaml")
    (tmp_path / "new.yaml").write_text(
        "{id: N1, patient: P9, procedure: p, specialty: orthopaedics, surgeon: S9, duration: 30}\n"
    )
    plan = str(plan_path)
    tiny = str(DATA / "tiny.yaml")
    return {
        "unknown case": ([tiny, plan, "--case", "C99"], "tiny.yaml: cases: no case with id"),
        "scheduled": ([tiny, plan, "--case", "C1"], "plan.json: cases (id=C1): already booked"),
        "other scenario": (
            [str(tmp_path / "other.yaml"), plan, "--case", "C6"],
            "plan.json: run.scenario_sha256",
        ),
        "new case field": (
            [tiny, plan, "--new-case", str(tmp_path / "new.yaml")],
            "new.yaml: surgeon: unknown surgeon 'S9'",
        ),
        "apply without out": ([tiny, plan, "--case", "C6", "--apply", "1"], "--apply: needs"),
        "now outside": ([tiny, plan, "--case", "C6", "--now", "2027-04-01T08:00"], "--now:"),
    }


@pytest.mark.parametrize(
    "which",
    ["unknown case", "scheduled", "other scenario", "new case field", "apply without out",
     "now outside"],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(
    published: tuple[Path, Path], tmp_path: Path, capsys: Any, which: str
) -> None:
    _, plan_path = published
    argv, expected = _bad(tmp_path, plan_path)[which]
    out = tmp_path / "out"
    assert main(["book", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0], err
    assert not out.exists()


# -- random scenarios ------------------------------------------------------------------------


@st.composite
def _bookings(
    draw: st.DrawFn, plain: bool = False
) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """A random scenario, a case to book in it, and maybe a booking moment.

    With ``plain`` the scenario has no shared resources (equipment, PACU, beds, staff): then
    the checker's verdict on a slot depends on its place in the day only.
    """
    data = draw(clinical_scenarios())
    assume(data["sessions"])
    if plain:
        data.update(equipment=[], recovery=[], beds=[], staff=[], time_step=15)
        for c in data["cases"]:
            c.pop("equipment", None)
    extra = case("NEW", draw(st.integers(10, 120)), surgeon=None)
    # Half the time one of the drawn cases (any field), else one that often fits somewhere.
    if data["cases"] and draw(st.booleans()):
        extra = {**data["cases"].pop(), "id": "NEW"}
    else:
        extra["specialty"] = draw(st.sampled_from([s["specialty"] for s in data["surgeons"]]))
        extra["flags"] = draw(st.lists(st.sampled_from(FLAGS), max_size=1))
        extra["recovery_minutes"] = draw(st.sampled_from([0, 45]))
        extra["icu_days"] = draw(st.sampled_from([0, 0, 1]))
    now = draw(st.sampled_from([None, None, "2027-03-01T09:30"]))
    return data, extra, now


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_bookings())
def test_every_suggestion_passes_the_checker(drawn: Any) -> None:
    from orplan.scenario import scenario_from_dict

    data, extra, now = drawn
    scenario = scenario_from_dict(data)
    plan = rule_plan(scenario)
    assume(check(scenario, plan).ok)
    when = dt.datetime.fromisoformat(now) if now else None
    quick = BookSettings(time_limit=1.0, workers=1)
    suggestions = book(scenario, plan, Case.model_validate(extra), now=when, settings=quick)
    _assert_checked(suggestions, plan)
    keys = [(len(s.moves), s.cost_change) for s in suggestions]
    assert keys == sorted(keys)
    assert suggestions.reason or len(suggestions) == 5


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_bookings(plain=True))
def test_the_best_free_slot_is_the_best_of_all_starts(drawn: Any) -> None:
    """Against every start on the grid in every session, each judged by the checker."""
    from orplan.scenario import scenario_from_dict

    data, extra, now = drawn
    scenario = scenario_from_dict(data)
    plan = rule_plan(scenario)
    assume(check(scenario, plan).ok)
    when = dt.datetime.fromisoformat(now) if now else None
    new = Case.model_validate(extra)
    suggestions = book(scenario, plan, new, now=when, settings=BookSettings(moves=False))
    booking = suggestions.booking
    live = booking.scenario
    costs = []
    for session in live.sessions:
        for surgeon in live.surgeons_for(new):
            first = -(-session.open // 15) * 15  # the planning grid (time_step 15)
            for start in range(first, session.close + session.overtime, 15):
                entry = CaseAssignment.placed(new, session, start, surgeon)
                report = check(live, booking.with_entries({"NEW": entry}), parent=plan)
                if report.ok:
                    costs.append(report.cost.total - booking.base_cost)
    assert bool(costs) == bool(suggestions)
    if costs:
        assert suggestions[0].cost_change == min(costs)
