"""Nothing typed is lost, in Chromium: the wizard keeps an answer and a comment across its
tabs, warns before leaving with a change that is not saved, and a participant who submits
with open questions is shown them first."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from playwright.sync_api import expect

from assessments import consensus, services
from assessments.models import Answer, ConsensusSession, Question
from klassa_app.models import Role
from tests.browser.conftest import axe_violations, csp_violations, describe, login, url
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def people(organisation, departments):
    owner = UserFactory(email="agare@norrkoping.se", full_name="Viktor Verksamhet")
    MembershipFactory(
        user=owner, organisation=organisation, department=departments[0], role=Role.BUSINESS_OWNER
    )
    lawyer = UserFactory(email="jurist@norrkoping.se", full_name="Julia Jurist")
    MembershipFactory(
        user=lawyer, organisation=organisation, department=departments[0], role=Role.LEGAL_REVIEWER
    )
    officer = UserFactory(email="sakerhet@norrkoping.se", full_name="Sara Säkerhet")
    MembershipFactory(user=officer, organisation=organisation, role=Role.SECURITY_OFFICER)
    return owner, lawyer, officer


@pytest.fixture
def assessment(departments, people):
    owner = people[0]
    asset = services.do_create_asset(
        actor=owner, department=departments[0], code="NARV", name="Närvaro", personal_data="no"
    )
    return services.do_start_assessment(actor=owner, asset=asset)


def first_question(assessment, aspect: str = "K") -> Question:
    return (
        Question.objects.filter(bank=assessment.question_bank, aspect_code=aspect)
        .prefetch_related("options")
        .order_by("order")
        .first()
    )


def option_of(question: Question, level: int) -> int:
    return max((o for o in question.options.all() if o.level <= level), key=lambda o: o.level).pk


def autosaved(question: Question, text: str = ""):
    """Matches the response to an autosave of the question (with the text, if given)."""

    def matches(response) -> bool:
        sent = parse_qs(response.request.post_data or "")
        return sent.get("autosave") == [question.code] and text in "".join(
            sent.get(f"comment_{question.code}", [""])
        )

    return matches


def test_an_answer_and_a_comment_survive_switching_tabs(page, live_server, people, assessment):
    owner = people[0]
    question = first_question(assessment)
    option = option_of(question, 2)
    login(page, live_server, owner.email)
    page.goto(url(live_server, f"/assessments/{assessment.pk}/step/K/"))
    with page.expect_response(autosaved(question)):
        page.check(f"input[name='answer_{question.code}'][value='{option}']")
    comment = page.locator(f"textarea[name='comment_{question.code}']")
    # The comment is saved a moment after typing stops; the status says so.
    with page.expect_response(autosaved(question, "Elevernas namn och klass")):
        comment.press_sequentially("Elevernas namn och klass")
    expect(page.locator(f"#saved-{question.code}")).to_contain_text("Sparat")
    with page.expect_response(autosaved(question)):
        comment.blur()  # leaving the field saves it too (nothing new here)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    with page.expect_navigation():
        page.click(".wizard-steps a[href$='/step/R/']")
    assert page.url.endswith("/step/R/")
    assert dialogs == []  # everything was saved: no warning
    with page.expect_navigation():
        page.click(".wizard-steps a[href$='/step/K/']")
    expect(page.locator(f"input[name='answer_{question.code}'][value='{option}']")).to_be_checked()
    expect(page.locator(f"textarea[name='comment_{question.code}']")).to_have_value(
        "Elevernas namn och klass"
    )
    answer = Answer.objects.get(assessment=assessment, question=question)
    assert (answer.option_id, answer.comment) == (option, "Elevernas namn och klass")
    report = describe({"wizard": axe_violations(page)})
    assert not report, report
    assert csp_violations(page) == []


def test_leaving_with_a_change_that_is_not_saved_asks_first(page, live_server, people, assessment):
    owner = people[0]
    login(page, live_server, owner.email)
    page.goto(url(live_server, f"/assessments/{assessment.pk}/step/K/"))
    # The override waits for the step's own save, so leaving now would lose it.
    page.fill("textarea[name=override_reason]", "Uppgifterna rör barn")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.click(".wizard-steps a[href$='/step/R/']")
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/step/K/")  # the warning kept the person on the page


def test_a_partial_submission_lists_the_open_questions_before_submitting(
    page, live_server, people, assessment
):
    owner, lawyer, officer = people
    session = consensus.do_open_session(
        actor=officer,
        assessment=assessment,
        participants=[
            (owner, consensus.Role.BUSINESS_OWNER),
            (lawyer, consensus.Role.LEGAL_REVIEWER),
        ],
    )
    question = first_question(assessment)
    login(page, live_server, lawyer.email)
    page.goto(url(live_server, f"/sessions/{session.pk}/answer/"))
    page.check(f"input[name='answer_{question.code}'][value='{option_of(question, 1)}']")
    expect(page.locator(f"#saved-{question.code}")).to_contain_text("Sparat")
    with page.expect_navigation():
        page.click("button[name=submit]")
    warning = page.locator("#unanswered")
    expect(warning).to_be_visible()
    open_questions = Question.objects.filter(bank=assessment.question_bank).count() - 1
    expect(warning.locator("li")).to_have_count(open_questions)
    expect(warning.locator("h2")).to_contain_text(f"{open_questions} frågor är inte besvarade")
    participant = session.participants.get(user=lawyer)
    assert participant.submitted_at is None
    report = describe({"partial submission": axe_violations(page)})
    assert not report, report
    with page.expect_navigation():
        page.click("#unanswered button[name=confirm_partial]")
    assert page.url.endswith(f"/sessions/{session.pk}/")
    participant.refresh_from_db()
    assert participant.submitted_at is not None
    assert ConsensusSession.objects.get(pk=session.pk).status == ConsensusSession.Status.OPEN
    assert csp_violations(page) == []
