"""Background work of the portfolio: building its exports (XLSX and the PDF board report),
solving the optimal selection and the optimal roadmap of a large portfolio."""

from __future__ import annotations

from celery import shared_task

from klassa_app import jobs
from portfolio import exports
from portfolio.models import PortfolioReportJob


def _load_export_job(job_id: int) -> PortfolioReportJob:
    return PortfolioReportJob.objects.select_related("organisation").get(pk=job_id)


def _build_export_file(job: PortfolioReportJob, progress) -> tuple[bytes, str]:
    portfolio = exports.compute_for_job(job)
    progress(50)
    return exports.build(job.kind, portfolio), job.kind


@shared_task
def build_portfolio_export(job_id: int) -> str:
    """Build a requested portfolio export (safe to run twice)."""
    return jobs.run_file_job(
        PortfolioReportJob, job_id, load=_load_export_job, build=_build_export_file
    )


@shared_task
def requeue_stale_portfolio_jobs() -> int:
    """Send exports again that were queued long ago but never started, and give up on
    exports whose worker died."""
    return jobs.sweep_file_jobs(PortfolioReportJob, build_portfolio_export)


@shared_task
def solve_portfolio_result(result_id: int) -> None:
    """The optimal selection (and, when requested, the frontier) of a stored result."""
    from portfolio import results

    results.solve(result_id)


@shared_task
def solve_pending_results() -> int:
    """Solve results and roadmaps whose task was lost (broker outage, worker restart)."""
    from portfolio import results, roadmap_results

    pending = results.pending_results()
    for result_id in pending:
        solve_portfolio_result.delay(result_id)
    roadmaps = roadmap_results.pending_roadmaps()
    for result_id in roadmaps:
        solve_roadmap.delay(result_id)
    return len(pending) + len(roadmaps)


@shared_task
def solve_roadmap(result_id: int) -> None:
    """The optimal plan of a stored roadmap (the ranking's plan is stored already)."""
    from portfolio import roadmap_results

    roadmap_results.solve(result_id, time_limit=roadmap_results.TASK_TIME_LIMIT)
