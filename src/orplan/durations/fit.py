"""Fit a :class:`~orplan.durations.model.DurationModel` to a theatre's history.

Input: a table with one row per operated case and the columns ``procedure``, ``surgeon``
(optional) and ``actual_minutes``. Everything is done on the log scale, where durations are
normal (Strum, May & Vargas 2000).

Per procedure *p* (all surgeons pooled):
    ``mu_p`` = mean and ``sigma_p`` = standard deviation (ddof 1) of ``log(minutes)``. This is
    the marginal distribution, the right one when the surgeon is not known. A procedure with
    a single case gets the default spread :data:`~orplan.durations.lognormal.DEFAULT_SIGMA`.

Per procedure + surgeon *j* with ``n_j`` cases, own log-mean ``m_j`` and log-variance
``s_j**2``, the estimates are shrunk toward the procedure (empirical Bayes, normal-normal
model on the log scale; e.g. Gelman et al., *Bayesian Data Analysis*, ch. 5):

.. math::

    \\hat\\mu_j = \\frac{n_j m_j + k \\mu_p}{n_j + k}, \\qquad
    \\hat\\sigma_j^2 = \\frac{(n_j - 1) s_j^2 + \\nu \\sigma_w^2}{n_j - 1 + \\nu}

``k = sigma_w**2 / tau**2`` is the prior's weight in pseudo-cases: the ratio of the pooled
within-surgeon variance ``sigma_w**2`` to the between-surgeon variance ``tau**2`` of the
surgeons' true log-means. Unless fixed by the caller, ``tau**2`` is estimated by the one-way
random-effects method of moments, ``tau**2 = (MSB - sigma_w**2) / n0`` with ``MSB`` the
between-surgeon mean square and ``n0 = (N - sum n_j**2 / N) / (J - 1)``; ``k`` is clipped to
``[1, 1000]`` (1000 when ``tau**2 <= 0``: surgeons indistinguishable, full pooling). A
surgeon with 3 cases and ``k = 5`` keeps 3/8 of its own deviation from the procedure; one
with 100 cases keeps 95 %. The spread is shrunk the same way toward ``sigma_w`` with a fixed
prior of ``nu`` pseudo-degrees of freedom (default 10): spreads differ less between surgeons
than means do, and a variance from a handful of cases is very noisy.

Fit quality per procedure: the Kolmogorov-Smirnov distance of ``log(minutes)`` to the fitted
normal with its Lilliefors 5 % critical value ``0.886 / sqrt(n)``, and the log-likelihood.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path
from statistics import NormalDist
from typing import NoReturn

import numpy as np
import pandas as pd

from orplan.durations.lognormal import DEFAULT_SIGMA
from orplan.durations.model import DurationModel, FitRow, ProcedureModel, SurgeonParams
from orplan.errors import ScenarioError
from orplan.files import read_text

__all__ = ["K_MAX", "K_MIN", "fit", "fit_table", "read_history"]

K_MIN, K_MAX = 1.0, 1000.0
"""Bounds of the empirical-Bayes prior count ``k``."""

_LOG_2PI = math.log(2.0 * math.pi)
_SIGMA_ZERO = 1e-9
_STD = NormalDist()

METHOD = (
    "lognormal per procedure (mean and sd of log minutes); surgeon log-mean shrunk toward the "
    "procedure: (n*m + k*mu)/(n + k), k = within/between variance (method of moments, "
    "clipped to [1, 1000]) unless fixed; surgeon log-variance shrunk toward the pooled "
    "within-surgeon variance with nu pseudo-degrees of freedom"
)


def _ks_distance(z: np.ndarray) -> float:
    """KS distance between standardised values ``z`` and the standard normal."""
    z = np.sort(z)
    n = z.size
    cdf = np.array([_STD.cdf(float(v)) for v in z])
    upper = np.arange(1, n + 1) / n - cdf
    lower = cdf - np.arange(0, n) / n
    return float(max(upper.max(), lower.max()))


def _estimate_k(groups: list[np.ndarray], within_var: float) -> float:
    """Method-of-moments ``k = sigma_w**2 / tau**2`` for one procedure's surgeon groups."""
    sizes = np.array([g.size for g in groups], dtype=float)
    n_total, n_groups = sizes.sum(), len(groups)
    if n_groups < 2 or within_var <= 0:
        return K_MAX
    means = np.array([g.mean() for g in groups])
    grand = float((sizes * means).sum() / n_total)
    msb = float((sizes * (means - grand) ** 2).sum() / (n_groups - 1))
    n0 = (n_total - float((sizes**2).sum()) / n_total) / (n_groups - 1)
    tau2 = (msb - within_var) / n0 if n0 > 0 else 0.0
    if tau2 <= 0:
        return K_MAX
    return float(min(K_MAX, max(K_MIN, within_var / tau2)))


def fit(
    history: pd.DataFrame,
    *,
    prior_count: float | None = None,
    variance_prior_count: float = 10.0,
) -> DurationModel:
    """Fit lognormal duration parameters per procedure and per procedure + surgeon.

    Parameters
    ----------
    history
        One row per case with columns ``procedure``, ``actual_minutes`` and optionally
        ``surgeon``. Rows with a missing procedure or missing / non-positive minutes are
        dropped (counted in ``rows_dropped``).
    prior_count
        Fixed prior weight ``k`` (pseudo-cases) for shrinking surgeon means; None estimates
        it per procedure (empirical Bayes, see the module docstring).
    variance_prior_count
        Pseudo-degrees of freedom ``nu`` for shrinking surgeon spreads.

    Returns
    -------
    DurationModel
        Parameters and the fit-quality report (``model.fit``).

    Raises
    ------
    ValueError
        A required column is missing, or no usable row is left.
    """
    missing = [c for c in ("procedure", "actual_minutes") if c not in history.columns]
    if missing:
        raise ValueError(f"history lacks column(s) {', '.join(missing)}")
    if prior_count is not None and prior_count <= 0:
        raise ValueError("prior_count must be > 0")
    frame = pd.DataFrame(
        {
            "procedure": history["procedure"],
            "surgeon": history["surgeon"] if "surgeon" in history.columns else None,
            "minutes": pd.to_numeric(history["actual_minutes"], errors="coerce"),
        }
    )
    ok = frame["procedure"].notna() & np.isfinite(frame["minutes"]) & (frame["minutes"] > 0)
    frame = frame.loc[ok].copy()
    if frame.empty:
        raise ValueError("history has no row with a procedure and positive actual_minutes")
    frame["procedure"] = frame["procedure"].astype(str).str.strip()
    frame["log"] = np.log(frame["minutes"].to_numpy(dtype=float))

    procedures: dict[str, ProcedureModel] = {}
    rows: list[FitRow] = []
    for name, group in sorted(frame.groupby("procedure", sort=False), key=lambda t: str(t[0])):
        x = group["log"].to_numpy(dtype=float)
        n = x.size
        mu = float(x.mean())
        sigma = float(x.std(ddof=1)) if n >= 2 else DEFAULT_SIGMA
        if sigma < _SIGMA_ZERO:
            sigma = 0.0  # all cases equally long (rounding noise of the log)
        by_surgeon = [
            (str(s), g["log"].to_numpy(dtype=float))
            for s, g in group.dropna(subset=["surgeon"]).groupby("surgeon", sort=True)
        ]
        dof = sum(g.size - 1 for _, g in by_surgeon)
        within_var = (
            sum(float(((g - g.mean()) ** 2).sum()) for _, g in by_surgeon) / dof
            if dof > 0
            else sigma * sigma
        )
        k = (
            float(prior_count)
            if prior_count is not None
            else _estimate_k([g for _, g in by_surgeon], within_var)
        )
        surgeons: dict[str, SurgeonParams] = {}
        for surgeon, g in by_surgeon:
            nj = g.size
            own = float(g.mean())
            own_var = float(g.var(ddof=1)) if nj >= 2 else None
            var = ((nj - 1) * (own_var or 0.0) + variance_prior_count * within_var) / (
                nj - 1 + variance_prior_count
            )
            surgeons[surgeon] = SurgeonParams(
                mu=(nj * own + k * mu) / (nj + k),
                sigma=math.sqrt(var),
                n=nj,
                mu_raw=own,
                sigma_raw=None if own_var is None else math.sqrt(own_var),
                weight=nj / (nj + k),
            )
        procedures[str(name)] = ProcedureModel(
            mu=mu,
            sigma=sigma,
            n=n,
            within_sigma=math.sqrt(within_var),
            prior_count=k,
            surgeons=surgeons,
        )
        ks = loglik = None
        if n >= 2 and sigma > 0:
            z = (x - mu) / sigma
            loglik = float(-(x.sum() + n * math.log(sigma) + 0.5 * n * _LOG_2PI) - 0.5 * (z @ z))
            if n >= 5:
                ks = _ks_distance(z)
        mean = math.exp(mu + sigma * sigma / 2)
        rows.append(
            FitRow(
                procedure=str(name),
                n=n,
                mu=mu,
                sigma=sigma,
                median=math.exp(mu),
                mean=mean,
                sd=mean * math.sqrt(math.expm1(sigma * sigma)),
                ks=ks,
                ks_crit=0.886 / math.sqrt(n) if ks is not None else None,
                loglik=loglik,
                surgeons=len(surgeons),
                prior_count=k,
            )
        )
    return DurationModel(
        method=METHOD,
        variance_prior_count=variance_prior_count,
        rows_used=len(frame),
        rows_dropped=int((~ok).sum()),
        procedures=procedures,
        fit=rows,
    )


def fit_table(model: DurationModel, *, surgeons: bool = False) -> pd.DataFrame:
    """Return the fit report as a table, one row per procedure (and surgeon).

    Parameters
    ----------
    model
        A fitted model.
    surgeons
        Add one row per procedure + surgeon (raw and shrunk log-means, weight).

    Returns
    -------
    pandas.DataFrame
        Columns ``procedure, surgeon, n, median, mean, sd, mu, sigma, ks, ks_crit, loglik,
        k`` (procedure rows) and ``mu_raw, weight`` (surgeon rows).
    """
    records: list[dict[str, object]] = []
    for row in model.fit:
        records.append(
            {
                "procedure": row.procedure,
                "surgeon": "",
                "n": row.n,
                "median": row.median,
                "mean": row.mean,
                "sd": row.sd,
                "mu": row.mu,
                "sigma": row.sigma,
                "ks": row.ks,
                "ks_crit": row.ks_crit,
                "loglik": row.loglik,
                "k": row.prior_count,
            }
        )
        if surgeons:
            for sid, p in model.procedures[row.procedure].surgeons.items():
                records.append(
                    {
                        "procedure": row.procedure,
                        "surgeon": sid,
                        "n": p.n,
                        "median": p.median,
                        "mean": p.mean,
                        "sd": p.sd,
                        "mu": p.mu,
                        "sigma": p.sigma,
                        "mu_raw": p.mu_raw,
                        "weight": p.weight,
                    }
                )
    return pd.DataFrame.from_records(records)


def _parse_times(column: pd.Series) -> pd.Series:
    try:
        return pd.to_datetime(column, format="%m/%d/%y %H:%M")
    except (ValueError, TypeError):
        return pd.to_datetime(column, format="mixed")


def read_history(
    path: str | Path,
    *,
    procedure: str = "procedure",
    surgeon: str | None = "surgeon",
    minutes: str = "actual_minutes",
    start: str | None = None,
    end: str | None = None,
) -> pd.DataFrame:
    """Read a history CSV into the columns :func:`fit` expects.

    Parameters
    ----------
    path
        CSV file, one row per operated case.
    procedure, surgeon, minutes
        Column names of the procedure, the surgeon (None or absent: no surgeon level) and
        the actual minutes.
    start, end
        Alternatively, columns of start and end timestamps: minutes = end - start (used when
        both are given).

    Returns
    -------
    pandas.DataFrame
        Columns ``procedure``, ``surgeon`` (may be all missing) and ``actual_minutes``.

    Raises
    ------
    orplan.errors.ScenarioError
        Unreadable file or missing column.
    """
    path = Path(path)
    text = read_text(path)  # one-line errors for a missing, empty or non-UTF-8 file
    try:
        raw = pd.read_csv(io.StringIO(text))
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ScenarioError(str(path), [f"cannot read CSV ({exc})"]) from None
    needed: Sequence[str] = (
        [procedure, start, end] if start is not None and end is not None else [procedure, minutes]
    )
    missing = [c for c in needed if c not in raw.columns]
    if missing:
        _missing(path, missing, raw)
    out = pd.DataFrame({"procedure": raw[procedure]})
    out["surgeon"] = raw[surgeon] if surgeon is not None and surgeon in raw.columns else None
    if start is not None and end is not None:
        try:
            delta = _parse_times(raw[end]) - _parse_times(raw[start])
        except (ValueError, TypeError) as exc:
            raise ScenarioError(str(path), [f"{start}/{end}: cannot parse times ({exc})"]) from None
        out["actual_minutes"] = delta.dt.total_seconds() / 60.0
    else:
        out["actual_minutes"] = pd.to_numeric(raw[minutes], errors="coerce")
    return out


def _missing(path: Path, missing: list[str], raw: pd.DataFrame) -> NoReturn:
    have = ", ".join(map(str, raw.columns))
    raise ScenarioError(str(path), [f"missing column {c!r} (columns: {have})" for c in missing])
