"""The surgeon picker of the day view: who operates that day, and which case is whose.

The day view itself is drawn by the shared day-view template; the picker only dims the
cases of other surgeons (``static/dayfilter.js``), so the drawing stays one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from orplan.plan.model import Plan
from orplan.scenario.model import Scenario

__all__ = ["SurgeonFilter", "surgeon_filter"]


@dataclass(frozen=True)
class SurgeonFilter:
    """What the picker offers on one day.

    Attributes
    ----------
    surgeons
        ``(id, label)`` of each surgeon with a case that day, by label.
    cases
        Case id → surgeon id, for the cases scheduled that day.
    """

    surgeons: list[tuple[str, str]] = field(default_factory=list)
    cases: dict[str, str] = field(default_factory=dict)


def surgeon_filter(scenario: Scenario, plan: Plan | None, date: dt.date) -> SurgeonFilter:
    """The surgeons operating on ``date`` in ``plan`` and their cases."""
    if plan is None:
        return SurgeonFilter()
    cases = {e.case: e.surgeon for e in plan.cases if e.scheduled and e.date == date and e.surgeon}
    names = {s.id: s.name for s in scenario.surgeons}
    labels = {
        sid: f"{names[sid]} ({sid})" if names.get(sid) else sid for sid in set(cases.values())
    }
    surgeons = sorted(labels.items(), key=lambda item: item[1])
    return SurgeonFilter(surgeons, cases)
