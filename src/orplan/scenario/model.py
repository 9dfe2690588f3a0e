"""The scenario: what the hospital gives orplan to plan (pydantic v2 input model).

A scenario is self-contained: a planning horizon, theatres, sessions (a theatre open on one
date), surgeons and the waiting-list cases, plus rules and objective weights. Dates are
calendar dates and clock times are ``"HH:MM"`` in files; inside orplan, times are minutes.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from orplan.scenario.clock import ClockTime

Id = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[^\s,;]+$"),
]
"""A stable identifier from the hospital's systems: no spaces, commas or semicolons."""

Minutes = Annotated[int, Field(ge=0, le=24 * 60)]
PositiveMinutes = Annotated[int, Field(gt=0, le=24 * 60)]
PriorityClass = Annotated[int, Field(ge=1, le=4)]


def _local_time(value: dt.datetime) -> dt.datetime:
    # Plans live in the hospital's wall-clock time; a zone would make comparisons with
    # session times ambiguous (and naive/aware comparisons raise).
    if value.tzinfo is not None:
        raise ValueError("give the hospital's local time without a time zone")
    return value.replace(second=0, microsecond=0)


LocalDateTime = Annotated[dt.datetime, AfterValidator(_local_time)]
"""A local date and time ``YYYY-MM-DDTHH:MM`` (no zone; seconds are dropped)."""


class _Strict(BaseModel):
    """Base: unknown fields are errors (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=False)


class Horizon(_Strict):
    """The dates being planned: ``days`` consecutive calendar days from ``start``."""

    start: dt.date = Field(description="First date of the planning horizon (ISO date).")
    days: int = Field(ge=1, le=366, description="Number of calendar days in the horizon.")

    @model_validator(mode="after")
    def _inside_the_calendar(self) -> Horizon:
        # Python's dates stop at 9999-12-31, and reports and rules look past the end:
        # leave them the year 9999 (compared by difference, as the end may not exist).
        if (dt.date(9999, 1, 1) - self.start).days < self.days:
            raise ValueError("start: the horizon must end before the year 9999")
        return self

    @property
    def end(self) -> dt.date:
        """Last date inside the horizon."""
        return self.start + dt.timedelta(days=self.days - 1)

    def day_index(self, date: dt.date) -> int:
        """Return the 0-based index of ``date`` (may be negative or past the end)."""
        return (date - self.start).days

    def contains(self, date: dt.date) -> bool:
        """Return whether ``date`` lies inside the horizon."""
        return self.start <= date <= self.end


class Theatre(_Strict):
    """An operating theatre (room) at one site."""

    id: Id = Field(description="Theatre identifier, e.g. 'ULL-OP3'.")
    site: Id = Field(default="main", description="Hospital site the theatre belongs to.")
    specialties: list[Id] = Field(
        default_factory=list,
        description="Specialties allowed to operate here; empty means every specialty.",
    )
    capabilities: list[Id] = Field(
        default_factory=list,
        description="Fixed equipment or size classes the theatre has (e.g. 'laminar-flow', "
        "'hybrid'); a case that requires a capability may only use a theatre that has it.",
    )


class Session(_Strict):
    """A theatre open on one date between ``open`` and ``close`` (an OR block)."""

    id: Id | None = Field(
        default=None, description="Session identifier; default '<theatre>@<date>'."
    )
    theatre: Id = Field(description="Theatre the session takes place in.")
    date: dt.date = Field(description="Calendar date of the session (inside the horizon).")
    open: ClockTime = Field(description="Opening time 'HH:MM'; no case starts before.")
    close: ClockTime = Field(description="Planned closing time 'HH:MM'.")
    specialty: Id | None = Field(
        default=None, description="Specialty that owns the session; null means open to all."
    )
    overtime: Minutes = Field(
        default=0,
        description="Minutes a case may run past 'close' (allowed overtime); a case must end "
        "by close + overtime.",
    )

    @model_validator(mode="after")
    def _close_after_open(self) -> Session:
        if self.close <= self.open:
            raise ValueError("close: must be after open")
        if self.close + self.overtime > 24 * 60:
            raise ValueError("overtime: close + overtime runs past midnight")
        if self.id is None:
            self.id = f"{self.theatre}@{self.date.isoformat()}"
        return self

    @property
    def length(self) -> int:
        """Regular open minutes (close - open)."""
        return self.close - self.open


class Availability(_Strict):
    """One date on which a surgeon is present, from ``start`` to ``end``."""

    date: dt.date = Field(description="Date the surgeon is present.")
    start: ClockTime = Field(default=0, description="Present from 'HH:MM' (default 00:00).")
    end: ClockTime = Field(default=24 * 60, description="Present until 'HH:MM' (default 24:00).")

    @model_validator(mode="after")
    def _end_after_start(self) -> Availability:
        if self.end <= self.start:
            raise ValueError("end: must be after start")
        return self


class Surgeon(_Strict):
    """A surgeon who operates on cases."""

    id: Id = Field(description="Surgeon identifier (pseudonymous is fine).")
    name: str | None = Field(default=None, description="Display name (optional).")
    specialty: Id = Field(description="Surgeon's specialty.")
    max_minutes_per_day: PositiveMinutes = Field(
        default=480, description="Maximum operating minutes (sum of case durations) per day."
    )
    available: list[Availability] | None = Field(
        default=None,
        description="Dates and hours present; null means every date of the horizon, all day. "
        "A date may be listed more than once (a split day); each case fits inside one entry.",
    )
    absent: list[dt.date] = Field(
        default_factory=list, description="Dates the surgeon is away (leave, on call, ...)."
    )
    preferred_weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        default_factory=list,
        description="Weekdays the surgeon prefers to operate (0 = Monday); empty = no preference.",
    )
    preferred_theatres: list[Id] = Field(
        default_factory=list, description="Theatres the surgeon prefers; empty = no preference."
    )

    def slots(self, date: dt.date) -> list[tuple[int, int]]:
        """Return the (start, end) minutes present on ``date``, in time order (empty: absent).

        A date may have several entries in ``available`` (e.g. a morning list and an
        afternoon clinic); entries that touch or overlap are joined into one slot, and a case
        must lie within one slot (``surgeon-available`` in docs/rules.md).
        """
        if date in self.absent:
            return []
        if self.available is None:
            return [(0, 24 * 60)]
        out: list[tuple[int, int]] = []
        for start, end in sorted((a.start, a.end) for a in self.available if a.date == date):
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
        return out

    def window(self, date: dt.date) -> tuple[int, int] | None:
        """Return the envelope of :meth:`slots` on ``date``, or None when absent.

        With one slot that is the slot; with several, the time between them is *not*
        available (see :meth:`gaps`).
        """
        slots = self.slots(date)
        if not slots:
            return None
        return (slots[0][0], max(end for _, end in slots))

    def gaps(self, date: dt.date) -> list[tuple[int, int]]:
        """Return the (start, end) minutes inside :meth:`window` when the surgeon is away."""
        slots = self.slots(date)
        return [(a[1], b[0]) for a, b in itertools.pairwise(slots)]

    def present_minutes(self, date: dt.date) -> int:
        """Return the minutes present on ``date`` (overlapping slots counted once)."""
        window = self.window(date)
        if window is None:
            return 0
        return window[1] - window[0] - sum(b - a for a, b in self.gaps(date))


class PinnedSlot(_Strict):
    """Where a pinned case stays: theatre, date, start and (optionally) surgeon."""

    theatre: Id = Field(description="Theatre the case keeps.")
    date: dt.date = Field(description="Date the case keeps.")
    start: ClockTime = Field(description="Start time 'HH:MM' the case keeps.")
    surgeon: Id | None = Field(
        default=None, description="Surgeon the case keeps; null means any eligible surgeon."
    )


class EmergencyWindow(_Strict):
    """When an emergency arrived and how long it may wait for a theatre."""

    arrival: LocalDateTime = Field(description="When the patient was ready for surgery.")
    max_wait: Annotated[int, Field(ge=0, le=7 * 24 * 60)] = Field(
        description="Urgency class as minutes: surgery must start within this many minutes "
        "of arrival (e.g. 60, 360 or 1440)."
    )
    urgency: str | None = Field(
        default=None, description="The hospital's name for the urgency class, e.g. 'within 1 h'."
    )
    breach_until: LocalDateTime | None = Field(
        default=None,
        description="Set by orplan replan when no plan can start the case within max_wait: "
        "the latest start accepted instead (the earliest start any plan could give).",
    )
    breach_reason: str | None = Field(
        default=None,
        description="Why the urgency window cannot be kept (set together with breach_until, "
        "or alone when no session can take the case at all).",
    )

    @property
    def latest_start(self) -> dt.datetime | None:
        """The latest accepted start: ``breach_until``, else arrival + ``max_wait``.

        None when a recorded breach says the case cannot be placed at all.
        """
        if self.breach_until is not None:
            return self.breach_until
        if self.breach_reason is not None:
            return None
        return self.arrival + dt.timedelta(minutes=self.max_wait)


class Case(_Strict):
    """A patient on the waiting list who needs one operation."""

    id: Id = Field(description="Case identifier (unique in the scenario).")
    patient: Id = Field(description="Pseudonymous patient reference (never a real identity).")
    procedure: str = Field(min_length=1, description="Procedure name, e.g. 'Hip replacement'.")
    ncsp: str | None = Field(
        default=None, description="NCSP procedure code (Nordic classification), optional."
    )
    specialty: Id = Field(description="Specialty that performs the case.")
    surgeon: Id | None = Field(
        default=None, description="Fixed surgeon; null means one of eligible_surgeons."
    )
    eligible_surgeons: list[Id] = Field(
        default_factory=list,
        description="Surgeons who may operate when 'surgeon' is null; empty means any surgeon "
        "of the case's specialty.",
    )
    duration: PositiveMinutes = Field(description="Expected operating minutes (knife to close).")
    duration_sd: Annotated[float, Field(ge=0, le=24 * 60)] | None = Field(
        default=None,
        description="Standard deviation of the operating minutes. With 'duration' as the mean "
        "it defines a lognormal duration distribution (used by robust planning and "
        "simulation); null means the procedure family's or a fitted model's spread.",
    )
    turnover: Minutes | None = Field(
        default=None,
        description="Cleaning and set-up minutes after the case; null means the scenario's "
        "default_turnover.",
    )
    release: dt.date | None = Field(
        default=None, description="Earliest date the case may be operated; null = any date."
    )
    due: dt.date | None = Field(
        default=None, description="Legal deadline ('frist') for treatment to start."
    )
    priority: PriorityClass = Field(
        default=3, description="Priority class 1 (most urgent) .. 4 (least urgent)."
    )
    mandatory: bool = Field(
        default=False, description="Must be scheduled within the horizon (else infeasible)."
    )
    requires: list[Id] = Field(
        default_factory=list, description="Theatre capabilities the case needs."
    )
    cancer_pathway: bool = Field(
        default=False, description="Case is on a cancer patient pathway ('pakkeforløp')."
    )
    equipment: list[Id] = Field(
        default_factory=list,
        description="Shared mobile equipment the case needs during surgery (ids of "
        "scenario.equipment), e.g. 'c-arm', 'robot', 'microscope'.",
    )
    recovery_minutes: Minutes = Field(
        default=0,
        description="Minutes in a recovery (PACU) bed at the theatre's site after the case ends.",
    )
    icu_days: Annotated[int, Field(ge=0, le=365)] = Field(
        default=0,
        description="Days in an ICU bed at the theatre's site, counting the surgery day.",
    )
    ward_days: Annotated[int, Field(ge=0, le=365)] = Field(
        default=0,
        description="Days in a ward bed at the theatre's site, counting the surgery day "
        "(after any ICU days).",
    )
    flags: list[Id] = Field(
        default_factory=list,
        description="Patient flags used by sequencing rules, e.g. 'child', 'latex-allergy', "
        "'infected', 'diabetic'.",
    )
    pinned: PinnedSlot | None = Field(
        default=None,
        description="Keep the case in this theatre, on this date, at this start (agreed with "
        "the patient, or already started); the case must be scheduled there.",
    )
    frozen_until: LocalDateTime | None = Field(
        default=None,
        description="orplan replan keeps the case where the published plan has it while "
        "the replanning moment is before this time (e.g. the patient has been called in).",
    )
    cancelled: str | None = Field(
        default=None,
        description="Why the case was cancelled (e.g. 'patient ill'); a cancelled case is not "
        "scheduled and costs nothing.",
    )
    emergency: EmergencyWindow | None = Field(
        default=None,
        description="An emergency: it must start within its urgency window after arrival, and "
        "may break into any session whose theatre allows its specialty.",
    )

    @model_validator(mode="after")
    def _due_after_release(self) -> Case:
        if self.release is not None and self.due is not None and self.due < self.release:
            raise ValueError("due: must not be before release")
        if self.surgeon is not None and self.eligible_surgeons:
            raise ValueError("eligible_surgeons: give either 'surgeon' or 'eligible_surgeons'")
        if self.cancelled is not None and (self.mandatory or self.pinned is not None):
            raise ValueError("cancelled: a cancelled case can be neither mandatory nor pinned")
        return self

    @property
    def must_schedule(self) -> bool:
        """Whether every valid plan schedules the case: mandatory, pinned or an emergency
        whose window is not recorded as impossible."""
        if self.mandatory or self.pinned is not None:
            return True
        return self.emergency is not None and self.emergency.latest_start is not None


class Equipment(_Strict):
    """Shared mobile equipment: ``count`` units; a unit is busy during a case and its set-up."""

    id: Id = Field(description="Equipment id, e.g. 'c-arm'.")
    count: Annotated[int, Field(ge=0, le=1000)] = Field(description="Units available.")
    site: Id | None = Field(
        default=None,
        description="Site that owns the units; null means they can move between all sites.",
    )
    setup: Minutes = Field(
        default=0,
        description="Minutes a unit is unavailable after each use (transport, sterilisation).",
    )


class CapacityPeriod(_Strict):
    """A number of beds between two clock times of every day."""

    start: ClockTime = Field(description="From 'HH:MM'.")
    end: ClockTime = Field(description="Until 'HH:MM'.")
    beds: Annotated[int, Field(ge=0, le=10_000)] = Field(description="Beds staffed then.")

    @model_validator(mode="after")
    def _end_after_start(self) -> CapacityPeriod:
        if self.end <= self.start:
            raise ValueError("end: must be after start")
        return self


class RecoveryUnit(_Strict):
    """Post-anaesthesia care unit (PACU) of a site."""

    site: Id = Field(description="Site served; every case operated there recovers here.")
    beds: Annotated[int, Field(ge=0, le=10_000)] = Field(
        description="Beds at any time of day not covered by 'periods'."
    )
    periods: list[CapacityPeriod] = Field(
        default_factory=list,
        description="Beds by time of day (e.g. fewer in the evening); periods must not overlap.",
    )

    @model_validator(mode="after")
    def _periods_disjoint(self) -> RecoveryUnit:
        ordered = sorted(self.periods, key=lambda p: p.start)
        for a, b in itertools.pairwise(ordered):
            if b.start < a.end:
                raise ValueError("periods: periods overlap")
        return self

    def beds_at(self, minute: int) -> int:
        """Beds staffed at ``minute`` after midnight."""
        for period in self.periods:
            if period.start <= minute < period.end:
                return period.beds
        return self.beds


class BedUnit(_Strict):
    """ICU or ward beds of a site, counted per day."""

    site: Id = Field(description="Site of the beds.")
    kind: Literal["icu", "ward"] = Field(description="'icu' or 'ward'.")
    beds: Annotated[int, Field(ge=0, le=100_000)] = Field(description="Beds per day.")
    occupied: dict[dt.date, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict,
        description="Beds already taken on a date by patients in hospital at the start.",
    )


class StaffPool(_Strict):
    """Anaesthesia (or theatre nurse) teams of a site: one team per running theatre."""

    site: Id = Field(description="Site the teams work at.")
    kind: Id = Field(default="anaesthesia", description="Team type, e.g. 'anaesthesia'.")
    teams: Annotated[int, Field(ge=0, le=1000)] = Field(
        description="Teams available on each date not listed in 'by_date'."
    )
    by_date: dict[dt.date, Annotated[int, Field(ge=0, le=1000)]] = Field(
        default_factory=dict, description="Teams available on specific dates."
    )

    def teams_on(self, date: dt.date) -> int:
        """Teams available on ``date``."""
        return self.by_date.get(date, self.teams)


class SequencingRule(_Strict):
    """Where in its session a flagged patient goes (a row of the scenario's rule table)."""

    flag: Id = Field(description="Case flag the rule applies to, e.g. 'child'.")
    position: Literal["first", "last", "early"] = Field(
        description="'first': before every case without a 'first' flag in its session; 'last': "
        "after every case without a 'last' flag; 'early': as early as possible (soft)."
    )
    cleaning_after: Minutes = Field(
        default=0, description="Extra cleaning minutes added to the turnover after such a case."
    )
    weight: Annotated[int, Field(ge=0, le=1000)] = Field(
        default=1,
        description="For 'early': cost per minute the case starts after session opening.",
    )


def _default_sequencing() -> list[SequencingRule]:
    # Usual theatre practice (domain.md): children and latex-allergic patients first in the
    # day, infected cases last with extra cleaning, diabetic patients early.
    return [
        SequencingRule(flag="child", position="first"),
        SequencingRule(flag="latex-allergy", position="first"),
        SequencingRule(flag="infected", position="last", cleaning_after=30),
        SequencingRule(flag="diabetic", position="early", weight=1),
    ]


class EmergencyReserve(_Strict):
    """Open session minutes a site keeps free of elective cases, for emergencies."""

    site: Id = Field(description="Site whose sessions keep the reserve.")
    minutes: Annotated[int, Field(gt=0, le=100_000)] = Field(
        description="Minutes of the site's open session time (Σ close − open over its "
        "sessions of the date) left unbooked by elective cases and their turnovers."
    )
    date: dt.date | None = Field(
        default=None,
        description="Date the reserve applies to; null: every date the site has a session.",
    )


class Rules(_Strict):
    """Switches for rules that hospitals set differently."""

    overtime_probability: Annotated[float, Field(gt=0, lt=0.5)] | None = Field(
        default=None,
        description="Robust planning: the highest accepted chance that a session runs past "
        "its closing time (e.g. 0.2). Each session then keeps planned slack for the "
        "uncertainty of its cases' durations (normal approximation of the sum, Hans et al. "
        "2008). Null: plan on expected durations only.",
    )
    default_duration_cv: Annotated[float, Field(ge=0, le=2)] = Field(
        default=0.3,
        description="Coefficient of variation (sd / mean) of a case's duration when the case "
        "gives no duration_sd (0.3 after Strum et al. 2000).",
    )

    deadlines_hard: bool = Field(
        default=False,
        description="If true, a case whose deadline lies inside the horizon may not be "
        "scheduled after it. If false, a late case is allowed but penalised as a breach.",
    )
    break_in_interval: Annotated[int, Field(ge=1, le=24 * 60)] | None = Field(
        default=None,
        description="Break-in moments (van Essen et al. 2012): at every site and date, no "
        "stretch longer than this many minutes, between the first session opening and the "
        "last session close, in which every theatre of the site is operating or closed (an "
        "emergency would wait that long for a theatre). Null: no limit.",
    )
    break_in_scope: Literal["site", "specialty"] = Field(
        default="site",
        description="Which theatres an emergency may break into, for the break-in interval "
        "rule, cost and KPI: 'site': any theatre of its site (van Essen et al. 2012); "
        "'specialty': the theatres of its site whose specialties allow it, one group per "
        "site and case specialty.",
    )
    emergency_reserve: list[EmergencyReserve] = Field(
        default_factory=list,
        description="Open session minutes per site (and date) kept free of elective cases so "
        "that emergencies have room; every entry must hold.",
    )


class Weights(_Strict):
    """Objective weights: the plan minimises the weighted sum of these costs.

    Defaults follow two facts from the literature: overtime costs about twice as much as idle
    time (Wachtel & Dexter 2010), and leaving an urgent case unscheduled must outweigh any
    amount of idle time it would fill.
    """

    unscheduled: dict[PriorityClass, Annotated[int, Field(ge=0, le=100_000)]] = Field(
        default_factory=lambda: {1: 2000, 2: 800, 3: 300, 4: 100},
        description="Cost of leaving a case of each priority class unscheduled.",
    )
    waiting_day: int = Field(
        default=5,
        ge=0,
        le=10_000,
        description="Cost per day a scheduled case waits after its earliest possible date "
        "in the horizon (max of release and horizon start).",
    )
    deadline_breach: int = Field(
        default=500,
        ge=0,
        le=100_000,
        description="Cost per case whose deadline falls in the horizon and is missed "
        "(scheduled after it, or not scheduled).",
    )
    late_day: int = Field(
        default=20,
        ge=0,
        le=10_000,
        description="Cost per day a scheduled case is past its deadline.",
    )
    overtime_minute: int = Field(
        default=2, ge=0, le=1000, description="Cost per minute of overtime in a session."
    )
    idle_minute: int = Field(
        default=1,
        ge=0,
        le=1000,
        description="Cost per open session minute not booked with surgery or turnover.",
    )
    surgeon_preference: int = Field(
        default=10,
        ge=0,
        le=10_000,
        description="Cost per case scheduled on a weekday or in a theatre its surgeon does not "
        "prefer (each unmet preference counts).",
    )
    bed_peak: int = Field(
        default=20,
        ge=0,
        le=10_000,
        description="Cost per bed of the highest daily ICU + ward occupancy of each site "
        "(levels bed use over the week).",
    )
    theatre_change: int = Field(
        default=30,
        ge=0,
        le=10_000,
        description="Cost each time a surgeon works in one more theatre on the same day.",
    )
    break_in_interval: int = Field(
        default=0,
        ge=0,
        le=1000,
        description="Cost per minute of the longest break-in interval of each site and date "
        "(spreads case starts and ends over the day so emergencies wait less).",
    )

    def unscheduled_cost(self, priority: int) -> int:
        """Cost of leaving a case of ``priority`` unscheduled (0 if the class is not listed)."""
        return self.unscheduled.get(priority, 0)


class Scenario(_Strict):
    """Everything orplan needs to plan: resources, waiting list, rules and weights."""

    name: str = Field(min_length=1, description="Short scenario name.")
    description: str = Field(default="", description="Free text for people.")
    horizon: Horizon = Field(description="Dates being planned.")
    default_turnover: Minutes = Field(
        default=15, description="Turnover minutes after a case when the case gives none."
    )
    time_step: Literal[1, 5, 10, 15] = Field(
        default=5,
        description="Planning grid in minutes: start times are multiples of it and durations "
        "are rounded up to it inside the solver (plans keep true durations).",
    )
    theatres: list[Theatre] = Field(min_length=1, description="Operating theatres.")
    sessions: list[Session] = Field(default_factory=list, description="Open theatre sessions.")
    surgeons: list[Surgeon] = Field(default_factory=list, description="Surgeons.")
    cases: list[Case] = Field(default_factory=list, description="Waiting-list cases.")
    cases_file: str | None = Field(
        default=None,
        description="CSV or XLSX waiting list, relative to the scenario file; its rows are "
        "added to 'cases'. Columns are Case fields; list fields separated by ';'.",
    )
    equipment: list[Equipment] = Field(default_factory=list, description="Shared mobile equipment.")
    recovery: list[RecoveryUnit] = Field(
        default_factory=list,
        description="Recovery (PACU) units, one per site; a site without one has no PACU limit.",
    )
    beds: list[BedUnit] = Field(
        default_factory=list,
        description="ICU and ward beds per site; a site/kind not listed has no bed limit.",
    )
    staff: list[StaffPool] = Field(
        default_factory=list,
        description="Teams per site; a site/kind not listed has no team limit.",
    )
    sequencing: list[SequencingRule] = Field(
        default_factory=_default_sequencing,
        description="Patient sequencing rules by case flag (default: child and latex-allergy "
        "first, infected last with 30 min extra cleaning, diabetic early).",
    )
    rules: Rules = Field(default_factory=Rules, description="Rule switches.")
    weights: Weights = Field(default_factory=Weights, description="Objective weights.")
    now: LocalDateTime | None = Field(
        default=None,
        description="The moment of planning, for a plan made on the day (orplan replan): "
        "no case that is not pinned may start before it. Null: plan ahead of the horizon.",
    )

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        errors: list[str] = []
        id_lists: list[tuple[str, list[str | None]]] = [
            ("theatres", [t.id for t in self.theatres]),
            ("sessions", [s.id for s in self.sessions]),
            ("surgeons", [s.id for s in self.surgeons]),
            ("cases", [c.id for c in self.cases]),
        ]
        for label, ids in id_lists:
            first: dict[str | None, int] = {}
            for index, item_id in enumerate(ids):
                if item_id in first:
                    errors.append(
                        f"{label}[{index}].id: duplicate id {item_id!r} "
                        f"(first used at {label}[{first[item_id]}])"
                    )
                else:
                    first[item_id] = index
        theatres = {t.id for t in self.theatres}
        surgeons = {s.id: s for s in self.surgeons}
        for i, session in enumerate(self.sessions):
            where = f"sessions[{i}] (id={session.id})"
            if session.theatre not in theatres:
                errors.append(f"{where}.theatre: unknown theatre {session.theatre!r}")
            if not self.horizon.contains(session.date):
                errors.append(
                    f"{where}.date: {session.date} is outside the horizon "
                    f"{self.horizon.start}..{self.horizon.end}"
                )
        by_theatre_day: dict[tuple[str, dt.date], list[Session]] = {}
        for session in self.sessions:
            by_theatre_day.setdefault((session.theatre, session.date), []).append(session)
        for (theatre, date), group in by_theatre_day.items():
            group.sort(key=lambda s: s.open)
            for a, b in itertools.pairwise(group):
                if b.open < a.close + a.overtime:
                    errors.append(
                        f"sessions (id={b.id}).open: overlaps session {a.id} in theatre "
                        f"{theatre} on {date}"
                    )
        for i, surgeon in enumerate(self.surgeons):
            for j, slot in enumerate(surgeon.available or []):
                if not self.horizon.contains(slot.date):
                    errors.append(
                        f"surgeons[{i}] (id={surgeon.id}).available[{j}].date: {slot.date} is "
                        "outside the horizon"
                    )
        for i, case in enumerate(self.cases):
            where = f"cases[{i}] (id={case.id})"
            errors.extend(self._live_errors(where, case, theatres, surgeons))
            if case.surgeon is not None and case.surgeon not in surgeons:
                errors.append(f"{where}.surgeon: unknown surgeon {case.surgeon!r}")
            for name in case.eligible_surgeons:
                if name not in surgeons:
                    errors.append(f"{where}.eligible_surgeons: unknown surgeon {name!r}")
            if case.priority not in self.weights.unscheduled:
                errors.append(
                    f"{where}.priority: class {case.priority} has no weight in weights.unscheduled"
                )
        for i, unit in enumerate(self.beds):
            for date, taken in unit.occupied.items():
                if taken > unit.beds:
                    errors.append(
                        f"beds[{i}].occupied: {taken} beds taken on {date} but only "
                        f"{unit.beds} exist"
                    )
        equipment = {e.id for e in self.equipment}
        for i, item in enumerate(self.equipment):
            if item.id in {e.id for e in self.equipment[:i]}:
                errors.append(f"equipment[{i}].id: duplicate id {item.id!r}")
        sites = {t.site for t in self.theatres}
        site_lists: list[tuple[str, list[str | None]]] = [
            ("recovery", [u.site for u in self.recovery]),
            ("beds", [u.site for u in self.beds]),
            ("staff", [u.site for u in self.staff]),
            ("equipment", [u.site for u in self.equipment]),
        ]
        for label, unit_sites in site_lists:
            for i, site in enumerate(unit_sites):
                if site is not None and site not in sites:
                    errors.append(f"{label}[{i}].site: no theatre at site {site!r}")
        for i, reserve in enumerate(self.rules.emergency_reserve):
            if reserve.site not in sites:
                errors.append(
                    f"rules.emergency_reserve[{i}].site: no theatre at site {reserve.site!r}"
                )
            if reserve.date is not None and not self.horizon.contains(reserve.date):
                errors.append(
                    f"rules.emergency_reserve[{i}].date: {reserve.date} is outside the horizon"
                )
        for i, case in enumerate(self.cases):
            for name in case.equipment:
                if name not in equipment:
                    errors.append(
                        f"cases[{i}] (id={case.id}).equipment: unknown equipment {name!r}"
                    )
        theatre_ids = {t.id for t in self.theatres}
        for i, surgeon in enumerate(self.surgeons):
            for name in surgeon.preferred_theatres:
                if name not in theatre_ids:
                    errors.append(
                        f"surgeons[{i}] (id={surgeon.id}).preferred_theatres: unknown theatre "
                        f"{name!r}"
                    )
        seen: set[tuple[str, str]] = set()
        for label, keyed in (("recovery", [(u.site, "pacu") for u in self.recovery]),
                             ("beds", [(u.site, u.kind) for u in self.beds]),
                             ("staff", [(u.site, u.kind) for u in self.staff])):  # fmt: skip
            seen.clear()
            for i, key in enumerate(keyed):
                if key in seen:
                    errors.append(f"{label}[{i}]: a second entry for site {key[0]!r} ({key[1]})")
                seen.add(key)
        if errors:
            raise ValueError("; ".join(errors))
        return self

    def _live_errors(
        self, where: str, case: Case, theatres: set[str], surgeons: Mapping[str, Surgeon]
    ) -> list[str]:
        """Problems with a case's pinned slot (unknown theatre or surgeon, off the grid)."""
        pin = case.pinned
        if pin is None:
            return []
        errors = []
        if pin.theatre not in theatres:
            errors.append(f"{where}.pinned.theatre: unknown theatre {pin.theatre!r}")
        if pin.surgeon is not None and pin.surgeon not in surgeons:
            errors.append(f"{where}.pinned.surgeon: unknown surgeon {pin.surgeon!r}")
        if not self.horizon.contains(pin.date):
            errors.append(f"{where}.pinned.date: {pin.date} is outside the horizon")
        if pin.start % self.time_step:
            errors.append(
                f"{where}.pinned.start: {pin.start // 60:02d}:{pin.start % 60:02d} is not on "
                f"the {self.time_step}-minute planning grid (time_step)"
            )
        return errors

    # -- convenience look-ups used by solver, checker and reports ------------------------
    def turnover_of(self, case: Case) -> int:
        """Turnover minutes after ``case``, with extra cleaning from sequencing rules."""
        base = self.default_turnover if case.turnover is None else case.turnover
        return base + sum(r.cleaning_after for r in self.sequencing if r.flag in case.flags)

    def duration_sd_of(self, case: Case) -> float:
        """Standard deviation of ``case``'s minutes: ``duration_sd``, else the default CV."""
        if case.duration_sd is not None:
            return float(case.duration_sd)
        return self.rules.default_duration_cv * case.duration

    def with_rules(self, changed: Mapping[str, Any]) -> Scenario:
        """A copy with some rule switches changed (already-valid values; no renaming)."""
        return self.model_copy(update={"rules": self.rules.model_copy(update=dict(changed))})

    def surgeons_for(self, case: Case) -> list[str]:
        """Ids of the surgeons who may operate ``case``."""
        if case.surgeon is not None:
            return [case.surgeon]
        if case.eligible_surgeons:
            return list(case.eligible_surgeons)
        return [s.id for s in self.surgeons if s.specialty == case.specialty]

    def dates(self) -> list[dt.date]:
        """All dates of the horizon in order."""
        return [self.horizon.start + dt.timedelta(days=d) for d in range(self.horizon.days)]
