"""FHIR R4 in and out (fhir.resources' R4B models): plans as Bundles, Bundles as waiting lists.

Examples
--------
>>> bundle = export_bundle(scenario, plan)  # doctest: +SKIP
>>> cases = load_bundle_cases(Path("waiting-list.json"))  # doctest: +SKIP
"""

from orplan.fhir.codes import NCSP_SYSTEM
from orplan.fhir.export import export_bundle
from orplan.fhir.importer import cases_from_bundle, load_bundle_cases, read_bundle
from orplan.fhir.mapping import FhirMapping

__all__ = [
    "NCSP_SYSTEM",
    "FhirMapping",
    "cases_from_bundle",
    "export_bundle",
    "load_bundle_cases",
    "read_bundle",
]
