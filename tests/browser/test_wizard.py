"""A business owner classifies one information asset through the wizard in Chromium, sees
the level update live, and the security officer approves the result."""

from __future__ import annotations

import pytest

from assessments import services
from assessments.models import Assessment, Question
from klassa_app.models import Role
from tests.browser.conftest import login, url
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def people(organisation, departments):
    owner = UserFactory(email="agare@norrkoping.se", full_name="Viktor Verksamhet")
    MembershipFactory(
        user=owner, organisation=organisation, department=departments[0], role=Role.BUSINESS_OWNER
    )
    officer = UserFactory(email="sakerhet@norrkoping.se", full_name="Sara Säkerhet")
    MembershipFactory(user=officer, organisation=organisation, role=Role.SECURITY_OFFICER)
    return owner, officer


def choose(page, question: Question, level: int) -> None:
    option = max((o for o in question.options.all() if o.level <= level), key=lambda o: o.level)
    page.check(f"input[name='answer_{question.code}'][value='{option.pk}']")


def test_owner_walks_the_wizard_and_the_officer_approves(page, live_server, departments, people):
    owner, officer = people
    asset = services.do_create_asset(
        actor=owner, department=departments[0], code="NARV", name="Närvaro", personal_data="yes"
    )
    login(page, live_server, owner.email)
    page.goto(url(live_server, f"/assets/{asset.pk}/"))
    with page.expect_navigation():
        page.click(f"form[action$='/assets/{asset.pk}/assess/'] button")
    assessment = Assessment.objects.get(asset=asset)
    wanted = {"K": 2, "R": 1, "T": 1, "S": 0}
    for aspect, level in wanted.items():
        assert page.url.endswith(f"/assessments/{assessment.pk}/step/{aspect}/")
        questions = Question.objects.filter(
            bank=assessment.question_bank, aspect_code=aspect
        ).prefetch_related("options")
        for question in questions:
            choose(page, question, level)
        if aspect == "T":
            page.fill("input[name=downtime_hours]", "72")
        # The result box follows the answers without a page load (htmx), legal minimum included.
        expected = max(level, {"K": 1, "S": 1}.get(aspect, 0))
        page.wait_for_function(
            "(n) => document.querySelector('#step-result .level')?.textContent.trim() == n",
            arg=expected,
        )
        with page.expect_navigation():
            page.click("button[name=go][value=next]")

    assert page.url.endswith(f"/assessments/{assessment.pk}/")
    finals = page.locator("table[data-levels] td[data-final] .level").all_inner_texts()
    assert finals == ["2", "1", "1", "1"]  # S lifted to 1 by personal data
    assert page.locator("form[action$='/approve/']").count() == 0  # the owner cannot approve

    page.context.clear_cookies()
    login(page, live_server, officer.email)
    page.goto(url(live_server, f"/assessments/{assessment.pk}/"))
    with page.expect_navigation():
        page.click("form[action$='/approve/'] button")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED
    page.goto(url(live_server, f"/assets/{asset.pk}/"))
    assert page.locator("table tbody tr").first.locator(".level").all_inner_texts() == [
        "2",
        "1",
        "1",
        "1",
    ]


def test_wizard_and_result_pages_have_no_serious_accessibility_violations(
    page, live_server, departments, people
):
    from tests.browser.conftest import axe_violations, describe

    owner, _officer = people
    asset = services.do_create_asset(
        actor=owner,
        department=departments[0],
        code="ELEV",
        name="Elevregister",
        personal_data="special_categories",
        secrecy=True,
        secrecy_reference="OSL 23 kap. 2 §",
    )
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    login(page, live_server, owner.email)
    found = {}
    for path in (
        f"/assessments/{assessment.pk}/step/K/",
        f"/assessments/{assessment.pk}/step/T/",
        f"/assessments/{assessment.pk}/",
        f"/assets/{asset.pk}/",
    ):
        page.goto(url(live_server, path))
        found[path] = axe_violations(page)
    report = describe(found)
    assert not report, report
