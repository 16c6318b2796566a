"""The home page: the signed-in person's work list, then their departments (and, for the
organisation admin, the report service's status)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from klassa_app import access, health
from klassa_app import selectors as core_selectors
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.viewhelpers import current_organisation
from worklist import selectors


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    sections = selectors.work_list(request.user, organisation)
    context: dict[str, Any] = {
        "sections": sections,
        "open_items": sum(s.count for s in sections),
        "my_departments": core_selectors.my_departments(request.user, organisation),
    }
    if access.can_manage_organisation(request.user, organisation):
        context["service_status"] = health.service_status(organisation)
    return render(request, "worklist/home.html", context)
