"""Fitting the duration model: recovery of known parameters, shrinkage, JSON files."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from orplan.durations import DEFAULT_SIGMA, DurationModel, fit, fit_table, read_history
from orplan.durations.synth import TRUTH, generate_history, true_procedure_params
from orplan.errors import ScenarioError
from tests.builders import HISTORY


@pytest.fixture(scope="module")
def model() -> DurationModel:
    return fit(read_history(HISTORY))


def test_shipped_history_is_the_documented_script_output() -> None:
    """data/history/synthetic-history.csv == python -m orplan.durations.synth --seed 1."""
    text = generate_history(1).to_csv(index=False, lineterminator="\n")
    assert HISTORY.read_text(encoding="utf-8") == text


def test_procedure_parameters_recovered(model: DurationModel) -> None:
    """Procedure mu and sigma within 4 standard errors of the true marginal values."""
    for name, proc in model.procedures.items():
        mu, sigma = true_procedure_params(name)
        n = proc.n
        assert n == sum(t.n for t in TRUTH if t.procedure == name)
        assert abs(proc.mu - mu) < 4 * sigma / math.sqrt(n), name
        assert abs(proc.sigma - sigma) < 4 * sigma / math.sqrt(2 * n) + 0.01, name


def test_surgeon_parameters_recovered(model: DurationModel) -> None:
    """Surgeons with >= 50 cases: own and shrunk log-means and sigma near the truth."""
    checked = 0
    for t in TRUTH:
        if t.n < 50:
            continue
        p = model.procedures[t.procedure].surgeons[t.surgeon]
        se = t.sigma / math.sqrt(t.n)
        assert p.n == t.n
        assert abs(p.mu_raw - t.mu) < 4 * se, (t.procedure, t.surgeon)
        assert abs(p.mu - t.mu) < 4 * se + 0.03, (t.procedure, t.surgeon)
        assert abs(p.sigma - t.sigma) < 4 * t.sigma / math.sqrt(2 * t.n) + 0.01
        checked += 1
    assert checked >= 12


def test_shrinkage_pulls_thin_surgeons_toward_procedure(model: DurationModel) -> None:
    """A surgeon with 2-5 cases keeps less than 60 % of its own deviation from the procedure
    and lands strictly between its own mean and the procedure's; big surgeons keep more."""
    thin = [t for t in TRUTH if t.n <= 5]
    assert len(thin) == 6
    for t in thin:
        proc = model.procedures[t.procedure]
        p = proc.surgeons[t.surgeon]
        assert p.weight < 0.6
        assert p.weight == pytest.approx(p.n / (p.n + proc.prior_count))
        assert p.mu - proc.mu == pytest.approx(p.weight * (p.mu_raw - proc.mu))
        assert abs(p.mu - proc.mu) < abs(p.mu_raw - proc.mu)
        big = max(proc.surgeons.values(), key=lambda s: s.n)
        assert big.weight > p.weight


def test_fixed_prior_count_and_full_pooling() -> None:
    history = pd.DataFrame(
        {
            "procedure": ["P"] * 6,
            "surgeon": ["A", "A", "A", "A", "B", "B"],
            "actual_minutes": [50, 60, 55, 65, 100, 110],
        }
    )
    model = fit(history, prior_count=2.0)
    proc = model.procedures["P"]
    assert proc.prior_count == 2.0
    assert proc.surgeons["B"].weight == pytest.approx(0.5)
    assert proc.surgeons["A"].weight == pytest.approx(4 / 6)
    same = pd.DataFrame(
        {
            "procedure": ["P"] * 4,
            "surgeon": ["A", "A", "B", "B"],
            "actual_minutes": [50, 60, 50, 60],
        }
    )
    pooled = fit(same).procedures["P"]
    assert pooled.prior_count == 1000.0  # no between-surgeon variance: full pooling
    assert pooled.surgeons["A"].mu == pytest.approx(pooled.mu, abs=1e-12)


def test_fit_quality_report(model: DurationModel) -> None:
    rows = {r.procedure: r for r in model.fit}
    assert set(rows) == set(model.procedures)
    hip = rows["Total hip replacement"]
    assert hip.ks is not None and hip.ks_crit is not None and hip.ks < hip.ks_crit
    assert hip.loglik is not None and hip.loglik < 0
    assert hip.mean == pytest.approx(math.exp(hip.mu + hip.sigma**2 / 2))
    table = fit_table(model, surgeons=True)
    assert len(table) == len(model.fit) + len(TRUTH)
    assert {"procedure", "surgeon", "n", "mu", "sigma", "ks", "loglik", "weight"} <= set(
        table.columns
    )


def test_history_without_surgeons_and_bad_rows() -> None:
    history = pd.DataFrame(
        {"procedure": ["P", "P", "P", "Q", None, "P"], "actual_minutes": [50, 60, "x", 40, 30, -5]}
    )
    model = fit(history)
    assert model.rows_used == 3 and model.rows_dropped == 3
    assert model.procedures["P"].surgeons == {}
    assert model.procedures["Q"].sigma == DEFAULT_SIGMA  # a single case: default spread
    assert model.params("Q") is model.procedures["Q"]
    assert model.params("P", "nobody") is model.procedures["P"]
    assert model.params("R") is None
    with pytest.raises(ValueError, match="actual_minutes"):
        fit(pd.DataFrame({"procedure": ["P"]}))
    with pytest.raises(ValueError, match="no row"):
        fit(pd.DataFrame({"procedure": ["P"], "actual_minutes": [0]}))


def test_model_json_round_trip(model: DurationModel, tmp_path: Path) -> None:
    path = tmp_path / "m" / "model.json"
    model.save(path)
    data = json.loads(path.read_text())
    assert data["format"] == "orplan-durations/1"
    assert DurationModel.load(path) == model


def test_model_load_errors(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="file not found"):
        DurationModel.load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ScenarioError, match="JSON syntax"):
        DurationModel.load(bad)
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"format": "orplan-durations/1", "procedures": {"P": {}}}))
    with pytest.raises(ScenarioError, match=r"procedures\.P"):
        DurationModel.load(wrong)


def test_read_history_from_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("CPT,Start,End\nHip,1/3/22 7:32,1/3/22 9:05\nHip,1/4/22 8:00,1/4/22 9:30\n")
    frame = read_history(path, procedure="CPT", surgeon=None, start="Start", end="End")
    assert list(frame["actual_minutes"]) == [93.0, 90.0]
    with pytest.raises(ScenarioError, match="missing column 'procedure'"):
        read_history(path)
    with pytest.raises(ScenarioError, match="file not found"):
        read_history(tmp_path / "none.csv")
