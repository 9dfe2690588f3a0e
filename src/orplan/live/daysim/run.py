"""One sampled day (or week) of a theatre suite, minute by minute, under a policy.

The rules of play, the same for every policy (those of :mod:`orplan.simulate.engine`):

* Times are minutes after midnight of the first horizon date (floats).
* A theatre runs the cases of its current session in the order the plan in force gives.
  The first case of a session starts at its planned start (never before opening); each
  later case as soon as the previous one and its turnover are over ("early" start rule).
  An emergency never starts before its arrival, and nothing starts before a decision that
  placed it (the clock only moves forward).
* Cancellation: when an elective case is due to start, it is cancelled if its *expected*
  end (start + expected minutes) is after ``close + allowed overtime``.
* A session ends at ``close + allowed overtime`` for new starts; a case under way finishes.
* A case does not start before its surgeon's previous case of the period has ended (the
  surgeon is in one theatre at a time; emergencies under first fit name no surgeon), nor
  before a unit of each shared equipment it needs is free (a unit is busy during a case and
  its set-up). Recovery beds, ward beds and staff are not followed.

A policy decides what a free theatre does next (:meth:`Policy.pick`) and may react to
arrivals and to case ends (:meth:`Policy.on_arrival`, :meth:`Policy.on_end`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from orplan.live.daysim.arrivals import Emergency

__all__ = ["Day", "Job", "Policy", "Record", "SessionRun", "Slot"]

INF = math.inf


@dataclass
class Job:
    """A case of the day: an elective of the plan or an emergency."""

    id: str
    specialty: str
    mean: float
    duration: float
    turnover: int
    emergency: Emergency | None = None
    surgeon: str | None = None
    equipment: tuple[str, ...] = ()


@dataclass
class Slot:
    """A job's place in a session's queue with its planned start (minutes)."""

    job: str
    start: float


@dataclass
class SessionRun:
    """A session as it is played."""

    id: str
    theatre: str
    day: int
    open: float
    close: float
    limit: float
    queue: list[Slot] = field(default_factory=list)
    started: bool = False
    over: bool = False


@dataclass
class Record:
    """A started job: where and when it ran."""

    job: str
    session: str
    theatre: str
    start: float
    end: float
    planned_end: float


class Policy:
    """What a free theatre does next; the base class runs the plan and nothing else."""

    def pick(self, day: Day, session: SessionRun, t0: float) -> tuple[float, Slot | Job | None]:
        """The earliest start ``>= t0`` in ``session`` and what starts then (None: nothing).

        A :class:`Slot` is the session's next planned job; a :class:`Job` an emergency the
        policy breaks in with.
        """
        if not session.queue:
            return INF, None
        slot = session.queue[0]
        job = day.jobs[slot.job]
        earliest = slot.start if not session.started else -INF
        if job.emergency is not None:
            earliest = max(earliest, job.emergency.arrival)
        if job.surgeon is not None:
            earliest = max(earliest, day.surgeon_free.get(job.surgeon, -INF))
        return max(t0, earliest, day.equipment_free(job)), slot

    def on_arrival(self, day: Day, emergency: Emergency) -> None:
        """An emergency arrives at ``day.clock``."""

    def on_start(self, day: Day, record: Record) -> None:
        """``record``'s job has just started (``day.clock``)."""

    def on_end(self, day: Day, record: Record) -> None:
        """``record``'s job has just ended (``day.clock``)."""

    def next_wakeup(self, day: Day) -> float:
        """When the policy wants to act next by itself (INF: never)."""
        return INF

    def wake(self, day: Day) -> None:
        """Act at ``day.clock`` (the moment :meth:`next_wakeup` gave)."""


class Day:
    """The state of a played period: sessions, queues, what ran and what was cancelled.

    Parameters
    ----------
    sessions
        The sessions of the period, their queues filled from the plan in force.
    jobs
        Every elective of the plan in the period (emergencies are added as they arrive).
    emergencies
        The period's emergencies by arrival.
    start
        The first minute of the period.
    turnover
        Turnover after an emergency (the scenario's default).
    equipment
        Shared equipment: id to (units, set-up minutes).
    """

    def __init__(
        self,
        sessions: list[SessionRun],
        jobs: dict[str, Job],
        emergencies: list[Emergency],
        start: float,
        turnover: int,
        equipment: dict[str, tuple[int, int]] | None = None,
    ) -> None:
        self.sessions = {s.id: s for s in sessions}
        self.by_theatre: dict[str, list[SessionRun]] = {}
        for s in sorted(sessions, key=lambda s: (s.open, s.id)):
            self.by_theatre.setdefault(s.theatre, []).append(s)
        self.jobs = jobs
        self.emergencies = emergencies
        self.clock = start
        self.ready: dict[str, float] = dict.fromkeys(self.by_theatre, -INF)
        self.records: dict[str, Record] = {}
        self.cancelled: dict[str, float] = {}
        self.ends: list[tuple[float, str]] = []
        self.turnover = turnover
        self.orphans: list[str] = []
        self.surgeon_free: dict[str, float] = {}
        self.setup = {k: setup for k, (_, setup) in (equipment or {}).items()}
        self.units = {k: [-INF] * count for k, (count, _) in (equipment or {}).items()}
        self.policy = Policy()

    # -- queries ----------------------------------------------------------------------
    def equipment_free(self, job: Job) -> float:
        """When a unit of every piece of equipment ``job`` needs is free."""
        return max((min(self.units[e], default=INF) for e in job.equipment), default=-INF)

    def current(self, theatre: str) -> list[SessionRun]:
        """The theatre's sessions not over yet, by opening."""
        return [s for s in self.by_theatre[theatre] if not s.over]

    def _decision(self, policy: Policy, theatre: str) -> tuple[float, SessionRun | None, object]:
        t_free = max(self.ready[theatre], self.clock)
        for session in self.current(theatre):
            if t_free >= session.limit:
                self._close(session)
                continue
            t, what = policy.pick(self, session, max(t_free, session.open))
            if what is not None and t < session.limit:
                return t, session, what
            if isinstance(what, Slot) and self.jobs[what.job].emergency is None:
                return t, session, what  # past the limit: cancelled when due
        return INF, None, None

    def _close(self, session: SessionRun) -> None:
        """No new start in ``session``: its remaining electives are cancelled."""
        session.over = True
        for slot in session.queue:
            if self.jobs[slot.job].emergency is None:
                self.cancelled.setdefault(slot.job, self.clock)
            else:
                self.orphans.append(slot.job)  # placed where it can no longer start
        session.queue = []

    # -- the loop ---------------------------------------------------------------------
    def play(self, policy: Policy, until: float) -> None:
        """Play the period until nothing more can happen or the clock passes ``until``."""
        self.policy = policy
        arrivals = list(self.emergencies)
        i = 0
        while True:
            best: tuple[float, SessionRun | None, object, str] = (INF, None, None, "")
            for theatre in self.by_theatre:
                t, session, what = self._decision(policy, theatre)
                if t < best[0]:
                    best = (t, session, what, theatre)
            t_end = min((t for t, _ in self.ends), default=INF)
            t_arr = arrivals[i].arrival if i < len(arrivals) else INF
            t_wake = policy.next_wakeup(self)
            t_next = min(best[0], t_end, t_arr, t_wake)
            if t_next == INF or t_next > until:
                break
            self.clock = max(self.clock, t_next)
            if t_end == t_next:
                self.ends.sort()
                _, job = self.ends.pop(0)
                policy.on_end(self, self.records[job])
            elif best[0] == t_next:
                self._start(best[1], best[2], best[3])  # type: ignore[arg-type]
            elif t_arr == t_next:
                e = arrivals[i]
                self.jobs[e.id] = Job(e.id, e.specialty, e.mean, e.duration, self.turnover, e)
                policy.on_arrival(self, arrivals[i])
                i += 1
            else:
                policy.wake(self)
        for session in self.sessions.values():
            if not session.over:
                self._close(session)

    def _start(self, session: SessionRun, what: Slot | Job, theatre: str) -> None:
        if isinstance(what, Slot):
            session.queue.remove(what)
            job = self.jobs[what.job]
            planned_end = what.start + job.mean
            if job.emergency is None and self.clock + job.mean > session.limit:
                self.cancelled[job.id] = self.clock
                return
        else:
            job = what
            planned_end = self.clock + job.mean
        end = self.clock + job.duration
        session.started = True
        self.records[job.id] = Record(job.id, session.id, theatre, self.clock, end, planned_end)
        self.ready[theatre] = end + job.turnover
        if job.surgeon is not None:
            self.surgeon_free[job.surgeon] = end
        for e in job.equipment:
            units = self.units[e]
            units[units.index(min(units))] = end + self.setup[e]
        self.ends.append((end, job.id))
        self.policy.on_start(self, self.records[job.id])
