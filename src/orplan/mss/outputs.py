"""Files of an MSS run: mss.json, mss.csv, bed-curve.png, blocks.png, mss.html, sessions.yaml.

Every file is written only after the independent checker accepted the MSS (the caller's
job: see :func:`orplan.mss.api.plan_mss`). Text from the input (ids) is escaped in HTML by
Jinja2's autoescape and made inert in CSV (no spreadsheet formula).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from orplan.files import atomic_path, atomic_write_text
from orplan.mss.model import WEEKDAYS, MssInput, MssPlan
from orplan.plan.io import spreadsheet_safe


def _csv(plan: MssPlan) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["theatre", "week", "weekday", "day", "specialty"])
    for b in plan.blocks:
        writer.writerow([spreadsheet_safe(b.theatre), b.week, b.weekday, WEEKDAYS[b.weekday],
                         spreadsheet_safe(b.specialty)])  # fmt: skip
    return out.getvalue()


def _day_label(week: int, weekday: int, cycle_weeks: int) -> str:
    return WEEKDAYS[weekday] if cycle_weeks == 1 else f"W{week} {WEEKDAYS[weekday]}"


def plot_bed_curve(inp: MssInput, plans: dict[str, MssPlan], path: Path) -> Path:
    """Expected ward and ICU beds per cycle day with p50-p90-p99 bands, one line per plan."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    colours = ["#1f5f99", "#c0392b"]
    for ax, kind, cap in ((axes[0], "ward", inp.beds.ward), (axes[1], "icu", inp.beds.icu)):
        for (name, plan), colour in zip(plans.items(), colours, strict=False):
            days = plan.bed_curve
            x = range(len(days))
            ax.fill_between(x, [getattr(d, f"{kind}_p50") for d in days],
                            [getattr(d, f"{kind}_p99") for d in days], color=colour, alpha=0.12,
                            step="mid", label=f"{name}: p50-p99")  # fmt: skip
            ax.step(x, [getattr(d, f"{kind}_p90") for d in days], where="mid", color=colour,
                    linestyle="--", label=f"{name}: p90")  # fmt: skip
            ax.plot(x, [getattr(d, f"{kind}_mean") for d in days], "o-", color=colour,
                    label=f"{name}: expected")  # fmt: skip
            ax.set_xticks(list(x))
            ax.set_xticklabels([_day_label(d.week, d.weekday, inp.cycle_weeks) for d in days],
                               rotation=45 if inp.cycle_weeks > 1 else 0)  # fmt: skip
        if cap is not None:
            ax.axhline(cap, color="black", linewidth=1, label=f"capacity {cap}")
        ax.set_title(f"{kind.upper() if kind == 'icu' else 'Ward'} beds per day (exact)")
        ax.set_ylabel("beds")
        ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=110)
    plt.close(fig)
    return path


def plot_blocks(inp: MssInput, plan: MssPlan, path: Path) -> Path:
    """Heatmap of the blocks: theatres down, cycle days across, one colour per specialty."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    specs = [s.id for s in inp.specialties]
    theatres = [t.id for t in inp.theatres]
    days = 7 * inp.cycle_weeks
    grid = np.full((len(theatres), days), np.nan)
    for b in plan.blocks:
        grid[theatres.index(b.theatre), 7 * (b.week - 1) + b.weekday] = specs.index(b.specialty)
    fig, ax = plt.subplots(figsize=(2 + 0.5 * days, 1 + 0.3 * len(theatres)))
    cmap = plt.get_cmap("tab20", max(len(specs), 2))
    ax.imshow(grid, cmap=cmap, vmin=-0.5, vmax=max(len(specs), 2) - 0.5, aspect="auto")
    for (r, c), v in np.ndenumerate(grid):
        if not np.isnan(v):
            ax.text(c, r, specs[int(v)][:5], ha="center", va="center", fontsize=6)
    ax.set_yticks(range(len(theatres)), theatres, fontsize=7)
    ax.set_xticks(range(days), [_day_label(d // 7 + 1, d % 7, inp.cycle_weeks)
                                for d in range(days)], fontsize=7, rotation=45)  # fmt: skip
    ax.set_title(f"Master surgery schedule {inp.name}")
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=110)
    plt.close(fig)
    return path


def _html(inp: MssInput, plan: MssPlan, comparison: dict[str, Any] | None) -> str:
    # The report's environment: autoescape on (names are user text), StrictUndefined.
    from orplan.report.jinja import environment

    days = 7 * inp.cycle_weeks
    cells = {(b.theatre, 7 * (b.week - 1) + b.weekday): b.specialty for b in plan.blocks}
    grid = [(t.id, [cells.get((t.id, d), "") for d in range(days)]) for t in inp.theatres]
    return (
        environment()
        .get_template("mss.html")
        .render(
            plan=plan,
            grid=grid,
            days=[_day_label(d // 7 + 1, d % 7, inp.cycle_weeks) for d in range(days)],
            label=lambda w, d: _day_label(w, d, inp.cycle_weeks),
            comparison=comparison,
        )
    )


def write_outputs(
    inp: MssInput,
    plan: MssPlan,
    out: Path,
    *,
    baseline: MssPlan | None = None,
    comparison: dict[str, Any] | None = None,
    sessions: list[dict[str, Any]] | None = None,
) -> list[Path]:
    """Write every file of a checked MSS into ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "mss.json", out / "mss.csv"]
    data = plan.model_dump(mode="json")
    if comparison is not None:
        data["comparison"] = comparison
    atomic_write_text(paths[0], json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(paths[1], _csv(plan))
    plans = {"MSS": plan} if baseline is None else {"baseline": baseline, "MSS": plan}
    paths.append(plot_bed_curve(inp, plans, out / "bed-curve.png"))
    paths.append(plot_blocks(inp, plan, out / "blocks.png"))
    atomic_write_text(out / "mss.html", _html(inp, plan, comparison))
    paths.append(out / "mss.html")
    if sessions is not None:
        # One flow mapping a row, like scenario files; JSON strings are YAML strings, so a
        # time such as 08:00 stays text (unquoted, YAML 1.1 reads it as a base-60 number).
        lines = ["{" + ", ".join(f"{k}: {json.dumps(v)}" for k, v in row.items()) + "}"
                 for row in sessions]  # fmt: skip
        text = "sessions:\n" + "".join(f"  - {line}\n" for line in lines)
        atomic_write_text(out / "sessions.yaml", text)
        paths.append(out / "sessions.yaml")
    return paths
