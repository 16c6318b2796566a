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
from benefits.models import BenefitModel, BenefitModelVersion
from benefits.permissions import can_edit_benefit_model
from klassa_app import audit
from klassa_app.models import User
from klassa_app.services import ServiceError


class BenefitModelInvalid(ServiceError):
    def __init__(self, errors: list[benefit_document.DocumentError]) -> None:
        super().__init__("; ".join(str(e) for e in errors[:5]), "document")
        self.errors = errors


class BenefitModelCollision(StaleVersion):
    """The model was saved by someone else since ``base_version``. Carries what a merge
    needs: the submitted document (``mine``, canonical), the saved one (``theirs``) and the
    version mine started from (``base``, None when that version is not kept)."""

    def __init__(
        self,
        *,
        mine: dict[str, Any],
        theirs: dict[str, Any],
        theirs_version: int,
        base: dict[str, Any] | None,
        base_version: int,
    ) -> None:
        super().__init__(
            _(
                "Someone else saved this benefit model in the meantime. "
                "The page now shows their version."
            ),
            None,
        )
        self.mine = mine
        self.theirs = theirs
        self.theirs_version = theirs_version
        self.base = base
        self.base_version = base_version


# Audit actions of a save that resolved a collision (``resolution``).
RESOLUTIONS = {"merged": "benefit_model.merged", "overwritten": "benefit_model.overwritten"}


def get_version_document(model: BenefitModel, lock_version: int) -> dict[str, Any] | None:
    """The document as saved at ``lock_version``; None when that version is not kept (a
    model saved before versions were kept, or written by a bulk import)."""
    if model.lock_version == lock_version:
        return model.document
    version = (
        BenefitModelVersion.objects.filter(benefit_model=model, lock_version=lock_version)
        .only("document")
        .first()
    )
    return version.document if version is not None else None


def _keep_version(model: BenefitModel, actor: User | None) -> None:
    BenefitModelVersion.objects.get_or_create(
        benefit_model=model,
        lock_version=model.lock_version,
        defaults={"document": model.document, "saved_by": actor},
    )


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
    *,
    actor: User,
    initiative: Initiative,
    document: Any,
    lock_version: int | None,
    resolution: str | None = None,
    merge_summary: dict[str, int] | None = None,
) -> BenefitModel:
    """Validate the whole document (nothing is saved if any field is wrong), store it in its
    canonical form, keep it as a version and record which inputs changed from what to what.

    A save based on an older ``lock_version`` raises ``BenefitModelCollision``. The save
    that resolves one names its ``resolution`` ("merged" or "overwritten", with the counts
    of ``merge_summary`` for the audit trail) and passes the version it was resolved
    against."""
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
        raise BenefitModelCollision(
            mine=canonical,
            theirs=existing.document,
            theirs_version=existing.lock_version,
            base=get_version_document(existing, lock_version),
            base_version=lock_version,
        )
    before = existing.document if existing else None
    if existing is None:
        saved = BenefitModel.objects.create(
            initiative=initiative, document=canonical, updated_by=actor
        )
    else:
        if existing.document == canonical:
            return existing
        # A model written without versions (an import, a loader) keeps the one it replaces.
        _keep_version(existing, existing.updated_by)
        existing.document = canonical
        existing.updated_by = actor
        existing.lock_version = F("lock_version") + 1
        existing.save()
        existing.refresh_from_db()
        saved = existing
    _keep_version(saved, actor)
    action = "benefit_model.saved" if before else "benefit_model.created"
    after: dict[str, Any] = {
        "name": canonical.get("name"),
        "inputs": len(_changed_inputs({}, canonical)),
    }
    if resolution is not None:
        action = RESOLUTIONS[resolution]
        after |= {"resolved_against": lock_version, **(merge_summary or {})}
    audit.record(
        actor=actor,
        organisation=initiative.organisation,
        action=action,
        obj=saved,
        before={"changed": _changed_inputs(before, canonical)} if before else None,
        after=after,
        object_repr=f"{initiative.code} {canonical.get('name', '')}",
    )
    return saved
