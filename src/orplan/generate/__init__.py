"""Scenario generator: believable, reproducible OUS-like scenarios from a profile and a seed.

``generate("pilot-week", seed=1)`` returns a validated :class:`~orplan.scenario.Scenario`;
``write_scenario`` writes it byte-identically for the same profile and seed. Calibration
values and their sources are in :mod:`orplan.generate.calibration` and
``scenarios/README.md``.
"""

from typing import TYPE_CHECKING

from orplan._lazy import lazy_package

if TYPE_CHECKING:
    from orplan.generate.build import generate
    from orplan.generate.profiles import PROFILES, Profile, SitePlan, get_profile

lazy_package(
    __name__,
    {
        "generate": "orplan.generate.build",
        "PROFILES": "orplan.generate.profiles",
        "Profile": "orplan.generate.profiles",
        "SitePlan": "orplan.generate.profiles",
        "get_profile": "orplan.generate.profiles",
    },
)

__all__ = [
    "PROFILES",
    "Profile",
    "SitePlan",
    "generate",
    "get_profile",
]
