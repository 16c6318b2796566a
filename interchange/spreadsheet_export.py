"""Spreadsheet exports of three list pages, built in the background like every big file: the
asset register (``assessments.asset_export``), the initiative list
(``portfolio.initiative_export``) and the audit trail (``klassa_app.audit_export``).

- ``do_request_spreadsheet_export`` records the request with the page's filters (audited)
  and enqueues ``interchange.tasks.build_spreadsheet_export`` after commit;
- ``build_file`` is what the job runner calls: the rows the page's own selector gives the
  requester for those filters (so another department's rows never reach the file), as XLSX
  or CSV in the job's language;
- ``get_visible_job`` is the read that decides who follows and downloads: the requester only.

Who may export a list is who may read the page: every member the asset and initiative lists
(scoped to their departments), those who read the audit trail the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from assessments import asset_export
from assessments.reports import report_language
from interchange.models import SpreadsheetExportJob
from klassa_app import access, audit, audit_export, spreadsheet
from klassa_app.models import Organisation, User
from klassa_app.queue import enqueue
from klassa_app.services import ServiceError
from portfolio import initiative_export

Kind = SpreadsheetExportJob.Kind
Format = SpreadsheetExportJob.Format

# The filter keys each list's selector takes (the rest of a request is not kept).
FILTER_KEYS = {
    Kind.ASSETS: asset_export.FILTER_KEYS,
    Kind.INITIATIVES: initiative_export.FILTER_KEYS,
    Kind.AUDIT: audit_export.FILTER_KEYS,
}


def may_export(user: User, organisation: Organisation | None, kind: str) -> bool:
    """Whoever reads the page exports it: the audit trail its readers, the lists every
    member (each sees their departments' rows)."""
    if organisation is None:
        return False
    if kind == Kind.AUDIT:
        return access.can_view_audit(user, organisation)
    return access.is_member(user, organisation)


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def stored_filters(kind: str, filters: Mapping[str, Any]) -> dict[str, Any]:
    """The page's filters as kept with the job: the keys its selector takes, in JSON."""
    return {
        key: _json_value(filters[key])
        for key in FILTER_KEYS[Kind(kind)]
        if filters.get(key) not in (None, "")
    }


@transaction.atomic
def do_request_spreadsheet_export(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    file_format: str,
    filters: Mapping[str, Any],
    language: str | None,
) -> SpreadsheetExportJob:
    """Record a request for a list as a spreadsheet, with the filters the page had, and have
    it built in the background (after commit)."""
    if not may_export(actor, organisation, kind):
        if kind == Kind.AUDIT:
            raise PermissionDenied(
                _("Only admins, security officers and auditors read the audit trail.")
            )
        raise PermissionDenied(_("You are not a member of this organisation."))
    if kind not in Kind.values:
        raise ServiceError(_("Choose the information assets, the initiatives or the audit trail."))
    if file_format not in Format.values:
        raise ServiceError(_("Choose Excel or CSV."), "export_format")
    job = SpreadsheetExportJob.objects.create(
        organisation=organisation,
        kind=kind,
        format=file_format,
        filters=stored_filters(kind, filters),
        language=report_language(language),
        requested_by=actor,
    )
    audit.record(
        actor=actor,
        organisation=organisation,
        action="spreadsheet.export_requested",
        obj=job,
        after={
            "kind": kind,
            "format": file_format,
            "language": job.language,
            "filters": job.filters,
        },
        object_repr=f"{organisation.code} {kind} {file_format}",
    )
    enqueue("interchange.tasks.build_spreadsheet_export", job.pk)
    return job


def table_for(job: SpreadsheetExportJob) -> spreadsheet.Table:
    """The job's rows as its requester sees them now: their departments, the page's
    filters. A requester who may no longer read the page gets no file."""
    user = job.requested_by
    if user is None or not may_export(user, job.organisation, job.kind):
        raise PermissionDenied("The requester may no longer read this list.")
    if job.kind == Kind.ASSETS:
        return asset_export.asset_table(user, job.organisation, job.filters)
    if job.kind == Kind.INITIATIVES:
        return initiative_export.initiative_table(user, job.organisation, job.filters)
    return audit_export.audit_table(job.organisation, job.filters)


def build_file(job: SpreadsheetExportJob, progress: Callable[[int], None]) -> tuple[bytes, str]:
    table = table_for(job)
    progress(30)
    if job.format == Format.CSV:
        return spreadsheet.csv_bytes(table, decimal_comma=job.language.startswith("sv")), "csv"
    return spreadsheet.xlsx_bytes(table), "xlsx"


def get_visible_job(user: User, organisation: Organisation | None, pk: int) -> SpreadsheetExportJob:
    """The user's own export of the current organisation, while they may still read the
    list; 404 else (another person's export holds what they saw, not what this one sees)."""
    job = (
        SpreadsheetExportJob.objects.select_related("organisation")
        .filter(pk=pk, organisation=organisation, requested_by=user.pk)
        .first()
    )
    if job is None or not may_export(user, organisation, job.kind):
        raise Http404("No such export.")
    return job
