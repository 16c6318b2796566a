"""Numbers as people read them (pure Python, no Django).

Money is whole kronor, half up, with grouped digits: "1 311 604 747 kr" in Swedish (a
no-break space between the groups, as Django's Swedish format has it).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def finite(value: object) -> Decimal | None:
    """A finite Decimal, or None for anything that cannot be shown or drawn (None, "",
    NaN, ∞, a boolean, text that is not a number)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None
