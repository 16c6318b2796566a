"""The strict Content-Security-Policy holds: no page needs an inline script or style."""

from __future__ import annotations

import pytest

from tests.browser.conftest import csp_violations, login, url
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PAGES = [
    "/",
    "/departments/",
    "/departments/new/",
    "/members/",
    "/members/invite/",
    "/audit/",
    "/accounts/password_change/",
]


def test_pages_cause_no_content_security_policy_violations(
    page, live_server, org_admin, departments
):
    console: list[str] = []
    page.on(
        "console",
        lambda message: console.append(
            f"{message.type}: {message.text} ({message.location.get('url')})"
        ),
    )
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    failed: list[str] = []
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    violations: dict[str, list[dict]] = {}

    def check(name: str) -> None:
        # Let deferred scripts (Bootstrap, htmx) run before reading the violations.
        page.wait_for_load_state("load")
        if found := csp_violations(page):
            violations[name] = found

    response = page.goto(url(live_server, "/accounts/login/"))
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    check("/accounts/login/")

    login(page, live_server, org_admin.email, PASSWORD)
    check("after login")

    department = departments[0]
    for path in [*PAGES, f"/departments/{department.pk}/", f"/departments/{department.pk}/edit/"]:
        response = page.goto(url(live_server, path))
        assert response is not None and response.ok, path
        check(path)

    # Interactive parts that Bootstrap drives: the user menu and the language switch.
    page.click("nav .dropdown-toggle")
    page.wait_for_selector("nav .dropdown-menu.show")
    check("user menu open")
    with page.expect_navigation():
        page.click("footer button[name=language][value=en]")
    check("after switching to English")

    csp_console = [m for m in console if "Content Security Policy" in m]
    assert not violations, f"CSP violations: {violations}"
    assert not csp_console, "\n".join(csp_console)
    errors = [m for m in console if m.startswith(("error", "pageerror"))]
    assert not errors, "\n".join([*errors, *failed])


def test_csp_listener_reports_a_blocked_inline_script(page, live_server, org_admin):
    """Guards the test above against passing because the listener never fires."""
    login(page, live_server, org_admin.email, PASSWORD)
    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.__inlineRan = true;';
            document.body.appendChild(script);
        }"""
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__inlineRan") is None
    assert csp_violations(page)[0]["directive"].startswith("script-src")
