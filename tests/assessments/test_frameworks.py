"""The security officer changes the classification model; every change is a new version."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments import frameworks, selectors, services
from assessments.models import Assessment, ClassificationScheme, RequirementCatalogue
from klassa_app.models import AuditEvent
from klassa_app.services import ServiceError
from tests.factories import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _model(norrkoping):
    frameworks.ensure_frameworks(norrkoping)


def levels(n):
    return [
        services.LevelText(i, {"sv": f"Nivå {i}", "en": f"Level {i}"}, {"sv": "", "en": ""})
        for i in range(n)
    ]


def edit_s(officer, organisation, **overrides):
    args = {
        "actor": officer,
        "organisation": organisation,
        "code": "S",
        "name": {"sv": "Spårbarhet", "en": "Traceability"},
        "description": {"sv": "", "en": ""},
        "enabled": True,
        "levels": levels(5),
    }
    args.update(overrides)
    return services.do_edit_aspect(**args)


def test_officer_switches_traceability_off_as_a_new_scheme_version(officer, norrkoping):
    first = frameworks.current_scheme(norrkoping)
    new = edit_s(officer, norrkoping, enabled=False)
    assert new.version == first.version + 1
    assert frameworks.load_scheme(new).codes == ["K", "R", "T"]
    assert frameworks.load_scheme(first).codes == ["K", "R", "T", "S"]
    assert AuditEvent.objects.get(action="scheme.version_created").after["enabled"] is False


def test_confidentiality_cannot_be_switched_off(officer, norrkoping):
    with pytest.raises(ServiceError) as error:
        edit_s(officer, norrkoping, code="K", enabled=False)
    assert error.value.field == "enabled"
    assert ClassificationScheme.objects.filter(organisation=norrkoping).count() == 1


def test_an_aspect_may_use_three_levels_and_its_top_moves(officer, norrkoping):
    new = edit_s(officer, norrkoping, levels=levels(3))
    assert frameworks.load_scheme(new).tops["S"] == 2


def test_levels_need_a_swedish_name(officer, norrkoping):
    bad = levels(3)
    bad[1] = services.LevelText(1, {"sv": "", "en": "x"}, {})
    with pytest.raises(ServiceError) as error:
        edit_s(officer, norrkoping, levels=bad)
    assert error.value.field == "level_1_name_sv"


def test_one_level_is_not_a_scale(officer, norrkoping):
    with pytest.raises(ServiceError) as error:
        edit_s(officer, norrkoping, levels=levels(1))
    assert error.value.field == "level_count"


def test_a_business_owner_cannot_change_the_scheme(owner, norrkoping):
    with pytest.raises(PermissionDenied):
        edit_s(owner, norrkoping, enabled=False)


def test_a_scheme_change_never_rewrites_an_approved_assessment(
    owner, officer, utbildning, norrkoping
):
    asset = services.do_create_asset(actor=owner, department=utbildning, code="A", name="A")
    assessment = answer_all(
        owner,
        services.do_start_assessment(actor=owner, asset=asset),
        {"K": 1, "R": 1, "T": 1, "S": 2},
    )
    services.do_approve_assessment(actor=officer, assessment=assessment)
    edit_s(officer, norrkoping, enabled=False)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED
    assert assessment.scheme.version == 1
    assert assessment.results.get(aspect_code="S").final_level == 2
    # The re-assessment uses the new scheme, without S.
    second = services.do_start_assessment(actor=owner, asset=asset)
    assert frameworks.load_scheme(second.scheme).codes == ["K", "R", "T"]


def test_a_new_requirement_makes_a_new_catalogue_and_plans_keep_theirs(
    owner, officer, utbildning, norrkoping
):
    initiative = services.do_create_initiative(
        actor=owner, department=utbildning, code="I", name="I"
    )
    old = initiative.action_plan_catalogue
    new = services.do_save_requirement(
        actor=officer,
        organisation=norrkoping,
        code="k-9-01",
        aspect_code="K",
        min_level=1,
        trigger="",
        title={"sv": "Skyddad utskrift", "en": "Protected printing"},
        is_text={"sv": "Utskrifter hämtas med kort.", "en": "Prints are collected with a card."},
        shall_text={
            "sv": "Leverantören ska stödja skyddad utskrift.",
            "en": "The supplier shall support protected printing.",
        },
    )
    assert new.version == old.version + 1
    assert new.requirements.filter(code="K-9-01").exists()
    assert not old.requirements.filter(code="K-9-01").exists()
    initiative.refresh_from_db()
    assert initiative.action_plan_catalogue == old
    services.do_move_action_plan_to_current_catalogue(actor=owner, initiative=initiative)
    initiative.refresh_from_db()
    assert initiative.action_plan_catalogue == new


def test_moving_a_plan_keeps_statuses_by_requirement_code(owner, officer, utbildning, norrkoping):
    asset = services.do_create_asset(actor=owner, department=utbildning, code="A", name="A")
    services.do_approve_assessment(
        actor=officer,
        assessment=answer_all(
            owner,
            services.do_start_assessment(actor=owner, asset=asset),
            {"K": 2, "R": 1, "T": 1, "S": 1},
        ),
    )
    initiative = services.do_create_initiative(
        actor=owner, department=utbildning, code="I", name="I"
    )
    services.do_set_initiative_assets(actor=owner, initiative=initiative, assets=[asset])
    plan = selectors.action_plan(initiative, selectors.initiative_classification(initiative))
    first = plan.items[0].requirement
    services.do_set_requirement_status(
        actor=owner, initiative=initiative, requirement=first, status="partly"
    )
    frameworks.copy_catalogue(initiative.action_plan_catalogue, actor=officer, note="copy")
    services.do_move_action_plan_to_current_catalogue(actor=owner, initiative=initiative)
    initiative.refresh_from_db()
    plan = selectors.action_plan(initiative, selectors.initiative_classification(initiative))
    assert next(i for i in plan.items if i.requirement.code == first.code).status_code == "partly"


def test_duplicate_requirement_code_is_refused(officer, norrkoping):
    code = frameworks.current_catalogue(norrkoping).requirements.first().code
    with pytest.raises(ServiceError) as error:
        services.do_save_requirement(
            actor=officer,
            organisation=norrkoping,
            code=code,
            aspect_code="K",
            min_level=1,
            trigger="",
            title={"sv": "x"},
            is_text={"sv": "x"},
            shall_text={"sv": "x"},
        )
    assert error.value.field == "code"
    assert RequirementCatalogue.objects.filter(organisation=norrkoping).count() == 1


def test_officer_edits_an_aspect_in_the_browser(as_user, officer, norrkoping):
    client = as_user(officer)
    page = client.get(reverse("aspect_edit", args=["S"]))
    assert page.status_code == 200
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(enabled="", level_count="3")
    response = client.post(reverse("aspect_edit", args=["S"]), data)
    assert response.status_code == 302
    scheme = frameworks.load_scheme(frameworks.current_scheme(norrkoping))
    assert "S" not in scheme.codes


def test_model_pages_are_403_for_a_business_owner(as_user, owner, norrkoping):
    client = as_user(owner)
    assert client.get(reverse("aspect_edit", args=["S"])).status_code == 403
    assert client.get(reverse("requirement_create")).status_code == 403
    assert client.get(reverse("scheme_rules_edit")).status_code == 403
    assert client.get(reverse("frameworks_overview")).status_code == 200


def test_model_pages_are_403_for_another_organisations_admin(as_user, outsider, norrkoping):
    assert as_user(outsider).get(reverse("aspect_edit", args=["S"])).status_code == 403


def test_officer_edits_downtime_thresholds_and_they_drive_availability(
    officer, owner, utbildning, norrkoping
):
    services.do_edit_scheme_rules(
        actor=officer,
        organisation=norrkoping,
        downtime_thresholds=[(2, 4), (8, 3), (48, 2), (336, 1)],
        legal_minimums={"personal_data": {"K": 2}},
    )
    asset = services.do_create_asset(
        actor=owner, department=utbildning, code="A", name="A", personal_data="yes"
    )
    assessment = answer_all(
        owner,
        services.do_start_assessment(actor=owner, asset=asset),
        {"T": 0, "K": 0},
        downtime_hours="40",
    )
    assert assessment.results.get(aspect_code="T").computed_level == 2  # 40 h < 48 h
    assert assessment.results.get(aspect_code="K").final_level == 2  # the new minimum


def test_thresholds_that_contradict_each_other_are_refused(officer, norrkoping):
    with pytest.raises(ServiceError) as error:
        services.do_edit_scheme_rules(
            actor=officer,
            organisation=norrkoping,
            downtime_thresholds=[(10, 4), (2, 3)],
            legal_minimums={},
        )
    assert error.value.field.startswith("downtime_")
    assert ClassificationScheme.objects.filter(organisation=norrkoping).count() == 1


def test_a_minimum_above_the_scale_is_refused(officer, norrkoping):
    with pytest.raises(ServiceError) as error:
        services.do_edit_scheme_rules(
            actor=officer,
            organisation=norrkoping,
            downtime_thresholds=[],
            legal_minimums={"secrecy": {"K": 9}},
        )
    assert error.value.field == "minimum_secrecy_K"


def test_officer_edits_the_scale_rules_in_the_browser(as_user, officer, norrkoping):
    client = as_user(officer)
    page = client.get(reverse("scheme_rules_edit"))
    assert page.status_code == 200
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data["downtime_4"] = "0.5"
    response = client.post(reverse("scheme_rules_edit"), data)
    assert response.status_code == 302
    assert frameworks.current_scheme(norrkoping).downtime_thresholds[0] == [0.5, 4]
    assert as_user(officer).get(reverse("frameworks_overview")).status_code == 200
