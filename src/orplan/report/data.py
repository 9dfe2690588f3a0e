"""What the report's sections share: colours, small formatters and the checked plan's data.

The formatters return plain text; the Jinja2 templates escape every text themselves
(autoescape on), so no markup is built here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from orplan.check import CheckContext, CheckReport, occupancy_table
from orplan.check import resources as res
from orplan.check.context import Placed
from orplan.report.costs import cost_table

if TYPE_CHECKING:
    import pandas as pd

    from orplan.plan.model import Plan
    from orplan.scenario.model import Case, Scenario, Session

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


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _pct(value: float, digits: int = 1) -> str:
    return f"{100 * value:.{digits}f}%"


def _secs(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def _day(date: dt.date) -> str:
    return f"{date.strftime('%a')} {date.isoformat()}"


# -- the data the sections share ---------------------------------------------------------


@dataclass
class ReportData:
    """Everything the sections share: the scenario, plan, checker report and indexes."""

    scenario: Scenario
    plan: Plan
    report: CheckReport
    ctx: CheckContext
    near_days: int
    colours: dict[str, str]
    cases: dict[str, Case]
    placed: dict[str, Placed]
    by_date: dict[dt.date, list[Placed]] = field(default_factory=dict)
    sessions_by_date: dict[dt.date, list[Session]] = field(default_factory=dict)
    session_rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    late: dict[str, int] = field(default_factory=dict)
    conflicts: set[str] = field(default_factory=set)
    problems: dict[str, list[str]] = field(default_factory=dict)
    dates: list[dt.date] = field(default_factory=list)
    t0: int = 8 * 60
    t1: int = 16 * 60

    @classmethod
    def build(
        cls, scenario: Scenario, plan: Plan, report: CheckReport, near_days: int
    ) -> ReportData:
        ctx = CheckContext.build(scenario, plan)
        d = cls(
            scenario=scenario,
            plan=plan,
            report=report,
            ctx=ctx,
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
        for v in report.violations:
            for case_id in dict.fromkeys([v.case, *v.cases]):
                if case_id is not None:
                    d.problems.setdefault(case_id, []).append(v.message)
        d.conflicts = set(d.problems)
        d.dates = sorted(set(by_date) | set(sessions_by_date))
        starts = [s.open for s in scenario.sessions] + [p.start for p in ctx.placed]
        ends = [s.close + s.overtime for s in scenario.sessions]
        ends += [p.end + p.turnover for p in ctx.placed]
        if starts:
            d.t0 = min(starts) // 60 * 60
            d.t1 = -(-max(ends) // 60) * 60
        return d

    @cached_property
    def table(self) -> pd.DataFrame:
        """The cost split per term and item (:func:`orplan.report.costs.cost_table`): built
        on first use, as only the cost section needs it (not the workbench's day view)."""
        return cost_table(self.scenario, self.plan, self.report, self.ctx)

    @cached_property
    def bed_rows(self) -> dict[dt.date, list[dict[str, Any]]]:
        """The checker's ICU and ward occupancy (:func:`orplan.check.occupancy_table`) by
        date: built on first use, for the day view's bed lines."""
        out: dict[dt.date, list[dict[str, Any]]] = {}
        for r in occupancy_table(self.scenario, self.plan, self.ctx):
            out.setdefault(r["date"], []).append(r)
        return out

    @cached_property
    def resource_intervals(self) -> dict[tuple[str, str], dict[dt.date, list[res.Interval]]]:
        """PACU stays per site (``("pacu", site)``) and uses of each equipment item
        (``("equipment", id)``) by date, from the checker's own interval rules: built once
        for every day of the day view, not once per day (each pass reads every case)."""
        sc = self.scenario
        sites = {u.site for u in sc.recovery} | {p.site for p in self.ctx.placed if p.site}
        out = {("pacu", site): res.recovery_intervals(self.ctx, site) for site in sites}
        for item in sc.equipment:
            out["equipment", item.id] = res.equipment_intervals(self.ctx, item)
        return out

    def marks(self, case_id: str) -> str:
        """CSS classes of a case's bar: ``late`` (after its deadline), ``conflict`` (named by
        a violation), ``pinned`` (kept by a re-solve)."""
        classes = []
        if case_id in self.late:
            classes.append("late")
        if case_id in self.conflicts:
            classes.append("conflict")
        case = self.cases.get(case_id)
        if case is not None and case.pinned is not None:
            classes.append("pinned")
        return " ".join(classes)

    def colour(self, specialty: str) -> str:
        return self.colours.get(specialty, PALETTE[-1])


# -- sections ----------------------------------------------------------------------------
