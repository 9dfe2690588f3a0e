"""Timelines of the day view: one row per theatre, surgeon or resource, against the clock.

This module only lays the rows out (positions in the SVG's own units); the markup is drawn
by the Jinja2 macro ``templates/_timeline.html`` with autoescape, for the static report and
the web workbench alike. The SVG stays small, sharp at any zoom and searchable; hovering a
case shows its details (an SVG ``<title>``). The hatch pattern for allowed overtime is
defined once per document by ``templates/_svg_defs.html``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Band",
    "Bar",
    "Chart",
    "Level",
    "Row",
    "hhmm",
    "text_colour",
    "timeline_chart",
]

WIDTH = 1200
LABEL_W = 150
NOTE_W = 140
AXIS_H = 22
ROW_H = 30
BAR_H = 20
CHAR_W = 6.1  # average width of an 11 px character in the SVG's units
HATCH_ID = "orplan-hatch"


def hhmm(minutes: int) -> str:
    """Return ``"HH:MM"`` for minutes after midnight.

    Parameters
    ----------
    minutes
        Minutes after midnight.

    Returns
    -------
    str
        Zero-padded clock time.
    """
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def text_colour(fill: str) -> str:
    """Return a readable text colour (near-black or white) on a ``#rrggbb`` fill.

    Parameters
    ----------
    fill
        Background colour as ``#rrggbb``.

    Returns
    -------
    str
        ``"#ffffff"`` on dark fills, ``"#1f2933"`` on light ones.
    """
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.299 * r + 0.587 * g + 0.114 * b
    return "#1f2933" if luminance > 150 else "#ffffff"


@dataclass(frozen=True)
class Band:
    """A background interval in a row: a session, its allowed overtime, a presence window.

    Attributes
    ----------
    start, end
        Minutes after midnight.
    kind
        CSS class: ``"session"``, ``"overtime"`` or ``"window"``.
    title
        Tooltip text.
    session
        The session's id on session and overtime bands (the workbench drops cases on it).
    """

    start: int
    end: int
    kind: str
    title: str = ""
    session: str = ""


@dataclass(frozen=True)
class Bar:
    """A case drawn in a row.

    Attributes
    ----------
    start, end
        Minutes after midnight.
    label
        Text shown when it fits (else ``short``, else nothing).
    short
        Shorter text for narrow bars.
    colour
        Fill ``#rrggbb``.
    title
        Tooltip (newlines allowed).
    case
        Case id (``data-case`` attribute).
    classes
        Extra CSS classes, e.g. ``"late"``, ``"conflict"``, ``"pinned"``.
    tail
        Turnover minutes drawn as a thin strip after the bar.
    """

    start: int
    end: int
    label: str
    short: str
    colour: str
    title: str
    case: str
    classes: str = ""
    tail: int = 0


@dataclass(frozen=True)
class Level:
    """A load held over an interval in a resource row (beds or equipment in use).

    Attributes
    ----------
    start, end
        Minutes after midnight.
    load
        Units in use.
    share
        Load as a share of the row's scale (its capacity, else its peak), 0 to 1.
    over
        True when the load exceeds the capacity.
    title
        Tooltip text.
    """

    start: int
    end: int
    load: int
    share: float
    over: bool
    title: str


@dataclass
class Row:
    """One row of a timeline (a theatre, a surgeon or a resource).

    Attributes
    ----------
    label
        Bold name at the left.
    sublabel
        Small grey text under the name.
    note
        Text at the right (e.g. utilisation).
    note_class
        CSS class of the note (``"warn"`` highlights it).
    key
        What the row stands for in the workbench (``data-theatre`` of a theatre row).
    bands, bars, levels
        Backgrounds, cases and resource loads.
    """

    label: str
    sublabel: str = ""
    note: str = ""
    note_class: str = ""
    key: str = ""
    bands: list[Band] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)


@dataclass
class Chart:
    """A timeline laid out in the SVG's units, ready for ``_timeline.html``.

    Attributes
    ----------
    title
        Accessible name.
    css_class
        Extra class of the ``<svg>`` (``theatres``, ``surgeons``, ``resources``).
    width, height
        The view box.
    t0, t1
        The clock axis in minutes; ``x0`` and ``x1`` are where it starts and ends.
    ticks
        ``(x, "HH:MM")`` of each full hour.
    rows
        Dicts of positioned shapes per row (see :func:`timeline_chart`).
    """

    title: str
    css_class: str
    width: int
    height: int
    t0: int
    t1: int
    x0: float
    x1: float
    ticks: list[tuple[float, str]]
    rows: list[dict[str, object]]


def _fit(text: str, width: float) -> bool:
    return len(text) * CHAR_W + 6 <= width


def _lanes(bars: list[Bar]) -> tuple[list[int], int]:
    """A sub-lane per bar so that overlapping bars (a plan that breaks a rule) sit one above
    the other instead of hiding each other; and the number of sub-lanes (1 when none
    overlap)."""
    ends: list[int] = []
    lane_of = []
    for bar in bars:
        free = next((i for i, end in enumerate(ends) if end <= bar.start), None)
        if free is None:
            ends.append(bar.end)
            free = len(ends) - 1
        else:
            ends[free] = bar.end
        lane_of.append(free)
    return lane_of, max(1, len(ends))


def timeline_chart(rows: list[Row], t0: int, t1: int, *, title: str, css_class: str = "") -> Chart:
    """Lay ``rows`` out against a clock axis from ``t0`` to ``t1``.

    Parameters
    ----------
    rows
        The rows, top to bottom.
    t0, t1
        Axis range in minutes after midnight (``t1 > t0``).
    title
        Accessible name of the chart.
    css_class
        Extra class on the ``<svg>`` element.

    Returns
    -------
    Chart
        Per row: ``row`` (the :class:`Row`), ``top``, ``mid``, ``stripe`` (odd rows),
        ``bands`` (``band``, ``x``, ``w``), ``bars`` (``bar``, ``x``, ``w``, ``y``, ``h``,
        ``text``, ``tx``, ``ty``, ``ink``, ``tail_x``, ``tail_y``, ``tail_w``, ``tail_h``;
        overlapping bars get sub-lanes of a lower height) and ``levels`` (``level``, ``x``, ``w``,
        ``y``, ``h``, ``text``, ``tx``).
    """
    t1 = max(t1, t0 + 60)
    x0, x1 = LABEL_W, WIDTH - NOTE_W
    scale = (x1 - x0) / (t1 - t0)

    def x(t: float) -> float:
        return round(x0 + (min(max(t, t0), t1) - t0) * scale, 1)

    height = AXIS_H + ROW_H * max(1, len(rows)) + 6
    first_hour = -(-t0 // 60) * 60
    ticks = [(x(t), hhmm(t)) for t in range(first_hour, t1 + 1, 60)]
    laid: list[dict[str, object]] = []
    for i, row in enumerate(rows):
        top = AXIS_H + i * ROW_H
        bands = [
            {"band": b, "x": x(b.start), "w": round(x(b.end) - x(b.start), 1)}
            for b in row.bands
            if b.end > t0 and b.start < t1
        ]
        bars = []
        ordered = sorted(row.bars, key=lambda b: (b.start, b.end))
        lane_of, lanes = _lanes(ordered)
        bar_h = BAR_H if lanes == 1 else round((ROW_H - 4) / lanes - 1, 1)
        for bar, lane in zip(ordered, lane_of, strict=True):
            bx, bw = x(bar.start), round(max(1.5, x(bar.end) - x(bar.start)), 1)
            text = bar.label if _fit(bar.label, bw) else bar.short if _fit(bar.short, bw) else ""
            y = top + (ROW_H - BAR_H) / 2 if lanes == 1 else round(top + 2 + lane * (bar_h + 1), 1)
            tail_x, tail_h = x(bar.end), round(min(6, bar_h / 3), 1)
            bars.append({
                "bar": bar, "x": bx, "w": bw, "y": y, "h": bar_h,
                "text": text if bar_h >= 11 else "",
                "tx": round(bx + bw / 2, 1), "ty": round(y + bar_h / 2 + 4, 1),
                "ink": text_colour(bar.colour), "tail_x": tail_x,
                "tail_w": round(x(bar.end + bar.tail) - tail_x, 1),
                "tail_y": round(y + bar_h - tail_h, 1), "tail_h": tail_h,
            })  # fmt: skip
        levels = []
        for lv in row.levels:
            if lv.end <= t0 or lv.start >= t1:
                continue
            lx, lw = x(lv.start), round(x(lv.end) - x(lv.start), 1)
            h = round((ROW_H - 8) * max(0.15, min(1.0, lv.share)), 1)
            levels.append({
                "level": lv, "x": lx, "w": lw, "y": top + ROW_H - 4 - h, "h": h,
                "text": str(lv.load) if _fit(str(lv.load), lw) else "", "tx": round(lx + lw / 2, 1),
            })  # fmt: skip
        laid.append({"row": row, "top": top, "mid": top + ROW_H / 2, "stripe": i % 2 == 1,
                     "bands": bands, "bars": bars, "levels": levels})  # fmt: skip
    return Chart(title, css_class, WIDTH, height, t0, t1, x0, x1, ticks, laid)
