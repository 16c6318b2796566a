"""The consensus session as a meeting, seen by its facilitator (the security officer): reveal
and cancel are confirmed, no reveal before enough answers, legal minimums shown while
deciding, every signer's state after conclusion; computed, proposed, agreed and approved
levels told apart; four eyes on approval; the organisation admin reads the minutes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import consensus, frameworks, reports, services
from assessments.models import Assessment, ConsensusSession, Question
from klassa_app.models import Role
from klassa_app.services import ServiceError
from tests.assessments.helpers import fresh, propose
from tests.factories import MembershipFactory, answer_all

pytestmark = pytest.mark.django_db

P = consensus.Role


@pytest.fixture
def dpo(norrkoping):
    return MembershipFactory(organisation=norrkoping, role=Role.DPO).user


@pytest.fixture
def session(officer, owner, lawyer, dpo, asset):
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    return consensus.do_open_session(
        actor=officer,
        assessment=assessment,
        participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)],
    )


def set_rules(organisation, **rules):
    scheme = frameworks.current_scheme(organisation)
    for name, value in rules.items():
        setattr(scheme, name, value)
    scheme.save()


# --- 1. Reveal and cancel ---------------------------------------------------------------------


def test_revealing_asks_for_confirmation_and_a_post_without_it_changes_nothing(
    as_user, session, officer, owner, lawyer, dpo
):
    for person, level in ((owner, 1), (lawyer, 2), (dpo, 2)):
        propose(person, session, level)
    client = as_user(officer)
    url = reverse("session_reveal", args=[session.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="confirm"' in page.content.decode()
    unconfirmed = client.post(url, {"lock_version": fresh(session).lock_version})
    assert unconfirmed.status_code == 200
    assert fresh(session).status == ConsensusSession.Status.OPEN
    confirmed = client.post(url, {"lock_version": fresh(session).lock_version, "confirm": "yes"})
    assert confirmed.status_code == 302
    assert fresh(session).status == ConsensusSession.Status.REVEALED


def test_cancelling_asks_for_confirmation_and_a_post_without_it_changes_nothing(
    as_user, session, officer
):
    client = as_user(officer)
    url = reverse("session_cancel", args=[session.pk])
    assert "confirm" in client.get(url).content.decode()
    client.post(url, {})
    assert fresh(session).status == ConsensusSession.Status.OPEN
    assert fresh(session).assessment.status == Assessment.Status.IN_CONSENSUS
    client.post(url, {"confirm": "yes"})
    assert fresh(session).status == ConsensusSession.Status.CANCELLED
    assert Assessment.objects.get(pk=session.assessment_id).status == Assessment.Status.DRAFT


def test_a_participant_gets_no_confirmation_page(as_user, session, owner):
    for name in ("session_reveal", "session_cancel"):
        assert as_user(owner).get(reverse(name, args=[session.pk])).status_code == 403


def test_no_reveal_before_everyone_who_must_sign_has_answered(
    as_user, session, officer, owner, lawyer
):
    with pytest.raises(ServiceError, match=str(P.BUSINESS_OWNER.label)):
        consensus.do_reveal(actor=officer, session=session, lock_version=None)
    propose(owner, session, 1)
    propose(lawyer, session, 2)
    with pytest.raises(ServiceError) as refused:
        consensus.do_reveal(actor=officer, session=fresh(session), lock_version=None)
    missing = str(refused.value.message)
    assert str(P.DPO.label) in missing
    assert str(P.BUSINESS_OWNER.label) not in missing
    page = as_user(officer).get(reverse("session_reveal", args=[session.pk]))
    assert "data-reveal-refused" in page.content.decode()
    assert 'name="confirm"' not in page.content.decode()
    assert fresh(session).status == ConsensusSession.Status.OPEN


def test_the_organisation_may_allow_a_reveal_after_one_answer(session, officer, owner, norrkoping):
    set_rules(norrkoping, reveal_minimum="anyone")
    with pytest.raises(ServiceError):
        consensus.do_reveal(actor=officer, session=session, lock_version=None)
    propose(owner, session, 1)
    consensus.do_reveal(actor=officer, session=fresh(session), lock_version=None)
    assert fresh(session).status == ConsensusSession.Status.REVEALED


def test_the_organisation_may_require_every_participant(
    officer, owner, lawyer, dpo, colleague, asset, norrkoping
):
    set_rules(norrkoping, reveal_minimum="everyone")
    session = consensus.do_open_session(
        actor=officer,
        assessment=services.do_start_assessment(actor=owner, asset=asset),
        participants=[
            (owner, P.BUSINESS_OWNER),
            (lawyer, P.LEGAL_REVIEWER),
            (dpo, P.DPO),
            (colleague, P.OTHER),
        ],
    )
    for person in (owner, lawyer, dpo):
        propose(person, session, 1)
    with pytest.raises(ServiceError, match=colleague.get_full_name()):
        consensus.do_reveal(actor=officer, session=fresh(session), lock_version=None)
    propose(colleague, session, 1)
    consensus.do_reveal(actor=officer, session=fresh(session), lock_version=None)
    assert fresh(session).status == ConsensusSession.Status.REVEALED


def test_aspects_nobody_answered_say_no_answers_not_spread_zero(
    as_user, session, officer, owner, lawyer, dpo
):
    propose(owner, session, 1)
    for person in (lawyer, dpo):
        consensus.do_save_proposals(
            actor=person, session=session, answers={}, comments={}, submit=True
        )
    # The owner answered everything but T.
    consensus.do_save_proposals(
        actor=owner,
        session=session,
        answers={
            code: None
            for code in Question.objects.filter(
                bank=session.assessment.question_bank, aspect_code="T"
            ).values_list("code", flat=True)
        },
        comments={},
        submit=True,
    )
    consensus.do_reveal(actor=officer, session=fresh(session), lock_version=None)
    spreads = {a.code: a for a in consensus.disagreement(fresh(session))}
    assert spreads["T"].spread is None
    assert spreads["K"].spread == 0
    assert list(spreads)[-1] == "T"  # what nobody answered comes last
    html = as_user(officer).get(reverse("session_detail", args=[session.pk])).content.decode()
    assert "T · inga svar" in html
    assert "T · spridning 0" not in html


def test_the_security_officer_sets_the_reveal_minimum_and_four_eyes_in_the_rules(
    as_user, officer, norrkoping
):
    before = frameworks.current_scheme(norrkoping)
    form = as_user(officer).get(reverse("scheme_rules_edit")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(reveal_minimum="everyone", four_eyes="")
    response = as_user(officer).post(reverse("scheme_rules_edit"), data)
    assert response.status_code == 302
    after = frameworks.current_scheme(norrkoping)
    assert after.version == before.version + 1
    assert (after.reveal_minimum, after.four_eyes) == ("everyone", False)


# --- 2. Deciding levels -----------------------------------------------------------------------


@pytest.fixture
def revealed(session, officer, owner, lawyer, dpo):
    for person, level in ((owner, 1), (lawyer, 3), (dpo, 2)):
        propose(person, session, level)
    consensus.do_reveal(actor=officer, session=fresh(session), lock_version=None)
    return fresh(session)


def test_the_legal_minimum_of_each_aspect_is_shown_before_deciding(as_user, revealed, officer):
    page = as_user(officer).get(reverse("session_detail", args=[revealed.pk]))
    assert page.context["minimums"]["K"] >= 1  # personal data
    html = page.content.decode()
    assert "data-legal-minimums" in html
    assert f"minst {page.context['minimums']['K']}" in html


def test_an_agreed_level_below_the_legal_minimum_is_refused_and_every_typed_value_kept(
    as_user, revealed, officer
):
    rationale = "Vi enades efter diskussion om elevernas uppgifter"
    response = as_user(officer).post(
        reverse("session_decide", args=[revealed.pk]),
        {
            "aspect_code": "K",
            "level": 0,
            "rationale": rationale,
            "lock_version": fresh(revealed).lock_version,
        },
    )
    assert response.status_code == 400
    form = response.context["decision_form"]
    minimum = response.context["minimums"]["K"]
    [error] = form.errors["level"]
    assert "K" in error and str(minimum) in error
    html = response.content.decode()
    assert rationale in html
    assert form["aspect_code"].value() == "K" and str(form["level"].value()) == "0"
    assert not revealed.decisions.exists()


def test_an_agreed_level_at_the_minimum_is_recorded(as_user, revealed, officer):
    response = as_user(officer).post(
        reverse("session_decide", args=[revealed.pk]),
        {
            "aspect_code": "K",
            "level": 1,
            "rationale": "Enig",
            "lock_version": fresh(revealed).lock_version,
        },
    )
    assert response.status_code == 302
    assert revealed.decisions.get().level == 1


def test_a_stale_decision_keeps_the_typed_rationale(as_user, revealed, officer, lawyer):
    seen = fresh(revealed).lock_version
    consensus.do_dissent(actor=lawyer, session=fresh(revealed), aspect_code="K", text="K är 3")
    response = as_user(officer).post(
        reverse("session_decide", args=[revealed.pk]),
        {"aspect_code": "K", "level": 2, "rationale": "Vårt skäl", "lock_version": seen},
    )
    assert response.status_code == 409
    assert "Vårt skäl" in response.content.decode()
    assert not revealed.decisions.exists()


def test_a_participant_cannot_record_an_agreed_level(as_user, revealed, owner):
    response = as_user(owner).post(
        reverse("session_decide", args=[revealed.pk]),
        {
            "aspect_code": "K",
            "level": 2,
            "rationale": "x",
            "lock_version": fresh(revealed).lock_version,
        },
    )
    assert response.status_code == 403
    assert not revealed.decisions.exists()


# --- 3. After conclusion ----------------------------------------------------------------------

LEVELS = {"K": 2, "R": 2, "T": 2, "S": 1}


def agree(officer, session, levels=LEVELS):
    for code, level in levels.items():
        consensus.do_decide(
            actor=officer,
            session=fresh(session),
            aspect_code=code,
            level=level,
            rationale=f"Skäl för {code}",
            lock_version=None,
        )


@pytest.fixture
def concluded(revealed, officer, lawyer):
    agree(officer, revealed)
    consensus.do_dissent(actor=lawyer, session=fresh(revealed), aspect_code="K", text="K är 3")
    consensus.do_conclude(actor=officer, session=fresh(revealed), lock_version=None)
    return fresh(revealed)


def test_the_facilitator_sees_who_has_signed_and_who_not_with_rationales_and_dissent(
    as_user, concluded, officer, owner, lawyer, dpo
):
    consensus.do_sign(actor=owner, assessment=concluded.assessment, role=P.BUSINESS_OWNER)
    page = as_user(officer).get(reverse("session_detail", args=[concluded.pk]))
    states = {s.role: s for s in page.context["signers"]}
    assert set(states) == {P.BUSINESS_OWNER, P.LEGAL_REVIEWER, P.DPO}
    assert states[P.BUSINESS_OWNER].signoff.user == owner
    assert states[P.LEGAL_REVIEWER].signoff is None
    assert states[P.DPO].people == [dpo]
    html = page.content.decode()
    assert "data-signers" in html
    assert html.count("Inte underskriven ännu") == 2
    assert "Skäl för T" in html
    assert "K är 3" in html


# --- 4. Levels told apart ---------------------------------------------------------------------


@pytest.fixture
def answered_then_agreed(officer, owner, lawyer, dpo, asset):
    """The business owner answers the wizard (T = 2); in the session the lawyer proposes
    T = 3; the session agrees on T = 2 and everyone signs."""
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    assessment = answer_all(owner, assessment, {"K": 2, "R": 1, "T": 2, "S": 1})
    session = consensus.do_open_session(
        actor=officer,
        assessment=assessment,
        participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)],
    )
    for person, level in ((owner, 1), (lawyer, 3), (dpo, 2)):
        propose(person, session, level)
    consensus.do_reveal(actor=officer, session=fresh(session), lock_version=None)
    agree(officer, session, {"K": 2, "R": 2, "T": 2, "S": 1})
    consensus.do_conclude(actor=officer, session=fresh(session), lock_version=None)
    for person, role in ((owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)):
        consensus.do_sign(actor=person, assessment=fresh(session).assessment, role=role)
    return fresh(session)


def test_approval_does_not_raise_the_computed_level_to_the_highest_proposal(
    answered_then_agreed,
):
    assessment = Assessment.objects.get(pk=answered_then_agreed.assessment_id)
    assert assessment.status == Assessment.Status.APPROVED
    results = {r.aspect_code: r for r in assessment.results.all()}
    assert results["T"].computed_level == 2  # the wizard's answers, not the lawyer's 3
    assert (results["T"].override_level, results["T"].final_level) == (None, 2)
    assert results["R"].computed_level == 1
    assert (results["R"].override_level, results["R"].final_level) == (2, 2)


def test_the_assessment_page_tells_computed_proposed_agreed_and_approved_apart(
    as_user, answered_then_agreed, officer, owner, lawyer, dpo
):
    page = as_user(officer).get(
        reverse("assessment_detail", args=[answered_then_agreed.assessment_id])
    )
    rows = {row["aspect"].code: row["lv"] for row in page.context["rows"]}
    r = rows["R"]
    assert (r.computed, r.agreed.level, r.approved) == (1, 2, 2)
    assert r.override is None  # agreed in consensus, not a manual override
    assert {p.user: level for p, level in r.proposed} == {owner: 1, lawyer: 3, dpo: 2}
    html = page.content.decode()
    assert "Överenskommen i konsensus" in html
    assert "Skäl för R" in html
    assert "Manuell ändring</span>" not in html
    approvers = page.context["approvers"]
    assert [s.user for s in approvers] == [owner, lawyer, dpo]
    for person in (owner, lawyer, dpo):
        assert person.get_full_name() in html.split("data-approvers")[1][:600]


def test_a_manual_override_outside_a_session_is_still_labelled_as_one(
    as_user, owner, officer, asset
):
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    assessment = answer_all(owner, assessment, {"K": 1, "R": 1, "T": 1, "S": 1})
    questions = Question.objects.filter(bank=assessment.question_bank, aspect_code="S")
    services.do_save_step(
        actor=owner,
        assessment=assessment,
        aspect_code="S",
        step=services.StepInput(
            answers={q.code: None for q in questions},
            comments={},
            override_level=3,
            override_reason="Spårbarhet krävs av revisionen",
        ),
        lock_version=None,
    )
    [s] = [row for row in consensus.level_rows(assessment) if row.code == "S"]
    assert (s.override, s.agreed) == (3, None)
    assert "Spårbarhet krävs av revisionen" in s.override_reason


def test_the_minutes_tell_the_levels_apart_in_the_schemes_order(
    as_user, answered_then_agreed, officer, owner, lawyer, dpo
):
    page = as_user(lawyer).get(reverse("session_minutes", args=[answered_then_agreed.pk]))
    context = page.context
    assert list(context["decisions"]) == ["K", "R", "T", "S"]
    assert [a.code for a in context["spreads"]] == ["K", "R", "T", "S"]
    assert [lv.code for lv in context["levels"]] == ["K", "R", "T", "S"]
    t = context["levels"][2]
    assert (t.computed, t.highest_proposal, t.agreed.level, t.approved) == (2, 3, 2, 2)
    html = page.content.decode()
    assert "data-minutes-levels" in html
    assert html.index("<strong>R = ") < html.index("<strong>T = ") < html.index("<strong>S = ")
    assert dpo.get_full_name() in html.split("data-approvers")[1][:800]


# --- 5. Four eyes -----------------------------------------------------------------------------


def classified_alone(officer, asset):
    """A security officer starts and answers the whole classification herself."""
    assessment = services.do_start_assessment(actor=officer, asset=asset)
    return answer_all(officer, assessment, {"K": 2, "R": 1, "T": 1, "S": 1})


def test_a_new_organisation_has_four_eyes_on(norrkoping):
    assert frameworks.current_scheme(norrkoping).four_eyes is True


def test_with_four_eyes_the_officer_who_classified_cannot_approve_alone(as_user, officer, asset):
    assessment = classified_alone(officer, asset)
    with pytest.raises(ServiceError, match=r"(?i)fyra ögon|four eyes"):
        services.do_approve_assessment(actor=officer, assessment=assessment)
    page = as_user(officer).get(reverse("assessment_detail", args=[assessment.pk]))
    assert "data-four-eyes" in page.content.decode()
    response = as_user(officer).post(
        reverse("assessment_approve", args=[assessment.pk]),
        {"lock_version": fresh_assessment(assessment).lock_version},
    )
    assert response.status_code == 302
    assert fresh_assessment(assessment).status == Assessment.Status.DRAFT


def test_with_four_eyes_a_business_owner_who_answered_then_an_officer_approves(
    owner, officer, asset
):
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    assessment = answer_all(owner, assessment, {"K": 2, "R": 1, "T": 1, "S": 1})
    approved = services.do_approve_assessment(actor=officer, assessment=assessment)
    assert approved.status == Assessment.Status.APPROVED


def test_with_four_eyes_an_officer_who_answered_one_step_cannot_approve(owner, officer, asset):
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    assessment = answer_all(owner, assessment, {"K": 2, "R": 1, "T": 1})
    assessment = answer_all(officer, assessment, {"S": 1})
    with pytest.raises(ServiceError):
        services.do_approve_assessment(actor=officer, assessment=assessment)
    second = MembershipFactory(organisation=asset.organisation, role=Role.SECURITY_OFFICER).user
    assert services.do_approve_assessment(actor=second, assessment=assessment).status == (
        Assessment.Status.APPROVED
    )


def test_without_four_eyes_the_officer_may_classify_and_approve_alone(officer, asset, norrkoping):
    set_rules(norrkoping, four_eyes=False)
    assessment = classified_alone(officer, asset)
    approved = services.do_approve_assessment(actor=officer, assessment=assessment)
    assert approved.status == Assessment.Status.APPROVED


def fresh_assessment(assessment):
    return Assessment.objects.get(pk=assessment.pk)


# --- 6. Admins read the minutes ---------------------------------------------------------------


def test_the_organisation_admin_reads_the_minutes_and_requests_the_pdf(
    as_user, concluded, admin, django_capture_on_commit_callbacks, _media_in_tmp
):
    client = as_user(admin)
    page = client.get(reverse("session_minutes", args=[concluded.pk]))
    assert page.status_code == 200
    assert "Skäl för K" in page.content.decode()
    assert client.get(reverse("session_detail", args=[concluded.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("minutes_start", args=[concluded.pk]))
    assert response.status_code == 302
    status = client.get(response["Location"])
    assert status.status_code == 200
    detail = client.get(reverse("assessment_detail", args=[concluded.assessment_id]))
    assert reverse("session_minutes", args=[concluded.pk]) in detail.content.decode()


@pytest.mark.parametrize("who", ["outsider", "colleague", "culture_viewer"])
def test_other_outsiders_still_get_404_on_the_minutes(request, as_user, concluded, who):
    client = as_user(request.getfixturevalue(who))
    assert client.get(reverse("session_minutes", args=[concluded.pk])).status_code == 404
    assert client.post(reverse("minutes_start", args=[concluded.pk])).status_code == 404


def test_the_organisation_admin_downloads_minutes_someone_else_requested(
    as_user, concluded, officer, admin, django_capture_on_commit_callbacks, _media_in_tmp
):
    with django_capture_on_commit_callbacks(execute=True):
        job = reports.do_request_minutes(actor=officer, session=concluded, language="sv")
    client = as_user(admin)
    assert client.get(reverse("report_status", args=[job.pk])).status_code == 200
    response = client.get(reverse("report_download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
