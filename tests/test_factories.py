"""Every factory builds an object that passes the model's own validation, and the
aggregates made through the services carry the figures those services store."""

from __future__ import annotations

import pytest

from assessments.models import Assessment, ConsensusSession, InformationAsset, RequirementStatus
from benefits import derived as benefit_derived
from klassa_app.models import Role
from portfolio import figures
from tests import factories

pytestmark = pytest.mark.django_db


def _valid(obj, exclude=None):
    obj.full_clean(exclude=exclude)
    return obj


@pytest.mark.parametrize(
    "factory",
    [
        factories.UserFactory,
        factories.OrganisationFactory,
        factories.DepartmentFactory,
        factories.MembershipFactory,
        factories.ClassificationSchemeFactory,
        factories.QuestionBankFactory,
        factories.RequirementCatalogueFactory,
        factories.InformationAssetFactory,
        factories.AreaFactory,
        factories.InitiativeFactory,
        factories.PortfolioSettingsFactory,
        factories.ReportJobFactory,
        factories.RegisterExportJobFactory,
        factories.PortfolioReportJobFactory,
        factories.RegisterImportJobFactory,
    ],
    ids=lambda f: f.__name__,
)
def test_a_plain_factory_builds_a_valid_row(factory):
    obj = _valid(factory())
    assert obj.pk is not None


@pytest.mark.parametrize(
    "trait, role",
    [
        ("org_admin", Role.ORG_ADMIN),
        ("security_officer", Role.SECURITY_OFFICER),
        ("business_owner", Role.BUSINESS_OWNER),
        ("legal_reviewer", Role.LEGAL_REVIEWER),
        ("dpo", Role.DPO),
        ("economist", Role.ECONOMIST),
    ],
)
def test_a_membership_is_made_by_role(trait, role):
    department = factories.DepartmentFactory()
    organisation_wide = role in (Role.ORG_ADMIN, Role.SECURITY_OFFICER)
    where = (
        {"organisation": department.organisation}
        if organisation_wide
        else {"department": department}
    )
    membership = _valid(factories.MembershipFactory(**where, **{trait: True}))
    assert membership.role == role
    assert membership.organisation == department.organisation
    assert (membership.department is None) == organisation_wide


def test_a_framework_factory_makes_the_next_version():
    first = factories.ClassificationSchemeFactory()
    second = factories.ClassificationSchemeFactory(organisation=first.organisation)
    assert (first.version, second.version) == (1, 2)
    assert second.aspects.count() == first.aspects.count() > 0


def test_a_draft_assessment_is_started_in_the_wizard():
    assessment = _valid(factories.AssessmentFactory(answers={"K": 2}))
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.results.get(aspect_code="K").final_level == 2


def test_a_classified_asset_has_an_approved_classification_at_its_levels():
    asset = _valid(
        factories.ClassifiedAssetFactory(classification={"K": 3, "R": 2, "T": 1, "S": 1})
    )
    assert asset.status == InformationAsset.Status.APPROVED
    assert asset.levels == {"K": 3, "R": 2, "T": 1, "S": 1}
    assert asset.review_due is not None
    approved = asset.assessments.get(status=Assessment.Status.APPROVED)
    assert approved.approved_by is not None


def test_a_consensus_session_invites_everyone_who_must_sign():
    asset = factories.InformationAssetFactory(personal_data="yes")
    session = _valid(
        factories.ConsensusSessionFactory(assessment=factories.AssessmentFactory(asset=asset))
    )
    assert session.status == ConsensusSession.Status.OPEN
    assert session.assessment.status == Assessment.Status.IN_CONSENSUS
    assert sorted(session.participants.values_list("session_role", flat=True)) == [
        "business_owner",
        "dpo",
        "legal_reviewer",
    ]


def test_a_participant_sees_the_department_of_the_session():
    participant = _valid(factories.ParticipantFactory())
    assert participant.session.participants.count() == 3


def test_an_initiative_with_linked_assets_inherits_their_stored_figures():
    initiative = _valid(factories.InitiativeFactory(assets=2))
    assert initiative.assets.filter(status=InformationAsset.Status.APPROVED).count() == 2
    assert figures.differences(initiative.organisation) == []


def test_a_requirement_status_belongs_to_the_initiatives_action_plan():
    status = _valid(factories.RequirementStatusFactory())
    second = factories.RequirementStatusFactory(initiative=status.initiative)
    assert status.requirement.catalogue == status.initiative.action_plan_catalogue
    assert second.requirement != status.requirement
    assert RequirementStatus.objects.filter(initiative=status.initiative).count() == 2
    assert figures.differences(status.initiative.organisation) == []


def test_a_benefit_model_is_stored_canonical_with_its_key_figures():
    model = _valid(factories.BenefitModelFactory())
    assert model.document["format"] == "klassa.benefit-model/1"
    stored = {s.scenario: s.total_benefit for s in model.summaries.all()}
    fresh = benefit_derived.fresh_summaries(model.document)
    assert stored == {scenario: values["total_benefit"] for scenario, values in fresh.items()}
    assert set(stored) == {"low", "medium", "high"}
    assert figures.differences(model.initiative.organisation) == []


def test_a_benefit_tracking_takes_its_targets_from_the_model():
    # The status to date is stored by benefits.derived and may be empty (nothing measured).
    tracking = _valid(factories.BenefitTrackingFactory(), exclude=["realisation", "status_year"])
    other = factories.BenefitTrackingFactory(benefit_model=tracking.benefit_model)
    assert tracking.lever_name != other.lever_name
    years = list(tracking.years.order_by("year"))
    assert years and years[0].year == tracking.start_year
    assert all(y.target > 0 for y in years)


def test_priority_inputs_and_a_forced_choice_are_set_through_the_services():
    priority = _valid(factories.InitiativePriorityFactory(forced="in"))
    assert (priority.strategic_fit, priority.forced) == (3, "in")
    assert priority.forced_reason and priority.forced_by is not None


def test_a_scenario_freezes_the_optimal_selection_and_its_totals():
    settings = factories.PortfolioSettingsFactory()
    department = factories.DepartmentFactory(organisation=settings.organisation)
    model = factories.BenefitModelFactory(
        initiative=factories.InitiativeFactory(department=department, assets=1)
    )
    scenario = _valid(factories.PortfolioScenarioFactory(organisation=settings.organisation))
    assert scenario.budget == settings.budget
    assert scenario.selected_codes == [model.initiative.code]
    assert figures.differences(settings.organisation) == []
