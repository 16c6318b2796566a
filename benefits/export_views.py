"""The benefit model as an Excel workbook whose figures are formulas (economists audit
spreadsheets, not code). Same access as the benefit model page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments import selectors as assessment_selectors
from benefits import document as benefit_document
from benefits.models import BenefitModel
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.viewhelpers import current_organisation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
def benefit_model_xlsx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    initiative = assessment_selectors.get_visible_initiative(
        request.user, current_organisation(request), pk
    )
    model = BenefitModel.objects.filter(initiative=initiative).first()
    if model is None:
        messages.error(request, _("The initiative has no benefit model yet."))
        return redirect("benefit_model", pk=initiative.pk)
    try:
        parsed = benefit_document.parse(model.document)
    except benefit_document.DocumentInvalid:
        # Saved documents are validated; one that no longer parses is shown, not exported.
        messages.error(request, _("The benefit model has errors; it cannot be exported."))
        return redirect("benefit_model", pk=initiative.pk)
    title = _("Benefit model: %(code)s %(name)s") % {
        "code": initiative.code,
        "name": initiative.name,
    }
    # The workbook module loads openpyxl: imported here, not when the site starts.
    from benefits.workbook import build_benefit_workbook

    response = HttpResponse(build_benefit_workbook(parsed, title=title), content_type=XLSX)
    name = slugify(f"nyttomodell-{initiative.code}") or "nyttomodell"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
