"""Numbers as people read them, in the active language: money in whole kronor with grouped
digits (1 311 604 747 kr in Swedish), rates as percentages. The formatting itself is
``klassa_app.formatting``; these filters pass it the language's separators."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import get_format

from klassa_app import formatting

register = template.Library()


def number_style() -> formatting.NumberStyle:
    """The active language's decimal mark and thousands separator (Django's formats)."""
    return formatting.NumberStyle(
        decimal=str(get_format("DECIMAL_SEPARATOR")),
        thousands=str(get_format("THOUSAND_SEPARATOR")),
    )


@register.filter
def money(value: Any, places: int = 0) -> str:
    """``{{ amount|money }}`` → "1 311 604 747 kr" (half up; "–" when absent)."""
    return formatting.money(value, int(places), style=number_style())


@register.filter
def percent(value: Any, places: int = 1) -> str:
    """``{{ 0.153|percent }}`` → "15,3 %"."""
    return formatting.percent(value, int(places), style=number_style())


@register.filter
def years(value: Any) -> str:
    return formatting.number(value, 1, style=number_style())


@register.filter
def audit_action(action: str) -> str:
    """The readable name of an audit action code."""
    from klassa_app.audit_labels import action_label

    return action_label(action)
