"""Gantt chart of a plan: one row per theatre, one panel per date, cases by specialty."""

from __future__ import annotations

import datetime as dt
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

_PALETTE = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d37295",
]  # fmt: skip


_EQUIPMENT = ["#111111", "#8c564b", "#d62728", "#17becf", "#bcbd22", "#7f7f7f"]


def _bars(
    ax: Axes,
    ys: list[float],
    widths: list[float],
    lefts: list[float],
    height: float,
    fill: str | list[str],
    **style: Any,
) -> None:
    """Horizontal bars as one collection: barh adds a patch per bar and updates the axis
    limits each time, which took most of the drawing time on a hospital month."""
    if not ys:
        return
    half = height / 2
    verts = [
        [(x, y - half), (x + w, y - half), (x + w, y + half), (x, y + half)]
        for y, w, x in zip(ys, widths, lefts, strict=True)
    ]
    ax.add_collection(PolyCollection(verts, facecolors=fill, **style))


def gantt_figure(scenario: Scenario, plan: Plan, max_days: int = 10) -> Figure:
    """Draw the plan.

    Sessions are grey bars (with a hatched allowed-overtime tail); cases are coloured by
    specialty and labelled with case id and surgeon; turnover is a light strip after each case.

    Parameters
    ----------
    scenario, plan
        The scenario and a plan for it.
    max_days
        At most this many dates with sessions are drawn (the first ones), to keep it legible.
    """
    cases = {c.id: c for c in scenario.cases}
    turnover = {c.id: (scenario.default_turnover if c.turnover is None else c.turnover)
                for c in scenario.cases}  # fmt: skip
    dates: list[dt.date] = sorted({s.date for s in scenario.sessions})[:max_days] or [
        scenario.horizon.start
    ]
    theatres = [t.id for t in scenario.theatres]
    row = {t: i for i, t in enumerate(theatres)}
    specialties = sorted({c.specialty for c in scenario.cases})
    colour = {sp: _PALETTE[i % len(_PALETTE)] for i, sp in enumerate(specialties)}
    items = sorted({e for c in scenario.cases for e in c.equipment})
    equipment_colour = {e: _EQUIPMENT[i % len(_EQUIPMENT)] for i, e in enumerate(items)}
    sessions = [s for s in scenario.sessions if s.date in dates]
    t0 = min((s.open for s in sessions), default=8 * 60) - 30
    t1 = max((s.close + s.overtime for s in sessions), default=16 * 60) + 30
    height = max(2.5, 0.42 * len(theatres) + 1.2)
    fig, axes = plt.subplots(
        len(dates), 1, figsize=(14, height * len(dates) + 0.8), squeeze=False, sharex=True,
        layout="constrained",
    )  # fmt: skip
    for ax, date in zip(axes[:, 0], dates, strict=True):
        owner = {t: "closed" for t in theatres}
        # One barh call per kind of bar, not per bar: with ~100 sessions and ~400 cases a
        # day, per-bar calls dominated the time of writing outputs (issue 17).
        open_bars: tuple[list[float], list[float], list[float]] = ([], [], [])
        over_bars: tuple[list[float], list[float], list[float]] = ([], [], [])
        for s in sessions:
            if s.date != date:
                continue
            y = row[s.theatre]
            open_bars[0].append(y)
            open_bars[1].append(s.close - s.open)
            open_bars[2].append(s.open)
            if s.overtime:
                over_bars[0].append(y)
                over_bars[1].append(s.overtime)
                over_bars[2].append(s.close)
            owner[s.theatre] = s.specialty or "open to all"
        _bars(ax, *open_bars, 0.8, "#eeeeee", edgecolor="#999999", linewidth=0.6)
        _bars(ax, *over_bars, 0.8, "white", edgecolor="#cccccc", hatch="///", linewidth=0.4)
        ys: list[float] = []
        widths: list[float] = []
        lefts: list[float] = []
        fills: list[str] = []
        turns: tuple[list[float], list[float], list[float]] = ([], [], [])
        strips: tuple[list[float], list[float], list[float], list[str]] = ([], [], [], [])
        for entry in plan.cases:
            if not entry.scheduled or entry.date != date or entry.case not in cases:
                continue
            assert entry.start is not None and entry.end is not None and entry.theatre
            case = cases[entry.case]
            if entry.theatre not in row:
                continue
            y = row[entry.theatre]
            width = entry.end - entry.start
            ys.append(y)
            widths.append(width)
            lefts.append(entry.start)
            fills.append(colour[case.specialty])
            turns[0].append(y)
            turns[1].append(turnover[case.id])
            turns[2].append(entry.end)
            for k, item in enumerate(case.equipment):
                # A coloured strip per equipment item along the bottom of the case bar.
                strips[0].append(y + 0.22 - 0.09 * k)
                strips[1].append(width)
                strips[2].append(entry.start)
                strips[3].append(equipment_colour[item])
            text = f"{case.id}\n{entry.surgeon}" if width >= 50 else case.id
            if width >= 25:
                ax.text(entry.start + width / 2, y, text, ha="center", va="center",
                        fontsize=6, color="white" if width >= 50 else "black")  # fmt: skip
        # Turnover first, so that a case starting inside the previous turnover covers it.
        _bars(ax, *turns, 0.3, "#bbbbbb")
        _bars(ax, ys, widths, lefts, 0.62, fills, edgecolor="black", linewidth=0.5)
        _bars(ax, *strips[:3], 0.08, strips[3])
        ax.set_yticks(range(len(theatres)), [f"{t}  ({owner[t]})" for t in theatres], fontsize=8)
        ax.set_ylim(len(theatres) - 0.5, -0.5)
        ax.set_xlim(t0, t1)
        ax.set_title(f"{date.strftime('%A')} {date.isoformat()}", fontsize=10, loc="left")
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
    ticks = list(range((t0 // 60 + 1) * 60, t1, 60))
    axes[-1, 0].set_xticks(ticks, [format_clock(t) for t in ticks], fontsize=8)
    handles = [Patch(color=colour[sp], label=sp) for sp in specialties]
    handles.append(Patch(facecolor="white", edgecolor="#cccccc", hatch="///",
                         label="allowed overtime"))  # fmt: skip
    handles.append(Patch(color="#bbbbbb", label="turnover"))
    handles.extend(Patch(color=equipment_colour[e], label=f"uses {e}") for e in items)
    fig.legend(handles=handles, loc="outside lower center", ncol=min(8, len(handles)),
               fontsize=8, frameon=False)  # fmt: skip
    run = plan.run
    title = f"{scenario.name}: {len(plan.scheduled())}/{len(plan.cases)} cases scheduled"
    if run is not None and run.objective is not None:
        title += f" - cost {run.objective:,.0f}, status {run.status}"
    fig.suptitle(title, fontsize=11)
    return fig


def save_gantt(scenario: Scenario, plan: Plan, path: str | Path, max_days: int = 10) -> None:
    """Write the Gantt chart as PNG."""
    fig = gantt_figure(scenario, plan, max_days=max_days)
    # No bbox_inches="tight": the constrained layout already fits the figure, and "tight"
    # draws the whole figure twice.
    fig.savefig(path, dpi=110)
    plt.close(fig)
