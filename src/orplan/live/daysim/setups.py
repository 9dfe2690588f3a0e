"""Two ways to keep room for emergencies (Wullink et al. 2007), and a day cut from a week.

* ``dedicated``: one theatre's sessions are reserved for emergencies (electives are planned
  in the other theatres only; under first fit emergencies go to that theatre only);
* ``spread``: the same minutes are kept free across the elective theatres: on each date the
  dedicated theatre's session minutes are taken off the closing times of that date's other
  sessions for planning, and given back on the day; emergencies break into any theatre
  that allows their specialty.

Both plans are made by the planner's rule (:func:`orplan.solver.solve.rule_result`) so that
the comparison does not depend on a solver's time budget.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from orplan.live.daysim.arrivals import ArrivalsFile
from orplan.live.daysim.sim import simulate_day
from orplan.plan.model import Plan
from orplan.scenario.model import Scenario

__all__ = ["compare_setups", "day_scenario", "emergency_setups"]


def emergency_setups(scenario: Scenario, theatre: str) -> dict[str, tuple[Plan, set[str] | None]]:
    """The rule plans of the dedicated and the spread set-up, with their emergency theatres.

    Parameters
    ----------
    scenario
        The scenario (its sessions are those played on the day).
    theatre
        The theatre reserved for emergencies in the dedicated set-up.

    Returns
    -------
    dict
        ``{"dedicated": (plan, {theatre}), "spread": (plan, None)}``.
    """
    from orplan.solver.solve import rule_result

    if theatre not in {t.id for t in scenario.theatres}:
        raise ValueError(f"unknown theatre {theatre!r}")
    kept = [s for s in scenario.sessions if s.theatre != theatre]
    # With less elective time a mandatory case may no longer fit: it stays unplanned (the
    # ``planned`` column shows what each set-up plans) rather than failing the plan.
    cases = [c.model_copy(update={"mandatory": False}) for c in scenario.cases]
    dedicated = scenario.model_copy(update={"sessions": kept, "cases": cases})
    reserved: dict[dt.date, int] = {}
    for s in scenario.sessions:
        if s.theatre == theatre:
            reserved[s.date] = reserved.get(s.date, 0) + s.close - s.open
    step = scenario.time_step
    shrunk = []
    for s in kept:
        others = sum(1 for o in kept if o.date == s.date)
        cut = -(-reserved.get(s.date, 0) // max(1, others) // step) * step  # rounded up
        close = max(s.open + step, s.close - cut)
        shrunk.append(s.model_copy(update={"close": close}))
    spread = scenario.model_copy(update={"sessions": shrunk, "cases": cases})
    plans = {
        name: rule_result(_valid(sc)).plan
        for name, sc in (("dedicated", dedicated), ("spread", spread))
    }
    assert all(p is not None for p in plans.values())  # the rule always gives a plan
    return {"dedicated": (plans["dedicated"], {theatre}), "spread": (plans["spread"], None)}  # type: ignore[dict-item]


def _valid(scenario: Scenario) -> Scenario:
    return Scenario.model_validate(scenario.model_dump())


def compare_setups(
    scenario: Scenario,
    arrivals: ArrivalsFile,
    theatre: str,
    samples: int = 10,
    seed: int = 0,
    *,
    dates: Sequence[dt.date] | None = None,
    spread: float = 1.0,
) -> pd.DataFrame:
    """First fit under the dedicated and the spread set-up, side by side (one row each).

    The column ``planned`` is the number of electives each set-up's plan schedules.
    """
    rows = []
    for name, (plan, theatres) in emergency_setups(scenario, theatre).items():
        table = simulate_day(
            scenario, plan, arrivals, ("first-fit",), samples, seed,
            dates=dates, spread=spread, theatres=theatres,
        )  # fmt: skip
        row = table.iloc[0].to_dict()
        row["planned"] = sum(e.scheduled for e in plan.cases)
        rows.append({"setup": name, **row})
    return pd.DataFrame(rows).set_index("setup")


def day_scenario(scenario: Scenario, plan: Plan, date: dt.date) -> tuple[Scenario, Plan]:
    """One date of a scenario and plan: the sessions and planned cases of ``date`` only.

    A replan with ``days=1`` never touches other dates, so a day can be played on its own
    model (smaller, faster). The plan keeps its entries for the kept cases.
    """
    placed = {e.case for e in plan.cases if e.scheduled and e.date == date}
    cases = [c for c in scenario.cases if c.id in placed]
    sub = scenario.model_copy(
        update={
            "horizon": scenario.horizon.model_copy(update={"start": date, "days": 1}),
            "sessions": [s for s in scenario.sessions if s.date == date],
            "cases": cases,
            "cases_file": None,
        }
    )
    sub = Scenario.model_validate(sub.model_dump())
    return sub, Plan(cases=[e for e in plan.cases if e.case in placed])
