"""One broken hard rule, as the checker reports it."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["Violation"]


class Violation(BaseModel):
    """One broken hard rule.

    Attributes
    ----------
    rule
        Rule id from ``docs/rules.md``, e.g. ``"session-hours"``.
    case
        The case at fault, when the violation concerns one case.
    surgeon
        The surgeon concerned, when there is one.
    session
        The session concerned, when there is one.
    cases
        Every case involved, for capacity rules that no single case breaks.
    message
        Human-readable explanation with the numbers.
    """

    rule: str = Field(description="Rule id from docs/rules.md.")
    case: str | None = Field(default=None, description="Case id at fault.")
    surgeon: str | None = Field(default=None, description="Surgeon id concerned.")
    session: str | None = Field(default=None, description="Session id concerned.")
    cases: list[str] = Field(
        default_factory=list, description="All cases involved (capacity rules)."
    )
    message: str = Field(description="What is wrong, with the numbers.")

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"
