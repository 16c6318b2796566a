"""404, 403, 500 and CSRF failure answer with Klassa's own pages, in Swedish or English,
never Django's debug page (DEBUG is off, as in production)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse
from django.utils import translation

from tests.conftest import logged_in

TEXTS = {
    404: {"sv": "Sidan hittades inte", "en": "Page not found"},
    403: {"sv": "Inte tillåtet", "en": "Not allowed"},
    500: {"sv": "Något gick fel", "en": "Something went wrong"},
    "csrf": {"sv": "Formuläret har gått ut", "en": "The form has expired"},
}
DEBUG_MARKERS = ("Traceback", "technical_500", "You're seeing this error because", "DEBUG = True")


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False


def _in(client: Client, language: str) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _assert_own_page(response, status: int, text: str, language: str) -> None:
    body = response.content.decode()
    assert response.status_code == status
    assert text in body
    assert f'<html lang="{language}">' in body
    assert "Klassa" in body
    for marker in DEBUG_MARKERS:
        assert marker not in body


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_unknown_address_gives_the_404_page_to_an_outsider_and_a_member(language, owner):
    for client in (Client(), logged_in(owner)):
        response = _in(client, language).get("/finns-inte/")
        _assert_own_page(response, 404, TEXTS[404][language], language)
        assert "404.html" in [t.name for t in response.templates]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_business_owner_on_the_members_page_gets_the_403_page(language, owner):
    response = _in(logged_in(owner), language).get(reverse("member_list"))
    _assert_own_page(response, 403, TEXTS[403][language], language)
    assert "403.html" in [t.name for t in response.templates]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_failing_view_gives_the_500_page(language, settings):
    settings.ROOT_URLCONF = "tests.klassa_app.error_urls"
    client = _in(Client(raise_request_exception=False), language)
    response = client.get("/test-boom/")
    _assert_own_page(response, 500, TEXTS[500][language], language)
    assert "a bug" not in response.content.decode()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_500_handler_renders_without_database_or_request_context(language):
    # No django_db mark: any query would fail the test. The handler is the one the URL
    # configuration names, rendered the way Django renders it after an error.
    handler = get_resolver().resolve_error_handler(500)
    request = RequestFactory().get("/")
    with translation.override(language):
        response = handler(request)
    _assert_own_page(response, 500, TEXTS[500][language], language)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_login_post_without_a_token_gets_the_csrf_page(language, owner, password):
    client = _in(Client(enforce_csrf_checks=True), language)
    response = client.post(reverse("login"), {"username": owner.email, "password": password})
    _assert_own_page(response, 403, TEXTS["csrf"][language], language)
    assert "csrf_failure.html" in [t.name for t in response.templates]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_member_post_without_a_token_gets_the_csrf_page_and_changes_nothing(
    language, admin, utbildning
):
    from klassa_app.models import Department

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin, backend="klassa_app.auth_backends.KlassaModelBackend")
    response = _in(client, language).post(
        reverse("department_create"), {"code": "NY", "name": "Ny", "kind": "administration"}
    )
    _assert_own_page(response, 403, TEXTS["csrf"][language], language)
    assert not Department.objects.filter(code="NY").exists()
    # The page itself carries a fresh token, so the next try can succeed.
    assert django_settings.CSRF_COOKIE_NAME in response.cookies
