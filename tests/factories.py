"""Factories for every aggregate the tests need.

Plain rows (organisations, departments, users, memberships, areas, jobs) are made directly.
Aggregates with rules of their own are made through the services that enforce those rules,
so that a factory never builds what Klassa itself could not: a classified asset goes through
the wizard and the security officer's approval, a consensus session through
``do_open_session``, a benefit model through ``do_save_benefit_model`` (which stores its key
figures), a scenario through ``do_save_scenario``. Those factories take an optional
``actor``; without one they add a member with the role the service asks for, so pass a
persona (``actor=owner``) when the test counts members or audit events.

Only ``create`` is supported for the service-made aggregates (``build`` has no service).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal
from typing import Any

import factory
from django.db.models import Max
from django.utils import timezone

from api.tokens import TOKEN_PREFIX, digest_of
from assessments import consensus, frameworks
from assessments import services as assessment_services
from assessments.models import (
    ClassificationScheme,
    Participant,
    Question,
    QuestionBank,
    RequirementCatalogue,
    RequirementStatus,
)
from assessments.services import StepInput
from benefits import defaults as benefit_defaults
from benefits import services as benefit_services
from benefits import tracking as benefit_tracking
from klassa_app.models import Department, Membership, Organisation, Role, User
from klassa_app.signin import oidc_secrets
from portfolio import services as portfolio_services

PASSWORD = "correct-horse-battery-staple"

# Levels below every aspect's top, so that the officer's ordinary approval applies.
DEFAULT_LEVELS = {"K": 2, "R": 2, "T": 2, "S": 1}


# --- Organisations, departments, people ----------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.se")
    full_name = factory.Faker("name", locale="sv_SE")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org{n}")
    name = factory.Sequence(lambda n: f"Kommun {n}")
    kind = Organisation.Kind.MUNICIPALITY


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"D{n}")
    name = factory.Sequence(lambda n: f"Förvaltning {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    """A viewer by default; a trait per role: ``MembershipFactory(business_owner=True,
    department=utbildning)``. Organisation admins and security officers are always
    organisation-wide."""

    class Meta:
        model = Membership

    class Params:
        org_admin = factory.Trait(role=Role.ORG_ADMIN, department=None)
        security_officer = factory.Trait(role=Role.SECURITY_OFFICER, department=None)
        business_owner = factory.Trait(role=Role.BUSINESS_OWNER)
        legal_reviewer = factory.Trait(role=Role.LEGAL_REVIEWER)
        dpo = factory.Trait(role=Role.DPO)
        economist = factory.Trait(role=Role.ECONOMIST)

    user = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(
        lambda m: m.department.organisation if m.department else OrganisationFactory()
    )
    department = None
    role = Role.VIEWER


def member(
    role: str,
    *,
    organisation: Organisation | None = None,
    department: Department | None = None,
    **user_fields: Any,
) -> User:
    """A new user with one membership of ``role`` (in ``department``, or organisation-wide)."""
    organisation = organisation or (department.organisation if department else None)
    user = UserFactory(**user_fields)
    MembershipFactory(
        user=user,
        organisation=organisation or OrganisationFactory(),
        department=department,
        role=role,
    )
    return user


def answer_all(actor, assessment, levels: dict[str, int], **extra):
    """Answer every question of each aspect with the option of the given level (or the
    highest option below it), one wizard step per aspect."""
    for aspect, level in levels.items():
        questions = Question.objects.filter(bank=assessment.question_bank, aspect_code=aspect)
        answers = {}
        for q in questions.prefetch_related("options"):
            fitting = [o for o in q.options.all() if o.level <= level]
            answers[q.code] = max(fitting, key=lambda o: o.level).pk
        assessment.refresh_from_db()
        assessment = assessment_services.do_save_step(
            actor=actor,
            assessment=assessment,
            aspect_code=aspect,
            step=StepInput(answers=answers, comments={}, **(extra if aspect == "T" else {})),
            lock_version=assessment.lock_version,
        )
    return assessment


# --- Classification frameworks -------------------------------------------------------------------


def _next_version(model: Any, organisation: Organisation) -> int:
    latest = model.objects.filter(organisation=organisation).aggregate(Max("version"))
    return (latest["version__max"] or 0) + 1


class _FrameworkFactory(factory.django.DjangoModelFactory):
    """The next version of the organisation's framework, with the default content (as a
    new organisation gets it)."""

    class Meta:
        abstract = True

    organisation = factory.SubFactory(OrganisationFactory)
    version = None  # the next one

    @classmethod
    def _create(cls, model_class, *, organisation, version=None, **fields):
        version = version or _next_version(model_class, organisation)
        made = cls._create_default(organisation, version)
        if fields:
            for name, value in fields.items():
                setattr(made, name, value)
            made.save(update_fields=list(fields))
        return made


class ClassificationSchemeFactory(_FrameworkFactory):
    class Meta:
        model = ClassificationScheme

    _create_default = staticmethod(frameworks.create_default_scheme)


class QuestionBankFactory(_FrameworkFactory):
    class Meta:
        model = QuestionBank

    _create_default = staticmethod(frameworks.create_default_question_bank)


class RequirementCatalogueFactory(_FrameworkFactory):
    class Meta:
        model = RequirementCatalogue

    _create_default = staticmethod(frameworks.create_default_catalogue)


# --- Information assets and their classification -------------------------------------------------


class InformationAssetFactory(factory.django.DjangoModelFactory):
    """An unclassified asset (a plain row; set ``levels`` and ``status`` for a register
    that is read but never assessed)."""

    class Meta:
        model = "assessments.InformationAsset"

    department = factory.SubFactory(DepartmentFactory)
    organisation = factory.LazyAttribute(lambda a: a.department.organisation)
    code = factory.Sequence(lambda n: f"ASSET{n}")
    name = factory.Sequence(lambda n: f"Informationsmängd {n}")


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A classification started in the wizard by a business owner: a draft, answered for
    the aspects in ``answers`` (``{"K": 2, …}``), approved by a security officer when
    ``approved``."""

    class Meta:
        model = "assessments.Assessment"

    asset = factory.SubFactory(InformationAssetFactory)
    answers = None
    approved = False
    actor = None
    approver = None

    @classmethod
    def _create(
        cls, model_class, *, asset, answers=None, approved=False, actor=None, approver=None
    ):
        actor = actor or member(Role.BUSINESS_OWNER, department=asset.department)
        assessment = assessment_services.do_start_assessment(actor=actor, asset=asset)
        if approved and not answers:
            answers = DEFAULT_LEVELS
        if answers:
            assessment = answer_all(actor, assessment, answers)
        if approved:
            approver = approver or member(Role.SECURITY_OFFICER, organisation=asset.organisation)
            assessment = assessment_services.do_approve_assessment(
                actor=approver, assessment=assessment
            )
        assessment.refresh_from_db()
        return assessment


class ClassifiedAssetFactory(InformationAssetFactory):
    """An asset with an approved classification at ``classification`` (registered, answered
    and approved through the services, so its levels, status and review date are theirs)."""

    classification = factory.LazyFunction(lambda: dict(DEFAULT_LEVELS))
    actor = None
    approver = None

    @classmethod
    def _create(
        cls,
        model_class,
        *,
        department,
        organisation,
        classification,
        actor=None,
        approver=None,
        **fields,
    ):
        actor = actor or member(Role.BUSINESS_OWNER, department=department)
        asset = assessment_services.do_create_asset(actor=actor, department=department, **fields)
        AssessmentFactory(
            asset=asset, answers=classification, approved=True, actor=actor, approver=approver
        )
        asset.refresh_from_db()
        return asset


# --- Consensus sessions --------------------------------------------------------------------------


class ConsensusSessionFactory(factory.django.DjangoModelFactory):
    """An open session on a draft assessment, facilitated by a security officer, with one
    participant per role that must sign the classification (or ``participants`` as
    ``[(user, role), …]``)."""

    class Meta:
        model = "assessments.ConsensusSession"

    assessment = factory.SubFactory(AssessmentFactory)
    facilitator = None
    participants = None
    meeting = None

    @classmethod
    def _create(cls, model_class, *, assessment, facilitator=None, participants=None, meeting=None):
        asset = assessment.asset
        facilitator = facilitator or member(Role.SECURITY_OFFICER, organisation=asset.organisation)
        if participants is None:
            participants = [
                (member(role, department=asset.department), role)
                for role in consensus.required_sign_roles(asset)
            ]
        return consensus.do_open_session(
            actor=facilitator, assessment=assessment, participants=participants, meeting=meeting
        )


class ParticipantFactory(factory.django.DjangoModelFactory):
    """One more participant of a session (IT by default): a member who sees the asset's
    department, as ``do_open_session`` requires."""

    class Meta:
        model = Participant

    session = factory.SubFactory(ConsensusSessionFactory)
    user = factory.LazyAttribute(
        lambda p: member(Role.VIEWER, department=p.session.assessment.asset.department)
    )
    session_role = Participant.SessionRole.IT


# --- Initiatives and action plans ----------------------------------------------------------------


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.Area"
        django_get_or_create = ("organisation", "name")

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Område {n}")


def action_plan_catalogue(initiative) -> RequirementCatalogue:
    """The initiative's action-plan catalogue; one without a plan gets the organisation's
    current catalogue, as ``do_create_initiative`` gives it."""
    if initiative.action_plan_catalogue_id is None:
        initiative.action_plan_catalogue = frameworks.current_catalogue(initiative.organisation)
        initiative.save(update_fields=["action_plan_catalogue"])
    return initiative.action_plan_catalogue


class InitiativeFactory(factory.django.DjangoModelFactory):
    """An initiative row. ``assets=[…]`` links those assets; ``assets=2`` links two new
    assets of its department with an approved classification. ``with_action_plan=True``
    gives it the organisation's current requirement catalogue."""

    class Meta:
        model = "assessments.Initiative"
        skip_postgeneration_save = True

    class Params:
        with_action_plan = factory.Trait(
            action_plan_catalogue=factory.LazyAttribute(
                lambda i: frameworks.current_catalogue(i.organisation)
            )
        )

    department = factory.SubFactory(DepartmentFactory)
    organisation = factory.LazyAttribute(lambda i: i.department.organisation)
    code = factory.Sequence(lambda n: f"INIT{n}")
    name = factory.Sequence(lambda n: f"Satsning {n}")

    @factory.post_generation
    def assets(obj, create, extracted, **kwargs):
        if not create or not extracted:
            return
        if isinstance(extracted, int):
            extracted = [
                ClassifiedAssetFactory(department=obj.department) for _ in range(extracted)
            ]
        obj.assets.add(*extracted)


def _next_requirement(initiative):
    catalogue = action_plan_catalogue(initiative)
    assessed = RequirementStatus.objects.filter(initiative=initiative).values("requirement_id")
    return catalogue.requirements.exclude(pk__in=assessed).order_by("pk").first()


class RequirementStatusFactory(factory.django.DjangoModelFactory):
    """The status of the next not yet assessed requirement of the initiative's action plan,
    set by a business owner of its department through ``do_set_requirement_status``."""

    class Meta:
        model = RequirementStatus

    initiative = factory.SubFactory(InitiativeFactory, with_action_plan=True)
    requirement = factory.LazyAttribute(lambda s: _next_requirement(s.initiative))
    status = RequirementStatus.Status.FULFILLED
    comment = ""
    actor = None

    @classmethod
    def _create(cls, model_class, *, initiative, requirement, status, comment="", actor=None):
        actor = actor or member(Role.BUSINESS_OWNER, department=initiative.department)
        return assessment_services.do_set_requirement_status(
            actor=actor,
            initiative=initiative,
            requirement=requirement,
            status=status,
            comment=comment,
        )


# --- Benefit models and their follow-up ----------------------------------------------------------


def demo_benefit_document(name: str) -> dict[str, Any]:
    """The demo Education model (three levers, three years) under another name."""
    return {**benefit_defaults.load(benefit_defaults.NORRKOPING_EDUCATION), "name": name}


class BenefitModelFactory(factory.django.DjangoModelFactory):
    """A benefit model saved through ``do_save_benefit_model``: the document is validated
    and stored in its canonical form, and its key figures are stored with it. The demo
    Education document unless ``document`` is given."""

    class Meta:
        model = "benefits.BenefitModel"

    initiative = factory.SubFactory(InitiativeFactory)
    document = factory.LazyAttribute(lambda m: demo_benefit_document(m.initiative.name))
    actor = None

    @classmethod
    def _create(cls, model_class, *, initiative, document, actor=None):
        actor = actor or member(Role.BUSINESS_OWNER, department=initiative.department)
        return benefit_services.do_save_benefit_model(
            actor=actor, initiative=initiative, document=document, lock_version=None
        )


def _untracked_lever(model) -> str:
    tracked = set(model.trackings.values_list("lever_name", flat=True))
    return next(lever["name"] for lever in model.document["levers"] if lever["name"] not in tracked)


class BenefitTrackingFactory(factory.django.DjangoModelFactory):
    """The follow-up of the model's next untracked lever in kronor, from this year, with
    its yearly targets taken from the model (``targets_from_model=False`` for none)."""

    class Meta:
        model = "benefits.BenefitTracking"

    benefit_model = factory.SubFactory(BenefitModelFactory)
    lever_name = factory.LazyAttribute(lambda t: _untracked_lever(t.benefit_model))
    owner = None
    indicator = "Frigjord administrationstid i kronor"
    unit = "kr"
    baseline = Decimal(0)
    lower_is_better = False
    start_year = factory.LazyFunction(lambda: timezone.localdate().year)
    targets_from_model = True
    actor = None

    @classmethod
    def _create(cls, model_class, *, benefit_model, targets_from_model=True, actor=None, **fields):
        actor = actor or member(Role.BUSINESS_OWNER, department=benefit_model.initiative.department)
        tracking = benefit_tracking.do_save_tracking(actor=actor, model=benefit_model, **fields)
        if targets_from_model:
            tracking = benefit_tracking.do_fill_targets_from_model(actor=actor, tracking=tracking)
        return tracking


# --- Portfolio -----------------------------------------------------------------------------------


class PortfolioSettingsFactory(factory.django.DjangoModelFactory):
    """The organisation's portfolio settings (one per organisation): a budget of 10 million
    and the medium benefit scenario."""

    class Meta:
        model = "portfolio.PortfolioSettings"
        django_get_or_create = ("organisation",)

    organisation = factory.SubFactory(OrganisationFactory)
    budget = Decimal(10_000_000)
    scenario = "medium"


class InitiativePriorityFactory(factory.django.DjangoModelFactory):
    """An initiative's priority inputs set through ``do_set_priority`` (by a business owner
    of its department), forced in or out through ``do_force_initiative`` (by an
    organisation admin) when ``forced`` is ``"in"`` or ``"out"``."""

    class Meta:
        model = "portfolio.InitiativePriority"

    initiative = factory.SubFactory(InitiativeFactory)
    strategic_fit = 3
    time_criticality = 3
    duration_weeks = 26
    forced = ""
    forced_reason = ""
    actor = None

    @classmethod
    def _create(cls, model_class, *, initiative, forced="", forced_reason="", actor=None, **inputs):
        owner = actor or member(Role.BUSINESS_OWNER, department=initiative.department)
        priority = portfolio_services.do_set_priority(actor=owner, initiative=initiative, **inputs)
        if forced:
            admin = actor or member(Role.ORG_ADMIN, organisation=initiative.organisation)
            priority = portfolio_services.do_force_initiative(
                actor=admin,
                initiative=initiative,
                forced=forced,
                reason=forced_reason or "Beslutat av styrgruppen",
            )
        return priority


class PortfolioScenarioFactory(factory.django.DjangoModelFactory):
    """A scenario saved through ``do_save_scenario`` by an organisation admin: today's
    optimal selection of the organisation, frozen with its totals."""

    class Meta:
        model = "portfolio.PortfolioScenario"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Plan {n}")
    budget = None
    benefit_scenario = None
    note = ""
    actor = None

    @classmethod
    def _create(cls, model_class, *, organisation, actor=None, **fields):
        actor = actor or member(Role.ORG_ADMIN, organisation=organisation)
        scenario = portfolio_services.do_save_scenario(
            actor=actor, organisation=organisation, **fields
        )
        scenario.refresh_from_db()  # the totals as stored (to the öre)
        return scenario


# --- Background files ----------------------------------------------------------------------------


class _FileJobFactory(factory.django.DjangoModelFactory):
    """A finished background file (reports, exports) with a small file behind it."""

    class Meta:
        abstract = True

    status = "done"
    progress = 100
    language = "sv"
    file = factory.django.FileField(filename="job.bin", data=b"content")


def _report_department(job):
    """An initiative's report belongs to its department, a session's minutes to its asset's."""
    if job.initiative is not None:
        return job.initiative.department
    return job.session.assessment.asset.department


class ReportJobFactory(_FileJobFactory):
    class Meta:
        model = "assessments.ReportJob"

    initiative = factory.SubFactory(InitiativeFactory)
    organisation = factory.LazyAttribute(lambda j: _report_department(j).organisation)
    kind = "action_plan_xlsx"
    requested_by = factory.LazyAttribute(
        lambda j: member(Role.BUSINESS_OWNER, department=_report_department(j))
    )


class RegisterExportJobFactory(_FileJobFactory):
    class Meta:
        model = "interchange.RegisterExportJob"

    organisation = factory.SubFactory(OrganisationFactory)
    requested_by = factory.LazyAttribute(
        lambda j: member(Role.ORG_ADMIN, organisation=j.organisation)
    )


class PortfolioReportJobFactory(_FileJobFactory):
    class Meta:
        model = "portfolio.PortfolioReportJob"

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "xlsx"
    # department_ids None: built for someone who saw every department.
    parameters = factory.LazyFunction(lambda: {"department_ids": None})
    created_by = factory.LazyAttribute(
        lambda j: member(Role.ORG_ADMIN, organisation=j.organisation)
    )


# --- Two-factor authentication -------------------------------------------------------------------


def totp_code(key: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now for the hex ``key`` (or ``steps_ahead`` periods
    later: a code once used is refused, the next period's is accepted)."""
    from binascii import unhexlify

    from django_otp.oath import totp

    return f"{totp(unhexlify(key), drift=steps_ahead):06d}"


def enrol_authenticator(user: User):
    """Sets up ``user``'s authenticator app through the service, as the enrol page does; the
    returned enrolment holds the device and the ten recovery codes."""
    from klassa_app.signin import mfa

    key = mfa.new_secret()
    return mfa.do_enrol_totp(actor=user, key=key, token=totp_code(key))


# --- API tokens ----------------------------------------------------------------------------------


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A personal API token of ``user`` in ``organisation`` (read by default), as though the
    person had been given one; the secret is on the returned object as ``secret`` only.
    Tokens made by an admin through the pages go through ``api.tokens.do_create_token``."""

    class Meta:
        model = "api.ApiToken"

    user = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(lambda t: t.user.memberships.first().organisation)
    kind = "personal"
    scope = "read"
    name = factory.Sequence(lambda n: f"Integration {n}")
    days = 30

    @classmethod
    def _create(cls, model_class, *, days, **fields):
        body = secrets.token_urlsafe(32)
        secret = f"{TOKEN_PREFIX}{body}"
        token = model_class.objects.create(
            prefix=body[:8],
            digest=digest_of(secret),
            created_by=fields["user"],
            expires_at=timezone.now() + timedelta(days=days),
            **fields,
        )
        token.secret = secret
        return token


# --- Sign-in through an identity provider --------------------------------------------------------


class IdentityProviderFactory(factory.django.DjangoModelFactory):
    """An organisation's OpenID Connect provider (Microsoft Entra ID by its look)."""

    class Meta:
        model = "klassa_app.IdentityProvider"

    organisation = factory.SubFactory(OrganisationFactory)
    label = "Microsoft Entra ID"
    discovery_url = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0"

    class Params:
        client_secret = "hemlig-klienthemlighet"

    client_id = factory.Sequence(lambda n: f"klassa-app-{n}")
    client_secret_encrypted = factory.LazyAttribute(lambda p: oidc_secrets.encrypt(p.client_secret))
    subject_claim = "oid"


# --- Spreadsheet exports -------------------------------------------------------------------------


class SpreadsheetExportJobFactory(_FileJobFactory):
    """A finished spreadsheet of a list page, requested by an organisation admin unless
    ``requested_by`` is given."""

    class Meta:
        model = "interchange.SpreadsheetExportJob"

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "assets"
    format = "xlsx"
    filters = factory.LazyFunction(dict)
    requested_by = factory.LazyAttribute(
        lambda j: member(Role.ORG_ADMIN, organisation=j.organisation)
    )


# --- Register imports through the API ------------------------------------------------------------


class RegisterImportJobFactory(factory.django.DjangoModelFactory):
    """A register import sent through the API and run: done, with its counts."""

    class Meta:
        model = "interchange.RegisterImportJob"

    organisation = factory.SubFactory(OrganisationFactory)
    requested_by = factory.LazyAttribute(
        lambda j: member(Role.SECURITY_OFFICER, organisation=j.organisation)
    )
    status = "done"
    language = "sv"
    result = factory.LazyAttribute(
        lambda j: {
            "organisation": j.organisation.code,
            "organisation_created": False,
            **{
                kind: {"created": 0, "updated": 0, "unchanged": 0}
                for kind in ("departments", "information_assets", "initiatives", "classifications")
            },
        }
    )


class RoadmapScenarioFactory(factory.django.DjangoModelFactory):
    """A roadmap saved through ``do_save_roadmap_scenario`` by an organisation admin: the
    optimal roadmap of the stored frames (or a what-if's), frozen."""

    class Meta:
        model = "portfolio.RoadmapScenario"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Roadmap {n}")
    description = ""
    frames = None
    pinned_starts = None
    actor = None

    @classmethod
    def _create(cls, model_class, *, organisation, actor=None, **fields):
        actor = actor or member(Role.ORG_ADMIN, organisation=organisation)
        return portfolio_services.do_save_roadmap_scenario(
            actor=actor, organisation=organisation, **fields
        )
