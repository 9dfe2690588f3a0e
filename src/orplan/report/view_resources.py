"""The day view's resource rows: PACU beds and equipment in use over the day, ICU and ward
beds of the day, from the checker's own load profiles (:mod:`orplan.check.resources`)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING

from orplan.check import resources as res
from orplan.report.timeline import Level, Row, hhmm

if TYPE_CHECKING:
    from orplan.report.data import ReportData

__all__ = ["bed_lines", "resource_rows"]


def _levels(intervals: list[res.Interval], capacity: Callable[[int], int | None],
            breaks: list[int]) -> tuple[list[Level], int, int | None]:  # fmt: skip
    """The load of ``intervals`` as levels; also its peak and the highest capacity."""
    profile = res.steps(intervals, capacity, breaks)
    peak = res.peak(profile)
    caps = [cap for _, _, cap in profile if cap is not None]
    top = max(caps) if caps else None
    scale = max(peak, top or 0, 1)
    levels = []
    for (a, load, cap), (b, _, _) in itertools.pairwise(profile):
        if load <= 0:
            continue
        of = f" of {cap}" if cap is not None else ""
        who = ", ".join(res.active_labels(intervals, a))
        title = f"{hhmm(a)}-{hhmm(b)}: {load}{of} in use ({who})"
        over = cap is not None and load > cap
        levels.append(Level(a, b, load, load / scale, over, title))
    return levels, peak, top


def _row(label: str, sublabel: str, levels: list[Level], peak: int, top: int | None) -> Row:
    note = f"peak {peak}" + (f" of {top}" if top is not None else "")
    over = any(lv.over for lv in levels)
    return Row(label=label, sublabel=sublabel, note=note + (" · over" if over else ""),
               note_class="warn" if over else "", levels=levels)  # fmt: skip


def resource_rows(d: ReportData, date: dt.date) -> list[Row]:
    """PACU beds per site and each equipment item in use on ``date``, as timeline rows.

    Parameters
    ----------
    d
        The report's shared data.
    date
        The day.

    Returns
    -------
    list of Row
        One row per recovery site with a stay that day, then one per equipment item used
        that day; empty when none is (the day view then draws no resource chart).
    """
    rows: list[Row] = []
    sc = d.scenario
    sites = sorted({u.site for u in sc.recovery} | {p.site for p in d.by_date.get(date, [])
                                                    if p.site is not None})  # fmt: skip
    for site in sites:
        intervals = d.resource_intervals.get(("pacu", site), {}).get(date, [])
        if not intervals:
            continue
        unit = next((u for u in sc.recovery if u.site == site), None)
        capacity, breaks = res.recovery_capacity(unit)
        levels, peak, top = _levels(intervals, capacity, breaks)
        sub = f"site {site}" + ("" if unit is not None else " · no bed limit")
        rows.append(_row("PACU beds", sub, levels, peak, top))
    for item in sc.equipment:
        intervals = d.resource_intervals["equipment", item.id].get(date, [])
        if not intervals:
            continue
        levels, peak, top = _levels(intervals, res.constant(item.count), [])
        where = f"site {item.site}" if item.site else "all sites"
        sub = f"{where} · set-up {item.setup} min" if item.setup else where
        rows.append(_row(item.id, sub, levels, peak, top))
    return rows


def bed_lines(d: ReportData, date: dt.date) -> list[tuple[str, str]]:
    """ICU and ward beds taken on ``date``, per site: ``(text, css class)`` pairs.

    Parameters
    ----------
    d
        The report's shared data.
    date
        The day.

    Returns
    -------
    list of (str, str)
        E.g. ``("ward beds, site main: 8 of 12 (2 already in)", "")``; the class is
        ``"bad"`` when the beds are over capacity.
    """
    rows = d.bed_rows.get(date, [])
    out = []
    for r in rows:
        if not r["total"]:
            continue
        kind = res.bed_label(r["kind"])
        of = "" if r["beds"] is None else f" of {r['beds']}"
        before = f" ({r['occupied']} already in)" if r["occupied"] else ""
        over = r["free"] is not None and r["free"] < 0
        out.append((f"{kind} beds, site {r['site']}: {r['total']}{of}{before}", "bad" * over))
    return out
