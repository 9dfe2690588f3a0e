"""Book one patient into a published plan: the k best slots, fewest other patients moved.

A booking is a case from the waiting list (unscheduled in the plan) or a new case. The
suggestions are ranked first by how many other cases would have to move (0 first), then by
the plan-cost change (the checker's cost of the new plan minus that of the published plan
with the patient still waiting)::

    suggestions = book(scenario, plan, "C0032", top=5)
    for s in suggestions:
        print(s.rank, s.date, s.theatre, s.start, s.surgeon, s.cost_change, len(s.moves))
    new_plan = apply_suggestion(suggestions[0])  # orplan.live.book_record

Slots where nothing moves are found geometrically (:mod:`orplan.live.book_slots`: the gaps
in each theatre's day where the case, its turnover and its surgeon fit), tried cheapest
first and kept only when the independent checker accepts the plan; slots that need others
to shift come from a small CP-SAT model per session (:mod:`orplan.live.book_moves`).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from orplan.check import check, compute_cost
from orplan.errors import ScenarioError
from orplan.live.changes import Change, change_list
from orplan.live.events import CaseAdded, PlanEvents
from orplan.live.situation import apply_events
from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario.io import validation_problems
from orplan.scenario.model import Case, Scenario

__all__ = [
    "BookSettings",
    "Booking",
    "Suggestion",
    "Suggestions",
    "book",
    "load_new_case",
]


@dataclass(frozen=True)
class BookSettings:
    """How hard to look for slots that need other cases to move.

    Parameters
    ----------
    moves
        Look for slots where other cases shift when fewer than ``top`` slots need no move.
    time_limit
        Wall-clock seconds for that search, all sessions together.
    workers
        CP-SAT worker threads.
    tolerance
        Minutes another case's start may shift without counting as moved (0: any shift
        counts; a booking made days ahead owes every patient a correct time).
    sessions
        At most this many sessions are tried for moves beyond the slots still missing.
    """

    moves: bool = True
    time_limit: float = 5.0
    workers: int = 1
    tolerance: int = 0
    sessions: int = 3


@dataclass
class Suggestion:
    """One slot for the patient, and what it costs the rest of the plan.

    Attributes
    ----------
    rank
        1 is the best suggestion.
    case, session, theatre, date, start, end, surgeon
        The booking (times in minutes after midnight).
    cost_change
        The checker's plan cost with the booking minus without it (negative: better).
    moves
        Other cases whose booking changes (empty: nothing moves).
    plan
        The whole plan with the booking, accepted by the checker.
    booking
        The situation the suggestion belongs to (scenario with the case, parent plan).
    """

    rank: int
    case: str
    session: str
    theatre: str
    date: dt.date
    start: int
    end: int
    surgeon: str
    cost_change: float
    moves: list[Change]
    plan: Plan = field(repr=False)
    booking: Booking = field(repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The suggestion as JSON-ready data (without the plan)."""
        return {
            "rank": self.rank,
            "case": self.case,
            "session": self.session,
            "theatre": self.theatre,
            "date": self.date.isoformat(),
            "start": _hhmm(self.start),
            "end": _hhmm(self.end),
            "surgeon": self.surgeon,
            "cost_change": self.cost_change,
            "moves": [m.as_row() for m in self.moves],
        }


@dataclass
class Booking:
    """The situation of one booking: the scenario with the case, and the published plan.

    Attributes
    ----------
    scenario
        The scenario with the case added (``now`` set and started cases pinned when
        booking on the day); a plan made from a suggestion belongs to it.
    parent
        The published plan.
    waiting
        ``parent`` with the case as an unscheduled entry: the plan the costs compare with.
    case
        The case to book.
    now
        The booking moment (None: booked ahead of the horizon).
    grid
        Minutes between possible starts for the new booking.
    frozen
        Cases frozen at ``now`` (they keep their slots).
    base_cost
        The checker's cost of ``waiting``.
    """

    scenario: Scenario
    parent: Plan
    waiting: Plan
    case: Case
    now: dt.datetime | None
    grid: int
    frozen: set[str] = field(default_factory=set)
    base_cost: float = 0.0

    def with_entries(self, entries: dict[str, CaseAssignment]) -> Plan:
        """``waiting`` with some entries replaced (by case id)."""
        return Plan(cases=[entries.get(e.case, e) for e in self.waiting.cases])


class Suggestions(list[Suggestion]):
    """The ranked suggestions of one booking (a list), with why there are none or few.

    Attributes
    ----------
    booking
        The booking situation.
    reason
        Why there is no (or no further) slot, in plain words ('' when ``top`` were found).
    """

    def __init__(self, items: list[Suggestion], booking: Booking, reason: str = "") -> None:
        super().__init__(items)
        self.booking = booking
        self.reason = reason


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def load_new_case(path: str | Path) -> Case:
    """Read one case from a YAML or JSON file (the fields of a scenario case).

    Raises
    ------
    ScenarioError
        Naming the file and field.
    """
    from orplan.scenario.io import load_model_file

    return load_model_file(path, Case)


def _with_case(scenario: Scenario, case: Case, source: str) -> Scenario:
    """``scenario`` with ``case`` appended, cross-references checked; errors name the file."""
    if any(c.id == case.id for c in scenario.cases):
        raise ScenarioError(source, [f"id: case id {case.id!r} is already in the scenario"])
    data = scenario.model_dump()
    data["cases"].append(case.model_dump())
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        where = f"cases[{len(scenario.cases)}] (id={case.id})."
        problems = [p.removeprefix(where) for p in validation_problems(exc, data)]
        raise ScenarioError(source, problems) from None


def _the_case(scenario: Scenario, plan: Plan, wanted: str, sources: tuple[str, str]) -> Case:
    """The waiting-list case ``wanted``: known, not cancelled, unscheduled in ``plan``."""
    scenario_source, plan_source = sources
    case = next((c for c in scenario.cases if c.id == wanted), None)
    if case is None:
        raise ScenarioError(scenario_source, [f"cases: no case with id {wanted!r}"])
    if case.cancelled is not None:
        raise ScenarioError(scenario_source, [f"cases (id={wanted}).cancelled: {case.cancelled}"])
    entry = next((e for e in plan.cases if e.case == wanted and e.scheduled), None)
    if entry is not None:
        raise ScenarioError(
            plan_source,
            [
                f"cases (id={wanted}): already booked on {entry.date} in {entry.theatre} at "
                f"{_hhmm(entry.start or 0)} (orplan replan moves booked cases)"
            ],
        )
    return case


def prepare(
    scenario: Scenario,
    plan: Plan,
    case_or_id: str | Case,
    now: dt.datetime | None,
    sources: tuple[str, str, str] = ("<scenario>", "<plan>", "<case>"),
) -> Booking:
    """The booking situation; raises :class:`ScenarioError` on bad input (see :func:`book`)."""
    from orplan.live import parent_problems

    scenario_source, plan_source, case_source = sources
    problems = parent_problems(scenario, plan)
    if problems:
        raise ScenarioError(plan_source, problems)
    if isinstance(case_or_id, Case):
        booked = _with_case(scenario, case_or_id, case_source)
        case = case_or_id
    else:
        case = _the_case(scenario, plan, case_or_id, (scenario_source, plan_source))
        booked = scenario
    now = now or scenario.now
    frozen: set[str] = set()
    grid = scenario.time_step
    if now is not None:
        # The day-of-surgery machinery pins what has started and sets now, as replan does.
        event = CaseAdded(kind="case-added", at=now, case=case.id)
        if isinstance(case_or_id, Case):
            event = CaseAdded(kind="case-added", at=now, new_case=case_or_id)
        sit = apply_events(scenario, plan, PlanEvents(events=[event]), now, source="--now")
        booked, frozen = sit.scenario, sit.frozen
    elif booked.cases_file is not None:
        # Saved beside the plan with the cases inline, the scenario must keep its digest.
        booked = booked.model_copy(update={"cases_file": None})
    case = next(c for c in booked.cases if c.id == case.id)
    entries = [e for e in plan.cases if e.case != case.id]
    waiting = Plan(cases=[*entries, CaseAssignment(case=case.id, scheduled=False)])
    base = float(compute_cost(booked, waiting).total)
    return Booking(booked, plan, waiting, case, now, grid, frozen, base)


def book(
    scenario: Scenario,
    plan: Plan,
    case_or_id: str | Case,
    *,
    now: dt.datetime | None = None,
    top: int = 5,
    settings: BookSettings | None = None,
    sources: tuple[str, str, str] = ("<scenario>", "<plan>", "<case>"),
) -> Suggestions:
    """The ``top`` best slots for one patient in a published plan.

    Parameters
    ----------
    scenario
        The scenario the plan was made for.
    plan
        The published plan.
    case_or_id
        The id of a waiting-list case (unscheduled in ``plan``), or a new :class:`Case`.
    now
        Booking on the day: nothing is booked before ``now``; cases started by then stay.
    top
        How many suggestions at most.
    settings
        The search for slots that need other cases to move (see :class:`BookSettings`).
    sources
        Names of the scenario, plan and new-case files, for error messages.

    Returns
    -------
    Suggestions
        Best first: fewest other cases moved, then lowest cost change. Each suggestion's
        plan passes the checker against ``Suggestions.booking.scenario`` (and ``plan`` as
        parent). Empty, with ``reason``, when no slot was found.

    Raises
    ------
    ScenarioError
        A plan of another scenario, an unknown, cancelled or already booked case, a new
        case whose id is taken or whose fields do not fit the scenario, ``now`` outside the
        horizon.
    ValueError
        ``top`` below 1.
    """
    from orplan.live.book_moves import moved_slots
    from orplan.live.book_slots import free_slots

    if top < 1:
        raise ValueError(f"top must be 1 or more, not {top}")
    settings = settings or BookSettings()
    t0 = time.perf_counter()
    booking = prepare(scenario, plan, case_or_id, now, sources)
    found, why, possible = free_slots(booking, top)
    if len(found) < top and settings.moves and possible:
        taken = {s.session for s in found}
        more, why_moves = moved_slots(booking, top - len(found), taken, settings, t0)
        found += more
        if not found:
            why = f"{why}; {why_moves}"
    found.sort(key=lambda s: (len(s.moves), s.cost_change, s.date, s.start, s.theatre))
    found = found[:top]
    for rank, suggestion in enumerate(found, start=1):
        suggestion.rank = rank
    reason = "" if len(found) >= top else why
    return Suggestions(found, booking, reason)


def suggestion_from(
    booking: Booking, plan: Plan, tolerance: int = 0
) -> tuple[Suggestion | None, list[str]]:
    """The suggestion ``plan`` makes, or None and the rules it breaks (checker's verdict)."""
    report = check(booking.scenario, plan, parent=booking.parent)
    if not report.ok:
        return None, [v.rule for v in report.violations]
    entry = next(e for e in plan.cases if e.case == booking.case.id)
    assert entry.date is not None and entry.start is not None and entry.end is not None
    moves = [
        c
        for c in change_list(booking.scenario, booking.waiting, plan, tolerance=tolerance)
        if c.case != booking.case.id
    ]
    suggestion = Suggestion(
        rank=0,
        case=booking.case.id,
        session=str(entry.session),
        theatre=str(entry.theatre),
        date=entry.date,
        start=entry.start,
        end=entry.end,
        surgeon=str(entry.surgeon),
        cost_change=float(report.cost.total) - booking.base_cost,
        moves=moves,
        plan=plan,
        booking=booking,
    )
    return suggestion, []
