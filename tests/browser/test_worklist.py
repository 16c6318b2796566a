"""Min arbetslista in a browser: a full work list has no serious accessibility problems,
fits a phone, and its links lead to where the work is done."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import InformationAsset, Participant
from klassa_app.models import Role
from tests.browser.conftest import PHONE, axe_violations, describe, login, overflowing_elements, url
from tests.factories import (
    DEFAULT_LEVELS,
    AssessmentFactory,
    BenefitTrackingFactory,
    ClassifiedAssetFactory,
    ConsensusSessionFactory,
    MembershipFactory,
    member,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def busy_officer(organisation, departments):
    """A security officer who is also an economist in Utbildning: answers owed, an approval,
    a review overdue, a session facilitated and a benefit actual due."""
    utbildning = departments[0]
    officer = member(Role.SECURITY_OFFICER, organisation=organisation, email="sakerhet@example.se")
    MembershipFactory(user=officer, department=utbildning, role=Role.ECONOMIST)
    owner = member(Role.BUSINESS_OWNER, department=utbildning)
    lawyer = member(Role.LEGAL_REVIEWER, department=utbildning)
    ConsensusSessionFactory(
        assessment__asset__department=utbildning,
        assessment__asset__name="Elevregister med ett mycket långt namn som ska radbrytas",
        participants=[
            (officer, Participant.SessionRole.IT),
            (owner, Participant.SessionRole.BUSINESS_OWNER),
            (lawyer, Participant.SessionRole.LEGAL_REVIEWER),
        ],
    )
    ConsensusSessionFactory(assessment__asset__department=utbildning, facilitator=officer)
    AssessmentFactory(asset__department=utbildning, answers=DEFAULT_LEVELS)
    asset = ClassifiedAssetFactory(department=utbildning)
    InformationAsset.objects.filter(pk=asset.pk).update(
        review_due=timezone.localdate() - timedelta(days=3)
    )
    BenefitTrackingFactory(
        benefit_model__initiative__department=utbildning,
        start_year=timezone.localdate().year - 1,
    )
    return officer


def test_a_full_work_list_is_accessible_and_fits_a_phone(phone_page, live_server, busy_officer):
    page = phone_page
    login(page, live_server, busy_officer.email)
    assert page.url == url(live_server, "/")
    assert page.locator("#work-list li").count() >= 5
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], overflowing_elements(page)
    report = describe({"/": axe_violations(page)})
    assert not report, f"axe found serious accessibility violations:\n{report}"


def test_a_link_on_the_work_list_opens_the_place_where_the_work_is_done(
    page, live_server, busy_officer
):
    login(page, live_server, busy_officer.email)
    count = page.locator("#nav-open-items").inner_text()
    assert count.split()[0] == "5"
    with page.expect_navigation():
        page.locator("#work-answers a").first.click()
    assert page.url.endswith("/answer/")
    assert page.locator("main h1").count() == 1
