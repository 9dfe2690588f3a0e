"""Inline SVG timelines for the HTML report: one row per theatre or surgeon, bars for cases.

The SVG is plain markup styled by the report's CSS (classes ``tl``, ``case``, ``session``,
...), so it stays small, sharp at any zoom and searchable; hovering a case shows its details
(an SVG ``<title>``). The hatch pattern for allowed overtime is defined once per document by
:func:`svg_defs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

__all__ = ["Band", "Bar", "Row", "hhmm", "svg_defs", "text_colour", "timeline_svg"]

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
    """

    start: int
    end: int
    kind: str
    title: str = ""


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
        Extra CSS classes, e.g. ``"late"``.
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


@dataclass
class Row:
    """One row of a timeline (a theatre or a surgeon).

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
    bands, bars
        Backgrounds and cases.
    """

    label: str
    sublabel: str = ""
    note: str = ""
    note_class: str = ""
    bands: list[Band] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)


def svg_defs() -> str:
    """Return a zero-size SVG holding the shared hatch pattern; put it once in the page.

    Returns
    -------
    str
        SVG markup.
    """
    return (
        '<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false">'
        f'<defs><pattern id="{HATCH_ID}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#c3cad3" stroke-width="2"/></pattern>'
        "</defs></svg>"
    )


def _fit(text: str, width: float) -> bool:
    return len(text) * CHAR_W + 6 <= width


def timeline_svg(rows: list[Row], t0: int, t1: int, *, title: str, css_class: str = "") -> str:
    """Draw rows of cases against a clock axis from ``t0`` to ``t1`` as inline SVG.

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
    str
        An ``<svg>`` element scaled to the width of its container.
    """
    t1 = max(t1, t0 + 60)
    x0, x1 = LABEL_W, WIDTH - NOTE_W
    scale = (x1 - x0) / (t1 - t0)

    def x(t: float) -> float:
        return round(x0 + (min(max(t, t0), t1) - t0) * scale, 1)

    height = AXIS_H + ROW_H * max(1, len(rows)) + 6
    out: list[str] = [
        f'<svg class="tl {css_class}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">'
    ]
    for i in range(len(rows)):
        if i % 2:
            out.append(
                f'<rect class="stripe" x="0" y="{AXIS_H + i * ROW_H}" '
                f'width="{WIDTH}" height="{ROW_H}"/>'
            )
    out.append('<g class="axis">')
    first_hour = -(-t0 // 60) * 60
    for t in range(first_hour, t1 + 1, 60):
        out.append(
            f'<line class="grid" x1="{x(t)}" x2="{x(t)}" y1="{AXIS_H - 4}" y2="{height - 6}"/>'
        )
        out.append(f'<text x="{x(t)}" y="{AXIS_H - 8}" text-anchor="middle">{hhmm(t)}</text>')
    out.append("</g>")
    for i, row in enumerate(rows):
        top = AXIS_H + i * ROW_H
        mid = top + ROW_H / 2
        if row.sublabel:
            out.append(f'<text class="label" x="8" y="{mid - 2}">{escape(row.label)}</text>')
            out.append(f'<text class="sublabel" x="8" y="{mid + 10}">{escape(row.sublabel)}</text>')
        else:
            out.append(f'<text class="label" x="8" y="{mid + 4}">{escape(row.label)}</text>')
        if row.note:
            cls = f"note {row.note_class}".strip()
            out.append(
                f'<text class="{cls}" x="{WIDTH - 8}" y="{mid + 4}" '
                f'text-anchor="end">{escape(row.note)}</text>'
            )
        for band in row.bands:
            if band.end <= t0 or band.start >= t1:
                continue
            tip = f"<title>{escape(band.title)}</title>" if band.title else ""
            out.append(
                f'<rect class="{band.kind}" x="{x(band.start)}" y="{top + 3}" '
                f'width="{x(band.end) - x(band.start)}" height="{ROW_H - 6}">{tip}'
                "</rect>"
            )
        for bar in row.bars:
            bx, bw = x(bar.start), max(1.5, x(bar.end) - x(bar.start))
            by = top + (ROW_H - BAR_H) / 2
            if bar.tail:
                tx = x(bar.end)
                tw = x(bar.end + bar.tail) - tx
                out.append(
                    f'<rect class="turnover" x="{tx}" y="{by + BAR_H - 6}" '
                    f'width="{tw}" height="6"/>'
                )
            cls = f"case {bar.classes}".strip()
            out.append(
                f'<g class="{cls}" data-case="{escape(bar.case)}"><title>{escape(bar.title)}'
                f'</title><rect x="{bx}" y="{by}" width="{round(bw, 1)}" height="{BAR_H}" '
                f'rx="3" fill="{bar.colour}"/>'
            )
            text = bar.label if _fit(bar.label, bw) else bar.short if _fit(bar.short, bw) else ""
            if text:
                out.append(
                    f'<text x="{round(bx + bw / 2, 1)}" y="{by + BAR_H / 2 + 4}" '
                    f'text-anchor="middle" fill="{text_colour(bar.colour)}">'
                    f"{escape(text)}</text>"
                )
            out.append("</g>")
    out.append("</svg>")
    return "".join(out)
