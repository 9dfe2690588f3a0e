"""Reports: Gantt charts, the planner's HTML report and the objective's cost breakdown."""

from typing import TYPE_CHECKING

from orplan._lazy import lazy_package

if TYPE_CHECKING:
    from orplan.report.costs import cost_by_session, cost_by_term, cost_table
    from orplan.report.gantt import gantt_figure, save_gantt
    from orplan.report.html import render_report, write_report

_EXPORTS = {
    "cost_by_session": "orplan.report.costs",
    "cost_by_term": "orplan.report.costs",
    "cost_table": "orplan.report.costs",
    "gantt_figure": "orplan.report.gantt",
    "save_gantt": "orplan.report.gantt",
    "render_report": "orplan.report.html",
    "write_report": "orplan.report.html",
}
lazy_package(__name__, _EXPORTS)

__all__ = [
    "cost_by_session",
    "cost_by_term",
    "cost_table",
    "gantt_figure",
    "render_report",
    "save_gantt",
    "write_report",
]
