"""The benchmark instances: generated families with fixed seeds.

=================  =========================================  =======================
family             instances                                  default search limit
=================  =========================================  =======================
``small``          ``demo`` profile, seeds 1-3                60 s
``pilot-week``     ``pilot-week`` profile, seeds 1-2          60 s
``hospital-month`` ``hospital-month`` profile, seed 1         600 s
``quarter``        ``hospital-month`` profile stretched to 13   120 s
                   weeks (65 working days, about 13,800
                   cases), seed 1
``scaling``        one week, 2, 4, 8, ... theatres with       60 s
                   20 cases per theatre (cases and theatres
                   double at each step), seed 1
=================  =========================================  =======================

Every instance is rebuilt from its :class:`Instance` record (profile, seed, scale), so a
child process can regenerate it exactly; nothing is read from ``scenarios/``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from orplan.scenario.model import Scenario

__all__ = [
    "FAMILIES",
    "SCALING_SPECIALTIES",
    "Instance",
    "instances",
    "scaling_sites",
    "smoke_instances",
]

FAMILIES = ("small", "pilot-week", "hospital-month", "quarter", "scaling")

#: Specialty mix of the scaling series (shares of theatres; each gets at least one).
SCALING_SPECIALTIES: tuple[tuple[str, float], ...] = (
    ("orthopaedics", 0.4),
    ("gastro", 0.3),
    ("gynaecology", 0.15),
    ("urology", 0.15),
)

#: Cases per theatre in the scaling series (pilot-week has about 19 per theatre-week).
CASES_PER_THEATRE = 20

DEFAULT_LIMITS = {
    "small": 60.0,
    "pilot-week": 60.0,
    "hospital-month": 600.0,
    "quarter": 120.0,
    "scaling": 60.0,
}

#: Working days of the ``quarter`` family: 13 weeks (issue 17, item 5).
QUARTER_WORKING_DAYS = 65


@dataclass(frozen=True)
class Instance:
    """One benchmark instance.

    Attributes
    ----------
    id
        Unique name, e.g. ``pilot-week-s1`` or ``scale-t8-s1``.
    family
        One of :data:`FAMILIES`.
    profile
        Generator profile.
    seed
        Generator seed.
    theatres
        For the scaling series: number of theatres (else None).
    working_days
        Working days of the horizon when not the profile's (the ``quarter`` family); the
        profile's ``min_mandatory`` (one mandatory case per working day) stretches with it.
    """

    id: str
    family: str
    profile: str
    seed: int
    theatres: int | None = None
    working_days: int | None = None

    def build(self) -> Scenario:
        """Generate the scenario (deterministic for the same record).

        Returns
        -------
        Scenario
        """
        from orplan.generate import generate

        if self.working_days is not None:
            days = self.working_days
            return generate(self.profile, self.seed, working_days=days, min_mandatory=days)
        if self.theatres is None:
            return generate(self.profile, self.seed)
        return generate(
            self.profile,
            self.seed,
            sites=scaling_sites(self.theatres),
            cases=CASES_PER_THEATRE * self.theatres,
            name=self.id,
        )

    def to_dict(self) -> dict[str, Any]:
        """The record as plain data (for a child process)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Instance:
        """Rebuild a record from :meth:`to_dict` output."""
        return cls(**data)


def scaling_sites(theatres: int) -> tuple[Any, ...]:
    """One site with ``theatres`` theatres split over :data:`SCALING_SPECIALTIES`.

    Parameters
    ----------
    theatres
        Number of theatres (>= 2).

    Returns
    -------
    tuple of SitePlan
        The ``sites`` override of the generator profile.
    """
    from orplan.generate import SitePlan

    mix = SCALING_SPECIALTIES[: max(2, min(len(SCALING_SPECIALTIES), theatres))]
    total = sum(share for _, share in mix)
    counts = [max(1, int(theatres * share / total)) for _, share in mix]
    # Largest shares absorb the rounding so the total is exact.
    i = 0
    while sum(counts) < theatres:
        counts[i % len(counts)] += 1
        i += 1
    while sum(counts) > theatres:
        j = max(range(len(counts)), key=lambda k: counts[k])
        counts[j] -= 1
    pairs = tuple((name, n) for (name, _), n in zip(mix, counts, strict=True) if n > 0)
    return (SitePlan("ULL", "Ullevål", pairs, 0),)


def instances(
    families: tuple[str, ...] | list[str] = FAMILIES, scaling_steps: int = 5
) -> list[Instance]:
    """All instances of the given families, in suite order.

    Parameters
    ----------
    families
        Families to include (see :data:`FAMILIES`).
    scaling_steps
        Length of the scaling series: 2, 4, ..., ``2**scaling_steps`` theatres.

    Returns
    -------
    list of Instance
    """
    unknown = sorted(set(families) - set(FAMILIES))
    if unknown:
        raise ValueError(f"unknown families {unknown}; known: {', '.join(FAMILIES)}")
    out: list[Instance] = []
    if "small" in families:
        out += [Instance(f"demo-s{s}", "small", "demo", s) for s in (1, 2, 3)]
    if "pilot-week" in families:
        out += [Instance(f"pilot-week-s{s}", "pilot-week", "pilot-week", s) for s in (1, 2)]
    if "hospital-month" in families:
        out.append(Instance("hospital-month-s1", "hospital-month", "hospital-month", 1))
    if "quarter" in families:
        days = QUARTER_WORKING_DAYS
        out.append(Instance("quarter-s1", "quarter", "hospital-month", 1, working_days=days))
    if "scaling" in families:
        for k in range(1, scaling_steps + 1):
            n = 2**k
            out.append(Instance(f"scale-t{n}-s1", "scaling", "pilot-week", 1, theatres=n))
    return out


def smoke_instances() -> list[Instance]:
    """Demo-size instances for ``make bench-smoke``: demo seeds 1-3 and 2 theatres.

    Returns
    -------
    list of Instance
    """
    return [*instances(["small"]), *instances(["scaling"], scaling_steps=1)]
