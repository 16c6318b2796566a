"""One parser for every number that comes from a file or a form (pure Python, no Django).

A ``Decimal`` can hold ``1E-999999999``: it compares and validates like any small number, but
``format(value, "f")`` writes a billion digits and arithmetic overflows. So the size of a
number is bounded on its *representation* — at most ``MAX_DIGITS`` significant digits and a
magnitude (adjusted exponent) within ``±MAX_EXPONENT`` — before anything computes with it or
formats it; the text itself is bounded before ``Decimal`` reads it. NaN and infinities are
refused. A refusal raises ``NumberError`` with a ``code`` (what is wrong) and the ``path`` of
the field; callers keep their own messages and map the code to them.

Two spellings are read: ``document`` numbers (a JSON number, or a decimal string
``"779730.50"`` / ``"1e-3"``) and ``human`` numbers as people type them in a form
(``"1 000,5"``, ``"779730.50"``, ``"1.000.000"``, ``"−3"``); with both separators the last one
is the decimal mark.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_DIGITS = 40  # significant digits
MAX_EXPONENT = 30  # |adjusted exponent|: 10^-30 … 10^31
MAX_TEXT_LENGTH = 100  # characters of a number's text, before it is read at all

# Codes of NumberError.
TYPE = "type"  # not a number at all (text, a list, a boolean, …)
INVALID = "invalid"  # text that is not a number's spelling
NOT_FINITE = "not_finite"  # NaN or ±Infinity
DIGITS = "digits"  # too many significant digits
EXPONENT = "exponent"  # too large or too small in magnitude

DOCUMENT_TEXT = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_HUMAN_PLAIN = re.compile(r"-?\d+(\.\d+)?")
_DOTTED_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


class NumberError(ValueError):
    """``value`` at ``path`` is not an acceptable number; ``code`` says why."""

    def __init__(self, code: str, path: str = "") -> None:
        self.code = code
        self.path = path
        super().__init__(f"{path}: {code}" if path else code)


def bounded(number: Decimal, path: str = "") -> Decimal:
    """``number`` when it is finite and small enough in digits and magnitude; a zero or a
    padded fraction comes back in a short spelling of the same value. Reads only the
    representation (no arithmetic, so no overflow and no huge string)."""
    if not number.is_finite():
        raise NumberError(NOT_FINITE, path)
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite
    if not any(digits):
        # Zero: "0E-999999999" is still zero; keep a short exponent only.
        return number if -MAX_DIGITS <= exponent <= MAX_EXPONENT else Decimal(0)
    # Trailing zeros of a fraction are not significant: "1.000…000" is 1 with padding.
    coefficient = list(digits)
    while len(coefficient) > MAX_DIGITS and coefficient[-1] == 0 and exponent < 0:
        coefficient.pop()
        exponent += 1
    significant = len(coefficient)
    while significant > 1 and coefficient[significant - 1] == 0:
        significant -= 1
    if significant > MAX_DIGITS:
        raise NumberError(DIGITS, path)
    adjusted = exponent + len(coefficient) - 1
    if not -MAX_EXPONENT <= adjusted <= MAX_EXPONENT:
        raise NumberError(EXPONENT, path)
    if len(coefficient) != len(digits):
        return Decimal((sign, tuple(coefficient), exponent))
    return number


def _read(text: str, path: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - callers match a pattern first
        raise NumberError(INVALID, path) from error


def parse_document_number(value: Any, path: str = "", *, text: bool = True) -> Decimal:
    """A JSON number (int, float, Decimal) or, with ``text``, a decimal string, as a bounded
    exact Decimal. A float is read through its shortest text (``0.3`` → ``Decimal("0.3")``)."""
    if isinstance(value, bool):
        raise NumberError(TYPE, path)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        # int → str is quadratic in the digits (and Python refuses over 4 300); bound first.
        if value.bit_length() > 4 * (MAX_DIGITS + MAX_EXPONENT):
            raise NumberError(EXPONENT, path)
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))  # "inf"/"nan" become non-finite Decimals: refused below
    elif text and isinstance(value, str):
        stripped = value.strip()
        if len(stripped) > MAX_TEXT_LENGTH:
            raise NumberError(DIGITS, path)
        if not DOCUMENT_TEXT.fullmatch(stripped):
            raise NumberError(INVALID, path)
        number = _read(stripped, path)
    else:
        raise NumberError(TYPE, path)
    return bounded(number, path)


def parse_human_number(value: Any, path: str = "") -> Decimal:
    """A number as a person types it in a form: "779 730,50", "779730.50", "1.000.000",
    "0,3", "−3". Exponents are not accepted here (nobody types them in a form)."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return parse_document_number(value, path, text=False)
    if not isinstance(value, str):
        raise NumberError(TYPE, path)
    if len(value) > MAX_TEXT_LENGTH:
        raise NumberError(DIGITS, path)
    cleaned = _SPACES.sub("", value).replace("\u2212", "-")
    if not cleaned:
        raise NumberError(INVALID, path)
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal_mark, ".")
    elif cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    elif cleaned.count(".") > 1:
        if not _DOTTED_THOUSANDS.fullmatch(cleaned):
            raise NumberError(INVALID, path)
        cleaned = cleaned.replace(".", "")  # "1.000.000": dots between thousands
    if not _HUMAN_PLAIN.fullmatch(cleaned):
        raise NumberError(INVALID, path)
    return bounded(_read(cleaned, path), path)


def document_number_or_none(value: Any) -> Decimal | None:
    """``parse_document_number`` for callers that only need to know whether it is one."""
    try:
        return parse_document_number(value)
    except NumberError:
        return None


def human_number_or_none(value: Any) -> Decimal | None:
    try:
        return parse_human_number(value)
    except NumberError:
        return None
