"""Simulate a day (or a week) of surgery with emergencies under two policies, side by side.

``first-fit`` runs the published plan and lets emergencies break in at the next free moment;
``replan`` calls :func:`orplan.live.replan` at each emergency and each late case end. See
:mod:`orplan.live.daysim.run` for the rules of play and :mod:`orplan.live.daysim.sim` for the
metrics.
"""

from __future__ import annotations

from orplan.live.daysim.arrivals import ArrivalsFile, ArrivalSpec, Emergency, load_arrivals
from orplan.live.daysim.sim import POLICIES, SampleOutcome, play, simulate_day, summarise

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
