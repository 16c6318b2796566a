"""Demo benefit models: the deck's Education figures for Norrköping and Fyrbodal, the
follow-up of Norrköping's EDU-A levers (one of them behind target after the first year), and
a follow-up of EDU-C owned by the economist whose last year's actual is still to be recorded."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from assessments.models import Area, Initiative
from benefits import defaults
from benefits import document as benefit_document
from benefits.models import BenefitModel, BenefitTracking, BenefitTrackingYear
from benefits.selectors import model_lever_benefits
from benefits.tracking import do_fill_targets_from_model, do_save_tracking
from klassa_app.models import Department, Membership, Organisation, Role, User

# The staff groups whose time Norrköping's Education levers claim, so that a second
# initiative claiming the same people is caught (see benefits.double_counting).
NORRKOPING_GROUPS = {
    "Mindre administration för skolledare": "skolledare",
    "Mindre administration för lärare och övrig personal": "lärare och övrig personal",
}

# EDU-A's follow-up: indicator in kronor (targets from the model's medium scenario) and the
# share of year 1's target measured. Teachers' time lags behind (red); the rest is on track.
NORRKOPING_TRACKING = {
    "Mindre administration för skolledare": (
        "Värdet av frigjord administrationstid för skolledare",
        Decimal("0.95"),
    ),
    "Mindre administration för lärare och övrig personal": (
        "Värdet av frigjord administrationstid för lärare och övrig personal",
        Decimal("0.55"),
    ),
    "Färre tillfälliga lokaler": ("Lägre kostnad för tillfälliga lokaler", Decimal("1")),
}
ORE = Decimal("0.01")
ECONOMIST = "ekonom@norrkoping.demo"
# EDU-C's lever that the economist follows up: last year has its target and no actual yet.
ECONOMIST_TRACKING = (
    "EDU-C",
    "Mindre administration för lärare och övrig personal",
    "Värdet av frigjord administrationstid för lärare och övrig personal",
)


def _attach(initiative: Initiative, path, groups: dict[str, str] | None = None) -> BenefitModel:
    document = json.loads(path.read_text(), parse_float=Decimal)
    for lever in document["levers"]:
        if groups and lever["name"] in groups:
            lever["group"] = groups[lever["name"]]
    canonical = benefit_document.to_document(benefit_document.parse(document))
    model, _created = BenefitModel.objects.update_or_create(
        initiative=initiative, defaults={"document": canonical}
    )
    return model


def _track_norrkoping(model: BenefitModel) -> None:
    """Year 1 (last year) is over and measured; years 2 and 3 have targets only."""
    owner_membership = (
        Membership.objects.filter(
            organisation=model.initiative.organisation,
            department=model.initiative.department,
            role=Role.BUSINESS_OWNER,
        )
        .select_related("user")
        .order_by("user__email")
        .first()
    )
    start_year = timezone.localdate().year - 1
    for lever_name, (indicator, measured) in NORRKOPING_TRACKING.items():
        benefits = model_lever_benefits(model.document, lever_name, start_year)
        if benefits is None:
            continue
        tracking, _created = BenefitTracking.objects.update_or_create(
            benefit_model=model,
            lever_name=lever_name,
            defaults={
                "owner": owner_membership.user if owner_membership else None,
                "indicator": indicator,
                "unit": "kr",
                "baseline": Decimal(0),
                "start_year": start_year,
            },
        )
        for year, amount in benefits.items():
            target = amount.quantize(ORE, rounding=ROUND_HALF_UP)
            actual = (target * measured).quantize(ORE) if year == start_year else None
            BenefitTrackingYear.objects.update_or_create(
                tracking=tracking, year=year, defaults={"target": target, "actual": actual}
            )


def _economist_actuals_due(organisation: Organisation) -> None:
    """Through the tracking services, as the economist would: the tracking starts last year
    and takes its targets from the model, so last year's actual is due."""
    economist = User.objects.filter(email=ECONOMIST).first()
    code, lever_name, indicator = ECONOMIST_TRACKING
    model = BenefitModel.objects.filter(
        initiative__organisation=organisation, initiative__code=code
    ).first()
    if economist is None or model is None:
        return
    if BenefitTracking.objects.filter(benefit_model=model, lever_name=lever_name).exists():
        return
    tracking = do_save_tracking(
        actor=economist,
        model=model,
        lever_name=lever_name,
        owner=economist,
        indicator=indicator,
        unit="kr",
        baseline=Decimal(0),
        start_year=timezone.localdate().year - 1,
    )
    do_fill_targets_from_model(actor=economist, tracking=tracking)


@transaction.atomic
def load_demo_benefits(actor: User | None = None) -> None:
    """Runs after the demo register (which creates Norrköping's Education initiatives) and
    the demo portfolio (which gives them their models)."""
    norrkoping_dashboard = Initiative.objects.filter(
        organisation__code="norrkoping", code="EDU-A"
    ).first()
    if norrkoping_dashboard is not None:
        # The portfolio demo (loaded first) gives EDU-A the first-year model of the deck's
        # portfolio table; the deck's three-year model is only the fallback.
        model = BenefitModel.objects.filter(initiative=norrkoping_dashboard).first() or _attach(
            norrkoping_dashboard, defaults.NORRKOPING_EDUCATION, NORRKOPING_GROUPS
        )
        _track_norrkoping(model)
        _economist_actuals_due(norrkoping_dashboard.organisation)
    fyrbodal = Organisation.objects.filter(code="fyrbodal").first()
    if fyrbodal is None:
        return
    office, _created = Department.objects.get_or_create(
        organisation=fyrbodal,
        code="KANSLI",
        defaults={"name": "Fyrbodals kansli", "description": "Förbundets gemensamma satsningar."},
    )
    area, _created = Area.objects.get_or_create(organisation=fyrbodal, name="Utbildning")
    initiative, _created = Initiative.objects.get_or_create(
        organisation=fyrbodal,
        code="FYR-EDU-A",
        defaults={
            "department": office,
            "name": "Personlig översiktspanel — Fyrbodal",
            "area": area,
        },
    )
    _attach(initiative, defaults.FYRBODAL_PERSONAL_DASHBOARD)
