"""Classifying an asset: starting an assessment, saving the wizard's steps, approving it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField, Exists, F, OuterRef, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import classification_rules, frameworks
from assessments.models import (
    Answer,
    AspectResult,
    Assessment,
    InformationAsset,
    Question,
)
from assessments.notifications import notify_approved
from assessments.services.assets import sync_asset
from assessments.services.checks import StaleVersion, require_asset_editor
from assessments.services.results import recompute
from klassa_app import access, audit
from klassa_app.models import AuditEvent, User
from klassa_app.services import ServiceError


def _rule_error(error: classification_rules.RuleError, field: str | None = None) -> ServiceError:
    return ServiceError(error.message, field or error.field)


@transaction.atomic
def do_start_assessment(*, actor: User, asset: InformationAsset) -> Assessment:
    """Resume the open draft, or start a new version from the previous version's answers."""
    require_asset_editor(actor, asset.department)
    asset = InformationAsset.objects.select_for_update().get(pk=asset.pk)
    open_version = asset.assessments.filter(
        status__in=[
            Assessment.Status.DRAFT,
            Assessment.Status.IN_CONSENSUS,
            Assessment.Status.AWAITING_SIGNOFF,
        ]
    ).first()
    if open_version is not None:
        return open_version
    previous = asset.assessments.order_by("-version").first()
    scheme = frameworks.current_scheme(asset.organisation)
    bank = frameworks.current_question_bank(asset.organisation)
    assessment = Assessment.objects.create(
        asset=asset,
        version=(previous.version + 1) if previous else 1,
        scheme=scheme,
        question_bank=bank,
        created_by=actor,
        downtime_hours=previous.downtime_hours if previous else None,
        rto_hours=previous.rto_hours if previous else None,
        rpo_hours=previous.rpo_hours if previous else None,
    )
    if previous is not None:
        _copy_answers(previous, assessment)
    recompute(assessment)
    audit.record(
        actor=actor,
        organisation=asset.organisation,
        action="assessment.started",
        obj=assessment,
        after={
            "version": assessment.version,
            "from_version": previous.version if previous else None,
        },
    )
    sync_asset(asset)
    return assessment


def _copy_answers(previous: Assessment, assessment: Assessment) -> None:
    """Re-assessment starts from the old answers, matched by question code and level (the
    question bank may have a newer version)."""
    questions = {q.code: q for q in assessment.question_bank.questions.prefetch_related("options")}
    new_answers = []
    for answer in previous.answers.select_related("question", "option"):
        question = questions.get(answer.question.code)
        if question is None:
            continue
        option = None
        if answer.option is not None:
            option = next(
                (o for o in question.options.all() if o.level == answer.option.level), None
            )
        new_answers.append(
            Answer(assessment=assessment, question=question, option=option, comment=answer.comment)
        )
    Answer.objects.bulk_create(new_answers)
    for result in previous.results.exclude(override_level=None):
        AspectResult.objects.update_or_create(
            assessment=assessment,
            aspect_code=result.aspect_code,
            defaults={
                "override_level": result.override_level,
                "override_reason": result.override_reason,
            },
        )


def _lock_for_edit(assessment: Assessment, lock_version: int | None) -> Assessment:
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("asset", "asset__department", "asset__organisation", "scheme")
        .get(pk=assessment.pk)
    )
    if not locked.is_editable:
        raise ServiceError(
            _("This version is %(status)s and can no longer be changed; start a re-assessment.")
            % {"status": locked.get_status_display().lower()},
            None,
        )
    if lock_version is not None and locked.lock_version != lock_version:
        raise StaleVersion(
            _(
                "Someone else saved this assessment in the meantime. The page now shows their "
                "version; make your change again."
            ),
            None,
        )
    return locked


def _decimal_or_none(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", ".").replace("\xa0", "").replace(" ", ""))
    except InvalidOperation as exc:
        raise ServiceError(_("Enter a number of hours."), field) from exc
    if not number.is_finite() or number < 0 or number >= Decimal("1000000"):
        raise ServiceError(_("Enter a number of hours from 0 upwards."), field)
    return number


@dataclass(frozen=True)
class StepInput:
    """What one wizard step sends: the chosen option id per question code (None = not
    answered), comments, an optional override and, for availability, the hours."""

    answers: Mapping[str, int | None]
    comments: Mapping[str, str]
    override_level: int | None = None
    override_reason: str = ""
    downtime_hours: Any = None
    rto_hours: Any = None
    rpo_hours: Any = None


@transaction.atomic
def do_save_step(
    *,
    actor: User,
    assessment: Assessment,
    aspect_code: str,
    step: StepInput,
    lock_version: int | None,
) -> Assessment:
    """Save one aspect's answers (the wizard saves as you go)."""
    require_asset_editor(actor, assessment.asset.department)
    assessment = _lock_for_edit(assessment, lock_version)
    scheme = frameworks.load_scheme(assessment.scheme)
    aspect = scheme.aspect(aspect_code)
    if aspect is None:
        raise ServiceError(_("Unknown aspect %(code)s.") % {"code": aspect_code}, "aspect")
    questions = {
        q.code: q
        for q in Question.objects.filter(
            bank=assessment.question_bank, aspect_code=aspect_code
        ).prefetch_related("options")
    }
    before_result = AspectResult.objects.filter(
        assessment=assessment, aspect_code=aspect_code
    ).first()
    before = _result_snapshot(before_result)
    existing = {
        a.question_id: a for a in assessment.answers.filter(question__in=questions.values())
    }
    for code, option_id in step.answers.items():
        question = questions.get(code)
        if question is None:
            raise ServiceError(_("Unknown question %(code)s.") % {"code": code}, f"answer_{code}")
        _write_answer(
            assessment, question, existing.get(question.pk), option_id, step.comments.get(code)
        )
    if aspect_code == "T":
        assessment.downtime_hours = _decimal_or_none(step.downtime_hours, "downtime_hours")
        assessment.rto_hours = _decimal_or_none(step.rto_hours, "rto_hours")
        assessment.rpo_hours = _decimal_or_none(step.rpo_hours, "rpo_hours")
    result, _created = AspectResult.objects.get_or_create(
        assessment=assessment, aspect_code=aspect_code
    )
    top = scheme.tops[aspect_code]
    try:
        classification_rules.check_level("override_level", step.override_level, top)
    except classification_rules.RuleError as error:
        raise _rule_error(error, "override_level") from error
    reason = (step.override_reason or "").strip()
    if step.override_level is not None and not reason:
        raise ServiceError(_("An override needs a written justification."), "override_reason")
    result.override_level = step.override_level
    result.override_reason = reason if step.override_level is not None else ""
    result.save()
    return _finish_step_save(
        actor=actor, assessment=assessment, aspect_code=aspect_code, before=before
    )


@transaction.atomic
def do_save_answer(
    *,
    actor: User,
    assessment: Assessment,
    question_code: str,
    option_id: int | None,
    comment: str,
    lock_version: int | None,
) -> Assessment:
    """Save one question's answer and comment as the wizard's fields change (the step's
    other fields are saved with the step). Recorded like a saved step; a save that changes
    nothing writes nothing, so a repeated autosave neither bumps the version nor the trail."""
    require_asset_editor(actor, assessment.asset.department)
    assessment = _lock_for_edit(assessment, lock_version)
    question = (
        Question.objects.filter(bank=assessment.question_bank, code=question_code)
        .prefetch_related("options")
        .first()
    )
    if question is None:
        raise ServiceError(
            _("Unknown question %(code)s.") % {"code": question_code}, f"answer_{question_code}"
        )
    before = _result_snapshot(
        AspectResult.objects.filter(assessment=assessment, aspect_code=question.aspect_code).first()
    )
    existing = assessment.answers.filter(question=question).first()
    if not _write_answer(assessment, question, existing, option_id, comment):
        return assessment
    return _finish_step_save(
        actor=actor,
        assessment=assessment,
        aspect_code=question.aspect_code,
        before=before,
        question_code=question.code,
    )


def _write_answer(
    assessment: Assessment,
    question: Question,
    existing: Answer | None,
    option_id: int | str | None,
    comment: str | None,
) -> bool:
    """Write one answer row (the one place that does); True if anything changed."""
    option = None
    if option_id not in (None, ""):
        option = next((o for o in question.options.all() if o.pk == int(option_id)), None)
        if option is None:
            raise ServiceError(_("Choose one of the answers."), f"answer_{question.code}")
    text = (comment or "").strip()
    if existing is None:
        Answer.objects.create(assessment=assessment, question=question, option=option, comment=text)
        return True
    if existing.option_id == (option.pk if option else None) and existing.comment == text:
        return False
    existing.option = option
    existing.comment = text
    existing.save(update_fields=["option", "comment"])
    return True


def _finish_step_save(
    *,
    actor: User,
    assessment: Assessment,
    aspect_code: str,
    before: dict[str, Any],
    question_code: str | None = None,
) -> Assessment:
    """After answers changed: the results, a new version number, the audit event."""
    try:
        recompute(assessment)
    except classification_rules.RuleError as error:
        field = "override_level" if error.field.startswith("override") else None
        raise ServiceError(_override_message(error), field) from error
    assessment.lock_version = F("lock_version") + 1
    assessment.save()
    assessment.refresh_from_db()
    after_result = AspectResult.objects.get(assessment=assessment, aspect_code=aspect_code)
    after: dict[str, Any] = {**_result_snapshot(after_result), "aspect": aspect_code}
    if question_code is not None:
        after["question"] = question_code
    audit.record(
        actor=actor,
        organisation=assessment.asset.organisation,
        action="assessment.step_saved",
        obj=assessment,
        before=before,
        after=after,
        object_repr=f"{assessment} {aspect_code}",
    )
    sync_asset(assessment.asset)
    return assessment


def _override_message(error: classification_rules.RuleError) -> str:
    if "legal minimum" in error.message:
        return _("An override may not go below the minimum that the legal triggers impose.")
    return error.message


def _result_snapshot(result: AspectResult | None) -> dict[str, Any]:
    if result is None:
        return {}
    return {
        "computed_level": result.computed_level,
        "minimum_level": result.minimum_level,
        "override_level": result.override_level,
        "override_reason": result.override_reason,
        "final_level": result.final_level,
    }


def approval_problems(assessment: Assessment) -> list[str]:
    """Why this version cannot be approved through the ordinary path (empty if it can)."""
    problems = []
    scheme = frameworks.load_scheme(assessment.scheme)
    results = {r.aspect_code: r for r in assessment.results.all()}
    for aspect in scheme.aspects:
        result = results.get(aspect.code)
        if result is None or result.final_level is None:
            problems.append(
                _("%(aspect)s has no level yet: answer its questions.") % {"aspect": aspect.code}
            )
    if assessment.requires_protective_security_analysis:
        problems.append(
            _(
                "Requires protective-security analysis: protective security or the top level "
                "takes this asset out of the ordinary approval path."
            )
        )
    return problems


def classified_by_filter(user: User) -> Q:
    """Assessments this person started or saved any answer of (the four-eyes rule), as a
    filter, so that a list (the work list) applies the same rule in SQL."""
    answered = AuditEvent.objects.filter(
        action="assessment.step_saved",
        object_type=Assessment._meta.model_name,
        object_id=Cast(OuterRef("pk"), CharField()),
        actor=user,
    )
    return Q(created_by=user) | Q(Exists(answered))


def classified_by(assessment: Assessment, user: User) -> bool:
    """Whether this person started the classification or saved any of its answers."""
    if assessment.created_by_id == user.pk:
        return True
    return Assessment.objects.filter(classified_by_filter(user), pk=assessment.pk).exists()


def four_eyes_problem(assessment: Assessment, user: User) -> str | None:
    """Why this person may not approve alone under the organisation's four-eyes rule."""
    if not frameworks.current_scheme(assessment.asset.organisation).four_eyes:
        return None
    if not classified_by(assessment, user):
        return None
    return _(
        "Four eyes: you started or answered this classification, so someone else must approve "
        "it — another security officer, or the signers of a consensus session."
    )


@transaction.atomic
def do_approve_assessment(
    *, actor: User, assessment: Assessment, lock_version: int | None = None
) -> Assessment:
    organisation = assessment.asset.organisation
    if not access.can_approve_classifications(
        actor, organisation
    ) or not access.can_view_department(actor, assessment.asset.department):
        raise PermissionDenied(_("Only the information-security officer approves classifications."))
    assessment = _lock_for_edit(assessment, lock_version)
    four_eyes = four_eyes_problem(assessment, actor)
    if four_eyes:
        raise ServiceError(four_eyes, None)
    recompute(assessment)
    problems = approval_problems(assessment)
    if problems:
        raise ServiceError(problems[0], None)
    return finalise_approval(actor=actor, assessment=assessment)


def finalise_approval(*, actor: User, assessment: Assessment) -> Assessment:
    """Approve a locked, checked assessment: supersede the previous approved version, set
    the review date, audit, and update the asset. Callers check who may approve."""
    organisation = assessment.asset.organisation
    now = timezone.now()
    previous = list(
        Assessment.objects.select_for_update()
        .filter(asset=assessment.asset, status=Assessment.Status.APPROVED)
        .exclude(pk=assessment.pk)
    )
    for old in previous:
        old.status = Assessment.Status.SUPERSEDED
        old.superseded_at = now
        old.save(update_fields=["status", "superseded_at"])
    assessment.status = Assessment.Status.APPROVED
    assessment.approved_at = now
    assessment.approved_by = actor
    assessment.review_due = classification_rules.add_months(
        timezone.localdate(now), organisation.review_interval_months
    )
    assessment.lock_version = F("lock_version") + 1
    assessment.save()
    assessment.refresh_from_db()
    audit.record(
        actor=actor,
        organisation=organisation,
        action="assessment.approved",
        obj=assessment,
        after={
            "version": assessment.version,
            "levels": {r.aspect_code: r.final_level for r in assessment.results.all()},
            "review_due": assessment.review_due.isoformat(),
            "superseded": [a.version for a in previous],
        },
    )
    sync_asset(assessment.asset)
    notify_approved(assessment, actor)
    return assessment
