"""The background import of a register document (the API's import; the web page imports
after its preview, in the request).

- ``do_request_register_import`` checks who asks and the whole document against the
  database (``RegisterInvalid`` with every error, nothing recorded), records the job
  (audited) and enqueues ``interchange.tasks.run_register_import`` after commit;
- ``run_import`` is what the task calls: the import of ``interchange.importer`` with the
  person who sent the document as its actor, so the import applies the same rules as the
  web import (it checks the right to import, and approvals, again when it runs);
- ``get_visible_import`` decides who follows a job: those who may import into the
  organisation; ``sweep_imports`` sends lost jobs again, ``oldest_queued_import`` tells
  /healthz how long the oldest has waited.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Min
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.reports import report_language
from interchange import register
from interchange.models import RegisterImportJob
from klassa_app import access, audit
from klassa_app.models import Organisation, User
from klassa_app.queue import enqueue

logger = logging.getLogger(__name__)

TASK = "interchange.tasks.run_register_import"
# Queued longer than this: probably never sent (broker down), so send it again.
STALE_QUEUED = timedelta(minutes=10)
# Running longer than this: the worker died (the hard time limit is far shorter).
STUCK_RUNNING = timedelta(minutes=30)
SWEEP_BATCH = 200


def may_import(user: User, organisation: Organisation | None) -> bool:
    return organisation is not None and access.can_import_register(user, organisation)


def refusal() -> str:
    return _("Only organisation admins and information-security officers import a register.")


@transaction.atomic
def do_request_register_import(
    *, actor: User, organisation: Organisation, document: Any, language: str | None
) -> RegisterImportJob:
    """Check the document and have it imported in the background (after commit).
    ``PermissionDenied`` for someone who may not import, ``RegisterInvalid`` (nothing
    recorded) for a document with errors or one for another organisation."""
    if not may_import(actor, organisation):
        raise PermissionDenied(refusal())
    errors = register.validate(document, organisation_code_expected=organisation.code)
    if errors:
        raise register.RegisterInvalid(errors)
    job = RegisterImportJob.objects.create(
        organisation=organisation,
        requested_by=actor,
        language=report_language(language),
        document=document,
    )
    audit.record(
        actor=actor,
        organisation=organisation,
        action="register.import_requested",
        obj=job,
        after={"language": job.language},
        object_repr=f"{organisation.code} register import",
    )
    enqueue(TASK, job.pk)
    return job


def _finish(job_id: int, **fields: Any) -> None:
    RegisterImportJob.objects.filter(pk=job_id).update(
        finished_at=timezone.now(), document={}, **fields
    )


def run_import(job_id: int) -> str:
    """Claim the queued job and import its document; returns "done", "failed" or "skipped"
    (a job already claimed: a task delivered twice does no harm)."""
    status = RegisterImportJob.Status
    claimed = RegisterImportJob.objects.filter(pk=job_id, status=status.QUEUED).update(
        status=status.RUNNING, started_at=timezone.now(), message=""
    )
    if not claimed:
        return "skipped"
    job = RegisterImportJob.objects.select_related("organisation", "requested_by").get(pk=job_id)
    with translation.override(job.language):
        actor = job.requested_by
        if actor is None or not may_import(actor, job.organisation):
            # Without an actor the importer would act as the command, which may do anything.
            _finish(job_id, status=status.FAILED, message=refusal())
            return "failed"
        try:
            summary = register.import_document(
                job.document, actor=actor, organisation_code_expected=job.organisation.code
            )
        except register.RegisterInvalid as invalid:
            errors = [{"path": e.path, "message": e.localized} for e in invalid.errors]
            _finish(
                job_id,
                status=status.FAILED,
                errors=errors,
                message=_("The register has errors; nothing was imported."),
            )
            return "failed"
        except PermissionDenied as refused:
            _finish(job_id, status=status.FAILED, message=str(refused) or refusal())
            return "failed"
        except Exception:
            logger.exception("Register import %s failed.", job_id)
            _finish(
                job_id,
                status=status.FAILED,
                message=_(
                    "The import could not be run; nothing was imported. Try again; if it "
                    "fails again, tell your support."
                ),
            )
            return "failed"
    _finish(job_id, status=status.DONE, result=summary.counts())
    return "done"


def sweep_imports(task: Any) -> int:
    """Send again imports queued long ago but never started; fail imports whose worker
    died (the import runs in one transaction, so nothing of it was kept). Returns how many
    were sent again."""
    status = RegisterImportJob.Status
    now = timezone.now()
    ids = list(
        RegisterImportJob.objects.filter(status=status.QUEUED, created_at__lt=now - STALE_QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for job_id in ids:
        task.delay(job_id)
    stuck = RegisterImportJob.objects.filter(
        status=status.RUNNING, started_at__lt=now - STUCK_RUNNING
    ).only("pk", "language")
    for job in stuck:
        with translation.override(job.language):
            message = _("The import took too long and was stopped; nothing was imported.")
        RegisterImportJob.objects.filter(pk=job.pk, status=status.RUNNING).update(
            status=status.FAILED, message=message, finished_at=now, document={}
        )
    return len(ids)


def oldest_queued_import(organisation: Organisation | None) -> datetime | None:
    """A queue probe (``KLASSA_QUEUE_PROBES``): the oldest import not yet started."""
    jobs = RegisterImportJob.objects.filter(status=RegisterImportJob.Status.QUEUED)
    if organisation is not None:
        jobs = jobs.filter(organisation=organisation)
    return jobs.aggregate(oldest=Min("created_at"))["oldest"]


def get_visible_import(user: User, organisation: Organisation | None, pk: int) -> RegisterImportJob:
    """An import into the current organisation, for someone who may import into it; 404
    else."""
    if not may_import(user, organisation):
        raise Http404("No such import.")
    job = (
        RegisterImportJob.objects.select_related("organisation")
        .defer("document")
        .filter(pk=pk, organisation=organisation)
        .first()
    )
    if job is None:
        raise Http404("No such import.")
    return job
