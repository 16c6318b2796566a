"""Helpers shared by several test modules (fixtures live in the conftest files)."""

from __future__ import annotations

from assessments import services
from assessments.models import Question
from assessments.services import StepInput


def answer_all(actor, assessment, levels: dict[str, int], **extra):
    """Answer every question of each aspect with the option of the given level (or the
    highest option below it), one wizard step per aspect."""
    for aspect, level in levels.items():
        questions = Question.objects.filter(bank=assessment.question_bank, aspect_code=aspect)
        answers = {}
        for q in questions.prefetch_related("options"):
            fitting = [o for o in q.options.all() if o.level <= level]
            answers[q.code] = max(fitting, key=lambda o: o.level).pk
        assessment.refresh_from_db()
        assessment = services.do_save_step(
            actor=actor,
            assessment=assessment,
            aspect_code=aspect,
            step=StepInput(answers=answers, comments={}, **(extra if aspect == "T" else {})),
            lock_version=assessment.lock_version,
        )
    return assessment
