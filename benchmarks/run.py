"""Benchmark runner: every (instance, method) pair with the same search-time budget.

Usage (from the repository root)::

    python -m benchmarks.run --smoke                 # demo-size, 5 s, < 3 min; exit 1 on failure
    python -m benchmarks.run                         # the whole suite (see benchmarks/README.md)
    python -m benchmarks.run --families pilot-week small --time-limit 60
    python -m benchmarks.run --families hospital-month --limit hospital-month=120

Each solve runs in its own child process (``python -m benchmarks.run --child ...``); the
parent reads the child's peak resident memory from ``os.wait4``'s resource usage. The child
regenerates the instance, runs the method, re-checks the plan with ``orplan.check.check``
and writes one JSON record. A plan the checker rejects, a missing plan, a crash or a
timeout is a *failure* row.

Outputs, in ``benchmarks/results/``: ``<date>-<commit>[-smoke].csv`` (one row per run),
``.md`` (the table and the targets), ``-traces.json`` (objective and bound over time) and,
for full runs, ``-gap-pilot-week.png`` and ``-scaling.png``. A second run on the same day and
commit gets ``-2``, ``-3``, ... ``--from-csv A.csv B.csv`` re-renders merged results (B's rows
replace A's for the same instance and method) as ``<date>-<commit>-combined``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.suite import DEFAULT_LIMITS, FAMILIES, Instance, instances, smoke_instances

METHODS = (
    "rule", "mip", "cpsat", "cpsat-cold", "cpsat-hint", "cpsat-decompose", "cpsat-benders",
    "cpsat-nomip", "cpsat-mipbound", "cpsat-mipstart", "cpsat-mipstart-bound",
)  # fmt: skip

#: Methods run by default (``cpsat-hint`` duplicates the default's warm start since orplan
#: warm-starts from the rule plan itself; ask for it with ``--methods``).
DEFAULT_METHODS = ("rule", "mip", "cpsat", "cpsat-cold")

COLUMNS = (
    "instance",
    "family",
    "cases",
    "theatres",
    "sessions",
    "scenario_sha256",
    "method",
    "time_limit",
    "workers",
    "seed",
    "status",
    "valid",
    "objective",
    "bound",
    "gap",
    "best_bound",
    "gap_to_best_bound",
    "time_to_first",
    "time_to_best",
    "time_to_improve",
    "wall_time",
    "scheduled",
    "unscheduled",
    "utilisation",
    "overtime_minutes",
    "deadline_breaches",
    "violations",
    "peak_mb",
    "load_before",
    "error",
    "extra",
    "bound_source",
    "unavoidable",
    "gap_decidable",
)

RESULTS = Path(__file__).resolve().parent / "results"
README = Path(__file__).resolve().parent / "README.md"
MARK_START = "<!-- results:start -->"
MARK_END = "<!-- results:end -->"


# -- child side ---------------------------------------------------------------------------
def run_method(
    instance: Instance,
    method: str,
    time_limit: float,
    workers: int,
    seed: int,
    scenario_file: str | None = None,
) -> dict[str, Any]:
    """Run one method on one instance in this process and return its record.

    Parameters
    ----------
    instance
        The instance (regenerated here unless ``scenario_file`` is given).
    method
        One of :data:`METHODS`.
    time_limit
        Search seconds (the rule baseline ignores it).
    workers
        Solver threads.
    seed
        Solver seed.
    scenario_file
        The instance's scenario as written by the parent (so every method of a run solves
        the very same scenario even if the generator changes meanwhile).

    Returns
    -------
    dict
        The row fields (see :data:`COLUMNS`, without ``peak_mb`` and ``best_bound``) and
        ``trace``: ``[elapsed, objective, bound]`` points.
    """
    from orplan.baselines import solve_cpsat, solve_cpsat_hint, solve_mip, solve_rule
    from orplan.baselines.common import MethodResult
    from orplan.baselines.cpsat import MIP_VARIANTS
    from orplan.scenario import load_scenario
    from orplan.scenario.io import scenario_digest

    scenario = load_scenario(scenario_file) if scenario_file else instance.build()
    row: dict[str, Any] = {
        "instance": instance.id,
        "family": instance.family,
        "cases": len(scenario.cases),
        "theatres": len(scenario.theatres),
        "sessions": len(scenario.sessions),
        "scenario_sha256": scenario_digest(scenario)[:16],
        "method": method,
        "time_limit": time_limit,
        "workers": workers,
        "seed": seed,
    }
    result: MethodResult
    if method == "rule":
        result = solve_rule(scenario)
    elif method == "mip":
        result = solve_mip(scenario, time_limit=time_limit, workers=workers, seed=seed)
    elif method == "cpsat":
        result = solve_cpsat(scenario, time_limit=time_limit, workers=workers, seed=seed)
    elif method == "cpsat-cold":
        result = solve_cpsat(
            scenario, time_limit=time_limit, workers=workers, seed=seed, warm_start=False
        )
    elif method == "cpsat-hint":
        result = solve_cpsat_hint(scenario, time_limit=time_limit, workers=workers, seed=seed)
    elif method == "cpsat-decompose":
        result = solve_cpsat(
            scenario, time_limit=time_limit, workers=workers, seed=seed, strategy="decompose"
        )
    elif method == "cpsat-benders":
        # The default search, with the logic-based Benders bound alongside (bound_source).
        result = solve_cpsat(
            scenario, time_limit=time_limit, workers=workers, seed=seed, benders_bound=True
        )
    elif method in MIP_VARIANTS:
        # The default search with the two HiGHS helpers (MIP's dual bound beside the
        # search, MIP-start stage in decompose) set as named.
        bound_on, start_on = MIP_VARIANTS[method]
        result = solve_cpsat(
            scenario, time_limit=time_limit, workers=workers, seed=seed, mip_bound=bound_on,
            mip_start=start_on,
        )  # fmt: skip
    else:
        raise ValueError(f"unknown method {method!r}; known: {', '.join(METHODS)}")
    row.update(record(result))
    return row


def time_to_improve(trace: Any) -> float | None:
    """Seconds until the first plan better than the first one (None: never improved).

    A Ctrl-C before it returns the start plan (issue 14, item 12).

    Parameters
    ----------
    trace
        ``(elapsed, objective, ...)`` progress points in time order.
    """
    points = [(p[0], p[1]) for p in trace if p[1] is not None]
    if not points:
        return None
    first = points[0][1]
    return next((t for t, cost in points if cost < first - 1e-9), None)


def record(result: Any) -> dict[str, Any]:
    """Row fields of a :class:`~orplan.baselines.common.MethodResult`.

    Parameters
    ----------
    result
        The method's result.

    Returns
    -------
    dict
        Status, cost, bound, gap, times, KPIs, violations, extra and the trace.
    """
    report = result.report
    kpis = report.kpis if report is not None else None
    run = result.plan.run if result.plan is not None else None
    if result.extra.get("skipped"):
        status = "SKIPPED"
    elif result.plan is None:
        status = "NO_PLAN"
    elif not result.valid:
        status = "INVALID"
    else:
        status = str(result.extra.get("status") or result.plan.run.status)
    return {
        "status": status,
        "valid": bool(result.valid),
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "time_to_first": result.time_to_first,
        "time_to_best": result.time_to_best,
        "time_to_improve": time_to_improve(result.trace),
        "wall_time": result.wall_time,
        "scheduled": kpis.scheduled if kpis else None,
        "unscheduled": kpis.unscheduled if kpis else None,
        "utilisation": kpis.utilisation if kpis else None,
        "overtime_minutes": kpis.overtime_minutes if kpis else None,
        "deadline_breaches": kpis.deadline_breaches if kpis else None,
        "violations": len(report.violations) if report is not None else None,
        "error": result.extra.get("error", ""),
        "extra": {k: v for k, v in result.extra.items() if k not in ("status", "error", "skipped")},
        # Which bound the row reports and the cost no plan avoids (issue 17), as the solve
        # recorded them in the plan; the MIP's bound is its own dual bound, the rule has none.
        "bound_source": (run.bound_source if run is not None else None)
        or ("mip" if result.bound is not None and result.method == "mip" else None),
        "unavoidable": run.unavoidable if run is not None else None,
        "gap_decidable": run.gap_decidable if run is not None else None,
        "trace": [[_clean(v) for v in p] for p in result.trace],
    }


def _child(args: argparse.Namespace) -> int:
    instance = Instance.from_dict(json.loads(args.child))
    row = run_method(instance, args.method, args.time_limit, args.workers, args.seed, args.scenario)
    Path(args.output).write_text(json.dumps(row, default=str))
    return 0


# -- parent side --------------------------------------------------------------------------
def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def run_one(
    instance: Instance,
    method: str,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    timeout: float | None = None,
    scenario_file: Path | None = None,
) -> dict[str, Any]:
    """Run one (instance, method) in a child process; add its peak memory to the record.

    Parameters
    ----------
    instance
        The instance.
    method
        One of :data:`METHODS`.
    time_limit
        Search seconds.
    workers
        Solver threads.
    seed
        Solver seed.
    timeout
        Kill the child after this many seconds (default: 3 x limit + 180 s).
    scenario_file
        The instance's scenario file (default: the child regenerates it).

    Returns
    -------
    dict
        The record of :func:`run_method` plus ``peak_mb``; a failure record (status
        ``CRASH`` or ``TIMEOUT``) when the child did not finish.
    """
    timeout = timeout if timeout is not None else 3 * time_limit + 180
    with tempfile.TemporaryDirectory(prefix="orplan-bench-") as tmp:
        output = Path(tmp) / "row.json"
        log = Path(tmp) / "log.txt"
        command = [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--child",
            json.dumps(instance.to_dict()),
            "--method",
            method,
            "--time-limit",
            str(time_limit),
            "--workers",
            str(workers),
            "--seed",
            str(seed),
            "--output",
            str(output),
        ]
        if scenario_file is not None:
            command += ["--scenario", str(scenario_file)]
        load_before = os.getloadavg()[0]
        began = time.perf_counter()
        root = Path(__file__).resolve().parents[1]
        with log.open("w") as sink:
            proc = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, cwd=root)
            timed_out = threading.Event()

            def kill() -> None:
                timed_out.set()
                proc.kill()

            timer = threading.Timer(timeout, kill)
            timer.start()
            try:
                _, wait_status, usage = os.wait4(proc.pid, 0)
            finally:
                timer.cancel()
            proc.returncode = os.waitstatus_to_exitcode(wait_status)
        elapsed = time.perf_counter() - began
        peak_mb = usage.ru_maxrss / 1024.0  # Linux: kilobytes
        if proc.returncode == 0 and output.exists():
            row = json.loads(output.read_text())
        else:
            tail = log.read_text(errors="replace").strip().splitlines()[-3:]
            row = {
                "instance": instance.id,
                "family": instance.family,
                "method": method,
                "time_limit": time_limit,
                "workers": workers,
                "seed": seed,
                "status": "TIMEOUT" if timed_out.is_set() else "CRASH",
                "valid": False,
                "wall_time": elapsed,
                "error": " | ".join(tail)[-400:],
                "trace": [],
            }
    row["peak_mb"] = round(peak_mb, 1)
    row["load_before"] = round(load_before, 2)
    return {k: _clean(v) for k, v in row.items()}


def add_best_bounds(rows: list[dict[str, Any]]) -> None:
    """Set ``best_bound`` (highest bound of any method on the instance) and the gap to it.

    Parameters
    ----------
    rows
        Records, changed in place. The gap to the best bound is clipped at 0: CP-SAT's
        bound is for plans on the scenario's time grid, the MIP's for exact minutes.
    """
    best: dict[str, float] = {}
    for row in rows:
        bound = row.get("bound")
        if bound is not None and row.get("valid"):
            best[row["instance"]] = max(best.get(row["instance"], -math.inf), float(bound))
    for row in rows:
        b = best.get(row["instance"])
        row["best_bound"] = b
        obj = row.get("objective")
        row["gap_to_best_bound"] = (
            max(0.0, obj - b) / max(1.0, abs(obj))
            if b is not None and obj is not None and row.get("valid")
            else None
        )


def run_suite(
    cases: Sequence[Instance],
    methods: Sequence[str] = DEFAULT_METHODS,
    limits: dict[str, float] | None = None,
    default_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    echo: bool = True,
    dask: int = 0,
    scheduler: str | None = None,
) -> list[dict[str, Any]]:
    """Run every (instance, method) pair, one at a time (or on Dask workers).

    Parameters
    ----------
    cases
        Instances.
    methods
        Methods to run on each.
    limits
        Search seconds per family (overrides ``default_limit``).
    default_limit
        Search seconds for families not in ``limits``.
    workers
        Solver threads.
    seed
        Solver seed.
    echo
        Print one line per finished run.
    dask, scheduler
        Fan the runs out over a LocalCluster of ``dask`` processes, or a running scheduler
        (see :mod:`benchmarks.fanout`); each worker's child regenerates its instance.

    Returns
    -------
    list of dict
        One record per run, with ``best_bound`` and ``gap_to_best_bound`` added.
    """
    from orplan.scenario import save_scenario

    limits = limits or {}
    rows: list[dict[str, Any]] = []
    if dask or scheduler:
        from benchmarks.fanout import fan_out

        calls = [
            (instance, method, limits.get(instance.family, default_limit), workers, seed)
            for instance in cases
            for method in methods
        ]
        rows = fan_out(
            run_one, calls, dask, scheduler, (lambda i, row: _echo(row)) if echo else None
        )
        add_best_bounds(rows)
        return rows
    for instance in cases:
        limit = limits.get(instance.family, default_limit)
        with tempfile.TemporaryDirectory(prefix="orplan-scenario-") as tmp:
            # Generate once: every method of the instance solves the very same file.
            scenario_file = Path(tmp) / f"{instance.id}.json"
            save_scenario(instance.build(), scenario_file)
            for method in methods:
                row = run_one(instance, method, limit, workers, seed, scenario_file=scenario_file)
                rows.append(row)
                if echo:
                    _echo(row)
    add_best_bounds(rows)
    return rows


def _echo(row: dict[str, Any]) -> None:
    print(
        f"{row.get('instance', '?'):20s} {row.get('method', '?'):11s} "
        f"{row.get('status', '?'):9s} "
        f"cost={_fmt(row.get('objective'))} bound={_fmt(row.get('bound'))} "
        f"gap={_pct(row.get('gap'))} first={_fmt(row.get('time_to_first'), 1)}s "
        f"wall={_fmt(row.get('wall_time'), 1)}s mem={_fmt(row.get('peak_mb'))}MB",
        flush=True,
    )


# -- outputs ------------------------------------------------------------------------------
def write_csv(rows: Iterable[dict[str, Any]], path: Path) -> Path:
    """Write the records as CSV with the columns of :data:`COLUMNS`.

    Parameters
    ----------
    rows
        Records (extra keys such as ``trace`` are left out; ``extra`` is JSON).
    path
        Output file (folders are created).

    Returns
    -------
    Path
        ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            out = {k: row.get(k) for k in COLUMNS}
            out["extra"] = json.dumps(row.get("extra") or {}, sort_keys=True, default=str)
            writer.writerow(out)
    return path


def _fmt(value: Any, digits: int = 0) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, float) and not math.isfinite(value):
        return "–"
    return f"{float(value):,.{digits}f}"


def _pct(value: Any) -> str:
    if value is None or value == "":
        return "–"
    return f"{100 * float(value):.1f} %"


def markdown_table(rows: Iterable[dict[str, Any]]) -> str:
    """The results as a Markdown table, one line per run.

    Parameters
    ----------
    rows
        Records.

    Returns
    -------
    str
    """
    head = (
        "| instance | cases | method | limit s | status | cost (checker) | bound | gap "
        "| gap to best bound | first s | improved s | best s | wall s | scheduled | util "
        "| overtime min | breaches | peak MB |"
    )
    lines = [head, "|" + "---|" * 18]
    for r in rows:
        lines.append(
            f"| {r.get('instance')} | {r.get('cases', '–')} | {r.get('method')} "
            f"| {_fmt(r.get('time_limit'))} | {r.get('status')} | {_fmt(r.get('objective'))} "
            f"| {_fmt(r.get('bound'))} | {_pct(r.get('gap'))} "
            f"| {_pct(r.get('gap_to_best_bound'))} | {_fmt(r.get('time_to_first'), 1)} "
            f"| {_fmt(r.get('time_to_improve'), 1)} "
            f"| {_fmt(r.get('time_to_best'), 1)} | {_fmt(r.get('wall_time'), 1)} "
            f"| {_fmt(r.get('scheduled'))} | {_pct(r.get('utilisation'))} "
            f"| {_fmt(r.get('overtime_minutes'))} | {_fmt(r.get('deadline_breaches'))} "
            f"| {_fmt(r.get('peak_mb'))} |"
        )
    return "\n".join(lines)


def _quarter_target(r: dict[str, Any]) -> str:
    """Issue 17 item 5: 13 weeks get a checked plan in <= 120 s and < 4 GB."""
    wall, mem = r.get("wall_time"), r.get("peak_mb")
    head = f"- {r['instance']}: checked plan in ≤ 120 s and < 4 GB — "
    if not r.get("valid"):
        return head + "**missed: no checked plan**"
    misses = []
    if wall is None or wall > 120:
        misses.append(f"{_fmt(wall, 1)} s")
    if mem is None or mem >= 4096:
        misses.append(f"{_fmt(mem)} MB")
    said = f"({_fmt(wall, 1)} s, {_fmt(mem)} MB)"
    return head + (f"**missed** {said}" if misses else f"met {said}")


def targets(rows: list[dict[str, Any]]) -> list[str]:
    """Check the targets of ``benchmarks/README.md``; say by how much each is missed.

    Parameters
    ----------
    rows
        Records of a run.

    Returns
    -------
    list of str
        One Markdown bullet per target and instance.
    """
    out: list[str] = []
    cp = [r for r in rows if r.get("method") == "cpsat"]
    for r in cp:
        if r.get("family") == "pilot-week":
            gap, limit = r.get("gap"), r.get("time_limit")
            note = "" if limit == 60 and r.get("workers") == 2 else f" (ran {limit} s)"
            if gap is None:
                out.append(f"- {r['instance']}: proven gap ≤ 1 % in 60 s — **missed: no plan**")
            elif gap <= 0.01:
                out.append(f"- {r['instance']}: proven gap ≤ 1 % in 60 s — met ({_pct(gap)}){note}")
            else:
                out.append(
                    f"- {r['instance']}: proven gap ≤ 1 % in 60 s — **missed by "
                    f"{100 * (gap - 0.01):.1f} points** (gap {_pct(gap)}){note}"
                )
        if r.get("family") == "hospital-month":
            limit = r.get("time_limit")
            note = "" if limit == 600 else f" (ran with {limit:g} s, not 600 s)"
            first = r.get("time_to_first")
            if first is None:
                out.append(f"- {r['instance']}: first plan ≤ 30 s — **missed: no plan**{note}")
            else:
                verdict = "met" if first <= 30 else f"**missed by {first - 30:.1f} s**"
                out.append(f"- {r['instance']}: first plan ≤ 30 s — {verdict} ({first:.1f} s)")
            gap = r.get("gap")
            if gap is None:
                out.append(f"- {r['instance']}: gap ≤ 2 % — **missed: no plan/bound**{note}")
            else:
                verdict = "met" if gap <= 0.02 else f"**missed by {100 * (gap - 0.02):.1f} points**"
                out.append(f"- {r['instance']}: gap ≤ 2 % — {verdict} ({_pct(gap)}){note}")
            mem = r.get("peak_mb")
            if mem is not None:
                verdict = "met" if mem <= 4096 else f"**missed by {mem - 4096:.0f} MB**"
                out.append(f"- {r['instance']}: peak memory ≤ 4 GB — {verdict} ({mem:.0f} MB)")
        if r.get("family") == "quarter":
            out.append(_quarter_target(r))
    by_instance: dict[str, dict[str, dict[str, Any]]] = {}
    for r in rows:
        by_instance.setdefault(r["instance"], {})[r["method"]] = r
    losses = []
    for name, methods in by_instance.items():
        c = methods.get("cpsat")
        if c is None:
            continue
        for base in ("rule", "mip"):
            b = methods.get(base)
            if b is None or not b.get("valid"):
                continue
            if not c.get("valid"):
                losses.append(
                    f"{name}: CP-SAT has no valid plan, {base} has {_fmt(b['objective'])}"
                )
            elif c["objective"] > b["objective"]:
                worse = (c["objective"] - b["objective"]) / max(1.0, abs(b["objective"]))
                losses.append(
                    f"{name}: CP-SAT {_fmt(c['objective'])} vs {base} {_fmt(b['objective'])} "
                    f"(+{100 * worse:.1f} %)"
                )
    if any(r.get("method") == "cpsat" for r in rows):
        if losses:
            out.append(
                "- CP-SAT at least as good as both baselines on every row — **missed** on "
                f"{len(losses)}: " + "; ".join(losses)
            )
        else:
            out.append("- CP-SAT at least as good as both baselines on every row — met")
    return out


def _git_commit() -> str:
    root = Path(__file__).resolve().parents[1]
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=root,
            check=True,
        )
        return out.stdout.strip() or "nocommit"
    except (OSError, subprocess.CalledProcessError):
        return "nocommit"


def machine() -> str:
    """One line describing the machine, Python and solver versions.

    Returns
    -------
    str
    """
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    except OSError:
        pass
    versions = []
    for name in ("ortools", "highspy"):
        try:
            from importlib.metadata import version

            versions.append(f"{name} {version(name)}")
        except Exception:
            versions.append(f"{name} ?")
    return (
        f"{os.cpu_count()} cores, {memory} RAM, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, " + ", ".join(versions)
    )


def failed(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs that count as failures: no plan, a plan the checker rejects, crash, timeout.

    Parameters
    ----------
    rows
        Records.

    Returns
    -------
    list of dict
        The failed records (``SKIPPED`` runs are not failures).
    """
    return [r for r in rows if not r.get("valid") and r.get("status") != "SKIPPED"]


def write_markdown(rows: list[dict[str, Any]], path: Path, title: str) -> str:
    """Write the table and the targets to ``path`` and return the text.

    Parameters
    ----------
    rows
        Records.
    path
        Output file.
    title
        Heading line.

    Returns
    -------
    str
        The Markdown written.
    """
    failures = failed(rows)
    text = "\n".join(
        [
            f"### {title}",
            "",
            f"Machine: {machine()}.",
            "",
            markdown_table(rows),
            "",
            f"Failures (no plan or a plan the checker rejects): {len(failures)}"
            + (
                ""
                if not failures
                else " — "
                + ", ".join(f"{r['instance']}/{r['method']} ({r.get('status')})" for r in failures)
            ),
            "",
            "Targets:",
            "",
            *targets(rows),
            "",
        ]
    )
    path.write_text(text)
    return text


def plot(rows: list[dict[str, Any]], prefix: Path) -> list[Path]:
    """Gap over time on pilot-week, and solve time over size for the scaling series.

    The gap of a trace point is measured against the best bound any method proved on the
    instance (so the rule baseline, which has no bound, is on the same scale). HiGHS's
    incumbents are objectives of the relaxed MIP, so they are drawn dashed and the MIP's
    checked plan as a star.

    Parameters
    ----------
    rows
        Records with ``trace``.
    prefix
        Path prefix of the PNG files.

    Returns
    -------
    list of Path
        The files written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written: list[Path] = []
    week = [r for r in rows if r.get("family") == "pilot-week" and r.get("trace")]
    if week:
        names = sorted({r["instance"] for r in week})
        fig, axes = plt.subplots(1, len(names), figsize=(6 * len(names), 4), squeeze=False)
        for ax, name in zip(axes[0], names, strict=True):
            for r in (r for r in week if r["instance"] == name):
                best = r.get("best_bound")
                pts = [(t, o) for t, o, _ in r["trace"] if o is not None]
                if best is None or not pts:
                    continue
                xs = [t for t, _ in pts]
                ys = [100 * max(0.0, o - best) / max(1.0, abs(o)) for _, o in pts]
                if r["method"] == "mip" and len(pts) > 1:
                    # HiGHS incumbents are objectives of the relaxed MIP, not plans: dashed;
                    # the last point is the checked plan after sequencing and repair.
                    line = ax.step(
                        xs[:-1], ys[:-1], where="post", linestyle="--", alpha=0.6,
                        label="mip: MIP incumbents (relaxed, not plans)",
                    )  # fmt: skip
                    ax.plot(
                        xs[-1:], ys[-1:], marker="*", markersize=12, linestyle="none",
                        color=line[0].get_color(), label="mip: checked plan",
                    )  # fmt: skip
                    continue
                ax.step(xs, ys, where="post", marker="o", markersize=3, label=r["method"])
            ax.set_title(f"{name}: gap to best bound")
            ax.set_xlabel("seconds")
            ax.set_ylabel("gap %")
            ax.grid(alpha=0.3)
            ax.legend()
        fig.tight_layout()
        path = prefix.with_name(prefix.name + "-gap-pilot-week.png")
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(path)
    scale = [r for r in rows if r.get("family") == "scaling"]
    if scale:
        fig, axes = plt.subplots(1, 2, figsize=(12, 4))
        for method in sorted({r["method"] for r in scale}):
            mine = sorted(
                (r for r in scale if r["method"] == method), key=lambda r: r["cases"] or 0
            )
            xs = [r["cases"] for r in mine if r.get("time_to_first") is not None]
            ys = [r["time_to_first"] for r in mine if r.get("time_to_first") is not None]
            axes[0].plot(xs, ys, marker="o", label=method)
            xs = [r["cases"] for r in mine if r.get("gap_to_best_bound") is not None]
            ys = [
                100 * r["gap_to_best_bound"] for r in mine if r.get("gap_to_best_bound") is not None
            ]
            axes[1].plot(xs, ys, marker="o", label=method)
        axes[0].set_title("time to first plan vs size")
        axes[0].set_xscale("log")
        axes[0].set_yscale("log")
        axes[0].set_ylabel("seconds")
        axes[1].set_title("gap to best bound at the time limit vs size")
        axes[1].set_xscale("log")
        axes[1].set_ylabel("gap %")
        for ax in axes:
            ax.set_xlabel("cases (theatres = cases / 20)")
            ax.grid(alpha=0.3)
            ax.legend()
        fig.tight_layout()
        path = prefix.with_name(prefix.name + "-scaling.png")
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(path)
    return written


def update_readme(text: str, readme: Path = README) -> bool:
    """Replace the results section of the README (between the result markers).

    Parameters
    ----------
    text
        Markdown to put between the markers.
    readme
        The README file.

    Returns
    -------
    bool
        Whether the markers were found and the file changed.
    """
    if not readme.exists():
        return False
    content = readme.read_text()
    if MARK_START not in content or MARK_END not in content:
        return False
    head, rest = content.split(MARK_START, 1)
    _, tail = rest.split(MARK_END, 1)
    readme.write_text(f"{head}{MARK_START}\n{text}\n{MARK_END}{tail}")
    return True


def _parse_limits(items: list[str]) -> dict[str, float]:
    limits: dict[str, float] = {}
    for item in items:
        family, _, value = item.partition("=")
        if family not in FAMILIES or not value:
            raise SystemExit(f"--limit: expected FAMILY=SECONDS with FAMILY in {FAMILIES}")
        limits[family] = float(value)
    return limits


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (see the module docstring).

    Parameters
    ----------
    argv
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success; 1 when ``--smoke`` saw a failure row.
    """
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--smoke", action="store_true", help="demo-size instances, 5 s limits")
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=FAMILIES)
    parser.add_argument("--methods", nargs="+", default=list(DEFAULT_METHODS), choices=METHODS)
    parser.add_argument("--time-limit", type=float, default=None, help="seconds for every family")
    parser.add_argument("--limit", action="append", default=[], metavar="FAMILY=SECONDS")
    parser.add_argument("--scaling-steps", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--no-plots", action="store_true")
    parser.add_argument("--update-readme", action="store_true", help="paste the table in README")
    parser.add_argument("--dask", type=int, default=0, metavar="N",
                        help="fan runs out over a Dask LocalCluster of N processes")  # fmt: skip
    parser.add_argument("--scheduler", default=None, metavar="ADDR",
                        help="fan runs out over a running Dask scheduler")  # fmt: skip
    parser.add_argument(
        "--from-csv",
        nargs="+",
        metavar="CSV",
        help="run nothing: merge these results files (later rows replace earlier ones for "
        "the same instance and method) and write the table, plots and README again",
    )
    # child mode (internal)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--method", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args)

    if args.smoke:
        cases = smoke_instances()
        default = args.time_limit or 5.0
        limits: dict[str, float] = {}
    else:
        cases = instances(args.families, args.scaling_steps)
        default = args.time_limit or 60.0
        limits = {} if args.time_limit else dict(DEFAULT_LIMITS)
    limits.update(_parse_limits(args.limit))
    began = time.perf_counter()
    if args.from_csv:
        rows = merge_rows([read_csv(Path(p)) for p in args.from_csv])
        kind = "combined from " + ", ".join(Path(p).stem for p in args.from_csv)
        suffix = "-combined"
    else:
        rows = run_suite(
            cases, args.methods, limits, default, args.workers, args.seed,
            dask=args.dask, scheduler=args.scheduler,
        )  # fmt: skip
        kind = "smoke" if args.smoke else "suite"
        suffix = "-smoke" if args.smoke else ""
    stamp = _unique_stamp(args.out, f"{dt.date.today().isoformat()}-{_git_commit()}{suffix}")
    prefix = args.out / stamp
    write_csv(rows, prefix.with_suffix(".csv"))
    (args.out / f"{stamp}-traces.json").write_text(
        json.dumps(
            [{k: r.get(k) for k in ("instance", "method", "best_bound", "trace")} for r in rows]
        )
    )
    title = f"{stamp} ({kind}, {len(rows)} runs" + (
        "" if args.from_csv else f", {time.perf_counter() - began:.0f} s"
    )
    text = write_markdown(rows, prefix.with_suffix(".md"), title + ")")
    if not args.no_plots and not args.smoke:
        plot(rows, prefix)
    if args.update_readme:
        update_readme(text)
    failures = failed(rows)
    print(f"wrote {prefix.with_suffix('.csv')} and .md; failures: {len(failures)}")
    if args.smoke and failures:
        return 1
    return 0


def _unique_stamp(folder: Path, stamp: str) -> str:
    """``stamp``, or ``stamp-2``, ``stamp-3``, ... if a CSV of that name exists."""
    candidate, n = stamp, 1
    while (folder / f"{candidate}.csv").exists():
        n += 1
        candidate = f"{stamp}-{n}"
    return candidate


_INTS = {
    "cases",
    "theatres",
    "sessions",
    "workers",
    "seed",
    "scheduled",
    "unscheduled",
    "overtime_minutes",
    "deadline_breaches",
    "violations",
}
_TEXT = {"instance", "family", "scenario_sha256", "method", "status", "error", "bound_source"}


def read_csv(path: Path) -> list[dict[str, Any]]:
    """Read a results CSV back into records (with traces from its ``-traces.json``).

    Parameters
    ----------
    path
        A CSV written by :func:`write_csv`.

    Returns
    -------
    list of dict
        Records with numbers, booleans and ``extra`` parsed.
    """
    traces: dict[tuple[str, str], Any] = {}
    sibling = path.with_name(path.stem + "-traces.json")
    if sibling.exists():
        for item in json.loads(sibling.read_text()):
            traces[(item["instance"], item["method"])] = item.get("trace") or []
    rows: list[dict[str, Any]] = []
    with path.open(newline="") as handle:
        for raw in csv.DictReader(handle):
            row: dict[str, Any] = {}
            for key, value in raw.items():
                if key in _TEXT:
                    row[key] = value
                elif key == "valid":
                    row[key] = value == "True"
                elif key == "extra":
                    row[key] = json.loads(value) if value else {}
                elif value in ("", "None"):
                    row[key] = None
                elif key in _INTS:
                    row[key] = int(float(value))
                else:
                    row[key] = float(value)
            row["trace"] = traces.get((row["instance"], row["method"]), [])
            rows.append(row)
    return rows


def merge_rows(tables: Sequence[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Merge result tables; a later table's (instance, method) row replaces an earlier one.

    Parameters
    ----------
    tables
        Record lists, oldest first.

    Returns
    -------
    list of dict
        Merged records in first-seen order, with best bounds recomputed.
    """
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for table in tables:
        for row in table:
            merged[(row["instance"], row["method"])] = row
    rows = list(merged.values())
    add_best_bounds(rows)
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
