"""A participant's answers in a consensus session are never lost: each answer and comment is
kept as a draft as it changes, visible to nobody else before the reveal, and a submission
with questions left open asks first and lists them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import consensus, services
from assessments.i18n import tr
from assessments.models import ConsensusSession, Proposal, Question
from klassa_app.models import AuditEvent, Role
from klassa_app.viewhelpers import AUTOSAVED_HEADER
from tests.assessments.helpers import answers, fresh, the_others_submit
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

P = consensus.Role


@pytest.fixture
def dpo(norrkoping):
    return MembershipFactory(organisation=norrkoping, role=Role.DPO).user


@pytest.fixture
def session(officer, owner, lawyer, dpo, asset):
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    return consensus.do_open_session(
        actor=officer,
        assessment=assessment,
        participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)],
    )


def questions_of(session) -> list[Question]:
    return list(
        Question.objects.filter(bank=session.assessment.question_bank)
        .prefetch_related("options")
        .order_by("aspect_code", "order")
    )


def answer_url(session) -> str:
    return reverse("session_answer", args=[session.pk])


def autosave(client, session, question, *, option=None, comment=""):
    data = {"autosave": question.code, "lock_version": fresh(session).lock_version}
    data[f"comment_{question.code}"] = comment
    if option is not None:
        data[f"answer_{question.code}"] = option
    return client.post(answer_url(session), data, HTTP_HX_REQUEST="true")


def option_of(question, level) -> int:
    return max((o for o in question.options.all() if o.level <= level), key=lambda o: o.level).pk


def test_a_participants_autosave_keeps_the_answer_and_comment_as_a_draft(as_user, session, owner):
    question = questions_of(session)[0]
    version = fresh(session).lock_version
    response = autosave(
        as_user(owner), session, question, option=option_of(question, 2), comment="Elevdata"
    )
    assert response.status_code == 200
    assert response[AUTOSAVED_HEADER] == "saved"
    assert "Sparat" in response.content.decode()
    proposal = Proposal.objects.get(participant__user=owner, question=question)
    assert (proposal.option.level, proposal.comment) == (2, "Elevdata")
    assert proposal.participant.submitted_at is None
    event = AuditEvent.objects.filter(action="consensus.proposed").latest("id")
    assert (event.actor, event.after) == (owner, {question.code: 2})
    # A draft changes nothing the facilitator sees, so their reveal stays current.
    assert fresh(session).lock_version == version


def test_the_same_autosave_twice_is_recorded_once(session, owner):
    question = questions_of(session)[0]
    for _ in range(2):
        consensus.do_save_proposal(
            actor=owner, session=session, question_code=question.code, option_id=None, comment="x"
        )
    assert AuditEvent.objects.filter(action="consensus.proposed").count() == 1


def test_an_autosave_is_seen_only_by_its_participant_before_the_reveal(
    as_user, session, owner, lawyer, officer, outsider, colleague
):
    question = questions_of(session)[0]
    autosave(as_user(owner), session, question, option=option_of(question, 3), comment="Hemligt")
    own = as_user(owner).get(answer_url(session)).content.decode()
    assert "Hemligt" in own
    others = as_user(lawyer).get(answer_url(session)).content.decode()
    assert "Hemligt" not in others
    facilitator = as_user(officer).get(reverse("session_detail", args=[session.pk]))
    assert "Hemligt" not in facilitator.content.decode()
    for person in (outsider, colleague):
        client = as_user(person)
        assert client.get(answer_url(session)).status_code == 404
        assert autosave(client, session, question, option=None, comment="Intrång").status_code == (
            404
        )
    assert not Proposal.objects.filter(comment="Intrång").exists()


def test_the_facilitator_who_does_not_answer_cannot_autosave(as_user, session, officer):
    question = questions_of(session)[0]
    response = autosave(as_user(officer), session, question, comment="x")
    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_an_autosave_after_the_reveal_is_refused_with_a_message(as_user, session, owner, officer):
    the_others_submit(session)  # the organisation's minimum of answers before a reveal
    consensus.do_reveal(actor=officer, session=session, lock_version=None)
    question = questions_of(session)[0]
    response = autosave(as_user(owner), session, question, comment="För sent")
    assert AUTOSAVED_HEADER not in response
    assert 'role="alert"' in response.content.decode()
    assert not Proposal.objects.filter(comment="För sent").exists()


def test_a_partial_submission_warns_and_lists_the_unanswered_questions(as_user, session, owner):
    questions = questions_of(session)
    first = questions[0]
    client = as_user(owner)
    data = {
        "lock_version": fresh(session).lock_version,
        f"answer_{first.code}": option_of(first, 1),
        f"comment_{first.code}": "Bara en",
        "submit": "1",
    }
    response = client.post(answer_url(session), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="unanswered"' in body
    assert [q.code for q in response.context["unanswered"]] == [q.code for q in questions[1:]]
    for question in questions[1:]:
        assert f'href="#question-{question.code}"' in body
    assert tr(questions[1].text) in body
    assert 'name="confirm_partial" value="1"' in body
    participant = consensus.participant_of(session, owner)
    # Nothing typed is lost and nothing is submitted yet.
    assert participant.submitted_at is None
    assert participant.proposals.get(question=first).comment == "Bara en"

    confirmed = client.post(answer_url(session), {**data, "confirm_partial": "1"})
    assert confirmed.status_code == 302
    assert confirmed.url == reverse("session_detail", args=[session.pk])
    participant.refresh_from_db()
    assert participant.submitted_at is not None
    assert AuditEvent.objects.filter(action="consensus.submitted", actor=owner).count() == 1


def test_a_full_submission_needs_no_confirmation(as_user, session, lawyer):
    data = {f"answer_{code}": pk for code, pk in answers(session, 2).items()}
    data.update(lock_version=fresh(session).lock_version, submit="1")
    response = as_user(lawyer).post(answer_url(session), data)
    assert response.status_code == 302
    assert consensus.participant_of(session, lawyer).submitted_at is not None


def test_saving_a_draft_with_open_questions_asks_nothing(as_user, session, owner):
    first = questions_of(session)[0]
    response = as_user(owner).post(
        answer_url(session),
        {
            "lock_version": fresh(session).lock_version,
            f"answer_{first.code}": option_of(first, 1),
            "save": "1",
        },
    )
    assert response.status_code == 302
    assert response.url == answer_url(session)


def test_the_answer_page_wires_autosave_only_while_the_session_is_open(
    as_user, session, owner, officer
):
    question = questions_of(session)[0]
    body = as_user(owner).get(answer_url(session)).content.decode()
    assert f'"autosave": "{question.code}"' in body
    assert 'data-unsaved-warning="saved"' in body
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=None)
    assert fresh(session).status == ConsensusSession.Status.REVEALED
    body = as_user(owner).get(answer_url(session)).content.decode()
    assert "hx-post" not in body
    assert "data-unsaved-warning" not in body


def test_the_answer_page_and_an_autosave_cost_bounded_queries(
    as_user, session, owner, django_assert_max_num_queries
):
    client = as_user(owner)
    questions = questions_of(session)
    client.get(answer_url(session))
    with django_assert_max_num_queries(30) as counted:
        client.get(answer_url(session))
    baseline = len(counted)
    for question in questions:
        autosave(client, session, question, option=option_of(question, 1), comment="Svar")
    # Answering every question adds no query per question to the page.
    with django_assert_max_num_queries(baseline):
        client.get(answer_url(session))
    with django_assert_max_num_queries(30):
        autosave(client, session, questions[0], option=option_of(questions[0], 2), comment="Nytt")
