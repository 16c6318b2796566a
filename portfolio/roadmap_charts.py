"""The roadmap's charts drawn on the server as SVG strings (pure Python, no Django): the
timeline (years across, initiatives down grouped by area, prerequisite arrows) and each
year's spend against its frame.

As ``portfolio.charts``: presentation attributes and classes only (strict CSP), ``role="img"``
with a title and a description, labels passed in already translated, money formatted by the
caller's ``money`` callable, never an exception on odd input. Both are drawn at their natural
pixel width so their labels stay readable; on a phone the page scrolls them sideways inside
their own box, and the data tables beside them carry the same content.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from klassa_app import svg
from klassa_app.svg import (
    BRAND_COLOUR,
    GRID_COLOUR,
    MUTED_COLOUR,
    TEXT_COLOUR,
    TRACK_COLOUR,
    coord,
    esc,
    truncate,
)
from portfolio.charts import OVER_COLOUR, _open, empty_chart

MoneyFormat = Callable[[Decimal], str]
PLATFORM_COLOUR = "#6c3483"  # platforms: purple, with a thicker outline and a ◆
ARROW_COLOUR = "#495057"


@dataclass(frozen=True)
class Bar:
    """One initiative's row of the timeline."""

    code: str
    label: str  # code and name, as the row's text
    area: str
    start: int | None  # None: not planned (the row says so)
    duration: int
    tooltip: str  # value, costs and shared platform costs, already formatted
    platform: bool = False
    requires: tuple[str, ...] = field(default=())


def timeline_chart(
    bars: Sequence[Bar],
    years: Sequence[int],
    *,
    title: str,
    description: str = "",
    empty_text: str = "No data",
    unplanned_text: str = "not planned",
    platform_text: str = "platform",
    id_prefix: str = "timeline",
) -> str:
    """Years across, initiatives down grouped by area (in the order given); a bar from the
    start year over the duration (cut at the plan's end), an arrow from each prerequisite's
    end to its dependant's start, platforms in purple with a ◆."""
    if not bars or not years:
        return empty_chart(title, empty_text, kind="timeline", id_prefix=id_prefix)
    first, count = years[0], len(years)
    label_w, col_w, row_h, group_h, top = 200, 96, 26, 24, 28
    width = label_w + col_w * count + 10
    layout: list[tuple[str, object, float]] = []  # ("area", name, y) or ("bar", Bar, y)
    y = float(top)
    area = None
    for bar in bars:
        if bar.area != area:
            area = bar.area
            layout.append(("area", area, y))
            y += group_h
        layout.append(("bar", bar, y))
        y += row_h
    height = y + 8
    parts = _open("timeline", width, height, title, description, id_prefix, width_attr=str(width))
    marker = f"{svg.safe_id(id_prefix)}-arrow"
    parts.append(
        f'<defs><marker id="{marker}" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="{ARROW_COLOUR}"/>'
        "</marker></defs>"
    )
    for n, year in enumerate(years):
        x = label_w + n * col_w
        parts.append(svg.grid_line(x, top - 6, x, height - 8))
        parts.append(
            svg.text(
                x + col_w / 2, 16, year, css="year", anchor="middle", extra='font-weight="bold"'
            )
        )
    parts.append(
        svg.grid_line(label_w + count * col_w, top - 6, label_w + count * col_w, height - 8)
    )
    ends: dict[str, tuple[float, float]] = {}
    starts: dict[str, tuple[float, float]] = {}
    for kind, item, row_y in layout:
        if kind == "area":
            parts.append(
                svg.text(
                    4, row_y + 16, truncate(str(item), 40), css="area", extra='font-weight="bold"'
                )
            )
            continue
        assert isinstance(item, Bar)
        mid = row_y + row_h / 2
        label = ("◆ " if item.platform else "") + item.label
        parts.append(f'<g class="timeline-row" data-code={svg.quote(item.code)}>')
        parts.append(f"<title>{esc(item.tooltip)}</title>")
        parts.append(svg.text(12, mid + 4, truncate(label, 27), css="label"))
        if item.start is None or not first <= item.start < first + count:
            parts.append(
                svg.text(
                    label_w + 6,
                    mid + 4,
                    unplanned_text,
                    css="unplanned",
                    fill=MUTED_COLOUR,
                    extra='font-style="italic"',
                )
            )
        else:
            x = label_w + (item.start - first) * col_w + 2
            span = min(max(item.duration, 1), first + count - item.start)
            bar_w = span * col_w - 4
            colour = PLATFORM_COLOUR if item.platform else BRAND_COLOUR
            parts.append(
                f'<rect class="bar{" platform" if item.platform else ""}" x="{coord(x)}" '
                f'y="{coord(row_y + 4)}" width="{coord(bar_w)}" height="{row_h - 8}" rx="3" '
                f'fill="{colour}" stroke="{TEXT_COLOUR}" '
                f'stroke-width="{"2" if item.platform else "0.5"}"/>'
            )
            if item.start + item.duration > first + count:  # goes on after the plan
                parts.append(
                    f'<path class="continues" d="M{coord(x + bar_w)},{coord(row_y + 4)} '
                    f'l6,{coord((row_h - 8) / 2)} l-6,{coord((row_h - 8) / 2)} z" '
                    f'fill="{colour}"/>'
                )
            if item.platform:
                parts.append(
                    svg.text(
                        x + 4,
                        mid + 4,
                        platform_text,
                        css="platform-text",
                        fill="#ffffff",
                        extra='font-size="10"',
                    )
                )
            ends[item.code] = (x + bar_w, mid)
            starts[item.code] = (x, mid)
        parts.append("</g>")
    for kind, item, _row_y in layout:
        if kind != "bar" or not isinstance(item, Bar) or item.code not in starts:
            continue
        for required in item.requires:
            if required not in ends:
                continue
            (x1, y1), (x2, y2) = ends[required], starts[item.code]
            # An elbow: down (or up) from the prerequisite's end, then across to the start.
            half = (row_h - 8) / 2
            leave = y1 + half if y2 > y1 else y1 - half
            corner = x1 - 8
            parts.append(
                f'<path class="prerequisite-arrow" d="M{coord(corner)},{coord(leave)} '
                f'V{coord(y2)} H{coord(max(x2 - 1, corner + 6))}" fill="none" '
                f'stroke="{ARROW_COLOUR}" stroke-width="1.2" marker-end="url(#{marker})"/>'
            )
    parts.append(svg.CLOSE)
    return "".join(parts)


def spend_chart(
    years: Sequence[int],
    spend: Sequence[Decimal],
    frames: Sequence[Decimal],
    *,
    title: str,
    description: str = "",
    money: MoneyFormat,
    id_prefix: str = "spend",
) -> str:
    """Each year's spend (filled bar) against its frame (the track), with both amounts."""
    if not years:
        return empty_chart(title, "–", kind="spend", id_prefix=id_prefix)
    label_w, bar_w, text_w, row_h = 56, 240, 250, 30
    width = label_w + bar_w + text_w
    height = row_h * len(years) + 8
    largest = max([*frames, *spend, Decimal(1)])
    parts = _open("spend", width, height, title, description, id_prefix, width_attr=str(width))
    for n, (year, used, frame) in enumerate(zip(years, spend, frames, strict=True)):
        y = 4 + n * row_h
        track = float(frame / largest) * bar_w if largest > 0 else 0.0
        fill = float(used / largest) * bar_w if largest > 0 else 0.0
        over = used > frame
        parts.append(
            f'<g class="spend-year"><title>{esc(f"{year}: {money(used)} / {money(frame)}")}</title>'
            + svg.text(0, y + 18, year, css="year")
            + f'<rect class="frame" x="{label_w}" y="{coord(y + 4)}" width="{coord(track)}" '
            f'height="18" fill="{TRACK_COLOUR}" stroke="{GRID_COLOUR}"/>'
            f'<rect class="used" x="{label_w}" y="{coord(y + 8)}" width="{coord(fill)}" '
            f'height="10" fill="{OVER_COLOUR if over else BRAND_COLOUR}"/>'
            + svg.text(
                label_w + bar_w + 8,
                y + 18,
                f"{money(used)} / {money(frame)}",
                css="amounts",
                fill=TEXT_COLOUR,
            )
            + "</g>"
        )
    parts.append(svg.CLOSE)
    return "".join(parts)
