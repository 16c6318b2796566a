"""Generate the benchmark organisations on the configured database (not a test).

    .venv/bin/python benchmarks/generate.py [--seed 2027] [--small-only]

Creates, beside whatever the database holds, a large organisation (50 departments, 10 000
information assets, 1 000 initiatives) and a small one (5 departments, 100 assets, 10
initiatives) of the same shape: a mix of approved (90 %), draft and unclassified assets
(with their assessments and per-aspect results, legal triggers, some overdue reviews), each
initiative linked to 1–10 assets, 90 % of them with a multi-lever benefit model (some with
benefit follow-up), action-plan statuses, priority inputs with a few forced choices, saved
scenarios (one committed), a budget of a third of the investment, and an audit trail. Each
organisation gets an admin, a security officer and a business owner and a legal reviewer per
department. Everything is written with ``bulk_create`` from a seeded random generator, so the
same seed gives the same data; then ``manage.py rebuild_derived`` (when the installed code
has it) rebuilds every stored figure.

``benchmarks/run.py`` imports this module; Django must be set up before its functions run.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

SEED = 2027
BATCH = 2000
ADMIN_PASSWORD = "benchmark-admin-2027"  # noqa: S105 - a throw-away benchmark database

AREAS = [
    "Utbildning",
    "Vård och omsorg",
    "Samhällsbyggnad",
    "Kultur och fritid",
    "Digital infrastruktur",
    "Medborgarservice",
    "Miljö",
    "Arbetsmarknad",
    "Ekonomi och styrning",
    "Smart stad",
]
STAFF_GROUPS = [
    "lärare",
    "skolledare",
    "socialsekreterare",
    "undersköterskor",
    "handläggare",
    "bygglovshandläggare",
    "ekonomer",
    "kundtjänst",
    "IT-support",
    "chefer",
    "sjuksköterskor",
    "biståndshandläggare",
]
ASSET_NAMES = [
    "Elevregister",
    "Närvaro",
    "Ärendehandlingar",
    "Bygglovsansökningar",
    "Fakturor",
    "Personalakter",
    "Journalanteckningar",
    "Kundtjänstärenden",
    "Lokalbokningar",
    "Avtal",
    "Mätdata",
    "Protokoll",
]


@dataclass(frozen=True)
class Size:
    code: str
    name: str
    departments: int
    assets: int
    initiatives: int


LARGE = Size("bench-large", "Storstads kommun (benchmark)", 50, 10_000, 1_000)
SMALL = Size("bench-small", "Småby kommun (benchmark)", 5, 100, 10)


@dataclass
class Generated:
    """What the runner needs of one generated organisation. The showcase asset and initiative
    (``A00000``, ``INI-0000``) have the same shape in every size, so that their pages compare."""

    size: Size
    organisation: Any
    admin: Any
    officer: Any
    owner: Any  # business owner of the first department
    lawyer: Any  # legal reviewer of the first department
    first_department: Any
    showcase_asset: Any
    showcase_initiative: Any
    counts: dict[str, int] = field(default_factory=dict)


def _levels(rng: random.Random, codes: list[str], minimums: dict[str, int], tops: dict[str, int]):
    levels = {}
    for code in codes:
        level = rng.choices([0, 1, 2, 3, 4], [10, 35, 35, 19.5, 0.5])[0]
        levels[code] = min(max(level, minimums.get(code, 0)), tops[code])
    return levels


def generate_organisation(size: Size, *, seed: int = SEED) -> Generated:
    """Create one organisation of ``size`` with bulk inserts (one transaction)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from assessments import classification_rules, frameworks
    from assessments.models import (
        Adjustment,
        Area,
        AspectResult,
        Assessment,
        InformationAsset,
        Initiative,
        InitiativeAsset,
        PersonalData,
        RequirementStatus,
    )
    from benefits.demo_documents import random_document
    from benefits.models import BenefitModel, BenefitTracking, BenefitTrackingYear
    from klassa_app.models import AuditEvent, Department, Membership, Organisation, Role, User
    from portfolio.models import InitiativePriority, PortfolioScenario, PortfolioSettings

    rng = random.Random(f"{seed}:{size.code}")  # noqa: S311 - reproducible benchmark data
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        if Organisation.objects.filter(code=size.code).exists():
            raise SystemExit(f"The organisation {size.code} exists already; use an empty database.")
        organisation = Organisation.objects.create(
            code=size.code, name=size.name, kind=Organisation.Kind.MUNICIPALITY
        )
        frameworks.ensure_frameworks(organisation)
        scheme = frameworks.current_scheme(organisation)
        view = frameworks.load_scheme(scheme)
        codes, tops = view.codes, view.tops
        bank = frameworks.current_question_bank(organisation)
        catalogue = frameworks.current_catalogue(organisation)
        requirements = list(catalogue.requirements.all())
        rule_of = {
            r.pk: classification_rules.RequirementRule(
                r.code, r.aspect_code, r.min_level, r.trigger
            )
            for r in requirements
        }

        departments = Department.objects.bulk_create(
            Department(organisation=organisation, code=f"D{i:02d}", name=f"Förvaltning {i:02d}")
            for i in range(size.departments)
        )
        areas = Area.objects.bulk_create(
            Area(organisation=organisation, name=name)
            for name in AREAS[: max(1, min(len(AREAS), size.initiatives))]
        )

        # People: an admin and a security officer for the whole organisation, a business
        # owner and a legal reviewer in every department.
        domain = f"{size.code}.example"
        admin = User(email=f"admin@{domain}", full_name="Anna Admin")
        admin.set_password(ADMIN_PASSWORD)
        people = [admin, User(email=f"sakerhet@{domain}", full_name="Sara Säkerhet")]
        for d in departments:
            people.append(
                User(email=f"agare-{d.code.lower()}@{domain}", full_name=f"Ägare {d.code}")
            )
            people.append(
                User(email=f"jurist-{d.code.lower()}@{domain}", full_name=f"Jurist {d.code}")
            )
        unusable = make_password(None)
        for person in people[1:]:
            person.password = unusable
        people = User.objects.bulk_create(people)
        admin, officer = people[0], people[1]
        owners = {d.pk: people[2 + 2 * i] for i, d in enumerate(departments)}
        lawyers = {d.pk: people[3 + 2 * i] for i, d in enumerate(departments)}
        Membership.objects.bulk_create(
            [
                Membership(user=admin, organisation=organisation, role=Role.ORG_ADMIN),
                Membership(user=officer, organisation=organisation, role=Role.SECURITY_OFFICER),
                *(
                    Membership(
                        user=owners[d.pk],
                        organisation=organisation,
                        department=d,
                        role=Role.BUSINESS_OWNER,
                    )
                    for d in departments
                ),
                *(
                    Membership(
                        user=lawyers[d.pk],
                        organisation=organisation,
                        department=d,
                        role=Role.LEGAL_REVIEWER,
                    )
                    for d in departments
                ),
            ]
        )

        # Information assets: 90 % approved, 5 % draft (and those the top level or
        # protective security keeps out of approval), 5 % unclassified; about a third of
        # the initiatives end up ready for a decision.
        assets, finals_of, plan = [], {}, []
        for i in range(size.assets):
            department = departments[i % len(departments)]
            showcase = i == 0
            personal = (
                PersonalData.NO
                if showcase
                else rng.choices(
                    [PersonalData.NO, PersonalData.YES, PersonalData.SPECIAL_CATEGORIES],
                    [65, 30, 5],
                )[0]
            )
            secrecy = not showcase and rng.random() < 0.1
            protective = not showcase and rng.random() < 0.003
            state = (
                "approved"
                if showcase
                else rng.choices(["approved", "draft", "unclassified"], [90, 5, 5])[0]
            )
            asset = InformationAsset(
                organisation=organisation,
                department=department,
                code=f"A{i:05d}",
                name=f"{ASSET_NAMES[i % len(ASSET_NAMES)]} {i}",
                description="Genererad informationsmängd för prestandamätning.",
                owner_role="Verksamhetschef",
                systems="Verksamhetssystem",
                personal_data=personal,
                secrecy=secrecy,
                secrecy_reference="OSL 23 kap. 2 §" if secrecy else "",
                protective_security=protective,
            )
            levels: dict[str, int] = {}
            if state != "unclassified":
                minimums = classification_rules.minimum_levels(
                    asset.triggers, scheme.legal_minimums or {}
                )
                levels = (
                    {code: min(2, tops[code]) for code in codes}
                    if showcase
                    else _levels(rng, codes, minimums, tops)
                )
                psa = classification_rules.requires_protective_security_analysis(
                    protective_security=protective, finals=levels, tops=tops
                )
                if psa:
                    state = "draft"
                asset.requires_protective_security_analysis = psa
                if state == "draft" and not psa:
                    # A draft has answered some aspects so far.
                    levels = dict(list(levels.items())[: rng.randint(1, len(codes))])
            asset.levels = levels
            asset.status = state
            if state == "approved":
                asset.review_due = today + timedelta(
                    days=200 if showcase else rng.randint(-15, 365)
                )
            assets.append(asset)
            finals_of[i] = levels
            plan.append(state)
        assets = InformationAsset.objects.bulk_create(assets, batch_size=BATCH)

        assessments, results_for = [], []
        for asset, state in zip(assets, plan, strict=True):
            if state == "unclassified":
                continue
            approved = state == "approved"
            assessments.append(
                Assessment(
                    asset=asset,
                    version=1,
                    status=Assessment.Status.APPROVED if approved else Assessment.Status.DRAFT,
                    scheme=scheme,
                    question_bank=bank,
                    requires_protective_security_analysis=asset.requires_protective_security_analysis,
                    created_by=owners[asset.department_id],
                    approved_at=now - timedelta(days=rng.randint(1, 700)) if approved else None,
                    approved_by=officer if approved else None,
                    review_due=asset.review_due if approved else None,
                )
            )
            results_for.append(asset)
        assessments = Assessment.objects.bulk_create(assessments, batch_size=BATCH)
        AspectResult.objects.bulk_create(
            (
                AspectResult(
                    assessment=assessment,
                    aspect_code=code,
                    computed_level=level,
                    minimum_level=None,
                    final_level=level,
                )
                for assessment, asset in zip(assessments, results_for, strict=True)
                for code, level in asset.levels.items()
            ),
            batch_size=BATCH,
        )

        # Initiatives, each handling 1–10 assets, mostly of its own department.
        by_department: dict[int, list[int]] = {}
        for index, asset in enumerate(assets):
            by_department.setdefault(asset.department_id, []).append(index)
        initiatives = Initiative.objects.bulk_create(
            (
                Initiative(
                    organisation=organisation,
                    department=departments[i % len(departments)],
                    area=areas[i % len(areas)],
                    code=f"INI-{i:04d}",
                    name=f"Satsning {i}: digital tjänst",
                    description="Genererad satsning för prestandamätning.",
                    action_plan_catalogue=catalogue,
                )
                for i in range(size.initiatives)
            ),
            batch_size=BATCH,
        )
        links, linked = [], {}
        for n, initiative in enumerate(initiatives):
            if n == 0:
                # The showcase: ten approved assets of its own department, A00000 first.
                pool = [i for i in by_department[initiative.department_id] if plan[i] == "approved"]
                chosen = [0, *[i for i in pool if i != 0][:9]]
            else:
                pool = (
                    by_department[initiative.department_id]
                    if rng.random() < 0.9
                    else range(len(assets))
                )
                chosen = rng.sample(list(pool), min(rng.randint(1, 10), len(pool)))
            linked[initiative.pk] = chosen
            links.extend(InitiativeAsset(initiative=initiative, asset=assets[i]) for i in chosen)
        InitiativeAsset.objects.bulk_create(links, batch_size=BATCH)

        adjustments, statuses = [], []
        for n, initiative in enumerate(initiatives):
            finals: dict[str, int] = {}
            triggers: set[str] = set()
            for i in linked[initiative.pk]:
                triggers |= assets[i].triggers
                for code, level in finals_of[i].items():
                    finals[code] = max(level, finals.get(code, 0))
            if n and rng.random() < 0.03 and finals.get(codes[0], 0) < tops[codes[0]]:
                finals[codes[0]] = finals.get(codes[0], 0) + 1
                adjustments.append(
                    Adjustment(
                        initiative=initiative,
                        aspect_code=codes[0],
                        level=finals[codes[0]],
                        reason=Adjustment.Reason.AGGREGATION,
                        justification="Sammanställningen ger högre skyddsvärde.",
                        created_by=admin,
                    )
                )
            for requirement in requirements:
                if not classification_rules.requirement_applies(
                    rule_of[requirement.pk], finals, triggers
                ):
                    continue
                status = rng.choices(["fulfilled", "partly", "not", "na", ""], [60, 20, 10, 5, 5])[
                    0
                ]
                statuses.append(
                    RequirementStatus(
                        initiative=initiative,
                        requirement=requirement,
                        status=status,
                        updated_by=owners[initiative.department_id],
                    )
                )
        Adjustment.objects.bulk_create(adjustments, batch_size=BATCH)
        RequirementStatus.objects.bulk_create(statuses, batch_size=BATCH)

        # Benefit models for 90 %, follow-up for a third of those.
        models, investment_of = [], {}
        for n, initiative in enumerate(initiatives):
            if n and rng.random() >= 0.9:
                continue
            # The showcase's model is the same in every size.
            source = random.Random(f"{seed}:showcase") if n == 0 else rng  # noqa: S311
            document, investment = random_document(
                source, initiative.name, groups=tuple(STAFF_GROUPS)
            )
            investment_of[initiative.code] = investment
            models.append(BenefitModel(initiative=initiative, document=document, updated_by=admin))
        models = BenefitModel.objects.bulk_create(models, batch_size=500)
        trackings, tracked_years = [], []
        start_year = today.year - 1
        for n, model in enumerate(models):
            if n and rng.random() >= 0.3:
                continue
            for lever in model.document["levers"]:
                trackings.append(
                    BenefitTracking(
                        benefit_model=model,
                        lever_name=lever["name"],
                        owner=owners[model.initiative.department_id],
                        indicator=f"Värde av {lever['name'].lower()}",
                        unit="kr",
                        baseline=Decimal(0),
                        start_year=start_year,
                    )
                )
        trackings = BenefitTracking.objects.bulk_create(trackings, batch_size=BATCH)
        for tracking in trackings:
            target = Decimal(rng.randrange(100_000, 5_000_000, 1000))
            for offset in range(3):
                actual = (target * Decimal(rng.uniform(0.4, 1.1))).quantize(Decimal("0.01"))
                tracked_years.append(
                    BenefitTrackingYear(
                        tracking=tracking,
                        year=start_year + offset,
                        target=target * (offset + 1),
                        actual=actual if offset == 0 else None,
                    )
                )
        BenefitTrackingYear.objects.bulk_create(tracked_years, batch_size=BATCH)

        # Priority inputs, a few forced choices, the budget and saved scenarios.
        priorities = []
        for n, initiative in enumerate(initiatives):
            if n and rng.random() < 0.05:
                continue
            forced = "" if n == 0 else rng.choices(["", "in", "out"], [94, 3, 3])[0]
            priorities.append(
                InitiativePriority(
                    initiative=initiative,
                    strategic_fit=rng.randint(1, 5),
                    time_criticality=rng.randint(1, 5),
                    duration_weeks=rng.randint(4, 104),
                    forced=forced,
                    forced_reason="Politiskt beslut" if forced else "",
                    forced_by=admin if forced else None,
                    forced_at=now if forced else None,
                    benefit_owner=owners[initiative.department_id]
                    if n == 0 or rng.random() < 0.7
                    else None,
                    dpia_recorded=rng.random() < 0.4,
                )
            )
        InitiativePriority.objects.bulk_create(priorities, batch_size=BATCH)
        total_investment = sum(investment_of.values(), Decimal(0))
        settings = PortfolioSettings.objects.create(
            organisation=organisation,
            budget=(total_investment / 3).quantize(Decimal(1)),
            scenario="medium",
            updated_by=admin,
        )
        codes_with_models = sorted(investment_of)
        scenarios = []
        for k, name in enumerate(["Plan A", "Plan B", "Plan C"]):
            chosen = sorted(rng.sample(codes_with_models, max(1, len(codes_with_models) * 3 // 10)))
            cost = sum((investment_of[c] for c in chosen), Decimal(0))
            scenarios.append(
                PortfolioScenario(
                    organisation=organisation,
                    name=name,
                    year=settings.year,
                    budget=settings.budget,
                    benefit_scenario="medium",
                    method="score",
                    selected_codes=chosen,
                    forced_choices={},
                    total_investment_cost=cost,
                    total_npv=cost * Decimal("1.4"),
                    note="Genererat scenario.",
                    created_by=admin,
                    committed_at=now if k == 0 else None,
                    committed_by=admin if k == 0 else None,
                )
            )
        PortfolioScenario.objects.bulk_create(scenarios)

        # An audit trail of about 3.5 events per asset and 3 per initiative, over two years.
        events = []

        def event(action: str, obj: Any, actor: Any, days: int) -> None:
            events.append(
                AuditEvent(
                    organisation=organisation,
                    actor=actor,
                    actor_label=actor.email,
                    created_at=now - timedelta(days=days, seconds=rng.randint(0, 86_399)),
                    action=action,
                    object_type=obj._meta.model_name,
                    object_id=str(obj.pk),
                    object_repr=str(obj)[:300],
                    after={"generated": True},
                )
            )

        for asset, state in zip(assets, plan, strict=True):
            owner = owners[asset.department_id]
            event("asset.created", asset, owner, rng.randint(400, 730))
            if state != "unclassified":
                event("assessment.step_saved", asset, owner, rng.randint(200, 400))
                event("assessment.step_saved", asset, owner, rng.randint(200, 400))
            if state == "approved":
                event("assessment.approved", asset, officer, rng.randint(1, 200))
        for initiative in initiatives:
            owner = owners[initiative.department_id]
            event("initiative.created", initiative, owner, rng.randint(300, 700))
            event("initiative.assets_changed", initiative, owner, rng.randint(100, 300))
            event("portfolio.priority_set", initiative, admin, rng.randint(1, 100))
        for model in models:
            event("benefit_model.saved", model.initiative, admin, rng.randint(1, 300))
        AuditEvent.objects.bulk_create(events, batch_size=BATCH)

    first = departments[0]
    return Generated(
        size=size,
        organisation=organisation,
        admin=admin,
        officer=officer,
        owner=owners[first.pk],
        lawyer=lawyers[first.pk],
        first_department=first,
        showcase_asset=assets[0],
        showcase_initiative=initiatives[0],
        counts={
            "departments": len(departments),
            "users": len(people),
            "assets": len(assets),
            "assessments": len(assessments),
            "initiatives": len(initiatives),
            "links": len(links),
            "benefit_models": len(models),
            "trackings": len(trackings),
            "requirement_statuses": len(statuses),
            "priorities": len(priorities),
            "forced": sum(1 for p in priorities if p.forced),
            "audit_events": len(events),
        },
    )


def rebuild_derived(stdout: Any = None) -> bool:
    """Run ``manage.py rebuild_derived`` (stored figures after bulk inserts that bypassed the
    services); False, with a warning, when the installed code has no such command."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    stdout = stdout or sys.stdout
    try:
        call_command("rebuild_derived", stdout=stdout)
    except CommandError as error:
        if "Unknown command" not in str(error):
            raise
        print("warning: no rebuild_derived command; stored figures were not rebuilt", file=stdout)
        return False
    return True


def generate_all(
    *, seed: int = SEED, sizes: tuple[Size, ...] = (LARGE, SMALL)
) -> dict[str, Generated]:
    """Every size, then one rebuild of the stored figures."""
    generated = {size.code: generate_organisation(size, seed=seed) for size in sizes}
    rebuild_derived()
    return generated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--small-only", action="store_true", help="Only the small organisation.")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klassa_app.settings")
    import time

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    sizes = (SMALL,) if args.small_only else (LARGE, SMALL)
    for code, generated in generate_all(seed=args.seed, sizes=sizes).items():
        print(code, generated.counts)
    print(f"generated in {time.perf_counter() - start:.1f} s; admin password {ADMIN_PASSWORD}")


if __name__ == "__main__":
    main()
