"""API tokens: created by an admin, shown once, stored hashed, scoped, expiring, revocable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from api.models import ApiToken
from api.tokens import digest_of, do_create_token, do_revoke_token
from klassa_app.models import AuditEvent, Role
from klassa_app.services import ServiceError
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def test_a_token_is_kept_only_as_its_digest(admin, norrkoping):
    new = do_create_token(actor=admin, organisation=norrkoping, name="BI", scope="read", days=30)
    token = ApiToken.objects.get()
    assert new.secret.startswith("klassa_")
    assert token.digest == digest_of(new.secret)
    assert new.secret not in {token.digest, token.prefix, token.name}
    assert new.secret[len("klassa_") :].startswith(token.prefix)
    assert AuditEvent.objects.filter(action="api_token.created", object_id=str(token.pk)).exists()


def test_an_officer_may_not_create_tokens(officer, norrkoping):
    with pytest.raises(PermissionDenied):
        do_create_token(actor=officer, organisation=norrkoping, name="x", scope="read", days=1)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("name", {"name": "  "}),
        ("scope", {"scope": "admin"}),
        ("days", {"days": 0}),
        ("days", {"days": 5000}),
        ("role", {"kind": "service", "service_role": Role.ORG_ADMIN}),
    ],
)
def test_a_bad_token_request_names_its_field_and_creates_nothing(admin, norrkoping, field, kwargs):
    args = {"name": "BI", "scope": "read", "days": 30, **kwargs}
    with pytest.raises(ServiceError) as refused:
        do_create_token(actor=admin, organisation=norrkoping, **args)
    assert refused.value.field == field
    assert not ApiToken.objects.exists()


def test_a_read_token_reads_the_organisation_it_belongs_to(admin, norrkoping, make_token):
    response = bearer(make_token()).get("/api/v1/organisation")
    assert response.status_code == 200
    assert response.json()["code"] == norrkoping.code
    assert response.json()["roles"] == [Role.ORG_ADMIN]


@pytest.mark.parametrize("secret", ["", "klassa_nothing", "Bearer", "x" * 500])
def test_a_wrong_token_gets_401_with_a_json_reason(db, secret):
    response = bearer(secret).get("/api/v1/organisation")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"]


def test_an_expired_token_stops_working(make_token):
    secret = make_token()
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert bearer(secret).get("/api/v1/organisation").status_code == 401


def test_a_revoked_token_stops_working_and_the_revocation_is_audited(admin, make_token):
    secret = make_token()
    do_revoke_token(actor=admin, token=ApiToken.objects.get())
    assert bearer(secret).get("/api/v1/organisation").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_a_token_of_someone_who_left_stops_working(admin, make_token):
    secret = make_token()
    admin.memberships.all().delete()
    assert bearer(secret).get("/api/v1/organisation").status_code == 401


def test_every_use_of_a_write_token_is_audited_and_reads_with_a_read_token_are_not(make_token):
    write, read = make_token("write"), make_token("read")
    bearer(write).get("/api/v1/organisation")
    bearer(write).get("/api/v1/departments")
    bearer(read).get("/api/v1/organisation")
    uses = AuditEvent.objects.filter(action="api_token.used")
    assert [e.after["path"] for e in uses.order_by("pk")] == [
        "/api/v1/organisation",
        "/api/v1/departments",
    ]


def test_a_service_account_token_acts_with_the_role_it_was_given(admin, norrkoping, utbildning):
    new = do_create_token(
        actor=admin,
        organisation=norrkoping,
        name="Diariet",
        scope="read",
        days=30,
        kind="service",
        service_role=Role.VIEWER,
        service_department=utbildning,
    )
    body = bearer(new.secret).get("/api/v1/organisation").json()
    assert body["roles"] == [Role.VIEWER]
    departments = bearer(new.secret).get("/api/v1/departments").json()["items"]
    assert [d["code"] for d in departments] == [utbildning.code]
    assert not new.token.user.has_usable_password()


def test_an_outsiders_department_is_404_through_the_api(make_token, other_department):
    response = bearer(make_token()).get(f"/api/v1/departments/{other_department.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []} or response.json()["detail"]


def test_the_rate_limit_answers_429_with_retry_after(settings, make_token):
    settings.KLASSA_API_RATE_LIMIT = 3
    client = bearer(make_token())
    codes = [client.get("/api/v1/organisation").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    response = client.get("/api/v1/organisation")
    assert int(response["Retry-After"]) >= 1
    assert response.json()["detail"]


def test_the_rate_limit_counts_each_token_apart(settings, make_token):
    settings.KLASSA_API_RATE_LIMIT = 1
    first, second = bearer(make_token()), bearer(make_token())
    assert first.get("/api/v1/organisation").status_code == 200
    assert second.get("/api/v1/organisation").status_code == 200
    assert first.get("/api/v1/organisation").status_code == 429


def test_the_signed_in_browser_uses_the_api_with_its_session(as_user, officer, norrkoping):
    client = as_user(officer)
    response = client.get("/api/v1/organisation")
    assert response.status_code == 200
    assert response.json()["roles"] == [Role.SECURITY_OFFICER]


def test_an_anonymous_caller_gets_401_json_not_the_login_page(db, client):
    response = client.get("/api/v1/departments")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_bad_paging_is_a_422_naming_the_parameter(make_token):
    response = bearer(make_token()).get("/api/v1/departments?page=0&page_size=x")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"query.page", "query.page_size"} <= fields


def test_the_openapi_document_and_its_docs_are_served_by_the_app(db, client):
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert document.json()["openapi"].startswith("3.")
    assert "/api/v1/departments" in document.json()["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
    assert b"/static/ninja/swagger-ui-bundle" in docs.content
