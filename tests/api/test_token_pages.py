"""The organisation admin's API token pages: the secret shown once, a list that never shows
it, revoking, and nobody else getting in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.models import ApiToken
from api.tokens import digest_of
from klassa_app.models import AuditEvent, Membership, Role
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

PERSONAL = {"name": "Ärendesystem", "kind": "personal", "scope": "read", "days": "30"}


def secret_of(response) -> str:
    return response.context["secret"]


def test_an_admin_creates_a_token_and_sees_its_secret_once(as_user, admin, settings):
    settings.KLASSA_BASE_URL = "https://klassa.norrkoping.se"
    client = as_user(admin)
    response = client.post(reverse("api_token_create"), PERSONAL)
    assert response.status_code == 200
    secret = secret_of(response)
    token = ApiToken.objects.get()
    assert token.digest == digest_of(secret)
    assert (token.name, token.user, token.scope) == ("Ärendesystem", admin, "read")
    page = response.content.decode()
    assert page.count(secret) == 2  # the field to copy and the curl example
    assert f'curl -H "Authorization: Bearer {secret}" https://klassa.norrkoping.se/api/v1/' in page
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert bearer(secret).get("/api/v1/organisation").status_code == 200
    listing = client.get(reverse("api_token_list"))
    assert listing.status_code == 200
    assert secret not in listing.content.decode()
    assert secret[len("klassa_") + 8 :] not in listing.content.decode()
    assert token.prefix in listing.content.decode()
    assert "Ärendesystem" in listing.content.decode()


def test_the_create_form_itself_is_not_cached(as_user, admin):
    response = as_user(admin).get(reverse("api_token_create"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_service_account_token_acts_with_the_role_and_department_chosen(
    as_user, admin, utbildning
):
    response = as_user(admin).post(
        reverse("api_token_create"),
        {
            **PERSONAL,
            "kind": "service",
            "scope": "write",
            "service_role": Role.BUSINESS_OWNER,
            "service_department": utbildning.pk,
        },
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    membership = Membership.objects.get(user=token.user)
    assert (token.kind, token.scope) == ("service", "write")
    assert (membership.role, membership.department) == (Role.BUSINESS_OWNER, utbildning)
    assert token.user != admin


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"days": "0"}, "days"),
        ({"days": "367"}, "days"),
        ({"scope": "admin"}, "scope"),
        ({"kind": "service"}, "service_role"),
        ({"kind": "service", "service_role": Role.ORG_ADMIN}, "service_role"),
    ],
)
def test_a_bad_token_form_names_its_field_and_creates_nothing(as_user, admin, change, field):
    response = as_user(admin).post(reverse("api_token_create"), {**PERSONAL, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "secret" not in response.context
    assert not ApiToken.objects.exists()


def test_a_security_officer_in_a_service_accounts_department_is_refused_on_that_field(
    as_user, admin, utbildning
):
    response = as_user(admin).post(
        reverse("api_token_create"),
        {
            **PERSONAL,
            "kind": "service",
            "service_role": Role.SECURITY_OFFICER,
            "service_department": utbildning.pk,
        },
    )
    assert "service_department" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_revoking_asks_first_then_stops_the_token_and_is_audited(as_user, admin, make_token):
    secret = make_token()
    token = ApiToken.objects.get()
    client = as_user(admin)
    confirm = client.get(reverse("api_token_revoke", args=[token.pk]))
    assert confirm.status_code == 200
    assert bearer(secret).get("/api/v1/organisation").status_code == 200
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert response.url == reverse("api_token_list")
    assert bearer(secret).get("/api/v1/organisation").status_code == 401
    token.refresh_from_db()
    assert (token.revoked_by, token.revoked_at is not None) == (admin, True)
    assert AuditEvent.objects.filter(action="api_token.revoked", actor=admin).count() == 1


@pytest.mark.parametrize("persona", ["officer", "owner", "culture_viewer"])
def test_anyone_but_an_admin_gets_403(request, as_user, make_token, persona):
    make_token()
    token = ApiToken.objects.get()
    client = as_user(request.getfixturevalue(persona))
    assert client.get(reverse("api_token_list")).status_code == 403
    assert client.get(reverse("api_token_create")).status_code == 403
    assert client.post(reverse("api_token_create"), PERSONAL).status_code == 403
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 403
    assert ApiToken.objects.get().revoked_at is None
    assert ApiToken.objects.count() == 1


def test_an_admin_of_another_organisation_gets_404_for_a_token(as_user, outsider, make_token):
    make_token()
    token = ApiToken.objects.get()
    client = as_user(outsider)
    assert client.get(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get().revoked_at is None
    assert "Ärendesystem" not in client.get(reverse("api_token_list")).content.decode()


def test_the_members_page_links_admins_to_the_tokens(as_user, admin):
    page = as_user(admin).get(reverse("member_list"))
    assert reverse("api_token_list") in page.content.decode()


def test_the_token_list_costs_the_same_queries_for_more_tokens(
    as_user, admin, make_token, utbildning, django_assert_max_num_queries
):
    client = as_user(admin)
    make_token()
    client.get(reverse("api_token_list"))
    with django_assert_max_num_queries(30) as counted:
        client.get(reverse("api_token_list"))
    baseline = len(counted)
    for n in range(5):
        make_token(
            name=f"Tjänst {n}",
            kind="service",
            service_role=Role.VIEWER,
            service_department=utbildning,
        )
    revoked = ApiToken.objects.order_by("pk").first()
    revoked.revoked_at, revoked.revoked_by = revoked.created_at, admin
    revoked.save()
    with django_assert_max_num_queries(baseline):
        response = client.get(reverse("api_token_list"))
    assert len(response.context["page_obj"]) == 6
