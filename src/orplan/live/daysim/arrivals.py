"""Emergency arrivals: a Poisson process per specialty and hour of day (pydantic v2).

An arrivals file (YAML or JSON)::

    format: orplan-arrivals/1
    arrivals:
      - specialty: gastro
        per_hour: {"08-16": 0.15, "16-08": 0.05}
        duration: {mean: 75, sd: 30}
        urgency:
          - {max_wait: 60, share: 0.2}
          - {max_wait: 360, share: 0.5}
          - {max_wait: 1440, share: 0.3}

``per_hour`` maps hour ranges ``"HH-HH"`` (the end is exclusive and may wrap past midnight)
to a Poisson rate per hour; hours no range covers have rate 0. Durations are lognormal with
the given mean and standard deviation (``sd: 0`` is a fixed duration).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "ArrivalSpec",
    "ArrivalsFile",
    "Emergency",
    "Urgency",
    "load_arrivals",
    "sample_arrivals",
]


class DurationSpec(BaseModel):
    """Operating minutes of an emergency: lognormal with this mean and sd."""

    model_config = ConfigDict(extra="forbid")

    mean: Annotated[float, Field(gt=0, le=24 * 60)]
    sd: Annotated[float, Field(ge=0, le=24 * 60)] = 0.0


class Urgency(BaseModel):
    """One urgency class: the longest wait from arrival to the start of surgery."""

    model_config = ConfigDict(extra="forbid")

    max_wait: Annotated[int, Field(ge=0, le=7 * 24 * 60)]
    share: Annotated[float, Field(gt=0, le=1)]
    name: str | None = None


class ArrivalSpec(BaseModel):
    """Emergency arrivals of one specialty."""

    model_config = ConfigDict(extra="forbid")

    specialty: str = Field(min_length=1)
    per_hour: dict[str, Annotated[float, Field(ge=0, le=60)]]
    duration: DurationSpec
    urgency: list[Urgency] = Field(min_length=1)

    @field_validator("per_hour")
    @classmethod
    def _ranges(cls, value: dict[str, float]) -> dict[str, float]:
        hours = [0] * 24
        for key in value:
            for h in _hours(key):
                hours[h] += 1
        if any(n > 1 for n in hours):
            raise ValueError("hour ranges overlap")
        return value

    @model_validator(mode="after")
    def _shares(self) -> ArrivalSpec:
        total = sum(u.share for u in self.urgency)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"urgency: shares add up to {total:g}, not 1")
        return self

    def rates(self) -> np.ndarray:
        """Arrival rate per hour of the day (24 values)."""
        out = np.zeros(24)
        for key, rate in self.per_hour.items():
            for h in _hours(key):
                out[h] = rate
        return out


def _hours(key: str) -> list[int]:
    """The hours of a range ``"08-16"`` (end exclusive; ``"16-08"`` wraps past midnight)."""
    parts = key.split("-")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"{key!r} is not an hour range like '08-16'")
    a, b = (int(p) for p in parts)
    if not (0 <= a <= 23 and 0 <= b <= 24) or a == b:
        raise ValueError(f"{key!r}: hours must be 00..24 and differ")
    return list(range(a, b)) if a < b else [*range(a, 24), *range(0, b)]


class ArrivalsFile(BaseModel):
    """An arrivals file: one spec per specialty."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["orplan-arrivals/1"] = "orplan-arrivals/1"
    arrivals: list[ArrivalSpec] = Field(default_factory=list)


@dataclass(frozen=True)
class Emergency:
    """One sampled emergency (minutes from the start of the horizon, floats)."""

    id: str
    specialty: str
    arrival: float
    mean: float
    duration: float
    max_wait: int
    urgency: str | None

    @property
    def latest(self) -> float:
        """The latest start inside the urgency window."""
        return self.arrival + self.max_wait


def load_arrivals(path: str | Path) -> ArrivalsFile:
    """Read and validate an arrivals file (YAML or JSON).

    Parameters
    ----------
    path
        ``.yaml``/``.yml`` or ``.json`` file.

    Returns
    -------
    ArrivalsFile

    Raises
    ------
    ScenarioError
        One readable line per problem, naming the file and field.
    """
    from orplan.scenario.io import load_model_file

    return load_model_file(path, ArrivalsFile)


def sample_arrivals(
    spec: ArrivalsFile, start: float, end: float, rng: np.random.Generator
) -> list[Emergency]:
    """Emergencies arriving in ``[start, end)`` (minutes of the horizon).

    Each specialty and each clock hour gets a Poisson count with that hour's rate, placed
    uniformly in the hour; durations are lognormal (mean, sd), urgencies drawn by share.

    Parameters
    ----------
    spec
        The arrivals file.
    start, end
        The period, in minutes after midnight of the first horizon date.
    rng
        Seeded generator (the caller's stream: the same stream gives the same emergencies).

    Returns
    -------
    list of Emergency
        By arrival time; ids ``E001``, ``E002``, ... (unique in the period).
    """
    out: list[tuple[float, str, float, float, Urgency]] = []
    for arrival in spec.arrivals:
        rates = arrival.rates()
        mean, sd = arrival.duration.mean, arrival.duration.sd
        sigma = math.sqrt(math.log1p((sd / mean) ** 2)) if sd > 0 else 0.0
        shares = np.array([u.share for u in arrival.urgency])
        hour0 = int(start // 60)
        for hour in range(hour0, math.ceil(end / 60)):
            n = int(rng.poisson(rates[hour % 24]))
            for _ in range(n):
                t = hour * 60 + float(rng.uniform(0, 60))
                z = float(rng.standard_normal())
                minutes = mean * math.exp(sigma * z - 0.5 * sigma * sigma)
                u = arrival.urgency[int(rng.choice(len(shares), p=shares / shares.sum()))]
                if start <= t < end:
                    out.append((t, arrival.specialty, mean, minutes, u))
    out.sort(key=lambda item: item[0])
    return [
        Emergency(f"E{i + 1:03d}", sp, t, mean, max(1.0, dur), u.max_wait, u.name)
        for i, (t, sp, mean, dur, u) in enumerate(out)
    ]
