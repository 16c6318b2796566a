"""Charts drawn on the server as SVG strings, for the PDF reports (pure Python, no Django).

Every text that goes into the SVG is escaped here; the caller passes ready-formatted
labels (numbers in the report's language) and the chart's accessible title and description.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

BAR_COLOUR = "#1d4f73"  # Klassa's brand blue, 9:1 on white
TRACK_COLOUR = "#e9ecef"
TEXT_COLOUR = "#212529"
GRID_COLOUR = "#adb5bd"
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str  # e.g. "K · Konfidentialitet"
    value: Decimal | None  # 0 … maximum; None when there is nothing to measure
    value_label: str  # e.g. "66,7 %" or "–"


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _num(value: Decimal | float | int) -> str:
    """An SVG coordinate: plain decimal notation, at most two decimals."""
    return f"{Decimal(value).quantize(Decimal('0.01')).normalize():f}"


def horizontal_bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    maximum: Decimal = Decimal(100),
    ticks: Sequence[int] = (0, 25, 50, 75, 100),
    tick_suffix: str = "\u00a0%",
    id_prefix: str = "chart",
    width: int = 640,
    label_width: int = 190,
    row_height: int = 30,
    bar_height: int = 18,
) -> str:
    """One horizontal bar per item, each with its label on the left and its value on the
    right. ``<title>`` and ``<desc>`` make it accessible; each bar has its own ``<title>``.
    """
    value_width = 80
    top, bottom = 12, 26
    plot_left = label_width
    plot_width = width - label_width - value_width
    height = top + row_height * max(len(bars), 1) + bottom
    maximum = maximum if maximum > 0 else Decimal(100)

    def x_for(value: Decimal) -> Decimal:
        clamped = min(max(value, Decimal(0)), maximum)
        return Decimal(plot_width) * clamped / maximum

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" font-family={quoteattr(FONT)} font-size="12">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    # Grid lines and tick labels.
    axis_y = top + row_height * max(len(bars), 1)
    for tick in ticks:
        x = plot_left + x_for(Decimal(tick))
        parts.append(
            f'<line class="grid" x1="{_num(x)}" y1="{top}" x2="{_num(x)}" y2="{axis_y}" '
            f'stroke="{GRID_COLOUR}" stroke-width="0.5" stroke-dasharray="2 2"/>'
        )
        parts.append(
            f'<text class="tick" x="{_num(x)}" y="{axis_y + 16}" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}">{escape(f"{tick}{tick_suffix}")}</text>'
        )
    for index, bar in enumerate(bars):
        y = top + index * row_height + (row_height - bar_height) // 2
        text_y = y + bar_height // 2 + 4
        bar_width = x_for(bar.value) if bar.value is not None else Decimal(0)
        parts.append(f'<g class="row"><title>{escape(f"{bar.label}: {bar.value_label}")}</title>')
        parts.append(
            f'<text class="label" x="{plot_left - 8}" y="{text_y}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(_truncate(bar.label, 28))}</text>'
        )
        parts.append(
            f'<rect class="track" x="{plot_left}" y="{y}" width="{plot_width}" '
            f'height="{bar_height}" fill="{TRACK_COLOUR}"/>'
        )
        parts.append(
            f'<rect class="bar" x="{plot_left}" y="{y}" width="{_num(bar_width)}" '
            f'height="{bar_height}" fill="{BAR_COLOUR}"/>'
        )
        parts.append(
            f'<text class="value" x="{plot_left + plot_width + 8}" y="{text_y}" '
            f'fill="{TEXT_COLOUR}" font-weight="bold">{escape(bar.value_label)}</text>'
        )
        parts.append("</g>")
    parts.append(
        f'<line class="axis" x1="{plot_left}" y1="{top}" x2="{plot_left}" y2="{axis_y}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
