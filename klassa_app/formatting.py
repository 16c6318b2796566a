"""Numbers as people read them: the one place that writes money, counts and shares for
pages, charts and reports (pure Python, no Django).

Money is whole kronor, half up, with grouped digits: "1 311 604 747 kr" in Swedish, a
no-break space between the groups as in Django's Swedish format (the template filters in
``klassa_format`` pass the active language's separators). Rounding happens here only.

Not here: the plain numbers of documents and stored figures ("779730.50", see
``benefits.calculation.money_text`` and ``benefits.document.number_text``). Those are read
back by programs, so they never group digits, always use a decimal point and keep öre.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

NBSP = "\u00a0"
DASH = "–"  # what is shown for an absent amount
# Far beyond any number a document or a form can hold (klassa_app.numbers bounds them to
# 10^31); refusing larger ones keeps a hostile Decimal from writing a million digits.
_MAX_DIGITS = 100


@dataclass(frozen=True)
class NumberStyle:
    """How a language writes numbers: its decimal mark and its thousands separator."""

    decimal: str = ","
    thousands: str = NBSP


SWEDISH = NumberStyle()


def finite(value: object) -> Decimal | None:
    """A finite Decimal, or None for anything that cannot be shown or drawn (None, "",
    NaN, ∞, a boolean, text that is not a number)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def group(digits: str, separator: str = NBSP) -> str:
    """'1311604747' → '1 311 604 747' (groups of three from the right)."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(groups)


def _round(number: Decimal, places: int) -> Decimal | None:
    if number.adjusted() > _MAX_DIGITS:
        return None
    with localcontext() as context:
        context.prec = max(28, number.adjusted() + places + 2)
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number(value: object, places: int = 0, *, style: NumberStyle = SWEDISH) -> str:
    """``places`` decimals, half up, grouped: "1 234,50"; "–" when there is no number."""
    amount = finite(value)
    rounded = _round(amount, places) if amount is not None else None
    if rounded is None:
        return DASH
    sign = "-" if rounded < 0 else ""  # a -0.4 rounded to 0 is "0", not "-0"
    whole, _, fraction = f"{rounded.copy_abs():f}".partition(".")  # exact, no context
    text = group(whole, style.thousands)
    return f"{sign}{text}{style.decimal}{fraction}" if places > 0 else f"{sign}{text}"


def money(value: object, places: int = 0, *, style: NumberStyle = SWEDISH) -> str:
    """Whole kronor (or ``places`` decimals), half up, grouped: "1 311 604 747 kr";
    "–" when absent."""
    text = number(value, places, style=style)
    return text if text == DASH else f"{text}{NBSP}kr"


def percent(value: object, places: int = 1, *, style: NumberStyle = SWEDISH) -> str:
    """A share (0.153) as a percentage: "15,3 %"; "–" when absent."""
    share = finite(value)
    text = number(share * 100 if share is not None else None, places, style=style)
    return text if text == DASH else f"{text}{NBSP}%"


def _short(value: Decimal) -> str:
    """At most two decimals, trailing zeros dropped, decimal comma: 2.50 → '2,5'."""
    text = number(value, 2)
    whole, _, fraction = text.partition(",")
    fraction = fraction.rstrip("0")
    return f"{whole},{fraction}" if fraction else whole


def money_short(value: object) -> str:
    """Axis ticks, in Swedish units: "10 mn kr", "2,5 mdr kr", "500 tkr", "0 kr"."""
    amount = finite(value)
    if amount is None:
        return DASH
    size = abs(amount)
    for scale, unit in ((Decimal(10) ** 9, f"mdr{NBSP}kr"), (Decimal(10) ** 6, f"mn{NBSP}kr")):
        if size >= scale:
            return f"{_short(amount / scale)}{NBSP}{unit}"
    if size >= 1000:
        return f"{_short(amount / 1000)}{NBSP}tkr"
    return f"{_short(amount)}{NBSP}kr"


def share_of(part: object, whole: object) -> str:
    """``part`` as a share of ``whole`` with one decimal, the decimal dropped when it is
    zero: "66,7 %", "100 %"; "–" when ``whole`` is 0 or absent."""
    numerator, denominator = finite(part), finite(whole)
    if numerator is None or denominator is None or denominator == 0:
        return DASH
    rounded = _round(numerator * 100 / denominator, 1)
    return f"{_short(rounded)}{NBSP}%" if rounded is not None else DASH


def count(value: int) -> str:
    """A whole number, grouped: "12 345"."""
    return number(value)
