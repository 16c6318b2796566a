"""Register import (upload → preview → confirm) for admins and security officers, and export (built
in the background: start, follow, download).

The confirm step imports exactly the document that was previewed: the preview keeps it,
compressed, in the session together with its SHA-256, and the confirm form sends that hash
back. A 5 MB document does not fit in a hidden field (Django refuses form bodies above
DATA_UPLOAD_MAX_MEMORY_SIZE), and the session never leaves the server.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from interchange import register
from interchange import register_export as export_jobs
from interchange.models import RegisterExportJob
from klassa_app import access, job_views, jsonload
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.models import Organisation
from klassa_app.viewhelpers import current_organisation, permission_required

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
SESSION_KEY = "klassa_register_import"


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Register file"),
        help_text=gettext_lazy("A JSON file in the format klassa.register/1, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    document: dict[str, Any]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".json"):
            raise forms.ValidationError(
                _("Choose a .json file."), code="not_json", params={"name": upload.name}
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 5 MB."),
                code="too_large",
                params={"size": upload.size, "limit": MAX_UPLOAD_BYTES},
            )
        try:
            # Depth bounded, duplicate keys, NUL and lone surrogates refused (floats as before:
            # the preview keeps the document as JSON in the session).
            document = jsonload.load_document(upload.read(), decimals=False)
        except jsonload.JsonDocumentError as exc:
            if exc.code == jsonload.SYNTAX:
                raise forms.ValidationError(
                    _("The file is not valid JSON: %(error)s at line %(line)s, column %(column)s."),
                    code=exc.code,
                    params={"error": exc.detail, "line": exc.line, "column": exc.column},
                ) from exc
            raise forms.ValidationError(_(exc.template), code=exc.code, params=exc.params) from exc
        if not isinstance(document, dict) or document.get("format") != register.FORMAT:
            raise forms.ValidationError(
                _("The file is not a Klassa register: its format must be %(format)s."),
                code="wrong_format",
                params={"format": register.FORMAT},
            )
        self.document = document
        return upload


def _canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _remember(
    request: AuthenticatedHttpRequest, organisation: Organisation, document: dict[str, Any]
) -> str:
    raw = _canonical(document)
    digest = hashlib.sha256(raw).hexdigest()
    request.session[SESSION_KEY] = {
        "organisation": organisation.pk,
        "digest": digest,
        "document": base64.b64encode(zlib.compress(raw)).decode("ascii"),
    }
    return digest


def _recall(
    request: AuthenticatedHttpRequest, organisation: Organisation, digest: str
) -> dict[str, Any] | None:
    """The previewed document, if the confirm belongs to this organisation's last preview."""
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("organisation") != organisation.pk or not digest:
        return None
    if pending.get("digest") != digest:
        return None
    raw = zlib.decompress(base64.b64decode(pending["document"]))
    if hashlib.sha256(raw).hexdigest() != digest:
        return None
    return json.loads(raw)


def _kinds(summary: register.ImportSummary) -> list[tuple[str, register.KindSummary]]:
    labels = {
        "departments": _("Departments"),
        "information_assets": _("Information assets"),
        "initiatives": _("Initiatives"),
        "classifications": _("Classifications"),
    }
    return [(labels[kind], summary.kind(kind)) for kind in register.KINDS]


def _page(
    request: AuthenticatedHttpRequest, organisation: Organisation, **extra: Any
) -> dict[str, Any]:
    return {
        "form": RegisterUploadForm(),
        "organisation": organisation,
        "may_approve": access.can_approve_classifications(request.user, organisation),
        **extra,
    }


def _render(request: AuthenticatedHttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "interchange/register_import.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(
    # Admins and security officers; which classifications each may approve through a file
    # the preview checks with the same actor as the import.
    "klassa.import_register",
    message=gettext_lazy(
        "Only organisation admins and information-security officers import a register."
    ),
)
def register_import(request: AuthenticatedHttpRequest, organisation: Organisation) -> HttpResponse:
    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm(request, organisation)
    form = RegisterUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    context = _page(request, organisation, form=form)
    if request.method == "POST" and form.is_valid():
        try:
            # The same checks as the confirm, with the same actor: a refusal shows here.
            summary = register.preview(form.document, organisation, actor=request.user)
        except register.RegisterInvalid as invalid:
            context["errors"] = invalid.errors
        else:
            context.update(
                summary=summary,
                kinds=_kinds(summary),
                digest=_remember(request, organisation, form.document),
                file_name=form.cleaned_data["file"].name,
                form=RegisterUploadForm(),
            )
    return _render(request, context)


def _confirm(request: AuthenticatedHttpRequest, organisation: Organisation) -> HttpResponse:
    document = _recall(request, organisation, request.POST.get("digest", ""))
    if document is None:
        messages.error(request, _("The preview is no longer available. Upload the file again."))
        return redirect("register_import")
    try:
        summary = register.import_document(
            document, actor=request.user, organisation_code_expected=organisation.code
        )
    except register.RegisterInvalid as invalid:
        # The register changed since the preview in a way that makes the file invalid.
        request.session.pop(SESSION_KEY, None)
        return _render(
            request,
            _page(request, organisation, errors=invalid.errors),
        )
    request.session.pop(SESSION_KEY, None)
    totals = {"created": 0, "updated": 0, "unchanged": 0}
    for _label, kind in _kinds(summary):
        for key, count in kind.counts().items():
            totals[key] += count
    messages.success(
        request,
        _("Register imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        % totals,
    )
    return redirect("register_import")


@require_http_methods(["GET", "POST"])
def register_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the page that starts an export and lists the user's latest; POST: start one. The
    file is built in the background, however large the register."""
    organisation = current_organisation(request)
    if not export_jobs.may_export(request.user, organisation):
        raise PermissionDenied(
            _("Only admins, security officers and auditors export the register.")
        )
    assert organisation is not None
    if request.method == "POST":
        job = export_jobs.do_request_register_export(
            actor=request.user, organisation=organisation, language=translation.get_language()
        )
        return redirect("register_export_status", pk=job.pk)
    context = {
        "organisation": organisation,
        "jobs": export_jobs.recent_jobs(request.user, organisation),
    }
    return render(request, "interchange/register_export.html", context)


def _visible_export(request: AuthenticatedHttpRequest, pk: int) -> RegisterExportJob:
    return export_jobs.get_visible_job(request.user, current_organisation(request), pk)


EXPORT_PAGES = job_views.JobPages(
    model=RegisterExportJob,
    select=_visible_export,
    status_url="register_export_status",
    download_url="register_export_download",
    panel_id="register-export-status",
    page_template="interchange/register_export_status.html",
    progress_label=gettext_lazy("Progress of the export"),
    building_text=gettext_lazy("The export is being built; this page updates itself."),
    noun="export",
)


def register_export_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return job_views.job_status(request, pk, pages=EXPORT_PAGES)


def register_export_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return job_views.job_download(request, pk, pages=EXPORT_PAGES)
