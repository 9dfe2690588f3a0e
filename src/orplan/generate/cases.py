"""The waiting list of a generated scenario: procedures, durations, deadlines, surgeons.

Drawing rules (all values in :mod:`orplan.generate.calibration`):

* A specialty's cases are drawn until their demand, the sum of ``duration + turnover``,
  reaches ``demand_ratio`` times the specialty's open minutes, within half a case (or,
  when the profile fixes ``cases``, that many cases split over specialties by expected
  demand).
* Procedure family by weight. The case's own lognormal has median
  ``m = median_f * exp(sqrt(PREDICTABLE_SHARE) * sigma_f * z)``, ``z ~ N(0, 1)``, and
  log-spread ``s = residual_sigma(f)``; ``duration`` is its mean ``m * exp(s**2 / 2)``
  rounded to 5 minutes (capped so that it fits one session with its overtime and one
  surgeon-day) and ``duration_sd`` its standard deviation
  ``duration * sqrt(exp(s**2) - 1)``, as the Case model defines them.
* Non-cancer cases: priority class by share; the legal deadline lies a uniform fraction of
  the class's allowed wait after the horizon start (a waiting list in steady state), or,
  for ``past_due_share`` of cases, 1-60 days before it; release is the deadline minus the
  allowed wait (in the past), except for ``future_release_share`` of cases released
  during the horizon.
* Cancer-pathway cases: priority 1 or 2; referral ``elapsed`` days ago, deadline at the
  pathway's standard time after referral, release 14 days before the deadline.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from orplan.generate.calibration import (
    ALLOWED_WAIT_DAYS,
    CANCER_ELAPSED_SLACK,
    CANCER_PRIORITY_SHARES,
    CANCER_SURGICAL_PHASE_DAYS,
    OVERDUE_MAX_DAYS,
    OVERDUE_MEAN_DAYS,
    PATHWAYS,
    PREDICTABLE_SHARE,
    PRIORITY_SHARES,
    SESSION_CLOSE,
    SESSION_OPEN,
    SPECIALTIES,
    Family,
    expected_case_minutes,
    families_of,
    residual_sigma,
)
from orplan.generate.profiles import Profile
from orplan.generate.resources import Roster

#: Longest case a surgeon may do in a day (the largest daily maximum).
MAX_CASE_MINUTES = 480


@dataclass
class Draft:
    """A case before ids and patients are settled (mandatory is marked on the scenario)."""

    family: Family
    duration: int
    duration_sd: float
    turnover: int
    release: dt.date
    due: dt.date
    priority: int
    cancer: bool
    surgeon: str | None
    eligible: list[str] = field(default_factory=list)
    equipment: list[str] = field(default_factory=list)
    recovery: int = 0
    icu_days: int = 0
    ward_days: int = 0
    flags: list[str] = field(default_factory=list)

    @property
    def specialty(self) -> str:
        """Specialty of the case's procedure family."""
        return self.family.specialty


def case_counts(profile: Profile, capacity: dict[str, float]) -> dict[str, int] | None:
    """Cases per specialty when the profile fixes ``cases``; ``None`` for ratio mode.

    Split by expected demand (capacity / expected minutes per case), largest remainder.
    """
    if profile.cases is None:
        return None
    specs = sorted(capacity)
    raw = np.array([capacity[s] / expected_case_minutes(s) for s in specs])
    quota = raw / raw.sum() * profile.cases
    counts = np.floor(quota).astype(int)
    order = sorted(range(len(specs)), key=lambda i: (-(quota[i] - counts[i]), specs[i]))
    for i in order[: profile.cases - int(counts.sum())]:
        counts[i] += 1
    return {s: int(c) for s, c in zip(specs, counts, strict=True)}


def draw_cases(
    profile: Profile,
    capacity: dict[str, float],
    roster: Roster,
    rng: np.random.Generator,
) -> list[Draft]:
    """Draw the waiting list, specialty by specialty in sorted order."""
    counts = case_counts(profile, capacity)
    drafts: list[Draft] = []
    for specialty in sorted(capacity):
        target = profile.demand_ratio * capacity[specialty]
        demand = 0.0
        made = 0
        while counts is None or made < counts[specialty]:
            draft = _draw_case(profile, specialty, roster, rng)
            minutes = draft.duration + draft.turnover
            # Ratio mode: keep a case while at least half of it fits under the target, so
            # the realised demand lands within half a case of it (the last draw is dropped).
            if counts is None and demand + minutes / 2 > target:
                break
            drafts.append(draft)
            demand += minutes
            made += 1
    return drafts


def _draw_case(profile: Profile, specialty: str, roster: Roster, rng: np.random.Generator) -> Draft:
    fams = families_of(specialty)
    weights = np.array([f.weight for f in fams])
    family = fams[int(rng.choice(len(fams), p=weights / weights.sum()))]
    spec = SPECIALTIES[specialty]
    cap = min(MAX_CASE_MINUTES, SESSION_CLOSE - SESSION_OPEN + spec.overtime)
    factor = math.exp(math.sqrt(PREDICTABLE_SHARE) * family.sigma * rng.standard_normal())
    sigma = residual_sigma(family)
    mean = family.median * factor * math.exp(sigma**2 / 2)
    duration = int(min(cap, max(10, 5 * round(mean / 5))))
    duration_sd = round(duration * math.sqrt(math.exp(sigma**2) - 1), 1)
    cancer = bool(rng.random() < family.cancer_share)
    release, due, priority = (
        _cancer_dates(profile, family, rng) if cancer else _elective_dates(profile, rng)
    )
    surgeon, eligible = _pick_surgeons(profile, specialty, duration, roster, rng)
    return Draft(
        family=family,
        duration=duration,
        duration_sd=duration_sd,
        turnover=spec.turnover,
        release=release,
        due=due,
        priority=priority,
        cancer=cancer,
        surgeon=surgeon,
        eligible=eligible,
    )


def _elective_dates(profile: Profile, rng: np.random.Generator) -> tuple[dt.date, dt.date, int]:
    start = profile.start
    priority = int(rng.choice(4, p=PRIORITY_SHARES)) + 1
    allowed = ALLOWED_WAIT_DAYS[priority]
    if rng.random() < profile.past_due_share:
        overdue = min(OVERDUE_MAX_DAYS, 1 + int(rng.exponential(OVERDUE_MEAN_DAYS)))
        due = start - dt.timedelta(days=overdue)
        return due - dt.timedelta(days=allowed), due, priority
    due = start + dt.timedelta(days=int(rng.random() * allowed))
    release = due - dt.timedelta(days=allowed)
    if rng.random() < profile.future_release_share:
        release = start + dt.timedelta(days=int(rng.integers(1, max(2, profile.horizon_days))))
        due = release + dt.timedelta(days=allowed)
    return release, due, priority


def _cancer_dates(
    profile: Profile, family: Family, rng: np.random.Generator
) -> tuple[dt.date, dt.date, int]:
    assert family.pathway is not None
    standard = PATHWAYS[family.pathway].days
    before, after = CANCER_ELAPSED_SLACK
    elapsed = int(rng.integers(standard - before, standard + after + 1))
    due = profile.start + dt.timedelta(days=standard - elapsed)
    release = due - dt.timedelta(days=CANCER_SURGICAL_PHASE_DAYS)
    priority = int(rng.choice(4, p=CANCER_PRIORITY_SHARES)) + 1
    return release, due, priority


def _pick_surgeons(
    profile: Profile, specialty: str, duration: int, roster: Roster, rng: np.random.Generator
) -> tuple[str | None, list[str]]:
    """A fixed surgeon (most cases) or 2-3 eligible ones, weighted by operating days."""
    team = [s for s in roster.of_specialty(specialty) if s.max_minutes_per_day >= duration]
    days = np.array([len(roster.present[s.id]) for s in team], dtype=float)
    probs = days / days.sum() if days.sum() > 0 else np.full(len(team), 1 / len(team))
    if rng.random() < profile.fixed_surgeon_share or len(team) < 2:
        return team[int(rng.choice(len(team), p=probs))].id, []
    size = min(len(team), int(rng.integers(2, 4)), int(np.count_nonzero(probs)))
    size = max(size, 2)
    if np.count_nonzero(probs) < size:
        probs = np.full(len(team), 1 / len(team))
    picked = rng.choice(len(team), size=size, replace=False, p=probs)
    return None, sorted(team[int(i)].id for i in picked)
