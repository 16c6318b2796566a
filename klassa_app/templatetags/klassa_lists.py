"""The filter bar of the list pages: one GET form, a field per column, one Filter button."""

from __future__ import annotations

from typing import Any

from django import forms, template

register = template.Library()


@register.inclusion_tag("klassa/_filter_bar.html")
def filter_bar(form: forms.Form, button: str, **columns: str) -> dict[str, Any]:
    """``{% filter_bar filter_form button="col-4 col-md-2" q="col-12 col-md-4" status="…" %}``:
    the form's fields in the order named, each in a column with those grid classes (the
    field's label comes from crispy forms, so every control keeps its label)."""
    return {
        "fields": [(form[name], classes) for name, classes in columns.items()],
        "button": button,
    }
