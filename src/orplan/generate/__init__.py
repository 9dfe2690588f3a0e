"""Scenario generator: believable, reproducible OUS-like scenarios from a profile and a seed.

``generate("pilot-week", seed=1)`` returns a validated :class:`~orplan.scenario.Scenario`;
``write_scenario`` writes it byte-identically for the same profile and seed. Calibration
values and their sources are in :mod:`orplan.generate.calibration` and
``scenarios/README.md``.
"""

from orplan.generate.build import generate
from orplan.generate.profiles import PROFILES, Profile, SitePlan, get_profile

__all__ = [
    "PROFILES",
    "Profile",
    "SitePlan",
    "generate",
    "get_profile",
]
