"""Breakdowns of the portfolio's rows, pure (no Django): the benefit totals per area and the
classification heat map per department and aspect.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

ZERO = Decimal(0)


class PortfolioRow(Protocol):
    """What a breakdown, and whoever reads an area's rows, uses of a row
    (``portfolio.selectors.PortfolioRow``)."""

    initiative: Any
    benefit: Any  # the row's benefit summary, None without a benefit model

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def ready(self) -> bool: ...

    @property
    def area_name(self) -> str: ...

    @property
    def finals(self) -> dict[str, int | None]: ...


@dataclass
class AreaTotal:
    area: str
    internal_benefit: Decimal
    external_benefit: Decimal
    total_benefit: Decimal
    initiatives: int
    rows: Sequence[PortfolioRow]
    # NPV and investment cost of the initiatives with a benefit model (the others have none).
    npv: Decimal = ZERO
    investment_cost: Decimal = ZERO


def area_totals(rows: Sequence[PortfolioRow]) -> tuple[list[AreaTotal], AreaTotal]:
    """Per area (by name; initiatives without an area last, area ""), the sums of its
    initiatives' benefits, and the grand total as the sum of the areas."""
    groups: dict[str, list[PortfolioRow]] = defaultdict(list)
    for row in rows:
        groups[row.area_name].append(row)
    areas = []
    for name in sorted(groups, key=lambda n: (n == "", n.casefold())):
        members = groups[name]
        benefits = [r.benefit for r in members if r.benefit is not None]
        areas.append(
            AreaTotal(
                area=name,
                internal_benefit=sum((b.internal_benefit for b in benefits), ZERO),
                external_benefit=sum((b.external_benefit for b in benefits), ZERO),
                total_benefit=sum((b.total_benefit for b in benefits), ZERO),
                initiatives=len(members),
                rows=members,
                npv=sum((b.npv for b in benefits), ZERO),
                investment_cost=sum((b.investment_cost for b in benefits), ZERO),
            )
        )
    total = AreaTotal(
        area="",
        internal_benefit=sum((a.internal_benefit for a in areas), ZERO),
        external_benefit=sum((a.external_benefit for a in areas), ZERO),
        total_benefit=sum((a.total_benefit for a in areas), ZERO),
        initiatives=sum(a.initiatives for a in areas),
        rows=[],
        npv=sum((a.npv for a in areas), ZERO),
        investment_cost=sum((a.investment_cost for a in areas), ZERO),
    )
    return areas, total


@dataclass
class HeatCell:
    maximum: int | None
    counts: dict[int, int]  # final level → number of initiatives
    unclassified: int


@dataclass
class HeatMapRow:
    department: Any
    cells: dict[str, HeatCell]


def heat_map(rows: Sequence[PortfolioRow], aspects: Sequence[str]) -> list[HeatMapRow]:
    """Final classification levels of the initiatives per department and aspect: the
    maximum and the distribution."""
    by_department: dict[int, list[PortfolioRow]] = defaultdict(list)
    departments = {}
    for row in rows:
        by_department[row.initiative.department_id].append(row)
        departments[row.initiative.department_id] = row.initiative.department
    result = []
    for dept_id in sorted(departments, key=lambda pk: departments[pk].name.casefold()):
        cells = {}
        for aspect in aspects:
            levels = [r.finals.get(aspect) for r in by_department[dept_id]]
            known = [level for level in levels if level is not None]
            cells[aspect] = HeatCell(
                maximum=max(known) if known else None,
                counts=dict(sorted(Counter(known).items())),
                unclassified=len(levels) - len(known),
            )
        result.append(HeatMapRow(departments[dept_id], cells))
    return result
