r"""Room for emergencies: break-in intervals and an emergency reserve (docs/rules.md).

Break-in interval (van Essen et al. 2012). At a site on a date a theatre is *closed to
break-in* at time :math:`t` while it operates a case (:math:`start < t < end`) or while none
of its sessions is open (outside every :math:`[open, close]`). A *break-in interval* is a
stretch in which every theatre of the site is closed; the rule bounds its length by
:math:`L`, the soft cost charges its longest length :math:`G_{\sigma d}` per site-date.

Formulation (a covering condition turned into one cumulative per site-date). A stretch
longer than :math:`G` exists iff some window :math:`(x, x + 1 + G)` with integer :math:`x`
lies inside a closed stretch of *every* theatre. Within one theatre the closed stretches are
disjoint open intervals :math:`(a, b)`; the window fits in one iff :math:`a \le x < b - G`.
So shrink each closed stretch to the half-open interval :math:`[a, b - G)` (absent when
empty) and require, at every point, that fewer than :math:`n` theatres are covered:

.. math:: \mathrm{cumulative}\big(\{[a, b - G)\},\ \text{demand } 1,\ \text{capacity } n - 1\big)

where :math:`n` counts the theatres of the site with a session that date. A case gives
:math:`[start, start + dur - G)`; the stretches outside sessions are fixed except for
:math:`G`; a case running past :math:`close` joins the after-close stretch, so its interval
then ends at :math:`\min(close, next - G)` (*next*: the theatre's next opening, else the
site's last close :math:`B`), which keeps one theatre's intervals disjoint. Interval sizes
are lower bounds (a longer interval only restricts more), so the solver may pick the
smallest. Only :math:`x \in [A, B - G)` matters: every interval lies there. This needs one
optional interval per (case, session) option, the same size as the no-overlap rules, rather
than a boolean per option and grid point.

With ``rules.break_in_scope`` = ``"specialty"`` the same holds for each group of the theatres
of a site that allow one specialty named by a theatre (an emergency only breaks into those),
plus the group ``site/*`` of the theatres open to every specialty; a theatre open to several
specialties is in several groups.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from orplan.scenario.model import Scenario, Session
from orplan.solver.variables import OptionVars, Variables

#: A linear expression or a constant (narrower than LinearExprT, for the type checker).
Expr = cp_model.LinearExpr | int

#: Minutes in two days: bounds helper variables (times never leave [0, 2 days)).
_SPAN = 2 * 24 * 60


@dataclass
class _SiteDay:
    """Sessions and options of one theatre group on one day."""

    sessions: dict[str, list[Session]] = field(default_factory=lambda: defaultdict(list))
    options: list[OptionVars] = field(default_factory=list)


def _groups(scenario: Scenario) -> dict[str, tuple[str, set[str]]]:
    """Theatre groups an emergency may break into, by label: (site, theatre ids).

    Groups depend on theatres only (not on cases), so that a day window of the large-scenario
    search, which keeps every theatre but only some cases, sees the same groups.
    """
    by_site: dict[str, list[str]] = defaultdict(list)
    for t in scenario.theatres:
        by_site[t.site].append(t.id)
    if scenario.rules.break_in_scope == "site":
        return {site: (site, set(ids)) for site, ids in by_site.items()}
    allows = {t.id: t.specialties for t in scenario.theatres}
    named = {name for t in scenario.theatres for name in t.specialties}
    out: dict[str, tuple[str, set[str]]] = {}
    for site, ids in by_site.items():
        for specialty in named:
            allowed = {i for i in ids if not allows[i] or specialty in allows[i]}
            if allowed:
                out[f"{site}/{specialty}"] = (site, allowed)
        anyone = {i for i in ids if not allows[i]}
        if anyone:  # emergencies of specialties no theatre names
            out[f"{site}/*"] = (site, anyone)
    return out


def _site_days(scenario: Scenario, v: Variables) -> dict[tuple[str, int], _SiteDay]:
    """Sessions and options of each theatre group (site, or site and specialty) and day."""
    groups: dict[tuple[str, int], _SiteDay] = defaultdict(_SiteDay)
    for label, (_site, theatres) in _groups(scenario).items():
        for session in scenario.sessions:
            if session.theatre in theatres:
                day = scenario.horizon.day_index(session.date)
                groups[(label, day)].sessions[session.theatre].append(session)
        for ov in v.options:
            if ov.option.theatre in theatres and (label, ov.option.day) in groups:
                groups[(label, ov.option.day)].options.append(ov)
    return groups


def _closed(
    model: cp_model.CpModel,
    start: Expr,
    length: Expr,
    presence: cp_model.IntVar | None,
    name: str,
) -> cp_model.IntervalVar | None:
    """The interval ``[start, start + z)`` with ``z ≥ max(0, length)``; None when surely empty."""
    if isinstance(length, int):
        if length <= 0:
            return None
        if presence is None:
            return model.new_fixed_size_interval_var(start, length, name)
        return model.new_optional_fixed_size_interval_var(start, length, presence, name)
    size = model.new_int_var(0, _SPAN, f"size[{name}]")
    model.add(size >= length)
    return _sized(model, start, size, presence, name)


def _sized(
    model: cp_model.CpModel,
    start: Expr,
    size: cp_model.IntVar,
    presence: cp_model.IntVar | None,
    name: str,
) -> cp_model.IntervalVar:
    """An interval of variable ``size`` (its end must be one variable: CP-SAT wants affine)."""
    end = model.new_int_var(-_SPAN, 2 * _SPAN, f"end[{name}]")
    model.add(end == start + size)
    if presence is None:
        return model.new_interval_var(start, size, end, name)
    return model.new_optional_interval_var(start, size, end, presence, name)


def break_in_interval(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> None:
    """No site-date stretch longer than ``rules.break_in_interval`` with every theatre closed.

    Also makes the longest-interval variables of the soft cost (``weights.break_in_interval``)
    in ``v.break_in``, by (group, day): the group is the site, or ``site/specialty`` with
    ``rules.break_in_scope`` = ``"specialty"`` (the site's theatres that allow it). See the
    module docstring for the formulation.
    """
    limit = scenario.rules.break_in_interval
    weight = scenario.weights.break_in_interval
    if limit is None and not weight:
        return
    step = scenario.time_step
    for (site, day), group in sorted(_site_days(scenario, v).items()):
        sessions = group.sessions
        first = min(s.open for ss in sessions.values() for s in ss)
        last = max(s.close for ss in sessions.values() for s in ss)
        span = last - first
        gap: int | cp_model.IntVar
        if weight:
            top = span if limit is None else min(limit, span)
            gap = model.new_int_var(0, top, f"break-in[{site}|{day}]")
            v.break_in[(site, day)] = gap
        elif limit is not None and limit < span:
            gap = limit
        else:
            continue  # no stretch can be longer than the whole day of the site
        tag = f"{site}|{day}"
        intervals: list[cp_model.IntervalVar | None] = []
        next_open: dict[int, int] = {}  # id(session) -> the theatre's next opening, else B
        for theatre, ss in sorted(sessions.items()):
            ss.sort(key=lambda s: s.open)
            ahead = ss[0].open - first
            intervals.append(_closed(model, first, ahead - gap, None, f"before[{tag}|{theatre}]"))
            for i, s in enumerate(ss):
                nxt = ss[i + 1].open if i + 1 < len(ss) else last
                next_open[id(s)] = nxt
                intervals.append(
                    _closed(model, s.close, nxt - s.close - gap, None, f"after[{s.id}]")
                )
        for ov in group.options:
            case = scenario.cases[ov.option.case]
            session = scenario.sessions[ov.option.session]
            name = f"operating[{case.id}|{session.id}]"
            start = ov.start * step
            if ov.option.latest + case.duration <= session.close:
                intervals.append(_closed(model, start, case.duration - gap, ov.scheduled, name))
                continue
            # The case may run past closing: then the theatre stays closed until its next
            # opening, and the case's interval meets the after-close one (see module doc).
            late = model.new_bool_var(f"late[{case.id}|{session.id}]")
            model.add(start + case.duration <= session.close).only_enforce_if(~late)
            reach = model.new_int_var(-_SPAN, _SPAN, f"reach[{case.id}|{session.id}]")
            model.add_min_equality(
                reach,
                [
                    start + case.duration - gap + _SPAN * late,
                    session.close,
                    next_open[id(session)] - gap,
                ],
            )
            size = model.new_int_var(0, _SPAN, f"size[{name}]")
            model.add(size >= reach - start)
            intervals.append(_sized(model, start, size, ov.scheduled, name))
        present = [i for i in intervals if i is not None]
        if present:
            model.add_cumulative(present, [1] * len(present), len(sessions) - 1)


def emergency_reserve(model: cp_model.CpModel, scenario: Scenario, v: Variables) -> None:
    r"""Each site keeps ``minutes`` of its open session time per date free of electives.

    .. math:: \sum_{c \text{ elective at } \sigma, d} (dur_c + turn_c)\, x_{cs}
        \le \sum_{s \text{ at } \sigma, d} (close_s - open_s) - R_{\sigma d}

    Emergency cases are not counted: they are what the reserve is for. Entries without a
    date apply to every date the site has a session; several entries all hold (the largest
    binds).
    """
    reserves = scenario.rules.emergency_reserve
    if not reserves:
        return
    site_of = {t.id: t.site for t in scenario.theatres}
    dates = scenario.dates()
    open_minutes: dict[tuple[str, int], int] = defaultdict(int)
    for session in scenario.sessions:
        day = scenario.horizon.day_index(session.date)
        open_minutes[(site_of[session.theatre], day)] += session.close - session.open
    need: dict[tuple[str, int], int] = {}
    for r in reserves:
        for key in open_minutes:
            if key[0] == r.site and (r.date is None or dates[key[1]] == r.date):
                need[key] = max(need.get(key, 0), r.minutes)
    booked: dict[tuple[str, int], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for ov in v.options:
        case = scenario.cases[ov.option.case]
        if case.emergency is not None:
            continue
        key = (site_of[ov.option.theatre], ov.option.day)
        if key in need:
            booked[key].append((case.duration + scenario.turnover_of(case), ov.scheduled))
    for key, minutes in need.items():
        room = open_minutes[key] - minutes
        terms = booked.get(key, [])
        if room < 0:
            model.add_bool_or([])  # not even an empty plan keeps the reserve
        elif sum(t for t, _ in terms) > room:
            model.add(sum(t * lit for t, lit in terms) <= room)


#: Emergency rules, in the order of docs/rules.md.
RULES = (break_in_interval, emergency_reserve)
