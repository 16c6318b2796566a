"""The organisation admin's sign-in settings page: the switches and the identity providers,
through services with audit events; the client secret is never shown again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from klassa_app.models import AuditEvent, ExternalIdentity, IdentityProvider
from klassa_app.signin import oidc_secrets
from tests.factories import IdentityProviderFactory, UserFactory

pytestmark = pytest.mark.django_db

ENTRA = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"


def provider_form(**changes):
    data = {
        "label": "Microsoft Entra ID",
        "discovery_url": ENTRA,
        "client_id": "klassa-app",
        "client_secret": "mycket-hemlig-1",
        "subject_claim": "oid",
        "scopes": "openid email profile",
        "trust_email": "on",
        "jit_role": "",
        "role_claim": "groups",
        "role_mapping": "grp-ekonomi = economist",
        "mfa_amr_values": "mfa otp",
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_admin_adds_a_provider_and_its_secret_is_never_shown_again(as_user, admin):
    client = as_user(admin)
    response = client.post(reverse("identity_provider_create"), provider_form())
    assert response.status_code == 302
    provider = IdentityProvider.objects.get()
    assert provider.role_mapping == {"grp-ekonomi": "economist"}
    assert oidc_secrets.decrypt(provider.client_secret_encrypted) == "mycket-hemlig-1"
    assert "mycket-hemlig-1" not in provider.client_secret_encrypted  # encrypted at rest
    page = client.get(reverse("identity_provider_edit", args=[provider.pk])).content.decode()
    assert "mycket-hemlig-1" not in page
    event = AuditEvent.objects.get(action="sign_in.provider_created")
    assert "mycket-hemlig-1" not in str(event.after)
    assert event.after["client_secret_changed"] is True


def test_an_empty_secret_keeps_the_saved_one(as_user, admin, norrkoping):
    provider = IdentityProviderFactory(organisation=norrkoping, client_secret="gammal")
    response = as_user(admin).post(
        reverse("identity_provider_edit", args=[provider.pk]),
        provider_form(client_secret="", label="Entra"),
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.label == "Entra"
    assert oidc_secrets.decrypt(provider.client_secret_encrypted) == "gammal"
    assert AuditEvent.objects.get(action="sign_in.provider_changed").after["label"] == "Entra"


def test_a_bad_role_mapping_is_named_and_nothing_is_saved(as_user, admin):
    response = as_user(admin).post(
        reverse("identity_provider_create"), provider_form(role_mapping="grp = kung")
    )
    assert response.status_code == 200
    assert "role_mapping" in response.context["form"].errors
    assert not IdentityProvider.objects.exists()


def test_password_sign_in_cannot_be_turned_off_without_a_provider(as_user, admin, norrkoping):
    response = as_user(admin).post(reverse("sign_in_settings"), {"mfa_required": "on"})
    assert response.status_code == 200
    assert "password_sign_in" in response.context["form"].errors
    norrkoping.refresh_from_db()
    assert norrkoping.password_sign_in and not norrkoping.mfa_required


def test_the_admin_turns_password_sign_in_off_with_an_active_provider(as_user, admin, norrkoping):
    IdentityProviderFactory(organisation=norrkoping)
    response = as_user(admin).post(reverse("sign_in_settings"), {"mfa_required": "on"})
    assert response.status_code == 302
    norrkoping.refresh_from_db()
    assert not norrkoping.password_sign_in and norrkoping.mfa_required
    event = AuditEvent.objects.get(action="sign_in.settings_changed")
    assert event.before == {"password_sign_in": True, "mfa_required": False}
    assert event.after == {"password_sign_in": False, "mfa_required": True}


def test_the_page_is_for_admins_only(as_user, officer, owner):
    assert as_user(officer).get(reverse("sign_in_settings")).status_code == 403
    assert (
        as_user(owner).post(reverse("identity_provider_create"), provider_form()).status_code == 403
    )
    assert not IdentityProvider.objects.exists()


def test_another_organisations_provider_does_not_exist_for_an_outsider(
    as_user, outsider, norrkoping
):
    provider = IdentityProviderFactory(organisation=norrkoping)
    url = reverse("identity_provider_edit", args=[provider.pk])
    assert as_user(outsider).get(url).status_code == 404
    assert as_user(outsider).post(url, provider_form(label="Kapad")).status_code == 404
    provider.refresh_from_db()
    assert provider.label == "Microsoft Entra ID"


def test_the_admin_finds_the_page_in_the_menu(as_user, admin, owner):
    assert (
        reverse("sign_in_settings") in as_user(admin).get(reverse("member_list")).content.decode()
    )
    assert reverse("sign_in_settings") not in as_user(owner).get(reverse("home")).content.decode()


def test_the_settings_page_costs_the_same_queries_with_one_and_many_providers(
    as_user, admin, norrkoping, django_assert_max_num_queries, django_assert_num_queries
):
    client = as_user(admin)
    IdentityProviderFactory(organisation=norrkoping)
    client.get(reverse("sign_in_settings"))
    with django_assert_max_num_queries(15) as small:
        assert client.get(reverse("sign_in_settings")).status_code == 200
    baseline = len(small)
    IdentityProviderFactory.create_batch(12, organisation=norrkoping)
    with django_assert_num_queries(baseline):
        page = client.get(reverse("sign_in_settings"))
    html = page.content.decode()
    for provider in IdentityProvider.objects.filter(organisation=norrkoping):
        assert reverse("identity_provider_edit", args=[provider.pk]) in html


def test_a_secret_still_reads_after_the_secret_key_is_rotated(settings, norrkoping):
    provider = IdentityProviderFactory(organisation=norrkoping, client_secret="hemlig-1")
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "en-ny-och-mycket-lang-nyckel-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    stored = IdentityProvider.objects.get(pk=provider.pk).client_secret_encrypted
    assert oidc_secrets.decrypt(stored) == "hemlig-1"
    settings.SECRET_KEY_FALLBACKS = []
    # No key opens it: it reads as empty and the admin enters it again.
    assert oidc_secrets.decrypt(stored) == ""


def test_the_admin_sees_who_is_linked_and_removes_a_link(as_user, admin, officer, norrkoping):
    provider = IdentityProviderFactory(organisation=norrkoping)
    identity = ExternalIdentity.objects.create(
        user=officer, provider_key=provider.key, subject="oid-sara"
    )
    client = as_user(admin)
    page = client.get(reverse("identity_provider_people", args=[provider.pk])).content.decode()
    assert officer.email in page and "oid-sara" in page
    response = client.post(reverse("external_identity_unlink", args=[identity.pk]))
    assert response.status_code == 302
    assert not ExternalIdentity.objects.exists()
    event = AuditEvent.objects.get(action="sso.identity_unlinked")
    assert event.before["subject"] == "oid-sara" and event.organisation == norrkoping


def test_an_outsider_cannot_remove_another_organisations_link(
    as_user, outsider, officer, norrkoping
):
    provider = IdentityProviderFactory(organisation=norrkoping)
    identity = ExternalIdentity.objects.create(
        user=officer, provider_key=provider.key, subject="oid-sara"
    )
    client = as_user(outsider)
    assert client.post(reverse("external_identity_unlink", args=[identity.pk])).status_code == 404
    people = reverse("identity_provider_people", args=[provider.pk])
    assert client.get(people).status_code == 404
    assert ExternalIdentity.objects.filter(pk=identity.pk).exists()


def test_the_linked_people_cost_the_same_queries_for_few_and_many(
    as_user, admin, norrkoping, django_assert_max_num_queries, django_assert_num_queries
):
    provider = IdentityProviderFactory(organisation=norrkoping)

    def link(count: int) -> None:
        for user in UserFactory.create_batch(count):
            ExternalIdentity.objects.create(
                user=user, provider_key=provider.key, subject=user.email
            )

    client = as_user(admin)
    url = reverse("identity_provider_people", args=[provider.pk])
    link(2)
    client.get(url)
    with django_assert_max_num_queries(15) as small:
        assert client.get(url).status_code == 200
    baseline = len(small)
    link(60)
    with django_assert_num_queries(baseline):
        page = client.get(url)
    assert len(page.context["page_obj"].object_list) == min(
        62, page.context["page_obj"].paginator.per_page
    )
