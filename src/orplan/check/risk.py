"""Overtime risk of a session under the normal approximation (``session-overtime-risk``).

A session's cases take ``dur(c)`` minutes on average with standard deviation ``sd(c)``
(``case.duration_sd``, else ``rules.default_duration_cv × dur(c)``). The day is run the
usual way: the first case starts at its planned time and every later case as soon as the
one before it and its turnover are done. The checker treats the minutes from opening until
the last case ends as normally distributed with mean

    planned = (start(first) − open) + Σ_c (dur(c) + turn(c)) − turn(last)

(*first* and *last* in start order; the turnover after the last case does not keep the
session open; a late first case leaves less room) and standard deviation
``sqrt(Σ_c sd(c)²)`` (durations independent, turnovers fixed). Its chance of running past
closing time is then ``P(X > close − open) = Φ((planned − length) / sd)``; with ``sd = 0``
it is 1 when ``planned > length`` and 0 otherwise.

With ``rules.overtime_probability = α`` the rule asks ``planned + z_α · sd ≤ length`` (within
:data:`TOLERANCE` minutes), ``z_α`` being the standard normal quantile at ``1 − α``: the same
as ``P ≤ α``, decided in minutes so that float noise at the boundary cannot flip it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from statistics import NormalDist
from typing import cast

from orplan.check.context import CheckContext, Placed, session_key
from orplan.scenario.model import Case, Scenario, Session

__all__ = [
    "TOLERANCE",
    "SessionRisk",
    "case_sd",
    "overrun_probability",
    "session_risks",
    "z_value",
]

TOLERANCE = 0.01
"""Minutes by which ``planned + z_α · sd`` may exceed the session length."""

_STANDARD = NormalDist()


def case_sd(scenario: Scenario, case: Case) -> float:
    """Return ``sd(c)``: ``duration_sd``, else ``rules.default_duration_cv × dur(c)``.

    Parameters
    ----------
    scenario
        The scenario (for ``rules.default_duration_cv``).
    case
        The case.

    Returns
    -------
    float
        Standard deviation of the case's operating minutes.
    """
    if case.duration_sd is not None:
        return float(case.duration_sd)
    return scenario.rules.default_duration_cv * case.duration


def z_value(alpha: float) -> float:
    """Return ``z_α``, the standard normal quantile at ``1 − α``.

    Parameters
    ----------
    alpha
        Accepted probability of running past close, in ``(0, 0.5)``.

    Returns
    -------
    float
        The quantile (positive for ``α < 0.5``).
    """
    return _STANDARD.inv_cdf(1.0 - alpha)


def overrun_probability(planned: float, sd: float, length: float) -> float:
    """Return ``P(X > length)`` for ``X`` normal with mean ``planned`` and deviation ``sd``.

    Parameters
    ----------
    planned
        Expected booked minutes of the session.
    sd
        Standard deviation of the booked minutes (≥ 0).
    length
        Regular open minutes (``close − open``).

    Returns
    -------
    float
        The probability; with ``sd = 0``, 1.0 if ``planned > length`` else 0.0.
    """
    if sd <= 0.0:
        return 1.0 if planned > length else 0.0
    return _STANDARD.cdf((planned - length) / sd)


@dataclass(frozen=True, slots=True)
class SessionRisk:
    """Normal-approximation load of one used session.

    Attributes
    ----------
    session
        The scenario session.
    cases
        Its placed cases, in start order.
    planned
        ``(start(first) − open) + Σ (dur + turn) − turn(last)`` in minutes.
    sd
        ``sqrt(Σ sd(c)²)`` in minutes.
    length
        ``close − open`` in minutes.
    probability
        Chance of running past close, :func:`overrun_probability`.
    """

    session: Session
    cases: tuple[Placed, ...]
    planned: int
    sd: float
    length: int
    probability: float

    def slack(self, alpha: float) -> float:
        """Return the slack the rule keeps for ``α``: ``z_α · sd`` minutes."""
        return z_value(alpha) * self.sd

    def breaks(self, alpha: float) -> bool:
        """Return whether ``planned + z_α · sd`` exceeds the length by more than the tolerance."""
        return self.planned + self.slack(alpha) > self.length + TOLERANCE


def session_risks(ctx: CheckContext) -> dict[str, SessionRisk]:
    """Return the risk of every used session (with ≥ 1 placed case), by session id.

    Cases in unknown sessions belong to no session and are left out. The result is cached in
    ``ctx.memo``.

    Parameters
    ----------
    ctx
        Indexed scenario and plan.

    Returns
    -------
    dict of str to SessionRisk
        In the order the sessions first appear in the plan.
    """
    cached = ctx.memo.get("session_risks")
    if cached is not None:
        return cast("dict[str, SessionRisk]", cached)
    groups: dict[str, list[Placed]] = defaultdict(list)
    for p in ctx.placed:
        if p.session is not None:
            groups[session_key(p.session)].append(p)
    out: dict[str, SessionRisk] = {}
    for sid, items in groups.items():
        session = items[0].session
        assert session is not None  # grouped on known sessions only
        items.sort(key=lambda q: (q.start, q.case.id))
        late_start = items[0].start - session.open
        planned = late_start + sum(q.case.duration + q.turnover for q in items)
        planned -= items[-1].turnover
        sd = math.sqrt(sum(case_sd(ctx.scenario, q.case) ** 2 for q in items))
        length = session.close - session.open
        out[sid] = SessionRisk(
            session=session,
            cases=tuple(items),
            planned=planned,
            sd=sd,
            length=length,
            probability=overrun_probability(planned, sd, length),
        )
    ctx.memo["session_risks"] = out
    return out
