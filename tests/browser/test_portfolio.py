"""The portfolio in Chromium: the admin opens the dashboard, goes to the priority page,
forces an initiative out with a reason, and sees the selection and the budget line change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments.models import Area
from portfolio.models import InitiativePriority, PortfolioSettings
from tests.browser.conftest import axe_violations, csp_violations, describe, login, url
from tests.helpers import make_initiative

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def portfolio(organisation, departments):
    education = Area.objects.create(organisation=organisation, name="Education")
    PortfolioSettings.objects.create(
        organisation=organisation, budget=Decimal(10_000_000), scenario="medium"
    )
    utb = departments[0]
    return {
        code: make_initiative(utb, code, area=education, internal=internal, cost=cost)
        for code, internal, cost in (
            ("EDU-A", 30_000_000, 4_000_000),
            ("EDU-B", 20_000_000, 5_000_000),
            ("EDU-C", 6_000_000, 3_000_000),
        )
    }


def _text(page, selector: str) -> str:
    return page.locator(selector).inner_text().replace("\u00a0", " ")


def test_admin_forces_an_initiative_out_and_sees_the_selection_change(
    page, live_server, org_admin, portfolio
):
    login(page, live_server, org_admin.email)
    page.goto(url(live_server, "/portfolio/"))
    assert page.locator("#portfolio-table #row-EDU-A").is_visible()
    assert "56 000 000 kr" in _text(page, "#portfolio-total")

    page.click("main a[href='/portfolio/priority/']")
    page.wait_for_url("**/portfolio/priority/")
    assert _text(page, "#optimal-codes") == "EDU-A, EDU-B"
    assert page.get_attribute("#line-EDU-A", "data-status") == "within_budget"
    assert page.get_attribute("#line-EDU-C", "data-status") == "over_budget"
    assert page.locator("#cutoff-row").count() == 1
    selected_columns = page.locator("svg.klassa-chart-budget-line g.column.selected").count()

    row = page.locator("#line-EDU-A")
    row.locator("details.force summary").click()
    page.select_option("#forced-EDU-A", "out")
    page.fill("#reason-EDU-A", "Waits for the new school platform")
    with page.expect_navigation():
        row.locator("button[type=submit]").click()

    assert page.get_attribute("#line-EDU-A", "data-status") == "forced_out"
    assert page.get_attribute("#line-EDU-C", "data-status") == "within_budget"
    assert _text(page, "#optimal-codes") == "EDU-B, EDU-C"
    assert page.locator("#cutoff-row").count() == 0
    # The budget line is drawn again: EDU-A's column is no longer filled as selected.
    assert page.locator("svg.klassa-chart-budget-line g.column.selected").count() == (
        selected_columns
    )
    titles = page.locator("svg.klassa-chart-budget-line g.column.selected > title")
    assert not any("EDU-A" in (t or "") for t in titles.all_text_contents())
    assert any("EDU-C" in (t or "") for t in titles.all_text_contents())
    priority = InitiativePriority.objects.get(initiative=portfolio["EDU-A"])
    assert (priority.forced, priority.forced_reason) == ("out", "Waits for the new school platform")
    assert csp_violations(page) == []
    report = describe({"priority": axe_violations(page)})
    assert not report, report


def test_dashboard_filters_without_a_reload_and_is_accessible(
    page, live_server, org_admin, departments, portfolio
):
    login(page, live_server, org_admin.email)
    page.goto(url(live_server, "/portfolio/"))
    report = describe({"dashboard": axe_violations(page)})
    assert not report, report
    with page.expect_response(lambda r: "/portfolio/?" in r.url):
        page.select_option("#id_status", "blocked")
    page.wait_for_selector("#portfolio-body:not(:has(#row-EDU-A))")
    assert page.locator("#row-EDU-B").count() == 0
    assert "status=blocked" in page.url
    assert csp_violations(page) == []


def test_portfolio_pages_fit_a_phone_and_tables_scroll_instead_of_breaking_words(
    phone_page, live_server, org_admin, portfolio
):
    from tests.browser.conftest import PHONE, overflowing_elements

    page = phone_page
    login(page, live_server, org_admin.email)
    for path in ("/portfolio/", "/portfolio/priority/", "/portfolio/scenarios/"):
        response = page.goto(url(live_server, path))
        assert response is not None and response.ok, path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide: {overflowing_elements(page)}"
        # Codes and amounts stay on one line: a table row is not one letter per line.
        lines = page.evaluate(
            """Array.from(document.querySelectorAll('.table .text-nowrap')).map((el) => {
                const range = document.createRange();
                range.selectNodeContents(el);
                const tops = Array.from(range.getClientRects()).map((r) => Math.round(r.top));
                return [new Set(tops).size, el.textContent.trim()];
            })"""
        )
        broken = [text for count, text in lines if count > 1]
        assert lines or path == "/portfolio/scenarios/", path
        assert not broken, (path, broken[:5])
    page.goto(url(live_server, "/portfolio/priority/"))
    assert page.evaluate("document.documentElement.scrollHeight") < 12_000


def test_portfolio_table_fits_a_laptop_with_readiness_as_a_compact_badge(
    browser, live_server, org_admin, organisation, departments, portfolio
):
    # A blocked initiative with a long name: its readiness details fold away.
    make_initiative(
        departments[0],
        "EDU-LONG",
        area=Area.objects.get(organisation=organisation, name="Education"),
        internal=2_000_000,
        cost=1_000_000,
        ready=False,
    ).__class__.objects.filter(code="EDU-LONG").update(
        name="Less administration for teachers and school leaders in every municipal school"
    )
    context = browser.new_context(locale="sv-SE", viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        login(page, live_server, org_admin.email)
        page.goto(url(live_server, "/portfolio/"))
        table = page.locator("#portfolio-table")
        sizes = table.evaluate(
            "(t) => [t.scrollWidth, t.parentElement.clientWidth, "
            "document.querySelector('#row-EDU-LONG .readiness-details')"
            ".getBoundingClientRect().bottom - "
            "document.querySelector('#row-EDU-LONG .badge').getBoundingClientRect().top]"
        )
        table_width, container_width, readiness_height = sizes
        assert table_width <= container_width, sizes
        # One badge and a closed details line, not a list of blockers squeezed in a column.
        assert readiness_height < 70, sizes
        badge = page.locator("#row-EDU-LONG .badge.text-bg-warning").inner_text()
        assert badge.startswith("1 "), badge  # the number of blockers
        assert not page.locator("#row-EDU-LONG .readiness-details ul").is_visible()
        assert not page.locator("#row-EDU-LONG details.readiness-details").get_attribute("open")
    finally:
        context.close()
