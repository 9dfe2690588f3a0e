"""What-if helpers: modified copies of a scenario for the questions a planner asks.

Each function takes a :class:`~orplan.scenario.Scenario` and returns a **new, re-validated**
scenario with one edit; the argument is never changed and no file is touched. The edit is
recorded in the copy's ``name`` (a ``~tag`` suffix) and ``description`` (one line per edit),
so a chain of edits stays readable::

    import orplan
    from orplan import whatif

    base = orplan.load_scenario("scenarios/pilot-week.yaml")
    variant = whatif.close_theatre(base, "ULL-OP02", dates=["2027-03-02", "2027-03-03"])
    variant = whatif.extend_sessions(variant, 60, specialty="orthopaedics")
    results = {"base": orplan.solve(base, time_limit=20),
               "what-if": orplan.solve(variant, time_limit=20)}
    whatif.compare(results)  # one row of KPIs per run

A mistake in the arguments (an unknown theatre, surgeon or weight, a date outside the
horizon, an edit that makes the scenario invalid) raises :class:`WhatIfError`, which is both
a :class:`~orplan.errors.ScenarioError` and a :class:`ValueError`, with a message naming the
function, the id and the ids that exist.

The scenario files in ``scenarios/`` (``pilot-week-theatre-closed.yaml`` ...) were made by
:mod:`orplan.generate.variants`, which picks *which* theatre or surgeon from the data; the
helpers here take the choice from the caller.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import numpy as np

from orplan.errors import ScenarioError
from orplan.scenario.clock import format_clock, parse_clock
from orplan.scenario.io import scenario_from_dict
from orplan.scenario.model import Case, Rules, Scenario, Session, Weights

if TYPE_CHECKING:
    import pandas as pd

    from orplan.solver.solve import Result

__all__ = [
    "WhatIfError",
    "add_session",
    "close_theatre",
    "compare",
    "extend_sessions",
    "remove_surgeon",
    "scale_demand",
    "set_rules",
    "set_weights",
]

_DAY = 24 * 60
_ID_MAX = 64

DateLike = dt.date | str
"""A calendar date, or its ISO text ``"YYYY-MM-DD"``."""


class WhatIfError(ScenarioError, ValueError):
    """A what-if edit cannot be made: unknown id, date outside the horizon, invalid result.

    Catch it as :class:`~orplan.errors.ScenarioError` (like a bad scenario file) or as
    :class:`ValueError` (like any bad argument).

    Parameters
    ----------
    scenario
        Name of the scenario being edited.
    function
        The what-if function that failed.
    problems
        One line per problem.
    """

    def __init__(self, scenario: str, function: str, problems: list[str]) -> None:
        self.function = function
        super().__init__(f"{function} on scenario {scenario!r}", problems)


# -- shared helpers ------------------------------------------------------------------------


def _fail(scenario: Scenario, function: str, *problems: str) -> WhatIfError:
    return WhatIfError(scenario.name, function, list(problems))


def _listing(ids: Iterable[str], limit: int = 12) -> str:
    items = sorted(set(ids))
    text = ", ".join(items[:limit])
    if len(items) > limit:
        text += f", ... ({len(items)} in all)"
    return text or "none"


def _derive(scenario: Scenario, function: str, tag: str, what: str, **update: Any) -> Scenario:
    """Deep copy with ``update`` applied, re-validated as a whole scenario."""
    data = scenario.model_dump()
    data.update(update)
    data["name"] = f"{scenario.name}~{tag}"
    lines = [scenario.description.rstrip()] if scenario.description.strip() else []
    data["description"] = "\n".join([*lines, f"What-if: {what}"])
    try:
        return scenario_from_dict(data, source=f"{function} on scenario {scenario.name!r}")
    except ScenarioError as exc:
        raise _fail(scenario, function, *exc.problems) from None


def _parse_date(scenario: Scenario, function: str, value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _fail(scenario, function, f"dates: {value!r} is not a date YYYY-MM-DD") from None
    if not isinstance(value, dt.date):
        raise _fail(scenario, function, f"dates: {value!r} is not a date")
    if not scenario.horizon.contains(value):
        raise _fail(
            scenario,
            function,
            f"dates: {value} is outside the horizon "
            f"{scenario.horizon.start}..{scenario.horizon.end}",
        )
    return value


def _dates(
    scenario: Scenario, function: str, dates: DateLike | Iterable[DateLike] | None
) -> list[dt.date] | None:
    """Sorted distinct dates inside the horizon, or None for "every date"."""
    if dates is None:
        return None
    items: Iterable[object] = [dates] if isinstance(dates, dt.date | str) else dates
    parsed = sorted({_parse_date(scenario, function, d) for d in items})
    if not parsed:
        raise _fail(scenario, function, "dates: empty; give None for the whole horizon")
    return parsed


def _theatre_ids(
    scenario: Scenario, function: str, theatres: str | Iterable[str] | None
) -> set[str] | None:
    if theatres is None:
        return None
    wanted = {theatres} if isinstance(theatres, str) else set(theatres)
    known = {t.id for t in scenario.theatres}
    unknown = sorted(wanted - known)
    if unknown:
        raise _fail(
            scenario,
            function,
            f"theatre: unknown theatre(s) {', '.join(map(repr, unknown))} "
            f"(theatres: {_listing(known)})",
        )
    return wanted


def _when(dates: list[dt.date] | None) -> str:
    if dates is None:
        return "the whole horizon"
    return "on " + ", ".join(d.isoformat() for d in dates)


# -- the edits -----------------------------------------------------------------------------


def close_theatre(
    scenario: Scenario, theatre: str, dates: DateLike | Iterable[DateLike] | None = None
) -> Scenario:
    """Close a theatre: remove its sessions on ``dates``, or on every date.

    The theatre itself stays in the scenario (with no sessions on those dates), so
    surgeons' preferred theatres still refer to it.

    Parameters
    ----------
    scenario
        The scenario to start from (not changed).
    theatre
        Id of the theatre to close.
    dates
        A date, an ISO date string, or several; ``None`` closes the theatre for the whole
        horizon.

    Returns
    -------
    Scenario
        A validated copy without the theatre's sessions on those dates.

    Raises
    ------
    WhatIfError
        Unknown theatre, a date outside the horizon, or a given date on which the theatre
        has no session (closing it there would silently change nothing).

    Examples
    --------
    >>> closed = close_theatre(scenario, "OR1", dates=["2027-03-02"])  # doctest: +SKIP
    """
    fn = "close_theatre"
    _theatre_ids(scenario, fn, theatre)
    days = _dates(scenario, fn, dates)
    if days is not None:
        open_days = {s.date for s in scenario.sessions if s.theatre == theatre}
        missing = [d.isoformat() for d in days if d not in open_days]
        if missing:
            raise _fail(
                scenario,
                fn,
                f"dates: theatre {theatre!r} has no session on {', '.join(missing)}",
            )
    shut = None if days is None else set(days)
    kept = [
        s
        for s in scenario.sessions
        if not (s.theatre == theatre and (shut is None or s.date in shut))
    ]
    removed = len(scenario.sessions) - len(kept)
    plural = "" if removed == 1 else "s"
    what = f"theatre {theatre} closed {_when(days)} ({removed} session{plural} removed)."
    return _derive(scenario, fn, f"close-{theatre}", what, sessions=[s.model_dump() for s in kept])


def extend_sessions(
    scenario: Scenario,
    minutes: int,
    theatres: str | Iterable[str] | None = None,
    dates: DateLike | Iterable[DateLike] | None = None,
    specialty: str | None = None,
) -> Scenario:
    """Close sessions later: add ``minutes`` to the planned closing time.

    Allowed overtime per session is unchanged. A session is extended less (or not at all)
    when the full extension would let it run, with its allowed overtime, past midnight or
    into the next session of the same theatre on that date.

    Parameters
    ----------
    scenario
        The scenario to start from (not changed).
    minutes
        Minutes to add to each selected session's ``close`` (at least 1).
    theatres
        A theatre id or several; ``None`` means every theatre.
    dates
        A date, an ISO date string, or several; ``None`` means every date.
    specialty
        Only sessions owned by this specialty (``session.specialty``); ``None`` means all.

    Returns
    -------
    Scenario
        A validated copy with the later closing times; the description says how many
        minutes were added in all.

    Raises
    ------
    WhatIfError
        ``minutes`` below 1, an unknown theatre or specialty, a date outside the horizon,
        or no session matching the selection.
    """
    fn = "extend_sessions"
    if isinstance(minutes, bool) or not isinstance(minutes, Integral) or minutes < 1:
        raise _fail(scenario, fn, f"minutes: must be a whole number ≥ 1, got {minutes!r}")
    minutes = int(minutes)
    chosen_theatres = _theatre_ids(scenario, fn, theatres)
    days = _dates(scenario, fn, dates)
    if specialty is not None:
        known = {s.specialty for s in scenario.sessions if s.specialty is not None}
        if specialty not in known:
            raise _fail(
                scenario,
                fn,
                f"specialty: no session is owned by {specialty!r} "
                f"(session specialties: {_listing(known)})",
            )

    def selected(s: Session) -> bool:
        return (
            (chosen_theatres is None or s.theatre in chosen_theatres)
            and (days is None or s.date in days)
            and (specialty is None or s.specialty == specialty)
        )

    by_theatre_day: dict[tuple[str, dt.date], list[Session]] = {}
    for s in scenario.sessions:
        by_theatre_day.setdefault((s.theatre, s.date), []).append(s)
    next_open: dict[str | None, int] = {}
    for group in by_theatre_day.values():
        group.sort(key=lambda s: s.open)
        for a, b in itertools.pairwise(group):
            next_open[a.id] = b.open

    sessions: list[dict[str, Any]] = []
    matched = added = capped = 0
    for s in scenario.sessions:
        data = s.model_dump()
        if selected(s):
            matched += 1
            limit = min(_DAY, next_open.get(s.id, _DAY)) - s.overtime
            new_close = max(s.close, min(s.close + minutes, limit))
            added += new_close - s.close
            capped += new_close < s.close + minutes
            data["close"] = format_clock(new_close)
        sessions.append(data)
    if matched == 0:
        raise _fail(scenario, fn, "no session matches the theatres, dates and specialty given")
    scope = [f"{matched} sessions"]
    if specialty is not None:
        scope.append(f"of {specialty}")
    if chosen_theatres is not None:
        scope.append(f"in {', '.join(sorted(chosen_theatres))}")
    if days is not None:
        scope.append(_when(days))
    what = f"{' '.join(scope)} close up to {minutes} min later ({added} min added in all"
    what += f"; {capped} capped by midnight or the next session)." if capped else ")."
    return _derive(scenario, fn, f"extend-{minutes}", what, sessions=sessions)


def remove_surgeon(
    scenario: Scenario, surgeon: str, dates: DateLike | Iterable[DateLike] | None = None
) -> Scenario:
    """Put a surgeon on leave: mark them absent on ``dates``, or on every date.

    Cases stay as they are: a case booked to this surgeon by name (``case.surgeon``) cannot
    be done on those dates and will be unscheduled if the surgeon is away all horizon;
    cases that list other eligible surgeons can move to them. A **mandatory** case booked
    only to this surgeon makes the scenario infeasible when it has no other date left —
    :func:`orplan.solve` then explains it.

    Parameters
    ----------
    scenario
        The scenario to start from (not changed).
    surgeon
        Id of the surgeon.
    dates
        A date, an ISO date string, or several; ``None`` means the whole horizon.

    Returns
    -------
    Scenario
        A validated copy in which the surgeon's ``absent`` list includes those dates.

    Raises
    ------
    WhatIfError
        Unknown surgeon or a date outside the horizon.
    """
    fn = "remove_surgeon"
    known = {s.id for s in scenario.surgeons}
    if surgeon not in known:
        raise _fail(
            scenario,
            fn,
            f"surgeon: unknown surgeon {surgeon!r} (surgeons: {_listing(known)})",
        )
    days = _dates(scenario, fn, dates)
    away = scenario.dates() if days is None else days
    surgeons = []
    for s in scenario.surgeons:
        data = s.model_dump()
        if s.id == surgeon:
            data["absent"] = sorted(set(s.absent) | set(away))
        surgeons.append(data)
    booked = sum(1 for c in scenario.cases if c.surgeon == surgeon)
    what = f"surgeon {surgeon} absent {_when(days)} ({booked} cases booked to them by name)."
    return _derive(scenario, fn, f"leave-{surgeon}", what, surgeons=surgeons)


def add_session(
    scenario: Scenario,
    theatre: str,
    date: DateLike,
    open: str | int = "08:00",
    close: str | int = "15:30",
    specialty: str | None = None,
    overtime: int = 0,
    id: str | None = None,
) -> Scenario:
    """Open a theatre for one more session.

    Parameters
    ----------
    scenario
        The scenario to start from (not changed).
    theatre
        Id of an existing theatre.
    date
        Date of the session, inside the horizon.
    open, close
        Opening and planned closing time, ``"HH:MM"`` or minutes after midnight.
    specialty
        Specialty owning the session; ``None`` opens it to every specialty the theatre
        allows.
    overtime
        Minutes a case may run past ``close``.
    id
        Session id; default ``"<theatre>@<date>"`` (give one when the theatre already has a
        session that date).

    Returns
    -------
    Scenario
        A validated copy with the session appended.

    Raises
    ------
    WhatIfError
        Unknown theatre, a date outside the horizon, a specialty the theatre does not
        allow, a duplicate session id, or hours that are invalid or overlap another session
        of the theatre.
    """
    fn = "add_session"
    _theatre_ids(scenario, fn, theatre)
    day = _parse_date(scenario, fn, date)
    room = next(t for t in scenario.theatres if t.id == theatre)
    if specialty is not None and room.specialties and specialty not in room.specialties:
        raise _fail(
            scenario,
            fn,
            f"specialty: theatre {theatre!r} does not allow {specialty!r} "
            f"(it allows {_listing(room.specialties)})",
        )
    try:
        start, end = parse_clock(open), parse_clock(close)
    except ValueError as exc:
        raise _fail(scenario, fn, f"open/close: {exc}") from None
    session: dict[str, Any] = {
        "theatre": theatre,
        "date": day,
        "open": start,
        "close": end,
        "specialty": specialty,
        "overtime": overtime,
    }
    if id is not None:
        session["id"] = id
    sessions = [s.model_dump() for s in scenario.sessions] + [session]
    what = (
        f"extra session in {theatre} on {day} {format_clock(start)}-{format_clock(end)}"
        + (f" for {specialty}" if specialty else "")
        + "."
    )
    return _derive(scenario, fn, f"add-{theatre}", what, sessions=sessions)


def _copy_id(case_id: str, round_: int, taken: set[str]) -> str:
    suffix = f"+{round_}"
    new = case_id[: _ID_MAX - len(suffix)] + suffix
    extra = 0
    while new in taken:  # only when truncation made two ids equal
        extra += 1
        suffix = f"+{round_}.{extra}"
        new = case_id[: _ID_MAX - len(suffix)] + suffix
    return new


def scale_demand(scenario: Scenario, factor: float, seed: int = 0) -> Scenario:
    """Scale the waiting list to about ``factor`` times its cases, reproducibly.

    The new list has ``round(factor × cases)`` cases:

    * ``factor < 1``: a random subset, drawn with ``seed``. Mandatory cases are always
      kept (they are obligations, not demand), so the list never gets shorter than them.
    * ``factor > 1``: every original case plus copies of cases drawn with ``seed``
      (each case copied once per full multiple of the list, the remainder drawn without
      replacement). A copy is a new patient with the same clinical profile: id and
      patient get a ``+k`` suffix, all else is kept except ``mandatory`` (a copy is
      elective, so the scenario stays as feasible as before).

    Original cases keep their order; copies follow them. The same scenario, factor and seed
    always give the same list.

    Parameters
    ----------
    scenario
        The scenario to start from (not changed).
    factor
        Demand multiplier, > 0 (e.g. 1.1 for +10 %).
    seed
        Seed of :func:`numpy.random.default_rng` for the draw.

    Returns
    -------
    Scenario
        A validated copy with the scaled waiting list.

    Raises
    ------
    WhatIfError
        ``factor`` not a positive number, or a negative ``seed``.
    """
    fn = "scale_demand"
    if isinstance(factor, bool) or not isinstance(factor, Real) or not factor > 0:
        raise _fail(scenario, fn, f"factor: must be a number > 0, got {factor!r}")
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise _fail(scenario, fn, f"seed: must be a whole number ≥ 0, got {seed!r}")
    factor, seed = float(factor), int(seed)
    if not np.isfinite(factor):
        raise _fail(scenario, fn, f"factor: must be finite, got {factor!r}")
    cases = scenario.cases
    n = len(cases)
    target = round(factor * n)
    rng = np.random.default_rng(seed)
    new_cases: list[Case]
    if target <= n:
        optional = [i for i, c in enumerate(cases) if not c.mandatory]
        drop = max(0, min(len(optional), n - target))
        dropped = set(rng.choice(optional, size=drop, replace=False).tolist()) if drop else set()
        new_cases = [c for i, c in enumerate(cases) if i not in dropped]
        what = f"waiting list scaled by {factor:g}: {len(new_cases)} of {n} cases kept"
        what += f" (seed {seed})."
    else:
        extra = target - n
        picks: list[tuple[int, int]] = []  # (round, case index)
        for round_ in range(1, extra // n + 1):
            picks += [(round_, i) for i in range(n)]
        rest = extra % n
        if rest:
            chosen = sorted(rng.choice(n, size=rest, replace=False).tolist())
            picks += [(extra // n + 1, i) for i in chosen]
        taken = {c.id for c in cases}
        new_cases = list(cases)
        for round_, i in picks:
            case = cases[i]
            new_id = _copy_id(case.id, round_, taken)
            taken.add(new_id)
            patient = case.patient[: _ID_MAX - len(f"+{round_}")] + f"+{round_}"
            new_cases.append(
                case.model_copy(update={"id": new_id, "patient": patient, "mandatory": False})
            )
        what = f"waiting list scaled by {factor:g}: {extra} copied cases added to {n}"
        what += f" (seed {seed})."
    return _derive(
        scenario,
        fn,
        f"demand-{factor:g}",
        what,
        cases=[c.model_dump() for c in new_cases],
    )


def set_weights(scenario: Scenario, **weights: Any) -> Scenario:
    """Change objective weights (see ``docs/rules.md``, Costs).

    Parameters
    ----------
    scenario
        The scenario to start from (not changed).
    **weights
        New values by :class:`~orplan.scenario.Weights` field name, e.g.
        ``overtime_minute=4`` or ``deadline_breach=2000``. ``unscheduled`` is a mapping of
        priority class to cost and updates only the classes it lists.

    Returns
    -------
    Scenario
        A validated copy with the new weights.

    Raises
    ------
    WhatIfError
        No weight given, an unknown weight name, or a value the model rejects.
    """
    fn = "set_weights"
    _known_names(scenario, fn, "weight", weights, set(Weights.model_fields), "overtime_minute=4")
    data = scenario.weights.model_dump()
    for name, value in weights.items():
        if name == "unscheduled":
            if not isinstance(value, Mapping):
                raise _fail(
                    scenario, fn, "unscheduled: must be a mapping of priority class to cost"
                )
            data["unscheduled"] = {**data["unscheduled"], **value}
        else:
            data[name] = value
    what = "weights " + ", ".join(f"{k}={v}" for k, v in sorted(weights.items())) + "."
    return _derive(scenario, fn, "weights", what, weights=data)


def _known_names(
    scenario: Scenario, fn: str, kind: str, given: Mapping[str, Any], known: set[str], eg: str
) -> None:
    """Raise a :class:`WhatIfError` when nothing is given or a name is not a ``kind``."""
    if not given:
        raise _fail(scenario, fn, f"give at least one {kind}, e.g. {eg}")
    unknown = sorted(set(given) - known)
    if unknown:
        raise _fail(
            scenario,
            fn,
            f"unknown {kind}(s) {', '.join(map(repr, unknown))} ({kind}s: {_listing(known)})",
        )


def set_rules(scenario: Scenario, **rules: Any) -> Scenario:
    """Change rule switches (:class:`~orplan.scenario.Rules`), e.g. robust planning.

    Parameters
    ----------
    scenario
        The scenario to start from (not changed).
    **rules
        New values by ``Rules`` field name, e.g. ``deadlines_hard=True`` or (robust
        planning) ``overtime_probability=0.2``; ``None`` resets an optional switch.

    Returns
    -------
    Scenario
        A validated copy with the new rules.

    Raises
    ------
    WhatIfError
        No rule given, an unknown rule name, or a value the model rejects.
    """
    fn = "set_rules"
    _known_names(scenario, fn, "rule", rules, set(Rules.model_fields), "deadlines_hard=True")
    data = {**scenario.rules.model_dump(), **rules}
    what = "rules " + ", ".join(f"{k}={v}" for k, v in sorted(rules.items())) + "."
    return _derive(scenario, fn, "rules", what, rules=data)


# -- comparing runs ------------------------------------------------------------------------


def compare(results: Mapping[str, Result]) -> pd.DataFrame:
    """One row of headline figures per solve, for what-if tables and plots.

    Parameters
    ----------
    results
        Label → :class:`~orplan.solver.solve.Result` (e.g. ``{"base": ..., "closed": ...}``).

    Returns
    -------
    pandas.DataFrame
        Indexed by label, with columns ``status``, ``scheduled``, ``unscheduled``,
        ``deadline_breaches``, ``late_days``, ``overtime_minutes``, ``utilisation``,
        ``open_minutes``, ``sessions_total``, ``cost`` (the checker's), ``objective``,
        ``gap``. Figures of a run without a plan are missing (NaN).
    """
    import pandas as pd

    figures = (
        "scheduled",
        "unscheduled",
        "deadline_breaches",
        "late_days",
        "overtime_minutes",
        "utilisation",
        "open_minutes",
        "sessions_total",
    )
    nan = float("nan")
    rows: list[dict[str, Any]] = []
    for label, result in results.items():
        row: dict[str, Any] = {"scenario": label, "status": str(result.status)}
        kpis = result.kpis
        for name in figures:
            row[name] = nan if kpis is None else getattr(kpis, name)
        row["cost"] = nan if result.check is None else result.check.cost.total
        row["objective"] = nan if result.objective is None else result.objective
        row["gap"] = nan if result.gap is None else result.gap
        rows.append(row)
    return pd.DataFrame(rows).set_index("scenario")
