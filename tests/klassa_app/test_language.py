"""The language a person chooses is remembered on their account and used at the next login."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from klassa_app.models import Role, User
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db


def log_in(client: Client, user: User) -> None:
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_a_business_owner_who_chose_english_gets_english_at_the_next_login_elsewhere():
    owner = member(Role.BUSINESS_OWNER)
    first = Client()
    log_in(first, owner)
    first.post(reverse("set_language"), {"language": "en", "next": "/"})
    owner.refresh_from_db()
    assert owner.language == "en"
    first.post(reverse("logout"))
    # Another browser, without the language cookie.
    second = Client()
    log_in(second, owner)
    page = second.get(reverse("home")).content.decode()
    assert '<html lang="en">' in page


def test_switching_back_to_swedish_is_remembered_too():
    owner = member(Role.BUSINESS_OWNER, language="en")
    client = Client()
    log_in(client, owner)
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    owner.refresh_from_db()
    assert owner.language == "sv"
    assert '<html lang="sv">' in client.get(reverse("home")).content.decode()


def test_an_unsupported_language_is_not_stored():
    owner = member(Role.BUSINESS_OWNER)
    client = Client()
    log_in(client, owner)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    owner.refresh_from_db()
    assert owner.language == ""
    assert '<html lang="sv">' in client.get(reverse("home")).content.decode()


def test_choosing_a_language_before_logging_in_stores_nothing_and_still_works():
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get(reverse("login")).content.decode()
    assert not User.objects.exclude(language="").exists()
