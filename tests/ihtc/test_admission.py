"""The CP-SAT admission plan and the start built on it.

The plan must keep every rule the model states exactly (surgeon minutes, mandatory
patients, the admission window) and the pooled ones (theatre minutes, beds).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from orplan.ihtc import Instance
from orplan.ihtc.admission import greedy_start, plan_admissions
from orplan.ihtc.kernel import Data
from orplan.ihtc.search import build_data, new_state


def _check_plan(data: Data, days: np.ndarray, optional_allowed: bool) -> None:
    """Every rule the admission model states, recomputed from the plan alone."""
    n_p = data.n_patients
    assert days.shape == (n_p,)
    for p in range(n_p):
        domain = data.p_days[p, : data.p_ndays[p]].tolist()
        if data.p_mandatory[p]:
            assert days[p] in domain, f"mandatory patient {p} on {days[p]}, window {domain}"
        elif days[p] >= 0:
            assert optional_allowed, f"optional patient {p} in the mandatory-only plan"
            assert days[p] in domain
    minutes = np.zeros_like(data.max_surgery)
    theatre = np.zeros(data.n_days, dtype=np.int64)
    beds = np.zeros(data.n_days, dtype=np.int64)
    for o in range(data.occ_room.shape[0]):
        beds[: int(data.pers_los[n_p + o])] += 1
    for p in np.flatnonzero(days >= 0):
        a = int(days[p])
        minutes[data.p_surgeon[p], a] += data.p_duration[p]
        theatre[a] += data.p_duration[p]
        beds[a : a + int(data.pers_los[p])] += 1
    assert (minutes <= data.max_surgery).all()
    assert (theatre <= data.availability.sum(axis=0)).all()
    assert (beds <= data.capacity.sum()).all()


@pytest.mark.parametrize("name", ["i04", "i16"])
def test_plans_keep_the_model_rules(
    name: str, kernel_ready: float, instance_of: Callable[[str], Instance]
) -> None:
    """The first plan holds the mandatory patients only; the returned one admits patients
    within every stated limit, and a start built on it admits no one off their plan day."""
    data = build_data(instance_of(name))
    published: list[np.ndarray] = []
    days = plan_admissions(data, 3.0, workers=1, seed=0, on_first=published.append)
    assert days is not None
    assert len(published) == 1
    _check_plan(data, published[0], optional_allowed=False)
    _check_plan(data, days, optional_allowed=True)
    st = new_state(instance_of(name), data, 0)
    greedy_start(data, st, days)
    n_p = data.n_patients
    moved = np.flatnonzero((st.adm[:n_p] >= 0) & (st.adm[:n_p] != days))
    # Only a mandatory patient that found no room on its plan day may move (to another day
    # of its window); an optional one is placed on its day or left out.
    assert all(data.p_mandatory[p] for p in moved)


def test_no_plan_without_a_day_for_a_mandatory_patient(
    kernel_ready: float, instance_of: Callable[[str], Instance]
) -> None:
    """A mandatory patient with an empty admission window: no plan (None), none published."""
    data = build_data(instance_of("i04"))
    p = int(np.flatnonzero(data.p_mandatory)[0])
    ndays = data.p_ndays.copy()
    ndays[p] = 0
    published: list[np.ndarray] = []
    assert plan_admissions(data._replace(p_ndays=ndays), 1.0, on_first=published.append) is None
    assert published == []
