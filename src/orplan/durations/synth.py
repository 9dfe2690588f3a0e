"""Synthetic theatre history from known lognormal parameters (for tests and examples).

``python -m orplan.durations.synth --seed 1 --out data/history/synthetic-history.csv``
writes one row per operated case: ``case, date, procedure, surgeon, booked_minutes,
actual_minutes``. The generating parameters are :data:`TRUTH`: per procedure a median
minutes and a within-surgeon log-sd, and per procedure + surgeon a log-scale speed effect
and a number of cases. Some surgeons have only 2-5 cases, so fitting exercises shrinkage.

``actual_minutes = round(exp(log(median) + effect + sigma * Z))`` with ``Z ~ N(0, 1)``,
at least 1; ``booked_minutes`` is the procedure's mean rounded to 5 minutes (what a planner
would book without knowing the surgeon). Dates are uniform over the 2026 weekdays. All
numbers are invented; no real patient or hospital data is involved.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["TRUTH", "Truth", "generate_history", "main", "true_procedure_params"]


@dataclass(frozen=True)
class Truth:
    """Generating parameters of one procedure + surgeon.

    Attributes
    ----------
    procedure
        Procedure name.
    median
        Procedure median minutes (surgeon effect 0).
    sigma
        Within-surgeon log-sd.
    surgeon
        Surgeon id.
    effect
        Surgeon's log-scale speed effect (+0.1 = about 10 % slower).
    n
        Cases generated.
    """

    procedure: str
    median: float
    sigma: float
    surgeon: str
    effect: float
    n: int

    @property
    def mu(self) -> float:
        """True mean of log(minutes) for this surgeon."""
        return math.log(self.median) + self.effect


_PROCEDURES = {
    # name: (median minutes, within-surgeon log-sd) - invented, plausible values
    "Total hip replacement": (90.0, 0.22),
    "Knee arthroscopy": (35.0, 0.35),
    "Laparoscopic cholecystectomy": (55.0, 0.30),
    "Inguinal hernia repair": (50.0, 0.28),
    "Laparoscopic hysterectomy": (115.0, 0.30),
    "Transurethral resection of bladder tumour": (35.0, 0.40),
}

_SURGEONS = (
    # procedure, surgeon, log effect, cases
    ("Total hip replacement", "S-ORT-1", 0.10, 120),
    ("Total hip replacement", "S-ORT-2", -0.08, 90),
    ("Total hip replacement", "S-ORT-3", 0.00, 60),
    ("Total hip replacement", "S-ORT-4", 0.30, 4),
    ("Knee arthroscopy", "S-ORT-1", 0.05, 80),
    ("Knee arthroscopy", "S-ORT-2", -0.15, 110),
    ("Knee arthroscopy", "S-ORT-3", 0.10, 50),
    ("Knee arthroscopy", "S-ORT-4", -0.30, 3),
    ("Laparoscopic cholecystectomy", "S-GAS-1", 0.00, 130),
    ("Laparoscopic cholecystectomy", "S-GAS-2", 0.12, 70),
    ("Laparoscopic cholecystectomy", "S-GAS-3", -0.25, 5),
    ("Inguinal hernia repair", "S-GAS-1", -0.05, 90),
    ("Inguinal hernia repair", "S-GAS-2", 0.08, 60),
    ("Inguinal hernia repair", "S-GAS-3", 0.30, 2),
    ("Laparoscopic hysterectomy", "S-GYN-1", 0.05, 70),
    ("Laparoscopic hysterectomy", "S-GYN-2", -0.10, 60),
    ("Laparoscopic hysterectomy", "S-GYN-3", 0.35, 3),
    ("Transurethral resection of bladder tumour", "S-URO-1", 0.00, 100),
    ("Transurethral resection of bladder tumour", "S-URO-2", 0.15, 60),
    ("Transurethral resection of bladder tumour", "S-URO-3", -0.20, 4),
)

TRUTH: tuple[Truth, ...] = tuple(
    Truth(p, *_PROCEDURES[p], s, effect, n) for p, s, effect, n in _SURGEONS
)
"""The generating parameters, one entry per procedure + surgeon."""

COLUMNS = ["case", "date", "procedure", "surgeon", "booked_minutes", "actual_minutes"]


def true_procedure_params(procedure: str) -> tuple[float, float]:
    """Return the true marginal ``(mu, sigma)`` of ``log(minutes)`` for a procedure.

    The marginal over surgeons, weighted by their case counts: ``mu`` is the case-weighted
    mean of the surgeons' log-means, ``sigma**2`` the within-surgeon variance plus the
    case-weighted variance of the surgeon effects.

    Parameters
    ----------
    procedure
        A procedure of :data:`TRUTH`.

    Returns
    -------
    tuple of float
    """
    rows = [t for t in TRUTH if t.procedure == procedure]
    if not rows:
        raise KeyError(procedure)
    total = sum(t.n for t in rows)
    mu = sum(t.n * t.mu for t in rows) / total
    between = sum(t.n * (t.mu - mu) ** 2 for t in rows) / total
    return mu, math.sqrt(rows[0].sigma ** 2 + between)


def generate_history(seed: int = 1) -> pd.DataFrame:
    """Generate the synthetic history.

    Parameters
    ----------
    seed
        Random seed; the same seed always gives the same table.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, sorted by date then procedure and surgeon.
    """
    rng = np.random.default_rng(seed)
    start = dt.date(2026, 1, 1)
    weekdays = [
        start + dt.timedelta(days=d)
        for d in range(365)
        if (start + dt.timedelta(days=d)).weekday() < 5
    ]
    parts = []
    for t in TRUTH:
        z = rng.standard_normal(t.n)
        minutes = np.maximum(1, np.rint(np.exp(t.mu + t.sigma * z))).astype(int)
        days = rng.integers(0, len(weekdays), size=t.n)
        booked = 5 * round(t.median * math.exp(t.sigma**2 / 2) / 5)
        parts.append(
            pd.DataFrame(
                {
                    "date": [weekdays[int(d)].isoformat() for d in days],
                    "procedure": t.procedure,
                    "surgeon": t.surgeon,
                    "booked_minutes": booked,
                    "actual_minutes": minutes,
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.sort_values(["date", "procedure", "surgeon"], kind="stable", ignore_index=True)
    frame.insert(0, "case", [f"H{i:05d}" for i in range(1, len(frame) + 1)])
    return frame[COLUMNS]


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m orplan.durations.synth --seed 1 --out FILE.csv``."""
    parser = argparse.ArgumentParser(
        prog="python -m orplan.durations.synth",
        description="Write a synthetic theatre history (procedure, surgeon, actual minutes) "
        "generated from known lognormal parameters.",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="output CSV file")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    frame = generate_history(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out, index=False, lineterminator="\n")
    print(
        f"wrote {args.out}: {len(frame)} cases, {frame['procedure'].nunique()} procedures, "
        f"{frame['surgeon'].nunique()} surgeons"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
