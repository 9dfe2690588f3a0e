"""Code systems, identifier systems and extension URLs of orplan's FHIR bundles.

Ids are name-based UUIDs (``uuid5``) of orplan's own ids, so exporting the same plan twice
gives the same bundle, byte for byte, and a receiving system can match resources across
exports.
"""

from __future__ import annotations

import uuid

#: NCSP (Nordic classification of surgical procedures), Norwegian edition (Volven 7275).
NCSP_SYSTEM = "urn:oid:2.16.578.1.12.4.1.1.7275"
#: Identifier systems carrying orplan's own ids.
CASE_SYSTEM = "urn:orplan:case"
PATIENT_SYSTEM = "urn:orplan:patient"
SURGEON_SYSTEM = "urn:orplan:surgeon"
THEATRE_SYSTEM = "urn:orplan:theatre"
SESSION_SYSTEM = "urn:orplan:session"
SPECIALTY_SYSTEM = "urn:orplan:specialty"
#: Category code marking a case on a cancer pathway (pakkeforløp): code ``cancer``.
PATHWAY_SYSTEM = "urn:orplan:pathway"
#: Bundle.meta tags recording how the bundle was made (version, plan digest, settings).
RUN_SYSTEM = "urn:orplan:run"
#: Extensions for what FHIR has no field for.
EXPECTED_DURATION_URL = "urn:orplan:extension:expected-duration"
RESCHEDULED_FROM_URL = "urn:orplan:extension:rescheduled-from"
EXPECTED_DURATION_SD_URL = "urn:orplan:extension:expected-duration-sd"
MANDATORY_URL = "urn:orplan:extension:mandatory"
UNSCHEDULED_REASON_URL = "urn:orplan:extension:unscheduled-reason"

#: orplan priority class (1 most urgent) -> FHIR request priority, and back. FHIR has four
#: codes in the order routine < urgent < asap < stat, so the classes map one to one.
PRIORITY_TO_FHIR = {1: "stat", 2: "asap", 3: "urgent", 4: "routine"}
PRIORITY_FROM_FHIR = {v: k for k, v in PRIORITY_TO_FHIR.items()}

#: Namespace of the name-based UUIDs (uuid5 of the URL namespace and a fixed name).
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:orplan:fhir")


def stable_uuid(kind: str, *parts: object) -> str:
    """A name-based UUID for one resource: the same ``kind`` and ``parts`` give the same id.

    Parameters
    ----------
    kind
        Resource kind, e.g. ``"ServiceRequest"``.
    parts
        orplan ids (and, for appointments, the slot) naming the resource.

    Returns
    -------
    str
        The UUID as text.
    """
    name = "\x1f".join([kind, *(str(p) for p in parts)])
    return str(uuid.uuid5(_NAMESPACE, name))


def full_url(resource_id: str) -> str:
    """The ``urn:uuid:`` form bundle entries and references use."""
    return f"urn:uuid:{resource_id}"
