"""Monte-Carlo simulation of plans: determinism, analytic checks, cancellations, SVF."""

from __future__ import annotations

import math
from pathlib import Path
from statistics import NormalDist

import pytest

import orplan
from orplan.check.kpis import session_table
from orplan.durations import DEFAULT_SIGMA, DurationModel, ProcedureModel, mu_sigma_from_mean_sd
from orplan.plan.model import CaseAssignment, Plan
from orplan.simulate import SimulationResult, plot_simulation, simulate
from tests.builders import DETERMINISTIC, tiny_scenario
from tests.simulate.helpers import case, one_session, packed_plan

PHI = NormalDist().cdf


def p_exceeds(mean: float, sd: float, limit: float) -> float:
    """P(X > limit) for a lognormal X with the given mean and sd."""
    mu, sigma = mu_sigma_from_mean_sd(mean, sd)
    return 1.0 - PHI((math.log(limit) - mu) / sigma)


def expected_excess(mean: float, sd: float, limit: float) -> float:
    """E[max(X - limit, 0)] for a lognormal X (Black-Scholes form)."""
    mu, sigma = mu_sigma_from_mean_sd(mean, sd)
    d1 = (mu + sigma**2 - math.log(limit)) / sigma
    return mean * PHI(d1) - limit * PHI(d1 - sigma)


@pytest.fixture(scope="module")
def tiny_plan() -> tuple[orplan.Scenario, Plan]:
    """tiny.yaml with every case at sd 0, and its optimal plan."""
    scenario = tiny_scenario()
    for c in scenario.cases:
        c.duration_sd = 0.0
    plan = orplan.solve(scenario, **DETERMINISTIC).plan
    assert plan is not None
    return scenario, plan


@pytest.mark.parametrize("start_rule", ["planned", "early"])
def test_zero_spread_reproduces_solver_plan(tiny_plan, start_rule) -> None:
    """sd = 0: every session's overtime, utilisation and idle time are the checker's."""
    scenario, plan = tiny_plan
    result = simulate(scenario, plan, samples=50, seed=3, start_rule=start_rule)
    table = {row["session"]: row for row in session_table(scenario, plan)}
    kpis = orplan.check(scenario, plan).kpis
    assert result.overall.cancellations.mean == 0
    assert result.overall.cases_done.mean == kpis.scheduled
    for s in result.sessions:
        row = table[s.session]
        assert s.overtime.mean == s.overtime.p95 == row["overtime"] == s.planned_overtime
        assert s.utilisation_mean == pytest.approx(row["utilisation"], abs=1e-12)
        assert s.idle_mean == pytest.approx(row["idle"], abs=1e-9)
        if row["last_end"] is not None:
            assert s.end is not None and s.end.p50 == row["last_end"]
    assert result.overall.overtime.mean == kpis.overtime_minutes
    assert result.overall.idle.mean == pytest.approx(kpis.idle_minutes)
    assert result.overall.utilisation.mean == pytest.approx(kpis.utilisation)
    assert result.overall.surgeon_overrun.mean == 0


def test_zero_spread_reproduces_planned_overtime() -> None:
    """A valid plan running 15 minutes over: sd 0 gives exactly 15 minutes, every sample."""
    scenario = one_session(
        [case("A", 120, duration_sd=0), case("B", 120, duration_sd=0)], overtime=30
    )
    plan = packed_plan(scenario)
    report = orplan.check(scenario, plan)
    assert report.ok and report.kpis.overtime_minutes == 15
    result = simulate(scenario, plan, samples=100)
    (s,) = result.sessions
    assert (s.p_overtime, s.overtime.mean, s.overtime.p50, s.overtime.p95) == (1.0, 15, 15, 15)
    assert s.cancellations_mean == 0 and s.p_beyond_allowed == 0
    assert s.idle_mean == 0 and s.end is not None and s.end.mean == 12 * 60 + 15


def test_single_case_ending_at_close_matches_lognormal_tail() -> None:
    """One case planned to end exactly at close: P(overtime) = P(X > mean) (about 44 % for
    CV 0.3, below 50 % because the lognormal's median is under its mean) and the expected
    overtime is E[(X - mean)+], both computed analytically."""
    mean, sd, samples = 120, 36.0, 40_000
    scenario = one_session([case("A", mean, duration_sd=sd)], close="10:00", overtime=60)
    result = simulate(scenario, packed_plan(scenario), samples=samples, seed=11)
    (s,) = result.sessions
    p = p_exceeds(mean, sd, mean)
    assert 0.43 < p < 0.45
    assert s.p_overtime == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / samples))
    assert s.overtime.mean == pytest.approx(expected_excess(mean, sd, mean), rel=0.04)
    assert s.cancellations_mean == 0
    assert s.p_beyond_allowed == pytest.approx(p_exceeds(mean, sd, mean + 60), abs=0.01)


def test_surgeon_overrun_probability() -> None:
    """Surgeon with a 120-minute daily maximum and one 120-minute case: overrun = P(X > 120)."""
    scenario = one_session([case("A", 120, duration_sd=36)], overtime=60, max_minutes=120)
    result = simulate(scenario, packed_plan(scenario), samples=20_000, seed=5)
    (day,) = result.surgeon_days
    assert day.surgeon == "S1" and day.max_minutes == 120
    assert day.p_overrun == pytest.approx(p_exceeds(120, 36, 120), abs=0.015)
    assert result.overall.p_any_surgeon_overrun == day.p_overrun


def test_same_seed_same_result_and_other_seed_differs() -> None:
    scenario = one_session([case("A", 90, duration_sd=30), case("B", 100, duration_sd=25)])
    plan = packed_plan(scenario)
    a = simulate(scenario, plan, samples=2000, seed=7)
    b = simulate(scenario, plan, samples=2000, seed=7)
    c = simulate(scenario, plan, samples=2000, seed=8)
    assert a.model_dump() == b.model_dump()
    assert a.model_dump() != c.model_dump()


def test_cancellation_rule_deterministic() -> None:
    """The first case runs 50 minutes longer than planned (sd 0). At its start time the
    second case's expected end (11:35 + 90 = 13:05) is past close + overtime (13:00), so it
    is cancelled; the third, short case then starts at 11:35 and is done."""
    planned_for = one_session(
        [case("A", 150, duration_sd=0), case("B", 90, duration_sd=0), case("C", 10, duration_sd=0)],
        close="13:00",
    )
    plan = packed_plan(planned_for)
    assert orplan.check(planned_for, plan).ok
    scenario = planned_for.model_copy(deep=True)
    scenario.cases[0].duration = 200
    result = simulate(scenario, plan, samples=10)
    by_case = {c.case: c for c in result.cases}
    assert by_case["A"].p_cancelled == 0 and by_case["C"].p_cancelled == 0
    assert by_case["B"].p_cancelled == 1
    assert by_case["C"].start_mean == 8 * 60 + 200 + 15 and by_case["B"].start_mean is None
    assert SimulationResult.model_validate_json(result.model_dump_json()) == result
    (s,) = result.sessions
    assert s.cancellations_mean == 1 and s.p_cancellation == 1
    assert result.overall.cases_done.mean == 2
    assert s.overtime.mean == 0  # C ends at 11:45
    no_cancel = simulate(scenario, plan, samples=10, cancel=False)
    assert no_cancel.overall.cancellations.mean == 0
    assert no_cancel.sessions[0].overtime.mean == 200 + 15 + 90 + 15 + 10 - 300


def test_cancellation_probability_matches_expected_end_rule() -> None:
    """B (60 min, fixed) follows A (mean 120, sd 36) in a 08:00-12:00 session without
    overtime: B is cancelled iff A_end + 15 + 60 > 12:00, i.e. iff A > 165 minutes."""
    scenario = one_session([case("A", 120, duration_sd=36), case("B", 60, duration_sd=0)])
    result = simulate(scenario, packed_plan(scenario), samples=40_000, seed=2)
    by_case = {c.case: c for c in result.cases}
    assert by_case["A"].p_cancelled == 0
    assert by_case["B"].p_cancelled == pytest.approx(p_exceeds(120, 36, 165), abs=0.006)
    assert result.overall.cancellations.mean == pytest.approx(by_case["B"].p_cancelled)


def test_cancelled_case_with_due_date_is_a_breach() -> None:
    scenario = one_session(
        [
            case("A", 200, duration_sd=0),
            case("B", 90, duration_sd=0, due="2027-03-01"),
            case("D", 30, duration_sd=0, due="2027-03-02"),
        ],
        close="13:00",
    )
    plan = packed_plan(scenario, ["A", "B"])
    plan.cases.append(CaseAssignment(case="D", scheduled=False, reason="no room"))
    result = simulate(scenario, plan, samples=10)
    assert result.overall.planned_deadline_breaches == 1  # D unscheduled, due in horizon
    assert result.overall.deadline_breaches.mean == 2  # + B cancelled on its due date


def test_svf_orders_by_variance_then_mean() -> None:
    scenario = one_session(
        [
            case("HIGH", 60, duration_sd=30),
            case("LOW_LONG", 90, duration_sd=5),
            case("LOW_SHORT", 40, duration_sd=5),
            case("FIXED", 30, duration_sd=0),
        ],
        close="14:00",
        overtime=120,
    )
    plan = packed_plan(scenario)
    assert simulate(scenario, plan, samples=10).sessions[0].case_ids == [
        "HIGH",
        "LOW_LONG",
        "LOW_SHORT",
        "FIXED",
    ]
    svf = simulate(scenario, plan, samples=10, sequencing="svf")
    # equal sd 5 would tie, but sd is in minutes: 5 == 5, so the shorter mean goes first
    assert svf.sessions[0].case_ids == ["FIXED", "LOW_SHORT", "LOW_LONG", "HIGH"]
    assert [c.position for c in svf.cases] == [0, 1, 2, 3]


def test_svf_uses_common_random_numbers() -> None:
    """Reordering does not change a case's sampled durations: the total surgical minutes
    (and so utilisation without cancellations) are identical for both sequencings."""
    scenario = one_session(
        [
            case("A", 90, duration_sd=40),
            case("B", 45, duration_sd=5),
            case("C", 60, duration_sd=20),
        ],
        close="16:00",
        overtime=120,
    )
    plan = packed_plan(scenario)
    a = simulate(scenario, plan, samples=5000, seed=1)
    b = simulate(scenario, plan, samples=5000, seed=1, sequencing="svf")
    assert a.overall.cancellations.mean == b.overall.cancellations.mean == 0
    assert a.overall.utilisation.mean == pytest.approx(b.overall.utilisation.mean, rel=1e-12)
    assert b.sessions[0].case_ids == ["B", "C", "A"]


def test_planned_start_rule_waits_for_planned_start() -> None:
    """With a gap in the plan, 'early' pulls the second case forward, 'planned' does not."""
    scenario = one_session([case("A", 60, duration_sd=0), case("B", 60, duration_sd=0)])
    plan = packed_plan(scenario)
    plan.cases[1] = plan.cases[1].model_copy(update={"start": 660, "end": 720})
    early = simulate(scenario, plan, samples=5)
    planned = simulate(scenario, plan, samples=5, start_rule="planned")
    assert {c.case: c.start_mean for c in early.cases}["B"] == 480 + 60 + 15
    assert {c.case: c.start_mean for c in planned.cases}["B"] == 660
    assert early.sessions[0].end is not None and early.sessions[0].end.mean == 615
    assert planned.sessions[0].end is not None and planned.sessions[0].end.mean == 720


def test_spread_from_model_then_default() -> None:
    """Without duration_sd the model's sigma is used, else CV 0.3."""
    scenario = one_session([case("A", 100)])
    plan = packed_plan(scenario)
    default = simulate(scenario, plan, samples=10)
    assert default.cases[0].sigma == pytest.approx(DEFAULT_SIGMA)
    assert default.cases[0].sd == pytest.approx(30.0)
    model = DurationModel(
        procedures={
            "Test procedure": ProcedureModel(
                mu=4.0, sigma=0.5, n=30, within_sigma=0.4, prior_count=5.0
            )
        }
    )
    fitted = simulate(scenario, plan, samples=10, model=model)
    assert fitted.cases[0].sigma == 0.5 and fitted.cases[0].mean == 100
    own = simulate(scenario, plan, samples=10, model=model, model_mean=True)
    assert own.cases[0].mean == pytest.approx(math.exp(4.0 + 0.125))


def test_result_frames_summary_and_json_roundtrip(tmp_path: Path) -> None:
    scenario = one_session([case("A", 100, duration_sd=30), case("B", 80, duration_sd=20)])
    plan = packed_plan(scenario)
    result = simulate(scenario, plan, samples=3000, seed=4)
    frame = result.to_frame()
    assert list(frame["session"]) == ["OR1@2027-03-01"]
    for column in (
        "p_overtime",
        "overtime_mean",
        "overtime_p90",
        "overtime_p95",
        "end_p90",
        "idle_mean",
        "utilisation_mean",
        "cancellations_mean",
    ):
        assert column in frame.columns
    assert len(result.cases_frame()) == 2
    summary = result.summary()
    assert summary["cases_scheduled"] == 2 and 0 <= summary["p_overtime_mean"] <= 1
    by_session = frame.loc[frame["cases"] > 0, "p_overtime"]
    assert summary["p_overtime_max"] == pytest.approx(float(by_session.max()))
    assert summary["p_overtime_max"] >= summary["p_overtime_mean"]
    again = SimulationResult.model_validate_json(result.model_dump_json())
    assert again == result
    png = plot_simulation([result, result], tmp_path / "sim.png", ["a", "b"])
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_unused_sessions_count_as_idle(tiny_plan) -> None:
    scenario, _ = tiny_plan
    empty = Plan(cases=[CaseAssignment(case=c.id, scheduled=False) for c in scenario.cases])
    result = simulate(scenario, empty, samples=10)
    assert result.overall.sessions_used == 0 and result.overall.cases_scheduled == 0
    assert result.overall.idle.mean == sum(s.close - s.open for s in scenario.sessions)
    assert result.overall.p_overtime_mean == 0


def test_bad_input_raises_value_error() -> None:
    scenario = one_session([case("A", 60)])
    plan = packed_plan(scenario)
    with pytest.raises(ValueError, match="sequencing"):
        simulate(scenario, plan, sequencing="random")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="samples"):
        simulate(scenario, plan, samples=0)
    stranger = Plan(cases=[plan.cases[0].model_copy(update={"case": "ZZZ"})])
    with pytest.raises(ValueError, match="ZZZ"):
        simulate(scenario, stranger)
    elsewhere = Plan(cases=[plan.cases[0].model_copy(update={"session": "OR9@2027-03-01"})])
    with pytest.raises(ValueError, match="unknown session"):
        simulate(scenario, elsewhere)
