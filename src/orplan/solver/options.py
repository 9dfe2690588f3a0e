"""Where each case could go: the eligible (case, session, surgeon) options.

Building options before the model keeps the CP-SAT model small (intervals only for pairs
that can really happen, see docs/cpsat-notes) and gives, for a case with no option at all,
the rule that ruled out each session, which becomes the case's "why not scheduled".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from orplan.gcpause import gc_paused
from orplan.scenario.model import Case, Scenario


@dataclass(frozen=True)
class SurgeonChoice:
    """A surgeon who can operate the case in one session, and the start window it allows."""

    surgeon: str
    earliest: int
    latest: int
    #: Start ranges ``(earliest, latest)``, one per availability slot the case fits in, when
    #: the surgeon has more than one such slot that day (a split day); empty otherwise.
    windows: tuple[tuple[int, int], ...] = ()


@dataclass
class Option:
    """One session a case may be scheduled in.

    Times are minutes after midnight; ``earliest``/``latest`` bound the start so that the
    case starts after opening and ends by close + allowed overtime, for some surgeon.
    """

    case: int
    session: int
    day: int
    theatre: str
    earliest: int
    latest: int
    surgeons: list[SurgeonChoice] = field(default_factory=list)


@dataclass
class CaseOptions:
    """All options of one case, or the reasons none exist."""

    case: Case
    index: int
    options: list[Option]
    excluded: Counter[tuple[int, str]]

    def reason(self) -> str:
        """A planner-readable reason when the case has no option at all.

        Each session was ruled out at some stage of the checks (specialty, capability,
        dates, length, surgeon); the reason given is from the sessions that came closest to
        fitting (the latest stage), the most frequent among them.
        """
        if self.options:
            return ""
        if not self.excluded:
            return "no sessions in the horizon"
        deepest = max(stage for stage, _ in self.excluded)
        counts = Counter(
            {text: n for (stage, text), n in self.excluded.items() if stage == deepest}
        )
        return counts.most_common(1)[0][0]


def live_window(scenario: Scenario, case: Case, date: dt.date) -> tuple[int, int] | None:
    """The start minutes allowed on ``date`` by the day-of-surgery rules (None: none).

    A pinned case starts at its pinned minute; other cases start no earlier than the
    scenario's ``now``; an emergency starts between its arrival and its latest start.
    """
    lo, hi = 0, 24 * 60
    if case.pinned is not None:
        return (case.pinned.start, case.pinned.start) if case.pinned.date == date else None
    if scenario.now is not None:
        if date < scenario.now.date():
            return None
        if date == scenario.now.date():
            lo = max(lo, scenario.now.hour * 60 + scenario.now.minute)
    if case.emergency is not None:
        arrival, latest = case.emergency.arrival, case.emergency.latest_start
        if date < arrival.date() or (latest is not None and date > latest.date()):
            return None
        if date == arrival.date():
            lo = max(lo, arrival.hour * 60 + arrival.minute)
        if latest is not None and date == latest.date():
            hi = min(hi, latest.hour * 60 + latest.minute)
    return (lo, hi) if lo <= hi else None


def live_reason(scenario: Scenario, case: Case) -> str:
    """Why the day-of-surgery rules leave a case no start in a session, in plain words."""
    if case.pinned is not None:
        return "its pinned start does not fit the session"
    if case.emergency is not None:
        return "no session open within its urgency window"
    return "no session left after the replanning moment (now)"


def build_options(scenario: Scenario) -> list[CaseOptions]:
    """Return the options of every case, in scenario order.

    Options of a case are in session order, each with its surgeons in the order of
    :meth:`~orplan.scenario.model.Scenario.surgeons_for`; the exclusion counts are those of
    checking every session in turn (see
    :class:`~orplan.solver.option_builder.OptionBuilder`).

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    list of CaseOptions
    """
    # Imported here: the builder module imports this one's dataclasses.
    from orplan.solver.option_builder import OptionBuilder

    builder = OptionBuilder(scenario)
    with gc_paused():  # millions of small objects, no cycles (orplan.gcpause)
        return [builder.case_options(ci, case) for ci, case in enumerate(scenario.cases)]
