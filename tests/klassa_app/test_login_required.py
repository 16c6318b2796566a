"""Every URL but a short public list requires login — found by walking the URL resolver,
so a new view that forgets it fails here."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

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
    "admin:login",  # the technical admin's own login
}

SAMPLES = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "x",
}


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if namespace and p.namespace:
                ns = f"{namespace}:{p.namespace}"
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern)


def _concrete(route: str) -> str | None:
    """A URL that matches the route, with sample values for its parameters."""
    if route.startswith("^") or "(?P" in route:  # a regex route (admin's catch-alls)
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", "1", route).lstrip("^").rstrip("$")
        route = route.replace("\\", "")
        if any(c in route for c in "()[]*+?"):
            return None
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), route)
    return "/" + route


def all_urls() -> list[tuple[str, str]]:
    found = []
    for name, route in _walk(get_resolver().url_patterns):
        url = _concrete(route)
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
            open_names.add(name)
    assert open_names <= PUBLIC, f"open without login: {sorted(open_names - PUBLIC)}"
