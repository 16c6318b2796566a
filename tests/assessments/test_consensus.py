"""Consensus sessions: independent answers, reveal, agreement, dissent, signatures."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from assessments import consensus, services
from assessments.models import Assessment, ConsensusSession, SignOff
from assessments.services import StaleVersion
from klassa_app.models import AuditEvent, Role
from klassa_app.services import ServiceError
from tests.assessments.helpers import (
    agree_everything,
    answers,
    fresh,
    propose,
    the_others_submit,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

P = consensus.Role


@pytest.fixture
def dpo(norrkoping):
    return MembershipFactory(organisation=norrkoping, role=Role.DPO).user


@pytest.fixture
def session(officer, owner, lawyer, dpo, asset, django_capture_on_commit_callbacks):
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    with django_capture_on_commit_callbacks(execute=True):
        return consensus.do_open_session(
            actor=officer,
            assessment=assessment,
            participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)],
        )


def test_opening_a_session_invites_everyone_by_email(session, owner, lawyer, dpo):
    assert session.assessment.status == Assessment.Status.IN_CONSENSUS
    assert {m.to[0] for m in mail.outbox} == {owner.email, lawyer.email, dpo.email}
    assert f"/sessions/{session.pk}/answer/" in mail.outbox[0].body


def test_a_dpo_is_required_when_the_asset_holds_personal_data(officer, owner, lawyer, asset):
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    with pytest.raises(ServiceError) as error:
        consensus.do_open_session(
            actor=officer,
            assessment=assessment,
            participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER)],
        )
    assert error.value.field == "participants"
    assert not ConsensusSession.objects.exists()


def test_only_the_security_officer_facilitates(owner, lawyer, dpo, asset):
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    with pytest.raises(PermissionDenied):
        consensus.do_open_session(
            actor=owner,
            assessment=assessment,
            participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)],
        )


def test_a_person_who_cannot_see_the_department_cannot_be_invited(
    officer, owner, lawyer, dpo, culture_viewer, asset
):
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    with pytest.raises(ServiceError):
        consensus.do_open_session(
            actor=officer,
            assessment=assessment,
            participants=[
                (owner, P.BUSINESS_OWNER),
                (lawyer, P.LEGAL_REVIEWER),
                (dpo, P.DPO),
                (culture_viewer, P.OTHER),
            ],
        )


def test_proposals_are_hidden_until_the_facilitator_reveals_them(
    as_user, session, owner, lawyer, officer
):
    propose(owner, session, 1)
    propose(lawyer, session, 3)
    page = as_user(owner).get(reverse("session_detail", args=[session.pk]))
    assert page.context["spreads"] == []
    assert "session-live" in page.content.decode()
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    page = as_user(owner).get(reverse("session_detail", args=[session.pk]))
    spreads = page.context["spreads"]
    assert spreads and spreads[0].spread == 2  # the largest disagreement first


def test_the_facilitator_sees_who_has_answered(as_user, session, owner, officer):
    propose(owner, session, 1)
    page = as_user(officer).get(reverse("session_live", args=[session.pk]))
    submitted = {p.user_id: p.submitted_at is not None for p in page.context["participants"]}
    assert submitted[owner.pk] is True
    assert list(submitted.values()).count(True) == 1


def test_a_participant_changes_only_their_own_proposals(session, owner, lawyer):
    propose(owner, session, 1)
    propose(lawyer, session, 3)
    mine = owner.pk
    levels = {
        p.participant.user_id: p.option.level
        for p in consensus.Proposal.objects.select_related("participant", "option")
    }
    assert levels  # both saved
    assert {lv for uid, lv in levels.items() if uid == mine} <= {0, 1}


def test_proposals_cannot_change_after_reveal(session, owner, officer):
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    with pytest.raises(ServiceError):
        propose(owner, fresh(session), 2)


def test_only_the_facilitator_reveals_and_decides(session, owner, officer):
    with pytest.raises(PermissionDenied):
        consensus.do_reveal(actor=owner, session=session, lock_version=None)
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    with pytest.raises(PermissionDenied):
        consensus.do_decide(
            actor=owner,
            session=fresh(session),
            aspect_code="K",
            level=2,
            rationale="x",
            lock_version=None,
        )


def test_a_decision_below_the_legal_minimum_or_without_rationale_is_refused(session, officer):
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    with pytest.raises(ServiceError) as error:
        consensus.do_decide(
            actor=officer,
            session=fresh(session),
            aspect_code="K",
            level=0,
            rationale="x",
            lock_version=None,
        )
    assert error.value.field == "level"  # personal data: K ≥ 1
    with pytest.raises(ServiceError) as error:
        consensus.do_decide(
            actor=officer,
            session=fresh(session),
            aspect_code="K",
            level=2,
            rationale=" ",
            lock_version=None,
        )
    assert error.value.field == "rationale"


def test_a_decision_based_on_an_old_state_is_stale(session, officer, owner):
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    seen = fresh(session).lock_version
    consensus.do_dissent(actor=owner, session=fresh(session), aspect_code="K", text="K is higher")
    with pytest.raises(StaleVersion):
        consensus.do_decide(
            actor=officer,
            session=fresh(session),
            aspect_code="K",
            level=2,
            rationale="x",
            lock_version=seen,
        )


def test_conclusion_keeps_computed_and_agreed_levels_side_by_side(session, officer, owner, lawyer):
    propose(owner, session, 1)
    propose(lawyer, session, 3)
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    agree_everything(officer, session, {"K": 2, "R": 2, "T": 2, "S": 2})
    assessment = consensus.do_conclude(
        actor=officer, session=fresh(session), lock_version=fresh(session).lock_version
    )
    assert assessment.status == Assessment.Status.AWAITING_SIGNOFF
    k = assessment.results.get(aspect_code="K")
    assert k.computed_level == 3  # the highest proposal, the maximum principle
    assert (k.override_level, k.final_level) == (2, 2)
    assert "Agreed after discussion on K" in k.override_reason


def test_conclusion_needs_every_aspect_agreed(session, officer):
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    agree_everything(officer, session, {"K": 2})
    with pytest.raises(ServiceError, match="R"):
        consensus.do_conclude(actor=officer, session=fresh(session), lock_version=None)


def concluded(session, officer, owner, lawyer, dpo):
    for person, level in ((owner, 1), (lawyer, 2), (dpo, 2)):
        propose(person, session, level)
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    agree_everything(officer, session, {"K": 2, "R": 2, "T": 1, "S": 1})
    return consensus.do_conclude(actor=officer, session=fresh(session), lock_version=None)


def test_all_required_signatures_approve_the_assessment(session, officer, owner, lawyer, dpo):
    assessment = concluded(session, officer, owner, lawyer, dpo)
    consensus.do_sign(actor=owner, assessment=assessment, role=P.BUSINESS_OWNER)
    consensus.do_sign(actor=lawyer, assessment=assessment, role=P.LEGAL_REVIEWER)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.AWAITING_SIGNOFF  # the DPO has not signed
    consensus.do_sign(actor=dpo, assessment=assessment, role=P.DPO)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED
    signatures = SignOff.objects.filter(assessment=assessment, voided_at__isnull=True)
    assert {s.content_hash for s in signatures} == {consensus.content_fingerprint(assessment)}


def test_nobody_signs_in_a_role_they_do_not_hold(session, officer, owner, lawyer, dpo):
    assessment = concluded(session, officer, owner, lawyer, dpo)
    with pytest.raises(PermissionDenied):
        consensus.do_sign(actor=owner, assessment=assessment, role=P.LEGAL_REVIEWER)


def test_a_material_change_voids_the_signatures_and_says_so(session, officer, owner, lawyer, dpo):
    assessment = concluded(session, officer, owner, lawyer, dpo)
    consensus.do_sign(actor=owner, assessment=assessment, role=P.BUSINESS_OWNER)
    services.do_update_asset(
        actor=owner, asset=assessment.asset, secrecy=True, secrecy_reference="OSL 23 kap. 2 §"
    )
    signature = SignOff.objects.get(assessment=assessment)
    assert signature.voided_at is not None
    assert "changed" in signature.voided_reason or "ändrades" in signature.voided_reason
    assert AuditEvent.objects.filter(action="signoff.voided").exists()


def test_signing_what_one_did_not_see_is_refused(session, officer, owner, lawyer, dpo):
    assessment = concluded(session, officer, owner, lawyer, dpo)
    with pytest.raises(StaleVersion):
        consensus.do_sign(
            actor=owner, assessment=assessment, role=P.BUSINESS_OWNER, fingerprint="0" * 64
        )


def test_rejection_sends_it_back_to_consensus_and_voids_signatures(
    session, officer, owner, lawyer, dpo
):
    assessment = concluded(session, officer, owner, lawyer, dpo)
    consensus.do_sign(actor=owner, assessment=assessment, role=P.BUSINESS_OWNER)
    with pytest.raises(ServiceError):
        consensus.do_reject(actor=lawyer, assessment=assessment, reason="")
    assessment = consensus.do_reject(actor=lawyer, assessment=assessment, reason="OSL applies here")
    assert assessment.status == Assessment.Status.IN_CONSENSUS
    assert fresh(session).status == ConsensusSession.Status.REVEALED
    assert not SignOff.objects.filter(assessment=assessment, voided_at__isnull=True).exists()


def test_every_step_is_audited(session, officer, owner, lawyer, dpo):
    assessment = concluded(session, officer, owner, lawyer, dpo)
    consensus.do_dissent(
        actor=lawyer, session=fresh(session), aspect_code="K", text="K should be 3"
    )
    for person, role in ((owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)):
        consensus.do_sign(actor=person, assessment=assessment, role=role)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "consensus.opened",
        "consensus.submitted",
        "consensus.revealed",
        "consensus.decided",
        "consensus.concluded",
        "consensus.dissent",
        "signoff.signed",
        "assessment.approved",
    } <= actions


# --- Who may see the session ------------------------------------------------------------------


def session_urls(session):
    both, get, post = ("get", "post"), ("get",), ("post",)
    return [
        (get, reverse("session_detail", args=[session.pk])),
        (get, reverse("session_live", args=[session.pk])),
        (both, reverse("session_answer", args=[session.pk])),
        (both, reverse("session_reveal", args=[session.pk])),
        (post, reverse("session_decide", args=[session.pk])),
        (post, reverse("session_dissent", args=[session.pk])),
        (post, reverse("session_conclude", args=[session.pk])),
        (both, reverse("session_cancel", args=[session.pk])),
        (get, reverse("session_minutes", args=[session.pk])),
        (post, reverse("assessment_sign", args=[session.assessment_id])),
        (post, reverse("assessment_reject", args=[session.assessment_id])),
    ]


@pytest.mark.parametrize("who", ["outsider", "colleague", "culture_viewer"])
def test_only_invited_people_see_or_act_in_a_session(request, as_user, session, who):
    person = request.getfixturevalue(who)
    client = as_user(person)
    for methods, url in session_urls(session):
        for method in methods:
            response = getattr(client, method)(url, {})
            assert response.status_code in (403, 404), (who, method, url, response.status_code)
    assert fresh(session).status == ConsensusSession.Status.OPEN


def test_get_session_for_user_is_404_for_a_colleague_not_invited(session, colleague, norrkoping):
    with pytest.raises(Http404):
        consensus.get_session_for_user(colleague, norrkoping, session.pk)


def test_the_whole_session_works_in_the_browser_forms(
    as_user, session, officer, owner, lawyer, dpo
):
    for person, level in ((owner, 1), (lawyer, 2), (dpo, 2)):
        client = as_user(person)
        data = {f"answer_{code}": pk for code, pk in answers(session, level).items()}
        data.update(lock_version=fresh(session).lock_version, submit="1")
        response = client.post(reverse("session_answer", args=[session.pk]), data)
        assert response.status_code == 302, (
            response.context["form"].errors if response.context else ""
        )
    facilitator = as_user(officer)
    facilitator.post(
        reverse("session_reveal", args=[session.pk]),
        {"lock_version": fresh(session).lock_version, "confirm": "yes"},
    )
    for code, level in {"K": 2, "R": 2, "T": 1, "S": 1}.items():
        facilitator.post(
            reverse("session_decide", args=[session.pk]),
            {
                "aspect_code": code,
                "level": level,
                "rationale": "Enig",
                "lock_version": fresh(session).lock_version,
            },
        )
    facilitator.post(
        reverse("session_conclude", args=[session.pk]),
        {"lock_version": fresh(session).lock_version},
    )
    assessment = Assessment.objects.get(pk=session.assessment_id)
    for person, role in ((owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)):
        page = as_user(person).get(reverse("session_detail", args=[session.pk]))
        as_user(person).post(
            reverse("assessment_sign", args=[assessment.pk]),
            {"role": role, "fingerprint": page.context["fingerprint"]},
        )
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED
    minutes = as_user(lawyer).get(reverse("session_minutes", args=[session.pk]))
    assert minutes.status_code == 200
    assert "Enig" in minutes.content.decode()


def test_the_live_part_asks_for_a_reload_when_the_stage_changed(as_user, session, owner, officer):
    client = as_user(owner)
    state = client.get(reverse("session_detail", args=[session.pk])).context["state"]
    assert (
        client.get(reverse("session_live", args=[session.pk]), {"state": state}).status_code == 200
    )
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    response = client.get(reverse("session_live", args=[session.pk]), {"state": state})
    assert response["HX-Refresh"] == "true"


# --- Several assets in one meeting --------------------------------------------------------


def test_one_meeting_handles_several_assets_with_one_email_per_person(
    as_user, officer, owner, lawyer, dpo, asset, utbildning, django_capture_on_commit_callbacks
):
    other = services.do_create_asset(actor=owner, department=utbildning, code="BETYG", name="Betyg")
    first = services.do_start_assessment(actor=owner, asset=asset)
    second = services.do_start_assessment(actor=owner, asset=other)
    client = as_user(officer)
    data = {
        "user_0": owner.pk,
        "role_0": P.BUSINESS_OWNER,
        "user_1": lawyer.pk,
        "role_1": P.LEGAL_REVIEWER,
        "user_2": dpo.pk,
        "role_2": P.DPO,
        "also": [second.pk],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("session_create", args=[first.pk]), data)
    assert response.status_code == 302
    sessions = list(ConsensusSession.objects.order_by("pk"))
    assert len(sessions) == 2 and sessions[0].meeting == sessions[1].meeting is not None
    assert [s.assessment for s in sessions] == [first, second]
    assert len(mail.outbox) == 3  # one per person, listing both assets
    assert all("BETYG" in m.body for m in mail.outbox)
    page = client.get(reverse("session_detail", args=[sessions[0].pk]))
    assert [s.pk for s in page.context["meeting"]] == [s.pk for s in sessions]


def test_a_meeting_only_handles_one_departments_assets(officer, owner, lawyer, dpo, asset, kultur):
    from tests.factories import InformationAssetFactory

    foreign = InformationAssetFactory(department=kultur)
    first = services.do_start_assessment(actor=owner, asset=asset)
    draft = Assessment.objects.create(
        asset=foreign, version=1, scheme=first.scheme, question_bank=first.question_bank
    )
    with pytest.raises(ServiceError) as error:
        consensus.do_open_meeting(
            actor=officer,
            assessments=[first, draft],
            participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)],
        )
    assert error.value.field == "assessments"
    assert not ConsensusSession.objects.exists()


def test_the_live_view_costs_the_same_queries_with_more_participants(
    as_user, officer, owner, lawyer, dpo, utbildning, django_assert_max_num_queries
):
    def revealed_session(code, extra_people):
        asset = services.do_create_asset(actor=owner, department=utbildning, code=code, name=code)
        session = consensus.do_open_session(
            actor=officer,
            assessment=services.do_start_assessment(actor=owner, asset=asset),
            participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER)]
            + [(person, P.OTHER) for person in extra_people],
        )
        for person in (owner, lawyer, *extra_people):
            propose(person, session, 2)
        consensus.do_reveal(actor=officer, session=session, lock_version=None)
        return session

    small = revealed_session("SMALL", [])
    extra = [MembershipFactory(department=utbildning, role=Role.VIEWER).user for _ in range(6)]
    large = revealed_session("LARGE", extra)
    client = as_user(officer)
    client.get(reverse("session_live", args=[small.pk]))
    with django_assert_max_num_queries(40) as counted:
        client.get(reverse("session_live", args=[small.pk]))
    baseline = len(counted)
    with django_assert_max_num_queries(baseline):
        response = client.get(reverse("session_live", args=[large.pk]))
    assert len(response.context["participants"]) == 8
