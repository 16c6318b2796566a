"""Every change to assets, assessments, initiatives and action plans goes through here.

Each ``do_*`` function checks permission, validates with the pure rules, writes in one
transaction together with its audit event, and keeps the asset's denormalised
classification (levels, status, review date) in step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import frameworks, rules
from assessments.defaults.scheme import level_for_downtime
from assessments.models import (
    Adjustment,
    Answer,
    Area,
    AspectResult,
    Assessment,
    InformationAsset,
    Initiative,
    InitiativeAsset,
    Question,
    Requirement,
    RequirementStatus,
)
from klassa_app import access, audit
from klassa_app.derived import figures_changed
from klassa_app.models import Department, User
from klassa_app.services import ServiceError

ASSET_FIELDS = (
    "code",
    "name",
    "description",
    "owner_role",
    "systems",
    "personal_data",
    "secrecy",
    "secrecy_reference",
    "protective_security",
    "department",
)
INITIATIVE_FIELDS = ("code", "name", "description", "department", "area")


class StaleVersion(ServiceError):
    """Someone saved in between; the caller shows the new state."""


def _rule_error(error: rules.RuleError, field: str | None = None) -> ServiceError:
    return ServiceError(error.message, field or error.field)


def _full_clean(obj: Any, exclude: list[str]) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(messages[0], field) from exc


# --- Assets -----------------------------------------------------------------------------------


def _require_asset_editor(actor: User, department: Department) -> None:
    if not access.can_view_department(actor, department) or not access.can_edit_assets(
        actor, department
    ):
        raise PermissionDenied(_("You may not change this department's information assets."))


def _apply_asset_fields(asset: InformationAsset, fields: Mapping[str, Any]) -> None:
    for name in ASSET_FIELDS:
        if name in fields:
            value = fields[name]
            if isinstance(value, str):
                value = value.strip()
            setattr(asset, name, value)
    asset.code = asset.code.upper()
    if not asset.secrecy:
        asset.secrecy_reference = ""
    elif not asset.secrecy_reference:
        raise ServiceError(
            _("Give the chapter and section of the secrecy provision, e.g. OSL 23 kap. 2 §."),
            "secrecy_reference",
        )


def _check_code_free(obj: InformationAsset | Initiative, message: str) -> None:
    """Codes are the keys within an organisation (register files rely on them)."""
    clash = type(obj).objects.filter(organisation=obj.organisation, code=obj.code)
    if obj.pk:
        clash = clash.exclude(pk=obj.pk)
    if clash.exists():
        raise ServiceError(message % {"code": obj.code}, "code")


def _check_asset_code(asset: InformationAsset) -> None:
    _check_code_free(asset, _("Another information asset already has the code %(code)s."))


@transaction.atomic
def do_create_asset(*, actor: User, department: Department, **fields: Any) -> InformationAsset:
    _require_asset_editor(actor, department)
    asset = InformationAsset(organisation=department.organisation, department=department)
    _apply_asset_fields(asset, {**fields, "department": department})
    _full_clean(asset, exclude=["organisation", "department", "levels"])
    _check_asset_code(asset)
    asset.save()
    audit.record(
        actor=actor,
        organisation=asset.organisation,
        action="asset.created",
        obj=asset,
        after=audit.snapshot(asset, ASSET_FIELDS),
    )
    return asset


@transaction.atomic
def do_update_asset(*, actor: User, asset: InformationAsset, **fields: Any) -> InformationAsset:
    _require_asset_editor(actor, asset.department)
    new_department = fields.get("department")
    if new_department is not None and new_department != asset.department:
        if new_department.organisation_id != asset.organisation_id:
            raise ServiceError(_("Choose a department of this organisation."), "department")
        _require_asset_editor(actor, new_department)
    asset = InformationAsset.objects.select_for_update().get(pk=asset.pk)
    before = audit.snapshot(asset, ASSET_FIELDS)
    triggers_before = (asset.triggers, asset.protective_security)
    _apply_asset_fields(asset, fields)
    _full_clean(asset, exclude=["organisation", "department", "levels"])
    _check_asset_code(asset)
    after = audit.snapshot(asset, ASSET_FIELDS)
    if before == after:
        return asset
    asset.save()
    if (asset.triggers, asset.protective_security) != triggers_before:
        try:
            _legal_triggers_changed(asset)
        except rules.RuleError as error:
            # An override in the open draft would fall below the new legal minimum.
            raise ServiceError(
                _(
                    "The classification being worked on overrides %(aspect)s below the minimum "
                    "these legal triggers impose. Change the override first."
                )
                % {"aspect": error.field.split(".")[-1]},
                "personal_data",
            ) from error
    figures_changed(asset.organisation, asset_ids=[asset.pk])
    audit.record(
        actor=actor,
        organisation=asset.organisation,
        action="asset.updated",
        obj=asset,
        before=before,
        after=after,
    )
    return asset


def _legal_triggers_changed(asset: InformationAsset) -> None:
    """New minimums for a version in progress; signatures on changed content are void; an
    approved classification becomes due for review now."""
    from assessments.consensus import void_stale_signatures

    open_statuses = [
        Assessment.Status.DRAFT,
        Assessment.Status.IN_CONSENSUS,
        Assessment.Status.AWAITING_SIGNOFF,
    ]
    for open_version in asset.assessments.filter(status__in=open_statuses):
        _recompute(open_version)
        if open_version.status == Assessment.Status.AWAITING_SIGNOFF:
            void_stale_signatures(open_version)
    approved = asset.assessments.filter(status=Assessment.Status.APPROVED).first()
    if approved is not None and (
        approved.review_due is None or approved.review_due > timezone.localdate()
    ):
        # The approved version stays as it was; only its review comes forward.
        Assessment.objects.filter(pk=approved.pk).update(review_due=timezone.localdate())
    sync_asset(asset)


def sync_asset(asset: InformationAsset) -> None:
    """Copy the effective assessment's levels and status onto the asset (for fast lists):
    the approved version if there is one, else the draft being worked on."""
    assessments = list(
        asset.assessments.exclude(status=Assessment.Status.SUPERSEDED)
        .prefetch_related("results")
        .order_by("-version")
    )
    approved = next((a for a in assessments if a.status == Assessment.Status.APPROVED), None)
    effective = approved or (assessments[0] if assessments else None)
    if effective is None:
        levels, status, review_due, psa = {}, InformationAsset.Status.UNCLASSIFIED, None, False
    else:
        levels = {
            r.aspect_code: r.final_level
            for r in effective.results.all()
            if r.final_level is not None
        }
        status = (
            InformationAsset.Status.APPROVED
            if effective.status == Assessment.Status.APPROVED
            else (InformationAsset.Status.DRAFT if levels else InformationAsset.Status.UNCLASSIFIED)
        )
        review_due = effective.review_due if approved else None
        psa = effective.requires_protective_security_analysis or asset.protective_security
    InformationAsset.objects.filter(pk=asset.pk).update(
        levels=levels,
        status=status,
        review_due=review_due,
        requires_protective_security_analysis=psa,
    )
    asset.levels, asset.status, asset.review_due = levels, status, review_due
    asset.requires_protective_security_analysis = psa
    figures_changed(asset.organisation, asset_ids=[asset.pk])


# --- Assessments ------------------------------------------------------------------------------


@transaction.atomic
def do_start_assessment(*, actor: User, asset: InformationAsset) -> Assessment:
    """Resume the open draft, or start a new version from the previous version's answers."""
    _require_asset_editor(actor, asset.department)
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
    _recompute(assessment)
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


def downtime_level(scheme, hours: Decimal, top: int) -> int:
    """The availability level a tolerable downtime implies under the scheme's thresholds."""
    thresholds = [tuple(t) for t in scheme.downtime_thresholds]
    return min(level_for_downtime(hours, thresholds), top)


def _recompute(assessment: Assessment) -> dict[str, rules.AspectOutcome]:
    """Recalculate every aspect's result from the answers, the legal minimums and overrides."""
    scheme = frameworks.load_scheme(assessment.scheme)
    tops = scheme.tops
    asset = assessment.asset
    minimums = rules.minimum_levels(asset.triggers, assessment.scheme.legal_minimums or {})
    answer_levels: dict[str, list[int | None]] = {code: [] for code in scheme.codes}
    for answer in assessment.answers.select_related("question", "option"):
        if answer.question.aspect_code in answer_levels:
            answer_levels[answer.question.aspect_code].append(
                answer.option.level if answer.option else None
            )
    if assessment.downtime_hours is not None and "T" in answer_levels:
        answer_levels["T"].append(
            downtime_level(assessment.scheme, assessment.downtime_hours, tops["T"])
        )
    existing = {r.aspect_code: r for r in assessment.results.all()}
    outcomes: dict[str, rules.AspectOutcome] = {}
    for code in scheme.codes:
        result = existing.get(code) or AspectResult(assessment=assessment, aspect_code=code)
        outcome = rules.aspect_outcome(
            aspect=code,
            answer_levels=answer_levels[code],
            minimum=minimums.get(code),
            override=result.override_level,
            override_reason=result.override_reason,
            top=tops[code],
        )
        result.computed_level = outcome.computed
        result.minimum_level = outcome.minimum
        result.final_level = outcome.final
        result.save()
        outcomes[code] = outcome
    psa = rules.requires_protective_security_analysis(
        protective_security=asset.protective_security,
        finals={c: o.final for c, o in outcomes.items()},
        tops=tops,
    )
    if psa != assessment.requires_protective_security_analysis:
        assessment.requires_protective_security_analysis = psa
        Assessment.objects.filter(pk=assessment.pk).update(
            requires_protective_security_analysis=psa
        )
    return outcomes


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
    _require_asset_editor(actor, assessment.asset.department)
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
    for code, option_id in step.answers.items():
        question = questions.get(code)
        if question is None:
            raise ServiceError(_("Unknown question %(code)s.") % {"code": code}, f"answer_{code}")
        option = None
        if option_id not in (None, ""):
            option = next((o for o in question.options.all() if o.pk == int(option_id)), None)
            if option is None:
                raise ServiceError(_("Choose one of the answers."), f"answer_{code}")
        Answer.objects.update_or_create(
            assessment=assessment,
            question=question,
            defaults={"option": option, "comment": (step.comments.get(code) or "").strip()},
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
        rules.check_level("override_level", step.override_level, top)
    except rules.RuleError as error:
        raise _rule_error(error, "override_level") from error
    reason = (step.override_reason or "").strip()
    if step.override_level is not None and not reason:
        raise ServiceError(_("An override needs a written justification."), "override_reason")
    result.override_level = step.override_level
    result.override_reason = reason if step.override_level is not None else ""
    result.save()
    try:
        _recompute(assessment)
    except rules.RuleError as error:
        field = "override_level" if error.field.startswith("override") else None
        raise ServiceError(_override_message(error), field) from error
    assessment.lock_version = F("lock_version") + 1
    assessment.save()
    assessment.refresh_from_db()
    after_result = AspectResult.objects.get(assessment=assessment, aspect_code=aspect_code)
    audit.record(
        actor=actor,
        organisation=assessment.asset.organisation,
        action="assessment.step_saved",
        obj=assessment,
        before=before,
        after={**_result_snapshot(after_result), "aspect": aspect_code},
        object_repr=f"{assessment} {aspect_code}",
    )
    sync_asset(assessment.asset)
    return assessment


def _override_message(error: rules.RuleError) -> str:
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
    _recompute(assessment)
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
    assessment.review_due = rules.add_months(
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
    return assessment


# --- Initiatives ------------------------------------------------------------------------------


def _require_initiative_editor(actor: User, department: Department) -> None:
    if not access.can_view_department(actor, department) or not access.can_edit_initiatives(
        actor, department
    ):
        raise PermissionDenied(_("You may not change this department's initiatives."))


def _area(organisation, name: str | None) -> Area | None:
    name = (name or "").strip()
    if not name:
        return None
    area, _created = Area.objects.get_or_create(organisation=organisation, name=name)
    return area


def _check_initiative_code(initiative: Initiative) -> None:
    _check_code_free(initiative, _("Another initiative already has the code %(code)s."))


@transaction.atomic
def do_create_initiative(
    *,
    actor: User,
    department: Department,
    code: str,
    name: str,
    description: str = "",
    area: str = "",
) -> Initiative:
    _require_initiative_editor(actor, department)
    initiative = Initiative(
        organisation=department.organisation,
        department=department,
        code=(code or "").strip().upper(),
        name=(name or "").strip(),
        description=(description or "").strip(),
    )
    _full_clean(initiative, exclude=["organisation", "department", "area", "action_plan_catalogue"])
    _check_initiative_code(initiative)
    initiative.area = _area(department.organisation, area)
    initiative.action_plan_catalogue = frameworks.current_catalogue(department.organisation)
    initiative.save()
    figures_changed(initiative.organisation, initiative_ids=[initiative.pk])
    audit.record(
        actor=actor,
        organisation=initiative.organisation,
        action="initiative.created",
        obj=initiative,
        after=audit.snapshot(initiative, INITIATIVE_FIELDS),
    )
    return initiative


@transaction.atomic
def do_update_initiative(
    *,
    actor: User,
    initiative: Initiative,
    code: str,
    name: str,
    description: str = "",
    area: str = "",
) -> Initiative:
    _require_initiative_editor(actor, initiative.department)
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    before = audit.snapshot(initiative, INITIATIVE_FIELDS)
    initiative.code = (code or "").strip().upper()
    initiative.name = (name or "").strip()
    initiative.description = (description or "").strip()
    _full_clean(initiative, exclude=["organisation", "department", "area", "action_plan_catalogue"])
    _check_initiative_code(initiative)
    initiative.area = _area(initiative.organisation, area)
    after = audit.snapshot(initiative, INITIATIVE_FIELDS)
    if before != after:
        initiative.save()
        figures_changed(initiative.organisation, initiative_ids=[initiative.pk])
        audit.record(
            actor=actor,
            organisation=initiative.organisation,
            action="initiative.updated",
            obj=initiative,
            before=before,
            after=after,
        )
    return initiative


@transaction.atomic
def do_set_initiative_assets(
    *, actor: User, initiative: Initiative, assets: Iterable[InformationAsset]
) -> None:
    """The information the initiative handles; it may come from other departments, but the
    person linking it must be able to see it."""
    _require_initiative_editor(actor, initiative.department)
    wanted = {a.pk: a for a in assets}
    for asset in wanted.values():
        if asset.organisation_id != initiative.organisation_id or not access.can_view_department(
            actor, asset.department
        ):
            raise ServiceError(_("Choose information assets you can see."), "assets")
    current = set(
        InitiativeAsset.objects.filter(initiative=initiative).values_list("asset_id", flat=True)
    )
    added, removed = set(wanted) - current, current - set(wanted)
    if not added and not removed:
        return
    InitiativeAsset.objects.filter(initiative=initiative, asset_id__in=removed).delete()
    InitiativeAsset.objects.bulk_create(
        InitiativeAsset(initiative=initiative, asset_id=pk) for pk in sorted(added)
    )
    codes = dict(InformationAsset.objects.filter(pk__in=current | added).values_list("pk", "code"))
    figures_changed(initiative.organisation, initiative_ids=[initiative.pk])
    audit.record(
        actor=actor,
        organisation=initiative.organisation,
        action="initiative.assets_changed",
        obj=initiative,
        before={"assets": sorted(codes[pk] for pk in current)},
        after={"assets": sorted(codes[pk] for pk in set(wanted))},
    )


@transaction.atomic
def do_set_adjustment(
    *,
    actor: User,
    initiative: Initiative,
    aspect_code: str,
    level: int,
    reason: str,
    justification: str,
) -> Adjustment:
    from assessments import selectors

    _require_initiative_editor(actor, initiative.department)
    classification = selectors.initiative_classification(initiative)
    if aspect_code not in classification.aspects:
        raise ServiceError(_("Unknown aspect %(code)s.") % {"code": aspect_code}, "aspect_code")
    adjustment = rules.AdjustmentInput(aspect_code, level, reason, (justification or "").strip())
    try:
        rules.check_adjustment(
            adjustment,
            classification.aspects[aspect_code].computed,
            classification.tops[aspect_code],
            "adjustment",
        )
    except rules.RuleError as error:
        field = error.field.split(".")[-1]
        messages = {
            "justification": _("An adjustment needs a written justification."),
            "reason": _(
                "Only a documented distribution effect may lower the level below the inherited one."
            ),
            "level": _("Choose a level of the scale."),
        }
        raise ServiceError(messages.get(field, error.message), field) from error
    existing = Adjustment.objects.filter(initiative=initiative, aspect_code=aspect_code).first()
    before = (
        audit.snapshot(existing, ("aspect_code", "level", "reason", "justification"))
        if existing
        else None
    )
    obj, _created = Adjustment.objects.update_or_create(
        initiative=initiative,
        aspect_code=aspect_code,
        defaults={
            "level": level,
            "reason": reason,
            "justification": adjustment.justification,
            "created_by": actor,
        },
    )
    figures_changed(initiative.organisation, initiative_ids=[initiative.pk])
    audit.record(
        actor=actor,
        organisation=initiative.organisation,
        action="initiative.adjusted",
        obj=initiative,
        before=before,
        after=audit.snapshot(obj, ("aspect_code", "level", "reason", "justification")),
    )
    return obj


@transaction.atomic
def do_remove_adjustment(*, actor: User, initiative: Initiative, aspect_code: str) -> None:
    _require_initiative_editor(actor, initiative.department)
    existing = Adjustment.objects.filter(initiative=initiative, aspect_code=aspect_code).first()
    if existing is None:
        return
    before = audit.snapshot(existing, ("aspect_code", "level", "reason", "justification"))
    existing.delete()
    figures_changed(initiative.organisation, initiative_ids=[initiative.pk])
    audit.record(
        actor=actor,
        organisation=initiative.organisation,
        action="initiative.adjustment_removed",
        obj=initiative,
        before=before,
    )


@transaction.atomic
def do_set_requirement_status(
    *,
    actor: User,
    initiative: Initiative,
    requirement: Requirement,
    status: str,
    comment: str = "",
) -> RequirementStatus:
    _require_initiative_editor(actor, initiative.department)
    if requirement.catalogue_id != initiative.action_plan_catalogue_id:
        raise ServiceError(
            _("The requirement is not in this action plan's catalogue."), "requirement"
        )
    if status not in RequirementStatus.Status.values:
        raise ServiceError(_("Choose a status from the list."), "status")
    existing = RequirementStatus.objects.filter(
        initiative=initiative, requirement=requirement
    ).first()
    before = {"status": existing.status, "comment": existing.comment} if existing else None
    obj, _created = RequirementStatus.objects.update_or_create(
        initiative=initiative,
        requirement=requirement,
        defaults={"status": status, "comment": (comment or "").strip(), "updated_by": actor},
    )
    after = {"status": obj.status, "comment": obj.comment}
    if before != after:
        figures_changed(initiative.organisation, initiative_ids=[initiative.pk])
        audit.record(
            actor=actor,
            organisation=initiative.organisation,
            action="action_plan.status_set",
            obj=initiative,
            before=before,
            after={**after, "requirement": requirement.code},
            object_repr=f"{initiative.code} {requirement.code}",
        )
    return obj


# --- The organisation's classification model (scheme, questions, requirements) --------------

MIN_LEVELS, MAX_LEVELS = 2, 7


@dataclass(frozen=True)
class LevelText:
    ordinal: int
    name: dict[str, str]
    description: dict[str, str]


def _require_framework_manager(actor: User, organisation) -> None:
    if not access.can_manage_frameworks(actor, organisation):
        raise PermissionDenied(
            _("Only the information-security officer changes the classification model.")
        )


def _texts(value: Mapping[str, str] | None, field: str, required: bool = True) -> dict[str, str]:
    texts = {lang: (value or {}).get(lang, "").strip() for lang in ("sv", "en")}
    if required and not texts["sv"]:
        raise ServiceError(_("Enter the Swedish text."), f"{field}_sv")
    return texts


def _lock_organisation(organisation) -> None:
    # Serialises new versions: two officers saving at once get versions n+1 and n+2.
    type(organisation).objects.select_for_update().filter(pk=organisation.pk).first()


@transaction.atomic
def do_edit_aspect(
    *,
    actor: User,
    organisation,
    code: str,
    name: Mapping[str, str],
    description: Mapping[str, str],
    enabled: bool,
    levels: list[LevelText],
):
    """Rename an aspect, switch an optional one off or on, or change its levels — as a new
    version of the scheme; assessments keep the version they were made with."""
    _require_framework_manager(actor, organisation)
    _lock_organisation(organisation)
    current = frameworks.current_scheme(organisation)
    aspect = current.aspects.filter(code=code).first()
    if aspect is None:
        raise ServiceError(_("Unknown aspect %(code)s.") % {"code": code}, "code")
    if not enabled and not aspect.optional:
        raise ServiceError(_("%(code)s cannot be switched off.") % {"code": code}, "enabled")
    if not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
        raise ServiceError(
            _("An aspect has from %(min)s to %(max)s levels.")
            % {"min": MIN_LEVELS, "max": MAX_LEVELS},
            "level_count",
        )
    if sorted(lv.ordinal for lv in levels) != list(range(len(levels))):
        raise ServiceError(_("Levels are numbered 0, 1, 2 … without gaps."), "level_count")
    new_name = _texts(name, "name")
    new_description = _texts(description, "description", required=False)
    new_levels = [
        LevelText(
            lv.ordinal,
            _texts(lv.name, f"level_{lv.ordinal}_name"),
            _texts(lv.description, f"level_{lv.ordinal}_description", required=False),
        )
        for lv in sorted(levels, key=lambda lv: lv.ordinal)
    ]
    before = {
        "name": aspect.name,
        "enabled": aspect.enabled,
        "levels": [{"ordinal": lv.ordinal, "name": lv.name} for lv in aspect.levels.all()],
    }
    after = {
        "name": new_name,
        "enabled": enabled,
        "levels": [{"ordinal": lv.ordinal, "name": lv.name} for lv in new_levels],
    }
    if (
        before == after
        and aspect.description == new_description
        and all(
            old.description == new.description
            for old, new in zip(aspect.levels.all(), new_levels, strict=False)
        )
    ):
        return current
    new_scheme = frameworks.copy_scheme(current, actor=actor, note=f"{code}")
    copy = new_scheme.aspects.get(code=code)
    copy.name, copy.description, copy.enabled = new_name, new_description, enabled
    copy.save()
    old_levels = {lv.ordinal: lv for lv in copy.levels.all()}
    copy.levels.all().delete()
    from assessments.models import Level

    Level.objects.bulk_create(
        Level(
            aspect=copy,
            ordinal=lv.ordinal,
            name=lv.name,
            description=lv.description,
            consequences=old_levels[lv.ordinal].consequences if lv.ordinal in old_levels else {},
        )
        for lv in new_levels
    )
    # The scheme or catalogue every initiative is classified and planned with changed.
    figures_changed(organisation, everything=True)
    audit.record(
        actor=actor,
        organisation=organisation,
        action="scheme.version_created",
        obj=new_scheme,
        before={**before, "aspect": code, "version": current.version},
        after={**after, "aspect": code, "version": new_scheme.version},
        object_repr=f"{_('Scheme')} v{new_scheme.version} ({code})",
    )
    return new_scheme


@transaction.atomic
def do_save_requirement(
    *,
    actor: User,
    organisation,
    code: str,
    aspect_code: str,
    min_level: int,
    trigger: str,
    title: Mapping[str, str],
    is_text: Mapping[str, str],
    shall_text: Mapping[str, str],
    original_code: str | None = None,
):
    """Add or change a requirement as a new catalogue version; plans keep theirs."""
    _require_framework_manager(actor, organisation)
    _lock_organisation(organisation)
    code = (code or "").strip().upper()
    if not code:
        raise ServiceError(_("Enter a code."), "code")
    scheme = frameworks.load_scheme(frameworks.current_scheme(organisation))
    if aspect_code not in [a.code for a in scheme.scheme.aspects.all()]:
        raise ServiceError(_("Choose an aspect of the scheme."), "aspect_code")
    top = max(scheme.tops.values(), default=4)
    if not 0 <= min_level <= top:
        raise ServiceError(_("Choose a level of the scale."), "min_level")
    if trigger and trigger not in [
        t for t, _label in Requirement._meta.get_field("trigger").choices
    ]:
        raise ServiceError(_("Choose a legal trigger from the list."), "trigger")
    texts = {
        "title": _texts(title, "title"),
        "is_text": _texts(is_text, "is_text"),
        "shall_text": _texts(shall_text, "shall_text"),
    }
    current = frameworks.current_catalogue(organisation)
    existing = {r.code: r for r in current.requirements.all()}
    if original_code and original_code not in existing:
        raise ServiceError(_("Unknown requirement %(code)s.") % {"code": original_code}, "code")
    if code in existing and code != original_code:
        raise ServiceError(
            _("Another requirement already has the code %(code)s.") % {"code": code}, "code"
        )
    new = frameworks.copy_catalogue(current, actor=actor, note=code)
    fields = {
        "code": code,
        "aspect_code": aspect_code,
        "min_level": min_level,
        "trigger": trigger or "",
        **texts,
    }
    if original_code:
        new.requirements.filter(code=original_code).update(**fields)
    else:
        Requirement.objects.create(catalogue=new, **fields)
    before = None
    if original_code:
        old = existing[original_code]
        before = {
            "code": old.code,
            "aspect_code": old.aspect_code,
            "min_level": old.min_level,
            "trigger": old.trigger,
            "title": old.title,
        }
    # The scheme or catalogue every initiative is classified and planned with changed.
    figures_changed(organisation, everything=True)
    audit.record(
        actor=actor,
        organisation=organisation,
        action="catalogue.version_created",
        obj=new,
        before=before,
        after={k: fields[k] for k in ("code", "aspect_code", "min_level", "trigger", "title")},
        object_repr=f"{_('Requirement catalogue')} v{new.version} ({code})",
    )
    return new


@transaction.atomic
def do_move_action_plan_to_current_catalogue(*, actor: User, initiative: Initiative) -> Initiative:
    """Statuses carry over by requirement code; the old version's rows stay for history."""
    _require_initiative_editor(actor, initiative.department)
    current = frameworks.current_catalogue(initiative.organisation)
    old = initiative.action_plan_catalogue
    if old is not None and old.pk == current.pk:
        return initiative
    by_code = {
        s.requirement.code: s
        for s in RequirementStatus.objects.filter(
            initiative=initiative, requirement__catalogue=old
        ).select_related("requirement")
    }
    for requirement in current.requirements.filter(code__in=by_code):
        status = by_code[requirement.code]
        RequirementStatus.objects.update_or_create(
            initiative=initiative,
            requirement=requirement,
            defaults={"status": status.status, "comment": status.comment, "updated_by": actor},
        )
    initiative.action_plan_catalogue = current
    initiative.save(update_fields=["action_plan_catalogue", "updated_at"])
    figures_changed(initiative.organisation, initiative_ids=[initiative.pk])
    audit.record(
        actor=actor,
        organisation=initiative.organisation,
        action="action_plan.catalogue_changed",
        obj=initiative,
        before={"catalogue_version": old.version if old else None},
        after={"catalogue_version": current.version},
    )
    return initiative


@transaction.atomic
def do_edit_scheme_rules(
    *,
    actor: User,
    organisation,
    downtime_thresholds: list[tuple[Decimal | int, int]],
    legal_minimums: Mapping[str, Mapping[str, int | None]],
):
    """Change how tolerable downtime maps to availability levels and which minimum levels
    the legal triggers impose — as a new version of the scheme."""
    _require_framework_manager(actor, organisation)
    _lock_organisation(organisation)
    current = frameworks.current_scheme(organisation)
    tops = {
        a.code: max((lv.ordinal for lv in a.levels.all()), default=0) for a in current.aspects.all()
    }
    thresholds: list[list[Any]] = []
    for hours, level in downtime_thresholds:
        if hours is None:
            continue
        hours = Decimal(str(hours))
        if not hours.is_finite() or hours <= 0:
            raise ServiceError(_("Enter a number of hours above 0."), f"downtime_{level}")
        thresholds.append([float(hours) if hours != hours.to_integral() else int(hours), level])
    thresholds.sort(key=lambda t: t[0])
    # Shorter tolerable downtime must mean a higher level.
    levels_in_order = [level for _hours, level in thresholds]
    if levels_in_order != sorted(levels_in_order, reverse=True) or len(set(levels_in_order)) != len(
        levels_in_order
    ):
        raise ServiceError(
            _("A shorter tolerable downtime must give a higher level: check the hours."),
            f"downtime_{levels_in_order[0] if levels_in_order else 0}",
        )
    minimums: dict[str, dict[str, int]] = {}
    for trigger, per_aspect in legal_minimums.items():
        if trigger not in {t for t, _label in Requirement._meta.get_field("trigger").choices}:
            raise ServiceError(_("Unknown legal trigger."), f"minimum_{trigger}")
        for aspect, level in per_aspect.items():
            if level is None:
                continue
            if aspect not in tops:
                raise ServiceError(
                    _("Unknown aspect %(code)s.") % {"code": aspect}, f"minimum_{trigger}_{aspect}"
                )
            if not 0 <= level <= tops[aspect]:
                raise ServiceError(_("Choose a level of the scale."), f"minimum_{trigger}_{aspect}")
            if level > 0:
                minimums.setdefault(trigger, {})[aspect] = level
    if (
        thresholds == [list(t) for t in current.downtime_thresholds]
        and minimums == current.legal_minimums
    ):
        return current
    new = frameworks.copy_scheme(current, actor=actor, note="rules")
    new.downtime_thresholds = thresholds
    new.legal_minimums = minimums
    new.save(update_fields=["downtime_thresholds", "legal_minimums"])
    # The scheme or catalogue every initiative is classified and planned with changed.
    figures_changed(organisation, everything=True)
    audit.record(
        actor=actor,
        organisation=organisation,
        action="scheme.version_created",
        obj=new,
        before={
            "downtime_thresholds": current.downtime_thresholds,
            "legal_minimums": current.legal_minimums,
            "version": current.version,
        },
        after={
            "downtime_thresholds": thresholds,
            "legal_minimums": minimums,
            "version": new.version,
        },
        object_repr=f"{_('Scheme')} v{new.version}",
    )
    return new
