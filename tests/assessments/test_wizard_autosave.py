"""The wizard saves each answer and comment as it changes: through the same service rules as
the step's own save, recorded the same way, and never over someone else's newer save."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments import services
from assessments.models import Answer, Question
from klassa_app.models import AuditEvent, Role
from klassa_app.viewhelpers import AUTOSAVED_HEADER
from tests.factories import MembershipFactory, answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(owner, asset):
    return services.do_start_assessment(actor=owner, asset=asset)


def first_question(assessment, aspect="K") -> Question:
    return (
        Question.objects.filter(bank=assessment.question_bank, aspect_code=aspect)
        .prefetch_related("options")
        .order_by("order")
        .first()
    )


def option_of(question: Question, level: int) -> int:
    return max((o for o in question.options.all() if o.level <= level), key=lambda o: o.level).pk


def autosave(client, assessment, question, *, option=None, comment="", lock=None):
    """What the page's htmx sends when one question's field changes: the whole form."""
    data = {
        "autosave": question.code,
        "lock_version": assessment.lock_version if lock is None else lock,
        f"comment_{question.code}": comment,
        "preview": "1",
    }
    if option is not None:
        data[f"answer_{question.code}"] = option
    return client.post(
        reverse("assessment_step", args=[assessment.pk, question.aspect_code]),
        data,
        HTTP_HX_REQUEST="true",
    )


def test_the_service_saves_an_answer_and_its_comment_and_records_it_like_a_step(owner, assessment):
    question = first_question(assessment)
    before = assessment.lock_version
    saved = services.do_save_answer(
        actor=owner,
        assessment=assessment,
        question_code=question.code,
        option_id=option_of(question, 2),
        comment="  Elevernas namn och klass  ",
        lock_version=before,
    )
    answer = Answer.objects.get(assessment=assessment, question=question)
    assert answer.option.level == 2
    assert answer.comment == "Elevernas namn och klass"
    assert saved.lock_version == before + 1
    assert saved.results.get(aspect_code="K").computed_level == 2
    event = AuditEvent.objects.filter(action="assessment.step_saved").latest("id")
    assert event.actor == owner
    assert event.after["aspect"] == "K"
    assert event.after["question"] == question.code
    assert event.after["computed_level"] == 2


def test_saving_the_same_answer_again_writes_nothing(owner, assessment):
    question = first_question(assessment)
    arguments = {
        "actor": owner,
        "question_code": question.code,
        "option_id": option_of(question, 1),
        "comment": "Samma",
    }
    saved = services.do_save_answer(
        assessment=assessment, lock_version=assessment.lock_version, **arguments
    )
    events = AuditEvent.objects.filter(action="assessment.step_saved").count()
    again = services.do_save_answer(assessment=saved, lock_version=saved.lock_version, **arguments)
    assert again.lock_version == saved.lock_version
    assert AuditEvent.objects.filter(action="assessment.step_saved").count() == events


def test_a_viewer_of_the_department_cannot_autosave(utbildning, assessment):
    viewer = MembershipFactory(department=utbildning, role=Role.VIEWER).user
    question = first_question(assessment)
    with pytest.raises(PermissionDenied):
        services.do_save_answer(
            actor=viewer,
            assessment=assessment,
            question_code=question.code,
            option_id=None,
            comment="x",
            lock_version=assessment.lock_version,
        )
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_the_wizard_autosaves_a_choice_and_a_comment_and_says_so(as_user, owner, assessment):
    question = first_question(assessment)
    response = autosave(
        as_user(owner), assessment, question, option=option_of(question, 2), comment="Känsligt"
    )
    assert response.status_code == 200
    assert response[AUTOSAVED_HEADER] == "saved"
    body = response.content.decode()
    assert "Sparat" in body
    # The form's version follows the save, so the next save is not taken for a stale one.
    assessment.refresh_from_db()
    assert f'value="{assessment.lock_version}"' in body
    assert 'hx-swap-oob="true"' in body
    answer = Answer.objects.get(assessment=assessment, question=question)
    assert (answer.option.level, answer.comment) == (2, "Känsligt")
    # Only this question: the step's other questions stay unanswered.
    assert Answer.objects.filter(assessment=assessment).count() == 1


def test_the_wizard_page_wires_autosave_and_the_leave_warning(as_user, owner, assessment):
    question = first_question(assessment)
    page = as_user(owner).get(reverse("assessment_step", args=[assessment.pk, "K"]))
    body = page.content.decode()
    assert f'"autosave": "{question.code}"' in body
    assert "input changed delay:800ms" in body
    assert 'data-unsaved-warning="saved"' in body
    assert "klassa/autosave.js" in body
    assert f'id="saved-{question.code}" aria-live="polite"' in body


def test_a_read_only_wizard_has_no_autosave(as_user, officer, owner, assessment):
    answer_all(owner, assessment, {"K": 1, "R": 1, "T": 1, "S": 1})
    assessment.refresh_from_db()
    services.do_approve_assessment(
        actor=officer, assessment=assessment, lock_version=assessment.lock_version
    )
    body = as_user(owner).get(reverse("assessment_step", args=[assessment.pk, "K"]))
    assert "data-unsaved-warning" not in body.content.decode()
    assert '"autosave":' not in body.content.decode()


def test_an_autosave_over_someone_elses_newer_save_is_refused_with_a_message(
    as_user, owner, lawyer, assessment
):
    question = first_question(assessment)
    shown = assessment.lock_version
    answer_all(owner, assessment, {"K": 3})  # someone saves the step in between
    response = autosave(
        as_user(owner),
        assessment,
        question,
        option=option_of(question, 0),
        comment="Mitt",
        lock=shown,
    )
    assert response.status_code == 200
    assert AUTOSAVED_HEADER not in response
    assert "under tiden" in response.content.decode()
    answer = Answer.objects.get(assessment=assessment, question=question)
    assert answer.option.level == 3
    assert answer.comment != "Mitt"


def test_an_autosave_of_an_unknown_option_names_the_problem(as_user, owner, assessment):
    question = first_question(assessment)
    response = autosave(as_user(owner), assessment, question, option=999_999)
    assert AUTOSAVED_HEADER not in response
    assert 'role="alert"' in response.content.decode()
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_an_autosave_of_a_question_of_another_step_is_404(as_user, owner, assessment):
    question = first_question(assessment, "R")
    response = as_user(owner).post(
        reverse("assessment_step", args=[assessment.pk, "K"]),
        {"autosave": question.code, "lock_version": assessment.lock_version},
    )
    assert response.status_code == 404


def test_an_outsider_cannot_autosave(as_user, outsider, assessment):
    question = first_question(assessment)
    response = autosave(as_user(outsider), assessment, question, option=option_of(question, 1))
    assert response.status_code == 404
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_the_step_form_still_saves_without_javascript_after_an_autosave(as_user, owner, assessment):
    client = as_user(owner)
    question = first_question(assessment)
    autosave(client, assessment, question, option=option_of(question, 1), comment="Först")
    assessment.refresh_from_db()
    data = {"lock_version": assessment.lock_version, "go": "stay"}
    for q in Question.objects.filter(
        bank=assessment.question_bank, aspect_code="K"
    ).prefetch_related("options"):
        data[f"answer_{q.code}"] = option_of(q, 2)
    data[f"comment_{question.code}"] = "Sedan"
    response = client.post(reverse("assessment_step", args=[assessment.pk, "K"]), data)
    assert response.status_code == 302
    answer = Answer.objects.get(assessment=assessment, question=question)
    assert (answer.option.level, answer.comment) == (2, "Sedan")
