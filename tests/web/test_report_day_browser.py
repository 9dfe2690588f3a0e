"""The report's day view inside the workbench, in real Chromium: drawn, styled, readable."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.web.conftest import expect_solved


def test_report_day_view_in_the_workbench(server: str, browser: Browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(server + "/")
    page.select_option("#pick", "demo.yaml")
    page.click("#load")
    page.click("#solve")
    expect_solved(page)
    day = page.locator("#report-day")
    expect(day.locator("svg.tl.theatres")).to_be_visible()
    expect(day.locator("svg.tl.surgeons")).to_be_visible()
    # dayview.css reached the page: session bands are filled, not the SVG default black.
    fill = day.locator("svg.tl .session").first.evaluate("e => getComputedStyle(e).fill")
    assert fill == "rgb(232, 236, 240)"
    # Every case of the drag lanes has a bar in the report's theatre chart.
    lanes = set(page.locator("#dayview .block").evaluate_all(
        "bs => bs.map(b => b.dataset.case)"))  # fmt: skip
    bars = set(day.locator("svg.tl.theatres [data-case]").evaluate_all(
        "bs => bs.map(b => b.dataset.case)"))  # fmt: skip
    assert lanes and lanes == bars
    shot = tmp_path / "report-day.png"
    day.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("ORPLAN_REPORT_DAY_SHOT"):
        shutil.copy(shot, os.environ["ORPLAN_REPORT_DAY_SHOT"])
