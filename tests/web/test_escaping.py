"""User text is shown as text, never run as markup: in report.html and in the workbench.

Patient ids, surgeons' names, procedures and reasons come from the hospital's files; a name
like ``<script>alert(1)</script>`` or a spreadsheet formula must reach the page escaped,
in the day view (drawn by the same templates in both), the tables and the versions pages.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from orplan.check import check
from orplan.report import render_report
from orplan.scenario import scenario_from_dict
from orplan.web import create_app
from tests.builders import REPO, tiny_scenario
from tests.report import plans
from tests.web.conftest import Bench, web_settings

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://example.invalid","click")'
PATIENT = '=HYPERLINK("x")'  # a patient id has no spaces, commas or semicolons


class _Page(HTMLParser):
    """Every tag opened and the text a reader sees (entities decoded, scripts left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.attrs: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [value or "" for _, value in attrs]
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def _read(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _nasty_tiny() -> Any:
    data = tiny_scenario().model_dump(mode="json", exclude_none=True)
    for case in data["cases"]:
        if case["id"] == "C1":
            case["patient"] = SCRIPT
            case["procedure"] = SCRIPT
        if case["id"] == "C2":
            case["patient"] = PATIENT
            case["procedure"] = FORMULA
    for surgeon in data["surgeons"]:
        surgeon["name"] = SCRIPT
    return scenario_from_dict(data)


def test_report_escapes_user_text_in_every_section() -> None:
    scenario = _nasty_tiny()
    plan = plans.tiny_with_gaps(scenario)
    entries = [
        e.model_copy(update={"reason": f"{SCRIPT} {FORMULA}"}) if not e.scheduled else e
        for e in plan.cases
    ]
    plan = plan.model_copy(update={"cases": entries})
    html = render_report(scenario, plan, check(scenario, plan))
    assert SCRIPT not in html
    page = _read(html)
    assert page.tags.count("script") == 1  # the report's own
    text = "".join(page.text)
    # C1 is late (deadline table), C4 and C6 unscheduled with the reason (unscheduled and
    # deadline tables), the surgeons' names in the day view: all shown as text.
    assert text.count(SCRIPT) >= 3
    assert FORMULA in text
    # The case tooltips (SVG titles) name the patient, as text.
    assert f"patient {SCRIPT}" in text and f"patient {PATIENT}" in text
    for section in ("days", "unscheduled", "deadlines", "sessions", "costs"):
        assert f'<section id="{section}"' in html


def test_workbench_pages_escape_user_text(tmp_path: Path) -> None:
    data = yaml.safe_load((REPO / "scenarios/demo.yaml").read_text())
    data["name"] = f"demo {SCRIPT}"
    for case in data["cases"]:
        if case["id"] == "C0001":
            case["patient"] = SCRIPT
            case["procedure"] = SCRIPT
        if case["id"] == "C0002":
            case["patient"] = PATIENT
            case["procedure"] = FORMULA
    for surgeon in data["surgeons"]:
        surgeon["name"] = SCRIPT
    upload = yaml.safe_dump(data, sort_keys=False).encode()
    with TestClient(create_app(web_settings(tmp_path / "t.db"))) as client:
        bench = Bench(client)
        made = bench.post("/workspaces", files={"upload": ("nasty.yaml", upload)})
        assert made.status_code == 303, made.text
        draft = int(made.headers["location"].rsplit("/", 1)[1])
        state = bench.wait(bench.job_of(bench.post(f"/drafts/{draft}/solve")))
        assert state["status"] == "done", state
        space = bench.draft(draft)["workspace"]
        days = sorted({e["date"] for e in bench.draft(draft)["plan"]["cases"] if e["scheduled"]})
        pages = {
            "draft": "".join(client.get(f"/drafts/{draft}?day={day}").text for day in days),
            "index": client.get("/").text,
            "versions": client.get(f"/workspaces/{space}/versions").text,
            "report": client.get(
                f"/versions/{bench.draft(draft)['base_version']}/report.html"
            ).text,
        }
        for name, html in pages.items():
            assert SCRIPT not in html, name
            assert "<script>alert" not in html, name
        draft_page = _read(pages["draft"])
        text = "".join(draft_page.text)
        # Every day's view: tooltips and case list, the surgeon lanes: text, not markup.
        assert f"patient {SCRIPT}" in text and f"patient {PATIENT}" in text
        assert FORMULA in text and SCRIPT in text
        # Only the page's own scripts: the JSON blocks and the shipped files.
        sources = [t for t in draft_page.tags if t == "script"]
        assert len(sources) == pages["draft"].count("<script")
