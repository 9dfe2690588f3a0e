"""The page's data around the sections: the header (run record), the contents bar, the
violations, for ``templates/report.html``."""

from __future__ import annotations

from typing import Any

from orplan.report.data import _STOPPED, ReportData, _n, _pct, _secs
from orplan.scenario.io import scenario_digest

__all__ = ["header_view", "nav_view", "violations_view"]

_BOUND_SOURCE = {
    "cpsat": "CP-SAT's own bound",
    "lp": "LP relaxation of the assignment model (HiGHS)",
    "mip": "assignment model, HiGHS's proven dual bound",
    "benders": "assignment model with logic-based Benders cuts (HiGHS)",
    "capacity": "session-capacity LP (HiGHS), where the assignment LP is too big",
    "unavoidable": "the unavoidable cost",
}


def _meta(d: ReportData) -> list[tuple[str, str, str]]:
    """(label, value, css class) of the run record shown in the header."""
    sc, run = d.scenario, d.plan.run
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
        verdict = "(matches)" if same else "(differs: plan made for another version)"
        meta.append(("Scenario", f"{run.scenario_sha256[:12]} {verdict}", "" if same else "warn"))
    live = d.plan.live
    if live is not None:
        # A plan made on the day: say so, and from which published plan (changes.csv lists
        # who to tell); the figures below are the level values the replan reached.
        lv = live.levels
        meta.append(("Replanned at", live.now.strftime("%Y-%m-%d %H:%M"), "warn"))
        meta.append(("Parent plan", live.parent_sha256[:12], ""))
        moved = sum(lv.get(k, 0) for k in ("moved_day", "moved_theatre", "moved_time"))
        meta.append(("Cancelled / moved", f"{lv.get('cancelled', 0):g} / {moved:g}", ""))
    return meta


def header_view(d: ReportData) -> dict[str, Any]:
    """Title, subtitle, description, verdict and run record of the header."""
    sc = d.scenario
    h = sc.horizon
    subtitle = (
        f"{h.start.isoformat()} to {h.end.isoformat()} ({h.days} day{'s' * (h.days != 1)}) · "
        f"{len(sc.theatres)} theatres · {len(sc.sessions)} sessions · "
        f"{len(sc.surgeons)} surgeons · {len(sc.cases)} cases on the waiting list"
    )
    return {
        "name": sc.name,
        "subtitle": subtitle,
        "description": sc.description or "",
        "ok": d.report.ok,
        "violations": len(d.report.violations),
        "meta": _meta(d),
    }


def nav_view(d: ReportData) -> list[tuple[str, str, str]]:
    """(section id, text, count) of the contents bar."""
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
    return links


def violations_view(d: ReportData) -> list[dict[str, Any]]:
    """Per broken rule: its name, count, and the first 50 messages."""
    return [
        {"rule": rule, "count": len(items), "messages": [v.message for v in items[:50]],
         "more": max(0, len(items) - 50)}
        for rule, items in d.report.by_rule().items()
    ]  # fmt: skip
