"""Thin views of the portfolio: the dashboard, the priority page (ranking, budget line,
forced choices, optimal versus greedy selection, efficient frontier), the settings, an
initiative's priority inputs, scenarios and the exports.

Reads go through ``portfolio.selectors`` (department scoping, 404 for other organisations),
writes through ``portfolio.services`` and ``portfolio.exports`` (permission, audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import selectors as assessment_selectors
from assessments.models import Area, Initiative
from klassa_app import access, job_views
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.models import Organisation, User
from klassa_app.services import ServiceError
from klassa_app.viewhelpers import (
    current_organisation,
    member_organisation,
    on_organisation,
    permission_required,
    querystring_without_page,
)
from portfolio import exports, forms, pages, results, scoring, selectors, services
from portfolio.models import (
    BenefitScenario,
    InitiativePriority,
    PortfolioReportJob,
    PortfolioScenario,
)

# The name the export status and download views below read the organisation by.
_org = current_organisation


_ADMINS_ONLY = gettext_lazy("Only organisation admins manage the portfolio.")


def _visible_initiative(request: AuthenticatedHttpRequest, pk: int) -> Initiative:
    return assessment_selectors.get_visible_initiative(
        request.user, member_organisation(request), pk
    )


def _visible_scenario(request: AuthenticatedHttpRequest, pk: int) -> PortfolioScenario:
    return selectors.get_visible_scenario(request.user, member_organisation(request), pk)


def _posted(request: AuthenticatedHttpRequest):
    """The POST data for a bound form (even when empty), None for a GET."""
    return request.POST if request.method == "POST" else None


def _saved(request: AuthenticatedHttpRequest, organisation, value: Any):
    if not value:
        return None
    if not str(value).isdigit():  # a hand-made request: no such scenario
        raise Http404
    return selectors.get_visible_scenario(request.user, organisation, int(value))


def _priority_of(initiative) -> InitiativePriority | None:
    return InitiativePriority.objects.filter(initiative=initiative).first()


# --- Dashboard ----------------------------------------------------------------------------------


@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = member_organisation(request)
    departments = list(access.visible_departments(request.user, organisation).order_by("name"))
    areas = list(Area.objects.filter(organisation=organisation).order_by("name"))
    scenarios = list(selectors.scenarios(request.user, organisation))
    form = forms.PortfolioFilterForm(
        request.GET or None, departments=departments, areas=areas, scenarios=scenarios
    )
    data = form.cleaned_data if form.is_valid() else {}
    saved = next((s for s in scenarios if s.pk == data.get("saved")), None)
    portfolio = pages.dashboard(
        request.user,
        organisation,
        scenario=data.get("scenario") or None,
        filters=selectors.PortfolioFilters(
            department_id=data.get("department"),
            area_id=data.get("area"),
            status=data.get("status") or "",
        ),
        saved_scenario=saved,
        page=request.GET.get("page") or 1,
    )
    context = {
        "portfolio": portfolio,
        "form": form,
        "saved": saved,
        "scenario_label": BenefitScenario(portfolio.scenario).label,
        "can_manage": services.can_manage_portfolio(request.user, organisation),
        "sees_all": access.visible_department_ids(request.user, organisation) is None,
        "querystring": querystring_without_page(request),
        **exports.chart_context(portfolio),
    }
    template = "portfolio/_dashboard_body.html" if request.htmx else "portfolio/dashboard.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- Priority, budget line and selection --------------------------------------------------------


@require_GET
def priority(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = member_organisation(request)
    portfolio = pages.priority(request.user, organisation, page=request.GET.get("page") or 1)
    if request.htmx and request.GET.get("part") == "selection":
        # The progress note polls until the solver's part is stored.
        return render(request, "portfolio/_selection.html", _priority_context(request, portfolio))
    return render(request, "portfolio/priority.html", _priority_context(request, portfolio))


@require_POST
def frontier_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for the efficient frontier of a large portfolio; it is computed in the background."""
    organisation = member_organisation(request)
    portfolio = pages.priority(request.user, organisation)
    if portfolio.sees_all:
        results.request_frontier(portfolio.result)
    return redirect(f"{reverse('portfolio_ranking')}#frontier")


def _priority_context(
    request: AuthenticatedHttpRequest, portfolio: selectors.Portfolio, **extra: Any
) -> dict[str, Any]:
    can_manage = services.can_manage_portfolio(request.user, portfolio.organisation)
    greedy_codes = set(portfolio.greedy.codes)
    optimal_codes = set(portfolio.optimal.codes)
    return {
        "portfolio": portfolio,
        "can_manage": can_manage,
        "weights": exports.weight_shares(portfolio),
        "criteria": [(key, exports.CRITERION_LABELS[key]) for key in scoring.CRITERIA],
        "entries": exports.budget_line_entries(portfolio),
        "error_text": exports.error_text(portfolio.optimal.error),
        "only_optimal": portfolio.only_optimal
        if portfolio.only_optimal is not None
        else sorted(optimal_codes - greedy_codes),
        "only_greedy": portfolio.only_greedy
        if portfolio.only_greedy is not None
        else sorted(greedy_codes - optimal_codes),
        "scenario_form": forms.ScenarioForm(
            initial={"budget": portfolio.budget, "benefit_scenario": portfolio.scenario}
        ),
        **exports.chart_context(portfolio),
        **extra,
    }


@require_http_methods(["GET", "POST"])
@permission_required(
    "klassa.manage_portfolio", _visible_initiative, on=on_organisation, message=_ADMINS_ONLY
)
def force(request: AuthenticatedHttpRequest, initiative: Initiative) -> HttpResponse:
    """Force an initiative in or out with a reason, or release it; admins only."""
    current = _priority_of(initiative)
    form = forms.ForceForm(
        _posted(request),
        initial={
            "forced": current.forced if current else "",
            "forced_reason": current.forced_reason if current else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.do_force_initiative(
                actor=request.user,
                initiative=initiative,
                forced=form.cleaned_data["forced"] or None,
                reason=form.cleaned_data["forced_reason"],
            )
        except ServiceError as error:
            forms.apply_service_error(form, error)
        else:
            messages.success(
                request, _("The forced choice of %(code)s is saved.") % {"code": initiative.code}
            )
            return redirect(f"{reverse('portfolio_ranking')}#budget-line")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "portfolio/force.html",
        {"initiative": initiative, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permission_required("klassa.manage_portfolio", member_organisation, message=_ADMINS_ONLY)
def settings_view(request: AuthenticatedHttpRequest, organisation: Organisation) -> HttpResponse:
    current = selectors.portfolio_settings(organisation)
    weights = selectors.weights_of(current)
    initial = {
        "year": str(current.year),
        "budget": forms.number_text(current.budget, grouped=True),
        "scenario": current.scenario,
        "method": current.method,
        "fulfilment_threshold": forms.number_text(current.fulfilment_threshold),
        **{forms.weight_field(key): forms.number_text(weights[key]) for key in scoring.CRITERIA},
    }
    frames = selectors.plan_budgets(current)
    posted_years = request.method == "POST" and request.POST.get("form") == "plan_years"
    plan_form = forms.PlanYearsForm(request.POST if posted_years else None, frames=frames)
    form = forms.SettingsForm(None if posted_years else _posted(request), initial=initial)
    if posted_years:
        if plan_form.is_valid():
            budgets = plan_form.budgets()
            if plan_form.is_valid():
                try:
                    services.do_set_plan_budgets(
                        actor=request.user, organisation=organisation, budgets=budgets
                    )
                except ServiceError as error:
                    plan_form.add_error(plan_form.field_of(error.field), error.message)
                else:
                    messages.success(request, _("The frames of the plan years are saved."))
                    return redirect(f"{reverse('portfolio_settings')}#plan-years")
        return render(
            request,
            "portfolio/settings.html",
            {"form": form, "plan_form": plan_form},
            status=400,
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.do_update_portfolio_settings(
                actor=request.user,
                organisation=organisation,
                year=data["year"],
                budget=data["budget"],
                scenario=data["scenario"],
                method=data["method"],
                weights=form.weights(),
                fulfilment_threshold=data["fulfilment_threshold"],
            )
        except ServiceError as error:
            forms.apply_service_error(form, error)
        else:
            messages.success(request, _("The portfolio settings are saved."))
            return redirect("portfolio_ranking")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "portfolio/settings.html",
        {"form": form, "plan_form": plan_form},
        status=status,
    )


# --- An initiative's priority inputs -----------------------------------------------------------


def _people(initiative) -> list[User]:
    """Members who see the initiative's department (candidates for its benefit owner)."""
    return list(
        User.objects.filter(
            Q(memberships__department__isnull=True)
            | Q(memberships__department=initiative.department),
            memberships__organisation=initiative.organisation,
            is_active=True,
        )
        .distinct()
        .order_by("full_name", "email")
    )


@require_http_methods(["GET", "POST"])
def initiative_priority(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    initiative = assessment_selectors.get_visible_initiative(
        request.user, current_organisation(request), pk
    )
    current = _priority_of(initiative)
    can_edit = services.can_set_priority(request.user, initiative)
    people = _people(initiative)
    initial = {}
    if current is not None:
        initial = {
            "strategic_fit": str(current.strategic_fit or ""),
            "time_criticality": str(current.time_criticality or ""),
            "duration_weeks": str(current.duration_weeks or ""),
            "benefit_owner": current.benefit_owner_id or "",
            "dpia_recorded": current.dpia_recorded,
            "dpia_reference": current.dpia_reference,
        }
    posted_prerequisites = request.method == "POST" and request.POST.get("form") == "prerequisites"
    requires, needed_by = selectors.prerequisites_of(initiative)
    prerequisites_form = forms.PrerequisitesForm(
        request.POST if posted_prerequisites else None,
        initial={"requires": [r.code for r in requires]},
        choices=selectors.prerequisite_choices(initiative),
    )
    form = forms.PriorityForm(
        None if posted_prerequisites else _posted(request), initial=initial, people=people
    )
    if posted_prerequisites:
        if not can_edit:
            raise PermissionDenied(
                _("Only business owners, economists and admins set an initiative's prerequisites.")
            )
        if prerequisites_form.is_valid():
            chosen = selectors.initiatives_by_code(
                initiative.organisation, prerequisites_form.cleaned_data["requires"]
            )
            try:
                services.do_set_prerequisites(
                    actor=request.user, initiative=initiative, requires=chosen
                )
            except ServiceError as error:
                prerequisites_form.add_error("requires", error.message)
            else:
                messages.success(request, _("The prerequisites are saved."))
                return redirect("portfolio_priority", pk=initiative.pk)
    elif request.method == "POST":
        if not can_edit:
            raise PermissionDenied(
                _("Only business owners, economists and admins set an initiative's priority.")
            )
        if form.is_valid():
            data = form.cleaned_data
            owner = next((p for p in people if p.pk == data["benefit_owner"]), None)
            try:
                services.do_set_priority(
                    actor=request.user,
                    initiative=initiative,
                    strategic_fit=data["strategic_fit"],
                    time_criticality=data["time_criticality"],
                    duration_weeks=data["duration_weeks"],
                    benefit_owner=owner,
                    dpia_recorded=data["dpia_recorded"],
                    dpia_reference=data["dpia_reference"],
                )
            except ServiceError as error:
                forms.apply_service_error(form, error)
            else:
                messages.success(request, _("The priority inputs are saved."))
                return redirect("portfolio_priority", pk=initiative.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "portfolio/initiative_priority.html",
        {
            "initiative": initiative,
            "form": form,
            "can_edit": can_edit,
            "current": current,
            "prerequisites_form": prerequisites_form,
            "requires": requires,
            "needed_by": needed_by,
        },
        status=status,
    )


# --- Scenarios ----------------------------------------------------------------------------------


@require_GET
def scenario_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = member_organisation(request)
    scenarios = list(selectors.scenarios(request.user, organisation))
    return render(
        request,
        "portfolio/scenario_list.html",
        {
            "scenarios": scenarios,
            "views": selectors.scenario_views(request.user, organisation, scenarios),
            "compare_form": forms.CompareForm(scenarios=scenarios),
            "scenario_form": forms.ScenarioForm(),
            "can_manage": services.can_manage_portfolio(request.user, organisation),
        },
    )


@require_POST
@permission_required("klassa.manage_portfolio", member_organisation, message=_ADMINS_ONLY)
def scenario_save(request: AuthenticatedHttpRequest, organisation: Organisation) -> HttpResponse:
    form = forms.ScenarioForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            scenario = services.do_save_scenario(
                actor=request.user,
                organisation=organisation,
                name=data["name"],
                budget=data["budget"] or None,
                benefit_scenario=data["benefit_scenario"] or None,
                note=data["note"],
            )
        except ServiceError as error:
            forms.apply_service_error(form, error)
        else:
            messages.success(request, _("Scenario %(name)s saved.") % {"name": scenario.name})
            return redirect("portfolio_scenario", pk=scenario.pk)
    scenarios = list(selectors.scenarios(request.user, organisation))
    return render(
        request,
        "portfolio/scenario_list.html",
        {
            "scenarios": scenarios,
            "views": selectors.scenario_views(request.user, organisation, scenarios),
            "compare_form": forms.CompareForm(scenarios=scenarios),
            "scenario_form": form,
            "can_manage": True,
        },
        status=400,
    )


@require_GET
def scenario_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = member_organisation(request)
    scenario = selectors.get_visible_scenario(request.user, organisation, pk)
    view = selectors.scenario_view(scenario, selectors.visible_codes(request.user, organisation))
    rows = pages.rows_for_codes(organisation, view.codes, scenario.benefit_scenario)
    chosen = [(code, rows.get(code)) for code in view.codes]
    return render(
        request,
        "portfolio/scenario_detail.html",
        {
            "scenario": scenario,
            "view": view,
            "chosen": chosen,
            "forced": view.forced,
            "can_manage": services.can_manage_portfolio(request.user, organisation),
            "commit_form": forms.CommitForm(),
        },
    )


@require_GET
def scenario_compare(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = member_organisation(request)
    scenarios = list(selectors.scenarios(request.user, organisation))
    form = forms.CompareForm(request.GET or None, scenarios=scenarios)
    comparison = None
    if form.is_valid():
        by_pk = {s.pk: s for s in scenarios}
        comparison = selectors.compare_scenarios(
            by_pk[form.cleaned_data["left"]],
            by_pk[form.cleaned_data["right"]],
            selectors.visible_codes(request.user, organisation),
        )
    return render(
        request,
        "portfolio/scenario_compare.html",
        {"form": form, "comparison": comparison},
        status=400 if request.GET and not form.is_valid() else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required(
    "klassa.manage_portfolio", _visible_scenario, on=on_organisation, message=_ADMINS_ONLY
)
def scenario_commit(request: AuthenticatedHttpRequest, scenario: PortfolioScenario) -> HttpResponse:
    """Commit a scenario as the decision of its year, after an explicit confirmation."""
    organisation = member_organisation(request)
    form = forms.CommitForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.do_commit_scenario(
                actor=request.user, scenario=scenario, replace=form.cleaned_data["replace"]
            )
        except ServiceError as error:
            forms.apply_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is the decision for %(year)s.")
                % {"name": scenario.name, "year": scenario.year},
            )
            return redirect("portfolio_scenario", pk=scenario.pk)
    earlier = selectors.committed_scenario(organisation, scenario.year)
    return render(
        request,
        "portfolio/scenario_commit.html",
        {"scenario": scenario, "form": form, "earlier": earlier},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def scenario_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = member_organisation(request)
    scenario = selectors.get_visible_scenario(request.user, organisation, pk)
    try:
        services.do_delete_scenario(actor=request.user, scenario=scenario)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("portfolio_scenario", pk=scenario.pk)
    messages.success(request, _("Scenario %(name)s deleted.") % {"name": scenario.name})
    return redirect("portfolio_scenarios")


# --- Exports ------------------------------------------------------------------------------------


@require_POST
def export_start(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    organisation = member_organisation(request)
    if kind not in PortfolioReportJob.Kind.values:
        raise Http404("No such report.")
    scenario = request.POST.get("scenario") or None
    budget = request.POST.get("budget") or None
    try:
        amount = services.parse_budget(budget, "budget") if budget else None
        job = exports.do_request_portfolio_export(
            actor=request.user,
            organisation=organisation,
            kind=kind,
            language=translation.get_language(),
            scenario=scenario,
            budget=amount,
            saved_scenario=_saved(request, organisation, request.POST.get("saved")),
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("portfolio_dashboard")
    return redirect("portfolio_export", pk=job.pk)


def _visible_export(request: AuthenticatedHttpRequest, pk: int) -> PortfolioReportJob:
    return exports.get_visible_job(request.user, _org(request), pk)


EXPORT_PAGES = job_views.JobPages(
    model=PortfolioReportJob,
    select=_visible_export,
    status_url="portfolio_export",
    download_url="portfolio_export_download",
    panel_id="portfolio-job-status",
    page_template="portfolio/export_status.html",
    progress_label=gettext_lazy("Progress of the report"),
    building_text=gettext_lazy("The report is being built; this page updates itself."),
)


def export_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return job_views.job_status(request, pk, pages=EXPORT_PAGES)


def export_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return job_views.job_download(request, pk, pages=EXPORT_PAGES)
