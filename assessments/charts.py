"""Charts drawn on the server as SVG strings, for the PDF reports (pure Python, no Django).

Every text that goes into the SVG is escaped (``klassa_app.svg``); the caller passes
ready-formatted labels (numbers in the report's language) and the chart's accessible title
and description.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from klassa_app import svg
from klassa_app.svg import TEXT_COLOUR

BAR_COLOUR = svg.BRAND_COLOUR


@dataclass(frozen=True)
class Bar:
    label: str  # e.g. "K · Konfidentialitet"
    value: Decimal | None  # 0 … maximum; None when there is nothing to measure
    value_label: str  # e.g. "66,7 %" or "–"


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

    # Drawn at its pixel size in the PDF, hence width and height besides the viewBox.
    parts = svg.open_svg(
        width=width,
        height=height,
        title=title,
        description=description,
        id_prefix=id_prefix,
        attributes=(("width", str(width)), ("height", str(height))),
    )
    axis_y = top + row_height * max(len(bars), 1)
    for tick in ticks:
        x = plot_left + x_for(Decimal(tick))
        parts.append(svg.grid_line(x, top, x, axis_y))
        parts.append(svg.text(x, axis_y + 16, f"{tick}{tick_suffix}", css="tick", anchor="middle"))
    for index, bar in enumerate(bars):
        y = top + index * row_height + (row_height - bar_height) // 2
        text_y = y + bar_height // 2 + 4
        bar_width = x_for(bar.value) if bar.value is not None else Decimal(0)
        parts.append(f'<g class="row"><title>{svg.esc(f"{bar.label}: {bar.value_label}")}</title>')
        parts.append(
            svg.text(plot_left - 8, text_y, svg.truncate(bar.label, 28), css="label", anchor="end")
        )
        parts.append(
            f'<rect class="track" x="{plot_left}" y="{y}" width="{plot_width}" '
            f'height="{bar_height}" fill="{svg.TRACK_COLOUR}"/>'
        )
        parts.append(
            f'<rect class="bar" x="{plot_left}" y="{y}" width="{svg.coord(bar_width)}" '
            f'height="{bar_height}" fill="{BAR_COLOUR}"/>'
        )
        parts.append(
            svg.text(
                plot_left + plot_width + 8,
                text_y,
                bar.value_label,
                css="value",
                extra='font-weight="bold"',
            )
        )
        parts.append("</g>")
    parts.append(
        f'<line class="axis" x1="{plot_left}" y1="{top}" x2="{plot_left}" y2="{axis_y}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="1"/>'
    )
    parts.append(svg.CLOSE)
    return "".join(parts)
