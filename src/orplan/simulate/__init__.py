"""Monte-Carlo simulation of a plan under uncertain case durations.

:func:`simulate` plays every session of a plan many times with lognormal case durations
(see :mod:`orplan.simulate.engine` for the rules: start times, cancellations, SVF
sequencing) and returns a :class:`SimulationResult` with overtime, idle time, utilisation,
cancellations and surgeon overrun per session and plan-wide; :func:`plot_simulation` draws it.
"""

from __future__ import annotations

from orplan.simulate.engine import simulate
from orplan.simulate.plot import plot_simulation
from orplan.simulate.result import (
    CaseStats,
    Histogram,
    Percentiles,
    SessionStats,
    SimulationResult,
    SimulationSummary,
    SurgeonDayStats,
)

__all__ = [
    "CaseStats",
    "Histogram",
    "Percentiles",
    "SessionStats",
    "SimulationResult",
    "SimulationSummary",
    "SurgeonDayStats",
    "plot_simulation",
    "simulate",
]
