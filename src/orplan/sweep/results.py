"""The sweep's outputs: one tidy table (Parquet and CSV), KPI plots per axis, sweep.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orplan.files import atomic_path, atomic_write_text
from orplan.plan.io import spreadsheet_safe

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AXES", "PLOTTED", "write_results"]

#: Grid axes a plot is drawn against (when the sweep has more than one value on it).
AXES = ("scenario", "variant", "method", "seed", "time_limit")

#: KPIs drawn in each plot, with their axis labels.
PLOTTED = {
    "cost": "plan cost (checker)",
    "unscheduled": "cases unscheduled",
    "overtime_minutes": "overtime (min)",
    "utilisation": "utilisation",
}


def _plots(frame: pd.DataFrame, folder: Path) -> list[Path]:
    """``plots/by-<axis>.png``: each KPI's cells (points) and mean (bar) per axis value."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    solved = frame[frame["status"] != "FAILED"]
    colours = ["#08519c", "#e6550d", "#31a354", "#756bb1"]
    paths = []
    for axis in AXES:
        values = list(dict.fromkeys(solved[axis])) if axis in solved else []
        if len(values) < 2:
            continue
        # One bar per method beside each other: a mean over the optimiser and the planner's
        # rule together would describe neither.
        groups = [None] if axis == "method" else list(dict.fromkeys(solved["method"]))
        width = 0.8 / len(groups)
        fig, axes = plt.subplots(1, len(PLOTTED), figsize=(4 * len(PLOTTED), 3.6))
        for ax, (kpi, label) in zip(axes, PLOTTED.items(), strict=True):
            for g, method in enumerate(groups):
                part = solved if method is None else solved[solved["method"] == method]
                colour = colours[g % len(colours)]
                for i, value in enumerate(values):
                    y = part.loc[part[axis] == value, kpi].astype(float)
                    x = i + (g - (len(groups) - 1) / 2) * width
                    ax.bar(x, y.mean(), width=width * 0.9, color=colour, alpha=0.35,
                           label=method if i == 0 else None)  # fmt: skip
                    ax.plot([x] * len(y), y, "o", color=colour, markersize=4)
            ax.set_xticks(range(len(values)), [str(v) for v in values], rotation=30, ha="right")
            ax.set_title(label, fontsize=10)
            ax.set_xlabel(axis)
        if groups != [None]:
            axes[0].legend(fontsize=8, title="method", title_fontsize=8)
        fig.suptitle(f"KPIs by {axis} (bars: mean over cells, dots: cells)", fontsize=11)
        fig.tight_layout()
        path = folder / f"by-{axis}.png"
        with atomic_path(path, suffix=".png") as tmp:
            fig.savefig(tmp, dpi=90)
        plt.close(fig)
        paths.append(path)
    return paths


def write_results(rows: list[dict[str, Any]], out: Path, meta: dict[str, Any]) -> pd.DataFrame:
    """Write ``results.parquet``, ``results.csv``, ``plots/`` and ``sweep.json`` atomically.

    Parameters
    ----------
    rows
        One row per cell, in grid order.
    out
        The sweep's output folder.
    meta
        Version, spec, seeds and run settings recorded in ``sweep.json``.

    Returns
    -------
    pandas.DataFrame
        The table as written to Parquet.
    """
    import pandas as pd

    frame = pd.DataFrame(rows)
    out.mkdir(parents=True, exist_ok=True)
    with atomic_path(out / "results.parquet", suffix=".parquet") as tmp:
        frame.to_parquet(tmp, index=False)
    # Labels come from the user's spec: never let a spreadsheet read one as a formula.
    csv = frame.map(spreadsheet_safe)
    with atomic_path(out / "results.csv", suffix=".csv") as tmp:
        csv.to_csv(tmp, index=False)
    plots = _plots(frame, out / "plots")
    meta = {
        **meta,
        "files": ["results.parquet", "results.csv", *(f"plots/{p.name}" for p in plots)],
    }
    atomic_write_text(out / "sweep.json", json.dumps(meta, indent=2) + "\n")
    return frame
