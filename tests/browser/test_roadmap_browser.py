"""The roadmap page in a browser at a phone's width: an admin changes a year's frame in the
what-if, submits, and sees the new plan; the page passes axe, fits the phone and keeps the
Content-Security-Policy, before and after."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interchange import register
from klassa_app.models import Role
from portfolio import selectors
from portfolio.models import PortfolioSettings
from tests.browser.conftest import (
    PHONE,
    axe_violations,
    csp_violations,
    describe,
    login,
    overflowing_elements,
    url,
)
from tests.factories import MembershipFactory, UserFactory
from tests.portfolio.test_roadmap_inputs import platform_document

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
    pytest.mark.usefixtures("_media_in_tmp"),
]


@pytest.fixture
def platforms(organisation, departments):
    officer = UserFactory(email="sakerhet@norrkoping.se", full_name="Sara Säkerhet")
    MembershipFactory(user=officer, organisation=organisation, role=Role.SECURITY_OFFICER)
    register.import_document(platform_document(), actor=officer)
    return organisation


def _problems(page) -> dict[str, object]:
    wide = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    return {
        "axe": describe({"roadmap": axe_violations(page)}),
        "overflow": overflowing_elements(page, PHONE["width"]) if wide else [],
        "csp": csp_violations(page),
    }


def _start(page, code: str) -> str | None:
    row = page.locator(f"#plan-{code}")
    return row.get_attribute("data-start") if row.count() else None


def test_a_what_if_frame_gives_a_new_plan_on_a_phone(phone_page, live_server, org_admin, platforms):
    frames = selectors.plan_budgets(PortfolioSettings.objects.get(organisation=platforms))
    login(phone_page, live_server, org_admin.email)
    response = phone_page.goto(url(live_server, reverse("portfolio_roadmap")))
    assert response is not None and response.status == 200
    assert phone_page.locator("svg.klassa-chart-timeline").count() == 1
    assert _start(phone_page, "PLAT-SENSOR") == "2027"
    assert _problems(phone_page) == {"axe": "", "overflow": [], "csp": []}

    phone_page.click("#what-if summary")
    phone_page.fill("#id_frame_2027", "0")
    with phone_page.expect_navigation():
        phone_page.click("#what-if-submit")
    assert phone_page.locator("#what-if-note").is_visible()
    assert _start(phone_page, "PLAT-SENSOR") != "2027"
    assert phone_page.input_value("#id_frame_2027") == "0"
    assert _problems(phone_page) == {"axe": "", "overflow": [], "csp": []}
    # A what-if changes nothing stored.
    assert selectors.plan_budgets(PortfolioSettings.objects.get(organisation=platforms)) == frames
