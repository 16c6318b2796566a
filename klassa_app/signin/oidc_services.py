"""Sign-in with OpenID Connect: who a verified ID token is, and the organisation's sign-in
settings. Every write checks access, is audited and runs in one transaction.

Who the token is: the provider's stable subject (``sub``, or ``oid`` for Microsoft Entra ID)
matched against the linked external identities, never the e-mail address alone. Without a
linked identity an invited person (an account with a membership in the provider's
organisation) is linked by an e-mail address the provider vouches for (``email_verified``,
or a provider trusted for its addresses); else a new account is made when the provider
creates members (just-in-time, in its default role); else the sign-in is refused.

An organisation's provider is trusted for that organisation only: it signs in no account
that also belongs to another organisation, and no staff or superuser account. The
installation's own provider (from the environment) has no such limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klassa_app import access, audit
from klassa_app.auth_backends import normalise_email
from klassa_app.models import (
    AuditEvent,
    ExternalIdentity,
    IdentityProvider,
    Membership,
    Organisation,
    Role,
    User,
)
from klassa_app.services import ServiceError
from klassa_app.signin import oidc_secrets
from klassa_app.signin.oidc_providers import ProviderConfig, installation_provider, is_allowed_url

MAX_DETAIL = 500
PROVIDER_FIELDS = (
    "label",
    "discovery_url",
    "client_id",
    "subject_claim",
    "scopes",
    "trust_email",
    "jit_role",
    "role_claim",
    "role_mapping",
    "mfa_amr_values",
    "is_active",
)


# --- Refusals --------------------------------------------------------------------------------


def _messages() -> dict[str, str]:
    return {
        "state_mismatch": _(
            "The sign-in could not be matched to one started here (it may have expired or "
            "been opened in another browser). Start again from the login page."
        ),
        "provider_error": _("The identity provider did not complete the sign-in. Try again."),
        "provider_unavailable": _("This identity provider cannot be used at the moment."),
        "token_invalid": _("The identity provider's answer could not be verified."),
        "no_subject": _("The identity provider did not say who you are (no %(claim)s claim)."),
        "no_membership": _(
            "You have no membership in %(organisation)s. Ask an organisation admin to invite you."
        ),
        "email_not_verified": _(
            "Your e-mail address is not confirmed by the identity provider, so it cannot be "
            "linked to your Klassa account. Ask an organisation admin."
        ),
        "already_linked": _(
            "The Klassa account with your e-mail address is linked to another person at this "
            "identity provider. Ask an organisation admin."
        ),
        "other_organisations": _(
            "Your Klassa account belongs to more than %(organisation)s, so this organisation's "
            "identity provider cannot sign it in. Sign in with your password."
        ),
        "inactive": _("Your Klassa account is deactivated."),
        "conflict": _("Another sign-in of yours was under way at the same time. Try again."),
    }


class SignInRefused(Exception):
    """The sign-in is refused: ``reason`` is recorded, ``message`` shown to the person."""

    def __init__(self, reason: str, detail: str = "", **params: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail[:MAX_DETAIL]
        template = _messages().get(reason, _("The sign-in failed."))
        self.message = template % params if params else template


def record_sign_in_failure(
    *,
    config: ProviderConfig | None,
    reason: str,
    detail: str = "",
    ip_address: str = "",
    subject: str = "",
    user: User | None = None,
) -> AuditEvent:
    """A refused or failed sign-in, in the trail of the provider's organisation (without a
    known provider, as a state mismatch is, in the installation's trail)."""
    after: dict[str, Any] = {"reason": reason, "ip_address": ip_address}
    if detail:
        after["detail"] = detail[:MAX_DETAIL]
    if subject:
        after["subject"] = subject[:255]
    if user is not None:
        after["user"] = user.email
    return AuditEvent.objects.create(
        organisation=config.organisation if config is not None else None,
        actor=None,
        actor_label=ip_address,
        action="login.sso_failed",
        object_type="identity_provider",
        object_id=config.key if config is not None else "",
        object_repr=config.label if config is not None else "",
        after=after,
    )


# --- Sign-in ---------------------------------------------------------------------------------


@dataclass
class SignInResult:
    user: User | None
    mfa: bool
    refusal: SignInRefused | None = None


def _claim_text(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value.strip() if isinstance(value, str) else ""


def email_of(claims: dict[str, Any]) -> str:
    """The person's address: ``email``, else an ``preferred_username`` that is one (Entra's
    user principal name usually is)."""
    for name in ("email", "preferred_username"):
        candidate = normalise_email(_claim_text(claims, name))
        try:
            validate_email(candidate)
        except DjangoValidationError:
            continue
        return candidate
    return ""


def email_is_vouched_for(config: ProviderConfig, claims: dict[str, Any]) -> bool:
    return claims.get("email_verified") is True or config.trust_email


def counts_as_second_factor(config: ProviderConfig, claims: dict[str, Any]) -> bool:
    amr = claims.get("amr")
    if isinstance(amr, str):
        amr = [amr]
    if not isinstance(amr, list):
        return False
    return bool({v for v in amr if isinstance(v, str)} & config.mfa_values)


def _belongs_elsewhere(user: User, organisation: Organisation) -> bool:
    return (
        user.is_staff
        or user.is_superuser
        or Membership.objects.filter(user=user).exclude(organisation=organisation).exists()
    )


def _link(config: ProviderConfig, user: User, subject: str, how: str) -> ExternalIdentity:
    identity = ExternalIdentity.objects.create(user=user, provider_key=config.key, subject=subject)
    audit.record(
        actor=user,
        organisation=config.organisation,
        action="sso.identity_linked",
        obj=user,
        after={"provider": config.label, "provider_key": config.key, "subject": subject, "by": how},
        object_repr=user.email,
    )
    return identity


def _new_membership(config: ProviderConfig, user: User, role: str) -> Membership:
    # Nothing to send: the person signs in through the provider (no invitation link).
    membership = Membership.objects.create(
        user=user,
        organisation=config.organisation,
        department=None,
        role=role,
        invitation_sent_at=timezone.now(),
    )
    audit.record(
        actor=user,
        organisation=config.organisation,
        action="membership.created",
        obj=membership,
        after={"user": user.pk, "role": role, "department": None, "by": config.label},
        object_repr=f"{user.email}: {Role(role).label}",
    )
    return membership


def _first_sign_in(
    config: ProviderConfig, claims: dict[str, Any], subject: str
) -> ExternalIdentity:
    organisation = config.organisation
    email = email_of(claims)
    existing = User.objects.filter(email__iexact=email).first() if email else None
    if existing is not None:
        if not Membership.objects.filter(user=existing, organisation=organisation).exists():
            raise SignInRefused(
                "no_membership",
                "an account with the address, no membership",
                organisation=organisation.name,
            )
        if not email_is_vouched_for(config, claims):
            raise SignInRefused("email_not_verified", email)
        if ExternalIdentity.objects.filter(provider_key=config.key, user=existing).exists():
            raise SignInRefused("already_linked", email)
        if not config.is_installation_wide and _belongs_elsewhere(existing, organisation):
            raise SignInRefused("other_organisations", email, organisation=organisation.name)
        return _link(config, existing, subject, "invited e-mail address")
    if config.jit_role and email and email_is_vouched_for(config, claims):
        user = User.objects.create_user(
            email=email, password=None, full_name=_claim_text(claims, "name")[:200]
        )
        audit.record(
            actor=user,
            organisation=organisation,
            action="sso.user_created",
            obj=user,
            after={
                "email": user.email,
                "full_name": user.full_name,
                "provider": config.label,
                "subject": subject,
                "role": config.jit_role,
            },
            object_repr=user.email,
        )
        _new_membership(config, user, config.jit_role)
        return _link(config, user, subject, "created")
    detail = "no account" if email else "no e-mail address in the token"
    if email and config.jit_role:
        detail = "e-mail address not verified"
    raise SignInRefused("no_membership", detail, organisation=organisation.name)


def _role_values(claims: dict[str, Any], name: str) -> list[str] | None:
    """The values of the group or role claim; None when the token does not carry it (Entra
    leaves groups out when a person has too many), so that nothing is changed then."""
    if name not in claims:
        return None
    value = claims[name]
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _apply_role_mapping(config: ProviderConfig, user: User, claims: dict[str, Any]) -> None:
    """Give the organisation-wide roles the provider's groups map to and take back the mapped
    roles the groups no longer give. Roles not in the mapping, and department roles, are
    Klassa's own and left alone; the last organisation admin is never taken away."""
    if not config.role_claim or not config.role_mapping:
        return
    values = _role_values(claims, config.role_claim)
    if values is None:
        return
    organisation = config.organisation
    managed = set(config.role_mapping.values())
    wanted = {config.role_mapping[v] for v in values if v in config.role_mapping}
    current = list(
        Membership.objects.select_for_update()
        .filter(user=user, organisation=organisation, department__isnull=True, role__in=managed)
        .order_by("pk")
    )
    have = {m.role for m in current}
    added = sorted(wanted - have)
    removed: list[str] = []
    for membership in current:
        if membership.role in wanted:
            continue
        if membership.role == Role.ORG_ADMIN:
            others = (
                Membership.objects.select_for_update()
                .filter(organisation=organisation, role=Role.ORG_ADMIN, user__is_active=True)
                .exclude(pk=membership.pk)
            )
            if not others.exists():
                continue
        audit.record(
            actor=user,
            organisation=organisation,
            action="membership.removed",
            obj=membership,
            before={"user": user.pk, "role": membership.role, "department": None},
            object_repr=f"{user.email}: {membership.get_role_display()}",
        )
        removed.append(membership.role)
        membership.delete()
    for role in added:
        _new_membership(config, user, role)
    if added or removed:
        audit.record(
            actor=user,
            organisation=organisation,
            action="sso.roles_mapped",
            obj=user,
            before={"roles": sorted(have)},
            after={
                "roles": sorted((have - set(removed)) | set(added)),
                "added": added,
                "removed": sorted(removed),
                "claim": config.role_claim,
                "provider": config.label,
            },
            object_repr=user.email,
        )
        access.forget_memberships(user)


@transaction.atomic
def do_sign_in_with_oidc(
    *, config: ProviderConfig, claims: dict[str, Any], ip_address: str = ""
) -> SignInResult:
    """Who the verified claims are, with the links, accounts and roles that follow; raises
    ``SignInRefused`` before any write, or returns a refusal once the roles are mapped (a
    person whose groups no longer give a role keeps that change)."""
    subject = _claim_text(claims, config.subject_claim)
    if not subject:
        raise SignInRefused(
            "no_subject", f"no {config.subject_claim} claim", claim=config.subject_claim
        )
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(provider_key=config.key, subject=subject)
        .first()
    )
    if identity is None:
        identity = _first_sign_in(config, claims, subject)
    user = identity.user
    if not user.is_active:
        raise SignInRefused("inactive", user.email)
    if not config.is_installation_wide and _belongs_elsewhere(user, config.organisation):
        raise SignInRefused(
            "other_organisations", user.email, organisation=config.organisation.name
        )
    _apply_role_mapping(config, user, claims)
    if not Membership.objects.filter(user=user, organisation=config.organisation).exists():
        return SignInResult(
            user=None,
            mfa=False,
            refusal=SignInRefused(
                "no_membership", user.email, organisation=config.organisation.name
            ),
        )
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
    mfa = counts_as_second_factor(config, claims)
    amr = claims.get("amr")
    audit.record(
        actor=user,
        organisation=config.organisation,
        action="login.sso_succeeded",
        obj=user,
        after={
            "provider": config.label,
            "provider_key": config.key,
            "subject": subject,
            "amr": amr if isinstance(amr, list) else [],
            "second_factor": mfa,
            "ip_address": ip_address,
        },
        object_repr=user.email,
    )
    return SignInResult(user=user, mfa=mfa)


# --- The organisation's sign-in settings -------------------------------------------------------


def _require_admin(actor: User, organisation: Organisation) -> None:
    if not access.can_manage_organisation(actor, organisation):
        raise PermissionDenied(_("Only organisation admins may do this."))


def _has_active_provider(
    organisation: Organisation, exclude: IdentityProvider | None = None
) -> bool:
    providers = IdentityProvider.objects.filter(organisation=organisation, is_active=True)
    if exclude is not None:
        providers = providers.exclude(pk=exclude.pk)
    if providers.exists():
        return True
    installation = installation_provider()
    return installation is not None and installation.organisation.pk == organisation.pk


@transaction.atomic
def do_update_sign_in_settings(
    *, actor: User, organisation: Organisation, password_sign_in: bool, mfa_required: bool
) -> Organisation:
    _require_admin(actor, organisation)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = {
        "password_sign_in": organisation.password_sign_in,
        "mfa_required": organisation.mfa_required,
    }
    after = {"password_sign_in": bool(password_sign_in), "mfa_required": bool(mfa_required)}
    if before == after:
        return organisation
    if not after["password_sign_in"] and not _has_active_provider(organisation):
        raise ServiceError(
            _(
                "Password sign-in can be turned off only when an active identity provider signs "
                "the members in."
            ),
            "password_sign_in",
        )
    organisation.password_sign_in = after["password_sign_in"]
    organisation.mfa_required = after["mfa_required"]
    organisation.save(update_fields=["password_sign_in", "mfa_required"])
    audit.record(
        actor=actor,
        organisation=organisation,
        action="sign_in.settings_changed",
        obj=organisation,
        before=before,
        after=after,
    )
    return organisation


def _clean_mapping(role_mapping: dict[str, str] | None) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for value, role in (role_mapping or {}).items():
        value, role = str(value).strip(), str(role).strip()
        if not value:
            continue
        if role not in Role.values:
            raise ServiceError(
                _("%(role)s is not a Klassa role (use one of: %(roles)s).")
                % {"role": role, "roles": ", ".join(Role.values)},
                "role_mapping",
            )
        cleaned[value] = role
    return cleaned


@transaction.atomic
def do_save_identity_provider(
    *,
    actor: User,
    organisation: Organisation,
    provider: IdentityProvider | None = None,
    label: str,
    discovery_url: str,
    client_id: str,
    client_secret: str = "",
    subject_claim: str = "sub",
    scopes: str = "openid email profile",
    trust_email: bool = False,
    jit_role: str = "",
    role_claim: str = "",
    role_mapping: dict[str, str] | None = None,
    mfa_amr_values: str = "",
    is_active: bool = True,
) -> IdentityProvider:
    """Add a provider (``provider`` None) or change one. An empty ``client_secret`` keeps the
    one stored; the secret never goes into the audit trail."""
    _require_admin(actor, organisation)
    if provider is not None:
        provider = IdentityProvider.objects.select_for_update().get(
            pk=provider.pk, organisation=organisation
        )
        before: dict[str, Any] | None = audit.snapshot(provider, PROVIDER_FIELDS)
    else:
        provider = IdentityProvider(organisation=organisation)
        before = None
    provider.label = (label or "").strip()
    provider.discovery_url = (discovery_url or "").strip()
    provider.client_id = (client_id or "").strip()
    secret_changed = bool(client_secret)
    if client_secret:
        provider.client_secret_encrypted = oidc_secrets.encrypt(client_secret.strip())
    provider.subject_claim = (subject_claim or "").strip() or "sub"
    provider.scopes = " ".join((scopes or "").split()) or "openid email profile"
    provider.trust_email = bool(trust_email)
    provider.jit_role = jit_role or ""
    provider.role_claim = (role_claim or "").strip()
    provider.role_mapping = _clean_mapping(role_mapping)
    provider.mfa_amr_values = " ".join((mfa_amr_values or "").split())
    provider.is_active = bool(is_active)
    if provider.jit_role and provider.jit_role not in Role.values:
        raise ServiceError(_("Choose a role from the list."), "jit_role")
    if provider.discovery_url and not is_allowed_url(provider.discovery_url):
        raise ServiceError(_("Enter an https address."), "discovery_url")
    if not oidc_secrets.decrypt(provider.client_secret_encrypted):
        raise ServiceError(_("Enter the client secret."), "client_secret")
    if provider.role_mapping and not provider.role_claim:
        raise ServiceError(_("Name the claim whose values are mapped."), "role_claim")
    try:
        provider.full_clean(exclude=["organisation"])
    except DjangoValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(messages[0], field) from exc
    if (
        before is not None
        and before["is_active"]
        and not provider.is_active
        and not organisation.password_sign_in
        and not _has_active_provider(organisation, exclude=provider)
    ):
        raise ServiceError(
            _(
                "Password sign-in is off: turn it on before deactivating the last identity "
                "provider, or no one can sign in."
            ),
            "is_active",
        )
    after = audit.snapshot(provider, PROVIDER_FIELDS)
    if before == after and not secret_changed:
        return provider
    provider.save()
    after["client_secret_changed"] = secret_changed
    audit.record(
        actor=actor,
        organisation=organisation,
        action="sign_in.provider_created" if before is None else "sign_in.provider_changed",
        obj=provider,
        before=before,
        after=after,
    )
    return provider


# --- Linked people ---------------------------------------------------------------------------


def linked_identities(provider: IdentityProvider) -> Any:
    """The people linked to an organisation's provider, with their accounts (one query)."""
    return (
        ExternalIdentity.objects.filter(provider_key=provider.key)
        .select_related("user")
        .order_by("user__email", "pk")
    )


def provider_of_identity(identity: ExternalIdentity) -> IdentityProvider | None:
    prefix, _sep, number = identity.provider_key.partition("-")
    if prefix != "idp" or not number.isdigit():
        return None
    return IdentityProvider.objects.select_related("organisation").filter(pk=int(number)).first()


@transaction.atomic
def do_unlink_external_identity(*, actor: User, identity: ExternalIdentity) -> None:
    """Undo a link: the person's next sign-in through the provider is a first one again (an
    invited address links anew). For a person who left, or an account linked to the wrong
    subject."""
    provider = provider_of_identity(identity)
    if provider is None:
        raise PermissionDenied(_("Only organisation admins may do this."))
    _require_admin(actor, provider.organisation)
    identity = (
        ExternalIdentity.objects.select_for_update().select_related("user").get(pk=identity.pk)
    )
    audit.record(
        actor=actor,
        organisation=provider.organisation,
        action="sso.identity_unlinked",
        obj=identity.user,
        before={
            "provider": provider.label,
            "provider_key": identity.provider_key,
            "subject": identity.subject,
        },
        object_repr=identity.user.email,
    )
    identity.delete()
