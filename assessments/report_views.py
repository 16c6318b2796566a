"""Thin views for reports: request one, follow its progress, download it.

A report job of an initiative is visible to whoever can see the initiative; the minutes of a
consensus session only to the session's facilitator and participants. Anyone else gets 404.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from assessments import consensus, reports, selectors
from assessments.models import ReportJob
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
        # The minutes of a session: its facilitator and participants only (404 for a member
        # of the same department who was not invited, too).
        session = consensus.get_session_for_user(request.user, _org(request), session_id)
        job = ReportJob.objects.get(pk=pk)
        job.session = session
        return job
    initiatives = selectors.visible_initiatives(request.user, _org(request))
    try:
        return ReportJob.objects.select_related("initiative").get(pk=pk, initiative__in=initiatives)
    except ReportJob.DoesNotExist as exc:
        raise Http404("No such report.") from exc


def progress_width_class(progress: int) -> str:
    """Bootstrap width utility for the progress bar (no style attributes under the CSP)."""
    if progress >= 100:
        return "w-100"
    if progress >= 75:
        return "w-75"
    if progress >= 50:
        return "w-50"
    if progress > 0:
        return "w-25"
    return ""


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
    session = consensus.get_session_for_user(request.user, _org(request), pk)
    job = reports.do_request_minutes(
        actor=request.user, session=session, language=translation.get_language()
    )
    return redirect("report_status", pk=job.pk)


@never_cache
@require_GET
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = _visible_job(request, pk)
    context = {
        "job": job,
        "initiative": job.initiative,
        "width_class": progress_width_class(job.progress),
    }
    if job.session_id is not None:
        page = "assessments/report_minutes_status.html"
        assessment = job.session.assessment
        context.update(session=job.session, assessment=assessment, asset=assessment.asset)
    else:
        page = "assessments/report_status.html"
    template = "assessments/report_status_panel.html" if request.htmx else page
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _visible_job(request, pk)
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404("The report is not ready.")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The report file is gone.") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=job.download_name, content_type=job.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response
