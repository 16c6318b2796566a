"""JSON documents from files and forms, read defensively (pure Python).

``json.loads`` on its own accepts a document nested 100 000 deep (``RecursionError``),
silently keeps the last of two equal keys, reads ``NaN`` and ``Infinity``, and raises
``ValueError`` for an integer of more than 4 300 digits. ``load_document`` bounds the nesting
before parsing (a linear scan that skips strings), refuses duplicate keys, keeps integers of
sane length as ``int`` (longer ones become ``Decimal`` so that the number parser refuses them
with the field's path), and refuses NUL characters and lone surrogates anywhere in the document
with the path where they occur. Every refusal is a ``JsonDocumentError`` with a ``code``, a
``path`` where known, and the line and column for syntax errors.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from klassa_app import messages
from klassa_app import text as text_rules
from klassa_app.messages import gettext_noop

MAX_DEPTH = 32  # the register's deepest field is 9 levels down
MAX_INT_DIGITS = 100  # longer integers are read as Decimal (and refused by the number parser)

# Codes of JsonDocumentError.
ENCODING = "encoding"
SYNTAX = "syntax"
DEPTH = "depth"
DUPLICATE_KEY = "duplicate_key"
NUL = text_rules.NUL
SURROGATE = text_rules.SURROGATE

# Messages: English templates, shown in the reader's language (``localized``).
ENCODING_MESSAGE = gettext_noop("The file is not UTF-8 text.")
DEPTH_MESSAGE = gettext_noop("The JSON is nested too deeply (at most %(depth)s levels).")
DUPLICATE_KEY_MESSAGE = gettext_noop("The key “%(key)s” appears twice in the same object.")
NUL_MESSAGE = gettext_noop("%(path)s: must not contain a NUL character.")
SURROGATE_MESSAGE = gettext_noop("%(path)s: contains an invalid character (a lone surrogate).")
SYNTAX_MESSAGE = gettext_noop("Not valid JSON: %(error)s at line %(line)s, column %(column)s.")

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


class JsonDocumentError(ValueError):
    def __init__(
        self,
        code: str,
        *,
        path: str = "",
        key: str = "",
        detail: str = "",
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.code = code
        self.path = path
        self.key = text_rules.safe_for_display(key)
        self.detail = detail
        self.line = line
        self.column = column
        super().__init__(f"{code} {path or self.key} {detail}".strip())

    @property
    def template(self) -> str:
        return {
            ENCODING: ENCODING_MESSAGE,
            DEPTH: DEPTH_MESSAGE,
            DUPLICATE_KEY: DUPLICATE_KEY_MESSAGE,
            NUL: NUL_MESSAGE,
            SURROGATE: SURROGATE_MESSAGE,
        }.get(self.code, SYNTAX_MESSAGE)

    @property
    def params(self) -> dict[str, Any]:
        if self.code == DEPTH:
            return {"depth": self.detail}
        if self.code == DUPLICATE_KEY:
            return {"key": self.key}
        if self.code in (NUL, SURROGATE):
            return {"path": self.path}
        if self.code == SYNTAX:
            return {"error": self.detail, "line": self.line, "column": self.column}
        return {}

    @property
    def message(self) -> str:
        """In English, as the commands print it."""
        return messages.english(self.template, self.params)

    @property
    def localized(self) -> str:
        """In the active language, for pages."""
        return messages.render(self.template, self.params)


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _int(text: str) -> int | Decimal:
    return int(text) if len(text.lstrip("-")) <= MAX_INT_DIGITS else Decimal(text)


def nesting_depth(text: str, limit: int) -> int:
    """The deepest nesting of ``text``'s arrays and objects, counting up to ``limit + 1``."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        else:
            depth -= 1
    return deepest


def find_bad_text(document: Any) -> tuple[str, str] | None:
    """(code, path) of the first key or string holding NUL or a lone surrogate; None if
    none does. Iterative, so any depth is safe."""
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            code = text_rules.problem(value)
            if code is not None:
                return code, path or "document"
        elif isinstance(value, dict):
            items = []
            for key, item in value.items():
                key_path = f"{path}.{key}" if path else key
                code = text_rules.problem(key)
                if code is not None:
                    return code, text_rules.safe_for_display(key_path)
                items.append((item, key_path))
            stack.extend(reversed(items))
        elif isinstance(value, list):
            stack.extend(reversed([(item, f"{path}[{i}]") for i, item in enumerate(value)]))
    return None


def load_document(
    text_or_bytes: str | bytes, *, max_depth: int = MAX_DEPTH, decimals: bool = True
) -> Any:
    """The JSON value of ``text_or_bytes`` (UTF-8, a byte-order mark allowed). Numbers with a
    fraction or exponent become ``Decimal`` (``decimals``) or ``float``; NaN and Infinity are
    read as such and left to the number parser to refuse at their field."""
    if isinstance(text_or_bytes, bytes):
        try:
            text = text_or_bytes.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise JsonDocumentError(ENCODING) from error
    else:
        text = text_or_bytes.removeprefix("\ufeff")
    if nesting_depth(text, max_depth) > max_depth:
        raise JsonDocumentError(DEPTH, detail=str(max_depth))
    number = Decimal if decimals else float
    try:
        document = json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_float=number,
            parse_int=_int,
            parse_constant=number,
        )
    except _DuplicateKey as duplicate:
        raise JsonDocumentError(DUPLICATE_KEY, key=duplicate.key) from None
    except json.JSONDecodeError as error:
        raise JsonDocumentError(
            SYNTAX, detail=error.msg, line=error.lineno, column=error.colno
        ) from error
    except RecursionError as error:  # pragma: no cover - the depth scan comes first
        raise JsonDocumentError(DEPTH, detail=str(max_depth)) from error
    bad = find_bad_text(document)
    if bad is not None:
        raise JsonDocumentError(bad[0], path=bad[1])
    return document
