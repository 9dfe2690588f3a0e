"""Write the example notebooks in this folder from the cell texts below.

The notebooks are generated, not hand-edited, so that they stay reproducible and are
committed without outputs or execution counts (cell ids are fixed, not random). Edit the
cells here and run::

    .venv/bin/python notebooks/build_notebooks.py           # rewrite notebooks/*.ipynb
    .venv/bin/python notebooks/build_notebooks.py --check   # exit 1 if a notebook is stale

Execute them (quick settings, about a minute in all)::

    ORPLAN_NB_SMALL=1 ORPLAN_NB_TIME=5 .venv/bin/pytest --nbmake notebooks/ -q

Environment variables read by the notebooks: ``ORPLAN_NB_TIME`` (seconds per solve,
default 10) and ``ORPLAN_NB_SMALL`` (``1``: smaller scenarios and fewer simulation samples).
Needs ``nbformat`` (installed with ``nbmake`` or Jupyter).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

Cell = tuple[str, str]  # ("md" | "code", text)


def md(text: str) -> Cell:
    """A Markdown cell (text is dedented)."""
    return ("md", textwrap.dedent(text).strip())


def code(text: str) -> Cell:
    """A code cell (text is dedented)."""
    return ("code", textwrap.dedent(text).strip())


SETTINGS_TEXT = """
    SMALL = os.environ.get("ORPLAN_NB_SMALL", "0") == "1"  # quick settings (CI)
    {time}
    ROOT = next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "scenarios").is_dir())
    pd.set_option("display.width", 120)
    pd.set_option("display.max_columns", 30)


    def show(fig):
        \"\"\"Display a figure once (orplan's plotting modules select the Agg backend).\"\"\"
        display(fig)
        plt.close(fig)


    print(f"time limit {TIME:g} s per solve, small settings: {SMALL}, repository: {ROOT}")
    """


def settings(full: int = 10, small: int = 10) -> Cell:
    """The settings cell; default time limits for the full and the small (quick) settings."""
    default = f'"{full}"' if full == small else f'"{small}" if SMALL else "{full}"'
    line = f'TIME = float(os.environ.get("ORPLAN_NB_TIME", {default}))  # seconds per solve'
    return code(SETTINGS_TEXT.replace("{time}", line))


# -- 01 quickstart -------------------------------------------------------------------------

QUICKSTART = [
    md(
        """
        # orplan quickstart

        Load the demo scenario, plan it with CP-SAT, read the plan as a table, look at the
        KPIs and the Gantt chart, and let the independent checker verify the plan.

        Environment: `ORPLAN_NB_TIME` sets the solver's time limit in seconds (default 10).
        """
    ),
    code(
        """
        import itertools
        import os
        from pathlib import Path

        import matplotlib.pyplot as plt
        import pandas as pd
        from IPython.display import display

        import orplan
        from orplan.report import gantt_figure

        %matplotlib inline
        """
    ),
    settings(full=10, small=10),
    md(
        """
        ## 1. Load a scenario

        A scenario holds the horizon, theatres, sessions (a theatre open on one date),
        surgeons and the waiting list, plus rules and cost weights. `load_scenario` reads
        YAML or JSON and validates every field and cross-reference.
        """
    ),
    code(
        """
        scenario = orplan.load_scenario(ROOT / "scenarios" / "demo.yaml")
        print(f"{scenario.name}: {scenario.horizon.start} + {scenario.horizon.days} days")
        print(
            f"{len(scenario.theatres)} theatres, {len(scenario.sessions)} sessions, "
            f"{len(scenario.surgeons)} surgeons, {len(scenario.cases)} cases"
        )
        columns = ["id", "procedure", "specialty", "surgeon", "duration", "priority", "due"]
        pd.DataFrame([c.model_dump(include=set(columns)) for c in scenario.cases])[columns].head(8)
        """
    ),
    md(
        """
        ## 2. Solve

        `orplan.solve` builds the CP-SAT model and searches until the time limit (or a proof
        of optimality). `objective` is the cost of the plan, `bound` the best proven lower
        bound, `gap` their relative difference. The plan is re-verified by the independent
        checker before it is returned.
        """
    ),
    code(
        """
        result = orplan.solve(scenario, time_limit=TIME, workers=2, seed=0)
        assert result.plan is not None, result.explanation
        gap = "no bound" if result.gap is None else f"gap {result.gap:.1%}"
        print(f"{result.status}: cost {result.objective:,.0f}, {gap}, {result.wall_time:.1f} s")
        """
    ),
    md(
        """
        ## 3. The plan as a table

        `Plan.to_frame()` gives one row per case: session, theatre, date, start and end
        (`"HH:MM"`) and surgeon, or the reason why the case is not scheduled.
        """
    ),
    code(
        """
        frame = result.plan.to_frame()
        planned = frame[frame["scheduled"]].sort_values(["date", "theatre", "start"])
        planned.head(12)
        """
    ),
    code(
        """
        planned.groupby(["date", "theatre"]).size().unstack(fill_value=0)
        """
    ),
    code(
        """
        frame.loc[~frame["scheduled"], ["case", "reason"]]
        """
    ),
    md(
        """
        ## 4. KPIs and cost

        KPIs and the cost breakdown are recomputed by the checker from the plan (see
        `docs/rules.md` for their definitions).
        """
    ),
    code(
        """
        kpis = result.kpis.model_dump()
        flat = {name: value for name, value in kpis.items() if not isinstance(value, dict)}
        pd.Series(flat, name="value", dtype=object).to_frame()
        """
    ),
    code(
        """
        pd.Series(result.check.cost.model_dump(), name="cost").to_frame()
        """
    ),
    md(
        """
        ## 5. Gantt chart

        One row per theatre and one panel per date; cases coloured by specialty, grey
        session bars with a hatched allowed-overtime tail.
        """
    ),
    code(
        """
        show(gantt_figure(scenario, result.plan))
        """
    ),
    md(
        """
        ## 6. The independent check

        `orplan.check` shares no code with the solver. It accepts any plan - for example one
        edited by hand - and lists every broken hard rule.
        """
    ),
    code(
        """
        report = orplan.check(scenario, result.plan)
        print(report.summary())
        assert report.ok
        """
    ),
    md("A hand-edited plan is caught: start a session's second case on top of its first."),
    code(
        """
        placed = sorted(result.plan.scheduled(), key=lambda a: (a.session, a.start))
        pair = next(((a, b) for a, b in itertools.pairwise(placed) if a.session == b.session), None)
        if pair is None:
            print("no session holds two cases; nothing to break")
        else:
            first, second = pair
            moved = second.model_copy(
                update={"start": first.start, "end": first.start + second.end - second.start}
            )
            broken = result.plan.model_copy(
                update={"cases": [moved if c.case == moved.case else c for c in result.plan.cases]}
            )
            bad = orplan.check(scenario, broken)
            print(bad.summary(max_per_rule=3))
            assert not bad.ok
        """
    ),
    md(
        """
        ## Next

        * Command line: `orplan solve scenarios/demo.yaml --out out/demo` writes the plan,
          KPIs and charts; `orplan check` verifies any plan file.
        * HTML report for planners:
          `orplan.report.write_report(scenario, result.plan, "out/demo/report.html")`.
        * `02-what-if-pilot-week.ipynb`: capacity changes on a hospital week.
        """
    ),
]

# -- 02 what-if ----------------------------------------------------------------------------

WHATIF = [
    md(
        """
        # What-if analysis on the pilot week

        What do capacity changes cost in operations done and legal deadlines missed?
        Each question is a modified copy of the same week, made with `orplan.whatif`
        (the scenario file is never edited), solved with the same time limit and seed:

        | variant | edit |
        |---|---|
        | close a theatre 2 days | the busiest laminar-flow theatre shut on two days |
        | sessions +60 min | every session closes an hour later (surgeon daily maxima unchanged) |
        | surgeon on leave | the surgeon with most cases booked by name away all week |
        | demand +10 % | 10 % more patients on the waiting list (copies of drawn cases) |

        Environment: `ORPLAN_NB_TIME` (seconds per solve; default 60 on the full week, as
        recommended for pilot-week, so five solves take about five minutes);
        `ORPLAN_NB_SMALL=1` plans a small generated week instead (pilot-week profile with
        5 theatres: 2 orthopaedic, 1 gastro, 1 urology, 1 open; default 10 s per solve).
        """
    ),
    code(
        """
        import os
        from collections import Counter
        from pathlib import Path

        import matplotlib.pyplot as plt
        import pandas as pd
        from IPython.display import display

        import orplan
        from orplan import whatif
        from orplan.generate import SitePlan

        %matplotlib inline
        """
    ),
    settings(full=60, small=10),
    md("## The base week"),
    code(
        """
        if SMALL:
            rooms = (("orthopaedics", 2), ("gastro", 1), ("urology", 1))
            site = SitePlan("ULL", "Ullevål", rooms, open_theatres=1)
            base = orplan.generate("pilot-week", seed=1, sites=(site,))
        else:
            base = orplan.load_scenario(ROOT / "scenarios" / "pilot-week.yaml")
        open_minutes = sum(s.length for s in base.sessions)
        demand = sum(c.duration + base.turnover_of(c) for c in base.cases)
        print(
            f"{base.name}: {len(base.cases)} cases, {len(base.sessions)} sessions in "
            f"{len(base.theatres)} theatres, {len(base.surgeons)} surgeons; "
            f"demand/open minutes {demand / open_minutes:.2f}"
        )
        """
    ),
    md(
        """
        ## The variants

        Which theatre and which surgeon are picked from the data by fixed rules, so the
        notebook works on any week: the laminar-flow theatre with the most sessions
        (closed on its 2nd and 3rd session dates), and the surgeon with the most cases
        booked to them by name among surgeons without a mandatory case.
        """
    ),
    code(
        """
        sessions_per_theatre = Counter(s.theatre for s in base.sessions)
        laminar = [t.id for t in base.theatres if "laminar-flow" in t.capabilities]
        theatre = max(laminar or sessions_per_theatre, key=lambda t: (sessions_per_theatre[t], t))
        dates = sorted(s.date for s in base.sessions if s.theatre == theatre)
        closed_dates = dates[1:3] if len(dates) >= 3 else dates[:2]

        pinned = {s for c in base.cases if c.mandatory for s in base.surgeons_for(c)}
        booked = Counter(c.surgeon for c in base.cases if c.surgeon is not None)
        free = [s.id for s in base.surgeons if s.id not in pinned]
        surgeon = max(free, key=lambda s: (booked[s], s))

        variants = {
            "base": base,
            "close a theatre 2 days": whatif.close_theatre(base, theatre, dates=closed_dates),
            "sessions +60 min": whatif.extend_sessions(base, 60),
            "surgeon on leave": whatif.remove_surgeon(base, surgeon),
            "demand +10 %": whatif.scale_demand(base, 1.1, seed=1),
        }
        for label, variant in list(variants.items())[1:]:
            print(f"{label:24} {variant.description.splitlines()[-1]}")
        """
    ),
    md(
        """
        ## Solve every variant

        Same time limit, workers and seed for all. With a time limit the plans are not
        proven optimal: a difference smaller than the gaps in the table may be noise of
        the search rather than an effect of the change. A status `UNKNOWN` means no plan
        was found in time (its figures are missing): raise `ORPLAN_NB_TIME`.
        """
    ),
    code(
        """
        results = {}
        for label, variant in variants.items():
            result = orplan.solve(variant, time_limit=TIME, workers=2, seed=0)
            results[label] = result
            done = "-" if result.kpis is None else result.kpis.scheduled
            gap = "-" if result.gap is None else f"{result.gap:.0%}"
            took = f"{result.wall_time:.0f} s"
            print(f"{label:24} {result.status:9} scheduled {done:>4}, gap {gap:>4}, {took}")
        """
    ),
    code(
        """
        table = whatif.compare(results)
        table.insert(1, "cases", [len(v.cases) for v in variants.values()])
        for column in ("scheduled", "deadline_breaches", "overtime_minutes"):
            table[f"Δ {column}"] = table[column] - table.loc["base", column]
        columns = ["status", "cases", "scheduled", "Δ scheduled", "deadline_breaches"]
        columns += ["Δ deadline_breaches", "overtime_minutes", "utilisation", "open_minutes"]
        columns += ["cost", "gap"]
        table[columns].round({"utilisation": 3, "gap": 3})
        """
    ),
    code(
        """
        fig, axes = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
        labels = list(table.index)
        colours = ["#7f7f7f"] + ["#4e79a7"] * (len(labels) - 1)
        for ax, column, title in (
            (axes[0], "scheduled", "cases scheduled"),
            (axes[1], "deadline_breaches", "legal deadlines missed"),
        ):
            values = table[column].astype(float)
            bars = ax.bar(labels, values, color=colours)
            ax.axhline(values["base"], color="#7f7f7f", linestyle="--", linewidth=1)
            ax.bar_label(bars, fmt="%.0f")
            ax.set_title(title)
            ax.tick_params(axis="x", labelrotation=20)
        fig.suptitle(f"{base.name}: capacity changes ({TIME:g} s per solve)")
        show(fig)
        """
    ),
    md(
        """
        ## Reading the result

        * **Closing a theatre** removes open minutes; when the theatre has a scarce
          capability (laminar flow for joint replacements) its cases cannot simply move.
        * **Longer sessions** only help where surgeons still have daily minutes left: the
          `open_minutes` column grows more than `scheduled` does when surgeon time binds.
        * **A surgeon on leave** loses the cases booked to them by name; cases listing other
          eligible surgeons can move.
        * **+10 % demand** is a longer list for the same capacity: more cases scheduled is
          possible (a fuller week), but the unscheduled and breach counts grow. Its copied
          cases are new patients with deadlines of their own.

        Chain edits for combined questions, e.g.
        `whatif.extend_sessions(whatif.close_theatre(base, theatre), 60, specialty="orthopaedics")`.
        """
    ),
]

# -- 03 robust vs deterministic ------------------------------------------------------------

ROBUST = [
    md(
        """
        # Deterministic plan under uncertain durations

        A plan is made with *expected* case durations. On the day, durations vary: sessions
        run over and late cases are cancelled. `orplan.simulate.simulate` plays the plan
        many times with lognormal durations (common random numbers: a case draws the same
        durations whatever the plan) and reports overtime, cancellations and cases done.

        We compare two ways to run the same plan: the plan's order, and *smallest variance
        first* (SVF) inside each session. The last section plans robustly (session slack
        for a target overtime probability).

        Environment: `ORPLAN_NB_TIME` (seconds per solve; default 60 on pilot-week);
        `ORPLAN_NB_SMALL=1` uses the demo scenario, 10 s and fewer samples (quick).
        """
    ),
    code(
        """
        import os
        from pathlib import Path

        import matplotlib.pyplot as plt
        import numpy as np
        import pandas as pd
        from IPython.display import display

        import orplan
        from orplan import whatif
        from orplan.simulate import simulate

        %matplotlib inline
        """
    ),
    settings(full=60, small=10),
    code(
        """
        if SMALL:
            scenario = orplan.load_scenario(ROOT / "scenarios" / "demo.yaml")
            SAMPLES = 2000
        else:
            scenario = orplan.load_scenario(ROOT / "scenarios" / "pilot-week.yaml")
            SAMPLES = 10_000
        result = orplan.solve(scenario, time_limit=TIME, workers=2, seed=0)
        assert result.plan is not None, result.explanation
        print(
            f"{scenario.name}: {result.status}, {result.kpis.scheduled} of {len(scenario.cases)} "
            f"cases scheduled, planned overtime {result.kpis.overtime_minutes} min"
        )
        """
    ),
    md("## Simulate: plan order vs smallest variance first"),
    code(
        """
        runs = {
            label: simulate(scenario, result.plan, samples=SAMPLES, seed=0, sequencing=order)
            for label, order in (("plan order", "plan"), ("SVF", "svf"))
        }
        summary = pd.DataFrame({label: run.summary() for label, run in runs.items()})
        rows = ["cases_scheduled", "cases_done_mean", "cancellations_mean", "cancellations_p90"]
        rows += ["planned_overtime", "overtime_mean", "overtime_p90", "p_any_overtime"]
        rows += ["p_overtime_mean", "utilisation_mean", "deadline_breaches_mean"]
        summary.loc[rows].round(3)
        """
    ),
    md(
        """
        ## Distributions

        Left: the chance that the plan's total overtime (all sessions, one play) exceeds x
        minutes. Right: each used session's 90th-percentile overtime under both orders
        (points under the diagonal: SVF runs over less in that session).
        """
    ),
    code(
        """
        fig, axes = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
        for label, run in runs.items():
            hist = run.overtime_histogram
            above = 1 - np.cumsum(hist.counts) / run.overall.samples  # P(total > right edge)
            x = np.concatenate([[0.0], hist.edges[1:]])
            y = np.concatenate([[run.overall.p_any_overtime], above])
            axes[0].step(x, y, where="post", label=label)
        axes[0].set_xlabel("total overtime of the plan, x (min)")
        axes[0].set_ylabel("P(total overtime > x)")
        axes[0].legend()

        frames = {label: run.to_frame().set_index("session") for label, run in runs.items()}
        used = frames["plan order"]["cases"] > 0
        a = frames["plan order"].loc[used, "overtime_p90"]
        b = frames["SVF"].loc[a.index, "overtime_p90"]
        axes[1].scatter(a, b, alpha=0.7)
        top = max(1.0, float(max(a.max(), b.max())))
        axes[1].plot([0, top], [0, top], color="grey", linewidth=1)
        axes[1].set_xlabel("P90 overtime, plan order (min)")
        axes[1].set_ylabel("P90 overtime, SVF (min)")
        axes[1].set_title("per session")
        show(fig)
        """
    ),
    code(
        """
        fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
        stats = pd.DataFrame(
            {
                label: {
                    "cancellations (mean)": run.overall.cancellations.mean,
                    "cancellations (P90)": run.overall.cancellations.p90,
                    "sessions over (mean)": run.overall.sessions_with_overtime.mean,
                    "sessions over (P90)": run.overall.sessions_with_overtime.p90,
                }
                for label, run in runs.items()
            }
        )
        stats.plot.bar(ax=ax, rot=15)
        ax.set_ylabel("per play of the plan")
        show(fig)
        """
    ),
    md(
        """
        ## Robust planning

        `rules.overtime_probability = α` plans each session with slack for the spread of its
        cases' durations (normal approximation of the sum, Hans et al. 2008): every case must
        end, as planned, `z_α · sqrt(Σ sd²)` minutes before closing, so that the session runs
        past closing with a chance of at most α when the first case starts on time and the
        others follow back to back. The robust plan is simulated against the same durations.
        """
    ),
    code(
        """
        TARGET = 0.2  # highest accepted chance that a session runs past closing
        robust_scenario = whatif.set_rules(scenario, overtime_probability=TARGET)
        robust = orplan.solve(robust_scenario, time_limit=TIME, workers=2, seed=0)
        assert robust.plan is not None, robust.explanation
        gap = "no bound" if robust.gap is None else f"gap {robust.gap:.1%}"
        print(f"robust plan (target {TARGET:.0%}): {robust.status}, {gap}")
        runs["robust, plan order"] = simulate(
            scenario, robust.plan, samples=SAMPLES, seed=0, sequencing="plan"
        )
        both = pd.DataFrame({label: run.summary() for label, run in runs.items()})
        both.loc[[*rows, "p_overtime_max"]].round(3)
        """
    ),
    md(
        """
        Each used session's simulated chance of running past closing, deterministic plan
        against robust plan. The dashed line is the target: the robust plan should keep
        (almost) every session under it; the normal approximation of a sum of lognormal
        durations is slightly optimistic, so a few points above it can happen.
        """
    ),
    code(
        """
        fig, ax = plt.subplots(figsize=(8, 3.5), layout="constrained")
        names = {"plan order": "deterministic plan", "robust, plan order": "robust plan"}
        for label, name in names.items():
            frame = runs[label].to_frame()
            p = frame.loc[frame["cases"] > 0, "p_overtime"].sort_values(ascending=False)
            ax.plot(np.arange(1, len(p) + 1), p.to_numpy(), marker=".", label=name)
        ax.axhline(TARGET, color="grey", linestyle="--", label=f"target {TARGET:.0%}")
        ax.set_xlabel("used sessions, highest chance first")
        ax.set_ylabel("P(session runs past closing)")
        ax.legend()
        show(fig)
        """
    ),
    md(
        """
        Robust loading trades planned cases for fewer cancellations and less overtime on the
        day. Compare `cases_scheduled` with `cases_done_mean` (what is actually performed)
        and the overtime rows. With a short time limit either search may be far from
        optimal (see the gaps).
        """
    ),
]

# -- 04 benchmarks -------------------------------------------------------------------------

BENCH = [
    md(
        """
        # Benchmark results

        Reads the newest results CSV written by `benchmarks/run.py` (`make bench-smoke` or
        `make bench`, see `benchmarks/README.md`) and shows the cost gap by method and how
        time grows with the instance size. Every cost in the file is the independent
        checker's. If there are no results yet, every cell says so and does nothing.
        """
    ),
    code(
        """
        import os
        from pathlib import Path

        import matplotlib.pyplot as plt
        import pandas as pd
        from IPython.display import display

        %matplotlib inline
        """
    ),
    settings(),
    code(
        """
        CSV = None  # or a path, e.g. ROOT / "benchmarks/results/<stamp>.csv"
        results_dir = ROOT / "benchmarks" / "results"
        # Suite results only (IHTC results have their own columns); full runs before smoke
        # runs, then by file name (date, commit).
        files = sorted(
            (p for p in results_dir.glob("*.csv") if not p.name.startswith("ihtc-")),
            key=lambda p: ("-smoke" not in p.name, p.stat().st_size, p.name),
        )
        runs = None
        if CSV is not None:
            files.append(Path(CSV))
        if not files:
            print(
                f"No benchmark results in {results_dir}: run `make bench-smoke` (a few "
                "minutes) or `make bench` first. The cells below are skipped."
            )
        else:
            source = files[-1]
            runs = pd.read_csv(source)
            print(f"{source.name}: {len(runs)} runs, methods {sorted(runs['method'].unique())}")
            print("other result files:", [p.name for p in files[:-1]] or "none")
        """
    ),
    md("## Runs"),
    code(
        """
        if runs is None:
            print("skipped: no results")
        else:
            columns = ["instance", "family", "cases", "method", "status", "valid", "objective"]
            columns += ["gap", "gap_to_best_bound", "time_to_first", "time_to_best", "wall_time"]
            columns += ["scheduled", "deadline_breaches", "peak_mb"]
            display(runs[[c for c in columns if c in runs.columns]])
        """
    ),
    code(
        """
        if runs is not None:
            costs = runs.pivot_table(index="instance", columns="method", values="objective")
            display(costs.round(0))
            display(
                runs.groupby("method")
                .agg(
                    runs=("instance", "size"),
                    valid=("valid", "sum"),
                    mean_gap_to_best_bound=("gap_to_best_bound", "mean"),
                    mean_wall_s=("wall_time", "mean"),
                )
                .round(3)
            )
        """
    ),
    md(
        """
        ## Gap by method

        `gap_to_best_bound` compares each method's cost with the highest lower bound any
        method proved on the instance (0 = proven optimal).
        """
    ),
    code(
        """
        if runs is not None:
            gaps = runs.pivot_table(
                index="instance", columns="method", values="gap_to_best_bound", aggfunc="min"
            )
            fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(gaps)), 4), layout="constrained")
            (100 * gaps).plot.bar(ax=ax, rot=20)
            ax.set_ylabel("gap to best bound (%)")
            ax.set_title("cost gap by method (lower is better)")
            show(fig)
        """
    ),
    md(
        """
        ## Time against size

        Seconds to the first and to the returned plan, by number of cases (model building
        included). With several instance sizes (the `scaling` family) this is how each
        method grows.
        """
    ),
    code(
        """
        if runs is not None:
            fig, axes = plt.subplots(1, 2, figsize=(12, 4), layout="constrained", sharey=True)
            for ax, column in zip(axes, ("time_to_first", "time_to_best"), strict=True):
                for method, group in runs.groupby("method"):
                    ax.scatter(group["cases"], group[column], label=method, alpha=0.8)
                ax.set_xscale("log")
                ax.set_yscale("log")
                ax.set_xlabel("cases")
                ax.set_title(column.replace("_", " ") + " (s)")
            axes[0].legend()
            show(fig)
        """
    ),
]

# -- 05 sweep ------------------------------------------------------------------------------

SWEEP = [
    md(
        """
        # What-if sweep on Dask

        Many what-if questions at once: the demo scenario with a theatre closed and with 20 %
        more demand, planned by the optimiser and by the planner's rule, at two seeds. Each
        cell is solved and checked on a Dask `LocalCluster` of two worker processes; the
        result is one table (see `docs/sweeps.md`; the CLI is `orplan sweep`).

        Environment: `ORPLAN_NB_TIME` (seconds per solve, default 10); `ORPLAN_NB_SMALL=1`
        runs one seed, serially (no cluster start-up), for CI.
        """
    ),
    code(
        """
        import os
        import tempfile
        from pathlib import Path

        import matplotlib.pyplot as plt
        import pandas as pd
        from IPython.display import Image, display

        import orplan
        from orplan.sweep import load_spec

        %matplotlib inline
        """
    ),
    settings(full=10, small=5),
    md(
        """
        ## 1. The spec

        `scenarios/sweeps/demo.yaml` names the base scenario, the variants (lists of
        `orplan.whatif` edits), methods, seeds and time limits. Here the time limit and, for
        quick runs, the seeds are overridden before running.
        """
    ),
    code(
        """
        spec, root = load_spec(ROOT / "scenarios" / "sweeps" / "demo.yaml")
        spec = spec.model_copy(update={"time_limits": [TIME], "seeds": [0] if SMALL else [0, 1]})
        print(spec.model_dump_json(indent=2, exclude_none=True))
        """
    ),
    md(
        """
        ## 2. Run it

        Every finished cell is saved at once under `OUT/cells/`; running the same spec into
        the same folder again skips them (try it: the second call returns at once).
        """
    ),
    code(
        """
        OUT = Path(tempfile.mkdtemp(prefix="orplan-nb-sweep-"))
        options = {"serial": True} if SMALL else {"workers": 2}
        table = orplan.sweep(spec, out=OUT, root=root, **options)
        again = orplan.sweep(spec, out=OUT, root=root, **options)  # resumed: nothing to do
        assert again.drop(columns=["solve_time", "cell_time"]).equals(
            table.drop(columns=["solve_time", "cell_time"])
        )
        assert table["checked"].all(), "every plan passed the independent checker"
        table[["variant", "method", "seed", "status", "cost", "unscheduled", "utilisation"]]
        """
    ),
    md(
        """
        ## 3. Compare the variants

        Mean cost and KPIs per variant and method; the optimiser should beat the planner's
        rule on cost in every variant.
        """
    ),
    code(
        """
        summary = table.groupby(["variant", "method"])[
            ["cost", "scheduled", "unscheduled", "overtime_minutes", "utilisation"]
        ].mean()
        display(summary)
        by = summary["cost"].unstack("method")
        assert (by["cpsat"] <= by["rule"]).all()
        display(Image(filename=str(OUT / "plots" / "by-variant.png")))
        """
    ),
]


NOTEBOOKS: dict[str, list[Cell]] = {
    "01-quickstart.ipynb": QUICKSTART,
    "02-what-if-pilot-week.ipynb": WHATIF,
    "03-robust-vs-deterministic.ipynb": ROBUST,
    "04-benchmark-analysis.ipynb": BENCH,
    "05-sweep.ipynb": SWEEP,
}


def build(name: str, cells: list[Cell]) -> nbformat.NotebookNode:
    """Return the notebook ``name`` with fixed cell ids and no outputs."""
    stem = name.split("-", 1)[0]
    nb = new_notebook()
    for index, (kind, text) in enumerate(cells):
        cell = new_markdown_cell(text) if kind == "md" else new_code_cell(text)
        cell["id"] = f"nb{stem}-{index:02d}"
        nb.cells.append(cell)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    nbformat.validate(nb)
    return nb


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) every notebook; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a notebook is stale")
    args = parser.parse_args(argv)
    stale = []
    for name, cells in NOTEBOOKS.items():
        path = HERE / name
        text = nbformat.writes(build(name, cells)) + "\n"
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(HERE.parent)}")
    if stale:
        print("stale notebooks (run notebooks/build_notebooks.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
