"""The benefit model's charts as SVG strings, drawn on the server (pure Python, no Django).

Two charts: the yearly flows of one scenario (benefit and cost bars, cumulative net as a
line, a zero line) and the tornado (each input −20 % / +20 %, the NPV each gives). The caller
passes translated labels and a money formatter (Swedish format in the application); every
text is escaped (``klassa_app.svg``). Each chart is ``role="img"`` with ``<title>``,
``<desc>`` and an ``aria-labelledby`` to both; the page adds a data table as the text
alternative.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from klassa_app import svg
from klassa_app.svg import TEXT_COLOUR, coord, esc

BENEFIT_COLOUR = "#1d4f73"  # brand blue, 9:1 on white
COST_COLOUR = "#a94400"  # dark orange, 5.4:1 on white
NET_COLOUR = "#146c43"  # dark green, 6.4:1 on white
MINUS_COLOUR = "#a94400"
PLUS_COLOUR = "#1d4f73"

Money = Callable[[Decimal], str]


@dataclass(frozen=True)
class YearPoint:
    year: int
    benefit: Decimal
    cost: Decimal
    cumulative_net: Decimal


@dataclass(frozen=True)
class TornadoBar:
    label: str  # what the input belongs to, e.g. a lever's name
    low: Decimal  # NPV with the input × 0.8
    high: Decimal  # NPV with the input × 1.2
    detail: str = ""  # which of its inputs, e.g. "Reduction"; kept whole when the label is cut

    @property
    def text(self) -> str:
        return f"{self.label}{DETAIL_SEPARATOR}{self.detail}" if self.detail else self.label


DETAIL_SEPARATOR = " — "
# Conservative average glyph widths of the sans-serif fonts (DejaVu Sans is the widest) in
# units of the font size: enough to keep a label or a tick inside its room.
CHAR_WIDTH = Decimal("0.62")
DIGIT_WIDTH = Decimal("0.64")


def fit_label(label: str, detail: str, limit: int) -> str:
    """``label — detail`` in at most ``limit`` characters: the label is cut (with "…") before
    the detail, so that rows of the same lever can still be told apart."""
    text = f"{label}{DETAIL_SEPARATOR}{detail}" if detail else label
    if len(text) <= limit:
        return text
    room = limit - len(DETAIL_SEPARATOR) - len(detail)
    if detail and room >= 6:
        return svg.truncate(label, room) + DETAIL_SEPARATOR + detail
    return svg.truncate(text, limit)


def _value(value: Decimal) -> str:
    """A value for a data attribute: money to the öre."""
    return format(value.quantize(Decimal("0.01")) + 0, "f")


def _open(
    title: str, description: str, id_prefix: str, width: int, height: int, font_size: int = 12
) -> list[str]:
    return svg.open_svg(
        width=width,
        height=height,
        title=title,
        description=description,
        id_prefix=id_prefix,
        attributes=(("class", "benefit-chart"), ("id", svg.safe_id(id_prefix))),
        font_size=font_size,
    )


def _legend(
    items: Sequence[tuple[str, str, str]], x: int, y: int, char_width: Decimal = Decimal(7)
) -> list[str]:
    """(label, colour, "bar" | "line") entries in a row; ``char_width`` is the room per
    character of a label at the chart's font size."""
    parts = ['<g class="legend">']
    for label, colour, shape in items:
        if shape == "line":
            parts.append(
                f'<line x1="{x}" y1="{y - 4}" x2="{x + 14}" y2="{y - 4}" stroke="{colour}" '
                f'stroke-width="3"/>'
            )
        else:
            parts.append(f'<rect x="{x}" y="{y - 10}" width="14" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 20}" y="{y}" fill="{TEXT_COLOUR}">{esc(label)}</text>')
        x += 30 + int(char_width * len(label))
    parts.append("</g>")
    return parts


def yearly_chart(
    points: Sequence[YearPoint],
    *,
    title: str,
    description: str,
    benefit_label: str,
    cost_label: str,
    net_label: str,
    year_label: Callable[[int], str],
    money: Money,
    id_prefix: str = "yearly-chart",
    width: int = 640,
    height: int = 320,
) -> str:
    """Benefit and cost bars per year 0..H and the cumulative net as a line with points."""
    left, right, top, bottom = 130, 16, 34, 34
    plot_width, plot_height = width - left - right, height - top - bottom
    values = [Decimal(0)]
    for p in points:
        values += [p.benefit, p.cost, p.cumulative_net]
    axis = svg.nice_axis(values)

    def y_for(value: Decimal) -> Decimal:
        return axis.position(value, top + plot_height, -plot_height)

    parts = _open(title, description, id_prefix, width, height)
    parts += _legend(
        [
            (benefit_label, BENEFIT_COLOUR, "bar"),
            (cost_label, COST_COLOUR, "bar"),
            (net_label, NET_COLOUR, "line"),
        ],
        left,
        16,
    )
    for tick in axis.ticks:
        y = y_for(tick)
        parts.append(svg.grid_line(left, y, width - right, y))
        parts.append(svg.text(left - 6, y, money(tick), css="tick", anchor="end", extra='dy="4"'))
    band = Decimal(plot_width) / max(len(points), 1)
    bar = band * Decimal("0.32")
    zero = y_for(Decimal(0))
    line_points = []
    for index, p in enumerate(points):
        x0 = left + band * index
        middle = x0 + band / 2
        parts.append(
            f'<g class="year" data-year="{p.year}"><title>'
            + esc(
                f"{year_label(p.year)}: {benefit_label} {money(p.benefit)}, "
                f"{cost_label} {money(p.cost)}, {net_label} {money(p.cumulative_net)}"
            )
            + "</title>"
        )
        for offset, value, colour, css in (
            (middle - bar, p.benefit, BENEFIT_COLOUR, "benefit"),
            (middle, p.cost, COST_COLOUR, "cost"),
        ):
            y = y_for(value)
            parts.append(
                f'<rect class="{css}" x="{coord(offset)}" y="{coord(min(y, zero))}" '
                f'width="{coord(bar)}" height="{coord(abs(zero - y))}" fill="{colour}" '
                f'data-value="{_value(value)}"/>'
            )
        parts.append(
            f'<text class="year-label" x="{coord(middle)}" y="{height - bottom + 18}" '
            f'text-anchor="middle" fill="{TEXT_COLOUR}">{esc(year_label(p.year))}</text>'
        )
        parts.append("</g>")
        line_points.append((middle, y_for(p.cumulative_net), p.cumulative_net))
    parts.append(
        f'<line class="zero" x1="{left}" y1="{coord(zero)}" x2="{width - right}" '
        f'y2="{coord(zero)}" stroke="{TEXT_COLOUR}" stroke-width="1"/>'
    )
    if line_points:
        coordinates = " ".join(f"{coord(x)},{coord(y)}" for x, y, _v in line_points)
        parts.append(
            f'<polyline class="cumulative-net" points="{coordinates}" fill="none" '
            f'stroke="{NET_COLOUR}" stroke-width="3"/>'
        )
        for x, y, value in line_points:
            parts.append(
                f'<circle class="cumulative-net-point" cx="{coord(x)}" cy="{coord(y)}" r="4" '
                f'fill="{NET_COLOUR}" data-value="{_value(value)}"/>'
            )
    parts.append(svg.CLOSE)
    return "".join(parts)


def tornado_chart(
    bars: Sequence[TornadoBar],
    base: Decimal,
    *,
    title: str,
    description: str,
    minus_label: str,
    plus_label: str,
    base_label: str,
    money: Money,
    unchanged_label: str = "",
    id_prefix: str = "tornado-chart",
    width: int = 360,
) -> str:
    """One row per input, largest swing first (as given): from the base NPV to the NPV with
    the input −20 % and to the NPV with the input +20 %.

    Each row is its label on a line of its own across the whole width, with the bar below:
    the chart is drawn narrow (``width`` units) so that, scaled to a phone or a half-width
    column, its text stays at least as large as the page's small text. A label too long for
    the line is cut (the full text is the row's ``<title>``). A side whose NPV equals the base
    has no bar; ``unchanged_label`` is written there instead so the gap is not mistaken for a
    missing value. Tick texts are centred on their grid lines and drawn only where they do
    not overlap the previous one."""
    font_size, tick_size = 14, 13
    label_line, bar_height, row_gap = 16, 14, 10
    row_height = label_line + 4 + bar_height + row_gap
    values = [base] + [v for bar in bars for v in (bar.low, bar.high)]
    axis = svg.nice_axis(values, include_zero=False, count=4)
    tick_width = max(Decimal(len(money(t))) * DIGIT_WIDTH * tick_size for t in axis.ticks)
    margin = int(tick_width / 2) + 4
    top, bottom = 30, 28
    height = top + row_height * max(len(bars), 1) + bottom
    plot_left, plot_width = margin, width - 2 * margin
    label_chars = int(width / (CHAR_WIDTH * font_size))
    unchanged_width = Decimal(len(unchanged_label)) * CHAR_WIDTH * tick_size

    def x_for(value: Decimal) -> Decimal:
        return axis.position(value, plot_left, plot_width)

    parts = _open(title, description, id_prefix, width, height, font_size)
    parts += _legend(
        [(minus_label, MINUS_COLOUR, "bar"), (plus_label, PLUS_COLOUR, "bar")],
        0,
        16,
        CHAR_WIDTH * font_size,
    )
    axis_y = top + row_height * max(len(bars), 1) - row_gap
    last_labelled: Decimal | None = None
    for tick in axis.ticks:
        x = x_for(tick)
        parts.append(svg.grid_line(x, top, x, axis_y))
        if last_labelled is None or x - last_labelled >= tick_width + 6:
            last_labelled = x
            parts.append(
                svg.text(
                    x,
                    axis_y + 18,
                    money(tick),
                    css="tick",
                    anchor="middle",
                    extra=f'font-size="{tick_size}"',
                )
            )
    base_x = x_for(base)
    # Drawn before the rows: the labels' halo covers it where it crosses them.
    parts.append(
        f'<line class="base" x1="{coord(base_x)}" y1="{top - 4}" x2="{coord(base_x)}" '
        f'y2="{axis_y}" stroke="{TEXT_COLOUR}" stroke-width="1.5"><title>'
        f"{esc(f'{base_label} {money(base)}')}</title></line>"
    )
    for index, bar in enumerate(bars):
        y = top + index * row_height
        bar_y = y + label_line + 4
        parts.append(
            '<g class="input"><title>'
            + esc(f"{bar.text}: {minus_label} {money(bar.low)}, {plus_label} {money(bar.high)}")
            + "</title>"
        )
        # A white halo keeps the label readable where grid lines cross it.
        parts.append(
            f'<text class="label" x="0" y="{y + label_line - 3}" fill="{TEXT_COLOUR}" '
            f'stroke="#fff" stroke-width="4" stroke-linejoin="round" paint-order="stroke">'
            f"{esc(fit_label(bar.label, bar.detail, label_chars))}</text>"
        )
        for value, colour, css in (
            (bar.low, MINUS_COLOUR, "minus"),
            (bar.high, PLUS_COLOUR, "plus"),
        ):
            x = x_for(value)
            parts.append(
                f'<rect class="{css}" x="{coord(min(x, base_x))}" y="{bar_y}" '
                f'width="{coord(abs(x - base_x))}" height="{bar_height}" fill="{colour}" '
                f'data-value="{_value(value)}"/>'
            )
        if unchanged_label and base in (bar.low, bar.high) and bar.low != bar.high:
            # Written where the missing bar would be, or beyond the other bar when there is
            # no room on that side.
            other = x_for(bar.low if bar.high == base else bar.high)
            if other < base_x:
                x, anchor = base_x + 4, "start"
                if x + unchanged_width > width:
                    x, anchor = other - 4, "end"
            else:
                x, anchor = base_x - 4, "end"
                if x - unchanged_width < 0:
                    x, anchor = other + 4, "start"
            parts.append(
                f'<text class="unchanged" x="{coord(x)}" y="{bar_y + bar_height - 2}" '
                f'text-anchor="{anchor}" font-size="{tick_size}" fill="{TEXT_COLOUR}" '
                f'stroke="#fff" stroke-width="4" stroke-linejoin="round" paint-order="stroke">'
                f"{esc(unchanged_label)}</text>"
            )
        parts.append("</g>")
    parts.append(svg.CLOSE)
    return "".join(parts)
