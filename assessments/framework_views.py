"""Pages where the security officer changes the classification model (new versions)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from assessments import frameworks, selectors, services
from assessments.forms import AspectEditForm, RequirementForm, SchemeRulesForm
from assessments.i18n import tr
from assessments.models import Trigger
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.models import Organisation
from klassa_app.services import ServiceError
from klassa_app.viewhelpers import current_organisation, permission_required

_OFFICER_ONLY = gettext_lazy(
    "Only the information-security officer changes the classification model."
)


def _pair(data: dict, name: str) -> dict[str, str]:
    return {"sv": data.get(f"{name}_sv", ""), "en": data.get(f"{name}_en", "")}


@require_http_methods(["GET", "POST"])
@permission_required("klassa.manage_frameworks", message=_OFFICER_ONLY)
def aspect_edit(
    request: AuthenticatedHttpRequest, organisation: Organisation, code: str
) -> HttpResponse:
    scheme = frameworks.current_scheme(organisation)
    aspect = scheme.aspects.prefetch_related("levels").filter(code=code).first()
    if aspect is None:
        raise Http404("No such aspect.")
    levels = list(aspect.levels.all())
    initial = {
        "name_sv": aspect.name.get("sv", ""),
        "name_en": aspect.name.get("en", ""),
        "description_sv": aspect.description.get("sv", ""),
        "description_en": aspect.description.get("en", ""),
        "enabled": aspect.enabled,
        "level_count": len(levels),
    }
    for level in levels:
        for part in ("name", "description"):
            for lang in ("sv", "en"):
                initial[f"level_{level.ordinal}_{part}_{lang}"] = getattr(level, part).get(lang, "")
    form = AspectEditForm(
        request.POST or None,
        initial=initial,
        optional=aspect.optional,
        max_levels=services.MAX_LEVELS,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.do_edit_aspect(
                actor=request.user,
                organisation=organisation,
                code=code,
                name=_pair(data, "name"),
                description=_pair(data, "description"),
                enabled=data["enabled"] if aspect.optional else True,
                levels=[
                    services.LevelText(
                        i, _pair(data, f"level_{i}_name"), _pair(data, f"level_{i}_description")
                    )
                    for i in range(data["level_count"])
                ],
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved as a new version of the scheme."))
            return redirect("frameworks_overview")
    return render(
        request, "assessments/aspect_form.html", {"form": form, "aspect": aspect, "scheme": scheme}
    )


@require_http_methods(["GET", "POST"])
@permission_required("klassa.manage_frameworks", message=_OFFICER_ONLY)
def requirement_edit(
    request: AuthenticatedHttpRequest, organisation: Organisation, code: str | None = None
) -> HttpResponse:
    catalogue = frameworks.current_catalogue(organisation)
    scheme = frameworks.load_scheme(frameworks.current_scheme(organisation))
    requirement = catalogue.requirements.filter(code=code).first() if code else None
    if code and requirement is None:
        raise Http404("No such requirement.")
    initial = {}
    if requirement is not None:
        initial = {
            "code": requirement.code,
            "aspect_code": requirement.aspect_code,
            "min_level": requirement.min_level,
            "trigger": requirement.trigger,
        }
        for name in ("title", "is_text", "shall_text"):
            for lang in ("sv", "en"):
                initial[f"{name}_{lang}"] = getattr(requirement, name).get(lang, "")
    form = RequirementForm(
        request.POST or None,
        initial=initial,
        aspects=[(a.code, f"{a.code} – {tr(a.name)}") for a in scheme.scheme.aspects.all()],
        top=max(scheme.tops.values(), default=4),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.do_save_requirement(
                actor=request.user,
                organisation=organisation,
                code=data["code"],
                aspect_code=data["aspect_code"],
                min_level=data["min_level"],
                trigger=data["trigger"],
                title=_pair(data, "title"),
                is_text=_pair(data, "is_text"),
                shall_text=_pair(data, "shall_text"),
                original_code=code,
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved as a new version of the requirement catalogue."))
            return redirect("frameworks_overview")
    return render(
        request,
        "assessments/requirement_form.html",
        {"form": form, "requirement": requirement, "catalogue": catalogue},
    )


@require_POST
def action_plan_upgrade(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    initiative = selectors.get_visible_initiative(request.user, current_organisation(request), pk)
    services.do_move_action_plan_to_current_catalogue(actor=request.user, initiative=initiative)
    messages.success(request, _("The action plan now follows the current requirement catalogue."))
    return redirect("initiative_action_plan", pk=initiative.pk)


@require_http_methods(["GET", "POST"])
@permission_required("klassa.manage_frameworks", message=_OFFICER_ONLY)
def scheme_rules_edit(
    request: AuthenticatedHttpRequest, organisation: Organisation
) -> HttpResponse:
    current = frameworks.current_scheme(organisation)
    scheme = frameworks.load_scheme(current)
    availability = scheme.aspect("T")
    top_t = scheme.tops.get("T", 0)
    levels = list(range(top_t, 0, -1)) if availability else []
    aspects = [(a.code, tr(a.name), scheme.tops[a.code]) for a in scheme.aspects]
    initial: dict[str, Any] = {
        f"downtime_{level}": hours for hours, level in current.downtime_thresholds
    }
    initial.update(reveal_minimum=current.reveal_minimum, four_eyes=current.four_eyes)
    for trigger, per_aspect in (current.legal_minimums or {}).items():
        for code, level in per_aspect.items():
            initial[f"minimum_{trigger}_{code}"] = level
    form = SchemeRulesForm(
        request.POST or None, initial=initial, availability_levels=levels, aspects=aspects
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.do_edit_scheme_rules(
                actor=request.user,
                organisation=organisation,
                downtime_thresholds=[(data.get(f"downtime_{lv}"), lv) for lv in levels],
                legal_minimums={
                    trigger: {
                        code: data.get(f"minimum_{trigger}_{code}") for code, _n, _t in aspects
                    }
                    for trigger, _label in Trigger.choices
                },
                reveal_minimum=data["reveal_minimum"],
                four_eyes=data["four_eyes"],
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved as a new version of the scheme."))
            return redirect("frameworks_overview")
    return render(
        request,
        "assessments/scheme_rules_form.html",
        {"form": form, "scheme": current, "aspects": aspects},
    )
