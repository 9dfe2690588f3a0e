"""The situation on the day: a published plan, the events since, and the moment ``now``.

:func:`apply_events` turns them into a *live scenario*: the scenario as it now stands, with
the day-of-surgery rules of ``docs/rules.md`` written into it (what has started is pinned;
cancellations, emergencies and ``now``; frozen cases keep ``frozen_until``, which the checker
holds against the parent plan). Any plan for the live
scenario that passes the checker keeps every hard rule on the day; the replanner then looks
for the one that changes least.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from orplan.errors import ScenarioError
from orplan.live.events import (
    CaseAdded,
    CaseCancelled,
    CaseLate,
    EmergencyArrived,
    PlanEvents,
    SurgeonAbsent,
    TheatreClosed,
)
from orplan.live.times import DAY, cut_session, minute_of, moment, without_hours
from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario.clock import format_clock
from orplan.scenario.model import (
    Case,
    EmergencyWindow,
    PinnedSlot,
    Scenario,
    Session,
    Surgeon,
)

__all__ = ["LiveSituation", "apply_events", "minute_of", "moment"]


@dataclass
class LiveSituation:
    """A live scenario and what the replanner needs to know about how it came to be.

    Attributes
    ----------
    scenario
        The live scenario (``now`` set; started cases pinned; events applied).
    parent
        The published plan being changed, one entry per case of the original scenario.
    now
        The replanning moment.
    grid
        The original scenario's time step: new starts stay on it even when the live
        scenario's step is 1 minute (reported actual starts are off the grid).
    started
        Cases under way or done at ``now``.
    frozen
        Cases frozen by ``frozen_until`` (not started).
    added
        Cases to fit in (``case-added`` events).
    emergencies
        Emergency case ids.
    notes
        What each event did, in plain words (shown to the planner).
    relaxed_mandatory
        Mandatory cases the replan may cancel after all (no plan keeps every one of them):
        their cancellation is the first level of the objective.
    """

    scenario: Scenario
    parent: Plan
    now: dt.datetime
    grid: int
    started: set[str] = field(default_factory=set)
    frozen: set[str] = field(default_factory=set)
    added: set[str] = field(default_factory=set)
    emergencies: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    relaxed_mandatory: set[str] = field(default_factory=set)
    _parent_index: tuple[Plan, dict[str, CaseAssignment]] | None = field(
        default=None, repr=False, compare=False
    )

    def parent_entry(self, case_id: str) -> CaseAssignment | None:
        """The parent plan's scheduled entry of ``case_id`` (None: not scheduled there)."""
        if self._parent_index is None or self._parent_index[0] is not self.parent:
            placed = {e.case: e for e in self.parent.cases if e.scheduled}
            self._parent_index = (self.parent, placed)
        return self._parent_index[1].get(case_id)


class _Builder:
    """Applies events to mutable copies of the scenario's cases, sessions and surgeons."""

    def __init__(self, scenario: Scenario, parent: Plan, now: dt.datetime, source: str) -> None:
        self.scenario = scenario
        self.now = now
        self.source = source
        self.cases: dict[str, Case] = {c.id: c.model_copy(deep=True) for c in scenario.cases}
        self.sessions: list[Session] = [s.model_copy() for s in scenario.sessions]
        self.surgeons: dict[str, Surgeon] = {
            s.id: s.model_copy(deep=True) for s in scenario.surgeons
        }
        self.placed = {e.case: e for e in parent.cases if e.scheduled}
        self.actual_start: dict[str, dt.datetime] = {}
        self.expected_end: dict[str, dt.datetime] = {}
        self.added: set[str] = set()
        self.emergencies: set[str] = set()
        self.notes: list[str] = []

    def fail(self, where: str, problem: str) -> ScenarioError:
        return ScenarioError(self.source, [f"{where}: {problem}"])

    # -- when cases start and end ------------------------------------------------------
    def start_of(self, cid: str) -> dt.datetime | None:
        if cid in self.actual_start:
            return self.actual_start[cid]
        entry = self.placed.get(cid)
        if entry is None or entry.date is None or entry.start is None:
            return None
        return moment(entry.date, entry.start)

    def end_of(self, cid: str) -> dt.datetime | None:
        if cid in self.expected_end:
            return self.expected_end[cid]
        start = self.start_of(cid)
        if start is None:
            return None
        return start + dt.timedelta(minutes=self.cases[cid].duration)

    def waiting(self, cid: str, started: set[str]) -> bool:
        """Whether a case due before ``now`` is still waiting: a started case of its theatre
        (with turnover) or of its surgeon that began before its planned start ends after it.

        The same test as the checker's ``case-frozen`` (docs/rules.md), on the same facts: the
        started cases' reported starts and live durations.
        """
        entry = self.placed[cid]
        planned = self.start_of(cid)
        if planned is None:
            return False
        for other in started:
            e = self.placed[other]
            if e.date != entry.date:
                continue
            same_theatre = e.theatre == entry.theatre
            if not same_theatre and e.surgeon != entry.surgeon:
                continue
            begin, end = self.start_of(other), self.end_of(other)
            if begin is None or end is None or begin >= planned:
                continue
            if same_theatre:
                end += dt.timedelta(minutes=self.scenario.turnover_of(self.cases[other]))
            if end > planned:
                return True
        return False

    def started(self) -> set[str]:
        """Cases under way or done at ``now``: reported starts, then, in order of their planned
        start, every case due before ``now`` that is not waiting (see :meth:`waiting`)."""
        live = [cid for cid in self.placed if self.cases[cid].cancelled is None]
        out = {cid for cid in live if cid in self.actual_start}
        due = []
        for cid in live:
            start = self.start_of(cid)
            if cid not in out and start is not None and start < self.now:
                due.append((start, cid))
        for _, cid in sorted(due):
            if not self.waiting(cid, out):
                out.add(cid)
        return out

    # -- events ------------------------------------------------------------------------
    def case_ref(self, where: str, cid: str) -> Case:
        if cid not in self.cases:
            raise self.fail(f"{where}.case", f"unknown case {cid!r}")
        return self.cases[cid]

    def cancel(self, where: str, event: CaseCancelled) -> None:
        case = self.case_ref(where, event.case)
        start = self.start_of(case.id)
        if case.id in self.placed and start is not None and start < event.at:
            raise self.fail(
                f"{where}.case",
                f"case {case.id} started at {start:%H:%M}, before the cancellation was reported",
            )
        if case.mandatory:
            self.notes.append(f"{case.id}: mandatory case cancelled ({event.reason})")
        self.cases[case.id] = case.model_copy(
            update={"cancelled": event.reason, "mandatory": False, "pinned": None}
        )
        self.notes.append(f"{case.id} cancelled: {event.reason}")

    def late(self, where: str, event: CaseLate) -> None:
        case = self.case_ref(where, event.case)
        if case.id not in self.placed:
            raise self.fail(f"{where}.case", f"case {case.id} is not in the plan")
        if event.actual_start is not None:
            self.actual_start[case.id] = event.actual_start
        if event.expected_end is not None:
            start = self.start_of(case.id)
            assert start is not None
            if event.expected_end <= start:
                raise self.fail(f"{where}.expected_end", f"is not after the start {start:%H:%M}")
            if event.expected_end > moment(start.date(), DAY):
                raise self.fail(
                    f"{where}.expected_end", "a case must end on the day it started (by 24:00)"
                )
            self.expected_end[case.id] = event.expected_end
            minutes = int((event.expected_end - start).total_seconds() // 60)
            self.cases[case.id] = self.cases[case.id].model_copy(update={"duration": minutes})
            self.stretch(case.id, minute_of(event.expected_end) or DAY)
        end = self.end_of(case.id)
        self.notes.append(
            f"{case.id} running: started {self.start_of(case.id):%H:%M}, ends {end:%H:%M}"
        )

    def stretch(self, cid: str, end: int) -> None:
        """Let the session of a running case run until ``end`` when the case overruns its
        allowed overtime: a fact on the day, not a choice the plan could avoid."""
        sid = self.placed[cid].session
        for i, s in enumerate(self.sessions):
            if s.id == sid and end > s.close + s.overtime:
                self.sessions[i] = s.model_copy(update={"overtime": end - s.close})
                self.notes.append(
                    f"session {sid} runs until {format_clock(end)} (past its allowed overtime) "
                    f"while {cid} finishes"
                )

    def absent(self, where: str, event: SurgeonAbsent) -> None:
        if event.surgeon not in self.surgeons:
            raise self.fail(f"{where}.surgeon", f"unknown surgeon {event.surgeon!r}")
        surgeon = self.surgeons[event.surgeon]
        start = event.start
        end = event.end or moment(start.date(), DAY)
        # A case the surgeon is operating on is finished first.
        for cid in self.started():
            entry = self.placed[cid]
            if entry.surgeon == surgeon.id:
                case_end = self.end_of(cid)
                if case_end is not None and case_end > start:
                    start = min(case_end, end)
        self.surgeons[surgeon.id] = without_hours(self.scenario, surgeon, start, end)
        self.notes.append(
            f"surgeon {surgeon.id} away from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}"
        )

    def close(self, where: str, event: TheatreClosed) -> None:
        if event.theatre not in {t.id for t in self.scenario.theatres}:
            raise self.fail(f"{where}.theatre", f"unknown theatre {event.theatre!r}")
        start = event.start
        end = event.end or moment(start.date(), DAY)
        for cid in self.started():
            if self.placed[cid].theatre == event.theatre:
                case_end = self.end_of(cid)
                if case_end is not None and case_end > start:
                    start = min(case_end, end)
        kept: list[Session] = []
        for s in self.sessions:
            if s.theatre != event.theatre:
                kept.append(s)
                continue
            kept.extend(cut_session(s, start, end))
        self.sessions = kept
        self.notes.append(
            f"theatre {event.theatre} closed {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}"
        )

    def emergency(self, where: str, event: EmergencyArrived) -> None:
        if event.id in self.cases:
            raise self.fail(f"{where}.id", f"case id {event.id!r} is already in the scenario")
        for name in event.surgeons:
            if name not in self.surgeons:
                raise self.fail(f"{where}.surgeons", f"unknown surgeon {name!r}")
        arrival = event.arrival or event.at
        self.cases[event.id] = Case(
            id=event.id,
            patient=event.patient or f"EMERGENCY-{event.id}",
            procedure=event.procedure,
            ncsp=event.ncsp,
            specialty=event.specialty,
            eligible_surgeons=list(event.surgeons),
            duration=event.duration,
            priority=1,
            requires=list(event.requires),
            recovery_minutes=event.recovery_minutes,
            icu_days=event.icu_days,
            ward_days=event.ward_days,
            emergency=EmergencyWindow(
                arrival=arrival, max_wait=event.max_wait, urgency=event.urgency
            ),
        )
        self.emergencies.add(event.id)
        self.notes.append(
            f"emergency {event.id} ({event.specialty}, {event.duration} min) arrived "
            f"{arrival:%H:%M}, to start within {event.max_wait} min"
        )

    def add(self, where: str, event: CaseAdded) -> None:
        if event.new_case is not None:
            if event.new_case.id in self.cases:
                raise self.fail(
                    f"{where}.new_case.id", f"case id {event.new_case.id!r} is already in use"
                )
            self.cases[event.new_case.id] = event.new_case
        else:
            case = self.case_ref(where, event.case_id)
            if case.id in self.placed:
                raise self.fail(f"{where}.case", f"case {case.id} is already in the plan")
        self.added.add(event.case_id)
        self.notes.append(f"{event.case_id} to be fitted in")


def apply_events(
    scenario: Scenario,
    parent: Plan,
    events: PlanEvents,
    now: dt.datetime,
    *,
    source: str = "<events>",
) -> LiveSituation:
    """The live scenario at ``now``: ``scenario`` and ``parent`` after ``events``.

    Parameters
    ----------
    scenario
        The scenario the published plan was made for.
    parent
        The published plan.
    events
        What was reported since.
    now
        The replanning moment (local time, inside the horizon, not before any event).
    source
        Name of the events file, for error messages.

    Returns
    -------
    LiveSituation

    Raises
    ------
    ScenarioError
        An event that names an unknown case, surgeon or theatre, lies outside the horizon
        or after ``now``, or cancels a case that had already started.
    """
    horizon = scenario.horizon
    first, last = moment(horizon.start, 0), moment(horizon.end, DAY)
    if not first <= now < last:
        raise ScenarioError(
            "--now", [f"{now:%Y-%m-%dT%H:%M} is outside the horizon {horizon.start}..{horizon.end}"]
        )
    build = _Builder(scenario, parent, now, source)
    indexed = sorted(enumerate(events.events), key=lambda pair: pair[1].at)
    for i, event in indexed:
        where = f"events[{i}]"
        if not first <= event.at < last:
            raise build.fail(f"{where}.at", f"{event.at:%Y-%m-%dT%H:%M} is outside the horizon")
        if event.at > now:
            raise build.fail(f"{where}.at", f"{event.at:%Y-%m-%dT%H:%M} is after --now")
        if isinstance(event, CaseCancelled):
            build.cancel(where, event)
        elif isinstance(event, CaseLate):
            build.late(where, event)
        elif isinstance(event, SurgeonAbsent):
            build.absent(where, event)
        elif isinstance(event, TheatreClosed):
            build.close(where, event)
        elif isinstance(event, EmergencyArrived):
            build.emergency(where, event)
        else:
            build.add(where, event)
    return _finish(build, scenario, parent, now)


def _finish(build: _Builder, scenario: Scenario, parent: Plan, now: dt.datetime) -> LiveSituation:
    """Pin what has started and what is frozen; set ``now`` and the planning grid."""
    started = build.started()
    frozen: set[str] = set()
    step = scenario.time_step
    for cid, entry in build.placed.items():
        case = build.cases[cid]
        if case.cancelled is not None or entry.date is None or entry.start is None:
            continue
        if cid in started:
            begin = build.start_of(cid)
            assert begin is not None
            pin = PinnedSlot(
                theatre=str(entry.theatre),
                date=entry.date,
                start=minute_of(begin),
                surgeon=entry.surgeon,
            )
        elif case.frozen_until is not None and now < case.frozen_until:
            # Not pinned: the freeze ends at frozen_until, and the checker holds it against
            # the parent plan (case-frozen); the replanner keeps the slot.
            frozen.add(cid)
            continue
        else:
            continue
        if pin.start % step:
            step = 1  # a reported start off the grid: plan in minutes (new starts stay on it)
        update: dict[str, object] = {"pinned": pin}
        em = case.emergency
        begun = moment(pin.date, pin.start)
        if em is not None and em.latest_start is not None and begun > em.latest_start:
            # A fact of the day: the emergency started late. Record the breach, so the plan
            # keeps the rule it can keep (it starts when it did) and says why.
            update["emergency"] = em.model_copy(
                update={
                    "breach_until": begun,
                    "breach_reason": f"started {begun:%H:%M}, after its window "
                    f"({em.latest_start:%H:%M})",
                }
            )
        build.cases[cid] = case.model_copy(update=update)
    # Sessions cut by a closure may open off the grid; so may the earliest start after now.
    if any(s.open % step for s in build.sessions):
        step = 1
    surgeons = [build.surgeons[s.id] for s in scenario.surgeons]
    live = scenario.model_copy(
        update={
            "cases": list(build.cases.values()),
            "sessions": build.sessions,
            "surgeons": surgeons,
            "now": now,
            "time_step": step,
            "cases_file": None,
        }
    )
    # Re-validate: cross-references and the pinned grid are checked as for any scenario.
    live = Scenario.model_validate(live.model_dump())
    return LiveSituation(
        scenario=live,
        parent=parent,
        now=now,
        grid=scenario.time_step,
        started=started,
        frozen=frozen,
        added=build.added,
        emergencies=build.emergencies,
        notes=build.notes,
    )
