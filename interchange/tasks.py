"""Background work of the register files and the spreadsheet exports: building a requested
export, running a requested import."""

from __future__ import annotations

from celery import shared_task

from interchange import register_export, register_import, spreadsheet_export
from interchange.models import RegisterExportJob, SpreadsheetExportJob
from klassa_app import jobs


@shared_task
def build_register_export(job_id: int) -> str:
    """Build a requested export of a whole register (safe to run twice)."""
    return jobs.run_file_job(
        RegisterExportJob,
        job_id,
        load=lambda pk: RegisterExportJob.objects.select_related("organisation").get(pk=pk),
        build=register_export.build_file,
    )


@shared_task
def requeue_stale_register_exports() -> int:
    """Send register exports again that were queued long ago but never started (the broker
    was down when they were requested), and give up on exports whose worker died."""
    return jobs.sweep_file_jobs(RegisterExportJob, build_register_export)


@shared_task
def build_spreadsheet_export(job_id: int) -> str:
    """Build a requested spreadsheet of a list page (safe to run twice)."""
    return jobs.run_file_job(
        SpreadsheetExportJob,
        job_id,
        load=lambda pk: SpreadsheetExportJob.objects.select_related(
            "organisation", "requested_by"
        ).get(pk=pk),
        build=spreadsheet_export.build_file,
    )


@shared_task
def requeue_stale_spreadsheet_exports() -> int:
    """Send spreadsheet exports again that were queued long ago but never started, and give
    up on exports whose worker died."""
    return jobs.sweep_file_jobs(SpreadsheetExportJob, build_spreadsheet_export)


@shared_task
def run_register_import(job_id: int) -> str:
    """Import a register document sent through the API (safe to run twice)."""
    return register_import.run_import(job_id)


@shared_task
def requeue_stale_register_imports() -> int:
    """Send register imports again that were queued long ago but never started, and give up
    on imports whose worker died."""
    return register_import.sweep_imports(run_register_import)
