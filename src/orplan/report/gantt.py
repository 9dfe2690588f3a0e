"""Gantt chart of a plan: one row per theatre, cases by specialty.

A plan of at most :data:`LABEL_LIMIT` drawn cases (a pilot week) gets one panel per date with
case id and surgeon on each bar. A larger one (a hospital month) gets an overview: the dates
side by side in one panel, each theatre labelled once, no case text. Matplotlib spent most of
the time of a month's outputs on ~7,000 labels and ticks of ten stacked panels (issue 17);
the overview draws a few dozen, and the report's day view names every case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from orplan.plan.model import Plan
from orplan.scenario.clock import format_clock
from orplan.scenario.model import Scenario

__all__ = ["LABEL_LIMIT", "gantt_figure", "save_gantt"]

_PALETTE = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d37295",
]  # fmt: skip


_EQUIPMENT = ["#111111", "#8c564b", "#d62728", "#17becf", "#bcbd22", "#7f7f7f"]

#: Above this many case bars in the figure, the chart is an overview without case text.
LABEL_LIMIT = 800


@dataclass
class _Bars:
    """Bars of one kind as (row, width, left) lists, with one fill colour per bar or one."""

    height: float
    ys: list[float] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    lefts: list[float] = field(default_factory=list)
    fills: list[str] = field(default_factory=list)

    def add(self, y: float, width: float, left: float, fill: str = "") -> None:
        """Append one bar."""
        self.ys.append(y)
        self.widths.append(width)
        self.lefts.append(left)
        self.fills.append(fill)

    def draw(self, ax: Axes, fill: str | None = None, **style: Any) -> None:
        """Add the bars to ``ax`` as one collection: barh adds a patch per bar and updates
        the axis limits each time, which took most of the drawing time on a hospital month."""
        if not self.ys:
            return
        half = self.height / 2
        verts = [
            [(x, y - half), (x + w, y - half), (x + w, y + half), (x, y + half)]
            for y, w, x in zip(self.ys, self.widths, self.lefts, strict=True)
        ]
        ax.add_collection(PolyCollection(verts, facecolors=fill or self.fills, **style))


@dataclass
class _Chart:
    """What the panels share: rows, colours and the bars collected so far."""

    scenario: Scenario
    plan: Plan
    row: dict[str, int]
    colour: dict[str, str]
    equipment: dict[str, str]
    labels: bool
    sessions: _Bars = field(default_factory=lambda: _Bars(0.8))
    overtime: _Bars = field(default_factory=lambda: _Bars(0.8))
    turnover: _Bars = field(default_factory=lambda: _Bars(0.3))
    cases: _Bars = field(default_factory=lambda: _Bars(0.62))
    strips: _Bars = field(default_factory=lambda: _Bars(0.08))
    texts: list[tuple[float, float, str, str]] = field(default_factory=list)

    def collect(self, date: dt.date, dx: float = 0) -> dict[str, str]:
        """Collect the bars of ``date``, shifted right by ``dx`` minutes.

        Returns
        -------
        dict of str to str
            Per theatre, the specialty owning its session that day (``"closed"`` if none).
        """
        owner = dict.fromkeys(self.row, "closed")
        for s in self.scenario.sessions:
            if s.date != date or s.theatre not in self.row:
                continue
            y = self.row[s.theatre]
            self.sessions.add(y, s.close - s.open, dx + s.open)
            if s.overtime:
                self.overtime.add(y, s.overtime, dx + s.close)
            owner[s.theatre] = s.specialty or "open to all"
        cases = {c.id: c for c in self.scenario.cases}
        default = self.scenario.default_turnover
        for entry in self.plan.cases:
            if not entry.scheduled or entry.date != date or entry.case not in cases:
                continue
            assert entry.start is not None and entry.end is not None and entry.theatre
            case = cases[entry.case]
            if entry.theatre not in self.row:
                continue
            y = self.row[entry.theatre]
            width = entry.end - entry.start
            left = dx + entry.start
            self.cases.add(y, width, left, self.colour[case.specialty])
            turn = default if case.turnover is None else case.turnover
            self.turnover.add(y, turn, dx + entry.end)
            for k, item in enumerate(case.equipment):
                # A coloured strip per equipment item along the bottom of the case bar.
                self.strips.add(y + 0.22 - 0.09 * k, width, left, self.equipment[item])
            if self.labels and width >= 25:
                text = f"{case.id}\n{entry.surgeon}" if width >= 50 else case.id
                self.texts.append((left + width / 2, y, text, "white" if width >= 50 else "black"))
        return owner

    def draw(self, ax: Axes) -> None:
        """Draw the bars collected so far on ``ax``, then start over."""
        self.sessions.draw(ax, "#eeeeee", edgecolor="#999999", linewidth=0.6)
        self.overtime.draw(ax, "white", edgecolor="#cccccc", hatch="///", linewidth=0.4)
        # Turnover first, so that a case starting inside the previous turnover covers it.
        self.turnover.draw(ax, "#bbbbbb")
        self.cases.draw(ax, edgecolor="black", linewidth=0.5 if self.labels else 0.2)
        self.strips.draw(ax)
        for x, y, text, colour in self.texts:
            ax.text(x, y, text, ha="center", va="center", fontsize=6, color=colour)
        fresh = _Chart(self.scenario, self.plan, self.row, self.colour, self.equipment,
                       self.labels)  # fmt: skip
        self.__dict__.update({k: v for k, v in fresh.__dict__.items() if k != "row"})


def _margins(fig: Figure, panels: int, panel: float, left: float, legend_rows: int) -> None:
    """Size ``fig`` for ``panels`` stacked panels of ``panel`` inches, margins in inches.

    Fixed margins instead of a constrained layout, which measured every label of every
    panel (a fifth of the time of a hospital month's chart).
    """
    gap, top, bottom = 0.45, 0.55, 0.45 + 0.22 * legend_rows
    height = panels * panel + (panels - 1) * gap + top + bottom
    width = fig.get_figwidth()
    fig.set_size_inches(width, height)
    fig.subplots_adjust(
        left=left / width, right=1 - 0.2 / width, top=1 - top / height,
        bottom=bottom / height, hspace=gap / panel,
    )  # fmt: skip


def gantt_figure(
    scenario: Scenario, plan: Plan, max_days: int = 10, labels: bool | None = None
) -> Figure:
    """Draw the plan.

    Sessions are grey bars (with a hatched allowed-overtime tail); cases are coloured by
    specialty and labelled with case id and surgeon; turnover is a light strip after each case.

    Parameters
    ----------
    scenario, plan
        The scenario and a plan for it.
    max_days
        At most this many dates with sessions are drawn (the first ones), to keep it legible.
    labels
        One panel per date with case id and surgeon on the bars (True), or an overview with
        the dates side by side and no case text (False). None (the default) labels a
        figure of at most :data:`LABEL_LIMIT` cases.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    dates: list[dt.date] = sorted({s.date for s in scenario.sessions})[:max_days] or [
        scenario.horizon.start
    ]
    theatres = [t.id for t in scenario.theatres]
    specialties = sorted({c.specialty for c in scenario.cases})
    items = sorted({e for c in scenario.cases for e in c.equipment})
    if labels is None:
        shown = sum(1 for e in plan.cases if e.scheduled and e.date in dates)
        labels = shown <= LABEL_LIMIT
    chart = _Chart(
        scenario, plan, {t: i for i, t in enumerate(theatres)},
        {sp: _PALETTE[i % len(_PALETTE)] for i, sp in enumerate(specialties)},
        {e: _EQUIPMENT[i % len(_EQUIPMENT)] for i, e in enumerate(items)}, labels,
    )  # fmt: skip
    sessions = [s for s in scenario.sessions if s.date in dates]
    t0 = min((s.open for s in sessions), default=8 * 60) - 30
    t1 = max((s.close + s.overtime for s in sessions), default=16 * 60) + 30
    handles = [Patch(color=chart.colour[sp], label=sp) for sp in specialties]
    handles.append(Patch(facecolor="white", edgecolor="#cccccc", hatch="///",
                         label="allowed overtime"))  # fmt: skip
    handles.append(Patch(color="#bbbbbb", label="turnover"))
    handles.extend(Patch(color=chart.equipment[e], label=f"uses {e}") for e in items)
    columns = min(8, len(handles))
    legend_rows = -(-len(handles) // columns)
    if labels:
        fig = _panels(chart, theatres, dates, (t0, t1), legend_rows)
    else:
        fig = _overview(chart, theatres, dates, (t0, t1), legend_rows)
    fig.legend(handles=handles, loc="lower center", ncol=columns, fontsize=8, frameon=False)
    run = plan.run
    title = f"{scenario.name}: {len(plan.scheduled())}/{len(plan.cases)} cases scheduled"
    if run is not None and run.objective is not None:
        title += f" - cost {run.objective:,.0f}, status {run.status}"
    if not labels:
        title += f"; first {len(dates)} days, cases by name in report.html"
    fig.suptitle(title, fontsize=11, y=1 - 0.12 / fig.get_figheight(), va="top")
    return fig


def _panels(
    chart: _Chart, theatres: list[str], dates: list[dt.date], span: tuple[int, int], legend: int
) -> Figure:
    """One panel per date, each theatre labelled with the specialty owning it that day."""
    fig, grid = plt.subplots(len(dates), 1, figsize=(14, 1), squeeze=False, sharex=True)
    axes = grid[:, 0]
    longest = 0
    for ax, date in zip(axes, dates, strict=True):
        owner = chart.collect(date)
        chart.draw(ax)
        names = [f"{t}  ({owner[t]})" for t in theatres]
        longest = max(longest, *(len(n) for n in names))
        ax.set_yticks(range(len(theatres)), names, fontsize=8)
        ax.set_ylim(len(theatres) - 0.5, -0.5)
        ax.set_xlim(*span)
        ax.set_title(f"{date.strftime('%A')} {date.isoformat()}", fontsize=10, loc="left")
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
    ticks = list(range((span[0] // 60 + 1) * 60, span[1], 60))
    axes[-1].set_xticks(ticks, [format_clock(t) for t in ticks], fontsize=8)
    # Left margin: the longest theatre label at about 0.6 em (8 pt) per character.
    panel = max(1.3, 0.42 * len(theatres))
    _margins(fig, len(dates), panel, 0.25 + longest * 0.6 * 8 / 72, legend)
    return fig


def _overview(
    chart: _Chart, theatres: list[str], dates: list[dt.date], span: tuple[int, int], legend: int
) -> Figure:
    """All dates side by side in one panel, theatres labelled once, no case text."""
    t0, t1 = span
    width = t1 - t0
    fig, ax = plt.subplots(figsize=(max(14.0, 1.8 * len(dates) + 2), 1))
    for i, date in enumerate(dates):
        chart.collect(date, dx=i * width - t0)
    chart.draw(ax)
    ax.vlines([i * width for i in range(1, len(dates))], 0, 1,
              transform=ax.get_xaxis_transform(), color="#555555", linewidth=0.8)  # fmt: skip
    ax.set_yticks(range(len(theatres)), theatres, fontsize=7)
    ax.set_ylim(len(theatres) - 0.5, -0.5)
    ax.set_xlim(0, len(dates) * width)
    # Each day's hours as light lines; the day's name once, in the middle of its column.
    hours = [i * width + h - t0 for i in range(len(dates))
             for h in range((t0 // 60 + 1) * 60, t1, 120)]  # fmt: skip
    ax.vlines(hours, 0, 1, transform=ax.get_xaxis_transform(), color="#dddddd",
              linewidth=0.4, zorder=0)  # fmt: skip
    ax.set_xticks([(i + 0.5) * width for i in range(len(dates))],
                  [f"{d:%a %d.%m}" for d in dates], fontsize=8)  # fmt: skip
    ax.tick_params(axis="x", length=0, labeltop=True)
    ax.set_xlabel(f"each day {format_clock(t0)}-{format_clock(t1)}, light lines every 2 h",
                  fontsize=8)  # fmt: skip
    _margins(fig, 1, max(2.0, 0.16 * len(theatres)), 0.25 + 0.6 * 7 / 72 *
             max(len(t) for t in theatres), legend + 1)  # fmt: skip
    return fig


def save_gantt(
    scenario: Scenario, plan: Plan, path: str | Path, max_days: int = 10, labels: bool | None = None
) -> None:
    """Write the Gantt chart as PNG (see :func:`gantt_figure` for the parameters)."""
    fig = gantt_figure(scenario, plan, max_days=max_days, labels=labels)
    fig.savefig(path, dpi=110)
    plt.close(fig)
