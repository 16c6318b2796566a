"""Every URL but a short public list requires login — found by walking the URL resolver,
so a new view that forgets it fails here."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from tests.klassa_app.helpers import concrete_url, walk_urls

pytestmark = pytest.mark.django_db

# Reachable without logging in, and why.
PUBLIC = {
    "login",  # the way in
    "logout",  # harmless when not logged in
    "password_reset",  # forgotten password
    "password_reset_done",
    "password_reset_confirm",  # invitation and reset links
    "password_reset_complete",
    "set_language",  # choose the language on the login page
    "healthz",  # container health checks
    "session_guest",  # an external guest's signed, time-limited link to one session
    "admin:login",  # the technical admin's own login
    "oidc_start",  # a login page's "Log in with …" button
    "oidc_callback",  # the identity provider sends the browser back here
    "api-v1:openapi-json",  # the API's OpenAPI document (no data)
    "api-v1:openapi-view",  # its interactive documentation
}
# The REST API authenticates each call itself (a token or the session): an anonymous call
# gets a JSON refusal, never the login page, and never data.
API = "api-v1:"


def all_urls() -> list[tuple[str, str]]:
    found = []
    for name, route in walk_urls(get_resolver().url_patterns):
        url = concrete_url(route)
        if url is not None:
            found.append((name or route, url))
    return found


def test_the_walk_finds_the_application_urls():
    names = {name for name, _ in all_urls()}
    assert {"home", "department_detail", "member_edit", "audit_log", "admin:index"} <= names


@pytest.mark.parametrize(("name", "url"), all_urls(), ids=lambda v: str(v))
def test_anonymous_visitor_is_sent_to_login(client, name, url):
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if name in PUBLIC:
            assert response.status_code != 500
            continue
        if name.startswith(API):
            # 404: the placeholder is no id; 405: a method the endpoint does not answer.
            assert response.status_code in {401, 404, 405}, (
                f"{method.upper()} {url} answered {response.status_code}"
            )
            if response.status_code == 401:
                assert response.json()["detail"]
            continue
        assert response.status_code == 302, (
            f"{method.upper()} {url} answered {response.status_code}"
        )
        assert "/login/" in response.url, f"{method.upper()} {url} redirected to {response.url}"


def test_public_list_is_exactly_what_the_application_leaves_open(client):
    """A view marked login_not_required that is not on the list above fails here."""
    open_names = set()
    for name, url in all_urls():
        response = client.get(url)
        if not (response.status_code == 302 and "/login/" in response.url):
            if name.startswith(API) and response.status_code in {401, 404, 405}:
                continue  # refused by the API's own authentication
            open_names.add(name)
    assert open_names <= PUBLIC, f"open without login: {sorted(open_names - PUBLIC)}"
