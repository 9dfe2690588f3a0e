"""Master surgery schedule (MSS): which specialty gets which theatre on which weekday.

A cyclic block plan over 1-4 weeks that meets each specialty's theatre hours and levels the
ward and ICU beds its patients need (CP-SAT; exact Poisson-binomial bed curve; independent
checker). See docs/mss.md.

>>> from orplan.mss import load_mss_input, plan_mss
>>> plan = plan_mss(load_mss_input("scenarios/mss/example.yaml"))  # doctest: +SKIP
>>> plan.blocks[0].specialty  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orplan._lazy import lazy_package

if TYPE_CHECKING:
    from orplan.mss.api import baseline_plan, compare, load_mss_input, plan_mss
    from orplan.mss.check import MssCheck, check_mss
    from orplan.mss.model import Block, MssInput, MssPlan
    from orplan.mss.solve import MssSettings

# Imported on first use: ``orplan --help`` loads this package's CLI, not numpy or OR-Tools.
lazy_package(
    __name__,
    {
        "baseline_plan": "orplan.mss.api",
        "compare": "orplan.mss.api",
        "load_mss_input": "orplan.mss.api",
        "plan_mss": "orplan.mss.api",
        "MssCheck": "orplan.mss.check",
        "check_mss": "orplan.mss.check",
        "Block": "orplan.mss.model",
        "MssInput": "orplan.mss.model",
        "MssPlan": "orplan.mss.model",
        "MssSettings": "orplan.mss.solve",
    },
)

__all__ = [
    "Block",
    "MssCheck",
    "MssInput",
    "MssPlan",
    "MssSettings",
    "baseline_plan",
    "check_mss",
    "compare",
    "load_mss_input",
    "plan_mss",
]
