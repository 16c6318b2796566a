"""A business owner edits the Fyrbodal Personal dashboard's benefit model in Chromium: the
scenario numbers, the investment room and the chart follow the typing without a page load,
and the saved page shows the same figures."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import translation

from assessments import services as assessment_services
from benefits import calculation, defaults, services
from benefits import document as benefit_document
from benefits.models import BenefitModel
from klassa_app.models import Role
from klassa_app.templatetags.klassa_format import money
from tests.browser.conftest import csp_violations, login, url
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def business_owner(organisation, departments):
    user = UserFactory(email="agare@norrkoping.se", full_name="Viktor Verksamhet")
    MembershipFactory(
        user=user, organisation=organisation, department=departments[0], role=Role.BUSINESS_OWNER
    )
    return user


def expected_after(document: dict, rate_after: str) -> calculation.Evaluation:
    changed = json.loads(json.dumps(document, default=str))
    changed["levers"][1]["rate_after"] = rate_after
    return calculation.evaluate(benefit_document.parse(changed))


def shown(texts: list[str]) -> list[str]:
    return [t.replace("\u00a0", " ").strip() for t in texts]


def swedish_money(value: Decimal) -> str:
    with translation.override("sv"):
        return money(value).replace("\u00a0", " ")


def test_the_owner_changes_a_lever_and_sees_numbers_and_chart_follow(
    page, live_server, org_admin, departments, business_owner
):
    initiative = assessment_services.do_create_initiative(
        actor=org_admin, department=departments[0], code="FYR-EDU-A", name="Personal dashboard"
    )
    document = defaults.load(defaults.FYRBODAL_PERSONAL_DASHBOARD)
    services.do_save_benefit_model(
        actor=org_admin, initiative=initiative, document=document, lock_version=None
    )
    login(page, live_server, business_owner.email)
    page.goto(url(live_server, f"/initiatives/{initiative.pk}/benefits/"))
    assert shown(page.locator("td[data-room-medium]").all_inner_texts()) == [
        "17 152 752 kr",
        "34 305 503 kr",
        "51 458 255 kr",
    ]
    page.evaluate("window.__notReloaded = true")

    # Färre rekryteringar: the rate after falls from 2 % to 1,5 % (typed with a decimal comma).
    expected = expected_after(document, "0.015")
    medium = expected.medium
    page.fill("#id_levers-1-rate_after", "1,5")
    room = [swedish_money(r.investment_room) for r in medium.years[1:]]
    page.wait_for_function(
        "(want) => [...document.querySelectorAll('td[data-room-medium]')]"
        ".map(td => td.textContent.replace(/\\u00a0/g, ' ').trim()).join('|') === want",
        arg="|".join(room),
    )
    assert page.evaluate("window.__notReloaded") is True  # no page load
    npv = page.locator('td[data-metric="npv"][data-scenario="medium"]').inner_text()
    assert shown([npv]) == [swedish_money(medium.npv)]
    assert shown(page.locator("td[data-room-high]").all_inner_texts()) == [
        swedish_money(r.investment_room) for r in expected.high.years[1:]
    ]
    # The yearly chart was redrawn with the new cumulative net.
    points = page.locator("#yearly-chart circle.cumulative-net-point")
    assert [points.nth(i).get_attribute("data-value") for i in range(points.count())] == [
        calculation.money_text(row.cumulative_net) for row in medium.years
    ]

    # The chart's scenario switch redraws the charts for the draft.
    page.click("label[for=chart-scenario-high]")
    page.wait_for_selector('figure[data-chart="yearly"][data-scenario="high"]')
    assert page.locator("#yearly-chart circle.cumulative-net-point").last.get_attribute(
        "data-value"
    ) == calculation.money_text(expected.high.years[-1].cumulative_net)

    with page.expect_navigation():
        page.click("#benefit-editor button[name=action][value=save]")
    assert BenefitModel.objects.get().document["levers"][1]["rate_after"] == "0.015"
    assert shown(page.locator("td[data-room-medium]").all_inner_texts()) == room
    npv = page.locator('td[data-metric="npv"][data-scenario="medium"]').inner_text()
    assert shown([npv]) == [swedish_money(medium.npv)]
    assert page.locator("#id_levers-1-rate_after").input_value() == "1,5"
    assert csp_violations(page) == []


def test_an_invalid_input_shows_its_error_live_and_the_helper_fills_the_fte_cost(
    page, live_server, org_admin, departments, business_owner
):
    initiative = assessment_services.do_create_initiative(
        actor=org_admin, department=departments[0], code="EDU-A", name="Personal dashboard"
    )
    document = defaults.load(defaults.NORRKOPING_EDUCATION)
    services.do_save_benefit_model(
        actor=org_admin, initiative=initiative, document=document, lock_version=None
    )
    login(page, live_server, business_owner.email)
    page.goto(url(live_server, f"/initiatives/{initiative.pk}/benefits/"))
    page.fill("#id_levers-0-reduction-high", "150")
    page.wait_for_selector('#benefit-results a[href="#id_levers-0-reduction-high"]')
    page.fill("#id_levers-0-reduction-high", "50")
    page.wait_for_selector("#benefit-results td[data-room-medium]")

    # Valuation helper: 42 000 a month × 12 × 1,54 = 776 160 a year.
    page.click("#lever-0 details.fte-helper summary")
    page.fill("#id_levers-0-monthly_salary", "42 000")
    page.click("#lever-0 details.fte-helper button[name=action][value=fte]")
    page.click("#fte-cost-0 button[data-fill-target]")
    annual = calculation.annual_cost_per_fte(Decimal(42000))
    assert annual == Decimal("776160.00")
    assert page.locator("#id_levers-0-annual_cost_per_fte").input_value() == "776 160"
    changed = json.loads(json.dumps(document, default=str))
    changed["levers"][0]["annual_cost_per_fte"] = "776160"
    medium = calculation.evaluate(benefit_document.parse(changed)).medium
    page.wait_for_function(
        "(want) => document.querySelector('td[data-room-medium]')"
        "?.textContent.replace(/\\u00a0/g, ' ').trim() === want",
        arg=swedish_money(medium.years[1].investment_room),
    )
    assert csp_violations(page) == []
