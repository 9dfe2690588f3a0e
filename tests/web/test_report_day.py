"""The workbench shows the report's own day view (one template, two pages)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from orplan.web import create_app
from tests.web.conftest import Bench, web_settings


def _report_day(page: str) -> str:
    match = re.search(r'<section class="card orplan-day" id="report-day">(.*)', page, re.S)
    assert match, "no report day view on the page"
    return match.group(1).split("</section>", 1)[0]


def test_draft_page_has_the_reports_day_view(solved: tuple[Bench, int]) -> None:
    bench, draft = solved
    page = bench.client.get(f"/drafts/{draft}").text
    shown = re.search(r'data-day="([0-9-]{10})"', page)
    assert shown
    day = _report_day(page)
    # The report's partial: theatres and surgeons' timelines of the shown day only, opened.
    assert f'<details class="day" id="day-{shown.group(1)}"' in day
    assert len(re.findall(r'<details class="day"', day)) == 1
    assert 'class="tl theatres"' in day and 'class="tl surgeons"' in day
    # Every case the drag lanes draw is in the report's case list of that day, and back.
    lanes = set(re.findall(r'<div class="block[^"]*" draggable="true"\s+data-case="([^"]+)"', page))
    rows = set(re.findall(r'<tr data-case="([^"]+)">', day))
    assert lanes and lanes == rows
    # The report's buttons need the report's script, which the workbench does not load.
    assert 'data-details="open"' not in day


def test_no_report_day_view_before_a_plan(tmp_path: Path) -> None:
    with TestClient(create_app(web_settings(tmp_path / "t.db"))) as client:
        bench = Bench(client)
        draft = bench.load_demo()
        page = client.get(f"/drafts/{draft}").text
        assert "No plan yet" in page
        assert 'id="report-day"' not in page
