"""Assets, guided assessments, approval and initiatives through their services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from assessments import frameworks, selectors, services
from assessments.models import AspectResult, Assessment, InformationAsset, Question
from assessments.services import StepInput
from klassa_app.models import AuditEvent
from klassa_app.services import ServiceError
from tests.factories import InformationAssetFactory, answer_all
from tests.helpers import classified

pytestmark = pytest.mark.django_db


def option_for(question: Question, level: int) -> int:
    return next(o.pk for o in question.options.all() if o.level == level)


@pytest.fixture
def elevregister(owner, utbildning):
    return services.do_create_asset(
        actor=owner,
        department=utbildning,
        code="elev",
        name="Elevregister",
        personal_data="special_categories",
        secrecy=True,
        secrecy_reference="OSL 23 kap. 2 §",
    )


def test_business_owner_registers_an_asset_and_it_is_audited(elevregister, owner):
    assert elevregister.code == "ELEV"
    assert elevregister.status == InformationAsset.Status.UNCLASSIFIED
    event = AuditEvent.objects.get(action="asset.created")
    assert event.actor == owner and event.after["personal_data"] == "special_categories"


def test_secrecy_without_a_chapter_reference_names_the_field(owner, utbildning):
    with pytest.raises(ServiceError) as error:
        services.do_create_asset(
            actor=owner, department=utbildning, code="X", name="X", secrecy=True
        )
    assert error.value.field == "secrecy_reference"
    assert not InformationAsset.objects.exists()


def test_duplicate_asset_code_in_the_organisation_is_refused(owner, utbildning, elevregister):
    with pytest.raises(ServiceError) as error:
        services.do_create_asset(actor=owner, department=utbildning, code="Elev", name="Igen")
    assert error.value.field == "code"


def test_a_viewer_may_not_register_assets(culture_viewer, kultur):
    with pytest.raises(PermissionDenied):
        services.do_create_asset(actor=culture_viewer, department=kultur, code="X", name="X")


def test_a_business_owner_may_not_register_assets_in_another_department(owner, kultur):
    with pytest.raises(PermissionDenied):
        services.do_create_asset(actor=owner, department=kultur, code="X", name="X")


def test_the_organisation_gets_the_default_scheme_questions_and_requirements(norrkoping):
    scheme = frameworks.load_scheme(frameworks.current_scheme(norrkoping))
    assert scheme.codes == ["K", "R", "T", "S"]
    assert scheme.tops == {"K": 4, "R": 4, "T": 4, "S": 4}
    assert frameworks.current_question_bank(norrkoping).questions.count() >= 20
    assert frameworks.current_catalogue(norrkoping).requirements.count() >= 40


def test_wizard_computes_the_maximum_and_legal_minimums_lift_it(owner, elevregister):
    assessment = services.do_start_assessment(actor=owner, asset=elevregister)
    assessment = answer_all(owner, assessment, {"K": 1, "R": 1, "T": 1, "S": 0})
    results = {r.aspect_code: r for r in assessment.results.all()}
    assert results["K"].computed_level == 1
    assert results["K"].minimum_level == 3  # special categories
    assert results["K"].final_level == 3
    assert results["R"].final_level == 2  # special categories: R ≥ 2
    elevregister.refresh_from_db()
    assert elevregister.status == InformationAsset.Status.DRAFT
    assert elevregister.levels["K"] == 3


def test_tolerable_downtime_implies_an_availability_level(owner, elevregister):
    assessment = services.do_start_assessment(actor=owner, asset=elevregister)
    assessment = answer_all(
        owner, assessment, {"T": 0}, downtime_hours="3,5", rto_hours="2", rpo_hours="1"
    )
    result = assessment.results.get(aspect_code="T")
    assert result.computed_level == 3  # below 4 hours
    assert str(assessment.downtime_hours) == "3.50"


def test_negative_downtime_is_refused_and_nothing_is_saved(owner, elevregister):
    assessment = services.do_start_assessment(actor=owner, asset=elevregister)
    with pytest.raises(ServiceError) as error:
        services.do_save_step(
            actor=owner,
            assessment=assessment,
            aspect_code="T",
            step=StepInput(answers={}, comments={}, downtime_hours="-2"),
            lock_version=assessment.lock_version,
        )
    assert error.value.field == "downtime_hours"
    assessment.refresh_from_db()
    assert assessment.downtime_hours is None and assessment.lock_version == 0


def test_override_needs_a_justification_and_changes_nothing_without_one(owner, elevregister):
    assessment = services.do_start_assessment(actor=owner, asset=elevregister)
    with pytest.raises(ServiceError) as error:
        services.do_save_step(
            actor=owner,
            assessment=assessment,
            aspect_code="S",
            step=StepInput(answers={}, comments={}, override_level=2),
            lock_version=assessment.lock_version,
        )
    assert error.value.field == "override_reason"
    assert not AspectResult.objects.filter(assessment=assessment, override_level=2).exists()


def test_override_outside_the_scale_is_refused(owner, elevregister):
    assessment = services.do_start_assessment(actor=owner, asset=elevregister)
    with pytest.raises(ServiceError) as error:
        services.do_save_step(
            actor=owner,
            assessment=assessment,
            aspect_code="S",
            step=StepInput(answers={}, comments={}, override_level=9, override_reason="x"),
            lock_version=assessment.lock_version,
        )
    assert error.value.field == "override_level"


def test_override_is_kept_next_to_the_computed_level(owner, elevregister):
    assessment = services.do_start_assessment(actor=owner, asset=elevregister)
    assessment = answer_all(owner, assessment, {"S": 1})
    assessment = services.do_save_step(
        actor=owner,
        assessment=assessment,
        aspect_code="S",
        step=StepInput(
            answers={}, comments={}, override_level=3, override_reason="Logs are evidence"
        ),
        lock_version=assessment.lock_version,
    )
    result = assessment.results.get(aspect_code="S")
    assert (result.computed_level, result.override_level, result.final_level) == (1, 3, 3)


def test_a_save_based_on_an_old_version_is_refused_as_stale(owner, lawyer, elevregister):
    assessment = services.do_start_assessment(actor=owner, asset=elevregister)
    seen = assessment.lock_version
    answer_all(lawyer, assessment, {"S": 1})
    with pytest.raises(services.StaleVersion):
        services.do_save_step(
            actor=owner,
            assessment=assessment,
            aspect_code="S",
            step=StepInput(answers={}, comments={}),
            lock_version=seen,
        )


def test_security_officer_approves_and_the_review_date_is_a_year_later(
    owner, officer, elevregister
):
    assessment = services.do_start_assessment(actor=owner, asset=elevregister)
    assessment = answer_all(owner, assessment, {"K": 2, "R": 2, "T": 2, "S": 1})
    approved = services.do_approve_assessment(actor=officer, assessment=assessment)
    assert approved.status == Assessment.Status.APPROVED
    assert approved.review_due == timezone.localdate().replace(year=timezone.localdate().year + 1)
    elevregister.refresh_from_db()
    assert elevregister.status == InformationAsset.Status.APPROVED
    assert AuditEvent.objects.filter(action="assessment.approved").count() == 1


def test_a_business_owner_cannot_approve(owner, elevregister):
    assessment = services.do_start_assessment(actor=owner, asset=elevregister)
    with pytest.raises(PermissionDenied):
        services.do_approve_assessment(actor=owner, assessment=assessment)


def test_approval_needs_every_aspect_answered(owner, officer, elevregister):
    assessment = services.do_start_assessment(actor=owner, asset=elevregister)
    assessment = answer_all(owner, assessment, {"K": 2})
    with pytest.raises(ServiceError, match="R"):
        services.do_approve_assessment(actor=officer, assessment=assessment)


def test_top_level_keeps_the_asset_out_of_the_ordinary_approval(owner, officer, elevregister):
    assessment = services.do_start_assessment(actor=owner, asset=elevregister)
    assessment = answer_all(owner, assessment, {"K": 4, "R": 2, "T": 2, "S": 1})
    assert assessment.requires_protective_security_analysis
    with pytest.raises(ServiceError):
        services.do_approve_assessment(actor=officer, assessment=assessment)
    elevregister.refresh_from_db()
    assert elevregister.requires_protective_security_analysis


def test_approved_versions_are_immutable_and_reassessment_starts_from_old_answers(
    owner, officer, elevregister
):
    first = services.do_start_assessment(actor=owner, asset=elevregister)
    first = answer_all(owner, first, {"K": 2, "R": 2, "T": 2, "S": 1})
    first = services.do_approve_assessment(actor=officer, assessment=first)
    with pytest.raises(ServiceError, match=r"re-assessment|omklassning|omprövning"):
        services.do_save_step(
            actor=owner,
            assessment=first,
            aspect_code="K",
            step=StepInput(answers={}, comments={}),
            lock_version=first.lock_version,
        )
    second = services.do_start_assessment(actor=owner, asset=elevregister)
    assert second.version == 2
    assert second.answers.count() == first.answers.count()
    assert {r.aspect_code: r.final_level for r in second.results.all()} == {
        r.aspect_code: r.final_level for r in first.results.all()
    }
    # The approved version still counts until the new one is approved.
    elevregister.refresh_from_db()
    assert elevregister.status == InformationAsset.Status.APPROVED
    services.do_approve_assessment(actor=officer, assessment=second)
    first.refresh_from_db()
    assert first.status == Assessment.Status.SUPERSEDED


def test_adding_a_legal_trigger_to_an_approved_asset_brings_its_review_forward(
    owner, officer, utbildning
):
    asset = services.do_create_asset(actor=owner, department=utbildning, code="N", name="Närvaro")
    assessment = answer_all(
        owner,
        services.do_start_assessment(actor=owner, asset=asset),
        {"K": 1, "R": 1, "T": 1, "S": 1},
    )
    services.do_approve_assessment(actor=officer, assessment=assessment)
    services.do_update_asset(actor=owner, asset=asset, personal_data="yes")
    asset.refresh_from_db()
    assert asset.review_due == timezone.localdate()


# --- Initiatives -----------------------------------------------------------------------------


@pytest.fixture
def dashboard(owner, utbildning):
    return services.do_create_initiative(
        actor=owner,
        department=utbildning,
        code="edu-a",
        name="Personal dashboard",
        area="Education",
    )


def test_initiative_inherits_the_maximum_of_its_assets_with_provenance(
    owner, officer, utbildning, dashboard
):
    a = classified(owner, officer, utbildning, "A", {"K": 2, "R": 1, "T": 3, "S": 1})
    b = classified(owner, officer, utbildning, "B", {"K": 3, "R": 1, "T": 1, "S": 1})
    services.do_set_initiative_assets(actor=owner, initiative=dashboard, assets=[a, b])
    result = selectors.initiative_classification(dashboard)
    assert result.aspects["K"].computed == 3 and result.aspects["K"].sources == ("B",)
    assert result.aspects["T"].computed == 3 and result.aspects["T"].sources == ("A",)
    assert result.aspects["R"].sources == ("A", "B")
    assert result.status == "approved"
    assert result.blockers == []


def test_initiative_with_a_draft_asset_is_provisional(owner, officer, utbildning, dashboard):
    a = classified(owner, officer, utbildning, "A", {"K": 1, "R": 1, "T": 1, "S": 1}, approve=False)
    services.do_set_initiative_assets(actor=owner, initiative=dashboard, assets=[a])
    result = selectors.initiative_classification(dashboard)
    assert result.status == "provisional"
    assert result.blockers == ["asset_not_approved:A"]


def test_adjustment_up_needs_a_justification(owner, officer, utbildning, dashboard):
    a = classified(owner, officer, utbildning, "A", {"K": 1, "R": 1, "T": 2, "S": 1})
    services.do_set_initiative_assets(actor=owner, initiative=dashboard, assets=[a])
    with pytest.raises(ServiceError) as error:
        services.do_set_adjustment(
            actor=owner,
            initiative=dashboard,
            aspect_code="T",
            level=3,
            reason="cumulation",
            justification="",
        )
    assert error.value.field == "justification"
    services.do_set_adjustment(
        actor=owner,
        initiative=dashboard,
        aspect_code="T",
        level=3,
        reason="cumulation",
        justification="Five services fail together when the platform is down",
    )
    result = selectors.initiative_classification(dashboard)
    assert (result.aspects["T"].computed, result.aspects["T"].final) == (2, 3)


def test_adjustment_down_only_for_distribution(owner, officer, utbildning, dashboard):
    a = classified(owner, officer, utbildning, "A", {"K": 3, "R": 1, "T": 1, "S": 1})
    services.do_set_initiative_assets(actor=owner, initiative=dashboard, assets=[a])
    with pytest.raises(ServiceError) as error:
        services.do_set_adjustment(
            actor=owner,
            initiative=dashboard,
            aspect_code="K",
            level=2,
            reason="other",
            justification="x",
        )
    assert error.value.field == "reason"
    services.do_set_adjustment(
        actor=owner,
        initiative=dashboard,
        aspect_code="K",
        level=2,
        reason="distribution",
        justification="Only aggregated, pseudonymised figures reach the dashboard",
    )
    assert selectors.initiative_classification(dashboard).aspects["K"].final == 2


def test_action_plan_lists_requirements_for_the_levels_and_legal_triggers(
    owner, officer, utbildning, dashboard
):
    a = classified(
        owner, officer, utbildning, "A", {"K": 1, "R": 1, "T": 1, "S": 1}, personal_data="yes"
    )
    services.do_set_initiative_assets(actor=owner, initiative=dashboard, assets=[a])
    classification = selectors.initiative_classification(dashboard)
    plan = selectors.action_plan(dashboard, classification)
    codes = {i.requirement.code for i in plan.items}
    assert any(c.startswith("GDPR") for c in codes)
    assert all(
        i.requirement.min_level <= classification.finals[i.requirement.aspect_code]
        for i in plan.items
        if not i.requirement.trigger
    )
    first = plan.items[0].requirement
    services.do_set_requirement_status(
        actor=owner, initiative=dashboard, requirement=first, status="fulfilled", comment=""
    )
    plan = selectors.action_plan(dashboard, classification)
    assert plan.fulfilment[first.aspect_code].fulfilled == 1


def test_action_plan_keeps_its_catalogue_version(owner, dashboard, norrkoping):
    from assessments.frameworks import create_default_catalogue

    old_version = dashboard.action_plan_catalogue.version
    create_default_catalogue(norrkoping, version=old_version + 1)
    dashboard.refresh_from_db()
    assert dashboard.action_plan_catalogue.version == old_version


def test_linking_an_asset_the_person_cannot_see_is_refused(owner, kultur, dashboard):
    hidden = InformationAssetFactory(department=kultur)
    with pytest.raises(ServiceError) as error:
        services.do_set_initiative_assets(actor=owner, initiative=dashboard, assets=[hidden])
    assert error.value.field == "assets"


def test_overdue_reviews_are_listed(owner, officer, utbildning, norrkoping):
    a = classified(owner, officer, utbildning, "A", {"K": 1, "R": 1, "T": 1, "S": 1})
    InformationAsset.objects.filter(pk=a.pk).update(
        review_due=timezone.localdate() - timedelta(days=1)
    )
    assert [x.code for x in selectors.overdue_reviews(norrkoping)] == ["A"]


def test_adding_a_trigger_that_clashes_with_a_draft_override_names_the_field(owner, utbildning):
    asset = services.do_create_asset(actor=owner, department=utbildning, code="X", name="X")
    draft = services.do_start_assessment(actor=owner, asset=asset)
    services.do_save_step(
        actor=owner,
        assessment=draft,
        aspect_code="K",
        step=StepInput(answers={}, comments={}, override_level=0, override_reason="Public data"),
        lock_version=draft.lock_version,
    )
    with pytest.raises(ServiceError) as error:
        services.do_update_asset(actor=owner, asset=asset, personal_data="special_categories")
    assert error.value.field == "personal_data"
    asset.refresh_from_db()
    assert asset.personal_data == "no"
