"""The report as a browser renders it: headless Chromium, offline, no Python browser driver.

Chromium loads a copy of the report with a small probe script appended; the probe writes what
was rendered (inner text of the sections, KPI values, element sizes, page width) into the DOM,
which ``--dump-dom`` returns. A screenshot is saved to a temporary folder, and also to
``out/report-screenshot.png`` when the environment variable ORPLAN_KEEP_SCREENSHOT is set.

Chromium comes from the Debian packages ``chromium`` and ``chromium-driver``, installed by
``make system-deps`` (which ``.ci/run`` runs first). A test only tests: without the browser
these tests fail in CI (environment variable ``CI`` set) and are skipped elsewhere.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import orplan
from orplan.check import check
from orplan.plan.model import Plan
from orplan.report import render_report
from orplan.scenario import Scenario
from tests.builders import DETERMINISTIC, REPO, tiny_scenario
from tests.report.plans import GAP_REASONS

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PACKAGES = ("chromium", "chromium-driver")
WINDOW = (1400, 2000)
MASTHEAD = (0x1D, 0x3B, 0x5A)  # --brand in the report's CSS

PROBE = """
<script>
window.addEventListener('load', function () {
  function box(el) {
    var r = el.getBoundingClientRect();
    return {width: r.width, height: r.height, top: r.top + window.scrollY};
  }
  var out = {title: document.title, sections: {}, kpis: {}, order: [],
             pageWidth: document.documentElement.scrollWidth, viewWidth: window.innerWidth};
  document.querySelectorAll('header[id], section[id]').forEach(function (el) {
    out.sections[el.id] = {box: box(el), text: el.innerText};
    out.order.push(el.id);
  });
  document.querySelectorAll('[data-kpi]').forEach(function (card) {
    out.kpis[card.getAttribute('data-kpi')] = card.querySelector('.value').innerText;
  });
  out.openDays = Array.prototype.map.call(
    document.querySelectorAll('details.day[open]'), function (d) { return d.id; });
  out.visibleBars = Array.prototype.filter.call(
    document.querySelectorAll('g.case rect'),
    function (r) {  // drawn and on top at its centre, inside the window
      var b = r.getBoundingClientRect();
      var x = b.left + b.width / 2, y = b.top + b.height / 2;
      if (b.width <= 0 || y < 0 || y > window.innerHeight) { return false; }
      return document.elementFromPoint(x, y) === r;
    }).length;
  out.chartWidths = Array.prototype.map.call(
    document.querySelectorAll('details.day[open] svg.tl'),
    function (s) { return s.getBoundingClientRect().width; });
  var pre = document.createElement('pre');
  pre.id = 'orplan-probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def _find_browser() -> str | None:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of a headless-capable Chromium, which ``make test`` installs (``make system-deps``)
    when it is missing; without it the browser tests fail."""
    path = _find_browser()
    if path is None:
        hint = (
            "headless Chromium is not installed; run `make system-deps` (as root) or "
            f"apt-get install -y {' '.join(PACKAGES)}"
        )
        # Never skipped: a green run must have looked at the report in a real browser.
        pytest.fail(hint, pytrace=False)
    return path


def _chromium(browser: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--mute-audio",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: the report must need no network
        f"--user-data-dir={tmp / 'profile'}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--virtual-time-budget=5000",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def _rendered(browser: str, page: str, tmp: Path) -> dict:
    """Load ``page`` with the probe and return what the probe saw."""
    probe_file = tmp / "probe.html"
    probe_file.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = _chromium(browser, tmp, "--dump-dom", probe_file.as_uri()).stdout
    found = re.search(r'<pre id="orplan-probe">(.*?)</pre>', dom, re.S)
    assert found, "the probe did not run; DOM starts: " + dom[:500]
    return json.loads(html.unescape(found.group(1)))


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


@pytest.fixture(scope="module")
def solved() -> tuple[Scenario, Plan]:
    """tiny.yaml solved by orplan (all six cases fit)."""
    scenario = tiny_scenario()
    result = orplan.solve(scenario, **DETERMINISTIC)
    assert result.plan is not None
    return scenario, result.plan


def test_solved_tiny_report_renders(
    chromium: str, solved: tuple[Scenario, Plan], tmp_path: Path
) -> None:
    scenario, plan = solved
    report = check(scenario, plan)
    page = render_report(scenario, plan, report)
    seen = _rendered(chromium, page, tmp_path)

    assert seen["title"] == "Surgery plan: tiny - orplan report"
    assert "Surgery plan: tiny" in seen["sections"]["run"]["text"]
    assert "every hard rule holds" in seen["sections"]["run"]["text"]
    assert re.match(r"6\s*/\s*6$", seen["kpis"]["scheduled"]), seen["kpis"]
    assert seen["kpis"]["unscheduled"] == "0"
    assert seen["kpis"]["utilisation"] == f"{100 * report.kpis.utilisation:.1f}%"
    assert seen["order"] == ["run", "kpis", "days", "unscheduled", "deadlines", "sessions", "costs"]
    for name, section in seen["sections"].items():
        assert section["box"]["height"] > 40, name
    tops = [seen["sections"][name]["box"]["top"] for name in seen["order"]]
    assert tops == sorted(tops)
    unscheduled = seen["sections"]["unscheduled"]["text"]
    assert "Unscheduled cases" in unscheduled
    assert "Every case on the waiting list is scheduled." in unscheduled
    # only the first day is open; its cases are drawn in both charts, at a readable width
    assert seen["openDays"] == ["day-2027-03-01"]
    first_day = [e for e in plan.cases if e.scheduled and str(e.date) == "2027-03-01"]
    assert seen["visibleBars"] == 2 * len(first_day) > 0
    assert all(width > 1000 for width in seen["chartWidths"]), seen["chartWidths"]
    assert seen["pageWidth"] <= seen["viewWidth"], "the page scrolls sideways"

    page_file = tmp_path / "report.html"
    page_file.write_text(page, encoding="utf-8")
    shot = tmp_path / "report-screenshot.png"
    _chromium(chromium, tmp_path, f"--screenshot={shot}", page_file.as_uri())
    assert _png_size(shot) == WINDOW
    from PIL import Image

    with Image.open(shot) as image:
        rgb = image.convert("RGB")
        assert rgb.getpixel((5, 5)) == MASTHEAD  # the inline stylesheet was applied
        colours = rgb.resize((350, 500)).getcolors(maxcolors=1_000_000) or []
        assert len(colours) > 50  # text, cards and charts, not a blank page
    if os.environ.get("ORPLAN_KEEP_SCREENSHOT"):
        keep = REPO / "out" / "report-screenshot.png"
        keep.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, keep)


def test_unscheduled_reasons_render_as_text(
    chromium: str, tiny: Scenario, gaps: Plan, tmp_path: Path
) -> None:
    seen = _rendered(chromium, render_report(tiny, gaps), tmp_path)
    assert re.match(r"4\s*/\s*6$", seen["kpis"]["scheduled"])
    assert seen["kpis"]["deadline_breaches"] == "1"
    text = seen["sections"]["unscheduled"]["text"]
    for case, reason in GAP_REASONS.items():
        assert case in text
        assert reason in text  # markup characters show as typed, not as tags
    assert "C1" in seen["sections"]["deadlines"]["text"]
    assert seen["pageWidth"] <= seen["viewWidth"]
