"""Sign-in with OpenID Connect, end to end against a real provider (oidc-provider-mock) running
in a thread: the login button, the provider's authorisation, the code exchange and the ID
token's verification by the real code. The personas: an invited officer of Norrköping whose
organisation uses Microsoft Entra ID (subject ``oid``), a newcomer, and an outsider."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from oidc_provider_mock import run_server_in_thread

from klassa_app.models import AuditEvent, ExternalIdentity, Membership, Role, User
from klassa_app.signin import oidc_services
from klassa_app.signin.mfa import SSO_MFA_SESSION_KEY
from tests.factories import IdentityProviderFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def provider_server():
    """A real OpenID provider on localhost for the module's tests."""
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(autouse=True)
def _fresh_discovery():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _plain_http_for_the_local_provider(monkeypatch):
    # The provider under test answers on http://localhost; OAuth requires https otherwise.
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def entra(norrkoping, provider_server):
    """Norrköping's Entra-like provider: people are known by ``oid``, e-mail trusted."""
    return IdentityProviderFactory(
        organisation=norrkoping,
        discovery_url=provider_server,
        client_id="klassa-norrkoping",
        subject_claim="oid",
        trust_email=True,
    )


def set_person(server: str, sub: str, **claims: Any) -> None:
    """What the provider will say about ``sub`` in its next ID token."""
    response = requests.put(f"{server}/users/{sub}", json=claims, timeout=5)
    assert response.status_code == 204


def start(client: Client, provider, next_url: str = "") -> str:
    """Press the provider's button; returns the provider's authorisation address."""
    response = client.post(reverse("oidc_start", args=[provider.key]), {"next": next_url})
    assert response.status_code == 302
    return response["Location"]


def authorise(authorize_url: str, sub: str) -> str:
    """The person signs in at the provider as ``sub``; returns the callback path and query."""
    response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text[:500]
    back = urlsplit(response.headers["Location"])
    assert back.path == reverse("oidc_callback")
    return f"{back.path}?{back.query}"


def sign_in(client: Client, provider, sub: str, next_url: str = ""):
    return client.get(authorise(start(client, provider, next_url), sub))


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def failures(reason: str) -> list[AuditEvent]:
    return [
        e
        for e in AuditEvent.objects.filter(action="login.sso_failed").order_by("id")
        if e.after["reason"] == reason
    ]


# --- The login page ---------------------------------------------


def test_the_login_page_for_an_organisation_shows_its_providers_button(client, entra):
    page = client.get(reverse("login"), {"organisation": "norrkoping"}).content.decode()
    assert "Logga in med Microsoft Entra ID" in page
    assert reverse("oidc_start", args=[entra.key]) in page
    assert 'name="password"' in page


def test_the_plain_login_page_does_not_list_the_organisations_providers(client, entra):
    page = client.get(reverse("login")).content.decode()
    assert reverse("oidc_start", args=[entra.key]) not in page


def test_the_button_sends_the_browser_to_the_provider_with_state_nonce_and_pkce(client, entra):
    location = start(client, entra)
    query = dict(p.split("=", 1) for p in urlsplit(location).query.split("&"))
    assert location.startswith(f"{entra.discovery_url}/oauth2/authorize?")
    assert query["client_id"] == "klassa-norrkoping"
    assert query["code_challenge_method"] == "S256"
    kept = client.session["oidc_states"][query["state"]]
    assert kept["nonce"] == query["nonce"] and kept["code_verifier"]
    assert kept["provider"] == entra.key


def test_an_inactive_provider_cannot_be_started(client, entra):
    entra.is_active = False
    entra.save()
    response = client.post(reverse("oidc_start", args=[entra.key]))
    assert response.status_code == 404


# --- Who signs in ---------------------------------------------


def test_an_invited_officer_signs_in_with_entra_and_is_linked_by_oid(
    client, entra, officer, provider_server
):
    set_person(
        provider_server,
        "sakerhet",
        oid="oid-officer-1",
        email="Sakerhet@Norrkoping.se",
        name="Sara Säkerhet",
        amr=["pwd"],
    )
    response = sign_in(client, entra, "sakerhet", next_url="/assets/")
    assert response.status_code == 302 and response["Location"] == "/assets/"
    assert signed_in_user(client) == officer
    identity = ExternalIdentity.objects.get(user=officer)
    assert (identity.provider_key, identity.subject) == (entra.key, "oid-officer-1")
    assert client.session[SSO_MFA_SESSION_KEY] is False
    linked = AuditEvent.objects.get(action="sso.identity_linked")
    assert linked.organisation == officer.memberships.get().organisation
    assert linked.after["subject"] == "oid-officer-1"
    success = AuditEvent.objects.get(action="login.sso_succeeded")
    assert success.actor == officer and success.after["second_factor"] is False
    # The generic password-login event is not written twice for the same sign-in.
    assert not AuditEvent.objects.filter(action="login.succeeded").exists()


def test_later_the_subject_matches_even_when_the_email_changed_at_the_provider(
    client, entra, officer, provider_server
):
    set_person(provider_server, "officer-a", oid="oid-officer-2", email="sakerhet@norrkoping.se")
    sign_in(client, entra, "officer-a")
    set_person(provider_server, "officer-a", oid="oid-officer-2", email="sara.ny@norrkoping.se")
    again = Client()
    response = sign_in(again, entra, "officer-a")
    assert response.status_code == 302
    assert signed_in_user(again) == officer
    officer.refresh_from_db()
    assert officer.email == "sakerhet@norrkoping.se"


def test_another_subject_with_the_same_email_does_not_get_the_account(
    client, entra, officer, provider_server
):
    set_person(provider_server, "real", oid="oid-officer-3", email="sakerhet@norrkoping.se")
    sign_in(client, entra, "real")
    set_person(provider_server, "impostor", oid="oid-impostor", email="sakerhet@norrkoping.se")
    stranger = Client()
    response = sign_in(stranger, entra, "impostor")
    assert response.status_code == 403
    assert signed_in_user(stranger) is None
    assert "länkat till en annan person" in response.content.decode()
    assert failures("already_linked")[0].after["subject"] == "oid-impostor"
    assert ExternalIdentity.objects.filter(subject="oid-impostor").count() == 0


def test_an_email_the_provider_does_not_vouch_for_links_no_account(
    client, entra, officer, provider_server
):
    entra.trust_email = False
    entra.save()
    set_person(
        provider_server,
        "unverified",
        oid="oid-x",
        email="sakerhet@norrkoping.se",
        email_verified=False,
    )
    response = sign_in(client, entra, "unverified")
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert failures("email_not_verified")
    assert not ExternalIdentity.objects.exists()


def test_a_verified_email_links_without_trusting_the_provider(
    client, entra, officer, provider_server
):
    entra.trust_email = False
    entra.save()
    set_person(
        provider_server,
        "verified",
        oid="oid-v",
        email="sakerhet@norrkoping.se",
        email_verified=True,
    )
    assert sign_in(client, entra, "verified").status_code == 302
    assert signed_in_user(client) == officer


def test_a_newcomer_is_created_in_the_default_role_when_the_provider_creates_members(
    client, entra, provider_server
):
    entra.jit_role = Role.VIEWER
    entra.save()
    set_person(
        provider_server, "ny", oid="oid-new", email="ny.kollega@norrkoping.se", name="Nils Ny"
    )
    response = sign_in(client, entra, "ny")
    assert response.status_code == 302
    newcomer = User.objects.get(email="ny.kollega@norrkoping.se")
    assert signed_in_user(client) == newcomer
    assert not newcomer.has_usable_password()
    membership = Membership.objects.get(user=newcomer)
    assert (membership.organisation, membership.role, membership.department) == (
        entra.organisation,
        Role.VIEWER,
        None,
    )
    assert membership.invitation_sent_at is not None  # no password invitation to send
    created = AuditEvent.objects.get(action="sso.user_created")
    assert created.after["role"] == Role.VIEWER and created.after["subject"] == "oid-new"


def test_a_person_without_membership_is_refused_with_a_clear_page(
    client, entra, outsider, provider_server
):
    set_person(provider_server, "outsider", oid="oid-out", email="admin@linkoping.se")
    response = sign_in(client, entra, "outsider")
    assert response.status_code == 403
    assert "Norrköpings kommun" in response.content.decode()
    assert "inget medlemskap" in response.content.decode()
    assert signed_in_user(client) is None
    refused = failures("no_membership")
    assert refused and refused[0].organisation == entra.organisation


def test_an_unknown_person_is_refused_when_the_provider_creates_no_members(
    client, entra, provider_server
):
    set_person(provider_server, "okand", oid="oid-unknown", email="okand@norrkoping.se")
    response = sign_in(client, entra, "okand")
    assert response.status_code == 403
    assert not User.objects.filter(email="okand@norrkoping.se").exists()
    assert failures("no_membership")


def test_an_organisations_provider_does_not_sign_in_a_member_of_another_organisation(
    client, entra, officer, other_municipality, provider_server
):
    MembershipFactory(user=officer, organisation=other_municipality, role=Role.VIEWER)
    set_person(provider_server, "tva", oid="oid-two", email="sakerhet@norrkoping.se")
    response = sign_in(client, entra, "tva")
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert failures("other_organisations")


def test_a_token_without_the_subject_claim_is_refused(client, entra, officer, provider_server):
    set_person(provider_server, "no-oid", email="sakerhet@norrkoping.se")
    response = sign_in(client, entra, "no-oid")
    assert response.status_code == 403
    assert failures("no_subject")


# --- Groups to roles ---------------------------------------------


def test_groups_are_mapped_to_roles_at_each_sign_in(client, entra, owner, provider_server):
    entra.role_claim = "groups"
    entra.role_mapping = {"grp-ekonomi": Role.ECONOMIST, "grp-dso": Role.DPO}
    entra.save()
    set_person(
        provider_server,
        "agare",
        oid="oid-owner",
        email="agare@norrkoping.se",
        groups=["grp-ekonomi", "grp-okand"],
    )
    assert sign_in(client, entra, "agare").status_code == 302
    roles = set(Membership.objects.filter(user=owner).values_list("role", flat=True))
    assert roles == {Role.BUSINESS_OWNER, Role.ECONOMIST}
    mapped = AuditEvent.objects.get(action="sso.roles_mapped")
    assert mapped.after["added"] == [Role.ECONOMIST]

    set_person(
        provider_server, "agare", oid="oid-owner", email="agare@norrkoping.se", groups=["grp-dso"]
    )
    assert sign_in(Client(), entra, "agare").status_code == 302
    roles = set(Membership.objects.filter(user=owner).values_list("role", flat=True))
    # The department role given in Klassa stays; the provider's roles follow its groups.
    assert roles == {Role.BUSINESS_OWNER, Role.DPO}
    last = AuditEvent.objects.filter(action="sso.roles_mapped").order_by("-id").first()
    assert (last.after["added"], last.after["removed"]) == ([Role.DPO], [Role.ECONOMIST])


def test_a_token_without_the_group_claim_changes_no_roles(client, entra, owner, provider_server):
    entra.role_claim = "groups"
    entra.role_mapping = {"grp-ekonomi": Role.ECONOMIST}
    entra.save()
    MembershipFactory(user=owner, organisation=entra.organisation, role=Role.ECONOMIST)
    set_person(provider_server, "overage", oid="oid-ov", email="agare@norrkoping.se")
    assert sign_in(client, entra, "overage").status_code == 302
    assert Membership.objects.filter(user=owner, role=Role.ECONOMIST).exists()
    assert not AuditEvent.objects.filter(action="sso.roles_mapped").exists()


def test_a_newcomer_whose_groups_give_a_role_gets_it(client, entra, provider_server):
    entra.jit_role = Role.VIEWER
    entra.role_claim = "roles"
    entra.role_mapping = {"Klassa.Admin": Role.ORG_ADMIN}
    entra.save()
    set_person(
        provider_server, "chef", oid="oid-chef", email="chef@norrkoping.se", roles=["Klassa.Admin"]
    )
    assert sign_in(client, entra, "chef").status_code == 302
    roles = set(
        Membership.objects.filter(user__email="chef@norrkoping.se").values_list("role", flat=True)
    )
    assert roles == {Role.VIEWER, Role.ORG_ADMIN}


# --- Tokens and states that must not pass ---------------------------------------------


def test_a_forged_state_is_refused_and_nobody_is_signed_in(client, entra, officer, provider_server):
    set_person(provider_server, "forged", oid="oid-f", email="sakerhet@norrkoping.se")
    callback = authorise(start(client, entra), "forged")
    forged = re.sub(r"state=[^&]+", "state=forfalskad", callback)
    response = client.get(forged)
    assert response.status_code == 400
    assert signed_in_user(client) is None
    assert failures("state_mismatch")[0].after["detail"] == "unknown or expired state"
    assert not ExternalIdentity.objects.exists()


def test_a_state_started_in_another_browser_is_refused(client, entra, officer, provider_server):
    set_person(provider_server, "csrf", oid="oid-c", email="sakerhet@norrkoping.se")
    callback = authorise(start(client, entra), "csrf")
    victim = Client()
    assert victim.get(callback).status_code == 400
    assert signed_in_user(victim) is None
    assert failures("state_mismatch")


def test_a_callback_cannot_be_replayed(client, entra, officer, provider_server):
    set_person(provider_server, "replay", oid="oid-r", email="sakerhet@norrkoping.se")
    callback = authorise(start(client, entra), "replay")
    assert client.get(callback).status_code == 302
    client.logout()
    assert client.get(callback).status_code == 400
    assert signed_in_user(client) is None


def test_a_token_for_another_audience_is_refused(client, entra, officer, provider_server):
    set_person(
        provider_server,
        "aud",
        oid="oid-aud",
        email="sakerhet@norrkoping.se",
        aud="en-annan-applikation",
    )
    response = sign_in(client, entra, "aud")
    assert response.status_code == 403
    assert signed_in_user(client) is None
    refused = failures("token_invalid")
    assert "audience" in refused[0].after["detail"].lower()
    assert not ExternalIdentity.objects.exists()


def test_an_expired_token_is_refused(client, entra, officer, provider_server):
    an_hour_ago = int(time.time()) - 3600
    set_person(
        provider_server,
        "old",
        oid="oid-old",
        email="sakerhet@norrkoping.se",
        iat=an_hour_ago - 3600,
        exp=an_hour_ago,
    )
    response = sign_in(client, entra, "old")
    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert "expired" in failures("token_invalid")[0].after["detail"].lower()


def test_a_token_from_another_issuer_is_refused(client, entra, officer, provider_server):
    set_person(
        provider_server,
        "iss",
        oid="oid-iss",
        email="sakerhet@norrkoping.se",
        iss="https://login.microsoftonline.com/annan-tenant/v2.0",
    )
    response = sign_in(client, entra, "iss")
    assert response.status_code == 403
    assert "issuer" in failures("token_invalid")[0].after["detail"].lower()


def test_a_token_with_another_nonce_is_refused(client, entra, officer, provider_server):
    set_person(
        provider_server, "nonce", oid="oid-n", email="sakerhet@norrkoping.se", nonce="gammal"
    )
    response = sign_in(client, entra, "nonce")
    assert response.status_code == 403
    assert "nonce" in failures("token_invalid")[0].after["detail"].lower()


def test_a_refusal_at_the_provider_is_audited(client, entra, provider_server):
    location = start(client, entra)
    denied = requests.post(location, data={"action": "deny"}, allow_redirects=False, timeout=5)
    back = urlsplit(denied.headers["Location"])
    assert "error=access_denied" in back.query
    # The mock leaves the state out of its error answer; a standard provider returns it.
    state = dict(p.split("=", 1) for p in urlsplit(location).query.split("&"))["state"]
    response = client.get(f"{back.path}?{back.query}&state={state}")
    assert response.status_code == 403
    assert "access_denied" in failures("provider_error")[0].after["detail"]


def test_a_wrong_client_secret_is_a_provider_error(client, norrkoping, provider_server):
    # A provider that checks its clients: Klassa's secret is not the registered one.
    with run_server_in_thread(require_client_registration=True) as strict:
        base = f"http://localhost:{strict.server_port}"
        registered = requests.post(
            f"{base}/oauth2/clients",
            json={"redirect_uris": ["http://testserver/accounts/oidc/callback/"]},
            timeout=5,
        ).json()
        provider = IdentityProviderFactory(
            organisation=norrkoping,
            discovery_url=base,
            client_id=registered["client_id"],
            client_secret="fel-hemlighet",
        )
        response = sign_in(client, provider, "someone")
    assert response.status_code == 502
    assert failures("provider_error")


# --- A second factor at the provider ---------------------------------------------


def test_a_sign_in_with_mfa_at_the_provider_counts_as_the_second_factor(
    client, entra, officer, provider_server
):
    set_person(
        provider_server, "mfa", oid="oid-mfa", email="sakerhet@norrkoping.se", amr=["pwd", "mfa"]
    )
    assert sign_in(client, entra, "mfa").status_code == 302
    assert client.session[SSO_MFA_SESSION_KEY] is True
    assert AuditEvent.objects.get(action="login.sso_succeeded").after["amr"] == ["pwd", "mfa"]


def test_only_the_providers_chosen_methods_count_as_a_second_factor(
    client, entra, officer, provider_server
):
    entra.mfa_amr_values = "hwk"
    entra.save()
    set_person(
        provider_server, "otp", oid="oid-otp", email="sakerhet@norrkoping.se", amr=["pwd", "otp"]
    )
    assert sign_in(client, entra, "otp").status_code == 302
    assert client.session[SSO_MFA_SESSION_KEY] is False


def test_a_password_login_clears_an_earlier_second_factor(client, officer, password):
    session = client.session
    session[SSO_MFA_SESSION_KEY] = True
    session.save()
    client.post(reverse("login"), {"username": officer.email, "password": password})
    assert client.session[SSO_MFA_SESSION_KEY] is False


# --- The installation's provider ---------------------------------------------


def test_the_installations_provider_from_the_environment_signs_in_to_its_organisation(
    client, settings, officer, provider_server
):
    settings.OIDC_DISCOVERY_URL = provider_server
    settings.OIDC_CLIENT_ID = "klassa-installation"
    settings.OIDC_CLIENT_SECRET = "installationens-hemlighet"
    settings.OIDC_LABEL = "Kommunens inloggning"
    settings.OIDC_ORGANISATION = "norrkoping"
    settings.OIDC_SUBJECT_CLAIM = "sub"
    settings.OIDC_TRUST_EMAIL = True
    page = client.get(reverse("login")).content.decode()
    assert "Logga in med Kommunens inloggning" in page
    set_person(provider_server, "inst-officer", email="sakerhet@norrkoping.se")
    response = client.get(authorise(start_installation(client), "inst-officer"))
    assert response.status_code == 302
    assert signed_in_user(client) == officer
    assert ExternalIdentity.objects.get(user=officer).provider_key == "installation"


def start_installation(client: Client) -> str:
    response = client.post(reverse("oidc_start", args=["installation"]))
    assert response.status_code == 302
    return response["Location"]


def test_without_environment_settings_there_is_no_installation_provider(client):
    assert settings.OIDC_DISCOVERY_URL is None
    assert client.post(reverse("oidc_start", args=["installation"])).status_code == 404


# --- Password sign-in off ---------------------------------------------


def test_an_organisation_without_password_sign_in_hides_the_password_form(client, entra):
    entra.organisation.password_sign_in = False
    entra.organisation.save()
    page = client.get(reverse("login"), {"organisation": "norrkoping"}).content.decode()
    assert 'name="password"' not in page
    assert "Logga in med Microsoft Entra ID" in page


def test_a_password_login_is_refused_when_every_organisation_has_password_sign_in_off(
    client, entra, officer, password
):
    entra.organisation.password_sign_in = False
    entra.organisation.save()
    response = client.post(reverse("login"), {"username": officer.email, "password": password})
    assert response.status_code == 200
    assert signed_in_user(client) is None
    wrong = Client().post(
        reverse("login"), {"username": officer.email, "password": "fel-fel-fel-1"}
    )
    # The same message as a wrong password: nothing tells the password was right.
    assert response.context["form"].errors == wrong.context["form"].errors
    refused = AuditEvent.objects.get(action="login.password_refused")
    assert refused.organisation == entra.organisation and refused.object_repr == officer.email


def test_a_member_of_an_organisation_with_password_sign_in_keeps_the_password(
    client, entra, officer, other_municipality, password
):
    entra.organisation.password_sign_in = False
    entra.organisation.save()
    MembershipFactory(user=officer, organisation=other_municipality, role=Role.VIEWER)
    client.post(reverse("login"), {"username": officer.email, "password": password})
    assert signed_in_user(client) == officer


def test_a_superuser_keeps_the_password(client, entra, password):
    root = UserFactory(email="root@norrkoping.se", is_superuser=True, is_staff=True)
    MembershipFactory(user=root, organisation=entra.organisation, role=Role.VIEWER)
    entra.organisation.password_sign_in = False
    entra.organisation.save()
    client.post(reverse("login"), {"username": root.email, "password": password})
    assert signed_in_user(client) == root


def test_two_first_sign_ins_at_once_end_in_a_clear_page_not_an_error(
    client, entra, officer, provider_server, monkeypatch
):
    def linked_meanwhile(*args, **kwargs):
        raise IntegrityError("external_identity_unique_subject")

    monkeypatch.setattr(oidc_services, "_first_sign_in", linked_meanwhile)
    set_person(provider_server, "twice", oid="oid-twice", email="sakerhet@norrkoping.se")
    response = sign_in(client, entra, "twice")
    assert response.status_code == 409
    assert signed_in_user(client) is None
    assert failures("conflict")


def test_an_entra_user_principal_name_serves_as_the_address_when_there_is_no_email(
    client, entra, provider_server
):
    entra.jit_role = Role.VIEWER
    entra.save()
    set_person(provider_server, "upn", oid="oid-upn", preferred_username="Per.Upn@Norrkoping.se")
    assert sign_in(client, entra, "upn").status_code == 302
    assert signed_in_user(client).email == "per.upn@norrkoping.se"


def test_the_installations_button_shows_only_for_its_own_organisation(
    client, settings, norrkoping, other_municipality, provider_server
):
    settings.OIDC_DISCOVERY_URL = provider_server
    settings.OIDC_CLIENT_ID = "klassa-installation"
    settings.OIDC_LABEL = "Kommunens inloggning"
    settings.OIDC_ORGANISATION = "norrkoping"
    own = client.get(reverse("login"), {"organisation": "norrkoping"}).content.decode()
    other = client.get(reverse("login"), {"organisation": "linkoping"}).content.decode()
    assert "Logga in med Kommunens inloggning" in own
    assert "Logga in med Kommunens inloggning" not in other
