"""Exports of any version (plan.xlsx, report.html, FHIR bundle) and the published version.

``plan.json`` is served by ``routes_versions.py``. Every export runs the independent checker
on the version first; a version that breaks a rule is still exported as a workbook or report
(it is a saved draft), with the checker's verdict inside (the workbook's KPIs sheet, the
report's violations list). A FHIR bundle books patients, so a version that breaks a rule is
refused (409). With the ``pseudonymise`` setting, patient ids in every export are keyed
pseudonyms (plan.json holds none).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import select
from starlette.responses import JSONResponse, Response

from orplan.check import check
from orplan.scenario.model import Scenario
from orplan.web.common import load, store_of
from orplan.web.display import shown_scenario
from orplan.web.store import ScenarioRow, Version, Workspace
from orplan.web.workbench import aligned, plan_from_json, scenario_from_json

__all__ = ["router"]

router = APIRouter()

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _version(request: Request, version_id: int) -> tuple[Version, ScenarioRow]:
    with store_of(request).session() as db:
        version = load(db, Version, version_id)
        row = load(db, ScenarioRow, version.scenario_id)
    return version, row


def _scenario(request: Request, row: ScenarioRow) -> Scenario:
    """The version's scenario, pseudonymised when the workbench is set to (before the plan
    is aligned to it, so the checker sees the pseudonymised scenario as the plan's own)."""
    return shown_scenario(request, scenario_from_json(row.body))


def _download(body: bytes | str, media: str, name: str) -> Response:
    # An attachment, never rendered in the workbench's own origin.
    return Response(
        body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'}
    )


@router.get("/versions/{version_id}/plan.xlsx")
def plan_xlsx(request: Request, version_id: int) -> Response:
    """The version as the planners' Excel workbook (``orplan solve``'s plan.xlsx)."""
    from orplan.excel import export_plan_xlsx

    version, row = _version(request, version_id)
    scenario = _scenario(request, row)
    plan = aligned(plan_from_json(version.plan_json), scenario)
    report = check(scenario, plan)
    with tempfile.TemporaryDirectory(prefix="orplan-export-") as folder:
        path = export_plan_xlsx(scenario, plan, report, Path(folder) / "plan.xlsx")
        data = path.read_bytes()
    return _download(data, XLSX, f"plan-v{version_id}.xlsx")


@router.get("/versions/{version_id}/report.html")
def report_html(request: Request, version_id: int) -> Response:
    """The version's self-contained HTML report (``orplan report``)."""
    from orplan.report import render_report

    version, row = _version(request, version_id)
    scenario = _scenario(request, row)
    plan = aligned(plan_from_json(version.plan_json), scenario)
    page = render_report(scenario, plan, check(scenario, plan))
    return _download(page, "text/html; charset=utf-8", f"report-v{version_id}.html")


def _is_current_published(request: Request, version: Version) -> bool:
    """Whether ``version`` is the one patients are told about (published last)."""
    if version.published_at is None:
        return False
    return _current_published(request, version.workspace_id) == version.id


def _current_published(request: Request, space_id: int) -> int | None:
    with store_of(request).session() as db:
        found = db.scalars(
            select(Version.id)
            .where(Version.workspace_id == space_id, Version.published_at.is_not(None))
            .order_by(Version.published_at.desc(), Version.id.desc())
            .limit(1)
        ).first()
    return found


@router.get("/versions/{version_id}/bundle.json")
def fhir_bundle(request: Request, version_id: int, timezone: str = "Europe/Oslo") -> Response:
    """The version as a FHIR R4 Bundle (``orplan export fhir``).

    The version patients are told about (published last) exports its appointments as
    ``booked``; any other version (a draft, or one published earlier and since replaced) as
    ``proposed``: only one set of appointments is booked at a time.
    """
    from orplan.fhir import export_bundle

    version, row = _version(request, version_id)
    scenario = _scenario(request, row)
    plan = aligned(plan_from_json(version.plan_json), scenario)
    report = check(scenario, plan)
    if not report.ok:
        raise HTTPException(
            409,
            f"version {version_id} breaks {len(report.violations)} hard rule(s): "
            "not exported as FHIR (its report lists them)",
        )
    booked = _is_current_published(request, version)
    bundle = export_bundle(scenario, plan, proposed=not booked, timezone=timezone)
    body = bundle.model_dump_json(indent=2, exclude_none=True) + "\n"
    return _download(body, "application/fhir+json", f"bundle-v{version_id}.json")


@router.get("/api/workspaces/{space_id}/published")
def published(request: Request, space_id: int) -> Response:
    """The version patients are told about (the one published last), with its plan."""
    with store_of(request).session() as db:
        load(db, Workspace, space_id)
        version = db.scalars(
            select(Version)
            .where(Version.workspace_id == space_id, Version.published_at.is_not(None))
            .order_by(Version.published_at.desc(), Version.id.desc())
            .limit(1)
        ).first()
    if version is None:
        raise HTTPException(404, f"no version of workspace {space_id} is published yet")
    assert version.published_at is not None
    return JSONResponse(
        {
            "version": version.id,
            "published_at": version.published_at.isoformat(),
            "published_by": version.published_by,
            "digest": version.digest,
            "plan": json.loads(version.plan_json),
        }
    )
