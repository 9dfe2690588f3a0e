"""Shared resources beyond theatres and surgeons: equipment, recovery, beds, staff teams.

One function per rule of docs/rules.md. Resources are counted with CP-SAT's cumulative
constraint (k identical units), which the CP-SAT notes recommend for pools such as C-arms,
PACU beds and anaesthesia teams.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ortools.sat.python import cp_model

from orplan.scenario.model import BedUnit, Scenario
from orplan.solver.variables import Variables, steps_up


def _site_of(scenario: Scenario) -> dict[str, str]:
    return {t.id: t.site for t in scenario.theatres}


def equipment_capacity(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> None:
    r"""At most ``count`` units of each equipment item are in use at any time of a day.

    A unit is busy from the case's start until its end plus the item's set-up time:

    .. math:: \sum_{c \ni e} [start_c \le t < end_c + setup_e] \le count_e
    """
    step = scenario.time_step
    items = {e.id: e for e in scenario.equipment}
    groups: dict[tuple[str, int], list[cp_model.IntervalVar]] = defaultdict(list)
    for ov in v.options:
        case = scenario.cases[ov.option.case]
        for name in case.equipment:
            size = steps_up(case.duration + items[name].setup, step)
            interval = model.new_optional_fixed_size_interval_var(
                ov.start, size, ov.scheduled, f"equipment[{case.id}|{ov.option.session}|{name}]"
            )
            groups[(name, ov.option.day)].append(interval)
    for (name, _day), intervals in groups.items():
        if len(intervals) > items[name].count:
            model.add_cumulative(intervals, [1] * len(intervals), items[name].count)


def recovery_capacity(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> None:
    r"""Recovery (PACU) beds of a site are never over-full, at any time of day.

    A case holds a bed from its end for ``recovery_minutes``. Beds that vary by time of day
    are modelled as a cumulative of the day's largest bed count, with fixed blocks that take
    away the beds missing in each period.
    """
    step = scenario.time_step
    units = {u.site: u for u in scenario.recovery}
    site_of = _site_of(scenario)
    groups: dict[tuple[str, int], list[cp_model.IntervalVar]] = defaultdict(list)
    for ov in v.options:
        case = scenario.cases[ov.option.case]
        site = site_of[ov.option.theatre]
        if case.recovery_minutes == 0 or site not in units:
            continue
        # In grid steps the bed is held from the step containing the true end to the step
        # containing the true end + recovery: never shorter than the real stay.
        offset = case.duration // step
        size = steps_up(case.duration + case.recovery_minutes, step) - offset
        interval = model.new_optional_fixed_size_interval_var(
            ov.start + offset, size, ov.scheduled, f"recovery[{case.id}|{ov.option.session}]"
        )
        groups[(site, ov.option.day)].append(interval)
    for (site, _day), intervals in groups.items():
        unit = units[site]
        peak = max([unit.beds, *(p.beds for p in unit.periods)])
        blocks: list[cp_model.IntervalVar] = []
        demands: list[int] = []
        for period in unit.periods:
            if period.beds < peak:
                # Block every step that overlaps the period (conservative at its edges).
                lo, hi = period.start // step, steps_up(period.end, step)
                blocks.append(model.new_fixed_size_interval_var(lo, hi - lo, "pacu-block"))
                demands.append(peak - period.beds)
        if unit.beds < peak:
            # Outside the periods the default bed count applies.
            covered = sorted((p.start // step, steps_up(p.end, step)) for p in unit.periods)
            cursor, day_end = 0, steps_up(2 * 24 * 60, step)
            for lo, hi in [*covered, (day_end, day_end)]:
                if lo > cursor:
                    blocks.append(model.new_fixed_size_interval_var(cursor, lo - cursor, "pacu"))
                    demands.append(peak - unit.beds)
                cursor = max(cursor, hi)
        model.add_cumulative([*intervals, *blocks], [1] * len(intervals) + demands, peak)


def bed_capacity(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> None:
    r"""ICU and ward beds per site and day, beds already occupied included.

    .. math:: occupied_{d} + \sum_{c,s:\ day(s) \le d < day(s) + n_c} x_{cs} \le beds
    """
    units: dict[tuple[str, str], BedUnit] = {(u.site, u.kind): u for u in scenario.beds}
    for (site, kind), terms in _bed_terms(scenario, v).items():
        unit = units.get((site, kind))
        if unit is None:
            continue
        for day, lits in terms.items():
            date = scenario.dates()[day]
            free = unit.beds - unit.occupied.get(date, 0)
            if len(lits) > free:
                model.add(sum(lits) <= free)


def _bed_terms(
    scenario: Scenario, v: Variables
) -> dict[tuple[str, str], dict[int, list[cp_model.IntVar]]]:
    """(site, kind) -> day -> literals of options whose patient is in such a bed that day."""
    site_of = _site_of(scenario)
    horizon = scenario.horizon.days
    terms: dict[tuple[str, str], dict[int, list[cp_model.IntVar]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for ov in v.options:
        case = scenario.cases[ov.option.case]
        site, day = site_of[ov.option.theatre], ov.option.day
        for d in range(day, min(horizon, day + case.icu_days)):
            terms[(site, "icu")][d].append(ov.scheduled)
        first_ward = day + case.icu_days
        for d in range(first_ward, min(horizon, first_ward + case.ward_days)):
            terms[(site, "ward")][d].append(ov.scheduled)
    return terms


def bed_peaks(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> list[cp_model.IntVar]:
    r"""Peak daily ICU + ward occupancy of each site that has bed units (for the objective).

    .. math:: peak_{site} \ge occupied_d + \sum x \quad \forall d
    """
    sites = sorted({u.site for u in scenario.beds})
    terms = _bed_terms(scenario, v)
    dates = scenario.dates()
    peaks = []
    for site in sites:
        total_beds = sum(u.beds for u in scenario.beds if u.site == site)
        peak = model.new_int_var(0, total_beds + len(scenario.cases), f"bed-peak[{site}]")
        for day, date in enumerate(dates):
            occupied = sum(u.occupied.get(date, 0) for u in scenario.beds if u.site == site)
            lits = terms[(site, "icu")].get(day, []) + terms[(site, "ward")].get(day, [])
            model.add(peak >= occupied + sum(lits))
        peaks.append(peak)
    return peaks


def staff_capacity(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> None:
    r"""No more sessions of a site running at once than it has teams of each kind.

    A session runs (needs a team) from opening to close + allowed overtime if any case is in
    it: :math:`u_s \ge x_{cs}` and :math:`\sum_s [s \text{ runs at } t]\, u_s \le teams`.
    """
    if not scenario.staff:
        return
    site_of = _site_of(scenario)
    per_session: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for ov in v.options:
        per_session[ov.option.session].append(ov.scheduled)
    used: dict[int, cp_model.IntVar] = {}
    for si, lits in per_session.items():
        flag = model.new_bool_var(f"used[{scenario.sessions[si].id}]")
        for lit in lits:
            model.add_implication(lit, flag)
        model.add(flag <= sum(lits))
        used[si] = flag
    for pool in scenario.staff:
        by_day: dict[dt.date, list[int]] = defaultdict(list)
        for si in used:
            session = scenario.sessions[si]
            if site_of[session.theatre] == pool.site:
                by_day[session.date].append(si)
        for date, sessions in by_day.items():
            teams = pool.teams_on(date)
            if len(sessions) <= teams:
                continue
            intervals = []
            for si in sessions:
                s = scenario.sessions[si]
                # Session times are fixed, so exact minutes are used here, not grid steps.
                intervals.append(
                    model.new_optional_fixed_size_interval_var(
                        s.open, s.close + s.overtime - s.open, used[si], f"team[{s.id}]"
                    )
                )
            model.add_cumulative(intervals, [1] * len(intervals), teams)


#: Resource rules, in the order they are added.
RULES = (equipment_capacity, recovery_capacity, bed_capacity, staff_capacity)
