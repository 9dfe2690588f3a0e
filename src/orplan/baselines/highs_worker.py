"""Run HiGHS (``highspy``) on a MIP in a separate, fresh Python process.

OR-Tools 9.15 ships its own copy of HiGHS inside ``libortools.so`` and exports its symbols;
``highspy`` 1.15.1 links against the same symbol names. Whichever of the two is loaded
first breaks the other in that process (``ImportError: undefined symbol ...Highs...``). So
the MIP baseline never imports ``highspy`` itself: :func:`run_highs` starts this file as a
script (it imports only ``numpy`` and ``highspy``, not ``orplan``), passes the model as a
pickle and reads the result back the same way.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["run_highs", "solve_arrays"]


def solve_arrays(data: dict[str, Any]) -> dict[str, Any]:
    """Solve a MIP given as arrays with HiGHS (runs in the worker process).

    Parameters
    ----------
    data
        ``cost``, ``lower``, ``upper``, ``integer`` (column arrays), ``row_lower``,
        ``row_upper``, ``starts``, ``index``, ``value`` (row-wise matrix), ``offset`` and
        ``options`` (HiGHS option name -> value). Optional ``start``: a MIP start as
        ``(columns, values)``, e.g. the integer columns of a known plan; HiGHS completes
        the columns left out (it fixes the given ones and solves what remains).

    Returns
    -------
    dict
        ``status`` (HiGHS model status text), ``bound`` (dual bound), ``objective`` and
        ``values`` (None without a feasible solution), ``events``: ``(epoch seconds,
        objective, bound)`` of each improving solution.
    """
    import highspy
    import numpy as np

    lp = highspy.HighsLp()
    lp.num_col_ = len(data["cost"])
    lp.num_row_ = len(data["row_lower"])
    lp.col_cost_ = np.asarray(data["cost"], dtype=float)
    lp.col_lower_ = np.asarray(data["lower"], dtype=float)
    lp.col_upper_ = np.asarray(data["upper"], dtype=float)
    lp.row_lower_ = np.asarray(data["row_lower"], dtype=float)
    lp.row_upper_ = np.asarray(data["row_upper"], dtype=float)
    lp.offset_ = float(data["offset"])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = lp.num_col_
    lp.a_matrix_.num_row_ = lp.num_row_
    lp.a_matrix_.start_ = np.asarray(data["starts"], dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(data["index"], dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(data["value"], dtype=float)
    kinds = highspy.HighsVarType
    lp.integrality_ = [kinds.kInteger if i else kinds.kContinuous for i in data["integer"]]

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for name, value in data["options"].items():
        h.setOptionValue(name, value)
    h.passModel(lp)
    start = data.get("start")
    if start is not None:
        columns = np.asarray(start[0], dtype=np.int32)
        h.setSolution(len(columns), columns, np.asarray(start[1], dtype=float))
    events: list[tuple[float, float, float]] = []

    def improving(event: Any) -> None:
        out = event.data_out
        events.append((time.time(), float(out.objective_function_value), float(out.mip_dual_bound)))

    h.cbMipImprovingSolution.subscribe(improving)
    h.run()
    info = h.getInfo()
    has_solution = int(info.primal_solution_status) == 2
    return {
        "status": h.modelStatusToString(h.getModelStatus()),
        "bound": float(info.mip_dual_bound),
        "objective": float(info.objective_function_value) if has_solution else None,
        "values": np.asarray(h.getSolution().col_value) if has_solution else None,
        "events": events,
    }


def run_highs(data: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    """Solve the MIP ``data`` (see :func:`solve_arrays`) in a fresh Python process.

    Parameters
    ----------
    data
        The model as arrays, with HiGHS options.
    timeout
        Kill the worker after this many seconds (None: wait).

    Returns
    -------
    dict
        As :func:`solve_arrays`.

    Raises
    ------
    RuntimeError
        If the worker fails (e.g. ``highspy`` is not installed; the message has its output)
        or does not finish within ``timeout``.
    """
    with tempfile.TemporaryDirectory(prefix="orplan-highs-") as tmp:
        source, target = Path(tmp) / "model.pkl", Path(tmp) / "result.pkl"
        source.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        try:
            done = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), str(source), str(target)],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:  # the child is killed by then
            raise RuntimeError(f"HiGHS worker did not finish within {timeout:g} s") from exc
        if done.returncode != 0 or not target.exists():
            raise RuntimeError(f"HiGHS worker failed: {(done.stderr or done.stdout)[-800:]}")
        result: dict[str, Any] = pickle.loads(target.read_bytes())
        return result


def _main(argv: list[str]) -> int:
    source, target = Path(argv[0]), Path(argv[1])
    data = pickle.loads(source.read_bytes())
    target.write_bytes(pickle.dumps(solve_arrays(data), protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
