"""Play sampled days under several policies on common random numbers; the side-by-side table.

Every policy sees the same sample ``k``: the same elective durations (each case its own
stream ``(seed, index of the case in the scenario)``, as ``orplan simulate``) and the same
emergencies (stream ``(seed, 2**32 + k)``). Metrics per sample and policy:

* emergency waiting: arrival to start, minutes (pooled over samples for mean and p90);
  emergencies never started in the period are counted apart (``unserved``);
* cancelled: electives of the published plan in the period that were not operated;
* overtime: minutes past closing summed over the period's sessions;
* moved: operated electives whose theatre differs from the published plan's, or whose
  actual start is more than 15 minutes from its published start.

With ``no_shows`` = p each elective is also called off by the patient before the day with
probability p (same stream as its duration, so the same cases in every policy); those are
counted apart (``no_shows``), not as cancellations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from orplan.durations.distribution import case_mean_sigma
from orplan.live import ReplanSettings
from orplan.live.daysim.arrivals import ArrivalsFile, Emergency, sample_arrivals
from orplan.live.daysim.policies import FirstFit, ReplanPolicy, ReplanStep
from orplan.live.daysim.run import Day, Job, Policy, SessionRun, Slot
from orplan.plan.model import Plan
from orplan.scenario.model import Scenario

__all__ = ["POLICIES", "SampleOutcome", "play", "simulate_day", "summarise"]

POLICIES = ("first-fit", "replan")
ALL_POLICIES = (*POLICIES, "replan-asap")
MOVED = 15
DEFAULT_SETTINGS = ReplanSettings(time_limit=30.0, workers=1, deterministic_time=1.0, days=1)


@dataclass
class SampleOutcome:
    """One policy on one sample."""

    policy: str
    sample: int
    waits: list[float]
    emergencies: int
    unserved: int
    within_window: int
    cancelled: int
    overtime: float
    moved: int
    replans: int = 0
    failures: int = 0
    rejected: int = 0
    no_shows: int = 0
    replan_seconds: list[float] = field(default_factory=list)
    steps: list[ReplanStep] = field(default_factory=list)


def _dates(scenario: Scenario, dates: Sequence[dt.date] | None) -> list[dt.date]:
    chosen = sorted(dates) if dates else scenario.dates()
    for d in chosen:
        if not 0 <= scenario.horizon.day_index(d) < scenario.horizon.days:
            raise ValueError(f"date {d} is outside the horizon")
    return chosen


def play(
    scenario: Scenario,
    plan: Plan,
    policy: str,
    durations: dict[str, float],
    emergencies: list[Emergency],
    dates: Sequence[dt.date],
    *,
    settings: ReplanSettings = DEFAULT_SETTINGS,
    threshold: float = 15.0,
    theatres: set[str] | None = None,
    keep_steps: bool = False,
    sample: int = 0,
    absent: frozenset[str] = frozenset(),
) -> SampleOutcome:
    """Play the period ``dates`` once under ``policy`` with the given sampled durations.

    Parameters
    ----------
    scenario, plan
        The scenario and its published plan.
    policy
        ``"first-fit"``, ``"replan"`` or ``"replan-asap"`` (see
        :mod:`orplan.live.daysim.policies`).
    durations
        Sampled minutes of each elective (case id to minutes).
    emergencies
        The sample's emergencies, by arrival.
    dates
        The period (consecutive or not; the clock runs from the first to the last date).
    settings, threshold, theatres, keep_steps
        Replan settings and trigger; emergency theatres of first fit; keep replan steps.
    sample
        Sample number (recorded).
    absent
        Electives called off by the patient before the day (never played).

    Returns
    -------
    SampleOutcome
    """
    horizon = scenario.horizon
    wanted = set(dates)
    sessions = [s for s in scenario.sessions if s.date in wanted]
    runs = {
        str(s.id): SessionRun(str(s.id), s.theatre, horizon.day_index(s.date), 0, 0, 0)
        for s in sessions
    }
    for s in sessions:
        base = horizon.day_index(s.date) * 1440
        run = runs[str(s.id)]
        run.open, run.close, run.limit = base + s.open, base + s.close, base + s.close + s.overtime
    cases = {c.id: c for c in scenario.cases}
    jobs: dict[str, Job] = {}
    published: dict[str, tuple[str, float]] = {}
    for e in plan.cases:
        if not e.scheduled or str(e.session) not in runs or e.start is None:
            continue
        case = cases[e.case]
        mean, _ = case_mean_sigma(case, None, e.surgeon)
        if e.case in absent:
            continue
        turnover = scenario.turnover_of(case)
        jobs[e.case] = Job(
            e.case, case.specialty, mean, durations[e.case], turnover, None, e.surgeon,
            tuple(case.equipment),
        )  # fmt: skip
        start = float(runs[str(e.session)].day * 1440 + e.start)
        runs[str(e.session)].queue.append(Slot(e.case, start))
        published[e.case] = (str(e.theatre), start)
    for run in runs.values():
        run.queue.sort(key=lambda s: (s.start, s.job))
    first = horizon.day_index(min(dates)) * 1440
    last = (horizon.day_index(max(dates)) + 1) * 1440
    equipment = {e.id: (e.count, e.setup) for e in scenario.equipment}
    day = Day(list(runs.values()), jobs, emergencies, first, scenario.default_turnover, equipment)
    chosen: Policy
    if policy == "first-fit":
        chosen = FirstFit(scenario, theatres)
    elif policy in ("replan", "replan-asap"):
        cap = 0 if policy == "replan-asap" else None
        chosen = ReplanPolicy(scenario, plan, settings, threshold, keep_steps, cap)
    else:
        raise ValueError(f"unknown policy {policy!r} (use one of {', '.join(ALL_POLICIES)})")
    for cid in absent:
        if cid in cases and any(e.case == cid and str(e.session) in runs for e in plan.cases):
            day.cancelled[cid] = first  # reported as a cancellation at the first replan
    day.play(chosen, until=last)
    out = _outcome(day, chosen, published, emergencies, policy, sample)
    out.no_shows = sum(cid in day.cancelled for cid in absent)
    return out


def _outcome(
    day: Day,
    policy: Policy,
    published: dict[str, tuple[str, float]],
    emergencies: list[Emergency],
    name: str,
    sample: int,
) -> SampleOutcome:
    waits, within = [], 0
    for e in emergencies:
        rec = day.records.get(e.id)
        if rec is not None:
            waits.append(rec.start - e.arrival)
            within += rec.start <= e.latest + 1e-9
    last_end: dict[str, float] = {}
    for rec in day.records.values():
        last_end[rec.session] = max(last_end.get(rec.session, -np.inf), rec.end)
    overtime = sum(max(0.0, end - day.sessions[sid].close) for sid, end in last_end.items())
    moved = 0
    for cid, (theatre, start) in published.items():
        rec = day.records.get(cid)
        if rec is not None and (rec.theatre != theatre or abs(rec.start - start) > MOVED):
            moved += 1
    out = SampleOutcome(
        policy=name,
        sample=sample,
        waits=waits,
        emergencies=len(emergencies),
        unserved=len(emergencies) - len(waits),
        within_window=within,
        cancelled=sum(cid not in day.records for cid in published),
        overtime=overtime,
        moved=moved,
    )
    if isinstance(policy, ReplanPolicy):
        out.replans = policy.replans
        out.failures = policy.failures
        out.rejected = len(policy.errors)
        out.replan_seconds = policy.seconds
        out.steps = policy.steps
    return out


def sampled_durations(
    scenario: Scenario, plan: Plan, seed: int, samples: int, spread: float = 1.0
) -> list[dict[str, float]]:
    """Elective minutes per sample: lognormal per case, on the case's own stream."""
    return [minutes for minutes, _ in sampled_days(scenario, plan, seed, samples, spread)]


def sampled_days(
    scenario: Scenario,
    plan: Plan,
    seed: int,
    samples: int,
    spread: float = 1.0,
    no_shows: float = 0.0,
) -> list[tuple[dict[str, float], frozenset[str]]]:
    """Elective minutes and the patients' call-offs per sample, each case on its own stream.

    The duration draws come first on a case's stream, so ``no_shows`` leaves them unchanged.
    """
    index = {c.id: i for i, c in enumerate(scenario.cases)}
    cases = {c.id: c for c in scenario.cases}
    out: list[dict[str, float]] = [{} for _ in range(samples)]
    off: list[set[str]] = [set() for _ in range(samples)]
    for e in plan.cases:
        if not e.scheduled:
            continue
        mean, sigma = case_mean_sigma(cases[e.case], None, e.surgeon)
        sigma *= spread
        rng = np.random.default_rng([seed, index[e.case]])
        z = rng.standard_normal(samples)
        calls = rng.uniform(size=samples) < no_shows
        minutes = mean * np.exp(sigma * z - 0.5 * sigma * sigma)
        for k in range(samples):
            out[k][e.case] = float(minutes[k])
            if calls[k]:
                off[k].add(e.case)
    return [(out[k], frozenset(off[k])) for k in range(samples)]


def simulate_day(
    scenario: Scenario,
    plan: Plan,
    arrivals: ArrivalsFile,
    policies: Sequence[str] = POLICIES,
    samples: int = 10,
    seed: int = 0,
    *,
    dates: Sequence[dt.date] | None = None,
    spread: float = 1.0,
    no_shows: float = 0.0,
    settings: ReplanSettings = DEFAULT_SETTINGS,
    threshold: float = 15.0,
    theatres: set[str] | None = None,
    keep_steps: bool = False,
) -> pd.DataFrame:
    """Simulate a day (or several) with emergencies under each policy, side by side.

    Parameters
    ----------
    scenario, plan
        The scenario and its published plan (checked by the caller).
    arrivals
        The emergency arrival process.
    policies
        Any of ``"first-fit"``, ``"replan"`` and ``"replan-asap"``.
    samples
        Number of sampled days (or periods).
    seed
        Random seed (``>= 0``): the same seed gives the same table.
    dates
        The period (default: the whole horizon).
    spread
        Factor on every elective's log-sd (0: planned durations exactly).
    no_shows
        Probability that a patient calls off before the day (see the module docstring).
    settings
        Settings of each replan (default: one worker, deterministic time 1, ``days=1``).
    threshold
        Minutes past its planned end that make a case end trigger a replan.
    theatres
        First fit: only these theatres take emergencies (a dedicated emergency theatre).
    keep_steps
        Keep the replan steps in ``df.attrs["outcomes"]`` (for tests).

    Returns
    -------
    pandas.DataFrame
        One row per policy (see :func:`summarise`); ``attrs["outcomes"]`` holds the
        per-sample :class:`SampleOutcome` list.
    """
    if samples < 1 or seed < 0:
        raise ValueError("samples must be >= 1 and seed >= 0")
    chosen = _dates(scenario, dates)
    first = scenario.horizon.day_index(chosen[0]) * 1440
    last = (scenario.horizon.day_index(chosen[-1]) + 1) * 1440
    drawn = sampled_days(scenario, plan, seed, samples, spread, no_shows)
    outcomes: list[SampleOutcome] = []
    for k in range(samples):
        rng = np.random.default_rng([seed, 2**32 + k])
        emergencies = sample_arrivals(arrivals, first, last, rng)
        for name in policies:
            outcomes.append(
                play(scenario, plan, name, drawn[k][0], emergencies, chosen,
                     settings=settings, threshold=threshold, theatres=theatres,
                     keep_steps=keep_steps, sample=k, absent=drawn[k][1])
            )  # fmt: skip
    table = summarise(outcomes)
    table.attrs["outcomes"] = outcomes
    return table


def summarise(outcomes: Sequence[SampleOutcome]) -> pd.DataFrame:
    """The side-by-side table: one row per policy, means per sample.

    Waiting mean and p90 pool the started emergencies of all samples.
    """
    rows = []
    for name in dict.fromkeys(o.policy for o in outcomes):
        mine = [o for o in outcomes if o.policy == name]
        waits = np.array([w for o in mine for w in o.waits])
        seconds = [s for o in mine for s in o.replan_seconds]
        n = len(mine)
        emerg = sum(o.emergencies for o in mine)
        rows.append(
            {
                "policy": name,
                "samples": n,
                "emergencies": emerg / n,
                "wait_mean": float(waits.mean()) if waits.size else float("nan"),
                "wait_p90": float(np.percentile(waits, 90)) if waits.size else float("nan"),
                "within_window": sum(o.within_window for o in mine) / emerg if emerg else 1.0,
                "unserved": sum(o.unserved for o in mine) / n,
                "no_shows": sum(o.no_shows for o in mine) / n,
                "cancelled": sum(o.cancelled for o in mine) / n,
                "overtime": sum(o.overtime for o in mine) / n,
                "moved": sum(o.moved for o in mine) / n,
                "replans": sum(o.replans for o in mine) / n,
                "replan_failed": sum(o.failures for o in mine) / n,
                "replan_rejected": sum(o.rejected for o in mine) / n,
                "replan_s_mean": float(np.mean(seconds)) if seconds else float("nan"),
                "replan_s_max": float(np.max(seconds)) if seconds else float("nan"),
            }
        )
    return pd.DataFrame(rows).set_index("policy")
