"""Thin views for an initiative's benefit model: the page (results, charts and the editor),
the live preview, the valuation helper, the JSON import and export."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import selectors as assessment_selectors
from assessments.models import Initiative
from benefits import calculation, charts, editor, merge, selectors, services
from benefits import document as benefit_document
from benefits.forms import (
    BenefitDocumentForm,
    BenefitImportForm,
    EditorView,
    FteCostForm,
    MergeRow,
    build_editor,
    field_labels,
    merge_rows,
    translate_message,
)
from benefits.models import BenefitModel
from klassa_app import jsonload
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.services import ServiceError
from klassa_app.templatetags.klassa_format import money
from klassa_app.viewhelpers import current_organisation, permission_required

_TORNADO_INPUT = re.compile(r"^levers\[(\d+)\]\.(\w+)$|^costs\[(\d+)\]$|^discount_rate$")


def _initiative(request: AuthenticatedHttpRequest, pk: int) -> Initiative:
    return assessment_selectors.get_visible_initiative(
        request.user, current_organisation(request), pk
    )


def _not_editor() -> str:
    return _("Only business owners, economists and admins edit benefit models.")


# 404 for people outside the initiative's department, 403 for readers.
_benefit_editor = permission_required(
    "klassa.edit_benefit_model",
    _initiative,
    message=gettext_lazy("Only business owners, economists and admins edit benefit models."),
)


def _separator() -> str:
    return str(get_format("DECIMAL_SEPARATOR"))


def _scenario(value: Any) -> str:
    return value if value in calculation.SCENARIOS else "medium"


def _scenario_name(scenario: str) -> str:
    return {"low": _("Low"), "medium": _("Medium"), "high": _("High")}[scenario]


# --- Results -----------------------------------------------------------------------------------


def _tornado_label(path: str, model: calculation.BenefitModel) -> tuple[str, str]:
    """The tornado's input path in words, as (what it belongs to, which input): a lever's
    six inputs must stay apart even when the lever's name is long (the calculation's labels
    are identifiers)."""
    match = _TORNADO_INPUT.match(path)
    if match is None:
        return path, ""
    lever_index, name, cost_index = match.groups()
    if lever_index is not None:
        # Numbered as in the editor: two levers whose names are cut alike stay apart.
        number = int(lever_index) + 1
        return f"{number}. {model.levers[number - 1].name}", field_labels().get(name, name)
    if cost_index is not None:
        return model.costs[int(cost_index)].name, _("Cost")
    return _("Discount rate"), ""


def results_context(document: dict[str, Any], scenario: str) -> dict[str, Any]:
    """Everything the results panel shows for a valid document: the three scenarios, the
    investment room, the yearly and tornado charts of ``scenario`` with their data, and the
    switching value of each lever."""
    model = benefit_document.parse(document)
    evaluation = calculation.evaluate(model)
    result = evaluation[scenario]
    scenario_name = _scenario_name(scenario)

    def year_label(year: int) -> str:
        return _("Year %(year)s") % {"year": year}

    yearly_svg = charts.yearly_chart(
        [charts.YearPoint(r.year, r.benefit, r.cost, r.cumulative_net) for r in result.years],
        title=_("Benefit, cost and cumulative net per year (%(scenario)s scenario)")
        % {"scenario": scenario_name.lower()},
        description=_(
            "Bars: benefit and cost of each year; line: cumulative net. The table below has "
            "the same figures."
        ),
        benefit_label=_("Benefit"),
        cost_label=_("Cost"),
        net_label=_("Cumulative net"),
        year_label=year_label,
        money=money,
    )
    tornado_rows = []
    bars = []
    for row in calculation.tornado(model, scenario):
        label, detail = _tornado_label(row["input"], model)
        bar = charts.TornadoBar(label, row["low_npv"], row["high_npv"], detail)
        bars.append(bar)
        tornado_rows.append(
            {
                "input": row["input"],
                "label": bar.text,
                "low_npv": row["low_npv"],
                "high_npv": row["high_npv"],
                "swing": row["swing"],
            }
        )
    tornado_svg = charts.tornado_chart(
        bars,
        result.npv,
        title=_("Sensitivity of the net present value (%(scenario)s scenario)")
        % {"scenario": scenario_name.lower()},
        description=_(
            "Each input 20 % lower and 20 % higher, one at a time, and the net present value "
            "it gives; the largest effect first. The table below has the same figures."
        ),
        minus_label=_("Input −20 %"),
        plus_label=_("Input +20 %"),
        base_label=_("Net present value"),
        money=money,
        unchanged_label=_("no change"),
    )
    switching = calculation.switching_values(model, scenario)
    switching_rows = []
    for lever in result.levers:
        factor = switching.get(lever.name)
        switching_rows.append(
            {
                "name": lever.name,
                "potential": lever.potential,
                "factor": factor,
                "break_even": None if factor is None else lever.potential * factor,
            }
        )
    return {
        "document": document,
        "evaluation": evaluation,
        "scenario": scenario,
        "scenario_name": scenario_name,
        "result": result,
        "yearly_svg": mark_safe(yearly_svg),  # noqa: S308 - built and escaped by charts
        "tornado_svg": mark_safe(tornado_svg),  # noqa: S308 - built and escaped by charts
        "tornado_rows": tornado_rows,
        "tornado_gaps": any(result.npv in (b.low, b.high) and b.low != b.high for b in bars),
        "switching_rows": switching_rows,
        "scenarios": [(s, _scenario_name(s)) for s in calculation.SCENARIOS],
    }


# --- The page ----------------------------------------------------------------------------------


def _blank_draft(initiative: Initiative) -> editor.Draft:
    return editor.Draft(name=initiative.name, horizon_years="3")


def _page(
    request: AuthenticatedHttpRequest,
    initiative: Initiative,
    model: BenefitModel | None,
    *,
    can_edit: bool,
    editor_view: EditorView | None = None,
    json_form: BenefitDocumentForm | None = None,
    json_errors: list[str] | None = None,
    import_form: BenefitImportForm | None = None,
    import_errors: list[str] | None = None,
    merge_view: dict[str, Any] | None = None,
) -> HttpResponse:
    scenario = _scenario(request.GET.get("scenario"))
    results = results_context(model.document, scenario) if model is not None else None
    lock_version = model.lock_version if model is not None else None
    if can_edit and editor_view is None:
        draft = (
            editor.draft_from_document(model.document, _separator())
            if model is not None
            else _blank_draft(initiative)
        )
        editor_view = build_editor(draft, lock_version=lock_version)
    if can_edit and json_form is None:
        initial = {"lock_version": lock_version}
        if model is not None:
            initial["document"] = json.dumps(model.document, indent=2, ensure_ascii=False)
        json_form = BenefitDocumentForm(initial=initial)
    if can_edit and import_form is None:
        import_form = BenefitImportForm(initial={"lock_version": lock_version})
    return render(
        request,
        "benefits/benefit_model.html",
        {
            "initiative": initiative,
            "model": model,
            "results": results,
            "evaluation": results["evaluation"] if results else None,
            "can_edit": can_edit,
            "editor": editor_view if can_edit else None,
            "form": json_form if can_edit else None,
            "errors": json_errors or [],
            "import_form": import_form if can_edit else None,
            "import_errors": import_errors or [],
            "double_counting": selectors.double_counting_for(initiative, viewer=request.user),
            "merge": merge_view,
            # Beside a form that was not saved (errors, or a merge to decide), the results
            # are those of the saved model, not of what the form shows: say so.
            "results_saved_only": bool(
                merge_view or (editor_view is not None and editor_view.has_errors)
            ),
        },
    )


def _row_action(action: str) -> tuple[str, int | None]:
    """ "remove_lever-2" → ("remove_lever", 2)."""
    name, _dash, index = action.partition("-")
    return name, int(index) if index.isdigit() else None


def _editor_post(
    request: AuthenticatedHttpRequest, initiative: Initiative, model: BenefitModel | None
) -> HttpResponse:
    draft = editor.draft_from_data(request.POST)
    lock_version = editor.parse_number(request.POST.get("lock_version", ""))
    lock = int(lock_version) if lock_version is not None else None
    action, index = _row_action(request.POST.get("action", "save"))
    if action != "save":
        # Rows added or removed, or a lever's kind changed: show the form again, save nothing.
        if action == "add_lever" and len(draft.levers) < editor.MAX_ROWS:
            draft.levers.append(editor.new_lever(request.POST.get("new_lever_kind", "")))
        elif action == "remove_lever" and index is not None and index < len(draft.levers):
            del draft.levers[index]
        elif action == "add_cost" and len(draft.costs) < editor.MAX_ROWS:
            draft.costs.append(editor.CostDraft())
        elif action == "remove_cost" and index is not None and index < len(draft.costs):
            del draft.costs[index]
        view = build_editor(draft, lock_version=lock)
        if request.htmx:
            return render(
                request,
                "benefits/_editor_swap.html",
                {"initiative": initiative, "editor": view, **_preview_context(draft, request)},
            )
        return _page(request, initiative, model, can_edit=True, editor_view=view)
    document = editor.document_from_draft(draft)
    if model is not None:
        document = editor.keep_unchanged_text(document, model.document)
    try:
        services.do_save_benefit_model(
            actor=request.user, initiative=initiative, document=document, lock_version=lock
        )
    except services.BenefitModelInvalid as error:
        view = build_editor(draft, error.errors, lock_version=lock)
        return _page(request, initiative, model, can_edit=True, editor_view=view)
    except services.BenefitModelCollision as collision:
        return _collision_page(request, initiative, collision)
    messages.success(request, _("Benefit model saved."))
    return redirect("benefit_model", pk=initiative.pk)


def _json_post(
    request: AuthenticatedHttpRequest, initiative: Initiative, model: BenefitModel | None
) -> HttpResponse:
    form = BenefitDocumentForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.do_save_benefit_model(
                actor=request.user,
                initiative=initiative,
                document=form.cleaned_data["document"],
                lock_version=form.cleaned_data.get("lock_version"),
            )
        except services.BenefitModelCollision as collision:
            return _collision_page(request, initiative, collision)
        except services.BenefitModelInvalid as error:
            # The path as written in the document, the message in the reader's language.
            errors = [f"{e.path}: {e.localized}" for e in error.errors]
            form.add_error(
                "document",
                ValidationError(
                    _("The benefit model has errors; nothing was saved."),
                    code="document_invalid",
                    params={"count": len(error.errors)},
                ),
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Benefit model saved."))
            return redirect("benefit_model", pk=initiative.pk)
    return _page(request, initiative, model, can_edit=True, json_form=form, json_errors=errors)


@require_http_methods(["GET", "POST"])
def benefit_model(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    initiative = _initiative(request, pk)
    model = BenefitModel.objects.filter(initiative=initiative).first()
    can_edit = services.can_edit_benefit_model(request.user, initiative)
    if request.method == "GET":
        if request.htmx and model is not None:
            # The scenario switch of a reader: only the results panel.
            return render(
                request,
                "benefits/_results.html",
                {
                    "initiative": initiative,
                    "results": results_context(
                        model.document, _scenario(request.GET.get("scenario"))
                    ),
                    "can_edit": can_edit,
                },
            )
        return _page(request, initiative, model, can_edit=can_edit)
    if not can_edit:
        raise PermissionDenied(_not_editor())
    if "merge_mine" in request.POST:
        return _merge_post(request, initiative, model)
    if "document" in request.POST:
        return _json_post(request, initiative, model)
    return _editor_post(request, initiative, model)


# --- A save that collides with someone else's -------------------------------------------------


def _merge_page(
    request: AuthenticatedHttpRequest,
    initiative: Initiative,
    *,
    mine: dict[str, Any],
    base_version: int,
    theirs_version: int,
    choices: dict[int, merge.Choice] | None = None,
    missing: set[int] | None = None,
    errors: list[str] | None = None,
    again: bool = False,
) -> HttpResponse:
    """The merge view: mine beside theirs, field by field, against the saved model now."""
    model = BenefitModel.objects.get(initiative=initiative)
    theirs = services.get_version_document(model, theirs_version) or model.document
    base = services.get_version_document(model, base_version)
    result = merge.three_way(base, mine, theirs)
    rows: list[MergeRow] = merge_rows(result, _separator(), choices, missing)
    view = {
        "rows": rows,
        "conflicts": sum(row.conflict for row in rows),
        "base_known": result.base_known,
        "mine_json": json.dumps(mine, ensure_ascii=False),
        "base_version": base_version,
        "theirs_version": theirs_version,
        "saved_by": (
            (model.updated_by.get_full_name() or model.updated_by.get_username())
            if model.updated_by
            else _("Someone else")
        ),
        "errors": errors or [],
        "again": again,
    }
    return _page(request, initiative, model, can_edit=True, merge_view=view)


def _collision_page(
    request: AuthenticatedHttpRequest,
    initiative: Initiative,
    collision: services.BenefitModelCollision,
    *,
    again: bool = False,
) -> HttpResponse:
    return _merge_page(
        request,
        initiative,
        mine=collision.mine,
        base_version=collision.base_version,
        theirs_version=collision.theirs_version,
        again=again,
    )


def _version(text: str | None) -> int | None:
    number = editor.parse_number(text or "")
    if number is None or number < 0 or number != number.to_integral_value():
        return None
    return int(number)


def _merge_post(
    request: AuthenticatedHttpRequest, initiative: Initiative, model: BenefitModel | None
) -> HttpResponse:
    """ "Save merged" (mine with the chosen fields of theirs) or "Overwrite with mine", each
    against the version the merge view showed: a save in between is detected again."""
    base_version = _version(request.POST.get("merge_base_version"))
    theirs_version = _version(request.POST.get("lock_version"))
    try:
        mine = jsonload.load_document(request.POST.get("merge_mine", ""))
    except jsonload.JsonDocumentError:
        mine = None
    if (
        model is None
        or base_version is None
        or theirs_version is None
        or not isinstance(mine, dict)
    ):
        messages.error(request, _("The merge could not be read; nothing was saved."))
        return redirect("benefit_model", pk=initiative.pk)
    action = request.POST.get("action")

    def again(*, missing: set[int] | None = None, errors: list[str] | None = None) -> HttpResponse:
        return _merge_page(
            request,
            initiative,
            mine=mine,
            base_version=base_version,
            theirs_version=theirs_version,
            choices=choices,
            missing=missing,
            errors=errors,
        )

    choices: dict[int, merge.Choice] = {
        int(name.removeprefix("merge-")): value
        for name, value in request.POST.items()
        if name.removeprefix("merge-").isdigit() and value in (merge.MINE, merge.THEIRS)
    }
    if action == "overwrite":
        document, resolution, summary = mine, "overwritten", None
    else:
        theirs = services.get_version_document(model, theirs_version)
        base = services.get_version_document(model, base_version)
        if theirs is None:
            messages.error(request, _("The merge could not be read; nothing was saved."))
            return redirect("benefit_model", pk=initiative.pk)
        result = merge.three_way(base, mine, theirs)
        # A row's choice holds for every difference in it (one input's three scenarios).
        row_of = {i: group[0] for group in merge.rows(result) for i in group}
        keys = {d.key: row_of[i] for i, d in enumerate(result.differences)}
        by_key = {key: choices[i] for key, i in keys.items() if i in choices}
        try:
            chosen = merge.choices_with_defaults(result, by_key)
        except merge.Unresolved as unresolved:
            missing = {keys[key] for key in unresolved.keys}
            return again(missing=missing)
        document = merge.apply(result, mine, theirs, chosen)
        summary = {
            "kept_mine": sum(c == merge.MINE for c in chosen.values()),
            "took_theirs": sum(c == merge.THEIRS for c in chosen.values()),
            "conflicts": len(result.conflicts),
        }
        resolution = "merged"
    try:
        services.do_save_benefit_model(
            actor=request.user,
            initiative=initiative,
            document=document,
            lock_version=theirs_version,
            resolution=resolution,
            merge_summary=summary,
        )
    except services.BenefitModelCollision as collision:
        # Someone saved again while this person was merging: compare with the newest.
        collision.mine = mine
        return _collision_page(request, initiative, collision, again=True)
    except services.BenefitModelInvalid as error:
        errors = [f"{e.path}: {translate_message(e)}" for e in error.errors]
        return again(errors=errors)
    if resolution == "merged":
        messages.success(request, _("Benefit model saved with your changes merged with theirs."))
    else:
        messages.success(request, _("Benefit model saved with your version over theirs."))
    return redirect("benefit_model", pk=initiative.pk)


# --- Live preview ------------------------------------------------------------------------------


def _preview_context(draft: editor.Draft, request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """The results of an unsaved draft, or its errors (each linked to its input)."""
    document = editor.document_from_draft(draft)
    errors = benefit_document.validate(document)
    scenario = _scenario(request.POST.get("scenario"))
    if errors:
        view = build_editor(draft, errors)
        return {
            "results": None,
            "preview_errors": view.summary,
            "preview": True,
            "scenario": scenario,
        }
    return {"results": results_context(document, scenario), "preview_errors": [], "preview": True}


@require_POST
@_benefit_editor
def benefit_model_preview(
    request: AuthenticatedHttpRequest, initiative: Initiative
) -> HttpResponse:
    """The results panel for the editor's current (unsaved) inputs. Never saves. The rounded
    FTE readings beside the inputs follow the typed values (swapped out of band)."""
    draft = editor.draft_from_data(request.POST)
    response = render(
        request,
        "benefits/_results.html",
        {"initiative": initiative, "can_edit": True, **_preview_context(draft, request)},
    )
    for lever in build_editor(draft).levers:
        for item in lever.inputs:
            for field in (item.single, *item.scenarios):
                if field.reading is not None:
                    response.content += render_to_string(
                        "benefits/_reading.html", {"field": field, "oob": True}, request
                    ).encode()
    return response


@require_POST
@_benefit_editor
def benefit_fte_cost(request: AuthenticatedHttpRequest, initiative: Initiative) -> HttpResponse:
    """The valuation helper: annual cost per FTE from a monthly salary, with the same formula
    as the calculation (monthly × 12 × on-cost factor)."""
    lever = editor.parse_number(request.POST.get("lever", ""))
    index = int(lever) if lever is not None and 0 <= lever < editor.MAX_ROWS else 0
    prefix = f"levers-{index}-"
    form = FteCostForm(
        {
            "monthly_salary": request.POST.get(prefix + "monthly_salary", ""),
            "on_cost_factor": request.POST.get(prefix + "on_cost_factor", ""),
        }
    )
    context: dict[str, Any] = {"initiative": initiative, "form": form, "index": index}
    if form.is_valid():
        factor = form.cleaned_data["on_cost_factor"] or calculation.DEFAULT_ON_COST_FACTOR
        annual = calculation.annual_cost_per_fte(form.cleaned_data["monthly_salary"], factor)
        annual = annual.quantize(Decimal("0.01"))
        context |= {
            "annual": annual,
            "factor": factor,
            "monthly": form.cleaned_data["monthly_salary"],
            "fill_value": editor.format_number(annual, _separator()),
            "target_id": f"id_{prefix}annual_cost_per_fte",
            "split_id": f"id_{prefix}annual_cost_per_fte-split",
        }
    return render(request, "benefits/_fte_cost.html", context)


# --- Import and export -------------------------------------------------------------------------


@require_POST
@_benefit_editor
def benefit_model_import(request: AuthenticatedHttpRequest, initiative: Initiative) -> HttpResponse:
    """Replace the model with an uploaded ``klassa.benefit-model/1`` file (e.g. exported from
    another organisation); nothing is saved when any field is wrong."""
    model = BenefitModel.objects.filter(initiative=initiative).first()
    form = BenefitImportForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.do_save_benefit_model(
                actor=request.user,
                initiative=initiative,
                document=form.cleaned_data["file"],
                lock_version=form.cleaned_data.get("lock_version"),
            )
        except services.BenefitModelCollision as collision:
            return _collision_page(request, initiative, collision)
        except services.BenefitModelInvalid as error:
            errors = [f"{e.path}: {translate_message(e)}" for e in error.errors]
            form.add_error(
                "file",
                ValidationError(
                    _("The file has errors; nothing was imported."),
                    code="document_invalid",
                    params={"count": len(error.errors)},
                ),
            )
        else:
            messages.success(request, _("Benefit model imported."))
            return redirect("benefit_model", pk=initiative.pk)
    return _page(request, initiative, model, can_edit=True, import_form=form, import_errors=errors)


@require_GET
def benefit_model_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
