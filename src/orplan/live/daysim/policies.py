"""The two ways to run a day with emergencies: first fit, or orplan's replan at each event.

``first-fit`` ("run as planned"): the published plan runs unchanged; an emergency waits in a
queue and breaks in at the next moment a theatre that allows its specialty is free inside a
session (its expected end within ``close + allowed overtime``), pushing the cases behind
it. Among waiting emergencies the one with the earliest latest start goes first. With
``theatres`` given (a dedicated emergency theatre) only those theatres take emergencies.

``replan``: at each emergency arrival, and each time a case ends more than ``threshold``
minutes after its planned end, the day so far is reported to :func:`orplan.live.replan` as
events (emergencies at their arrival and started cases at their actual start, both rounded
down to the planning grid, and their end: the real one when over, else the expected one;
cases the cancellation rule took off) and the day goes on with the new plan. The replan of
one moment starts from the previous one's live scenario and plan (as ``orplan replan``
does through the day).
Cases a replan leaves out count as cancelled (a mandatory case the day cannot keep included:
the replan cancels as few of them as it must).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field
from typing import Any

from orplan.errors import PlanInvalidError
from orplan.live import PlanEvents, ReplanResult, ReplanSettings, replan
from orplan.live.daysim.arrivals import Emergency
from orplan.live.daysim.run import INF, Day, Job, Policy, Record, SessionRun, Slot
from orplan.plan.model import Plan
from orplan.scenario.model import Scenario

__all__ = ["FirstFit", "ReplanPolicy", "ReplanStep"]


class FirstFit(Policy):
    """Run the plan; emergencies break in at the next free moment of an allowed theatre.

    Parameters
    ----------
    scenario
        For the theatres' specialties.
    theatres
        Only these theatres take emergencies (None: every theatre that allows the specialty).
    """

    def __init__(self, scenario: Scenario, theatres: set[str] | None = None) -> None:
        self.allows = {t.id: set(t.specialties) for t in scenario.theatres}
        self.only = theatres
        self.waiting: list[Emergency] = []

    def _allowed(self, e: Emergency, theatre: str) -> bool:
        if self.only is not None and theatre not in self.only:
            return False
        specialties = self.allows.get(theatre, set())
        return not specialties or e.specialty in specialties

    def pick(self, day: Day, session: SessionRun, t0: float) -> tuple[float, Slot | Job | None]:
        fits = [
            e
            for e in self.waiting
            if self._allowed(e, session.theatre) and t0 + e.mean <= session.limit
        ]
        if fits:
            first = min(fits, key=lambda e: (e.latest, e.arrival, e.id))
            return t0, day.jobs[first.id]
        return super().pick(day, session, t0)

    def on_arrival(self, day: Day, emergency: Emergency) -> None:
        self.waiting.append(emergency)

    def on_start(self, day: Day, record: Record) -> None:
        self.waiting = [e for e in self.waiting if e.id != record.job]


@dataclass
class ReplanStep:
    """One replan of the day: the live scenario, the parent plan and the new plan."""

    now: dt.datetime
    scenario: Scenario
    parent: Plan
    plan: Plan | None
    seconds: float


@dataclass
class _Reported:
    emergencies: set[str] = field(default_factory=set)
    times: dict[str, tuple[int, int]] = field(default_factory=dict)
    cancelled: set[str] = field(default_factory=set)


class ReplanPolicy(Policy):
    """Replan with orplan at each emergency arrival and each late case end.

    Parameters
    ----------
    scenario, plan
        The scenario and its published plan.
    settings
        Replan settings (one worker and a deterministic budget keep a run repeatable).
    threshold
        A case ending more than this many minutes after its planned end triggers a replan.
    keep_steps
        Keep every replan's scenario and plans in :attr:`steps` (for tests).
    max_wait
        Report each emergency's urgency window as at most this many minutes ("replan-asap"
        uses 0: the replan's first level then starts every emergency as early as any plan
        allows, instead of anywhere inside its window).
    """

    def __init__(
        self,
        scenario: Scenario,
        plan: Plan,
        settings: ReplanSettings,
        threshold: float = 15.0,
        keep_steps: bool = False,
        max_wait: int | None = None,
    ) -> None:
        # Mandatory cases that no longer fit and emergencies started after their window are
        # handled by orplan replan itself (docs/day-of-surgery.md), as for any planner.
        self.live = scenario
        self.plan = plan
        self.settings = settings
        self.max_wait = max_wait
        self.threshold = threshold
        self.keep_steps = keep_steps
        self.steps: list[ReplanStep] = []
        self.start = dt.datetime.combine(scenario.horizon.start, dt.time())
        self.grid = scenario.time_step
        self.arrived: list[Emergency] = []
        self.reported = _Reported()
        self.replans = 0
        self.failures = 0
        self.seconds: list[float] = []
        self.last = -INF
        self.fallback = FirstFit(scenario)
        self.outside: set[str] = set()
        self.errors: list[str] = []
        self.placed: dict[str, int] = {}

    def when(self, minute: int) -> dt.datetime:
        """The local date-time of minute ``minute`` of the horizon."""
        return self.start + dt.timedelta(minutes=minute)

    def pick(self, day: Day, session: SessionRun, t0: float) -> tuple[float, Slot | Job | None]:
        if self.fallback.waiting:
            return self.fallback.pick(day, session, t0)
        return super().pick(day, session, t0)

    def on_start(self, day: Day, record: Record) -> None:
        if day.jobs[record.job].emergency is not None and record.job not in self.placed:
            self.outside.add(record.job)  # operated first fit, outside the plan in force
        self.fallback.on_start(day, record)

    def _floor(self, minute: float) -> int:
        # Arrivals and starts are reported on the planning grid, rounded down: a started
        # emergency then never starts before its reported arrival.
        return math.floor(minute / self.grid) * self.grid

    def _window(self, e: Emergency) -> int:
        return e.max_wait if self.max_wait is None else min(e.max_wait, self.max_wait)

    def on_arrival(self, day: Day, emergency: Emergency) -> None:
        self.arrived.append(emergency)
        self.replan(day)

    def on_end(self, day: Day, record: Record) -> None:
        if record.end > record.planned_end + self.threshold:
            self.replan(day)

    def next_wakeup(self, day: Day) -> float:
        # An emergency left in a session that closed before it could start: ask again,
        # once the clock has moved (the same moment would give the same answer).
        return day.clock if day.orphans and day.clock > self.last else INF

    def wake(self, day: Day) -> None:
        self.replan(day)

    # -- one replan ---------------------------------------------------------------------
    def _events(self, day: Day, now: int) -> list[dict[str, Any]]:
        at = self.when(now).isoformat()
        events: list[dict[str, Any]] = []
        for e in self.arrived:
            if e.id in self.reported.emergencies or e.id in day.records:
                continue  # told already, or operated first fit while no plan could be had
            events.append(
                {"kind": "emergency", "at": self.when(self._floor(e.arrival)).isoformat(),
                 "id": e.id, "specialty": e.specialty, "duration": max(1, round(e.mean)),
                 "max_wait": self._window(e), "urgency": e.urgency}
            )  # fmt: skip
        placed = _starts(self.live, self.plan)
        surgeons = {e.case: e.surgeon for e in self.plan.cases if e.scheduled}
        waiting = {
            cid: begin
            for cid, begin in placed.items()
            if begin < now and cid not in day.records and cid not in day.cancelled
            and _session_of(day, cid)
        }  # fmt: skip
        for job, (start, end) in _reported_times(day, self.grid, now, surgeons, waiting).items():
            # An emergency started first fit while no replan had placed it is not in the
            # plan in force: the replan cannot be told (a case-late needs a planned case);
            # the cases it delays are reported when they start.
            if job not in placed or job in self.outside:
                continue
            if self.reported.times.get(job) == (start, end):
                continue
            events.append(
                {"kind": "case-late", "at": at, "case": job,
                 "actual_start": self.when(start).isoformat(),
                 "expected_end": self.when(end).isoformat()}
            )  # fmt: skip
        for cid in day.cancelled:
            if cid in self.reported.cancelled or cid not in placed:
                continue
            events.append(
                {"kind": "case-cancelled", "at": self.when(min(now, placed[cid])).isoformat(),
                 "case": cid, "reason": "no time left in the session"}
            )  # fmt: skip
        return events

    def replan(self, day: Day) -> None:
        """Report the day so far, replan, and load the new plan into the day's queues."""
        self.last = day.clock
        now = math.ceil(day.clock)
        events = self._events(day, now)
        model = PlanEvents.model_validate({"events": events})
        t0 = time.perf_counter()
        try:
            result = replan(self.live, self.plan, model, self.when(now), self.settings)
        except PlanInvalidError as exc:
            # A bug in orplan (the checker rejected its replan): counted, and the day goes
            # on as after a replan without a plan.
            self.errors.append(" | ".join(str(exc).splitlines()[2:4]) or "rejected")
            result = ReplanResult("UNKNOWN", None, self.live)
        seconds = time.perf_counter() - t0
        self.replans += 1
        self.seconds.append(seconds)
        if self.keep_steps:
            self.steps.append(
                ReplanStep(self.when(now), result.scenario, self.plan, result.plan, seconds)
            )
        if result.plan is None:
            # No plan for the facts of the day: keep the plan in force, let the new
            # emergencies break in first fit, and send the events again next time.
            self.failures += 1
            placed = set(_starts(self.live, self.plan)) | {e.id for e in self.fallback.waiting}
            self.fallback.waiting += [
                e for e in self.arrived if e.id not in placed and e.id not in day.records
            ]
            return
        for ev in events:
            if ev["kind"] == "emergency":
                self.reported.emergencies.add(ev["id"])
            elif ev["kind"] == "case-late":
                start = _minute(self.start, ev["actual_start"])
                self.reported.times[ev["case"]] = (start, _minute(self.start, ev["expected_end"]))
            else:
                self.reported.cancelled.add(ev["case"])
        self.live, self.plan = result.scenario, result.plan
        self._load(day)

    def _load(self, day: Day) -> None:
        """Refill every open session's queue from the plan in force."""
        day.orphans.clear()
        starts = _starts(self.live, self.plan)
        self.placed = starts
        sessions = {e.case: str(e.session) for e in self.plan.cases if e.scheduled}
        surgeons = {e.case: e.surgeon for e in self.plan.cases if e.scheduled}
        self.fallback.waiting = []
        for run in day.sessions.values():
            run.queue = []
        for cid, job in day.jobs.items():
            if cid in day.records or cid in day.cancelled:
                continue
            sid = sessions.get(cid)
            session = day.sessions.get(sid) if sid is not None else None
            if session is None or session.over:
                if job.emergency is None and cid not in starts:
                    day.cancelled[cid] = day.clock  # left out by the replan
                    self.reported.cancelled.add(cid)
                continue
            job.surgeon = surgeons[cid]
            session.queue.append(Slot(cid, float(starts[cid])))
        for run in day.sessions.values():
            run.queue.sort(key=lambda s: (s.start, s.job))


def _reported_times(
    day: Day, grid: int, now: int, surgeons: dict[str, str | None], waiting: dict[str, int]
) -> dict[str, tuple[int, int]]:
    """Start and end minutes to report for each started job, consistent among themselves.

    Starts are rounded down to the planning grid (the live scenario keeps its step); an end
    is the real one when the job is over, else its start plus the expected minutes (at
    least a minute after ``now``). Ends are then cut so that no reported job overlaps the
    next one of its theatre (with turnover), of its surgeon, or of a shared equipment unit
    it handed on (with set-up): rounding must not make the facts break a rule the replan
    has to keep.
    """
    recs = sorted(day.records.values(), key=lambda r: r.start)
    starts = {r.job: math.floor(r.start / grid) * grid for r in recs}
    out: dict[str, tuple[int, int]] = {}
    for i, rec in enumerate(recs):
        job = day.jobs[rec.job]
        start = starts[rec.job]
        if rec.end <= day.clock:
            end = math.ceil(rec.end)
        else:
            end = max(math.ceil(rec.start + job.mean), now + 1)
        for later in recs[i + 1 :]:
            other = day.jobs[later.job]
            if later.theatre == rec.theatre:
                end = min(end, starts[later.job] - job.turnover)
            mine = surgeons.get(rec.job) or job.surgeon
            if mine is not None and mine in (surgeons.get(later.job), other.surgeon):
                end = min(end, starts[later.job])
            if later.start >= rec.end:  # one after the other on a shared unit
                for e in set(job.equipment) & set(other.equipment):
                    end = min(end, starts[later.job] - day.setup[e])
        for cid, begin in waiting.items():
            # A case the plan starts before now that still waits for its surgeon or an
            # equipment unit held in another theatre: the replan takes any case planned
            # before now as started unless its own theatre overran, so the holder is
            # reported free by then (the real start is reported once it happens).
            w = day.jobs.get(cid)
            if w is None or day.sessions[_session_of(day, cid)].theatre == rec.theatre:
                continue
            mine = surgeons.get(rec.job) or job.surgeon
            if mine is not None and mine == (surgeons.get(cid) or w.surgeon):
                end = min(end, begin)
            for e in set(job.equipment) & set(w.equipment):
                end = min(end, begin - day.setup[e])
        midnight = (start // 1440 + 1) * 1440
        out[rec.job] = (start, min(max(end, start + 1), midnight))
    return out


def _session_of(day: Day, cid: str) -> str:
    for sid, session in day.sessions.items():
        if any(slot.job == cid for slot in session.queue):
            return sid
    return ""


def _starts(scenario: Scenario, plan: Plan) -> dict[str, int]:
    """Planned start of each scheduled case, in minutes of the horizon."""
    horizon = scenario.horizon
    return {
        e.case: horizon.day_index(e.date) * 1440 + e.start
        for e in plan.cases
        if e.scheduled and e.date is not None and e.start is not None
    }


def _minute(start: dt.datetime, text: str) -> int:
    return int((dt.datetime.fromisoformat(text) - start).total_seconds() // 60)
