"""Shared test helpers: builders of small scenarios, the tiny scenario, solver settings.

One module for what several test packages need, so no test imports from another test
module: paths to test data, scenario dicts to edit, lookups into them, and the settings
solver tests run with.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from orplan.check import CheckReport, check
from orplan.plan.model import CaseAssignment
from orplan.scenario import Scenario, load_scenario, scenario_from_dict
from orplan.solver.settings import Result

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[1]
TINY = DATA / "tiny.yaml"
#: The shipped synthetic surgery history (``python -m orplan.durations.synth --seed 1``).
HISTORY = REPO / "data" / "history" / "synthetic-history.csv"

#: Solver settings for tests: one worker and a limit in CP-SAT's deterministic time, so a run
#: repeats exactly and its outcome (a proof of optimality included) does not depend on the
#: machine's speed or load. The wall-clock limit is only a backstop far above what any test
#: scenario needs; pytest-timeout stops a hung test long before it matters.
DETERMINISTIC: dict[str, Any] = {"workers": 1, "deterministic_time": 10.0, "time_limit": 600.0}

#: The same for property tests that only assert what holds for any feasible plan: a short
#: deterministic budget, since a proof of optimality is not needed.
SHORT: dict[str, Any] = {"workers": 1, "deterministic_time": 2.0, "time_limit": 600.0}

#: Plan entries of a check test, keyed by a label (usually the case id).
Entries = dict[str, CaseAssignment]
#: Check entries against the scenario under test.
Run = Callable[[Entries], CheckReport]
#: Make a scheduled entry: ``at(case, session, "HH:MM", surgeon, **overrides)``.
At = Callable[..., CaseAssignment]


def checked_plan(scenario: Scenario, result: Result) -> CheckReport:
    """Check a solved plan independently and hold the model's own objective to the checker.

    The checker's cost is what orplan reports (``result.objective``). The CP-SAT model's
    value of its objective (``result.model_objective``) must equal it when CP-SAT proved
    optimality, and may only over-state it otherwise (helper variables such as overtime or
    idle minutes may sit above their true values before optimality; a plan proven optimal
    by another bound, e.g. HiGHS's, is such a case).

    Parameters
    ----------
    scenario
        The scenario solved.
    result
        The solver's result; it must hold a plan.

    Returns
    -------
    CheckReport
        The checker's report on the plan (asserted valid).
    """
    assert result.plan is not None, (result.status, result.explanation)
    report = check(scenario, result.plan)
    assert report.ok, report.summary()
    assert result.objective == report.cost.total
    if result.status == "OPTIMAL":
        assert result.bound is not None and result.bound >= report.cost.total
    if result.status == "OPTIMAL" and result.bound_source == "cpsat":
        assert result.model_objective == report.cost.total
    elif result.model_objective is not None:
        assert report.cost.total <= result.model_objective
    return report


def idle_floor(scenario: Scenario) -> int:
    """The idle cost left when every case is scheduled: a lower bound of every plan's cost.

    Idle minutes are ``Σ_s max(0, close − open − load(s))`` (docs/rules.md), at least the
    open minutes less the minutes and turnovers of the scheduled cases, so at least the open
    minutes less those of *all* cases; every other cost term is ≥ 0. A plan that schedules
    every case with no other cost (tiny.yaml's optimal plan) attains it, which makes it the
    optimum.
    """
    open_minutes = sum(s.close - s.open for s in scenario.sessions)
    load = sum(c.duration + scenario.turnover_of(c) for c in scenario.cases)
    return scenario.weights.idle_minute * max(0, open_minutes - load)


def tiny_data() -> dict[str, Any]:
    """tests/data/tiny.yaml as a fresh, mutable dict (2 theatres, 2 days, 6 cases)."""
    data: dict[str, Any] = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    return data


def tiny_scenario() -> Scenario:
    """tests/data/tiny.yaml as a scenario (a new object on every call)."""
    return load_scenario(TINY)


def case_in(data: dict[str, Any], case_id: str) -> dict[str, Any]:
    """The case ``case_id`` in a scenario dict (to edit it in place)."""
    return next(c for c in data["cases"] if c["id"] == case_id)


def surgeon_in(data: dict[str, Any], surgeon_id: str) -> dict[str, Any]:
    """The surgeon ``surgeon_id`` in a scenario dict (to edit it in place)."""
    return next(s for s in data["surgeons"] if s["id"] == surgeon_id)


def base_dict() -> dict[str, Any]:
    """A one-theatre, one-day scenario with one surgeon and no cases; tests add what binds."""
    return {
        "name": "rule-test",
        "horizon": {"start": "2027-03-01", "days": 2},
        "default_turnover": 15,
        "time_step": 5,
        "theatres": [{"id": "OR1", "site": "main"}],
        "sessions": [
            {"theatre": "OR1", "date": "2027-03-01", "open": "08:00", "close": "12:00"},
        ],
        "surgeons": [{"id": "S1", "specialty": "ortho"}],
        "cases": [],
    }


def case(id: str, duration: int = 60, **extra: Any) -> dict[str, Any]:
    """A case of specialty 'ortho' by surgeon S1 unless ``extra`` says otherwise."""
    data = {
        "id": id,
        "patient": f"P-{id}",
        "procedure": "Test procedure",
        "specialty": "ortho",
        "surgeon": "S1",
        "duration": duration,
        "priority": 3,
    }
    data.update(extra)
    return data


def make(
    changes: dict[str, Any] | None = None, cases: list[dict[str, Any]] | None = None
) -> Scenario:
    """Base scenario with top-level ``changes`` applied and ``cases`` set."""
    data = copy.deepcopy(base_dict())
    data.update(copy.deepcopy(changes or {}))
    if cases is not None:
        data["cases"] = cases
    return scenario_from_dict(data)


def one_session_of(n: int, alpha: float | None, sd: float = 20.0, overtime: int = 0) -> Scenario:
    """One 480-min session (``overtime`` allowed) and ``n`` optional 60-min cases (sd ``sd``),
    turnover 0; with ``alpha`` the robust-slack rule targets that overtime probability."""
    cases = [case(f"C{i}", 60, duration_sd=sd) for i in range(n)]
    sessions = [{"theatre": "OR1", "date": "2027-03-01", "open": "08:00", "close": "16:00",
                 "overtime": overtime}]  # fmt: skip
    rules = {"overtime_probability": alpha} if alpha is not None else {}
    return make(
        {"sessions": sessions, "default_turnover": 0, "rules": rules,
         "surgeons": [{"id": "S1", "specialty": "ortho", "max_minutes_per_day": 900}],
         },
        cases,
    )  # fmt: skip


SCRIPT = "<script>alert('x')</script>"
"""User text that would run as script if a page did not escape it."""

FORMULA = '=HYPERLINK("http://example.invalid","&click")'
"""User text that a spreadsheet would run as a formula if written as it is."""


def nasty_scenario() -> Scenario:
    """tiny.yaml with script, quotes, ``&`` and a formula in its free-text fields.

    Ids are unchanged, so the plans of ``tests/report/plans.py`` still fit it.
    """
    data = tiny_data()
    data["name"] = f"tiny {SCRIPT}"
    data["description"] = 'Dr "O\'Brien" & <b>partners</b>'
    case_in(data, "C1")["procedure"] = SCRIPT
    case_in(data, "C2")["procedure"] = FORMULA
    surgeon_in(data, "S1")["name"] = 'O\'Brien & "Sons" <i>'
    return scenario_from_dict(data)
