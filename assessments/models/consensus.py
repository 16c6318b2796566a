"""Consensus sessions: participants answer an assessment independently, propose, decide
per aspect, record dissent and sign off.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models.assets import Assessment
from assessments.models.frameworks import AnswerOption, Question

# --- Consensus sessions and sign-off ---------------------------------------------------------


class ConsensusSession(models.Model):
    """Business, legal and IT answer one assessment independently, then agree on its levels.

    open → revealed (everyone sees every proposal) → concluded (the agreed levels became the
    assessment's results; sign-off follows). Cancelling leaves the assessment a draft.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Collecting answers")
        REVEALED = "revealed", _("Revealed")
        CONCLUDED = "concluded", _("Concluded")
        CANCELLED = "cancelled", _("Cancelled")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="consensus_sessions"
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("facilitator"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    # Sessions opened together for several assets of one department share a meeting: the
    # same people handle the assets one after another.
    meeting = models.UUIDField(_("meeting"), null=True, blank=True, db_index=True)
    # When and where the people meet to agree (optional: they may answer without meeting).
    meeting_at = models.DateTimeField(_("meeting time"), null=True, blank=True)
    meeting_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=60)
    meeting_place = models.CharField(_("place or link"), max_length=300, blank=True)
    # Optimistic concurrency for the facilitator's actions (reveal, decide, conclude).
    lock_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    revealed_at = models.DateTimeField(_("revealed"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)

    class Meta:
        verbose_name = _("consensus session")
        verbose_name_plural = _("consensus sessions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment"],
                condition=models.Q(status__in=["open", "revealed"]),
                name="one_active_session_per_assessment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} ({self.get_status_display()})"


class Participant(models.Model):
    class SessionRole(models.TextChoices):
        BUSINESS_OWNER = "business_owner", _("Business owner")
        LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
        DPO = "dpo", _("Data-protection officer")
        IT = "it", _("IT / system administrator")
        OTHER = "other", _("Other")

    session = models.ForeignKey(
        ConsensusSession, on_delete=models.CASCADE, related_name="participants"
    )
    # A member of the organisation, or (no user) an external guest known by e-mail only.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    session_role = models.CharField(
        _("role in the session"), max_length=20, choices=SessionRole.choices
    )
    submitted_at = models.DateTimeField(_("answers submitted"), null=True, blank=True)
    invitation_sent_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)
    guest_email = models.EmailField(_("guest's e-mail"), blank=True)
    # A guest's link carries this random value, signed with the secret key: clearing it
    # revokes the link, and only the signature's holder can make a link from it.
    guest_nonce = models.CharField(max_length=32, blank=True, editable=False)
    guest_link_expires_at = models.DateTimeField(_("guest link valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], name="participant_once_per_session"
            ),
            models.UniqueConstraint(
                fields=["session", "guest_email"],
                condition=~models.Q(guest_email=""),
                name="guest_once_per_session",
            ),
            # Either a member or a guest, never both nor neither.
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False) & models.Q(guest_email=""))
                | (models.Q(user__isnull=True) & ~models.Q(guest_email="")),
                name="participant_member_or_guest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_session_role_display()})"

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @property
    def name(self) -> str:
        if self.user is None:
            return _("%(email)s (guest)") % {"email": self.guest_email}
        return self.user.get_full_name()

    @property
    def short_name(self) -> str:
        if self.user is None:
            return self.guest_email.split("@")[0]
        return self.user.get_short_name()


class Proposal(models.Model):
    """One participant's answer to one question, hidden from the others until reveal."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="proposals")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(
        AnswerOption, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(fields=["participant", "question"], name="proposal_unique")
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}:{self.question_id}"


class AspectDecision(models.Model):
    """The level the session agreed on for one aspect, and why."""

    session = models.ForeignKey(
        ConsensusSession, on_delete=models.CASCADE, related_name="decisions"
    )
    aspect_code = models.CharField(_("aspect"), max_length=4)
    level = models.PositiveSmallIntegerField(_("agreed level"))
    rationale = models.TextField(_("rationale"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agreed level")
        verbose_name_plural = _("agreed levels")
        ordering = ["session", "aspect_code"]
        constraints = [
            models.UniqueConstraint(fields=["session", "aspect_code"], name="decision_per_aspect"),
            models.CheckConstraint(
                condition=~models.Q(rationale=""), name="decision_needs_rationale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aspect_code}={self.level}"


class Dissent(models.Model):
    """A participant's recorded disagreement, kept in the minutes."""

    session = models.ForeignKey(ConsensusSession, on_delete=models.CASCADE, related_name="dissents")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="dissents")
    aspect_code = models.CharField(_("aspect"), max_length=4)
    text = models.TextField(_("dissent"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dissent")
        verbose_name_plural = _("dissents")
        ordering = ["session", "created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="dissent_needs_text"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.aspect_code}"


class SignOff(models.Model):
    """A signature on an assessment's content, identified by a fingerprint of that content.
    A material change voids it (voided_at set), and the reason is kept."""

    class SignRole(models.TextChoices):
        BUSINESS_OWNER = "business_owner", _("Business owner")
        LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
        DPO = "dpo", _("Data-protection officer")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="signoffs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("signs as"), max_length=20, choices=SignRole.choices)
    content_hash = models.CharField(_("fingerprint"), max_length=64)
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_reason = models.CharField(_("why voided"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["assessment", "signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "role"],
                condition=models.Q(voided_at__isnull=True),
                name="one_valid_signature_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"
