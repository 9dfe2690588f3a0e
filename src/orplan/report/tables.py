"""The data of the report's table sections: deadlines, sessions and the cost breakdown.

Each ``*_view`` function returns plain dicts and strings for its template
(``_deadlines.html``, ``_sessions.html``, ``_costs.html``, tables drawn by ``_tables.html``);
the templates escape every text (autoescape), so nothing here is markup.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from orplan.report.costs import TERM_LABELS, cost_by_session, cost_by_term, term_label
from orplan.report.data import DEADLINE_COLOURS, ReportData, _day, _n, _pct
from orplan.report.timeline import hhmm

if TYPE_CHECKING:
    from orplan.scenario.model import Case

__all__ = ["cell", "costs_view", "deadlines_view", "sessions_view"]


def cell(
    text: object,
    cls: str = "",
    *,
    bold: bool = False,
    badge: str = "",
    meter: float | None = None,
    wide: bool = False,
) -> dict[str, Any]:
    """One table cell for ``_tables.html``.

    Parameters
    ----------
    text
        What the cell says (escaped by the template).
    cls
        CSS class of the ``<td>``.
    bold
        Show the text in bold.
    badge
        Show the text as a badge of this kind (``"bad"``, ``"warn"``).
    meter
        A share from 0 to 1 drawn as a small bar before the text.
    wide
        A wider meter.

    Returns
    -------
    dict
        The cell.
    """
    share = None if meter is None else max(0.0, min(100.0, 100 * meter))
    return {"text": "" if text is None else str(text), "cls": cls, "bold": bold,
            "badge": badge, "meter": share, "wide": wide}  # fmt: skip


def _row(attr: tuple[str, str], cells: list[dict[str, Any]], cls: str = "") -> dict[str, Any]:
    return {"attr": attr, "cells": cells, "cls": cls}


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


def _reason(d: ReportData, c: Case) -> str:
    entry = d.ctx.entries.get(c.id)
    return (entry.reason or "") if entry is not None else ""


def _breach(d: ReportData, c: Case) -> dict[str, Any]:
    h0, h1 = d.ctx.h0, d.ctx.h1
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
        planned, days_late = "not scheduled", f"≥ {(h1 - c.due).days + 1}"
        status, reason = "missed", _reason(d, c)
    return _row(("data-case", c.id), [
        cell(c.id, bold=True), cell(c.priority, "num"), cell(c.procedure, "wrap"),
        cell(c.surgeon or ""), cell(c.due.isoformat()),
        cell(planned, "bad" if p is None else ""), cell(days_late, "num"),
        cell(status, badge="bad" if status == "missed" else "warn"), cell(reason, "reason"),
    ])  # fmt: skip


def deadlines_view(d: ReportData) -> dict[str, Any]:
    """The deadline section's data for ``_deadlines.html``.

    Parameters
    ----------
    d
        The report's shared data.

    Returns
    -------
    dict
        ``lead``, ``stack`` (width %, colour, title), ``stats`` (status, colour, count,
        label), ``breaches`` and ``risks`` (table rows) with their headers.
    """
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
    stack = [
        (f"{100 * len(cases) / with_due:.2f}", DEADLINE_COLOURS[key],
         f"{labels[key]}: {len(cases)}")
        for key, cases in groups.items()
        if cases and with_due
    ]  # fmt: skip
    stats = [(key, DEADLINE_COLOURS[key], len(cases), labels[key]) for key, cases in groups.items()]
    overdue = sum(1 for v in groups.values() for c in v if c.due is not None and c.due < h0)
    no_due = len(d.scenario.cases) - with_due
    lead = (
        f"{with_due} of {len(d.scenario.cases)} cases have a deadline ({no_due} without); "
        f"{overdue} were already overdue at the horizon start ({h0.isoformat()}). "
        f"A breach is a deadline on or before {h1.isoformat()} that the plan misses."
    )
    late = sorted(groups["late"] + groups["missed"], key=lambda c: (c.due, c.priority, c.id))
    risks = []
    for c in sorted(groups["at_risk"], key=lambda c: (c.due, c.priority, c.id)):
        assert c.due is not None
        risks.append(_row(("data-case", c.id), [
            cell(c.id, bold=True), cell(c.priority, "num"), cell(c.procedure, "wrap"),
            cell(c.surgeon or ""), cell(c.due.isoformat()), cell((c.due - h1).days, "num"),
            cell(_reason(d, c), "reason"),
        ]))  # fmt: skip
    return {
        "lead": lead,
        "stack": stack,
        "stats": stats,
        "breaches": [_breach(d, c) for c in late],
        "breach_headers": [
            ("Case", ""), ("Priority", "num"), ("Procedure", ""), ("Surgeon", ""), ("Due", ""),
            ("Planned", ""), ("Days late", "num"), ("Status", ""),
            ("Note / why not scheduled", ""),
        ],
        "risks": risks,
        "risk_headers": [
            ("Case", ""), ("Priority", "num"), ("Procedure", ""), ("Surgeon", ""), ("Due", ""),
            ("Days after horizon", "num"), ("Why not scheduled", ""),
        ],
    }  # fmt: skip


def sessions_view(d: ReportData) -> dict[str, Any]:
    """The sessions section's data for ``_sessions.html``: one row per session and a total.

    Parameters
    ----------
    d
        The report's shared data.

    Returns
    -------
    dict
        ``lead``, ``headers``, ``rows`` and ``foot`` (cells).
    """
    rows = []
    alpha = d.scenario.rules.overtime_probability
    for r in d.report.sessions:
        session = d.ctx.sessions.get(r["session"])
        allowed = f" (+{session.overtime})" if session is not None and session.overtime else ""
        used = r["cases"] > 0
        last = hhmm(r["last_end"]) if r["last_end"] is not None else "-"
        risk = r["overtime_probability"]
        over = used and alpha is not None and risk > alpha + 1e-9
        rows.append(_row(("data-session", r["session"]), [
            cell(_day(r["date"])), cell(r["theatre"]), cell(r["specialty"] or "open to all"),
            cell(f"{hhmm(r['open'])}-{hhmm(r['close'])}{allowed}", "num"),
            cell(r["cases"], "num"), cell(r["surgical_minutes"], "num"),
            cell(r["turnover_minutes"], "num"), cell(last, "num"),
            cell(r["overtime"] or "", "num warn" if r["overtime"] else "num"),
            cell(r["idle"], "num"),
            cell(_pct(r["utilisation"], 0), "num", meter=r["utilisation"]),
            cell(_pct(risk, 0) if used else "", "num warn" if over else "num"),
        ], "" if used else "muted"))  # fmt: skip
    k = d.report.kpis
    foot = [
        cell("All sessions"), cell(""), cell(""), cell(""), cell(k.scheduled, "num"),
        cell(_n(k.surgical_minutes), "num"),
        cell(_n(sum(r["turnover_minutes"] for r in d.report.sessions)), "num"), cell(""),
        cell(_n(k.overtime_minutes), "num"), cell(_n(k.idle_minutes), "num"),
        cell(_pct(k.utilisation, 0), "num", meter=k.utilisation),
        cell(f"max {_pct(k.max_overtime_probability, 0)}", "num"),
    ]  # fmt: skip
    target = "" if alpha is None else f"; target ≤ {_pct(alpha, 0)}"
    lead = (
        f"{k.sessions_used} of {k.sessions_total} sessions hold cases. Hours with the allowed "
        "overtime (OT); surgery, turnover, overtime and idle in minutes. Idle: open minutes "
        "not booked with surgery or turnover; utilisation: surgery minutes / regular open "
        "minutes; P(past close): the chance the session runs past its closing time with the "
        "cases' duration spread (normal approximation, first case on time, the rest back to "
        f"back{target})."
    )
    headers = [
        ("Date", ""), ("Theatre", ""), ("Specialty", ""), ("Hours (+OT)", "num"),
        ("Cases", "num"), ("Surgery", "num"), ("Turnover", "num"), ("Last end", "num"),
        ("Overtime", "num"), ("Idle", "num"), ("Utilisation", "num"), ("P(past close)", "num"),
    ]  # fmt: skip
    return {"lead": lead, "headers": headers, "rows": rows, "foot": foot}


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


def costs_view(d: ReportData) -> dict[str, Any]:
    """The cost section's data for ``_costs.html``: per term and per session.

    Parameters
    ----------
    d
        The report's shared data.

    Returns
    -------
    dict
        ``lead``, ``terms`` and ``sessions`` (rows) with their headers and totals (``*_foot``),
        and ``session_lead``.
    """
    total = d.report.cost.total
    terms = []
    for t in cost_by_term(d.table, d.report).to_dict("records"):
        term, quantity, unit = str(t["term"]), int(t["quantity"]), str(t["unit"])
        share = float(t["share"])
        qty = f"{_n(quantity)} {unit}{'s' * (quantity != 1) if unit else ''}"
        terms.append(_row(("data-term", term), [
            cell(t["label"], bold=True), cell(TERM_LABELS.get(term, ("", ""))[1], "muted wrap"),
            cell(qty, "num"), cell(_n(int(t["cost"])), "num"),
            cell(_pct(share), "num", meter=share, wide=True),
        ]))  # fmt: skip
    per_session = cost_by_session(d.table, d.report)
    columns = [c for c in per_session.columns if c not in ("session", "date", "theatre", "total")]
    sessions = []
    for rec in per_session.to_dict("records"):
        cells = [cell(_n(rec[c]) if rec[c] else "", "num") for c in columns]
        sessions.append(_row(("data-session", rec["session"]), [
            cell(_day(rec["date"])), cell(rec["theatre"]), *cells,
            cell(_n(rec["total"]), "num", bold=True),
        ]))  # fmt: skip
    in_sessions = int(per_session["total"].sum()) if len(per_session) else 0
    off = d.table[d.table["session"].isna()].groupby("term", sort=False)["cost"].sum()
    outside = "; ".join(f"{term_label(str(t))} {_n(int(v))}" for t, v in off.items() if v)
    outside_note = (
        f" Not tied to a session ({_n(total - in_sessions)}): {outside}." if outside else ""
    )
    return {
        "lead": "The objective the optimiser minimises (docs/rules.md), recomputed by the "
        f"checker: total {_n(total)}. {_weights_note(d)}",
        "term_headers": [("Term", ""), ("What is counted", ""), ("Quantity", "num"),
                         ("Cost", "num"), ("Share of total", "num")],
        "terms": terms,
        "term_foot": [cell("Total"), cell(""), cell(""), cell(_n(total), "num"),
                      cell("100%", "num")],
        "session_lead": "Overtime and idle time of each session plus the waiting and lateness "
        f"costs of the cases it holds.{outside_note}",
        "session_headers": [("Date", ""), ("Theatre", ""),
                            *((term_label(c), "num") for c in columns), ("Total", "num")],
        "sessions": sessions,
        "session_foot": [cell("All sessions"), cell(""),
                         *(cell(_n(int(per_session[c].sum())), "num") for c in columns),
                         cell(_n(in_sessions), "num")],
    }  # fmt: skip
