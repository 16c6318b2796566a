"""Readiness: the register format's blockers in its order, advisory items that never block,
and the page that resolves each item."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments import classification_rules
from assessments.models import (
    InformationAsset,
    InitiativeAsset,
    PersonalData,
    RequirementStatus,
)
from benefits.models import BenefitModel
from portfolio import readiness, selectors
from portfolio.models import InitiativePriority, PortfolioSettings
from tests.factories import InformationAssetFactory, InitiativeFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def model_document(amount: int = 1_000_000, investment: int = 400_000) -> dict:
    return {
        "format": "klassa.benefit-model/1",
        "name": "Model",
        "currency": "SEK",
        "horizon_years": 1,
        "levers": [{"kind": "fixed_amount", "name": "Saving", "amount": str(amount)}],
        "costs": [{"name": "Build", "kind": "investment", "amounts": [str(investment), "0"]}],
    }


def approved_asset(department, code, levels=None, **fields):
    return InformationAssetFactory(
        department=department,
        code=code,
        levels=levels or {"K": 1, "R": 1, "T": 1, "S": 1},
        status=InformationAsset.Status.APPROVED,
        review_due=TODAY + timedelta(days=200),
        **fields,
    )


def initiative_with(department, code, assets, *, model=True):
    initiative = InitiativeFactory(department=department, code=code)
    for asset in assets:
        InitiativeAsset.objects.create(initiative=initiative, asset=asset)
    if model:
        BenefitModel.objects.create(initiative=initiative, document=model_document())
    return initiative


def row_of(admin, organisation, code):
    rows = selectors.portfolio_rows(admin, organisation)
    return next(row for row in rows if row.code == code)


# --- Pure rules --------------------------------------------------------------------------------


def state(code, levels=None, approved=True, psa=False, overdue=False):
    return classification_rules.AssetState(code, levels or {}, approved, psa, overdue)


def test_blockers_come_in_the_register_formats_order():
    assets = [
        state("ZETA", {"K": 1}, approved=True, overdue=True),
        state("BETA", {"K": 2}, approved=False),
        state("ALFA"),  # unclassified
    ]
    found = readiness.blockers(assets, requires_psa=True, has_benefit_model=False)
    assert found == [
        "asset_unclassified:ALFA",
        "asset_not_approved:BETA",
        "review_overdue:ZETA",
        "protective_security",
        "no_benefit_model",
    ]
    assert readiness.blockers([], requires_psa=False, has_benefit_model=True) == ["no_assets"]


def test_advisory_items_never_block():
    result = readiness.readiness(
        [state("A", {"K": 1})],
        requires_psa=False,
        has_benefit_model=True,
        fulfilment_share=Decimal("0.5"),
        threshold=Decimal("0.8"),
        has_benefit_owner=False,
        handles_special_categories=True,
        dpia_recorded=False,
    )
    assert result.ready
    assert result.advisory_codes == [
        "action_plan_below_threshold",
        "benefit_owner_missing",
        "dpia_not_recorded",
    ]


@pytest.mark.parametrize(
    ("share", "expected"),
    [(None, []), (Decimal("0.79"), ["action_plan_below_threshold"]), (Decimal("0.8"), [])],
)
def test_the_action_plan_item_appears_only_below_the_threshold(share, expected):
    found = readiness.advisories(
        fulfilment_share=share,
        threshold=Decimal("0.8"),
        has_benefit_owner=True,
        handles_special_categories=False,
        dpia_recorded=False,
    )
    assert found == expected


def test_a_recorded_dpia_or_no_special_categories_means_no_dpia_item():
    common = {"fulfilment_share": None, "threshold": Decimal("0.8"), "has_benefit_owner": True}
    assert readiness.advisories(**common, handles_special_categories=True, dpia_recorded=True) == []
    assert (
        readiness.advisories(**common, handles_special_categories=False, dpia_recorded=False) == []
    )


# --- Rows from the database --------------------------------------------------------------------


def test_an_initiative_with_approved_assets_and_a_model_is_ready(admin, norrkoping, utbildning):
    asset = approved_asset(utbildning, "NARV")
    initiative_with(utbildning, "EDU-A", [asset])
    row = row_of(admin, norrkoping, "EDU-A")
    assert row.ready and row.blockers == []
    assert row.classification_status == "approved"


def test_each_blocker_links_to_the_page_that_resolves_it(admin, norrkoping, utbildning):
    unclassified = InformationAssetFactory(department=utbildning, code="RAW")
    draft = InformationAssetFactory(
        department=utbildning, code="DRAFT", levels={"K": 1}, status=InformationAsset.Status.DRAFT
    )
    overdue = approved_asset(utbildning, "OLD")
    InformationAsset.objects.filter(pk=overdue.pk).update(review_due=TODAY - timedelta(days=1))
    secret = approved_asset(utbildning, "SECRET", protective_security=True)
    initiative = initiative_with(
        utbildning, "EDU-X", [unclassified, draft, overdue, secret], model=False
    )
    empty = initiative_with(utbildning, "EDU-Y", [], model=False)
    row = row_of(admin, norrkoping, "EDU-X")
    assert [item.code for item in row.blockers] == [
        "asset_unclassified:RAW",
        "asset_not_approved:DRAFT",
        "review_overdue:OLD",
        "protective_security",
        "no_benefit_model",
    ]
    links = {item.code: item.url for item in row.blockers}
    assert links["asset_unclassified:RAW"] == f"/assets/{unclassified.pk}/assess/"
    assert links["asset_not_approved:DRAFT"] == f"/assets/{draft.pk}/"
    assert links["review_overdue:OLD"] == f"/assets/{overdue.pk}/"
    assert links["protective_security"] == f"/initiatives/{initiative.pk}/"
    assert links["no_benefit_model"] == f"/initiatives/{initiative.pk}/benefits/"
    assert all(item.label and item.blocking for item in row.blockers)
    assert "RAW" in row.blockers[0].label
    empty_row = row_of(admin, norrkoping, "EDU-Y")
    first = empty_row.blockers[0]
    assert (first.code, first.url) == (
        "no_assets",
        f"/initiatives/{empty.pk}/assets/",
    )


def test_advisory_items_from_the_database(admin, owner, norrkoping, utbildning):
    student_health = approved_asset(
        utbildning,
        "ELEVHALSA",
        levels={"K": 3, "R": 2, "T": 1, "S": 2},
        personal_data=PersonalData.SPECIAL_CATEGORIES,
    )
    initiative = initiative_with(utbildning, "EDU-A", [student_health])
    row = row_of(admin, norrkoping, "EDU-A")
    assert row.ready
    codes = [item.code for item in row.advisories]
    assert "benefit_owner_missing" in codes and "dpia_not_recorded" in codes
    assert not any(item.blocking for item in row.advisories)

    InitiativePriority.objects.create(
        initiative=initiative, benefit_owner=owner, dpia_recorded=True, dpia_reference="D-1"
    )
    row = row_of(admin, norrkoping, "EDU-A")
    assert "benefit_owner_missing" not in [i.code for i in row.advisories]
    assert "dpia_not_recorded" not in [i.code for i in row.advisories]


def test_action_plan_fulfilment_below_the_threshold_is_advised(admin, norrkoping, utbildning):
    asset = approved_asset(utbildning, "ELEV", levels={"K": 3, "R": 3, "T": 3, "S": 3})
    initiative = initiative_with(utbildning, "EDU-A", [asset])
    row = row_of(admin, norrkoping, "EDU-A")
    assert row.fulfilment_share == 0  # nothing assessed yet
    item = next(i for i in row.advisories if i.code == "action_plan_below_threshold")
    assert item.url == f"/initiatives/{initiative.pk}/action-plan/"

    # Everything fulfilled: the item goes away.
    from assessments import selectors as assessment_selectors

    plan = assessment_selectors.action_plan(
        initiative, assessment_selectors.initiative_classification(initiative)
    )
    RequirementStatus.objects.bulk_create(
        RequirementStatus(initiative=initiative, requirement=item.requirement, status="fulfilled")
        for item in plan.items
    )
    row = row_of(admin, norrkoping, "EDU-A")
    assert row.fulfilment_share == 1
    assert "action_plan_below_threshold" not in [i.code for i in row.advisories]

    # The organisation's threshold decides: at 0 nothing is ever below it.
    RequirementStatus.objects.filter(initiative=initiative).update(status="not")
    PortfolioSettings.objects.create(organisation=norrkoping, fulfilment_threshold=Decimal(0))
    row = row_of(admin, norrkoping, "EDU-A")
    assert "action_plan_below_threshold" not in [i.code for i in row.advisories]


def test_bulk_fulfilment_equals_the_action_plan_page(admin, norrkoping, utbildning):
    from assessments import selectors as assessment_selectors

    asset = approved_asset(
        utbildning, "ELEV", levels={"K": 3, "R": 2, "T": 2, "S": 2}, personal_data="yes"
    )
    initiative = initiative_with(utbildning, "EDU-A", [asset])
    plan = assessment_selectors.action_plan(
        initiative, assessment_selectors.initiative_classification(initiative)
    )
    statuses = ["fulfilled", "partly", "not", "na"]
    RequirementStatus.objects.bulk_create(
        RequirementStatus(initiative=initiative, requirement=item.requirement, status=status)
        for item, status in zip(plan.items, statuses * len(plan.items), strict=False)
    )
    plan = assessment_selectors.action_plan(
        initiative, assessment_selectors.initiative_classification(initiative)
    )
    row = row_of(admin, norrkoping, "EDU-A")
    assert row.fulfilment_share == readiness.fulfilment_share(plan.overall)


# --- Prerequisites ----------------------------------------------------------------------------


def test_a_prerequisite_that_is_not_ready_is_an_advisory_item_on_the_pages_and_in_compute(
    admin, owner, norrkoping, utbildning
):
    from portfolio import pages
    from portfolio.services import do_set_prerequisites

    platform = initiative_with(utbildning, "PLAT", [], model=False)  # no assets: not ready
    ready_platform = initiative_with(utbildning, "PLAT-OK", [approved_asset(utbildning, "A1")])
    dashboard = initiative_with(utbildning, "EDU-A", [approved_asset(utbildning, "A2")])
    do_set_prerequisites(actor=owner, initiative=dashboard, requires=[platform, ready_platform])

    computed = row_of(admin, norrkoping, "EDU-A")
    assert computed.ready  # an advisory item never blocks
    codes = [item.code for item in computed.advisories]
    assert "prerequisite_not_ready:PLAT" in codes
    assert "prerequisite_not_ready:PLAT-OK" not in codes
    item = next(i for i in computed.advisories if i.code == "prerequisite_not_ready:PLAT")
    assert "PLAT" in item.label
    assert item.url.endswith(f"/initiatives/{dashboard.pk}/priority/")

    stored = next(r for r in pages.dashboard(admin, norrkoping).rows if r.code == "EDU-A")
    assert stored.readiness.advisory_codes == computed.readiness.advisory_codes

    # The platform gets its assets approved: the advisory item goes.
    InitiativeAsset.objects.create(initiative=platform, asset=approved_asset(utbildning, "A3"))
    BenefitModel.objects.create(initiative=platform, document=model_document())
    assert (
        "prerequisite_not_ready:PLAT"
        not in row_of(admin, norrkoping, "EDU-A").readiness.advisory_codes
    )
    stored = next(r for r in pages.dashboard(admin, norrkoping).rows if r.code == "EDU-A")
    assert "prerequisite_not_ready:PLAT" not in stored.readiness.advisory_codes


def test_a_prerequisite_whose_review_has_fallen_due_is_not_ready():
    assert readiness.ready_on(0, None, TODAY)
    assert readiness.ready_on(0, TODAY, TODAY)
    assert not readiness.ready_on(0, TODAY - timedelta(days=1), TODAY)
    assert not readiness.ready_on(1, None, TODAY)
    assert not readiness.ready_on(None, None, TODAY)  # no stored figures yet
