"""Checks that services in several contexts make before they write, and the errors they raise:
who may edit an asset, whether a code is free, model validation, a stale version.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _

from assessments.models import (
    InformationAsset,
    Initiative,
)
from klassa_app import access
from klassa_app.models import Department, User
from klassa_app.services import ServiceError


class StaleVersion(ServiceError):
    """Someone saved in between; the caller shows the new state."""


def full_clean(obj: Any, exclude: list[str]) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(messages[0], field) from exc


def require_asset_editor(actor: User, department: Department) -> None:
    if not access.can_view_department(actor, department) or not access.can_edit_assets(
        actor, department
    ):
        raise PermissionDenied(_("You may not change this department's information assets."))


def check_code_free(obj: InformationAsset | Initiative, message: str) -> None:
    """Codes are the keys within an organisation (register files rely on them)."""
    clash = type(obj).objects.filter(organisation=obj.organisation, code=obj.code)
    if obj.pk:
        clash = clash.exclude(pk=obj.pk)
    if clash.exists():
        raise ServiceError(message % {"code": obj.code}, "code")
