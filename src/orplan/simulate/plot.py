"""Figure of a simulation: distribution of total overtime and per-session overtime."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from orplan.simulate.result import SimulationResult

__all__ = ["plot_simulation"]


def plot_simulation(
    result: SimulationResult | Sequence[SimulationResult],
    path: str | Path,
    labels: Sequence[str] | None = None,
    *,
    top: int = 20,
) -> Path:
    """Write a PNG: total overtime distribution (left) and session overtime (right).

    Left: the share of samples per bin of total overtime minutes (one line per result, so
    several plans or sequencings can be compared). Right, for the first result: expected,
    P50, P90 and P95 overtime of the ``top`` sessions with the highest expected overtime,
    labelled with their probability of overtime.

    Parameters
    ----------
    result
        One result or several (same scenario, e.g. different plans).
    path
        Output PNG file (folders are created).
    labels
        Legend labels, one per result (default "plan 1", "plan 2", ...).
    top
        Number of sessions shown on the right.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = [result] if isinstance(result, SimulationResult) else list(result)
    if not results:
        raise ValueError("no simulation result to plot")
    names = list(labels) if labels is not None else [f"plan {i + 1}" for i in range(len(results))]
    if len(names) != len(results):
        raise ValueError("one label per result is needed")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), width_ratios=(1, 1.3))
    for res, name in zip(results, names, strict=True):
        h = res.overtime_histogram
        n = max(1, sum(h.counts))
        shares = [c / n for c in h.counts]
        step = left.stairs(
            shares, h.edges, label=f"{name} (mean {res.overall.overtime.mean:.0f} min)"
        )
        left.axvline(
            res.overall.overtime.p90, linestyle=":", linewidth=1, color=step.get_edgecolor()
        )
    left.set_xlabel("total overtime per sample (minutes, all sessions)")
    left.set_ylabel("share of samples")
    left.set_title(f"Overtime distribution ({results[0].overall.samples:,} samples; dotted: P90)")
    left.legend(fontsize=8)

    first = results[0]
    used = [s for s in first.sessions if s.cases > 0]
    worst = sorted(used, key=lambda s: (-s.overtime.mean, s.session))[:top]
    if worst:
        ys = range(len(worst))
        right.barh(ys, [s.overtime.p95 for s in worst], color="#f4cccc", label="P95")
        right.barh(ys, [s.overtime.p90 for s in worst], color="#e06666", label="P90")
        right.barh(ys, [s.overtime.p50 for s in worst], color="#990000", label="P50")
        right.scatter(
            [s.overtime.mean for s in worst], ys, color="black", zorder=3, s=12, label="mean"
        )
        right.set_yticks(list(ys))
        right.set_yticklabels(
            [f"{s.session}  P(ot) {100 * s.p_overtime:.0f}%" for s in worst], fontsize=7
        )
        right.invert_yaxis()
        right.legend(fontsize=8, loc="lower right")
    right.set_xlabel("overtime (minutes)")
    right.set_title(f"Sessions with most expected overtime ({names[0]})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
