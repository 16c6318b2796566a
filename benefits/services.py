"""Writes of benefit models: permission, validation through the document parser, audit."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from assessments.models import Initiative
from assessments.services import StaleVersion
from benefits import document as benefit_document
from benefits.models import BenefitModel
from benefits.permissions import can_edit_benefit_model
from klassa_app import audit
from klassa_app.models import User
from klassa_app.services import ServiceError


class BenefitModelInvalid(ServiceError):
    def __init__(self, errors: list[benefit_document.DocumentError]) -> None:
        super().__init__("; ".join(str(e) for e in errors[:5]), "document")
        self.errors = errors


def _changed_inputs(before: Any, after: Any, path: str = "") -> dict[str, list[Any]]:
    """Field path → [old, new] for every input that differs (for the audit trail)."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: dict[str, list[Any]] = {}
        for key in sorted(set(before) | set(after)):
            changes |= _changed_inputs(
                before.get(key), after.get(key), f"{path}.{key}" if path else key
            )
        return changes
    if isinstance(before, list) and isinstance(after, list):
        changes = {}
        for i in range(max(len(before), len(after))):
            old = before[i] if i < len(before) else None
            new = after[i] if i < len(after) else None
            changes |= _changed_inputs(old, new, f"{path}[{i}]")
        return changes
    return {} if before == after else {path: [before, after]}


@transaction.atomic
def do_save_benefit_model(
    *, actor: User, initiative: Initiative, document: Any, lock_version: int | None
) -> BenefitModel:
    """Validate the whole document (nothing is saved if any field is wrong), store it in its
    canonical form and record which inputs changed from what to what."""
    if not can_edit_benefit_model(actor, initiative):
        raise PermissionDenied(
            _("Only business owners, economists and admins edit benefit models.")
        )
    try:
        model = benefit_document.parse(document)
    except benefit_document.DocumentInvalid as error:
        raise BenefitModelInvalid(error.errors) from error
    canonical = benefit_document.to_document(model)
    existing = BenefitModel.objects.select_for_update().filter(initiative=initiative).first()
    if existing is not None and lock_version is not None and existing.lock_version != lock_version:
        raise StaleVersion(
            _(
                "Someone else saved this benefit model in the meantime. "
                "The page now shows their version."
            ),
            None,
        )
    before = existing.document if existing else None
    if existing is None:
        saved = BenefitModel.objects.create(
            initiative=initiative, document=canonical, updated_by=actor
        )
    else:
        if existing.document == canonical:
            return existing
        existing.document = canonical
        existing.updated_by = actor
        existing.lock_version = F("lock_version") + 1
        existing.save()
        existing.refresh_from_db()
        saved = existing
    audit.record(
        actor=actor,
        organisation=initiative.organisation,
        action="benefit_model.saved" if before else "benefit_model.created",
        obj=saved,
        before={"changed": _changed_inputs(before, canonical)} if before else None,
        after={"name": canonical.get("name"), "inputs": len(_changed_inputs({}, canonical))},
        object_repr=f"{initiative.code} {canonical.get('name', '')}",
    )
    return saved
