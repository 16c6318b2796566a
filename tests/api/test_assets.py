"""Information assets through the API: the register's scoping and filters, the asset and its
classification with the page's figures, and writes through the asset form's services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.models import ApiToken
from assessments.models import InformationAsset
from klassa_app.models import AuditEvent, Role
from tests.api.conftest import bearer
from tests.factories import (
    ApiTokenFactory,
    AssessmentFactory,
    ClassifiedAssetFactory,
    InformationAssetFactory,
    member,
)

pytestmark = pytest.mark.django_db


def token(user, scope: str = ApiToken.Scope.READ):
    return bearer(ApiTokenFactory(user=user, scope=scope).secret)


NEW_ASSET = {"code": "elev", "name": "Elevregister", "personal_data": "yes", "systems": "Skolsyst"}


# --- Writing through the services --------------------------------------------------------------


def test_an_officer_with_a_write_token_registers_and_changes_an_asset_audited_as_in_the_ui(
    officer, utbildning
):
    client = token(officer, ApiToken.Scope.WRITE)
    created = client.post(
        "/api/v1/assets",
        {**NEW_ASSET, "department_id": utbildning.pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    asset = InformationAsset.objects.get()
    assert (body["id"], body["code"], body["status"]) == (asset.pk, "ELEV", "unclassified")
    assert body["legal_triggers"] == ["personal_data"]
    assert body["department"]["code"] == utbildning.code
    changed = client.patch(
        f"/api/v1/assets/{asset.pk}",
        {"name": "Elevregister grundskola", "secrecy": True, "secrecy_reference": "OSL 23:2"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    asset.refresh_from_db()
    assert (asset.name, asset.secrecy, asset.secrecy_reference) == (
        "Elevregister grundskola",
        True,
        "OSL 23:2",
    )
    assert changed.json()["legal_triggers"] == ["personal_data", "secrecy"]
    events = AuditEvent.objects.filter(action__startswith="asset.", object_id=str(asset.pk))
    assert sorted(events.values_list("action", flat=True)) == ["asset.created", "asset.updated"]
    assert {e.actor for e in events} == {officer}
    assert events.get(action="asset.updated").after["name"] == "Elevregister grundskola"
    assert AuditEvent.objects.filter(action="api_token.used", actor=officer).count() == 2


def test_a_read_token_gets_a_json_403_on_a_write_and_nothing_is_created(officer, utbildning):
    response = token(officer).post(
        "/api/v1/assets",
        {**NEW_ASSET, "department_id": utbildning.pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert not InformationAsset.objects.exists()


def test_a_write_token_acts_with_its_users_roles_an_economist_may_not_register(utbildning):
    economist = member(Role.ECONOMIST, department=utbildning)
    response = token(economist, ApiToken.Scope.WRITE).post(
        "/api/v1/assets",
        {**NEW_ASSET, "department_id": utbildning.pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not InformationAsset.objects.exists()


def test_a_business_owner_may_not_register_in_a_department_they_do_not_work_in(owner, kultur):
    response = token(owner, ApiToken.Scope.WRITE).post(
        "/api/v1/assets",
        {**NEW_ASSET, "department_id": kultur.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body.department_id"
    assert not InformationAsset.objects.exists()


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"name": ""}, 422, "body.name"),
        ({"code": "x" * 31}, 422, "body.code"),
        ({"personal_data": "maybe"}, 422, "body.personal_data"),
        ({"code": "bad code!"}, 400, "body.code"),
        ({"secrecy": True}, 400, "body.secrecy_reference"),
        ({"department_id": 2**63}, 422, "body.department_id"),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(officer, utbildning, change, status, field):
    response = token(officer, ApiToken.Scope.WRITE).post(
        "/api/v1/assets",
        {**NEW_ASSET, "department_id": utbildning.pk, **change},
        content_type="application/json",
    )
    assert response.status_code == status, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not InformationAsset.objects.exists()


def test_a_code_already_taken_is_a_400_on_the_code(officer, utbildning):
    InformationAssetFactory(department=utbildning, code="ELEV")
    response = token(officer, ApiToken.Scope.WRITE).post(
        "/api/v1/assets",
        {**NEW_ASSET, "department_id": utbildning.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "body.code", "message": response.json()["detail"]}
    ]
    assert InformationAsset.objects.count() == 1


def test_a_patch_with_null_changes_nothing_and_names_the_field(officer, utbildning):
    asset = InformationAssetFactory(department=utbildning, name="Elevregister")
    response = token(officer, ApiToken.Scope.WRITE).patch(
        f"/api/v1/assets/{asset.pk}", {"name": None}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body.name"
    asset.refresh_from_db()
    assert asset.name == "Elevregister"


# --- Who sees what -----------------------------------------------------------------------------


def test_a_business_owner_of_utb_lists_only_utbs_assets(owner, utbildning, kultur):
    mine = InformationAssetFactory(department=utbildning, code="ELEV")
    InformationAssetFactory(department=kultur, code="LAN")
    response = token(owner).get("/api/v1/assets")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [a["id"] for a in response.json()["items"]] == [mine.pk]


def test_a_culture_viewer_gets_404_for_a_utb_asset_and_its_classification(
    culture_viewer, utbildning
):
    asset = ClassifiedAssetFactory(department=utbildning)
    client = token(culture_viewer)
    for url in (f"/api/v1/assets/{asset.pk}", f"/api/v1/assets/{asset.pk}/classification"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["detail"]
    patch = token(culture_viewer, ApiToken.Scope.WRITE).patch(
        f"/api/v1/assets/{asset.pk}", {"name": "x"}, content_type="application/json"
    )
    assert patch.status_code == 404


def test_another_organisations_token_gets_404_and_an_empty_register(outsider, utbildning):
    asset = InformationAssetFactory(department=utbildning)
    client = token(outsider)
    assert client.get(f"/api/v1/assets/{asset.pk}").status_code == 404
    assert client.get("/api/v1/assets").json() == {"items": [], "count": 0}


@pytest.mark.parametrize("asset_id", ["0", "-1", str(2**63), str(2**64), "abc"])
def test_an_impossible_asset_id_is_a_422_never_a_500(officer, asset_id):
    response = token(officer).get(f"/api/v1/assets/{asset_id}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "path.asset_id"


def test_an_unknown_asset_id_is_a_404(officer):
    assert token(officer).get(f"/api/v1/assets/{2**63 - 1}").status_code == 404


# --- The figures of the page -------------------------------------------------------------------


def test_the_asset_shows_the_levels_and_approval_that_the_asset_page_shows(
    as_user, officer, owner, utbildning
):
    asset = ClassifiedAssetFactory(
        department=utbildning,
        personal_data="special_categories",
        classification={"K": 3, "R": 2, "T": 1, "S": 1},
        actor=owner,
        approver=officer,
    )
    page = as_user(owner).get(reverse("asset_detail", args=[asset.pk]))
    approved = page.context["assessments"][0]
    page_levels = {r.aspect_code: r.final_level for r in approved.results.all()}

    body = token(owner).get(f"/api/v1/assets/{asset.pk}").json()
    classification = body["classification"]
    assert body["levels"] == page_levels == asset.levels
    assert {a["code"]: a["final"] for a in classification["effective"]["aspects"]} == page_levels
    assert classification["status"] == "approved"
    assert classification["effective"]["status"] == "approved"
    assert classification["effective"]["version"] == approved.version
    assert classification["effective"]["approved_by"] == officer.get_full_name()
    assert classification["review_due"] == asset.review_due.isoformat()
    assert classification["open"] is None
    assert body["legal_triggers"] == ["personal_data", "special_categories"]
    minimums = {a["code"]: a["minimum"] for a in classification["effective"]["aspects"]}
    assert minimums == {r.aspect_code: r.minimum_level for r in approved.results.all()}
    assert token(owner).get(f"/api/v1/assets/{asset.pk}/classification").json() == classification


def test_a_new_version_in_progress_is_shown_beside_the_approved_one(owner, officer, utbildning):
    asset = ClassifiedAssetFactory(department=utbildning, actor=owner, approver=officer)
    AssessmentFactory(asset=asset, answers={"K": 4}, actor=owner)
    classification = token(owner).get(f"/api/v1/assets/{asset.pk}/classification").json()
    assert classification["effective"]["status"] == "approved"
    assert classification["open"]["status"] == "draft"
    assert classification["open"]["version"] == classification["effective"]["version"] + 1
    open_levels = {a["code"]: a["final"] for a in classification["open"]["aspects"]}
    assert open_levels["K"] == 4


def test_the_initiatives_using_an_asset_are_those_the_caller_sees(owner, utbildning, kultur):
    from tests.factories import InitiativeFactory

    asset = InformationAssetFactory(department=utbildning)
    seen = InitiativeFactory(department=utbildning, assets=[asset])
    InitiativeFactory(department=kultur, assets=[asset])
    body = token(owner).get(f"/api/v1/assets/{asset.pk}").json()
    assert [i["id"] for i in body["initiatives"]] == [seen.pk]


# --- Filters and paging ------------------------------------------------------------------------


def test_the_register_filters_as_the_page_does(officer, owner, utbildning, kultur):
    high = ClassifiedAssetFactory(
        department=utbildning, code="HOG", classification={"K": 3, "R": 1, "T": 1, "S": 1}
    )
    low = ClassifiedAssetFactory(
        department=utbildning, code="LAG", classification={"K": 1, "R": 1, "T": 1, "S": 1}
    )
    draft = InformationAssetFactory(department=kultur, code="UTKAST", name="Låneregister")
    client = token(officer)

    def codes(query: str) -> list[str]:
        response = client.get(f"/api/v1/assets?{query}")
        assert response.status_code == 200, response.content
        return [a["code"] for a in response.json()["items"]]

    assert codes("") == ["HOG", "LAG", "UTKAST"]
    assert codes(f"department_id={kultur.pk}") == [draft.code]
    assert codes("status=approved") == [high.code, low.code]
    assert codes("q=låne") == ["UTKAST"]
    assert codes("min_level=3") == ["HOG"]
    assert codes("aspect=K&min_level=2") == ["HOG"]
    assert codes("aspect=R&min_level=2") == []
    assert codes("sort=-code") == ["UTKAST", "LAG", "HOG"]
    assert codes("page_size=2&page=2") == ["UTKAST"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=lost", "query.status"),
        ("min_level=99", "query.min_level"),
        (f"department_id={2**64}", "query.department_id"),
        ("q=" + "x" * 101, "query.q"),
        ("sort=secret", "query.sort"),
        ("page_size=1000", "query.page_size"),
    ],
)
def test_a_bad_filter_is_a_422_naming_the_parameter(officer, query, field):
    response = token(officer).get(f"/api/v1/assets?{query}")
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}


def test_the_register_costs_the_same_queries_for_more_assets(
    officer, utbildning, django_assert_max_num_queries
):
    client = token(officer)
    ClassifiedAssetFactory(department=utbildning)
    client.get("/api/v1/assets")
    with django_assert_max_num_queries(20) as counted:
        small = client.get("/api/v1/assets")
    baseline = len(counted)
    for _ in range(6):
        ClassifiedAssetFactory(department=utbildning)
    with django_assert_max_num_queries(baseline):
        large = client.get("/api/v1/assets")
    assert (small.json()["count"], large.json()["count"]) == (1, 7)
