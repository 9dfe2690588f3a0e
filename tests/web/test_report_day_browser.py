"""The day view in the workbench, in real Chromium: drawn once, styled, readable."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.web.conftest import expect_solved


def test_day_view_in_the_workbench(server: str, browser: Browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(server + "/")
    page.select_option("#pick", "demo.yaml")
    page.click("#load")
    page.click("#solve")
    expect_solved(page)
    day = page.locator("#day-card")
    expect(day.locator("svg.tl.theatres")).to_have_count(1)
    expect(day.locator("svg.tl.theatres")).to_be_visible()
    expect(day.locator("svg.tl.surgeons")).to_be_visible()
    expect(day.locator("svg.tl.resources")).to_be_visible()
    # dayview.css reached the page: session bands are filled, not the SVG default black.
    fill = day.locator("svg.tl .session").first.evaluate("e => getComputedStyle(e).fill")
    assert fill == "rgb(232, 236, 240)"
    # The drop targets are invisible; the case list is open, with a pin button per case.
    drop = day.locator("svg.tl .drop").first.evaluate("e => getComputedStyle(e).fill")
    assert drop in ("transparent", "rgba(0, 0, 0, 0)")
    bars = set(day.locator("svg.tl.theatres [data-case]").evaluate_all(
        "bs => bs.map(b => b.dataset.case)"))  # fmt: skip
    rows = set(day.locator("#day-cases tbody tr").evaluate_all(
        "rs => rs.map(r => r.dataset.case)"))  # fmt: skip
    assert bars and bars == rows
    expect(day.locator("#day-cases button.pin").first).to_be_visible()
    shot = tmp_path / "day-view.png"
    day.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("ORPLAN_REPORT_DAY_SHOT"):
        shutil.copy(shot, os.environ["ORPLAN_REPORT_DAY_SHOT"])

    # Drag a case onto "take off the plan": it joins the waiting list, and leaves the day.
    bar = day.locator("svg.tl.theatres g.case").first
    case = str(bar.get_attribute("data-case"))
    bar.drag_to(page.locator("#unschedule-drop"))
    expect(page.locator(f'#unscheduled tr[data-case="{case}"]')).to_be_visible()
    expect(page.locator(f'#day-cases tr[data-case="{case}"]')).to_have_count(0)
    expect(page.locator("#note")).to_contain_text(f"moved {case} off the plan")
