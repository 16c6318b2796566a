"""The register document ``klassa.register/1`` (docs/formats/register.md): export and import,
both as background jobs, since a register may be large.

- Export: ``POST /register/exports`` starts the same export as the page (admins, security
  officers and organisation-wide auditors; ``interchange.register_export``) and answers 202
  with the job's id and status URL; ``GET /register/exports/{export_id}`` tells its status
  and, once done, the URL of the document, ``GET /register/exports/{export_id}/document``.
- Import: ``POST /register/imports`` with a register document checks it first (422 with the
  path of every error, nothing changed), then imports it in the background with the caller
  as the actor, under the same rules as the import page (admins and security officers;
  ``interchange.register_import``); ``GET /register/imports/{import_id}`` tells its status
  and, once done, the counts created, updated and unchanged, or the errors that refused it.

Another organisation's job, or a job of a kind the caller may not start, does not exist
for them (404).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status

from api.common import (
    MAX_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorItem,
    ErrorOut,
    caller,
    organisation_of,
)
from interchange import register
from interchange import register_export as export_jobs
from interchange import register_import as import_jobs
from interchange.models import RegisterExportJob, RegisterImportJob
from interchange.register_views import MAX_UPLOAD_BYTES
from klassa_app import jsonload

router = Router(tags=["register"])

JobStatus = Literal["queued", "running", "done", "failed"]


class JobStartedOut(Schema):
    id: int
    status: JobStatus
    status_url: str


class ExportOut(Schema):
    id: int
    status: JobStatus
    progress: int
    message: str
    created_at: datetime
    finished_at: datetime | None
    # Once done: where the document is read.
    document_url: str | None


class KindCountsOut(Schema):
    created: int
    updated: int
    unchanged: int


class ImportResultOut(Schema):
    organisation: str
    organisation_created: bool
    departments: KindCountsOut
    information_assets: KindCountsOut
    initiatives: KindCountsOut
    classifications: KindCountsOut


class ImportOut(Schema):
    id: int
    status: JobStatus
    message: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    # Once done: what the import changed.
    result: ImportResultOut | None
    # When the import refused the document: every error with its path in the document.
    errors: list[ErrorItem]


def _export_out(job: RegisterExportJob) -> dict[str, Any]:
    done = job.status == RegisterExportJob.Status.DONE and bool(job.file)
    return {
        "id": job.pk,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "document_url": (
            reverse("api-v1:register_export_document", kwargs={"export_id": job.pk})
            if done
            else None
        ),
    }


def _import_out(job: RegisterImportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "status": job.status,
        "message": job.message,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "result": job.result or None,
        "errors": [
            {"field": _body_path(error.get("path", "")), "message": error.get("message", "")}
            for error in job.errors or []
        ],
    }


def _body_path(path: str) -> str:
    """A path in the document (``initiatives[3].name``) as a path in the request."""
    if not path or path == "document":
        return "body"
    return f"body{path}" if path.startswith("[") else f"body.{path}"


def _refused(status: int, detail: str, errors: list[dict[str, str]]) -> HttpResponse:
    """An error answer in the API's format, with every error of a document."""
    return JsonResponse({"detail": detail, "errors": errors}, status=status)


ExportId = Path(..., ge=1, le=MAX_ID, description="The export's id.")
ImportId = Path(..., ge=1, le=MAX_ID, description="The import's id.")
# As the import page: a register document of at most 5 MB.
MAX_DOCUMENT_BYTES = MAX_UPLOAD_BYTES


@router.post("/register/exports", response={202: JobStartedOut, **WRITE_ERRORS})
def request_register_export(request: HttpRequest) -> Any:
    """Start an export of the organisation's whole register (admins, security officers,
    organisation-wide auditors). Follow it at ``status_url``."""
    job = export_jobs.do_request_register_export(
        actor=caller(request),
        organisation=organisation_of(request),
        language=translation.get_language(),
    )
    url = reverse("api-v1:register_export", kwargs={"export_id": job.pk})
    return Status(202, {"id": job.pk, "status": job.status, "status_url": url})


@router.get("/register/exports/{export_id}", response={200: ExportOut, **READ_ERRORS})
def register_export(request: HttpRequest, export_id: int = ExportId) -> Any:
    """An export's status: queued, running, done (with ``document_url``) or failed."""
    job = export_jobs.get_visible_job(caller(request), organisation_of(request), export_id)
    return _export_out(job)


@router.get(
    "/register/exports/{export_id}/document",
    response={200: dict[str, Any], **READ_ERRORS},
)
def register_export_document(request: HttpRequest, export_id: int = ExportId) -> Any:
    """The exported ``klassa.register/1`` document, once the export is done (404 before)."""
    job = export_jobs.get_visible_job(caller(request), organisation_of(request), export_id)
    if job.status != RegisterExportJob.Status.DONE or not job.file:
        raise Http404("The export is not ready.")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The export file is gone.") from exc
    response = FileResponse(handle, filename=job.download_name, content_type=job.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/register/imports",
    response={202: JobStartedOut, 413: ErrorOut, **WRITE_ERRORS},
    # The body is read here, not by the framework: a register may be as large as the import
    # page allows (5 MB), above the limit of ordinary request bodies.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "description": "A `klassa.register/1` document of the caller's "
                        "organisation (docs/formats/register.md), at most 5 MB.",
                    }
                }
            },
        }
    },
)
def request_register_import(request: HttpRequest) -> Any:
    """Check a register document and import it in the background (organisation admins and
    information-security officers). A document with errors is refused with 422 and the
    path of every error in ``errors[].field`` (``body.initiatives[3].name``); nothing is
    changed or queued. Follow the import at ``status_url``."""
    organisation = organisation_of(request)
    if not import_jobs.may_import(caller(request), organisation):
        # Before reading the document: someone who may not import learns nothing from it.
        return _refused(403, import_jobs.refusal(), [])
    raw = request.read(MAX_DOCUMENT_BYTES + 1)
    if len(raw) > MAX_DOCUMENT_BYTES:
        message = _("The file is larger than 5 MB.")
        return _refused(413, message, [{"field": "body", "message": message}])
    try:
        # As the import page reads a file: nesting bounded, duplicate keys, NUL characters
        # and lone surrogates refused.
        document = jsonload.load_document(raw, decimals=False)
    except jsonload.JsonDocumentError as error:
        field = _body_path(error.path) if error.path else "body"
        return _refused(400, error.localized, [{"field": field, "message": error.localized}])
    if not isinstance(document, dict):
        message = _("The file is not a Klassa register: its format must be %(format)s.") % {
            "format": register.FORMAT
        }
        return _refused(422, message, [{"field": "body", "message": message}])
    try:
        job = import_jobs.do_request_register_import(
            actor=caller(request),
            organisation=organisation,
            document=document,
            language=translation.get_language(),
        )
    except register.RegisterInvalid as invalid:
        return _refused(
            422,
            _("The register has errors; nothing was imported."),
            [
                {"field": _body_path(error.path), "message": error.localized}
                for error in invalid.errors
            ],
        )
    url = reverse("api-v1:register_import", kwargs={"import_id": job.pk})
    return Status(202, {"id": job.pk, "status": job.status, "status_url": url})


@router.get("/register/imports/{import_id}", response={200: ImportOut, **READ_ERRORS})
def register_import(request: HttpRequest, import_id: int = ImportId) -> Any:
    """An import's status: queued, running, done (with the counts in ``result``) or failed
    (with ``message`` and, for a document the import refused, ``errors``)."""
    job = import_jobs.get_visible_import(caller(request), organisation_of(request), import_id)
    return _import_out(job)
