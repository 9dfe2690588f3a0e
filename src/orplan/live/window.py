"""Which cases a replan may move, and where: the options of each case narrowed to the window."""

from __future__ import annotations

from orplan.live.settings import ReplanSettings
from orplan.live.situation import LiveSituation
from orplan.plan.model import CaseAssignment
from orplan.scenario.model import Scenario
from orplan.solver.options import CaseOptions, Option, SurgeonChoice, build_options

__all__ = ["keep_slot", "narrow_options", "thaw_blocked"]


def _window(sit: LiveSituation, days: int) -> tuple[int, int]:
    horizon = sit.scenario.horizon
    first = horizon.day_index(sit.now.date())
    return first, min(first + max(1, days) - 1, horizon.days - 1)


def narrow_options(
    sit: LiveSituation, options: list[CaseOptions], settings: ReplanSettings
) -> set[int]:
    """Narrow each case's options to what the replan may do; return the movable cases.

    Pinned and cancelled cases are already fixed by the live scenario; emergencies by their
    window. A published case inside the window may move within the window; one planned after
    it keeps its slot (one option, one start, its surgeon) unless that slot is now ruled out;
    a waiting-list case stays waiting unless added or ``settings.fill``.
    """
    live = sit.scenario
    first, last = _window(sit, settings.days)
    movable: set[int] = set()
    for entry in options:
        case = entry.case
        if case.pinned is not None or case.cancelled is not None:
            continue
        if case.id in sit.emergencies:
            movable.add(entry.index)
            continue
        parent = sit.parent_entry(case.id)
        if case.id in sit.frozen and parent is not None:
            kept = keep_slot(live, entry.options, parent, any_surgeon=True)
            entry.options = [] if kept is None else [kept]
            continue
        window = [o for o in entry.options if first <= o.day <= last]
        if case.id in sit.added or (parent is None and settings.fill):
            entry.options = window
        elif parent is None:
            entry.options = []
            entry.excluded[(10, "on the waiting list (replan fills no free time; see --fill)")] += 1
        elif parent.date is not None and first <= live.horizon.day_index(parent.date) <= last:
            entry.options = window
        else:
            kept = keep_slot(live, entry.options, parent)
            if kept is not None:
                entry.options = [kept]
                continue
        if entry.options:
            movable.add(entry.index)
    return movable


def keep_slot(
    live: Scenario, options: list[Option], parent: CaseAssignment, *, any_surgeon: bool = False
) -> Option | None:
    """The option that keeps ``parent``'s slot exactly (its surgeon too, unless
    ``any_surgeon``), or None when the rules now exclude that slot."""
    start = parent.start
    for option in options:
        if live.sessions[option.session].id != parent.session or start is None:
            continue
        fixed = [
            SurgeonChoice(choice.surgeon, start, start)
            for choice in option.surgeons
            if (any_surgeon or choice.surgeon == parent.surgeon)
            and choice.earliest <= start <= choice.latest
            and (not choice.windows or any(a <= start <= b for a, b in choice.windows))
        ]
        if fixed:
            return Option(
                option.case, option.session, option.day, option.theatre, start, start, fixed
            )
    return None


def thaw_blocked(sit: LiveSituation) -> LiveSituation:
    """Unfreeze frozen cases whose slot the events ruled out (closed theatre, no surgeon).

    The freeze then ends (``frozen_until`` cleared in the live scenario, with a note), so
    the case may move like any other: an event on the day outranks a promise made earlier.
    """
    if not sit.frozen:
        return sit
    options = build_options(sit.scenario)
    blocked = set()
    for entry in options:
        parent = sit.parent_entry(entry.case.id)
        frozen = entry.case.id in sit.frozen and parent is not None
        if frozen and keep_slot(sit.scenario, entry.options, parent, any_surgeon=True) is None:  # type: ignore[arg-type]
            blocked.add(entry.case.id)
    if not blocked:
        return sit
    cases = [
        c.model_copy(update={"frozen_until": None}) if c.id in blocked else c
        for c in sit.scenario.cases
    ]
    notes = [
        *sit.notes,
        *(f"{cid} was frozen but its slot is no longer possible" for cid in sorted(blocked)),
    ]
    return LiveSituation(
        **{
            **sit.__dict__,
            "scenario": sit.scenario.model_copy(update={"cases": cases}),
            "frozen": sit.frozen - blocked,
            "notes": notes,
        }
    )
