"""Simultaneous submissions and decisions on PostgreSQL lose no update.

Run with ``pytest -m postgres`` against PostgreSQL (CI does): the threads hold real,
overlapping transactions.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from assessments import consensus, services
from assessments.models import ConsensusSession, Proposal, Question
from assessments.services import StaleVersion
from klassa_app.models import Role
from tests.assessments.helpers import the_others_submit
from tests.factories import DepartmentFactory, MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
P = consensus.Role


@pytest.fixture
def session():
    if connection.vendor != "postgresql":
        pytest.fail("These tests need PostgreSQL: set DATABASE_URL.")
    organisation = OrganisationFactory(code="norrkoping")
    department = DepartmentFactory(organisation=organisation, code="UTB")
    officer = MembershipFactory(organisation=organisation, role=Role.SECURITY_OFFICER).user
    owner = MembershipFactory(department=department, role=Role.BUSINESS_OWNER).user
    lawyer = MembershipFactory(department=department, role=Role.LEGAL_REVIEWER).user
    asset = services.do_create_asset(actor=owner, department=department, code="A", name="A")
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    return (
        consensus.do_open_session(
            actor=officer,
            assessment=assessment,
            participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER)],
        ),
        officer,
        owner,
        lawyer,
    )


def run_together(*actions):
    """Start every action at the same instant in its own thread and connection."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait()
            outcomes[i] = action()
        except Exception as error:  # the outcome is what the test checks
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def all_answers(session, level):
    result = {}
    for q in Question.objects.filter(bank=session.assessment.question_bank).prefetch_related(
        "options"
    ):
        result[q.code] = max(
            (o for o in q.options.all() if o.level <= level), key=lambda o: o.level
        ).pk
    return result


def test_two_participants_submitting_at_the_same_moment_both_count(session):
    session, _officer, owner, lawyer = session
    low, high = all_answers(session, 1), all_answers(session, 3)
    before = ConsensusSession.objects.get(pk=session.pk).lock_version
    outcomes = run_together(
        lambda: consensus.do_save_proposals(
            actor=owner, session=session, answers=low, comments={}, submit=True
        ),
        lambda: consensus.do_save_proposals(
            actor=lawyer, session=session, answers=high, comments={}, submit=True
        ),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert Proposal.objects.filter(participant__user=owner).count() == len(low)
    assert Proposal.objects.filter(participant__user=lawyer).count() == len(high)
    assert ConsensusSession.objects.get(pk=session.pk).lock_version == before + 2


def test_a_decision_racing_a_dissent_on_the_same_state_is_told_it_is_stale(session):
    session, officer, owner, _lawyer = session
    the_others_submit(session)  # the organisation's minimum of answers before a reveal
    consensus.do_reveal(actor=officer, session=session, lock_version=None)
    seen = ConsensusSession.objects.get(pk=session.pk).lock_version
    fresh = ConsensusSession.objects.get(pk=session.pk)
    outcomes = run_together(
        lambda: consensus.do_dissent(actor=owner, session=fresh, aspect_code="K", text="Högre"),
        lambda: consensus.do_decide(
            actor=officer,
            session=fresh,
            aspect_code="K",
            level=2,
            rationale="Enig",
            lock_version=seen,
        ),
    )
    dissent, decision = outcomes
    assert not isinstance(dissent, Exception), dissent
    # Either the decision went first (and the dissent is kept too), or it was refused as
    # stale — never a silent overwrite.
    if isinstance(decision, Exception):
        assert isinstance(decision, StaleVersion)
        assert not session.decisions.exists()
    else:
        assert session.decisions.get().level == 2
    assert session.dissents.count() == 1


def test_two_facilitator_tabs_deciding_from_the_same_state_keep_exactly_one(session):
    session, officer, _owner, _lawyer = session
    the_others_submit(session)  # the organisation's minimum of answers before a reveal
    consensus.do_reveal(actor=officer, session=session, lock_version=None)
    seen = ConsensusSession.objects.get(pk=session.pk).lock_version
    fresh = ConsensusSession.objects.get(pk=session.pk)
    outcomes = run_together(
        lambda: consensus.do_decide(
            actor=officer,
            session=fresh,
            aspect_code="K",
            level=2,
            rationale="Flik 1",
            lock_version=seen,
        ),
        lambda: consensus.do_decide(
            actor=officer,
            session=fresh,
            aspect_code="K",
            level=3,
            rationale="Flik 2",
            lock_version=seen,
        ),
    )
    stale = [o for o in outcomes if isinstance(o, StaleVersion)]
    assert len(stale) == 1, outcomes
    decision = session.decisions.get()
    winner = next(o for o in outcomes if not isinstance(o, Exception))
    assert (decision.level, decision.rationale) == (winner.level, winner.rationale)
