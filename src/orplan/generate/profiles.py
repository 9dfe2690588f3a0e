"""Generator profiles: the size and shape of a generated hospital.

A :class:`Profile` fixes everything except the random draws: sites and their theatres,
working days, demand-to-capacity ratio and the shares that shape the waiting list. The
calibration tables in :mod:`orplan.generate.calibration` give per-specialty and
per-procedure values; a profile only says how much of each.

Sites are fictional but plausible: the four OUS sites (Ullevål ULL, Rikshospitalet RH,
Radiumhospitalet RAD, Aker AKE) with a specialty split that is an assumption, not OUS's
actual allocation. Each specialty sits at one site in ``hospital-month`` because the
scenario model has no site on surgeons or cases (a surgeon could otherwise be planned at two
sites on one day).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from orplan.generate.calibration import (
    BED_HEADROOM,
    EQUIPMENT_KINDS,
    FRIDAY_TEAM_SHORTFALL,
    PACU_BEDS_PER_THEATRE,
    PREFERENCE_SHARE,
    SPECIALTIES,
    families_of,
)


@dataclass(frozen=True)
class SitePlan:
    """One hospital site and its theatres.

    Attributes
    ----------
    code
        Site code used in theatre ids (``ULL`` gives ``ULL-OP01``).
    name
        Site name for people.
    theatres
        ``(specialty, number of dedicated theatres)`` pairs, in theatre-numbering order.
    open_theatres
        Theatres open to every specialty (numbered after the dedicated ones).
    equipment
        ``(kind, units)`` of shared mobile equipment at the site (kinds of
        :data:`~orplan.generate.calibration.EQUIPMENT_KINDS`). A case needs a kind only
        where its specialty's site has units of it.
    """

    code: str
    name: str
    theatres: tuple[tuple[str, int], ...]
    open_theatres: int = 0
    equipment: tuple[tuple[str, int], ...] = ()

    @property
    def size(self) -> int:
        """Number of theatres at the site."""
        return sum(n for _, n in self.theatres) + self.open_theatres


@dataclass(frozen=True)
class Profile:
    """Parameters of a generated scenario (everything but the seed).

    Attributes
    ----------
    name
        Profile name; also the scenario name.
    description
        One sentence for people.
    sites
        Hospital sites with their theatres.
    working_days
        Working days (Mon-Fri) in the horizon. The horizon covers whole weeks (7 calendar
        days each) when this is a multiple of 5, else it ends on the last working day.
    start
        First date of the horizon; must be a Monday.
    demand_ratio
        Waiting-list demand over open capacity: sum of (duration + turnover) of all cases
        divided by the sum of regular session minutes. Above 1 means an over-booked list,
        the normal state (A: 1.3).
    cases
        If given, generate exactly this many cases (specialty mix as usual) and let the
        demand ratio follow; ``None`` draws cases until ``demand_ratio`` is reached.
    session_rate
        Probability that a theatre has an elective session on a working day. A: 0.8; the
        other theatre-days go to emergencies, maintenance or staff shortage (RR found
        theatres idle on 30% of working days).
    operating_days_per_week
        Working days a surgeon operates (the rest: clinic, on-call rest, research). (A: 3)
    leave_share
        Share of surgeons on a week's leave in the horizon (A: 0.05).
    fixed_surgeon_share
        Share of cases booked to one named surgeon; the rest list 2-3 eligible surgeons. (A)
    past_due_share
        Share of non-cancer cases already past their legal deadline at horizon start. (A)
    future_release_share
        Share of non-cancer cases released only during the horizon (work-up pending). (A)
    min_mandatory
        At least this many mandatory cases: missing ones are made by promoting the
        cancer-pathway cases with the earliest deadline to priority 1.
    pacu_beds_per_theatre
        PACU beds per running theatre of a site (mean sessions per working day); 0 = no
        recovery units. (A: 1.5)
    bed_headroom
        ICU and ward beds over the expected peak census of elective patients; 0 = no bed
        units. (A: 1.1)
    team_shortfall
        Anaesthesia teams short on each Friday at each site; ``None`` = no staff pools.
        (A: 1)
    preference_share
        Share of surgeons with preferred weekdays, and separately with a preferred
        theatre. (A: 0.25)
    flag_rate
        Multiplier on every patient-flag share (children included); 0 = no flags. (1)
    """

    name: str
    description: str
    sites: tuple[SitePlan, ...]
    working_days: int
    start: dt.date = dt.date(2027, 3, 1)
    demand_ratio: float = 1.3
    cases: int | None = None
    session_rate: float = 0.8
    operating_days_per_week: int = 3
    leave_share: float = 0.05
    fixed_surgeon_share: float = 0.85
    past_due_share: float = 0.05
    future_release_share: float = 0.05
    min_mandatory: int = 0
    pacu_beds_per_theatre: float = PACU_BEDS_PER_THEATRE
    bed_headroom: float = BED_HEADROOM
    team_shortfall: int | None = FRIDAY_TEAM_SHORTFALL
    preference_share: float = PREFERENCE_SHARE
    flag_rate: float = 1.0

    def __post_init__(self) -> None:
        problems = []
        if self.start.weekday() != 0:
            problems.append(f"start: {self.start} is not a Monday")
        if not 1 <= self.working_days <= 260:
            problems.append("working_days: must be in 1..260")
        if not 0.1 <= self.demand_ratio <= 5:
            problems.append("demand_ratio: must be in 0.1..5")
        if self.cases is not None and not 1 <= self.cases <= 90_000:
            problems.append("cases: must be in 1..90000")
        if not 1 <= self.operating_days_per_week <= 5:
            problems.append("operating_days_per_week: must be in 1..5")
        for name in (
            "session_rate",
            "leave_share",
            "fixed_surgeon_share",
            "past_due_share",
            "future_release_share",
            "preference_share",
        ):
            if not 0.0 <= getattr(self, name) <= 1.0:
                problems.append(f"{name}: must be in 0..1")
        if not self.sites:
            problems.append("sites: at least one site")
        codes = [s.code for s in self.sites]
        if len(set(codes)) != len(codes):
            problems.append("sites: duplicate site code")
        for site in self.sites:
            for specialty, count in site.theatres:
                if specialty not in SPECIALTIES or not families_of(specialty):
                    problems.append(f"sites.{site.code}: unknown specialty {specialty!r}")
                if count < 1:
                    problems.append(f"sites.{site.code}.{specialty}: needs >= 1 theatre")
            for kind, units in site.equipment:
                if kind not in EQUIPMENT_KINDS or units < 1:
                    problems.append(f"sites.{site.code}.equipment: bad entry {kind!r}")
        if not 0.0 <= self.pacu_beds_per_theatre <= 10:
            problems.append("pacu_beds_per_theatre: must be in 0..10")
        if not 0.0 <= self.flag_rate <= 5:
            problems.append("flag_rate: must be in 0..5")
        if not 0.0 <= self.bed_headroom <= 10:
            problems.append("bed_headroom: must be in 0..10")
        if self.team_shortfall is not None and not 0 <= self.team_shortfall <= 100:
            problems.append("team_shortfall: must be in 0..100 or None")
        if problems:
            raise ValueError(f"profile {self.name}: " + "; ".join(problems))

    @property
    def theatre_count(self) -> int:
        """Number of theatres over all sites."""
        return sum(site.size for site in self.sites)

    @property
    def horizon_days(self) -> int:
        """Calendar days in the horizon."""
        weeks, rest = divmod(self.working_days, 5)
        return weeks * 7 if rest == 0 else weeks * 7 + rest

    def working_dates(self) -> list[dt.date]:
        """The working days (Mon-Fri) of the horizon, in order."""
        dates = (self.start + dt.timedelta(days=i) for i in range(self.horizon_days))
        return [d for d in dates if d.weekday() < 5]

    def specialties(self) -> list[str]:
        """Specialties with a dedicated theatre somewhere, sorted."""
        return sorted({spec for site in self.sites for spec, _ in site.theatres})

    def with_overrides(self, **overrides: object) -> Profile:
        """Return a copy with some fields replaced (unknown names raise ``ValueError``)."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(overrides) - names)
        if unknown:
            raise ValueError(
                f"unknown profile parameter(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(names))}"
            )
        return dataclasses.replace(self, **overrides)  # type: ignore[arg-type]


_ULL = "Ullevål"

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            name="demo",
            description="One site, 4 theatres, 2 working days, about 30 waiting-list cases.",
            sites=(
                SitePlan(
                    "ULL",
                    _ULL,
                    (("orthopaedics", 1), ("gastro", 1), ("urology", 1)),
                    1,
                    equipment=(("c-arm", 1),),
                ),
            ),
            working_days=2,
            demand_ratio=1.1,
            session_rate=1.0,
            leave_share=0.0,
            min_mandatory=2,
            # Only a C-arm: with a PACU or patient flags the demo no longer solves to
            # proven optimality in about 15 s on two cores (make demo).
            pacu_beds_per_theatre=0.0,
            bed_headroom=0.0,
            team_shortfall=None,
            preference_share=0.0,
            flag_rate=0.0,
        ),
        Profile(
            name="pilot-week",
            description="One composite site, 20 theatres, one week, about 400 cases.",
            sites=(
                SitePlan(
                    "ULL",
                    _ULL,
                    (
                        ("orthopaedics", 5),
                        ("gastro", 4),
                        ("gynaecology", 3),
                        ("urology", 2),
                        ("vascular", 2),
                        ("ent", 1),
                        ("plastic", 1),
                    ),
                    2,
                    equipment=(("c-arm", 2), ("robot", 1), ("microscope", 1)),
                ),
            ),
            working_days=5,
            min_mandatory=5,
        ),
        Profile(
            name="hospital-month",
            description="Four sites, 60 theatres, 20 working days, about 4,000 cases.",
            sites=(
                SitePlan(
                    "RH",
                    "Rikshospitalet",
                    (
                        ("cardiothoracic", 5),
                        ("neurosurgery", 4),
                        ("paediatric-surgery", 3),
                        ("ent", 3),
                        ("plastic", 3),
                    ),
                    2,
                    equipment=(("c-arm", 2), ("microscope", 5)),
                ),
                SitePlan(
                    "ULL",
                    _ULL,
                    (("orthopaedics", 8), ("gastro", 6), ("gynaecology", 3), ("vascular", 3)),
                    2,
                    equipment=(("c-arm", 3), ("robot", 1)),
                ),
                SitePlan(
                    "RAD",
                    "Radiumhospitalet",
                    (("gyn-oncology", 3), ("breast-endocrine", 3), ("sarcoma", 2)),
                    2,
                    equipment=(("c-arm", 1), ("robot", 1)),
                ),
                SitePlan(
                    "AKE", "Aker", (("urology", 5),), 3, equipment=(("c-arm", 1), ("robot", 2))
                ),
            ),
            working_days=20,
            min_mandatory=20,
        ),
    )
}


def get_profile(name: str) -> Profile:
    """Return the built-in profile ``name``.

    Raises
    ------
    KeyError
        With a message naming the known profiles.
    """
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise KeyError(f"unknown profile {name!r} (known: {known})") from None
