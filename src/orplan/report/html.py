"""A self-contained HTML report of a plan for planners: one file, no network.

Everything the page needs is inside it: CSS and a few lines of script inline, charts as inline
SVG. All figures come from the independent checker (:mod:`orplan.check`), so the report
describes the plan as checked, not as the solver believes it to be.

Sections (``<section id=...>``): ``kpis`` (summary cards), ``violations`` (only when a hard
rule is broken), ``days`` (per day: theatre Gantt, surgeon timelines, case list),
``unscheduled``, ``deadlines``, ``sessions`` and ``costs``; the header (``id="run"``) holds the
title and the solver run's metadata.

Examples
--------
>>> write_report(scenario, plan, "out/demo/report.html")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orplan.check import CheckContext, CheckReport, check
from orplan.check.context import Placed
from orplan.files import atomic_write_text
from orplan.report.costs import TERM_LABELS, cost_by_session, cost_by_term, cost_table, term_label
from orplan.report.style import CSS, SCRIPT
from orplan.report.timeline import Band, Bar, Row, hhmm, svg_defs, timeline_svg
from orplan.scenario.io import scenario_digest

if TYPE_CHECKING:
    import pandas as pd

    from orplan.plan.model import Plan
    from orplan.scenario.model import Case, Scenario, Session

__all__ = ["render_report", "specialty_colours", "write_report"]

PALETTE = (
    "#3b75af", "#ef8a30", "#519e3e", "#8d69b8", "#84584e", "#d57dbf",
    "#2fa7b9", "#b5b22c", "#6f7f8f", "#93b7de", "#f2b36f", "#9bc985",
)  # fmt: skip
"""Fill colours given to specialties in sorted order (repeats after twelve; no red, which
marks cases after their deadline)."""

DEADLINE_COLOURS = {
    "on_time": "#3f9d62",
    "late": "#e07b39",
    "missed": "#c53a32",
    "at_risk": "#e8b43a",
    "later": "#9aa5b1",
}

_STOPPED = {
    "optimal": "proven optimal",
    "time_limit": "time limit reached - best plan found",
    "interrupted": "interrupted - best plan found so far",
    "infeasible": "infeasible",
    "other": "stopped",
}

_BOUND_SOURCE = {
    "cpsat": "CP-SAT's own bound",
    "lp": "LP relaxation of the assignment model (HiGHS)",
    "unavoidable": "the unavoidable cost",
}


def specialty_colours(scenario: Scenario) -> dict[str, str]:
    """Give every specialty of the scenario a fill colour (stable: sorted by name).

    Parameters
    ----------
    scenario
        The scenario.

    Returns
    -------
    dict of str to str
        Specialty -> ``#rrggbb``.
    """
    names = sorted(
        {c.specialty for c in scenario.cases}
        | {s.specialty for s in scenario.sessions if s.specialty}
    )
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


# -- small formatting helpers ------------------------------------------------------------


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _pct(value: float, digits: int = 1) -> str:
    return f"{100 * value:.{digits}f}%"


def _secs(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def _day(date: dt.date) -> str:
    return f"{date.strftime('%a')} {date.isoformat()}"


def _meter(share: float, wide: bool = False) -> str:
    width = max(0.0, min(100.0, 100 * share))
    cls = "meter wide" if wide else "meter"
    return f'<span class="{cls}"><span style="width:{width:.1f}%"></span></span>'


def _badge(text: str, kind: str) -> str:
    return f'<span class="badge {kind}">{_e(text)}</span>'


def _table(
    headers: Iterable[tuple[str, str]],
    rows: Iterable[str],
    *,
    table_id: str | None = None,
    foot: str = "",
    scroll: bool = False,
) -> str:
    head = "".join(
        f'<th class="{cls}">{_e(text)}</th>' if cls else f"<th>{_e(text)}</th>"
        for text, cls in headers
    )
    ident = f' id="{table_id}"' if table_id else ""
    body = "".join(rows)
    tfoot = f"<tfoot>{foot}</tfoot>" if foot else ""
    markup = (
        f'<table class="data"{ident}><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody>{tfoot}</table>"
    )
    return f'<div class="scroll">{markup}</div>' if scroll else markup


def _td(value: object, cls: str = "") -> str:
    return f'<td class="{cls}">{_e(value)}</td>' if cls else f"<td>{_e(value)}</td>"


# -- the data the sections share ---------------------------------------------------------


@dataclass
class _Data:
    scenario: Scenario
    plan: Plan
    report: CheckReport
    ctx: CheckContext
    table: pd.DataFrame
    near_days: int
    colours: dict[str, str]
    cases: dict[str, Case]
    placed: dict[str, Placed]
    by_date: dict[dt.date, list[Placed]] = field(default_factory=dict)
    sessions_by_date: dict[dt.date, list[Session]] = field(default_factory=dict)
    session_rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    late: dict[str, int] = field(default_factory=dict)
    conflicts: set[str] = field(default_factory=set)
    dates: list[dt.date] = field(default_factory=list)
    t0: int = 8 * 60
    t1: int = 16 * 60

    @classmethod
    def build(cls, scenario: Scenario, plan: Plan, report: CheckReport, near_days: int) -> _Data:
        ctx = CheckContext.build(scenario, plan)
        d = cls(
            scenario=scenario,
            plan=plan,
            report=report,
            ctx=ctx,
            table=cost_table(scenario, plan, report),
            near_days=near_days,
            colours=specialty_colours(scenario),
            cases={c.id: c for c in scenario.cases},
            placed={p.case.id: p for p in ctx.placed},
        )
        by_date: dict[dt.date, list[Placed]] = defaultdict(list)
        for p in ctx.placed:
            by_date[p.date].append(p)
            if p.case.due is not None and p.date > p.case.due:
                d.late[p.case.id] = (p.date - p.case.due).days
        sessions_by_date: dict[dt.date, list[Session]] = defaultdict(list)
        for s in scenario.sessions:
            sessions_by_date[s.date].append(s)
        d.by_date = dict(by_date)
        d.sessions_by_date = dict(sessions_by_date)
        d.session_rows = {r["session"]: r for r in report.sessions}
        d.conflicts = {v.case for v in report.violations if v.case is not None}
        d.dates = sorted(set(by_date) | set(sessions_by_date))
        starts = [s.open for s in scenario.sessions] + [p.start for p in ctx.placed]
        ends = [s.close + s.overtime for s in scenario.sessions]
        ends += [p.end + p.turnover for p in ctx.placed]
        if starts:
            d.t0 = min(starts) // 60 * 60
            d.t1 = -(-max(ends) // 60) * 60
        return d

    def marks(self, case_id: str) -> str:
        """CSS classes of a case's bar: ``late`` (after its deadline), ``conflict``."""
        classes = []
        if case_id in self.late:
            classes.append("late")
        if case_id in self.conflicts:
            classes.append("conflict")
        return " ".join(classes)

    def colour(self, specialty: str) -> str:
        return self.colours.get(specialty, PALETTE[-1])


# -- sections ----------------------------------------------------------------------------


def _header(d: _Data) -> str:
    sc, run = d.scenario, d.plan.run
    h = sc.horizon
    subtitle = (
        f"{h.start.isoformat()} to {h.end.isoformat()} ({h.days} day{'s' * (h.days != 1)}) · "
        f"{len(sc.theatres)} theatres · {len(sc.sessions)} sessions · "
        f"{len(sc.surgeons)} surgeons · {len(sc.cases)} cases on the waiting list"
    )
    if d.report.ok:
        verdict = '<div class="verdict ok">✓ Checked: every hard rule holds</div>'
    else:
        n = len(d.report.violations)
        verdict = (
            f'<div class="verdict bad">✗ Invalid plan: {n} rule violation{"s" * (n != 1)}</div>'
        )
    meta: list[tuple[str, str, str]] = []
    cost = d.report.cost.total
    if run is None:
        meta.append(("Solver", "no run record in the plan file", ""))
        meta.append(("Cost", _n(cost), ""))
    else:
        status = f"{run.status} ({_STOPPED.get(run.stopped_by, run.stopped_by)})"
        meta.append(("Status", status, "" if run.status == "OPTIMAL" else "warn"))
        meta.append(("Cost", _n(cost), ""))
        if run.objective is not None and abs(run.objective - cost) > 1e-6:
            meta.append(("Solver objective", _n(run.objective), "warn"))
        meta.append(("Bound", "-" if run.bound is None else _n(run.bound), ""))
        if run.bound_source is not None:
            meta.append(("Bound from", _BOUND_SOURCE.get(run.bound_source, run.bound_source), ""))
        if run.bound_note:
            meta.append(("Bound note", run.bound_note, ""))
        meta.append(("Gap", "-" if run.gap is None else _pct(run.gap, 2), ""))
        if run.unavoidable is not None:
            meta.append(("Unavoidable cost", _n(run.unavoidable), ""))
        if run.gap_decidable is not None:
            meta.append(("Gap on the avoidable cost", _pct(run.gap_decidable, 2), ""))
        first = "" if run.time_to_first is None else f" (first plan {_secs(run.time_to_first)})"
        meta.append(("Time", f"{_secs(run.wall_time)} of {run.time_limit:g} s{first}", ""))
        meta.append(("Seed", str(run.seed), ""))
        meta.append(("Workers", str(run.workers), ""))
        meta.append(("orplan", run.orplan_version, ""))
        meta.append(("OR-Tools", run.ortools_version, ""))
        if run.rules_changed:
            changed = ", ".join(f"{k} = {v}" for k, v in run.rules_changed.items())
            meta.append(("Rules changed for this run", changed, "warn"))
        same = run.scenario_sha256 == scenario_digest(sc)
        meta.append(
            (
                "Scenario",
                f"{run.scenario_sha256[:12]} "
                + ("(matches)" if same else "(differs: plan made for another version)"),
                "" if same else "warn",
            )
        )
    live = d.plan.live
    if live is not None:
        # A plan made on the day: say so, and from which published plan (changes.csv lists
        # who to tell); the figures below are the level values the replan reached.
        lv = live.levels
        meta.append(("Replanned at", live.now.strftime("%Y-%m-%d %H:%M"), "warn"))
        meta.append(("Parent plan", live.parent_sha256[:12], ""))
        moved = sum(lv.get(k, 0) for k in ("moved_day", "moved_theatre", "moved_time"))
        meta.append(("Cancelled / moved", f"{lv.get('cancelled', 0):g} / {moved:g}", ""))
    items = "".join(
        f'<div><dt>{_e(key)}</dt><dd class="{cls}">{_e(value)}</dd></div>'
        for key, value, cls in meta
    )
    description = f'<p class="description">{_e(sc.description)}</p>' if sc.description else ""
    return (
        '<header class="masthead" id="run"><div class="wrap"><div class="head-top"><div>'
        f"<h1>Surgery plan: {_e(sc.name)}</h1>"
        f'<p class="subtitle">{_e(subtitle)}</p>{description}</div>{verdict}</div>'
        f'<dl class="meta">{items}</dl>'
        "</div></header>"
    )


def _nav(d: _Data) -> str:
    k = d.report.kpis
    links = [("kpis", "Summary", "")]
    if d.report.violations:
        links.append(("violations", "Violations", f" ({len(d.report.violations)})"))
    links += [
        ("days", "Day by day", f" ({len(d.dates)})"),
        ("unscheduled", "Unscheduled", f" ({k.unscheduled})"),
        ("deadlines", "Deadlines", f" ({k.deadline_breaches} breaches)"),
        ("sessions", "Sessions", f" ({k.sessions_total})"),
        ("costs", "Cost", ""),
    ]
    items = "".join(
        f'<a href="#{ident}">{_e(text)}<span class="count">{_e(count)}</span></a>'
        for ident, text, count in links
    )
    return f'<nav class="toc"><div class="wrap">{items}</div></nav>'


def _card(key: str, label: str, value: str, sub: str, kind: str = "") -> str:
    cls = f"card {kind}".strip()
    return (
        f'<div class="{cls}" data-kpi="{key}"><div class="label">{_e(label)}</div>'
        f'<div class="value">{value}</div><div class="sub">{sub}</div></div>'
    )


def _risk_card(d: _Data) -> str:
    """Highest chance that a session runs past closing (normal approximation of its load)."""
    k = d.report.kpis
    alpha = d.scenario.rules.overtime_probability
    value = _pct(k.max_overtime_probability, 0)
    if alpha is None:
        sub = "highest chance a session runs past closing (no target set)"
        return _card("overtime_risk", "Overtime risk", value, sub)
    sub = f"highest of any session; target ≤ {_pct(alpha, 0)} per session"
    if k.sessions_at_risk:
        sub += f" · {k.sessions_at_risk} session(s) above it"
    return _card(
        "overtime_risk", "Overtime risk", value, sub, "bad" if k.sessions_at_risk else "good"
    )


def _kpis(d: _Data) -> str:
    k, cost = d.report.kpis, d.report.cost
    total = k.scheduled + k.unscheduled
    run = d.plan.run
    cards = [
        _card(
            "scheduled",
            "Scheduled",
            f"{k.scheduled}<small> / {total}</small>",
            f"{_pct(k.scheduled / total if total else 0, 0)} of the waiting list",
            "good" if k.unscheduled == 0 else "",
        ),
        _card(
            "unscheduled",
            "Unscheduled",
            str(k.unscheduled),
            f"{k.unscheduled_mandatory} mandatory" if k.unscheduled_mandatory else "none mandatory",
            "bad" if k.unscheduled_mandatory else "warn" if k.unscheduled else "good",
        ),
        _card(
            "utilisation",
            "Utilisation",
            _pct(k.utilisation),
            f"{_n(k.surgical_minutes)} of {_n(k.open_minutes)} open minutes in surgery",
        ),
        _card(
            "overtime",
            "Overtime",
            f"{_n(k.overtime_minutes)}<small> min</small>",
            f"in {k.sessions_with_overtime} of {k.sessions_total} sessions",
            "warn" if k.overtime_minutes else "good",
        ),
        _risk_card(d),
        _card(
            "idle",
            "Idle time",
            f"{_n(k.idle_minutes)}<small> min</small>",
            f"≈ {k.idle_minutes / 60:,.1f} h of open time not booked",
        ),
        _card(
            "deadline_breaches",
            "Deadline breaches",
            str(k.deadline_breaches),
            f"{_n(k.late_days)} late days in all",
            "bad" if k.deadline_breaches else "good",
        ),
        _card(
            "theatre_changes",
            "Theatre changes",
            str(k.theatre_changes),
            "surgeons moving between theatres on a day",
            "warn" if k.theatre_changes else "",
        ),
        _card(
            "sessions_used",
            "Sessions used",
            f"{k.sessions_used}<small> / {k.sessions_total}</small>",
            "sessions with at least one case",
        ),
        _card(
            "cost",
            "Total cost",
            _n(cost.total),
            "lower is better"
            + ("" if run is None or run.bound is None else f" · proven bound {_n(run.bound)}"),
        ),
    ]
    by_prio: dict[int, int] = defaultdict(int)
    for c in d.scenario.cases:
        by_prio[c.priority] += 1
    prio = "".join(
        f"<span>P{p}: <b>{k.scheduled_by_priority.get(p, 0)}</b> of {n} scheduled</span>"
        for p, n in sorted(by_prio.items())
    )
    return (
        '<section id="kpis"><h2>Summary</h2>'
        '<p class="lead">Figures recomputed by the independent checker from the plan and the '
        "scenario.</p>"
        f'<div class="cards">{"".join(cards)}</div>'
        f'<div class="prio"><span>By priority class (1 = most urgent)</span>{prio}</div>'
        f"{_resources(d)}"
        "</section>"
    )


_PEAKS = (
    ("peak_recovery", "Peak recovery (PACU) beds"),
    ("peak_icu", "Peak ICU beds"),
    ("peak_ward", "Peak ward beds"),
    ("peak_equipment", "Peak equipment in use"),
)


def _resources(d: _Data) -> str:
    """Peak resource use, when the checker reports any (site or equipment -> count)."""
    parts = []
    for key, label in _PEAKS:
        peaks = getattr(d.report.kpis, key, None)
        if isinstance(peaks, dict) and peaks:
            items = ", ".join(f"{_e(name)} <b>{n}</b>" for name, n in sorted(peaks.items()))
            parts.append(f"<span>{_e(label)}: {items}</span>")
    misses = getattr(d.report.kpis, "preference_misses", 0)
    if misses:
        parts.append(f"<span>Surgeon preferences missed: <b>{misses}</b></span>")
    if not parts:
        return ""
    return f'<div class="prio" data-kpi-group="resources">{"".join(parts)}</div>'


def _violations(d: _Data) -> str:
    if not d.report.violations:
        return ""
    groups = d.report.by_rule()
    parts = [
        '<section id="violations"><h2>Rule violations</h2>'
        f'<p class="lead">This plan breaks {len(d.report.violations)} hard rule check(s) of '
        f"{len(groups)} rule(s); it must not be used as it is.</p>"
    ]
    for rule, items in groups.items():
        shown = "".join(f"<li>{_e(v.message)}</li>" for v in items[:50])
        more = f"<li>... and {len(items) - 50} more</li>" if len(items) > 50 else ""
        parts.append(
            f"<h3>{_e(rule)} {_badge(str(len(items)), 'bad')}</h3>"
            f'<ul class="violations" data-rule="{_e(rule)}">{shown}{more}</ul>'
        )
    parts.append("</section>")
    return "".join(parts)


def _case_title(d: _Data, p: Placed) -> str:
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
    return "\n".join(lines)


def _theatre_rows(d: _Data, date: dt.date) -> list[Row]:
    sessions = d.sessions_by_date.get(date, [])
    placed = d.by_date.get(date, [])
    used = {s.theatre for s in sessions} | {p.theatre for p in placed}
    order = [t.id for t in d.scenario.theatres if t.id in used]
    order += sorted(used - set(order))
    rows: list[Row] = []
    for theatre in order:
        mine = [s for s in sessions if s.theatre == theatre]
        owners = sorted({s.specialty or "open to all" for s in mine})
        row = Row(label=theatre, sublabel=", ".join(owners) or "no session")
        surgical = open_min = overtime = count = 0
        for s in mine:
            sid = s.id or f"{s.theatre}@{s.date.isoformat()}"
            info = d.session_rows.get(sid, {})
            surgical += info.get("surgical_minutes", 0)
            overtime += info.get("overtime", 0)
            count += info.get("cases", 0)
            open_min += s.close - s.open
            row.bands.append(
                Band(s.open, s.close, "session", f"{sid}: open {hhmm(s.open)}-{hhmm(s.close)}")
            )
            if s.overtime:
                row.bands.append(
                    Band(
                        s.close,
                        s.close + s.overtime,
                        "overtime",
                        f"allowed overtime until {hhmm(s.close + s.overtime)}",
                    )
                )
        for p in sorted((p for p in placed if p.theatre == theatre), key=lambda p: p.start):
            row.bars.append(
                Bar(
                    p.start,
                    p.end,
                    f"{p.case.id} · {p.surgeon}",
                    p.case.id,
                    d.colour(p.case.specialty),
                    _case_title(d, p),
                    p.case.id,
                    d.marks(p.case.id),
                    p.turnover,
                )
            )
        util = f" · {_pct(surgical / open_min, 0)}" if open_min else ""
        row.note = f"{count} case{'s' * (count != 1)}{util}" if count else "unused"
        if overtime:
            row.note += f" · +{overtime} min"
            row.note_class = "warn"
        rows.append(row)
    return rows


def _surgeon_rows(d: _Data, date: dt.date) -> list[Row]:
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
            row.bars.append(
                Bar(
                    p.start,
                    p.end,
                    f"{p.case.id} · {p.theatre}",
                    p.case.id,
                    d.colour(p.case.specialty),
                    _case_title(d, p),
                    p.case.id,
                    d.marks(p.case.id),
                )
            )
        minutes = sum(p.case.duration for p in items)
        limit = f" / {surgeon.max_minutes_per_day}" if surgeon is not None else ""
        row.note = f"{len(items)} case{'s' * (len(items) != 1)} · {minutes}{limit} min"
        theatres = {p.theatre for p in items}
        if len(theatres) > 1:
            row.note = f"⇄ {len(theatres)} theatres · " + row.note
            row.note_class = "warn"
        rows.append(row)
    return rows


def _day_table(d: _Data, date: dt.date) -> str:
    placed = sorted(d.by_date.get(date, []), key=lambda p: (p.theatre, p.start))
    rows = []
    for p in placed:
        c = p.case
        late = d.late.get(c.id)
        due = c.due.isoformat() if c.due else ""
        due_cell = _td(f"{due} (late {late} d)", "bad") if late else _td(due)
        rows.append(
            f'<tr data-case="{_e(c.id)}">{_td(p.theatre)}{_td(hhmm(p.start), "num")}'
            f"{_td(hhmm(p.end), 'num')}<td><b>{_e(c.id)}</b></td>{_td(c.procedure, 'wrap')}"
            f'{_td(p.surgeon)}<td><span class="chip" style="background:'
            f'{d.colour(c.specialty)}"></span>{_e(c.specialty)}</td>{_td(c.priority, "num")}'
            f"{due_cell}</tr>"
        )
    headers = [
        ("Theatre", ""),
        ("Start", "num"),
        ("End", "num"),
        ("Case", ""),
        ("Procedure", ""),
        ("Surgeon", ""),
        ("Specialty", ""),
        ("Priority", "num"),
        ("Due", ""),
    ]
    return _table(headers, rows)


def _day_section(d: _Data, date: dt.date, index: int) -> str:
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
    badges = ""
    if overtime:
        badges += _badge(f"overtime {overtime} min", "warn")
    if late:
        badges += _badge(f"{late} late", "bad")
    theatre_rows = _theatre_rows(d, date)
    surgeon_rows = _surgeon_rows(d, date)
    open_theatres = {r.label for r in theatre_rows}
    closed = [t.id for t in d.scenario.theatres if t.id not in open_theatres]
    closed_note = (
        f'<p class="closed">Closed this day: {_e(", ".join(closed))}</p>' if closed else ""
    )
    day_label = _day(date)
    if theatre_rows:
        theatre_chart = timeline_svg(
            theatre_rows, d.t0, d.t1, css_class="theatres", title=f"Theatres on {day_label}"
        )
    else:
        theatre_chart = '<p class="closed">No sessions this day.</p>'
    if surgeon_rows:
        surgeon_chart = timeline_svg(
            surgeon_rows, d.t0, d.t1, css_class="surgeons", title=f"Surgeons on {day_label}"
        )
    else:
        surgeon_chart = '<p class="closed">No surgeon operates this day.</p>'
    is_open = " open" if index == 0 else ""
    return (
        f'<details class="day" id="day-{date.isoformat()}" data-date="{date.isoformat()}"'
        f'{is_open}><summary><strong>{_e(day_label)}</strong><span class="facts">'
        f'{_e(" · ".join(facts))}</span>{badges}</summary><div class="body">'
        f'<figure class="gantt-theatres"><h3>Theatres</h3>{theatre_chart}'
        "<figcaption>Grey: session hours; hatched: allowed overtime; bars: cases (case · "
        f"surgeon), thin strip: turnover. Hover a case for details.</figcaption>{closed_note}"
        f'</figure><figure class="gantt-surgeons"><h3>Surgeons</h3>{surgeon_chart}'
        "<figcaption>One row per operating surgeon (case · theatre); minutes against the daily "
        "maximum; green: stated presence window.</figcaption></figure>"
        f'<details class="cases"><summary>Case list ({len(placed)})</summary>'
        f"{_day_table(d, date)}</details></div></details>"
    )


def _days(d: _Data) -> str:
    legend = "".join(
        f'<span><i style="background:{colour}"></i>{_e(name)}</span>'
        for name, colour in d.colours.items()
    )
    legend += (
        '<span><i class="hatch"></i>allowed overtime</span>'
        '<span><i class="turn"></i>turnover</span>'
        '<span><i class="late"></i>after deadline</span>'
        + ('<span><i class="conflict"></i>breaks a rule</span>' if d.conflicts else "")
    )
    days = "".join(_day_section(d, date, i) for i, date in enumerate(d.dates))
    if not days:
        days = '<p class="closed">The scenario has no sessions.</p>'
    return (
        '<section id="days"><h2>Day by day</h2>'
        '<p class="lead">Per day: the theatres with their sessions and cases, the surgeons\' '
        "timelines and the case list. Click a day to open or close it.</p>"
        '<div class="toolbar"><button type="button" data-details="open">Open all days</button>'
        '<button type="button" data-details="close">Close all days</button>'
        f'<div class="legend">{legend}</div></div>{days}</section>'
    )


def _unscheduled(d: _Data) -> str:
    w = d.scenario.weights
    missing = [c for c in d.scenario.cases if c.id not in d.placed]
    missing.sort(key=lambda c: (c.priority, not c.mandatory, c.due or dt.date.max, c.id))
    if not missing:
        return (
            '<section id="unscheduled"><h2>Unscheduled cases</h2>'
            '<p class="empty">Every case on the waiting list is scheduled.</p></section>'
        )
    rows = []
    h1 = d.ctx.h1
    for c in missing:
        entry = d.ctx.entries.get(c.id)
        reason = entry.reason if entry is not None and entry.reason else None
        if entry is None:
            reason = "missing from the plan file"
        flags = ""
        if c.mandatory:
            flags += _badge("mandatory", "bad")
        if c.cancer_pathway:
            flags += _badge("cancer pathway", "info")
        due_cls = "bad" if c.due is not None and c.due <= h1 else ""
        reason_cell = (
            f'<td class="reason">{_e(reason)}</td>'
            if reason
            else '<td class="reason muted">no reason recorded</td>'
        )
        rows.append(
            f'<tr data-case="{_e(c.id)}"><td><b>{_e(c.id)}</b>{flags}</td>'
            f"{_td(c.priority, 'num')}{_td(c.procedure, 'wrap')}{_td(c.specialty)}"
            f"{_td(c.surgeon or ', '.join(c.eligible_surgeons) or 'any', 'wrap')}"
            f"{_td(c.duration, 'num')}{_td(c.release.isoformat() if c.release else '')}"
            f"{_td(c.due.isoformat() if c.due else '', due_cls)}"
            f"{_td(_n(w.unscheduled.get(c.priority, 0)), 'num')}{reason_cell}</tr>"
        )
    headers = [
        ("Case", ""),
        ("Priority", "num"),
        ("Procedure", ""),
        ("Specialty", ""),
        ("Surgeon", ""),
        ("Minutes", "num"),
        ("Release", ""),
        ("Due", ""),
        ("Cost", "num"),
        ("Why not scheduled", ""),
    ]
    mandatory = sum(1 for c in missing if c.mandatory)
    lead = (
        f"{len(missing)} case{'s' * (len(missing) != 1)} left off the plan"
        + (f", {mandatory} of them mandatory" if mandatory else "")
        + ", most urgent first. Cost: what leaving the case off adds to the objective "
        "(by priority class). Red due dates fall inside the horizon."
    )
    return (
        f'<section id="unscheduled"><h2>Unscheduled cases</h2><p class="lead">{_e(lead)}</p>'
        '<div class="toolbar"><input type="search" data-filter="unscheduled-table" '
        'placeholder="Filter: case, procedure, surgeon, reason..." aria-label="Filter"></div>'
        f"{_table(headers, rows, table_id='unscheduled-table', scroll=len(rows) > 15)}"
        "</section>"
    )


def _deadline_status(d: _Data) -> dict[str, list[Case]]:
    h1 = d.ctx.h1
    near = h1 + dt.timedelta(days=d.near_days)
    groups: dict[str, list[Case]] = {k: [] for k in DEADLINE_COLOURS}
    for c in d.scenario.cases:
        if c.due is None:
            continue
        p = d.placed.get(c.id)
        if p is not None:
            groups["late" if p.date > c.due else "on_time"].append(c)
        elif c.due <= h1:
            groups["missed"].append(c)
        elif c.due <= near:
            groups["at_risk"].append(c)
        else:
            groups["later"].append(c)
    return groups


def _deadlines(d: _Data) -> str:
    groups = _deadline_status(d)
    h0, h1 = d.ctx.h0, d.ctx.h1
    with_due = sum(len(v) for v in groups.values())
    labels = {
        "on_time": "scheduled on time",
        "late": "scheduled after deadline",
        "missed": "unscheduled, deadline in or before horizon",
        "at_risk": f"unscheduled, due within {d.near_days} days after the horizon",
        "later": "unscheduled, due later",
    }
    stack = "".join(
        f'<span style="width:{100 * len(cases) / with_due:.2f}%;background:'
        f'{DEADLINE_COLOURS[key]}" title="{_e(labels[key])}: {len(cases)}"></span>'
        for key, cases in groups.items()
        if cases and with_due
    )
    stats = "".join(
        f'<div data-status="{key}"><i style="background:{DEADLINE_COLOURS[key]}"></i>'
        f"<b>{len(cases)}</b>{_e(labels[key])}</div>"
        for key, cases in groups.items()
    )
    overdue = sum(1 for v in groups.values() for c in v if c.due is not None and c.due < h0)
    no_due = len(d.scenario.cases) - with_due
    lead = (
        f"{with_due} of {len(d.scenario.cases)} cases have a deadline ({no_due} without); "
        f"{overdue} were already overdue at the horizon start ({h0.isoformat()}). "
        f"A breach is a deadline on or before {h1.isoformat()} that the plan misses."
    )
    breach_rows = []
    for c in sorted(groups["late"] + groups["missed"], key=lambda c: (c.due, c.priority, c.id)):
        p = d.placed.get(c.id)
        assert c.due is not None
        if p is not None:
            planned, days_late, status = p.date.isoformat(), str((p.date - c.due).days), "late"
            earliest = h0 if c.release is None else max(c.release, h0)
            if c.due < h0:
                reason = "already overdue at the horizon start" + (
                    "; planned on its earliest possible date" if p.date <= earliest else ""
                )
            else:
                reason = "planned after its deadline"
        else:
            entry = d.ctx.entries.get(c.id)
            planned, days_late = "not scheduled", f"≥ {(h1 - c.due).days + 1}"
            status, reason = "missed", (entry.reason or "") if entry is not None else ""
        breach_rows.append(
            f'<tr data-case="{_e(c.id)}"><td><b>{_e(c.id)}</b></td>{_td(c.priority, "num")}'
            f"{_td(c.procedure, 'wrap')}{_td(c.surgeon or '')}{_td(c.due.isoformat())}"
            f"{_td(planned, 'bad' if p is None else '')}{_td(days_late, 'num')}"
            f"<td>{_badge(status, 'bad' if status == 'missed' else 'warn')}</td>"
            f'<td class="reason">{_e(reason)}</td></tr>'
        )
    headers = [
        ("Case", ""),
        ("Priority", "num"),
        ("Procedure", ""),
        ("Surgeon", ""),
        ("Due", ""),
        ("Planned", ""),
        ("Days late", "num"),
        ("Status", ""),
        ("Note / why not scheduled", ""),
    ]
    if breach_rows:
        breaches = f"<h3>Deadline breaches ({len(breach_rows)})</h3>" + _table(
            headers, breach_rows, table_id="breach-table", scroll=len(breach_rows) > 15
        )
    else:
        breaches = '<p class="empty">No deadline is breached.</p>'
    risk_rows = []
    for c in sorted(groups["at_risk"], key=lambda c: (c.due, c.priority, c.id)):
        assert c.due is not None
        entry = d.ctx.entries.get(c.id)
        reason = (entry.reason or "") if entry is not None else ""
        risk_rows.append(
            f'<tr data-case="{_e(c.id)}"><td><b>{_e(c.id)}</b></td>{_td(c.priority, "num")}'
            f"{_td(c.procedure, 'wrap')}{_td(c.surgeon or '')}{_td(c.due.isoformat())}"
            f"{_td((c.due - h1).days, 'num')}"
            f'<td class="reason">{_e(reason)}</td></tr>'
        )
    risk = ""
    if risk_rows:
        risk_headers = [
            ("Case", ""),
            ("Priority", "num"),
            ("Procedure", ""),
            ("Surgeon", ""),
            ("Due", ""),
            ("Days after horizon", "num"),
            ("Why not scheduled", ""),
        ]
        risk = (
            f"<h3>At risk: unscheduled, due soon after the horizon ({len(risk_rows)})</h3>"
            + _table(risk_headers, risk_rows, table_id="risk-table", scroll=len(risk_rows) > 15)
        )
    return (
        '<section id="deadlines"><h2>Deadlines of the waiting list</h2>'
        f'<p class="lead">{_e(lead)}</p><div class="stack">{stack}</div>'
        f'<div class="stats">{stats}</div>{breaches}{risk}</section>'
    )


def _sessions(d: _Data) -> str:
    rows = []
    alpha = d.scenario.rules.overtime_probability
    for r in d.report.sessions:
        session = d.ctx.sessions.get(r["session"])
        allowed = f" (+{session.overtime})" if session is not None and session.overtime else ""
        used = r["cases"] > 0
        last = hhmm(r["last_end"]) if r["last_end"] is not None else "-"
        hours = f"{hhmm(r['open'])}-{hhmm(r['close'])}{allowed}"
        muted = "" if used else ' class="muted"'
        risk = r["overtime_probability"]
        over = used and alpha is not None and risk > alpha + 1e-9
        rows.append(
            f'<tr data-session="{_e(r["session"])}"{muted}>'
            f"{_td(_day(r['date']))}{_td(r['theatre'])}{_td(r['specialty'] or 'open to all')}"
            f"{_td(hours, 'num')}{_td(r['cases'], 'num')}{_td(r['surgical_minutes'], 'num')}"
            f"{_td(r['turnover_minutes'], 'num')}{_td(last, 'num')}"
            f"{_td(r['overtime'] or '', 'num warn' if r['overtime'] else 'num')}"
            f"{_td(r['idle'], 'num')}"
            f'<td class="num">{_meter(r["utilisation"])}{_pct(r["utilisation"], 0)}</td>'
            f"{_td(_pct(risk, 0) if used else '', 'num warn' if over else 'num')}</tr>"
        )
    k = d.report.kpis
    foot = (
        f"<tr><td>All sessions</td><td></td><td></td><td></td>"
        f'<td class="num">{k.scheduled}</td><td class="num">{_n(k.surgical_minutes)}</td>'
        f'<td class="num">{_n(sum(r["turnover_minutes"] for r in d.report.sessions))}</td>'
        f'<td></td><td class="num">{_n(k.overtime_minutes)}</td>'
        f'<td class="num">{_n(k.idle_minutes)}</td>'
        f'<td class="num">{_meter(k.utilisation)}{_pct(k.utilisation, 0)}</td>'
        f'<td class="num">max {_pct(k.max_overtime_probability, 0)}</td></tr>'
    )
    headers = [
        ("Date", ""),
        ("Theatre", ""),
        ("Specialty", ""),
        ("Hours (+OT)", "num"),
        ("Cases", "num"),
        ("Surgery", "num"),
        ("Turnover", "num"),
        ("Last end", "num"),
        ("Overtime", "num"),
        ("Idle", "num"),
        ("Utilisation", "num"),
        ("P(past close)", "num"),
    ]
    target = "" if alpha is None else f"; target ≤ {_pct(alpha, 0)}"
    return (
        '<section id="sessions"><h2>Sessions</h2>'
        f'<p class="lead">{k.sessions_used} of {k.sessions_total} sessions hold cases. Hours '
        "with the allowed overtime (OT); surgery, turnover, overtime and idle in minutes. Idle: "
        "open minutes not booked with surgery or turnover; utilisation: surgery minutes / "
        "regular open minutes; P(past close): the chance the session runs past its closing "
        "time with the cases' duration spread (normal approximation, first case on time, "
        f"the rest back to back{target}).</p>"
        f"{_table(headers, rows, table_id='session-table', foot=foot, scroll=len(rows) > 20)}"
        "</section>"
    )


def _weights_note(d: _Data) -> str:
    parts = []
    for name, value in d.scenario.weights.model_dump().items():
        label = name.replace("_", " ")
        if isinstance(value, dict):
            items = ", ".join(f"P{k} {v:,}" for k, v in sorted(value.items()))
            parts.append(f"{label}: {items}")
        else:
            parts.append(f"{label} {value:,}")
    return "Weights: " + "; ".join(parts) + "."


def _costs(d: _Data) -> str:
    terms = cost_by_term(d.table, d.report)
    total = d.report.cost.total
    term_rows = []
    for t in terms.to_dict("records"):
        term, quantity, unit = str(t["term"]), int(t["quantity"]), str(t["unit"])
        share = float(t["share"])
        what = TERM_LABELS.get(term, ("", ""))[1]
        qty = f"{_n(quantity)} {unit}{'s' * (quantity != 1) if unit else ''}"
        term_rows.append(
            f'<tr data-term="{_e(term)}"><td><b>{_e(t["label"])}</b></td>'
            f'<td class="muted wrap">{_e(what)}</td>{_td(qty, "num")}'
            f"{_td(_n(int(t['cost'])), 'num')}"
            f'<td class="num">{_meter(share, wide=True)}{_pct(share)}</td></tr>'
        )
    foot = (
        f'<tr><td>Total</td><td></td><td></td><td class="num">{_n(total)}</td>'
        '<td class="num">100%</td></tr>'
    )
    term_table = _table(
        [
            ("Term", ""),
            ("What is counted", ""),
            ("Quantity", "num"),
            ("Cost", "num"),
            ("Share of total", "num"),
        ],
        term_rows,
        table_id="cost-terms",
        foot=foot,
    )
    per_session = cost_by_session(d.table, d.report)
    columns = [c for c in per_session.columns if c not in ("session", "date", "theatre", "total")]
    session_rows = []
    for rec in per_session.to_dict("records"):
        cells = "".join(_td(_n(rec[c]) if rec[c] else "", "num") for c in columns)
        session_rows.append(
            f'<tr data-session="{_e(rec["session"])}">{_td(_day(rec["date"]))}'
            f'{_td(rec["theatre"])}{cells}<td class="num"><b>{_n(rec["total"])}</b></td></tr>'
        )
    in_sessions = int(per_session["total"].sum()) if len(per_session) else 0
    sums = "".join(f'<td class="num">{_n(int(per_session[c].sum()))}</td>' for c in columns)
    session_foot = (
        f'<tr><td>All sessions</td><td></td>{sums}<td class="num">{_n(in_sessions)}</td></tr>'
    )
    session_table = _table(
        [
            ("Date", ""),
            ("Theatre", ""),
            *((term_label(c), "num") for c in columns),
            ("Total", "num"),
        ],
        session_rows,
        table_id="cost-sessions",
        foot=session_foot,
        scroll=len(session_rows) > 20,
    )
    off = d.table[d.table["session"].isna()].groupby("term", sort=False)["cost"].sum()
    outside = "; ".join(f"{term_label(str(t))} {_n(int(v))}" for t, v in off.items() if v)
    outside_note = (
        f" Not tied to a session ({_n(total - in_sessions)}): {outside}." if outside else ""
    )
    return (
        '<section id="costs"><h2>Cost breakdown</h2>'
        '<p class="lead">The objective the optimiser minimises (docs/rules.md), recomputed '
        f"by the checker: total {_n(total)}. {_e(_weights_note(d))}</p>"
        f"<h3>Per term</h3>{term_table}<h3>Per session</h3>"
        '<p class="lead">Overtime and idle time of each session plus the waiting and lateness '
        f"costs of the cases it holds.{_e(outside_note)}</p>{session_table}</section>"
    )


def _footer(d: _Data) -> str:
    from orplan import __version__

    return (
        f'<footer><div class="wrap">Report by orplan {_e(__version__)}. Figures recomputed by '
        "the independent checker; the rules and cost terms are defined in docs/rules.md. "
        "This file is self-contained and needs no network.</div></footer>"
    )


def render_report(
    scenario: Scenario,
    plan: Plan,
    check_report: CheckReport | None = None,
    *,
    near_days: int = 14,
) -> str:
    """Render the planner's report of ``plan`` as one self-contained HTML page.

    Parameters
    ----------
    scenario
        The scenario the plan is for.
    plan
        The plan (valid or not; violations are listed at the top when there are any).
    check_report
        The checker's report on the plan; computed when not given.
    near_days
        Unscheduled cases due at most this many days after the horizon are listed as at
        risk in the deadline section.

    Returns
    -------
    str
        The HTML document (UTF-8 text, no external references).
    """
    report = check_report if check_report is not None else check(scenario, plan)
    d = _Data.build(scenario, plan, report, near_days)
    body = "".join(
        [
            svg_defs(),
            _header(d),
            _nav(d),
            '<main class="wrap">',
            _kpis(d),
            _violations(d),
            _days(d),
            _unscheduled(d),
            _deadlines(d),
            _sessions(d),
            _costs(d),
            "</main>",
            _footer(d),
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="orplan">'
        f"<title>Surgery plan: {_e(scenario.name)} - orplan report</title>"
        f"<style>{CSS}</style></head><body>{body}<script>{SCRIPT}</script></body></html>\n"
    )


def write_report(
    scenario: Scenario,
    plan: Plan,
    path: str | Path,
    check_report: CheckReport | None = None,
    *,
    near_days: int = 14,
) -> Path:
    """Write the HTML report of ``plan`` to ``path`` (atomically: never half-written).

    Parameters
    ----------
    scenario
        The scenario the plan is for.
    plan
        The plan.
    path
        Output file, e.g. ``out/demo/report.html`` (folders are created).
    check_report
        The checker's report; computed when not given.
    near_days
        See :func:`render_report`.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(path)
    text = render_report(scenario, plan, check_report, near_days=near_days)
    atomic_write_text(path, text)
    return path
