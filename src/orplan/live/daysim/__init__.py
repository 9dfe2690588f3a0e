"""Simulate a day (or a week) of surgery with emergencies under two policies, side by side.

``first-fit`` runs the published plan and lets emergencies break in at the next free moment;
``replan`` calls :func:`orplan.live.replan` at each emergency and each late case end. See
:mod:`orplan.live.daysim.run` for the rules of play and :mod:`orplan.live.daysim.sim` for the
metrics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orplan._lazy import lazy_package

if TYPE_CHECKING:
    from orplan.live.daysim.arrivals import ArrivalsFile, ArrivalSpec, Emergency, load_arrivals
    from orplan.live.daysim.sim import POLICIES, SampleOutcome, play, simulate_day, summarise

# Imported on first use: the simulation needs pandas, which ``orplan --help`` should not load.
lazy_package(
    __name__,
    {
        "ArrivalsFile": "orplan.live.daysim.arrivals",
        "ArrivalSpec": "orplan.live.daysim.arrivals",
        "Emergency": "orplan.live.daysim.arrivals",
        "load_arrivals": "orplan.live.daysim.arrivals",
        "POLICIES": "orplan.live.daysim.sim",
        "SampleOutcome": "orplan.live.daysim.sim",
        "play": "orplan.live.daysim.sim",
        "simulate_day": "orplan.live.daysim.sim",
        "summarise": "orplan.live.daysim.sim",
    },
)

__all__ = [
    "POLICIES",
    "ArrivalSpec",
    "ArrivalsFile",
    "Emergency",
    "SampleOutcome",
    "load_arrivals",
    "play",
    "simulate_day",
    "summarise",
]
