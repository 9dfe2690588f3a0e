"""Theatres, sessions and surgeon rosters of a generated scenario.

Pure functions of a profile and a numpy generator; every loop runs over sorted lists so
that the same seed always gives the same draws.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from orplan.generate.calibration import (
    CAPABILITIES,
    SESSION_CLOSE,
    SESSION_OPEN,
    SPECIALTIES,
    SURGEON_DAILY_MAX,
    SURGEONS_PER_SESSION,
    families_of,
)
from orplan.generate.profiles import Profile
from orplan.scenario.model import Session, Surgeon, Theatre

#: Overtime allowed in an open (multi-specialty) theatre (A).
OPEN_THEATRE_OVERTIME = 30


def make_theatres(profile: Profile) -> list[Theatre]:
    """Number the theatres of each site and give them specialties and capabilities.

    Dedicated theatres come first, in the site's specialty order; the first
    ``max(1, round(share * n))`` theatres of a specialty get each capability that
    :data:`~orplan.generate.calibration.CAPABILITIES` lists for it. Open theatres allow
    every specialty and have no special capability.

    Raises
    ------
    ValueError
        If a procedure family needs a capability that no theatre of its specialty has.
    """
    theatres: list[Theatre] = []
    for site in profile.sites:
        number = 0
        for specialty, count in site.theatres:
            rules = CAPABILITIES.get(specialty, ())
            for index in range(count):
                number += 1
                caps = sorted(c for c, share in rules if index < max(1, round(share * count)))
                theatres.append(
                    Theatre(
                        id=f"{site.code}-OP{number:02d}",
                        site=site.code,
                        specialties=[specialty],
                        capabilities=caps,
                    )
                )
            given = {c for c, _ in rules}
            for family in families_of(specialty):
                missing = sorted(set(family.requires) - given)
                if missing:
                    raise ValueError(
                        f"{family.name} ({specialty}) requires {', '.join(missing)}, "
                        f"which no {specialty} theatre has"
                    )
        for _ in range(site.open_theatres):
            number += 1
            theatres.append(Theatre(id=f"{site.code}-OP{number:02d}", site=site.code))
    return theatres


def make_sessions(
    profile: Profile, theatres: list[Theatre], rng: np.random.Generator
) -> list[Session]:
    """One 08:00-15:30 session per staffed theatre and working day.

    Each theatre-day is staffed with probability ``profile.session_rate``. A dedicated
    theatre's session belongs to its specialty; an open theatre's session is open to all.
    """
    sessions: list[Session] = []
    for date in profile.working_dates():
        for theatre in theatres:
            staffed = rng.random() < profile.session_rate
            if not staffed:
                continue
            specialty = theatre.specialties[0] if theatre.specialties else None
            overtime = SPECIALTIES[specialty].overtime if specialty else OPEN_THEATRE_OVERTIME
            sessions.append(
                Session(
                    theatre=theatre.id,
                    date=date,
                    open=SESSION_OPEN,
                    close=SESSION_CLOSE,
                    specialty=specialty,
                    overtime=overtime,
                )
            )
    return sessions


def specialty_capacity(
    profile: Profile, theatres: list[Theatre], sessions: list[Session]
) -> dict[str, float]:
    """Open minutes per specialty: its own sessions plus a share of open-theatre sessions.

    An open theatre's minutes are split over the specialties of its site in proportion to
    their dedicated theatres.
    """
    site_of = {t.id: t.site for t in theatres}
    shares: dict[str, dict[str, float]] = {}
    for site in profile.sites:
        total = sum(n for _, n in site.theatres)
        shares[site.code] = {spec: n / total for spec, n in site.theatres}
    capacity = dict.fromkeys(profile.specialties(), 0.0)
    for session in sessions:
        if session.specialty is not None:
            capacity[session.specialty] += session.length
        else:
            for spec, share in shares[site_of[session.theatre]].items():
                capacity[spec] += session.length * share
    return capacity


@dataclass
class Roster:
    """Surgeons of the scenario with their operating dates (for case assignment)."""

    surgeons: list[Surgeon]
    present: dict[str, list[dt.date]] = field(default_factory=dict)

    def of_specialty(self, specialty: str) -> list[Surgeon]:
        """Surgeons of ``specialty`` in id order."""
        return [s for s in self.surgeons if s.specialty == specialty]


def make_roster(
    profile: Profile,
    sessions: list[Session],
    capacity: dict[str, float],
    rng: np.random.Generator,
) -> Roster:
    """Draw surgeons, their daily maxima, weekly operating days and leave.

    A specialty gets ``ceil(d * SURGEONS_PER_SESSION * 5 / operating_days_per_week)``
    surgeons (at least 2), with ``d`` its average session-equivalents per working day. Each
    surgeon operates on a fixed set of weekdays and is absent on the others; a share
    ``leave_share`` is away one whole week. Days off are then given back (never leave) until
    each date has at least as many surgeons of a specialty as it has dedicated sessions.
    The first surgeon of each specialty may operate 480 minutes a day, so that every
    generated case has a surgeon long enough for it.
    """
    dates = profile.working_dates()
    weeks = math.ceil(len(dates) / 5)
    session_len = SESSION_CLOSE - SESSION_OPEN
    maxima = np.array([m for m, _ in SURGEON_DAILY_MAX])
    max_probs = np.array([p for _, p in SURGEON_DAILY_MAX])
    surgeons: list[Surgeon] = []
    present: dict[str, list[dt.date]] = {}
    for specialty in profile.specialties():
        per_day = capacity[specialty] / session_len / len(dates)
        count = max(
            2, math.ceil(per_day * SURGEONS_PER_SESSION * 5 / profile.operating_days_per_week)
        )
        code = SPECIALTIES[specialty].code
        off: dict[str, set[dt.date]] = {}
        leave: dict[str, set[dt.date]] = {}
        daily_max: dict[str, int] = {}
        for index in range(count):
            sid = f"S-{code}-{index + 1:02d}"
            daily_max[sid] = 480 if index == 0 else int(rng.choice(maxima, p=max_probs))
            weekdays = {
                int(w) for w in rng.choice(5, size=profile.operating_days_per_week, replace=False)
            }
            off[sid] = {d for d in dates if d.weekday() not in weekdays}
            leave[sid] = set()
            if rng.random() < profile.leave_share:
                week = int(rng.integers(weeks))
                leave[sid] = {d for i, d in enumerate(dates) if i // 5 == week}
        ids = sorted(off)
        need = {
            d: sum(1 for s in sessions if s.date == d and s.specialty == specialty) for d in dates
        }
        for date in dates:
            here = sum(1 for sid in ids if date not in off[sid] and date not in leave[sid])
            short = need[date] - here
            spare = sorted(
                (sid for sid in ids if date in off[sid] and date not in leave[sid]),
                key=lambda sid: (len(dates) - len(off[sid]), sid),
            )
            for sid in spare[: max(0, short)]:
                off[sid].discard(date)
        for sid in ids:
            absent = sorted(off[sid] | leave[sid])
            present[sid] = [d for d in dates if d not in off[sid] and d not in leave[sid]]
            surgeons.append(
                Surgeon(
                    id=sid,
                    specialty=specialty,
                    max_minutes_per_day=daily_max[sid],
                    absent=absent,
                )
            )
    return Roster(surgeons=surgeons, present=present)
