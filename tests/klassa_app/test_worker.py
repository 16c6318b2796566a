"""The invitation e-mail travels through a real Celery worker process and Redis.

Run with ``pytest -m worker`` against PostgreSQL with CELERY_BROKER_URL set (CI does); the
worker process and the test share the test database, so data is committed for real.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from klassa_app import services
from klassa_app.models import Membership, Role
from klassa_app.tasks import send_pending_invitations
from tests.factories import DepartmentFactory, MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _wait_for(predicate, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_invitation_is_sent_by_a_real_worker_after_commit(worker):
    organisation = OrganisationFactory(code="norrkoping", name="Norrköpings kommun")
    department = DepartmentFactory(
        organisation=organisation, code="UTB", name="Utbildningskontoret"
    )
    admin = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN).user

    membership = services.do_invite_member(
        actor=admin,
        organisation=organisation,
        email="ny@norrkoping.se",
        role=Role.ECONOMIST,
        department=department,
    )

    def sent() -> bool:
        membership.refresh_from_db()
        return membership.invitation_sent_at is not None

    assert _wait_for(sent), "the worker did not send the invitation"
    messages = list(worker.glob("*.log"))
    assert len(messages) == 1
    text = messages[0].read_text()
    assert "To: ny@norrkoping.se" in text
    assert "Utbildningskontoret" in text


def test_sweeper_on_the_worker_sends_an_invitation_that_was_left_pending(worker):
    # A membership whose on-commit task was lost (broker was down when it was added).
    pending = MembershipFactory(role=Role.VIEWER)
    Membership.objects.filter(pk=pending.pk).update(created_at=timezone.now() - timedelta(hours=1))
    result = send_pending_invitations.delay()
    assert result.get(timeout=30) == 1

    def sent() -> bool:
        pending.refresh_from_db()
        return pending.invitation_sent_at is not None

    assert _wait_for(sent), "the re-enqueued invitation was not sent"
    assert len(list(worker.glob("*.log"))) == 1


def test_an_action_plan_pdf_is_built_by_the_worker_with_progress(worker, tmp_path, settings):
    from assessments import services as assessment_services
    from assessments.models import ReportJob
    from assessments.reports import do_request_report

    organisation = OrganisationFactory(code="norrkoping", name="Norrköpings kommun")
    department = DepartmentFactory(
        organisation=organisation, code="UTB", name="Utbildningskontoret"
    )
    owner = MembershipFactory(
        organisation=organisation, department=department, role=Role.BUSINESS_OWNER
    ).user
    initiative = assessment_services.do_create_initiative(
        actor=owner, department=department, code="EDU-A", name="Personal dashboard"
    )
    job = do_request_report(
        actor=owner, initiative=initiative, kind=ReportJob.Kind.ACTION_PLAN_PDF, language="sv"
    )

    def done() -> bool:
        job.refresh_from_db()
        return job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED)

    assert _wait_for(done, 60), f"the worker left the job {job.status}"
    assert job.status == ReportJob.Status.DONE, job.message
    assert job.progress == 100
    with job.file.open("rb") as handle:
        assert handle.read(4) == b"%PDF"


def test_a_portfolio_xlsx_is_built_by_the_worker_with_progress(worker):
    from io import BytesIO

    import openpyxl

    from assessments.models import Area
    from portfolio.exports import do_request_portfolio_export
    from portfolio.models import PortfolioReportJob
    from tests.helpers import make_initiative

    organisation = OrganisationFactory(code="norrkoping", name="Norrköpings kommun")
    department = DepartmentFactory(
        organisation=organisation, code="UTB", name="Utbildningskontoret"
    )
    admin = MembershipFactory(organisation=organisation, department=None, role=Role.ORG_ADMIN).user
    area = Area.objects.create(organisation=organisation, name="Education")
    make_initiative(department, "EDU-A", area=area, internal=30_000_000, cost=4_000_000)
    job = do_request_portfolio_export(
        actor=admin, organisation=organisation, kind="xlsx", language="sv"
    )

    def done() -> bool:
        job.refresh_from_db()
        return job.status in (PortfolioReportJob.Status.DONE, PortfolioReportJob.Status.FAILED)

    assert _wait_for(done, 60), f"the worker left the job {job.status}"
    assert job.status == PortfolioReportJob.Status.DONE, job.message
    assert job.progress == 100
    with job.file.open("rb") as handle:
        workbook = openpyxl.load_workbook(BytesIO(handle.read()))
    cells = [c for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row]
    assert "EDU-A" in cells
