"""Consensus sessions and sign-off: every change goes through one ``do_*`` function that
checks who may do it, writes its audit event and runs in a transaction.

The facilitator (a security officer) opens a session for a draft assessment and invites
participants. They answer independently; nobody sees another's answers until the
facilitator reveals them. The facilitator records the agreed level per aspect; concluding
turns the agreement into the assessment's results and asks the required people to sign.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import classification_rules, frameworks
from assessments import notifications as tell
from assessments.models import (
    Answer,
    AspectDecision,
    AspectResult,
    Assessment,
    ClassificationScheme,
    ConsensusSession,
    Dissent,
    InformationAsset,
    Participant,
    PersonalData,
    Proposal,
    Question,
    SignOff,
)
from assessments.services import (
    StaleVersion,
    content_fingerprint,
    finalise_approval,
    recompute,
    sync_asset,
    void_signatures,
    void_stale_signatures,
)
from klassa_app import access, audit, ics
from klassa_app.models import Membership, Organisation, User
from klassa_app.models import Role as MemberRole
from klassa_app.queue import enqueue
from klassa_app.services import ServiceError

Role = Participant.SessionRole


# --- Reading ------------------------------------------------------------------------------------


def get_session_for_user(
    user: User, organisation: Organisation | None, pk: int
) -> ConsensusSession:
    """The session, for its facilitator and invited participants only; 404 for anyone else
    (also for a member of the same department who was not invited)."""
    session = _session_in(organisation, pk)
    if session is None or not access.can_view_department(user, session.assessment.asset.department):
        raise Http404("No such session.")
    if not takes_part(session, user):
        raise Http404("No such session.")
    return session


def get_minutes_session_for_user(
    user: User, organisation: Organisation | None, pk: int
) -> ConsensusSession:
    """The session whose minutes this person may read: its facilitator and participants,
    and the organisation's admins, who act for the whole organisation; 404 for anyone else."""
    session = _session_in(organisation, pk)
    if session is None or not may_read_minutes(session, user):
        raise Http404("No such session.")
    return session


def takes_part(session: ConsensusSession, user: User) -> bool:
    return session.facilitator_id == user.pk or session.participants.filter(user=user).exists()


def may_read_minutes(session: ConsensusSession, user: User) -> bool:
    asset = session.assessment.asset
    if access.is_org_admin(user, asset.organisation):
        return True
    return access.can_view_department(user, asset.department) and takes_part(session, user)


def _session_in(organisation: Organisation | None, pk: int) -> ConsensusSession | None:
    return (
        ConsensusSession.objects.select_related(
            "assessment",
            "assessment__asset",
            "assessment__asset__department",
            "assessment__asset__organisation",
            "assessment__scheme",
            "facilitator",
        )
        .filter(pk=pk, assessment__asset__organisation=organisation)
        .first()
    )


def participant_of(session: ConsensusSession, user: User) -> Participant | None:
    return session.participants.filter(user=user).first()


def required_sign_roles(asset: InformationAsset) -> list[str]:
    roles = [Role.BUSINESS_OWNER.value, Role.LEGAL_REVIEWER.value]
    if asset.personal_data != PersonalData.NO:
        roles.append(Role.DPO.value)
    return roles


# A member's role in the department, as the role they take in a session.
_SESSION_ROLE_OF_MEMBER = {
    MemberRole.BUSINESS_OWNER: Role.BUSINESS_OWNER,
    MemberRole.LEGAL_REVIEWER: Role.LEGAL_REVIEWER,
    MemberRole.DPO: Role.DPO,
}


def suggested_participants(assessment: Assessment, facilitator: User) -> list[tuple[User, str]]:
    """The people a new session starts with: every active member who holds a role that must
    sign this classification and sees the asset's department, members of the department
    before organisation-wide ones; each person once, never the facilitator."""
    asset = assessment.asset
    required = required_sign_roles(asset)
    memberships = (
        Membership.objects.filter(
            organisation=asset.organisation,
            role__in=[m for m, r in _SESSION_ROLE_OF_MEMBER.items() if r in required],
            user__is_active=True,
        )
        .filter(Q(department=asset.department) | Q(department__isnull=True))
        .exclude(user=facilitator)
        .select_related("user")
    )
    order = {role: i for i, role in enumerate(required)}
    ranked = sorted(
        memberships,
        key=lambda m: (
            order[_SESSION_ROLE_OF_MEMBER[MemberRole(m.role)]],
            m.department_id is None,
            m.user.full_name or m.user.email,
        ),
    )
    chosen: dict[int, tuple[User, str]] = {}
    for m in ranked:
        chosen.setdefault(m.user_id, (m.user, _SESSION_ROLE_OF_MEMBER[MemberRole(m.role)].value))
    return list(chosen.values())


def roles_nobody_holds(assessment: Assessment, suggested: Iterable[tuple[User, str]]) -> list[str]:
    """The labels of the roles that must sign but that no member of the department holds."""
    held = {role for _user, role in suggested}
    return [str(Role(r).label) for r in required_sign_roles(assessment.asset) if r not in held]


def reveal_shortfall(session: ConsensusSession) -> list[str]:
    """What is still missing before the answers may be revealed under the organisation's
    rule (empty when they may): the people or roles whose answers are not in."""
    rule = frameworks.current_scheme(session.assessment.asset.organisation).reveal_minimum
    participants = list(session.participants.select_related("user").order_by("id"))
    submitted = [p for p in participants if p.submitted_at is not None]
    Minimum = ClassificationScheme.RevealMinimum
    if rule == Minimum.ANYONE:
        return [] if submitted else [_("an answer from at least one participant")]
    if rule == Minimum.EVERYONE:
        return [
            _("%(person)s (%(role)s)") % {"person": p.name, "role": p.get_session_role_display()}
            for p in participants
            if p.submitted_at is None
        ]
    answered_roles = {p.session_role for p in submitted}
    return [
        str(Role(role).label)
        for role in required_sign_roles(session.assessment.asset)
        if role not in answered_roles
    ]


def legal_minimums(assessment: Assessment) -> dict[str, int]:
    """Per aspect, the lowest level the asset's legal triggers allow (within the scale)."""
    scheme = frameworks.load_scheme(assessment.scheme)
    table = classification_rules.minimum_levels(
        assessment.asset.triggers, assessment.scheme.legal_minimums or {}
    )
    return {
        code: min(level, scheme.tops[code])
        for code, level in table.items()
        if code in scheme.tops and level > 0
    }


@dataclass
class QuestionSpread:
    question: Question
    levels: list[tuple[Participant, int | None, str]]  # participant, proposed level, comment
    spread: int | None  # None: nobody answered, which is not agreement


@dataclass
class AspectSpread:
    code: str
    levels: list[tuple[Participant, int | None]]
    spread: int | None  # None: nobody answered, which is not agreement
    questions: list[QuestionSpread] = field(default_factory=list)


def disagreement(session: ConsensusSession) -> list[AspectSpread]:
    """Per aspect and question, each participant's proposal and the spread; the largest
    disagreements first. Three queries whatever the number of participants."""
    participants = list(session.participants.select_related("user").order_by("id"))
    proposals = {
        (p.participant_id, p.question_id): p
        for p in Proposal.objects.filter(participant__session=session).select_related("option")
    }
    scheme = frameworks.load_scheme(session.assessment.scheme)
    questions = list(
        Question.objects.filter(
            bank=session.assessment.question_bank, aspect_code__in=scheme.codes
        ).order_by("aspect_code", "order")
    )
    result = []
    for code in scheme.codes:
        rows = []
        for q in (q for q in questions if q.aspect_code == code):
            levels = []
            for p in participants:
                proposal = proposals.get((p.pk, q.pk))
                level = proposal.option.level if proposal and proposal.option else None
                levels.append((p, level, proposal.comment if proposal else ""))
            known = [lv for _p, lv, _c in levels if lv is not None]
            rows.append(QuestionSpread(q, levels, (max(known) - min(known)) if known else None))
        per_participant = [
            (
                p,
                classification_rules.max_level(
                    lv for pp, lv, _c in (x for row in rows for x in row.levels) if pp == p
                ),
            )
            for p in participants
        ]
        known = [lv for _p, lv in per_participant if lv is not None]
        rows.sort(key=_largest_first)
        result.append(
            AspectSpread(code, per_participant, (max(known) - min(known)) if known else None, rows)
        )
    result.sort(key=_largest_first)
    return result


def _largest_first(row: QuestionSpread | AspectSpread) -> int:
    """The largest disagreement first; what nobody answered last."""
    return -row.spread if row.spread is not None else 1


# --- Opening and answering -------------------------------------------------------------------


def _require_facilitator(actor: User, session: ConsensusSession) -> None:
    if session.facilitator_id != actor.pk:
        raise PermissionDenied(_("Only the facilitator does this."))


def _lock_session(session: ConsensusSession, lock_version: int | None) -> ConsensusSession:
    locked = ConsensusSession.objects.select_for_update().get(pk=session.pk)
    if lock_version is not None and locked.lock_version != lock_version:
        raise StaleVersion(
            _("Someone changed this session in the meantime. The page now shows the new state."),
            None,
        )
    return locked


def _bump(session: ConsensusSession) -> None:
    ConsensusSession.objects.filter(pk=session.pk).update(lock_version=F("lock_version") + 1)
    session.refresh_from_db(fields=["lock_version"])


def _clean_guests(guests: Iterable[str], *, members: list[User]) -> list[str]:
    emails: list[str] = []
    for raw in guests:
        email = raw.strip().lower()
        try:
            validate_email(email)
        except ValidationError as error:
            raise ServiceError(
                _("%(email)s is not an e-mail address.") % {"email": raw}, "guests"
            ) from error
        if email in emails:
            raise ServiceError(_("Invite each person once."), "guests")
        if any(u.email.lower() == email for u in members):
            raise ServiceError(
                _("%(email)s is a member: invite them as a participant.") % {"email": raw},
                "guests",
            )
        emails.append(email)
    return emails


_GUEST_SALT = "assessments.consensus.guest-link"


def guest_link_token(participant: Participant) -> str:
    """The token of a guest's link: the participant and their nonce, signed (and stamped, so
    that no link outlives the longest validity even if the stored date were changed)."""
    return signing.dumps({"p": participant.pk, "n": participant.guest_nonce}, salt=_GUEST_SALT)


def get_guest_participant(token: str) -> Participant:
    """The guest whose link this is, while the link is valid and the session active; 404
    for anything else (a forged, expired or revoked link, a finished session)."""
    try:
        data = signing.loads(
            token, salt=_GUEST_SALT, max_age=timedelta(days=settings.KLASSA_GUEST_LINK_DAYS)
        )
        pk, nonce = int(data["p"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise Http404("No such link.") from error
    participant = (
        Participant.objects.select_related(
            "session",
            "session__assessment",
            "session__assessment__asset",
            "session__assessment__asset__organisation",
            "session__assessment__scheme",
        )
        .filter(
            pk=pk,
            user__isnull=True,
            guest_link_expires_at__gt=timezone.now(),
            session__status__in=[ConsensusSession.Status.OPEN, ConsensusSession.Status.REVEALED],
        )
        .exclude(guest_nonce="")
        .first()
    )
    if participant is None or not secrets.compare_digest(participant.guest_nonce, nonce):
        raise Http404("No such link.")
    return participant


@transaction.atomic
def do_open_session(
    *,
    actor: User,
    assessment: Assessment,
    participants: Iterable[tuple[User, str]],
    guests: Iterable[str] = (),
    meeting: uuid.UUID | None = None,
    meeting_at: datetime | None = None,
    meeting_minutes: int = 60,
    meeting_place: str = "",
) -> ConsensusSession:
    """``guests`` are the e-mail addresses of external participants (a supplier's IT): each
    gets a time-limited link that opens only this session, and answers as IT."""
    asset = assessment.asset
    if not access.can_approve_classifications(
        actor, asset.organisation
    ) or not access.can_view_department(actor, asset.department):
        raise PermissionDenied(_("Only the information-security officer facilitates a session."))
    assessment = (
        Assessment.objects.select_for_update().select_related("asset").get(pk=assessment.pk)
    )
    if assessment.status != Assessment.Status.DRAFT:
        raise ServiceError(_("Only a draft classification can go to a consensus session."), None)
    chosen = list(participants)
    users = [u for u, _r in chosen]
    if len({u.pk for u in users}) != len(users):
        raise ServiceError(_("Invite each person once."), "participants")
    if any(u.pk == actor.pk for u in users):
        raise ServiceError(
            _("You facilitate the session and cannot take part in it as well."), "participants"
        )
    roles = [r for _u, r in chosen]
    if any(r not in Role.values for r in roles):
        raise ServiceError(_("Choose a role from the list."), "participants")
    required = [Role.BUSINESS_OWNER, Role.LEGAL_REVIEWER]
    if asset.personal_data != PersonalData.NO:
        required.append(Role.DPO)
    missing = [str(Role(r).label) for r in required if r not in roles]
    if missing:
        raise ServiceError(
            _("Invite someone for each role that must sign: %(roles)s.")
            % {"roles": ", ".join(missing)},
            "participants",
        )
    for user in users:
        if not access.can_view_department(user, asset.department):
            raise ServiceError(
                _("%(person)s cannot see this department's information.")
                % {"person": user.get_full_name()},
                "participants",
            )
    guest_emails = _clean_guests(guests, members=users)
    session = ConsensusSession.objects.create(
        assessment=assessment,
        facilitator=actor,
        meeting=meeting,
        meeting_at=meeting_at,
        meeting_minutes=meeting_minutes,
        meeting_place=meeting_place.strip(),
    )
    Participant.objects.bulk_create(
        Participant(session=session, user=user, session_role=role) for user, role in chosen
    )
    expires = timezone.now() + timedelta(days=settings.KLASSA_GUEST_LINK_DAYS)
    for email in guest_emails:
        Participant.objects.create(
            session=session,
            guest_email=email,
            session_role=Role.IT,
            guest_nonce=secrets.token_hex(16),
            guest_link_expires_at=expires,
        )
        audit.record(
            actor=actor,
            organisation=asset.organisation,
            action="consensus.guest_invited",
            obj=session,
            after={"guest": email, "valid_until": expires.isoformat()},
            object_repr=f"{asset.code}: {email}",
        )
    assessment.status = Assessment.Status.IN_CONSENSUS
    assessment.lock_version = F("lock_version") + 1
    assessment.save(update_fields=["status", "lock_version", "updated_at"])
    audit.record(
        actor=actor,
        organisation=asset.organisation,
        action="consensus.opened",
        obj=session,
        after={
            "assessment": str(assessment),
            "participants": [[u.email, r] for u, r in chosen],
            **({"meeting_at": meeting_at.isoformat()} if meeting_at else {}),
        },
        object_repr=f"{asset.code} v{assessment.version}",
    )
    for participant in Participant.objects.filter(session=session):
        enqueue("assessments.tasks.send_session_invitation", participant.pk)
    # In the app; the e-mail is the session invitation above, sent by each one's choice.
    tell.notify_invited(session, actor)
    return session


@transaction.atomic
def do_open_meeting(
    *,
    actor: User,
    assessments: list[Assessment],
    participants: Iterable[tuple[User, str]],
    guests: Iterable[str] = (),
    meeting_at: datetime | None = None,
    meeting_minutes: int = 60,
    meeting_place: str = "",
) -> list[ConsensusSession]:
    """One meeting for several assets of one department, handled one after another: a
    session per asset with the same people. All or none are opened."""
    if not assessments:
        raise ServiceError(_("Choose at least one information asset."), "assessments")
    departments = {a.asset.department_id for a in assessments}
    if len(departments) != 1:
        raise ServiceError(_("A meeting handles the assets of one department."), "assessments")
    people: dict[str, Any] = {
        "participants": list(participants),
        "guests": list(guests),
        "meeting_at": meeting_at,
        "meeting_minutes": meeting_minutes,
        "meeting_place": meeting_place,
    }
    if len(assessments) == 1:
        return [do_open_session(actor=actor, assessment=assessments[0], **people)]
    meeting = uuid.uuid4()
    return [
        do_open_session(actor=actor, assessment=a, meeting=meeting, **people) for a in assessments
    ]


def meeting_sessions(session: ConsensusSession) -> list[ConsensusSession]:
    """The sessions of the same meeting, in the order they are handled."""
    if session.meeting is None:
        return []
    return list(
        ConsensusSession.objects.filter(meeting=session.meeting)
        .select_related("assessment__asset")
        .order_by("pk")
    )


def session_invitation(session: ConsensusSession, *, link: str) -> str | None:
    """The calendar invitation (.ics) of a session's meeting, or None without a time. The
    UID stays the same for the session, so a calendar updates rather than duplicates it."""
    if session.meeting_at is None:
        return None
    asset = session.assessment.asset
    host = urlsplit(settings.KLASSA_BASE_URL).hostname or "klassa"
    event = ics.Event(
        uid=f"consensus-session-{session.pk}@{host}",
        start=session.meeting_at,
        end=session.meeting_at + timedelta(minutes=session.meeting_minutes),
        summary=_("Consensus session: %(code)s %(name)s")
        % {"code": asset.code, "name": asset.name},
        description=_("Answer the questions before the meeting: %(link)s") % {"link": link},
        organizer_email=session.facilitator.email,
        organizer_name=session.facilitator.get_full_name(),
        location=session.meeting_place,
    )
    return ics.invitation(event, stamp=session.created_at)


# (by a guest, submitted) → the audit action
_PROPOSAL_ACTIONS = {
    (False, False): "consensus.proposed",
    (False, True): "consensus.submitted",
    (True, False): "consensus.guest_proposed",
    (True, True): "consensus.guest_submitted",
}


@transaction.atomic
def do_save_proposals(
    *,
    actor: User | None,
    session: ConsensusSession,
    answers: Mapping[str, int | None],
    comments: Mapping[str, str],
    submit: bool,
    guest: Participant | None = None,
) -> Participant:
    """A participant's own answers; others' answers are never touched. A ``guest`` (no
    actor) answers through their link, which ``get_guest_participant`` checked."""
    participant = _answering_participant(actor, session, guest)
    questions = {
        q.code: q
        for q in Question.objects.filter(bank=session.assessment.question_bank).prefetch_related(
            "options"
        )
    }
    before = {
        p.question.code: (p.option.level if p.option else None)
        for p in participant.proposals.select_related("question", "option")
    }
    for code, option_id in answers.items():
        question = questions.get(code)
        if question is None:
            raise ServiceError(_("Unknown question %(code)s.") % {"code": code}, f"answer_{code}")
        _write_proposal(participant, question, option_id, comments.get(code))
    if submit:
        participant.submitted_at = timezone.now()
        participant.save(update_fields=["submitted_at"])
    after = {
        p.question.code: (p.option.level if p.option else None)
        for p in participant.proposals.select_related("question", "option")
    }
    audit.record(
        actor=actor,
        organisation=session.assessment.asset.organisation,
        action=_PROPOSAL_ACTIONS[guest is not None, submit],
        obj=session,
        before=before or None,
        after=after,
        object_repr=f"{session.assessment.asset.code}: "
        f"{participant.guest_email or (actor.email if actor else '')}",
    )
    _bump(session)
    return participant


@transaction.atomic
def do_save_proposal(
    *,
    actor: User,
    session: ConsensusSession,
    question_code: str,
    option_id: int | None,
    comment: str,
) -> Participant:
    """One answer and comment of a participant's own draft, saved as they change. Recorded
    like a saved draft; a save that changes nothing writes nothing. The session's version
    stays: the facilitator's page shows who has submitted, never a draft, so a draft
    changes nothing they see (and their reveal is not made stale by someone typing)."""
    participant = _answering_participant(actor, session)
    question = (
        Question.objects.filter(bank=session.assessment.question_bank, code=question_code)
        .prefetch_related("options")
        .first()
    )
    if question is None:
        raise ServiceError(
            _("Unknown question %(code)s.") % {"code": question_code}, f"answer_{question_code}"
        )
    existing = participant.proposals.select_related("option").filter(question=question).first()
    before = existing.option.level if existing and existing.option else None
    proposal = _write_proposal(participant, question, option_id, comment)
    if proposal is None:
        return participant
    audit.record(
        actor=actor,
        organisation=session.assessment.asset.organisation,
        action="consensus.proposed",
        obj=session,
        before={question.code: before} if existing else None,
        after={question.code: proposal.option.level if proposal.option else None},
        object_repr=f"{session.assessment.asset.code}: {actor.email}",
    )
    return participant


def _answering_participant(
    actor: User | None, session: ConsensusSession, guest: Participant | None = None
) -> Participant:
    """The actor's own participation (or the guest's), locked, while the session still takes
    answers. The session row is locked too, so that a reveal cannot slip in between check and
    write."""
    if guest is None and actor is None:
        raise PermissionDenied(_("Only invited participants answer."))
    mine = {"user": actor} if guest is None else {"pk": guest.pk, "user__isnull": True}
    participant = Participant.objects.select_for_update().filter(session=session, **mine).first()
    if participant is None:
        raise PermissionDenied(_("Only invited participants answer."))
    status = (
        ConsensusSession.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=session.pk)
    )
    if status != ConsensusSession.Status.OPEN:
        raise ServiceError(
            _("The answers have been revealed; proposals can no longer be changed."), None
        )
    return participant


def _write_proposal(
    participant: Participant, question: Question, option_id: int | str | None, comment: str | None
) -> Proposal | None:
    """Write one proposal row (the one place that does); None if nothing changed."""
    option = None
    if option_id not in (None, ""):
        option = next((o for o in question.options.all() if o.pk == int(option_id)), None)
        if option is None:
            raise ServiceError(_("Choose one of the answers."), f"answer_{question.code}")
    text = (comment or "").strip()
    proposal = Proposal.objects.filter(participant=participant, question=question).first()
    if proposal is None:
        return Proposal.objects.create(
            participant=participant, question=question, option=option, comment=text
        )
    if proposal.option_id == (option.pk if option else None) and proposal.comment == text:
        return None
    proposal.option = option
    proposal.comment = text
    proposal.save(update_fields=["option", "comment", "updated_at"])
    return proposal


# --- The facilitator ---------------------------------------------------------------------------


@transaction.atomic
def do_reveal(
    *, actor: User, session: ConsensusSession, lock_version: int | None
) -> ConsensusSession:
    _require_facilitator(actor, session)
    session = _lock_session(session, lock_version)
    if session.status != ConsensusSession.Status.OPEN:
        raise ServiceError(_("The answers are already revealed."), None)
    missing = reveal_shortfall(session)
    if missing:
        raise ServiceError(
            _("The answers cannot be revealed yet. Still missing: %(missing)s.")
            % {"missing": ", ".join(missing)},
            None,
        )
    session.status = ConsensusSession.Status.REVEALED
    session.revealed_at = timezone.now()
    session.save(update_fields=["status", "revealed_at"])
    answered = session.participants.filter(submitted_at__isnull=False).count()
    audit.record(
        actor=actor,
        organisation=session.assessment.asset.organisation,
        action="consensus.revealed",
        obj=session,
        after={"submitted": answered, "participants": session.participants.count()},
        object_repr=f"{session.assessment.asset.code} v{session.assessment.version}",
    )
    _bump(session)
    tell.notify_revealed(session, actor)
    return session


@transaction.atomic
def do_decide(
    *,
    actor: User,
    session: ConsensusSession,
    aspect_code: str,
    level: int,
    rationale: str,
    lock_version: int | None,
) -> AspectDecision:
    _require_facilitator(actor, session)
    session = _lock_session(session, lock_version)
    if session.status != ConsensusSession.Status.REVEALED:
        raise ServiceError(_("Levels are agreed after the answers are revealed."), None)
    assessment = session.assessment
    scheme = frameworks.load_scheme(assessment.scheme)
    if aspect_code not in scheme.codes:
        raise ServiceError(_("Unknown aspect %(code)s.") % {"code": aspect_code}, "aspect_code")
    try:
        classification_rules.check_level("level", level, scheme.tops[aspect_code])
    except classification_rules.RuleError as error:
        raise ServiceError(_("Choose a level of the scale."), "level") from error
    rationale = (rationale or "").strip()
    if not rationale:
        raise ServiceError(_("Write down why the session agreed on this level."), "rationale")
    minimum = legal_minimums(assessment).get(aspect_code)
    if minimum is not None and level < minimum:
        raise ServiceError(
            _("The legal triggers require at least level %(level)s for %(aspect)s.")
            % {"level": minimum, "aspect": aspect_code},
            "level",
        )
    existing = AspectDecision.objects.filter(session=session, aspect_code=aspect_code).first()
    before = {"level": existing.level, "rationale": existing.rationale} if existing else None
    decision, _created = AspectDecision.objects.update_or_create(
        session=session,
        aspect_code=aspect_code,
        defaults={"level": level, "rationale": rationale, "decided_by": actor},
    )
    audit.record(
        actor=actor,
        organisation=assessment.asset.organisation,
        action="consensus.decided",
        obj=session,
        before=before,
        after={"aspect": aspect_code, "level": level, "rationale": rationale},
        object_repr=f"{assessment.asset.code} {aspect_code}",
    )
    _bump(session)
    return decision


@transaction.atomic
def do_dissent(*, actor: User, session: ConsensusSession, aspect_code: str, text: str) -> Dissent:
    participant = participant_of(session, actor)
    if participant is None:
        raise PermissionDenied(_("Only participants record dissent."))
    if session.status not in (ConsensusSession.Status.REVEALED, ConsensusSession.Status.CONCLUDED):
        raise ServiceError(_("Dissent is recorded after the answers are revealed."), None)
    if aspect_code not in frameworks.load_scheme(session.assessment.scheme).codes:
        raise ServiceError(_("Unknown aspect %(code)s.") % {"code": aspect_code}, "aspect_code")
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write what you disagree with."), "text")
    dissent = Dissent.objects.create(
        session=session, participant=participant, aspect_code=aspect_code, text=text
    )
    audit.record(
        actor=actor,
        organisation=session.assessment.asset.organisation,
        action="consensus.dissent",
        obj=session,
        after={"aspect": aspect_code, "text": text},
        object_repr=f"{session.assessment.asset.code} {aspect_code}",
    )
    _bump(session)
    return dissent


@transaction.atomic
def do_conclude(*, actor: User, session: ConsensusSession, lock_version: int | None) -> Assessment:
    """The agreed levels become the assessment's results: every question's answer is the
    highest proposal (the maximum principle), and where the agreement differs from what the
    answers give, it is an override with the session's rationale — both stay visible."""
    _require_facilitator(actor, session)
    session = _lock_session(session, lock_version)
    if session.status != ConsensusSession.Status.REVEALED:
        raise ServiceError(_("Reveal the answers and agree on every aspect first."), None)
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("asset", "scheme")
        .get(pk=session.assessment_id)
    )
    scheme = frameworks.load_scheme(assessment.scheme)
    decisions = {d.aspect_code: d for d in session.decisions.all()}
    missing = [c for c in scheme.codes if c not in decisions]
    if missing:
        raise ServiceError(
            _("Agree on a level for %(aspects)s first.") % {"aspects": ", ".join(missing)}, None
        )
    # The computed level is what the classification's own answers give. Answers given in the
    # wizard before the session stay as they are: the session's outcome is its agreement,
    # recorded beside them, so the computed level never jumps to the highest proposal. Only
    # a classification nobody answered takes the session's answers, by the maximum principle.
    if not Answer.objects.filter(assessment=assessment, option__isnull=False).exists():
        highest: dict[int, Proposal] = {}
        for proposal in Proposal.objects.filter(
            participant__session=session, option__isnull=False
        ).select_related("option"):
            current = highest.get(proposal.question_id)
            if current is None or proposal.option.level > current.option.level:
                highest[proposal.question_id] = proposal
        for question_id, proposal in highest.items():
            Answer.objects.update_or_create(
                assessment=assessment,
                question_id=question_id,
                defaults={"option": proposal.option, "comment": proposal.comment},
            )
    AspectResult.objects.filter(assessment=assessment).update(
        override_level=None, override_reason=""
    )
    outcomes = recompute(assessment)
    for code, decision in decisions.items():
        if code not in outcomes or outcomes[code].final == decision.level:
            continue
        AspectResult.objects.filter(assessment=assessment, aspect_code=code).update(
            override_level=decision.level,
            override_reason=_("Agreed in consensus session: %(rationale)s")
            % {"rationale": decision.rationale},
        )
    recompute(assessment)
    session.status = ConsensusSession.Status.CONCLUDED
    session.concluded_at = timezone.now()
    session.save(update_fields=["status", "concluded_at"])
    assessment.status = Assessment.Status.AWAITING_SIGNOFF
    assessment.lock_version = F("lock_version") + 1
    assessment.save(update_fields=["status", "lock_version", "updated_at"])
    assessment.refresh_from_db()
    void_signatures(assessment, _("The agreement was recorded again."), actor=actor)
    audit.record(
        actor=actor,
        organisation=assessment.asset.organisation,
        action="consensus.concluded",
        obj=session,
        after={
            "levels": {c: d.level for c, d in decisions.items()},
            "fingerprint": content_fingerprint(assessment),
        },
        object_repr=f"{assessment.asset.code} v{assessment.version}",
    )
    _bump(session)
    sync_asset(assessment.asset)
    tell.notify_signatures_due(session, assessment, required_sign_roles(assessment.asset), actor)
    return assessment


@transaction.atomic
def do_cancel(*, actor: User, session: ConsensusSession) -> None:
    _require_facilitator(actor, session)
    session = _lock_session(session, None)
    if session.status not in (ConsensusSession.Status.OPEN, ConsensusSession.Status.REVEALED):
        raise ServiceError(_("Only an active session can be cancelled."), None)
    session.status = ConsensusSession.Status.CANCELLED
    session.save(update_fields=["status"])
    Assessment.objects.filter(pk=session.assessment_id).update(
        status=Assessment.Status.DRAFT, lock_version=F("lock_version") + 1
    )
    audit.record(
        actor=actor,
        organisation=session.assessment.asset.organisation,
        action="consensus.cancelled",
        obj=session,
        object_repr=f"{session.assessment.asset.code} v{session.assessment.version}",
    )


# --- Sign-off ---------------------------------------------------------------------------------


def _concluded_session(assessment: Assessment) -> ConsensusSession | None:
    return (
        assessment.consensus_sessions.filter(status=ConsensusSession.Status.CONCLUDED)
        .order_by("-concluded_at")
        .first()
    )


def signing_roles(user: User, assessment: Assessment) -> list[str]:
    """The sign roles this person holds in the concluded session and that are required."""
    session = _concluded_session(assessment)
    if session is None:
        return []
    required = required_sign_roles(assessment.asset)
    return [
        p.session_role for p in session.participants.filter(user=user) if p.session_role in required
    ]


@dataclass
class LevelRow:
    """One aspect's levels told apart: computed from the answers, proposed by each
    participant, agreed in the session (with its rationale), a manual override outside a
    session, the final level and, once approved, the approved level."""

    code: str
    name: Mapping[str, str]
    computed: int | None
    minimum: int | None
    proposed: list[tuple[Participant, int | None]]
    agreed: AspectDecision | None
    override: int | None
    override_reason: str
    final: int | None
    approved: int | None

    @property
    def highest_proposal(self) -> int | None:
        return classification_rules.max_level(level for _p, level in self.proposed)


def decisions_in_order(session: ConsensusSession) -> dict[str, AspectDecision]:
    """The agreed levels in the scheme's order of aspects (K, R, T, S), not the alphabet's."""
    codes = frameworks.load_scheme(session.assessment.scheme).codes
    decisions = {d.aspect_code: d for d in session.decisions.select_related("decided_by")}
    return {code: decisions[code] for code in codes if code in decisions}


def in_scheme_order(session: ConsensusSession, spreads: list[AspectSpread]) -> list[AspectSpread]:
    codes = frameworks.load_scheme(session.assessment.scheme).codes
    return sorted(spreads, key=lambda a: codes.index(a.code) if a.code in codes else len(codes))


def concluded_session(assessment: Assessment) -> ConsensusSession | None:
    """The session whose agreement the assessment's results hold, if any."""
    return _concluded_session(assessment)


def level_rows(assessment: Assessment) -> list[LevelRow]:
    """Every aspect in the scheme's order with its computed, proposed, agreed and approved
    levels; an agreed level is never shown as a manual override."""
    scheme = frameworks.load_scheme(assessment.scheme)
    results = {r.aspect_code: r for r in assessment.results.all()}
    session = _concluded_session(assessment)
    decisions = {d.aspect_code: d for d in session.decisions.all()} if session else {}
    proposed = {a.code: a.levels for a in disagreement(session)} if session else {}
    approved = assessment.status in (Assessment.Status.APPROVED, Assessment.Status.SUPERSEDED)
    rows = []
    for aspect in scheme.aspects:
        result = results.get(aspect.code)
        agreed = decisions.get(aspect.code)
        override = result.override_level if result else None
        from_session = agreed is not None and override == agreed.level
        rows.append(
            LevelRow(
                code=aspect.code,
                name=aspect.name,
                computed=result.computed_level if result else None,
                minimum=result.minimum_level if result else None,
                proposed=proposed.get(aspect.code, []),
                agreed=agreed,
                override=None if from_session else override,
                override_reason="" if from_session or result is None else result.override_reason,
                final=result.final_level if result else None,
                approved=result.final_level if result and approved else None,
            )
        )
    return rows


def approvers(assessment: Assessment) -> list[SignOff]:
    """Everyone whose signature approved the assessment (empty for a direct approval)."""
    if assessment.status not in (Assessment.Status.APPROVED, Assessment.Status.SUPERSEDED):
        return []
    return list(
        assessment.signoffs.filter(voided_at__isnull=True)
        .select_related("user")
        .order_by("signed_at")
    )


@dataclass
class SignerState:
    role: str
    role_label: str
    people: list[User]  # who holds the role in the session
    signoff: SignOff | None  # the valid signature, if given


def signer_states(session: ConsensusSession) -> list[SignerState]:
    """Every signature the classification needs, by role: who signs and whether they have."""
    assessment = session.assessment
    valid = {
        s.role: s for s in assessment.signoffs.filter(voided_at__isnull=True).select_related("user")
    }
    participants = list(session.participants.select_related("user"))
    return [
        SignerState(
            role=role,
            role_label=str(Role(role).label),
            people=[p.user for p in participants if p.user is not None and p.session_role == role],
            signoff=valid.get(role),
        )
        for role in required_sign_roles(assessment.asset)
    ]


@transaction.atomic
def do_sign(
    *, actor: User, assessment: Assessment, role: str, fingerprint: str | None = None
) -> Assessment:
    """Sign the content as shown (``fingerprint`` is what the signer saw). The last required
    signature approves the assessment — unless it needs a protective-security analysis."""
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("asset", "asset__organisation")
        .get(pk=assessment.pk)
    )
    if assessment.status != Assessment.Status.AWAITING_SIGNOFF:
        raise ServiceError(_("This classification is not awaiting signatures."), None)
    if role not in signing_roles(actor, assessment):
        raise PermissionDenied(_("You do not sign this classification in that role."))
    void_stale_signatures(assessment)
    current = content_fingerprint(assessment)
    if fingerprint is not None and fingerprint != current:
        raise StaleVersion(
            _("The classification changed while you read it. Read it again before you sign."), None
        )
    if SignOff.objects.filter(assessment=assessment, role=role, voided_at__isnull=True).exists():
        raise ServiceError(_("Someone has already signed in that role."), "role")
    SignOff.objects.create(assessment=assessment, user=actor, role=role, content_hash=current)
    audit.record(
        actor=actor,
        organisation=assessment.asset.organisation,
        action="signoff.signed",
        obj=assessment,
        after={"role": role, "fingerprint": current},
        object_repr=f"{assessment.asset.code} v{assessment.version}",
    )
    signed = set(
        SignOff.objects.filter(
            assessment=assessment, voided_at__isnull=True, content_hash=current
        ).values_list("role", flat=True)
    )
    if (
        set(required_sign_roles(assessment.asset)) <= signed
        and not assessment.requires_protective_security_analysis
    ):
        assessment = finalise_approval(actor=actor, assessment=assessment)
    return assessment


@transaction.atomic
def do_reject(*, actor: User, assessment: Assessment, reason: str) -> Assessment:
    """A required signer sends the classification back to the session, with a reason."""
    assessment = (
        Assessment.objects.select_for_update().select_related("asset").get(pk=assessment.pk)
    )
    if assessment.status != Assessment.Status.AWAITING_SIGNOFF:
        raise ServiceError(_("This classification is not awaiting signatures."), None)
    if not signing_roles(actor, assessment):
        raise PermissionDenied(_("Only those who must sign may reject."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why you reject the classification."), "reason")
    void_signatures(
        assessment,
        _("Rejected by %(person)s: %(reason)s")
        % {"person": actor.get_full_name(), "reason": reason},
        actor=actor,
    )
    session = _concluded_session(assessment)
    if session is not None:
        session.status = ConsensusSession.Status.REVEALED
        session.concluded_at = None
        session.save(update_fields=["status", "concluded_at"])
        _bump(session)
    assessment.status = Assessment.Status.IN_CONSENSUS
    assessment.lock_version = F("lock_version") + 1
    assessment.save(update_fields=["status", "lock_version", "updated_at"])
    assessment.refresh_from_db()
    audit.record(
        actor=actor,
        organisation=assessment.asset.organisation,
        action="signoff.rejected",
        obj=assessment,
        after={"reason": reason},
        object_repr=f"{assessment.asset.code} v{assessment.version}",
    )
    sync_asset(assessment.asset)
    tell.notify_returned(assessment, reason, actor)
    return assessment
