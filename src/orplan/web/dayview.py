"""The day view's figures: theatres × time, each case a block, for the Jinja2 template.

Positions are percentages of the day's time axis, so the template is plain HTML/CSS and the
drag script can turn a drop position back into a start time (``data-t0``/``data-t1``).
The static report draws the same picture as SVG (``report/timeline.py``); moving the whole
report into Jinja2 templates is later work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from orplan.check import CheckReport
from orplan.plan.model import Plan
from orplan.report.html import specialty_colours
from orplan.report.timeline import text_colour
from orplan.scenario.model import Scenario
from orplan.web.workbench import hhmm

__all__ = ["Block", "DayView", "Lane", "day_view"]


@dataclass
class Block:
    """One case drawn in a session lane."""

    case: str
    label: str
    title: str
    left: float
    width: float
    fill: str
    ink: str
    pinned: bool
    broken: bool


@dataclass
class Lane:
    """One session (theatre on the day) with its cases."""

    session: str
    theatre: str
    specialty: str
    hours: str
    open_left: float
    open_width: float
    overtime_width: float
    blocks: list[Block] = field(default_factory=list)


@dataclass
class DayView:
    """The day: its lanes, the hour ticks and the axis in minutes."""

    date: dt.date
    t0: int
    t1: int
    step: int
    lanes: list[Lane]
    ticks: list[tuple[float, str]]
    legend: list[tuple[str, str, str]]


def _pct(minutes: int, t0: int, t1: int) -> float:
    return round(100.0 * (minutes - t0) / max(1, t1 - t0), 3)


def day_view(
    scenario: Scenario, plan: Plan | None, date: dt.date, report: CheckReport | None
) -> DayView:
    """Lay out ``date`` of ``plan``: one lane per session, a block per scheduled case.

    Parameters
    ----------
    scenario
        The working scenario (sessions, cases, pins).
    plan
        The working plan (None before the first solve: empty lanes).
    date
        The day shown.
    report
        The checker's report of ``plan``; cases it names are drawn as broken.

    Returns
    -------
    DayView
    """
    sessions = sorted((s for s in scenario.sessions if s.date == date), key=lambda s: s.theatre)
    entries = [e for e in (plan.cases if plan else []) if e.scheduled and e.date == date]
    t0 = min([s.open for s in sessions] + [e.start or 0 for e in entries] or [480])
    t1 = max([s.close + s.overtime for s in sessions] + [e.end or 0 for e in entries] or [960])
    t0, t1 = (t0 // 60) * 60, -(-t1 // 60) * 60
    cases = {c.id: c for c in scenario.cases}
    colours = specialty_colours(scenario)
    broken: dict[str, list[str]] = {}
    for v in report.violations if report else []:
        for case_id in {v.case, *v.cases} - {None}:
            broken.setdefault(str(case_id), []).append(v.message)
    lanes = []
    for s in sessions:
        lane = Lane(
            session=str(s.id),
            theatre=s.theatre,
            specialty=s.specialty or "any specialty",
            hours=f"{hhmm(s.open)}–{hhmm(s.close)}" + (f" +{s.overtime}" if s.overtime else ""),
            open_left=_pct(s.open, t0, t1),
            open_width=_pct(s.close, t0, t1) - _pct(s.open, t0, t1),
            overtime_width=_pct(s.close + s.overtime, t0, t1) - _pct(s.close, t0, t1),
        )
        for e in sorted((e for e in entries if e.session == s.id), key=lambda e: e.start or 0):
            case = cases.get(e.case)
            assert e.start is not None and e.end is not None
            fill = colours.get(case.specialty, "#888888") if case else "#888888"
            words = [f"{e.case} {hhmm(e.start)}–{hhmm(e.end)} {e.surgeon}"]
            if case is not None:
                words.append(f"{case.procedure} ({case.specialty}, priority {case.priority})")
            words += broken.get(e.case, [])
            lane.blocks.append(
                Block(
                    case=e.case,
                    label=e.case,
                    title="\n".join(words),
                    left=_pct(e.start, t0, t1),
                    width=max(0.5, _pct(e.end, t0, t1) - _pct(e.start, t0, t1)),
                    fill=fill,
                    ink=text_colour(fill),
                    pinned=case is not None and case.pinned is not None,
                    broken=e.case in broken,
                )
            )
        lanes.append(lane)
    ticks = [(_pct(m, t0, t1), hhmm(m)) for m in range(t0, t1 + 1, 60)]
    legend = [(name, fill, text_colour(fill)) for name, fill in colours.items()]
    return DayView(date, t0, t1, scenario.time_step, lanes, ticks, legend)
