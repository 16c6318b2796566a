"""The asset register as a spreadsheet: exactly the assets the asset list shows its reader for
the same filters (``selectors.asset_register``, scoped to their departments), with their
levels (the effective ones, as the list shows them), legal triggers, status, approval and
review dates and the initiatives that use each. Built in the background (see
``interchange.spreadsheet_export``); the headers are in the language active when it runs.

The rows are read in chunks, each with its initiatives in one more query: no query per row.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import frameworks, selectors
from assessments.models import Assessment, InformationAsset, Initiative, Trigger
from klassa_app import spreadsheet
from klassa_app.models import Organisation, User

CHUNK = 1000
FILTER_KEYS = ("q", "department_id", "status", "personal_data", "review", "sort")


def selector_filters(stored: Mapping[str, Any]) -> dict[str, Any]:
    """The filters of an export (as stored in JSON) as ``selectors.asset_register`` takes
    them: the keys the list page's form gives, nothing else."""
    return {key: stored[key] for key in FILTER_KEYS if stored.get(key) not in (None, "")}


def assets(
    user: User, organisation: Organisation | None, stored: Mapping[str, Any]
) -> QuerySet[InformationAsset]:
    """The list page's assets, with the date of the approval in force and the initiatives."""
    approved = Assessment.objects.filter(
        asset=OuterRef("pk"), status=Assessment.Status.APPROVED
    ).order_by("-version")
    return (
        selectors.asset_register(user, organisation, **selector_filters(stored))
        .annotate(approved_at=Subquery(approved.values("approved_at")[:1]))
        .prefetch_related(
            Prefetch(
                "initiatives",
                queryset=Initiative.objects.only("id", "code", "name").order_by("code"),
            )
        )
    )


def trigger_names(asset: InformationAsset) -> str:
    found = asset.triggers
    return ", ".join(str(trigger.label) for trigger in Trigger if trigger.value in found)


def _rows(queryset: QuerySet[InformationAsset], aspects: list[str]) -> Iterator[list[Any]]:
    for asset in queryset.iterator(chunk_size=CHUNK):
        levels = asset.levels or {}
        approved_at = getattr(asset, "approved_at", None)
        yield [
            asset.department.name,
            asset.code,
            asset.name,
            asset.description,
            asset.owner_role,
            asset.get_status_display(),
            *[levels.get(code) for code in aspects],
            trigger_names(asset),
            timezone.localdate(approved_at) if approved_at else None,
            asset.review_due,
            ", ".join(f"{i.code} {i.name}" for i in asset.initiatives.all()),
        ]


def asset_table(
    user: User, organisation: Organisation, stored: Mapping[str, Any]
) -> spreadsheet.Table:
    aspects = frameworks.load_scheme(frameworks.current_scheme(organisation)).codes
    columns = [
        spreadsheet.Column(_("Department"), width=28),
        spreadsheet.Column(_("Code"), width=12),
        spreadsheet.Column(_("Name"), width=32),
        spreadsheet.Column(_("Description"), width=40),
        spreadsheet.Column(_("Owner role"), width=24),
        spreadsheet.Column(_("Status"), width=16),
        *[spreadsheet.Column(code, spreadsheet.INTEGER, 5) for code in aspects],
        spreadsheet.Column(_("Legal triggers"), width=30),
        spreadsheet.Column(_("Approved on"), spreadsheet.DATE, 12),
        spreadsheet.Column(_("Review due"), spreadsheet.DATE, 12),
        spreadsheet.Column(_("Initiatives"), width=40),
    ]
    return spreadsheet.Table(
        _("Information assets"), columns, _rows(assets(user, organisation, stored), aspects)
    )
