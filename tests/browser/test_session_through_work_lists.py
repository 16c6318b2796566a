"""A whole consensus session seen through each person's work list (Min arbetslista), each
person in a browser of their own: the security officer opens the session from the pages;
the business owner, the lawyer and the DPO find their answers owed on their home page,
answer and submit; the officer reveals (through the confirmation), agrees and concludes;
each signer finds the signature waiting on their home page and signs; the classification is
approved by all three and nothing is left on anyone's list. A participant's notifications
list the invitation, and the home pages and the notifications page stay accessible."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assessments import services
from assessments.models import Assessment, ConsensusSession
from klassa_app.models import Role
from tests.browser.conftest import (
    PHONE,
    axe_violations,
    choose_answers,
    csp_violations,
    describe,
    login,
    overflowing_elements,
    url,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SIGN_ROLES = ("business_owner", "legal_reviewer", "dpo")


# The levels the meeting agrees on, with their rationale.
AGREED = {"K": (2, "Elevuppgifter men inga känsliga"), "R": (2, "Felaktig närvaro följer")}
AGREED |= {"T": (1, "Kan vänta en dag"), "S": (1, "Personuppgifter, inga känsliga")}


@pytest.fixture
def people(organisation, departments):
    """An officer for the organisation; a business owner, a lawyer and a DPO in Utbildning."""
    utbildning = departments[0]
    officer = UserFactory(email="sakerhet@norrkoping.se", full_name="Sara Säkerhet")
    MembershipFactory(user=officer, organisation=organisation, role=Role.SECURITY_OFFICER)
    signers = {}
    for role, email, name in (
        (Role.BUSINESS_OWNER, "agare@norrkoping.se", "Viktor Verksamhet"),
        (Role.LEGAL_REVIEWER, "jurist@norrkoping.se", "Julia Jurist"),
        (Role.DPO, "dataskydd@norrkoping.se", "David Dataskydd"),
    ):
        user = UserFactory(email=email, full_name=name)
        MembershipFactory(user=user, organisation=organisation, department=utbildning, role=role)
        signers[str(role)] = user
    return officer, signers


def item_links(page, section: str, path: str):
    """The links in a section of the work list that lead to ``path``."""
    return page.locator(f"#work-{section} a[href$='{path}']")


def go_home(page, live_server) -> None:
    page.goto(url(live_server, "/"))
    expect(page.locator("#work-list")).to_be_visible()


def test_each_role_follows_a_whole_session_from_their_work_list(
    new_page,
    live_server,
    departments,
    people,
):
    officer, signers = people
    owner = signers["business_owner"]
    asset = services.do_create_asset(
        actor=owner,
        department=departments[0],
        code="ELEV",
        name="Elevregister",
        personal_data="yes",
    )
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    facilitator = new_page()
    login(facilitator, live_server, officer.email)
    pages = {}
    for role, person in signers.items():
        pages[role] = new_page()
        login(pages[role], live_server, person.email)
    found: dict[str, list[dict]] = {}

    # The officer opens the session through the pages and invites the three signers.
    facilitator.goto(url(live_server, f"/assessments/{assessment.pk}/"))
    with facilitator.expect_navigation():
        facilitator.click(f"a[href$='/assessments/{assessment.pk}/consensus/new/']")
    for row, role in enumerate(SIGN_ROLES):
        facilitator.select_option(f"select[name=user_{row}]", str(signers[role].pk))
        facilitator.select_option(f"select[name=role_{row}]", role)
    with facilitator.expect_navigation():
        facilitator.click("form:has(select[name=user_0]) button[type=submit]")
    session = ConsensusSession.objects.get(assessment=assessment)
    assert facilitator.url.endswith(f"/sessions/{session.pk}/")
    assert {(p.user, p.session_role) for p in session.participants.all()} == {
        (signers[role], role) for role in SIGN_ROLES
    }
    go_home(facilitator, live_server)
    expect(item_links(facilitator, "facilitated", f"/sessions/{session.pk}/")).to_have_count(1)
    found["/ (security officer)"] = axe_violations(facilitator)

    # A participant's notifications list the invitation; the page is accessible and fits a phone.
    lawyer_page = pages["legal_reviewer"]
    lawyer_page.goto(url(live_server, "/notifications/"))
    invitation = lawyer_page.locator(f"main a[href$='/sessions/{session.pk}/answer/']")
    expect(invitation).to_have_count(1)
    expect(invitation).to_contain_text("Elevregister")
    found["/notifications/ (lawyer)"] = axe_violations(lawyer_page)
    lawyer_page.set_viewport_size(PHONE)
    lawyer_page.reload()
    width = lawyer_page.evaluate("document.documentElement.scrollWidth")
    overflow = overflowing_elements(lawyer_page)
    assert width <= PHONE["width"], f"/notifications/: {width}px {overflow}"
    lawyer_page.set_viewport_size({"width": 1280, "height": 720})

    # Each finds the answers owed on their home page, follows the link, answers and submits.
    for level, (role, page) in enumerate(pages.items(), start=1):
        go_home(page, live_server)
        found[f"/ ({role}, answers owed)"] = axe_violations(page)
        link = item_links(page, "answers", f"/sessions/{session.pk}/answer/")
        expect(link).to_have_count(1)
        expect(link).to_contain_text("Elevregister")
        expect(page.locator("#nav-open-items")).to_contain_text("1")
        with page.expect_navigation():
            link.click()
        assert page.url.endswith(f"/sessions/{session.pk}/answer/")
        choose_answers(page, session, level)
        with page.expect_navigation():
            page.click("button[name=submit]")
        assert page.url.endswith(f"/sessions/{session.pk}/"), (role, page.url)
        go_home(page, live_server)
        expect(page.locator("#work-answers [data-empty]")).to_be_visible()
    assert session.participants.filter(submitted_at__isnull=True).count() == 0

    # The officer reveals through the confirmation, agrees on every aspect and concludes.
    facilitator.goto(url(live_server, f"/sessions/{session.pk}/"))
    with facilitator.expect_navigation():
        facilitator.click("form[action$='/reveal/'] button[type=submit]")
    assert ConsensusSession.objects.get(pk=session.pk).status == ConsensusSession.Status.OPEN
    with facilitator.expect_navigation():
        facilitator.click("form:has(input[name=confirm]) button[type=submit]")
    expect(facilitator.locator("[data-session-status=revealed]")).to_be_visible()
    for code, (level, rationale) in AGREED.items():
        facilitator.select_option("select[name=aspect_code]", code)
        facilitator.select_option("select[name=level]", str(level))
        facilitator.fill("textarea[name=rationale]", rationale)
        with facilitator.expect_navigation():
            facilitator.click("form[action$='/decide/'] button[type=submit]")
        expect(facilitator.locator("#session-live")).to_contain_text(rationale)
    with facilitator.expect_navigation():
        facilitator.click("form[action$='/conclude/'] button[type=submit]")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.AWAITING_SIGNOFF

    # Each signer finds the signature waiting on their home page, follows it and signs.
    for role, page in pages.items():
        page.goto(url(live_server, "/notifications/"))
        due = page.locator(f"main a[href$='/sessions/{session.pk}/']").filter(
            has_text="Din underskrift väntas"
        )
        expect(due).to_have_count(1)
        # The notification leads to the session page, where signing is a form.
        with page.expect_navigation():
            due.click()
        expect(page.locator(f"button[data-sign-role={role}]")).to_have_count(1)
        go_home(page, live_server)
        link = item_links(page, "signatures", f"/sessions/{session.pk}/")
        expect(link).to_have_count(1)
        expect(page.locator("#work-signatures-title [data-count]")).to_have_text("1")
        found[f"/ ({role}, signature waiting)"] = axe_violations(page)
        with page.expect_navigation():
            link.click()
        with page.expect_navigation():
            page.click(f"button[data-sign-role={role}]")
        go_home(page, live_server)
        expect(page.locator("#work-signatures [data-empty]")).to_be_visible()

    # Approved by all three, and nothing of it is left on anyone's list.
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED
    assert {s.user for s in assessment.signoffs.filter(voided_at__isnull=True)} == set(
        signers.values()
    )
    facilitator.goto(url(live_server, f"/assessments/{assessment.pk}/"))
    approvers = facilitator.locator("[data-approvers]")
    for person in signers.values():
        expect(approvers).to_contain_text(person.get_full_name())
    for name, page in (("security officer", facilitator), *pages.items()):
        go_home(page, live_server)
        lingering = page.locator(
            f"#work-list a[href*='/sessions/{session.pk}/'], "
            f"#work-list a[href$='/assessments/{assessment.pk}/']"
        )
        expect(lingering).to_have_count(0)
        expect(page.locator("#work-list [data-count]:not([data-count='0'])")).to_have_count(0)
        expect(page.locator("#nav-open-items")).to_have_count(0)
        found[f"/ ({name}, at the end)"] = axe_violations(page)

    report = describe(found)
    assert not report, f"axe found serious accessibility violations:\n{report}"
    for name, page in (("security officer", facilitator), *pages.items()):
        assert csp_violations(page) == [], name
