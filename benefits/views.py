"""Thin views for an initiative's benefit model."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessments import selectors as assessment_selectors
from assessments.services import StaleVersion
from benefits import selectors, services
from benefits.forms import BenefitDocumentForm
from benefits.models import BenefitModel
from klassa_app.services import ServiceError


def _initiative(request: HttpRequest, pk: int):
    return assessment_selectors.get_visible_initiative(
        request.user, getattr(request, "organisation", None), pk
    )


@require_http_methods(["GET", "POST"])
def benefit_model(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _initiative(request, pk)
    model = BenefitModel.objects.filter(initiative=initiative).first()
    can_edit = services.can_edit_benefit_model(request.user, initiative)
    initial = {}
    if model is not None:
        initial = {
            "document": json.dumps(model.document, indent=2, ensure_ascii=False),
            "lock_version": model.lock_version,
        }
    form = BenefitDocumentForm(request.POST or None, initial=initial)
    errors: list[str] = []
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(
                _("Only business owners, economists and admins edit benefit models.")
            )
        if form.is_valid():
            try:
                services.do_save_benefit_model(
                    actor=request.user,
                    initiative=initiative,
                    document=form.cleaned_data["document"],
                    lock_version=form.cleaned_data.get("lock_version"),
                )
            except services.BenefitModelInvalid as error:
                errors = [str(e) for e in error.errors]
                form.add_error("document", _("The benefit model has errors; nothing was saved."))
            except StaleVersion as error:
                messages.warning(request, error.message)
                return redirect("benefit_model", pk=initiative.pk)
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Benefit model saved."))
                return redirect("benefit_model", pk=initiative.pk)
    evaluation = selectors.evaluation(model) if model is not None else None
    return render(
        request,
        "benefits/benefit_model.html",
        {
            "initiative": initiative,
            "model": model,
            "evaluation": evaluation,
            "form": form if can_edit else None,
            "errors": errors,
        },
    )


@require_GET
def benefit_model_export(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _initiative(request, pk)
    model = BenefitModel.objects.filter(initiative=initiative).first()
    if model is None:
        messages.error(request, _("The initiative has no benefit model yet."))
        return redirect("benefit_model", pk=initiative.pk)
    response = HttpResponse(
        json.dumps(model.document, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    name = slugify(f"nyttomodell-{initiative.code}") or "nyttomodell"
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response
