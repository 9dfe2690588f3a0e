"""Pilot MSS: the ward/ICU trade-off for a few ICU weights, and the floor of the ward peak.

Usage (about a minute per weight on 2 cores; look at ``uptime`` first)::

    PYTHONPATH=src .venv/bin/python -m benchmarks.mss.pareto [--weeks 10000] [--seed 0]

For each ICU weight (ward weight 1) it plans the 1-week MSS of the pilot, and prints the
expected peaks (proven optimal or not, said) and the simulated p90 figures against the
baseline. ICU weight 0 gives the lowest expected ward peak any MSS can reach under the
input's rules (theatres, weekdays, specialty lists, hours): the floor in the README.
``--what-if`` instead prints that floor with one rule relaxed at a time.
"""

from __future__ import annotations

import argparse
import os

from benchmarks.mss.run import PILOT, _pct

from orplan.mss import MssInput, MssSettings, baseline_plan, load_mss_input, plan_mss
from orplan.mss.simulate import simulate


def what_if(inp: MssInput, base_peak: float) -> None:
    """The lowest expected ward peak (ICU weight 0) with one rule of the pilot relaxed."""
    weights = inp.weights.model_copy(update={"icu_peak": 0.0})
    theatres = [t.model_dump() for t in inp.theatres]
    specs = [s.model_dump() for s in inp.specialties]
    variants = {
        "as is (Mon-Fri, specialty lists, same hours)": {},
        "any specialty in any theatre": {"theatres": [{**t, "specialties": []} for t in theatres]},
        "Saturday open too (same hours)": {
            "theatres": [{**t, "weekdays": [0, 1, 2, 3, 4, 5]} for t in theatres]},
        "hours +/- 7.5 h a week (one block)": {
            "specialties": [{**s, "tolerance_hours": 7.5} for s in specs]},
    }  # fmt: skip
    print("| rule relaxed | status | lowest expected peak ward | vs baseline | load |")
    print("|---|---|---|---|---|")
    for label, change in variants.items():
        data = {**inp.model_dump(), "weights": weights.model_dump(), **change}
        plan = plan_mss(MssInput.model_validate(data), MssSettings(time_limit=60, workers=2))
        peak = plan.expected_peak_ward
        assert peak is not None
        print(f"| {label} | {plan.status} | {peak:.2f} | {_pct(base_peak, peak)} | "
              f"{os.getloadavg()[0]:.2f} |")  # fmt: skip


def main() -> None:
    """Print one Markdown row per ICU weight."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--weights", type=float, nargs="+", default=[0.0, 1.0, 10.0, 100.0])
    parser.add_argument("--what-if", action="store_true", help="relax one rule at a time")
    args = parser.parse_args()
    inp = load_mss_input(PILOT)
    base = baseline_plan(inp)
    assert base is not None and base.expected_peak_ward is not None
    if args.what_if:
        what_if(inp, base.expected_peak_ward)
        return
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
