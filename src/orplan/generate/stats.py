"""Summary statistics of a scenario, to check generated profiles against documented ranges.

Also usable on any scenario file: ``python -m orplan.generate.stats FILE...`` prints one row
per file.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import asdict, dataclass, field

from orplan.scenario.model import Scenario


@dataclass(frozen=True)
class ScenarioStats:
    """Size and shape of a scenario's resources and waiting list.

    Attributes
    ----------
    cases, theatres, sessions, surgeons
        Counts.
    open_minutes
        Sum of regular session minutes (close - open).
    surgical_minutes
        Sum of case durations.
    demand_minutes
        Sum of case duration + turnover.
    demand_ratio
        ``demand_minutes / open_minutes``.
    cases_per_session
        Waiting-list cases per session (theatre-day).
    capacity_cases_per_session
        Cases an average session holds: ``open_minutes / sessions`` divided by the mean
        ``duration + turnover`` of a case.
    cancer_share
        Share of cases on a cancer pathway.
    past_due_share
        Share of cases whose deadline is before the horizon start.
    due_in_horizon_share
        Share of cases whose deadline falls inside the horizon.
    mandatory
        Number of mandatory cases.
    fixed_surgeon_share
        Share of cases with one named surgeon.
    family_medians
        Median duration per NCSP code, with the number of cases: ``{code: (median, n)}``.
    """

    cases: int
    theatres: int
    sessions: int
    surgeons: int
    open_minutes: int
    surgical_minutes: int
    demand_minutes: int
    demand_ratio: float
    cases_per_session: float
    capacity_cases_per_session: float
    cancer_share: float
    past_due_share: float
    due_in_horizon_share: float
    mandatory: int
    fixed_surgeon_share: float
    family_medians: dict[str, tuple[float, int]] = field(default_factory=dict)


def scenario_stats(scenario: Scenario) -> ScenarioStats:
    """Compute :class:`ScenarioStats` for ``scenario``."""
    cases = scenario.cases
    n = max(1, len(cases))
    open_minutes = sum(s.length for s in scenario.sessions)
    surgical = sum(c.duration for c in cases)
    demand = sum(c.duration + scenario.turnover_of(c) for c in cases)
    start, end = scenario.horizon.start, scenario.horizon.end
    by_code: dict[str, list[int]] = {}
    for c in cases:
        by_code.setdefault(c.ncsp or c.procedure, []).append(c.duration)
    sessions = max(1, len(scenario.sessions))
    mean_case = demand / n if cases else 0.0
    return ScenarioStats(
        cases=len(cases),
        theatres=len(scenario.theatres),
        sessions=len(scenario.sessions),
        surgeons=len(scenario.surgeons),
        open_minutes=open_minutes,
        surgical_minutes=surgical,
        demand_minutes=demand,
        demand_ratio=demand / open_minutes if open_minutes else 0.0,
        cases_per_session=len(cases) / sessions,
        capacity_cases_per_session=(open_minutes / sessions) / mean_case if mean_case else 0.0,
        cancer_share=sum(c.cancer_pathway for c in cases) / n,
        past_due_share=sum(1 for c in cases if c.due is not None and c.due < start) / n,
        due_in_horizon_share=sum(1 for c in cases if c.due is not None and start <= c.due <= end)
        / n,
        mandatory=sum(c.mandatory for c in cases),
        fixed_surgeon_share=sum(c.surgeon is not None for c in cases) / n,
        family_medians={
            code: (float(statistics.median(v)), len(v)) for code, v in sorted(by_code.items())
        },
    )


HEADER = (
    "| scenario | cases | theatres | sessions | surgeons | surgical min | demand min "
    "| open min | demand/open | cases/session | capacity cases/session | cancer | past due "
    "| mandatory |"
)


def stats_row(name: str, st: ScenarioStats) -> str:
    """One Markdown table row (columns as :data:`HEADER`)."""
    return (
        f"| {name} | {st.cases:,} | {st.theatres} | {st.sessions:,} | {st.surgeons} "
        f"| {st.surgical_minutes:,} | {st.demand_minutes:,} | {st.open_minutes:,} "
        f"| {st.demand_ratio:.2f} | {st.cases_per_session:.1f} "
        f"| {st.capacity_cases_per_session:.1f} | {st.cancer_share:.1%} "
        f"| {st.past_due_share:.1%} | {st.mandatory} |"
    )


def main(argv: list[str] | None = None) -> int:
    """Print a statistics table for scenario files."""
    from orplan.errors import ScenarioError
    from orplan.scenario.io import load_scenario

    parser = argparse.ArgumentParser(prog="python -m orplan.generate.stats")
    parser.add_argument("files", nargs="+", help="scenario files (.yaml/.json)")
    parser.add_argument("--families", action="store_true", help="also print family medians")
    args = parser.parse_args(argv)
    print(HEADER)
    print("|" + "---|" * (HEADER.count("|") - 1))
    for path in args.files:
        try:
            st = scenario_stats(load_scenario(path))
        except ScenarioError as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            return 1
        print(stats_row(path, st))
        if args.families:
            for code, (median, count) in asdict(st)["family_medians"].items():
                print(f"  {code}: median {median:g} min over {count} cases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
