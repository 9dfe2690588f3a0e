"""The sweep spec: base scenarios, what-if variants and the grid of solve settings.

A spec is a YAML (or JSON) file, safe-loaded and validated here; ``orplan schema sweep``
prints its JSON Schema. Scenario paths are relative to the spec file. Example::

    name: pilot-week-what-ifs
    scenarios:
      pilot-week: ../pilot-week.yaml
    variants:
      base: []
      theatre-closed:
        - close_theatre: {theatre: ULL-OP02}
      demand+10%:
        - scale_demand: {factor: 1.1}
    seeds: [0, 1]
    methods: [cpsat, rule]
    time_limits: [20]

The grid is the product scenarios x variants x methods x seeds x time limits; each point is
one *cell* (see :mod:`orplan.sweep.cells`).
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from orplan import whatif
from orplan.errors import ScenarioError
from orplan.scenario.io import _read_mapping, validation_problems

__all__ = ["EDITS", "Edit", "SweepSpec", "load_spec", "spec_from_dict"]

Label = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._+%-]{0,63}$")]
Args = dict[str, Any]


class Edit(BaseModel):
    """One what-if edit: exactly one field, the :mod:`orplan.whatif` function, with its
    keyword arguments (the scenario is passed by the sweep)."""

    model_config = ConfigDict(extra="forbid")

    close_theatre: Args | None = Field(None, description="whatif.close_theatre arguments")
    extend_sessions: Args | None = Field(None, description="whatif.extend_sessions arguments")
    remove_surgeon: Args | None = Field(None, description="whatif.remove_surgeon arguments")
    add_session: Args | None = Field(None, description="whatif.add_session arguments")
    scale_demand: Args | None = Field(None, description="whatif.scale_demand arguments")
    set_weights: Args | None = Field(None, description="whatif.set_weights arguments")
    set_rules: Args | None = Field(None, description="whatif.set_rules arguments")

    def function(self) -> tuple[str, Args]:
        """The edit's function name and keyword arguments."""
        given = [(name, args) for name, args in self if args is not None]
        if len(given) != 1:
            raise ValueError("give exactly one what-if edit per list item")
        return given[0]


#: What-if edits a variant may list, by name: the functions of :mod:`orplan.whatif`.
EDITS = tuple(Edit.model_fields)


def _base_only() -> dict[str, list[Edit]]:
    return {"base": []}


class SweepSpec(BaseModel):
    """A what-if sweep: every cell of the grid is solved, checked and reported in one table."""

    model_config = ConfigDict(extra="forbid")

    name: Label = Field(description="Name of the sweep (recorded in sweep.json).")
    scenarios: dict[Label, str] = Field(
        min_length=1,
        description="Label -> scenario file, relative to the spec file.",
    )
    variants: dict[Label, list[Edit]] = Field(
        default_factory=_base_only,
        min_length=1,
        description="Label -> list of what-if edits applied in order ([] is the base).",
    )
    methods: list[Literal["cpsat", "rule"]] = Field(
        default=["cpsat"], min_length=1, description="'cpsat' (optimiser) or 'rule' (planner's)."
    )
    seeds: list[Annotated[int, Field(ge=0)]] = Field(default=[0], min_length=1)
    time_limits: list[Annotated[float, Field(gt=0)]] = Field(
        default=[20.0], min_length=1, description="Seconds per solve."
    )
    solver_workers: int = Field(
        default=1, ge=1, le=64, description="CP-SAT threads per cell (= threads per Dask worker)."
    )
    deterministic_time: float | None = Field(
        default=None, gt=0, description="CP-SAT deterministic limit: with 1 worker, repeatable."
    )
    retries: int = Field(default=1, ge=0, le=5, description="Retries of a failed cell.")
    simulate_samples: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description="Also play each cell's plan this many times with random durations "
        "(orplan simulate, seeded with the cell's seed); null: no simulation.",
    )


def _check_edit_arguments(spec: SweepSpec) -> list[str]:
    """Argument names the what-if functions do not take, as one problem line each."""
    problems = []
    for label, edits in spec.variants.items():
        for i, edit in enumerate(edits):
            try:
                name, args = edit.function()
            except ValueError as exc:
                problems.append(f"variants.{label}[{i}]: {exc}")
                continue
            params = list(inspect.signature(getattr(whatif, name)).parameters.values())[1:]
            if any(p.kind is p.VAR_KEYWORD for p in params):
                continue  # set_weights, set_rules: their function checks the names itself
            names = [p.name for p in params]
            for key in args:
                if key not in names:
                    problems.append(
                        f"variants.{label}[{i}].{name}.{key}: unknown argument "
                        f"(arguments: {', '.join(names)})"
                    )
    return problems


def spec_from_dict(data: dict[str, Any], source: str = "<sweep spec>") -> SweepSpec:
    """Validate a mapping as a sweep spec.

    Raises
    ------
    ScenarioError
        One line per problem, naming ``source`` and the field.
    """
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        problems = [
            p.replace(
                "Extra inputs are not permitted", f"unknown what-if (edits: {', '.join(EDITS)})"
            )
            if p.startswith("variants.")
            else p
            for p in validation_problems(exc, data)
        ]
        raise ScenarioError(source, problems) from None
    problems = _check_edit_arguments(spec)
    if problems:
        raise ScenarioError(source, problems)
    return spec


def load_spec(path: str | Path) -> tuple[SweepSpec, Path]:
    """Read a sweep spec file (YAML safe-loaded, or JSON).

    Returns
    -------
    tuple
        The spec and the folder its scenario paths are relative to.

    Raises
    ------
    ScenarioError
        Unreadable file or invalid spec: one line per problem naming the field.
    """
    path = Path(path)
    return spec_from_dict(_read_mapping(path), str(path)), path.absolute().parent
