"""Demo work waiting for each role of Norrköping's Education office, made through the same
services as the pages, so that every demo account finds something of its own to do:

- SKOLSKJUTS: a consensus session in progress; the data-protection officer has answered, the
  business owner and the legal reviewer still owe their answers;
- SKOLMALTID: a concluded session; the business owner and the legal reviewer have signed,
  the data-protection officer's signature is due;
- LEDIGHET: a classification answered by the business owner, waiting for the
  information-security officer's approval;
- SKOLBIBL: an approved classification whose review is due in three weeks;
- LOKALBOKN: an approved classification whose review was due two weeks ago.

The assets are new ones, linked to no initiative, so the portfolio's figures and readiness
(which reproduce the source deck) stay as they are. Review dates are set relative to the day
of loading; everything else is what the services record. A second load leaves what exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessments import classification_rules, consensus
from assessments.models import Assessment, InformationAsset, PersonalData, Question
from assessments.services import (
    StepInput,
    do_approve_assessment,
    do_create_asset,
    do_save_step,
    do_start_assessment,
    sync_asset,
)
from klassa_app.models import Department, Organisation, User

ORGANISATION = "norrkoping"
DEPARTMENT = "UTB"
OFFICER = "sakerhet@norrkoping.demo"
OWNER = "verksamhet@norrkoping.demo"
LAWYER = "jurist@norrkoping.demo"
DPO = "dataskydd@norrkoping.demo"

# Days from the day of loading to each asset's review date.
REVIEW_DUE_IN_DAYS = 21
REVIEW_OVERDUE_BY_DAYS = 14


@dataclass(frozen=True)
class DemoAsset:
    code: str
    name: str
    description: str
    personal_data: str
    levels: dict[str, int]


SESSION_OPEN = DemoAsset(
    "SKOLSKJUTS",
    "Skolskjutsar",
    "Elever med rätt till skolskjuts, deras hållplatser, resvägar och eventuella behov av "
    "anpassat fordon.",
    PersonalData.YES,
    {"K": 2, "R": 2, "T": 2, "S": 1},
)
SESSION_CONCLUDED = DemoAsset(
    "SKOLMALTID",
    "Skolmåltider och specialkost",
    "Beställningar av specialkost per elev och skola, med intyg om allergier och medicinska skäl.",
    PersonalData.SPECIAL_CATEGORIES,
    {"K": 3, "R": 2, "T": 2, "S": 2},
)
AWAITING_APPROVAL = DemoAsset(
    "LEDIGHET",
    "Ledighetsansökningar för elever",
    "Vårdnadshavares ansökningar om ledighet för elever och rektors beslut.",
    PersonalData.YES,
    {"K": 2, "R": 2, "T": 1, "S": 1},
)
REVIEW_DUE = DemoAsset(
    "SKOLBIBL",
    "Skolbibliotekens utlån",
    "Skolbibliotekens bestånd och elevernas lån.",
    PersonalData.YES,
    {"K": 1, "R": 1, "T": 1, "S": 1},
)
REVIEW_OVERDUE = DemoAsset(
    "LOKALBOKN",
    "Lokalbokning i skolorna",
    "Bokningar av skolornas lokaler för undervisning, möten och föreningar kvällstid.",
    PersonalData.NO,
    {"K": 0, "R": 1, "T": 2, "S": 1},
)
DEMO_ASSETS = (SESSION_OPEN, SESSION_CONCLUDED, AWAITING_APPROVAL, REVIEW_DUE, REVIEW_OVERDUE)


def _answers(assessment: Assessment, aspect: str, level: int) -> dict[str, int]:
    """Per question of the aspect, the option of ``level`` (or the highest below it)."""
    answers = {}
    for question in Question.objects.filter(
        bank=assessment.question_bank, aspect_code=aspect
    ).prefetch_related("options"):
        fitting = [o for o in question.options.all() if o.level <= level] or list(
            question.options.all()
        )
        answers[question.code] = min(
            fitting, key=lambda o: (abs(o.level - level), -o.level, o.pk)
        ).pk
    return answers


def _create(owner: User, department: Department, demo: DemoAsset) -> Assessment:
    asset = do_create_asset(
        actor=owner,
        department=department,
        code=demo.code,
        name=demo.name,
        description=demo.description,
        personal_data=demo.personal_data,
    )
    return do_start_assessment(actor=owner, asset=asset)


def _classify(owner: User, assessment: Assessment, demo: DemoAsset) -> Assessment:
    for aspect, level in demo.levels.items():
        assessment.refresh_from_db()
        assessment = do_save_step(
            actor=owner,
            assessment=assessment,
            aspect_code=aspect,
            step=StepInput(answers=_answers(assessment, aspect, level), comments={}),
            lock_version=assessment.lock_version,
        )
    return assessment


def _all_answers(assessment: Assessment, demo: DemoAsset) -> dict[str, int]:
    answers: dict[str, int] = {}
    for aspect, level in demo.levels.items():
        answers.update(_answers(assessment, aspect, level))
    return answers


def _participants(users: dict[str, User], asset: InformationAsset) -> list[tuple[User, str]]:
    roles = consensus.Role
    chosen = [(users[OWNER], roles.BUSINESS_OWNER), (users[LAWYER], roles.LEGAL_REVIEWER)]
    if asset.personal_data != PersonalData.NO:
        chosen.append((users[DPO], roles.DPO))
    return [(user, str(role)) for user, role in chosen]


def _open_session(users: dict[str, User], assessment: Assessment) -> None:
    """Invited; the DPO has answered, the business owner and the legal reviewer have not."""
    session = consensus.do_open_session(
        actor=users[OFFICER],
        assessment=assessment,
        participants=_participants(users, assessment.asset),
    )
    consensus.do_save_proposals(
        actor=users[DPO],
        session=session,
        answers=_all_answers(assessment, SESSION_OPEN),
        comments={},
        submit=True,
    )


def _concluded_session(users: dict[str, User], assessment: Assessment) -> None:
    """Everyone answered, the levels were agreed and two of the three have signed."""
    session = consensus.do_open_session(
        actor=users[OFFICER],
        assessment=assessment,
        participants=_participants(users, assessment.asset),
    )
    answers = _all_answers(assessment, SESSION_CONCLUDED)
    for email in (OWNER, LAWYER, DPO):
        consensus.do_save_proposals(
            actor=users[email], session=session, answers=answers, comments={}, submit=True
        )
    session.refresh_from_db()
    session = consensus.do_reveal(
        actor=users[OFFICER], session=session, lock_version=session.lock_version
    )
    minimums = classification_rules.minimum_levels(
        assessment.asset.triggers, assessment.scheme.legal_minimums
    )
    for aspect, level in SESSION_CONCLUDED.levels.items():
        session.refresh_from_db()
        consensus.do_decide(
            actor=users[OFFICER],
            session=session,
            aspect_code=aspect,
            level=max(level, minimums.get(aspect, 0)),
            rationale="Alla deltagare föreslog samma nivå.",
            lock_version=session.lock_version,
        )
    session.refresh_from_db()
    concluded = consensus.do_conclude(
        actor=users[OFFICER], session=session, lock_version=session.lock_version
    )
    consensus.do_sign(actor=users[OWNER], assessment=concluded, role=consensus.Role.BUSINESS_OWNER)
    consensus.do_sign(actor=users[LAWYER], assessment=concluded, role=consensus.Role.LEGAL_REVIEWER)


def _approved_with_review(
    users: dict[str, User], assessment: Assessment, demo: DemoAsset, review_due: date
) -> None:
    """Approved by the officer; the review date is then moved to ``review_due`` as if the
    approval had been made one review interval before it."""
    assessment = _classify(users[OWNER], assessment, demo)
    approved = do_approve_assessment(
        actor=users[OFFICER], assessment=assessment, lock_version=assessment.lock_version
    )
    organisation = approved.asset.organisation
    approved_on = classification_rules.add_months(review_due, -organisation.review_interval_months)
    approved_at = timezone.make_aware(datetime.combine(approved_on, time(10)))
    Assessment.objects.filter(pk=approved.pk).update(
        review_due=review_due, approved_at=approved_at, lock_version=F("lock_version") + 1
    )
    sync_asset(approved.asset)


@transaction.atomic
def load_demo_work(actor: User | None = None) -> None:
    """Runs after the demo register (which creates the Education office). Needs the demo
    accounts; without them (a loader run on its own) there is nobody to wait for."""
    organisation = Organisation.objects.filter(code=ORGANISATION).first()
    if organisation is None:
        return
    department = Department.objects.filter(organisation=organisation, code=DEPARTMENT).first()
    users = {u.email: u for u in User.objects.filter(email__in=[OFFICER, OWNER, LAWYER, DPO])}
    if department is None or len(users) < 4:
        return
    existing = set(
        InformationAsset.objects.filter(
            organisation=organisation, code__in=[d.code for d in DEMO_ASSETS]
        ).values_list("code", flat=True)
    )
    today = timezone.localdate()
    owner = users[OWNER]
    for demo in DEMO_ASSETS:
        if demo.code in existing:
            continue
        assessment = _create(owner, department, demo)
        if demo is SESSION_OPEN:
            _open_session(users, assessment)
        elif demo is SESSION_CONCLUDED:
            _concluded_session(users, assessment)
        elif demo is AWAITING_APPROVAL:
            _classify(owner, assessment, demo)
        elif demo is REVIEW_DUE:
            _approved_with_review(
                users, assessment, demo, today + timedelta(days=REVIEW_DUE_IN_DAYS)
            )
        else:
            _approved_with_review(
                users, assessment, demo, today - timedelta(days=REVIEW_OVERDUE_BY_DAYS)
            )
