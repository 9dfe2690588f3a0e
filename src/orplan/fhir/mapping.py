"""The mapping file of ``orplan import fhir``: what orplan needs that FHIR does not carry.

Example (YAML)::

    defaults: {duration: 60, specialty: general}
    procedures:
      NFB49: {duration: 120, specialty: orthopaedics}

A case's expected duration comes from the bundle's ``expected-duration`` extension (orplan's
own exports carry it), else from ``procedures[<NCSP code>]``, else from ``defaults``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from orplan.scenario.model import Id, Minutes, PositiveMinutes, PriorityClass

__all__ = ["CaseDefaults", "FhirMapping"]


class CaseDefaults(BaseModel):
    """Case fields for requests whose bundle entry does not give them."""

    model_config = ConfigDict(extra="forbid")

    duration: PositiveMinutes | None = Field(
        default=None, description="Expected operating minutes."
    )
    turnover: Minutes | None = Field(default=None, description="Cleaning minutes after.")
    specialty: Id | None = Field(default=None, description="Specialty performing the case.")
    priority: PriorityClass | None = Field(
        default=None, description="Priority class when the request has no priority."
    )


class FhirMapping(BaseModel):
    """Defaults for all requests, and per NCSP procedure code."""

    model_config = ConfigDict(extra="forbid")

    defaults: CaseDefaults = Field(default_factory=CaseDefaults, description="For every case.")
    procedures: dict[str, CaseDefaults] = Field(
        default_factory=dict, description="By NCSP code; these win over the defaults."
    )

    def value(self, code: str | None, field: str) -> object:
        """The mapped ``field`` for a procedure code: its own entry first, then defaults."""
        specific = self.procedures.get(code) if code else None
        if specific is not None and getattr(specific, field) is not None:
            return getattr(specific, field)
        return getattr(self.defaults, field)
