"""The workbench in a real browser: Chromium driven by Playwright against uvicorn.

Debian's chromium (the ``browser`` fixture of ``conftest.py``) is used, never a browser
downloaded by Playwright. Without it this test fails: it is not skipped. A screenshot of the
day view is saved under the test's tmp_path; with ORPLAN_WORKBENCH_SCREENSHOT=1 it is also
copied to docs/img/workbench.png (the README's picture), so a test run leaves git clean.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.builders import REPO
from tests.web.conftest import expect_solved


def test_plan_a_day_in_the_browser(server: str, browser: Browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(server + "/")
    page.fill("input[name=author]", "Kari")
    page.select_option("#pick", "demo.yaml")
    page.click("#load")
    expect(page.locator("#violations")).to_contain_text("No plan yet")

    page.click("#solve")
    expect_solved(page)
    expect(page.locator("#dayview svg.theatres g.case").first).to_be_visible()
    expect(page.locator("#base")).to_have_text("1")

    # A move the checker refuses: C0001 needs laminar flow, which ULL-OP04 lacks.
    page.select_option("#move-case", "C0001")
    page.select_option("#move-session", "ULL-OP04@2027-03-01")
    page.fill("#move-start", "08:00")
    page.click("#move")
    expect(page.locator("li.violation").first).to_contain_text(
        "C0001 requires laminar-flow, which theatre ULL-OP04 lacks"
    )
    expect(page.locator('#dayview svg.theatres g.case.conflict[data-case="C0001"]')).to_be_visible()
    shot = tmp_path / "workbench.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("ORPLAN_WORKBENCH_SCREENSHOT"):
        (REPO / "docs/img").mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, REPO / "docs/img/workbench.png")

    # Pin another case, then re-solve the rest: the pin stays, the violation goes.
    row = page.locator("#day-cases tbody tr").filter(has_not_text="C0001").first
    case = row.get_attribute("data-case")
    slot = row.locator("td.start").inner_text()
    row.locator("button.pin").click()
    expect(page.locator("#pins")).to_contain_text(str(case))
    page.click("#solve")
    expect_solved(page)
    kept = page.locator(f'#day-cases tr[data-case="{case}"]')
    expect(kept.locator("td.start")).to_have_text(slot)
    expect(kept.locator("button.unpin")).to_be_visible()

    # Drag a free case into the first session of the day: the drop position becomes its start.
    free = page.locator("#day-cases tbody tr").filter(has=page.locator("button.pin")).last
    moved = str(free.get_attribute("data-case"))
    before = free.locator("td.start").inner_text()
    block = page.locator(f'#dayview svg.theatres g.case[data-case="{moved}"]')
    session = page.locator("#dayview svg.theatres rect.session[data-session]").first
    box = session.bounding_box()
    assert box is not None
    # force: the drop point may lie over another case's bar (the solve is time-limited, so
    # the layout varies); the page resolves the row under the pointer itself.
    block.drag_to(
        session, target_position={"x": box["width"] * 0.1, "y": box["height"] / 2}, force=True
    )
    after = page.locator(f'#day-cases tr[data-case="{moved}"] td.start')
    expect(after).not_to_have_text(before)

    page.fill("#save-form input[name=reason]", "C0001 tried in OP04; re-solved")
    page.click("#save")
    expect(page.locator("#note")).to_contain_text("saved as version")

    page.click("text=versions")
    expect(page.locator("#versions tbody tr")).to_have_count(3)
    page.check('#versions input[name=a][value="1"]')  # the first solve → the saved plan
    page.click("#diff")
    expect(page.locator("#diff-result h1")).to_have_text("Version 1 → version 3")
    expect(page.locator("#diff-result")).to_contain_text("moved")
