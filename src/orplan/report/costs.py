"""Where the cost of a plan comes from: the objective split per term, case and session.

The split is derived from the independent checker (:mod:`orplan.check`), never from the
solver, and is reconciled with the checker's :class:`~orplan.check.CostBreakdown`: for every
term the rows of :func:`cost_table` add up to the checker's figure. A term the split does not
know (for instance one added to the checker later) appears as one ``unattributed`` row, so the
table always sums to the checker's total.

Examples
--------
>>> table = cost_table(scenario, plan)  # doctest: +SKIP
>>> table.groupby("term")["cost"].sum()  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from orplan.check import CheckContext, CheckReport, check

if TYPE_CHECKING:
    import pandas as pd

    from orplan.plan.model import Plan
    from orplan.scenario.model import Scenario

__all__ = [
    "COLUMNS",
    "TERM_LABELS",
    "cost_by_session",
    "cost_by_term",
    "cost_table",
    "term_label",
]

#: Columns of :func:`cost_table`, in order.
COLUMNS = (
    "term",
    "scope",
    "item",
    "session",
    "theatre",
    "date",
    "surgeon",
    "quantity",
    "unit",
    "weight",
    "cost",
)

#: Readable names of the cost terms of ``docs/rules.md`` (keys are CostBreakdown fields).
TERM_LABELS: dict[str, tuple[str, str]] = {
    "unscheduled": ("Unscheduled cases", "cases left off the plan, weighted by priority class"),
    "waiting": ("Waiting", "days a scheduled case waits after its earliest possible date"),
    "deadline_breach": ("Deadline breaches", "cases due in the horizon that miss their date"),
    "late_days": ("Late days", "days past the deadline (scheduled late or left off)"),
    "overtime": ("Overtime", "minutes a session runs past its planned close"),
    "idle": ("Idle time", "open session minutes not booked with surgery or turnover"),
    "theatre_changes": ("Theatre changes", "extra theatres a surgeon works in on one day"),
}


def term_label(term: str) -> str:
    """Return the readable name of a cost term.

    Parameters
    ----------
    term
        A field name of :class:`~orplan.check.CostBreakdown`.

    Returns
    -------
    str
        E.g. ``"Deadline breaches"``; unknown terms are de-snake-cased.
    """
    if term in TERM_LABELS:
        return TERM_LABELS[term][0]
    return term.replace("_", " ").capitalize()


def _row(
    term: str, scope: str, item: str, quantity: int, unit: str, weight: int, **where: Any
) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(term=term, scope=scope, item=item, quantity=quantity, unit=unit, weight=weight)
    row["cost"] = quantity * weight
    row.update(where)
    return row


def _case_rows(ctx: CheckContext) -> list[dict[str, Any]]:
    sc = ctx.scenario
    w = sc.weights
    placed = {p.case.id: p for p in ctx.placed}
    rows: list[dict[str, Any]] = []
    for c in sc.cases:
        p = placed.get(c.id)
        if p is None:
            rows.append(
                _row("unscheduled", "case", c.id, 1, "case", w.unscheduled.get(c.priority, 0))
            )
            if c.due is not None and c.due <= ctx.h1:
                rows.append(_row("deadline_breach", "case", c.id, 1, "case", w.deadline_breach))
                late = (ctx.h1 - c.due).days + 1
                rows.append(_row("late_days", "case", c.id, late, "day", w.late_day))
            continue
        where = {
            "session": p.entry.session,
            "theatre": p.theatre,
            "date": p.date,
            "surgeon": p.surgeon,
        }
        earliest = ctx.h0 if c.release is None else max(c.release, ctx.h0)
        waiting = max(0, (p.date - earliest).days)
        if waiting:
            rows.append(_row("waiting", "case", c.id, waiting, "day", w.waiting_day, **where))
        if c.due is not None:
            if c.due <= ctx.h1 and p.date > c.due:
                rows.append(
                    _row("deadline_breach", "case", c.id, 1, "case", w.deadline_breach, **where)
                )
            late = max(0, (p.date - c.due).days)
            if late:
                rows.append(_row("late_days", "case", c.id, late, "day", w.late_day, **where))
    return rows


def _session_rows(report: CheckReport, ctx: CheckContext) -> list[dict[str, Any]]:
    w = ctx.scenario.weights
    rows: list[dict[str, Any]] = []
    for s in report.sessions:
        where = {"session": s["session"], "theatre": s["theatre"], "date": s["date"]}
        for term, key, weight in (
            ("overtime", "overtime", w.overtime_minute),
            ("idle", "idle", w.idle_minute),
        ):
            if s[key]:
                rows.append(_row(term, "session", s["session"], s[key], "minute", weight, **where))
    return rows


def _change_rows(ctx: CheckContext) -> list[dict[str, Any]]:
    theatres: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    for p in ctx.placed:
        theatres[(p.surgeon, p.date)].add(p.theatre)
    rows: list[dict[str, Any]] = []
    for (surgeon, date), used in sorted(theatres.items()):
        if len(used) > 1:
            rows.append(
                _row(
                    "theatre_changes",
                    "surgeon-day",
                    f"{surgeon}@{date.isoformat()}",
                    len(used) - 1,
                    "change",
                    ctx.scenario.weights.theatre_change,
                    surgeon=surgeon,
                    date=date,
                )
            )
    return rows


def cost_table(
    scenario: Scenario,
    plan: Plan,
    check_report: CheckReport | None = None,
    context: CheckContext | None = None,
) -> pd.DataFrame:
    """Split the objective of ``plan`` into one row per term and case, session or surgeon-day.

    Parameters
    ----------
    scenario
        The scenario.
    plan
        A plan for it (it need not be valid; the checker's view of it is used).
    check_report
        The checker's report on the plan; computed when not given.
    context
        The checker's index of ``plan`` (:meth:`CheckContext.build`), if already built (the
        report has one); built when not given.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: ``term`` (a CostBreakdown field), ``scope`` (``"case"``,
        ``"session"``, ``"surgeon-day"`` or ``"unattributed"``), ``item`` (case id, session id
        or ``"<surgeon>@<date>"``), where it happened (``session``, ``theatre``, ``date``,
        ``surgeon``; empty for unscheduled cases), ``quantity`` in ``unit`` (case, day,
        minute, change; ``cost`` for an unattributed rest), ``weight`` and ``cost``
        (quantity x weight). Only rows with a
        non-zero quantity are listed. For every term, ``cost`` sums to the checker's figure.
    """
    import pandas as pd

    report = check_report if check_report is not None else check(scenario, plan)
    ctx = context or CheckContext.build(scenario, plan)
    rows = _case_rows(ctx) + _session_rows(report, ctx) + _change_rows(ctx)
    attributed: dict[str, int] = defaultdict(int)
    for r in rows:
        attributed[r["term"]] += r["cost"]
    for term, value in report.cost.model_dump().items():
        if term == "total" or not isinstance(value, int | float):
            continue
        rest = int(value) - attributed.get(term, 0)
        if rest:
            rows.append(_row(term, "unattributed", "", rest, "cost", 1))
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.astype({"quantity": "int64", "cost": "int64"})


def cost_by_term(table: pd.DataFrame, check_report: CheckReport) -> pd.DataFrame:
    """Sum :func:`cost_table` per term, in the checker's term order, with shares of the total.

    Parameters
    ----------
    table
        The result of :func:`cost_table`.
    check_report
        The checker's report (gives the terms and their order; zero terms are kept).

    Returns
    -------
    pandas.DataFrame
        Columns ``term``, ``label``, ``quantity`` (summed in the term's unit), ``unit``,
        ``cost`` and ``share`` (of the total cost; 0 when the total is 0), one row per term.
    """
    import pandas as pd

    terms = [t for t in check_report.cost.model_dump() if t != "total"]
    total = sum(int(getattr(check_report.cost, t)) for t in terms)
    rows = []
    for term in terms:
        part = table[table["term"] == term]
        counted = part[part["scope"] != "unattributed"]
        units = sorted(set(counted["unit"]))
        rows.append(
            {
                "term": term,
                "label": term_label(term),
                "quantity": int(counted["quantity"].sum()),
                "unit": units[0] if len(units) == 1 else "",
                "cost": int(part["cost"].sum()),
                "share": float(part["cost"].sum()) / total if total else 0.0,
            }
        )
    return pd.DataFrame(rows, columns=["term", "label", "quantity", "unit", "cost", "share"])


def cost_by_session(table: pd.DataFrame, check_report: CheckReport) -> pd.DataFrame:
    """Cost per session: its overtime and idle time plus the costs of the cases it holds.

    Parameters
    ----------
    table
        The result of :func:`cost_table`.
    check_report
        The checker's report (gives every session, in date and theatre order).

    Returns
    -------
    pandas.DataFrame
        One row per scenario session with columns ``session``, ``date``, ``theatre``, one
        column per term that occurs in a session (``overtime``, ``idle``, ``waiting``, ...)
        and ``total``. Costs not tied to a session (unscheduled cases, theatre changes) are
        not in it.
    """
    import pandas as pd

    in_session = table[table["session"].notna()]
    terms = [t for t in check_report.cost.model_dump() if t != "total"]
    present = [t for t in terms if (in_session["term"] == t).any()]
    sums = in_session.groupby(["session", "term"])["cost"].sum()
    rows = []
    for s in check_report.sessions:
        row: dict[str, Any] = {"session": s["session"], "date": s["date"], "theatre": s["theatre"]}
        for term in present:
            row[term] = int(sums.get((s["session"], term), 0))
        row["total"] = sum(row[t] for t in present)
        rows.append(row)
    return pd.DataFrame(rows, columns=["session", "date", "theatre", *present, "total"])
