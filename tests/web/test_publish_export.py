"""Publish (the version patients are told about), exports of any version, the surgeon picker."""

from __future__ import annotations

import io
import json

import openpyxl
from sqlalchemy import select

from orplan.scenario.io import load_scenario
from orplan.web.common import templates
from orplan.web.dayfilter import SurgeonFilter, surgeon_filter
from orplan.web.store import Audit
from orplan.web.workbench import plan_from_json
from tests.builders import REPO
from tests.web.conftest import Bench


def _actions(bench: Bench, action: str) -> list[str]:
    with bench.client.app.state.store.session() as db:  # type: ignore[attr-defined]
        return list(db.scalars(select(Audit.detail).where(Audit.action == action)).all())


def test_publish_marks_the_version_patients_are_told_about(solved: tuple[Bench, int]) -> None:
    bench, draft = solved
    assert bench.client.get("/api/workspaces/1/published").status_code == 404  # none yet
    first = bench.draft(draft)["head_version"]
    assert bench.post(f"/versions/{first}/publish", {"author": "Kari"}).status_code == 303
    published = bench.client.get("/api/workspaces/1/published").json()
    assert published["version"] == first and published["plan"]["cases"]
    page = bench.client.get("/workspaces/1/versions").text
    assert page.count("patients are told this plan") == 1
    broken = bench.broken_version(bench.draft(1)["head_version"])
    refused = bench.post(f"/versions/{broken}/publish", headers={"accept": "application/json"})
    assert refused.status_code == 409 and "cannot be published" in refused.json()["detail"]
    assert bench.client.get("/api/workspaces/1/published").json()["version"] == first
    assert any(
        f"version {broken} cannot be published" in d for d in _actions(bench, "publish-refused")
    )
    assert any(f"published version {first}" in d for d in _actions(bench, "publish"))


def test_exports_of_any_version(solved: tuple[Bench, int]) -> None:
    bench, draft = solved
    good = bench.draft(draft)["head_version"]
    broken = bench.broken_version(bench.draft(1)["head_version"])
    for version in (good, broken):
        xlsx = bench.client.get(f"/versions/{version}/plan.xlsx")
        assert xlsx.status_code == 200
        assert xlsx.headers["content-disposition"] == (
            f'attachment; filename="plan-v{version}.xlsx"'
        )
        book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
        assert "KPIs" in book.sheetnames and "Unscheduled" in book.sheetnames
        report = bench.client.get(f"/versions/{version}/report.html")
        assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
        assert "attachment" in report.headers["content-disposition"]
        assert "<html" in report.text and "C0002" in report.text
        plan = plan_from_json(bench.client.get(f"/versions/{version}/plan.json").text)
        assert len(plan.cases) == len(load_scenario(REPO / "scenarios/demo.yaml").cases)
    broken_page = bench.client.get(f"/versions/{broken}/report.html").text
    assert "laminar-flow" in broken_page  # the checker's violation is in the report
    assert bench.client.get("/versions/999/plan.xlsx").status_code == 404


def test_surgeon_picker_lists_the_days_surgeons(solved: tuple[Bench, int]) -> None:
    bench, draft = solved
    page = bench.client.get(f"/drafts/{draft}?day=2027-03-01").text
    assert 'id="surgeon-pick"' in page and "/static/dayfilter.js" in page
    raw = page.split('<script type="application/json" id="case-surgeons">', 1)[1]
    cases = json.loads(raw.split("</script>", 1)[0])
    plan = plan_from_json(json.dumps(bench.draft(draft)["plan"]))
    expected = {
        e.case: e.surgeon for e in plan.cases if e.scheduled and str(e.date) == "2027-03-01"
    }
    assert cases == expected and cases
    for surgeon in set(cases.values()):
        assert f'<option value="{surgeon}">' in page
    assert bench.client.get("/static/dayfilter.js").status_code == 200


def test_surgeon_filter_of_a_plan() -> None:
    scenario = load_scenario(REPO / "scenarios/demo.yaml")
    assert surgeon_filter(scenario, None, scenario.dates()[0]) == SurgeonFilter()


def test_surgeon_text_cannot_break_out_of_the_page() -> None:
    nasty = "</script><script>alert(1)</script>"
    picker = SurgeonFilter(surgeons=[(nasty, nasty)], cases={"C1": nasty})
    html = templates.env.get_template("_surgeon_filter.html").render(filter=picker)
    assert "<script>alert(1)" not in html
    assert html.count("</script>") == 2  # the JSON block's and the script tag's own
