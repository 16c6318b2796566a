"""Portfolio charts drawn on the server as SVG strings (pure Python, no Django).

The same SVG goes into the dashboard and the PDF board report, so every chart
scales with its ``viewBox`` (width 100 %), carries ``role="img"`` with a ``<title>``
and ``<desc>``, draws with presentation attributes and CSS classes only (strict CSP:
no ``style``), and does not rely on colour alone (numbers, fills versus outlines,
dashes). Callers pass every label already translated; money is formatted with the
``money`` / ``axis_money`` callables, by default in Swedish ("1 311 604 747 kr",
``klassa_app.formatting``).

Amounts come in as ``Decimal``; only pixel coordinates become floats. Bad input
(no data, one point, all values equal, negative or huge values, NaN) draws a
chart or a small "no data" SVG, never an exception.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from klassa_app import formatting, svg
from klassa_app.formatting import finite
from klassa_app.svg import (
    BRAND_COLOUR,
    GRID_COLOUR,
    MUTED_COLOUR,
    TEXT_COLOUR,
    TRACK_COLOUR,
    Axis,
    coord,
    esc,
    nice_axis,
    truncate,
)

MoneyFormat = Callable[[Decimal], str]

LIGHT_BRAND = "#d6e4ef"
OVER_COLOUR = "#842029"  # beyond the budget: dark red, readable in grey print too
WIDTH = 720
FUNNEL_WIDTH = 540

# The level badges of app.css (0 green … 4 dark red) with their text colours, so the
# heat map matches the rest of the app; None is the grey "not classified" badge.
LEVEL_COLOURS: tuple[tuple[str, str], ...] = (
    ("#d1e7dd", "#0a3622"),
    ("#cfe2ff", "#052c65"),
    ("#fff3cd", "#664d03"),
    ("#f8d7da", "#58151c"),
    ("#58151c", "#ffffff"),
)
NO_LEVEL_COLOURS = ("#f8f9fa", MUTED_COLOUR)


def _open(
    kind: str,
    width: int,
    height: float,
    title: str,
    description: str,
    id_prefix: str,
    *,
    width_attr: str = "100%",
    font_size: int = 12,
) -> list[str]:
    return svg.open_svg(
        width=width,
        height=height,
        title=title,
        description=description,
        id_prefix=id_prefix,
        attributes=(
            ("class", f"klassa-chart klassa-chart-{kind}"),
            ("width", width_attr),
            ("preserveAspectRatio", "xMidYMid meet"),
        ),
        font_size=font_size,
        fill=TEXT_COLOUR,
    )


def empty_chart(title: str, text: str, *, kind: str = "empty", id_prefix: str = "chart") -> str:
    """A small SVG saying there is nothing to draw (keeps the page layout and the title)."""
    parts = _open(kind, 320, 48, title, text, id_prefix, width_attr="320")
    parts.append(
        '<rect class="chart-empty" x="0.5" y="0.5" width="319" height="47" fill="none" '
        f'stroke="{GRID_COLOUR}" stroke-dasharray="4 3"/>'
    )
    parts.append(
        f'<text class="chart-empty-text" x="160" y="28" text-anchor="middle" '
        f'fill="{MUTED_COLOUR}">{esc(text)}</text>'
    )
    parts.append(svg.CLOSE)
    return "".join(parts)


def _legend_swatch(x: float, y: float, label: str, shape: str) -> str:
    return (
        f'<g class="legend-item">{shape}'
        f'<text x="{coord(x + 18)}" y="{coord(y + 4)}" fill="{TEXT_COLOUR}">{esc(label)}</text></g>'
    )


# ---------------------------------------------------------------------------
# Readiness funnel
# ---------------------------------------------------------------------------


def _funnel_counts(stages: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    clean = []
    for label, count in stages:
        number = finite(count)
        clean.append((str(label), max(int(number), 0) if number is not None else 0))
    return clean


def funnel_table_rows(stages: Sequence[tuple[str, int]]) -> list[tuple[str, str, str]]:
    """(stage, count, share of the first stage) for the chart's accessible data table."""
    clean = _funnel_counts(stages)
    first = clean[0][1] if clean else 0
    return [
        (label, formatting.count(count), formatting.share_of(count, first))
        for label, count in clean
    ]


def funnel_chart(
    stages: Sequence[tuple[str, int]],
    *,
    title: str,
    description: str = "",
    empty_text: str = "No data",
    id_prefix: str = "funnel",
) -> str:
    """Readiness funnel (classified → approved → benefit model → ready → selected): one
    centred bar per stage, width ∝ count, with the count and its share of the first stage.
    Drawn at its natural pixel width (not stretched or shrunk to the column) so that its
    13 px labels stay readable; narrow screens scroll it.
    """
    clean = _funnel_counts(stages)
    if not clean:
        return empty_chart(title, empty_text, kind="funnel", id_prefix=id_prefix)
    width = FUNNEL_WIDTH
    label_width, value_width, row_height, bar_height, top = 190, 120, 34, 22, 8
    plot_width = width - label_width - value_width
    height = top * 2 + row_height * len(clean)
    largest = max(count for _, count in clean)
    rows = funnel_table_rows(clean)
    parts = _open(
        "funnel", width, height, title, description, id_prefix, width_attr=str(width), font_size=13
    )
    paired = zip(clean, rows, strict=True)
    for index, ((label, count), (_, count_text, share_text)) in enumerate(paired):
        y = top + index * row_height + (row_height - bar_height) / 2
        text_y = y + bar_height / 2 + 4
        width = plot_width * count / largest if largest else 0.0
        x = label_width + (plot_width - width) / 2
        value_text = f"{count_text} ({share_text})"
        parts.append(
            f'<g class="funnel-stage"><title>{esc(f"{label}: {value_text}")}</title>'
            f'<text class="label" x="{label_width - 8}" y="{coord(text_y)}" text-anchor="end">'
            f"{esc(truncate(label, 30))}</text>"
            f'<rect class="track" x="{label_width}" y="{coord(y)}" width="{plot_width}" '
            f'height="{bar_height}" fill="{TRACK_COLOUR}"/>'
            f'<rect class="bar" x="{coord(x)}" y="{coord(y)}" width="{coord(width)}" '
            f'height="{bar_height}" fill="{BRAND_COLOUR}"/>'
            f'<text class="value" x="{label_width + plot_width + 8}" y="{coord(text_y)}" '
            f'font-weight="bold">{esc(value_text)}</text></g>'
        )
    parts.append(svg.CLOSE)
    return "".join(parts)


# ---------------------------------------------------------------------------
# Heat map: final classification level per department × aspect
# ---------------------------------------------------------------------------


def level_colours(level: int | None, top_level: int) -> tuple[str, str]:
    """(fill, text colour) for a level on a scale 0 … ``top_level``; the top level is
    always the darkest, so a three-step scale reads like the default five-step one."""
    if level is None:
        return NO_LEVEL_COLOURS
    last = len(LEVEL_COLOURS) - 1
    if top_level <= 0:
        index = last if level >= top_level else 0
    else:
        index = round(max(min(level, top_level), 0) * last / top_level)
    return LEVEL_COLOURS[index]


def _level_of(value: object) -> int | None:
    number = finite(value)
    return int(number) if number is not None else None


def heat_map_table_rows(
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Mapping[tuple[str, str], int | None],
    *,
    empty_mark: str = "–",
) -> list[tuple[str, list[str]]]:
    """(row label, [level per column as text]) for the accessible data table."""
    table = []
    for row in rows:
        values = [_level_of(cells.get((row, column))) for column in columns]
        table.append((row, [str(v) if v is not None else empty_mark for v in values]))
    return table


def heat_map(
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Mapping[tuple[str, str], int | None],
    top_level: int,
    *,
    title: str,
    description: str = "",
    legend_label: str = "Level",
    empty_mark: str = "–",
    empty_text: str = "No data",
    legend_levels: Sequence[int] | None = None,
    id_prefix: str = "heatmap",
) -> str:
    """Departments (rows) × aspects (columns), each cell coloured by its final level and
    showing the level number (never colour alone); cells without a level show ``empty_mark``.
    """
    if not rows or not columns:
        return empty_chart(title, empty_text, kind="heatmap", id_prefix=id_prefix)
    label_width, header, cell_height, legend_height = 200, 34, 30, 40
    cell_width = max(40.0, min(110.0, (WIDTH - label_width - 8) / len(columns)))
    width = max(WIDTH, math.ceil(label_width + cell_width * len(columns) + 8))
    grid_bottom = header + cell_height * len(rows)
    height = grid_bottom + legend_height
    column_chars = max(int(cell_width // 7), 2)
    # Natural pixel width, like the funnel: readable labels, scrolled on narrow screens.
    parts = _open("heatmap", width, height, title, description, id_prefix, width_attr=str(width))
    for col_index, column in enumerate(columns):
        x = label_width + cell_width * (col_index + 0.5)
        parts.append(
            f'<g class="column-label"><title>{esc(column)}</title>'
            f'<text x="{coord(x)}" y="{header - 10}" text-anchor="middle" font-weight="bold">'
            f"{esc(truncate(str(column), column_chars))}</text></g>"
        )
    table = heat_map_table_rows(rows, columns, cells, empty_mark=empty_mark)
    for row_index, (row, texts) in enumerate(table):
        y = header + cell_height * row_index
        parts.append(
            f'<g class="heatmap-row"><g class="row-label"><title>{esc(row)}</title>'
            f'<text x="{label_width - 8}" y="{coord(y + cell_height / 2 + 4)}" '
            f'text-anchor="end">{esc(truncate(str(row), 30))}</text></g>'
        )
        for col_index, (column, text) in enumerate(zip(columns, texts, strict=True)):
            level = _level_of(cells.get((row, column)))
            fill, ink = level_colours(level, top_level)
            x = label_width + cell_width * col_index
            css = "cell" if level is not None else "cell cell-empty"
            parts.append(
                f'<g class="{css}"><title>{esc(f"{row} · {column}: {text}")}</title>'
                f'<rect x="{coord(x + 1)}" y="{coord(y + 1)}" width="{coord(cell_width - 2)}" '
                f'height="{cell_height - 2}" fill="{fill}" stroke="{GRID_COLOUR}" '
                f'stroke-width="0.5"/><text x="{coord(x + cell_width / 2)}" '
                f'y="{coord(y + cell_height / 2 + 4)}" text-anchor="middle" fill="{ink}" '
                f'font-weight="bold">{esc(text)}</text></g>'
            )
        parts.append("</g>")
    # Legend: one swatch per level of the scale, numbered like the cells.
    levels = list(legend_levels) if legend_levels is not None else list(range(0, top_level + 1))
    levels = levels[:12]
    legend_y = grid_bottom + 14
    parts.append(
        f'<g class="legend"><text x="{label_width - 8}" y="{legend_y + 15}" '
        f'text-anchor="end">{esc(legend_label)}</text>'
    )
    for index, level in enumerate(levels):
        fill, ink = level_colours(level, top_level)
        x = label_width + index * 34
        parts.append(
            f'<rect x="{x}" y="{legend_y}" width="30" height="22" fill="{fill}" '
            f'stroke="{GRID_COLOUR}" stroke-width="0.5"/><text x="{x + 15}" y="{legend_y + 15}" '
            f'text-anchor="middle" fill="{ink}" font-weight="bold">{level}</text>'
        )
    parts.append("</g></svg>")
    return "".join(parts)


# ---------------------------------------------------------------------------
# Value versus cost bubbles
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bubble:
    label: str  # e.g. "EDU-A Digital learning"
    cost: Decimal  # investment cost (x)
    value: Decimal  # NPV or total benefit (y), may be negative
    size: Decimal  # bubble area ∝ size (e.g. total benefit); ≤ 0 draws the smallest bubble
    selected: bool = False
    ready: bool = False


def bubble_table_rows(
    points: Sequence[Bubble],
    *,
    money: MoneyFormat = formatting.money,
    yes: str = "yes",
    no: str = "no",
) -> list[tuple[str, str, str, str, str, str]]:
    """(label, cost, value, size, selected, ready) as text for the accessible data table."""
    return [
        (
            p.label,
            money(p.cost),
            money(p.value),
            money(p.size),
            yes if p.selected else no,
            yes if p.ready else no,
        )
        for p in points
    ]


def _bubble_axis(values: Sequence[Decimal]) -> Axis:
    """``nice_axis``, except that when every value is the same (e.g. no initiative has an
    investment cost yet) the axis has that one tick in the middle instead of made-up
    fractions of a krona around it."""
    if len(set(values)) == 1:
        only = values[0]
        return Axis(low=only - 1, high=only + 1, ticks=(only,))
    return nice_axis(values)


def bubble_chart(
    points: Sequence[Bubble],
    *,
    title: str,
    description: str = "",
    x_label: str = "Investment cost",
    y_label: str = "Net present value",
    selected_label: str = "Selected",
    not_selected_label: str = "Not selected",
    not_ready_label: str = "Not ready (dashed)",
    empty_text: str = "No data",
    money: MoneyFormat = formatting.money,
    axis_money: MoneyFormat = formatting.money_short,
    label_limit: int = 25,
    id_prefix: str = "bubbles",
) -> str:
    """Value (y) against investment cost (x); bubble area ∝ ``size``. Selected bubbles are
    filled, the others outlined; not-ready bubbles have a dashed outline. Every bubble has a
    ``<title>``; names are printed next to the bubbles when there are at most ``label_limit``.
    """
    drawable = [
        (p, cost, value, finite(p.size) or Decimal(0))
        for p in points
        if (cost := finite(p.cost)) is not None and (value := finite(p.value)) is not None
    ]
    if not drawable:
        return empty_chart(title, empty_text, kind="bubbles", id_prefix=id_prefix)
    left, right, top, bottom, legend_height = 96, 40, 16, 46, 28
    height = 440
    plot_w, plot_h = WIDTH - left - right, height - top - bottom - legend_height
    x_axis = _bubble_axis([c for _, c, _, _ in drawable])
    y_axis = _bubble_axis([v for _, _, v, _ in drawable])
    largest = max((max(s, Decimal(0)) for *_, s in drawable), default=Decimal(0))
    min_r, max_r = 3.0, 26.0
    inset = max_r

    def to_x(cost: Decimal) -> float:
        return left + inset + (plot_w - 2 * inset) * x_axis.fraction(cost)

    def to_y(value: Decimal) -> float:
        return top + inset + (plot_h - 2 * inset) * (1 - y_axis.fraction(value))

    def radius(size: Decimal) -> float:
        if largest <= 0 or size <= 0:
            return min_r
        return max(min_r, max_r * math.sqrt(float(size / largest)))

    parts = _open("bubbles", WIDTH, height, title, description, id_prefix)
    parts.append(_value_grid(x_axis, y_axis, left, top, plot_w, plot_h, axis_money, inset))
    parts.append(_axis_titles(x_label, y_label, left, top, plot_w, plot_h))
    parts.append('<g class="bubbles">')
    show_labels = len(drawable) <= label_limit
    # Largest first so that small bubbles stay visible on top.
    for point, cost, value, size in sorted(drawable, key=lambda d: d[3], reverse=True):
        cx, cy, r = to_x(cost), to_y(value), radius(size)
        state = "selected" if point.selected else "not-selected"
        readiness = "ready" if point.ready else "not-ready"
        fill = BRAND_COLOUR if point.selected else "none"
        dash = "" if point.ready else ' stroke-dasharray="4 3"'
        tooltip = f"{point.label}: {x_label} {money(cost)}, {y_label} {money(value)}"
        parts.append(
            f'<g class="bubble {state} {readiness}"><title>{esc(tooltip)}</title>'
            f'<circle cx="{coord(cx)}" cy="{coord(cy)}" r="{coord(r)}" fill="{fill}" '
            f'fill-opacity="{0.75 if point.selected else 0}" stroke="{BRAND_COLOUR}" '
            f'stroke-width="1.5"{dash}/>'
        )
        if show_labels:
            anchor = "end" if cx > left + plot_w * 0.8 else "start"
            text_x = cx - r - 3 if anchor == "end" else cx + r + 3
            parts.append(
                f'<text class="bubble-label" x="{coord(text_x)}" y="{coord(cy + 4)}" '
                f'text-anchor="{anchor}" font-size="11">{esc(truncate(point.label, 24))}</text>'
            )
        parts.append("</g>")
    parts.append("</g>")
    legend_y = height - legend_height / 2
    parts.append('<g class="legend">')
    parts.append(
        _legend_swatch(
            left,
            legend_y,
            selected_label,
            f'<circle cx="{left + 6}" cy="{coord(legend_y)}" r="6" fill="{BRAND_COLOUR}" '
            f'fill-opacity="0.75" stroke="{BRAND_COLOUR}" stroke-width="1.5"/>',
        )
    )
    parts.append(
        _legend_swatch(
            left + 190,
            legend_y,
            not_selected_label,
            f'<circle cx="{left + 196}" cy="{coord(legend_y)}" r="6" fill="none" '
            f'stroke="{BRAND_COLOUR}" stroke-width="1.5"/>',
        )
    )
    parts.append(
        _legend_swatch(
            left + 380,
            legend_y,
            not_ready_label,
            f'<circle cx="{left + 386}" cy="{coord(legend_y)}" r="6" fill="none" '
            f'stroke="{BRAND_COLOUR}" stroke-width="1.5" stroke-dasharray="4 3"/>',
        )
    )
    parts.append("</g></svg>")
    return "".join(parts)


def _tick(x: float, y: float, label: str, anchor: str) -> str:
    # The text colour comes from the chart's own fill.
    return svg.text(x, y, label, css="tick", anchor=anchor, fill=None, extra='font-size="11"')


def _value_grid(
    x_axis: Axis | None,
    y_axis: Axis,
    left: float,
    top: float,
    plot_w: float,
    plot_h: float,
    axis_money: MoneyFormat,
    inset: float = 0.0,
) -> str:
    """Grid lines with money ticks, the plot frame and a solid zero line when the y axis
    crosses zero (negative values below it). ``inset`` keeps bubbles inside the frame."""
    inner_w, inner_h = plot_w - 2 * inset, plot_h - 2 * inset
    parts = ['<g class="grid">']
    for tick in y_axis.ticks:
        y = top + inset + inner_h * (1 - y_axis.fraction(tick))
        parts.append(svg.grid_line(left, y, left + plot_w, y, css=None))
        parts.append(_tick(left - 6, y + 4, axis_money(tick), "end"))
    if x_axis is not None:
        for tick in x_axis.ticks:
            x = left + inset + inner_w * x_axis.fraction(tick)
            parts.append(svg.grid_line(x, top, x, top + plot_h, css=None))
            parts.append(_tick(x, top + plot_h + 16, axis_money(tick), "middle"))
    parts.append(
        f'<rect class="frame" x="{coord(left)}" y="{coord(top)}" width="{coord(plot_w)}" '
        f'height="{coord(plot_h)}" fill="none" stroke="{TEXT_COLOUR}" stroke-width="1"/>'
    )
    if y_axis.low < 0 < y_axis.high:
        y = top + inset + inner_h * (1 - y_axis.fraction(Decimal(0)))
        parts.append(
            f'<line class="zero" x1="{coord(left)}" y1="{coord(y)}" x2="{coord(left + plot_w)}" '
            f'y2="{coord(y)}" stroke="{TEXT_COLOUR}" stroke-width="1"/>'
        )
    parts.append("</g>")
    return "".join(parts)


def _axis_titles(
    x_label: str, y_label: str, left: float, top: float, plot_w: float, plot_h: float
) -> str:
    y_mid = top + plot_h / 2
    return (
        f'<g class="axis-titles"><text x="{coord(left + plot_w / 2)}" '
        f'y="{coord(top + plot_h + 34)}" text-anchor="middle" font-weight="bold">'
        f"{esc(x_label)}</text>"
        f'<text x="14" y="{coord(y_mid)}" text-anchor="middle" font-weight="bold" '
        f'transform="rotate(-90 14 {coord(y_mid)})">{esc(y_label)}</text></g>'
    )


# ---------------------------------------------------------------------------
# Efficient frontier
# ---------------------------------------------------------------------------


def frontier_table_rows(
    points: Sequence[tuple[Decimal, Decimal]], *, money: MoneyFormat = formatting.money
) -> list[tuple[str, str]]:
    """(budget, best total NPV) sorted by budget, for the accessible data table."""
    return [(money(b), money(v)) for b, v in _frontier_points(points)]


def _frontier_points(points: Sequence[tuple[Decimal, Decimal]]) -> list[tuple[Decimal, Decimal]]:
    clean = [
        (budget, value)
        for raw_budget, raw_value in points
        if (budget := finite(raw_budget)) is not None and (value := finite(raw_value)) is not None
    ]
    return sorted(clean)


def frontier_chart(
    points: Sequence[tuple[Decimal, Decimal]],
    current_budget: Decimal | None,
    chosen_npv: Decimal | None,
    *,
    title: str,
    description: str = "",
    x_label: str = "Budget",
    y_label: str = "Best total NPV",
    budget_label: str = "Budget",
    chosen_label: str = "Chosen",
    empty_text: str = "No data",
    money: MoneyFormat = formatting.money,
    axis_money: MoneyFormat = formatting.money_short,
    id_prefix: str = "frontier",
) -> str:
    """Best total NPV at each budget level as a step line (the value only changes when a
    budget level admits another set), the current budget as a dashed vertical line and the
    chosen selection's NPV as a marked point (below the line when it is not optimal, so its
    label goes underneath)."""
    clean = _frontier_points(points)
    budget = finite(current_budget)
    chosen = finite(chosen_npv)
    if not clean:
        return empty_chart(title, empty_text, kind="frontier", id_prefix=id_prefix)
    left, right, top, bottom = 96, 40, 16, 46
    height = 380
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    x_values = [b for b, _ in clean] + ([budget] if budget is not None else [])
    y_values = [v for _, v in clean] + ([chosen] if chosen is not None else [])
    x_axis, y_axis = nice_axis(x_values), nice_axis(y_values)

    def to_x(amount: Decimal) -> float:
        return left + plot_w * x_axis.fraction(amount)

    def to_y(amount: Decimal) -> float:
        return top + plot_h * (1 - y_axis.fraction(amount))

    parts = _open("frontier", WIDTH, height, title, description, id_prefix)
    parts.append(_value_grid(x_axis, y_axis, left, top, plot_w, plot_h, axis_money))
    parts.append(_axis_titles(x_label, y_label, left, top, plot_w, plot_h))
    path = [f"M{coord(to_x(clean[0][0]))} {coord(to_y(clean[0][1]))}"]
    for (_, previous), (amount, value) in pairwise(clean):
        path.append(f"H{coord(to_x(amount))}")
        if value != previous:
            path.append(f"V{coord(to_y(value))}")
    path.append(f"H{coord(left + plot_w)}")  # the best value holds for any larger budget
    parts.append(
        f'<path class="frontier-line" d="{" ".join(path)}" fill="none" '
        f'stroke="{BRAND_COLOUR}" stroke-width="2"/>'
    )
    parts.append('<g class="frontier-points">')
    for amount, value in clean:
        parts.append(
            f'<circle cx="{coord(to_x(amount))}" cy="{coord(to_y(value))}" r="3" '
            f'fill="{BRAND_COLOUR}"><title>{esc(f"{money(amount)}: {money(value)}")}</title>'
            "</circle>"
        )
    parts.append("</g>")
    if budget is not None:
        x = to_x(budget)
        anchor = "end" if x > left + plot_w * 0.7 else "start"
        text_x = x - 4 if anchor == "end" else x + 4
        text = f"{budget_label}: {money(budget)}"
        parts.append(
            f'<g class="current-budget"><title>{esc(text)}</title>'
            f'<line x1="{coord(x)}" y1="{coord(top)}" x2="{coord(x)}" y2="{coord(top + plot_h)}" '
            f'stroke="{OVER_COLOUR}" stroke-width="1.5" stroke-dasharray="6 3"/>'
            f'<text x="{coord(text_x)}" y="{coord(top + 14)}" text-anchor="{anchor}" '
            f'fill="{OVER_COLOUR}" font-weight="bold">{esc(text)}</text></g>'
        )
        if chosen is not None:
            y = to_y(chosen)
            text = f"{chosen_label}: {money(chosen)}"
            parts.append(
                f'<g class="chosen"><title>{esc(text)}</title>'
                f'<rect x="{coord(x - 5)}" y="{coord(y - 5)}" width="10" height="10" '
                f'fill="{OVER_COLOUR}" transform="rotate(45 {coord(x)} {coord(y)})"/>'
                f'<text x="{coord(text_x)}" y="{coord(min(y + 18, top + plot_h - 4))}" '
                f'text-anchor="{anchor}" fill="{OVER_COLOUR}">{esc(text)}</text></g>'
            )
    parts.append(svg.CLOSE)
    return "".join(parts)


# ---------------------------------------------------------------------------
# Budget line: cumulative investment cost by rank
# ---------------------------------------------------------------------------

BudgetRow = tuple[str, Decimal, Decimal, bool]  # (code, cost, cumulative cost, selected)


def budget_cutoff(rows: Sequence[BudgetRow], budget: Decimal | None) -> int | None:
    """How many rows fit before the cumulative cost first exceeds the budget (the cut-off
    line is drawn after that many); None when every row fits or there is no budget."""
    limit = finite(budget)
    if limit is None:
        return None
    for index, (_, _, cumulative, _) in enumerate(rows):
        amount = finite(cumulative)
        if amount is not None and amount > limit:
            return index
    return None


def budget_table_rows(
    rows: Sequence[BudgetRow],
    budget: Decimal | None,
    *,
    money: MoneyFormat = formatting.money,
    yes: str = "yes",
    no: str = "no",
) -> list[tuple[str, str, str, str, str]]:
    """(rank, code, cost, cumulative cost, selected) for the accessible data table."""
    return [
        (str(index), code, money(cost), money(cumulative), yes if selected else no)
        for index, (code, cost, cumulative, selected) in enumerate(rows, start=1)
    ]


def budget_line_chart(
    rows: Sequence[BudgetRow],
    budget: Decimal | None,
    *,
    title: str,
    description: str = "",
    x_label: str = "Rank",
    y_label: str = "Cumulative investment cost",
    budget_label: str = "Budget",
    cutoff_label: str = "Cut-off",
    selected_label: str = "Selected",
    not_selected_label: str = "Not selected",
    empty_text: str = "No data",
    money: MoneyFormat = formatting.money,
    axis_money: MoneyFormat = formatting.money_short,
    cutoff: int | None = None,
    code_limit: int = 40,
    id_prefix: str = "budget-line",
) -> str:
    """One column per initiative in rank order, its height the cumulative investment cost;
    selected columns filled, the others outlined. The budget is a horizontal dashed line and
    the cut-off a vertical line before the first initiative that no longer fits, labelled
    with its code (``budget_cutoff`` unless ``cutoff`` is given, e.g. when forced choices
    make the selection no prefix). Cheaper initiatives after it may still be selected."""
    clean = [
        (str(code), finite(cost) or Decimal(0), finite(cumulative) or Decimal(0), bool(sel))
        for code, cost, cumulative, sel in rows
    ]
    if not clean:
        return empty_chart(title, empty_text, kind="budget-line", id_prefix=id_prefix)
    limit = finite(budget)
    cut = cutoff if cutoff is not None else budget_cutoff(clean, limit)
    # The budget and cut-off labels sit in a band above the plot (one line each) so that
    # they never cover a column or one of the marker lines.
    left, right, top, bottom, legend_height = 96, 24, 56, 58, 28
    height = 440
    plot_w, plot_h = WIDTH - left - right, height - top - bottom - legend_height
    y_axis = nice_axis([c for _, _, c, _ in clean] + ([limit] if limit is not None else []))
    slot = plot_w / len(clean)
    gap = min(slot * 0.15, 4.0) if slot >= 3 else 0.0

    def to_y(amount: Decimal) -> float:
        return top + plot_h * (1 - y_axis.fraction(amount))

    zero_y = to_y(Decimal(0))
    parts = _open("budget-line", WIDTH, height, title, description, id_prefix)
    parts.append(_value_grid(None, y_axis, left, top, plot_w, plot_h, axis_money))
    parts.append(_axis_titles(x_label, y_label, left, top, plot_w, plot_h + 12))
    parts.append('<g class="columns">')
    show_codes = len(clean) <= code_limit
    for index, (code, cost, cumulative, selected) in enumerate(clean):
        x = left + slot * index + gap / 2
        y = to_y(cumulative)
        top_y, bar_h = min(y, zero_y), abs(zero_y - y)
        state = "selected" if selected else "not-selected"
        fill = BRAND_COLOUR if selected else LIGHT_BRAND
        tooltip = f"{index + 1}. {code}: {money(cost)}; {y_label} {money(cumulative)}"
        parts.append(
            f'<g class="column {state}"><title>{esc(tooltip)}</title>'
            f'<rect x="{coord(x)}" y="{coord(top_y)}" width="{coord(max(slot - gap, 0.5))}" '
            f'height="{coord(bar_h)}" fill="{fill}" stroke="{BRAND_COLOUR}" stroke-width="0.75"/>'
        )
        if show_codes:
            cx = x + (slot - gap) / 2
            label_y = top + plot_h + 8
            parts.append(
                f'<text class="code" x="{coord(cx)}" y="{coord(label_y)}" text-anchor="end" '
                f'font-size="11" transform="rotate(-45 {coord(cx)} {coord(label_y)})">'
                f"{esc(truncate(code, 12))}</text>"
            )
        parts.append("</g>")
    parts.append("</g>")
    if limit is not None:
        y = to_y(limit)
        text = f"{budget_label}: {money(limit)}"
        parts.append(
            f'<g class="budget"><title>{esc(text)}</title>'
            f'<line x1="{coord(left)}" y1="{coord(y)}" x2="{coord(left + plot_w)}" y2="{coord(y)}" '
            f'stroke="{OVER_COLOUR}" stroke-width="2" stroke-dasharray="6 3"/>'
            f'<line x1="{coord(left)}" y1="{coord(top - 32)}" x2="{coord(left + 24)}" '
            f'y2="{coord(top - 32)}" stroke="{OVER_COLOUR}" stroke-width="2" '
            f'stroke-dasharray="6 3"/>'
            f'<text x="{coord(left + 30)}" y="{coord(top - 28)}" fill="{OVER_COLOUR}" '
            f'font-size="12" font-weight="bold">{esc(text)}</text></g>'
        )
    if cut is not None and 0 <= cut <= len(clean):
        x = left + slot * cut
        # Name the first initiative that no longer fits (the line is drawn before it), not
        # the one before it, which may be one that was never eligible.
        first_out = clean[cut][0] if cut < len(clean) else ""
        text = f"{cutoff_label}: {first_out}" if first_out else cutoff_label
        parts.append(
            f'<g class="cutoff"><title>{esc(text)}</title>'
            f'<line x1="{coord(x)}" y1="{coord(top - 4)}" x2="{coord(x)}" '
            f'y2="{coord(top + plot_h)}" '
            f'stroke="{TEXT_COLOUR}" stroke-width="2"/>'
            f'<line x1="{coord(left + 12)}" y1="{coord(top - 20)}" x2="{coord(left + 12)}" '
            f'y2="{coord(top - 6)}" stroke="{TEXT_COLOUR}" stroke-width="2"/>'
            f'<text x="{coord(left + 30)}" y="{coord(top - 9)}" font-size="12" '
            f'font-weight="bold">{esc(text)}</text></g>'
        )
    legend_y = height - legend_height / 2
    parts.append('<g class="legend">')
    parts.append(
        _legend_swatch(
            left,
            legend_y,
            selected_label,
            f'<rect x="{left}" y="{coord(legend_y - 6)}" width="12" height="12" '
            f'fill="{BRAND_COLOUR}" stroke="{BRAND_COLOUR}"/>',
        )
    )
    parts.append(
        _legend_swatch(
            left + 280,
            legend_y,
            not_selected_label,
            f'<rect x="{left + 280}" y="{coord(legend_y - 6)}" width="12" height="12" '
            f'fill="{LIGHT_BRAND}" stroke="{BRAND_COLOUR}"/>',
        )
    )
    parts.append("</g></svg>")
    return "".join(parts)
