"""What the classification app tells people (through ``klassa_app.notifications``), and
who may still see the objects its notifications are about.

The services call the ``notify_*`` functions inside their transactions. The ``visible_*``
functions are named in ``KLASSA_NOTIFICATION_OBJECTS``: the core asks them, at display and
at sending, whether a person may still see a session, an assessment or an asset.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse

from assessments.models import Assessment, ConsensusSession, InformationAsset, SignOff
from klassa_app import access
from klassa_app.models import Department, Membership, Notification, NotificationKind, User
from klassa_app.notifications import notify, object_type

Kind = NotificationKind


# --- Who still sees the object ---------------------------------------------------------------


def _sees(user: User, organisation_id: int, department_id: int) -> bool:
    # ``can_view_department`` compares ids only: no need to load the department.
    return access.can_view_department(
        user, Department(pk=department_id, organisation_id=organisation_id)
    )


def visible_session_ids(user: User, ids: Iterable[int]) -> set[int]:
    """Sessions the person facilitates or was invited to, in a department they see (as
    ``consensus.get_session_for_user``)."""
    rows = (
        ConsensusSession.objects.filter(pk__in=list(ids))
        .filter(Q(facilitator=user) | Q(participants__user=user))
        .values_list("pk", "assessment__asset__organisation_id", "assessment__asset__department_id")
        .distinct()
    )
    return {pk for pk, org, dept in rows if _sees(user, org, dept)}


def visible_assessment_ids(user: User, ids: Iterable[int]) -> set[int]:
    rows = Assessment.objects.filter(pk__in=list(ids)).values_list(
        "pk", "asset__organisation_id", "asset__department_id"
    )
    return {pk for pk, org, dept in rows if _sees(user, org, dept)}


def visible_asset_ids(user: User, ids: Iterable[int]) -> set[int]:
    rows = InformationAsset.objects.filter(pk__in=list(ids)).values_list(
        "pk", "organisation_id", "department_id"
    )
    return {pk for pk, org, dept in rows if _sees(user, org, dept)}


# --- Who is told ------------------------------------------------------------------------------


def department_editors(department: Department) -> list[User]:
    """The people who describe and classify the department's assets in that department
    itself (organisation-wide roles hear of everything through their own lists)."""
    return [
        m.user
        for m in Membership.objects.filter(
            department=department,
            role__in=sorted(access.ASSET_EDITOR_ROLES),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user_id")
    ]


def _asset_label(asset: InformationAsset) -> str:
    return f"{asset.code} {asset.name}"


def _latest_facilitator(assessment: Assessment) -> list[User]:
    session = (
        assessment.consensus_sessions.exclude(status=ConsensusSession.Status.CANCELLED)
        .select_related("facilitator")
        .order_by("-pk")
        .first()
    )
    return [session.facilitator] if session is not None else []


def _members(session: ConsensusSession, roles: set[str] | None = None) -> list[User]:
    """The session's participants with an account (in ``roles``, if given); a guest is
    reached by the invitation e-mail with their link instead."""
    return [
        p.user
        for p in session.participants.filter(user__isnull=False).select_related("user")
        if p.user is not None and (roles is None or p.session_role in roles)
    ]


def notify_invited(session: ConsensusSession, actor: User) -> None:
    asset = session.assessment.asset
    notify(
        recipients=_members(session),
        kind=Kind.SESSION_INVITED,
        organisation=asset.organisation,
        department=asset.department,
        params={"asset": _asset_label(asset), "facilitator": actor.get_full_name()},
        link=reverse("session_answer", args=[session.pk]),
        obj=session,
        actor=actor,
    )


def notify_revealed(session: ConsensusSession, actor: User) -> None:
    asset = session.assessment.asset
    notify(
        recipients=_members(session),
        kind=Kind.ANSWERS_REVEALED,
        organisation=asset.organisation,
        department=asset.department,
        params={"asset": _asset_label(asset)},
        link=reverse("session_detail", args=[session.pk]),
        obj=session,
        actor=actor,
    )


def notify_signatures_due(
    session: ConsensusSession, assessment: Assessment, roles: Iterable[str], actor: User
) -> None:
    """The participants who must sign, in the roles the assessment needs."""
    asset = assessment.asset
    needed = set(roles)
    notify(
        recipients=_members(session, roles=needed),
        kind=Kind.SIGNATURES_DUE,
        organisation=asset.organisation,
        department=asset.department,
        params={"asset": _asset_label(asset)},
        # Signing is a form on the session page (the sign URL itself takes only a POST).
        link=reverse("session_detail", args=[session.pk]),
        obj=assessment,
        actor=actor,
    )


def notify_voided(
    assessment: Assessment, signoffs: Iterable[SignOff], reason: str, actor: User | None
) -> None:
    asset = assessment.asset
    notify(
        recipients=[s.user for s in signoffs],
        kind=Kind.SIGNATURES_VOIDED,
        organisation=asset.organisation,
        department=asset.department,
        params={"asset": _asset_label(asset), "reason": reason},
        link=reverse("assessment_detail", args=[assessment.pk]),
        obj=assessment,
        actor=actor,
    )


def notify_approved(assessment: Assessment, actor: User) -> None:
    asset = assessment.asset
    notify(
        recipients=department_editors(asset.department) + _latest_facilitator(assessment),
        kind=Kind.ASSESSMENT_APPROVED,
        organisation=asset.organisation,
        department=asset.department,
        params={"asset": _asset_label(asset)},
        link=reverse("assessment_detail", args=[assessment.pk]),
        obj=assessment,
        actor=actor,
    )


def notify_returned(assessment: Assessment, reason: str, actor: User) -> None:
    asset = assessment.asset
    notify(
        recipients=department_editors(asset.department) + _latest_facilitator(assessment),
        kind=Kind.ASSESSMENT_RETURNED,
        organisation=asset.organisation,
        department=asset.department,
        params={
            "asset": _asset_label(asset),
            "person": actor.get_full_name(),
            "reason": reason,
        },
        link=reverse("assessment_detail", args=[assessment.pk]),
        obj=assessment,
        actor=actor,
    )


def notify_review_due(asset: InformationAsset) -> int:
    """Tell the department's editors once per review date; returns how many were told."""
    already = set(
        Notification.objects.filter(
            kind=Kind.REVIEW_DUE,
            object_type=object_type(asset),
            object_id=asset.pk,
            created_at__date__gte=asset.review_due,
        ).values_list("recipient_id", flat=True)
    )
    created = notify(
        recipients=[u for u in department_editors(asset.department) if u.pk not in already],
        kind=Kind.REVIEW_DUE,
        organisation=asset.organisation,
        department=asset.department,
        params={"asset": _asset_label(asset)},
        link=reverse("asset_detail", args=[asset.pk]),
        obj=asset,
    )
    return len(created)
