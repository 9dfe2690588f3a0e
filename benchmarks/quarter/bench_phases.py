"""Time the two phases before a large solve can start: the options and the rule's plan.

Usage::

    PYTHONPATH=src python benchmarks/quarter/bench_phases.py SCENARIO

prints, for :func:`orplan.solver.options.build_options` and
:func:`orplan.baselines.rule.rule_plan` (its checker run included), the wall and CPU
seconds and the 1-minute load average at the end, so figures from a shared machine can be
read (benchmarks/README.md, "Thirteen weeks"). CPU seconds stay meaningful when other jobs
take the cores.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TypeVar

from orplan.baselines.rule import rule_plan
from orplan.scenario.io import load_scenario
from orplan.solver.options import build_options

T = TypeVar("T")


def timed(name: str, run: Callable[[], T]) -> T:
    """Run ``run`` and print its wall and CPU seconds and the load average."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = run()
    print(
        f"{name}: wall {time.perf_counter() - wall:.1f} s, cpu {time.process_time() - cpu:.1f} s,"
        f" load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    return out


def main(path: str) -> None:
    """Time both phases on the scenario file ``path``."""
    scenario = timed("load", lambda: load_scenario(path))
    options = timed("build_options", lambda: build_options(scenario))
    print("options", sum(len(entry.options) for entry in options), flush=True)
    del options
    plan = timed("rule_plan", lambda: rule_plan(scenario))
    assert plan.run is not None
    print("rule objective", plan.run.objective, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
