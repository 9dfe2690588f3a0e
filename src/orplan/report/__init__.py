"""Reports: Gantt charts and planner-facing summaries."""

from orplan.report.gantt import gantt_figure, save_gantt

__all__ = ["gantt_figure", "save_gantt"]
