"""Demo benefit models: the deck's Education figures for Norrköping and Fyrbodal."""

from __future__ import annotations

import json
from decimal import Decimal

from django.db import transaction

from assessments.models import Area, Initiative
from benefits import defaults
from benefits import document as benefit_document
from benefits.models import BenefitModel
from klassa_app.models import Department, Organisation, User


def _attach(initiative: Initiative, path) -> None:
    document = json.loads(path.read_text(), parse_float=Decimal)
    canonical = benefit_document.to_document(benefit_document.parse(document))
    BenefitModel.objects.update_or_create(initiative=initiative, defaults={"document": canonical})


@transaction.atomic
def load_demo_benefits(actor: User | None = None) -> None:
    """Runs after the demo register (which creates Norrköping's Education initiatives)."""
    norrkoping_dashboard = Initiative.objects.filter(
        organisation__code="norrkoping", code="EDU-A"
    ).first()
    if norrkoping_dashboard is not None:
        _attach(norrkoping_dashboard, defaults.NORRKOPING_EDUCATION)
    fyrbodal = Organisation.objects.filter(code="fyrbodal").first()
    if fyrbodal is None:
        return
    office, _created = Department.objects.get_or_create(
        organisation=fyrbodal,
        code="KANSLI",
        defaults={"name": "Fyrbodals kansli", "description": "Förbundets gemensamma satsningar."},
    )
    area, _created = Area.objects.get_or_create(organisation=fyrbodal, name="Education")
    initiative, _created = Initiative.objects.get_or_create(
        organisation=fyrbodal,
        code="FYR-EDU-A",
        defaults={"department": office, "name": "Personal dashboard — Fyrbodal", "area": area},
    )
    _attach(initiative, defaults.FYRBODAL_PERSONAL_DASHBOARD)
