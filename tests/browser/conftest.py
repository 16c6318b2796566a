"""Fixtures for the browser tests: Chromium through Playwright against a live server.

Run them with ``pytest -m browser tests/browser``. They use Debian's Chromium, never a
browser downloaded by Playwright.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from klassa_app.models import Role
from tests.factories import (
    PASSWORD,
    DepartmentFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}

# Records Content-Security-Policy violations in every page of a context, from the first
# script that runs, so the tests can read them with ``csp_violations(page)``.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push({
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
"""


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
    # the database queries the tests and fixtures make while it runs. Only for as long as
    # the browser lives, so that the rest of the suite keeps Django's check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _browser_settings(settings):
    # The lockout test counts on the documented default.
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_RESET_ON_SUCCESS = True


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="sv-SE")
    context.add_init_script(CSP_LISTENER)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def phone_context(browser):
    context = browser.new_context(
        locale="sv-SE", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    context.add_init_script(CSP_LISTENER)
    yield context
    context.close()


@pytest.fixture
def phone_page(phone_context):
    page = phone_context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def organisation(transactional_db):
    return OrganisationFactory(code="norrkoping", name="Norrköpings kommun")


@pytest.fixture
def departments(organisation):
    return [
        DepartmentFactory(organisation=organisation, code="UTB", name="Utbildningskontoret"),
        DepartmentFactory(
            organisation=organisation, code="KUF", name="Kultur- och fritidskontoret"
        ),
    ]


@pytest.fixture
def org_admin(organisation, departments):
    """An organisation admin of a municipality with two departments."""
    user = UserFactory(email="admin@norrkoping.se", full_name="Anna Admin")
    MembershipFactory(user=user, organisation=organisation, department=None, role=Role.ORG_ADMIN)
    return user


def url(live_server, path: str) -> str:
    return f"{live_server.url}{path}"


def login(page, live_server, email: str, password: str = PASSWORD):
    """Log in through the login form; returns the response of the form's POST."""
    page.goto(url(live_server, "/accounts/login/"))
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation() as navigation:
        page.click("form[action$='/accounts/login/'] button[type=submit]")
    return navigation.value


def csp_violations(page) -> list[dict]:
    return page.evaluate("window.__cspViolations || []")
