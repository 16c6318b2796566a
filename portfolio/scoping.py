"""The organisation-wide selection and budget line cut down to the initiatives a person may
see, pure (no Django): no sum or running total reveals another department's figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Protocol

from portfolio import selection

ZERO = Decimal(0)


class PortfolioRow(Protocol):
    """What scoping reads of a row (``portfolio.selectors.PortfolioRow``)."""

    @property
    def code(self) -> str: ...

    @property
    def npv(self) -> Decimal: ...

    @property
    def investment_cost(self) -> Decimal: ...


def scoped_selection(
    chosen: selection.Selection, visible: set[str], ranked: Sequence[PortfolioRow]
) -> selection.Selection:
    """The organisation-wide selection cut down to the ``visible`` codes; its sums are of
    those rows only, so nothing of the other departments can be read from them."""
    codes = tuple(code for code in chosen.codes if code in visible)
    picked = [row for row in ranked if row.code in codes]
    return replace(
        chosen,
        codes=codes,
        total_cost=sum((row.investment_cost for row in picked), ZERO),
        total_npv=sum((row.npv for row in picked), ZERO),
    )


def scoped_budget_line(line: selection.BudgetLine, visible: set[str]) -> selection.BudgetLine:
    """The visible rows of the organisation's budget line with their organisation-wide rank
    and status; the running totals (which sum other departments' costs) are zeroed, and the
    cut-off kept only when its initiative is one of the visible rows."""
    cut_code = line.rows[line.cutoff].code if line.cutoff is not None else None
    rows = tuple(replace(row, cumulative_cost=ZERO) for row in line.rows if row.code in visible)
    codes = [row.code for row in rows]
    return replace(
        line,
        rows=rows,
        reserved=ZERO,
        total_cost=ZERO,
        cutoff=codes.index(cut_code) if cut_code in codes else None,
    )
