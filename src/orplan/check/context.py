"""Look-up tables the checker builds once per (scenario, plan) pair.

The checker is a second opinion on the solver, so it derives every semantic it needs from the
raw fields of the scenario and plan models here, without calling the convenience helpers of
:mod:`orplan.scenario.model` (``turnover_of``, ``surgeons_for``, ``window``, ``dates``, ...).
A bug in one of those helpers is then caught rather than shared.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario.model import Case, Scenario, Session, Surgeon, Theatre

__all__ = [
    "CheckContext",
    "Placed",
    "cleaning_minutes",
    "hhmm",
    "session_key",
    "turnover_minutes",
]


def hhmm(minutes: int) -> str:
    """Return ``"HH:MM"`` for minutes after midnight.

    Parameters
    ----------
    minutes
        Minutes after midnight (may exceed 24 h for an out-of-range computed end).

    Returns
    -------
    str
        The clock time, zero-padded.
    """
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def session_key(session: Session) -> str:
    """Return the id of ``session`` (its own id, else ``'<theatre>@<date>'``).

    Parameters
    ----------
    session
        A scenario session.

    Returns
    -------
    str
        The identifier plan entries use to name the session.
    """
    if session.id is not None:
        return session.id
    return f"{session.theatre}@{session.date.isoformat()}"


def cleaning_minutes(scenario: Scenario, case: Case) -> int:
    """Return the extra cleaning minutes after ``case`` from the sequencing rules.

    Every rule of ``scenario.sequencing`` whose flag the case has adds its
    ``cleaning_after`` (each rule once, however often the flag is listed).

    Parameters
    ----------
    scenario
        The scenario (for ``sequencing``).
    case
        The case.

    Returns
    -------
    int
        Cleaning minutes added to the turnover.
    """
    flags = set(case.flags)
    return sum(rule.cleaning_after for rule in scenario.sequencing if rule.flag in flags)


def turnover_minutes(scenario: Scenario, case: Case) -> int:
    """Return ``turn(c)``: own turnover (else the scenario default) plus rule cleaning.

    Parameters
    ----------
    scenario
        The scenario (for ``default_turnover`` and ``sequencing``).
    case
        The case.

    Returns
    -------
    int
        Turnover minutes after the case, cleaning included.
    """
    base = case.turnover if case.turnover is not None else scenario.default_turnover
    return base + cleaning_minutes(scenario, case)


@dataclass(frozen=True, slots=True)
class Placed:
    """One scheduled plan entry whose case is known, resolved against the scenario.

    Attributes
    ----------
    entry
        The plan entry as written.
    case
        The scenario case it schedules.
    session
        The session it names, or None when the plan names an unknown session.
    theatre
        Effective theatre id: the session's when the session is known, else the entry's.
    date
        Effective date: the session's when the session is known, else the entry's.
    start
        Start minute (from the entry).
    end
        True end minute: ``start + dur(c)`` (the entry's ``end`` is checked separately).
    surgeon
        Operating surgeon id (from the entry; may be unknown to the scenario).
    turnover
        ``turn(c)`` in minutes, sequencing-rule cleaning included.
    cleaning
        The part of ``turnover`` that is sequencing-rule cleaning.
    site
        Site of the effective theatre, or None when the theatre is unknown.
    """

    entry: CaseAssignment
    case: Case
    session: Session | None
    theatre: str
    date: dt.date
    start: int
    end: int
    surgeon: str
    turnover: int
    cleaning: int
    site: str | None


@dataclass(slots=True)
class CheckContext:
    """Indexes over a scenario and a plan, shared by all rule, KPI and cost functions.

    Build it with :meth:`CheckContext.build`. Only the *first* plan entry of each known case
    is used for rules, KPIs and costs; duplicates and unknown case ids are reported by the
    ``plan-covers-cases`` rule.

    Attributes
    ----------
    scenario, plan
        The inputs.
    h0, h1
        First and last dates of the horizon.
    cases, sessions, theatres, surgeons
        Scenario objects by id.
    entries
        First plan entry per known case id.
    placed
        Scheduled entries of known cases, in plan order.
    unknown_entries
        Plan entries whose case id is not in the scenario.
    entry_counts
        How often each case id appears in the plan.
    memo
        Results shared between rule and KPI functions (e.g. bed occupancy), by name.
    parent
        The published plan this plan replaces (day of surgery), or None.
    """

    scenario: Scenario
    plan: Plan
    h0: dt.date
    h1: dt.date
    cases: dict[str, Case]
    sessions: dict[str, Session]
    theatres: dict[str, Theatre]
    surgeons: dict[str, Surgeon]
    entries: dict[str, CaseAssignment]
    placed: list[Placed]
    unknown_entries: list[CaseAssignment]
    entry_counts: Counter[str] = field(default_factory=Counter)
    memo: dict[str, object] = field(default_factory=dict)
    parent: Plan | None = None

    @classmethod
    def build(cls, scenario: Scenario, plan: Plan, parent: Plan | None = None) -> CheckContext:
        """Index ``scenario`` and ``plan``.

        Parameters
        ----------
        scenario
            The scenario the plan claims to solve.
        plan
            The plan to check.
        parent
            The published plan ``plan`` replaces, if any (for ``case-frozen``).

        Returns
        -------
        CheckContext
            The indexes.
        """
        h0 = scenario.horizon.start
        h1 = h0 + dt.timedelta(days=scenario.horizon.days - 1)
        cases = {c.id: c for c in scenario.cases}
        sessions = {session_key(s): s for s in scenario.sessions}
        theatres = {t.id: t for t in scenario.theatres}
        surgeons = {s.id: s for s in scenario.surgeons}
        entries: dict[str, CaseAssignment] = {}
        placed: list[Placed] = []
        unknown: list[CaseAssignment] = []
        counts: Counter[str] = Counter()
        for entry in plan.cases:
            counts[entry.case] += 1
            case = cases.get(entry.case)
            if case is None:
                unknown.append(entry)
                continue
            if entry.case in entries:
                continue
            entries[entry.case] = entry
            if not entry.scheduled:
                continue
            # A scheduled entry has every field (the plan model enforces it); guard anyway.
            if entry.start is None or entry.date is None or entry.theatre is None:
                continue
            session = sessions.get(entry.session) if entry.session is not None else None
            theatre_id = session.theatre if session is not None else entry.theatre
            theatre = theatres.get(theatre_id)
            cleaning = cleaning_minutes(scenario, case)
            base = case.turnover if case.turnover is not None else scenario.default_turnover
            placed.append(
                Placed(
                    entry=entry,
                    case=case,
                    session=session,
                    theatre=theatre_id,
                    date=session.date if session is not None else entry.date,
                    start=entry.start,
                    end=entry.start + case.duration,
                    surgeon=entry.surgeon or "",
                    turnover=base + cleaning,
                    cleaning=cleaning,
                    site=theatre.site if theatre is not None else None,
                )
            )
        return cls(
            scenario=scenario,
            plan=plan,
            h0=h0,
            h1=h1,
            cases=cases,
            sessions=sessions,
            theatres=theatres,
            surgeons=surgeons,
            entries=entries,
            placed=placed,
            unknown_entries=unknown,
            entry_counts=counts,
            parent=parent,
        )

    def is_scheduled(self, case_id: str) -> bool:
        """Return whether the (first) plan entry of ``case_id`` schedules it.

        Parameters
        ----------
        case_id
            A scenario case id.

        Returns
        -------
        bool
            False when the case is missing from the plan or marked unscheduled.
        """
        entry = self.entries.get(case_id)
        return entry is not None and entry.scheduled
