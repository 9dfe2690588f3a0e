"""Pilot MSS: the ward/ICU trade-off for a few ICU weights, and the floor of the ward peak.

Usage (about a minute per weight on 2 cores; look at ``uptime`` first)::

    PYTHONPATH=src .venv/bin/python -m benchmarks.mss.pareto [--weeks 10000] [--seed 0]

For each ICU weight (ward weight 1) it plans the 1-week MSS of the pilot, and prints the
expected peaks (proven optimal or not, said) and the simulated p90 figures against the
baseline. ICU weight 0 gives the lowest expected ward peak any MSS can reach under the
input's rules (theatres, weekdays, specialty lists, hours): the floor in the README.
"""

from __future__ import annotations

import argparse
import os

from benchmarks.mss.run import PILOT, _pct

from orplan.mss import MssSettings, baseline_plan, load_mss_input, plan_mss
from orplan.mss.simulate import simulate


def main() -> None:
    """Print one Markdown row per ICU weight."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--weights", type=float, nargs="+", default=[0.0, 1.0, 10.0, 100.0])
    args = parser.parse_args()
    inp = load_mss_input(PILOT)
    base = baseline_plan(inp)
    assert base is not None
    b = simulate(inp, base.blocks, args.weeks, args.seed)
    print(f"load at start {os.getloadavg()[0]:.2f}\n")
    print("| ICU weight | status | expected peak ward | expected peak ICU | p90 daily ward | "
          "p90 weekly peak ward | p90 daily ICU | days over ward | load |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| baseline | - | {base.expected_peak_ward:.2f} | {base.expected_peak_icu:.2f} | "
          f"{b.p90_day_ward:g} | {b.p90_peak_ward:g} | {b.p90_day_icu:g} | "
          f"{b.days_over_ward} | - |")  # fmt: skip
    for weight in args.weights:
        weights = inp.weights.model_copy(update={"icu_peak": weight})
        plan = plan_mss(inp.model_copy(update={"weights": weights}),
                        MssSettings(time_limit=60, workers=2, seed=args.seed))  # fmt: skip
        assert plan.expected_peak_ward is not None and base.expected_peak_ward is not None
        s = simulate(inp, plan.blocks, args.weeks, args.seed)
        print(f"| {weight:g} | {plan.status} | {plan.expected_peak_ward:.2f} "
              f"({_pct(base.expected_peak_ward, plan.expected_peak_ward)}) | "
              f"{plan.expected_peak_icu:.2f} | {s.p90_day_ward:g} "
              f"({_pct(b.p90_day_ward, s.p90_day_ward)}) | {s.p90_peak_ward:g} "
              f"({_pct(b.p90_peak_ward, s.p90_peak_ward)}) | {s.p90_day_icu:g} | "
              f"{s.days_over_ward} | {os.getloadavg()[0]:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
