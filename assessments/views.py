"""Thin views for the classification pages: scope through selectors, write through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import classification_rules, consensus, frameworks, selectors, services
from assessments.forms import (
    AdjustmentForm,
    AssetFilterForm,
    AssetForm,
    InitiativeAssetsForm,
    InitiativeFilterForm,
    InitiativeForm,
    RequirementStatusForm,
    StepForm,
)
from assessments.i18n import tr
from assessments.models import Assessment, InformationAsset, Initiative, Question, Requirement
from klassa_app import access
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.services import ServiceError
from klassa_app.viewhelpers import (
    apply_service_error,
    autosave_status,
    current_organisation,
    on_department,
    paginate,
    permission_required,
    querystring_without_page,
)


def _editable_departments(request: AuthenticatedHttpRequest, check) -> Any:
    departments = access.visible_departments(request.user, current_organisation(request)).filter(
        is_active=True
    )
    allowed = [d.pk for d in departments if check(request.user, d)]
    return departments.filter(pk__in=allowed).order_by("name")


def _may_create_in_any(request: AuthenticatedHttpRequest, check) -> bool:
    """Whether the person may create in at least one active department (one query)."""
    departments = access.visible_departments(request.user, current_organisation(request)).filter(
        is_active=True
    )
    return any(check(request.user, d) for d in departments)


def _department_initial(request: AuthenticatedHttpRequest, departments: Any) -> dict[str, Any]:
    """Preselect the department named in the link, or the only one the person may use."""
    wanted = request.GET.get("department", "")
    if wanted.isdigit() and departments.filter(pk=int(wanted)).exists():
        return {"department": int(wanted)}
    only = list(departments[:2])
    return {"department": only[0].pk} if len(only) == 1 else {}


# --- Asset register ---------------------------------------------------------------------------


@require_GET
def asset_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    departments = access.visible_departments(request.user, organisation).order_by("name")
    form = AssetFilterForm(request.GET or None, departments=departments)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = form.selector_filters()
    assets = selectors.asset_register(request.user, organisation, **filters)
    scheme = (
        frameworks.load_scheme(frameworks.current_scheme(organisation)) if organisation else None
    )
    return render(
        request,
        "assessments/asset_list.html",
        {
            "filter_form": form,
            "page_obj": paginate(request, assets),
            "querystring": querystring_without_page(request),
            "aspects": scheme.aspects if scheme else [],
            "can_create": _may_create_in_any(request, access.can_edit_assets),
        },
    )


@require_http_methods(["GET", "POST"])
def asset_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    departments = _editable_departments(request, access.can_edit_assets)
    if not departments:
        raise PermissionDenied(_("You may not register information assets."))
    form = AssetForm(
        request.POST or None,
        departments=departments,
        initial=_department_initial(request, departments),
    )
    if request.method == "POST" and form.is_valid():
        try:
            asset = services.do_create_asset(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, _("Information asset %(code)s registered.") % {"code": asset.code}
            )
            return redirect("asset_detail", pk=asset.pk)
    return render(request, "assessments/asset_form.html", {"form": form, "asset": None})


@require_GET
def asset_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = current_organisation(request)
    asset = selectors.get_visible_asset(request.user, organisation, pk)
    assessments = selectors.asset_assessments(asset)
    scheme = frameworks.load_scheme(
        assessments[0].scheme if assessments else frameworks.current_scheme(organisation)
    )
    return render(
        request,
        "assessments/asset_detail.html",
        {
            "asset": asset,
            "assessments": assessments,
            "aspects": scheme.aspects,
            "initiatives": asset.initiatives.select_related("department").order_by("code"),
            "can_edit": access.can_edit_assets(request.user, asset.department),
            "open_assessment": next((a for a in assessments if a.is_editable), None),
        },
    )


def _visible_asset(request: AuthenticatedHttpRequest, pk: int) -> InformationAsset:
    return selectors.get_visible_asset(request.user, current_organisation(request), pk)


@require_http_methods(["GET", "POST"])
@permission_required(
    "klassa.edit_assets",
    _visible_asset,
    on=on_department,
    message=gettext_lazy("You may not change this department's information assets."),
)
def asset_edit(request: AuthenticatedHttpRequest, asset: InformationAsset) -> HttpResponse:
    departments = _editable_departments(request, access.can_edit_assets)
    initial = {
        name: getattr(asset, name)
        for name in (
            "code",
            "name",
            "description",
            "owner_role",
            "systems",
            "personal_data",
            "secrecy",
            "secrecy_reference",
            "protective_security",
        )
    }
    initial["department"] = asset.department_id
    form = AssetForm(request.POST or None, departments=departments, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_asset(actor=request.user, asset=asset, **form.cleaned_data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Information asset saved."))
            return redirect("asset_detail", pk=asset.pk)
    return render(request, "assessments/asset_form.html", {"form": form, "asset": asset})


@require_POST
def asset_assess(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Start a new version (re-assess) or resume the open one."""
    asset = selectors.get_visible_asset(request.user, current_organisation(request), pk)
    assessment = services.do_start_assessment(actor=request.user, asset=asset)
    first = frameworks.load_scheme(assessment.scheme).codes[0]
    return redirect("assessment_step", pk=assessment.pk, aspect=first)


# --- The wizard -------------------------------------------------------------------------------


def _step_context(assessment: Assessment, aspect_code: str) -> dict[str, Any]:
    scheme = frameworks.load_scheme(assessment.scheme)
    aspect = scheme.aspect(aspect_code)
    if aspect is None:
        raise Http404("No such aspect.")
    questions = list(
        Question.objects.filter(bank=assessment.question_bank, aspect_code=aspect_code)
        .prefetch_related("options")
        .order_by("order")
    )
    codes = scheme.codes
    index = codes.index(aspect_code)
    return {
        "scheme": scheme,
        "aspect": aspect,
        "questions": questions,
        "levels": [(lv.ordinal, tr(lv.name)) for lv in aspect.levels.all()],
        "steps": scheme.aspects,
        "step_index": index + 1,
        "previous_code": codes[index - 1] if index > 0 else None,
        "next_code": codes[index + 1] if index + 1 < len(codes) else None,
    }


def _step_initial(
    assessment: Assessment, aspect_code: str, questions: list[Question]
) -> dict[str, Any]:
    answers = {a.question_id: a for a in assessment.answers.filter(question__in=questions)}
    initial: dict[str, Any] = {"lock_version": assessment.lock_version}
    for q in questions:
        answer = answers.get(q.pk)
        initial[f"answer_{q.code}"] = answer.option_id if answer else None
        initial[f"comment_{q.code}"] = answer.comment if answer else ""
    result = assessment.results.filter(aspect_code=aspect_code).first()
    if result is not None:
        initial["override_level"] = result.override_level
        initial["override_reason"] = result.override_reason
    if aspect_code == "T":
        initial.update(
            downtime_hours=assessment.downtime_hours,
            rto_hours=assessment.rto_hours,
            rpo_hours=assessment.rpo_hours,
        )
    return initial


def _preview(
    assessment: Assessment, aspect_code: str, form: StepForm, context: dict[str, Any]
) -> dict[str, Any]:
    """The level the current answers imply, without saving (for the live result box)."""
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else form.initial
    options = {o.pk: o.level for q in context["questions"] for o in q.options.all()}
    answer_levels = [options.get(data.get(f"answer_{q.code}")) for q in context["questions"]]
    top = context["scheme"].tops[aspect_code]
    if aspect_code == "T" and data.get("downtime_hours") is not None:
        answer_levels.append(
            services.downtime_level(assessment.scheme, data["downtime_hours"], top)
        )
    minimum = classification_rules.minimum_levels(
        assessment.asset.triggers, assessment.scheme.legal_minimums
    ).get(aspect_code)
    # The same rule as the save; an override the save would refuse is left out of the preview
    # (the save then names the field).
    arguments = {
        "aspect": aspect_code,
        "answer_levels": answer_levels,
        "minimum": minimum,
        "top": top,
    }
    try:
        outcome = classification_rules.aspect_outcome(
            override=data.get("override_level"),
            override_reason=data.get("override_reason") or "",
            **arguments,
        )
    except classification_rules.RuleError:
        outcome = classification_rules.aspect_outcome(
            override=None, override_reason="", **arguments
        )
    computed, minimum, override, final = (
        outcome.computed,
        outcome.minimum,
        outcome.override,
        outcome.final,
    )
    return {
        "computed": computed,
        "minimum": minimum,
        "override": override,
        "final": final,
        "final_level": context["scheme"].level(aspect_code, final),
        "top": top,
    }


@require_http_methods(["GET", "POST"])
def assessment_step(request: AuthenticatedHttpRequest, pk: int, aspect: str) -> HttpResponse:
    assessment = selectors.get_visible_assessment(request.user, current_organisation(request), pk)
    context = _step_context(assessment, aspect)
    can_edit = assessment.is_editable and access.can_edit_assets(
        request.user, assessment.asset.department
    )
    form = StepForm(
        request.POST or None,
        questions=context["questions"],
        levels=context["levels"],
        availability=aspect == "T",
        initial=_step_initial(assessment, aspect, context["questions"]),
    )
    if request.method == "POST" and "autosave" in request.POST:
        return _autosave_answer(request, assessment, form)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("This assessment cannot be changed by you."))
        if form.is_valid() and "preview" not in request.POST:
            data = form.cleaned_data
            step = services.StepInput(
                answers={q.code: data.get(f"answer_{q.code}") for q in context["questions"]},
                comments={q.code: data.get(f"comment_{q.code}", "") for q in context["questions"]},
                override_level=data.get("override_level"),
                override_reason=data.get("override_reason", ""),
                downtime_hours=data.get("downtime_hours"),
                rto_hours=data.get("rto_hours"),
                rpo_hours=data.get("rpo_hours"),
            )
            try:
                services.do_save_step(
                    actor=request.user,
                    assessment=assessment,
                    aspect_code=aspect,
                    step=step,
                    lock_version=data["lock_version"],
                )
            except services.StaleVersion:
                return _step_collision(request, assessment, aspect, context, can_edit)
            except ServiceError as error:
                apply_service_error(form, error)
            else:
                target = request.POST.get("go")
                if target == "summary" or (target == "next" and not context["next_code"]):
                    return redirect("assessment_detail", pk=assessment.pk)
                if target == "previous" and context["previous_code"]:
                    return redirect(
                        "assessment_step", pk=assessment.pk, aspect=context["previous_code"]
                    )
                if target == "next":
                    return redirect(
                        "assessment_step", pk=assessment.pk, aspect=context["next_code"]
                    )
                messages.success(request, _("Saved."))
                return redirect("assessment_step", pk=assessment.pk, aspect=aspect)
    preview = (
        _preview(assessment, aspect, form, context)
        if not form.is_bound or form.is_valid()
        else None
    )
    context.update(assessment=assessment, form=form, preview=preview, can_edit=can_edit)
    if request.htmx and "preview" in request.POST:
        return render(request, "assessments/_step_result.html", context)
    return render(request, "assessments/assessment_step.html", context)


def _step_collision(
    request: AuthenticatedHttpRequest,
    assessment: Assessment,
    aspect: str,
    context: dict[str, Any],
    can_edit: bool,
) -> HttpResponse:
    """Someone else saved the assessment while this person edited the step: nothing was
    written. The step is shown again with every typed value, the saved values that differ
    beside them, and the new version, so that saving again is a choice made knowingly."""
    assessment.refresh_from_db()
    saved = _step_initial(assessment, aspect, context["questions"])
    data = request.POST.copy()
    data["lock_version"] = str(assessment.lock_version)
    form = StepForm(
        data,
        questions=context["questions"],
        levels=context["levels"],
        availability=aspect == "T",
        initial=saved,
    )
    form.is_valid()
    context.update(
        assessment=assessment,
        form=form,
        preview=_preview(assessment, aspect, form, context),
        can_edit=can_edit,
        collision=form.differences_from(saved),
    )
    return render(request, "assessments/assessment_step.html", context, status=409)


def _autosave_answer(
    request: AuthenticatedHttpRequest, assessment: Assessment, form: StepForm
) -> HttpResponse:
    """One question's answer and comment, saved as they change (htmx); the step's other
    fields wait for the step's own save."""
    code = request.POST.get("autosave", "")
    if f"answer_{code}" not in form.fields:
        raise Http404("No such question in this step.")
    option_id, comment, errors = form.answer_of(code)
    lock = form.cleaned_data.get("lock_version")
    if errors or lock is None:
        return autosave_status(saved=False, message=" ".join(errors) or _("Not saved."))
    try:
        assessment = services.do_save_answer(
            actor=request.user,
            assessment=assessment,
            question_code=code,
            option_id=option_id,
            comment=comment,
            lock_version=lock,
        )
    except services.StaleVersion:
        return autosave_status(
            saved=False,
            message=_(
                "Not saved: someone else saved this assessment in the meantime. Your change is "
                "still on this page; copy it, then reload the page to see their version."
            ),
        )
    except ServiceError as error:
        return autosave_status(saved=False, message=_("Not saved: %s") % error.message)
    return autosave_status(saved=True, lock_version=assessment.lock_version)


@require_GET
def assessment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = current_organisation(request)
    assessment = selectors.get_visible_assessment(request.user, organisation, pk)
    scheme = frameworks.load_scheme(assessment.scheme)
    results = {r.aspect_code: r for r in assessment.results.all()}
    levels = {row.code: row for row in consensus.level_rows(assessment)}
    rows = [
        {
            "aspect": a,
            "result": results.get(a.code),
            "lv": levels.get(a.code),
            "level": scheme.level(a.code, getattr(results.get(a.code), "final_level", None)),
        }
        for a in scheme.aspects
    ]
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "asset": assessment.asset,
            "rows": rows,
            "approvers": consensus.approvers(assessment),
            "problems": services.approval_problems(assessment) if assessment.is_editable else [],
            "four_eyes": services.four_eyes_problem(assessment, request.user)
            if assessment.is_editable
            else None,
            "can_approve": assessment.is_editable
            and access.can_approve_classifications(request.user, organisation),
            "can_edit": assessment.is_editable
            and access.can_edit_assets(request.user, assessment.asset.department),
            "first_step": scheme.codes[0] if scheme.codes else None,
            "session": _visible_session(request, assessment),
            "minutes_session": _minutes_session(request, assessment),
        },
    )


def _minutes_session(request: AuthenticatedHttpRequest, assessment: Assessment):
    """The latest concluded session, for an admin who reads its minutes without taking part."""
    session = consensus.concluded_session(assessment)
    if session is None or consensus.takes_part(session, request.user):
        return None
    return session if consensus.may_read_minutes(session, request.user) else None


def _visible_session(request: AuthenticatedHttpRequest, assessment: Assessment):
    """The latest session of this assessment, if the person takes part in it."""
    session = assessment.consensus_sessions.order_by("-created_at").first()
    if session is None:
        return None
    if (
        session.facilitator_id == request.user.pk
        or session.participants.filter(user=request.user).exists()
    ):
        return session
    return None


@require_POST
def assessment_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.get_visible_assessment(request.user, current_organisation(request), pk)
    try:
        lock = int(request.POST.get("lock_version", ""))
    except ValueError:
        lock = None
    try:
        services.do_approve_assessment(actor=request.user, assessment=assessment, lock_version=lock)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Classification approved."))
    return redirect("assessment_detail", pk=assessment.pk)


@require_GET
def overdue_reviews(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    assets = selectors.asset_register(request.user, organisation, review="overdue", sort="review")
    return render(
        request,
        "assessments/overdue_reviews.html",
        {"page_obj": paginate(request, assets), "querystring": ""},
    )


# --- Initiatives ------------------------------------------------------------------------------


@require_GET
def initiative_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    departments = access.visible_departments(request.user, organisation).order_by("name")
    form = InitiativeFilterForm(
        request.GET or None, departments=departments, organisation=organisation
    )
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = form.selector_filters()
    page = paginate(request, selectors.initiative_list(request.user, organisation, **filters))
    scheme = (
        frameworks.load_scheme(frameworks.current_scheme(organisation)) if organisation else None
    )
    rows = selectors.classify_page(list(page.object_list), scheme) if scheme else []
    return render(
        request,
        "assessments/initiative_list.html",
        {
            "filter_form": form,
            "page_obj": page,
            "rows": rows,
            "aspects": scheme.aspects if scheme else [],
            "querystring": querystring_without_page(request),
            "can_create": _may_create_in_any(request, access.can_edit_initiatives),
        },
    )


@require_http_methods(["GET", "POST"])
def initiative_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    departments = _editable_departments(request, access.can_edit_initiatives)
    if not departments:
        raise PermissionDenied(_("You may not create initiatives."))
    form = InitiativeForm(
        request.POST or None,
        departments=departments,
        initial=_department_initial(request, departments),
    )
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.do_create_initiative(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Initiative %(code)s created.") % {"code": initiative.code})
            return redirect("initiative_assets", pk=initiative.pk)
    return render(request, "assessments/initiative_form.html", {"form": form, "initiative": None})


def _visible_initiative(request: AuthenticatedHttpRequest, pk: int) -> Initiative:
    return selectors.get_visible_initiative(request.user, current_organisation(request), pk)


# Who may change an initiative, its assets and adjustments: 404 unseen, 403 for readers.
_initiative_editor = permission_required(
    "klassa.edit_initiatives",
    _visible_initiative,
    on=on_department,
    message=gettext_lazy("You may not change this department's initiatives."),
)


@require_GET
def initiative_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = current_organisation(request)
    initiative = selectors.get_visible_initiative(request.user, organisation, pk)
    scheme = frameworks.load_scheme(frameworks.current_scheme(organisation))
    classification = selectors.initiative_classification(initiative, scheme)
    plan = selectors.action_plan(initiative, classification)
    rows = [
        {
            "aspect": a,
            "row": classification.aspects[a.code],
            "level": scheme.level(a.code, classification.aspects[a.code].final),
            "fulfilment": plan.fulfilment.get(a.code),
        }
        for a in scheme.aspects
    ]
    can_edit = access.can_edit_initiatives(request.user, initiative.department)
    adjustment_form = None
    if can_edit:
        adjustment_form = AdjustmentForm(
            aspects=[(a.code, f"{a.code} – {tr(a.name)}") for a in scheme.aspects],
            levels=list(range(0, max(scheme.tops.values(), default=4) + 1)),
        )
    return render(
        request,
        "assessments/initiative_detail.html",
        {
            "initiative": initiative,
            "classification": classification,
            "rows": rows,
            "assets": list(initiative.assets.all()),
            "plan": plan,
            "can_edit": can_edit,
            "adjustment_form": adjustment_form,
        },
    )


@require_http_methods(["GET", "POST"])
@_initiative_editor
def initiative_edit(request: AuthenticatedHttpRequest, initiative: Initiative) -> HttpResponse:
    departments = access.visible_departments(request.user, current_organisation(request)).filter(
        pk=initiative.department_id
    )
    form = InitiativeForm(
        request.POST or None,
        departments=departments,
        initial={
            "department": initiative.department_id,
            "code": initiative.code,
            "name": initiative.name,
            "area": initiative.area.name if initiative.area else "",
            "description": initiative.description,
        },
    )
    form.fields["department"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "department"}
        try:
            services.do_update_initiative(actor=request.user, initiative=initiative, **data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Initiative saved."))
            return redirect("initiative_detail", pk=initiative.pk)
    return render(
        request, "assessments/initiative_form.html", {"form": form, "initiative": initiative}
    )


@require_http_methods(["GET", "POST"])
@_initiative_editor
def initiative_assets(request: AuthenticatedHttpRequest, initiative: Initiative) -> HttpResponse:
    choices = (
        selectors.visible_assets(request.user, current_organisation(request))
        .select_related("department")
        .order_by("code")
    )
    form = InitiativeAssetsForm(
        request.POST or None,
        assets=choices,
        initial={"assets": [a.pk for a in initiative.assets.all()]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.do_set_initiative_assets(
                actor=request.user, initiative=initiative, assets=form.cleaned_data["assets"]
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("The initiative's information assets were saved."))
            return redirect("initiative_detail", pk=initiative.pk)
    return render(
        request, "assessments/initiative_assets.html", {"form": form, "initiative": initiative}
    )


@require_POST
@_initiative_editor
def initiative_adjust(request: AuthenticatedHttpRequest, initiative: Initiative) -> HttpResponse:
    scheme = frameworks.load_scheme(frameworks.current_scheme(initiative.organisation))
    form = AdjustmentForm(
        request.POST,
        aspects=[(a.code, a.code) for a in scheme.aspects],
        levels=list(range(0, max(scheme.tops.values(), default=4) + 1)),
    )
    if form.is_valid():
        try:
            services.do_set_adjustment(
                actor=request.user, initiative=initiative, **form.cleaned_data
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Adjustment saved."))
    else:
        field, errors = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {errors[0]}" if label else errors[0])
    return redirect("initiative_detail", pk=initiative.pk)


@require_POST
@_initiative_editor
def initiative_adjustment_remove(
    request: AuthenticatedHttpRequest, initiative: Initiative, aspect: str
) -> HttpResponse:
    services.do_remove_adjustment(actor=request.user, initiative=initiative, aspect_code=aspect)
    messages.success(request, _("Adjustment removed."))
    return redirect("initiative_detail", pk=initiative.pk)


@require_http_methods(["GET", "POST"])
def initiative_action_plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = current_organisation(request)
    initiative = selectors.get_visible_initiative(request.user, organisation, pk)
    can_edit = access.can_edit_initiatives(request.user, initiative.department)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("You may not change this department's initiatives."))
        form = RequirementStatusForm(request.POST)
        try:
            requirement = Requirement.objects.get(
                pk=int(request.POST.get("requirement", "0")),
                catalogue=initiative.action_plan_catalogue,
            )
        except (ValueError, Requirement.DoesNotExist) as exc:
            raise Http404("No such requirement in this plan.") from exc
        if form.is_valid():
            try:
                services.do_set_requirement_status(
                    actor=request.user,
                    initiative=initiative,
                    requirement=requirement,
                    **form.cleaned_data,
                )
            except ServiceError as error:
                messages.error(request, error.message)
        else:
            messages.error(request, _("Choose a status from the list."))
        if not request.htmx:
            return redirect("initiative_action_plan", pk=initiative.pk)
    classification = selectors.initiative_classification(initiative)
    plan = selectors.action_plan(initiative, classification)
    context = {
        "initiative": initiative,
        "classification": classification,
        "plan": plan,
        "can_edit": can_edit,
        "status_choices": RequirementStatusForm.base_fields["status"].choices,
        "current_catalogue_version": frameworks.current_catalogue(initiative.organisation).version,
    }
    if request.htmx and request.method == "POST":
        return render(request, "assessments/_action_plan_summary.html", context)
    return render(request, "assessments/initiative_action_plan.html", context)


@require_GET
def frameworks_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    if organisation is None or not access.is_member(request.user, organisation):
        raise Http404("No organisation.")
    scheme = frameworks.load_scheme(frameworks.current_scheme(organisation))
    bank = frameworks.current_question_bank(organisation)
    catalogue = frameworks.current_catalogue(organisation)
    return render(
        request,
        "assessments/frameworks.html",
        {
            "scheme": scheme,
            "bank": bank,
            "questions": bank.questions.prefetch_related("options").order_by(
                "aspect_code", "order"
            ),
            "catalogue": catalogue,
            "requirements": catalogue.requirements.order_by("aspect_code", "min_level", "code"),
            "disabled_aspects": scheme.scheme.aspects.filter(enabled=False),
            "can_manage": access.can_manage_frameworks(request.user, organisation),
        },
    )
