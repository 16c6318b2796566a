"""The main path through the site in a real browser: log in, read, switch language."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import login, url
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise warns that STATIC_ROOT is absent; the live server serves static files
    # itself, through django.contrib.staticfiles.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_org_admin_logs_in_switches_to_english_and_opens_departments(
    page, live_server, org_admin, departments
):
    response = page.goto(url(live_server, "/"))

    # Anonymous visitors land on the login form, in Swedish.
    assert response is not None and response.ok
    assert re.search(r"/accounts/login/\?next=/$", page.url), page.url
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("input[name=username]")).to_be_visible()
    expect(page.locator("input[name=password]")).to_have_attribute("type", "password")

    # The vendored assets load: Bootstrap styles the page and both scripts run.
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("typeof window.bootstrap") == "object"
    navbar_display = page.evaluate("getComputedStyle(document.querySelector('.navbar')).display")
    assert navbar_display == "flex", "bootstrap.min.css did not style the navbar"
    button_colour = page.evaluate(
        "getComputedStyle(document.querySelector('.btn-primary')).backgroundColor"
    )
    assert button_colour not in ("", "rgba(0, 0, 0, 0)", "rgb(239, 239, 239)")

    response = login(page, live_server, org_admin.email, PASSWORD)

    # "My departments" lists both departments of the organisation.
    assert response is not None and response.ok
    assert page.url == url(live_server, "/")
    main = page.locator("main")
    for department in departments:
        expect(main.get_by_role("link", name=department.name)).to_be_visible()
    expect(main.get_by_text("Norrköpings kommun")).to_be_visible()

    # The footer switches the interface to English and stays on the same page.
    with page.expect_navigation():
        page.click("footer button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url == url(live_server, "/")
    expect(page.locator("footer button[name=language][value=en]")).to_have_attribute(
        "aria-pressed", "true"
    )

    # The navigation leads to the departments table.
    nav = page.get_by_role("navigation")
    with page.expect_navigation():
        nav.locator("a.nav-link[href='/departments/']").click()
    assert page.url == url(live_server, "/departments/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(nav.locator("a.nav-link[href='/departments/']")).to_have_attribute(
        "aria-current", "page"
    )
    table = page.locator("main table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(2)
    for department in departments:
        expect(table.get_by_role("link", name=department.name)).to_be_visible()
        expect(table.get_by_role("cell", name=department.code, exact=True)).to_be_visible()


def test_sixth_login_attempt_after_five_wrong_passwords_is_locked_out(page, live_server, org_admin):
    for attempt in range(1, 5):
        response = login(page, live_server, org_admin.email, f"wrong-password-{attempt}")
        assert response is not None and response.status == 200, attempt
        expect(page.locator("input[name=password]")).to_be_visible()
        expect(page.locator("form .alert-danger, form .invalid-feedback").first).to_be_visible()

    # The fifth wrong password reaches the limit.
    login(page, live_server, org_admin.email, "wrong-password-5")

    # Even the right password is now refused, with the lockout page and no form.
    # django-axes 8 answers 429 Too Many Requests (older versions and
    # AXES_HTTP_RESPONSE_CODE=403 give 403).
    response = login(page, live_server, org_admin.email, PASSWORD)
    assert response is not None and response.status in (403, 429), response.status
    assert page.url.endswith("/accounts/login/")
    expect(page.locator("main .alert-danger[role=alert]")).to_be_visible()
    expect(page.locator("input[name=password]")).to_have_count(0)
    expect(page.locator(f"main a[href='{reverse('password_reset')}']")).to_be_visible()
    # Still anonymous: the navigation menu of signed-in users is not there.
    expect(page.locator("#main-nav")).to_have_count(0)
    # The page keeps the site's look (lang attribute, stylesheet).
    expect(page.locator("html")).to_have_attribute("lang", "sv")
