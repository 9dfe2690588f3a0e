"""One drawing of the day: the workbench renders the report's day view, once, with hooks."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from orplan.web import create_app
from tests.web.conftest import Bench, web_settings

_HOOKS = (
    r'<rect class="drop" data-theatre="[^"]*"[^>]*/>',
    r' data-(?:session|t0|t1|x0|x1)="[^"]*"',
)


def _chart(html: str, kind: str) -> str:
    match = re.search(rf'<svg class="tl {kind}".*?</svg>', html, re.S)
    assert match, f"no {kind} chart"
    return match.group(0)


def _static(chart: str) -> str:
    for hook in _HOOKS:
        chart = re.sub(hook, "", chart)
    return chart


def test_the_day_is_drawn_once(solved: tuple[Bench, int]) -> None:
    bench, draft = solved
    page = bench.client.get(f"/drafts/{draft}").text
    shown = re.search(r'data-day="([0-9-]{10})"', page)
    assert shown
    day = shown.group(1)
    # One day, one theatre chart, one surgeon chart, one case list; no second drawing.
    assert page.count('<details class="day"') == 1
    assert f'<details class="day" id="day-{day}"' in page
    assert page.count('<svg class="tl theatres"') == 1
    assert page.count('<svg class="tl surgeons"') == 1
    assert page.count('<table class="data" id="day-cases">') == 1
    assert 'class="block' not in page and 'class="lane' not in page
    # The report's open/close buttons need the report's script, which the page does not load.
    assert 'data-details="open"' not in page
    # Every case drawn in the theatre chart has one case-list row with a pin button.
    theatres = _chart(page, "theatres")
    bars = re.findall(r'<g class="case[^"]*" data-case="([^"]+)"', theatres)
    rows = re.findall(r'<tr data-case="([^"]+)">', page.split('id="day-cases"', 1)[1])
    assert bars and sorted(bars) == sorted(set(rows[: len(bars)]))
    assert page.count('class="pin"') + page.count('class="unpin"') == len(bars)


def test_workbench_adds_hooks_to_the_reports_drawing(solved: tuple[Bench, int]) -> None:
    bench, draft = solved
    page = bench.client.get(f"/drafts/{draft}").text
    shown = re.search(r'data-day="([0-9-]{10})"', page)
    assert shown
    # The static report of the version the draft stands on, at the same day.
    version = bench.draft(draft)["base_version"]
    report = bench.client.get(f"/versions/{version}/report.html")
    assert report.status_code == 200, report.text
    static = report.text.split(f'id="day-{shown.group(1)}"', 1)[1]
    live = _chart(page, "theatres")
    # The hooks: a drop target per theatre row, each session band's id, the axis.
    theatres = set(re.findall(r'<rect class="drop" data-theatre="([^"]+)"', live))
    assert theatres
    assert 'data-session="' in live and "data-t0=" in live
    found = re.search(r'id="day-sessions">(.*?)</script>', page)
    assert found and set(json.loads(found.group(1))) == theatres
    # Without them the drawing is the static report's, to the byte.
    assert _static(live) == _chart(static, "theatres")
    assert "data-theatre" not in report.text and "day-sessions" not in report.text
    assert _chart(page, "surgeons") == _chart(static, "surgeons")


def test_no_day_view_before_a_plan(tmp_path: Path) -> None:
    with TestClient(create_app(web_settings(tmp_path / "t.db"))) as client:
        bench = Bench(client)
        draft = bench.load_demo()
        page = client.get(f"/drafts/{draft}").text
        assert "No plan yet" in page
        assert 'id="days"' not in page
        assert "drawn once there is a plan" in page
