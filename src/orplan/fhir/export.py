"""A checked plan as a FHIR R4 (R4B models) Bundle.

One ``ServiceRequest`` per case (the waiting-list order, NCSP-coded), one ``Appointment``
per scheduled case (``basedOn`` its request; the patient, surgeon and theatre as
participants), one ``Schedule`` per session with ``Slot`` entries for its free time, and
the ``Patient``, ``Practitioner`` and ``Location`` resources those refer to. A replanned
plan exported with its parent also carries the parent's appointments it cancels or moves,
with status ``cancelled``; a moved case's new appointment points to its former one.
docs/fhir.md has the field-by-field mapping.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fhir.resources.R4B.bundle import Bundle

import orplan
from orplan.check import check
from orplan.errors import OrplanError
from orplan.fhir import codes
from orplan.plan.io import plan_digest
from orplan.plan.model import CaseAssignment, Plan
from orplan.scenario.model import Case, Scenario, Session

__all__ = ["export_bundle"]


def _ref(kind: str, *parts: object) -> dict[str, str]:
    return {"reference": codes.full_url(codes.stable_uuid(kind, *parts))}


def _ident(system: str, value: str) -> list[dict[str, str]]:
    return [{"system": system, "value": value}]


def _procedure_code(case: Case) -> dict[str, Any]:
    """The NCSP-coded procedure; the name alone (as text) when the case has no code."""
    concept: dict[str, Any] = {"text": case.procedure}
    if case.ncsp:
        concept["coding"] = [
            {"system": codes.NCSP_SYSTEM, "code": case.ncsp, "display": case.procedure}
        ]
    return concept


class _Clock:
    """Session minutes as zoned instants (FHIR instants need an offset)."""

    def __init__(self, timezone: str) -> None:
        try:
            self.zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise OrplanError(
                f"--timezone {timezone}: unknown time zone (e.g. Europe/Oslo)"
            ) from None

    def at(self, date: dt.date, minutes: int) -> str:
        # Minutes past midnight may exceed 24 h (overtime into the night); the wall clock of
        # the local day plus that span, as the hospital reads it.
        naive = dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=minutes)
        return naive.replace(tzinfo=self.zone).isoformat()


def _service_request(case: Case, entry: CaseAssignment | None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": codes.stable_uuid("ServiceRequest", case.id),
        "identifier": _ident(codes.CASE_SYSTEM, case.id),
        "status": "revoked" if case.cancelled else "active",
        "intent": "order",
        "priority": codes.PRIORITY_TO_FHIR[case.priority],
        "category": [{"coding": [{"system": codes.SPECIALTY_SYSTEM, "code": case.specialty}]}],
        "code": _procedure_code(case),
        "subject": _ref("Patient", case.patient),
        "extension": [
            {
                "url": codes.EXPECTED_DURATION_URL,
                "valueDuration": {
                    "value": case.duration,
                    "unit": "min",
                    "system": "http://unitsofmeasure.org",
                    "code": "min",
                },
            },
        ],
    }
    if case.duration_sd is not None:
        resource["extension"].append(
            {
                "url": codes.EXPECTED_DURATION_SD_URL,
                "valueDuration": {"value": case.duration_sd, "unit": "min"},
            }
        )
    if case.mandatory:
        resource["extension"].append({"url": codes.MANDATORY_URL, "valueBoolean": True})
    if case.cancer_pathway:
        resource["category"].append(
            {"coding": [{"system": codes.PATHWAY_SYSTEM, "code": "cancer"}]}
        )
    # The desired performers: the fixed surgeon, or those who may operate (none: any).
    surgeons = [case.surgeon] if case.surgeon else case.eligible_surgeons
    if surgeons:
        resource["performer"] = [_ref("Practitioner", s) for s in surgeons]
    period = {}
    if case.release:
        period["start"] = case.release.isoformat()
    if case.due:
        period["end"] = case.due.isoformat()
    if period:
        resource["occurrencePeriod"] = period
    if entry is not None and not entry.scheduled:
        reason = entry.reason or "not scheduled"
        resource["extension"].append({"url": codes.UNSCHEDULED_REASON_URL, "valueString": reason})
        resource["note"] = [{"text": f"not scheduled: {reason}"}]
    return resource


def _appointment_id(entry: CaseAssignment) -> str:
    # The slot is part of the name: a moved case gets a new appointment, the old one is
    # cancelled, and an unchanged booking keeps its id across replans.
    return codes.stable_uuid(
        "Appointment", entry.case, entry.date, entry.theatre, entry.start, entry.surgeon
    )


def _appointment(
    case: Case, entry: CaseAssignment, clock: _Clock, status: str, reason: str | None = None
) -> dict[str, Any]:
    assert entry.date is not None and entry.start is not None and entry.end is not None
    participants = [
        ("Patient", case.patient),
        ("Practitioner", entry.surgeon),
        ("Location", entry.theatre),
    ]
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": _appointment_id(entry),
        "identifier": _ident(codes.CASE_SYSTEM, case.id),
        "status": status,
        "serviceType": [_procedure_code(case)],
        "start": clock.at(entry.date, entry.start),
        "end": clock.at(entry.date, entry.end),
        "minutesDuration": entry.end - entry.start,
        "basedOn": [_ref("ServiceRequest", case.id)],
        "participant": [
            {"actor": _ref(kind, value), "required": "required", "status": "accepted"}
            for kind, value in participants
        ],
    }
    if reason:
        resource["cancelationReason"] = {"text": reason}
    return resource


def _free_time(session: Session, busy: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Gaps between ``busy`` spans (turnover included) inside the session's open hours."""
    gaps, at = [], session.open
    for start, end in sorted(busy):
        if start > at:
            gaps.append((at, start))
        at = max(at, end)
    if at < session.close:
        gaps.append((at, session.close))
    return [(a, min(b, session.close)) for a, b in gaps if a < session.close]


def _schedule_and_slots(scenario: Scenario, plan: Plan, clock: _Clock) -> list[dict[str, Any]]:
    cases = {c.id: c for c in scenario.cases}
    busy: dict[str, list[tuple[int, int]]] = {}
    for e in plan.scheduled():
        assert e.session is not None and e.start is not None and e.end is not None
        turnover = cases[e.case].turnover
        turn = scenario.default_turnover if turnover is None else turnover
        busy.setdefault(e.session, []).append((e.start, e.end + turn))
    out: list[dict[str, Any]] = []
    for s in scenario.sessions:
        assert s.id is not None
        out.append(
            {
                "resourceType": "Schedule",
                "id": codes.stable_uuid("Schedule", s.id),
                "identifier": _ident(codes.SESSION_SYSTEM, s.id),
                "actor": [_ref("Location", s.theatre)],
                "planningHorizon": {
                    "start": clock.at(s.date, s.open),
                    "end": clock.at(s.date, s.close),
                },
            }
        )
        for start, end in _free_time(s, busy.get(s.id, [])):
            out.append(
                {
                    "resourceType": "Slot",
                    "id": codes.stable_uuid("Slot", s.id, start),
                    "schedule": _ref("Schedule", s.id),
                    "status": "free",
                    "start": clock.at(s.date, start),
                    "end": clock.at(s.date, end),
                }
            )
    return out


def _parties(scenario: Scenario) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for patient in sorted({c.patient for c in scenario.cases}):
        out.append(
            {
                "resourceType": "Patient",
                "id": codes.stable_uuid("Patient", patient),
                "identifier": _ident(codes.PATIENT_SYSTEM, patient),
            }
        )
    for s in scenario.surgeons:
        doctor: dict[str, Any] = {
            "resourceType": "Practitioner",
            "id": codes.stable_uuid("Practitioner", s.id),
            "identifier": _ident(codes.SURGEON_SYSTEM, s.id),
        }
        if s.name:
            doctor["name"] = [{"text": s.name}]
        out.append(doctor)
    for t in scenario.theatres:
        out.append(
            {
                "resourceType": "Location",
                "id": codes.stable_uuid("Location", t.id),
                "identifier": _ident(codes.THEATRE_SYSTEM, t.id),
                "name": t.id,
                "description": f"operating theatre at site {t.site}",
            }
        )
    return out


def _replaced(
    scenario: Scenario, plan: Plan, parent: Plan, clock: _Clock
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The parent's appointments this plan cancels or moves (status cancelled), and for each
    moved case the id of its former appointment."""
    cases = {c.id: c for c in scenario.cases}
    now = {e.case: e for e in plan.cases}
    cancelled: list[dict[str, Any]] = []
    former: dict[str, str] = {}
    for old in parent.scheduled():
        case, new = cases.get(old.case), now.get(old.case)
        if case is None or (new is not None and _same_slot(old, new)):
            continue
        moved = new is not None and new.scheduled
        why = "rescheduled" if moved else (case.cancelled or (new and new.reason) or "cancelled")
        cancelled.append(_appointment(case, old, clock, "cancelled", why))
        if moved:
            former[old.case] = _appointment_id(old)
    return cancelled, former


def _same_slot(old: CaseAssignment, new: CaseAssignment) -> bool:
    return new.scheduled and _appointment_id(old) == _appointment_id(new)


def export_bundle(
    scenario: Scenario,
    plan: Plan,
    *,
    proposed: bool = False,
    timezone: str = "Europe/Oslo",
    parent: Plan | None = None,
) -> Bundle:
    """The plan as a FHIR Bundle (type ``collection``), after the independent checker.

    Parameters
    ----------
    scenario
        The scenario the plan is for.
    plan
        The plan; it must pass :func:`orplan.check.check`.
    proposed
        Appointments get status ``proposed`` (a draft to confirm) instead of ``booked``.
    timezone
        IANA zone of the hospital's clock (session times are local wall-clock times).
    parent
        The published plan a replanned ``plan`` replaces: its appointments that move or are
        cancelled are included with status ``cancelled``.

    Returns
    -------
    fhir.resources.R4B.bundle.Bundle
        Validated by fhir.resources; identical for identical inputs.

    Raises
    ------
    OrplanError
        The plan breaks a hard rule, the time zone is unknown, or the plan records another
        parent than ``parent``.
    """
    clock = _Clock(timezone)
    # As orplan check: a replanned plan records its parent; another plan is not it.
    live = plan.live
    if parent is not None and live is not None and live.parent_sha256 != plan_digest(parent):
        raise OrplanError("--parent: the plan was not made from this parent plan")
    report = check(scenario, plan, parent=parent)
    if not report.ok:
        raise OrplanError(
            f"the plan breaks {len(report.violations)} hard rule(s); nothing written "
            "(orplan check lists them)"
        )
    cases = {c.id: c for c in scenario.cases}
    entries = {e.case: e for e in plan.cases}
    resources = _parties(scenario)
    resources += [_service_request(c, entries.get(c.id)) for c in scenario.cases]
    cancelled, former = _replaced(scenario, plan, parent, clock) if parent else ([], {})
    status = "proposed" if proposed else "booked"
    for e in plan.scheduled():
        appointment = _appointment(cases[e.case], e, clock, status)
        if e.case in former:
            appointment["extension"] = [
                {
                    "url": codes.RESCHEDULED_FROM_URL,
                    "valueReference": {"reference": codes.full_url(former[e.case])},
                }
            ]
        resources.append(appointment)
    resources += cancelled
    resources += _schedule_and_slots(scenario, plan, clock)
    digest = plan_digest(plan)
    tags = [
        f"orplan-version={orplan.__version__}",
        f"plan-sha256={digest}",
        f"timezone={timezone}",
        f"appointment-status={status}",
    ]
    if plan.run is not None:
        tags += [f"scenario={plan.run.scenario}", f"seed={plan.run.seed}"]
    if parent is not None:
        tags.append(f"parent-sha256={plan_digest(parent)}")
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": codes.stable_uuid("Bundle", *tags),
            "meta": {"tag": [{"system": codes.RUN_SYSTEM, "code": t} for t in tags]},
            "type": "collection",
            "entry": [{"fullUrl": codes.full_url(r["id"]), "resource": r} for r in resources],
        }
    )
