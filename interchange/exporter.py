"""The register document's export: ``export_document`` reads an organisation and writes the
``klassa.register/1`` document that the import reads back unchanged, with the computed fields
(each initiative's classification, readiness and blockers) that the import ignores.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from assessments import frameworks, selectors
from assessments.models import (
    Adjustment,
    InformationAsset,
    Initiative,
)
from benefits import document as benefit_document
from benefits.models import BenefitModel
from interchange.checks import FORMAT
from klassa_app.models import Department, Organisation
from portfolio import selectors as portfolio_selectors
from portfolio.models import InitiativePriority, PortfolioSettings, Prerequisite


def export_document(organisation: Organisation) -> dict[str, Any]:
    """The organisation's register in the import shape, with each initiative's computed
    classification; imports back unchanged."""
    scheme = frameworks.load_scheme(frameworks.current_scheme(organisation))
    codes = scheme.codes
    departments = [
        {"code": code, "name": name}
        for code, name in Department.objects.filter(organisation=organisation)
        .order_by("code")
        .values_list("code", "name")
    ]
    assets = []
    for asset in (
        InformationAsset.objects.filter(organisation=organisation)
        .select_related("department")
        .order_by("code")
    ):
        item: dict[str, Any] = {
            "code": asset.code,
            "department": asset.department.code,
            "name": asset.name,
            "description": asset.description,
            "legal": {
                "personal_data": asset.personal_data,
                "secrecy": asset.secrecy_reference if asset.secrecy else None,
                "protective_security": asset.protective_security,
            },
        }
        # In scheme order: PostgreSQL's jsonb does not keep the order keys were written in.
        levels = {c: asset.levels[c] for c in codes if (asset.levels or {}).get(c) is not None}
        if levels:
            item["levels"] = levels
        item["status"] = "approved" if asset.status == InformationAsset.Status.APPROVED else "draft"
        assets.append(item)

    initiatives = list(
        Initiative.objects.filter(organisation=organisation)
        .select_related("department", "area")
        .prefetch_related(
            Prefetch("assets", queryset=InformationAsset.objects.order_by("code")),
            Prefetch("adjustments", queryset=Adjustment.objects.order_by("aspect_code")),
        )
        .order_by("code")
    )
    models = {
        m.initiative_id: m.document
        for m in BenefitModel.objects.filter(initiative__organisation=organisation)
    }
    priorities = {
        p.initiative_id: p
        for p in InitiativePriority.objects.filter(initiative__organisation=organisation)
    }
    requires: dict[int, list[str]] = {}
    for pk, code in (
        Prerequisite.objects.filter(initiative__organisation=organisation)
        .order_by("requires__code")
        .values_list("initiative_id", "requires__code")
    ):
        requires.setdefault(pk, []).append(code)
    exported = []
    today = timezone.localdate()
    for initiative in initiatives:
        classification = selectors.classify(
            initiative,
            list(initiative.assets.all()),
            list(initiative.adjustments.all()),
            scheme,
            today,
        )
        blockers = list(classification.blockers)
        if initiative.pk not in models:
            blockers.append("no_benefit_model")  # last in the format's order
        entry = {
            "code": initiative.code,
            "department": initiative.department.code,
            "name": initiative.name,
            "area": initiative.area.name if initiative.area_id else None,
            "assets": [a.code for a in initiative.assets.all()],
            "adjustments": [
                {
                    "aspect": a.aspect_code,
                    "level": a.level,
                    "reason": a.reason,
                    "justification": a.justification,
                }
                for a in initiative.adjustments.all()
                if a.aspect_code in codes
            ],
            "classification": {
                code: {
                    "computed": row.computed,
                    "final": row.final,
                    "sources": list(row.sources),
                }
                for code, row in classification.aspects.items()
            },
            "classification_status": classification.status,
            "requires_protective_security_analysis": (
                classification.requires_protective_security_analysis
            ),
            "ready": not blockers,
            "blockers": blockers,
            "requires": requires.get(initiative.pk, []),
        }
        if initiative.pk in models:
            entry["benefit_model"] = models[initiative.pk]
        priority = priorities.get(initiative.pk)
        if priority is not None:
            entry["priority"] = {
                "strategic_fit": priority.strategic_fit,
                "time_criticality": priority.time_criticality,
                "duration_weeks": priority.duration_weeks,
                "forced": priority.forced or None,
                "forced_reason": priority.forced_reason,
            }
        exported.append(entry)
    document: dict[str, Any] = {
        "format": FORMAT,
        "organisation": {"code": organisation.code, "name": organisation.name},
        "departments": departments,
        "information_assets": assets,
        "initiatives": exported,
    }
    settings = PortfolioSettings.objects.filter(organisation=organisation).first()
    if settings is not None:
        document["portfolio"] = {
            "year": settings.year,
            "budget": benefit_document.number_text(settings.budget),
            "scenario": settings.scenario,
            "budgets": {
                str(year): benefit_document.number_text(budget)
                for year, budget in portfolio_selectors.plan_budgets(settings).items()
            },
        }
    return document
