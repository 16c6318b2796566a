"""Helpers shared by several test modules (fixtures live in the conftest files)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from assessments import services
from assessments.models import (
    Adjustment,
    Area,
    AspectResult,
    Assessment,
    InformationAsset,
    Initiative,
    InitiativeAsset,
)
from benefits.models import BenefitModel
from klassa_app.models import AuditEvent, Department, Organisation
from portfolio import services as portfolio_services
from tests.factories import InformationAssetFactory, InitiativeFactory, answer_all


def classified(owner, officer, department, code, levels, approve=True, **fields):
    asset = services.do_create_asset(
        actor=owner, department=department, code=code, name=code, **fields
    )
    assessment = answer_all(owner, services.do_start_assessment(actor=owner, asset=asset), levels)
    if approve:
        services.do_approve_assessment(actor=officer, assessment=assessment)
    asset.refresh_from_db()
    return asset


# --- Portfolio -----------------------------------------------------------------------------


BUDGET = Decimal(10_000_000)


def benefit_document(name: str, internal: int, external: int, cost: int) -> dict:
    """A one-year benefit model: one fixed amount per stakeholder, one investment."""
    levers = [
        {
            "kind": "fixed_amount",
            "name": "Internal benefit",
            "stakeholder": "internal",
            "category": "redistribution",
            "amount": str(internal),
        }
    ]
    if external:
        levers.append(
            {
                "kind": "fixed_amount",
                "name": "External benefit",
                "stakeholder": "external",
                "category": "quality",
                "amount": str(external),
            }
        )
    return {
        "format": "klassa.benefit-model/1",
        "name": name,
        "currency": "SEK",
        "horizon_years": 1,
        "discount_rate": "0.03",
        "levers": levers,
        "costs": [{"name": "Build", "kind": "investment", "amounts": [str(cost), "0"]}],
    }


def make_initiative(department, code, *, area, internal, external=0, cost, ready=True):
    """An initiative with one approved (or, when not ready, unclassified) asset and a
    benefit model."""
    asset = InformationAssetFactory(
        department=department,
        code=f"A-{code}",
        levels={"K": 1, "R": 1, "T": 1, "S": 1} if ready else {},
        status=InformationAsset.Status.APPROVED if ready else InformationAsset.Status.UNCLASSIFIED,
        review_due=timezone.localdate() + timedelta(days=300),
    )
    initiative = InitiativeFactory(department=department, code=code, area=area)
    initiative.assets.add(asset)
    BenefitModel.objects.create(
        initiative=initiative, document=benefit_document(code, internal, external, cost)
    )
    return initiative


def scenario_of(organisation, admin, name="Plan A"):
    return portfolio_services.do_save_scenario(actor=admin, organisation=organisation, name=name)


# --- Register documents ----------------------------------------------------------------------


REGISTER_MODELS = (
    Organisation,
    Department,
    InformationAsset,
    Assessment,
    AspectResult,
    Initiative,
    InitiativeAsset,
    Adjustment,
    Area,
    AuditEvent,
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in REGISTER_MODELS}


def register_asset(code: str, personal_data: str, secrecy: str | None, levels, status="approved"):
    item = {
        "code": code,
        "department": "UTB",
        "name": f"Informationsmängd {code}",
        "description": "Beskrivning utan personuppgifter",
        "legal": {
            "personal_data": personal_data,
            "secrecy": secrecy,
            "protective_security": False,
        },
        "status": status,
    }
    if levels is not None:
        item["levels"] = levels
    return item


def make_document() -> dict:
    """Norrköping, Utbildning, two approved assets, one initiative raising T to 3."""
    return {
        "format": "klassa.register/1",
        "organisation": {"code": "norrkoping", "name": "Norrköpings kommun"},
        "departments": [{"code": "UTB", "name": "Utbildningskontoret"}],
        "information_assets": [
            register_asset(
                "ELEV", "special_categories", "OSL 23 kap. 2 §", {"K": 3, "R": 2, "T": 2, "S": 2}
            ),
            register_asset("SCHEMA", "no", None, {"K": 1, "R": 1, "T": 2, "S": 1}),
        ],
        "initiatives": [
            {
                "code": "EDU-A",
                "department": "UTB",
                "name": "Personal dashboard",
                "area": "Education",
                "assets": ["ELEV", "SCHEMA"],
                "adjustments": [
                    {
                        "aspect": "T",
                        "level": 3,
                        "reason": "cumulation",
                        "justification": "Five services fail together when the platform is down",
                    }
                ],
                "benefit_model": {
                    "format": "klassa.benefit-model/1",
                    "name": "Personal dashboard",
                    "currency": "SEK",
                    "horizon_years": 1,
                    "levers": [
                        {"kind": "fixed_amount", "name": "Less administration", "amount": 900000}
                    ],
                    "costs": [{"name": "Build", "kind": "investment", "amounts": [400000, 0]}],
                },
                "priority": {"strategic_fit": 4, "forced": None, "forced_reason": ""},
            }
        ],
        "portfolio": {"year": 2027, "budget": 50000000, "scenario": "medium"},
    }


def upload(document, name="register.json") -> SimpleUploadedFile:
    content = json.dumps(document, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, content, content_type="application/json")


def make_register(code: str, assets: int, *, revision: int = 0) -> dict:
    """``assets`` approved assets (a multiple of five) and one initiative per five, each with
    every part the format has (links to four of its five assets, an adjustment, a benefit
    model, priority inputs, an area). A higher ``revision`` changes every one of those parts
    (the links: one asset out, the fifth in)."""
    asset_codes = [f"A-{n:03d}" for n in range(assets)]
    level = 1 + revision % 2
    initiatives = []
    for n in range(assets // 5):
        first = n * 5 + (1 if revision else 0)
        linked = asset_codes[first : first + 4]
        initiatives.append(
            {
                "code": f"I-{n:03d}",
                "department": "UTB",
                "name": f"Initiativ {n} r{revision}",
                "area": f"Område {revision}",
                "assets": linked,
                "adjustments": [
                    {
                        "aspect": "T",
                        "level": 4,
                        "reason": "cumulation",
                        "justification": f"Samverkande tjänster r{revision}",
                    }
                ],
                "benefit_model": {
                    "format": "klassa.benefit-model/1",
                    "name": f"Nytta {n}",
                    "currency": "SEK",
                    "horizon_years": 1,
                    "levers": [
                        {
                            "kind": "fixed_amount",
                            "name": "Mindre administration",
                            "amount": 500_000 + 1000 * revision,
                        }
                    ],
                    "costs": [{"name": "Bygge", "kind": "investment", "amounts": [400_000, 0]}],
                },
                "priority": {"strategic_fit": 3 + revision % 2, "duration_weeks": 20},
            }
        )
    return {
        "format": "klassa.register/1",
        "organisation": {"code": code, "name": f"Kommun {code}"},
        "departments": [{"code": "UTB", "name": f"Utbildning r{revision}"}],
        "information_assets": [
            {
                "code": asset_code,
                "department": "UTB",
                "name": f"Mängd {asset_code} r{revision}",
                "legal": {"personal_data": "no", "secrecy": None, "protective_security": False},
                "levels": {"K": level, "R": level, "T": level, "S": level},
                "status": "approved",
            }
            for asset_code in asset_codes
        ],
        "initiatives": initiatives,
        "portfolio": {"year": 2027, "budget": 1_000_000 * (revision + 1), "scenario": "medium"},
    }


# --- Databases -------------------------------------------------------------------------------


def database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
