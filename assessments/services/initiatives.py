"""Initiatives: creating and changing them, their linked assets, adjustments of levels and
their action plan (requirement statuses, moving to the current catalogue).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from assessments import classification_rules, frameworks, selectors
from assessments.models import (
    Adjustment,
    Area,
    InformationAsset,
    Initiative,
    InitiativeAsset,
    Requirement,
    RequirementStatus,
)
from assessments.services.checks import check_code_free, full_clean
from klassa_app import access, audit
from klassa_app.derived import figures_changed
from klassa_app.models import Department, User
from klassa_app.services import ServiceError

INITIATIVE_FIELDS = ("code", "name", "description", "department", "area")


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
    check_code_free(initiative, _("Another initiative already has the code %(code)s."))


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
    full_clean(initiative, exclude=["organisation", "department", "area", "action_plan_catalogue"])
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
    full_clean(initiative, exclude=["organisation", "department", "area", "action_plan_catalogue"])
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
    _require_initiative_editor(actor, initiative.department)
    classification = selectors.initiative_classification(initiative)
    if aspect_code not in classification.aspects:
        raise ServiceError(_("Unknown aspect %(code)s.") % {"code": aspect_code}, "aspect_code")
    adjustment = classification_rules.AdjustmentInput(
        aspect_code, level, reason, (justification or "").strip()
    )
    try:
        classification_rules.check_adjustment(
            adjustment,
            classification.aspects[aspect_code].computed,
            classification.tops[aspect_code],
            "adjustment",
        )
    except classification_rules.RuleError as error:
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
