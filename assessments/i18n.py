"""Texts the organisation keeps in two languages, stored as {"sv": ..., "en": ...}."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation


def tr(value: Any, language: str | None = None) -> Any:
    """The text in the active language, else Swedish, else any language there is."""
    if not isinstance(value, dict):
        return value
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    for code in (language, settings.LANGUAGE_CODE, "sv", "en"):
        if value.get(code):
            return value[code]
    return next((v for v in value.values() if v), "")
