"""The shared core: users, organisations, departments, memberships and the audit trail."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # E-mail addresses are compared case-insensitively at login.
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. What they may see follows from their memberships."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("May log in to the technical administration (Django admin)."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("The language chosen with the language switch; used again at each login."),
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organisation(models.Model):
    """A municipality, region, agency or association. Nothing is shared across them."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        REGION = "region", _("Region")
        AGENCY = "agency", _("Government agency")
        ASSOCIATION = "association", _("Association of municipalities")
        COMPANY = "company", _("Municipal company")

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short identifier used in files and commands, e.g. norrkoping."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=11,
        blank=True,
        validators=[RegexValidator(r"^\d{6}-\d{4}$", _("Use the form 212000-0000."))],
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"),
        default=12,
        help_text=_("How long an approved classification stays valid before review."),
    )
    password_sign_in = models.BooleanField(
        _("password sign-in"),
        default=True,
        help_text=_(
            "Off: members sign in only through the organisation's identity provider, and "
            "the login page shows no password form for them."
        ),
    )
    mfa_required = models.BooleanField(
        _("two-factor authentication required"),
        default=False,
        help_text=_(
            "Organisation admins and security officers who sign in with a password must "
            "use a second factor (an authenticator app)."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department (förvaltning) — or, in an association, a member municipality."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        MEMBER = "member", _("Member organisation")
        UNIT = "unit", _("Unit")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name=_("organisation"),
    )
    code = models.CharField(
        _("code"),
        max_length=20,
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9_-]*$",
                _("Use capital letters A–Z, digits, hyphen and underscore."),
            )
        ],
        help_text=_("Short code, unique within the organisation, e.g. UTB."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Archived departments keep their history but take no new work."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="department_code_unique_in_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Organisation admin")
    SECURITY_OFFICER = "security_officer", _("Information-security officer")
    BUSINESS_OWNER = "business_owner", _("Business owner")
    LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
    DPO = "dpo", _("Data-protection officer")
    ECONOMIST = "economist", _("Economist")
    VIEWER = "viewer", _("Viewer")


# These roles act for the whole organisation and are never tied to one department.
ORGANISATION_WIDE_ROLES = frozenset({Role.ORG_ADMIN, Role.SECURITY_OFFICER})


class Membership(models.Model):
    """A user's role in an organisation, for one department or (no department) all of them."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("department"),
        help_text=_("Leave empty for the whole organisation."),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    # Null until the invitation e-mail is handed to the mail server; a periodic task
    # sends what is still pending, so a broker outage loses no invitation.
    invitation_sent_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__full_name", "user__email", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(department__isnull=True),
                name="membership_unique_org_wide_role",
            ),
            models.UniqueConstraint(
                fields=["user", "department", "role"],
                condition=Q(department__isnull=False),
                name="membership_unique_department_role",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in ORGANISATION_WIDE_ROLES))
                | Q(department__isnull=True),
                name="membership_org_wide_roles_have_no_department",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        # No query for the department when there is none: its id is None.
        scope = self.department.name if self.department is not None else self.organisation.name
        return f"{self.user} — {self.get_role_display()} ({scope})"

    @property
    def is_organisation_wide(self) -> bool:
        return self.department_id is None


# What an identity provider's ``amr`` (authentication methods, RFC 8176) may contain to count
# as a second factor: several factors (mfa), a one-time code (otp, sms), a hardware or smart
# card key (hwk, sc) or a FIDO authenticator (fido, used by some providers).
DEFAULT_MFA_AMR_VALUES = "mfa otp hwk sc sms fido"


class IdentityProvider(models.Model):
    """An OpenID Connect provider (Microsoft Entra ID, or any standard one) that signs the
    organisation's people in. The installation may have one more, read from the environment
    (``settings.OIDC_*``); it is not stored here."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="identity_providers",
        verbose_name=_("organisation"),
    )
    label = models.CharField(
        _("button label"),
        max_length=80,
        help_text=_('Shown on the login page as "Log in with …", e.g. Microsoft Entra ID.'),
    )
    discovery_url = models.URLField(
        _("issuer or discovery URL"),
        max_length=500,
        help_text=_(
            "The issuer, e.g. https://login.microsoftonline.com/<tenant id>/v2.0, or its "
            ".well-known/openid-configuration address."
        ),
    )
    client_id = models.CharField(_("client id"), max_length=200)
    # Encrypted by klassa_app.signin.oidc_secrets; never shown again once saved.
    client_secret_encrypted = models.TextField(_("client secret (encrypted)"), blank=True)
    subject_claim = models.CharField(
        _("subject claim"),
        max_length=60,
        default="sub",
        help_text=_(
            "The claim that identifies a person for good. Microsoft Entra ID: oid. "
            "People are never matched on their e-mail address alone."
        ),
    )
    scopes = models.CharField(_("scopes"), max_length=300, default="openid email profile")
    trust_email = models.BooleanField(
        _("trust the provider's e-mail addresses"),
        default=False,
        help_text=_(
            "On: an invited person's account is linked at the first sign-in by the e-mail "
            "address even when the provider does not mark it as verified (Microsoft Entra "
            "ID does not). Turn on only for a provider that controls its addresses."
        ),
    )
    jit_role = models.CharField(
        _("create new members with the role"),
        max_length=30,
        choices=Role.choices,
        blank=True,
        help_text=_(
            "Empty: only invited people may sign in. A role: a person the provider knows "
            "who has no account yet gets one, with this role for the whole organisation."
        ),
    )
    role_claim = models.CharField(
        _("group or role claim"),
        max_length=60,
        blank=True,
        help_text=_("E.g. groups or roles. Empty: roles are managed in Klassa only."),
    )
    role_mapping = models.JSONField(
        _("roles by claim value"),
        default=dict,
        blank=True,
        help_text=_("Claim value (e.g. a group's object id) → Klassa role."),
    )
    mfa_amr_values = models.CharField(
        _("methods that count as a second factor"),
        max_length=200,
        default=DEFAULT_MFA_AMR_VALUES,
        help_text=_("Values of the amr claim, separated by spaces."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        ordering = ["organisation__name", "label", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> str:
        """The name its people's external identities are kept under."""
        return f"idp-{self.pk}"


class ExternalIdentity(models.Model):
    """A person as an identity provider knows them: the provider's stable subject, linked to
    one account. Sign-in through the provider matches on (provider, subject) only."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="external_identities",
        verbose_name=_("user"),
    )
    # "idp-<id>" for an organisation's provider, "installation" for the environment's.
    provider_key = models.CharField(_("provider"), max_length=40)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        ordering = ["provider_key", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_key", "subject"], name="external_identity_unique_subject"
            ),
            models.UniqueConstraint(
                fields=["provider_key", "user"], name="external_identity_one_per_provider"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider_key}: {self.subject}"


class AuditEvent(models.Model):
    """One change that matters: who did what to which object, and how it looked before/after.

    Written only by services (see klassa_app.audit); never updated or deleted.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("organisation"),
    )
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Kept as text too, so the trail still names a person whose account was deleted.
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit events are append-only.")

    @property
    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for every field whose value differs."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class FileJob(models.Model):
    """A file built in the background (reports, exports): its state, progress and the
    language it is written in. ``klassa_app.jobs`` moves it queued → running → done | failed;
    each kind adds what it is about, its ``kind`` and its ``file``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    CONTENT_TYPES = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf",
    }

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    # The language active when the file was requested; the file is written in it.
    language = models.CharField(_("language"), max_length=10)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class NotificationKind(models.TextChoices):
    """What a person is told about. The one list of kinds: the texts, the default e-mail
    choice and the settings page all follow it (see klassa_app.notifications)."""

    SESSION_INVITED = "session_invited", _("Invitation to a consensus session")
    ANSWERS_REVEALED = "answers_revealed", _("Answers revealed in a consensus session")
    SIGNATURES_DUE = "signatures_due", _("Session concluded: your signature is due")
    SIGNATURES_VOIDED = "signatures_voided", _("Your signature was voided")
    ASSESSMENT_APPROVED = "assessment_approved", _("Classification approved")
    ASSESSMENT_RETURNED = "assessment_returned", _("Classification rejected and returned")
    REVIEW_DUE = "review_due", _("Classification review due")


class EmailChoice(models.TextChoices):
    """How a person wants to hear of a kind of notification by e-mail (always in the app)."""

    NOW = "now", _("E-mail at once")
    DIGEST = "digest", _("In the daily digest")
    NEVER = "never", _("Not by e-mail")


class Notification(models.Model):
    """Something a person should know or do, in the app and (by choice) by e-mail.

    The text is stored as its kind and parameters, so that it is written in the reader's
    language when it is read. ``object_type``/``object_id`` name what it is about: who sees
    it is checked again whenever it is shown or e-mailed, so a person who lost access to
    the object no longer hears of it. ``department`` lets the unread count filter out the
    departments the person no longer sees in the same query.
    """

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("organisation"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.PositiveBigIntegerField(_("object id"))
    # The recipient's choice when it was written: a later change of mind does not resend.
    email = models.CharField(
        _("e-mail"), max_length=10, choices=EmailChoice.choices, default=EmailChoice.NEVER
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Set when handed to the mail server, or when it was decided never to send it.
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "organisation", "-created_at"],
                name="notification_mine_newest",
            ),
            models.Index(
                fields=["recipient", "organisation"],
                condition=Q(read_at__isnull=True),
                name="notification_mine_unread",
            ),
            models.Index(
                fields=["email", "created_at"],
                condition=Q(emailed_at__isnull=True),
                name="notification_email_pending",
            ),
            models.Index(fields=["object_type", "object_id"], name="notification_object"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} — {self.get_kind_display()}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A person's e-mail choice for one kind; without a row the kind's default holds."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    email = models.CharField(_("e-mail"), max_length=10, choices=EmailChoice.choices)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()}: {self.get_email_display()}"
