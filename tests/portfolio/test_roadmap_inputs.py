"""The roadmap's data: prerequisites and plan-year frames (services and the register
document), the investment schedule stored with each benefit model, and ``roadmap_report``."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from benefits.models import BenefitSummary
from interchange import register
from klassa_app.models import AuditEvent
from klassa_app.services import ServiceError
from portfolio import selectors
from portfolio.models import PlanYearBudget, PortfolioSettings, Prerequisite
from portfolio.roadmap_report import duration_years, roadmap_inputs, roadmap_report
from portfolio.services import do_set_plan_budgets, do_set_prerequisites
from tests.factories import InitiativeFactory
from tests.helpers import make_document

pytestmark = pytest.mark.django_db


def _model(name: str, benefit: int, *investments: int) -> dict:
    return {
        "format": "klassa.benefit-model/1",
        "name": name,
        "currency": "SEK",
        "horizon_years": 3,
        "discount_rate": "0",
        "levers": [{"kind": "fixed_amount", "name": "Benefit", "amount": benefit}]
        if benefit
        else [],
        "costs": [
            {
                "name": "Build",
                "kind": "investment",
                "amounts": [*investments, *([0] * (4 - len(investments)))],
            }
        ],
    }


def platform_document() -> dict:
    """The deck's shape: a sensor platform with no benefit of its own, needed by Smart City
    and Traffic planning; three plan years."""
    document = make_document()
    base = document["initiatives"][0]
    document["initiatives"] = [
        {**base, "code": "PLAT-SENSOR", "name": "Sensordataplattform", "adjustments": [],
         "benefit_model": _model("Plattform", 0, 8_000_000), "priority": {"duration_weeks": 40}},
        {**base, "code": "SC-A", "name": "Smart City", "adjustments": [],
         "benefit_model": _model("Smart City", 12_000_000, 0, 10_000_000),
         "requires": ["PLAT-SENSOR"], "priority": {"duration_weeks": 67}},
        {**base, "code": "TP-A", "name": "Trafikplanering", "adjustments": [],
         "benefit_model": _model("Trafik", 5_000_000, 0, 5_000_000),
         "requires": ["PLAT-SENSOR"], "priority": {"duration_weeks": 52}},
    ]  # fmt: skip
    document["portfolio"] = {
        "year": 2027,
        "budget": "30000000",
        "scenario": "medium",
        "budgets": {"2027": "30000000", "2028": "25000000", "2029": "20000000"},
    }
    return document


@pytest.fixture
def imported(norrkoping, officer):
    register.import_document(platform_document(), actor=officer)
    return norrkoping


def test_an_import_stores_prerequisites_and_plan_years_and_the_export_writes_them_back(
    imported, officer
):
    assert sorted(Prerequisite.objects.values_list("initiative__code", "requires__code")) == [
        ("SC-A", "PLAT-SENSOR"),
        ("TP-A", "PLAT-SENSOR"),
    ]
    settings = PortfolioSettings.objects.get(organisation=imported)
    assert selectors.plan_budgets(settings) == {
        2027: Decimal(30_000_000),
        2028: Decimal(25_000_000),
        2029: Decimal(20_000_000),
    }
    exported = register.export_document(imported)
    by_code = {i["code"]: i for i in exported["initiatives"]}
    assert by_code["SC-A"]["requires"] == ["PLAT-SENSOR"]
    assert by_code["PLAT-SENSOR"]["requires"] == []
    assert exported["portfolio"]["budgets"] == {
        "2027": "30000000.00",
        "2028": "25000000.00",
        "2029": "20000000.00",
    }
    # The export imports as is and changes nothing.
    summary = register.import_document(exported, actor=officer)
    assert not summary.portfolio_changed
    assert summary.initiatives.updated == []


def test_an_initiative_without_requires_keeps_its_prerequisites_and_an_empty_list_clears_them(
    imported, officer
):
    document = platform_document()
    del document["initiatives"][1]["requires"]
    document["initiatives"][2]["requires"] = []
    register.import_document(document, actor=officer)
    assert list(Prerequisite.objects.values_list("initiative__code", flat=True)) == ["SC-A"]
    assert AuditEvent.objects.filter(action="portfolio.prerequisites_set").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["initiatives"][0].__setitem__("requires", ["SC-A"]),
            # Named at the initiative whose requires closes the cycle, read in order.
            "initiatives[1].requires: cycle SC-A → PLAT-SENSOR → SC-A",
        ),
        (
            lambda d: d["initiatives"][1].__setitem__("requires", ["SC-A"]),
            "initiatives[1].requires[0]: an initiative cannot require itself",
        ),
        (
            lambda d: d["initiatives"][1].__setitem__("requires", ["NOPE"]),
            "initiatives[1].requires[0]: unknown initiative code",
        ),
        (
            lambda d: d["portfolio"]["budgets"].__setitem__("2031", "1"),
            "portfolio.budgets: must be consecutive years, at most 10",
        ),
        (
            lambda d: d["portfolio"].__setitem__("year", 2028),
            "portfolio.year: must be the first year of portfolio.budgets",
        ),
        (
            lambda d: d["portfolio"].__setitem__("budget", "1"),
            "portfolio.budget: must equal the budget of the first year of portfolio.budgets",
        ),
        (
            lambda d: d["portfolio"]["budgets"].__setitem__("2028", "-5"),
            "portfolio.budgets.2028: must be 0 or more",
        ),
    ],
)
def test_a_bad_roadmap_document_is_refused_naming_the_path(norrkoping, officer, change, message):
    document = copy.deepcopy(platform_document())
    change(document)
    with pytest.raises(register.RegisterInvalid) as refused:
        register.import_document(document, actor=officer)
    assert message in [str(e) for e in refused.value.errors]
    assert not Prerequisite.objects.exists()
    assert not PlanYearBudget.objects.exists()


def test_a_cycle_through_a_stored_prerequisite_is_refused(imported, officer):
    document = platform_document()
    document["initiatives"] = [
        {**document["initiatives"][0], "requires": ["TP-A"]}
    ]  # TP-A → PLAT-SENSOR is stored; the document leaves it as it is
    errors = [str(e) for e in register.validate(document)]
    assert "initiatives[0].requires: cycle TP-A → PLAT-SENSOR → TP-A" in errors


def test_the_stored_summary_holds_the_investment_by_year_and_the_discount_rate(imported):
    summary = BenefitSummary.objects.get(initiative__code="SC-A", scenario="medium")
    assert summary.investment_schedule == ["0.0000", "10000000.0000", "0.0000", "0.0000"]
    assert summary.discount_rate == Decimal(0)


def test_the_roadmap_puts_the_platform_first_and_shares_its_cost(imported):
    report = roadmap_report(imported)
    assert report["format"] == "klassa.roadmap/1"
    assert report["years"] == [2027, 2028, 2029]
    assert report["budgets"] == {
        "2027": "30000000.00",
        "2028": "25000000.00",
        "2029": "20000000.00",
    }
    assert report["feasible"] and report["proven_optimal"]
    starts = {entry["initiative"]: entry["start_year"] for entry in report["plan"]}
    assert starts == {"PLAT-SENSOR": 2027, "SC-A": 2028, "TP-A": 2028}
    platform = next(e for e in report["plan"] if e["initiative"] == "PLAT-SENSOR")
    assert platform["shared_by"] == ["SC-A", "TP-A"]
    assert platform["costs"] == {"2027": "8000000.00"}
    smart_city = next(e for e in report["plan"] if e["initiative"] == "SC-A")
    assert smart_city["costs"] == {"2029": "10000000.00"}
    shares = [
        Decimal(e["shared_costs"]["PLAT-SENSOR"]) for e in report["plan"] if "shared_costs" in e
    ]
    assert sum(shares) == Decimal(8_000_000)
    assert report["spend"] == {"2027": "8000000.00", "2028": "0.00", "2029": "15000000.00"}
    assert report["unplanned"] == [] and report["conflicts"] == []


def test_the_command_prints_the_same_report(imported):
    out = StringIO()
    call_command("roadmap_report", "--organisation", "norrkoping", stdout=out)
    assert json.loads(out.getvalue()) == roadmap_report(imported)


def test_the_inputs_come_from_a_fixed_number_of_queries(imported, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        inputs = roadmap_inputs(imported)
    assert [i.code for i in inputs.items] == ["PLAT-SENSOR", "SC-A", "TP-A"]
    assert [i.duration_years for i in inputs.items] == [1, 2, 1]


@pytest.mark.parametrize(("weeks", "years"), [(None, 1), (1, 1), (52, 1), (53, 2), (97, 2)])
def test_a_duration_in_weeks_is_whole_plan_years(weeks, years):
    assert duration_years(weeks) == years


# --- The services --------------------------------------------------------------------------


def test_an_owner_sets_prerequisites_and_a_cycle_is_refused_naming_it(owner, utbildning):
    platform = InitiativeFactory(department=utbildning, code="PLAT")
    dashboard = InitiativeFactory(department=utbildning, code="DASH")
    do_set_prerequisites(actor=owner, initiative=dashboard, requires=[platform])
    with pytest.raises(ServiceError) as refused:
        do_set_prerequisites(actor=owner, initiative=platform, requires=[dashboard])
    assert refused.value.field == "requires"
    assert "PLAT → DASH → PLAT" in refused.value.message
    assert list(Prerequisite.objects.values_list("initiative__code", "requires__code")) == [
        ("DASH", "PLAT")
    ]
    assert AuditEvent.objects.filter(action="portfolio.prerequisites_set").count() == 1


def test_a_prerequisite_of_another_organisation_is_refused(owner, utbildning, other_department):
    mine = InitiativeFactory(department=utbildning)
    theirs = InitiativeFactory(department=other_department)
    with pytest.raises(ServiceError):
        do_set_prerequisites(actor=owner, initiative=mine, requires=[theirs])
    with pytest.raises(ServiceError):
        do_set_prerequisites(actor=owner, initiative=mine, requires=[mine])
    assert not Prerequisite.objects.exists()


def test_a_lawyer_may_not_set_prerequisites(lawyer, utbildning):
    first, second = InitiativeFactory.create_batch(2, department=utbildning)
    with pytest.raises(PermissionDenied):
        do_set_prerequisites(actor=lawyer, initiative=first, requires=[second])


def test_the_admin_sets_the_plan_years_frames(admin, norrkoping):
    do_set_plan_budgets(
        actor=admin,
        organisation=norrkoping,
        budgets={"2028": "25 000 000", "2027": "30000000", "2029": 0},
    )
    settings = PortfolioSettings.objects.get(organisation=norrkoping)
    assert (settings.year, settings.budget) == (2027, Decimal(30_000_000))
    assert selectors.plan_budgets(settings) == {
        2027: Decimal(30_000_000),
        2028: Decimal(25_000_000),
        2029: Decimal(0),
    }
    assert AuditEvent.objects.filter(action="portfolio.plan_budgets_set").count() == 1


@pytest.mark.parametrize(
    ("budgets", "field"),
    [
        ({}, "budgets"),
        ({"2027": "1", "2029": "1"}, "budgets"),
        ({"2027": "-1"}, "budgets.2027"),
        ({"1999": "1"}, "budgets.1999"),
        ({"x": "1"}, "budgets"),
    ],
)
def test_bad_plan_years_name_their_field_and_change_nothing(admin, norrkoping, budgets, field):
    with pytest.raises(ServiceError) as refused:
        do_set_plan_budgets(actor=admin, organisation=norrkoping, budgets=budgets)
    assert refused.value.field == field
    assert not PlanYearBudget.objects.exists()


def test_an_officer_may_not_set_the_frames(officer, norrkoping):
    with pytest.raises(PermissionDenied):
        do_set_plan_budgets(actor=officer, organisation=norrkoping, budgets={"2027": "1"})
