"""The portfolio report: the JSON report of ``manage.py portfolio_report``
(``portfolio.report.portfolio_report``) for the caller's organisation.

The report covers the whole organisation (areas, totals, every initiative, the optimal
selection within the organisation's budget), so it answers those who see every department:
admins, security officers and organisation-wide members. A member of some departments only
sees their part on the dashboard page and gets 403 here. Amounts are decimal strings with
two decimals, as in the report.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from api.common import READ_ERRORS, caller, organisation_of
from klassa_app import access
from portfolio.report import portfolio_report

router = Router(tags=["portfolio"])


class AreaOut(Schema):
    area: str | None
    internal_benefit: str
    external_benefit: str
    total_benefit: str
    initiatives: int


class TotalsOut(Schema):
    internal_benefit: str
    external_benefit: str
    total_benefit: str


class PortfolioInitiativeOut(Schema):
    code: str
    area: str | None
    npv: str | None
    investment_cost: str | None
    ready: bool
    blockers: list[str]
    priority_rank: int | None
    selected: bool


class OptimalSelectionOut(Schema):
    budget: str
    total_investment_cost: str
    total_npv: str
    codes: list[str]
    proven_optimal: bool | None


class ImpossibleSelectionOut(Schema):
    """The initiatives forced in cost more than the budget: no selection."""

    budget: str
    error: str
    forced_in: list[str]
    forced_in_investment_cost: str


class PortfolioReportOut(Schema):
    scenario: Literal["low", "medium", "high"]
    areas: list[AreaOut]
    totals: TotalsOut
    initiatives: list[PortfolioInitiativeOut]
    selection: ImpossibleSelectionOut | OptimalSelectionOut


ScenarioQuery = Annotated[
    Literal["low", "medium", "high"] | None,
    Query(description="The benefit scenario (default: the portfolio settings')."),
]
BudgetQuery = Annotated[
    Decimal | None,
    Query(
        ge=0,
        lt=Decimal("1e15"),
        max_digits=17,
        decimal_places=2,
        description="The investment budget in kronor (default: the portfolio settings').",
    ),
]


@router.get("/portfolio", response={200: PortfolioReportOut, **READ_ERRORS})
def portfolio(
    request: HttpRequest,
    scenario: ScenarioQuery = None,
    budget: BudgetQuery = None,
) -> dict[str, Any]:
    """The organisation's portfolio report: per area and in total the internal, external and
    total benefit; per initiative its NPV, investment cost, readiness, rank and whether it is
    selected; and the optimal selection within the budget."""
    organisation = organisation_of(request)
    if access.visible_department_ids(caller(request), organisation) is not None:
        raise PermissionDenied(
            _(
                "The portfolio report covers the whole organisation; it is for those who see "
                "every department."
            )
        )
    return portfolio_report(organisation, budget=budget, scenario=scenario)
