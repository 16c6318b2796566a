"""The portfolio report of register-format.md: per area and in total the internal, external
and total benefit, per initiative its NPV, investment cost, readiness, rank and whether it is
selected, and the optimal selection within the budget. Amounts are decimal strings with two
decimals; totals are always computed from the initiatives, never stored."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from benefits.calculation import money_text
from klassa_app.models import Organisation
from portfolio import selection, selectors


def portfolio_report(
    organisation: Organisation, *, budget: Decimal | None = None, scenario: str | None = None
) -> dict[str, Any]:
    """The whole organisation's report. ``scenario`` defaults to the organisation's
    portfolio scenario (set by the register's ``portfolio.scenario``), else medium;
    ``budget`` to the organisation's portfolio budget. ``ValueError`` for an unknown
    scenario."""
    result = selectors.compute(
        organisation, department_ids=None, scenario=scenario, budget=budget, with_frontier=False
    )
    areas = [
        {
            "area": area.area or None,
            "internal_benefit": money_text(area.internal_benefit),
            "external_benefit": money_text(area.external_benefit),
            "total_benefit": money_text(area.total_benefit),
            "initiatives": area.initiatives,
        }
        for area in result.areas
    ]
    totals = {
        "internal_benefit": money_text(result.totals.internal_benefit),
        "external_benefit": money_text(result.totals.external_benefit),
        "total_benefit": money_text(result.totals.total_benefit),
    }
    initiatives = [
        {
            "code": row.code,
            "area": row.area_name or None,
            "npv": money_text(row.benefit.npv) if row.benefit else None,
            "investment_cost": money_text(row.benefit.investment_cost) if row.benefit else None,
            "ready": row.ready,
            "blockers": row.readiness.blocker_codes,
            "priority_rank": row.rank,
            "selected": row.selected,
        }
        for row in result.rows
    ]
    optimal = result.optimal
    if optimal.error:
        forced_in = [row for row in result.rows if row.forced == selection.FORCED_IN]
        chosen: dict[str, Any] = {
            "budget": money_text(result.budget),
            "error": optimal.error,
            "forced_in": [row.code for row in forced_in],
            "forced_in_investment_cost": money_text(
                sum((row.investment_cost for row in forced_in), Decimal(0))
            ),
        }
    else:
        chosen = {
            "budget": money_text(result.budget),
            "total_investment_cost": money_text(optimal.total_cost),
            "total_npv": money_text(optimal.total_npv),
            "codes": sorted(optimal.codes),
            # False when the solver stopped at its time limit with the best set it found.
            "proven_optimal": optimal.proven_optimal,
        }
    return {
        "scenario": result.scenario,
        "areas": areas,
        "totals": totals,
        "initiatives": initiatives,
        "selection": chosen,
    }
