"""A whole consensus session in Chromium, with three people in their own browsers at once:
the security officer facilitates, the business owner and the lawyer answer independently,
the officer reveals, agrees on every aspect and concludes, both sign, and the officer
downloads the minutes as PDF. Open pages follow the session by themselves (htmx polling),
and nobody reloads them."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connections, transaction
from django.utils.module_loading import import_string
from playwright.sync_api import expect

from assessments import reports, services
from assessments.models import Assessment, ConsensusSession
from klassa_app.models import Role
from tests.browser.conftest import (
    PHONE,
    choose_answers,
    csp_violations,
    login,
    overflowing_elements,
    url,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
    pytest.mark.usefixtures("_media_in_tmp"),
]

# The live part polls every 3 s; give it a few rounds.
POLL = 15_000
AGREED = {"K": (2, "Elevuppgifter men inga känsliga"), "R": (2, "Felaktig närvaro får följder")}
AGREED |= {"T": (1, "Kan vänta en dag"), "S": (1, "Ingen personlig data")}


@pytest.fixture
def people(organisation, departments):
    utbildning = departments[0]
    officer = UserFactory(email="sakerhet@norrkoping.se", full_name="Sara Säkerhet")
    MembershipFactory(user=officer, organisation=organisation, role=Role.SECURITY_OFFICER)
    owner = UserFactory(email="agare@norrkoping.se", full_name="Viktor Verksamhet")
    MembershipFactory(
        user=owner, organisation=organisation, department=utbildning, role=Role.BUSINESS_OWNER
    )
    lawyer = UserFactory(email="jurist@norrkoping.se", full_name="Julia Jurist")
    MembershipFactory(
        user=lawyer, organisation=organisation, department=utbildning, role=Role.LEGAL_REVIEWER
    )
    return officer, owner, lawyer


@pytest.fixture
def held_reports(monkeypatch):
    """Reports are built in a thread of their own once the test lets them (``.set()``), so
    that the test sees the progress page before the report is ready."""
    gate = threading.Event()

    def enqueue(task, *ids):
        def run():
            try:
                if gate.wait(timeout=30):
                    # Services name their task by its dotted path.
                    import_string(task)(*ids)
            finally:
                connections.close_all()

        transaction.on_commit(lambda: threading.Thread(target=run, daemon=True).start())

    monkeypatch.setattr(reports, "enqueue", enqueue)
    return gate


def mark(page) -> None:
    """Mark the document, so that a later check can tell whether the page reloaded."""
    page.evaluate("window.__notReloaded = true")


def reloaded(page) -> bool:
    return page.evaluate("window.__notReloaded === undefined")


def test_a_whole_session_with_three_people_at_once(
    new_page, live_server, departments, people, held_reports
):
    from tests.browser.conftest import axe_violations, describe

    officer, owner, lawyer = people
    asset = services.do_create_asset(
        actor=owner, department=departments[0], code="NARV", name="Närvaro", personal_data="no"
    )
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    facilitator, business, legal = new_page(), new_page(), new_page()
    for page, person in ((facilitator, officer), (business, owner), (legal, lawyer)):
        login(page, live_server, person.email)
    found: dict[str, list[dict]] = {}

    # The officer opens the session from the assessment page and invites the two.
    facilitator.goto(url(live_server, f"/assessments/{assessment.pk}/"))
    with facilitator.expect_navigation():
        facilitator.click(f"a[href$='/assessments/{assessment.pk}/consensus/new/']")
    facilitator.select_option("select[name=user_0]", str(owner.pk))
    facilitator.select_option("select[name=role_0]", "business_owner")
    facilitator.select_option("select[name=user_1]", str(lawyer.pk))
    facilitator.select_option("select[name=role_1]", "legal_reviewer")
    with facilitator.expect_navigation():
        facilitator.click("form:has(select[name=user_0]) button[type=submit]")
    session = ConsensusSession.objects.get(assessment=assessment)
    assert facilitator.url.endswith(f"/sessions/{session.pk}/")
    assert {(p.user, p.session_role) for p in session.participants.all()} == {
        (owner, "business_owner"),
        (lawyer, "legal_reviewer"),
    }
    expect(facilitator.locator("#session-live .badge.text-bg-secondary")).to_have_count(2)

    # Both answer at the same time in their own browsers, differently.
    for page, level in ((business, 1), (legal, 3)):
        page.goto(url(live_server, f"/sessions/{session.pk}/answer/"))
        choose_answers(page, session, level)
    found["answer page"] = axe_violations(business)
    for page in (business, legal):
        with page.expect_navigation():
            page.click("button[name=submit]")
        assert page.url.endswith(f"/sessions/{session.pk}/")

    # The facilitator's page shows who has answered, by itself.
    expect(facilitator.locator("#session-live .badge.text-bg-success")).to_have_count(
        2, timeout=POLL
    )
    expect(facilitator.locator("#session-live .badge.text-bg-secondary")).to_have_count(0)

    # Reveal: the owner's open page reloads by itself and shows where they disagree.
    mark(business)
    mark(legal)
    assert business.locator("section[aria-labelledby^='spread-']").count() == 0
    with facilitator.expect_navigation():
        facilitator.click("form[action$='/reveal/'] button[type=submit]")
    # A confirmation step first; the answers are revealed only from there.
    assert ConsensusSession.objects.get(pk=session.pk).status == ConsensusSession.Status.OPEN
    found["reveal confirmation"] = axe_violations(facilitator)
    with facilitator.expect_navigation():
        facilitator.click("form:has(input[name=confirm]) button[type=submit]")
    expect(facilitator.locator("[data-session-status=revealed]")).to_be_visible()
    assert ConsensusSession.objects.get(pk=session.pk).status == ConsensusSession.Status.REVEALED
    business.wait_for_selector("section[aria-labelledby='spread-K']", timeout=POLL)
    assert reloaded(business)
    spread = business.locator("#spread-K")
    expect(spread).to_contain_text("2")  # levels 1 and 3: spread 2
    found["session page after reveal (facilitator)"] = axe_violations(facilitator)
    found["session page after reveal (participant)"] = axe_violations(business)

    # The facilitator records an agreed level with rationale for every aspect and concludes.
    for code, (level, rationale) in AGREED.items():
        facilitator.select_option("select[name=aspect_code]", code)
        facilitator.select_option("select[name=level]", str(level))
        facilitator.fill("textarea[name=rationale]", rationale)
        with facilitator.expect_navigation():
            facilitator.click("form[action$='/decide/'] button[type=submit]")
        expect(facilitator.locator("#session-live")).to_contain_text(rationale)
    mark(business)
    mark(legal)
    with facilitator.expect_navigation():
        facilitator.click("form[action$='/conclude/'] button[type=submit]")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.AWAITING_SIGNOFF
    mark(facilitator)

    # Both sign in their own browsers; their open pages reload by themselves to offer it.
    for page, role in ((business, "business_owner"), (legal, "legal_reviewer")):
        button = page.locator(f"button[data-sign-role={role}]")
        button.wait_for(timeout=POLL)
        assert reloaded(page), role
        with page.expect_navigation():
            button.click()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED
    assert {s.role for s in assessment.signoffs.filter(voided_at__isnull=True)} == {
        "business_owner",
        "legal_reviewer",
    }
    # The facilitator's page shows it without being reloaded by the test.
    expect(facilitator.locator("[data-assessment-approved]")).to_be_visible(timeout=POLL)
    assert reloaded(facilitator)
    legal.goto(url(live_server, f"/assessments/{assessment.pk}/"))
    expect(legal.locator("main")).to_contain_text("Godkänd")

    # The facilitator builds the minutes as PDF, follows the progress and downloads them.
    with facilitator.expect_navigation():
        facilitator.click("form[action$='/minutes/pdf/'] button[type=submit]")
    assert "/reports/" in facilitator.url
    link = facilitator.locator("#report-job-status a[href$='/download/']")
    expect(facilitator.locator("#report-job-status [role=progressbar]")).to_be_visible()
    assert link.count() == 0  # queued: the page polls
    mark(facilitator)
    held_reports.set()
    link.wait_for(timeout=POLL)
    assert not reloaded(facilitator)  # htmx swapped the panel in
    with facilitator.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "protokoll-NARV-v1.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    found["minutes (PDF) status page"] = axe_violations(facilitator)
    legal.goto(url(live_server, f"/sessions/{session.pk}/minutes/"))
    expect(legal.locator("main")).to_contain_text(AGREED["K"][1])
    found["minutes page"] = axe_violations(legal)
    # The minutes and the assessment page fit a phone.
    legal.set_viewport_size(PHONE)
    for path in (f"/sessions/{session.pk}/minutes/", f"/assessments/{assessment.pk}/"):
        legal.goto(url(live_server, path))
        width = legal.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path}: {width}px {overflowing_elements(legal)}"

    report = describe(found)
    assert not report, report
    for name, page in (("facilitator", facilitator), ("owner", business), ("lawyer", legal)):
        assert csp_violations(page) == [], name
