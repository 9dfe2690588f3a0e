"""The change list: who has to be told what, between a published plan and its successor."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario.clock import format_clock
from orplan.scenario.model import Scenario

__all__ = ["Change", "booking_kind", "change_list", "changes_frame", "slot_text"]


@dataclass
class Change:
    """One case whose booking changed.

    Attributes
    ----------
    case, patient
        The case and its (pseudonymous) patient.
    kind
        ``cancelled``, ``moved-day``, ``moved-theatre``, ``moved-time``, ``new-surgeon``,
        ``booked`` (an emergency or added case placed) or ``not-placed`` (an added case or
        emergency that found no slot).
    old, new
        ``date theatre HH:MM-HH:MM surgeon`` before and after ('' when none).
    tell
        Who has to be told: ``patient``, surgeons and theatres, old and new.
    reason
        Why (the cancellation reason, the event, or the rule that left no room).
    """

    case: str
    patient: str
    kind: str
    old: str
    new: str
    tell: list[str] = field(default_factory=list)
    reason: str = ""

    def as_row(self) -> dict[str, Any]:
        """A flat row (``tell`` joined by ', ') for CSV and tables."""
        row = asdict(self)
        row["tell"] = ", ".join(self.tell)
        return row


def slot_text(entry: CaseAssignment | None) -> str:
    """``date theatre HH:MM-HH:MM surgeon`` of a scheduled entry ('' when not scheduled)."""
    if entry is None or not entry.scheduled or entry.start is None or entry.end is None:
        return ""
    span = f"{format_clock(entry.start)}-{format_clock(entry.end)}"
    return f"{entry.date} {entry.theatre} {span} {entry.surgeon}"


def booking_kind(old: CaseAssignment, new: CaseAssignment, tolerance: int) -> str | None:
    """How a scheduled case's booking changed: ``moved-day``, ``moved-theatre``,
    ``moved-time`` (start off by more than ``tolerance``), ``new-surgeon``, or None."""
    if old.date != new.date:
        return "moved-day"
    if old.theatre != new.theatre:
        return "moved-theatre"
    if old.start is not None and new.start is not None and abs(new.start - old.start) > tolerance:
        return "moved-time"
    if old.surgeon != new.surgeon:
        return "new-surgeon"
    return None


def change_list(
    scenario: Scenario, parent: Plan, plan: Plan, *, tolerance: int = 15
) -> list[Change]:
    """Every case whose booking differs between ``parent`` and ``plan``.

    Parameters
    ----------
    scenario
        The live scenario ``plan`` was made for (cancellation reasons, emergencies).
    parent
        The published plan.
    plan
        The new plan.
    tolerance
        A start that moves by at most this many minutes (same theatre and day, same surgeon)
        is not a change anyone has to be told about.

    Returns
    -------
    list of Change
        In order: cancellations, moves, new bookings; by date and theatre within each.
    """
    before = {e.case: e for e in parent.cases if e.scheduled}
    after = {e.case: e for e in plan.cases}
    out: list[Change] = []
    for case in scenario.cases:
        old, new = before.get(case.id), after.get(case.id)
        scheduled = new is not None and new.scheduled
        if old is None and not scheduled:
            if case.emergency is not None:
                why = case.emergency.breach_reason or (new.reason if new else "") or ""
                out.append(Change(case.id, case.patient, "not-placed", "", "", [], why))
            continue
        if old is None and new is not None:
            tell = ["patient", f"surgeon {new.surgeon}", f"theatre {new.theatre}"]
            why = "emergency" if case.emergency is not None else "added"
            if case.emergency is not None and case.emergency.breach_reason:
                why += f": {case.emergency.breach_reason}"
            out.append(Change(case.id, case.patient, "booked", "", slot_text(new), tell, why))
            continue
        assert old is not None
        if not scheduled:
            why = case.cancelled or (new.reason if new is not None else "") or ""
            tell = ["patient", f"surgeon {old.surgeon}", f"theatre {old.theatre}"]
            out.append(Change(case.id, case.patient, "cancelled", slot_text(old), "", tell, why))
            continue
        assert new is not None
        kind = booking_kind(old, new, tolerance)
        if kind is None:
            continue
        tell = [] if kind == "new-surgeon" else ["patient"]
        for who in (f"surgeon {old.surgeon}", f"surgeon {new.surgeon}"):
            if who not in tell:
                tell.append(who)
        for where in (f"theatre {old.theatre}", f"theatre {new.theatre}"):
            if where not in tell:
                tell.append(where)
        out.append(Change(case.id, case.patient, kind, slot_text(old), slot_text(new), tell, ""))
    order = {"cancelled": 0, "not-placed": 1, "moved-day": 2, "moved-theatre": 3}
    out.sort(key=lambda c: (order.get(c.kind, 4), c.old or c.new, c.case))
    return out


def changes_frame(changes: list[Change]) -> Any:
    """The change list as a pandas DataFrame (one row per change)."""
    import pandas as pd

    columns = ["case", "patient", "kind", "old", "new", "tell", "reason"]
    return pd.DataFrame([c.as_row() for c in changes], columns=columns)
