"""Monte-Carlo play of a plan under lognormal case durations.

How a session is played (the same rules in every sample):

* **Durations.** Each scheduled case gets a lognormal duration whose parameters come from
  :func:`orplan.durations.case_mean_sigma` (case ``duration``/``duration_sd``, else the
  fitted model's spread, else CV 0.3). Every case draws from its own random stream, seeded by
  ``(seed, index of the case in the scenario)``: a case gets the same durations whatever the
  plan or the sequencing, so plans are compared on common random numbers.
* **Order.** ``sequencing="plan"``: the plan's start order. ``"svf"``: smallest variance
  first inside each session (ties: shorter mean first, then the plan's order) - the rule of
  thumb from de Kemp, Mandjes & Olver and Azari-Rad et al. (see ``domain.md``).
* **Start times** (``start_rule="early"``, the default and the usual practice): the first
  case starts at its planned start (normally the session's opening; never earlier), each
  later case as soon as the previous performed case and its turnover are over - earlier than
  planned when the day runs ahead. ``start_rule="planned"``: no case starts before its
  planned start (patients called for a fixed time); with SVF the planned starts are those of
  the reordered session packed from the first planned start with expected durations.
* **Cancellation** (``cancel=True``): when a case is due to start, it is cancelled if its
  *expected* end - start plus its expected duration - is after ``close + overtime allowed``.
  This is the decision a theatre coordinator makes with the information at hand; the
  sampled duration is not known then, so a case that goes ahead can still end past the
  allowed overtime (``p_beyond_allowed``). A cancelled case takes no time; the next case is
  considered at the same moment.
* **Sessions are independent.** A delay in one theatre does not delay the same surgeon's
  next case in another theatre, and surgeon availability windows are not re-checked. Surgeon
  *daily minutes* are checked: performed minutes on a date above ``max_minutes_per_day``
  count as surgeon overrun.

With zero spread (``duration_sd: 0``) and a valid plan the simulation reproduces the plan:
nothing is cancelled and each session's overtime is the checker's (exactly with
``start_rule="planned"``; with ``"early"`` when the plan has no gaps between cases, otherwise
overtime can only be lower).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from orplan.durations.distribution import case_mean_sigma
from orplan.durations.model import DurationModel
from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario.model import Case, Scenario, Session
from orplan.simulate.result import (
    CaseStats,
    Histogram,
    Percentiles,
    Sequencing,
    SessionStats,
    SimulationResult,
    SimulationSummary,
    StartRule,
    SurgeonDayStats,
)

__all__ = ["simulate"]

_EPS = 1e-9


@dataclass
class _Item:
    """A scheduled case as the engine sees it."""

    case: Case
    entry: CaseAssignment
    index: int
    mean: float
    sigma: float
    turnover: int

    @property
    def sd(self) -> float:
        return self.mean * math.sqrt(math.expm1(self.sigma * self.sigma))


def _order(items: list[_Item], sequencing: Sequencing) -> list[_Item]:
    by_plan = sorted(items, key=lambda it: (it.entry.start or 0, it.case.id))
    if sequencing == "plan":
        return by_plan
    if sequencing == "svf":
        rank = {it.case.id: i for i, it in enumerate(by_plan)}
        return sorted(items, key=lambda it: (it.sd, it.mean, rank[it.case.id]))
    raise ValueError(f"unknown sequencing {sequencing!r} (use 'plan' or 'svf')")


def _planned_starts(order: list[_Item], sequencing: Sequencing) -> list[float]:
    """Planned start of each case in ``order`` (plan order: the plan's own starts)."""
    if sequencing == "plan":
        return [float(it.entry.start or 0) for it in order]
    t = float(min(it.entry.start or 0 for it in order))
    starts = []
    for it in order:
        starts.append(t)
        t += it.mean + it.turnover
    return starts


def _collect(
    scenario: Scenario, plan: Plan, model: DurationModel | None, model_mean: bool
) -> dict[str, list[_Item]]:
    case_index = {c.id: i for i, c in enumerate(scenario.cases)}
    session_ids = {s.id for s in scenario.sessions}
    by_session: dict[str, list[_Item]] = defaultdict(list)
    seen: set[str] = set()
    for entry in plan.cases:
        if not entry.scheduled:
            continue
        if entry.case not in case_index:
            raise ValueError(f"plan case {entry.case!r} is not in the scenario")
        if entry.case in seen:
            raise ValueError(f"plan lists case {entry.case!r} twice")
        seen.add(entry.case)
        if entry.session not in session_ids:
            raise ValueError(f"plan case {entry.case!r}: unknown session {entry.session!r}")
        i = case_index[entry.case]
        case = scenario.cases[i]
        mean, sigma = case_mean_sigma(case, model, entry.surgeon, model_mean=model_mean)
        by_session[str(entry.session)].append(
            _Item(case, entry, i, mean, sigma, scenario.turnover_of(case))
        )
    return by_session


def _sampler(seed: int, samples: int) -> Callable[[_Item], np.ndarray]:
    def draw(item: _Item) -> np.ndarray:
        if item.sigma == 0:
            return np.full(samples, item.mean)
        z = np.random.default_rng([seed, item.index]).standard_normal(samples)
        s = item.sigma
        return item.mean * np.exp(s * z - 0.5 * s * s)

    return draw


def simulate(
    scenario: Scenario,
    plan: Plan,
    samples: int = 10_000,
    seed: int = 0,
    model: DurationModel | None = None,
    sequencing: Sequencing = "plan",
    *,
    start_rule: StartRule = "early",
    cancel: bool = True,
    model_mean: bool = False,
    histogram_bins: int = 40,
) -> SimulationResult:
    """Play ``plan`` ``samples`` times with random case durations.

    Parameters
    ----------
    scenario
        The scenario the plan was made for.
    plan
        The plan (its scheduled cases, sessions and start times).
    samples
        Number of Monte-Carlo samples (plays of the whole plan).
    seed
        Random seed (``>= 0``); the same seed gives the same result.
    model
        Fitted duration model for cases without ``duration_sd`` (optional).
    sequencing
        ``"plan"`` (the plan's order) or ``"svf"`` (smallest variance first per session).
    start_rule
        ``"early"`` (first case at its planned start, the rest as early as possible) or
        ``"planned"`` (no case before its planned start). See the module docstring.
    cancel
        Apply the cancellation rule (a case whose expected end at its start time is past
        ``close + overtime allowed`` is cancelled).
    model_mean
        Take expected minutes from the model too (default: the case's ``duration``).
    histogram_bins
        Bins of the stored total-overtime histogram.

    Returns
    -------
    SimulationResult
        Per-session, per-case, per-surgeon-day and plan-wide figures.

    Raises
    ------
    ValueError
        Bad arguments, or a plan naming unknown cases or sessions.

    Examples
    --------
    >>> import orplan
    >>> from orplan.simulate import simulate
    >>> sc = orplan.load_scenario("tests/data/tiny.yaml")  # doctest: +SKIP
    >>> res = simulate(sc, orplan.solve(sc, time_limit=10).plan, samples=2000)  # doctest: +SKIP
    >>> res.summary()["p_overtime_mean"]  # doctest: +SKIP
    """
    if samples < 1:
        raise ValueError("samples must be >= 1")
    if seed < 0:
        raise ValueError("seed must be >= 0")
    if start_rule not in ("early", "planned"):
        raise ValueError(f"unknown start_rule {start_rule!r} (use 'early' or 'planned')")
    by_session = _collect(scenario, plan, model, model_mean)
    draw = _sampler(seed, samples)
    surgeons = {s.id: s for s in scenario.surgeons}
    h1 = scenario.horizon.end

    total_ot = np.zeros(samples)
    total_idle = np.zeros(samples)
    total_surgical = np.zeros(samples)
    total_cancel = np.zeros(samples)
    sessions_ot = np.zeros(samples)
    breaches = np.zeros(samples)
    surgeon_minutes: dict[tuple[str, dt.date], np.ndarray] = {}
    session_stats: list[SessionStats] = []
    case_stats: list[CaseStats] = []
    used_p_ot: list[float] = []
    used_p_beyond: list[float] = []
    planned_ot_total = 0

    ordered_sessions: list[Session] = sorted(
        scenario.sessions, key=lambda s: (s.date, s.theatre, s.open)
    )
    for session in ordered_sessions:
        sid = str(session.id)
        items = by_session.get(sid, [])
        length = session.close - session.open
        limit = session.close + session.overtime + _EPS
        if not items:
            total_idle += length
            session_stats.append(_empty_session(session, sid))
            continue
        order = _order(items, sequencing)
        planned = _planned_starts(order, sequencing)
        first = max(float(session.open), planned[0])
        ready = np.full(samples, float(session.open))
        last_end = np.full(samples, -np.inf)
        busy = np.zeros(samples)
        surgical = np.zeros(samples)
        cancels = np.zeros(samples)
        for position, (it, planned_start) in enumerate(zip(order, planned, strict=True)):
            if start_rule == "planned":
                earliest = max(first, planned_start)
            else:
                earliest = first if position == 0 else -np.inf
            start = np.maximum(ready, earliest)
            duration = draw(it)
            done = start + it.mean <= limit if cancel else np.ones(samples, dtype=bool)
            end = start + duration
            ready = np.where(done, end + it.turnover, ready)
            last_end = np.where(done, end, last_end)
            inside = np.clip(
                np.minimum(end + it.turnover, session.close) - np.maximum(start, session.open),
                0.0,
                None,
            )
            busy += np.where(done, inside, 0.0)
            performed = np.where(done, duration, 0.0)
            surgical += performed
            not_done = ~done
            cancels += not_done
            surgeon = str(it.entry.surgeon)
            key = (surgeon, session.date)
            if key in surgeon_minutes:
                surgeon_minutes[key] += performed
            else:
                surgeon_minutes[key] = performed.copy()
            due = it.case.due
            if due is not None and due <= h1 and session.date <= due:
                breaches += not_done
            n_done = int(done.sum())
            case_stats.append(
                CaseStats(
                    case=it.case.id,
                    session=sid,
                    position=position,
                    mean=it.mean,
                    sd=it.sd,
                    sigma=it.sigma,
                    p_cancelled=1.0 - n_done / samples,
                    start_mean=float(start[done].mean()) if n_done else None,
                )
            )
        overtime = np.maximum(last_end - session.close, 0.0)
        idle = length - busy
        planned_ot = max(0, max(int(it.entry.end or 0) for it in items) - session.close)
        planned_ot_total += planned_ot
        total_ot += overtime
        sessions_ot += overtime > 0
        total_idle += idle
        total_surgical += surgical
        total_cancel += cancels
        performed_any = np.isfinite(last_end)
        p_ot = float((overtime > 0).mean())
        p_beyond = float((last_end > limit).mean())
        used_p_ot.append(p_ot)
        used_p_beyond.append(p_beyond)
        session_stats.append(
            SessionStats(
                session=sid,
                theatre=session.theatre,
                date=session.date,
                open=session.open,
                close=session.close,
                overtime_allowed=session.overtime,
                cases=len(order),
                case_ids=[it.case.id for it in order],
                expected_minutes=sum(it.mean for it in order),
                sd_minutes=math.sqrt(sum(it.sd**2 for it in order)),
                planned_overtime=planned_ot,
                p_overtime=p_ot,
                p_beyond_allowed=p_beyond,
                overtime=Percentiles.of(overtime),
                end=Percentiles.of(last_end[performed_any]) if performed_any.any() else None,
                idle_mean=float(idle.mean()),
                utilisation_mean=float(surgical.mean()) / length,
                cancellations_mean=float(cancels.mean()),
                p_cancellation=float((cancels > 0).mean()),
            )
        )

    surgeon_stats: list[SurgeonDayStats] = []
    total_overrun = np.zeros(samples)
    any_overrun = np.zeros(samples, dtype=bool)
    for (surgeon_id, date), minutes in sorted(surgeon_minutes.items(), key=lambda kv: kv[0]):
        known = surgeons.get(surgeon_id)
        cap = known.max_minutes_per_day if known is not None else None
        overrun = np.zeros(samples) if cap is None else np.maximum(minutes - cap, 0.0)
        total_overrun += overrun
        any_overrun |= overrun > _EPS
        surgeon_stats.append(
            SurgeonDayStats(
                surgeon=surgeon_id,
                date=date,
                max_minutes=cap,
                minutes=Percentiles.of(minutes),
                p_overrun=float((overrun > _EPS).mean()),
                overrun=Percentiles.of(overrun),
            )
        )

    scheduled = len(case_stats)
    open_total = sum(s.close - s.open for s in scenario.sessions)
    planned_breaches = _planned_breaches(scenario, plan)
    summary = SimulationSummary(
        samples=samples,
        seed=seed,
        sequencing=sequencing,
        start_rule=start_rule,
        cancellation=cancel,
        sessions=len(scenario.sessions),
        sessions_used=len(used_p_ot),
        cases_scheduled=scheduled,
        planned_overtime=planned_ot_total,
        overtime=Percentiles.of(total_ot),
        p_overtime_mean=float(np.mean(used_p_ot)) if used_p_ot else 0.0,
        p_overtime_max=float(np.max(used_p_ot)) if used_p_ot else 0.0,
        p_any_overtime=float((sessions_ot > 0).mean()),
        sessions_with_overtime=Percentiles.of(sessions_ot),
        p_beyond_allowed_mean=float(np.mean(used_p_beyond)) if used_p_beyond else 0.0,
        cancellations=Percentiles.of(total_cancel),
        p_any_cancellation=float((total_cancel > 0).mean()),
        cases_done=Percentiles.of(scheduled - total_cancel),
        idle=Percentiles.of(total_idle),
        utilisation=Percentiles.of(total_surgical / open_total if open_total else total_surgical),
        surgeon_overrun=Percentiles.of(total_overrun),
        p_any_surgeon_overrun=float(any_overrun.mean()),
        planned_deadline_breaches=planned_breaches,
        deadline_breaches=Percentiles.of(planned_breaches + breaches),
    )
    return SimulationResult(
        overall=summary,
        sessions=session_stats,
        cases=case_stats,
        surgeon_days=surgeon_stats,
        overtime_histogram=Histogram.of(total_ot, histogram_bins),
    )


def _empty_session(session: Session, sid: str) -> SessionStats:
    zero = Percentiles(mean=0.0, p50=0.0, p90=0.0, p95=0.0)
    return SessionStats(
        session=sid,
        theatre=session.theatre,
        date=session.date,
        open=session.open,
        close=session.close,
        overtime_allowed=session.overtime,
        cases=0,
        case_ids=[],
        expected_minutes=0.0,
        sd_minutes=0.0,
        planned_overtime=0,
        p_overtime=0.0,
        p_beyond_allowed=0.0,
        overtime=zero,
        end=None,
        idle_mean=float(session.close - session.open),
        utilisation_mean=0.0,
        cancellations_mean=0.0,
        p_cancellation=0.0,
    )


def _planned_breaches(scenario: Scenario, plan: Plan) -> int:
    """Deadline breaches of the plan as written (``docs/rules.md``): due ≤ H1 and missed."""
    h1 = scenario.horizon.end
    placed = {e.case: e for e in plan.cases if e.scheduled}
    count = 0
    for case in scenario.cases:
        if case.due is None or case.due > h1:
            continue
        entry = placed.get(case.id)
        if entry is None or (entry.date is not None and entry.date > case.due):
            count += 1
    return count
