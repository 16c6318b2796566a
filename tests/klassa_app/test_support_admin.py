"""The technical admin as support staff use it: read-only, scoped to the organisations (and
departments) the staff member holds a membership for, superusers included, and a re-queue
of failed background jobs that checks permission and leaves an audit event."""

from __future__ import annotations

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments import consensus, services
from assessments.models import (
    ConsensusSession,
    InformationAsset,
    Initiative,
    ReportJob,
)
from benefits.models import BenefitModel
from interchange.models import RegisterExportJob
from klassa_app import jobs
from klassa_app.admin import ReadOnlyAdmin
from klassa_app.models import AuditEvent, Role, User
from klassa_app.services import ServiceError
from portfolio.models import PortfolioReportJob
from tests.factories import (
    InformationAssetFactory,
    InitiativeFactory,
    MembershipFactory,
    PortfolioReportJobFactory,
    RegisterExportJobFactory,
    ReportJobFactory,
)

pytestmark = pytest.mark.django_db

SUPPORTED = ("klassa_app", "assessments", "benefits", "portfolio", "interchange")


def support_staff(user: User) -> User:
    """Staff flag and the view permissions a support group grants."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__startswith="view_", content_type__app_label__in=SUPPORTED
        )
    )
    return User.objects.get(pk=user.pk)  # permissions are cached on the instance


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def listed(client, model) -> set[int]:
    response = client.get(changelist(model))
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def benefit_model(initiative: Initiative) -> BenefitModel:
    return BenefitModel.objects.create(initiative=initiative, document={"name": initiative.name})


@pytest.fixture
def ours(utbildning, kultur):
    education = InitiativeFactory(department=utbildning, code="SKOLA")
    culture = InitiativeFactory(department=kultur, code="BIBLIO")
    return {
        "initiatives": [education, culture],
        "assets": [
            InformationAssetFactory(department=utbildning),
            InformationAssetFactory(department=kultur),
        ],
        "reports": [ReportJobFactory(initiative=education), ReportJobFactory(initiative=culture)],
        "benefit_models": [benefit_model(education), benefit_model(culture)],
        "register_export": RegisterExportJobFactory(organisation=utbildning.organisation),
        "portfolio_export": PortfolioReportJobFactory(organisation=utbildning.organisation),
    }


@pytest.fixture
def theirs(other_department):
    initiative = InitiativeFactory(department=other_department, code="LKPG")
    return {
        "initiative": initiative,
        "asset": InformationAssetFactory(department=other_department),
        "report": ReportJobFactory(initiative=initiative),
        "benefit_model": benefit_model(initiative),
        "register_export": RegisterExportJobFactory(organisation=other_department.organisation),
        "portfolio_export": PortfolioReportJobFactory(organisation=other_department.organisation),
    }


def test_an_officer_in_support_sees_the_whole_organisation_and_nothing_of_another(
    as_user, officer, ours, theirs
):
    client = as_user(support_staff(officer))
    assert listed(client, Initiative) == {i.pk for i in ours["initiatives"]}
    assert listed(client, ReportJob) == {j.pk for j in ours["reports"]}
    assert listed(client, BenefitModel) == {m.pk for m in ours["benefit_models"]}
    assert listed(client, RegisterExportJob) == {ours["register_export"].pk}
    assert listed(client, PortfolioReportJob) == {ours["portfolio_export"].pk}
    assert listed(client, InformationAsset) == {a.pk for a in ours["assets"]}


def test_another_organisations_rows_are_not_found(as_user, officer, ours, theirs):
    client = as_user(support_staff(officer))
    assert client.get(change(ours["initiatives"][0])).status_code == 200
    for obj in (
        theirs["initiative"],
        theirs["asset"],
        theirs["report"],
        theirs["benefit_model"],
        theirs["register_export"],
        theirs["portfolio_export"],
    ):
        assert client.get(change(obj)).status_code == 404, obj


def test_a_business_owner_in_support_sees_only_their_department(as_user, owner, ours):
    client = as_user(support_staff(owner))
    education = ours["initiatives"][0]
    assert listed(client, Initiative) == {education.pk}
    assert listed(client, ReportJob) == {ours["reports"][0].pk}
    assert listed(client, BenefitModel) == {ours["benefit_models"][0].pk}
    # Organisation-wide files need an organisation-wide membership.
    assert listed(client, RegisterExportJob) == set()
    assert listed(client, PortfolioReportJob) == set()
    assert client.get(change(ours["initiatives"][1])).status_code == 404


def test_a_superuser_without_a_membership_sees_no_organisations_data(client, ours):
    root = User.objects.create_superuser("root@example.se", "a-long-root-password")
    client.force_login(root, backend="klassa_app.auth_backends.KlassaModelBackend")
    assert listed(client, Initiative) == set()
    assert listed(client, ReportJob) == set()
    assert client.get(change(ours["initiatives"][0])).status_code == 404


def test_someone_who_is_not_staff_is_sent_to_the_admin_login(as_user, officer, ours):
    response = as_user(officer).get(changelist(ReportJob))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_nobody_adds_changes_or_deletes_through_the_admin(as_user, officer, ours):
    client = as_user(support_staff(officer))
    initiative = ours["initiatives"][0]
    meta = Initiative._meta
    add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
    delete = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[initiative.pk])
    assert client.get(add).status_code == 403
    assert client.post(change(initiative), {"name": "Renamed"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    initiative.refresh_from_db()
    assert initiative.name != "Renamed"
    read_only = [m for m in django_admin.site._registry.values() if isinstance(m, ReadOnlyAdmin)]
    assert {
        ReportJob,
        RegisterExportJob,
        PortfolioReportJob,
        ConsensusSession,
        Initiative,
        BenefitModel,
    } <= {m.model for m in read_only}
    request = client.get(changelist(ReportJob)).wsgi_request
    for model_admin in read_only:
        assert not model_admin.has_add_permission(request), model_admin
        assert not model_admin.has_change_permission(request), model_admin
        assert not model_admin.has_delete_permission(request), model_admin


@pytest.fixture
def session(officer, owner, lawyer, utbildning, django_capture_on_commit_callbacks):
    asset = services.do_create_asset(actor=owner, department=utbildning, code="NARV", name="N")
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    with django_capture_on_commit_callbacks(execute=True):
        return consensus.do_open_session(
            actor=officer,
            assessment=assessment,
            participants=[
                (owner, consensus.Role.BUSINESS_OWNER),
                (lawyer, consensus.Role.LEGAL_REVIEWER),
            ],
        )


def test_a_consensus_session_shows_to_its_participants_only(as_user, owner, session, utbildning):
    minutes = ReportJobFactory(
        initiative=None, session=session, organisation=utbildning.organisation, kind="minutes_pdf"
    )
    client = as_user(support_staff(owner))
    assert listed(client, ConsensusSession) == {session.pk}
    assert listed(client, ReportJob) == {minutes.pk}
    colleague = MembershipFactory(department=utbildning, role=Role.ECONOMIST).user
    other = as_user(support_staff(colleague))
    assert listed(other, ConsensusSession) == set()
    assert listed(other, ReportJob) == set()
    assert other.get(change(session)).status_code == 404


def test_re_queueing_a_failed_report_sends_it_again_and_audits_it(
    as_user, officer, ours, django_capture_on_commit_callbacks
):
    job = ours["register_export"]
    RegisterExportJob.objects.filter(pk=job.pk).update(
        status="failed", progress=10, message="The report could not be built."
    )
    client = as_user(support_staff(officer))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            changelist(RegisterExportJob), {"action": "requeue", "_selected_action": [job.pk]}
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.progress, job.message, job.finished_at) == ("queued", 0, "", None)
    event = AuditEvent.objects.get(action="job.requeued")
    assert (event.actor, event.organisation, event.object_id) == (
        officer,
        job.organisation,
        str(job.pk),
    )
    assert event.before["status"] == "failed"
    assert len(callbacks) == 1
    callbacks[0]()  # the task, as the queue sends it once the transaction commits
    job.refresh_from_db()
    assert job.status == "done"
    assert job.file


def test_re_queueing_is_refused_for_a_job_out_of_sight_or_not_failed(officer, admin, ours, theirs):
    staff = support_staff(officer)
    visible = RegisterExportJob.objects.filter(organisation=ours["register_export"].organisation)
    RegisterExportJob.objects.filter(pk=theirs["register_export"].pk).update(status="failed")
    with pytest.raises(PermissionDenied):
        jobs.do_requeue_job(
            actor=staff,
            job=theirs["register_export"],
            task="assessments.tasks.build_register_export",
            visible=visible,
        )
    RegisterExportJob.objects.filter(pk=ours["register_export"].pk).update(status="failed")
    with pytest.raises(PermissionDenied):
        jobs.do_requeue_job(
            actor=admin,  # sees the job, but is not staff
            job=ours["register_export"],
            task="assessments.tasks.build_register_export",
            visible=visible,
        )
    with pytest.raises(ServiceError):  # done: nothing to send again
        jobs.do_requeue_job(
            actor=staff,
            job=ours["portfolio_export"],
            task="portfolio.tasks.build_portfolio_export",
            visible=PortfolioReportJob.objects.all(),
        )
    assert not AuditEvent.objects.filter(action="job.requeued").exists()


@pytest.mark.parametrize(
    "model", [ReportJob, Initiative, BenefitModel, ConsensusSession, RegisterExportJob]
)
def test_a_long_list_costs_a_bounded_number_of_queries(
    as_user, officer, utbildning, kultur, model, django_assert_max_num_queries
):
    for n in range(40):
        initiative = InitiativeFactory(department=utbildning if n % 2 else kultur)
        ReportJobFactory(initiative=initiative)
        benefit_model(initiative)
        RegisterExportJobFactory(organisation=utbildning.organisation)
    client = as_user(support_staff(officer))
    client.get(changelist(model))  # the session and the permissions, once
    with django_assert_max_num_queries(12):
        response = client.get(changelist(model))
    assert response.status_code == 200
    expected = 0 if model is ConsensusSession else 40
    assert response.context["cl"].result_count == expected
