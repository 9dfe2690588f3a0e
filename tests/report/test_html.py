"""The HTML report: sections, self-containment, unscheduled reasons, deadlines, scale."""

from __future__ import annotations

import re
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from orplan.check import CheckReport, check
from orplan.plan.model import Plan
from orplan.report import render_report, write_report
from orplan.scenario import Scenario
from tests.report import plans

SECTIONS = ("kpis", "days", "unscheduled", "deadlines", "sessions", "costs")


def section(html: str, ident: str) -> str:
    """The markup of ``<section id=ident>`` (sections are never nested)."""
    match = re.search(rf'<section id="{ident}">(.*?)</section>', html, re.S)
    assert match, f"no section {ident}"
    return match.group(1)


def row(html: str, case: str) -> str:
    """The first table row of a case."""
    match = re.search(rf'<tr data-case="{case}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {case}"
    return match.group(1)


class _Balance(HTMLParser):
    """Checks that non-void elements are closed in order."""

    VOID = frozenset({"meta", "br", "input", "img", "hr", "link", "rect", "line", "circle"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [v for k, v in attrs if k == "id" and v]
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [v for k, v in attrs if k == "id" and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()


@pytest.fixture(scope="module")
def gaps_html(tiny: Scenario, gaps: Plan, gaps_report: CheckReport) -> str:
    return render_report(tiny, gaps, gaps_report)


def test_every_section_is_there(tiny: Scenario, optimal: Plan) -> None:
    html = render_report(tiny, optimal)
    assert html.startswith("<!DOCTYPE html>")
    assert '<header class="masthead" id="run">' in html
    for ident in SECTIONS:
        assert f'<section id="{ident}">' in html
    assert 'id="violations"' not in html
    assert "<title>Surgery plan: tiny - orplan report</title>" in html
    assert "every hard rule holds" in html


def test_markup_is_balanced_and_ids_unique(gaps_html: str) -> None:
    parser = _Balance()
    parser.feed(gaps_html)
    parser.close()
    assert parser.stack == []
    assert len(parser.ids) == len(set(parser.ids))


def test_self_contained(gaps_html: str, tiny: Scenario, invalid: Plan) -> None:
    for html in (gaps_html, render_report(tiny, invalid)):
        assert "http://" not in html and "https://" not in html
        assert "<link" not in html and "@import" not in html
        assert "<img" not in html and "<iframe" not in html
        for attr in re.findall(r'\b(?:src|href)\s*=\s*"([^"]*)"', html):
            assert attr.startswith(("#", "data:")), attr
        assert re.findall(r"url\((?!#)", html) == []


def test_run_metadata(gaps_html: str, tiny: Scenario) -> None:
    header = re.search(r'<header class="masthead" id="run">(.*?)</header>', gaps_html, re.S)
    assert header
    text = header.group(1)
    cost = plans.gaps_cost(tiny)  # the run record's objective; its bound is 1,500
    for expected in (
        "Surgery plan: tiny",
        "FEASIBLE",
        "time limit reached",
        f"{cost:,}",
        "1,500",
        f"{100 * (cost - 1500) / cost:.2f}%",
        "Seed",
        '<dd class="">7</dd>',
        "9.15.6755",
        "(matches)",
    ):
        assert expected in text, expected


def test_kpi_cards(gaps_html: str, gaps_report: CheckReport) -> None:
    kpis = section(gaps_html, "kpis")
    k = gaps_report.kpis
    card = re.search(r'data-kpi="scheduled">.*?<div class="value">(\d+)', kpis, re.S)
    assert card and int(card.group(1)) == k.scheduled == 4
    for key in (
        "unscheduled",
        "utilisation",
        "overtime",
        "idle",
        "deadline_breaches",
        "theatre_changes",
        "sessions_used",
        "cost",
    ):
        assert f'data-kpi="{key}"' in kpis
    assert f"{100 * k.utilisation:.1f}%" in kpis
    assert 'class="card bad" data-kpi="deadline_breaches"' in kpis


def test_every_unscheduled_case_is_listed_with_its_reason(
    gaps_html: str, tiny: Scenario, gaps: Plan
) -> None:
    part = section(gaps_html, "unscheduled")
    missing = [e for e in gaps.cases if not e.scheduled]
    assert len(missing) == 2
    for entry in missing:
        assert entry.reason
        text = row(part, entry.case)
        # Escaped as markupsafe spells it (&#34;) or as html.escape does (&quot;): same text.
        assert entry.reason in unescape(text)
        case = next(c for c in tiny.cases if c.id == entry.case)
        assert f'<td class="num">{case.priority}</td>' in text
    assert len(re.findall(r'<tr data-case="', part)) == len(missing)
    assert "no room &lt;left&gt; &amp; nothing " in part
    assert 'no room <left> & nothing "free"' in unescape(part)
    assert "<left>" not in gaps_html  # the reason's markup characters are escaped
    # most urgent first: C4 (priority 3) before C6 (priority 4)
    assert part.index('data-case="C4"') < part.index('data-case="C6"')


def test_no_unscheduled(tiny: Scenario, optimal: Plan) -> None:
    part = section(render_report(tiny, optimal), "unscheduled")
    assert "Every case on the waiting list is scheduled" in part


def test_missing_reason_is_said(tiny: Scenario, gaps: Plan) -> None:
    plan = gaps.model_copy(deep=True)
    plan.cases[3].reason = None
    part = section(render_report(tiny, plan), "unscheduled")
    assert "no reason recorded" in row(part, "C4")


def test_deadlines(gaps_html: str) -> None:
    part = section(gaps_html, "deadlines")
    # tiny: only C1 has a deadline (2027-03-01); the plan does it a day late.
    assert re.search(r'data-status="late">.*?<b>1</b>', part)
    assert re.search(r'data-status="on_time">.*?<b>0</b>', part)
    breach = row(part, "C1")
    assert "2027-03-01" in breach and "2027-03-02" in breach and ">late<" in breach
    assert "Deadline breaches (1)" in part


def test_days_have_theatre_and_surgeon_charts(gaps_html: str, gaps: Plan) -> None:
    part = section(gaps_html, "days")
    days = re.findall(r'<details class="day" id="day-([\d-]+)"[^>]*?( open)?>', part)
    assert days == [("2027-03-01", " open"), ("2027-03-02", "")]
    for date in ("2027-03-01", "2027-03-02"):
        day = re.search(rf'id="day-{date}".*?</details></div></details>', part, re.S)
        assert day
        text = day.group(0)
        assert 'svg class="tl theatres"' in text and 'svg class="tl surgeons"' in text
        expected = {e.case for e in gaps.cases if e.date is not None and str(e.date) == date}
        drawn = set(re.findall(r'<g class="case[^"]*" data-case="(\w+)"', text))
        assert drawn == expected
    # C1 is planned after its deadline: drawn with the 'late' mark in both charts
    assert len(re.findall(r'<g class="case late" data-case="C1"', part)) == 2


def test_theatre_change_is_flagged(tiny: Scenario) -> None:
    html = render_report(tiny, plans.tiny_theatre_change(tiny))
    assert "⇄ 2 theatres" in section(html, "days")
    assert (
        'data-kpi="theatre_changes"><div class="label">Theatre changes</div><div class="value">1<'
        in html
    )


def test_sessions_and_costs(gaps_html: str, gaps_report: CheckReport) -> None:
    sessions = section(gaps_html, "sessions")
    assert len(re.findall(r"<tr data-session=", sessions)) == len(gaps_report.sessions)
    costs = section(gaps_html, "costs")
    foot = re.search(
        r'id="cost-terms".*?<tfoot><tr><td>Total</td>.*?class="num">([\d,]+)<', costs, re.S
    )
    assert foot and foot.group(1) == f"{gaps_report.cost.total:,}"
    assert '<tr data-term="deadline_breach">' in costs
    assert 'id="cost-sessions"' in costs


def test_invalid_plan_lists_violations(tiny: Scenario, invalid: Plan) -> None:
    report = check(tiny, invalid)
    html = render_report(tiny, invalid, report)
    part = section(html, "violations")
    assert "Invalid plan" in html
    for v in report.violations:
        assert escape(v.message) in part
    assert "no run record" in html  # the plan has no solver record


def test_plan_for_another_scenario_version_is_flagged(tiny: Scenario, optimal: Plan) -> None:
    plan = optimal.model_copy(deep=True)
    assert plan.run is not None
    plan.run.scenario_sha256 = "0" * 64
    assert "differs: plan made for another version" in render_report(tiny, plan)


def test_write_report(tmp_path: Path, tiny: Scenario, gaps: Plan) -> None:
    path = write_report(tiny, gaps, tmp_path / "sub" / "report.html")
    assert path.read_text(encoding="utf-8") == render_report(tiny, gaps)
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]


def test_pilot_week_size_stays_usable() -> None:
    scenario, plan = plans.large_scenario_and_plan(theatres=20, days=5, cases=400)
    report = check(scenario, plan)
    html = render_report(scenario, plan, report)
    assert len(html) < 3_000_000
    days = re.findall(r'<details class="day" id="day-[\d-]+"[^>]*?( open)?>', html)
    assert len(days) == 5 and days.count(" open") == 1  # only the first day starts open
    assert len(re.findall(r'<g class="case', html)) == 2 * report.kpis.scheduled
    part = section(html, "unscheduled")
    assert len(re.findall(r'<tr data-case="', part)) == report.kpis.unscheduled
    assert '<div class="scroll">' in part  # long tables scroll inside their box


@pytest.mark.parametrize(("alpha", "kind"), [(None, ""), (0.5 - 1e-9, "good"), (1e-6, "bad")])
def test_overtime_risk_card(tiny: Scenario, optimal: Plan, alpha: float | None, kind: str) -> None:
    """The risk card shows the checker's highest session risk; with a target it is green when
    every session keeps it and red (with the count) when some do not."""
    scenario = tiny.model_copy(
        update={"rules": tiny.rules.model_copy(update={"overtime_probability": alpha})}
    )
    report = check(scenario, optimal)
    html = section(render_report(scenario, optimal, report), "kpis")
    card = re.search(r'<div class="([^"]*)" data-kpi="overtime_risk">(.*?)</div></div>', html, re.S)
    assert card is not None
    assert card.group(1) == f"card {kind}".strip()
    assert f"{100 * report.kpis.max_overtime_probability:.0f}%" in card.group(2)
    if alpha is None:
        assert "no target set" in card.group(2)
    else:
        assert "target ≤" in card.group(2)
        assert ("above it" in card.group(2)) == (report.kpis.sessions_at_risk > 0)
        assert (report.kpis.sessions_at_risk > 0) == (kind == "bad")


def test_session_table_shows_each_sessions_risk(tiny: Scenario, optimal: Plan) -> None:
    """Each used session has its P(past close); above a target the cell is marked."""
    scenario = tiny.model_copy(
        update={"rules": tiny.rules.model_copy(update={"overtime_probability": 1e-6})}
    )
    report = check(scenario, optimal)
    html = section(render_report(scenario, optimal, report), "sessions")
    assert "P(past close)" in html and "target ≤ 0%" in html
    for r in report.sessions:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row_of_session(html, r["session"]), re.S)
        if r["cases"]:
            assert cells[-1] == f"{100 * r['overtime_probability']:.0f}%"
        else:
            assert cells[-1] == ""
    assert html.count('class="num warn">') >= report.kpis.sessions_at_risk > 0


def row_of_session(html: str, session: str) -> str:
    match = re.search(rf'<tr data-session="{re.escape(session)}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, session
    return match.group(1)
