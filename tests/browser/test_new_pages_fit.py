"""The pages new in issue 13 at a phone's width and at a desktop's: no serious or critical
accessibility findings, nothing wider than the screen and no Content-Security-Policy
violations. Each page is opened by the person who would open it: the security officer for
the new-session form and the reveal confirmation, an external guest through their own link,
and the organisation admin for the benefit editor."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import consensus, services
from assessments.models import Question
from klassa_app.models import Role
from tests.browser.conftest import (
    CSP_LISTENER,
    PHONE,
    axe_violations,
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
    pytest.mark.usefixtures("_media_in_tmp"),
]

DESKTOP = {"width": 1280, "height": 800}
SIZES = {"phone": PHONE, "desktop": DESKTOP}
# What tells that each page is the page it should be, not an error or an empty page.
SHOWS = {
    "guest answer page": "input[name^='answer_']",
    "notification settings": "main form button[type=submit]",
    "new-session form": "select[name=user_0]",
    "benefit editor": "form input[id^='id_levers-0-']",
    "reveal confirmation": "form:has(input[name=confirm]) button[type=submit]",
}


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
def sized_page(browser):
    """A page of its own browser context (one person each) at the given size."""
    contexts = []

    def make(size: str):
        phone = size == "phone"
        context = browser.new_context(
            locale="sv-SE",
            viewport=SIZES[size],
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=2 if phone else 1,
        )
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def _answers(session, level: int) -> dict[str, int]:
    """For every question, the highest option up to ``level``."""
    questions = Question.objects.filter(bank=session.assessment.question_bank).prefetch_related(
        "options"
    )
    return {
        q.code: max((o for o in q.options.all() if o.level <= level), key=lambda o: o.level).pk
        for q in questions
    }


def _draft(owner, department, code: str):
    asset = services.do_create_asset(
        actor=owner, department=department, code=code, name=f"System {code}", personal_data="no"
    )
    return services.do_start_assessment(actor=owner, asset=asset)


def _check(page, width: int) -> dict[str, object]:
    """What is wrong with the page as shown: axe findings, overflow and CSP violations."""
    wide = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    return {
        "axe": axe_violations(page),
        "overflow": overflowing_elements(page, width) if wide else [],
        "csp": csp_violations(page),
    }


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_new_pages_are_accessible_and_fit_the_screen(
    size, sized_page, live_server, org_admin, departments, people, tracked_initiative
):
    officer, owner, lawyer = people
    width = SIZES[size]["width"]

    # A draft for the new-session form; a second assessment in an open session where the
    # owner and the lawyer have submitted and a supplier's IT person is invited as a guest.
    draft = _draft(owner, departments[0], "NARV")
    in_session = _draft(owner, departments[0], "SCHEMA")
    session = consensus.do_open_session(
        actor=officer,
        assessment=in_session,
        participants=[(owner, Role.BUSINESS_OWNER), (lawyer, Role.LEGAL_REVIEWER)],
        guests=["it@leverantor.example"],
    )
    guest = session.participants.get(user__isnull=True)
    for person, level in ((owner, 1), (lawyer, 3)):
        consensus.do_save_proposals(
            actor=person,
            session=session,
            answers=_answers(session, level),
            comments={},
            submit=True,
        )
    # The reveal may need every participant's answers, the guest's too; the guest page is
    # checked before that, while it still takes answers.
    pages: dict[str, tuple[object, str]] = {}

    officer_page = sized_page(size)
    login(officer_page, live_server, officer.email)
    guest_page = sized_page(size)
    admin_page = sized_page(size)
    login(admin_page, live_server, org_admin.email)

    guest_path = reverse("session_guest", args=[consensus.guest_link_token(guest)])
    pages["guest answer page"] = (guest_page, guest_path)
    pages["notification settings"] = (officer_page, "/notifications/settings/")
    pages["new-session form"] = (officer_page, reverse("session_create", args=[draft.pk]))
    pages["benefit editor"] = (admin_page, reverse("benefit_model", args=[tracked_initiative.pk]))
    pages["reveal confirmation"] = (officer_page, reverse("session_reveal", args=[session.pk]))

    found: dict[str, dict[str, object]] = {}
    for name, (page, path) in pages.items():
        if name == "reveal confirmation":
            consensus.do_save_proposals(
                actor=None,
                guest=guest,
                session=session,
                answers=_answers(session, 2),
                comments={},
                submit=True,
            )
        response = page.goto(url(live_server, path))
        assert response is not None and response.status == 200, f"{name}: {path} {response}"
        assert page.locator("main").count() == 1, f"{name}: {path} has no main"
        assert page.locator(SHOWS[name]).count() > 0, f"{name}: {path} lacks {SHOWS[name]}"
        found[name] = _check(page, width)
    # The reveal confirmation really is the confirmation: nothing was revealed by the GET.
    session.refresh_from_db()
    assert session.status == session.Status.OPEN

    axe = {name: result["axe"] for name, result in found.items()}
    overflow = {name: result["overflow"] for name, result in found.items() if result["overflow"]}
    csp = {name: result["csp"] for name, result in found.items() if result["csp"]}
    assert not any(axe.values()), f"axe at {size} width:\n{describe(axe)}"
    assert not overflow, f"wider than {width} px: {overflow}"
    assert not csp, f"CSP violations at {size} width: {csp}"
