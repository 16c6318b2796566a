"""The stored derived figures (``portfolio.figures``: each initiative's classification,
readiness and fulfilment with its level rows; ``benefits.derived``: each model's scenario
summaries and staff claims) always equal a fresh computation, after every kind of write:
through the services, the consensus session, the benefit and register imports, framework
edits, direct ORM writes, deletions and the passing of a review date. Another organisation's
stored figures are never touched. ``rebuild_derived`` finds and repairs what bypassed the
application."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assessments import consensus, frameworks, selectors, services
from assessments.models import (
    Adjustment,
    Assessment,
    InformationAsset,
    Initiative,
    InitiativeAsset,
    Question,
    RequirementStatus,
)
from assessments.services import LevelText, StepInput
from benefits import derived as benefit_derived
from benefits import services as benefit_services
from benefits import tracking
from benefits.models import BenefitModel, BenefitSummary, StaffClaim
from interchange import register
from klassa_app import services as organisation_services
from klassa_app.models import Department, Organisation, Role, User
from klassa_app.services import ServiceError
from portfolio import figures
from portfolio import services as portfolio_services
from portfolio.models import InitiativeFigures, InitiativeLevel
from portfolio.readiness import NO_BENEFIT_MODEL
from tests.conftest import logged_in
from tests.factories import (
    DepartmentFactory,
    InitiativeFactory,
    MembershipFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

S = consensus.Role  # the roles people take in a consensus session


# --- The organisation -----------------------------------------------------------------------------


def benefit_document(
    name: str, *, amount: int = 900_000, investment: int = 400_000, staff: tuple = ()
) -> dict[str, Any]:
    """A valid klassa.benefit-model/1 document; ``staff``: (lever, group, share) claims."""
    levers: list[dict[str, Any]] = [
        {"kind": "fixed_amount", "name": "Mindre administration", "amount": amount}
    ]
    levers += [
        {
            "kind": "staff_time",
            "name": lever,
            "group": group,
            "staff_fte": 12,
            "annual_cost_per_fte": 540_000,
            "time_share": "0.25",
            "reduction": {"low": "0.1", "medium": "0.2", "high": "0.3"},
            "attribution_share": share,
        }
        for lever, group, share in staff
    ]
    return {
        "format": "klassa.benefit-model/1",
        "name": name,
        "currency": "SEK",
        "horizon_years": 3,
        "levers": levers,
        "costs": [{"name": "Införande", "kind": "investment", "amounts": [investment, 0, 0, 0]}],
    }


def classify(actor: User, asset: InformationAsset, levels: dict[str, int]) -> Assessment:
    """Answer each aspect's questions at (at most) the given level, one wizard step each."""
    assessment = services.do_start_assessment(actor=actor, asset=asset)
    for aspect, level in levels.items():
        answers = {}
        for question in Question.objects.filter(
            bank=assessment.question_bank, aspect_code=aspect
        ).prefetch_related("options"):
            fitting = [o for o in question.options.all() if o.level <= level]
            answers[question.code] = max(fitting, key=lambda o: o.level).pk
        assessment.refresh_from_db()
        assessment = services.do_save_step(
            actor=actor,
            assessment=assessment,
            aspect_code=aspect,
            step=StepInput(answers=answers, comments={}),
            lock_version=assessment.lock_version,
        )
    return assessment


@dataclass
class World:
    org: Organisation
    other: Organisation
    utbildning: Department
    kultur: Department
    admin: User
    officer: User
    owner: User
    lawyer: User
    dpo: User
    outsider: User
    other_before: tuple = ()
    monkeypatch: pytest.MonkeyPatch | None = None

    def asset(self, code: str) -> InformationAsset:
        return InformationAsset.objects.select_related("department", "organisation").get(
            organisation=self.org, code=code
        )

    def initiative(self, code: str) -> Initiative:
        return Initiative.objects.select_related("department", "organisation").get(
            organisation=self.org, code=code
        )

    def draft(self, code: str) -> Assessment:
        return (
            self.asset(code)
            .assessments.exclude(
                status__in=[Assessment.Status.APPROVED, Assessment.Status.SUPERSEDED]
            )
            .get()
        )


def stored_rows(organisation: Organisation) -> tuple:
    """Everything stored for the organisation, row ids and timestamps included: a refresh
    that rewrote a row, even with the same values, shows."""
    return (
        list(InitiativeFigures.objects.filter(organisation=organisation).order_by("pk").values()),
        list(InitiativeLevel.objects.filter(organisation=organisation).order_by("pk").values()),
        list(
            BenefitSummary.objects.filter(initiative__organisation=organisation)
            .order_by("pk")
            .values()
        ),
        list(StaffClaim.objects.filter(organisation=organisation).order_by("pk").values()),
    )


def fresh_claims(organisation: Organisation) -> list[tuple]:
    """The staff claims computed from the stored documents (a model that does not validate
    claims nothing)."""
    from benefits import double_counting

    result = []
    for model in BenefitModel.objects.filter(initiative__organisation=organisation).select_related(
        "initiative"
    ):
        if not benefit_derived.fresh_summaries(model.document or {}):
            continue
        for claim in double_counting.claims_of_document(model.initiative.code, model.document):
            result.append((model.pk, claim.group, claim.display, claim.lever, claim.share))
    return sorted(result)


def stored_claims(organisation: Organisation) -> list[tuple]:
    return sorted(
        (model_id, group, label, lever, share.normalize())
        for model_id, group, label, lever, share in StaffClaim.objects.filter(
            organisation=organisation
        ).values_list("benefit_model_id", "group", "label", "lever", "share")
    )


def fresh_levels(organisation: Organisation) -> dict[tuple[int, str], tuple[int, int | None]]:
    departments = dict(
        Initiative.objects.filter(organisation=organisation).values_list("pk", "department_id")
    )
    return {
        (pk, aspect): (departments[pk], level)
        for pk, values in figures.fresh_figures(organisation).items()
        for aspect, level in values.finals.items()
    }


def stored_levels(organisation: Organisation) -> dict[tuple[int, str], tuple[int, int | None]]:
    return {
        (initiative_id, aspect): (department_id, level)
        for initiative_id, aspect, department_id, level in InitiativeLevel.objects.filter(
            organisation=organisation
        ).values_list("initiative_id", "aspect", "department_id", "level")
    }


def assert_in_step(world: World) -> None:
    assert figures.differences(world.org) == []
    # What differences() compares, spelt out once more from the sources.
    assert set(
        InitiativeFigures.objects.filter(organisation=world.org).values_list(
            "initiative_id", flat=True
        )
    ) == set(Initiative.objects.filter(organisation=world.org).values_list("pk", flat=True))
    assert stored_levels(world.org) == fresh_levels(world.org)
    assert stored_claims(world.org) == [
        (m, g, label, lever, share.normalize())
        for m, g, label, lever, share in fresh_claims(world.org)
    ]
    for row in InitiativeFigures.objects.filter(organisation=world.org):
        assert row.blocker_count == len(row.blockers)
    assert stored_rows(world.other) == world.other_before


def member(organisation: Organisation, role: str, department=None, **fields: Any) -> User:
    user = MembershipFactory(
        organisation=organisation, department=department, role=role, user__email=fields["email"]
    ).user
    return user


def build_world() -> World:
    """Norrköping: assets approved, being classified and unclassified, in two departments;
    initiatives with and without assets, adjustments, action-plan statuses and benefit
    models (two claiming the same staff group). Linköping beside it, with its own. The cast
    is that of tests/conftest.py, with an organisation-wide data-protection officer."""
    norrkoping = OrganisationFactory(code="norrkoping", name="Norrköpings kommun")
    utbildning = DepartmentFactory(organisation=norrkoping, code="UTB", name="Utbildningskontoret")
    kultur = DepartmentFactory(
        organisation=norrkoping, code="KUF", name="Kultur- och fritidskontoret"
    )
    admin = member(norrkoping, Role.ORG_ADMIN, email="admin@norrkoping.se")
    officer = member(norrkoping, Role.SECURITY_OFFICER, email="sakerhet@norrkoping.se")
    owner = member(norrkoping, Role.BUSINESS_OWNER, utbildning, email="agare@norrkoping.se")
    lawyer = member(norrkoping, Role.LEGAL_REVIEWER, utbildning, email="jurist@norrkoping.se")
    dpo = member(norrkoping, Role.DPO, email="dataskydd@norrkoping.se")
    linkoping = OrganisationFactory(code="linkoping", name="Linköpings kommun")
    other_department = DepartmentFactory(organisation=linkoping, code="UTB", name="Utbildning")
    outsider = member(linkoping, Role.ORG_ADMIN, email="admin@linkoping.se")

    create = services.do_create_asset
    elev = create(
        actor=owner,
        department=utbildning,
        code="ELEV",
        name="Elevregister",
        personal_data="special_categories",
        secrecy=True,
        secrecy_reference="OSL 23 kap. 2 §",
    )
    schema = create(actor=owner, department=utbildning, code="SCHEMA", name="Schema")
    narv = create(
        actor=owner, department=utbildning, code="NARV", name="Närvaro", personal_data="yes"
    )
    create(actor=owner, department=utbildning, code="FRI", name="Fritext")
    lan = create(actor=admin, department=kultur, code="LAN", name="Lån")
    bibl = create(actor=admin, department=kultur, code="BIBL", name="Bibliotek")
    for asset, levels in (
        (elev, {"K": 3, "R": 2, "T": 2, "S": 2}),
        (schema, {"K": 1, "R": 1, "T": 2, "S": 1}),
        (lan, {"K": 1, "R": 2, "T": 1, "S": 1}),
    ):
        services.do_approve_assessment(
            actor=officer,
            assessment=classify(owner if asset.department == utbildning else admin, asset, levels),
        )
    classify(owner, narv, {"K": 2, "R": 1, "T": 1, "S": 1})

    initiative = services.do_create_initiative
    edu_a = initiative(
        actor=owner, department=utbildning, code="EDU-A", name="Dashboard", area="Utbildning"
    )
    edu_b = initiative(actor=owner, department=utbildning, code="EDU-B", name="Närvaroapp")
    kuf_a = initiative(
        actor=admin, department=kultur, code="KUF-A", name="Ny katalog", area="Kultur"
    )
    initiative(actor=admin, department=kultur, code="KUF-B", name="Förstudie")
    services.do_set_initiative_assets(actor=owner, initiative=edu_a, assets=[elev, schema])
    services.do_set_initiative_assets(actor=admin, initiative=edu_b, assets=[narv, lan])
    services.do_set_initiative_assets(actor=admin, initiative=kuf_a, assets=[bibl, lan])
    services.do_set_adjustment(
        actor=owner,
        initiative=edu_a,
        aspect_code="T",
        level=3,
        reason="cumulation",
        justification="Fem tjänster faller samtidigt",
    )
    classification = selectors.initiative_classification(edu_a)
    plan = selectors.action_plan(edu_a, classification)
    services.do_set_requirement_status(
        actor=owner, initiative=edu_a, requirement=plan.items[0].requirement, status="fulfilled"
    )
    benefit_services.do_save_benefit_model(
        actor=owner,
        initiative=edu_a,
        document=benefit_document("Dashboard", staff=(("Rektorstid", "Rektorer", "0.6"),)),
        lock_version=None,
    )
    benefit_services.do_save_benefit_model(
        actor=admin,
        initiative=kuf_a,
        document=benefit_document("Katalog", staff=(("Rektorer", "", "0.7"),)),
        lock_version=None,
    )

    other_asset = create(
        actor=outsider, department=other_department, code="ELEV", name="Elevregister LKPG"
    )
    classify(outsider, other_asset, {"K": 2, "R": 2, "T": 1, "S": 1})
    other = initiative(actor=outsider, department=other_department, code="EDU-A", name="LKPG")
    services.do_set_initiative_assets(actor=outsider, initiative=other, assets=[other_asset])
    benefit_services.do_save_benefit_model(
        actor=outsider,
        initiative=other,
        document=benefit_document("LKPG", staff=(("Rektorer", "Rektorer", "0.9"),)),
        lock_version=None,
    )
    result = World(
        org=norrkoping,
        other=other_department.organisation,
        utbildning=utbildning,
        kultur=kultur,
        admin=admin,
        officer=officer,
        owner=owner,
        lawyer=lawyer,
        dpo=dpo,
        outsider=outsider,
    )
    result.other_before = stored_rows(result.other)
    assert result.other_before[0] and result.other_before[2] and result.other_before[3]
    return result


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end; every
    test runs in a savepoint within it (the ``db`` fixture), so each sees the world as built."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(built_world, db) -> World:
    # A copy: a test that sets an attribute does not change the next test's world.
    return dataclasses.replace(built_world)


def test_the_organisation_starts_in_step_with_every_kind_of_figure(world):
    assert_in_step(world)
    stored = figures.stored_figures(world.org)
    by_code = {c: stored[world.initiative(c).pk] for c in ("EDU-A", "EDU-B", "KUF-A", "KUF-B")}
    assert by_code["EDU-A"].classification_status == "approved"
    assert by_code["EDU-A"].finals["T"] == 3 and by_code["EDU-A"].has_benefit_model
    assert by_code["EDU-A"].handles_special_categories
    assert by_code["EDU-B"].classification_status == "provisional"
    assert NO_BENEFIT_MODEL in by_code["EDU-B"].blockers
    assert by_code["KUF-B"].blockers == ["no_assets", NO_BENEFIT_MODEL]
    assert StaffClaim.objects.filter(organisation=world.org, group="rektorer").count() == 2


# --- Every kind of write, one at a time -----------------------------------------------------------


def _level_texts(aspect_code: str, world: World, count: int | None = None) -> list[LevelText]:
    aspect = frameworks.current_scheme(world.org).aspects.get(code=aspect_code)
    levels = list(aspect.levels.order_by("ordinal"))
    if count is not None:
        levels = levels[:count]
    return [LevelText(lv.ordinal, lv.name, lv.description) for lv in levels]


def _edit_aspect(world: World, code: str, *, enabled: bool = True, count: int | None = None):
    aspect = frameworks.current_scheme(world.org).aspects.get(code=code)
    services.do_edit_aspect(
        actor=world.officer,
        organisation=world.org,
        code=code,
        name={**aspect.name, "sv": aspect.name["sv"] + " (ny)"},
        description=aspect.description,
        enabled=enabled,
        levels=_level_texts(code, world, count),
    )


def _update_asset(actor_name: str, asset: str, **fields: Any) -> Callable[[World], Any]:
    def write(world: World) -> None:
        actor = getattr(world, actor_name)
        services.do_update_asset(actor=actor, asset=world.asset(asset), **fields)

    return write


def _save_requirement(world: World, **overrides: Any) -> None:
    texts = {"sv": "Loggar granskas varje vecka", "en": "Logs are reviewed weekly"}
    args = {
        "actor": world.officer,
        "organisation": world.org,
        "code": "EXTRA-1",
        "aspect_code": "S",
        "min_level": 1,
        "trigger": "",
        "title": texts,
        "is_text": texts,
        "shall_text": texts,
    }
    services.do_save_requirement(**{**args, **overrides})


def _change_first_requirement(world: World) -> None:
    initiative = world.initiative("EDU-A")
    plan = selectors.action_plan(initiative, selectors.initiative_classification(initiative))
    first = plan.items[0].requirement
    _save_requirement(
        world,
        code=first.code,
        original_code=first.code,
        aspect_code="K",
        min_level=4,
        title=first.title,
        is_text=first.is_text,
        shall_text=first.shall_text,
    )


def _scheme_rules(world: World, **minimums: dict[str, int]) -> None:
    current = frameworks.current_scheme(world.org)
    services.do_edit_scheme_rules(
        actor=world.officer,
        organisation=world.org,
        downtime_thresholds=[tuple(t) for t in current.downtime_thresholds],
        legal_minimums={**current.legal_minimums, **minimums},
    )


def _requirement_status(code: str, index: int, status: str) -> Callable[[World], Any]:
    def write(world: World) -> None:
        initiative = world.initiative(code)
        plan = selectors.action_plan(initiative, selectors.initiative_classification(initiative))
        services.do_set_requirement_status(
            actor=world.admin,
            initiative=initiative,
            requirement=plan.items[index].requirement,
            status=status,
        )

    return write


def _link(code: str, *assets: str) -> Callable[[World], Any]:
    def write(world: World) -> None:
        services.do_set_initiative_assets(
            actor=world.admin,
            initiative=world.initiative(code),
            assets=[world.asset(a) for a in assets],
        )

    return write


def _adjust(code: str, aspect: str, level: int, reason: str = "cumulation") -> Callable:
    def write(world: World) -> None:
        services.do_set_adjustment(
            actor=world.admin,
            initiative=world.initiative(code),
            aspect_code=aspect,
            level=level,
            reason=reason,
            justification="Motiverat i styrgruppen",
        )

    return write


def _save_model(code: str, document: dict[str, Any]) -> Callable[[World], Any]:
    def write(world: World) -> None:
        benefit_services.do_save_benefit_model(
            actor=world.admin,
            initiative=world.initiative(code),
            document=document,
            lock_version=None,
        )

    return write


def _approve_draft(code: str) -> Callable[[World], Any]:
    def write(world: World) -> None:
        services.do_approve_assessment(actor=world.officer, assessment=world.draft(code))

    return write


def _classify(code: str, levels: dict[str, int]) -> Callable[[World], Any]:
    def write(world: World) -> None:
        classify(world.admin, world.asset(code), levels)

    return write


def _move_plan(code: str) -> Callable[[World], Any]:
    def write(world: World) -> None:
        services.do_move_action_plan_to_current_catalogue(
            actor=world.admin, initiative=world.initiative(code)
        )

    return write


def _review_passes(world: World) -> None:
    # The stored figures keep the due dates, not whether they are past: the day after ELEV's
    # review date nothing needs storing, and later writes still compare equal.
    later = world.asset("ELEV").review_due + timedelta(days=1)
    world.monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    assert selectors.overdue_reviews(world.org)


def _orm_link(world: World) -> None:
    world.initiative("KUF-B").assets.add(world.asset("ELEV"))


def _orm_reverse_link(world: World) -> None:
    world.asset("SCHEMA").initiatives.add(world.initiative("KUF-B"), world.initiative("EDU-B"))


def _orm_reverse_clear(world: World) -> None:
    world.asset("LAN").initiatives.clear()


def _orm_unlink(world: World) -> None:
    InitiativeAsset.objects.filter(asset=world.asset("SCHEMA")).delete()


def _orm_delete_asset(world: World) -> None:
    asset = world.asset("SCHEMA")
    InitiativeAsset.objects.filter(asset=asset).delete()
    asset.delete()


def _orm_adjustment(world: World) -> None:
    Adjustment.objects.create(
        initiative=world.initiative("EDU-B"),
        aspect_code="K",
        level=4,
        reason="cumulation",
        justification="Direkt i databasen",
    )


def _orm_status(world: World) -> None:
    initiative = world.initiative("EDU-B")
    requirement = initiative.action_plan_catalogue.requirements.order_by("code").first()
    RequirementStatus.objects.create(
        initiative=initiative, requirement=requirement, status="fulfilled"
    )


def _orm_invalid_model(world: World) -> None:
    model = BenefitModel.objects.get(initiative=world.initiative("EDU-A"))
    model.document = {**model.document, "horizon_years": "many"}
    model.save()


def _orm_move_initiative(world: World) -> None:
    initiative = world.initiative("EDU-A")
    initiative.department = world.kultur
    initiative.save()


def _tracking(world: World) -> None:
    model = BenefitModel.objects.get(initiative=world.initiative("EDU-A"))
    started = tracking.do_save_tracking(
        actor=world.admin,
        model=model,
        lever_name="Rektorstid",
        owner=world.owner,
        indicator="Timmar per vecka",
        unit="h",
        baseline="40",
        lower_is_better=True,
        start_year=2027,
    )
    tracking.do_set_target(actor=world.admin, tracking=started, year=2027, target="35")
    tracking.do_record_actual(actor=world.admin, tracking=started, year=2027, actual="36")


def _archive_department(world: World) -> None:
    kultur = world.kultur
    organisation_services.do_update_department(
        actor=world.admin,
        department=kultur,
        code=kultur.code,
        name="Kultur och fritid",
        kind=kultur.kind,
        is_active=False,
    )


def _new_department_and_initiative(world: World) -> None:
    department = organisation_services.do_create_department(
        actor=world.admin, organisation=world.org, code="SOC", name="Socialkontoret"
    )
    created = services.do_create_initiative(
        actor=world.admin, department=department, code="SOC-A", name="Journal"
    )
    services.do_set_initiative_assets(
        actor=world.admin, initiative=created, assets=[world.asset("ELEV")]
    )


SHARED = (("Rektorstid", "Rektorer", "0.5"), ("Lärartid", "Lärare", "0.2"))


def write(name: str, changes: bool, *steps: Callable[[World], Any]) -> Any:
    """One kind of write: its steps (the figures are checked after each) and whether the
    stored values end up different (a write that changes nothing derived must not either)."""
    return pytest.param(changes, steps, id=name)


WRITES = [
    write(
        "create an unlinked asset",
        False,
        lambda w: services.do_create_asset(
            actor=w.owner, department=w.utbildning, code="NY", name="Ny"
        ),
    ),
    write("rename a linked asset", False, _update_asset("owner", "ELEV", name="Elevregistret")),
    write("recode a linked asset", True, _update_asset("owner", "SCHEMA", code="SCHEMA2")),
    write(
        "personal data becomes special categories",
        True,
        _update_asset("owner", "SCHEMA", personal_data="special_categories"),
    ),
    write(
        "personal data and secrecy removed",
        True,
        _update_asset("owner", "ELEV", personal_data="no", secrecy=False),
    ),
    write(
        "protective security on an approved asset",
        True,
        _update_asset("admin", "LAN", protective_security=True),
    ),
    write(
        "protective security on an unclassified asset",
        True,
        _update_asset("admin", "BIBL", protective_security=True),
    ),
    write(
        "protective security on a draft",
        True,
        _update_asset("owner", "NARV", protective_security=True),
    ),
    write(
        "asset moves to another department",
        False,
        lambda w: services.do_update_asset(
            actor=w.admin, asset=w.asset("NARV"), department=w.kultur
        ),
    ),
    write(
        "re-assessment of an approved asset, then approval",
        True,
        _classify("SCHEMA", {"R": 3}),
        _approve_draft("SCHEMA"),
    ),
    write(
        "draft classified further, then approved",
        True,
        _classify("NARV", {"K": 3, "T": 2}),
        _approve_draft("NARV"),
    ),
    write("unclassified asset classified", True, _classify("BIBL", {"K": 2, "R": 1})),
    write("top level needs protective security", True, _classify("NARV", {"K": 4})),
    write(
        "create an initiative",
        True,
        lambda w: services.do_create_initiative(
            actor=w.owner, department=w.utbildning, code="EDU-C", name="Ny"
        ),
    ),
    write(
        "update an initiative's code, name and area",
        False,
        lambda w: services.do_update_initiative(
            actor=w.owner, initiative=w.initiative("EDU-A"), code="EDU-Z", name="Ny", area="Skola"
        ),
    ),
    write("link more assets", True, _link("EDU-B", "NARV", "LAN", "SCHEMA", "FRI")),
    write("unlink an asset", True, _link("EDU-A", "SCHEMA")),
    write("unlink every asset", True, _link("KUF-A")),
    write("link assets to an initiative without any", True, _link("KUF-B", "ELEV", "LAN")),
    write(
        "adjust up, remove, adjust again",
        True,
        _adjust("EDU-B", "R", 3),
        lambda w: services.do_remove_adjustment(
            actor=w.admin, initiative=w.initiative("EDU-B"), aspect_code="R"
        ),
        _adjust("EDU-B", "R", 4),
    ),
    write("adjust down for distribution", True, _adjust("EDU-A", "K", 1, reason="distribution")),
    write(
        "action-plan statuses",
        True,
        _requirement_status("EDU-A", 1, "fulfilled"),
        _requirement_status("EDU-A", 0, "partly"),
        _requirement_status("EDU-A", 2, "na"),
    ),
    write("aspect switched off", True, lambda w: _edit_aspect(w, "S", enabled=False)),
    write(
        "aspect switched off and on again",
        False,
        lambda w: _edit_aspect(w, "S", enabled=False),
        lambda w: _edit_aspect(w, "S", enabled=True),
    ),
    write("aspect renamed", False, lambda w: _edit_aspect(w, "K")),
    write("aspect with fewer levels", True, lambda w: _edit_aspect(w, "K", count=3)),
    write(
        "new requirement, plans moved to the new catalogue",
        True,
        _save_requirement,
        _move_plan("EDU-A"),
        _move_plan("KUF-A"),
    ),
    write("requirement changed, plan moved", True, _change_first_requirement, _move_plan("EDU-A")),
    write(
        "legal minimums changed",
        False,
        lambda w: _scheme_rules(w, personal_data={"K": 2, "R": 2}),
    ),
    write(
        "benefit model created",
        True,
        _save_model("EDU-B", benefit_document("Närvaro", staff=SHARED)),
    ),
    write(
        "benefit model changed",
        True,
        _save_model("EDU-A", benefit_document("Dashboard", amount=50_000, staff=SHARED)),
        _save_model("EDU-A", benefit_document("Dashboard", amount=50_000)),
    ),
    write(
        "benefit model saved unchanged",
        False,
        _save_model(
            "EDU-A", benefit_document("Dashboard", staff=(("Rektorstid", "Rektorer", "0.6"),))
        ),
    ),
    write("benefit tracking", False, _tracking),
    write(
        "priority, forced choice and portfolio settings",
        False,
        lambda w: portfolio_services.do_set_priority(
            actor=w.owner, initiative=w.initiative("EDU-A"), strategic_fit=5, dpia_recorded=True
        ),
        lambda w: portfolio_services.do_force_initiative(
            actor=w.admin, initiative=w.initiative("EDU-B"), forced="in", reason="Lagkrav"
        ),
        lambda w: portfolio_services.do_force_initiative(
            actor=w.admin, initiative=w.initiative("EDU-B"), forced=None
        ),
        lambda w: portfolio_services.do_update_portfolio_settings(
            actor=w.admin, organisation=w.org, budget="10000000", fulfilment_threshold="0.5"
        ),
    ),
    write(
        "department archived, new department with an initiative",
        True,
        _archive_department,
        _new_department_and_initiative,
    ),
    write(
        "review date passes, then the asset is changed and approved again",
        True,
        _review_passes,
        _update_asset("owner", "ELEV", personal_data="yes"),
        _classify("ELEV", {"K": 3, "R": 2, "T": 3, "S": 2}),
        _approve_draft("ELEV"),
    ),
    write("ORM: link through the many-to-many", True, _orm_link),
    write("ORM: link from the asset's side", True, _orm_reverse_link),
    write("ORM: clear links from the asset's side", True, _orm_reverse_clear),
    write("ORM: delete link rows", True, _orm_unlink),
    write("ORM: delete an unlinked asset", False, lambda w: w.asset("FRI").delete()),
    write("ORM: unlink and delete a linked asset", True, _orm_delete_asset),
    write("ORM: delete an initiative", True, lambda w: w.initiative("EDU-A").delete()),
    write(
        "ORM: delete an initiative without a model", True, lambda w: w.initiative("EDU-B").delete()
    ),
    write(
        "ORM: delete a benefit model",
        True,
        lambda w: BenefitModel.objects.get(initiative=w.initiative("KUF-A")).delete(),
    ),
    write(
        "ORM: create an adjustment, then delete it",
        False,
        _orm_adjustment,
        lambda w: Adjustment.objects.filter(initiative=w.initiative("EDU-B")).delete(),
    ),
    write("ORM: create a requirement status", True, _orm_status),
    write("ORM: save an asset unchanged", False, lambda w: w.asset("LAN").save()),
    write("ORM: initiative from a factory", True, lambda w: InitiativeFactory(department=w.kultur)),
    write("ORM: a stored document that no longer validates", True, _orm_invalid_model),
    write("ORM: initiative moves to another department", True, _orm_move_initiative),
    write(
        "ORM: initiative without a plan catalogue, then a new requirement",
        True,
        lambda w: InitiativeFactory(department=w.utbildning, code="EDU-F").assets.add(
            w.asset("ELEV")
        ),
        lambda w: _save_requirement(w, aspect_code="K", min_level=3),
    ),
]


def stored_values(organisation: Organisation) -> tuple:
    """The stored figures as values (without row ids and timestamps)."""
    summaries = sorted(
        (row.pop("benefit_model_id"), row.pop("scenario"), sorted(row.items()))
        for row in BenefitSummary.objects.filter(initiative__organisation=organisation).values(
            *benefit_derived.SUMMARY_FIELDS, "benefit_model_id", "scenario"
        )
    )
    return (
        figures.stored_figures(organisation),
        stored_levels(organisation),
        stored_claims(organisation),
        summaries,
    )


@pytest.mark.parametrize(("changes", "steps"), WRITES)
def test_every_kind_of_write_keeps_the_stored_figures_equal_to_a_fresh_computation(
    world, changes, steps, monkeypatch
):
    world.monkeypatch = monkeypatch
    before = stored_values(world.org)
    for step in steps:
        step(world)
        assert_in_step(world)
    assert (stored_values(world.org) != before) is changes


def test_a_refused_write_leaves_the_stored_figures_as_they_were(world):
    """The asset and the figures are written before the clash is found; the refusal rolls
    both back."""
    draft = world.draft("NARV")
    questions = Question.objects.filter(bank=draft.question_bank, aspect_code="K")
    services.do_save_step(
        actor=world.owner,
        assessment=draft,
        aspect_code="K",
        step=StepInput(
            answers={q.code: None for q in questions},
            comments={},
            override_level=1,
            override_reason="Bara namn och klass",
        ),
        lock_version=draft.lock_version,
    )
    assert_in_step(world)
    before = stored_rows(world.org)
    with pytest.raises(ServiceError) as refused:
        services.do_update_asset(
            actor=world.owner, asset=world.asset("NARV"), personal_data="special_categories"
        )
    assert refused.value.field == "personal_data"
    assert stored_rows(world.org) == before
    assert_in_step(world)


# --- Consensus sessions, imports ------------------------------------------------------------------


def checked(world: World, action: Callable[..., Any], **kwargs: Any) -> Any:
    """Run one write and check the figures right after it."""
    result = action(**kwargs)
    assert_in_step(world)
    return result


def _answers(session: consensus.ConsensusSession, level: int) -> dict[str, int]:
    result = {}
    for question in Question.objects.filter(bank=session.assessment.question_bank).prefetch_related(
        "options"
    ):
        fitting = [o for o in question.options.all() if o.level <= level]
        result[question.code] = max(fitting, key=lambda o: o.level).pk
    return result


def _fresh(session: consensus.ConsensusSession) -> consensus.ConsensusSession:
    return consensus.ConsensusSession.objects.get(pk=session.pk)


def test_a_consensus_session_through_to_approval_keeps_the_figures_in_step(world):
    """Cancel, a meeting of two assets, proposals, reveal, decisions, dissent, conclusion,
    a rejected signature, a second conclusion and the signatures that approve."""
    people = [(world.owner, S.BUSINESS_OWNER), (world.lawyer, S.LEGAL_REVIEWER), (world.dpo, S.DPO)]
    first = checked(
        world,
        consensus.do_open_session,
        actor=world.officer,
        assessment=world.draft("NARV"),
        participants=people,
    )
    checked(world, consensus.do_cancel, actor=world.officer, session=first)
    checked(world, services.do_start_assessment, actor=world.owner, asset=world.asset("FRI"))
    session, other = checked(
        world,
        consensus.do_open_meeting,
        actor=world.officer,
        assessments=[world.draft("NARV"), world.draft("FRI")],
        participants=people,
    )
    for person, level in ((world.owner, 2), (world.lawyer, 3), (world.dpo, 1)):
        checked(
            world,
            consensus.do_save_proposals,
            actor=person,
            session=session,
            answers=_answers(session, level),
            comments={},
            submit=True,
        )
    lock = _fresh(session).lock_version
    checked(world, consensus.do_reveal, actor=world.officer, session=session, lock_version=lock)

    def decide(levels: dict[str, int]) -> None:
        for code, level in levels.items():
            checked(
                world,
                consensus.do_decide,
                actor=world.officer,
                session=_fresh(session),
                aspect_code=code,
                level=level,
                rationale=f"Enighet om {code}",
                lock_version=_fresh(session).lock_version,
            )

    def conclude() -> Assessment:
        return checked(
            world,
            consensus.do_conclude,
            actor=world.officer,
            session=_fresh(session),
            lock_version=_fresh(session).lock_version,
        )

    decide({"K": 3, "R": 2, "T": 1, "S": 2})
    checked(
        world,
        consensus.do_dissent,
        actor=world.dpo,
        session=_fresh(session),
        aspect_code="K",
        text="K borde vara 2",
    )
    assessment = conclude()
    checked(
        world, consensus.do_sign, actor=world.owner, assessment=assessment, role=S.BUSINESS_OWNER
    )
    checked(
        world,
        consensus.do_reject,
        actor=world.lawyer,
        assessment=assessment,
        reason="R är för lågt",
    )
    decide({"R": 3})
    assessment = conclude()
    for person, role in people:
        assessment = checked(
            world, consensus.do_sign, actor=person, assessment=assessment, role=role
        )
    assert assessment.status == Assessment.Status.APPROVED
    stored = figures.stored_figures(world.org)[world.initiative("EDU-B").pk]
    assert stored.finals["K"] == 3 and stored.finals["R"] == 3
    assert "asset_not_approved:NARV" not in stored.blockers
    assert other.assessment.asset.code == "FRI"


def test_a_benefit_model_imported_as_a_json_file_is_stored_with_its_figures(world):
    client = logged_in(world.owner)
    initiative = world.initiative("EDU-B")
    url = reverse("benefit_model_import", args=[initiative.pk])
    document = benefit_document("Importerad", amount=120_000, staff=SHARED)
    upload = SimpleUploadedFile("modell.json", json.dumps(document).encode(), "application/json")
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    assert_in_step(world)
    assert figures.stored_figures(world.org)[initiative.pk].has_benefit_model
    assert StaffClaim.objects.filter(benefit_model__initiative=initiative).count() == 2

    before = stored_rows(world.org)
    broken = {**document, "horizon_years": 0}
    upload = SimpleUploadedFile("fel.json", json.dumps(broken).encode(), "application/json")
    response = client.post(url, {"file": upload})
    assert response.status_code == 200 and response.context["import_errors"]
    assert stored_rows(world.org) == before
    assert_in_step(world)


def test_a_register_import_keeps_the_figures_in_step(world):
    """Export, change levels, move an initiative to another department, add an initiative
    with a benefit model, import; then the same document again."""
    document = register.export_document(world.org)
    assets = {item["code"]: item for item in document["information_assets"]}
    assets["ELEV"]["levels"]["R"] = 3
    assets["LAN"]["legal"]["personal_data"] = "yes"
    initiatives = {item["code"]: item for item in document["initiatives"]}
    initiatives["EDU-B"]["department"] = "KUF"
    initiatives["KUF-A"]["assets"] = ["BIBL"]
    document["initiatives"].append(
        {
            "code": "EDU-C",
            "department": "UTB",
            "name": "Schemaläggning",
            "area": "Utbildning",
            "assets": ["FRI", "SCHEMA"],
            "benefit_model": benefit_document("Schema", staff=SHARED),
        }
    )
    summary = register.import_document(document, actor=None)
    assert summary.changed
    assert_in_step(world)
    edu_b = world.initiative("EDU-B")
    assert set(
        InitiativeLevel.objects.filter(initiative=edu_b).values_list("department_id", flat=True)
    ) == {world.kultur.pk}
    assert figures.stored_figures(world.org)[world.initiative("EDU-C").pk].has_benefit_model

    register.import_document(document, actor=None)
    assert_in_step(world)


def test_a_register_import_into_the_other_organisation_leaves_norrkoping_alone(world):
    before = stored_rows(world.org)
    document = register.export_document(world.other)
    document["information_assets"][0]["name"] = "Elevregistret i Linköping"
    document["initiatives"][0]["assets"] = []
    register.import_document(document, actor=None)
    assert stored_rows(world.org) == before
    assert figures.differences(world.other) == []


# --- Benefit summaries ----------------------------------------------------------------------------


def test_benefit_summaries_are_the_fresh_evaluation_of_each_stored_document(world):
    models = BenefitModel.objects.filter(initiative__organisation__in=[world.org, world.other])
    assert models.count() == 3
    for model in models:
        stored: dict[str, dict[str, Decimal | None]] = {}
        for row in BenefitSummary.objects.filter(benefit_model=model).values():
            assert row["initiative_id"] == model.initiative_id
            stored[row["scenario"]] = {name: row[name] for name in benefit_derived.SUMMARY_FIELDS}
        fresh = benefit_derived.fresh_summaries(model.document)
        assert set(fresh) == {"low", "medium", "high"}
        assert stored == fresh
        assert fresh["medium"]["investment_cost"] == Decimal("400000.0000")


def test_a_stored_document_that_does_not_validate_has_no_summaries_and_counts_as_no_model(world):
    initiative = world.initiative("KUF-A")
    model = BenefitModel.objects.get(initiative=initiative)
    model.document = {**model.document, "levers": "inga"}
    model.save()
    assert benefit_derived.fresh_summaries(model.document) == {}
    assert not BenefitSummary.objects.filter(benefit_model=model).exists()
    assert not StaffClaim.objects.filter(benefit_model=model).exists()
    stored = figures.stored_figures(world.org)[initiative.pk]
    assert not stored.has_benefit_model and NO_BENEFIT_MODEL in stored.blockers
    assert InitiativeFigures.objects.get(initiative=initiative).blocker_count == len(
        stored.blockers
    )
    assert_in_step(world)


# --- rebuild_derived ------------------------------------------------------------------------------


def run_command(*args: str) -> int:
    """The exit status ``manage.py rebuild_derived ARGS`` would have: a ``CommandError``
    exits with its ``returncode``. (Not through ``run_from_argv``, which closes the test's
    database connection.)"""
    try:
        call_command("rebuild_derived", *args)
    except CommandError as error:
        return error.returncode
    return 0


def test_check_exits_0_in_step_and_1_after_a_write_that_bypasses_the_application(world, capsys):
    assert run_command("--check") == 0
    InitiativeFigures.objects.filter(organisation=world.org).update(blocker_count=9)
    assert run_command("--check") == 1
    assert "norrkoping: 4 differ" in capsys.readouterr().out
    assert run_command() == 0  # every organisation: Linköping's rows are rewritten too
    assert run_command("--check") == 0
    world.other_before = stored_rows(world.other)
    assert_in_step(world)


@pytest.mark.parametrize(
    "bypass",
    [
        lambda w: InitiativeFigures.objects.filter(initiative=w.initiative("EDU-A")).update(
            finals={"K": 0}
        ),
        lambda w: InitiativeLevel.objects.filter(initiative=w.initiative("EDU-A")).update(
            department=w.kultur
        ),
        lambda w: InitiativeLevel.objects.filter(initiative=w.initiative("EDU-A")).delete(),
        lambda w: InformationAsset.objects.filter(pk=w.asset("ELEV").pk).update(levels={}),
        lambda w: BenefitSummary.objects.filter(initiative=w.initiative("EDU-A")).update(npv=1),
        lambda w: StaffClaim.objects.filter(organisation=w.org).update(share=Decimal("0.01")),
        lambda w: StaffClaim.objects.filter(organisation=w.org).delete(),
        lambda w: BenefitModel.objects.filter(initiative=w.initiative("EDU-A")).update(
            document=benefit_document("Ändrad direkt")
        ),
    ],
    ids=[
        "figures",
        "level department",
        "level rows",
        "asset levels",
        "summary",
        "claim share",
        "claims",
        "document",
    ],
)
def test_check_finds_each_kind_of_stored_figure_that_went_out_of_step(world, bypass):
    bypass(world)
    assert world.initiative("EDU-A").pk in figures.differences(world.org)
    assert run_command("--check", "--organisation", "norrkoping") == 1
    assert run_command("--organisation", "norrkoping") == 0
    assert_in_step(world)


def test_rebuild_of_one_organisation_leaves_the_others_alone(world):
    InitiativeFigures.objects.update(blocker_count=9)
    assert run_command("--organisation", "linkoping") == 0
    assert figures.differences(world.other) == []
    assert figures.differences(world.org) != []
    assert run_command("--organisation", "nowhere") == 1


def test_missing_rebuilds_only_organisations_with_initiatives_lacking_figures(world, capsys):
    InitiativeFigures.objects.filter(organisation=world.other).delete()
    InitiativeFigures.objects.filter(organisation=world.org).update(blocker_count=9)
    assert figures.missing(world.other) and not figures.missing(world.org)
    assert run_command("--missing") == 0
    out = capsys.readouterr().out
    assert "linkoping: 1 initiatives" in out and "norrkoping" not in out
    assert figures.differences(world.other) == []
    assert not figures.missing(world.other)
    assert set(
        InitiativeFigures.objects.filter(organisation=world.org).values_list(
            "blocker_count", flat=True
        )
    ) == {9}


def test_rebuild_restores_figures_and_summaries_that_were_deleted(world):
    InitiativeFigures.objects.all().delete()
    InitiativeLevel.objects.all().delete()
    BenefitSummary.objects.all().delete()
    StaffClaim.objects.all().delete()
    assert run_command() == 0
    world.other_before = stored_rows(world.other)
    assert_in_step(world)
    assert figures.differences(world.other) == []


# --- Random sequences of writes -------------------------------------------------------------------

ASSETS = ("ELEV", "SCHEMA", "NARV", "FRI", "LAN", "BIBL")
INITIATIVES = ("EDU-A", "EDU-B", "KUF-A", "KUF-B")


def _random_link(w: World, n: int) -> None:
    chosen = [code for i, code in enumerate(ASSETS) if n >> i & 1]
    _link(INITIATIVES[n % 4], *chosen)(w)


def _random_step(w: World, n: int) -> None:
    asset = w.asset(ASSETS[n % 6])
    aspect = "KRTS"[n // 6 % 4]
    classify(w.admin, asset, {aspect: n % 4})


def _random_approval(w: World, n: int) -> None:
    asset = w.asset(ASSETS[n % 6])
    draft = asset.assessments.filter(status=Assessment.Status.DRAFT).first()
    if draft is not None:
        services.do_approve_assessment(actor=w.officer, assessment=draft)


def _random_legal(w: World, n: int) -> None:
    choice = ("no", "yes", "special_categories")[n % 3]
    services.do_update_asset(
        actor=w.admin,
        asset=w.asset(ASSETS[n % 6]),
        personal_data=choice,
        protective_security=n % 7 == 0,
    )


def _random_adjustment(w: World, n: int) -> None:
    code, aspect = INITIATIVES[n % 4], "KRTS"[n // 4 % 4]
    if n % 3 == 0:
        initiative = w.initiative(code)
        services.do_remove_adjustment(actor=w.admin, initiative=initiative, aspect_code=aspect)
    else:
        _adjust(code, aspect, n % 5)(w)


def _random_status(w: World, n: int) -> None:
    initiative = w.initiative(INITIATIVES[n % 4])
    plan = selectors.action_plan(initiative, selectors.initiative_classification(initiative))
    if plan.items:
        status = ("fulfilled", "partly", "not", "na", "")[n % 5]
        _requirement_status(initiative.code, n % len(plan.items), status)(w)


def _random_model(w: World, n: int) -> None:
    staff = SHARED[: n % 3]
    document = benefit_document(f"M{n % 5}", amount=n * 1000, staff=staff)
    _save_model(INITIATIVES[n % 4], document)(w)


def _random_framework(w: World, n: int) -> None:
    if n % 3 == 0:
        _save_requirement(w, code=f"EXTRA-{n % 5}", aspect_code="KRTS"[n % 4], min_level=n % 4)
    elif n % 3 == 1:
        _scheme_rules(w, personal_data={"K": n % 4})
    else:
        _move_plan(INITIATIVES[n % 4])(w)


def _random_orm(w: World, n: int) -> None:
    if n % 3 == 0:
        InitiativeAsset.objects.filter(asset=w.asset(ASSETS[n % 6])).delete()
    elif n % 3 == 1:
        BenefitModel.objects.filter(initiative=w.initiative(INITIATIVES[n % 4])).delete()
    else:
        w.initiative(INITIATIVES[n % 4]).delete()


RANDOM_WRITES = (
    _random_link,
    _random_step,
    _random_approval,
    _random_legal,
    _random_adjustment,
    _random_status,
    _random_model,
    _random_framework,
    _random_orm,
)


@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    writes=st.lists(
        st.tuples(st.sampled_from(RANDOM_WRITES), st.integers(0, 10_000)), min_size=1, max_size=6
    )
)
def test_any_sequence_of_writes_keeps_the_stored_figures_in_step(world, writes):
    with transaction.atomic():
        for action, n in writes:
            # Refused (or already deleted): nothing changed, and that is checked too.
            with contextlib.suppress(ServiceError, PermissionDenied, Initiative.DoesNotExist):
                action(world, n)
            assert_in_step(world)
        transaction.set_rollback(True)
