"""Documented ranges that generated scenarios must fall in (checked by the realism tests).

Each range gives its source tag (see :data:`orplan.generate.calibration.SOURCES`);
``scenarios/README.md`` repeats them for people.
"""

from __future__ import annotations

import math

from orplan.generate.calibration import Family, expected_case_minutes, residual_sigma
from orplan.generate.calibration import expected_cancer_share as specialty_cancer_share
from orplan.generate.profiles import Profile

#: Cases an average session holds (session minutes / mean duration + turnover). U22: 4.4
#: cases per suite-day (mean, 496 suite-days); DOM: OUS does about 220 operations per
#: working day, about 3.7 per theatre over 60 theatres.
CAPACITY_CASES_PER_SESSION = (2.5, 5.0)

#: Share of the waiting list already past its legal deadline at horizon start. A: the
#: calibration puts 5% of non-cancer and 1 in 8 cancer-pathway cases there.
PAST_DUE_SHARE = (0.03, 0.12)

#: Share of mandatory cases ("a few": priority 1 with a deadline within a week of the
#: horizon, plus promotions up to the profile's minimum). A.
MANDATORY_SHARE = (0.005, 0.08)

#: Share of cases booked to one named surgeon. A: profile 0.85; mandatory cases may be
#: moved to a named surgeon.
FIXED_SURGEON_SHARE = (0.78, 0.95)

#: Waiting-list size per built-in profile (issue 3: ~30, ~400, ~4,000).
CASE_COUNTS: dict[str, tuple[int, int]] = {
    "demo": (20, 45),
    "pilot-week": (320, 480),
    "hospital-month": (3_500, 5_000),
}

#: Realised demand ratio may differ from the profile's by this fraction (cases are whole).
DEMAND_RATIO_TOLERANCE = 0.05

#: Cancer-pathway share may differ from :func:`expected_cancer_share` by this much.
CANCER_SHARE_TOLERANCE = 0.05


def expected_cancer_share(profile: Profile) -> float:
    """Expected share of cancer-pathway cases for a profile's specialty mix.

    Specialty weights are expected case counts: dedicated theatres (plus the site's open
    theatres, split in proportion) divided by expected minutes per case.
    """
    counts: dict[str, float] = {}
    for site in profile.sites:
        total = sum(n for _, n in site.theatres)
        for spec, n in site.theatres:
            theatres = n + site.open_theatres * n / total
            counts[spec] = counts.get(spec, 0.0) + theatres / expected_case_minutes(spec)
    weight = sum(counts.values())
    return sum(c * specialty_cancer_share(spec) for spec, c in counts.items()) / weight


def expected_duration_median(family: Family) -> float:
    """Expected median of generated ``duration`` over a family (durations are means).

    .. math:: m_f \\exp(\\sigma_{res}^2 / 2)
    """
    return family.median * math.exp(residual_sigma(family) ** 2 / 2)


def duration_median_tolerance(family: Family, n: int) -> float:
    """Relative tolerance for a family's median over ``n`` cases: 3 standard errors.

    The sample median of ``n`` lognormal values has a log standard error of about
    ``1.2533 * s / sqrt(n)``, with ``s`` the between-case spread; 5-minute rounding adds
    up to 2.5 minutes.
    """
    between = family.sigma * math.sqrt(1 - (residual_sigma(family) / family.sigma) ** 2)
    return 3 * 1.2533 * between / math.sqrt(n) + 2.5 / family.median


# --- Clinical resources (issue 4) ------------------------------------------------------------

#: Mean units of an equipment item busy during session hours with full theatres (expected
#: from the case mix, :func:`orplan.generate.clinical.expected_equipment_use`) over its
#: count. A: below 1 so a plan can use it, high enough that it binds on busy days.
EQUIPMENT_USE_PER_UNIT = (0.3, 1.4)

#: The waiting list's minutes on an item over its unit-minutes in the horizon
#: (:attr:`~orplan.generate.stats.ClinicalStats.equipment_load`). A: the list is
#: over-booked (demand ratio 1.3), so items may be asked for more than they can give.
EQUIPMENT_LOAD = (0.2, 2.5)

#: PACU beds per running theatre: the issue's ~1.5 (A); AAGBI asks for at least 2 per
#: theatre, so this PACU is on the tight side.
PACU_BEDS_PER_RUNNING_THEATRE = (1.2, 2.0)

#: Mean PACU minutes of the cases that go to the PACU (day surgery 45, major 180). A.
RECOVERY_MEAN_MINUTES = (60.0, 120.0)

#: Bed-days asked for by the whole waiting list (plus beds already occupied) over bed-days
#: available, per ICU or ward unit (:attr:`~orplan.generate.stats.ClinicalStats.bed_load`).
#: A: beds are the expected peak census times 1.1, so the average load stays below 1 and
#: the limit binds on peak days (Thursday-Friday), not every day.
BED_LOAD = (0.6, 1.2)

#: Share of surgeons with a weekday or theatre preference (A: 25% each, independently).
SURGEON_PREFERENCE_SHARE = (0.2, 0.7)


def expected_flag_share(profile: Profile, flag: str) -> float:
    """Expected share of cases with ``flag`` for a profile's case mix.

    Families weigh by expected cases per working day
    (:func:`orplan.generate.clinical.expected_daily_cases`); the drawing rules of
    :func:`orplan.generate.clinical.draw_clinical` apply (children are never diabetic,
    patients who go first are never flagged infected).
    """
    from orplan.generate.calibration import clinical_of, family_by_ncsp, flag_share
    from orplan.generate.clinical import expected_daily_cases

    rate = profile.flag_rate
    total = weighted = 0.0
    for mix in expected_daily_cases(profile).values():
        for code, cases in mix.items():
            family = family_by_ncsp(code)
            child = min(1.0, clinical_of(family).child * rate)
            latex = min(1.0, flag_share(family, "latex-allergy") * rate)
            share = {
                "child": child,
                "latex-allergy": latex,
                "infected": min(1.0, flag_share(family, "infected") * rate)
                * (1 - child)
                * (1 - latex),
                "diabetic": min(1.0, flag_share(family, "diabetic") * rate) * (1 - child),
            }[flag]
            total += cases
            weighted += cases * share
    return weighted / total if total else 0.0


def flag_share_tolerance(share: float, n: int) -> float:
    """Four binomial standard errors of a share over ``n`` cases, plus half a point."""
    return 4 * math.sqrt(share * (1 - share) / max(1, n)) + 0.005
