"""An initiative's benefit model: the ``klassa.benefit-model/1`` document in and out, and
its key figures per scenario.

The document is exactly the one the download page gives and the upload page reads
(``docs/formats/benefit-model.md``): numbers as plain decimal strings. A PUT goes through the
upload's service (``benefits.services.do_save_benefit_model``): the same permission (business
owners, economists and admins of the initiative's department), the same validation, every
error named by its path in the document (``body.levers[2].reduction.high``), nothing saved
when any is wrong. The ``ETag`` is the model's version; a PUT with ``If-Match`` is refused
(412) when someone else saved in between.

The evaluation reads the key figures stored with every save (``BenefitSummary``); nothing
is recomputed per request. Like the document, it writes numbers as decimal strings, so no
digit is lost to a binary float: money with 2 decimals, ratios and years with 6
(``benefits.calculation.money_text`` / ``rate_text``), ``null`` where a figure does not exist
(an IRR without a sign change, a payback never reached).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status

from api.common import MAX_ID, READ_ERRORS, WRITE_ERRORS, ErrorOut, caller, organisation_of
from assessments import selectors as assessment_selectors
from assessments.models import Initiative
from benefits import document as benefit_document
from benefits import services
from benefits.calculation import SCENARIOS, money_text, rate_text
from benefits.models import BenefitModel, BenefitSummary
from klassa_app import jsonload

router = Router(tags=["benefit models"])

InitiativeId = Path(..., ge=1, le=MAX_ID, description="The initiative's id.")
# The body is read by the endpoint (after the permission check), as the upload page reads a
# file; the document describes it for callers.
BENEFIT_MODEL_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "A `klassa.benefit-model/1` document "
                    "(docs/formats/benefit-model.md); numbers as decimal strings or JSON "
                    "numbers.",
                }
            }
        },
    }
}
# --- The document -----------------------------------------------------------------------------


class ByScenarioOut(Schema):
    low: str
    medium: str
    high: str


ScenarioValue = str | ByScenarioOut


class LeverOut(Schema):
    """One lever; which inputs it has depends on its ``kind`` (benefit-model.md)."""

    kind: Literal["staff_time", "cost_base", "rate_change", "fixed_amount"]
    name: str
    stakeholder: Literal["internal", "external"]
    category: Literal["financial", "redistribution", "quality", "environment"]
    group: str | None = None
    staff_fte: ScenarioValue | None = None
    annual_cost_per_fte: ScenarioValue | None = None
    time_share: ScenarioValue | None = None
    reduction: ScenarioValue | None = None
    base_cost: ScenarioValue | None = None
    population: ScenarioValue | None = None
    rate_before: ScenarioValue | None = None
    rate_after: ScenarioValue | None = None
    unit_cost: ScenarioValue | None = None
    amount: ScenarioValue | None = None
    attribution_share: str
    realisation_rate: str
    ramp_up: list[str] | None = None


class CostOut(Schema):
    name: str
    kind: Literal["investment", "running"]
    amounts: list[str] | None = None
    annual_amount: str | None = None


class BenefitModelDocument(Schema):
    """``klassa.benefit-model/1`` as Klassa writes it (``benefit-model.schema.json``)."""

    format: Literal["klassa.benefit-model/1"]
    name: str
    currency: str
    horizon_years: int
    discount_rate: str
    levers: list[LeverOut]
    costs: list[CostOut]


# --- The evaluation ---------------------------------------------------------------------------


class ScenarioFiguresOut(Schema):
    scenario: Literal["low", "medium", "high"]
    npv: str
    pv_benefit: str
    pv_cost: str
    total_benefit: str
    internal_benefit: str
    external_benefit: str
    total_cost: str
    investment_cost: str
    bcr: str | None
    roi: str | None
    payback_years: str | None
    irr: str | None


class EvaluationOut(Schema):
    initiative_id: int
    name: str
    currency: str
    horizon_years: int
    discount_rate: str
    version: int
    scenarios: list[ScenarioFiguresOut]


MONEY_FIELDS = (
    "npv",
    "pv_benefit",
    "pv_cost",
    "total_benefit",
    "internal_benefit",
    "external_benefit",
    "total_cost",
    "investment_cost",
)
RATE_FIELDS = ("bcr", "roi", "payback_years", "irr")


def _initiative(request: HttpRequest, initiative_id: int) -> Initiative:
    """The initiative when the caller sees it (404 otherwise, as the pages answer)."""
    return assessment_selectors.get_visible_initiative(
        caller(request), organisation_of(request), initiative_id
    )


def _model(initiative: Initiative) -> BenefitModel:
    model = BenefitModel.objects.filter(initiative=initiative).first()
    if model is None:
        raise Http404(_("The initiative has no benefit model yet."))
    return model


def _etag(model: BenefitModel) -> str:
    return f'"{model.lock_version}"'


_IF_MATCH = re.compile(r'^\s*(?:W/)?"(\d{1,10})"\s*$')


def _if_match(request: HttpRequest) -> tuple[bool, int | None]:
    """(given, version) of the ``If-Match`` header; version None for one that names no
    version of ours (which can never match)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return False, None
    found = _IF_MATCH.match(header)
    return True, int(found.group(1)) if found else None


def _document_error(path: str, message: str) -> dict[str, str]:
    """An error at a path of the document (``levers[2].low``) as a path of the request."""
    if not path or path == "document":
        return {"field": "body", "message": message}
    return {"field": f"body{path}" if path.startswith("[") else f"body.{path}", "message": message}


def _refused(status: int, detail: str, errors: list[dict[str, str]]) -> HttpResponse:
    """An error answer in the API's format, with every error of a document."""
    return JsonResponse({"detail": detail, "errors": errors}, status=status)


@router.get(
    "/initiatives/{initiative_id}/benefit-model",
    response={200: BenefitModelDocument, 409: ErrorOut, **READ_ERRORS},
    exclude_none=True,
)
def benefit_model(
    request: HttpRequest, response: HttpResponse, initiative_id: int = InitiativeId
) -> Any:
    """The initiative's benefit model as the ``klassa.benefit-model/1`` document (as the
    page's JSON download gives it). Its ``ETag`` is the model's version. A stored model that
    no longer validates is refused with 409 and its errors, as the workbook export refuses
    it."""
    model = _model(_initiative(request, initiative_id))
    try:
        # The written form: what was saved through a service already is; a model stored
        # otherwise (a data fix, an old loader) is written as the download would read back.
        document = benefit_document.to_document(benefit_document.parse(model.document))
    except benefit_document.DocumentInvalid as invalid:
        # A model the format has since grown stricter about: shown on its page, not exported.
        return _refused(
            409,
            _("The benefit model has errors; it cannot be exported."),
            [
                {"field": error.path or "document", "message": error.localized}
                for error in invalid.errors
            ],
        )
    response["ETag"] = _etag(model)
    return document


@router.put(
    "/initiatives/{initiative_id}/benefit-model",
    response={200: BenefitModelDocument, 412: ErrorOut, 413: ErrorOut, **WRITE_ERRORS},
    exclude_none=True,
    openapi_extra=BENEFIT_MODEL_BODY,
)
def save_benefit_model(
    request: HttpRequest,
    response: HttpResponse,
    initiative_id: int = InitiativeId,
) -> Any:
    """Replace (or create) the initiative's benefit model with a whole document, checked as
    the upload page checks it: 422 with every error's path in ``errors[].field``
    (``body.levers[2].reduction.high``) and nothing saved. Business owners, economists and
    admins of the initiative's department may; others who see the initiative get 403.
    Answers with the document as stored (its canonical form) and its new ``ETag``."""
    initiative = _initiative(request, initiative_id)
    if not services.can_edit_benefit_model(caller(request), initiative):
        # Before the document is read, as the page refuses a reader (the service checks again).
        raise PermissionDenied(
            _("Only business owners, economists and admins edit benefit models.")
        )
    try:
        # Read again from the bytes: numbers exactly (no floats), duplicate keys, NUL
        # characters and excessive nesting refused, as the upload page reads a file.
        document = jsonload.load_document(request.body)
    except jsonload.JsonDocumentError as error:
        return _refused(400, error.localized, [_document_error(error.path, error.localized)])
    given, version = _if_match(request)
    if given and version is None:
        return _refused(
            412,
            _("The benefit model has changed since you read it."),
            [{"field": "header.If-Match", "message": _("Not a version of this benefit model.")}],
        )
    try:
        saved = services.do_save_benefit_model(
            actor=caller(request),
            initiative=initiative,
            document=document,
            lock_version=version,
        )
    except services.BenefitModelCollision:
        return _refused(
            412,
            _("The benefit model has changed since you read it."),
            [{"field": "header.If-Match", "message": _("Read the model again and retry.")}],
        )
    except services.BenefitModelInvalid as invalid:
        return _refused(
            422,
            _("The benefit model has errors; nothing was saved."),
            [_document_error(error.path, error.localized) for error in invalid.errors],
        )
    response["ETag"] = _etag(saved)
    return Status(200, saved.document)


@router.get(
    "/initiatives/{initiative_id}/benefit-model/evaluation",
    response={200: EvaluationOut, **READ_ERRORS},
)
def benefit_model_evaluation(request: HttpRequest, initiative_id: int = InitiativeId) -> Any:
    """Per scenario the key figures stored with the model: NPV, present values, totals,
    investment cost, BCR, ROI, payback in years and IRR, as decimal strings (money with 2
    decimals, the others with 6; ``null`` where a figure does not exist). A model whose
    document no longer validates has no figures (an empty list)."""
    initiative = _initiative(request, initiative_id)
    model = _model(initiative)
    summaries = {s.scenario: s for s in BenefitSummary.objects.filter(benefit_model=model)}
    document = model.document if isinstance(model.document, dict) else {}
    horizon = document.get("horizon_years")
    return {
        "initiative_id": initiative.pk,
        "name": str(document.get("name", "")),
        "currency": str(document.get("currency", "")),
        "horizon_years": horizon if isinstance(horizon, int) else 0,
        "discount_rate": str(document.get("discount_rate", "")),
        "version": model.lock_version,
        "scenarios": [
            {
                "scenario": scenario,
                **{name: money_text(getattr(summaries[scenario], name)) for name in MONEY_FIELDS},
                **{name: rate_text(getattr(summaries[scenario], name)) for name in RATE_FIELDS},
            }
            for scenario in SCENARIOS
            if scenario in summaries
        ],
    }
