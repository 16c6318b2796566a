"""Template filters of the portfolio pages that the shared ``klassa_format`` lacks."""

from __future__ import annotations

from typing import Any

from django import template

from klassa_app.templatetags.klassa_format import money

register = template.Library()

MINUS = "\u2212"


@register.filter
def signed_money(value: Any) -> str:
    """A difference in kronor with its sign: "+1 000 kr", "−1 000 kr" (a real minus sign,
    not a hyphen), "0 kr"."""
    text = money(value)
    if text.startswith("-"):
        return MINUS + text[1:]
    if text != "–" and any(ch in "123456789" for ch in text):
        return "+" + text
    return text
