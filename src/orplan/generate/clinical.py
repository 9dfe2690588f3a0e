"""Clinical resources of a generated scenario (issue 4): equipment, PACU, beds, teams, flags.

Everything here follows :mod:`orplan.generate.calibration` (per-family needs in
:data:`~orplan.generate.calibration.CLINICAL`) and the profile (equipment counts per site,
PACU and bed factors, the Friday team shortfall):

* Equipment: one item ``<site>-<kind>`` per site and kind the profile lists. A case needs
  the items of its family's kinds at its specialty's site (the site with most of the
  specialty's dedicated theatres); kinds a site lacks are not modelled there.
* PACU: ``round(pacu_beds_per_theatre x running theatres)`` beds per site, where running
  theatres are the site's mean sessions per working day; from 17:00 only
  ``PACU_EVENING_SHARE`` of them.
* ICU and ward beds: the steady-state census of elective patients, expected from full
  theatres with the calibrated case mix and lengths of stay, operated Monday to Friday.
  ``beds = round(bed_headroom x peak census)``; ``occupied`` is the expected census of
  patients operated before the horizon, which declines over its first days.
* Anaesthesia teams: one per theatre of the site, ``team_shortfall`` fewer than the site's
  sessions on Fridays.
* Case flags and lengths of stay are drawn per case; surgeons get weekday and theatre
  preferences. Both use their own random streams.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np

from orplan.generate.calibration import (
    CAPABILITIES,
    EQUIPMENT_KINDS,
    PACU_EVENING_SHARE,
    PACU_EVENING_START,
    SESSION_CLOSE,
    SESSION_OPEN,
    clinical_of,
    expected_case_minutes,
    families_of,
    family_by_ncsp,
    flag_share,
    stay_probability,
)
from orplan.generate.cases import Draft
from orplan.generate.profiles import Profile
from orplan.generate.resources import Roster
from orplan.scenario.model import (
    BedUnit,
    CapacityPeriod,
    Equipment,
    RecoveryUnit,
    Session,
    StaffPool,
    Theatre,
)

#: Sequencing flags in the order they are written on a case.
FLAG_ORDER = ("child", "latex-allergy", "infected", "diabetic")


def equipment_id(site: str, kind: str) -> str:
    """Id of a site's equipment item of ``kind``, e.g. ``ULL-c-arm``."""
    return f"{site}-{kind}"


def specialty_sites(profile: Profile) -> dict[str, str]:
    """Site of each specialty: the site with most of its dedicated theatres (first on ties)."""
    best: dict[str, tuple[int, str]] = {}
    for site in profile.sites:
        for specialty, count in site.theatres:
            if specialty not in best or count > best[specialty][0]:
                best[specialty] = (count, site.code)
    return {spec: code for spec, (_, code) in sorted(best.items())}


@functools.lru_cache(maxsize=16)
def expected_daily_cases(profile: Profile) -> dict[str, dict[str, float]]:
    """Expected cases per working day that full theatres do, by site and NCSP code.

    A specialty's sessions per day are ``session_rate`` times its dedicated theatres plus
    its share of the site's open theatres; each session holds session minutes over the
    specialty's mean (duration + turnover) cases, split over families by weight. The
    result is cached per profile; callers must not change it.
    """
    session = SESSION_CLOSE - SESSION_OPEN
    result: dict[str, dict[str, float]] = {}
    for site in profile.sites:
        total = sum(n for _, n in site.theatres)
        per_site = result.setdefault(site.code, {})
        for specialty, n in site.theatres:
            sessions = profile.session_rate * (n + site.open_theatres * n / total)
            cases = sessions * session / expected_case_minutes(specialty)
            fams = families_of(specialty)
            weight = sum(f.weight for f in fams)
            for family in fams:
                per_site[family.ncsp] = per_site.get(family.ncsp, 0.0) + cases * (
                    family.weight / weight
                )
    return result


def expected_equipment_use(profile: Profile) -> dict[str, float]:
    """Mean units of each equipment item busy during regular session hours.

    Cases per day needing the kind times (mean duration + set-up), over session minutes;
    robot use is capped by the site's robot-capable theatres (``session_rate`` of them run
    per day), because robot cases can only run there.
    """
    session = SESSION_CLOSE - SESSION_OPEN
    daily = expected_daily_cases(profile)
    use: dict[str, float] = {}
    for site in profile.sites:
        for kind, _units in site.equipment:
            setup = EQUIPMENT_KINDS[kind].setup
            minutes = 0.0
            for code, cases in daily[site.code].items():
                family = family_by_ncsp(code)
                if kind in clinical_of(family).equipment:
                    minutes += cases * (family.mean + setup)
            busy = minutes / session
            if kind == "robot":
                rooms = sum(
                    max(1, round(share * n))
                    for spec, n in site.theatres
                    for cap, share in CAPABILITIES.get(spec, ())
                    if cap == "robot"
                )
                busy = min(busy, rooms * profile.session_rate)
            use[equipment_id(site.code, kind)] = busy
    return use


def make_equipment(profile: Profile) -> list[Equipment]:
    """The profile's equipment items, site by site, kinds in the profile's order."""
    return [
        Equipment(
            id=equipment_id(site.code, kind),
            count=units,
            site=site.code,
            setup=EQUIPMENT_KINDS[kind].setup,
        )
        for site in profile.sites
        for kind, units in site.equipment
    ]


def make_recovery(
    profile: Profile, theatres: list[Theatre], sessions: list[Session]
) -> list[RecoveryUnit]:
    """One PACU per site: beds per running theatre, fewer from 17:00 (none if factor is 0)."""
    if profile.pacu_beds_per_theatre <= 0:
        return []
    site_of = {t.id: t.site for t in theatres}
    days = len(profile.working_dates())
    units = []
    for site in profile.sites:
        running = sum(1 for s in sessions if site_of[s.theatre] == site.code) / days
        beds = max(1, round(profile.pacu_beds_per_theatre * running))
        evening = max(1, round(PACU_EVENING_SHARE * beds))
        periods = (
            [CapacityPeriod(start=PACU_EVENING_START, end=24 * 60, beds=evening)]
            if evening < beds
            else []
        )
        units.append(RecoveryUnit(site=site.code, beds=beds, periods=periods))
    return units


def _admissions(profile: Profile, site: str) -> list[tuple[float, str]]:
    """(cases per working day, NCSP code) of a site's expected case mix."""
    return sorted((n, code) for code, n in expected_daily_cases(profile)[site].items())


def _longest_stay(site_mix: list[tuple[float, str]]) -> int:
    stays = [clinical_of(family_by_ncsp(code)) for _, code in site_mix]
    return max(c.icu[1] + c.ward[1] for c in stays)


def census(profile: Profile, site: str, kind: str, day: int, before_start: bool) -> float:
    """Expected elective patients of ``site`` in ``kind`` beds on horizon day ``day``.

    Patients are operated on working days (day index modulo 7 below 5: the horizon starts
    on a Monday) at the rate of :func:`expected_daily_cases`, in steady state. With
    ``before_start`` only patients operated before the horizon count (the ``occupied``
    beds); otherwise every earlier operating day counts (the steady-state census).
    """
    mix = _admissions(profile, site)
    total = 0.0
    for lag in range(_longest_stay(mix) + 1):
        operated = day - lag
        if operated % 7 >= 5 or (before_start and operated >= 0):
            continue
        for rate, code in mix:
            total += rate * stay_probability(family_by_ncsp(code), kind, lag)
    return total


def make_beds(profile: Profile) -> list[BedUnit]:
    """ICU and ward units per site (kinds with elective patients), with ``occupied``."""
    if profile.bed_headroom <= 0:
        return []
    dates = [profile.start + dt.timedelta(days=i) for i in range(profile.horizon_days)]
    units = []
    for site in profile.sites:
        for kind in ("icu", "ward"):
            peak = max(census(profile, site.code, kind, d, before_start=False) for d in range(7))
            if peak <= 0:
                continue
            occupied = {}
            for index, date in enumerate(dates):
                taken = round(census(profile, site.code, kind, index, before_start=True))
                if taken > 0:
                    occupied[date] = taken
            most = max(occupied.values(), default=0)
            beds = max(1, round(profile.bed_headroom * peak), most + 1)
            units.append(BedUnit(site=site.code, kind=kind, beds=beds, occupied=occupied))
    return units


def make_staff(
    profile: Profile, theatres: list[Theatre], sessions: list[Session]
) -> list[StaffPool]:
    """Anaesthesia teams per site: one per theatre, ``team_shortfall`` short on Fridays."""
    if profile.team_shortfall is None:
        return []
    site_of = {t.id: t.site for t in theatres}
    pools = []
    for site in profile.sites:
        teams = site.size
        by_date = {}
        for date in profile.working_dates():
            if date.weekday() != 4:
                continue
            running = sum(1 for s in sessions if s.date == date and site_of[s.theatre] == site.code)
            short = max(0, running - profile.team_shortfall)
            if short < teams:
                by_date[date] = short
        pools.append(StaffPool(site=site.code, kind="anaesthesia", teams=teams, by_date=by_date))
    return pools


def draw_clinical(profile: Profile, drafts: list[Draft], rng: np.random.Generator) -> None:
    """Give each draft its equipment, recovery minutes, ICU/ward days and flags, in place.

    Six draws per case in a fixed order (child, latex allergy, infected, diabetic, ICU days,
    ward days), so a case's draws do not depend on the others'. Flag shares are multiplied
    by ``profile.flag_rate``. Children are never
    diabetic; a patient who goes first (child, latex allergy) is never flagged infected,
    which would ask for first and last at once.
    """
    sites = specialty_sites(profile)
    kinds = {site.code: {kind for kind, _ in site.equipment} for site in profile.sites}
    for draft in drafts:
        clinical = clinical_of(draft.family)
        site = sites[draft.specialty]
        u = rng.random(4) / profile.flag_rate if profile.flag_rate > 0 else np.ones(4)
        child = bool(u[0] < clinical.child)
        latex = bool(u[1] < flag_share(draft.family, "latex-allergy"))
        infected = bool(u[2] < flag_share(draft.family, "infected")) and not (child or latex)
        diabetic = bool(u[3] < flag_share(draft.family, "diabetic")) and not child
        draft.icu_days = int(rng.integers(clinical.icu[0], clinical.icu[1] + 1))
        draft.ward_days = int(rng.integers(clinical.ward[0], clinical.ward[1] + 1))
        chosen = {
            "child": child,
            "latex-allergy": latex,
            "infected": infected,
            "diabetic": diabetic,
        }
        draft.flags = [flag for flag in FLAG_ORDER if chosen[flag]]
        draft.recovery = clinical.recovery
        draft.equipment = [
            equipment_id(site, kind) for kind in clinical.equipment if kind in kinds[site]
        ]


def add_preferences(
    profile: Profile, roster: Roster, theatres: list[Theatre], rng: np.random.Generator
) -> None:
    """Give some surgeons preferred weekdays and a preferred theatre, in place.

    With probability ``preference_share`` a surgeon prefers two of the weekdays they
    operate on (if they operate on at least three), and independently one of their
    specialty's dedicated theatres. Four draws per surgeon, in id order.
    """
    share = profile.preference_share
    for surgeon in roster.surgeons:
        weekdays = sorted({d.weekday() for d in roster.present[surgeon.id]})
        dedicated = [t.id for t in theatres if t.specialties == [surgeon.specialty]]
        u = rng.random(2)
        order = rng.permutation(5)
        pick = int(rng.integers(0, 1_000_000))
        if u[0] < share and len(weekdays) >= 3:
            ranked = [w for w in order.tolist() if w in weekdays]
            surgeon.preferred_weekdays = sorted(ranked[:2])
        if u[1] < share and dedicated:
            surgeon.preferred_theatres = [dedicated[pick % len(dedicated)]]
