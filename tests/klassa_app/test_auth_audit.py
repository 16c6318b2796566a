"""Passwords chosen, reset and changed, logins, failed logins and lockouts are audit events,
in the trail of every organisation the account belongs to, and never hold a password."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from klassa_app import services
from klassa_app.audit_labels import action_label
from klassa_app.models import AuditEvent, Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "ett-langt-nytt-losenord-42"
WRONG_PASSWORD = "gissat-fel-losenord-7"


def login(client, email: str, password: str):
    return client.post(reverse("login"), {"username": email, "password": password})


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def assert_no_password_in_trail(*passwords: str) -> None:
    for event in AuditEvent.objects.all():
        stored = json.dumps(
            [event.actor_label, event.object_repr, event.before, event.after], ensure_ascii=False
        )
        for secret in passwords:
            assert secret not in stored


def _link_path(body: str) -> str:
    link = next(line for line in body.splitlines() if "/accounts/reset/" in line)
    return link[link.index("/accounts/reset/") :].strip()


def _choose_password(client, path: str):
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    return client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def test_invited_person_choosing_a_password_is_audited_in_the_inviting_organisation(
    client, admin, utbildning, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.do_invite_member(
            actor=admin,
            organisation=utbildning.organisation,
            email="ny@norrkoping.se",
            role=Role.VIEWER,
            department=utbildning,
        )
    assert _choose_password(client, _link_path(mail.outbox[0].body)).status_code == 302
    [event] = events("user.password_set")
    assert event.organisation == utbildning.organisation
    assert event.actor.email == event.actor_label == event.object_repr == "ny@norrkoping.se"
    assert events("user.password_reset") == []
    assert_no_password_in_trail(NEW_PASSWORD)


def test_business_owner_resetting_a_forgotten_password_is_audited(client, owner, norrkoping):
    client.post(reverse("password_reset"), {"email": owner.email.upper()})
    assert _choose_password(client, _link_path(mail.outbox[0].body)).status_code == 302
    [event] = events("user.password_reset")
    assert (event.organisation, event.actor, event.object_id) == (norrkoping, owner, str(owner.pk))
    assert events("user.password_set") == []
    assert_no_password_in_trail(NEW_PASSWORD)


def test_business_owner_changing_the_password_is_audited(as_user, owner, password, norrkoping):
    client = as_user(owner)
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    [event] = events("user.password_changed")
    assert (event.organisation, event.actor) == (norrkoping, owner)
    assert_no_password_in_trail(password, NEW_PASSWORD)


def test_a_refused_password_change_records_nothing(as_user, owner):
    client = as_user(owner)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": WRONG_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert events("user.password_changed") == []


def test_failed_login_records_the_normalised_address_and_client_address_not_the_password(
    client, owner, norrkoping
):
    login(client, "  AGARE@Norrkoping.SE ", WRONG_PASSWORD)
    [event] = events("login.failed")
    assert event.organisation == norrkoping
    assert event.actor is None
    assert event.object_id == str(owner.pk)
    assert event.after == {"username": "agare@norrkoping.se", "ip_address": "127.0.0.1"}
    assert event.actor_label == "127.0.0.1"
    assert_no_password_in_trail(WRONG_PASSWORD)


def test_failed_login_for_an_unknown_address_is_recorded_without_organisation(client, norrkoping):
    login(client, "Okand@Example.se", WRONG_PASSWORD)
    [event] = events("login.failed")
    assert event.organisation is None
    assert event.object_id == ""
    assert event.after["username"] == "okand@example.se"
    assert_no_password_in_trail(WRONG_PASSWORD)


def test_lockout_is_recorded_once_and_later_attempts_as_failures(
    client, owner, password, norrkoping, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    for spelling in ["agare@norrkoping.se", "Agare@norrkoping.se", "AGARE@norrkoping.se"] * 2:
        login(client, spelling, WRONG_PASSWORD)
    login(client, "agare@norrkoping.se", password)  # right password, still locked
    [lockout] = events("login.locked_out")
    assert lockout.organisation == norrkoping
    assert lockout.object_id == str(owner.pk)
    assert lockout.after == {"username": "agare@norrkoping.se", "ip_address": "127.0.0.1"}
    assert len(events("login.failed")) == 7
    assert events("login.succeeded") == []
    assert_no_password_in_trail(WRONG_PASSWORD, password)


def test_successful_login_is_recorded_in_each_organisation_of_the_person(
    client, owner, password, norrkoping, other_municipality
):
    MembershipFactory(user=owner, organisation=other_municipality, role=Role.VIEWER)
    assert login(client, owner.email, password).status_code == 302
    logged_in = events("login.succeeded")
    assert {e.organisation for e in logged_in} == {norrkoping, other_municipality}
    assert {(e.actor, e.after["ip_address"]) for e in logged_in} == {(owner, "127.0.0.1")}
    assert_no_password_in_trail(password)


def test_admin_reads_failed_logins_and_lockouts_of_members_in_swedish(
    client, as_user, admin, owner, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(5):
        login(client, owner.email, WRONG_PASSWORD)
    html = as_user(admin).get(reverse("audit_log")).content.decode()
    assert ">login.failed</code>" in html and ">login.locked_out</code>" in html
    assert "Misslyckad inloggning<br>" in html
    assert "Kontot spärrat efter misslyckade inloggningar<br>" in html
    assert owner.email in html
    with translation.override("sv"):
        assert action_label("user.password_changed") == "Lösenord ändrat"
        assert action_label("user.password_set") == "Lösenord valt via inbjudan"


def test_another_organisation_does_not_see_the_failed_logins(client, as_user, owner, outsider):
    login(client, owner.email, WRONG_PASSWORD)
    html = as_user(outsider).get(reverse("audit_log")).content.decode()
    # The action filter lists every label; the rows hold none of these events.
    assert ">login.failed</code>" not in html
    assert owner.email not in html
