"""Clinical rules (issue 4): equipment, recovery, ICU/ward beds, staff teams, sequencing.

Per rule a tiny scenario where it binds: one feasible (asserting how the plan adapts) and one
infeasible (mandatory cases that cannot all fit). Every plan also passes the checker inside
``solve``.
"""

from __future__ import annotations

from typing import Any

import pytest

from orplan import solve
from orplan.errors import ScenarioError
from orplan.scenario import Scenario
from tests.builders import DETERMINISTIC, case, make

TWO_THEATRES = {
    "theatres": [{"id": "OR1", "site": "A"}, {"id": "OR2", "site": "A"}],
    "sessions": [
        {"theatre": t, "date": "2027-03-01", "open": "08:00", "close": "12:00"}
        for t in ("OR1", "OR2")
    ],
    "surgeons": [{"id": "S1", "specialty": "ortho"}, {"id": "S2", "specialty": "ortho"}],
}


def run(scenario: Scenario) -> Any:
    return solve(scenario, **DETERMINISTIC)


def entry(result: Any, case_id: str) -> Any:
    return next(c for c in result.plan.cases if c.case == case_id)


def two(extra: dict[str, Any], cases: list[dict[str, Any]]) -> Scenario:
    return make({**TWO_THEATRES, **extra}, cases)


# --- equipment ----------------------------------------------------------------------------
def test_one_c_arm_serialises_two_cases() -> None:
    """Two cases need the single C-arm: they run one after the other, setup included."""
    cases = [
        case("C1", 90, mandatory=True, equipment=["c-arm"]),
        case("C2", 90, mandatory=True, surgeon="S2", equipment=["c-arm"]),
    ]
    result = run(two({"equipment": [{"id": "c-arm", "count": 1, "setup": 20}]}, cases))
    a, b = sorted((entry(result, "C1"), entry(result, "C2")), key=lambda e: e.start)
    assert b.start >= a.end + 20


def test_one_c_arm_too_few_for_three_long_cases() -> None:
    """Three 90-min C-arm cases cannot share one C-arm in a 240-min morning: infeasible."""
    cases = [
        case("C1", 90, mandatory=True, equipment=["c-arm"]),
        case("C2", 90, mandatory=True, surgeon="S2", equipment=["c-arm"]),
        case("C3", 90, mandatory=True, surgeon="S2", equipment=["c-arm"]),
    ]
    result = run(two({"equipment": [{"id": "c-arm", "count": 1}]}, cases))
    assert result.status == "INFEASIBLE"
    assert "mandatory cases cannot all be scheduled" in result.explanation[0]


@pytest.mark.parametrize(("site", "theatre"), [(None, "OR1"), ("B", "ORB")])
def test_equipment_site_binds_in_a_feasible_plan(site: str | None, theatre: str) -> None:
    """The surgeon prefers OR1 (site A); a robot kept at site B sends the case to ORB
    instead, at the cost of the missed preference; a robot of no site leaves it in OR1."""
    scenario = make(
        {"theatres": [{"id": "OR1", "site": "A"}, {"id": "ORB", "site": "B"}],
         "sessions": [{"theatre": t, "date": "2027-03-01", "open": "08:00", "close": "12:00"}
                      for t in ("OR1", "ORB")],
         "surgeons": [{"id": "S1", "specialty": "ortho", "preferred_theatres": ["OR1"]}],
         "equipment": [{"id": "robot", "count": 1, "site": site}]},
        [case("C1", mandatory=True, equipment=["robot"])],
    )  # fmt: skip
    result = run(scenario)
    assert result.status == "OPTIMAL"
    assert entry(result, "C1").theatre == theatre
    assert result.kpis.preference_misses == (0 if site is None else 1)


def test_equipment_bound_to_other_site() -> None:
    """A robot kept at site B cannot be used in site A's theatres: infeasible, explained."""
    scenario = make(
        {"theatres": [{"id": "OR1", "site": "A"}, {"id": "ORB", "site": "B"}],
         "equipment": [{"id": "robot", "count": 1, "site": "B"}]},
        [case("C1", mandatory=True, equipment=["robot"])],
    )  # fmt: skip
    result = run(scenario)
    assert result.status == "INFEASIBLE"
    assert "robot only at site B" in result.explanation[0]


def test_unknown_equipment_is_input_error() -> None:
    """A case needing equipment the scenario does not list is a clear input error."""
    with pytest.raises(ScenarioError, match=r"cases\[0\] \(id=C1\)\.equipment: unknown"):
        make(cases=[case("C1", equipment=["laser"])])


# --- recovery -----------------------------------------------------------------------------
def test_one_pacu_bed_staggers_ends() -> None:
    """With one PACU bed, two cases' recovery stays do not overlap."""
    cases = [
        case("C1", 60, mandatory=True, recovery_minutes=60),
        case("C2", 60, mandatory=True, surgeon="S2", recovery_minutes=60),
    ]
    result = run(two({"recovery": [{"site": "A", "beds": 1}]}, cases))
    a, b = sorted((entry(result, "C1"), entry(result, "C2")), key=lambda e: e.end)
    assert b.end >= a.end + 60
    assert result.kpis.peak_recovery["A"] == 1


def test_pacu_closed_in_period_infeasible() -> None:
    """PACU has no beds 08:00-13:00, so a case needing recovery that ends by 12:00 cannot run."""
    recovery = [
        {"site": "A", "beds": 2, "periods": [{"start": "08:00", "end": "13:00", "beds": 0}]}
    ]
    result = run(two({"recovery": recovery}, [case("C1", 60, mandatory=True, recovery_minutes=30)]))
    assert result.status == "INFEASIBLE"


# --- ICU and ward beds --------------------------------------------------------------------
def _icu(beds: int, occupied: int) -> dict[str, Any]:
    return {"beds": [{"site": "A", "kind": "icu", "beds": beds,
                      "occupied": {"2027-03-01": occupied}}]}  # fmt: skip


@pytest.mark.parametrize(
    ("beds", "occupied", "status"),
    [(2, 0, "OPTIMAL"), (2, 1, "INFEASIBLE"), (3, 1, "OPTIMAL")],
)
def test_icu_beds(beds: int, occupied: int, status: str) -> None:
    """Two ICU cases on one day need two free ICU beds (beds minus already occupied)."""
    cases = [
        case("C1", 60, mandatory=True, icu_days=2),
        case("C2", 60, mandatory=True, surgeon="S2", icu_days=1),
    ]
    assert run(two(_icu(beds, occupied), cases)).status == status


def test_occupied_above_beds_is_input_error() -> None:
    """More beds occupied than exist is a clear input error, not an infeasible plan."""
    with pytest.raises(ScenarioError, match="occupied"):
        make(_icu(1, 2) | {"theatres": [{"id": "OR1", "site": "A"}]})


def test_ward_peak_levelled_over_days() -> None:
    """The bed-peak cost spreads two ward cases over two days instead of one."""
    sessions = [
        {"theatre": "OR1", "date": d, "open": "08:00", "close": "12:00"}
        for d in ("2027-03-01", "2027-03-02")
    ]
    scenario = make(
        {"theatres": [{"id": "OR1", "site": "A"}], "sessions": sessions,
         "beds": [{"site": "A", "kind": "ward", "beds": 10}],
         "weights": {"bed_peak": 200}},
        [case("C1", 60, ward_days=1), case("C2", 60, ward_days=1)],
    )  # fmt: skip
    result = run(scenario)
    assert {str(entry(result, c).date) for c in ("C1", "C2")} == {"2027-03-01", "2027-03-02"}
    assert result.kpis.peak_ward["A"] == 1


# --- staff teams --------------------------------------------------------------------------
@pytest.mark.parametrize(("teams", "scheduled"), [(1, 1), (2, 2)])
def test_anaesthesia_teams_limit_running_theatres(teams: int, scheduled: int) -> None:
    """Two 150-min cases need two theatres; with one anaesthesia team only one runs."""
    cases = [case("C1", 150), case("C2", 150, surgeon="S2")]
    result = run(two({"staff": [{"site": "A", "teams": teams}]}, cases))
    assert result.kpis.scheduled == scheduled
    assert len({e.theatre for e in result.plan.cases if e.scheduled}) == scheduled


def test_no_team_infeasible() -> None:
    """Zero teams on the date (by_date override) makes a mandatory case infeasible."""
    staff = [{"site": "A", "teams": 2, "by_date": {"2027-03-01": 0}}]
    assert run(two({"staff": staff}, [case("C1", mandatory=True)])).status == "INFEASIBLE"


# --- sequencing ---------------------------------------------------------------------------
def test_child_first_infected_last() -> None:
    """Child first, infected last (with 30 min extra cleaning after it) in one session."""
    cases = [
        case("INF", 40, mandatory=True, flags=["infected"]),
        case("ADULT", 40, mandatory=True),
        case("CHILD", 40, mandatory=True, flags=["child"]),
    ]
    result = run(make({"weights": {"idle_minute": 0}}, cases))
    order = [e.case for e in sorted(result.plan.cases, key=lambda e: e.start)]
    assert order == ["CHILD", "ADULT", "INF"]


def test_two_children_one_latex_all_before_adults() -> None:
    """Every 'first'-flagged case (child, latex) starts before every unflagged one."""
    cases = [
        case("A1", 30, mandatory=True),
        case("K1", 30, mandatory=True, flags=["child"]),
        case("L1", 30, mandatory=True, flags=["latex-allergy"]),
        case("A2", 30, mandatory=True),
    ]
    result = run(make(cases=cases))
    order = [e.case for e in sorted(result.plan.cases, key=lambda e: e.start)]
    assert set(order[:2]) == {"K1", "L1"}


def test_first_and_last_flag_conflict_infeasible() -> None:
    """A case flagged child (first) and infected (last) must start both before and after an
    unflagged case in its session: impossible when both are mandatory in the only session."""
    cases = [
        case("BOTH", 30, mandatory=True, flags=["child", "infected"]),
        case("PLAIN", 30, mandatory=True),
    ]
    assert run(make(cases=cases)).status == "INFEASIBLE"


def _split_surgeons(flag: str | None, flagged_by: str) -> Scenario:
    """S1 is present 08:00-10:00 and S2 10:00-12:00; case F (``flag``) is by ``flagged_by``,
    case PLAIN by the other surgeon, both mandatory in the one 08:00-12:00 session."""
    other = "S2" if flagged_by == "S1" else "S1"
    surgeons = [
        {"id": "S1", "specialty": "ortho",
         "available": [{"date": "2027-03-01", "start": "08:00", "end": "10:00"}]},
        {"id": "S2", "specialty": "ortho",
         "available": [{"date": "2027-03-01", "start": "10:00", "end": "12:00"}]},
    ]  # fmt: skip
    flags = [flag] if flag else []
    cases = [
        case("F", 60, mandatory=True, surgeon=flagged_by, flags=flags),
        case("PLAIN", 60, mandatory=True, surgeon=other),
    ]
    return make({"surgeons": surgeons}, cases)


@pytest.mark.parametrize(("flag", "status"), [(None, "OPTIMAL"), ("child", "INFEASIBLE")])
def test_sequence_first_infeasible(flag: str | None, status: str) -> None:
    """A child (first) whose surgeon only comes at 10:00 cannot start before a plain case
    whose surgeon leaves at 10:00; without the flag both fit, the plain case first."""
    assert run(_split_surgeons(flag, flagged_by="S2")).status == status


@pytest.mark.parametrize(("flag", "status"), [(None, "OPTIMAL"), ("infected", "INFEASIBLE")])
def test_sequence_last_infeasible(flag: str | None, status: str) -> None:
    """An infected case (last) whose surgeon leaves at 10:00 cannot start after a plain case
    whose surgeon only comes at 10:00; without the flag both fit, the flagged case first."""
    assert run(_split_surgeons(flag, flagged_by="S1")).status == status


def test_diabetic_early_soft() -> None:
    """A diabetic patient (soft 'early' rule) goes first when nothing else forbids it."""
    cases = [case("A", 60), case("D", 60, flags=["diabetic"]), case("B", 60)]
    result = run(make(cases=cases))
    assert entry(result, "D").start == 8 * 60


def test_sequencing_rules_are_data() -> None:
    """A hospital-specific flag ('pacemaker' last) works without code changes."""
    cases = [case("P", 30, mandatory=True, flags=["pacemaker"]), case("Q", 30, mandatory=True)]
    scenario = make({"sequencing": [{"flag": "pacemaker", "position": "last"}]}, cases)
    assert entry(run(scenario), "P").start > entry(run(scenario), "Q").start


# --- surgeon preferences ------------------------------------------------------------------
def test_surgeon_preferred_weekday() -> None:
    """A surgeon preferring Tuesdays gets the Tuesday session when both are free."""
    sessions = [
        {"theatre": "OR1", "date": d, "open": "08:00", "close": "12:00"}
        for d in ("2027-03-01", "2027-03-02")
    ]
    scenario = make(
        {"sessions": sessions, "weights": {"waiting_day": 0},
         "surgeons": [{"id": "S1", "specialty": "ortho", "preferred_weekdays": [1]}]},
        [case("C1", 60)],
    )  # fmt: skip
    result = run(scenario)
    assert str(entry(result, "C1").date) == "2027-03-02"
    assert result.kpis.preference_misses == 0
