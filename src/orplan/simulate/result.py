"""Results of a Monte-Carlo simulation of a plan (pydantic; JSON-safe, no raw samples)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CaseStats",
    "Histogram",
    "Percentiles",
    "SessionStats",
    "SimulationResult",
    "SimulationSummary",
    "SurgeonDayStats",
]

Sequencing = Literal["plan", "svf"]
StartRule = Literal["early", "planned"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Percentiles(_Frozen):
    """Mean and percentiles of a quantity over the samples.

    Attributes
    ----------
    mean, p50, p90, p95
        Sample mean and the 50th, 90th and 95th percentiles.
    """

    mean: float
    p50: float
    p90: float
    p95: float

    @classmethod
    def of(cls, values: np.ndarray) -> Percentiles:
        """Summarise a 1-d array of sample values."""
        if values.size == 0:
            return cls(mean=0.0, p50=0.0, p90=0.0, p95=0.0)
        p50, p90, p95 = np.percentile(values, [50, 90, 95])
        return cls(mean=float(values.mean()), p50=float(p50), p90=float(p90), p95=float(p95))


class Histogram(_Frozen):
    """Counts of sample values in bins (``len(edges) == len(counts) + 1``)."""

    edges: list[float]
    counts: list[int]

    @classmethod
    def of(cls, values: np.ndarray, bins: int = 40) -> Histogram:
        """Histogram of a 1-d array (a single bin [v, v + 1] when all values are equal)."""
        lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 0.0)
        if hi <= lo:
            return cls(edges=[lo, lo + 1.0], counts=[int(values.size)])
        counts, edges = np.histogram(values, bins=bins, range=(lo, hi))
        return cls(edges=[float(e) for e in edges], counts=[int(c) for c in counts])


class SessionStats(_Frozen):
    """What happens in one session over the samples.

    Times are minutes after midnight. Overtime is minutes the last performed case ends past
    ``close`` (as in ``docs/rules.md``); idle is regular minutes (open..close) in which no
    surgery or turnover takes place; utilisation is performed surgical minutes over
    ``close - open``.
    """

    session: str = Field(description="Session id.")
    theatre: str
    date: dt.date
    open: int
    close: int
    overtime_allowed: int = Field(description="Minutes a case may run past close.")
    cases: int = Field(description="Cases planned in the session.")
    case_ids: list[str] = Field(description="Cases in the order they are played.")
    expected_minutes: float = Field(description="Σ expected surgical minutes.")
    sd_minutes: float = Field(description="sqrt(Σ variance) of the surgical minutes.")
    planned_overtime: int = Field(description="Overtime of the plan as written (checker's).")
    p_overtime: float = Field(description="P(last case ends after close).")
    p_beyond_allowed: float = Field(description="P(last case ends after close + overtime).")
    overtime: Percentiles = Field(description="Overtime minutes.")
    end: Percentiles | None = Field(description="End of the last performed case (minutes).")
    idle_mean: float
    utilisation_mean: float
    cancellations_mean: float
    p_cancellation: float = Field(description="P(at least one case cancelled).")


class CaseStats(_Frozen):
    """One scheduled case over the samples."""

    case: str
    session: str
    position: int = Field(description="0-based position in the played order.")
    mean: float = Field(description="Expected minutes used in the simulation.")
    sd: float = Field(description="Standard deviation of the minutes.")
    sigma: float = Field(description="Log-sd of the lognormal.")
    p_cancelled: float
    start_mean: float | None = Field(
        description="Mean start (minutes after midnight) when done; None if always cancelled."
    )


class SurgeonDayStats(_Frozen):
    """A surgeon's operating minutes on one date against the daily maximum."""

    surgeon: str
    date: dt.date
    max_minutes: int | None = Field(description="max_minutes_per_day (None: unknown surgeon).")
    minutes: Percentiles = Field(description="Performed surgical minutes that day.")
    p_overrun: float = Field(description="P(minutes > max_minutes).")
    overrun: Percentiles = Field(description="Minutes above the maximum (0 when below).")


class SimulationSummary(_Frozen):
    """Plan-wide figures; totals are per sample (a sample is one play of the whole plan)."""

    samples: int
    seed: int
    sequencing: Sequencing
    start_rule: StartRule
    cancellation: bool = Field(description="Whether the cancellation rule was applied.")
    sessions: int
    sessions_used: int
    cases_scheduled: int
    planned_overtime: int = Field(description="Σ overtime of the plan as written.")
    overtime: Percentiles = Field(description="Σ overtime minutes over sessions.")
    p_overtime_mean: float = Field(description="Mean over used sessions of P(overtime).")
    p_overtime_max: float = Field(
        default=0.0,
        description="Highest P(overtime) of a used session (the one a robust target binds).",
    )
    p_any_overtime: float = Field(description="P(at least one session runs over).")
    sessions_with_overtime: Percentiles
    p_beyond_allowed_mean: float = Field(description="Mean over used sessions.")
    cancellations: Percentiles
    p_any_cancellation: float
    cases_done: Percentiles
    idle: Percentiles = Field(description="Σ idle minutes over all sessions.")
    utilisation: Percentiles = Field(description="Σ surgical / Σ open minutes, all sessions.")
    surgeon_overrun: Percentiles = Field(description="Σ minutes above surgeons' daily max.")
    p_any_surgeon_overrun: float
    planned_deadline_breaches: int = Field(description="Breaches of the plan as written.")
    deadline_breaches: Percentiles = Field(
        description="Planned breaches + cancelled cases with due ≤ horizon end."
    )


class SimulationResult(_Frozen):
    """Result of :func:`orplan.simulate.simulate`.

    Attributes
    ----------
    overall
        Plan-wide figures.
    sessions
        One entry per scenario session (used or not), by date, theatre, opening time.
    cases
        One entry per scheduled case.
    surgeon_days
        One entry per surgeon and date with a scheduled case.
    overtime_histogram
        Histogram of the total overtime minutes per sample (for plots).
    """

    format: Literal["orplan-simulation/1"] = "orplan-simulation/1"
    overall: SimulationSummary
    sessions: list[SessionStats]
    cases: list[CaseStats]
    surgeon_days: list[SurgeonDayStats]
    overtime_histogram: Histogram

    def to_frame(self) -> pd.DataFrame:
        """Return one row per session with the percentiles flattened (``overtime_p90``, ...).

        Returns
        -------
        pandas.DataFrame
        """
        import pandas as pd

        rows = []
        for s in self.sessions:
            row = s.model_dump(exclude={"overtime", "end", "case_ids"})
            for name, value in s.overtime.model_dump().items():
                row[f"overtime_{name}"] = value
            for name in ("mean", "p50", "p90", "p95"):
                row[f"end_{name}"] = None if s.end is None else getattr(s.end, name)
            rows.append(row)
        return pd.DataFrame(rows)

    def cases_frame(self) -> pd.DataFrame:
        """Return one row per scheduled case (cancellation probability, mean start)."""
        import pandas as pd

        return pd.DataFrame([c.model_dump() for c in self.cases])

    def summary(self) -> dict[str, float]:
        """Return the headline figures as a flat mapping (for tables and JSON).

        Returns
        -------
        dict of str to float
            ``overtime_mean``, ``overtime_p90``, ``overtime_p95``, ``p_overtime_mean``,
            ``p_overtime_max``, ``p_any_overtime``, ``sessions_with_overtime_mean``,
            ``cancellations_mean``, ``cancellations_p90``, ``cases_done_mean``,
            ``cases_scheduled``, ``idle_mean``,
            ``utilisation_mean``, ``surgeon_overrun_mean``, ``p_any_surgeon_overrun``,
            ``deadline_breaches_mean``, ``deadline_breaches_p90``, ``planned_overtime``,
            ``planned_deadline_breaches``.
        """
        o = self.overall
        return {
            "cases_scheduled": float(o.cases_scheduled),
            "planned_overtime": float(o.planned_overtime),
            "overtime_mean": o.overtime.mean,
            "overtime_p50": o.overtime.p50,
            "overtime_p90": o.overtime.p90,
            "overtime_p95": o.overtime.p95,
            "p_overtime_mean": o.p_overtime_mean,
            "p_overtime_max": o.p_overtime_max,
            "p_any_overtime": o.p_any_overtime,
            "sessions_with_overtime_mean": o.sessions_with_overtime.mean,
            "p_beyond_allowed_mean": o.p_beyond_allowed_mean,
            "cancellations_mean": o.cancellations.mean,
            "cancellations_p90": o.cancellations.p90,
            "cases_done_mean": o.cases_done.mean,
            "idle_mean": o.idle.mean,
            "utilisation_mean": o.utilisation.mean,
            "surgeon_overrun_mean": o.surgeon_overrun.mean,
            "p_any_surgeon_overrun": o.p_any_surgeon_overrun,
            "planned_deadline_breaches": float(o.planned_deadline_breaches),
            "deadline_breaches_mean": o.deadline_breaches.mean,
            "deadline_breaches_p90": o.deadline_breaches.p90,
        }
