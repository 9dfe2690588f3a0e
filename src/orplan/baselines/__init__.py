"""Baselines the CP-SAT planner is measured against (issue 6).

* :func:`rule_plan` — a planner's rule: earliest deadline first, first fit, sessions
  sequenced by priority (:mod:`orplan.baselines.rule`).
* :func:`mip_plan` — a case-to-session assignment MIP solved with HiGHS, then sequencing
  inside sessions (:mod:`orplan.baselines.mip`).
* :func:`cpsat_run` — CP-SAT with default settings, optionally warm-started from the rule
  plan (:mod:`orplan.baselines.cpsat`).

Every baseline returns an orplan :class:`~orplan.plan.model.Plan` whose ``run`` records the
independent checker's cost as its objective.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# Lazy exports (PEP 562): importing the package must not load OR-Tools, so that the HiGHS
# worker and the rule baseline can run in processes without it.
_EXPORTS = {
    "MethodResult": "orplan.baselines.common",
    "cpsat_run": "orplan.baselines.cpsat",
    "solve_cpsat": "orplan.baselines.cpsat",
    "solve_cpsat_hint": "orplan.baselines.cpsat",
    "mip_plan": "orplan.baselines.mip",
    "solve_mip": "orplan.baselines.mip",
    "rule_plan": "orplan.baselines.rule",
    "solve_rule": "orplan.baselines.rule",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'orplan.baselines' has no attribute {name!r}")
