"""The duration model: lognormal parameters per procedure and per procedure + surgeon.

A :class:`DurationModel` is what :func:`orplan.durations.fit` learns from a theatre's history
and what simulation and robust planning read. It is plain data (pydantic) and is saved as
JSON, never pickled: a model file can be read, diffed and reviewed like a scenario.

Shrinkage (how thin surgeon data is handled) is described in :mod:`orplan.durations.fit`;
the model stores both the shrunk parameters used for prediction and, for review, the raw
surgeon estimates and their weights.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orplan.durations.lognormal import mean_sd_from_mu_sigma
from orplan.errors import ScenarioError
from orplan.files import read_text

__all__ = ["DurationModel", "FitRow", "LognormalParams", "ProcedureModel"]


class LognormalParams(BaseModel):
    """Lognormal duration parameters: ``log(minutes) ~ N(mu, sigma**2)``.

    Attributes
    ----------
    mu
        Mean of ``log(minutes)``.
    sigma
        Standard deviation of ``log(minutes)``.
    n
        Number of historical cases the estimate rests on.
    """

    model_config = ConfigDict(extra="forbid")

    mu: float = Field(description="Mean of log(minutes).")
    sigma: float = Field(ge=0, description="Standard deviation of log(minutes).")
    n: int = Field(ge=0, description="Historical cases behind the estimate.")

    @property
    def mean(self) -> float:
        """Expected minutes ``exp(mu + sigma**2 / 2)``."""
        return mean_sd_from_mu_sigma(self.mu, self.sigma)[0]

    @property
    def sd(self) -> float:
        """Standard deviation in minutes."""
        return mean_sd_from_mu_sigma(self.mu, self.sigma)[1]

    @property
    def median(self) -> float:
        """Median minutes ``exp(mu)``."""
        return math.exp(self.mu)


class SurgeonParams(LognormalParams):
    """A surgeon's shrunk parameters for one procedure, with the raw estimate.

    Attributes
    ----------
    mu_raw
        The surgeon's own mean of ``log(minutes)`` before shrinkage.
    sigma_raw
        The surgeon's own log-sd (None with fewer than 2 cases).
    weight
        Weight of the surgeon's own mean, ``n / (n + k)``; ``1 - weight`` goes to the
        procedure's mean.
    """

    mu_raw: float = Field(description="Surgeon's own mean of log(minutes).")
    sigma_raw: float | None = Field(default=None, description="Surgeon's own log-sd.")
    weight: float = Field(ge=0, le=1, description="n / (n + k): weight of the own mean.")


class ProcedureModel(LognormalParams):
    """Parameters of one procedure and of its surgeons.

    Attributes
    ----------
    within_sigma
        Pooled within-surgeon log-sd (the prior spread for a surgeon's own sigma).
    prior_count
        ``k``: the prior's weight in pseudo-cases when a surgeon's mean is shrunk.
    surgeons
        Surgeon id -> shrunk parameters.
    """

    within_sigma: float = Field(ge=0, description="Pooled within-surgeon log-sd.")
    prior_count: float = Field(gt=0, description="k, prior weight in pseudo-cases.")
    surgeons: dict[str, SurgeonParams] = Field(default_factory=dict)


class FitRow(BaseModel):
    """Fit quality of one procedure: how well a lognormal describes its history.

    Attributes
    ----------
    procedure
        Procedure name (as in the history).
    n
        Cases.
    mu, sigma
        Fitted parameters of ``log(minutes)`` (all surgeons pooled).
    median, mean, sd
        The same in minutes.
    ks
        Kolmogorov-Smirnov distance between the empirical distribution of ``log(minutes)``
        and ``N(mu, sigma)`` (None with fewer than 5 cases).
    ks_crit
        Lilliefors 5 % critical value ``0.886 / sqrt(n)`` (parameters estimated from the same
        data): ``ks > ks_crit`` suggests the lognormal does not fit.
    loglik
        Log-likelihood of the cases (minutes) under the fitted lognormal.
    surgeons
        Surgeons with cases of the procedure.
    prior_count
        ``k`` used to shrink the surgeons' means.
    """

    model_config = ConfigDict(extra="forbid")

    procedure: str
    n: int
    mu: float
    sigma: float
    median: float
    mean: float
    sd: float
    ks: float | None
    ks_crit: float | None
    loglik: float | None
    surgeons: int
    prior_count: float


class DurationModel(BaseModel):
    """Lognormal duration parameters per procedure and per procedure + surgeon.

    Attributes
    ----------
    format
        File format identifier.
    method
        How the parameters were estimated (text for people).
    variance_prior_count
        Pseudo-degrees of freedom of the pooled within-surgeon variance when a surgeon's
        own sigma is shrunk.
    rows_used, rows_dropped
        History rows used, and dropped (missing or non-positive minutes, missing procedure).
    procedures
        Procedure name -> parameters.
    fit
        Fit quality per procedure (see :class:`FitRow`).

    Examples
    --------
    >>> model = DurationModel(procedures={"Hip": ProcedureModel(
    ...     mu=4.5, sigma=0.25, n=40, within_sigma=0.22, prior_count=5.0)})
    >>> model.params("Hip").mu
    4.5
    """

    model_config = ConfigDict(extra="forbid")

    format: Literal["orplan-durations/1"] = "orplan-durations/1"
    method: str = Field(default="", description="Estimation method, for people.")
    variance_prior_count: float = Field(default=10.0, gt=0)
    rows_used: int = Field(default=0, ge=0)
    rows_dropped: int = Field(default=0, ge=0)
    procedures: dict[str, ProcedureModel] = Field(default_factory=dict)
    fit: list[FitRow] = Field(default_factory=list)

    def params(self, procedure: str, surgeon: str | None = None) -> LognormalParams | None:
        """Return the parameters for ``procedure`` (and ``surgeon`` when the model has them).

        Parameters
        ----------
        procedure
            Procedure name or code, as in the history the model was fitted on.
        surgeon
            Surgeon id; None or a surgeon without history gives the procedure's parameters.

        Returns
        -------
        LognormalParams or None
            None when the procedure is unknown.
        """
        proc = self.procedures.get(procedure)
        if proc is None:
            return None
        if surgeon is not None and surgeon in proc.surgeons:
            return proc.surgeons[surgeon]
        return proc

    def lookup(self, keys: list[str | None], surgeon: str | None = None) -> LognormalParams | None:
        """Return the parameters of the first of ``keys`` the model knows.

        Parameters
        ----------
        keys
            Candidate procedure keys in order of preference, e.g. the case's procedure name
            and its NCSP code; None entries are skipped.
        surgeon
            Surgeon id (optional).

        Returns
        -------
        LognormalParams or None
        """
        for key in keys:
            if key is not None:
                found = self.params(key, surgeon)
                if found is not None:
                    return found
        return None

    def to_json(self) -> str:
        """Return the model as indented JSON text."""
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"

    def save(self, path: str | Path) -> None:
        """Write the model to ``path`` as JSON.

        Parameters
        ----------
        path
            Output file (folders are created).
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(self.to_json(), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: str | Path) -> DurationModel:
        """Read a model written by :meth:`save`.

        Parameters
        ----------
        path
            Model JSON file.

        Returns
        -------
        DurationModel

        Raises
        ------
        orplan.errors.ScenarioError
            The file is missing, not JSON or not a duration model.
        """
        path = Path(path)
        try:
            data = json.loads(read_text(path))
        except json.JSONDecodeError as exc:
            raise ScenarioError(
                str(path), [f"JSON syntax error at line {exc.lineno}, column {exc.colno}"]
            ) from None
        except RecursionError:
            raise ScenarioError(str(path), ["JSON nested too deeply"]) from None
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = [
                f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
                for err in exc.errors()
            ]
            raise ScenarioError(str(path), problems) from None
