"""Classification pages: department isolation on every URL, the wizard, bounded queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, InformationAsset, Initiative, Question
from tests.factories import InformationAssetFactory, InitiativeFactory, answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(owner, asset):
    return services.do_start_assessment(actor=owner, asset=asset)


@pytest.fixture
def initiative(owner, utbildning, asset):
    initiative = services.do_create_initiative(
        actor=owner,
        department=utbildning,
        code="EDU-A",
        name="Personal dashboard",
        area="Education",
    )
    services.do_set_initiative_assets(actor=owner, initiative=initiative, assets=[asset])
    return initiative


def object_urls(asset, assessment, initiative):
    """(methods, url) for every URL that names an asset, assessment or initiative."""
    both, get, post = ("get", "post"), ("get",), ("post",)
    return [
        (get, reverse("asset_detail", args=[asset.pk])),
        (both, reverse("asset_edit", args=[asset.pk])),
        (post, reverse("asset_assess", args=[asset.pk])),
        (get, reverse("assessment_detail", args=[assessment.pk])),
        (post, reverse("assessment_approve", args=[assessment.pk])),
        (both, reverse("assessment_step", args=[assessment.pk, "K"])),
        (get, reverse("initiative_detail", args=[initiative.pk])),
        (both, reverse("initiative_edit", args=[initiative.pk])),
        (both, reverse("initiative_assets", args=[initiative.pk])),
        (post, reverse("initiative_adjust", args=[initiative.pk])),
        (post, reverse("initiative_adjustment_remove", args=[initiative.pk, "K"])),
        (both, reverse("initiative_action_plan", args=[initiative.pk])),
    ]


def test_every_object_url_is_404_for_another_departments_user(
    as_user, culture_viewer, asset, assessment, initiative
):
    client = as_user(culture_viewer)
    for methods, url in object_urls(asset, assessment, initiative):
        for method in methods:
            assert getattr(client, method)(url, {}).status_code == 404, (method, url)


def test_every_object_url_is_404_for_another_organisation(
    as_user, outsider, asset, assessment, initiative
):
    client = as_user(outsider)
    for methods, url in object_urls(asset, assessment, initiative):
        for method in methods:
            assert getattr(client, method)(url, {}).status_code == 404, (method, url)
    assert Assessment.objects.filter(asset=asset).count() == 1


def test_a_viewer_of_the_department_reads_but_cannot_change(
    as_user, utbildning, asset, assessment, initiative
):
    from klassa_app.models import Role
    from tests.factories import MembershipFactory

    viewer = MembershipFactory(department=utbildning, role=Role.VIEWER).user
    client = as_user(viewer)
    assert client.get(reverse("asset_detail", args=[asset.pk])).status_code == 200
    assert client.get(reverse("initiative_detail", args=[initiative.pk])).status_code == 200
    assert client.get(reverse("asset_edit", args=[asset.pk])).status_code == 403
    assert client.post(reverse("assessment_step", args=[assessment.pk, "K"]), {}).status_code == 403
    assert client.get(reverse("asset_create")).status_code == 403


def test_business_owner_registers_an_asset_in_the_browser(as_user, owner, utbildning):
    response = as_user(owner).post(
        reverse("asset_create"),
        {"department": utbildning.pk, "code": "betyg", "name": "Betyg", "personal_data": "yes"},
    )
    asset = InformationAsset.objects.get(code="BETYG")
    assert response.status_code == 302 and response.url == reverse("asset_detail", args=[asset.pk])


def test_secrecy_without_reference_shows_the_error_on_that_field(as_user, owner, utbildning):
    response = as_user(owner).post(
        reverse("asset_create"),
        {
            "department": utbildning.pk,
            "code": "X",
            "name": "X",
            "personal_data": "no",
            "secrecy": "on",
        },
    )
    assert "secrecy_reference" in response.context["form"].errors
    assert not InformationAsset.objects.exists()


def test_business_owner_cannot_pick_another_department(as_user, owner, kultur):
    response = as_user(owner).post(
        reverse("asset_create"),
        {"department": kultur.pk, "code": "X", "name": "X", "personal_data": "no"},
    )
    assert "department" in response.context["form"].errors


def step_data(assessment, aspect, level, **extra):
    data = {"lock_version": assessment.lock_version, "go": "next", **extra}
    for q in Question.objects.filter(
        bank=assessment.question_bank, aspect_code=aspect
    ).prefetch_related("options"):
        fitting = [o for o in q.options.all() if o.level <= level]
        data[f"answer_{q.code}"] = max(fitting, key=lambda o: o.level).pk
    return data


def test_wizard_walks_the_aspects_and_ends_on_the_result_page(as_user, owner, officer, asset):
    client = as_user(owner)
    response = client.post(reverse("asset_assess", args=[asset.pk]))
    assessment = Assessment.objects.get(asset=asset)
    assert response.url == reverse("assessment_step", args=[assessment.pk, "K"])
    for aspect, following in (("K", "R"), ("R", "T"), ("T", "S")):
        assessment.refresh_from_db()
        page = client.get(reverse("assessment_step", args=[assessment.pk, aspect]))
        assert page.status_code == 200
        response = client.post(
            reverse("assessment_step", args=[assessment.pk, aspect]),
            step_data(assessment, aspect, 2, downtime_hours="30"),
        )
        assert response.url == reverse("assessment_step", args=[assessment.pk, following])
    assessment.refresh_from_db()
    response = client.post(
        reverse("assessment_step", args=[assessment.pk, "S"]), step_data(assessment, "S", 1)
    )
    assert response.url == reverse("assessment_detail", args=[assessment.pk])
    result = client.get(response.url)
    assert result.status_code == 200
    assert [r["result"].final_level for r in result.context["rows"]] == [2, 2, 2, 1]
    approve = as_user(officer).post(
        reverse("assessment_approve", args=[assessment.pk]),
        {"lock_version": assessment.lock_version + 1},
    )
    assert approve.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED


def test_wizard_preview_shows_the_resulting_level_without_saving(as_user, owner, assessment):
    data = step_data(assessment, "K", 3, preview="1")
    response = as_user(owner).post(
        reverse("assessment_step", args=[assessment.pk, "K"]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.context["preview"]["final"] == 3
    assert response.templates[0].name == "assessments/_step_result.html"
    assert not assessment.answers.exists()


def test_override_without_justification_shows_a_message_and_saves_nothing(
    as_user, owner, assessment
):
    data = step_data(assessment, "K", 1, override_level="3", override_reason="")
    response = as_user(owner).post(reverse("assessment_step", args=[assessment.pk, "K"]), data)
    assert response.status_code == 200
    assert "override_reason" in response.context["form"].errors
    assert not assessment.answers.exists()


def test_a_level_outside_the_scale_is_refused_with_a_message(as_user, owner, assessment):
    data = step_data(assessment, "K", 1, override_level="7", override_reason="x")
    response = as_user(owner).post(reverse("assessment_step", args=[assessment.pk, "K"]), data)
    assert "override_level" in response.context["form"].errors


def test_a_stale_save_tells_the_user_and_keeps_the_newer_answers(
    as_user, owner, lawyer, assessment
):
    old = step_data(assessment, "S", 0)
    answer_all(lawyer, assessment, {"S": 2})
    response = as_user(owner).post(reverse("assessment_step", args=[assessment.pk, "S"]), old)
    assert response.status_code == 409
    assert "Någon annan sparade klassningen" in response.content.decode()
    assert assessment.results.get(aspect_code="S").computed_level == 2


def test_initiative_page_shows_inherited_levels_with_provenance(
    as_user, owner, officer, initiative, asset
):
    assessment = answer_all(
        owner,
        services.do_start_assessment(actor=owner, asset=asset),
        {"K": 2, "R": 1, "T": 1, "S": 1},
    )
    services.do_approve_assessment(actor=officer, assessment=assessment)
    response = as_user(owner).get(reverse("initiative_detail", args=[initiative.pk]))
    rows = {r["aspect"].code: r["row"] for r in response.context["rows"]}
    assert rows["K"].computed == 2 and rows["K"].sources == ("NARV",)
    assert response.context["classification"].status == "approved"


def test_adjustment_without_justification_in_the_browser_names_the_field(
    as_user, owner, initiative
):
    response = as_user(owner).post(
        reverse("initiative_adjust", args=[initiative.pk]),
        {"aspect_code": "T", "level": 3, "reason": "cumulation", "justification": ""},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages and initiative.adjustments.count() == 0


def test_action_plan_status_is_saved_with_htmx(as_user, owner, officer, initiative, asset):
    assessment = answer_all(
        owner,
        services.do_start_assessment(actor=owner, asset=asset),
        {"K": 2, "R": 1, "T": 1, "S": 1},
    )
    services.do_approve_assessment(actor=officer, assessment=assessment)
    client = as_user(owner)
    page = client.get(reverse("initiative_action_plan", args=[initiative.pk]))
    requirement = page.context["plan"].items[0].requirement
    response = client.post(
        reverse("initiative_action_plan", args=[initiative.pk]),
        {"requirement": requirement.pk, "status": "fulfilled", "comment": "Klart"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.context["plan"].overall.fulfilled == 1


def test_action_plan_refuses_a_requirement_of_another_catalogue(
    as_user, owner, initiative, outsider
):
    from assessments.frameworks import current_catalogue

    foreign = current_catalogue(outsider.memberships.get().organisation).requirements.first()
    response = as_user(owner).post(
        reverse("initiative_action_plan", args=[initiative.pk]),
        {"requirement": foreign.pk, "status": "fulfilled"},
    )
    assert response.status_code == 404


# --- Bounded queries at 10 000 assets ------------------------------------------------------


@pytest.fixture
def many_assets(utbildning, kultur):
    InformationAsset.objects.bulk_create(
        InformationAsset(
            organisation=utbildning.organisation,
            department=utbildning if i % 2 else kultur,
            code=f"A{i:05d}",
            name=f"Mängd {i}",
            levels={"K": i % 5, "R": 1, "T": 2, "S": 0},
            status=InformationAsset.Status.APPROVED,
        )
        for i in range(10_000)
    )


def test_asset_register_is_bounded_at_ten_thousand_assets(
    as_user, officer, many_assets, django_assert_max_num_queries
):
    client = as_user(officer)
    client.get(reverse("asset_list"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("asset_list"), {"sort": "-review", "page": 3})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 10_000


def test_initiative_pages_are_bounded_with_many_assets_and_initiatives(
    as_user, officer, utbildning, many_assets, django_assert_max_num_queries
):
    assets = list(InformationAsset.objects.all()[:300])
    initiatives = InitiativeFactory.create_batch(60, department=utbildning)
    Initiative.assets.through.objects.bulk_create(
        Initiative.assets.through(initiative=i, asset=a) for i in initiatives for a in assets[:50]
    )
    big = initiatives[0]
    Initiative.assets.through.objects.bulk_create(
        Initiative.assets.through(initiative=big, asset=a) for a in assets[50:]
    )
    client = as_user(officer)
    client.get(reverse("initiative_list"))
    with django_assert_max_num_queries(18):
        assert client.get(reverse("initiative_list")).status_code == 200
    with django_assert_max_num_queries(22):
        response = client.get(reverse("initiative_detail", args=[big.pk]))
    assert response.status_code == 200
    assert len(response.context["assets"]) == 300


def test_asset_list_only_shows_visible_departments(as_user, owner, utbildning, kultur):
    InformationAssetFactory(department=utbildning, code="MINE")
    InformationAssetFactory(department=kultur, code="THEIRS")
    response = as_user(owner).get(reverse("asset_list"))
    assert [a.code for a in response.context["page_obj"]] == ["MINE"]
