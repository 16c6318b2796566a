"""Thin views of benefit tracking: one initiative's levers, and the organisation's benefits
that are behind."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessments import selectors as assessment_selectors
from benefits import selectors, tracking, tracking_rules, tracking_status
from benefits.models import BenefitModel
from benefits.tracking_forms import TrackingSettingsForm, YearValuesForm
from klassa_app import access
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.services import ServiceError
from klassa_app.viewhelpers import apply_service_error, current_organisation, paginate


def _mark_invalid(form: Any) -> None:
    """Link each field's error message to the field for screen readers."""
    for name in form.errors:
        if name in form.fields:
            attrs = form.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{form[name].auto_id}_error"
            if "form-control" in attrs.get("class", ""):
                attrs["class"] += " is-invalid"


def _settings_form(lever: tracking_status.LeverTracking, owners: Any, prefix: str, data=None):
    t = lever.tracking
    initial = (
        {
            "owner": t.owner_id,
            "indicator": t.indicator,
            "unit": t.unit,
            "baseline": t.baseline,
            "lower_is_better": t.lower_is_better,
            "start_year": t.start_year,
        }
        if t
        else {"start_year": _this_year()}
    )
    return TrackingSettingsForm(data, initial=initial, owners=owners, prefix=prefix)


def _this_year() -> int:
    return timezone.localdate().year


def _values_form(
    lever: tracking_status.LeverTracking, targets_editable: bool, prefix: str, data=None
):
    initial = {}
    for row in lever.years:
        # Decimals: the field shows them as people write them ("779 730,5").
        initial[f"target_{row.year}"] = row.target
        initial[f"actual_{row.year}"] = row.actual
    return YearValuesForm(
        data,
        initial=initial,
        years=[row.year for row in lever.years],
        targets_editable=targets_editable,
        prefix=prefix,
    )


@require_http_methods(["GET", "POST"])
def benefit_tracking(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = current_organisation(request)
    initiative = assessment_selectors.get_visible_initiative(request.user, organisation, pk)
    model = BenefitModel.objects.filter(initiative=initiative).first()
    if model is None:
        return render(
            request,
            "benefits/tracking.html",
            {"initiative": initiative, "model": None, "sections": []},
        )
    model.initiative = initiative
    can_edit = tracking.can_edit_tracking(request.user, initiative)
    levers = selectors.initiative_tracking(model)
    owners = list(selectors.owner_choices(initiative).order_by("full_name", "email"))
    bound: dict[tuple[str, str], Any] = {}

    if request.method == "POST":
        action = request.POST.get("action", "")
        prefix = request.POST.get("prefix", "")
        lever = next((x for x in levers if x.lever_name == request.POST.get("lever")), None)
        if lever is None or action not in {"settings", "values", "fill"}:
            return HttpResponseBadRequest(_("Unknown lever or action."))
        if action == "settings":
            if not can_edit:
                raise PermissionDenied(
                    _("Only business owners, economists and admins edit benefit tracking.")
                )
            form = _settings_form(lever, owners, prefix, request.POST)
            if form.is_valid():
                try:
                    tracking.do_save_tracking(
                        actor=request.user,
                        model=model,
                        lever_name=lever.lever_name,
                        **form.cleaned_data,
                    )
                except ServiceError as error:
                    apply_service_error(form, error)
                else:
                    messages.success(request, _("Benefit tracking saved."))
                    return redirect("benefit_tracking", pk=initiative.pk)
            bound[(lever.lever_name, "settings")] = form
        elif lever.tracking is None:
            raise Http404("The lever is not tracked yet.")
        elif action == "values":
            if not tracking.can_record_actuals(request.user, lever.tracking):
                raise PermissionDenied(
                    _("Only the benefit's owner and the model's editors record actuals.")
                )
            form = _values_form(lever, can_edit, prefix, request.POST)
            if form.is_valid():
                values = {
                    row.year: tracking.YearValues(
                        target=form.cleaned_data[f"target_{row.year}"] if can_edit else row.target,
                        actual=form.cleaned_data[f"actual_{row.year}"],
                    )
                    for row in lever.years
                }
                try:
                    tracking.do_save_years(
                        actor=request.user, tracking=lever.tracking, values=values
                    )
                except ServiceError as error:
                    apply_service_error(form, error)
                else:
                    messages.success(request, _("Targets and actuals saved."))
                    return redirect("benefit_tracking", pk=initiative.pk)
            bound[(lever.lever_name, "values")] = form
        else:
            if not can_edit:
                raise PermissionDenied(
                    _("Only business owners, economists and admins edit benefit tracking.")
                )
            try:
                tracking.do_fill_targets_from_model(actor=request.user, tracking=lever.tracking)
            except ServiceError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Targets filled from the model's medium scenario."))
            return redirect("benefit_tracking", pk=initiative.pk)

    sections = []
    for i, lever in enumerate(levers):
        prefix = f"lever{i}"
        may_record = lever.tracking is not None and tracking.can_record_actuals(
            request.user, lever.tracking
        )
        settings_form = bound.get((lever.lever_name, "settings")) or (
            _settings_form(lever, owners, prefix) if can_edit else None
        )
        values_form = bound.get((lever.lever_name, "values")) or (
            _values_form(lever, can_edit, prefix) if may_record else None
        )
        for form in (settings_form, values_form):
            if form is not None:
                _mark_invalid(form)
        rows = [
            {
                "row": row,
                "target_field": values_form[f"target_{row.year}"]
                if values_form is not None and f"target_{row.year}" in values_form.fields
                else None,
                "actual_field": values_form[f"actual_{row.year}"]
                if values_form is not None
                else None,
            }
            for row in lever.years
        ]
        sections.append(
            {
                "index": i,
                "prefix": settings_form.prefix if settings_form else prefix,
                "values_prefix": values_form.prefix if values_form else prefix,
                "lever": lever,
                "settings_form": settings_form,
                "values_form": values_form,
                "rows": rows,
                "can_fill": can_edit and lever.in_model and lever.is_money,
            }
        )
    return render(
        request,
        "benefits/tracking.html",
        {
            "initiative": initiative,
            "model": model,
            "sections": sections,
            "can_edit": can_edit,
            "double_counting": selectors.double_counting_for(initiative, viewer=request.user),
        },
    )


@require_GET
def benefits_behind(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    departments = access.visible_departments(request.user, organisation).order_by("name")
    department_id = None
    wanted = request.GET.get("department", "")
    if wanted.isdigit():
        department = next((d for d in departments if d.pk == int(wanted)), None)
        department_id = department.pk if department else None
    status = request.GET.get("status", "")
    if status not in tracking_status.BEHIND_STATUSES:
        status = ""
    behind = selectors.behind_queryset(
        request.user, organisation, department_id=department_id, status=status
    )
    page = paginate(request, behind)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "benefits/tracking_behind.html",
        {
            "page_obj": page,
            "rows": selectors.behind_rows(page.object_list),
            "departments": departments,
            "department_id": department_id,
            "status": status,
            "statuses": [
                (tracking_rules.RED, _("Behind")),
                (tracking_rules.AMBER, _("Watch")),
                (tracking_rules.NOT_MEASURED, _("Not measured")),
            ],
            "querystring": params.urlencode(),
        },
    )
