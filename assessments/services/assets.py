"""Creating and changing information assets, and keeping the asset's copy of its
classification (levels, status, review date) in step with its assessments.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import classification_rules
from assessments.models import (
    Assessment,
    InformationAsset,
)
from assessments.services.checks import check_code_free, full_clean, require_asset_editor
from assessments.services.results import recompute
from assessments.services.signatures import void_stale_signatures
from klassa_app import audit
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


def _check_asset_code(asset: InformationAsset) -> None:
    check_code_free(asset, _("Another information asset already has the code %(code)s."))


@transaction.atomic
def do_create_asset(*, actor: User, department: Department, **fields: Any) -> InformationAsset:
    require_asset_editor(actor, department)
    asset = InformationAsset(organisation=department.organisation, department=department)
    _apply_asset_fields(asset, {**fields, "department": department})
    full_clean(asset, exclude=["organisation", "department", "levels"])
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
    require_asset_editor(actor, asset.department)
    new_department = fields.get("department")
    if new_department is not None and new_department != asset.department:
        if new_department.organisation_id != asset.organisation_id:
            raise ServiceError(_("Choose a department of this organisation."), "department")
        require_asset_editor(actor, new_department)
    asset = InformationAsset.objects.select_for_update().get(pk=asset.pk)
    before = audit.snapshot(asset, ASSET_FIELDS)
    triggers_before = (asset.triggers, asset.protective_security)
    _apply_asset_fields(asset, fields)
    full_clean(asset, exclude=["organisation", "department", "levels"])
    _check_asset_code(asset)
    after = audit.snapshot(asset, ASSET_FIELDS)
    if before == after:
        return asset
    asset.save()
    if (asset.triggers, asset.protective_security) != triggers_before:
        try:
            legal_triggers_changed(asset)
        except classification_rules.RuleError as error:
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


def legal_triggers_changed(asset: InformationAsset) -> None:
    """New minimums for a version in progress; signatures on changed content are void; an
    approved classification becomes due for review now."""
    open_statuses = [
        Assessment.Status.DRAFT,
        Assessment.Status.IN_CONSENSUS,
        Assessment.Status.AWAITING_SIGNOFF,
    ]
    for open_version in asset.assessments.filter(status__in=open_statuses):
        recompute(open_version)
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
