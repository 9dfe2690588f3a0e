"""Clock times: ``"HH:MM"`` in files, minutes after midnight inside orplan."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

_CLOCK_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::00)?$")
_CLOCK_SHAPE_RE = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")


def parse_clock(value: Any) -> int:
    """Return minutes after midnight for ``"HH:MM"`` (or an int already in minutes).

    Parameters
    ----------
    value
        A string such as ``"07:45"`` or an integer number of minutes in ``[0, 1440]``.

    Returns
    -------
    int
        Minutes after midnight.
    """
    if isinstance(value, bool):
        raise ValueError("expected a clock time 'HH:MM'")
    if isinstance(value, int):
        if 0 <= value <= 24 * 60:
            return value
        raise ValueError(f"minutes after midnight must be in 0..1440, got {value}")
    if isinstance(value, str):
        text = value.strip()
        if text == "24:00":
            return 24 * 60
        match = _CLOCK_RE.match(text)
        if match:
            return int(match.group(1)) * 60 + int(match.group(2))
        if _CLOCK_SHAPE_RE.match(text):
            # Shaped like a time but past 24:00 or :59 (an unquoted 25:00 in YAML).
            raise ValueError(f"{text} is not a time of day (00:00 to 24:00)")
    raise ValueError(f"expected a clock time 'HH:MM', got {value!r}")


def format_clock(minutes: int) -> str:
    """Return ``"HH:MM"`` for minutes after midnight."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


ClockTime = Annotated[
    int,
    BeforeValidator(parse_clock),
    PlainSerializer(format_clock, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}:\d{2}$", "examples": ["08:00"]}),
]
"""A clock time: ``"HH:MM"`` in files, minutes after midnight in Python."""
