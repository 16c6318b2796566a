"""The second step of signing in: after the password, a person with an authenticator app
passes it before any other page; an organisation admin or security officer whose
organisation requires it sets one up first. Single sign-on counts as the second factor when
the identity provider asserted one. The API answers 401 instead of redirecting."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from klassa_app.models import AuditEvent, Department, Membership
from klassa_app.signin import mfa
from klassa_app.urls import urlpatterns as klassa_urlpatterns
from tests.factories import PASSWORD, enrol_authenticator, totp_code


def api_ping(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"user": request.user.pk})


# This module is also the URLconf of its API tests: Klassa's URLs and one under /api/.
urlpatterns = [*klassa_urlpatterns, path("api/ping/", api_ping, name="test_api_ping")]

pytestmark = pytest.mark.django_db

# Pages of every kind that a session owing its second factor must not reach.
CLOSED = ("home", "asset_list", "department_list", "member_list", "audit_log", "mfa_reset_member")


def login(client, user, next_url: str = ""):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("login"), data)
    assert response.status_code == 302, "the password was refused"
    return response


def closed_urls(user) -> list[str]:
    membership = Membership.objects.filter(user=user).first()
    return [
        reverse(name, args=[membership.pk]) if name == "mfa_reset_member" else reverse(name)
        for name in CLOSED
    ] + ["/admin/"]


def require_mfa(organisation) -> None:
    organisation.mfa_required = True
    organisation.save()


def assert_sent_to(client, url: str, step: str) -> None:
    response = client.get(url)
    assert response.status_code == 302, f"{url} answered {response.status_code}"
    assert response.url.startswith(reverse(step)), f"{url} went to {response.url}"


# --- After the password ----------------------------------------------------------------------


def test_after_the_password_a_person_with_an_app_passes_the_code_before_anything_else(
    client, owner
):
    enrolment = enrol_authenticator(owner)

    response = login(client, owner, next_url=reverse("asset_list"))

    # The login sends on as usual; the next page is the second step, keeping the address.
    follow = client.get(response.url)
    assert follow.status_code == 302
    assert follow.url == f"{reverse('mfa_verify')}?next=%2Fassets%2F"
    for url in closed_urls(owner):
        assert_sent_to(client, url, "mfa_verify")
    page = client.get(follow.url)
    assert page.status_code == 200
    assert 'id="main-nav"' not in page.content.decode()  # no menu before the second factor

    done = client.post(
        follow.url,
        {"code": totp_code(enrolment.device.key, steps_ahead=1), "next": "/assets/"},
    )

    assert done.status_code == 302 and done.url == "/assets/"
    assert client.get("/assets/").status_code == 200
    assert AuditEvent.objects.filter(action="mfa.verified", actor=owner).count() == 1


def test_a_post_during_the_step_changes_nothing(client, admin, norrkoping):
    enrol_authenticator(admin)
    login(client, admin)
    response = client.post(reverse("department_create"), {"code": "NY", "name": "Ny förvaltning"})
    assert response.status_code == 302
    assert response.url == reverse("mfa_verify")
    assert not Department.objects.filter(organisation=norrkoping, code="NY").exists()


@pytest.mark.parametrize("persona", ["admin", "officer"])
def test_a_required_role_without_an_app_sets_one_up_before_anything_else(
    client, request, persona, norrkoping
):
    person = request.getfixturevalue(persona)
    require_mfa(norrkoping)
    login(client, person)

    for url in closed_urls(person):
        assert_sent_to(client, url, "mfa_enrol")
    step = client.get(reverse("asset_list")).url
    page = client.get(step)
    assert page.status_code == 200
    assert f'href="{reverse("mfa_status")}"' not in page.content.decode()  # no way around it
    key = client.session[mfa.PENDING_KEY_SESSION_KEY]

    done = client.post(reverse("mfa_enrol"), {"code": totp_code(key), "next": "/assets/"})

    assert done.status_code == 200
    assert 'href="/assets/"' in done.content.decode()  # on to where the person was going
    assert client.get(reverse("asset_list")).status_code == 200


def test_a_business_owner_is_not_asked_even_where_the_organisation_requires_it(
    client, owner, norrkoping
):
    require_mfa(norrkoping)
    login(client, owner)
    assert client.get(reverse("asset_list")).status_code == 200
    assert client.get(reverse("home")).status_code == 200


def test_an_admin_is_not_asked_where_the_organisation_does_not_require_it(client, admin):
    login(client, admin)
    for url in closed_urls(admin)[:-2]:
        assert client.get(url).status_code == 200, url


def test_the_way_out_and_the_public_pages_stay_open_during_the_step(client, admin, norrkoping):
    require_mfa(norrkoping)
    login(client, admin)
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.get(reverse("mfa_status")).status_code == 200
    assert client.get(reverse("mfa_verify")).status_code == 302  # nothing to verify yet
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert client.get(reverse("password_reset")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_reset_ends_the_second_factor_of_open_sessions(client, admin, officer):
    enrolment = enrol_authenticator(officer)
    require_mfa(officer.memberships.get().organisation)
    login(client, officer)
    client.post(reverse("mfa_verify"), {"code": totp_code(enrolment.device.key, steps_ahead=1)})
    assert client.get(reverse("asset_list")).status_code == 200

    mfa.do_reset_mfa(actor=admin, membership=Membership.objects.get(user=officer))

    # The officer's session no longer counts as verified; the role requires a new app.
    response = client.get(reverse("asset_list"))
    assert response.status_code == 302
    follow = client.get(response.url)
    assert follow.status_code == 302 and follow.url.startswith(reverse("mfa_enrol"))


def test_a_person_without_an_app_costs_no_query_per_page_for_the_check(as_user, owner):
    client = as_user(owner)
    client.get(reverse("home"))  # the first page reads it and keeps it in the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("department_list")).status_code == 200
    assert not [q for q in queries if "otp_totp_totpdevice" in q["sql"]]


# --- Single sign-on --------------------------------------------------------------------------


def sso_session(client, user, *, asserted: bool):
    """What the sign-in through the identity provider leaves: a logged-in session, with the
    flag when the provider asserted a second factor (``amr``)."""
    client.force_login(user, backend="klassa_app.auth_backends.KlassaModelBackend")
    if asserted:
        session = client.session
        session[mfa.SSO_MFA_SESSION_KEY] = True
        session.save()
    return client


def test_a_second_factor_asserted_by_the_identity_provider_counts(client, admin, norrkoping):
    require_mfa(norrkoping)
    enrol_authenticator(admin)
    sso_session(client, admin, asserted=True)
    assert client.get(reverse("asset_list")).status_code == 200
    assert client.get(reverse("member_list")).status_code == 200


def test_single_sign_on_without_the_assertion_asks_for_the_app(client, owner):
    enrol_authenticator(owner)
    sso_session(client, owner, asserted=False)
    assert_sent_to(client, reverse("asset_list"), "mfa_verify")


def test_single_sign_on_without_the_assertion_sends_a_required_officer_to_set_one_up(
    client, officer, norrkoping
):
    require_mfa(norrkoping)
    sso_session(client, officer, asserted=False)
    assert_sent_to(client, reverse("asset_list"), "mfa_enrol")


def test_single_sign_on_without_the_assertion_lets_a_person_without_an_app_on(client, owner):
    sso_session(client, owner, asserted=False)
    assert client.get(reverse("asset_list")).status_code == 200


# --- The API ---------------------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_the_api_answers_401_json_to_a_session_owing_its_second_factor(client, owner):
    enrol_authenticator(owner)
    login(client, owner)

    response = client.get("/api/ping/")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.urls(__name__)
def test_the_api_leaves_requests_with_an_authorization_header_to_their_token(client, owner):
    enrol_authenticator(owner)
    login(client, owner)
    response = client.get("/api/ping/", headers={"Authorization": "Bearer some-token"})
    assert response.status_code == 200
    assert response.json() == {"user": owner.pk}


@pytest.mark.urls(__name__)
def test_the_api_answers_a_verified_session(client, owner):
    enrolment = enrol_authenticator(owner)
    login(client, owner)
    client.post(reverse("mfa_verify"), {"code": totp_code(enrolment.device.key, steps_ahead=1)})
    assert client.get("/api/ping/").json() == {"user": owner.pk}


def test_an_htmx_request_during_the_step_replaces_the_whole_page(client, owner):
    enrol_authenticator(owner)
    login(client, owner)
    response = client.get(
        reverse("asset_list"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/assets/?page=2"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{reverse('mfa_verify')}?next=%2Fassets%2F%3Fpage%3D2"
