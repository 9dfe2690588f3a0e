"""The public entry points: read an MSS input, plan it, compare it with the baseline."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from orplan.errors import PlanInvalidError, ScenarioError
from orplan.mss.beds import bed_curve
from orplan.mss.check import check_mss
from orplan.mss.model import Block, MssInput, MssPlan
from orplan.mss.solve import MssSettings, solve_mss


def load_mss_input(path: str | Path, cycle_weeks: int | None = None) -> MssInput:
    """Read an MSS input file, or derive one from a scenario file (its sessions = baseline).

    Parameters
    ----------
    path
        ``.yaml``/``.json`` MSS input (has ``specialties``) or an orplan scenario.
    cycle_weeks
        Override the cycle length (1-4 weeks); the baseline is repeated to fill it.

    Raises
    ------
    ScenarioError
        One readable line per problem, naming the file and field.
    """
    from orplan.mss.derive import input_from_scenario
    from orplan.scenario import load_scenario
    from orplan.scenario.io import _read_mapping, validation_problems

    path = Path(path)
    data = _read_mapping(path)
    if "specialties" not in data and "sessions" in data:
        return input_from_scenario(load_scenario(path), cycle_weeks or 1)
    if cycle_weeks is not None:
        data = {**data, "cycle_weeks": cycle_weeks}
    try:
        inp = MssInput.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(str(path), validation_problems(exc, data)) from None
    if cycle_weeks is not None and inp.baseline:
        # Repeat the baseline's first week into the longer cycle.
        first = [b for b in inp.baseline if b.week == 1]
        repeated = [b.model_copy(update={"week": w}) for w in range(1, cycle_weeks + 1)
                    for b in first]  # fmt: skip
        inp = inp.model_copy(update={"baseline": repeated})
    return inp


def with_baseline_from(inp: MssInput, scenario_path: str | Path) -> MssInput:
    """``inp`` with its baseline replaced by the sessions of a scenario file."""
    from orplan.mss.derive import baseline_blocks
    from orplan.scenario import load_scenario

    blocks = baseline_blocks(load_scenario(scenario_path), inp.cycle_weeks)
    data = inp.model_dump()
    data["baseline"] = [b.model_dump() for b in blocks]
    try:
        return MssInput.model_validate(data)
    except ValidationError as exc:
        from orplan.scenario.io import validation_problems

        raise ScenarioError(str(scenario_path), validation_problems(exc, data)) from None


def _checked(inp: MssInput, plan: MssPlan) -> MssPlan:
    report = check_mss(inp, plan)
    if not report.ok:
        raise PlanInvalidError("the MSS checker rejected the MSS: " + "; ".join(report.violations))
    plan.bed_curve = bed_curve(inp, plan.blocks)
    return plan


def plan_mss(
    inp: MssInput,
    settings: MssSettings | None = None,
    *,
    time_limit: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
) -> MssPlan:
    """Plan a master surgery schedule; a returned schedule has passed the independent checker.

    Parameters
    ----------
    inp
        The MSS input (:func:`load_mss_input`).
    settings
        Solver settings (defaults: 30 s, 2 workers, seed 0, the count formulation);
        keyword arguments override them.

    Returns
    -------
    MssPlan
        ``status`` is ``optimal``/``feasible`` with blocks and the exact bed curve, or
        ``infeasible``/``unknown`` with an ``explanation``.

    Raises
    ------
    PlanInvalidError
        The checker rejected the solver's schedule (a bug in orplan).
    """
    base = settings or MssSettings()
    settings = replace(
        base,
        time_limit=base.time_limit if time_limit is None else time_limit,
        workers=base.workers if workers is None else workers,
        seed=base.seed if seed is None else seed,
    )
    plan = solve_mss(inp, settings)
    if plan.status not in ("optimal", "feasible"):
        return plan
    return _checked(inp, plan)


def baseline_plan(inp: MssInput) -> MssPlan | None:
    """The input's baseline as a checked schedule (``None`` when it has none).

    A baseline breaking a rule (say, hours off the targets) is still returned for the
    comparison; its ``explanation`` lists what the checker found.
    """
    if not inp.baseline:
        return None
    plan = MssPlan(name=f"{inp.name}-baseline", cycle_weeks=inp.cycle_weeks, status="baseline",
                   blocks=list(inp.baseline))  # fmt: skip
    report = check_mss(inp, plan)
    plan.explanation = report.violations
    plan.expected_peak_ward = round(report.expected_peak_ward, 4)
    plan.expected_peak_icu = round(report.expected_peak_icu, 4)
    plan.bed_curve = bed_curve(inp, plan.blocks)
    return plan


def compare(
    inp: MssInput, baseline: list[Block], blocks: list[Block], weeks: int, seed: int
) -> dict[str, Any]:
    """Simulate baseline and MSS over the same random patients; rows for the report."""
    from orplan.mss.simulate import simulate

    a = simulate(inp, baseline, weeks, seed).as_dict()
    b = simulate(inp, blocks, weeks, seed).as_dict()
    names = {
        "p90_day_ward": "p90 of the daily ward beds (all days)",
        "p90_day_icu": "p90 of the daily ICU beds (all days)",
        "p90_peak_ward": "p90 of the weekly peak ward beds",
        "p90_peak_icu": "p90 of the weekly peak ICU beds",
        "mean_peak_ward": "mean weekly peak ward beds",
        "days_over_ward": "days over ward capacity",
        "days_over_icu": "days over ICU capacity",
        "cancelled_no_ward_bed": "cancellations: no ward bed",
        "cancelled_no_icu_bed": "cancellations: no ICU bed",
        "cases": "cases booked (simulated)",
        "theatre_hours": "theatre hours per week",
    }
    return {
        "weeks": a["weeks"],
        "seed": seed,
        "method": "Monte-Carlo (peaks over a week, cancellations); per-day bands are exact",
        "baseline": a,
        "mss": b,
        "rows": [(label, a[key], b[key]) for key, label in names.items()],
    }


def mss(
    source: MssInput | str | Path,
    *,
    time_limit: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
) -> MssPlan:
    """``orplan.mss(...)``: plan an MSS from an input, an input file or a scenario file.

    Same defaults as ``orplan mss`` (30 s, 2 workers, seed 0); see :func:`plan_mss`.
    """
    inp = source if isinstance(source, MssInput) else load_mss_input(source)
    return plan_mss(inp, time_limit=time_limit, workers=workers, seed=seed)
