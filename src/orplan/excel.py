"""Excel export of a plan for planners: a KPI sheet, one sheet per day and the unscheduled cases.

Reading a waiting list from ``.xlsx`` is in :func:`orplan.scenario.io.read_cases_table`
(``cases_file: list.xlsx`` in a scenario).

Examples
--------
>>> export_plan_xlsx(scenario, plan, orplan.check(scenario, plan), "plan.xlsx")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orplan.check import CheckContext, CheckReport, check
from orplan.files import atomic_path

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from orplan.plan.model import Plan
    from orplan.scenario.model import Scenario

__all__ = [
    "DAY_COLUMNS",
    "KPI_SHEET",
    "UNSCHEDULED_COLUMNS",
    "UNSCHEDULED_SHEET",
    "day_sheet_name",
    "export_plan_xlsx",
]

KPI_SHEET = "KPIs"
UNSCHEDULED_SHEET = "Unscheduled"
DAY_COLUMNS = (
    "Theatre",
    "Start",
    "End",
    "Case",
    "Procedure",
    "Surgeon",
    "Specialty",
    "Priority",
    "Minutes",
    "Due",
    "Session",
)
UNSCHEDULED_COLUMNS = (
    "Case",
    "Priority",
    "Mandatory",
    "Procedure",
    "Specialty",
    "Surgeon",
    "Minutes",
    "Release",
    "Due",
    "Reason",
)


def day_sheet_name(date: dt.date) -> str:
    """Return the sheet name of a day, e.g. ``"Mon 2027-03-01"``.

    Parameters
    ----------
    date
        The date.

    Returns
    -------
    str
        Weekday abbreviation and ISO date (valid as an Excel sheet name).
    """
    return f"{date.strftime('%a')} {date.isoformat()}"


def _clock(minutes: int) -> dt.time | str:
    if 0 <= minutes < 24 * 60:
        return dt.time(minutes // 60, minutes % 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _fill_sheet(
    sheet: Worksheet, header: tuple[str, ...] | list[str], rows: list[list[Any]]
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from orplan.plan.io import spreadsheet_safe

    sheet.append(list(header))
    for row in rows:
        # Scenario text (ids, procedure names) must stay text: openpyxl stores a string that
        # starts with '=' as a formula.
        sheet.append([spreadsheet_safe(value) for value in row])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EC")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="center")
    widths = [len(str(h)) for h in header]
    for row in rows:
        for i, value in enumerate(row):
            text = value.strftime("%H:%M") if isinstance(value, dt.time) else str(value or "")
            widths[i] = max(widths[i], len(text))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(70, width + 2)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.time):
                cell.number_format = "hh:mm"
            elif isinstance(cell.value, dt.date | dt.datetime):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions


def _kpi_rows(scenario: Scenario, plan: Plan, report: CheckReport) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["Scenario", "name", scenario.name],
        ["Scenario", "horizon start", scenario.horizon.start],
        ["Scenario", "horizon end", scenario.horizon.end],
        ["Scenario", "cases", len(scenario.cases)],
        ["Check", "valid plan", "yes" if report.ok else "no"],
        ["Check", "violations", len(report.violations)],
    ]
    if plan.run is not None:
        run = plan.run
        for key in (
            "status",
            "stopped_by",
            "objective",
            "bound",
            "gap",
            "wall_time",
            "seed",
            "workers",
            "time_limit",
            "orplan_version",
            "ortools_version",
        ):
            rows.append(["Run", key.replace("_", " "), getattr(run, key)])
    for key, value in report.kpis.model_dump(mode="json").items():
        name = key.replace("_", " ")
        if isinstance(value, dict):
            for sub, number in value.items():
                label = f"P{sub}" if key == "scheduled_by_priority" else sub
                rows.append(["KPI", f"{name}: {label}", number])
        else:
            rows.append(["KPI", name, round(value, 4) if isinstance(value, float) else value])
    for key, value in report.cost.model_dump().items():
        rows.append(["Cost", key.replace("_", " "), value])
    return rows


def export_plan_xlsx(
    scenario: Scenario,
    plan: Plan,
    check_report: CheckReport | None,
    path: str | Path,
) -> Path:
    """Write the plan as an Excel workbook for planners.

    Sheets: ``KPIs`` (group, metric, value: scenario, check verdict, solver run, every KPI
    and cost term), one sheet per date with sessions or cases (named by
    :func:`day_sheet_name`; columns :data:`DAY_COLUMNS`, one row per scheduled case by
    theatre and start, times as Excel times) and ``Unscheduled`` (columns
    :data:`UNSCHEDULED_COLUMNS`, most urgent first, with the reason).

    Parameters
    ----------
    scenario
        The scenario.
    plan
        A plan for it.
    check_report
        The checker's report on the plan; computed when None.
    path
        The ``.xlsx`` file to write (atomically; folders are created).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from openpyxl import Workbook

    report = check_report if check_report is not None else check(scenario, plan)
    ctx = CheckContext.build(scenario, plan)
    book = Workbook()
    kpi_sheet = book.active
    assert kpi_sheet is not None
    kpi_sheet.title = KPI_SHEET
    _fill_sheet(kpi_sheet, ("Group", "Metric", "Value"), _kpi_rows(scenario, plan, report))

    by_date: dict[dt.date, list[Any]] = defaultdict(list)
    for p in ctx.placed:
        by_date[p.date].append(p)
    dates = sorted(set(by_date) | {s.date for s in scenario.sessions})
    for date in dates:
        rows = [
            [
                p.theatre,
                _clock(p.start),
                _clock(p.end),
                p.case.id,
                p.case.procedure,
                p.surgeon,
                p.case.specialty,
                p.case.priority,
                p.case.duration,
                p.case.due,
                p.entry.session,
            ]
            for p in sorted(by_date.get(date, []), key=lambda p: (p.theatre, p.start, p.case.id))
        ]
        _fill_sheet(book.create_sheet(day_sheet_name(date)), DAY_COLUMNS, rows)

    placed = {p.case.id for p in ctx.placed}
    missing = [c for c in scenario.cases if c.id not in placed]
    missing.sort(key=lambda c: (c.priority, not c.mandatory, c.due or dt.date.max, c.id))
    rows = []
    for c in missing:
        entry = ctx.entries.get(c.id)
        reason = "missing from the plan file" if entry is None else entry.reason or ""
        surgeon = c.surgeon or ", ".join(c.eligible_surgeons) or "any"
        rows.append(
            [
                c.id,
                c.priority,
                "yes" if c.mandatory else "",
                c.procedure,
                c.specialty,
                surgeon,
                c.duration,
                c.release,
                c.due,
                reason,
            ]
        )
    _fill_sheet(book.create_sheet(UNSCHEDULED_SHEET), UNSCHEDULED_COLUMNS, rows)

    path = Path(path)
    with atomic_path(path, suffix=".xlsx") as tmp:
        book.save(tmp)
    return path
