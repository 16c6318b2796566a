"""Money, shares and counts as people read them: one formatter for pages, charts and
reports, Swedish by default and in the active language's separators on pages."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from klassa_app import formatting, numbers
from klassa_app.templatetags import klassa_format

NBSP = "\u00a0"


def test_money_is_whole_kronor_grouped_with_non_breaking_spaces() -> None:
    assert formatting.money(Decimal("1311604747")) == f"1{NBSP}311{NBSP}604{NBSP}747{NBSP}kr"
    assert formatting.money(Decimal("-1234.5")) == f"-1{NBSP}235{NBSP}kr"
    assert formatting.money(Decimal("0.4")) == f"0{NBSP}kr"
    assert formatting.money(Decimal("-0.4")) == f"0{NBSP}kr", "no minus on a rounded zero"
    assert formatting.money(Decimal("1234.565"), 2) == f"1{NBSP}234,57{NBSP}kr"


@pytest.mark.parametrize("absent", [None, "", "abc", Decimal("NaN"), float("inf"), True])
def test_an_absent_amount_is_a_dash(absent) -> None:
    assert formatting.money(absent) == "–"
    assert formatting.percent(absent) == "–"
    assert formatting.money_short(absent) == "–"


def test_money_keeps_every_digit_of_huge_amounts_because_it_never_uses_float() -> None:
    amount = Decimal("123456789012345678.5")
    grouped = NBSP.join(["123", "456", "789", "012", "345", "679"])
    assert formatting.money(amount) == f"{grouped}{NBSP}kr"
    # The largest a document may hold, to the öre, beyond Decimal's default 28 digits.
    assert formatting.money(Decimal("9" * 31), 2).endswith(f"999,00{NBSP}kr")


def test_a_hostile_magnitude_is_not_written_out() -> None:
    assert formatting.money(Decimal("1E+999999")) == "–"
    assert formatting.money(Decimal("1E-999999")) == f"0{NBSP}kr"


def test_axis_money_abbreviates_thousands_millions_and_billions() -> None:
    assert formatting.money_short(Decimal("10000000")) == f"10{NBSP}mn{NBSP}kr"
    assert formatting.money_short(Decimal("2500000000")) == f"2,5{NBSP}mdr{NBSP}kr"
    assert formatting.money_short(Decimal("500000")) == f"500{NBSP}tkr"
    assert formatting.money_short(Decimal("-1250000")) == f"-1,25{NBSP}mn{NBSP}kr"
    assert formatting.money_short(Decimal(0)) == f"0{NBSP}kr"


def test_a_share_of_nothing_is_a_dash_not_a_division_error() -> None:
    assert formatting.share_of(2, 3) == f"66,7{NBSP}%"
    assert formatting.share_of(3, 3) == f"100{NBSP}%"
    assert formatting.share_of(0, 0) == "–"
    assert formatting.count(-1234567) == f"-1{NBSP}234{NBSP}567"


@given(st.decimals(min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=3))
def test_money_reads_back_as_the_amount_rounded_to_whole_kronor(amount: Decimal) -> None:
    text = formatting.money(amount)
    assert text.endswith(f"{NBSP}kr")
    expected = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert numbers.parse_human_number(text.removesuffix(f"{NBSP}kr")) == expected


@given(st.integers(min_value=0, max_value=10**30))
def test_groups_are_three_digits_from_the_right(value: int) -> None:
    groups = formatting.group(str(value)).split(NBSP)
    assert "".join(groups) == str(value)
    assert 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def test_a_page_in_swedish_shows_money_with_no_break_spaces_and_a_decimal_comma() -> None:
    template = Template(
        "{% load klassa_format %}{{ amount|money }} {{ amount|money:2 }} {{ rate|percent }}"
    )
    with translation.override("sv"):
        html = template.render(Context({"amount": Decimal("1311604747.5"), "rate": "0.153"}))
    assert html == (
        f"1{NBSP}311{NBSP}604{NBSP}748{NBSP}kr 1{NBSP}311{NBSP}604{NBSP}747,50{NBSP}kr 15,3{NBSP}%"
    )


def test_a_page_in_english_uses_english_separators_with_the_same_rounding() -> None:
    with translation.override("en"):
        assert klassa_format.money(Decimal("1234567.5")) == f"1,234,568{NBSP}kr"
        assert klassa_format.years(Decimal("2.25")) == "2.3"
        assert klassa_format.percent(Decimal("0.0005"), 2) == f"0.05{NBSP}%"
