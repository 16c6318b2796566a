"""Five wrong passwords lock one account, whatever the spelling of its e-mail address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.urls import reverse

from klassa_app.auth_backends import axes_username, normalise_email

pytestmark = pytest.mark.django_db


def login(client, email: str, password: str):
    return client.post(reverse("login"), {"username": email, "password": password})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def economist(utbildning):
    from klassa_app.models import Role
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(email="ekonom@norrkoping.se")
    MembershipFactory(
        user=user, organisation=utbildning.organisation, department=utbildning, role=Role.ECONOMIST
    )
    return user


@pytest.fixture(autouse=True)
def _five_tries(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 0.25  # hours


def test_normalised_address_is_trimmed_and_lower_case():
    assert normalise_email("  EKONOM@Norrkoping.SE \n") == "ekonom@norrkoping.se"
    assert normalise_email(None) == ""
    assert axes_username(None, {"username": " Ekonom@X.se"}) == "ekonom@x.se"
    assert axes_username(None, {"password": "x"}) is None


def test_five_wrong_guesses_in_lower_case_lock_every_spelling(client, economist, password):
    for _ in range(5):
        login(client, "ekonom@norrkoping.se", "fel-losenord")
    for spelling in ("Ekonom@norrkoping.se", "EKONOM@NORRKOPING.SE", " ekonom@norrkoping.se "):
        response = login(client, spelling, "fel-losenord")
        assert response.status_code == 429, spelling
    # One account, one counter.
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"ekonom@norrkoping.se"}


def test_correct_password_in_another_case_does_not_log_in_while_locked(client, economist, password):
    for _ in range(5):
        login(client, "ekonom@norrkoping.se", "fel-losenord")
    for spelling in ("Ekonom@norrkoping.se", "EKONOM@norrkoping.se"):
        response = login(client, spelling, password)
        assert response.status_code == 429
        assert not logged_in(client)


def test_guesses_spread_over_spellings_count_together(client, economist, password):
    spellings = ["ekonom@norrkoping.se", "Ekonom@norrkoping.se", "EKONOM@norrkoping.se"]
    for i in range(4):
        assert login(client, spellings[i % 3], "fel-losenord").status_code == 200
    assert login(client, "eKoNoM@norrkoping.se", "fel-losenord").status_code == 429
    assert login(client, "ekonom@norrkoping.se", password).status_code == 429


def test_after_the_cool_off_the_correct_password_logs_in_under_any_case(
    client, economist, password
):
    for _ in range(5):
        login(client, "EKONOM@norrkoping.se", "fel-losenord")
    assert login(client, "ekonom@norrkoping.se", password).status_code == 429
    # Fifteen minutes and a second pass.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=15, seconds=1))
    response = login(client, "Ekonom@Norrkoping.se", password)
    assert response.status_code == 302
    assert logged_in(client)
    # A success clears the counter of the one account.
    assert not AccessAttempt.objects.exists()


def test_login_ignores_surrounding_spaces_and_case(client, economist, password):
    assert login(client, "  EKONOM@norrkoping.SE  ", password).status_code == 302
    assert logged_in(client)
