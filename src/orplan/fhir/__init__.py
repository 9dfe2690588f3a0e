"""FHIR R4 in and out (fhir.resources' R4B models): plans as Bundles, Bundles as waiting lists.

Examples
--------
>>> bundle = export_bundle(scenario, plan)  # doctest: +SKIP
>>> cases = load_bundle_cases(Path("waiting-list.json"))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orplan._lazy import lazy_package

if TYPE_CHECKING:
    from orplan.fhir.codes import NCSP_SYSTEM
    from orplan.fhir.export import export_bundle
    from orplan.fhir.importer import cases_from_bundle, load_bundle_cases, read_bundle
    from orplan.fhir.mapping import FhirMapping

# Imported on first use: ``orplan --help`` loads this package's cli module only (fhir.resources
# and the scenario model cost about 0.3 s at start-up otherwise).
lazy_package(
    __name__,
    {
        "NCSP_SYSTEM": "orplan.fhir.codes",
        "export_bundle": "orplan.fhir.export",
        "cases_from_bundle": "orplan.fhir.importer",
        "load_bundle_cases": "orplan.fhir.importer",
        "read_bundle": "orplan.fhir.importer",
        "FhirMapping": "orplan.fhir.mapping",
    },
)

__all__ = [
    "NCSP_SYSTEM",
    "FhirMapping",
    "cases_from_bundle",
    "export_bundle",
    "load_bundle_cases",
    "read_bundle",
]
