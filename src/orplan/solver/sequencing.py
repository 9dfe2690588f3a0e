"""Patient sequencing inside a session: flagged patients first or last (rules are data).

A rule table in the scenario (``scenario.sequencing``) says which case flags go first
(children, latex allergy) or last (infected cases, with extra cleaning added to their
turnover). Instead of one constraint per pair of cases, each session gets two helper
variables: the latest start among its "first" cases and the earliest start among the rest.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from orplan.scenario.model import Scenario
from orplan.solver.variables import OptionVars, Variables, steps_up


def _flagged(scenario: Scenario, position: str) -> set[int]:
    flags = {r.flag for r in scenario.sequencing if r.position == position}
    return {i for i, c in enumerate(scenario.cases) if flags.intersection(c.flags)}


def _by_session(v: Variables) -> dict[int, list[OptionVars]]:
    groups: dict[int, list[OptionVars]] = defaultdict(list)
    for ov in v.options:
        groups[ov.option.session].append(ov)
    return groups


def _order(model: cp_model.CpModel, v: Variables, early: set[int], name: str, step: int) -> None:
    """In each session, every case in ``early`` starts no later than every other case.

    .. math:: S^{early}_s \\ge start_a \\text{ if } x_a, \\quad S^{rest}_s \\le start_b
        \\text{ if } x_b, \\quad S^{early}_s \\le S^{rest}_s

    Starts of two present cases in one theatre never coincide (no-overlap), so this gives
    the strict order of docs/rules.md.
    """
    for si, options in _by_session(v).items():
        first = [o for o in options if o.option.case in early]
        rest = [o for o in options if o.option.case not in early]
        if not first or not rest:
            continue
        lo = min(steps_up(o.option.earliest, step) for o in options)
        hi = max(o.option.latest // step for o in options)
        last_of_first = model.new_int_var(lo, hi, f"{name}-a[{si}]")
        first_of_rest = model.new_int_var(lo, hi, f"{name}-b[{si}]")
        for o in first:
            model.add(last_of_first >= o.start).only_enforce_if(o.scheduled)
        for o in rest:
            model.add(first_of_rest <= o.start).only_enforce_if(o.scheduled)
        model.add(last_of_first <= first_of_rest)


def sequence_first(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> None:
    """Cases with a 'first' flag (e.g. child, latex allergy) start before the others."""
    flagged = _flagged(scenario, "first")
    if flagged:
        _order(model, v, flagged, "first", scenario.time_step)


def sequence_last(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> None:
    """Cases with a 'last' flag (e.g. infected) start after the others."""
    flagged = _flagged(scenario, "last")
    if flagged:
        others = set(range(len(scenario.cases))) - flagged
        _order(model, v, others, "last", scenario.time_step)


def early_start_costs(
    model: cp_model.CpModel, scenario: Scenario, v: Variables
) -> list[cp_model.LinearExprT]:
    r"""Cost terms of 'early' rules: weight x minutes the case starts after opening.

    :math:`e_{cs} \ge step \cdot start_{cs} - open_s` if :math:`x_{cs}`, :math:`e \ge 0`;
    the product with the presence literal is avoided this way.
    """
    weights: dict[str, int] = {
        r.flag: r.weight for r in scenario.sequencing if r.position == "early"
    }
    terms: list[cp_model.LinearExprT] = []
    if not weights:
        return terms
    step = scenario.time_step
    for ov in v.options:
        case = scenario.cases[ov.option.case]
        weight = sum(w for flag, w in weights.items() if flag in case.flags)
        if weight == 0:
            continue
        session = scenario.sessions[ov.option.session]
        span = ov.option.latest - session.open
        late = model.new_int_var(0, max(0, span), f"late-start[{case.id}|{session.id}]")
        model.add(late >= ov.start * step - session.open).only_enforce_if(ov.scheduled)
        terms.append(weight * late)
    return terms


#: Sequencing rules, in the order they are added.
RULES = (sequence_first, sequence_last)
