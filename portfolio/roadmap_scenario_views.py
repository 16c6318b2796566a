"""Saved roadmaps: save the roadmap page's what-if as a scenario, list, show, compare two,
commit one as the decision for its first plan year, delete.

Reads go through ``portfolio.roadmap_scenarios`` (404 for another organisation's roadmap,
department scoping), writes through ``portfolio.services`` (permission, audit)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.models import Initiative
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.models import Organisation
from klassa_app.services import ServiceError
from klassa_app.viewhelpers import member_organisation, on_organisation, permission_required
from portfolio import roadmap_scenarios, selectors, services
from portfolio.forms import apply_service_error
from portfolio.models import RoadmapScenario
from portfolio.roadmap_views import WHAT_IF_PREFIXES, WhatIfForm

_ADMINS_ONLY = gettext_lazy("Only organisation admins manage the portfolio.")


class RoadmapScenarioForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=services.ROADMAP_DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RoadmapCompareForm(forms.Form):
    left = forms.TypedChoiceField(label=gettext_lazy("Roadmap A"), coerce=int)
    right = forms.TypedChoiceField(label=gettext_lazy("Roadmap B"), coerce=int)

    def __init__(self, *args: Any, scenarios: list[RoadmapScenario], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(s.pk, f"{s.name} ({s.first_year}–{s.last_year})") for s in scenarios]
        for name in ("left", "right"):
            cast(forms.ChoiceField, self.fields[name]).choices = choices
        if not self.is_bound and len(choices) > 1:
            self.initial.setdefault("left", choices[0][0])
            self.initial.setdefault("right", choices[1][0])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("left") is not None and data.get("left") == data.get("right"):
            self.add_error("right", _("Choose a different roadmap than A."))
        return data


class RoadmapCommitForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm that this roadmap is the steering group's decision."),
        required=True,
        error_messages={
            "required": gettext_lazy(
                "Tick the box to confirm that this roadmap is the steering group's decision."
            )
        },
    )


def _visible(request: AuthenticatedHttpRequest, pk: int) -> RoadmapScenario:
    return roadmap_scenarios.get_visible_roadmap_scenario(
        request.user, member_organisation(request), pk
    )


def _what_if_fields(data: Any) -> list[tuple[str, str]]:
    """The posted what-if inputs, carried on when the save form is shown again."""
    return [(k, v) for k, v in data.items() if k.startswith(WHAT_IF_PREFIXES)]


@require_GET
def roadmap_scenario_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = member_organisation(request)
    rows = roadmap_scenarios.roadmap_list(request.user, organisation)
    return render(
        request,
        "portfolio/roadmap_scenario_list.html",
        {
            "rows": rows,
            "compare_form": RoadmapCompareForm(scenarios=[r.scenario for r in rows]),
            "can_manage": services.can_manage_portfolio(request.user, organisation),
        },
    )


@require_POST
@permission_required("klassa.manage_portfolio", member_organisation, message=_ADMINS_ONLY)
def roadmap_scenario_save(
    request: AuthenticatedHttpRequest, organisation: Organisation
) -> HttpResponse:
    """Save the what-if the roadmap page showed (its frames and pins come as hidden fields)."""
    form = RoadmapScenarioForm(request.POST)
    settings = selectors.portfolio_settings(organisation)
    what_if = WhatIfForm(
        request.POST,
        frames=selectors.plan_budgets(settings),
        initiatives=list(
            Initiative.objects.filter(organisation=organisation).values_list("code", "name")
        ),
    )
    if form.is_valid() and what_if.is_valid():
        try:
            scenario = services.do_save_roadmap_scenario(
                actor=request.user,
                organisation=organisation,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                frames=what_if.cleaned_data["frames"],
                pinned_starts=what_if.cleaned_data["pins"],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, _("Roadmap scenario %(name)s saved.") % {"name": scenario.name}
            )
            return redirect("portfolio_roadmap_scenario", pk=scenario.pk)
    # The hidden what-if inputs were the page's own; an error there is a changed request.
    what_if_errors = [" ".join(str(e) for e in errors) for errors in what_if.errors.values()]
    return render(
        request,
        "portfolio/roadmap_scenario_save.html",
        {
            "form": form,
            "what_if_errors": what_if_errors,
            "hidden": _what_if_fields(request.POST),
        },
        status=400,
    )


@require_GET
def roadmap_scenario_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = member_organisation(request)
    scenario = _visible(request, pk)
    view = roadmap_scenarios.roadmap_scenario_view(request.user, scenario)
    return render(
        request,
        "portfolio/roadmap_scenario_detail.html",
        {
            "scenario": scenario,
            "view": view,
            "can_manage": services.can_manage_portfolio(request.user, organisation),
        },
    )


@require_GET
def roadmap_scenario_compare(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = member_organisation(request)
    scenarios = list(roadmap_scenarios.roadmap_scenarios(request.user, organisation))
    form = RoadmapCompareForm(request.GET or None, scenarios=scenarios)
    comparison = None
    if form.is_valid():
        by_pk = {s.pk: s for s in scenarios}
        comparison = roadmap_scenarios.compare_roadmaps(
            request.user, by_pk[form.cleaned_data["left"]], by_pk[form.cleaned_data["right"]]
        )
    return render(
        request,
        "portfolio/roadmap_scenario_compare.html",
        {"form": form, "comparison": comparison},
        status=400 if request.GET and not form.is_valid() else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required("klassa.manage_portfolio", _visible, on=on_organisation, message=_ADMINS_ONLY)
def roadmap_scenario_commit(
    request: AuthenticatedHttpRequest, scenario: RoadmapScenario
) -> HttpResponse:
    """Commit a roadmap as the decision for its first plan year, after a confirmation; an
    earlier decision for that year is replaced."""
    form = RoadmapCommitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.do_commit_roadmap_scenario(actor=request.user, scenario=scenario)
        messages.success(
            request,
            _("%(name)s is the roadmap decided from %(year)s.")
            % {"name": scenario.name, "year": scenario.first_year},
        )
        return redirect("portfolio_roadmap_scenario", pk=scenario.pk)
    earlier = roadmap_scenarios.committed_roadmap(scenario.organisation, scenario.first_year)
    return render(
        request,
        "portfolio/roadmap_scenario_commit.html",
        {"scenario": scenario, "form": form, "earlier": earlier},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def roadmap_scenario_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scenario = _visible(request, pk)
    try:
        services.do_delete_roadmap_scenario(actor=request.user, scenario=scenario)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("portfolio_roadmap_scenario", pk=scenario.pk)
    messages.success(request, _("Roadmap scenario %(name)s deleted.") % {"name": scenario.name})
    return redirect("portfolio_roadmap_scenarios")
