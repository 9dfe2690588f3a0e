"""Summary statistics of a scenario, to check generated profiles against documented ranges.

Also usable on any scenario file: ``python -m orplan.generate.stats FILE...`` prints one row
per file.
"""

from __future__ import annotations

import argparse
import datetime as dt
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


@dataclass(frozen=True)
class ClinicalStats:
    """Flags, equipment, recovery, beds, teams and preferences of a scenario (issue 4).

    Attributes
    ----------
    flag_shares
        Share of cases with each flag.
    flagged_share
        Share of cases with at least one flag.
    equipment_share
        Share of cases needing each equipment item.
    equipment_load
        Per item: the waiting list's minutes on it (duration + set-up of every case that
        needs it) over its unit-minutes (count x session dates x median session minutes).
        Above 1 the item cannot serve the whole list; the list itself is over-booked.
    recovery_share
        Share of cases with ``recovery_minutes > 0``.
    recovery_mean
        Mean ``recovery_minutes`` of those cases.
    pacu_beds_per_theatre
        Per site: PACU beds (outside evening periods) over mean sessions per session date.
    bed_load
        Per ``site/kind`` unit: bed-days asked for within the horizon, over bed-days
        available (``beds`` x horizon days). Asked for = the ``occupied`` beds plus, for
        every case of a specialty with sessions at the site, its expected bed-days inside
        the horizon if operated on a random one of those session dates. Like the demand
        ratio, the whole waiting list counts.
    short_team_days
        (site, date) pairs with fewer teams than sessions at the site.
    preference_share
        Share of surgeons with preferred weekdays or theatres.
    """

    flag_shares: dict[str, float]
    flagged_share: float
    equipment_share: dict[str, float]
    equipment_load: dict[str, float]
    recovery_share: float
    recovery_mean: float
    pacu_beds_per_theatre: dict[str, float]
    bed_load: dict[str, float]
    short_team_days: int
    preference_share: float


def clinical_stats(scenario: Scenario) -> ClinicalStats:
    """Compute :class:`ClinicalStats` for ``scenario``."""
    cases = scenario.cases
    n = max(1, len(cases))
    flags = sorted({f for c in cases for f in c.flags})
    site_of = {t.id: t.site for t in scenario.theatres}
    session_dates = sorted({s.date for s in scenario.sessions})
    day_minutes = statistics.median(s.length for s in scenario.sessions) if scenario.sessions else 0
    equipment_load = {}
    for item in scenario.equipment:
        minutes = sum(c.duration + item.setup for c in cases if item.id in c.equipment)
        capacity = item.count * len(session_dates) * day_minutes
        equipment_load[item.id] = minutes / capacity if capacity else 0.0
    recovering = [c.recovery_minutes for c in cases if c.recovery_minutes > 0]
    pacu = {}
    for unit in scenario.recovery:
        here = sum(1 for s in scenario.sessions if site_of[s.theatre] == unit.site)
        running = here / max(1, len(session_dates))
        pacu[unit.site] = unit.beds / running if running else 0.0
    short = 0
    for pool in scenario.staff:
        for date in session_dates:
            running_at = sum(
                1 for s in scenario.sessions if s.date == date and site_of[s.theatre] == pool.site
            )
            short += pool.teams_on(date) < running_at
    with_pref = sum(bool(s.preferred_weekdays or s.preferred_theatres) for s in scenario.surgeons)
    return ClinicalStats(
        flag_shares={f: sum(f in c.flags for c in cases) / n for f in flags},
        flagged_share=sum(bool(c.flags) for c in cases) / n,
        equipment_share={
            e.id: sum(e.id in c.equipment for c in cases) / n for e in scenario.equipment
        },
        equipment_load=equipment_load,
        recovery_share=len(recovering) / n,
        recovery_mean=statistics.fmean(recovering) if recovering else 0.0,
        pacu_beds_per_theatre=pacu,
        bed_load=_bed_load(scenario),
        short_team_days=short,
        preference_share=with_pref / max(1, len(scenario.surgeons)),
    )


def _bed_load(scenario: Scenario) -> dict[str, float]:
    """Bed-days asked for over bed-days available, per ``site/kind`` (see ClinicalStats)."""
    site_of = {t.id: t.site for t in scenario.theatres}
    dates_of: dict[tuple[str, str], list[dt.date]] = {}
    for s in scenario.sessions:
        if s.specialty is not None:
            dates_of.setdefault((s.specialty, site_of[s.theatre]), []).append(s.date)
    horizon = scenario.horizon
    load = {}
    for unit in scenario.beds:
        asked = float(sum(unit.occupied.values()))
        for case in scenario.cases:
            dates = dates_of.get((case.specialty, unit.site), [])
            if not dates:
                continue
            first, length = (
                (0, case.icu_days) if unit.kind == "icu" else (case.icu_days, case.ward_days)
            )
            inside = 0
            for date in dates:
                begin = date + dt.timedelta(days=first)
                inside += sum(horizon.contains(begin + dt.timedelta(days=k)) for k in range(length))
            asked += inside / len(dates)
        available = unit.beds * horizon.days
        load[f"{unit.site}/{unit.kind}"] = asked / available if available else 0.0
    return load


CLINICAL_HEADER = (
    "| scenario | flagged | child | latex | infected | diabetic | equipment (units, load) "
    "| PACU beds/theatre | recovery min | beds (load) | short team-days | surgeons with "
    "preferences |"
)


def clinical_row(name: str, scenario: Scenario, st: ClinicalStats) -> str:
    """One Markdown table row (columns as :data:`CLINICAL_HEADER`)."""
    units = {e.id: e.count for e in scenario.equipment}
    beds = {f"{u.site}/{u.kind}": u.beds for u in scenario.beds}
    equipment = ", ".join(f"{k} {units[k]} ({v:.2f})" for k, v in st.equipment_load.items())
    bed_text = ", ".join(f"{k} {beds[k]} ({v:.2f})" for k, v in st.bed_load.items())
    pacu = ", ".join(f"{k} {v:.1f}" for k, v in st.pacu_beds_per_theatre.items())
    share = st.flag_shares.get
    return (
        f"| {name} | {st.flagged_share:.1%} | {share('child', 0):.1%} "
        f"| {share('latex-allergy', 0):.1%} | {share('infected', 0):.1%} "
        f"| {share('diabetic', 0):.1%} | {equipment or '—'} | {pacu or '—'} "
        f"| {st.recovery_mean:.0f} | {bed_text or '—'} | {st.short_team_days} "
        f"| {st.preference_share:.0%} |"
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
    try:
        scenarios = [(path, load_scenario(path)) for path in args.files]
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(HEADER)
    print("|" + "---|" * (HEADER.count("|") - 1))
    for path, scenario in scenarios:
        st = scenario_stats(scenario)
        print(stats_row(path, st))
        if args.families:
            for code, (median, count) in asdict(st)["family_medians"].items():
                print(f"  {code}: median {median:g} min over {count} cases")
    print()
    print(CLINICAL_HEADER)
    print("|" + "---|" * (CLINICAL_HEADER.count("|") - 1))
    for path, scenario in scenarios:
        print(clinical_row(path, scenario, clinical_stats(scenario)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
