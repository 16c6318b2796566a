"""Links in e-mails point where the development server really runs, and to
``KLASSA_BASE_URL`` whenever it is set."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from klassa_app import links
from klassa_app.models import Role
from klassa_app.tasks import invitation_link
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def forget_the_origin(monkeypatch):
    monkeypatch.setattr(links, "_last_origin", None)


def reach(host: str) -> None:
    links.remember_origin(RequestFactory().get("/", HTTP_HOST=host))


def invited_lawyer():
    lawyer = member(Role.LEGAL_REVIEWER)
    return lawyer.memberships.get()


def test_in_debug_without_a_base_url_an_invitation_follows_the_servers_port(settings):
    settings.DEBUG, settings.KLASSA_BASE_URL_EXPLICIT = True, False
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.KLASSA_BASE_URL = "http://127.0.0.1:8000"
    reach("localhost:8765")
    assert invitation_link(invited_lawyer()).startswith("http://localhost:8765/")


def test_an_explicit_base_url_is_always_kept(settings):
    settings.DEBUG, settings.KLASSA_BASE_URL_EXPLICIT = True, True
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.KLASSA_BASE_URL = "https://klassa.norrkoping.se"
    reach("localhost:8765")
    assert invitation_link(invited_lawyer()).startswith("https://klassa.norrkoping.se/")


def test_outside_debug_requests_never_change_the_links(settings):
    settings.DEBUG, settings.KLASSA_BASE_URL_EXPLICIT = False, False
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.KLASSA_BASE_URL = "https://klassa.example.se"
    reach("localhost:8765")
    assert links.base_url() == "https://klassa.example.se"


def test_a_host_that_is_not_allowed_is_not_remembered(settings):
    settings.DEBUG, settings.KLASSA_BASE_URL_EXPLICIT = True, False
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.KLASSA_BASE_URL = "http://127.0.0.1:8000"
    reach("evil.example:80")
    assert links.base_url() == "http://127.0.0.1:8000"
