"""Hand-written plans for tests/data/tiny.yaml, and a large synthetic scenario with a plan.

Hand-written plans keep the report tests independent of the solver: the optimal plan, a plan
with unscheduled and late cases, and a plan that breaks hard rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from orplan.plan.model import CaseAssignment, Plan, SolverRun
from orplan.scenario import Scenario, scenario_digest, scenario_from_dict
from tests.builders import idle_floor

D1, D2 = dt.date(2027, 3, 1), dt.date(2027, 3, 2)
GAP_REASONS = {
    "C4": "capacity: its 1 possible session(s) are filled by cases of equal or higher priority",
    "C6": 'no room <left> & nothing "free"',  # markup characters must be escaped
}


def at(
    case: str, date: dt.date, theatre: str, start: int, end: int, surgeon: str
) -> CaseAssignment:
    """A scheduled entry in the session ``<theatre>@<date>``."""
    return CaseAssignment(
        case=case,
        scheduled=True,
        session=f"{theatre}@{date.isoformat()}",
        theatre=theatre,
        date=date,
        start=start,
        end=end,
        surgeon=surgeon,
    )


def off(case: str, reason: str | None = None) -> CaseAssignment:
    """An unscheduled entry."""
    return CaseAssignment(case=case, scheduled=False, reason=reason)


def run_record(scenario: Scenario, objective: float, **changes: Any) -> SolverRun:
    """A solver run record for a hand-written plan."""
    data: dict[str, Any] = {
        "orplan_version": "0.1.0",
        "ortools_version": "9.15.6755",
        "scenario": scenario.name,
        "scenario_sha256": scenario_digest(scenario),
        "seed": 7,
        "time_limit": 10.0,
        "workers": 1,
        "status": "OPTIMAL",
        "stopped_by": "optimal",
        "objective": objective,
        "bound": objective,
        "gap": 0.0,
        "wall_time": 0.4,
        "time_to_first": 0.1,
    }
    data.update(changes)
    return SolverRun(**data)


def tiny_optimal(scenario: Scenario) -> Plan:
    """The optimal plan of tiny.yaml: all six cases, at its idle floor (the optimum)."""
    return Plan(
        run=run_record(scenario, float(idle_floor(scenario))),
        cases=[
            at("C1", D1, "OR1", 540, 660, "S1"),
            at("C2", D1, "OR1", 480, 525, "S1"),
            at("C3", D1, "OR2", 480, 570, "S2"),
            at("C4", D1, "OR2", 585, 645, "S2"),
            at("C5", D2, "OR1", 480, 610, "S1"),
            at("C6", D1, "OR1", 675, 785, "S1"),
        ],
    )


def tiny_with_gaps(scenario: Scenario) -> Plan:
    """A valid plan (cost :func:`gaps_cost`) with C4, C6 unscheduled and C1 one day after its
    deadline."""
    cost = float(gaps_cost(scenario))
    return Plan(
        run=run_record(
            scenario,
            cost,
            status="FEASIBLE",
            stopped_by="time_limit",
            bound=1500.0,
            gap=(cost - 1500.0) / cost,
        ),
        cases=[
            at("C1", D2, "OR1", 480, 600, "S1"),
            at("C2", D1, "OR1", 480, 525, "S1"),
            at("C3", D1, "OR2", 480, 570, "S2"),
            off("C4", GAP_REASONS["C4"]),
            at("C5", D2, "OR1", 615, 745, "S1"),
            off("C6", GAP_REASONS["C6"]),
        ],
    )


def gaps_cost(scenario: Scenario) -> int:
    """The cost of :func:`tiny_with_gaps` by docs/rules.md, term by term.

    C4 (priority 3) and C6 (priority 4) unscheduled; C1 due 03-01 operated 03-02: one breach,
    one late day and one waiting day; every session is 08:00-15:30 (450 min, turnover 15):
    OR1 on 03-01 holds C2 (45), OR2 on 03-01 C3 (90), OR1 on 03-02 C1 (120) and C5 (130);
    C5 is released on 03-02, so it does not wait.
    """
    w = scenario.weights
    idle = (450 - (45 + 15)) + (450 - (90 + 15)) + (450 - (120 + 15) - (130 + 15))
    return (
        w.unscheduled_cost(3) + w.unscheduled_cost(4)
        + w.deadline_breach + w.late_day * 1 + w.waiting_day * 1
        + w.idle_minute * idle
    )  # fmt: skip


def tiny_invalid(scenario: Scenario) -> Plan:
    """A plan where C2 overlaps C1 in theatre OR1 (same surgeon): it breaks hard rules."""
    plan = tiny_optimal(scenario)
    plan.cases[1] = at("C2", D1, "OR1", 560, 605, "S1")
    plan.run = None
    return plan


def large_scenario_and_plan(
    theatres: int = 20, days: int = 5, cases: int = 400
) -> tuple[Scenario, Plan]:
    """A pilot-week-sized scenario and a valid greedy plan (no solver involved).

    Every theatre has one specialty and its own surgeon; cases of a theatre's specialty are
    packed into its sessions in order until full, the rest stay unscheduled.
    """
    start = dt.date(2027, 3, 1)
    specialties = ["orthopaedics", "gastro", "urology", "gynaecology", "vascular", "plastic"]
    data: dict[str, Any] = {
        "name": "large-synthetic",
        "horizon": {"start": start.isoformat(), "days": days + 2},
        "default_turnover": 20,
        "theatres": [],
        "sessions": [],
        "surgeons": [],
        "cases": [],
    }
    for t in range(theatres):
        tid = f"OR{t + 1:02d}"
        spec = specialties[t % len(specialties)]
        data["theatres"].append({"id": tid, "specialties": [spec]})
        data["surgeons"].append(
            {"id": f"S{t + 1:02d}", "specialty": spec, "max_minutes_per_day": 600}
        )
        for d in range(days):
            if (t + d) % 7 == 6:
                continue  # some theatres closed some days
            data["sessions"].append(
                {
                    "theatre": tid,
                    "date": (start + dt.timedelta(days=d)).isoformat(),
                    "open": "08:00",
                    "close": "15:30",
                    "specialty": spec,
                    "overtime": 30,
                }
            )
    for i in range(cases):
        t = i % theatres
        due = start + dt.timedelta(days=(i * 7) % 40 - 10)
        data["cases"].append(
            {
                "id": f"C{i + 1:04d}",
                "patient": f"P{i + 1:05d}",
                "procedure": f"Procedure {i % 17}",
                "specialty": specialties[t % len(specialties)],
                "surgeon": f"S{t + 1:02d}",
                "duration": 30 + (i * 37) % 150,
                "priority": 1 + i % 4,
                "due": due.isoformat(),
            }
        )
    scenario = scenario_from_dict(data)
    sessions = {(s.theatre, s.date): s for s in scenario.sessions}
    clock: dict[tuple[str, dt.date], int] = {key: s.open for key, s in sessions.items()}
    entries = []
    for i, case in enumerate(scenario.cases):
        theatre = f"OR{i % theatres + 1:02d}"
        placed = None
        for d in range(days):
            key = (theatre, start + dt.timedelta(days=d))
            if key in sessions and clock[key] + case.duration <= sessions[key].close:
                placed = key
                break
        if placed is None:
            entries.append(off(case.id, "capacity: every session of its theatre is full"))
            continue
        begin = clock[placed]
        clock[placed] = begin + case.duration + 20
        entries.append(
            at(case.id, placed[1], theatre, begin, begin + case.duration, case.surgeon or "")
        )
    return scenario, Plan(cases=entries)


def tiny_theatre_change(scenario: Scenario) -> Plan:
    """The optimal plan with C6 moved to OR2: surgeon S1 works in two theatres on day 1."""
    plan = tiny_optimal(scenario)
    plan.cases[5] = at("C6", D1, "OR2", 660, 770, "S1")
    plan.run = None
    return plan
