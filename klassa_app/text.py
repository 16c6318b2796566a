"""One cleaner for every stored text that comes from a file or a form (pure Python).

PostgreSQL refuses a NUL character in text and json, and a lone surrogate (``"\\ud800"``, which
JSON can spell) cannot be encoded as UTF-8 at all, so the page that tried to show it would fail
too. Both are refused with the field's path, and lengths are bounded, before anything is saved.
"""

from __future__ import annotations

import re
from typing import Any

NUL = "nul"  # contains U+0000
SURROGATE = "surrogate"  # contains a lone surrogate (U+D800…U+DFFF)
TOO_LONG = "too_long"
NOT_TEXT = "not_text"

_BAD = re.compile("[\x00\ud800-\udfff]")


class TextError(ValueError):
    """The text at ``path`` is refused; ``code`` says why (``max_length`` for TOO_LONG)."""

    def __init__(self, code: str, path: str = "", max_length: int | None = None) -> None:
        self.code = code
        self.path = path
        self.max_length = max_length
        super().__init__(f"{path}: {code}" if path else code)


def problem(value: str) -> str | None:
    """NUL or SURROGATE when ``value`` holds a character no database or page can keep."""
    match = _BAD.search(value)
    if match is None:
        return None
    return NUL if match.group() == "\x00" else SURROGATE


def clean_text(
    value: Any, path: str = "", *, max_length: int | None = None, strip: bool = True
) -> str:
    """``value`` (stripped) when it is text that can be stored; ``TextError`` otherwise."""
    if not isinstance(value, str):
        raise TextError(NOT_TEXT, path)
    code = problem(value)
    if code is not None:
        raise TextError(code, path)
    if strip:
        value = value.strip()
    if max_length is not None and len(value) > max_length:
        raise TextError(TOO_LONG, path, max_length)
    return value


def safe_for_display(value: str) -> str:
    """``value`` with NUL and lone surrogates replaced, for echoing a refused key in a
    message (a page cannot be encoded with a lone surrogate in it)."""
    return _BAD.sub("\ufffd", value)
