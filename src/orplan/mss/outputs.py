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
    """Expected ward and ICU beds per cycle day with p50-p90-p99 bands, one line per plan.

    Ward above ICU, each as wide as the cycle needs; one legend below both, clear of the
    curves.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n_days = 7 * inp.cycle_weeks
    fig, axes = plt.subplots(2, 1, figsize=(max(9.0, 3 + 0.42 * n_days), 8.5), sharex=True)
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
        if cap is not None:
            ax.axhline(cap, color="black", linewidth=1, label="capacity")
            ax.annotate(f"capacity {cap}", (0, cap), xytext=(2, 3), textcoords="offset points",
                        fontsize=8)  # fmt: skip
        ax.set_title(f"{'ICU' if kind == 'icu' else 'Ward'} beds per day (exact distribution)")
        ax.set_ylabel("beds")
        ax.grid(axis="y", alpha=0.3)
    axes[1].set_xticks(range(n_days))
    axes[1].set_xticklabels([_day_label(d // 7 + 1, d % 7, inp.cycle_weeks)
                             for d in range(n_days)],
                            rotation=90 if inp.cycle_weeks > 1 else 0)  # fmt: skip
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 4), fontsize=9)
    fig.tight_layout(rect=(0, 0.09, 1, 1))
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=110)
    plt.close(fig)
    return path


def plot_blocks(inp: MssInput, plan: MssPlan, path: Path) -> Path:
    """Heatmap of the blocks: theatres down, cycle days across, one colour per specialty.

    Cells carry the specialty name (its first 5 letters in cycles of 2+ weeks, to keep the
    plot a readable width) in black or white, whichever reads on the colour; days a theatre
    is closed are grey; a legend names the colours in full.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.colors import to_rgb
    from matplotlib.patches import Patch

    specs = [s.id for s in inp.specialties]
    theatres = [t.id for t in inp.theatres]
    days = 7 * inp.cycle_weeks
    grid = np.full((len(theatres), days), np.nan)
    for b in plan.blocks:
        grid[theatres.index(b.theatre), 7 * (b.week - 1) + b.weekday] = specs.index(b.specialty)
    names = specs if inp.cycle_weeks == 1 else [s[:5] for s in specs]
    longest = max(len(s) for s in names)
    fig, ax = plt.subplots(figsize=(3.5 + (0.12 * longest + 0.3) * days,
                                    1.5 + 0.32 * len(theatres)))  # fmt: skip
    cmap = plt.get_cmap("tab20", max(len(specs), 2))
    for r, t in enumerate(inp.theatres):
        for c in range(days):
            if c % 7 not in t.weekdays:
                ax.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, color="#d9d9d9", lw=0))
    ax.imshow(grid, cmap=cmap, vmin=-0.5, vmax=max(len(specs), 2) - 0.5, aspect="auto")
    for (r, c), v in np.ndenumerate(grid):
        if not np.isnan(v):
            red, green, blue = to_rgb(cmap(int(v)))
            ink = "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"
            ax.text(c, r, names[int(v)], ha="center", va="center", fontsize=7, color=ink)
    ax.set_yticks(range(len(theatres)), theatres, fontsize=8)
    ax.set_xticks(range(days), [_day_label(d // 7 + 1, d % 7, inp.cycle_weeks)
                                for d in range(days)], fontsize=8, rotation=45)  # fmt: skip
    for week in range(1, inp.cycle_weeks):
        ax.axvline(7 * week - 0.5, color="black", linewidth=1.5)
    used = sorted({int(v) for v in grid[~np.isnan(grid)]})
    legend = [Patch(color=cmap(i), label=specs[i]) for i in used]
    legend.append(Patch(color="#d9d9d9", label="theatre closed"))
    legend.append(Patch(facecolor="white", edgecolor="grey", label="open, no block"))
    ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
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
