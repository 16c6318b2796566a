"""axe-core finds no critical or serious accessibility problems on the main pages."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, describe, login, url
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SIGNED_IN_PAGES = [
    "/",
    "/departments/",
    "/members/",
    "/members/invite/",
    "/departments/new/",
    "/assets/",
    "/assets/new/",
    "/initiatives/",
    "/initiatives/new/",
    "/classification/",
    "/reviews/overdue/",
]


def visit_main_pages(page, live_server, user, department):
    """Yield (name, page) for the login page and the main signed-in pages."""
    page.goto(url(live_server, "/accounts/login/"))
    yield "/accounts/login/"

    login(page, live_server, user.email, PASSWORD)
    for path in [*SIGNED_IN_PAGES, f"/departments/{department.pk}/"]:
        response = page.goto(url(live_server, path))
        assert response is not None and response.ok, path
        yield path

    # A form that failed validation: its errors must be accessible too.
    page.goto(url(live_server, "/members/invite/"))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("main .invalid-feedback").count() > 0
    yield "/members/invite/ (with errors)"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_main_pages_have_no_serious_accessibility_violations(
    page, live_server, org_admin, departments, language
):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    found = {}
    for name in visit_main_pages(page, live_server, org_admin, departments[0]):
        assert page.locator("html").get_attribute("lang") == language, name
        found[name] = axe_violations(page)

    report = describe(found)
    assert not report, f"axe found serious accessibility violations:\n{report}"


def test_navbar_text_has_enough_contrast_on_the_brand_colour(page, live_server, org_admin):
    """The dark navbar's dimmed link colour was once below WCAG 1.4.3's 4.5:1."""
    login(page, live_server, org_admin.email, PASSWORD)
    violations = [v for v in axe_violations(page) if v["id"] == "color-contrast"]
    assert not violations, describe({"/": violations})
