"""Notifications: what a person should know or do, in the app and by e-mail.

Any app's service calls ``notify`` inside its transaction; the rows are written with the
change and the e-mails go out after it commits (``klassa_app.tasks``), each person by their
own choice per kind: at once, in the daily digest, or not by e-mail.

A notification names the object it is about. Whether its recipient may still see that
object is asked again whenever it is shown or e-mailed: the apps that own the objects say
how, through ``KLASSA_NOTIFICATION_OBJECTS`` (object type → dotted path of a function
``(user, ids) → visible ids``), so the core imports none of them. An object type nobody
answers for is treated as out of sight.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klassa_app import access, audit
from klassa_app.models import (
    Department,
    EmailChoice,
    Notification,
    NotificationKind,
    NotificationPreference,
    Organisation,
    User,
)
from klassa_app.queue import enqueue
from klassa_app.services import ServiceError

Kind = NotificationKind

# The text of each kind, written in the reader's language from the stored parameters.
MESSAGES: dict[str, Promise] = {
    Kind.SESSION_INVITED: gettext_lazy(
        "%(facilitator)s invites you to a consensus session on %(asset)s. Give your answers."
    ),
    Kind.ANSWERS_REVEALED: gettext_lazy(
        "The answers of the consensus session on %(asset)s have been revealed."
    ),
    Kind.SIGNATURES_DUE: gettext_lazy(
        "The consensus session on %(asset)s is concluded. Your signature is due."
    ),
    Kind.SIGNATURES_VOIDED: gettext_lazy(
        "Your signature on %(asset)s was voided: %(reason)s Sign again when it is ready."
    ),
    Kind.ASSESSMENT_APPROVED: gettext_lazy("The classification of %(asset)s was approved."),
    Kind.ASSESSMENT_RETURNED: gettext_lazy(
        "%(person)s rejected the classification of %(asset)s and returned it to the session: "
        "%(reason)s"
    ),
    Kind.REVIEW_DUE: gettext_lazy("The classification of %(asset)s is due for review."),
}

# Without a choice of their own a person gets e-mail at once for what waits on them.
DEFAULT_EMAIL: dict[str, str] = {
    Kind.SESSION_INVITED: EmailChoice.NOW,
    Kind.ANSWERS_REVEALED: EmailChoice.DIGEST,
    Kind.SIGNATURES_DUE: EmailChoice.NOW,
    Kind.SIGNATURES_VOIDED: EmailChoice.NOW,
    Kind.ASSESSMENT_APPROVED: EmailChoice.DIGEST,
    Kind.ASSESSMENT_RETURNED: EmailChoice.NOW,
    # The weekly list of overdue reviews already comes by e-mail.
    Kind.REVIEW_DUE: EmailChoice.NEVER,
}

# Kinds whose e-mail "at once" is sent by a task of their own (the session invitation,
# which lists a whole meeting in one e-mail); that task marks the notifications e-mailed.
OWN_EMAIL_KINDS = frozenset({Kind.SESSION_INVITED})


def text(notification: Notification) -> str:
    """The notification's sentence in the active language."""
    message = MESSAGES.get(notification.kind)
    if message is None:
        return str(notification.get_kind_display())
    try:
        return str(message) % notification.params
    except (KeyError, TypeError, ValueError):
        # A parameter missing from an old row must not break the page.
        return str(notification.get_kind_display())


def object_type(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


# --- Choices ---------------------------------------------------------------------------------


def email_choices(user: User) -> dict[str, str]:
    """Kind → the person's e-mail choice (their own, or the kind's default)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return {kind: chosen.get(kind, DEFAULT_EMAIL[kind]) for kind in Kind.values}


def _choices_of(users: Iterable[User], kind: str) -> dict[int, str]:
    ids = [u.pk for u in users]
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list(
            "user_id", "email"
        )
    )
    return {pk: chosen.get(pk, DEFAULT_EMAIL[kind]) for pk in ids}


@transaction.atomic
def do_set_email_choices(*, actor: User, choices: Mapping[str, str]) -> dict[str, str]:
    """Save the person's e-mail choice per kind; an unknown kind or choice is refused."""
    for kind, choice in choices.items():
        if kind not in Kind.values:
            raise ServiceError(_("Unknown kind of notification."), kind)
        if choice not in EmailChoice.values:
            raise ServiceError(_("Choose one of the e-mail options."), kind)
    before = email_choices(actor)
    for kind, choice in choices.items():
        NotificationPreference.objects.update_or_create(
            user=actor, kind=kind, defaults={"email": choice}
        )
    after = email_choices(actor)
    if after != before:
        audit.record(
            actor=actor,
            organisation=None,
            action="notifications.settings_changed",
            obj=actor,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
            object_repr=actor.email,
        )
    return after


# --- Who still sees what a notification is about -------------------------------------------


@cache
def _checker(kind_of_object: str) -> Any:
    path = settings.KLASSA_NOTIFICATION_OBJECTS.get(kind_of_object)
    return import_string(path) if path else None


def visible(user: User, notifications: Iterable[Notification]) -> list[Notification]:
    """The notifications whose object the person may still see, in the same order; one
    query per object type at most (memberships are read once per user)."""
    notifications = list(notifications)
    wanted: dict[str, set[int]] = defaultdict(set)
    for n in notifications:
        if access.is_member(user, _organisation_stub(n)):
            wanted[n.object_type].add(n.object_id)
    seen: dict[str, set[int]] = {}
    for kind_of_object, ids in wanted.items():
        checker = _checker(kind_of_object)
        seen[kind_of_object] = set(checker(user, ids)) if checker else set()
    return [n for n in notifications if n.object_id in seen.get(n.object_type, ())]


def _organisation_stub(notification: Notification) -> Organisation:
    # ``is_member`` compares ids only: no need to load the organisation.
    return Organisation(pk=notification.organisation_id)


def _can_see(user: User, notification: Notification) -> bool:
    return bool(visible(user, [notification]))


# --- Writing ---------------------------------------------------------------------------------


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    organisation: Organisation,
    params: Mapping[str, Any],
    link: str,
    obj: models.Model,
    department: Department | None = None,
    actor: User | None = None,
) -> list[Notification]:
    """Tell ``recipients`` (each once; never the ``actor`` about their own act) of ``obj``.

    Runs in the caller's transaction; the e-mails of those who want them at once are sent
    after it commits. People who cannot see ``obj`` are left out.
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    people: dict[int, User] = {}
    for user in recipients:
        if user.pk and user.is_active and (actor is None or user.pk != actor.pk):
            people.setdefault(user.pk, user)
    if not people:
        return []
    choices = _choices_of(people.values(), kind)
    now = timezone.now()
    rows = [
        Notification(
            recipient=user,
            organisation=organisation,
            department=department,
            kind=kind,
            params=dict(params),
            link=link,
            object_type=object_type(obj),
            object_id=obj.pk,
            email=choices[user.pk],
            created_at=now,
            emailed_at=now if choices[user.pk] == EmailChoice.NEVER else None,
        )
        for user in people.values()
    ]
    # Checked now as well as at reading: nobody is told of what they cannot see.
    rows = [n for n in rows if _can_see(n.recipient, n)]
    created = Notification.objects.bulk_create(rows)
    if kind not in OWN_EMAIL_KINDS:
        for n in created:
            if n.email == EmailChoice.NOW:
                enqueue("klassa_app.tasks.send_notification_email", n.pk)
    return created


def mark_emailed(*, user: User, kind: str, objects: Iterable[models.Model]) -> int:
    """Record that a kind's own task e-mailed ``user`` about ``objects`` (see OWN_EMAIL_KINDS)."""
    q = Q()
    for obj in objects:
        q |= Q(object_type=object_type(obj), object_id=obj.pk)
    return Notification.objects.filter(
        q, recipient=user, kind=kind, email=EmailChoice.NOW, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())


def _require_recipient(actor: User, notification: Notification) -> None:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied(_("This notification is someone else's."))


# Reading is the person's own state, not a change to the organisation's information, so
# marking read writes no audit event.
@transaction.atomic
def do_mark_read(*, actor: User, notification: Notification) -> Notification:
    _require_recipient(actor, notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def do_mark_all_read(*, actor: User, organisation: Organisation | None = None) -> int:
    """Mark every unread notification of the person read (in one organisation, if given)."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if organisation is not None:
        unread = unread.filter(organisation=organisation)
    return unread.update(read_at=timezone.now())


# --- Reading ---------------------------------------------------------------------------------


def get_visible_notifications(
    user: User, organisation: Organisation | None
) -> QuerySet[Notification]:
    """The person's notifications in the organisation, unread first, newest first. Only a
    coarse department filter is applied here; ``visible`` checks each shown page exactly."""
    if organisation is None or not access.is_member(user, organisation):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user, organisation=organisation)
    departments = access.visible_department_ids(user, organisation)
    if departments is not None:
        qs = qs.filter(Q(department__isnull=True) | Q(department_id__in=departments))
    return qs.order_by(models.F("read_at").desc(nulls_first=True), "-created_at", "-id")


def unread_count(user: User, organisation: Organisation | None) -> int:
    """The number in the menu: one COUNT on the unread index."""
    return get_visible_notifications(user, organisation).filter(read_at__isnull=True).count()


def get_own_notification(user: User, pk: int) -> Notification:
    """The person's own notification; 404 for anyone else's or one about what they no
    longer see."""
    notification = Notification.objects.filter(pk=pk, recipient=user).first()
    if notification is None or not _can_see(user, notification):
        raise Http404("No such notification.")
    return notification
