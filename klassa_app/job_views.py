"""The status page, its polling panel and the download of a file built in the background, one
way for every kind of job (reports, register exports, portfolio exports).

Each app describes its kind once in a ``JobPages`` (the model, the selector that finds the job
the user may see, the URL names and the labels) and its views become one call each, so the
URLs keep their paths and names. The selector raises 404 for a job out of sight: another
department's or organisation's, or a session the user did not take part in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from klassa_app.http import AuthenticatedHttpRequest

PANEL_TEMPLATE = "klassa/_job_panel.html"


@dataclass(frozen=True)
class JobPages:
    """What differs between the kinds of job: everything else is shared."""

    model: type[models.Model]
    # The job ``pk`` if the user may see it; raises Http404 otherwise.
    select: Callable[[AuthenticatedHttpRequest, int], Any]
    status_url: str
    download_url: str
    # The id of the element the panel sits in (the polling swaps its content).
    panel_id: str
    # The full page; a callable chooses it per job (the minutes of a session look different).
    page_template: str | Callable[[Any], str]
    progress_label: str | Promise
    building_text: str | Promise
    # What the page adds around the panel (breadcrumbs of the initiative, the session, …).
    page_context: Callable[[Any], dict[str, Any]] = field(default=lambda job: {})
    # Named in the 404 messages (not shown to people: the 404 page has its own text).
    noun: str = "report"


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


def panel_context(job: Any, pages: JobPages) -> dict[str, Any]:
    """What ``klassa/_job_panel.html`` needs."""
    return {
        "job": job,
        "width_class": progress_width_class(job.progress),
        "status_url": reverse(pages.status_url, args=[job.pk]),
        "download_url": reverse(pages.download_url, args=[job.pk]),
        "panel_id": pages.panel_id,
        "progress_label": pages.progress_label,
        "building_text": pages.building_text,
    }


@never_cache
@require_GET
def job_status(request: AuthenticatedHttpRequest, pk: int, *, pages: JobPages) -> HttpResponse:
    """The status page; for htmx's polling only the panel, until the job is finished."""
    job = pages.select(request, pk)
    context = panel_context(job, pages)
    if request.htmx:
        template = PANEL_TEMPLATE
    else:
        page = pages.page_template
        template = page if isinstance(page, str) else page(job)
        context.update(pages.page_context(job))
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def job_download(request: AuthenticatedHttpRequest, pk: int, *, pages: JobPages) -> HttpResponse:
    """The file under the job's own name, once it is done; 404 before and if it is gone."""
    job = pages.select(request, pk)
    if job.status != pages.model.Status.DONE or not job.file:  # type: ignore[attr-defined]
        raise Http404(f"The {pages.noun} is not ready.")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(f"The {pages.noun} file is gone.") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=job.download_name, content_type=job.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response
