"""Reports: Gantt charts, the planner's HTML report and the objective's cost breakdown."""

from orplan.report.costs import cost_by_session, cost_by_term, cost_table
from orplan.report.gantt import gantt_figure, save_gantt
from orplan.report.html import render_report, write_report

__all__ = [
    "cost_by_session",
    "cost_by_term",
    "cost_table",
    "gantt_figure",
    "render_report",
    "save_gantt",
    "write_report",
]
