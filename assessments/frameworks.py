"""The organisation's scheme, question bank and requirement catalogue: the current version
of each, created from the product's defaults the first time they are needed."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from assessments.defaults import questions as default_questions
from assessments.defaults import requirements as default_requirements
from assessments.defaults import scheme as default_scheme
from assessments.models import (
    AnswerOption,
    Aspect,
    ClassificationScheme,
    Level,
    Question,
    QuestionBank,
    Requirement,
    RequirementCatalogue,
)
from klassa_app.models import Organisation


@dataclass(frozen=True)
class SchemeView:
    """A scheme with its aspects and levels loaded: what the rules need, in two queries."""

    scheme: ClassificationScheme
    aspects: list[Aspect]  # enabled ones, in order

    @property
    def codes(self) -> list[str]:
        return [a.code for a in self.aspects]

    @property
    def tops(self) -> dict[str, int]:
        return {a.code: max((lv.ordinal for lv in a.levels.all()), default=0) for a in self.aspects}

    def aspect(self, code: str) -> Aspect | None:
        return next((a for a in self.aspects if a.code == code), None)

    def level(self, code: str, ordinal: int | None) -> Level | None:
        aspect = self.aspect(code)
        if aspect is None or ordinal is None:
            return None
        return next((lv for lv in aspect.levels.all() if lv.ordinal == ordinal), None)


def load_scheme(scheme: ClassificationScheme) -> SchemeView:
    aspects = list(scheme.aspects.filter(enabled=True).prefetch_related("levels").order_by("order"))
    return SchemeView(scheme, aspects)


def _latest(model, organisation: Organisation):
    return model.objects.filter(organisation=organisation).order_by("-version").first()


@transaction.atomic
def create_default_scheme(organisation: Organisation, version: int = 1) -> ClassificationScheme:
    scheme = ClassificationScheme.objects.create(
        organisation=organisation,
        version=version,
        legal_minimums={k: dict(v) for k, v in default_scheme.LEGAL_MINIMUMS.items()},
        downtime_thresholds=[list(t) for t in default_scheme.DOWNTIME_THRESHOLDS],
        note="Klassa default",
    )
    for order, spec in enumerate(default_scheme.ASPECTS):
        aspect = Aspect.objects.create(
            scheme=scheme,
            code=spec["code"],
            order=order,
            name=dict(spec["name"]),
            description=dict(spec["description"]),
            optional=spec["optional"],
        )
        Level.objects.bulk_create(
            Level(
                aspect=aspect,
                ordinal=level["ordinal"],
                name=dict(level["name"]),
                description=dict(level["description"]),
                consequences={
                    "sv": list(level["consequences"]["sv"]),
                    "en": list(level["consequences"]["en"]),
                },
            )
            for level in default_scheme.LEVELS
        )
    return scheme


@transaction.atomic
def create_default_question_bank(organisation: Organisation, version: int = 1) -> QuestionBank:
    bank = QuestionBank.objects.create(
        organisation=organisation, version=version, note="Klassa default"
    )
    for order, spec in enumerate(default_questions.QUESTIONS):
        question = Question.objects.create(
            bank=bank,
            code=spec["code"],
            aspect_code=spec["aspect"],
            area=spec["area"],
            order=order,
            text=dict(spec["text"]),
            help=dict(spec.get("help") or {}),
        )
        AnswerOption.objects.bulk_create(
            AnswerOption(question=question, order=i, level=o["level"], text=dict(o["text"]))
            for i, o in enumerate(spec["options"])
        )
    return bank


@transaction.atomic
def create_default_catalogue(organisation: Organisation, version: int = 1) -> RequirementCatalogue:
    catalogue = RequirementCatalogue.objects.create(
        organisation=organisation, version=version, note="Klassa default"
    )
    Requirement.objects.bulk_create(
        Requirement(
            catalogue=catalogue,
            code=spec["code"],
            aspect_code=spec["aspect"],
            min_level=spec["min_level"],
            trigger=spec["trigger"] or "",
            title=dict(spec["title"]),
            is_text=dict(spec["is"]),
            shall_text=dict(spec["shall"]),
        )
        for spec in default_requirements.REQUIREMENTS
    )
    return catalogue


def _latest_or_default(model, organisation: Organisation, create):
    latest = _latest(model, organisation)
    if latest is not None:
        return latest
    try:
        return create(organisation)
    except IntegrityError:
        # Two first requests at once: the other one created version 1; use it.
        return _latest(model, organisation)


def current_scheme(organisation: Organisation) -> ClassificationScheme:
    return _latest_or_default(ClassificationScheme, organisation, create_default_scheme)


def current_question_bank(organisation: Organisation) -> QuestionBank:
    return _latest_or_default(QuestionBank, organisation, create_default_question_bank)


def current_catalogue(organisation: Organisation) -> RequirementCatalogue:
    return _latest_or_default(RequirementCatalogue, organisation, create_default_catalogue)


def ensure_frameworks(organisation: Organisation) -> None:
    current_scheme(organisation)
    current_question_bank(organisation)
    current_catalogue(organisation)


# --- New versions -----------------------------------------------------------------------------
# A change never edits a version in place: assessments and action plans point at the version
# they were made with, so the whole framework is copied and the change applied to the copy.


def copy_scheme(scheme: ClassificationScheme, *, actor, note: str) -> ClassificationScheme:
    new = ClassificationScheme.objects.create(
        organisation=scheme.organisation,
        version=scheme.version + 1,
        legal_minimums=scheme.legal_minimums,
        downtime_thresholds=scheme.downtime_thresholds,
        reveal_minimum=scheme.reveal_minimum,
        four_eyes=scheme.four_eyes,
        note=note,
        created_by=actor,
    )
    for aspect in scheme.aspects.prefetch_related("levels").order_by("order"):
        levels = list(aspect.levels.all())
        aspect.pk = None
        aspect.scheme = new
        aspect.save()
        for level in levels:
            level.pk = None
            level.aspect = aspect
        Level.objects.bulk_create(levels)
    return new


def copy_question_bank(bank: QuestionBank, *, actor, note: str) -> QuestionBank:
    new = QuestionBank.objects.create(
        organisation=bank.organisation, version=bank.version + 1, note=note, created_by=actor
    )
    for question in bank.questions.prefetch_related("options").order_by("order"):
        options = list(question.options.all())
        question.pk = None
        question.bank = new
        question.save()
        for option in options:
            option.pk = None
            option.question = question
        AnswerOption.objects.bulk_create(options)
    return new


def copy_catalogue(catalogue: RequirementCatalogue, *, actor, note: str) -> RequirementCatalogue:
    new = RequirementCatalogue.objects.create(
        organisation=catalogue.organisation,
        version=catalogue.version + 1,
        note=note,
        created_by=actor,
    )
    requirements = list(catalogue.requirements.all())
    for requirement in requirements:
        requirement.pk = None
        requirement.catalogue = new
    Requirement.objects.bulk_create(requirements)
    return new
