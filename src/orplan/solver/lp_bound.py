r"""A second lower bound: the LP relaxation of the assignment MIP, solved by HiGHS.

The assignment MIP of :mod:`orplan.baselines.mip` is a relaxation of the plan (no start
times, only sums per session, surgeon-day and resource-day, each cost term at or below the
true one), so its optimum is a lower bound of every plan's cost. Dropping integrality keeps
that true: the LP optimum :math:`z_{LP}` is a lower bound too. Costs are integers, so

.. math:: \text{cost}^* \ge \lceil z_{LP} - \varepsilon \rceil

with :math:`\varepsilon` the LP's feasibility tolerance. Measured on pilot-week-s1 (issue
17): the LP gives 34.2k in 0.6 s where CP-SAT's own bound reaches 30.1k after 31 s.

HiGHS runs in a child process (:mod:`orplan.baselines.highs_worker` says why), started
before the CP-SAT search so the two overlap; :meth:`LpBound.collect` waits for it within a
time budget and says why when there is no bound.
"""

from __future__ import annotations

import math
import pickle
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orplan.scenario.model import Scenario
from orplan.solver.options import CaseOptions

__all__ = [
    "LP_MAX_OPTIONS", "LpBound", "LpOutcome", "lp_skipped", "mip_dual_bound",
    "start_lp_and_mip_bounds", "start_lp_bound",
]  # fmt: skip

#: Above this many (case, session) options the LP is skipped: building the MIP's arrays in
#: Python alone would take longer than a typical solve is asked to take.
LP_MAX_OPTIONS = 150_000


@dataclass(frozen=True)
class LpOutcome:
    """A finished LP bound: the bound (None when there is none) and why not."""

    bound: float | None
    note: str | None
    seconds: float
    #: Case index -> session indices with a positive LP value (the LP's candidate pairs).
    candidates: dict[int, set[int]] | None = None
    #: LP value of each (case index, session index) pair with a positive value.
    weights: dict[tuple[int, int], float] | None = None


class LpBound:
    """A running HiGHS LP in a child process.

    Parameters
    ----------
    data
        The LP as arrays (:func:`orplan.baselines.highs_worker.solve_arrays`).
    time_limit
        Seconds HiGHS may spend.
    pairs
        Column of each (case index, session index) assignment variable.
    dual
        Report the MIP's proven dual bound, not an LP optimum.
    name
        What the notes call the model (default ``"MIP"`` or ``"LP"``).
    """

    def __init__(
        self,
        data: dict[str, Any],
        time_limit: float,
        pairs: dict[tuple[int, int], int],
        dual: bool = False,
        name: str | None = None,
    ) -> None:
        from orplan.baselines import highs_worker

        self._pairs = pairs
        self._dual = dual
        self._name = name or ("MIP" if dual else "LP")  # what the notes call it
        self._began = time.perf_counter()
        self._time_limit = time_limit
        self._outcome: LpOutcome | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="orplan-lp-")
        tmp = Path(self._tmp.name)
        self._source, self._target = tmp / "model.pkl", tmp / "result.pkl"
        options: dict[str, Any] = {"time_limit": float(time_limit), "threads": 1}
        if dual:
            options["mip_rel_gap"] = 0.0  # the bound, not a plan, is what is asked for
        data = {**data, "options": options}
        # Numbers only (costs, bounds, the sparse matrix): no scenario text crosses over.
        self._source.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        self._process = subprocess.Popen(
            [sys.executable, str(Path(highs_worker.__file__).resolve()), str(self._source),
             str(self._target)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip

    def ready(self, wait: float) -> LpOutcome | None:
        """The outcome if HiGHS finishes within ``wait`` seconds, else None; unlike
        :meth:`collect` it never stops the child, so the bound can still be collected."""
        if self._outcome is not None:
            return self._outcome
        try:
            self._process.wait(timeout=max(0.0, wait))
        except subprocess.TimeoutExpired:
            return None
        return self.collect(0.0)

    def cancel(self, note: str) -> LpOutcome:
        """Stop the child process (if still running) and return ``note`` as the reason."""
        if self._outcome is not None:
            return self._outcome  # already collected or stopped: its outcome stands
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._close()
        self._outcome = LpOutcome(None, note, time.perf_counter() - self._began)
        return self._outcome

    def collect(self, wait: float) -> LpOutcome:
        """Wait at most ``wait`` seconds for the LP and return its bound or why there is none.

        Parameters
        ----------
        wait
            Seconds to wait from now.

        Returns
        -------
        LpOutcome
            The same outcome on every later call.
        """
        if self._outcome is None:
            self._outcome = self._collect(wait)
        return self._outcome

    def _collect(self, wait: float) -> LpOutcome:
        try:
            self._process.wait(timeout=max(0.0, wait))
        except subprocess.TimeoutExpired:
            return self.cancel(f"{self._name} not solved in {self.elapsed():.0f} s (stopped)")
        error = self._process.stderr.read().decode(errors="replace") if self._process.stderr else ""
        if self._process.returncode != 0 or not self._target.exists():
            self._close()
            note = f"{self._name} worker failed: {error.strip()[-200:]}"
            return LpOutcome(None, note, self.elapsed())
        solved = pickle.loads(self._target.read_bytes())
        self._close()
        if self._dual:
            return self._dual_outcome(solved)
        status = str(solved["status"])
        value = solved["objective"]
        if status != "Optimal" or value is None or not math.isfinite(value):
            note = f"{self._name} ended without an optimum ({status})"
            return LpOutcome(None, note, self.elapsed())
        # The LP value may sit a tolerance above the true LP optimum; costs are integers.
        bound = float(math.ceil(value - 1e-6 * max(1.0, abs(value))))
        candidates: dict[int, set[int]] = {}
        weights: dict[tuple[int, int], float] = {}
        values = solved["values"]
        if values is not None:
            for (ci, si), col in self._pairs.items():
                if values[col] > 1e-6:
                    candidates.setdefault(ci, set()).add(si)
                    weights[(ci, si)] = float(values[col])
        return LpOutcome(bound, None, self.elapsed(), candidates, weights)

    def _dual_outcome(self, solved: dict[str, Any]) -> LpOutcome:
        """The MIP's proven dual bound (valid at any stop, time limit included)."""
        bound = mip_dual_bound(solved)
        if bound is None:
            note = f"MIP ended without a dual bound ({solved['status']})"
            return LpOutcome(None, note, self.elapsed())
        return LpOutcome(bound, None, self.elapsed())

    def elapsed(self) -> float:
        """Seconds since the LP was started."""
        return time.perf_counter() - self._began

    def _close(self) -> None:
        if self._process.stderr is not None:
            self._process.stderr.close()
        self._tmp.cleanup()


def mip_dual_bound(
    solved: dict[str, Any], abs_gap: float = 1e-6, rel_gap: float = 0.0
) -> float | None:
    """HiGHS's proven dual bound of a MIP run (valid at any stop, time limit included).

    Parameters
    ----------
    solved
        What :func:`orplan.baselines.highs_worker.run_highs` returned for the MIP.
    abs_gap, rel_gap
        The run's ``mip_abs_gap`` and ``mip_rel_gap``: HiGHS calls a run *Optimal* when its
        incumbent is within them of the optimum, so the optimum is at least the incumbent
        less that gap. That stands in for the dual bound HiGHS reports when presolve alone
        solved the model (then it reports 0 or nothing).

    Returns
    -------
    float or None
        The bound rounded up to an integer (costs are integers; less a tolerance), None
        when HiGHS proved none.
    """
    status = str(solved["status"])
    value = float(solved["bound"])
    if not math.isfinite(value) or abs(value) >= 1e30:
        value = -math.inf
    if status == "Optimal" and solved["objective"] is not None:
        objective = float(solved["objective"])
        value = max(value, objective - max(abs_gap, rel_gap * abs(objective)))
    if not math.isfinite(value):
        return None
    return float(math.ceil(value - 1e-6 * max(1.0, abs(value))))


def lp_skipped(options: int, name: str = "LP") -> LpOutcome | None:
    """The outcome of an LP skipped for size (known before anything is built), else None.

    Parameters
    ----------
    options
        Number of (case, session) options of the CP-SAT model.
    name
        What the note calls the model (``"LP"`` or ``"MIP"``).
    """
    if options > LP_MAX_OPTIONS:
        note = f"{name} skipped: {options:,} options (limit {LP_MAX_OPTIONS:,})"
        return LpOutcome(None, note, 0.0)
    return None


def start_lp_bound(
    scenario: Scenario, case_options: list[CaseOptions], time_limit: float, *, integer: bool = False
) -> LpBound | LpOutcome:
    """Build the LP relaxation of ``scenario``'s assignment MIP and start HiGHS on it.

    The MIP is built over the CP-SAT model's own options, already computed for the search:
    the same (case, session, surgeon) choices as the model and the unavoidable cost, rather
    than the baselines' looser eligibility (a surgeon's whole day, not their slots), which
    gives a weaker bound.

    Parameters
    ----------
    scenario
        A validated scenario.
    case_options
        The eligible options of every case (:func:`orplan.solver.options.build_options`).
    time_limit
        Seconds HiGHS may spend.
    integer
        Keep the integrality and report HiGHS's proven dual bound of the MIP instead of the
        LP optimum: a stronger bound (branch and bound, HiGHS's cuts) for the cost of a
        core beside the search. Its outcome has no candidate pairs.

    Returns
    -------
    LpBound or LpOutcome
        The running LP, or an outcome with the reason it was skipped.
    """
    lp, mip = start_lp_and_mip_bounds(
        scenario, case_options, None if integer else time_limit, time_limit if integer else None
    )
    started = mip if integer else lp
    assert started is not None  # a time was given for it
    return started


def start_lp_and_mip_bounds(
    scenario: Scenario,
    case_options: list[CaseOptions],
    lp_time: float | None,
    mip_time: float | None,
) -> tuple[LpBound | LpOutcome | None, LpBound | LpOutcome | None]:
    """Build the assignment MIP once and start HiGHS on its LP and/or on the MIP itself.

    Parameters
    ----------
    scenario, case_options
        As for :func:`start_lp_bound`.
    lp_time, mip_time
        Seconds for the LP and for the MIP's dual bound; None starts no such child.

    Returns
    -------
    tuple
        The LP and the MIP bound as :func:`start_lp_bound` returns each (None where not
        asked for).
    """
    from orplan.baselines.mip import build_mip

    def asked(lp: LpOutcome | None, mip: LpOutcome | None) -> tuple[Any, Any]:
        return (lp if lp_time is not None else None), (mip if mip_time is not None else None)

    if lp_time is None and mip_time is None:
        return None, None
    size = sum(len(entry.options) for entry in case_options)
    if size > LP_MAX_OPTIONS:
        return asked(lp_skipped(size, "LP"), lp_skipped(size, "MIP"))
    eligible = [
        [(o.session, [g.surgeon for g in o.surgeons]) for o in entry.options]
        for entry in case_options
    ]
    mip = build_mip(scenario, eligible)
    if not mip.lp.cost:
        # Nothing to decide (HiGHS calls such a model "Empty"): the constant is the bound.
        empty = LpOutcome(float(math.ceil(mip.lp.offset)), None, 0.0, {}, {})
        return asked(empty, empty)
    data = mip.lp.to_arrays()
    lp = mip_bound = None
    if lp_time is not None:
        relaxed = {**data, "integer": [False] * len(mip.lp.cost)}  # the relaxation
        lp = LpBound(relaxed, lp_time, mip.x)
    if mip_time is not None:
        mip_bound = LpBound(data, mip_time, mip.x, dual=True)
    return lp, mip_bound
