"""The spreadsheet exports of the asset list, the initiative list and the audit trail: each
page's "Export to Excel" button posts the page's filters here, the file is built in the
background, and its requester follows and downloads it (``klassa_app.job_views``).

The filters are read with the page's own filter form, so the file holds what the page shows.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.forms import AssetFilterForm, InitiativeFilterForm
from interchange import spreadsheet_export
from interchange.models import SpreadsheetExportJob
from klassa_app import access, job_views
from klassa_app import selectors as core_selectors
from klassa_app.forms import AuditFilterForm
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.models import Organisation
from klassa_app.services import ServiceError
from klassa_app.viewhelpers import current_organisation, member_organisation

Kind = SpreadsheetExportJob.Kind
# The page each kind exports.
LIST_URLS = {
    Kind.ASSETS: "asset_list",
    Kind.INITIATIVES: "initiative_list",
    Kind.AUDIT: "audit_log",
}
# Sent with the filters; not a filter.
NOT_FILTERS = {"csrfmiddlewaretoken", "export_format", "page"}


def filter_form(
    kind: str, request: AuthenticatedHttpRequest, organisation: Organisation
) -> forms.Form:
    """The page's filter form, bound to the filters the button sent."""
    data = request.POST
    if kind == Kind.AUDIT:
        return AuditFilterForm(data, actions=core_selectors.audit_actions())
    departments = access.visible_departments(request.user, organisation).order_by("name")
    if kind == Kind.INITIATIVES:
        return InitiativeFilterForm(data, departments=departments, organisation=organisation)
    return AssetFilterForm(data, departments=departments)


def _back(kind: str, request: AuthenticatedHttpRequest) -> str:
    """The page with the filters it had."""
    query = [
        (key, value)
        for key, values in request.POST.lists()
        if key not in NOT_FILTERS
        for value in values
    ]
    url = reverse(LIST_URLS[Kind(kind)])
    return f"{url}?{urlencode(query)}" if query else url


def _first_error(form: forms.Form) -> str:
    name = next(iter(form.errors))
    field = form.fields.get(name)
    label = field.label if field is not None and field.label else name
    return _("Check the filter “%(field)s” before exporting: %(error)s") % {
        "field": label,
        "error": " ".join(str(error) for error in form.errors[name]),
    }


@require_POST
def spreadsheet_export_start(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """Start the export of a list page with the filters the page had (``export_format``:
    xlsx, the default, or csv)."""
    if kind not in Kind.values:
        raise Http404("No such list.")
    organisation = member_organisation(request)
    if not spreadsheet_export.may_export(request.user, organisation, kind):
        raise PermissionDenied(
            _("Only admins, security officers and auditors read the audit trail.")
        )
    form = filter_form(kind, request, organisation)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect(_back(kind, request))
    filters: dict[str, Any] = form.selector_filters()  # type: ignore[attr-defined]
    try:
        job = spreadsheet_export.do_request_spreadsheet_export(
            actor=request.user,
            organisation=organisation,
            kind=kind,
            file_format=request.POST.get("export_format") or SpreadsheetExportJob.Format.XLSX,
            filters=filters,
            language=translation.get_language(),
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(_back(kind, request))
    return redirect("spreadsheet_export_status", pk=job.pk)


def _visible_export(request: AuthenticatedHttpRequest, pk: int) -> SpreadsheetExportJob:
    return spreadsheet_export.get_visible_job(request.user, current_organisation(request), pk)


def _page_context(job: SpreadsheetExportJob) -> dict[str, Any]:
    return {"list_url": reverse(LIST_URLS[Kind(job.kind)])}


EXPORT_PAGES = job_views.JobPages(
    model=SpreadsheetExportJob,
    select=_visible_export,
    status_url="spreadsheet_export_status",
    download_url="spreadsheet_export_download",
    panel_id="spreadsheet-export-status",
    page_template="interchange/spreadsheet_export_status.html",
    progress_label=gettext_lazy("Progress of the export"),
    building_text=gettext_lazy("The export is being built; this page updates itself."),
    page_context=_page_context,
    noun="export",
)


def spreadsheet_export_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return job_views.job_status(request, pk, pages=EXPORT_PAGES)


def spreadsheet_export_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return job_views.job_download(request, pk, pages=EXPORT_PAGES)
