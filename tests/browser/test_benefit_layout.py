"""The benefit model page on a laptop (1366 px): the results flow with the page (no panel
that scrolls on its own), the scenario table fits its column and the tornado's text is
readable, with a word where an input cannot move."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CSP_LISTENER, SMALLEST_CHART_TEXT, login, url
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def laptop_page(browser):
    context = browser.new_context(locale="sv-SE", viewport={"width": 1366, "height": 900})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_results_beside_the_editor_scroll_with_the_page_and_fit_their_column(
    laptop_page,
    live_server,
    org_admin,
    tracked_initiative,
):
    page = laptop_page
    login(page, live_server, org_admin.email, PASSWORD)
    page.goto(url(live_server, f"/initiatives/{tracked_initiative.pk}/benefits/"))
    panel = page.locator(".results-panel")
    assert panel.evaluate("el => getComputedStyle(el).position") == "static"
    assert panel.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
    # The three scenarios, "Hög" included, without sideways scrolling.
    box = page.locator(".table-responsive:has(#scenario-table)")
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    high = page.locator("#scenario-table thead th").last
    assert high.inner_text() == "Hög"
    assert high.evaluate(
        """el => el.getBoundingClientRect().right
                 <= el.closest('.table-responsive').getBoundingClientRect().right + 0.5"""
    )


def test_tornado_text_is_at_least_12_px_and_unambiguous_at_1366(
    laptop_page,
    live_server,
    org_admin,
    tracked_initiative,
):
    page = laptop_page
    login(page, live_server, org_admin.email, PASSWORD)
    page.goto(url(live_server, f"/initiatives/{tracked_initiative.pk}/benefits/"))
    assert page.evaluate(SMALLEST_CHART_TEXT, "#tornado-chart") >= 12
    labels = page.locator("#tornado-chart text.label").evaluate_all(
        "els => els.map((el) => el.textContent)"
    )
    assert len(labels) == len(set(labels))  # no two rows read the same
    assert all(label[0].isdigit() for label in labels if "—" in label)  # levers numbered
    # The deck's share brought home is at 100 %: it cannot rise, and the chart says so.
    assert page.locator("#tornado-chart text.unchanged").count() >= 1
    expect(page.locator("#tornado-gaps")).to_be_visible()
    assert "100 %" in page.locator("#tornado-gaps").inner_text()
