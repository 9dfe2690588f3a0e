"""The report's Jinja2 templates: same content as the f-string renderer, escaping, strictness."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest

from orplan import load_scenario, solve
from orplan.check import check
from orplan.plan.model import Plan
from orplan.report import render_report
from orplan.report.data import ReportData
from orplan.report.jinja import environment
from orplan.report.view_days import day_panel, days_view
from orplan.scenario import Scenario
from tests.builders import DATA, DETERMINISTIC, FORMULA, SCRIPT, nasty_scenario
from tests.report import plans
from tests.report.structure import outline

BASELINE = json.loads((Path(__file__).parent / "data" / "baseline_structure.json").read_text())


class _Text(HTMLParser):
    """The page's text as a reader sees it (entities decoded), and every tag opened."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def _read(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


@pytest.mark.parametrize(
    ("name", "make"),
    [("optimal", plans.tiny_optimal), ("gaps", plans.tiny_with_gaps),
     ("invalid", plans.tiny_invalid)],
)  # fmt: skip
def test_same_outline_as_the_f_string_report(
    tiny: Scenario, name: str, make: Callable[[Scenario], Plan]
) -> None:
    # Baseline taken from the renderer before the move to templates: every section, id,
    # element count, case mark and heading must be as it was.
    got = outline(render_report(tiny, make(tiny)))
    assert got == BASELINE[name]


def test_day_view_draws_every_scheduled_case(tiny: Scenario, gaps: Plan) -> None:
    html = render_report(tiny, gaps)
    days = html[html.index('<section id="days">') :]
    days = days[: days.index("</section>")]
    scheduled = {e.case for e in gaps.cases if e.scheduled}
    marks = outline(days)["cases"]
    # A theatre bar, a surgeon bar and a case-list row per scheduled case; none for others.
    for case in scheduled:
        assert marks.get(f"tr:{case}") == 1
        assert marks.get(f"g:{case}", 0) == 2
    unscheduled = {e.case for e in gaps.cases} - scheduled
    assert not any(key.endswith(f":{c}") and key.startswith("g:") for key in marks
                   for c in unscheduled)  # fmt: skip


def test_user_text_is_shown_as_text_never_markup() -> None:
    scenario = nasty_scenario()
    plan = plans.tiny_optimal(scenario)
    html = render_report(scenario, plan, check(scenario, plan))
    page = _read(html)
    # The only script element is the report's own; the injected one is text.
    assert page.tags.count("script") == 1
    assert "<script>alert" not in html
    assert "<i>" not in html.split("<body>", 1)[1].replace("<i></i>", "")
    text = "".join(page.text)
    assert SCRIPT in text
    assert FORMULA in text
    assert 'Dr "O\'Brien" & <b>partners</b>' in text
    assert 'O\'Brien & "Sons" <i>' in text


def test_user_text_in_attributes_is_escaped() -> None:
    scenario = nasty_scenario()
    plan = plans.tiny_optimal(scenario)
    html = render_report(scenario, plan)
    # The procedure and the surgeon's name reach SVG <title>s and table cells; a quote must
    # never close an attribute early, so no raw '"' follows the surgeon's apostrophe.
    assert 'O\'Brien & "Sons"' not in html
    assert "O&#39;Brien &amp; &#34;Sons&#34; &lt;i&gt;" in html or (
        "O&#x27;Brien &amp; &quot;Sons&quot; &lt;i&gt;" in html
    )


def test_missing_field_is_an_error_not_an_empty_cell(tiny: Scenario, gaps: Plan) -> None:
    view = days_view(ReportData.build(tiny, gaps, check(tiny, gaps), 14))
    del view["days"][0]["cases"][0]["surgeon"]
    template = environment().get_template("_dayview.html")
    with pytest.raises(jinja2.UndefinedError, match="surgeon"):
        template.render(dayview=view)


def test_day_panel_is_the_reports_day_alone_and_open(tiny: Scenario, gaps: Plan) -> None:
    """The workbench's panel draws only the shown day, as the report draws it."""
    report = check(tiny, gaps)
    full = days_view(ReportData.build(tiny, gaps, report, 14))
    last = full["days"][-1]
    panel = day_panel(tiny, gaps, report, dt.date.fromisoformat(last["iso"]))
    assert panel["days"] == [last | {"open": True}]
    assert panel["toolbar"] is False
    assert panel["legend"] == full["legend"]
    assert day_panel(tiny, gaps, report, tiny.horizon.end + dt.timedelta(days=30))["days"] == []


def test_autoescape_is_on_for_every_template() -> None:
    env = environment()
    assert env.autoescape is True  # for every template, not chosen by file name
    for name in ("report.html", "_dayview.html"):
        assert env.get_template(name).render is not None
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


def test_peak_resources_are_those_the_checker_counts() -> None:
    scenario = load_scenario(DATA / "clinical.yaml")
    result = solve(scenario, **DETERMINISTIC)
    assert result.plan is not None and result.check is not None
    html = render_report(scenario, result.plan, result.check)
    group = html[html.index('data-kpi-group="resources"') :]
    group = group[: group.index("</div>")]
    peaks = result.check.kpis.peak_ward
    assert peaks
    for site, count in peaks.items():
        assert f"{site} <b>{count}</b>" in group


def test_overlapping_cases_are_drawn_one_above_the_other(tiny: Scenario, invalid: Plan) -> None:
    """C2 overlaps C1 in OR1: both bars stay visible (sub-lanes), and the case list marks
    C2, the case the checker names; a valid plan keeps the full bar height."""
    html = render_report(tiny, invalid)
    theatres = re.search(r'<svg class="tl theatres".*?</svg>', html, re.S)
    assert theatres
    bars = dict(re.findall(r'data-case="(C[12])"><title>[^<]*</title><rect x="[^"]*" y="([^"]*)"',
                           theatres.group(0)))  # fmt: skip
    assert set(bars) == {"C1", "C2"} and bars["C1"] != bars["C2"]
    assert '<td class="bad" title="breaks a rule"><b>C2</b> ✗</td>' in html
    assert "<td><b>C1</b></td>" in html
    valid = render_report(tiny, plans.tiny_optimal(tiny))
    assert 'height="20" rx="3"' in valid and "breaks a rule" not in valid.split("<main", 1)[1]


def test_day_view_resource_rows_match_the_checkers_peaks() -> None:
    """PACU beds and equipment in use over each day: the highest day's peak of each row is
    the peak the checker reports; ward beds of each day are listed against their capacity."""
    scenario = load_scenario(DATA / "clinical.yaml")
    result = solve(scenario, **DETERMINISTIC)
    assert result.plan is not None and result.check is not None
    kpis = result.check.kpis
    view = days_view(ReportData.build(scenario, result.plan, result.check, 14))
    peaks: dict[str, int] = {}
    for day in view["days"]:
        for r in day["resources"].rows if day["resources"] else []:
            name = r["row"].label if r["row"].label != "PACU beds" else "PACU"
            peak = max((lv.load for lv in r["row"].levels), default=0)
            peaks[name] = max(peaks.get(name, 0), peak)
            assert r["row"].note.startswith(f"peak {peak}")
    assert peaks["PACU"] == kpis.peak_recovery["A"]
    used = {k: v for k, v in kpis.peak_equipment.items() if v}
    assert used and all(peaks[item] == n for item, n in used.items())
    beds = [text for day in view["days"] for text, _ in day["beds"]]
    assert beds and all(t.startswith("ward beds, site A: ") and " of 4" in t for t in beds)
    html = render_report(scenario, result.plan, result.check)
    assert html.count('<svg class="tl resources"') == len([d for d in view["days"]
                                                            if d["resources"]])  # fmt: skip
