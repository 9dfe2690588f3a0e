"""A self-contained HTML report of a plan for planners: one file, no network.

Everything the page needs is inside it: CSS and a few lines of script inline, charts as inline
SVG. The page is the Jinja2 template ``templates/report.html``; its day view
(``_dayview.html``) is shared with the web workbench. All figures come from the independent
checker (:mod:`orplan.check`), so the report describes the plan as checked, not as the solver
believes it to be.

Sections (``<section id=...>``): ``kpis`` (summary cards), ``violations`` (only when a hard
rule is broken), ``days`` (per day: theatre Gantt, surgeon timelines, case list),
``unscheduled``, ``deadlines``, ``sessions`` and ``costs``; the header (``id="run"``) holds the
title and the solver run's metadata.

Examples
--------
>>> write_report(scenario, plan, "out/demo/report.html")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from orplan import __version__
from orplan.check import CheckReport, check
from orplan.files import atomic_write_text
from orplan.report.data import PALETTE, ReportData, specialty_colours
from orplan.report.jinja import environment
from orplan.report.sections import kpis_view, unscheduled_view
from orplan.report.tables import costs_view, deadlines_view, sessions_view
from orplan.report.view_days import days_view
from orplan.report.view_page import header_view, nav_view, violations_view

if TYPE_CHECKING:
    from orplan.plan.model import Plan
    from orplan.scenario.model import Scenario

__all__ = ["PALETTE", "render_report", "specialty_colours", "write_report"]


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
    d = ReportData.build(scenario, plan, report, near_days)
    template = environment().get_template("report.html")
    return template.render(
        header=header_view(d),
        nav=nav_view(d),
        kpis=kpis_view(d),
        violations=violations_view(d),
        dayview=days_view(d),
        unscheduled=unscheduled_view(d),
        deadlines=deadlines_view(d),
        sessions=sessions_view(d),
        costs=costs_view(d),
        version=__version__,
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
