"""A step saved over someone else's newer save: nothing is written, and the step comes back
with everything the person typed, the saved values that differ, and the new version."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import override

from assessments import services
from assessments.i18n import tr
from assessments.models import Answer, Question
from tests.factories import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(owner, asset):
    return services.do_start_assessment(actor=owner, asset=asset)


def step_questions(assessment) -> list[Question]:
    return list(
        Question.objects.filter(bank=assessment.question_bank, aspect_code="K")
        .prefetch_related("options")
        .order_by("order")
    )


def option_of(question: Question, level: int) -> int:
    return max((o for o in question.options.all() if o.level <= level), key=lambda o: o.level).pk


def step_data(assessment, level: int, comment: str, lock: int) -> dict[str, object]:
    questions = step_questions(assessment)
    data: dict[str, object] = {"lock_version": lock, "go": "stay"}
    for q in questions:
        data[f"answer_{q.code}"] = option_of(q, level)
    data[f"comment_{questions[0].code}"] = comment
    return data


def test_a_business_owner_saving_over_the_lawyers_newer_save_keeps_what_they_typed(
    as_user, owner, lawyer, assessment
):
    shown = assessment.lock_version
    answer_all(lawyer, assessment, {"K": 3})  # the lawyer saves the step meanwhile
    assessment.refresh_from_db()
    newer = assessment.lock_version
    first = step_questions(assessment)[0]
    saved_before = list(Answer.objects.order_by("pk").values_list("option_id", "comment"))

    response = as_user(owner).post(
        reverse("assessment_step", args=[assessment.pk, "K"]),
        step_data(assessment, 1, "Bara internt bruk", shown),
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="step-collision"' in body
    assert "Bara internt bruk" in body  # the typed comment is still in the form
    typed = option_of(first, 1)
    assert f'value="{typed}"' in body and "checked" in body.split(f'value="{typed}"')[1][:40]
    assert f'name="lock_version" value="{newer}"' in body
    assert "Någon annan sparade klassningen" in body
    saved_option = Answer.objects.get(assessment=assessment, question=first).option
    notice = body.split('id="step-collision"')[1].split("</div>")[0]
    assert f"#question-{first.code}" in notice
    with override("sv"):
        assert escape(tr(saved_option.text)) in notice
    assert list(Answer.objects.order_by("pk").values_list("option_id", "comment")) == saved_before
    assessment.refresh_from_db()
    assert assessment.lock_version == newer

    again = as_user(owner).post(
        reverse("assessment_step", args=[assessment.pk, "K"]),
        step_data(assessment, 1, "Bara internt bruk", newer),
    )
    assert again.status_code == 302
    answer = Answer.objects.get(assessment=assessment, question=first)
    assert (answer.option_id, answer.comment) == (typed, "Bara internt bruk")
