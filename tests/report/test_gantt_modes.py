"""The Gantt's two forms (panels with case names, or an overview) and the occupancy plot's
shared checker index (issue 17 item 4: a hospital month's pictures in seconds)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from orplan import load_scenario
from orplan.check import CheckContext, occupancy_table, recovery_profile
from orplan.report import gantt
from orplan.report.occupancy import occupancy_figure
from orplan.solver.solve import rule_result
from tests.builders import DATA, tiny_scenario


def _case_texts(fig: plt.Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_small_plan_gets_one_panel_per_date_with_case_names() -> None:
    """Below the label limit: a panel per date, case ids written on the bars."""
    scenario = tiny_scenario()
    plan = rule_result(scenario).plan
    assert plan is not None
    fig = gantt.gantt_figure(scenario, plan)
    dates = {s.date for s in scenario.sessions}
    assert len(fig.axes) == len(dates)
    names = " ".join(_case_texts(fig))
    assert any(e.case in names for e in plan.scheduled())
    plt.close(fig)


def test_overview_has_one_panel_all_dates_and_no_case_text() -> None:
    """labels=False: the dates side by side in one panel, theatres labelled once."""
    scenario = tiny_scenario()
    plan = rule_result(scenario).plan
    assert plan is not None
    fig = gantt.gantt_figure(scenario, plan, labels=False)
    (ax,) = fig.axes
    assert _case_texts(fig) == []
    dates = sorted({s.date for s in scenario.sessions})
    days = [f"{d:%a %d.%m}" for d in dates]
    assert [t.get_text() for t in ax.get_xticklabels(which="major")][: len(dates)] == days
    assert [t.get_text() for t in ax.get_yticklabels()] == [t.id for t in scenario.theatres]
    assert "report.html" in fig.texts[-1].get_text()  # the title says where the names are
    plt.close(fig)


def test_overview_is_chosen_above_the_label_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With more cases in the figure than LABEL_LIMIT the default is the overview."""
    scenario = tiny_scenario()
    plan = rule_result(scenario).plan
    assert plan is not None
    monkeypatch.setattr(gantt, "LABEL_LIMIT", 0)
    fig = gantt.gantt_figure(scenario, plan)
    assert len(fig.axes) == 1 and _case_texts(fig) == []
    plt.close(fig)
    gantt.save_gantt(scenario, plan, tmp_path / "g.png")
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"


def test_occupancy_helpers_give_the_same_with_a_prebuilt_context() -> None:
    """recovery_profile and occupancy_table with a context equal the calls without one."""
    scenario = load_scenario(DATA / "clinical.yaml")
    plan = rule_result(scenario).plan
    assert plan is not None
    ctx = CheckContext.build(scenario, plan)
    assert occupancy_table(scenario, plan, ctx) == occupancy_table(scenario, plan)
    site = scenario.recovery[0].site
    for date in sorted({s.date for s in scenario.sessions}):
        assert recovery_profile(scenario, plan, site, date, ctx) == recovery_profile(
            scenario, plan, site, date
        )
    fig = occupancy_figure(scenario, plan)
    assert fig is not None and len(fig.axes) >= 1
    plt.close(fig)
