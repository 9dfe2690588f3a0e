"""Downstream load against capacity: recovery (PACU) beds by time of day, ICU and ward beds
by date. Figures come from the independent checker, so they show what the plan really does.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from orplan.check import CheckContext, occupancy_table, recovery_profile
from orplan.plan.model import Plan
from orplan.scenario.clock import format_clock
from orplan.scenario.model import Scenario


def _recovery_sites(scenario: Scenario, plan: Plan) -> list[str]:
    site_of = {t.id: t.site for t in scenario.theatres}
    needs = {c.id for c in scenario.cases if c.recovery_minutes > 0}
    used = {site_of[e.theatre] for e in plan.cases if e.scheduled and e.case in needs and e.theatre}
    return sorted(used | {u.site for u in scenario.recovery})


def _panels(rows: int) -> tuple[Figure, list[Axes]]:
    """A column of ``rows`` panels with fixed margins in inches.

    A constrained layout measured every tick label of every panel (about 1.4 s of a hospital
    month's 24 panels); fixed margins leave room for a title above and date labels below.
    """
    panel, gap, top, bottom = 2.0, 0.75, 0.8, 0.5
    height = rows * panel + (rows - 1) * gap + top + bottom
    fig, axes = plt.subplots(rows, 1, figsize=(13, height), squeeze=False)
    fig.subplots_adjust(
        left=0.7 / 13, right=1 - 0.25 / 13, top=1 - top / height, bottom=bottom / height,
        hspace=gap / panel,
    )  # fmt: skip
    return fig, list(axes[:, 0])


def _columns(ax: Axes, heights: list[int], bottoms: list[int], colour: str, label: str) -> None:
    """Bars of width 0.8 at x = 0, 1, ... as one collection (``ax.bar`` adds a patch per bar
    and updates the limits each time: about a third of building a hospital month's plot)."""
    verts = [
        [(i - 0.4, b), (i + 0.4, b), (i + 0.4, b + h), (i - 0.4, b + h)]
        for i, (h, b) in enumerate(zip(heights, bottoms, strict=True))
    ]
    ax.add_collection(PolyCollection(verts, facecolors=colour, linewidths=0, label=label))


def occupancy_figure(scenario: Scenario, plan: Plan) -> Figure | None:
    """PACU and bed occupancy against capacity; None when the scenario has neither.

    Parameters
    ----------
    scenario, plan
        The scenario and a plan for it.

    Returns
    -------
    matplotlib.figure.Figure or None
        One panel per recovery site (beds in use by time of day, the days side by side) and
        per site and kind of bed (ICU or ward beds per date).
    """
    ctx = CheckContext.build(scenario, plan)  # once: each call below would build it again
    pacu_sites = _recovery_sites(scenario, plan)
    beds = occupancy_table(scenario, plan, ctx)
    bed_keys = sorted({(r["site"], r["kind"]) for r in beds})
    if not pacu_sites and not bed_keys:
        return None
    fig, axes = _panels(len(pacu_sites) + len(bed_keys))
    dates = sorted({s.date for s in scenario.sessions})
    panel = 0
    for site in pacu_sites:
        ax = axes[panel]
        panel += 1
        # Days side by side on one axis: each day shows 06:00-24:00. One line per series for
        # all days (not one per day): a month has ~20 days at each of several sites.
        offset = 0
        ticks, labels = [], []
        xs: list[float] = []
        used: list[float] = []
        cap: list[float] = []
        for date in dates:
            points = recovery_profile(scenario, plan, site, date, ctx)
            for minute, in_use, capacity in points:
                m = min(max(minute, 6 * 60), 24 * 60)
                xs.append(offset + m - 6 * 60)
                used.append(in_use)
                cap.append(capacity if capacity is not None else float("nan"))
            xs.append(offset + 18 * 60)
            used.append(used[-1] if used else 0)
            cap.append(cap[-1] if cap else float("nan"))
            ticks.append(offset + 9 * 60)
            labels.append(date.strftime("%a\n%d.%m"))
            offset += 18 * 60
        ax.step(xs, used, where="post", color="#4e79a7", linewidth=1.2)
        ax.fill_between(xs, used, step="post", color="#4e79a7", alpha=0.25)
        ax.step(xs, cap, where="post", color="#e15759", linewidth=1.0, linestyle="--")
        ax.vlines(range(0, offset, 18 * 60), 0, 1, transform=ax.get_xaxis_transform(),
                  color="#cccccc", linewidth=0.6)  # fmt: skip
        ax.set_xticks(ticks, labels, fontsize=8)
        ax.set_xlim(0, offset)
        ax.set_ylim(bottom=0)
        ax.set_ylabel("beds", fontsize=8)
        ax.set_title(
            f"Recovery (PACU) at {site}: beds in use (blue) vs staffed beds (red dashed), "
            f"{format_clock(6 * 60)}-24:00 each day",
            fontsize=9, loc="left",
        )  # fmt: skip
    for site, kind in bed_keys:
        ax = axes[panel]
        panel += 1
        mine = [r for r in beds if r["site"] == site and r["kind"] == kind]
        x = list(range(len(mine)))
        occupied = [r["occupied"] for r in mine]
        patients = [r["patients"] for r in mine]
        _columns(ax, occupied, [0] * len(x), "#bab0ac", "already in bed")
        _columns(ax, patients, occupied, "#59a14f", "patients of this plan")
        limits = [float(r["beds"]) if r["beds"] is not None else float("nan") for r in mine]
        ax.step([i - 0.5 for i in x] + [len(x) - 0.5], limits + limits[-1:], where="post",
                color="#e15759", linestyle="--", label="beds")  # fmt: skip
        ax.set_xticks(x, [r["date"].strftime("%a\n%d.%m") for r in mine], fontsize=7)
        ax.set_xlim(-0.6, len(x) - 0.4)
        tops = [a + b for a, b in zip(occupied, patients, strict=True)] + limits
        ax.set_ylim(0, 1.1 * max((v for v in tops if v == v), default=0) or 1)
        ax.set_title(f"{kind.upper()} beds at {site} per day", fontsize=9, loc="left")
        # Above the panel, right of its title: inside, it hid the bars of a full unit.
        ax.legend(fontsize=7, loc="lower right", bbox_to_anchor=(1, 1), ncols=3, frameon=False)
    fig.suptitle(f"{scenario.name}: downstream load against capacity", fontsize=11,
                 y=1 - 0.15 / fig.get_figheight(), va="top")  # fmt: skip
    return fig


def save_occupancy(scenario: Scenario, plan: Plan, path: str | Path) -> bool:
    """Write the occupancy plot as PNG; returns False (and writes nothing) if not relevant."""
    fig = occupancy_figure(scenario, plan)
    if fig is None:
        return False
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True
