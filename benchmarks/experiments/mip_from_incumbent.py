"""Experiment (issue 17): does HiGHS, started from the incumbent's assignment, find a better one?

Solves pilot-week-s1 with the default :func:`orplan.solve` for ``--solve-time`` seconds,
then runs :func:`orplan.solver.mipstart.improve_assignment` from its plan: the assignment
MIP over the CP-SAT options (plus the timing rows unless ``--no-timing-rows``) with the
plan's assignment as HiGHS's MIP start for ``--mip-time`` seconds, the new assignment timed
greedily and repaired, then re-timed by CP-SAT for ``--timing-time`` seconds. Prints the
incumbent's cost, its assignment's MIP objective (HiGHS with the assignment fixed), HiGHS's
best MIP objective and when it was found, and the checker's cost of the final plan; with
``--compare-time`` also the default solve's cost at that limit (equal total time).

Run (2 cores, nothing else heavy running)::

    PYTHONPATH=src:. python -m benchmarks.experiments.mip_from_incumbent
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any


def _fixed_objective(scenario: Any, case_options: Any, plan: Any, timing_rows: bool) -> Any:
    """The MIP objective of ``plan``'s assignment: HiGHS with its x and y columns fixed."""
    from orplan.baselines.highs_worker import run_highs
    from orplan.baselines.mip import build_mip
    from orplan.solver.benders_rows import add_timing_rows
    from orplan.solver.mipstart import assignment_of

    options = [
        [(o.session, [g.surgeon for g in o.surgeons]) for o in entry.options]
        for entry in case_options
    ]
    mip = build_mip(scenario, options)
    if timing_rows:
        add_timing_rows(mip)
    chosen = assignment_of(scenario, plan)
    outside = [ci for ci, pick in chosen.items() if (ci, pick[0], pick[1]) not in mip.y]
    data = mip.lp.to_arrays()
    columns, values = mip.start(chosen)
    for col, value in zip(columns, values, strict=True):
        data["lower"][col] = data["upper"][col] = value
    data["options"] = {"time_limit": 30.0, "threads": 1}
    solved = run_highs(data, timeout=120.0)
    return solved["objective"], solved["status"], len(outside)


def _number(text: str) -> Any:
    """A HiGHS option value from the command line: int, float or text."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text, text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed-instance", type=int, default=1, help="pilot-week seed")
    parser.add_argument("--solve-time", type=float, default=30.0)
    parser.add_argument("--mip-time", type=float, default=20.0)
    parser.add_argument("--timing-time", type=float, default=8.0)
    parser.add_argument("--compare-time", type=float, default=0.0, help="0: skip")
    parser.add_argument("--no-timing-rows", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--restrict", action="store_true", help="MIP over the LP candidates + incumbent only"
    )
    parser.add_argument(
        "--highs", nargs="*", default=[], metavar="NAME=VALUE", help="HiGHS options (floats)"
    )
    args = parser.parse_args()

    from benchmarks.suite import Instance

    import orplan
    from orplan.solver import SolveSettings
    from orplan.solver.mipstart import improve_assignment
    from orplan.solver.options import build_options

    timing_rows = not args.no_timing_rows
    k = args.seed_instance
    scenario = Instance(f"pilot-week-s{k}", "pilot-week", "pilot-week", k).build()
    settings = SolveSettings(time_limit=args.solve_time, workers=args.workers)
    began = time.perf_counter()
    first = orplan.solve(scenario, settings)
    solve_wall = time.perf_counter() - began
    assert first.plan is not None
    print(f"default solve {args.solve_time:g} s: cost {first.objective} bound {first.bound} "
          f"({solve_wall:.1f} s wall)", flush=True)  # fmt: skip
    case_options = build_options(scenario)
    fixed, fixed_status, outside = _fixed_objective(scenario, case_options, first.plan, timing_rows)
    print(f"incumbent assignment MIP objective {fixed} ({fixed_status}; {outside} cases "
          f"outside the MIP options)", flush=True)  # fmt: skip
    plain = _fixed_objective(scenario, case_options, first.plan, not timing_rows)[0]
    print(f"  ... and with timing rows {'off' if timing_rows else 'on'}: {plain}", flush=True)

    candidates = None
    if args.restrict:
        from orplan.solver.lp_bound import LpBound, start_lp_bound

        lp = start_lp_bound(scenario, case_options, 20.0)
        outcome = lp.collect(30.0) if isinstance(lp, LpBound) else lp
        candidates = outcome.candidates
        print(f"LP bound {outcome.bound}, {sum(map(len, (candidates or {}).values()))} "
              f"candidate pairs", flush=True)  # fmt: skip
    began = time.perf_counter()
    stage = improve_assignment(
        scenario, case_options, settings, None, began, first.plan,
        mip_time=args.mip_time, timing_time=args.timing_time, timing_rows=timing_rows,
        highs_options={k: _number(v) for k, v in (o.split("=", 1) for o in args.highs)},
        candidates=candidates, restrict=args.restrict,
    )  # fmt: skip
    extra = time.perf_counter() - began
    final = stage.final_cost
    if stage.plan is not None:
        report = orplan.check(scenario, stage.plan)
        final = float(report.cost.total) if report.ok else None
    row: dict[str, Any] = {
        "instance": scenario.name,
        "solve_time": args.solve_time,
        "timing_rows": timing_rows,
        "highs_options": args.highs,
        "restrict": args.restrict,
        "incumbent_cost": first.objective,
        "incumbent_bound": first.bound,
        "incumbent_mip_objective": fixed,
        "highs_status": stage.status,
        "highs_first_objective": stage.start_objective,
        "highs_best_objective": stage.best_objective,
        "highs_best_found_s": None if stage.best_time is None else round(stage.best_time, 1),
        "highs_events": [(round(t, 1), round(o)) for t, o, _ in stage.events],
        "moved_cases": stage.moved,
        "sequenced_cost": stage.sequenced_cost,
        "final_checked_cost": final,
        "stage_seconds": {key: round(v, 1) for key, v in stage.seconds.items()},
        "extra_wall_s": round(extra, 1),
        "total_wall_s": round(solve_wall + extra, 1),
    }
    print(json.dumps(row, indent=1), flush=True)
    if args.compare_time:
        began = time.perf_counter()
        longer = orplan.solve(scenario, SolveSettings(
            time_limit=args.compare_time, workers=args.workers))  # fmt: skip
        print(f"default solve {args.compare_time:g} s: cost {longer.objective} bound "
              f"{longer.bound} ({time.perf_counter() - began:.1f} s wall)")  # fmt: skip


if __name__ == "__main__":
    main()
