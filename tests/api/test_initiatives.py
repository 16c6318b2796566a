"""Initiatives through the API: the levels they inherit and where each comes from, as the
initiative page shows them; readiness; the action plan and setting a requirement's status."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.models import ApiToken
from assessments import services
from assessments.models import RequirementStatus
from klassa_app.models import AuditEvent, Role
from tests.api.conftest import bearer
from tests.factories import (
    ApiTokenFactory,
    ClassifiedAssetFactory,
    InformationAssetFactory,
    InitiativeFactory,
    member,
)

pytestmark = pytest.mark.django_db


def token(user, scope: str = ApiToken.Scope.READ):
    return bearer(ApiTokenFactory(user=user, scope=scope).secret)


@pytest.fixture
def platform(officer, owner, utbildning):
    """A learning platform with two approved assets (K 3 from ELEV, R 2 from both) and an
    adjustment of T for cumulation."""
    elev = ClassifiedAssetFactory(
        department=utbildning,
        code="ELEV",
        personal_data="yes",
        classification={"K": 3, "R": 2, "T": 1, "S": 1},
        actor=owner,
        approver=officer,
    )
    narv = ClassifiedAssetFactory(
        department=utbildning,
        code="NARV",
        classification={"K": 1, "R": 2, "T": 1, "S": 1},
        actor=owner,
        approver=officer,
    )
    initiative = InitiativeFactory(
        department=utbildning, code="EDU-A", with_action_plan=True, assets=[elev, narv]
    )
    services.do_set_adjustment(
        actor=officer,
        initiative=initiative,
        aspect_code="T",
        level=2,
        reason="cumulation",
        justification="Många skolor beror av plattformen samtidigt",
    )
    return initiative


def test_the_inherited_levels_and_their_sources_are_the_initiative_pages(as_user, owner, platform):
    page = as_user(owner).get(reverse("initiative_detail", args=[platform.pk]))
    rows = {r["aspect"].code: r["row"] for r in page.context["rows"]}

    body = token(owner).get(f"/api/v1/initiatives/{platform.pk}").json()
    aspects = {a["code"]: a for a in body["aspects"]}
    assert list(aspects) == list(rows)
    for code, row in rows.items():
        assert aspects[code]["inherited"] == row.computed
        assert aspects[code]["sources"] == list(row.sources)
        assert aspects[code]["final"] == row.final
    assert aspects["K"]["sources"] == ["ELEV"]
    assert aspects["R"]["sources"] == ["ELEV", "NARV"]
    assert aspects["T"]["adjustment"] == {
        "level": 2,
        "reason": "cumulation",
        "justification": "Många skolor beror av plattformen samtidigt",
        "applies": True,
    }
    assert (aspects["T"]["inherited"], aspects["T"]["final"]) == (1, 2)
    assert body["levels"] == {code: row.final for code, row in rows.items()}
    assert body["classification_status"] == page.context["classification"].status == "approved"
    assert body["blockers"] == page.context["classification"].blockers
    assert body["legal_triggers"] == ["personal_data"]
    assert [a["code"] for a in body["assets"]] == ["ELEV", "NARV"]


def test_readiness_names_the_missing_benefit_model_as_the_portfolio_does(owner, platform):
    readiness = token(owner).get(f"/api/v1/initiatives/{platform.pk}").json()["readiness"]
    assert readiness["ready"] is False
    assert [b["code"] for b in readiness["blockers"]] == ["no_benefit_model"]
    assert all(item["label"] for item in readiness["blockers"] + readiness["advisories"])


def test_an_unclassified_asset_blocks_and_leaves_the_level_open(owner, utbildning):
    asset = InformationAssetFactory(department=utbildning, code="TOM")
    initiative = InitiativeFactory(department=utbildning, assets=[asset])
    body = token(owner).get(f"/api/v1/initiatives/{initiative.pk}").json()
    assert body["classification_status"] == "incomplete"
    assert set(body["levels"].values()) == {None}
    assert "asset_unclassified:TOM" in body["blockers"]


def test_the_list_classifies_each_initiative_as_the_list_page_does(as_user, owner, platform):
    page = as_user(owner).get(reverse("initiative_list"))
    page_rows = {i.pk: c for i, c in page.context["rows"]}
    items = token(owner).get("/api/v1/initiatives").json()["items"]
    assert [i["id"] for i in items] == list(page_rows)
    for item in items:
        assert item["levels"] == page_rows[item["id"]].finals
        assert item["classification_status"] == page_rows[item["id"]].status
    assert items[0]["asset_count"] == 2


def test_a_business_owner_of_utb_lists_only_utbs_initiatives(owner, utbildning, kultur):
    mine = InitiativeFactory(department=utbildning)
    InitiativeFactory(department=kultur)
    body = token(owner).get("/api/v1/initiatives").json()
    assert (body["count"], [i["id"] for i in body["items"]]) == (1, [mine.pk])


def test_the_list_filters_by_text_department_and_area(officer, utbildning, kultur):
    from tests.factories import AreaFactory

    area = AreaFactory(organisation=utbildning.organisation, name="Skola")
    InitiativeFactory(department=utbildning, code="EDU-A", name="Lärplattform", area=area)
    InitiativeFactory(department=kultur, code="KUL-B", name="Bibliotek")
    client = token(officer)

    def codes(query: str) -> list[str]:
        return [i["code"] for i in client.get(f"/api/v1/initiatives?{query}").json()["items"]]

    assert codes("") == ["EDU-A", "KUL-B"]
    assert codes("q=bibl") == ["KUL-B"]
    assert codes(f"department_id={utbildning.pk}") == ["EDU-A"]
    assert codes(f"area_id={area.pk}") == ["EDU-A"]


def test_a_culture_viewer_and_another_organisation_get_404(culture_viewer, outsider, platform):
    for person in (culture_viewer, outsider):
        client = token(person)
        assert client.get(f"/api/v1/initiatives/{platform.pk}").status_code == 404
        assert client.get(f"/api/v1/initiatives/{platform.pk}/action-plan").status_code == 404
    assert token(outsider).get("/api/v1/initiatives").json()["count"] == 0


@pytest.mark.parametrize("initiative_id", ["0", str(2**63), "x"])
def test_an_impossible_initiative_id_is_a_422(officer, initiative_id):
    response = token(officer).get(f"/api/v1/initiatives/{initiative_id}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "path.initiative_id"


def test_the_list_costs_the_same_queries_for_more_initiatives(
    officer, utbildning, django_assert_max_num_queries
):
    client = token(officer)
    InitiativeFactory(department=utbildning, assets=1)
    client.get("/api/v1/initiatives")
    with django_assert_max_num_queries(25) as counted:
        small = client.get("/api/v1/initiatives")
    baseline = len(counted)
    for _ in range(4):
        InitiativeFactory(department=utbildning, assets=2)
    with django_assert_max_num_queries(baseline):
        large = client.get("/api/v1/initiatives")
    assert (small.json()["count"], large.json()["count"]) == (1, 5)


# --- The action plan ---------------------------------------------------------------------------


def test_the_action_plan_lists_the_pages_requirements_with_their_statuses(as_user, owner, platform):
    page = as_user(owner).get(reverse("initiative_action_plan", args=[platform.pk]))
    plan = page.context["plan"]
    body = token(owner).get(f"/api/v1/initiatives/{platform.pk}/action-plan").json()
    assert [i["code"] for i in body["items"]] == [i.requirement.code for i in plan.items]
    assert body["catalogue_version"] == plan.catalogue_version
    assert body["overall"]["total"] == plan.overall.total == len(plan.items) > 0
    assert {i["status"] for i in body["items"]} == {""}
    assert any(i["trigger"] == "personal_data" for i in body["items"])


def test_a_business_owner_with_a_write_token_sets_a_requirements_status_audited(owner, platform):
    client = token(owner, ApiToken.Scope.WRITE)
    code = client.get(f"/api/v1/initiatives/{platform.pk}/action-plan").json()["items"][0]["code"]
    response = client.put(
        f"/api/v1/initiatives/{platform.pk}/action-plan/{code}",
        {"status": "partly", "comment": "Behörigheter ses över"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    item = next(i for i in response.json()["items"] if i["code"] == code)
    assert (item["status"], item["comment"]) == ("partly", "Behörigheter ses över")
    assert response.json()["overall"]["partly"] == 1
    saved = RequirementStatus.objects.get(initiative=platform, requirement__code=code)
    assert (saved.status, saved.updated_by) == ("partly", owner)
    event = AuditEvent.objects.get(action="action_plan.status_set")
    assert (event.actor, event.after["requirement"]) == (owner, code)


def test_setting_a_status_needs_write_scope_and_the_editors_role(owner, platform, utbildning):
    code = platform.action_plan_catalogue.requirements.order_by("code").first().code
    url = f"/api/v1/initiatives/{platform.pk}/action-plan/{code}"
    lawyer = member(Role.LEGAL_REVIEWER, department=utbildning)
    read = token(owner).put(url, {"status": "fulfilled"}, content_type="application/json")
    role = token(lawyer, ApiToken.Scope.WRITE).put(
        url, {"status": "fulfilled"}, content_type="application/json"
    )
    assert (read.status_code, role.status_code) == (403, 403)
    assert not RequirementStatus.objects.exists()


def test_a_bad_status_or_an_unknown_requirement_changes_nothing(owner, platform):
    client = token(owner, ApiToken.Scope.WRITE)
    code = platform.action_plan_catalogue.requirements.order_by("code").first().code
    bad = client.put(
        f"/api/v1/initiatives/{platform.pk}/action-plan/{code}",
        {"status": "done"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body.status"
    unknown = client.put(
        f"/api/v1/initiatives/{platform.pk}/action-plan/NO-SUCH",
        {"status": "fulfilled"},
        content_type="application/json",
    )
    assert unknown.status_code == 404
    long_code = client.put(
        f"/api/v1/initiatives/{platform.pk}/action-plan/{'X' * 21}",
        {"status": "fulfilled"},
        content_type="application/json",
    )
    assert long_code.status_code == 422
    assert not RequirementStatus.objects.exists()
