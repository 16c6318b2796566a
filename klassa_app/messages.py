"""Messages of the document checkers (register, benefit model, JSON loader), translated when
they are shown, not when they are made.

A checker's error keeps an English *template* (marked with ``gettext_noop`` so that it is in
the catalogue) and its *parameters* apart. Its English text (``template % params``) is what
tests compare and what the commands print for operators and scripts; a page shows
``render(template, params)`` in the reader's language, the field path untouched. Pure Python:
Django's translation is imported only when a message is rendered, so the checkers stay usable
without Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks a template for the catalogue (the name ``makemessages`` looks for); returns it
    unchanged."""
    return message


def english(template: str, params: Mapping[str, Any] | None = None) -> str:
    return template % params if params else template


def render(template: str, params: Mapping[str, Any] | None = None) -> str:
    """The message in the active language; English when the catalogue lacks it."""
    from django.utils.translation import gettext

    text = gettext(template) if template else template
    return text % params if params else text
