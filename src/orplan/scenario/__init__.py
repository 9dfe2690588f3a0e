"""Scenario: the input model and its readers."""

from orplan.scenario.io import load_scenario, save_scenario, scenario_digest, scenario_from_dict
from orplan.scenario.model import (
    Availability,
    Case,
    Horizon,
    Rules,
    Scenario,
    Session,
    Surgeon,
    Theatre,
    Weights,
)

__all__ = [
    "Availability",
    "Case",
    "Horizon",
    "Rules",
    "Scenario",
    "Session",
    "Surgeon",
    "Theatre",
    "Weights",
    "load_scenario",
    "save_scenario",
    "scenario_digest",
    "scenario_from_dict",
]
