r"""The unavoidable cost: the part of a plan's cost that no plan of the scenario can avoid.

Three sources, each a lower bound of its own cost term of ``docs/rules.md`` in every plan:

* **cases** — case :math:`c` costs at least

  .. math::
      \underline{k}_c = \min\Big(U_c,\ \min_s k_{cs}\Big)
      \quad(\min_s k_{cs} \text{ alone when the case must be scheduled})

  where :math:`U_c` is its unscheduled cost (priority weight, plus breach and late days
  when its deadline falls inside the horizon) and :math:`k_{cs}` its waiting, breach and
  late-day cost in session *s*. A case with no eligible session pays :math:`U_c`; a case
  overdue before the horizon starts pays breach and late days wherever it goes.
* **idle sessions** — a session no case can use is idle for its whole length.
* **beds** — the bed-peak term of a site is at least its highest pre-occupied day.

The sum is a valid lower bound of the optimum, so the *decidable* part of a plan's cost is
``cost - unavoidable``; ``gap_decidable = (cost - bound) / (cost - unavoidable)`` says how
much of what the planner can still change is not yet proven.
"""

from __future__ import annotations

from dataclasses import dataclass

from orplan.scenario.model import Scenario
from orplan.solver.objective import case_costs
from orplan.solver.options import CaseOptions

__all__ = ["Unavoidable", "decidable_gap", "occupied_bed_cost", "unavoidable_cost"]


@dataclass(frozen=True)
class Unavoidable:
    """The unavoidable cost and its parts (cost units)."""

    cases: int
    idle: int
    beds: int

    @property
    def total(self) -> int:
        """Sum of the parts."""
        return self.cases + self.idle + self.beds


def _case_floor(scenario: Scenario, entry: CaseOptions) -> int:
    """Least cost of one case over 'left out' and each of its options."""
    case = entry.case
    if case.cancelled is not None:
        return 0  # a cancelled case costs nothing (docs/rules.md)
    left_out, costs = case_costs(scenario, case, [option.day for option in entry.options])
    if case.must_schedule and costs:
        return min(costs)
    return min([left_out, *costs])


def unavoidable_cost(scenario: Scenario, case_options: list[CaseOptions]) -> Unavoidable:
    """Compute the cost no plan of ``scenario`` avoids (see the module docstring).

    Parameters
    ----------
    scenario
        A validated scenario.
    case_options
        The eligible options of every case (:func:`orplan.solver.options.build_options`).

    Returns
    -------
    Unavoidable
        The parts and their total; the total is a valid lower bound of every plan's cost.
    """
    w = scenario.weights
    cases = sum(_case_floor(scenario, entry) for entry in case_options)
    usable = {o.session for entry in case_options for o in entry.options}
    idle = w.idle_minute * sum(
        s.close - s.open for si, s in enumerate(scenario.sessions) if si not in usable
    )
    return Unavoidable(cases=cases, idle=idle, beds=occupied_bed_cost(scenario))


def occupied_bed_cost(scenario: Scenario) -> int:
    """The bed-peak cost of the beds occupied before the plan: each site's highest day.

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    int
        A floor of the bed-peak term in every plan (cost units).
    """
    w = scenario.weights
    beds = 0
    if w.bed_peak and scenario.beds:
        dates = scenario.dates()
        for site in sorted({u.site for u in scenario.beds}):
            units = [u for u in scenario.beds if u.site == site]
            beds += max(sum(u.occupied.get(d, 0) for u in units) for d in dates)
        beds *= w.bed_peak
    return beds


def decidable_gap(objective: float | None, bound: float | None, unavoidable: float) -> float | None:
    """Gap on the part of the cost a plan can change: ``(cost - bound) / (cost - unavoidable)``.

    Parameters
    ----------
    objective
        Cost of a plan.
    bound
        A valid lower bound (>= ``unavoidable`` when it is the best bound known).
    unavoidable
        The unavoidable cost.

    Returns
    -------
    float or None
        None without a cost or bound; 0 when the plan costs only what is unavoidable.
    """
    if objective is None or bound is None:
        return None
    decidable = objective - unavoidable
    if decidable <= 0:
        return 0.0
    return max(0.0, objective - bound) / decidable
