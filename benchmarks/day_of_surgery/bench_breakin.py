"""Break-in moments: plan cost, break-in intervals and emergency waiting, with and without.

Plans one scenario several times (no break-in term; ``weights.break_in_interval``; the hard
``rules.break_in_interval``), re-checks each plan with the independent checker and measures
what an emergency would wait under the van Essen et al. (2012) model: emergencies arrive
uniformly over the session hours of a site-date and each waits until the first moment at
which a theatre of its site can take it (a case ends or starts, or a theatre in session is
idle). Two variants of "a theatre that can take it": any theatre of the site (van Essen's
shared theatres), and a theatre whose ``specialties`` allow the emergency's specialty, with
emergencies in the scenario's case mix. The mean wait is the exact expectation over uniform
arrivals (Σ stretch² / 2 over the session hours), i.e. the limit of the simulation with
infinitely many emergencies; the plan itself is not disturbed (one emergency at a time).

Writes the section "## Break-in moments" of ``benchmarks/day_of_surgery/README.md`` (other
sections are left alone). Look at ``uptime`` first and run it niced; it is not a test::

    nice -n 19 .venv/bin/python -m benchmarks.day_of_surgery.bench_breakin \\
        --scenario scenarios/pilot-week.yaml --time-limit 45
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from orplan import solve
from orplan.check.emergency import closed_stretches
from orplan.plan.model import Plan
from orplan.scenario import Scenario, load_scenario
from orplan.solver.build import build_model
from orplan.solver.warmstart import complete_hint, hint_plan

README = Path(__file__).with_name("README.md")
SECTION = "## Break-in moments"


@dataclass
class Row:
    """One plan's measures."""

    label: str
    status: str
    cost: int
    plan_cost: int
    scheduled: int
    longest: int
    mean_longest: float
    wait_any: float
    wait_specialty: float
    max_specialty: int


def expected_wait(
    scenario: Scenario, placed: list[Any], allowed: set[str] | None
) -> tuple[float, float, int]:
    """Exact mean wait of uniform arrivals over the session hours of the allowed theatres.

    Parameters
    ----------
    scenario
        The scenario.
    placed
        Scheduled plan entries.
    allowed
        Theatre ids an emergency may use; None: every theatre.

    Returns
    -------
    tuple of (float, float, int)
        Σ wait·dt (minutes²), Σ session hours (minutes) and the longest wait, over site-dates.
    """
    site = {t.id: t.site for t in scenario.theatres}
    sessions: dict[tuple[str, dt.date], dict[str, list[tuple[int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for s in scenario.sessions:
        if allowed is None or s.theatre in allowed:
            sessions[(site[s.theatre], s.date)][s.theatre].append((s.open, s.close))
    durations = {c.id: c.duration for c in scenario.cases}
    cases: dict[tuple[str, dt.date], dict[str, list[tuple[int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for e in placed:
        cases[(site[e.theatre], e.date)][e.theatre].append((e.start, e.start + durations[e.case]))
    area = hours = 0.0
    longest = 0
    for key, by_theatre in sessions.items():
        first, last, stretches = closed_stretches(by_theatre, cases.get(key, {}))
        hours += last - first
        area += sum((b - a) ** 2 / 2 for a, b in stretches)
        longest = max([longest, *(b - a for a, b in stretches)])
    return area, hours, longest


def measure(
    label: str, scenario: Scenario, base: Scenario, time_limit: float
) -> tuple[Row, Plan | None]:
    """Solve ``scenario`` and measure the plan (costs under ``base``'s weights)."""
    result = solve(scenario, time_limit=time_limit)
    if result.plan is None:
        return Row(label, result.status, 0, 0, 0, 0, 0.0, 0.0, 0.0, 0), None
    return measure_plan(label, result.status, base, result.plan), result.plan


def resequence(
    label: str, base: Scenario, plan: Plan, weight: int, scope: str, time_limit: float
) -> Row:
    """Keep each case's theatre, date and surgeon from ``plan``; re-plan only the start times
    (and the session, when a theatre has two that day) with the break-in weight.

    Benchmark-only restriction through existing fields: each theatre gets a private
    capability that its cases require, ``release`` = ``due`` = the plan's date with hard
    deadlines, and every scheduled case is mandatory; cases the plan leaves out stay out.
    """
    placed = {e.case: e for e in plan.cases if e.scheduled}
    theatres = [
        t.model_copy(update={"capabilities": [*t.capabilities, f"bench-{t.id}"]})
        for t in base.theatres
    ]
    cases = []
    for c in base.cases:
        e = placed.get(c.id)
        if e is None or e.theatre is None:
            continue
        cases.append(
            c.model_copy(
                update={
                    "requires": [*c.requires, f"bench-{e.theatre}"],
                    "release": e.date,
                    "due": e.date,
                    "mandatory": True,
                    "surgeon": e.surgeon,
                    "eligible_surgeons": [],
                }
            )
        )
    restricted = base.model_copy(
        update={
            "theatres": theatres,
            "cases": cases,
            "rules": base.rules.model_copy(
                update={"deadlines_hard": True, "break_in_scope": scope}
            ),
            "weights": base.weights.model_copy(update={"break_in_interval": weight}),
        }
    )
    # Started from the first plan (a complete hint), so the search only trades its cost for
    # shorter break-in intervals; orplan.solve would start from the planner's rule instead.
    sm = build_model(restricted)
    hint_plan(sm, plan)
    complete_hint(sm.model, time_limit / 4)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 0
    status = solver.solve(sm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Row(label, solver.status_name(status), 0, 0, 0, 0, 0.0, 0.0, 0.0, 0)
    moved = {e.case: e for e in sm.scheduled(solver).values()}
    entries = [moved.get(e.case, e) for e in plan.cases]
    return measure_plan(label, solver.status_name(status), base, Plan(run=plan.run, cases=entries))


def measure_plan(label: str, status: str, base: Scenario, plan: Plan) -> Row:
    """Measure ``plan`` of ``base`` (cost without the break-in term, BII, waits)."""
    from orplan.check import check

    scenario = base
    report = check(base, plan)
    if not report.ok:
        raise SystemExit(f"{label}: invalid plan\n{report.summary()}")
    plan_cost = report.cost.total
    placed = [e for e in plan.cases if e.scheduled]
    area, hours, _ = expected_wait(scenario, placed, None)
    mix = Counter(c.specialty for c in scenario.cases)
    spec_area = spec_hours = 0.0
    worst = 0
    for specialty, n in mix.items():
        allowed = {
            t.id for t in scenario.theatres if not t.specialties or specialty in t.specialties
        }
        a, h, longest = expected_wait(scenario, placed, allowed)
        if h:
            spec_area += n * a / h
            spec_hours += n
            worst = max(worst, longest)
    longest_by_date = [
        max((b - a for a, b in closed_stretches(*_site_day(scenario, placed, k))[2]), default=0)
        for k in _site_dates(scenario)
    ]
    return Row(
        label=label,
        status=status,
        cost=plan_cost,
        plan_cost=plan_cost,
        scheduled=report.kpis.scheduled,
        longest=max(longest_by_date, default=0),
        mean_longest=sum(longest_by_date) / max(1, len(longest_by_date)),
        wait_any=area / hours if hours else 0.0,
        wait_specialty=spec_area / spec_hours if spec_hours else 0.0,
        max_specialty=worst,
    )


def _site_dates(scenario: Scenario) -> list[tuple[str, dt.date]]:
    site = {t.id: t.site for t in scenario.theatres}
    return sorted({(site[s.theatre], s.date) for s in scenario.sessions})


def _site_day(
    scenario: Scenario, placed: list[Any], key: tuple[str, dt.date]
) -> tuple[dict[str, list[tuple[int, int]]], dict[str, list[tuple[int, int]]]]:
    site = {t.id: t.site for t in scenario.theatres}
    durations = {c.id: c.duration for c in scenario.cases}
    sessions: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for s in scenario.sessions:
        if (site[s.theatre], s.date) == key:
            sessions[s.theatre].append((s.open, s.close))
    cases: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for e in placed:
        if (site[e.theatre], e.date) == key:
            cases[e.theatre].append((e.start, e.start + durations[e.case]))
    return sessions, cases


def table(rows: list[Row]) -> str:
    """The Markdown table (plan cost relative to the first row)."""
    base = rows[0]
    lines = [
        "| plan | status | plan cost | Δ cost | scheduled | longest BII (min) | mean daily "
        "BII (min) | mean wait, any theatre (min) | Δ wait | mean wait, own specialty (min) "
        "| Δ wait | longest wait, own specialty (min) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:

        def rel(x: float, y: float) -> str:
            return f"{(x - y) / y:+.1%}" if y else "–"

        lines.append(
            f"| {r.label} | {r.status} | {r.plan_cost:,} | {rel(r.plan_cost, base.plan_cost)} | "
            f"{r.scheduled} | {r.longest} | {r.mean_longest:.1f} | {r.wait_any:.2f} | "
            f"{rel(r.wait_any, base.wait_any)} | {r.wait_specialty:.2f} | "
            f"{rel(r.wait_specialty, base.wait_specialty)} | {r.max_specialty} |"
        )
    return "\n".join(lines)


def write_section(text: str) -> None:
    """Replace (or append) this benchmark's section of the README, keeping the others."""
    old = README.read_text("utf-8") if README.exists() else "# Day-of-surgery benchmarks\n"
    if SECTION in old:
        head, rest = old.split(SECTION, 1)
        tail = rest[rest.find("\n## ") + 1 :] if "\n## " in rest else ""
        new = head + text.rstrip("\n") + "\n" + ("\n" + tail if tail else "")
    else:
        new = old.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    README.write_text(new, "utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and write the README section."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="scenarios/pilot-week.yaml")
    parser.add_argument("--time-limit", type=float, default=45.0)
    parser.add_argument("--weights", type=int, nargs="*", default=[5, 20])
    parser.add_argument("--limits", type=int, nargs="*", default=[])
    parser.add_argument("--scopes", nargs="*", default=["site", "specialty"])
    parser.add_argument(
        "--no-full", action="store_true", help="only re-sequence the first plan (no full re-plan)"
    )
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)
    base = load_scenario(args.scenario)
    base = base.model_copy(
        update={
            "weights": base.weights.model_copy(update={"break_in_interval": 0}),
            "rules": base.rules.model_copy(update={"break_in_interval": None}),
        }
    )
    load = os.getloadavg()[0]
    first, plan = measure("no break-in term", base, base, args.time_limit)
    rows = [first]
    print(rows[-1], flush=True)
    for scope in args.scopes:
        for w in args.weights:
            variant = base.model_copy(
                update={
                    "weights": base.weights.model_copy(update={"break_in_interval": w}),
                    "rules": base.rules.model_copy(update={"break_in_scope": scope}),
                }
            )
            if not args.no_full:
                label = f"weight {w}, scope {scope}"
                rows.append(measure(label, variant, base, args.time_limit)[0])
                print(rows[-1], flush=True)
            if plan is not None:
                label = f"same sessions, re-sequenced: weight {w}, scope {scope}"
                rows.append(resequence(label, base, plan, w, scope, args.time_limit))
                print(rows[-1], flush=True)
        for limit in args.limits:
            variant = base.with_rules({"break_in_interval": limit, "break_in_scope": scope})
            label = f"limit {limit} min, scope {scope}"
            rows.append(measure(label, variant, base, args.time_limit)[0])
            print(rows[-1], flush=True)
    cmd = " ".join(["python -m benchmarks.day_of_surgery.bench_breakin", *sys.argv[1:]])
    text = f"""{SECTION}

Written by `benchmarks/day_of_surgery/bench_breakin.py` (`nice -n 19 {cmd}`), load average
{load:.2f} at the start, {args.time_limit:g} s per solve (default settings: 2 workers, seed 0),
on `{args.scenario}`. Rows: *weight w* sets `weights.break_in_interval` = w (cost per minute
of each group-date's longest break-in interval) and plans again from scratch; *same sessions,
re-sequenced* keeps the first plan's case → theatre, date and surgeon and only moves start
times with that weight (van Essen et al.'s setting: the surgical case sequencing within
given sessions); *limit* sets the hard `rules.break_in_interval`;
*scope* is `rules.break_in_scope` (site: any theatre of the site; specialty: per site and
specialty). *Plan cost* is the checker's cost without the break-in term (the scenario's own
weights); Δ is against the first row. *BII*: the longest break-in interval over all theatres
of the site (scope site, whatever the row optimised), its maximum over the week and its mean
over dates. *Mean wait*: expected minutes an emergency arriving
uniformly over the session hours waits for the first break-in moment (case start or end, or
an idle theatre in session) in a theatre of its site (*any theatre*: van Essen et al. 2012's
shared theatres; *own specialty*: a theatre whose `specialties` allow it, emergencies in the
case mix of the waiting list; exact expectation, one emergency at a time). Solves stop at the
time limit, so differences of a few per cent in plan cost are search noise as much as price.

{table(rows)}
"""
    print(text)
    if not args.no_readme:
        write_section(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
