"""The week-averaged floor: a valid lower bound that binds on a small multi-week cycle."""

from __future__ import annotations

from orplan.mss import MssInput, plan_mss
from orplan.mss import floor as floor_module
from orplan.mss import solve as solve_module
from orplan.mss.floor import theatre_classes, week_averaged_floor
from tests.mss.conftest import SETTINGS, tiny_dict


def _floor(inp: MssInput) -> int | None:
    return week_averaged_floor(inp, 30.0, 1, 0)


def _scaled(objective: float | None) -> int:
    assert objective is not None
    return round(objective * solve_module.OBJECTIVE_SCALE)


def test_floor_equals_the_two_week_optimum() -> None:
    """Two weeks of the tiny MSS: the floor (2 ward beds + 5 patterns) is the optimum.

    Spread over the cycle, 4 'long' blocks give at least 2 expected beds on the average
    weekday, and 10 blocks on 5 weekdays of one theatre use at least 5 patterns.
    """
    data = tiny_dict()
    data["cycle_weeks"] = 2
    inp = MssInput.model_validate(data)
    plan = plan_mss(inp, SETTINGS)
    assert plan.status == "optimal"
    assert _floor(inp) == _scaled(plan.objective) == _scaled(2.05)


def test_floor_is_below_the_optimum_with_pins_and_tolerance() -> None:
    """Three weeks, a pin, a tolerance and a second theatre: the floor stays a lower bound."""
    data = tiny_dict()
    data["cycle_weeks"] = 3
    data["theatres"].append({"id": "OR2", "hours": 8})
    data["specialties"][0]["hours"] = 24
    data["specialties"][1]["tolerance_hours"] = 8
    data["specialties"][0]["case_mix"] = [{"share": 0.5, "icu_days": 1, "ward_days": 2},
                                          {"share": 0.5, "ward_days": 4}]  # fmt: skip
    data["fixed"] = [{"theatre": "OR1", "week": 2, "weekday": 1, "specialty": "long"}]
    data["baseline"] = []
    inp = MssInput.model_validate(data)
    plan = plan_mss(inp, SETTINGS)
    assert plan.status == "optimal"
    bound = _floor(inp)
    assert bound is not None and 0 < bound <= _scaled(plan.objective)
    assert plan.bound is not None and _scaled(plan.bound) >= bound


def test_classes_group_identical_theatres_and_keep_pinned_ones_apart() -> None:
    """Three identical theatres: the pinned one is a class of its own, the other two one."""
    data = tiny_dict()
    data["theatres"] += [{"id": "OR2", "hours": 8}, {"id": "OR3", "hours": 8},
                         {"id": "OR4", "hours": 6}]  # fmt: skip
    data["fixed"] = [{"theatre": "OR1", "weekday": 1, "specialty": "long"}]
    classes = theatre_classes(MssInput.model_validate(data))
    assert sorted([t.id for t in c] for c in classes) == [["OR1"], ["OR2", "OR3"], ["OR4"]]


def test_no_floor_when_whole_blocks_cannot_meet_the_hours() -> None:
    """12 h of 8-h blocks a week over 2 weeks (24 h: 3 blocks) is fine; 12 h in 1 week not."""
    data = tiny_dict()
    data["specialties"][0]["hours"] = 12
    assert _floor(MssInput.model_validate(data)) is None
    data["cycle_weeks"] = 2
    assert _floor(MssInput.model_validate(data)) is not None


def test_floor_counts_beds_like_the_model() -> None:
    """Both count beds in hundredths, so their objectives are in the same units."""
    assert floor_module.SCALE == solve_module.SCALE


def test_multi_week_hours_beyond_the_theatres_still_name_the_specialty() -> None:
    """Two weeks of 48 h in a 40-h theatre: explained before any floor or search."""
    data = tiny_dict()
    data["cycle_weeks"] = 2
    data["specialties"][0]["hours"] = 48
    plan = plan_mss(MssInput.model_validate(data), SETTINGS)
    assert plan.status == "infeasible"
    assert any("specialty long needs 96 h" in line for line in plan.explanation)


def test_checker_shares_no_code_with_the_models() -> None:
    """check.py imports neither the CP-SAT model, the floor nor the bed curve."""
    import ast
    from pathlib import Path

    from orplan.mss import check

    tree = ast.parse(Path(check.__file__).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for a in node.names}  # fmt: skip
    assert imported <= {"__future__", "dataclasses", "orplan.mss.model"}, imported
