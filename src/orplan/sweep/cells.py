"""Cells of a sweep: one (scenario, variant, method, seed, time limit) each, and their solve.

:func:`run_cell` is what a Dask worker executes. Its arguments are plain data - the cell's
settings and the variant scenario as a JSON-ready mapping - never a path only the client
can read, and never a pickled orplan object: Dask serialises these dicts (with pickle, as
it does every task argument), and the worker re-validates the scenario from them.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from orplan import whatif
from orplan.errors import ScenarioError
from orplan.scenario import load_scenario
from orplan.scenario.io import scenario_digest, scenario_from_dict
from orplan.scenario.model import Scenario
from orplan.sweep.spec import SweepSpec

__all__ = ["KPI_COLUMNS", "Cell", "expand", "run_cell", "variant_scenarios"]

#: KPIs of the independent checker copied into every row.
KPI_COLUMNS = (
    "scheduled",
    "unscheduled",
    "deadline_breaches",
    "late_days",
    "overtime_minutes",
    "idle_minutes",
    "utilisation",
    "sessions_used",
)


@dataclass(frozen=True)
class Cell:
    """One point of the grid, with the digest of the scenario it solves."""

    id: str
    scenario: str
    variant: str
    method: str
    seed: int
    time_limit: float
    solver_workers: int
    deterministic_time: float | None
    scenario_sha256: str
    simulate_samples: int | None = None

    def settings_hash(self) -> str:
        """SHA-256 of everything that decides the cell's result (a changed spec or scenario
        gives another hash, so a resumed sweep does not reuse a stale result)."""
        text = json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._+%-]", "_", text)


def variant_scenarios(
    spec: SweepSpec, root: Path, source: str = "<sweep spec>"
) -> dict[tuple[str, str], Scenario]:
    """Every (scenario label, variant label) -> the edited scenario, built on the client.

    Building them here, before any cell runs, turns a bad edit (an unknown theatre, a date
    outside the horizon) into one readable error with nothing written.

    Raises
    ------
    ScenarioError
        A scenario file is invalid or an edit cannot be made; the message names the variant.
    """
    out: dict[tuple[str, str], Scenario] = {}
    for label, path in spec.scenarios.items():
        base = load_scenario(root / path)
        for variant, edits in spec.variants.items():
            scenario = base
            for i, edit in enumerate(edits):
                name, args = edit.function()
                try:
                    scenario = getattr(whatif, name)(scenario, **args)
                except ScenarioError as exc:
                    where = f"variants.{variant}[{i}].{name}"
                    problems = [f"{where}: {p}" for p in exc.problems]
                    raise ScenarioError(source, problems) from None
            out[label, variant] = scenario
    return out


def expand(spec: SweepSpec, scenarios: dict[tuple[str, str], Scenario]) -> list[Cell]:
    """The grid in a fixed order: scenario, variant, method, seed, time limit."""
    cells = []
    for (label, variant), scenario in scenarios.items():
        digest = scenario_digest(scenario)
        for method in spec.methods:
            for seed in spec.seeds:
                for limit in spec.time_limits:
                    cell_id = _safe(f"{label}__{variant}__{method}__s{seed}__t{limit:g}")
                    cells.append(
                        Cell(
                            cell_id,
                            label,
                            variant,
                            method,
                            seed,
                            limit,
                            spec.solver_workers,
                            spec.deterministic_time,
                            digest,
                            spec.simulate_samples,
                        )
                    )
    return cells


def _simulated(scenario: Scenario, plan: Any, samples: int, seed: int) -> dict[str, float]:
    """Headline figures of the plan played ``samples`` times (``sim_`` columns)."""
    from orplan.simulate import simulate

    overall = simulate(scenario, plan, samples=samples, seed=seed).overall
    return {
        "sim_overtime_mean": overall.overtime.mean,
        "sim_overtime_p90": overall.overtime.p90,
        "sim_p_any_overtime": overall.p_any_overtime,
        "sim_cancellations_mean": overall.cancellations.mean,
        "sim_utilisation_mean": overall.utilisation.mean,
    }


def run_cell(cell: dict[str, Any], scenario_data: dict[str, Any]) -> dict[str, Any]:
    """Solve one cell and return its row (runs on a Dask worker or in the client).

    The solve includes the independent checker (:func:`orplan.solver.solve.solve` raises
    :class:`~orplan.errors.PlanInvalidError` when it rejects a plan, which fails the cell).

    Parameters
    ----------
    cell
        :class:`Cell` fields, as a mapping.
    scenario_data
        The variant scenario, ``Scenario.model_dump(mode="json")``.

    Returns
    -------
    dict
        The row: the cell's settings, status, cost (the checker's), bound, gap, KPIs, solve
        and cell times.
    """
    from orplan.solver import SolveSettings, solve
    from orplan.solver.solve import rule_result

    began = time.perf_counter()
    scenario = scenario_from_dict(scenario_data, source=f"cell {cell['id']}")
    if scenario_digest(scenario) != cell["scenario_sha256"]:
        raise RuntimeError(f"cell {cell['id']}: the scenario changed on its way to the worker")
    if cell["method"] == "rule":
        result = rule_result(scenario)
    else:
        settings = SolveSettings(
            time_limit=cell["time_limit"],
            workers=cell["solver_workers"],
            seed=cell["seed"],
            deterministic_time=cell["deterministic_time"],
        )
        result = solve(scenario, settings)
    row: dict[str, Any] = dict(cell)
    row["scenario_name"] = scenario.name
    row["status"] = str(result.status)
    row["stopped_by"] = None if result.plan is None else result.plan.run.stopped_by  # type: ignore[union-attr]
    row["cost"] = None if result.check is None else float(result.check.cost.total)
    row["bound"] = result.bound
    row["gap"] = result.gap
    kpis = result.kpis
    for name in KPI_COLUMNS:
        row[name] = None if kpis is None else getattr(kpis, name)
    row["checked"] = result.check is not None and result.check.ok
    if cell.get("simulate_samples") and result.plan is not None:
        row.update(_simulated(scenario, result.plan, cell["simulate_samples"], cell["seed"]))
    row["solve_time"] = round(result.wall_time, 3)
    row["cell_time"] = round(time.perf_counter() - began, 3)
    row["error"] = None
    return row
