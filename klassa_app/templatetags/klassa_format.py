"""Numbers as people read them: money in whole kronor with grouped digits
(1 311 604 747 kr in Swedish), rates as percentages. Rounding happens here only."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def money(value: Any, places: int = 0) -> str:
    """``{{ amount|money }}`` → "1 311 604 747 kr" (half up; "–" when absent)."""
    number = _decimal(value)
    if number is None:
        return "–"
    quantum = Decimal(1).scaleb(-int(places))
    rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{number_format(rounded, decimal_pos=int(places), force_grouping=True)}\xa0kr"


@register.filter
def percent(value: Any, places: int = 1) -> str:
    """``{{ 0.153|percent }}`` → "15,3 %"."""
    number = _decimal(value)
    if number is None:
        return "–"
    rounded = (number * 100).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    return f"{number_format(rounded, decimal_pos=int(places))}\xa0%"


@register.filter
def years(value: Any) -> str:
    number = _decimal(value)
    if number is None:
        return "–"
    return number_format(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), decimal_pos=1)


@register.filter
def audit_action(action: str) -> str:
    """The readable name of an audit action code."""
    from klassa_app.audit_labels import action_label

    return action_label(action)
