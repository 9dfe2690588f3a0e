"""The day view's data: per day, the theatre and surgeon timelines and the case list.

:func:`days_view` returns plain dicts for ``templates/_dayview.html``; the charts are inline
SVG from :mod:`orplan.report.timeline` (already escaped, passed as ``Markup``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from orplan.check.context import Placed
from orplan.report.data import ReportData, _pct
from orplan.report.data import _day as _day_label
from orplan.report.timeline import Band, Bar, Row, hhmm, timeline_chart
from orplan.report.view_resources import bed_lines, resource_rows

if TYPE_CHECKING:
    from orplan.check import CheckReport
    from orplan.plan.model import Plan
    from orplan.scenario.model import Scenario

__all__ = ["day_panel", "days_view"]


def _case_title(d: ReportData, p: Placed) -> str:
    c = p.case
    code = f" ({c.ncsp})" if c.ncsp else ""
    lines = [
        f"{c.id} · {c.procedure}{code}",
        f"{hhmm(p.start)}-{hhmm(p.end)} ({c.duration} min) + {p.turnover} min turnover",
        f"{p.theatre} · surgeon {p.surgeon} · {c.specialty}",
    ]
    facts = [f"priority {c.priority}"]
    if c.due is not None:
        facts.append(f"due {c.due.isoformat()}")
    if c.id in d.late:
        facts.append(f"LATE by {d.late[c.id]} day(s)")
    if c.mandatory:
        facts.append("mandatory")
    if c.cancer_pathway:
        facts.append("cancer pathway")
    lines.append(" · ".join(facts))
    lines.append(f"patient {c.patient}")
    if c.pinned is not None:
        lines.append("pinned: a re-solve keeps it here")
    lines += [f"breaks a rule: {m}" for m in d.problems.get(c.id, [])]
    return "\n".join(lines)


def _bar(d: ReportData, p: Placed, label: str, turnover: int = 0) -> Bar:
    """A placed case's bar in a timeline (theatre rows show its turnover, surgeon rows not)."""
    cid = p.case.id
    colour = d.colour(p.case.specialty)
    short = cid
    if p.case.pinned is not None:
        label, short = f"◆ {label}", f"◆ {cid}"
    return Bar(p.start, p.end, label, short, colour, _case_title(d, p), cid, d.marks(cid), turnover)


def _theatre_rows(d: ReportData, date: dt.date) -> list[Row]:
    sessions = d.sessions_by_date.get(date, [])
    placed = d.by_date.get(date, [])
    used = {s.theatre for s in sessions} | {p.theatre for p in placed}
    order = [t.id for t in d.scenario.theatres if t.id in used]
    order += sorted(used - set(order))
    rows: list[Row] = []
    for theatre in order:
        mine = [s for s in sessions if s.theatre == theatre]
        owners = sorted({s.specialty or "open to all" for s in mine})
        row = Row(label=theatre, sublabel=", ".join(owners) or "no session", key=theatre)
        surgical = open_min = overtime = count = 0
        for s in mine:
            sid = s.id or f"{s.theatre}@{s.date.isoformat()}"
            info = d.session_rows.get(sid, {})
            surgical += info.get("surgical_minutes", 0)
            overtime += info.get("overtime", 0)
            count += info.get("cases", 0)
            open_min += s.close - s.open
            row.bands.append(
                Band(s.open, s.close, "session", f"{sid}: open {hhmm(s.open)}-{hhmm(s.close)}",
                     sid)
            )  # fmt: skip
            if s.overtime:
                row.bands.append(
                    Band(
                        s.close,
                        s.close + s.overtime,
                        "overtime",
                        f"allowed overtime until {hhmm(s.close + s.overtime)}",
                        sid,
                    )
                )
        for p in sorted((p for p in placed if p.theatre == theatre), key=lambda p: p.start):
            row.bars.append(_bar(d, p, f"{p.case.id} · {p.surgeon}", p.turnover))
        util = f" · {_pct(surgical / open_min, 0)}" if open_min else ""
        row.note = f"{count} case{'s' * (count != 1)}{util}" if count else "unused"
        if overtime:
            row.note += f" · +{overtime} min"
            row.note_class = "warn"
        rows.append(row)
    return rows


def _surgeon_rows(d: ReportData, date: dt.date) -> list[Row]:
    placed = d.by_date.get(date, [])
    mine: dict[str, list[Placed]] = defaultdict(list)
    for p in placed:
        mine[p.surgeon].append(p)
    known = {s.id: s for s in d.scenario.surgeons}

    def key(name: str) -> tuple[str, str]:
        s = known.get(name)
        return (s.specialty if s else "~", name)

    rows: list[Row] = []
    for name in sorted(mine, key=key):
        surgeon = known.get(name)
        items = sorted(mine[name], key=lambda p: p.start)
        sub = surgeon.specialty if surgeon else "unknown surgeon"
        if surgeon is not None and surgeon.name:
            sub = f"{surgeon.name} · {sub}"
        row = Row(label=name, sublabel=sub)
        if surgeon is not None and surgeon.available is not None:
            for a, b in surgeon.slots(date):
                row.bands.append(Band(a, b, "window", f"present {hhmm(a)}-{hhmm(b)}"))
        for p in items:
            row.bars.append(_bar(d, p, f"{p.case.id} · {p.theatre}"))
        minutes = sum(p.case.duration for p in items)
        limit = f" / {surgeon.max_minutes_per_day}" if surgeon is not None else ""
        row.note = f"{len(items)} case{'s' * (len(items) != 1)} · {minutes}{limit} min"
        theatres = {p.theatre for p in items}
        if len(theatres) > 1:
            row.note = f"⇄ {len(theatres)} theatres · " + row.note
            row.note_class = "warn"
        rows.append(row)
    return rows


def _case_rows(d: ReportData, date: dt.date) -> list[dict[str, Any]]:
    placed = sorted(d.by_date.get(date, []), key=lambda p: (p.theatre, p.start))
    rows = []
    for p in placed:
        c = p.case
        rows.append(
            {
                "case": c.id,
                "theatre": p.theatre,
                "start": hhmm(p.start),
                "end": hhmm(p.end),
                "procedure": c.procedure,
                "surgeon": p.surgeon,
                "specialty": c.specialty,
                "colour": d.colour(c.specialty),
                "priority": c.priority,
                "due": c.due.isoformat() if c.due else "",
                "late": d.late.get(c.id),
                "pinned": c.pinned is not None,
                "problem": c.id in d.conflicts,
            }
        )
    return rows


def _day(d: ReportData, date: dt.date, index: int) -> dict[str, Any]:
    sessions = d.sessions_by_date.get(date, [])
    placed = d.by_date.get(date, [])
    rows = [d.session_rows.get(s.id or "", {}) for s in sessions]
    open_min = sum(s.close - s.open for s in sessions)
    surgical = sum(r.get("surgical_minutes", 0) for r in rows)
    overtime = sum(r.get("overtime", 0) for r in rows)
    late = sum(1 for p in placed if p.case.id in d.late)
    facts = [
        f"{len(sessions)} session{'s' * (len(sessions) != 1)}",
        f"{len(placed)} case{'s' * (len(placed) != 1)}",
    ]
    if open_min:
        facts.append(f"{_pct(surgical / open_min, 0)} utilised")
    badges = []
    if overtime:
        badges.append((f"overtime {overtime} min", "warn"))
    if late:
        badges.append((f"{late} late", "bad"))
    theatre_rows = _theatre_rows(d, date)
    surgeon_rows = _surgeon_rows(d, date)
    resources = resource_rows(d, date)
    open_theatres = {r.label for r in theatre_rows}
    label = _day_label(date)

    def chart(rows: list[Row], kind: str, title: str) -> Any:
        return timeline_chart(rows, d.t0, d.t1, css_class=kind, title=title) if rows else None

    return {
        "iso": date.isoformat(),
        "label": label,
        "open": index == 0,
        "facts": " · ".join(facts),
        "badges": badges,
        "theatres": chart(theatre_rows, "theatres", f"Theatres on {label}"),
        "surgeons": chart(surgeon_rows, "surgeons", f"Surgeons on {label}"),
        "resources": chart(resources, "resources", f"Beds and equipment on {label}"),
        "beds": bed_lines(d, date),
        "closed": [t.id for t in d.scenario.theatres if t.id not in open_theatres],
        "cases": _case_rows(d, date),
    }


def _sessions(d: ReportData, dates: list[dt.date]) -> dict[str, list[tuple[str, int, int]]]:
    """Theatre → ``(session id, open, close + overtime)`` of the shown days (for the drops)."""
    out: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for date in dates:
        for s in d.sessions_by_date.get(date, []):
            sid = s.id or f"{s.theatre}@{s.date.isoformat()}"
            out[s.theatre].append((sid, s.open, s.close + s.overtime))
    return dict(out)


def days_view(
    d: ReportData, dates: list[dt.date] | None = None, interactive: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The ``days`` section's data: legend, and one dict per date (see ``_dayview.html``).

    Parameters
    ----------
    d
        The report's shared data.
    dates
        The days to draw (default: every day with sessions or cases); the first is open.
    interactive
        None for the static report; for the workbench, what its hooks need: ``draft`` (id),
        ``csrf`` (token) and ``day`` (ISO date).

    Returns
    -------
    dict
        ``toolbar`` (show open/close-all buttons), ``legend`` (specialty, colour) pairs,
        ``conflicts`` (any case breaks a rule), ``pinned`` (any case is pinned),
        ``interactive``, ``sessions`` (theatre → its sessions on the shown days) and
        ``days``.
    """
    shown = d.dates if dates is None else dates
    return {
        "toolbar": interactive is None,
        "legend": list(d.colours.items()),
        "conflicts": bool(d.conflicts),
        "pinned": any(c.pinned is not None for c in d.scenario.cases),
        "interactive": interactive,
        "sessions": _sessions(d, shown) if interactive is not None else {},
        "days": [_day(d, date, i) for i, date in enumerate(shown)],
    }


def day_panel(
    scenario: Scenario,
    plan: Plan,
    report: CheckReport,
    date: dt.date,
    interactive: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The day view of one date, opened: what the web workbench draws (once) for a day.

    Parameters
    ----------
    scenario, plan
        The scenario and a plan for it.
    report
        The checker's report on the plan.
    date
        The day shown (no day, hence "no sessions", when the scenario has none that date).
    interactive
        The workbench's hooks (see :func:`days_view`); None draws it read-only.

    Returns
    -------
    dict
        As :func:`days_view`, with at most one day.
    """
    d = ReportData.build(scenario, plan, report, near_days=14)
    # Only the shown day is drawn: the workbench renders this on every draft page.
    view = days_view(d, [date] if date in d.dates else [], interactive)
    view["toolbar"] = False  # one day, and no report script to open or close days
    return view
