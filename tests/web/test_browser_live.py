"""Booking, publishing and the day's events in a real browser (Chromium via Playwright).

Same set-up as ``test_browser.py`` (the fixtures of ``conftest.py``): Debian's chromium,
never a downloaded browser; without it the test fails, it is not skipped. A screenshot of
the suggestions and the change list is saved under tmp_path (with
ORPLAN_WORKBENCH_SCREENSHOT=1 also as docs/img/workbench-book.png).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.builders import REPO
from tests.web.conftest import WAIT


def _job_done(page: Page) -> None:
    """Wait for the job on the page to end (the page reloads itself when it does)."""
    expect(page.locator("#job")).to_have_attribute("data-status", "done", timeout=WAIT)


def test_book_publish_and_replan_in_the_browser(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(server + "/")
    page.fill("input[name=author]", "Kari")
    page.select_option("#pick", "demo.yaml")
    page.click("#load")
    page.click("#solve")
    _job_done(page)
    expect(page.locator("#violations .ok")).to_contain_text("every hard rule holds")

    # Surgeon picker: the other surgeons' cases fade; the choice is kept in the address.
    pick = page.locator("#surgeon-pick")
    surgeon = pick.locator("option").nth(1).get_attribute("value")
    pick.select_option(str(surgeon))
    assert f"surgeon={surgeon}" in page.url
    expect(page.locator("#dayview g.case:not(.dimmed)").first).to_be_visible()
    assert page.locator("#dayview g.case.dimmed").count() > 0
    pick.select_option("")
    expect(page.locator("#dayview g.case.dimmed")).to_have_count(0)

    # Take C0003 off the plan, then book it back from the waiting list.
    page.select_option("#move-case", "C0003")
    page.select_option("#move-session", "")
    page.click("#move")
    expect(page.locator('#unscheduled tr[data-case="C0003"]')).to_be_visible()
    page.select_option("#book-case", "C0003")
    page.click("#book")
    _job_done(page)
    expect(page.locator("#suggestions tbody tr").first).to_be_visible()
    shot = tmp_path / "workbench-book.png"
    page.locator("#booking").screenshot(path=str(shot))
    assert shot.stat().st_size > 5_000
    page.locator("#suggestions button.take").first.click()
    expect(page.locator("#note")).to_contain_text("book: C0003")
    expect(page.locator("#note")).to_contain_text("saved as version")
    expect(page.locator('#changes tr:has-text("C0003")')).to_contain_text("booked")

    # Publish the booked version: patients are told this plan.
    draft_url = page.url.split("?", 1)[0]
    page.click("text=versions")
    page.locator("#versions tbody tr").first.locator("button.publish").click()
    expect(page.locator(".current-published")).to_have_count(1)
    expect(page.locator("#versions tbody tr").first).to_contain_text("patients are told")

    # The morning's event, typed in: C0015 cancelled, replanned in a worker.
    page.goto(draft_url)
    page.select_option("#event-kind", "case-cancelled")
    page.fill("#event-what", "C0015")
    page.fill("#event-reason", "patient has flu")
    page.click("#event-apply")
    _job_done(page)
    expect(page.locator('#changes tr:has-text("C0015")')).to_contain_text("cancelled")
    # A cancelled case is not offered for booking.
    expect(page.locator('#book-case option[value="C0015"]')).to_have_count(0)
    page.screenshot(path=str(tmp_path / "workbench-replan.png"), full_page=True)
    if os.environ.get("ORPLAN_WORKBENCH_SCREENSHOT"):
        (REPO / "docs/img").mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, REPO / "docs/img/workbench-book.png")
