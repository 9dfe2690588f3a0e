"""FHIR Bundle of ``ServiceRequest``s -> orplan waiting-list cases.

Each request becomes one case: its patient, surgeon (first ``performer`` that is a
Practitioner), NCSP code, priority and requested period come from the bundle; what FHIR
does not carry (expected duration, turnover, sometimes the specialty) from orplan's own
extensions or the mapping file (:class:`~orplan.fhir.mapping.FhirMapping`). Every problem
is one line naming the file, the entry and the field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from orplan.errors import ScenarioError
from orplan.fhir import codes
from orplan.fhir.mapping import FhirMapping
from orplan.files import read_text
from orplan.scenario.model import Case

if TYPE_CHECKING:
    from orplan.durations.model import DurationModel

__all__ = ["cases_from_bundle", "load_bundle_cases", "read_bundle"]

#: Resources a waiting-list bundle may hold; only ServiceRequests become cases, the others
#: are what they refer to (or what orplan's own export adds beside them).
_KNOWN = frozenset(
    {
        "ServiceRequest",
        "Patient",
        "Practitioner",
        "Location",
        "Appointment",
        "Schedule",
        "Slot",
        "Procedure",
    }
)
#: Request statuses that are not (or no longer) waiting: imported as cancelled cases.
_CLOSED = frozenset({"revoked", "completed", "entered-in-error"})


def _where(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    """``entry[3] (ServiceRequest).code`` from a pydantic location in the bundle."""
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
            node = node[item] if isinstance(node, list) and item < len(node) else None
            resource = node.get("resource") if isinstance(node, dict) else None
            if isinstance(resource, dict) and "resourceType" in resource:
                parts.append(f" ({resource['resourceType']})")
        elif item == "resource" and parts and parts[-1].startswith(" ("):
            node = node.get(item) if isinstance(node, dict) else None
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts)


def read_bundle(path: Path) -> Bundle:
    """Read and validate a FHIR R4 Bundle (JSON) with fhir.resources' R4B models.

    Parameters
    ----------
    path
        The bundle file.

    Returns
    -------
    fhir.resources.R4B.bundle.Bundle

    Raises
    ------
    ScenarioError
        Not JSON, not a Bundle, or a resource fhir.resources rejects (unknown field, missing
        required field, wrong type): one line per problem naming the entry and field.
    """
    text = read_text(path, missing="FHIR bundle not found")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            str(path),
            [
                f"not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); a FHIR bundle is "
                "a JSON file"
            ],
        ) from None
    except RecursionError:
        raise ScenarioError(str(path), ["JSON nested too deeply"]) from None
    if not isinstance(data, dict):
        raise ScenarioError(str(path), ["top level must be a FHIR resource (a JSON object)"])
    kind = data.get("resourceType")
    if kind != "Bundle":
        raise ScenarioError(str(path), [f"resourceType: {kind!r}, expected 'Bundle'"])
    try:
        return Bundle.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{_where(tuple(e['loc']), data)}: {str(e['msg']).removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
        raise ScenarioError(str(path), problems) from None


def _identifier(resource: Any, system: str) -> str | None:
    for ident in resource.identifier or []:
        if ident.system == system and ident.value:
            return str(ident.value)
    return None


class _Index:
    """Bundle entries by the references that may name them (fullUrl, ``Type/id``)."""

    def __init__(self, bundle: Bundle) -> None:
        self.by_ref: dict[str, Any] = {}
        for entry in bundle.entry or []:
            resource = entry.resource
            if resource is None:
                continue
            if entry.fullUrl:
                self.by_ref[str(entry.fullUrl)] = resource
            if resource.id:
                self.by_ref[f"{resource.get_resource_type()}/{resource.id}"] = resource

    def resolve(self, reference: Any, kind: str, field: str) -> Any:
        """The resource a reference names, or a problem line (str) when there is none."""
        ref = getattr(reference, "reference", None)
        if not ref:
            return f"{field}: no reference (a {kind} is needed)"
        target = self.by_ref.get(str(ref))
        if target is None:
            return f"{field}: {ref} refers to nothing in the bundle"
        if target.get_resource_type() != kind:
            return f"{field}: {ref} is a {target.get_resource_type()}, not a {kind}"
        return target


def _party_id(resource: Any, system: str) -> str:
    """orplan's id of a Patient or Practitioner: its orplan identifier, else the first
    identifier, else the resource id."""
    own = _identifier(resource, system)
    if own:
        return own
    for ident in resource.identifier or []:
        if ident.value:
            return str(ident.value)
    return str(resource.id)


def _mapped_duration(
    record: dict[str, Any], mapping: FhirMapping, model: DurationModel | None
) -> int | None:
    """The expected minutes FHIR did not give: the mapping's entry for the NCSP code, else
    the fitted model's mean (procedure name, then code; the surgeon's own when fitted),
    else the mapping's default."""
    ncsp = record.get("ncsp")
    specific = mapping.procedures.get(ncsp) if ncsp else None
    if specific is not None and specific.duration is not None:
        return specific.duration
    if model is not None:
        params = model.lookup([record.get("procedure"), ncsp], record.get("surgeon"))
        if params is not None:
            record["duration_sd"] = round(params.sd, 1)
            return max(1, round(params.mean))
    return mapping.defaults.duration


def _record(
    request: Any, index: _Index, mapping: FhirMapping, model: DurationModel | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The case fields of one ServiceRequest, and the problems found."""
    problems: list[str] = []
    record: dict[str, Any] = {"id": _identifier(request, codes.CASE_SYSTEM) or request.id}
    if request.code is None:
        problems.append("code: missing: the requested procedure (NCSP-coded)")
        return record, problems
    ncsp = next((c.code for c in request.code.coding or [] if c.system == codes.NCSP_SYSTEM), None)
    display = next((c.display or c.code for c in request.code.coding or []), None)
    record["procedure"] = request.code.text or display
    if ncsp:
        record["ncsp"] = ncsp
    patient = index.resolve(request.subject, "Patient", "subject")
    if isinstance(patient, str):
        problems.append(patient)
    else:
        record["patient"] = _party_id(patient, codes.PATIENT_SYSTEM)
    surgeons = []
    for i, performer in enumerate(request.performer or []):
        doctor = index.resolve(performer, "Practitioner", f"performer[{i}]")
        if isinstance(doctor, str):
            problems.append(doctor)
        else:
            surgeons.append(_party_id(doctor, codes.SURGEON_SYSTEM))
    # One desired performer is the case's surgeon; several are those who may operate.
    if len(surgeons) == 1:
        record["surgeon"] = surgeons[0]
    elif surgeons:
        record["eligible_surgeons"] = surgeons
    codings = [(c.system, c.code) for cat in request.category or [] for c in cat.coding or []]
    if (codes.PATHWAY_SYSTEM, "cancer") in codings:
        record["cancer_pathway"] = True
    specialty = next(
        (
            c.code
            for cat in request.category or []
            for c in cat.coding or []
            if c.system == codes.SPECIALTY_SYSTEM
        ),
        None,
    )
    record["specialty"] = specialty or mapping.value(ncsp, "specialty")
    if record["specialty"] is None:
        problems.append(
            f"category: no {codes.SPECIALTY_SYSTEM} code; give the specialty in the mapping "
            "file (defaults: {specialty: ...})"
        )
    if request.priority:
        record["priority"] = codes.PRIORITY_FROM_FHIR[request.priority]
    elif mapping.value(ncsp, "priority") is not None:
        record["priority"] = mapping.value(ncsp, "priority")
    period = request.occurrencePeriod
    if period is not None and period.start is not None:
        record["release"] = str(period.start)[:10]
    if period is not None and period.end is not None:
        record["due"] = str(period.end)[:10]
    elif request.occurrenceDateTime is not None:
        # One requested moment: the latest date the case should be done by.
        record["due"] = str(request.occurrenceDateTime)[:10]
    duration = next(
        (
            x.valueDuration.value
            for x in request.extension or []
            if x.url == codes.EXPECTED_DURATION_URL and x.valueDuration is not None
        ),
        None,
    )
    record["duration"] = (
        duration if duration is not None else _mapped_duration(record, mapping, model)
    )
    if record["duration"] is None:
        problems.append(
            "duration: the bundle gives none; add it to the mapping file "
            f"(procedures: {{{ncsp or 'CODE'}: {{duration: MINUTES}}}} or defaults)"
        )
    spread = next(
        (
            x.valueDuration.value
            for x in request.extension or []
            if x.url == codes.EXPECTED_DURATION_SD_URL and x.valueDuration is not None
        ),
        None,
    )
    if spread is not None:
        record["duration_sd"] = spread
    if any(x.url == codes.MANDATORY_URL and x.valueBoolean for x in request.extension or []):
        record["mandatory"] = True
    turnover = mapping.value(ncsp, "turnover")
    if turnover is not None:
        record["turnover"] = turnover
    if request.status in _CLOSED:
        record["cancelled"] = f"request {request.status} in FHIR"
    return {k: v for k, v in record.items() if v is not None}, problems


def cases_from_bundle(
    bundle: Bundle,
    mapping: FhirMapping | None = None,
    source: str = "<bundle>",
    durations: DurationModel | None = None,
) -> list[tuple[int, Case]]:
    """The waiting-list cases of a bundle, each with its entry index.

    Parameters
    ----------
    bundle
        A validated bundle (:func:`read_bundle`).
    mapping
        Defaults for what the bundle does not carry; none when None.
    source
        The file name for messages.
    durations
        A fitted duration model (``orplan durations fit``) for requests whose duration
        neither the bundle nor the mapping's entry for their code gives.

    Returns
    -------
    list of (int, Case)

    Raises
    ------
    ScenarioError
        One line per problem: ``entry[3] (ServiceRequest, id=C4).subject: ...``.
    """
    mapping = mapping or FhirMapping()
    index = _Index(bundle)
    cases: list[tuple[int, Case]] = []
    problems: list[str] = []
    for number, entry in enumerate(bundle.entry or []):
        resource = entry.resource
        if resource is None:
            problems.append(f"entry[{number}].resource: missing")
            continue
        kind = resource.get_resource_type()
        if kind not in _KNOWN:
            problems.append(
                f"entry[{number}] ({kind}): a {kind} has no place in a waiting list "
                "(orplan reads ServiceRequests and the Patients and Practitioners they name)"
            )
            continue
        if kind != "ServiceRequest":
            continue
        record, found = _record(resource, index, mapping, durations)
        label = f"entry[{number}] (ServiceRequest, id={record['id']})"
        problems += [f"{label}.{p}" for p in found]
        if found:
            continue
        try:
            cases.append((number, Case.model_validate(record)))
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "request"
                problems.append(f"{label}.{field}: {err['msg']}")
    if problems:
        raise ScenarioError(source, problems)
    if not cases:
        raise ScenarioError(source, ["entry: the bundle holds no ServiceRequest"])
    return cases


def load_bundle_cases(
    path: Path, mapping: FhirMapping | None = None, durations: DurationModel | None = None
) -> list[tuple[int, Case]]:
    """:func:`read_bundle` then :func:`cases_from_bundle`, errors naming ``path``."""
    return cases_from_bundle(read_bundle(path), mapping, str(path), durations)
