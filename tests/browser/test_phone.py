"""The site on a phone: nothing wider than the screen, and the menu opens."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from benefits import tracking
from tests.browser.conftest import (
    CSP_LISTENER,
    PHONE,
    SMALLEST_CHART_TEXT,
    login,
    overflowing_elements,
    url,
)
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

WIDE_PAGES = ["/", "/departments/", "/members/", "/members/invite/", "/departments/new/"]


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
    for href in ("/", "/departments/"):
        expect(page.locator(f"#main-nav a.nav-link[href='{href}']")).to_be_visible()
    # Members and the audit trail are grouped under Administration; the group opens inline.
    expect(page.locator("#main-nav a.dropdown-item[href='/audit/']")).to_be_hidden()
    page.locator("#nav-administration").click()
    for href in ("/members/", "/audit/"):
        expect(page.locator(f"#main-nav a.dropdown-item[href='{href}']")).to_be_visible()
    # The open menu must not widen the page either.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=tmp_path / "phone-home-menu.png", full_page=True)

    with page.expect_navigation():
        page.locator("#main-nav a.nav-link[href='/departments/']").click()
    assert page.url == url(live_server, "/departments/")
    expect(page.locator("main table")).to_be_visible()


@pytest.mark.parametrize("width", [1366, 1200, 390])
def test_the_admins_pages_fit_the_screen_with_the_user_menu_visible(
    browser, live_server, org_admin, tracked_initiative, width
):
    phone = width == PHONE["width"]
    context = browser.new_context(
        locale="sv-SE", viewport={"width": width, "height": 900}, is_mobile=phone
    )
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, live_server, org_admin.email, PASSWORD)
        pk = tracked_initiative.pk
        for path in ("/", f"/initiatives/{pk}/benefits/", f"/initiatives/{pk}/benefits/tracking/"):
            response = page.goto(url(live_server, path))
            assert response is not None and response.ok, path
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, (
                f"{path} is {scroll_width}px wide at {width}px: {overflowing_elements(page, width)}"
            )
            # A table that scrolls sideways is a focusable region (tables.js), for keyboards.
            unreachable = page.evaluate(
                """Array.from(document.querySelectorAll('.table-responsive'))
                    .filter((el) => el.scrollWidth > el.clientWidth + 1)
                    .filter((el) => el.getAttribute('tabindex') !== '0'
                                    || el.getAttribute('role') !== 'region').length"""
            )
            assert unreachable == 0, path
            user_menu = page.locator("#main-nav .dropdown-toggle", has_text=org_admin.full_name)
            if phone:
                expect(page.locator("button.navbar-toggler")).to_be_visible()
            else:
                # The bar does not collapse from 1200 px, and nothing of it is off-screen.
                expect(page.locator("button.navbar-toggler")).to_be_hidden()
                expect(user_menu).to_be_visible()
                box = user_menu.bounding_box()
                assert box is not None and box["x"] + box["width"] <= width, path
                assert page.locator("nav.navbar").bounding_box()["height"] < 80, path

        # The whole amount is readable in its input, and the year is not split.
        year = timezone.localdate().year
        target = page.locator(f"input[name='lever0-target_{year}']")
        expect(target).to_have_value("2 051 895,93")
        assert target.evaluate("el => el.scrollWidth <= el.clientWidth")
        year_cell = page.locator("main table th[scope=row]", has_text=str(year)).first
        # The year itself (the cell's first text; on a phone its status follows below) is
        # on one line.
        year_lines = year_cell.evaluate(
            """el => { const r = document.createRange(); r.selectNodeContents(el.firstChild);
                       return [el.firstChild.textContent, r.getClientRects().length]; }"""
        )
        assert year_lines == [str(year), 1]
    finally:
        context.close()


# Reads, per selector, whether the first match is fully inside the viewport horizontally.
ON_SCREEN = """(selector) => {
    const el = document.querySelector(selector);
    if (!el) return null;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.left >= 0 && box.right <= window.innerWidth + 0.5;
}"""


@pytest.fixture
def behind_lever(org_admin, tracked_initiative):
    """A second tracked lever of EDU-A at half its target: listed as behind."""
    model = tracked_initiative.benefit_model
    year = timezone.localdate().year
    lever = tracking.do_save_tracking(
        actor=org_admin,
        model=model,
        lever_name=model.document["levers"][1]["name"],
        owner=None,
        indicator="Time freed for teachers",
        unit="kr",
        start_year=year,
    )
    tracking.do_save_years(
        actor=org_admin,
        tracking=lever,
        values={year: tracking.YearValues(Decimal("1000000"), Decimal("500000"))},
    )
    return lever


def test_key_columns_are_on_a_phone_screen_and_codes_stay_whole(
    phone_page, live_server, org_admin, tracked_initiative, behind_lever
):
    page = phone_page
    login(page, live_server, org_admin.email, PASSWORD)
    pk = tracked_initiative.pk

    page.goto(url(live_server, "/initiatives/"))
    # The four aspects and the classification status are visible without scrolling.
    for column in (5, 6, 7, 8):
        assert page.evaluate(ON_SCREEN, f"main table thead th:nth-child({column})"), column
    # The classification status is under the name on a phone.
    status = page.locator("main table tbody td:nth-child(2) .d-md-none .badge").first
    expect(status).to_be_visible()
    assert status.evaluate("el => el.getBoundingClientRect().right") <= PHONE["width"]
    code = page.locator("main table tbody td a", has_text="EDU-A")
    assert code.evaluate("el => el.getClientRects().length") == 1  # not "EDU-" / "A"
    expect(page.locator("main table tbody td .d-md-none").first).to_have_text("Utbildningskontoret")

    page.goto(url(live_server, f"/initiatives/{pk}/"))
    headers = page.locator("main table").first.locator("thead th")
    final = headers.filter(has_text="Slutlig")
    assert final.evaluate("el => el.getBoundingClientRect().right") <= PHONE["width"]
    expect(headers.filter(has_text="Justering")).to_be_hidden()

    page.goto(url(live_server, f"/initiatives/{pk}/benefits/tracking/"))
    status = page.locator("main table th[scope=row] .badge").first
    expect(status).to_be_visible()
    assert status.evaluate("el => el.getBoundingClientRect().right") <= PHONE["width"]

    page.goto(url(live_server, "/benefits/behind/"))
    row = page.locator("main table tbody tr", has_text="EDU-A").first
    expect(row).to_be_visible()
    for cell in (row.locator("td").nth(4), row.locator("td").nth(5)):  # realisation, status
        expect(cell).to_be_visible()
        assert cell.evaluate("el => el.getBoundingClientRect().right") <= PHONE["width"] + 0.5


def test_a_table_that_still_scrolls_on_a_phone_says_so(
    phone_page, live_server, org_admin, tracked_initiative
):
    page = phone_page
    login(page, live_server, org_admin.email, PASSWORD)
    page.goto(url(live_server, f"/initiatives/{tracked_initiative.pk}/benefits/"))
    boxes = page.locator(".table-responsive")
    scrolling = [
        i
        for i in range(boxes.count())
        if boxes.nth(i).is_visible()
        and boxes.nth(i).evaluate("el => el.scrollWidth > el.clientWidth + 1")
    ]
    assert scrolling, "the benefit page has a wide table on a phone"
    for i in scrolling:
        hint = boxes.nth(i).locator("xpath=preceding-sibling::*[1]")
        expect(hint).to_have_class(re.compile(r"\bscroll-hint\b"))
        expect(hint).to_be_visible()
        expect(hint).to_have_text(page.evaluate("document.body.dataset.scrollHint"))
    # Tables that fit get no hint.
    assert page.locator(".scroll-hint:visible").count() == len(scrolling)


def test_benefit_page_on_a_phone_has_readable_charts_and_whole_titles(
    phone_page, live_server, org_admin, tracked_initiative
):
    page = phone_page
    login(page, live_server, org_admin.email, PASSWORD)
    page.goto(url(live_server, f"/initiatives/{tracked_initiative.pk}/benefits/"))
    assert page.evaluate(SMALLEST_CHART_TEXT, "#tornado-chart") >= 12
    # A lever's title with a long name wraps inside its box.
    for legend in page.locator("fieldset.lever > legend").all():
        inside = legend.evaluate(
            """el => el.getBoundingClientRect().right
                     <= el.parentElement.getBoundingClientRect().right + 0.5"""
        )
        assert inside, legend.inner_text()
    # The switching values' description is a paragraph on the page, not cut by the scroll box.
    description = page.locator("#switching-values-caption")
    assert description.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    assert description.evaluate("el => el.getBoundingClientRect().right") <= PHONE["width"]


def test_tracking_targets_and_actuals_fit_a_phone_without_scrolling(
    phone_page, live_server, org_admin, tracked_initiative
):
    page = phone_page
    login(page, live_server, org_admin.email, PASSWORD)
    page.goto(url(live_server, f"/initiatives/{tracked_initiative.pk}/benefits/tracking/"))
    box = page.locator(".table-responsive:has(input[name^='lever0-actual'])")
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    year = timezone.localdate().year
    for name in (f"lever0-target_{year}", f"lever0-actual_{year}"):
        field = page.locator(f"input[name='{name}']")
        assert field.evaluate("el => el.scrollWidth <= el.clientWidth")  # the whole amount
