"""Portfolio services (permission, validation, audit) and the portfolio selectors (scope,
bounded queries, benefit-summary cache)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from assessments.models import InformationAsset, InitiativeAsset
from benefits.models import BenefitModel
from klassa_app.models import AuditEvent, Role
from klassa_app.services import ServiceError
from portfolio import selectors, services
from portfolio.models import InitiativePriority, PortfolioScenario, PortfolioSettings
from tests.factories import (
    InformationAssetFactory,
    InitiativeFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def document(amount: int, investment: int) -> dict:
    return {
        "format": "klassa.benefit-model/1",
        "name": "Model",
        "currency": "SEK",
        "horizon_years": 1,
        "discount_rate": "0",
        "levers": [
            {"kind": "fixed_amount", "name": "Saving", "amount": str(amount)},
            {
                "kind": "fixed_amount",
                "name": "For citizens",
                "stakeholder": "external",
                "amount": "100",
            },
        ],
        "costs": [{"name": "Build", "kind": "investment", "amounts": [str(investment), "0"]}],
    }


def ready_initiative(department, code, *, amount=1_000_000, investment=400_000, assets=1):
    initiative = InitiativeFactory(department=department, code=code)
    for n in range(assets):
        asset = InformationAssetFactory(
            department=department,
            code=f"{code}-{n}",
            levels={"K": 1, "R": 1, "T": 1, "S": 1},
            status=InformationAsset.Status.APPROVED,
            review_due=TODAY + timedelta(days=100),
        )
        InitiativeAsset.objects.create(initiative=initiative, asset=asset)
    BenefitModel.objects.create(initiative=initiative, document=document(amount, investment))
    return initiative


@pytest.fixture
def economist(utbildning):
    user = UserFactory(email="ekonom@norrkoping.se")
    MembershipFactory(
        user=user, organisation=utbildning.organisation, department=utbildning, role=Role.ECONOMIST
    )
    return user


@pytest.fixture
def edu(utbildning):
    return ready_initiative(utbildning, "EDU-A")


@pytest.fixture
def museum(kultur):
    return ready_initiative(kultur, "VM-A", amount=2_000_000, investment=900_000)


# --- Settings --------------------------------------------------------------------------------


def test_admin_updates_the_portfolio_settings_audited(admin, norrkoping):
    settings = services.do_update_portfolio_settings(
        actor=admin,
        organisation=norrkoping,
        year=2027,
        budget="50 000 000",
        scenario="high",
        method="wsjf",
        weights={"npv_per_krona": "0.5", "strategic_fit": "0.5"},
        fulfilment_threshold="0.7",
    )
    assert (settings.year, settings.budget, settings.scenario, settings.method) == (
        2027,
        Decimal(50_000_000),
        "high",
        "wsjf",
    )
    assert settings.weights == {"npv_per_krona": "0.5", "strategic_fit": "0.5"}
    assert settings.fulfilment_threshold == Decimal("0.7")
    event = AuditEvent.objects.get(action="portfolio.settings_updated")
    assert event.actor == admin and event.after["budget"] == "50000000.00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"budget": "-1"}, "budget"),
        ({"budget": "many"}, "budget"),
        ({"budget": 1.5}, "budget"),
        ({"scenario": "best"}, "scenario"),
        ({"method": "coin"}, "method"),
        ({"year": 1900}, "year"),
        ({"weights": {"beauty": "1"}}, "weights.beauty"),
        ({"weights": {"strategic_fit": "-1"}}, "weights.strategic_fit"),
        ({"fulfilment_threshold": "1.5"}, "fulfilment_threshold"),
    ],
)
def test_bad_settings_name_the_field_and_change_nothing(admin, norrkoping, change, field):
    with pytest.raises(ServiceError) as error:
        services.do_update_portfolio_settings(actor=admin, organisation=norrkoping, **change)
    assert error.value.field == field
    assert not PortfolioSettings.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="portfolio.").exists()


@pytest.mark.parametrize("persona", ["officer", "owner", "lawyer", "culture_viewer", "outsider"])
def test_only_the_org_admin_changes_the_settings(request, norrkoping, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.do_update_portfolio_settings(actor=user, organisation=norrkoping, budget=1)
    assert not PortfolioSettings.objects.exists()


# --- Priority and forced choices ---------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "owner", "economist"])
def test_owner_economist_and_admin_set_the_priority(request, edu, persona):
    user = request.getfixturevalue(persona)
    priority = services.do_set_priority(
        actor=user, initiative=edu, strategic_fit=4, time_criticality="5", duration_weeks=67
    )
    assert (priority.strategic_fit, priority.time_criticality, priority.duration_weeks) == (
        4,
        5,
        67,
    )
    event = AuditEvent.objects.get(action="portfolio.priority_set")
    assert event.after["strategic_fit"] == 4 and event.before["strategic_fit"] is None


@pytest.mark.parametrize("persona", ["lawyer", "culture_viewer", "outsider", "officer"])
def test_others_cannot_set_the_priority(request, edu, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.do_set_priority(actor=user, initiative=edu, strategic_fit=3)
    assert not InitiativePriority.objects.exists()


def test_another_departments_economist_cannot_set_the_priority(museum, economist):
    with pytest.raises(PermissionDenied):
        services.do_set_priority(actor=economist, initiative=museum, strategic_fit=3)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"strategic_fit": 6}, "strategic_fit"),
        ({"time_criticality": 0}, "time_criticality"),
        ({"duration_weeks": "x"}, "duration_weeks"),
    ],
)
def test_bad_priority_input_names_the_field(owner, edu, change, field):
    with pytest.raises(ServiceError) as error:
        services.do_set_priority(actor=owner, initiative=edu, **change)
    assert error.value.field == field


def test_the_benefit_owner_must_see_the_department(owner, culture_viewer, edu):
    with pytest.raises(ServiceError) as error:
        services.do_set_priority(actor=owner, initiative=edu, benefit_owner=culture_viewer)
    assert error.value.field == "benefit_owner"
    priority = services.do_set_priority(
        actor=owner, initiative=edu, benefit_owner=owner, dpia_recorded=True, dpia_reference="D-7"
    )
    assert priority.benefit_owner == owner and priority.dpia_recorded


def test_admin_forces_in_and_out_with_a_reason_audited(admin, edu):
    with pytest.raises(ServiceError) as error:
        services.do_force_initiative(actor=admin, initiative=edu, forced="out", reason="  ")
    assert error.value.field == "forced_reason"
    priority = services.do_force_initiative(
        actor=admin, initiative=edu, forced="out", reason="Waiting for the new directory"
    )
    assert (priority.forced, priority.forced_by, priority.forced_at is not None) == (
        "out",
        admin,
        True,
    )
    event = AuditEvent.objects.get(action="portfolio.forced")
    assert event.after["forced"] == "out" and event.after["forced_reason"]
    priority = services.do_force_initiative(actor=admin, initiative=edu, forced=None)
    assert (priority.forced, priority.forced_reason, priority.forced_by) == ("", "", None)
    assert AuditEvent.objects.filter(action="portfolio.force_released").count() == 1


@pytest.mark.parametrize("persona", ["officer", "owner", "culture_viewer", "outsider"])
def test_only_the_org_admin_forces(request, edu, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.do_force_initiative(actor=user, initiative=edu, forced="in", reason="Because")


def test_the_database_refuses_a_forced_choice_without_reason(edu):
    with pytest.raises(IntegrityError), transaction.atomic():
        InitiativePriority.objects.create(initiative=edu, forced="in", forced_reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        InitiativePriority.objects.create(initiative=edu, strategic_fit=0)


# --- Scenarios -------------------------------------------------------------------------------


@pytest.fixture
def budgeted(admin, norrkoping, edu, museum):
    services.do_update_portfolio_settings(
        actor=admin, organisation=norrkoping, budget=1_000_000, year=2027
    )
    return norrkoping


def test_save_compare_commit_and_delete_scenarios(admin, budgeted, edu, museum):
    # Both do not fit 1 000 000: the optimal choice is the museum (more NPV).
    first = services.do_save_scenario(actor=admin, organisation=budgeted, name="Base")
    assert first.selected_codes == ["VM-A"]
    assert first.total_investment_cost == Decimal(900_000)
    services.do_force_initiative(actor=admin, initiative=edu, forced="in", reason="Committee")
    second = services.do_save_scenario(actor=admin, organisation=budgeted, name="Education first")
    assert second.selected_codes == ["EDU-A"]
    assert second.forced_choices == {"EDU-A": {"forced": "in", "reason": "Committee"}}
    comparison = selectors.compare_scenarios(first, second)
    assert (comparison.only_left, comparison.only_right) == (["VM-A"], ["EDU-A"])

    with pytest.raises(ServiceError) as error:
        services.do_save_scenario(actor=admin, organisation=budgeted, name="base")
    assert error.value.field == "name"

    services.do_commit_scenario(actor=admin, scenario=first)
    with pytest.raises(ServiceError) as error:
        services.do_commit_scenario(actor=admin, scenario=second)
    assert error.value.field == "replace"
    services.do_commit_scenario(actor=admin, scenario=second, replace=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.is_committed and second.is_committed
    assert selectors.committed_scenario(budgeted, 2027) == second
    actions = list(
        AuditEvent.objects.filter(action__startswith="portfolio.scenario_")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "portfolio.scenario_saved",
        "portfolio.scenario_saved",
        "portfolio.scenario_committed",
        "portfolio.scenario_uncommitted",
        "portfolio.scenario_committed",
    ]
    with pytest.raises(ServiceError):
        services.do_delete_scenario(actor=admin, scenario=second)
    services.do_delete_scenario(actor=admin, scenario=first)
    assert list(PortfolioScenario.objects.values_list("name", flat=True)) == ["Education first"]
    assert AuditEvent.objects.filter(action="portfolio.scenario_deleted").count() == 1


def test_forced_in_beyond_the_budget_cannot_be_saved(admin, budgeted, edu, museum):
    services.do_force_initiative(actor=admin, initiative=edu, forced="in", reason="A")
    services.do_force_initiative(actor=admin, initiative=museum, forced="in", reason="B")
    with pytest.raises(ServiceError) as error:
        services.do_save_scenario(actor=admin, organisation=budgeted, name="Too much")
    assert error.value.field == "budget"
    assert not PortfolioScenario.objects.exists()


def test_at_most_one_committed_scenario_per_year_in_the_database(admin, budgeted):
    scenario = services.do_save_scenario(actor=admin, organisation=budgeted, name="A")
    other = services.do_save_scenario(actor=admin, organisation=budgeted, name="B")
    PortfolioScenario.objects.filter(pk=scenario.pk).update(committed_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        PortfolioScenario.objects.filter(pk=other.pk).update(committed_at=timezone.now())


@pytest.mark.parametrize("persona", ["officer", "owner", "culture_viewer", "outsider"])
def test_only_the_org_admin_handles_scenarios(request, admin, budgeted, persona):
    scenario = services.do_save_scenario(actor=admin, organisation=budgeted, name="Base")
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.do_save_scenario(actor=user, organisation=budgeted, name="Mine")
    with pytest.raises(PermissionDenied):
        services.do_commit_scenario(actor=user, scenario=scenario)
    with pytest.raises(PermissionDenied):
        services.do_delete_scenario(actor=user, scenario=scenario)
    assert PortfolioScenario.objects.count() == 1


def test_scenarios_of_another_organisation_are_404(admin, outsider, budgeted, other_department):
    scenario = services.do_save_scenario(actor=admin, organisation=budgeted, name="Base")
    with pytest.raises(Http404):
        selectors.get_visible_scenario(outsider, other_department.organisation, scenario.pk)
    with pytest.raises(Http404):
        selectors.get_visible_scenario(outsider, budgeted, scenario.pk)
    assert selectors.get_visible_scenario(admin, budgeted, scenario.pk) == scenario


# --- Scope and queries of the selectors -------------------------------------------------------


def test_admins_and_officers_see_every_department_others_their_own(
    admin, officer, owner, culture_viewer, norrkoping, edu, museum
):
    codes = {
        user.email: {r.code for r in selectors.portfolio_rows(user, norrkoping)}
        for user in (admin, officer, owner, culture_viewer)
    }
    assert codes[admin.email] == codes[officer.email] == {"EDU-A", "VM-A"}
    assert codes[owner.email] == {"EDU-A"}
    assert codes[culture_viewer.email] == {"VM-A"}


def test_outsiders_get_404_for_the_portfolio(outsider, norrkoping, edu):
    with pytest.raises(Http404):
        selectors.portfolio_rows(outsider, norrkoping)


def test_filters_totals_funnel_and_heat_map(admin, norrkoping, utbildning, edu, museum):
    result = selectors.portfolio(admin, norrkoping, budget=Decimal(10_000_000))
    assert result.totals.internal_benefit == Decimal(3_000_000)
    assert result.totals.external_benefit == Decimal(200)
    assert [s.count for s in result.funnel] == [2, 2, 2, 2, 2]
    assert {row.department.code for row in result.heat_map} == {"UTB", "KUF"}
    assert result.heat_map[0].cells["K"].maximum == 1
    only_edu = selectors.portfolio(
        admin, norrkoping, filters=selectors.PortfolioFilters(department_id=utbildning.pk)
    )
    assert [r.code for r in only_edu.rows] == ["EDU-A"]
    assert only_edu.totals.internal_benefit == Decimal(1_000_000)


def make_portfolio(department, count: int, assets_each: int = 3) -> None:
    for n in range(count):
        ready_initiative(
            department,
            f"P{n:04d}",
            amount=1_000_000 + n,
            investment=100_000 + 7 * n,
            assets=assets_each,
        )


def test_portfolio_rows_take_a_bounded_number_of_queries(
    admin, norrkoping, utbildning, django_assert_max_num_queries
):
    make_portfolio(utbildning, 5)
    selectors.portfolio_rows(admin, norrkoping)  # frameworks are created on first use
    with django_assert_max_num_queries(14) as small_queries:
        small = selectors.portfolio(admin, norrkoping)
    for n in range(5, 60):
        ready_initiative(utbildning, f"P{n:04d}", amount=1_000_000 + n, assets=3)
    with django_assert_max_num_queries(14) as large_queries:
        large = selectors.portfolio(admin, norrkoping)
    assert (len(small.rows), len(large.rows)) == (5, 60)
    assert all(row.ready for row in large.rows)
    # The same number of queries whatever the size.
    assert len(small_queries.captured_queries) == len(large_queries.captured_queries)
