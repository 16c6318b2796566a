"""Thin views for reports: request one, follow its progress, download it.

A report job of an initiative is visible to whoever can see the initiative; the minutes of a
consensus session only to the session's facilitator and participants and the organisation's
admins. Anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments import consensus, reports, selectors
from assessments.models import ReportJob
from klassa_app import job_views
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.viewhelpers import current_organisation

# The name the report views below read the organisation by.
_org = current_organisation


def _visible_job(request: HttpRequest, pk: int) -> ReportJob:
    session_id = (
        ReportJob.objects.filter(pk=pk, session__isnull=False)
        .values_list("session_id", flat=True)
        .first()
    )
    if session_id is not None:
        # The minutes of a session: its facilitator, participants and the organisation's
        # admins only (404 for a member of the same department who was not invited, too).
        session = consensus.get_minutes_session_for_user(request.user, _org(request), session_id)
        job = ReportJob.objects.get(pk=pk)
        job.session = session
        return job
    initiatives = selectors.visible_initiatives(request.user, _org(request))
    try:
        return ReportJob.objects.select_related("initiative").get(pk=pk, initiative__in=initiatives)
    except ReportJob.DoesNotExist as exc:
        raise Http404("No such report.") from exc


def _page_template(job: ReportJob) -> str:
    if job.session_id is not None:
        return "assessments/report_minutes_status.html"
    return "assessments/report_status.html"


def _page_context(job: ReportJob) -> dict[str, Any]:
    if job.session_id is None:
        return {"initiative": job.initiative}
    assessment = job.session.assessment
    return {
        "initiative": job.initiative,
        "session": job.session,
        "assessment": assessment,
        "asset": assessment.asset,
    }


REPORT_PAGES = job_views.JobPages(
    model=ReportJob,
    select=_visible_job,
    status_url="report_status",
    download_url="report_download",
    panel_id="report-job-status",
    page_template=_page_template,
    page_context=_page_context,
    progress_label=gettext_lazy("Progress of the report"),
    building_text=gettext_lazy("The report is being built; this page updates itself."),
)


@require_POST
def report_start(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in ReportJob.Kind.values:
        raise Http404("No such report.")
    initiative = selectors.get_visible_initiative(request.user, _org(request), pk)
    job = reports.do_request_report(
        actor=request.user,
        initiative=initiative,
        kind=kind,
        language=translation.get_language(),
    )
    return redirect("report_status", pk=job.pk)


@require_POST
def minutes_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Have the minutes of a consensus session built as PDF; follow it on the status page."""
    session = consensus.get_minutes_session_for_user(request.user, _org(request), pk)
    job = reports.do_request_minutes(
        actor=request.user, session=session, language=translation.get_language()
    )
    return redirect("report_status", pk=job.pk)


def report_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return job_views.job_status(request, pk, pages=REPORT_PAGES)


def report_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return job_views.job_download(request, pk, pages=REPORT_PAGES)
