"""The portfolio report of register-format.md and the portfolio_report command."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from assessments.models import Area, InformationAsset, InitiativeAsset
from benefits.demo_documents import fixed_amount_document
from benefits.models import BenefitModel
from portfolio.models import InitiativePriority, PortfolioSettings
from portfolio.report import portfolio_report
from tests.factories import InformationAssetFactory, InitiativeFactory

pytestmark = pytest.mark.django_db


def document(internal: dict, investment: int, external: int = 0) -> dict:
    """A one-year model without discounting: NPV = benefit − investment."""
    return fixed_amount_document(
        "Model",
        internal=internal,
        external=external,
        investment=investment,
        discount_rate="0",
        lever_names=("Internal", "External"),
    )


def initiative(department, code, area, *, amount, investment, external=0, ready=True):
    item = InitiativeFactory(department=department, code=code, area=area)
    asset = InformationAssetFactory(
        department=department,
        code=f"A-{code}",
        levels={"K": 1, "R": 1, "T": 1, "S": 1},
        status=InformationAsset.Status.APPROVED if ready else InformationAsset.Status.DRAFT,
        review_due=timezone.localdate() + timedelta(days=100),
    )
    InitiativeAsset.objects.create(initiative=item, asset=asset)
    BenefitModel.objects.create(initiative=item, document=document(amount, investment, external))
    return item


@pytest.fixture
def portfolio_org(norrkoping, utbildning, kultur):
    education = Area.objects.create(organisation=norrkoping, name="Education")
    culture = Area.objects.create(organisation=norrkoping, name="Culture")
    initiative(
        utbildning,
        "EDU-A",
        education,
        amount={"low": "1", "medium": "600", "high": "9"},
        investment=300,
    )
    initiative(utbildning, "EDU-B", education, amount="500", investment=400, external=50)
    initiative(kultur, "KUL-A", culture, amount="450", investment=200)
    initiative(kultur, "KUL-B", culture, amount="900", investment=100, ready=False)
    InitiativeFactory(department=kultur, code="KUL-C", area=culture)  # no model, no assets
    PortfolioSettings.objects.create(organisation=norrkoping, budget=Decimal(600))
    return norrkoping


def test_report_has_the_formats_shape_and_numbers(portfolio_org):
    report = portfolio_report(portfolio_org)
    assert set(report) == {"scenario", "areas", "initiatives", "selection", "totals"}
    assert report["scenario"] == "medium"
    assert report["areas"] == [
        {
            "area": "Culture",
            "internal_benefit": "1350.00",
            "external_benefit": "0.00",
            "total_benefit": "1350.00",
            "initiatives": 3,
        },
        {
            "area": "Education",
            "internal_benefit": "1100.00",
            "external_benefit": "50.00",
            "total_benefit": "1150.00",
            "initiatives": 2,
        },
    ]
    assert report["totals"] == {
        "internal_benefit": "2450.00",
        "external_benefit": "50.00",
        "total_benefit": "2500.00",
    }
    rows = {row["code"]: row for row in report["initiatives"]}
    assert list(rows) == ["EDU-A", "EDU-B", "KUL-A", "KUL-B", "KUL-C"]
    assert rows["EDU-A"] == {
        "code": "EDU-A",
        "area": "Education",
        "npv": "300.00",
        "investment_cost": "300.00",
        "ready": True,
        "blockers": [],
        "priority_rank": rows["EDU-A"]["priority_rank"],
        "selected": True,
    }
    assert rows["KUL-B"]["blockers"] == ["asset_not_approved:A-KUL-B"]
    assert rows["KUL-C"]["blockers"] == ["no_assets", "no_benefit_model"]
    assert rows["KUL-C"]["npv"] is None and rows["KUL-C"]["investment_cost"] is None
    assert sorted(row["priority_rank"] for row in rows.values()) == [1, 2, 3, 4, 5]
    # Budget 600: EDU-A (npv 300, cost 300) + KUL-A (250, 200) = 550 for 500 beats EDU-B
    # (150 for 400); KUL-B has the best NPV but is not ready.
    assert report["selection"] == {
        "budget": "600.00",
        "total_investment_cost": "500.00",
        "total_npv": "550.00",
        "codes": ["EDU-A", "KUL-A"],
        "proven_optimal": True,
    }
    assert [c for c, row in rows.items() if row["selected"]] == ["EDU-A", "KUL-A"]


def test_scenario_and_budget_can_be_given(portfolio_org):
    report = portfolio_report(portfolio_org, scenario="high", budget=Decimal(2000))
    assert report["scenario"] == "high"
    rows = {row["code"]: row for row in report["initiatives"]}
    assert rows["EDU-A"]["npv"] == "-291.00"  # 9 − 300
    assert report["selection"]["codes"] == ["EDU-B", "KUL-A"]  # never a negative NPV
    assert report["selection"]["budget"] == "2000.00"


def test_the_scenario_defaults_to_the_portfolio_settings(portfolio_org):
    PortfolioSettings.objects.filter(organisation=portfolio_org).update(scenario="low")
    assert portfolio_report(portfolio_org)["scenario"] == "low"


def test_forced_choices_are_respected(portfolio_org):
    edu_b = portfolio_org.initiatives.get(code="EDU-B")
    edu_a = portfolio_org.initiatives.get(code="EDU-A")
    InitiativePriority.objects.create(initiative=edu_b, forced="in", forced_reason="Committee")
    InitiativePriority.objects.create(initiative=edu_a, forced="out", forced_reason="Later")
    selection = portfolio_report(portfolio_org)["selection"]
    assert selection["codes"] == ["EDU-B", "KUL-A"]
    assert selection["total_investment_cost"] == "600.00"


def test_forced_in_beyond_the_budget_is_an_error_instead_of_a_selection(portfolio_org):
    for code in ("EDU-A", "EDU-B"):
        InitiativePriority.objects.create(
            initiative=portfolio_org.initiatives.get(code=code), forced="in", forced_reason="Law"
        )
    report = portfolio_report(portfolio_org)
    assert report["selection"] == {
        "budget": "600.00",
        "error": "forced_in_exceeds_budget",
        "forced_in": ["EDU-A", "EDU-B"],
        "forced_in_investment_cost": "700.00",
    }
    assert not any(row["selected"] for row in report["initiatives"])


def test_an_organisation_without_initiatives_has_an_empty_report(other_municipality):
    report = portfolio_report(other_municipality)
    assert report["areas"] == [] and report["initiatives"] == []
    assert report["totals"]["total_benefit"] == "0.00"
    assert report["selection"]["codes"] == []


# --- The command -------------------------------------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("portfolio_report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_prints_the_report(portfolio_org):
    out, err = run("--organisation", "norrkoping", "--budget", "2000", "--scenario", "high")
    assert err == ""
    assert json.loads(out) == portfolio_report(portfolio_org, budget=Decimal(2000), scenario="high")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--organisation", "nowhere"), "No organisation with the code 'nowhere'."),
        (
            ("--organisation", "norrkoping", "--budget", "-5"),
            "--budget must be an amount of 0 or more, not '-5'.",
        ),
        (
            ("--organisation", "norrkoping", "--budget", "lots"),
            "--budget must be an amount of 0 or more, not 'lots'.",
        ),
        (
            ("--organisation", "norrkoping", "--scenario", "best"),
            "--scenario must be low, medium or high, not 'best'.",
        ),
    ],
)
def test_command_errors_go_to_stderr_with_exit_code_1(portfolio_org, args, message):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as error:
        call_command("portfolio_report", *args, stdout=out, stderr=err)
    assert error.value.returncode == 1
    assert err.getvalue().strip() == message
    assert out.getvalue() == ""
