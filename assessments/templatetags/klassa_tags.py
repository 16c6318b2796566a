from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from assessments.i18n import tr as translate_text

register = template.Library()


@register.filter
def tr(value: Any, attribute: str = "") -> Any:
    """``{{ level|tr:"name" }}`` or ``{{ level.name|tr }}``: the text in the active language."""
    if attribute:
        value = (
            getattr(value, attribute, None) if not isinstance(value, dict) else value.get(attribute)
        )
    return translate_text(value)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def level_class(level: Any) -> str:
    """A CSS class for a level badge: levels 0–4 each have their colour; None is grey."""
    if level is None or level == "":
        return "level-none"
    return f"level-{min(int(level), 4)}"


@register.simple_tag
def level_badge(value: Any, title: str = "") -> SafeString:
    """``{% level_badge value %}``: the coloured level badge ("–" when there is none). A tag,
    not an include: tables render one per cell, and an include per cell costs a template
    render each."""
    text = "–" if value is None else value
    if title:
        return format_html(
            '<span class="level {}" title="{}">{}</span>', level_class(value), title, text
        )
    return format_html('<span class="level {}">{}</span>', level_class(value), text)


@register.simple_tag
def classification_status(status: str) -> SafeString:
    """``{% classification_status status %}``: approved, provisional, else incomplete. A tag
    for the same reason as ``level_badge``: list rows show it twice (phone and wide screen)."""
    if status == "approved":
        css, text = "text-bg-success", _("Approved")
    elif status == "provisional":
        css, text = "text-bg-warning", _("Provisional")
    else:
        css, text = "text-bg-secondary", _("Incomplete")
    return format_html('<span class="badge {}">{}</span>', css, text)
