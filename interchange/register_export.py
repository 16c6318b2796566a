"""The web export of a whole register, built in the background like every big file.

- ``do_request_register_export`` records the request (audited) and enqueues
  ``interchange.tasks.build_register_export`` after commit;
- ``build_file`` is what the job runner calls: the ``klassa.register/1`` document of
  ``interchange.exporter.export_document``, as the JSON that ``import_register`` reads;
- ``get_visible_job`` / ``recent_jobs`` are the reads that decide who follows and downloads.

``./dev manage export_register`` prints the same document directly.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from assessments.reports import report_language
from interchange import register
from interchange.models import RegisterExportJob
from klassa_app import access, audit
from klassa_app.models import Organisation, User
from klassa_app.queue import enqueue

RECENT_JOBS = 5


def may_export(user: User, organisation: Organisation | None) -> bool:
    """Those who read the audit trail read the whole register: admins, security officers,
    organisation-wide auditors."""
    return organisation is not None and access.can_view_audit(user, organisation)


@transaction.atomic
def do_request_register_export(
    *, actor: User, organisation: Organisation, language: str | None
) -> RegisterExportJob:
    """Record a request for the organisation's register and have it built in the background
    (after commit)."""
    if not may_export(actor, organisation):
        raise PermissionDenied(
            _("Only admins, security officers and auditors export the register.")
        )
    job = RegisterExportJob.objects.create(
        organisation=organisation, language=report_language(language), requested_by=actor
    )
    audit.record(
        actor=actor,
        organisation=organisation,
        action="register.export_requested",
        obj=job,
        after={"language": job.language},
        object_repr=f"{organisation.code} register",
    )
    enqueue("interchange.tasks.build_register_export", job.pk)
    return job


def build_file(job: RegisterExportJob, progress: Callable[[int], None]) -> tuple[bytes, str]:
    document = register.export_document(job.organisation)
    progress(60)
    body = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return body.encode("utf-8"), "json"


def get_visible_job(user: User, organisation: Organisation | None, pk: int) -> RegisterExportJob:
    """An export of the current organisation for someone who may export it; 404 else."""
    if not may_export(user, organisation):
        raise Http404("No such export.")
    job = (
        RegisterExportJob.objects.select_related("organisation")
        .filter(pk=pk, organisation=organisation)
        .first()
    )
    if job is None:
        raise Http404("No such export.")
    return job


def recent_jobs(user: User, organisation: Organisation) -> QuerySet[RegisterExportJob]:
    """The user's own latest exports of this organisation, newest first."""
    return (
        RegisterExportJob.objects.select_related("organisation")
        .filter(organisation=organisation, requested_by=user)
        .order_by("-created_at", "-pk")[:RECENT_JOBS]
    )
