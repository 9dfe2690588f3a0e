"""Input and output of a master surgery schedule (MSS): plain pydantic models.

The input names theatres and the weekdays they open, specialties with the theatre hours
they need per cycle and the case mix their blocks admit, and the ward and ICU beds. The
output is one specialty per theatre x cycle week x weekday (a *block*) plus the bed curve it
leads to. Nothing here knows about the solver.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Id = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[^\s,;]+$"),
]
Weekday = Annotated[int, Field(ge=0, le=6)]

#: Short weekday names, Monday first (Python's ``date.weekday()`` numbering).
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class _Strict(BaseModel):
    """Base: unknown fields are errors (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid")


class MssTheatre(_Strict):
    """A theatre, the weekdays it can open and how long a block there lasts."""

    id: Id = Field(description="Theatre identifier, e.g. 'ULL-OP3'.")
    weekdays: list[Weekday] = Field(
        default_factory=lambda: [0, 1, 2, 3, 4],
        description="Weekdays the theatre can open (0 = Monday).",
    )
    hours: Annotated[float, Field(gt=0, le=24)] = Field(
        default=8.0, description="Length of one block in this theatre, in hours."
    )
    specialties: list[Id] = Field(
        default_factory=list,
        description="Specialties allowed here (equipment, laminar flow); empty means any.",
    )


class CaseType(_Strict):
    """One kind of patient a specialty operates on: its share and its length of stay."""

    share: Annotated[float, Field(ge=0, le=1)] = Field(
        description="Fraction of the specialty's cases of this kind."
    )
    icu_days: Annotated[int, Field(ge=0, le=365)] = Field(
        default=0, description="Days in an ICU bed, counting the surgery day."
    )
    ward_days: Annotated[int, Field(ge=0, le=365)] = Field(
        default=0, description="Days in a ward bed after any ICU days (0 = day case)."
    )


class MssSpecialty(_Strict):
    """A specialty (surgeons' service), the theatre time it needs and its case mix."""

    id: Id = Field(description="Specialty identifier, e.g. 'orthopaedics'.")
    hours: Annotated[float, Field(ge=0, le=10_000)] = Field(
        description="Theatre hours the specialty needs per week (on average over the cycle)."
    )
    tolerance_hours: Annotated[float, Field(ge=0, le=10_000)] = Field(
        default=0.0, description="Hours per week may differ from 'hours' by at most this."
    )
    cases_per_block: Annotated[float, Field(ge=0, le=100)] = Field(
        description="Average number of cases one block operates on (admissions)."
    )
    case_mix: list[CaseType] = Field(
        min_length=1, description="Kinds of cases and their length of stay; shares sum to 1."
    )
    open_session: bool = Field(
        default=False,
        description="Blocks are sessions any specialty may use (no specialty on the session).",
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> MssSpecialty:
        total = sum(c.share for c in self.case_mix)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"case_mix: shares sum to {total:.6g}, not 1")
        return self


class MssBeds(_Strict):
    """Staffed ward and ICU beds (one site); ``None`` means no limit."""

    ward: Annotated[int, Field(ge=0, le=100_000)] | None = Field(default=None)
    icu: Annotated[int, Field(ge=0, le=100_000)] | None = Field(default=None)


class Block(_Strict):
    """One theatre on one weekday of one cycle week, given to one specialty."""

    theatre: Id = Field(description="Theatre id.")
    week: Annotated[int, Field(ge=1, le=4)] = Field(default=1, description="Cycle week, 1-4.")
    weekday: Weekday = Field(description="Weekday, 0 = Monday.")
    specialty: Id = Field(description="Specialty id.")


class MssWeights(_Strict):
    """Weights of the objective terms (see docs/mss.md)."""

    ward_peak: Annotated[float, Field(ge=0, le=1000)] = 1.0
    icu_peak: Annotated[float, Field(ge=0, le=1000)] = 1.0
    hours_off: Annotated[float, Field(ge=0, le=1000)] = Field(
        default=1.0,
        description="Per hour a specialty is off its target (within its tolerance), in "
        "beds: with a tolerance, the MSS still prefers the target hours.",
    )
    pattern: Annotated[float, Field(ge=0, le=1000)] = Field(
        default=0.01,
        description="Per (specialty, theatre, weekday) used in a multi-week cycle: keeps "
        "the same pattern each week.",
    )


class MssInput(_Strict):
    """Everything a master surgery schedule is planned from."""

    name: Id = Field(description="Name of the problem.")
    description: str = Field(default="", max_length=2000)
    cycle_weeks: Annotated[int, Field(ge=1, le=4)] = Field(default=1)
    day_start: str = Field(
        default="08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="Blocks open at."
    )
    theatres: list[MssTheatre] = Field(min_length=1)
    specialties: list[MssSpecialty] = Field(min_length=1)
    beds: MssBeds = Field(default_factory=MssBeds)
    fixed: list[Block] = Field(default_factory=list, description="Blocks the user pins.")
    baseline: list[Block] = Field(
        default_factory=list, description="The current MSS, to compare with."
    )
    weights: MssWeights = Field(default_factory=MssWeights)

    @model_validator(mode="after")
    def _cross_references(self) -> MssInput:
        problems: list[str] = []
        ids = {
            "theatres": [t.id for t in self.theatres],
            "specialties": [s.id for s in self.specialties],
        }
        for label, names in ids.items():
            seen: set[str] = set()
            for i, name in enumerate(names):
                if name in seen:
                    problems.append(f"{label}[{i}].id: duplicate id {name!r}")
                seen.add(name)
        specs = {s.id for s in self.specialties}
        for i, t in enumerate(self.theatres):
            problems += [
                f"theatres[{i}].specialties: unknown specialty {s!r}"
                for s in t.specialties
                if s not in specs
            ]
        for label in ("fixed", "baseline"):
            problems += self._block_problems(label, getattr(self, label))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _block_problems(self, label: str, blocks: list[Block]) -> list[str]:
        theatres = {t.id: t for t in self.theatres}
        specs = {s.id for s in self.specialties}
        problems: list[str] = []
        for i, b in enumerate(blocks):
            where = f"{label}[{i}]"
            theatre = theatres.get(b.theatre)
            if theatre is None:
                problems.append(f"{where}.theatre: unknown theatre {b.theatre!r}")
            elif b.weekday not in theatre.weekdays:
                problems.append(f"{where}.weekday: theatre {b.theatre} is closed on that day")
            if b.specialty not in specs:
                problems.append(f"{where}.specialty: unknown specialty {b.specialty!r}")
            if b.week > self.cycle_weeks:
                problems.append(f"{where}.week: {b.week} is past cycle_weeks {self.cycle_weeks}")
        return problems


class DayBeds(BaseModel):
    """Exact bed demand of one cycle day (steady state of the repeating cycle)."""

    week: int
    weekday: int
    ward_mean: float
    ward_p50: int
    ward_p90: int
    ward_p99: int
    icu_mean: float
    icu_p50: int
    icu_p90: int
    icu_p99: int


class MssRun(BaseModel):
    """How the MSS was made: enough to repeat it."""

    version: str
    seed: int
    time_limit: float
    workers: int
    wall_time: float
    stopped_by: str
    formulation: str = "count"


class MssPlan(BaseModel):
    """A cyclic master surgery schedule and its bed curve."""

    name: str
    cycle_weeks: int
    status: Literal["optimal", "feasible", "infeasible", "unknown", "baseline"]
    blocks: list[Block] = Field(default_factory=list)
    objective: float | None = None
    bound: float | None = None
    expected_peak_ward: float | None = None
    expected_peak_icu: float | None = None
    bed_curve: list[DayBeds] = Field(default_factory=list)
    explanation: list[str] = Field(default_factory=list)
    run: MssRun | None = None
    horizon_start: dt.date | None = None
