"""The data of the summary (``_kpis.html``) and of the unscheduled list (``_unscheduled.html``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from orplan.report.data import ReportData, _n, _pct


def _card(key: str, label: str, value: str, sub: str, kind: str = "") -> dict[str, str]:
    """One summary card; ``value`` may end in a unit after ``|`` (drawn small)."""
    number, _, small = value.partition("|")
    return {"key": key, "label": label, "value": number, "small": small, "sub": sub,
            "class": f"card {kind}".strip()}  # fmt: skip


def _risk_card(d: ReportData) -> dict[str, str]:
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


def kpis_view(d: ReportData) -> dict[str, Any]:
    """The summary's data for ``templates/_kpis.html``: cards, priority classes, resources.

    Parameters
    ----------
    d
        The report's shared data.

    Returns
    -------
    dict
        ``cards`` (dicts), ``priorities`` (class, scheduled, of) and ``resources`` (label,
        [(name, count)]) plus ``preference_misses``.
    """
    k, cost = d.report.kpis, d.report.cost
    total = k.scheduled + k.unscheduled
    run = d.plan.run
    cards = [
        _card(
            "scheduled",
            "Scheduled",
            f"{k.scheduled}| / {total}",
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
            f"{_n(k.overtime_minutes)}| min",
            f"in {k.sessions_with_overtime} of {k.sessions_total} sessions",
            "warn" if k.overtime_minutes else "good",
        ),
        _risk_card(d),
        _card(
            "idle",
            "Idle time",
            f"{_n(k.idle_minutes)}| min",
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
            f"{k.sessions_used}| / {k.sessions_total}",
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
    priorities = [(p, k.scheduled_by_priority.get(p, 0), n) for p, n in sorted(by_prio.items())]
    return {"cards": cards, "priorities": priorities, "resources": _resources(d),
            "preference_misses": getattr(k, "preference_misses", 0)}  # fmt: skip


_PEAKS = (
    ("peak_recovery", "Peak recovery (PACU) beds"),
    ("peak_icu", "Peak ICU beds"),
    ("peak_ward", "Peak ward beds"),
    ("peak_equipment", "Peak equipment in use"),
)


def _resources(d: ReportData) -> list[tuple[str, list[tuple[str, int]]]]:
    """Peak resource use, when the checker reports any (site or equipment -> count)."""
    parts = []
    for key, label in _PEAKS:
        peaks = getattr(d.report.kpis, key, None)
        if isinstance(peaks, dict) and peaks:
            parts.append((label, sorted(peaks.items())))
    return parts


def unscheduled_view(d: ReportData) -> dict[str, Any]:
    """The unscheduled cases, most urgent first, for ``templates/_unscheduled.html``.

    Parameters
    ----------
    d
        The report's shared data.

    Returns
    -------
    dict
        ``lead`` (one sentence) and ``rows`` (one dict per case left off the plan).
    """
    w = d.scenario.weights
    missing = [c for c in d.scenario.cases if c.id not in d.placed]
    missing.sort(key=lambda c: (c.priority, not c.mandatory, c.due or dt.date.max, c.id))
    rows = []
    for c in missing:
        entry = d.ctx.entries.get(c.id)
        reason = entry.reason if entry is not None and entry.reason else None
        if entry is None:
            reason = "missing from the plan file"
        rows.append(
            {
                "case": c.id,
                "mandatory": c.mandatory,
                "cancer": c.cancer_pathway,
                "priority": c.priority,
                "procedure": c.procedure,
                "specialty": c.specialty,
                "surgeon": c.surgeon or ", ".join(c.eligible_surgeons) or "any",
                "minutes": c.duration,
                "release": c.release.isoformat() if c.release else "",
                "due": c.due.isoformat() if c.due else "",
                # Red: the deadline falls inside the horizon, so leaving it off breaches it.
                "due_class": "bad" if c.due is not None and c.due <= d.ctx.h1 else "",
                "cost": _n(w.unscheduled.get(c.priority, 0)),
                "reason": reason or "",
            }
        )
    mandatory = sum(1 for c in missing if c.mandatory)
    lead = (
        f"{len(missing)} case{'s' * (len(missing) != 1)} left off the plan"
        + (f", {mandatory} of them mandatory" if mandatory else "")
        + ", most urgent first. Cost: what leaving the case off adds to the objective "
        "(by priority class). Red due dates fall inside the horizon."
    )
    return {"lead": lead, "rows": rows}
