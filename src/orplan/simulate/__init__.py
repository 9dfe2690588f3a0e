"""Monte-Carlo simulation of a plan under uncertain case durations.

:func:`simulate` plays every session of a plan many times with lognormal case durations
(see :mod:`orplan.simulate.engine` for the rules: start times, cancellations, SVF
sequencing) and returns a :class:`SimulationResult` with overtime, idle time, utilisation,
cancellations and surgeon overrun per session and plan-wide; :func:`plot_simulation` draws it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orplan._lazy import lazy_package

if TYPE_CHECKING:
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

_EXPORTS = {
    "simulate": "orplan.simulate.engine",
    "plot_simulation": "orplan.simulate.plot",
    "CaseStats": "orplan.simulate.result",
    "Histogram": "orplan.simulate.result",
    "Percentiles": "orplan.simulate.result",
    "SessionStats": "orplan.simulate.result",
    "SimulationResult": "orplan.simulate.result",
    "SimulationSummary": "orplan.simulate.result",
    "SurgeonDayStats": "orplan.simulate.result",
}
lazy_package(__name__, _EXPORTS)

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
