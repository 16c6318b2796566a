"""The pieces every server-drawn SVG chart shares (pure Python, no Django).

Klassa draws its charts on the server as SVG strings: the same markup goes into the pages
and the PDF reports. Charts must pass the strict CSP (presentation attributes and classes
only: no ``style``, no script, no event handler), be accessible (``role="img"`` with a
``<title>`` and a ``<desc>`` that ``aria-labelledby`` names) and never break on odd input.
This module holds what that takes: escaping, safe ids, coordinate text, round axis ticks,
the opening tag, grid lines and texts. The chart modules (``assessments.charts``,
``benefits.charts``, ``portfolio.charts``) keep only what is specific to their charts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, localcontext
from xml.sax.saxutils import escape, quoteattr

from klassa_app.formatting import finite

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
TEXT_COLOUR = "#212529"
MUTED_COLOUR = "#495057"
GRID_COLOUR = "#adb5bd"
TRACK_COLOUR = "#e9ecef"
BRAND_COLOUR = "#1d4f73"  # Klassa's blue, 9:1 on white

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
CLOSE = "</svg>"

# Characters XML 1.0 does not allow at all (escaping cannot save them): a label pasted from
# another program must not make the whole chart unreadable.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ID_INVALID = re.compile(r"[^A-Za-z0-9_-]")
_CENT = Decimal("0.01")

Number = Decimal | float | int


# ---------------------------------------------------------------------------
# Text, attributes and ids
# ---------------------------------------------------------------------------


def esc(text: object) -> str:
    """Text content safe for XML: characters XML forbids removed, then escaped."""
    return escape(_XML_INVALID.sub("", str(text)))


def quote(text: object) -> str:
    """An attribute value with its quotes, safe for XML."""
    return quoteattr(_XML_INVALID.sub("", str(text)))


def safe_id(prefix: str) -> str:
    """An id prefix that cannot leave its attribute: anything but letters, digits, ``-``
    and ``_`` becomes ``-``."""
    return _ID_INVALID.sub("-", prefix) or "chart"


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with "…" (the full text goes in a ``<title>``)."""
    limit = max(limit, 2)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def coord(value: Number) -> str:
    """A coordinate in plain decimal notation with at most two decimals ("12.5", "0").

    Decimals are rounded exactly and floats from their exact binary value (the same digits
    as ``f"{x:.2f}"``), so a chart computed in either gives the same text. Anything not
    finite is drawn at 0 rather than written as "NaN" into the markup."""
    number = value if isinstance(value, Decimal) else Decimal(value)
    if not number.is_finite():
        return "0"
    with localcontext() as context:
        context.prec = max(28, number.adjusted() + 4)  # a huge coordinate keeps its digits
        text = f"{number.quantize(_CENT, rounding=ROUND_HALF_EVEN):f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("-0", "") else text


# ---------------------------------------------------------------------------
# Axes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Axis:
    """A linear value axis: ``ticks`` are round numbers from ``low`` to ``high``."""

    low: Decimal
    high: Decimal
    ticks: tuple[Decimal, ...]

    def fraction(self, value: Decimal) -> float:
        """0 at ``low``, 1 at ``high`` (clamped): amounts stay Decimal up to here, only the
        pixel position becomes a float."""
        span = self.high - self.low
        if span <= 0:
            return 0.0
        share = (value - self.low) / span
        return float(min(max(share, Decimal(0)), Decimal(1)))

    def position(self, value: Decimal, start: Number, length: Number) -> Decimal:
        """Where ``value`` lies on an axis drawn from ``start`` over ``length`` units,
        unclamped and exact (for charts that compute their coordinates in Decimal)."""
        span = self.high - self.low
        if span <= 0:
            return Decimal(str(start))
        return Decimal(str(start)) + Decimal(str(length)) * (value - self.low) / span


_NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
_MAX_TICKS = 50


def nice_axis(values: Sequence[object], *, include_zero: bool = True, count: int = 5) -> Axis:
    """Round ticks (1, 2, 2.5 or 5 × 10ⁿ apart, about ``count`` steps) covering the values.

    ``include_zero`` puts 0 on the axis, so that bars of amounts and their signs read
    honestly. Values that cannot be drawn (None, NaN, ∞) are ignored; one value or all-equal
    values still get a span around them (10 % either side, or 0 … 1 for zero)."""
    drawable = [v for v in (finite(v) for v in values) if v is not None]
    low = min(drawable, default=Decimal(0))
    high = max(drawable, default=Decimal(0))
    if include_zero:
        low, high = min(low, Decimal(0)), max(high, Decimal(0))
    if high == low:
        pad = abs(high) / 10 if high else Decimal(1)
        low, high = (low - pad if not include_zero or low < 0 else low), high + pad
        if include_zero and high <= 0:  # all values equal and negative
            high = Decimal(0)
    raw = (high - low) / max(count, 1)
    magnitude = Decimal(1).scaleb(raw.adjusted())
    step = next(s * magnitude for s in _NICE_STEPS if s * magnitude >= raw)
    first = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    last = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    ticks: list[Decimal] = []
    tick = first
    while tick <= last and len(ticks) < _MAX_TICKS:
        ticks.append(tick.normalize() if tick else Decimal(0))  # no "-0", no "2.50"
        tick += step
    return Axis(low=first, high=last, ticks=tuple(ticks))


# ---------------------------------------------------------------------------
# Elements
# ---------------------------------------------------------------------------


def open_svg(
    *,
    width: Number,
    height: Number,
    title: str,
    description: str,
    id_prefix: str,
    attributes: Sequence[tuple[str, str]] = (),
    font_size: int = 12,
    fill: str | None = None,
) -> list[str]:
    """The opening tag (``viewBox`` 0 0 width height, ``role="img"``) with its ``<title>``
    and, when there is one, ``<desc>``; ``aria-labelledby`` names both. ``attributes`` are
    the chart's own (class, width, id, …), written as given."""
    prefix = safe_id(id_prefix)
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    labelled_by = f"{title_id} {desc_id}" if description else title_id
    own = "".join(f" {name}={quote(value)}" for name, value in attributes)
    paint = f' fill="{fill}"' if fill else ""
    parts = [
        f'<svg xmlns="{SVG_NAMESPACE}"{own} viewBox="0 0 {coord(width)} {coord(height)}" '
        f'role="img" aria-labelledby="{labelled_by}" font-family={quoteattr(FONT)} '
        f'font-size="{font_size}"{paint}>',
        f'<title id="{title_id}">{esc(title)}</title>',
    ]
    if description:
        parts.append(f'<desc id="{desc_id}">{esc(description)}</desc>')
    return parts


def grid_line(x1: Number, y1: Number, x2: Number, y2: Number, *, css: str | None = "grid") -> str:
    """A thin dashed grid line (a class when it is not inside a grid group)."""
    klass = f'class="{css}" ' if css else ""
    return (
        f'<line {klass}x1="{coord(x1)}" y1="{coord(y1)}" x2="{coord(x2)}" y2="{coord(y2)}" '
        f'stroke="{GRID_COLOUR}" stroke-width="0.5" stroke-dasharray="2 2"/>'
    )


def text(
    x: Number,
    y: Number,
    content: object,
    *,
    css: str | None = None,
    anchor: str | None = None,
    fill: str | None = TEXT_COLOUR,
    extra: str = "",
) -> str:
    """A ``<text>`` at (x, y); ``content`` is escaped here, ``extra`` is further
    presentation attributes written as given (``'font-size="11"'``)."""
    attributes = [f'class="{css}"'] if css else []
    attributes += [f'x="{coord(x)}"', f'y="{coord(y)}"']
    if anchor:
        attributes.append(f'text-anchor="{anchor}"')
    if fill:
        attributes.append(f'fill="{fill}"')
    if extra:
        attributes.append(extra)
    return f"<text {' '.join(attributes)}>{esc(content)}</text>"
