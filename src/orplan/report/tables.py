"""Report sections still built in Python: deadlines, sessions and the cost breakdown.

They return escaped markup that ``report.html`` places as it is.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from orplan.report.costs import TERM_LABELS, cost_by_session, cost_by_term, term_label
from orplan.report.data import (
    DEADLINE_COLOURS,
    ReportData,
    _badge,
    _day,
    _e,
    _meter,
    _n,
    _pct,
    _table,
    _td,
)
from orplan.report.timeline import hhmm

if TYPE_CHECKING:
    from orplan.scenario.model import Case


def _deadline_status(d: ReportData) -> dict[str, list[Case]]:
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


def deadlines_section(d: ReportData) -> str:
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


def sessions_section(d: ReportData) -> str:
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


def _weights_note(d: ReportData) -> str:
    parts = []
    for name, value in d.scenario.weights.model_dump().items():
        label = name.replace("_", " ")
        if isinstance(value, dict):
            items = ", ".join(f"P{k} {v:,}" for k, v in sorted(value.items()))
            parts.append(f"{label}: {items}")
        else:
            parts.append(f"{label} {value:,}")
    return "Weights: " + "; ".join(parts) + "."


def costs_section(d: ReportData) -> str:
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
