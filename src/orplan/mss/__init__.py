"""Master surgery schedule (MSS): which specialty gets which theatre on which weekday.

A cyclic block plan over 1-4 weeks that meets each specialty's theatre hours and levels the
ward and ICU beds its patients need (CP-SAT; exact Poisson-binomial bed curve; independent
checker). See docs/mss.md.

>>> from orplan.mss import load_mss_input, plan_mss
>>> plan = plan_mss(load_mss_input("scenarios/mss/example.yaml"))  # doctest: +SKIP
>>> plan.blocks[0].specialty  # doctest: +SKIP
"""

from __future__ import annotations

from orplan.mss.api import baseline_plan, compare, load_mss_input, plan_mss
from orplan.mss.check import MssCheck, check_mss
from orplan.mss.model import Block, MssInput, MssPlan
from orplan.mss.solve import MssSettings

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
