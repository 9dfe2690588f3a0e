"""The independent checker: a second opinion on every plan.

It re-verifies every hard rule of ``docs/rules.md`` and recomputes the KPIs and the objective
from the scenario and plan models alone, sharing no code with the CP-SAT model builder.

Examples
--------
>>> report = check(scenario, plan)  # doctest: +SKIP
>>> report.ok, report.cost.total  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from orplan.check.context import CheckContext
from orplan.check.kpis import (
    CostBreakdown,
    Kpis,
    compute_cost,
    compute_kpis,
    evaluate,
    occupancy_table,
    recovery_profile,
    session_table,
)
from orplan.check.violations import RULE_IDS, RULES, Violation, find_violations
from orplan.plan.model import Plan
from orplan.scenario.model import Scenario

__all__ = [
    "RULES",
    "RULE_IDS",
    "CheckContext",
    "CheckReport",
    "CostBreakdown",
    "Kpis",
    "Violation",
    "check",
    "compute_cost",
    "compute_kpis",
    "find_violations",
    "occupancy_table",
    "recovery_profile",
    "session_table",
]


class CheckReport(BaseModel):
    """What the checker found: violations, KPIs and the recomputed objective."""

    violations: list[Violation] = Field(description="Broken hard rules (empty if valid).")
    kpis: Kpis = Field(description="Key figures of the plan.")
    cost: CostBreakdown = Field(description="Weighted cost terms and their total.")
    sessions: list[dict[str, Any]] = Field(
        default_factory=list, description="Per-session table (see session_table)."
    )

    @property
    def ok(self) -> bool:
        """Whether the plan keeps every hard rule."""
        return not self.violations

    def by_rule(self) -> dict[str, list[Violation]]:
        """Group the violations by rule id, in the order of ``docs/rules.md``.

        Returns
        -------
        dict of str to list of Violation
            Only rules with at least one violation appear.
        """
        groups: dict[str, list[Violation]] = {}
        order = {rule: i for i, rule in enumerate(RULE_IDS)}
        for v in sorted(self.violations, key=lambda v: order.get(v.rule, len(order))):
            groups.setdefault(v.rule, []).append(v)
        return groups

    def summary(self, max_per_rule: int = 20) -> str:
        """Return a readable summary: verdict, violations grouped by rule, and the cost.

        Parameters
        ----------
        max_per_rule
            At most this many messages are listed per rule; the rest are counted.

        Returns
        -------
        str
            Multi-line text.
        """
        k, c = self.kpis, self.cost
        lines: list[str] = []
        if self.ok:
            lines.append("plan OK: no hard rule is broken")
        else:
            groups = self.by_rule()
            lines.append(
                f"plan INVALID: {len(self.violations)} violation(s) of {len(groups)} rule(s)"
            )
            for rule, items in groups.items():
                lines.append(f"  {rule} ({len(items)}):")
                lines.extend(f"    - {v.message}" for v in items[:max_per_rule])
                if len(items) > max_per_rule:
                    lines.append(f"    ... and {len(items) - max_per_rule} more")
        lines.append(
            f"scheduled {k.scheduled}/{k.scheduled + k.unscheduled} cases, "
            f"utilisation {k.utilisation:.1%}, overtime {k.overtime_minutes} min, "
            f"idle {k.idle_minutes} min"
        )
        clinical = [
            f"{label} {', '.join(f'{key} {n}' for key, n in sorted(peaks.items()))}"
            for label, peaks in (
                ("peak PACU", k.peak_recovery),
                ("peak ICU", k.peak_icu),
                ("peak ward", k.peak_ward),
                ("peak equipment", k.peak_equipment),
            )
            if peaks
        ]
        if k.preference_misses:
            clinical.append(f"{k.preference_misses} surgeon preference(s) missed")
        if clinical:
            lines.append("; ".join(clinical))
        terms = ", ".join(
            f"{name} {value}" for name, value in c.model_dump().items() if name != "total"
        )
        lines.append(f"cost {c.total} = {terms}")
        return "\n".join(lines)


def check(scenario: Scenario, plan: Plan, *, parent: Plan | None = None) -> CheckReport:
    """Check ``plan`` against ``scenario``: hard rules, KPIs and objective.

    Never raises on a malformed plan: unknown case or session ids, duplicates and missing
    cases are reported as violations, and KPIs and costs are computed over the valid entries.

    Parameters
    ----------
    scenario
        The scenario the plan claims to solve.
    plan
        The plan to check.
    parent
        The published plan this one replaces (day of surgery): with ``scenario.now`` set,
        the ``case-frozen`` rule holds started and frozen cases where the parent has them.

    Returns
    -------
    CheckReport
        Violations, KPIs, cost breakdown and per-session table.
    """
    ctx = CheckContext.build(scenario, plan, parent=parent)
    violations = find_violations(scenario, plan, context=ctx)
    kpis, cost, rows = evaluate(ctx)
    return CheckReport(violations=violations, kpis=kpis, cost=cost, sessions=rows)
