from __future__ import annotations

from typing import Any

from django import template

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
