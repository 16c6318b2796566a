"""The shared SVG pieces: escaped text, safe ids, exact coordinates and round axis ticks."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klassa_app import svg

SVG = "{http://www.w3.org/2000/svg}"


def test_a_label_with_markup_and_control_characters_stays_text() -> None:
    assert svg.esc("Kultur & <fritid>\x00\x1f") == "Kultur &amp; &lt;fritid&gt;"
    assert svg.quote('x" onload="y') == "'x\" onload=\"y'"


def test_an_id_prefix_cannot_leave_its_attribute() -> None:
    assert svg.safe_id('x" onload="y') == "x--onload--y"
    assert svg.safe_id("") == "chart"
    assert svg.safe_id("fulfilment_2-a") == "fulfilment_2-a"


def test_a_long_label_is_cut_with_an_ellipsis() -> None:
    assert svg.truncate("Konfidentialitet", 8) == "Konfide…"
    assert svg.truncate("Kort", 8) == "Kort"
    assert svg.truncate("abc", 0) == "a…"  # never an empty or negative cut


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (12, "12"),
        (Decimal("12.50"), "12.5"),
        (Decimal("-0.001"), "0"),  # no "-0" in the markup
        (-0.0, "0"),
        (1 / 3, "0.33"),
        (Decimal("1E+3"), "1000"),
        (float("nan"), "0"),
        (Decimal("Infinity"), "0"),
        (Decimal("123456789012345678901234567890.126"), "123456789012345678901234567890.13"),
    ],
)
def test_coordinates_are_plain_decimals_with_at_most_two_places(value, text) -> None:
    assert svg.coord(value) == text


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_a_float_coordinate_has_the_digits_of_two_place_formatting(value: float) -> None:
    expected = f"{value:.2f}".rstrip("0").rstrip(".")
    assert svg.coord(value) == ("0" if expected in ("-0", "") else expected)


@pytest.mark.parametrize(
    ("values", "include_zero", "expected"),
    [
        ([0, 100], True, [0, 20, 40, 60, 80, 100]),
        ([0, Decimal("51458254.5")], True, [0, 20_000_000, 40_000_000, 60_000_000]),
        ([-5_000_000, 2_000_000], True, [-6_000_000, -4_000_000, -2_000_000, 0, 2_000_000]),
        ([Decimal("0.3"), Decimal("0.7")], False, ["0.3", "0.4", "0.5", "0.6", "0.7"]),
        ([0, 0], True, [0, "0.2", "0.4", "0.6", "0.8", 1]),  # nothing to show: 0 … 1
        ([100, 100], False, [90, 95, 100, 105, 110]),  # one value: in the middle
        ([0, 12], True, [0, "2.5", 5, "7.5", 10, "12.5"]),  # 2.5 steps keep about 5 ticks
    ],
)
def test_ticks_are_round_numbers_covering_the_values(values, include_zero, expected) -> None:
    axis = svg.nice_axis([Decimal(v) for v in values], include_zero=include_zero)
    assert list(axis.ticks) == [Decimal(str(v)) for v in expected]
    assert (axis.low, axis.high) == (axis.ticks[0], axis.ticks[-1])


def test_values_that_cannot_be_drawn_are_left_out_of_the_axis() -> None:
    axis = svg.nice_axis([Decimal("NaN"), None, Decimal(40), float("inf")])
    assert (axis.low, axis.high) == (0, 40)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2),
        min_size=1,
        max_size=30,
    ),
    st.booleans(),
)
def test_the_axis_covers_every_value_with_a_handful_of_ticks(values, include_zero) -> None:
    axis = svg.nice_axis(values, include_zero=include_zero)
    assert axis.low < axis.high
    assert all(axis.low <= v <= axis.high for v in values)
    assert 2 <= len(axis.ticks) <= 12
    if include_zero:
        assert axis.low <= 0 <= axis.high
    assert axis.fraction(axis.low) == 0.0 and axis.fraction(axis.high) == 1.0
    assert axis.position(axis.high, 10, 100) == 110


def test_the_opening_names_title_and_description_for_screen_readers() -> None:
    parts = svg.open_svg(
        width=640,
        height=Decimal("68.5"),
        title="Uppfyllt <per> aspekt",
        description="K & R",
        id_prefix='one"',
        attributes=(("class", "a-chart"),),
    )
    root = ET.fromstring("".join(parts) + svg.CLOSE)  # noqa: S314 (our own output)
    assert root.get("role") == "img" and root.get("class") == "a-chart"
    assert root.get("viewBox") == "0 0 640 68.5"
    assert root.get("aria-labelledby") == "one--title one--desc"
    assert root.find(f"{SVG}title").text == "Uppfyllt <per> aspekt"
    assert root.find(f"{SVG}desc").text == "K & R"


def test_a_chart_without_a_description_is_labelled_by_its_title_only() -> None:
    parts = svg.open_svg(width=10, height=10, title="T", description="", id_prefix="c")
    root = ET.fromstring("".join(parts) + svg.CLOSE)  # noqa: S314 (our own output)
    assert root.get("aria-labelledby") == "c-title"
    assert root.find(f"{SVG}desc") is None


def test_grid_lines_and_texts_use_attributes_not_styles() -> None:
    markup = svg.grid_line(1, 2.005, 3, 4) + svg.text(
        5, 6, "1 000 <kr>", css="tick", anchor="end", extra='dy="4"'
    )
    assert "style" not in markup
    assert markup.startswith('<line class="grid" x1="1" y1="2" x2="3" y2="4" ')
    assert re.search(
        r'<text class="tick" x="5" y="6" text-anchor="end" fill="#\w+" dy="4">', markup
    )
    assert markup.endswith(">1 000 &lt;kr&gt;</text>")
