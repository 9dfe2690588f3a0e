"""What happens to a published plan on the day: the events file (pydantic v2 models).

An events file (YAML or JSON) lists events, each with the moment it was reported (``at``) and
a ``kind``::

    format: orplan-events/1
    events:
      - {kind: case-cancelled, at: 2027-03-01T07:10, case: C12, reason: patient ill}
      - {kind: surgeon-absent, at: 2027-03-01T07:30, surgeon: S4, from: 2027-03-01T07:30}
      - {kind: theatre-closed, at: 2027-03-01T09:00, theatre: OR3,
         from: 2027-03-01T12:00, until: 2027-03-01T16:00}
      - {kind: case-late, at: 2027-03-01T10:15, case: C7, expected_end: 2027-03-01T11:40}
      - {kind: emergency, at: 2027-03-01T10:05, id: E1, specialty: gastro, duration: 60,
         max_wait: 60, urgency: within 1 h, surgeons: [S2, S9]}
      - {kind: case-added, at: 2027-03-01T08:00, case: C88}
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from orplan.scenario.model import Case, Id, LocalDateTime, PositiveMinutes

__all__ = [
    "CaseAdded",
    "CaseCancelled",
    "CaseLate",
    "EmergencyArrived",
    "Event",
    "PlanEvents",
    "SurgeonAbsent",
    "TheatreClosed",
    "load_events",
]


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    at: LocalDateTime = Field(description="When the event was reported (local time).")
    note: str | None = Field(default=None, description="Free text for people.")


class CaseCancelled(_Event):
    """A planned (or waiting-list) case is cancelled: patient ill, no bed, ..."""

    kind: Literal["case-cancelled"]
    case: Id = Field(description="Case id.")
    reason: str = Field(default="cancelled", min_length=1, description="Why, in plain words.")


class SurgeonAbsent(_Event):
    """A surgeon is away from a moment on (ill, called to an emergency elsewhere)."""

    kind: Literal["surgeon-absent"]
    surgeon: Id = Field(description="Surgeon id.")
    start: LocalDateTime = Field(alias="from", description="Away from (local time).")
    end: LocalDateTime | None = Field(
        default=None, alias="until", description="Back at (default: the end of that day)."
    )

    @model_validator(mode="after")
    def _ordered(self) -> SurgeonAbsent:
        if self.end is not None and self.end <= self.start:
            raise ValueError("until: must be after from")
        return self


class TheatreClosed(_Event):
    """A theatre cannot be used between two moments (broken equipment, no staff)."""

    kind: Literal["theatre-closed"]
    theatre: Id = Field(description="Theatre id.")
    start: LocalDateTime = Field(alias="from", description="Closed from (local time).")
    end: LocalDateTime | None = Field(
        default=None, alias="until", description="Open again at (default: the end of that day)."
    )

    @model_validator(mode="after")
    def _ordered(self) -> TheatreClosed:
        if self.end is not None and self.end <= self.start:
            raise ValueError("until: must be after from")
        return self


class CaseLate(_Event):
    """A case started at another time than planned, or will end later (or earlier)."""

    kind: Literal["case-late"]
    case: Id = Field(description="Case id.")
    actual_start: LocalDateTime | None = Field(
        default=None, description="When the case really started (at or before the event)."
    )
    expected_end: LocalDateTime | None = Field(
        default=None, description="When the case is now expected to end."
    )

    @model_validator(mode="after")
    def _something(self) -> CaseLate:
        if self.actual_start is None and self.expected_end is None:
            raise ValueError("actual_start: give actual_start, expected_end or both")
        if self.actual_start is not None and self.actual_start > self.at:
            raise ValueError("actual_start: a case cannot have started after it was reported")
        return self


class EmergencyArrived(_Event):
    """An emergency patient needs a theatre within an urgency window."""

    kind: Literal["emergency"]
    id: Id = Field(description="New case id for the emergency (unique in the scenario).")
    patient: Id | None = Field(default=None, description="Pseudonymous patient reference.")
    procedure: str = Field(default="Emergency surgery", min_length=1)
    ncsp: str | None = Field(default=None, description="NCSP procedure code, optional.")
    specialty: Id = Field(description="Specialty that operates.")
    duration: PositiveMinutes = Field(description="Expected operating minutes.")
    max_wait: Annotated[int, Field(ge=0, le=7 * 24 * 60)] = Field(
        description="Urgency class as the longest wait in minutes from arrival to the start "
        "of surgery (e.g. 60, 360, 1440)."
    )
    urgency: str | None = Field(default=None, description="Urgency class name, e.g. 'within 1 h'.")
    arrival: LocalDateTime | None = Field(
        default=None, description="When the patient is ready for surgery (default: at)."
    )
    surgeons: list[Id] = Field(
        default_factory=list,
        description="Surgeons who may take it; empty means any surgeon of the specialty.",
    )
    requires: list[Id] = Field(default_factory=list, description="Theatre capabilities needed.")
    recovery_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 0
    icu_days: Annotated[int, Field(ge=0, le=365)] = 0
    ward_days: Annotated[int, Field(ge=0, le=365)] = 0


class CaseAdded(_Event):
    """A patient from the waiting list (or a new one) is to be fitted in."""

    kind: Literal["case-added"]
    case: Id | None = Field(default=None, description="Id of a waiting-list case.")
    new_case: Case | None = Field(default=None, description="A case not yet in the scenario.")

    @model_validator(mode="after")
    def _one(self) -> CaseAdded:
        if (self.case is None) == (self.new_case is None):
            raise ValueError("case: give either case (an id) or new_case (a whole case)")
        return self

    @property
    def case_id(self) -> str:
        """The added case's id."""
        return self.case if self.case is not None else self.new_case.id  # type: ignore[union-attr]


Event = Annotated[
    CaseCancelled | SurgeonAbsent | TheatreClosed | CaseLate | EmergencyArrived | CaseAdded,
    Field(discriminator="kind"),
]


class PlanEvents(BaseModel):
    """An events file: what happened to a published plan, in any order."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["orplan-events/1"] = Field(
        default="orplan-events/1", description="File format identifier and version."
    )
    events: list[Event] = Field(default_factory=list, description="The events.")

    def ordered(self) -> list[Event]:
        """The events by the time they were reported (file order among equal times)."""
        return sorted(self.events, key=lambda e: e.at)

    def latest(self) -> dt.datetime | None:
        """When the last event was reported."""
        return max((e.at for e in self.events), default=None)


def load_events(path: str | Path) -> PlanEvents:
    """Read and validate an events file (YAML or JSON).

    Parameters
    ----------
    path
        ``.yaml``/``.yml`` or ``.json`` file.

    Returns
    -------
    PlanEvents

    Raises
    ------
    ScenarioError
        One readable line per problem, naming the file and field.
    """
    from orplan.scenario.io import load_model_file

    return load_model_file(path, PlanEvents, kind="an events", key="events")
