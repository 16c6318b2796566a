"""Keeps the stored figures in step with writes that bypass the services' announcements:
a model saved or deleted directly (the admin, a data fix, a loader, a test's factory).
The services also call ``klassa_app.derived.figures_changed`` for their set-based writes
(``QuerySet.update``, ``bulk_create``), which send no model signals. Either way the
refresh runs in the writer's transaction."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from assessments.models import (
    Adjustment,
    InformationAsset,
    Initiative,
    InitiativeAsset,
    RequirementStatus,
)
from klassa_app.derived import figures_changed
from klassa_app.models import Organisation


def _initiative_changed(initiative_id: int | None) -> None:
    if initiative_id is None:
        return
    organisation = Organisation.objects.filter(initiatives__pk=initiative_id).first()
    if organisation is not None:
        figures_changed(organisation, initiative_ids=[initiative_id])


def _initiative_saved(sender: Any, instance: Initiative, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        figures_changed(instance.organisation, initiative_ids=[instance.pk])


def _asset_saved(sender: Any, instance: InformationAsset, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        figures_changed(instance.organisation, asset_ids=[instance.pk])


def _asset_deleting(sender: Any, instance: InformationAsset, **kwargs: Any) -> None:
    # The links go with the asset: remember whom it concerned before they do (on the instance,
    # which post_delete receives next: an attribute the model does not declare).
    instance._linked_initiatives = list(  # type: ignore[attr-defined]
        InitiativeAsset.objects.filter(asset=instance).values_list("initiative_id", flat=True)
    )


def _asset_deleted(sender: Any, instance: InformationAsset, **kwargs: Any) -> None:
    if not _direct(instance, kwargs):
        return
    linked = getattr(instance, "_linked_initiatives", [])
    organisation = Organisation.objects.filter(pk=instance.organisation_id).first()
    if linked and organisation is not None:
        figures_changed(organisation, initiative_ids=linked)


def _direct(instance: Any, kwargs: dict[str, Any]) -> bool:
    """Whether a deletion was of this object (or of its kind, or of an asset) rather than a
    cascade from its initiative, department or organisation, which go away with it."""
    origin = kwargs.get("origin")
    if origin is None or origin is instance or isinstance(origin, InformationAsset):
        return True
    return isinstance(origin, QuerySet) and origin.model in (type(instance), InformationAsset)


def _part_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """An adjustment, a requirement status or a link of one initiative."""
    if not raw and _direct(instance, kwargs):
        _initiative_changed(instance.initiative_id)


def _links_changed(sender: Any, instance: Any, action: str, pk_set: Any, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Initiative):
        figures_changed(instance.organisation, initiative_ids=[instance.pk])
    elif isinstance(instance, InformationAsset):
        figures_changed(instance.organisation, initiative_ids=set(pk_set or ()))


def connect() -> None:
    post_save.connect(_initiative_saved, sender=Initiative, dispatch_uid="figures-initiative")
    post_save.connect(_asset_saved, sender=InformationAsset, dispatch_uid="figures-asset")
    pre_delete.connect(_asset_deleting, sender=InformationAsset, dispatch_uid="figures-asset-d")
    post_delete.connect(_asset_deleted, sender=InformationAsset, dispatch_uid="figures-asset-dd")
    for model in (Adjustment, RequirementStatus, InitiativeAsset):
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"figures-{model.__name__}")
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"figures-{model.__name__}-d")
    m2m_changed.connect(
        _links_changed, sender=Initiative.assets.through, dispatch_uid="figures-m2m"
    )
