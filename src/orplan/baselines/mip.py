r"""A MIP baseline: assign cases to sessions with HiGHS, then sequence inside sessions.

Step 1 — assignment MIP (solved by HiGHS within the time budget, in a separate process: see
:mod:`orplan.baselines.highs_worker` for why). Binary
:math:`x_{cs}` = case *c* in session *s* for every eligible pair (the per-case rules of
``docs/rules.md`` — specialty, capabilities, release, hard deadline, equipment site, session
length, a surgeon present — decide which pairs exist), :math:`y_{csg}` = surgeon *g* operates
it (only when *c* has several possible surgeons in *s*).

.. math::

    \sum_s x_{cs} \le 1 \;(= 1 \text{ if it must be scheduled}), \qquad \sum_g y_{csg} = x_{cs}

    \sum_c (d_c + t_c)\, x_{cs} \le (close_s - open_s) + ot_s + \max_c t_c
        \quad \text{(session capacity; the last turnover may run past the end)}

    \sum_{c, s \text{ on day } \delta} d_c\, y_{csg} \le \min(M_g,\ \text{hours present}_{g\delta},
        \ \text{present minutes inside their sessions' hours})
        \quad \text{(surgeon daily maximum and availability)}

    occupied_\delta + \sum x \le beds \quad \text{(ICU and ward beds, exact)},
    \qquad \sum_{s \text{ running at } m} z_s \le teams,\ z_s \ge x_{cs}
        \quad \text{(staff teams, exact)}

plus energy rows for equipment (:math:`\sum (d_c + setup) x \le count \times` the day's span)
and PACU beds (:math:`\sum rec_c\, x \le` bed-minutes of the day's span). The objective is
the cost of ``docs/rules.md`` with overtime bounded below by
:math:`o_s \ge \sum (d+t) x - \max t - (close - open)`, exact idle time, theatre changes
(:math:`u_{g\delta t} \ge y`, :math:`\sum_t u - 1` per surgeon-day), surgeon preferences and
bed peaks. :mod:`orplan.baselines.mip_rows` adds tighter session rows (the last turnover is
one of the session's cases', not the largest candidate's) and a lower bound of the
early-sequencing cost (early cases queue behind each other and behind ``first`` cases).

**Relaxed** in the MIP (it is an assignment model, not a timetable): start times, theatre
and surgeon no-overlap in time (only the sums above), surgeon hours within the day (only
their length), equipment and PACU capacity over time (only energy), first/last sequencing
and early-sequencing costs (only the rows above), overtime (only its lower bound). Every
row above holds for every valid plan and every cost term is a lower bound of the true one,
so the MIP's dual bound is a
lower bound of the best plan's cost: **a bound of the relaxed assignment problem** (and so
of the true problem under the cost of ``docs/rules.md``).

Step 2 — sequencing. Mandatory cases first (one that does not fit its MIP session gets the
rule baseline's first fit at once), then sessions in date/opening order, each session's
MIP cases by unscheduled cost, are added one by one with
:meth:`~orplan.baselines.board.Board.try_insert`, which times the session in sequencing
order on the scenario's time grid and keeps every hard rule (surgeon no-overlap across
theatres, equipment, PACU, ...). A case that cannot be sequenced with its MIP surgeon tries
its other surgeons and is otherwise **dropped**. Step 3 (``repair=True``, default) offers
the dropped and the unscheduled cases to the rule baseline's first fit, in its order.

The reported objective is always the independent checker's cost of the final plan.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from typing import Any

from orplan.baselines.board import Board
from orplan.baselines.common import (
    MethodResult,
    Options,
    Trace,
    case_order_key,
    eligible_sessions,
    finish_plan,
)
from orplan.baselines.highs_worker import run_highs
from orplan.baselines.mip_rows import add_early_rows, add_one_theatre_row, add_turnover_rows
from orplan.baselines.rule import fill
from orplan.baselines.sparse_lp import SparseLp
from orplan.plan.model import Plan
from orplan.scenario.model import Scenario

__all__ = ["AssignmentMip", "build_mip", "mip_plan", "sequence_assignment", "solve_mip"]


class AssignmentMip:
    """The assignment MIP of a scenario and the meaning of its columns.

    Attributes
    ----------
    scenario
        The scenario.
    options
        Eligible ``(session, surgeons)`` per case.
    lp
        The model (columns, rows, objective with constant offset).
    x
        Column of each (case, session) pair.
    y
        Column of each (case, session, surgeon) triple; for a single possible surgeon it is
        the ``x`` column.
    overtime
        Overtime column of each session that has one (overtime costs something and is
        allowed); the logic-based Benders bound (:mod:`orplan.solver.benders`) cuts on it.
    early
        Early-sequencing cost column of each case that has one.
    """

    def __init__(self, scenario: Scenario, options: Options) -> None:
        self.scenario = scenario
        self.options = options
        self.lp = SparseLp()
        self.x: dict[tuple[int, int], int] = {}
        self.y: dict[tuple[int, int, str], int] = {}
        self.overtime: dict[int, int] = {}
        self.early: dict[int, int] = {}
        self._build()

    # -- columns and rows ---------------------------------------------------------------
    def _build(self) -> None:
        sc = self.scenario
        lp = self.lp
        w = sc.weights
        horizon = sc.horizon
        last_day = horizon.days - 1
        sessions = sc.sessions
        site_of = {t.id: t.site for t in sc.theatres}
        surgeons = {s.id: s for s in sc.surgeons}
        turn = [sc.turnover_of(c) for c in sc.cases]
        dates = sc.dates()
        weekday = {d: d.weekday() for d in dates}

        per_session: dict[int, list[tuple[int, int]]] = defaultdict(list)  # si -> (ci, col)
        surgeon_day: dict[tuple[str, int], list[tuple[int, float]]] = defaultdict(list)
        surgeon_theatre: dict[tuple[str, int], dict[str, list[int]]] = defaultdict(
            lambda: defaultdict(list)
        )
        surgeon_sessions: dict[tuple[str, int], set[int]] = defaultdict(set)
        surgeon_cases: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        limits: dict[tuple[str, int], int] = {}
        changes: dict[tuple[str, int], tuple[list[int], int]] = {}
        for ci, (case, opts) in enumerate(zip(sc.cases, self.options, strict=True)):
            if case.cancelled is not None:
                continue  # a cancelled case costs nothing (docs/rules.md): no column, no cost
            release = max(0, horizon.day_index(case.release)) if case.release else 0
            due = horizon.day_index(case.due) if case.due else None
            unscheduled = float(w.unscheduled_cost(case.priority))
            if due is not None and due <= last_day:
                unscheduled += w.deadline_breach + w.late_day * (last_day - due + 1)
            lp.offset += unscheduled
            row: list[tuple[int, float]] = []
            for si, names in opts:
                session = sessions[si]
                day = horizon.day_index(session.date)
                cost = w.waiting_day * (day - release) - unscheduled
                if due is not None and day > due:
                    cost += w.deadline_breach + w.late_day * (day - due)
                x = lp.var(0, 1, cost, integer=True)
                self.x[(ci, si)] = x
                row.append((x, 1.0))
                per_session[si].append((ci, x))
                for name in names:
                    y = x if len(names) == 1 else lp.var(0, 1, 0.0, integer=True)
                    self.y[(ci, si, name)] = y
                    surgeon = surgeons[name]
                    misses = int(
                        bool(surgeon.preferred_weekdays)
                        and weekday[session.date] not in surgeon.preferred_weekdays
                    ) + int(
                        bool(surgeon.preferred_theatres)
                        and session.theatre not in surgeon.preferred_theatres
                    )
                    if misses and w.surgeon_preference:
                        lp.cost[y] += w.surgeon_preference * misses
                    surgeon_day[(name, day)].append((y, float(case.duration)))
                    surgeon_theatre[(name, day)][session.theatre].append(y)
                    surgeon_sessions[(name, day)].add(si)
                    surgeon_cases[(name, day)].append((ci, y))
                if len(names) > 1:
                    lp.row([*((self.y[(ci, si, n)], 1.0) for n in names), (x, -1.0)], 0, 0)
            if row:
                # Every valid plan schedules a mandatory, pinned or windowed emergency case:
                # forcing it in keeps the relaxation valid and lifts its bound.
                lower = 1.0 if case.must_schedule else 0.0
                lp.row(row, lower, 1.0)

        # sessions: capacity, overtime, idle
        for si, members in per_session.items():
            session = sessions[si]
            length = session.close - session.open
            top = max(turn[ci] for ci, _ in members)
            work = [(x, float(sc.cases[ci].duration + turn[ci])) for ci, x in members]
            lp.row(work, -math.inf, length + session.overtime + top)
            o: int | None = None
            if w.overtime_minute and session.overtime:
                o = lp.var(0, session.overtime, float(w.overtime_minute))
                self.overtime[si] = o
                lp.row([*work, (o, -1.0)], -math.inf, length + top)
            add_turnover_rows(lp, members, work, turn, length, session.overtime, o)
            if w.idle_minute:
                i = lp.var(0, length, float(w.idle_minute))
                lp.row([*work, (i, 1.0)], length, math.inf)
        if w.idle_minute:  # sessions no case can use are idle all day
            lp.offset += w.idle_minute * sum(
                s.close - s.open for si, s in enumerate(sessions) if si not in per_session
            )

        # surgeons: daily maximum and hours present
        for (name, day), terms in surgeon_day.items():
            surgeon = surgeons[name]
            limit = min(
                surgeon.max_minutes_per_day,
                surgeon.present_minutes(dates[day]),
                _covered(surgeon.slots(dates[day]), surgeon_sessions[(name, day)], sessions),
            )
            limits[(name, day)] = limit
            if sum(d for _, d in terms) > limit:
                lp.row(terms, -math.inf, limit)

        # theatre changes
        if w.theatre_change:
            for key, theatres in surgeon_theatre.items():
                if len(theatres) < 2:
                    continue
                used = []
                for ys in theatres.values():
                    u = lp.var(0, 1, float(w.theatre_change), integer=True)
                    for y in ys:
                        lp.row([(u, 1.0), (y, -1.0)], 0, math.inf)
                    used.append(u)
                works = lp.var(0, 1, -float(w.theatre_change))
                lp.row([(works, 1.0), *((u, -1.0) for u in used)], -math.inf, 0)
                changes[key] = (used, works)
        for key, entries in surgeon_cases.items():
            if len(surgeon_theatre[key]) < 2 or key in changes:
                add_one_theatre_row(
                    self, key[0], entries, surgeon_sessions[key], limits[key], changes.get(key)
                )

        add_early_rows(self, per_session)
        self._beds(per_session, site_of)
        self._staff(per_session, site_of)
        self._equipment(per_session)
        self._recovery(per_session, site_of)

    def _beds(self, per_session: dict[int, list[tuple[int, int]]], site_of: dict[str, str]) -> None:
        sc, lp = self.scenario, self.lp
        if not sc.beds:
            return
        days = sc.horizon.days
        dates = sc.dates()
        terms: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        for si, members in per_session.items():
            session = sc.sessions[si]
            site, day = site_of[session.theatre], sc.horizon.day_index(session.date)
            for ci, x in members:
                case = sc.cases[ci]
                for d in range(day, min(days, day + case.icu_days)):
                    terms[(site, "icu", d)].append(x)
                ward0 = day + case.icu_days
                for d in range(ward0, min(days, ward0 + case.ward_days)):
                    terms[(site, "ward", d)].append(x)
        for unit in sc.beds:
            for d in range(days):
                xs = terms.get((unit.site, unit.kind, d), [])
                free = unit.beds - unit.occupied.get(dates[d], 0)
                if len(xs) > free:
                    lp.row(((x, 1.0) for x in xs), -math.inf, free)
        if sc.weights.bed_peak:
            for site in sorted({u.site for u in sc.beds}):
                total = sum(u.beds for u in sc.beds if u.site == site)
                peak = lp.var(0, total + len(sc.cases), float(sc.weights.bed_peak))
                for d in range(days):
                    occupied = sum(u.occupied.get(dates[d], 0) for u in sc.beds if u.site == site)
                    xs = terms.get((site, "icu", d), []) + terms.get((site, "ward", d), [])
                    lp.row([(peak, 1.0), *((x, -1.0) for x in xs)], occupied, math.inf)

    def _staff(
        self, per_session: dict[int, list[tuple[int, int]]], site_of: dict[str, str]
    ) -> None:
        sc, lp = self.scenario, self.lp
        if not sc.staff:
            return
        used: dict[int, int] = {}
        for pool in sc.staff:
            by_date: dict[Any, list[int]] = defaultdict(list)
            for si in per_session:
                if site_of[sc.sessions[si].theatre] == pool.site:
                    by_date[sc.sessions[si].date].append(si)
            for date, sis in by_date.items():
                teams = pool.teams_on(date)
                if len(sis) <= teams:
                    continue
                for si in sis:
                    if si not in used:
                        z = lp.var(0, 1, 0.0, integer=True)
                        for _, x in per_session[si]:
                            lp.row([(z, 1.0), (x, -1.0)], 0, math.inf)
                        used[si] = z
                for m in sorted({sc.sessions[si].open for si in sis}):
                    running = [
                        used[si]
                        for si in sis
                        if sc.sessions[si].open
                        <= m
                        < sc.sessions[si].close + sc.sessions[si].overtime
                    ]
                    if len(running) > teams:
                        lp.row(((z, 1.0) for z in running), -math.inf, teams)

    def _equipment(self, per_session: dict[int, list[tuple[int, int]]]) -> None:
        sc, lp = self.scenario, self.lp
        items = {e.id: e for e in sc.equipment}
        groups: dict[tuple[str, Any], list[tuple[int, int, int]]] = defaultdict(list)
        for si, members in per_session.items():
            for ci, x in members:
                for name in sc.cases[ci].equipment:
                    groups[(name, sc.sessions[si].date)].append((si, ci, x))
        for (name, _date), triples in groups.items():
            item = items[name]
            lo = min(sc.sessions[si].open for si, _, _ in triples)
            hi = max(sc.sessions[si].close + sc.sessions[si].overtime for si, _, _ in triples)
            capacity = item.count * (hi - lo + item.setup)
            terms = [(x, float(sc.cases[ci].duration + item.setup)) for _, ci, x in triples]
            if sum(v for _, v in terms) > capacity:
                lp.row(terms, -math.inf, capacity)

    def _recovery(
        self, per_session: dict[int, list[tuple[int, int]]], site_of: dict[str, str]
    ) -> None:
        sc, lp = self.scenario, self.lp
        units = {u.site: u for u in sc.recovery}
        groups: dict[tuple[str, Any], list[tuple[int, int, int]]] = defaultdict(list)
        for si, members in per_session.items():
            site = site_of[sc.sessions[si].theatre]
            if site not in units:
                continue
            for ci, x in members:
                if sc.cases[ci].recovery_minutes > 0:
                    groups[(site, sc.sessions[si].date)].append((si, ci, x))
        for (site, _date), triples in groups.items():
            unit = units[site]
            lo = min(sc.sessions[si].open + sc.cases[ci].duration for si, ci, _ in triples)
            hi = max(
                sc.sessions[si].close + sc.sessions[si].overtime + sc.cases[ci].recovery_minutes
                for si, ci, _ in triples
            )
            cuts = sorted(
                {lo, hi, *(p.start for p in unit.periods), *(p.end for p in unit.periods)}
            )
            cuts = [c for c in cuts if lo <= c <= hi]
            bed_minutes = sum((b - a) * unit.beds_at(a) for a, b in itertools.pairwise(cuts))
            terms = [(x, float(sc.cases[ci].recovery_minutes)) for _, ci, x in triples]
            if sum(v for _, v in terms) > bed_minutes:
                lp.row(terms, -math.inf, bed_minutes)

    # -- writing and reading a solution ---------------------------------------------------
    def start(self, chosen: dict[int, tuple[int, str]]) -> tuple[list[int], list[float]]:
        """A MIP start of the assignment ``chosen``: every ``x`` and ``y`` column's value.

        The other columns (overtime, idle, theatre changes, ...) are left out for HiGHS to
        complete (:func:`~orplan.baselines.highs_worker.solve_arrays`, ``start``).

        Parameters
        ----------
        chosen
            Case index -> (session index, surgeon), as :meth:`assignment` returns.

        Returns
        -------
        tuple of (list of int, list of float)
            Columns and their values.
        """
        values: dict[int, float] = {}
        for (ci, si), x in self.x.items():
            values[x] = 1.0 if ci in chosen and chosen[ci][0] == si else 0.0
        for (ci, si, name), y in self.y.items():
            if y != self.x[(ci, si)]:
                values[y] = 1.0 if chosen.get(ci) == (si, name) else 0.0
        columns = sorted(values)
        return columns, [values[c] for c in columns]

    # -- reading a solution ---------------------------------------------------------------
    def assignment(self, values: Any) -> dict[int, tuple[int, str]]:
        """Case index -> (session index, surgeon) of a MIP solution.

        Parameters
        ----------
        values
            Column values of a solution.

        Returns
        -------
        dict of int to (int, str)
        """
        out: dict[int, tuple[int, str]] = {}
        for (ci, si), x in self.x.items():
            if values[x] > 0.5:
                for name in dict(self.options[ci])[si]:
                    if values[self.y[(ci, si, name)]] > 0.5:
                        out[ci] = (si, name)
                        break
        return out


def _covered(slots: list[tuple[int, int]], sis: set[int], sessions: list[Any]) -> int:
    """Minutes of the day inside both a slot of the surgeon and a session they could work
    (open to close plus allowed overtime): no case of theirs can run outside them."""
    spans = sorted((sessions[si].open, sessions[si].close + sessions[si].overtime) for si in sis)
    joined: list[list[int]] = []
    for a, b in spans:
        if joined and a <= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], b)
        else:
            joined.append([a, b])
    return sum(max(0, min(b, e) - max(a, s)) for a, b in joined for s, e in slots)


def build_mip(scenario: Scenario, options: Options | None = None) -> AssignmentMip:
    """Build the assignment MIP of ``scenario`` (see the module docstring).

    Parameters
    ----------
    scenario
        A validated scenario.
    options
        Eligible ``(session, surgeons)`` per case (computed when omitted).

    Returns
    -------
    AssignmentMip
    """
    return AssignmentMip(scenario, options if options is not None else eligible_sessions(scenario))


def _sequence(
    scenario: Scenario,
    mip: AssignmentMip,
    chosen: dict[int, tuple[int, str]],
    step: int | None,
) -> tuple[Board, list[int]]:
    """Time each session's MIP cases with the board; return it and the dropped cases.

    Mandatory cases go first, over all sessions, and one that cannot be timed in its MIP
    session gets the rule baseline's first fit at once, while the sessions are still empty
    enough; then the other cases session by session.
    """
    board = Board(scenario, step)
    weights = scenario.weights
    sessions = scenario.sessions
    cases = scenario.cases

    def place(ci: int) -> bool:
        si, first = chosen[ci]
        others = [g for g in dict(mip.options[ci])[si] if g != first]
        return any(board.try_insert(ci, si, g) for g in [first, *others])

    def when(ci: int) -> tuple[object, ...]:
        s = sessions[chosen[ci][0]]
        return (s.date, s.open, s.theatre)

    dropped: list[int] = []
    for ci in sorted((c for c in chosen if cases[c].mandatory), key=when):
        if not place(ci) and not fill(board, [ci], mip.options, {}):
            dropped.append(ci)
    rest = sorted(
        (c for c in chosen if not cases[c].mandatory),
        key=lambda ci: (
            when(ci),
            -weights.unscheduled_cost(cases[ci].priority),
            -cases[ci].duration,
            cases[ci].id,
        ),
    )
    for ci in rest:
        if not place(ci):
            dropped.append(ci)
    return board, dropped


def sequence_assignment(
    scenario: Scenario,
    mip: AssignmentMip,
    chosen: dict[int, tuple[int, str]],
    options: Options,
    *,
    step: int | None = None,
    repair: bool = True,
) -> tuple[Board, list[int], dict[int, str], int]:
    """Steps 2 and 3 of the module docstring: time ``chosen`` on a board, repair the rest.

    Parameters
    ----------
    scenario
        The scenario.
    mip
        The assignment MIP ``chosen`` comes from (its options give each case's surgeons).
    chosen
        Case index -> (session index, surgeon) (:meth:`AssignmentMip.assignment`).
    options
        Eligible ``(session, surgeons)`` per case for the repair's first fit.
    step
        Start-time grid in minutes (default: the scenario's ``time_step``).
    repair
        Offer dropped and unscheduled cases to the rule baseline's first fit.

    Returns
    -------
    tuple
        The board (every hard rule kept), the dropped cases, why each case off the board is
        unscheduled, and how many cases the repair placed.
    """
    board, dropped = _sequence(scenario, mip, chosen, step)
    reasons: dict[int, str] = {
        ci: "not selected by the assignment MIP" for ci in range(len(scenario.cases))
    }
    for ci in dropped:
        reasons[ci] = "dropped: could not be sequenced in its MIP session"
    repaired = 0
    if repair:
        order = sorted(
            (ci for ci in range(len(scenario.cases)) if ci not in board.where),
            key=lambda i: case_order_key(scenario, scenario.cases[i]),
        )
        repaired = fill(board, order, options, reasons)
    return board, dropped, reasons, repaired


def solve_mip(
    scenario: Scenario,
    *,
    time_limit: float = 30.0,
    workers: int = 2,
    seed: int = 0,
    repair: bool = True,
    step: int | None = None,
    gap_limit: float = 0.0,
    candidates: dict[int, set[int]] | None = None,
) -> MethodResult:
    """Plan ``scenario`` with the assignment MIP (HiGHS) plus sequencing; check the plan.

    Parameters
    ----------
    scenario
        A validated scenario.
    time_limit
        Seconds of search for HiGHS, as CP-SAT's ``time_limit`` (model building,
        sequencing and repair come on top and are in ``wall_time``).
    workers
        HiGHS threads.
    seed
        HiGHS random seed.
    repair
        Offer dropped and unscheduled cases to the rule baseline's first fit afterwards.
    step
        Start-time grid of the sequencing step in minutes (default: the scenario's
        ``time_step``, the same grid CP-SAT plans on).
    gap_limit
        HiGHS relative gap at which to stop (0 = prove optimality).
    candidates
        Case index -> the only session indices the MIP may use (e.g. the pairs an LP
        relaxation puts weight on; ``--strategy decompose``). The repair step still offers
        every eligible session. The dual bound is then of the restricted MIP: not reported;
        ``extra["assignment"]`` holds the MIP's case -> (session, surgeon) choice.

    Returns
    -------
    MethodResult
        Plan (objective = checker cost), the MIP's dual bound as ``bound`` (a bound of the
        relaxed assignment problem), timings and ``extra`` with the MIP's own objective,
        status and the dropped/repaired counts.

    Raises
    ------
    RuntimeError
        If the HiGHS worker process fails (e.g. ``highspy`` is not installed).
    """
    began = time.perf_counter()
    options = eligible_sessions(scenario)
    restricted = options
    if candidates is not None:
        restricted = [
            [(si, names) for si, names in opts if si in candidates.get(ci, set())]
            for ci, opts in enumerate(options)
        ]
    mip = AssignmentMip(scenario, restricted)
    build_time = time.perf_counter() - began
    budget = max(0.1, time_limit)

    data = mip.lp.to_arrays()
    data["options"] = {
        "time_limit": float(budget),
        "threads": int(max(1, workers)),
        "random_seed": int(seed),
        "mip_rel_gap": float(gap_limit),
    }
    began_epoch = time.time() - (time.perf_counter() - began)
    solved = run_highs(data, timeout=budget + 120.0)
    trace: Trace = [(t - began_epoch, obj, bnd) for t, obj, bnd in solved["events"]]
    status = str(solved["status"])
    bound = float(solved["bound"])
    mip_objective = solved["objective"]
    if not math.isfinite(bound) or abs(bound) > 1e30 or candidates is not None:
        bound = math.nan
    mip_done = time.perf_counter() - began

    chosen: dict[int, tuple[int, str]] = {}
    if solved["values"] is not None:
        chosen = mip.assignment(solved["values"])
    board, dropped, reasons, repaired = sequence_assignment(
        scenario, mip, chosen, options, step=step, repair=repair
    )
    stopped = (
        "optimal" if status == "Optimal" else "time_limit" if "limit" in status.lower() else "other"
    )
    plan, report, wall = finish_plan(
        scenario,
        board.entries(reasons),
        began=began,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        bound=None if math.isnan(bound) else bound,
        stopped_by=stopped,  # type: ignore[arg-type]
        time_to_first=trace[0][0] if trace else None,
    )
    cost = float(report.cost.total)
    trace.append((wall, cost, None if math.isnan(bound) else bound))
    return MethodResult(
        method="mip",
        plan=plan,
        report=report,
        objective=cost,
        bound=None if math.isnan(bound) else bound,
        wall_time=wall,
        time_to_first=trace[0][0] if len(trace) > 1 else wall,
        time_to_best=trace[-2][0] if len(trace) > 1 else wall,
        trace=trace,
        extra={
            "mip_status": status,
            "mip_objective": mip_objective,
            "build_time": round(build_time, 3),
            "mip_time": round(mip_done, 3),
            "columns": len(mip.lp.cost),
            "rows": mip.lp.num_rows,
            "assigned": len(chosen),
            "dropped": len(dropped),
            "repaired": repaired,
            # The restricted MIP's own assignment, for the solver's decompose strategy.
            **({"assignment": chosen} if candidates is not None else {}),
        },
    )


def mip_plan(
    scenario: Scenario, *, time_limit: float = 30.0, workers: int = 2, seed: int = 0
) -> Plan:
    """Return the MIP baseline's plan of ``scenario`` (see the module docstring).

    Parameters
    ----------
    scenario
        A validated scenario.
    time_limit
        Seconds for the whole method.
    workers
        HiGHS threads.
    seed
        HiGHS random seed.

    Returns
    -------
    Plan
        ``run.objective`` is the checker's cost, ``run.bound`` the MIP's dual bound.
    """
    result = solve_mip(scenario, time_limit=time_limit, workers=workers, seed=seed)
    assert result.plan is not None
    return result.plan
