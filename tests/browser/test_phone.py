"""The site on a phone: nothing wider than the screen, and the menu opens."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, login, url
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

WIDE_PAGES = ["/", "/departments/", "/members/", "/members/invite/", "/departments/new/"]


def overflowing_elements(page) -> list[str]:
    """Elements whose right edge is beyond the viewport, for the failure message."""
    return page.evaluate(
        """(width) => Array.from(document.querySelectorAll('body *'))
            .filter((el) => el.getBoundingClientRect().right > width + 0.5)
            .filter((el) => !el.closest('.table-responsive'))
            .slice(0, 10)
            .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                 + (el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                 + ' right=' + Math.round(el.getBoundingClientRect().right))""",
        PHONE["width"],
    )


def test_pages_fit_a_phone_screen_without_sideways_scrolling(phone_page, live_server, org_admin):
    page = phone_page
    page.goto(url(live_server, "/accounts/login/"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    login(page, live_server, org_admin.email, PASSWORD)
    for path in WIDE_PAGES:
        response = page.goto(url(live_server, path))
        assert response is not None and response.ok, path
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= PHONE["width"], (
            f"{path} is {scroll_width}px wide: {overflowing_elements(page)}"
        )


def test_navbar_toggler_opens_the_menu_on_a_phone(phone_page, live_server, org_admin, tmp_path):
    page = phone_page
    login(page, live_server, org_admin.email, PASSWORD)
    assert page.url == url(live_server, "/")

    nav_links = page.locator("#main-nav a.nav-link")
    toggler = page.locator("button.navbar-toggler")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(nav_links.first).to_be_hidden()

    page.screenshot(path=tmp_path / "phone-home.png", full_page=True)

    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    for href in ("/", "/departments/", "/members/", "/audit/"):
        expect(page.locator(f"#main-nav a.nav-link[href='{href}']")).to_be_visible()
    # The open menu must not widen the page either.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=tmp_path / "phone-home-menu.png", full_page=True)

    with page.expect_navigation():
        page.locator("#main-nav a.nav-link[href='/departments/']").click()
    assert page.url == url(live_server, "/departments/")
    expect(page.locator("main table")).to_be_visible()
