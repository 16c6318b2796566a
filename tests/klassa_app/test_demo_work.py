"""After ``load_demo`` every demo account has something of its own waiting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments import consensus
from assessments.models import (
    Assessment,
    ConsensusSession,
    InformationAsset,
    Participant,
    SignOff,
)
from assessments.services import approval_problems
from benefits.models import BenefitTracking, BenefitTrackingYear
from klassa_app import access
from klassa_app.models import Organisation, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(settings):
    settings.DEMO_MODE = True
    call_command("load_demo")
    return Organisation.objects.get(code="norrkoping")


def demo_user(email: str) -> User:
    return User.objects.get(email=email)


def test_the_business_owner_and_the_lawyer_owe_answers_in_an_open_session(loaded):
    session = ConsensusSession.objects.get(
        assessment__asset__organisation=loaded, status=ConsensusSession.Status.OPEN
    )
    owing = {
        p.user.email
        for p in session.participants.select_related("user").filter(submitted_at__isnull=True)
    }
    assert owing == {"verksamhet@norrkoping.demo", "jurist@norrkoping.demo"}
    answered = session.participants.get(submitted_at__isnull=False)
    assert answered.user == demo_user("dataskydd@norrkoping.demo")
    assert session.facilitator == demo_user("sakerhet@norrkoping.demo")


def test_the_dpo_has_a_signature_due_on_a_concluded_session(loaded):
    dpo = demo_user("dataskydd@norrkoping.demo")
    assessment = Assessment.objects.get(
        asset__organisation=loaded, status=Assessment.Status.AWAITING_SIGNOFF
    )
    assert assessment.consensus_sessions.filter(status=ConsensusSession.Status.CONCLUDED).exists()
    assert consensus.signing_roles(dpo, assessment) == [Participant.SessionRole.DPO]
    signed = set(
        SignOff.objects.filter(assessment=assessment, voided_at__isnull=True).values_list(
            "role", flat=True
        )
    )
    assert signed == {"business_owner", "legal_reviewer"}


def test_the_security_officer_has_a_complete_classification_to_approve(loaded):
    officer = demo_user("sakerhet@norrkoping.demo")
    drafts = Assessment.objects.filter(
        asset__organisation=loaded, status=Assessment.Status.DRAFT
    ).select_related("asset")
    ready = [a for a in drafts if not approval_problems(a)]
    waiting = next(a for a in ready if a.asset.code == "LEDIGHET")
    assert waiting.created_by == demo_user("verksamhet@norrkoping.demo")
    assert access.can_approve_classifications(officer, loaded)
    assert access.can_view_department(officer, waiting.asset.department)


def test_one_review_is_due_within_30_days_and_one_is_overdue(loaded):
    today = timezone.localdate()
    approved = InformationAsset.objects.filter(
        organisation=loaded, status=InformationAsset.Status.APPROVED
    )
    due_soon = approved.filter(review_due__gte=today, review_due__lte=today + timedelta(days=30))
    overdue = approved.filter(review_due__lt=today)
    assert list(due_soon.values_list("code", flat=True)) == ["SKOLBIBL"]
    assert list(overdue.values_list("code", flat=True)) == ["LOKALBOKN"]
    owner = demo_user("verksamhet@norrkoping.demo")
    assert all(access.can_view_department(owner, a.department) for a in [*due_soon, *overdue])


def test_the_economist_has_last_years_actual_to_record(loaded):
    economist = demo_user("ekonom@norrkoping.demo")
    last_year = timezone.localdate().year - 1
    due = BenefitTrackingYear.objects.filter(
        tracking__owner=economist,
        tracking__benefit_model__initiative__organisation=loaded,
        year__lte=last_year,
        target__isnull=False,
        actual__isnull=True,
    )
    assert due.count() == 1
    assert due.get().target > 0
    assert BenefitTracking.objects.filter(owner=economist).count() == 1


def test_loading_the_demo_twice_leaves_one_of_each(loaded, settings):
    call_command("load_demo")
    assert ConsensusSession.objects.filter(assessment__asset__organisation=loaded).count() == 2
    assert Assessment.objects.filter(asset__code="LEDIGHET").count() == 1
    assert BenefitTracking.objects.filter(owner__email="ekonom@norrkoping.demo").count() == 1
