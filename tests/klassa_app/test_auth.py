"""Logging in, lockout, password reset and the demo-password guard."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from klassa_app.checks import no_demo_passwords_outside_demo_mode
from klassa_app.demo import DEMO_USERS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def login(client, email: str, password: str):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_business_owner_logs_in_with_email_in_any_case(client, owner, password):
    response = login(client, owner.email.upper(), password)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_wrong_password_shows_the_form_again_without_saying_which_part_was_wrong(client, owner):
    response = login(client, owner.email, "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(
    client, owner, password, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(4):
        assert login(client, owner.email, "wrong").status_code == 200
    locked = login(client, owner.email, "wrong")
    assert locked.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in locked.templates]
    # Even the right password does not get in while locked.
    again = login(client, owner.email, password)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_of_one_account_does_not_lock_another(client, owner, lawyer, password, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(5):
        login(client, owner.email, "wrong")
    assert login(client, lawyer.email, password).status_code == 302


def test_password_reset_sends_a_link_by_email(client, owner):
    response = client.post(reverse("password_reset"), {"email": owner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_password_reset_for_an_unknown_address_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.se"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_invited_person_chooses_a_password_through_the_link(
    client, admin, utbildning, django_capture_on_commit_callbacks
):
    from klassa_app import services

    with django_capture_on_commit_callbacks(execute=True):
        services.do_invite_member(
            actor=admin,
            organisation=utbildning.organisation,
            email="ny@norrkoping.se",
            role="viewer",
            department=utbildning,
        )
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("127.0.0.1:8000", 1)[1].strip()
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    new_password = "ett-langt-nytt-losenord-42"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert login(client, "ny@norrkoping.se", new_password).status_code == 302


def test_demo_password_works_in_demo_mode(client, settings):
    settings.DEMO_MODE = True
    demo = DEMO_USERS[0]
    UserFactory(email=demo.email, password=demo.password)
    assert login(client, demo.email, demo.password).status_code == 302


def test_demo_password_is_refused_outside_demo_mode(client, settings):
    settings.DEMO_MODE = False
    demo = DEMO_USERS[0]
    UserFactory(email=demo.email, password=demo.password)
    assert login(client, demo.email, demo.password).status_code == 200
    # Any account, not only the demo ones, is refused a published password.
    other = UserFactory(password=DEMO_USERS[1].password)
    assert login(client, other.email, DEMO_USERS[1].password).status_code == 200


def test_production_start_up_refuses_a_demo_account_with_its_published_password(settings):
    settings.DEMO_MODE = False
    demo = DEMO_USERS[0]
    UserFactory(email=demo.email, password=demo.password)
    errors = no_demo_passwords_outside_demo_mode(databases=["default"])
    assert [e.id for e in errors] == ["klassa.E001"]
    with pytest.raises(SystemCheckError, match=r"klassa\.E001"):
        call_command("check", databases=["default"])


def test_start_up_check_passes_once_the_demo_password_is_changed(settings):
    settings.DEMO_MODE = False
    demo = DEMO_USERS[0]
    UserFactory(email=demo.email, password="a-private-password-123")
    assert no_demo_passwords_outside_demo_mode(databases=["default"]) == []


def test_logout_is_a_post_and_ends_the_session(as_user, owner):
    client = as_user(owner)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
