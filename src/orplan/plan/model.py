"""The plan: orplan's output model (pydantic v2), one entry per waiting-list case."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from orplan.scenario.clock import ClockTime

if TYPE_CHECKING:
    import pandas as pd

    from orplan.scenario.model import Case, Session

PlanStatus = Literal["OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN", "MODEL_INVALID"]


class CaseAssignment(BaseModel):
    """Where and when one case is planned, or why it is not."""

    model_config = ConfigDict(extra="forbid")

    case: str = Field(description="Case id from the scenario.")
    scheduled: bool = Field(description="Whether the case is in the plan.")
    session: str | None = Field(default=None, description="Session id (when scheduled).")
    theatre: str | None = Field(default=None, description="Theatre id (when scheduled).")
    date: dt.date | None = Field(default=None, description="Date of surgery (when scheduled).")
    start: ClockTime | None = Field(default=None, description="Start time 'HH:MM'.")
    end: ClockTime | None = Field(
        default=None, description="End time 'HH:MM' (start + expected duration)."
    )
    surgeon: str | None = Field(default=None, description="Operating surgeon id.")
    reason: str | None = Field(
        default=None, description="Why the case is not scheduled (when unscheduled)."
    )

    @classmethod
    def placed(cls, case: Case, session: Session, start: int, surgeon: str) -> CaseAssignment:
        """A scheduled entry: ``case`` in ``session`` from ``start`` (minutes) by ``surgeon``.

        Theatre and date come from the session; the end is ``start`` + the expected duration.
        """
        return cls(
            case=case.id,
            scheduled=True,
            session=session.id,
            theatre=session.theatre,
            date=session.date,
            start=start,
            end=start + case.duration,
            surgeon=surgeon,
        )

    @model_validator(mode="after")
    def _complete_when_scheduled(self) -> CaseAssignment:
        fields = (self.session, self.theatre, self.date, self.start, self.end, self.surgeon)
        if self.scheduled and any(v is None for v in fields):
            raise ValueError(
                "a scheduled case needs session, theatre, date, start, end and surgeon"
            )
        if not self.scheduled and any(v is not None for v in fields):
            raise ValueError("an unscheduled case must not have a session, time or surgeon")
        return self


class SolverRun(BaseModel):
    """How the plan was made: versions, settings and the solver's own figures."""

    model_config = ConfigDict(extra="forbid")

    orplan_version: str = Field(description="orplan version that made the plan.")
    ortools_version: str = Field(description="OR-Tools version used.")
    scenario: str = Field(description="Scenario name.")
    scenario_sha256: str = Field(description="SHA-256 of the scenario's canonical JSON.")
    seed: int = Field(description="Random seed given to the solver.")
    time_limit: float = Field(description="Wall-clock limit in seconds.")
    workers: int = Field(description="Number of solver workers (threads).")
    status: PlanStatus = Field(description="Solver status of the returned plan.")
    stopped_by: Literal["optimal", "time_limit", "interrupted", "infeasible", "other"] = Field(
        description="Why the search ended: proven optimal, time limit, Ctrl-C, ..."
    )
    objective: float | None = Field(description="Objective value (cost, lower is better).")
    bound: float | None = Field(description="Best proven lower bound on the cost.")
    gap: float | None = Field(description="Relative gap (objective - bound) / objective.")
    wall_time: float = Field(description="Seconds spent solving.")
    time_to_first: float | None = Field(
        default=None, description="Seconds until the first feasible plan was found."
    )
    rules_changed: dict[str, float | bool | None] | None = Field(
        default=None,
        description="Scenario rules changed for this run on the command line (e.g. "
        "{'overtime_probability': 0.2}); scenario_sha256 is of the changed scenario.",
    )
    strategy: str = Field(
        default="whole",
        description="'whole' (one model over the horizon, with a proven bound), 'days' "
        "(day-window search for large scenarios, no bound) or 'both' (day windows, then the "
        "whole model from their plan), 'decompose' (day by day, then the whole model).",
    )
    bound_source: str | None = Field(
        default=None,
        description="Which bound 'bound' is: 'cpsat' (CP-SAT's own), 'lp' (LP relaxation of "
        "the assignment MIP, HiGHS), 'mip' (that MIP's dual bound, HiGHS), 'benders' (the MIP with "
        "logic-based Benders cuts), 'capacity' (the session-capacity LP, where the assignment LP "
        "is too big) or 'unavoidable' (the unavoidable cost); the largest wins.",
    )
    bound_note: str | None = Field(
        default=None, description="Why a bound is missing or was skipped (e.g. for size or time)."
    )
    bounds: dict[str, float] = Field(
        default_factory=dict, description="Every valid lower bound found, by source."
    )
    unavoidable: float | None = Field(
        default=None,
        description="Cost no plan of the scenario avoids (cases with no eligible session or "
        "overdue everywhere, sessions no case can use, beds occupied before the plan).",
    )
    gap_decidable: float | None = Field(
        default=None,
        description="(objective - bound) / (objective - unavoidable): the gap on the part of "
        "the cost a plan can change.",
    )


class LiveRecord(BaseModel):
    """How a plan made on the day relates to the published plan it replaces."""

    model_config = ConfigDict(extra="forbid")

    parent_sha256: str = Field(description="SHA-256 of the parent plan's plan.json.")
    now: dt.datetime = Field(description="The replanning moment.")
    events: int = Field(description="Number of events applied.")
    window_days: int = Field(description="Days from now's date on which cases could move.")
    tolerance: int = Field(description="Minutes a start may shift without counting as moved.")
    levels: dict[str, float] = Field(
        default_factory=dict,
        description="The value reached at each level of the replanning objective, in order: "
        "emergency minutes late, cancelled, moved to another day, to another theatre, in "
        "time, overtime minutes, plan cost.",
    )
    proven: dict[str, bool] = Field(
        default_factory=dict, description="Whether each level was proven optimal."
    )


class Plan(BaseModel):
    """A case-by-case surgery plan with the record of how it was made."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["orplan-plan/1"] = Field(
        default="orplan-plan/1", description="File format identifier and version."
    )
    run: SolverRun | None = Field(default=None, description="Solver run metadata.")
    cases: list[CaseAssignment] = Field(description="One entry per scenario case.")
    live: LiveRecord | None = Field(
        default=None,
        description="For a plan made on the day (orplan replan / book): its parent plan and "
        "how much changed.",
    )

    def scheduled(self) -> list[CaseAssignment]:
        """The scheduled entries."""
        return [c for c in self.cases if c.scheduled]

    def to_frame(self) -> pd.DataFrame:
        """Return the plan as a pandas DataFrame, one row per case."""
        import pandas as pd

        rows = [c.model_dump(mode="json") for c in self.cases]
        columns = list(CaseAssignment.model_fields)
        frame = pd.DataFrame(rows, columns=columns)
        frame["date"] = pd.to_datetime(frame["date"])
        return frame
