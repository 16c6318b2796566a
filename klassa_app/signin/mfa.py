"""Two-factor sign-in for password accounts: an authenticator app (TOTP) and recovery codes,
kept by django-otp (``TOTPDevice`` for the app, ``StaticDevice`` for the codes).

When a session must pass a second factor:

- A session has passed it when django-otp verified a device in it (``user.is_verified()``) or
  when the organisation's identity provider asserted one at single sign-on: the sign-in code
  then sets ``request.session[SSO_MFA_SESSION_KEY] = True`` (OpenID Connect ``amr``).
- A person with a confirmed authenticator passes it after every sign-in, a single sign-on
  without that assertion included (``Step.VERIFY``).
- A person who must have one (an organisation admin or security officer of an organisation
  with ``mfa_required``) and has none enrols one before anything else (``Step.ENROL``).
- Everyone else goes on without a second factor.

Whether the person has an authenticator is read once per sign-in (``remember_device_at_login``,
connected in ``KlassaAppConfig.ready``) and kept in the session (``DEVICE_SESSION_KEY``), so
that the check costs no query per request. Enrolling,
disabling or verifying updates it in the session where that happens; the verify and enrol
pages read it again from the database. Another session of the same person that was open
before they enrolled voluntarily is not asked until its next sign-in; for a person who must
have a second factor the enrol page finds the new authenticator and sends to verify.

Every verification, failed verification, enrolment, use of a recovery code, new set of codes,
disabling and reset is an audit event in the trail of each organisation the person belongs
to. Wrong codes are throttled by django-otp (each failure doubles the wait before the next
attempt counts).
"""

from __future__ import annotations

import math
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from klassa_app import access
from klassa_app.account_audit import record_account_event
from klassa_app.models import ORGANISATION_WIDE_ROLES, Membership, User
from klassa_app.services import ServiceError

# Set by the single sign-on code when the identity provider asserted a second factor.
SSO_MFA_SESSION_KEY = "klassa_sso_mfa"
# {"user": pk, "device": bool}: whether the signed-in person has a confirmed authenticator.
DEVICE_SESSION_KEY = "klassa_mfa_device"
# The secret of an authenticator being enrolled, until its first code confirms it.
PENDING_KEY_SESSION_KEY = "klassa_mfa_pending_key"

# The roles that must use a second factor when their organisation requires it.
REQUIRED_ROLES = ORGANISATION_WIDE_ROLES
RECOVERY_CODE_COUNT = 10
ISSUER = "Klassa"
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


class Step(StrEnum):
    """What a signed-in session still has to do before it may go on."""

    NONE = ""
    VERIFY = "verify"
    ENROL = "enrol"


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


# --- Reading ---------------------------------------------------------------------------------


def mfa_required_for(user: User) -> bool:
    """Whether an organisation of the person requires a second factor for one of their roles
    (read from the memberships the request has loaded already)."""
    return any(
        m.role in REQUIRED_ROLES and m.organisation.mfa_required
        for m in access.memberships_of(user)
    )


def authenticator_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def with_mfa_flag(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """The memberships with ``has_mfa``: whether the person has a confirmed authenticator, in
    the same query as the list."""
    return memberships.annotate(
        has_mfa=Exists(TOTPDevice.objects.filter(user=OuterRef("user_id"), confirmed=True))
    )


def session_is_verified(request: HttpRequest) -> bool:
    """Whether this session passed a second factor: here, or at the identity provider."""
    is_verified = getattr(request.user, "is_verified", None)
    if is_verified is not None and is_verified():
        return True
    return request.session.get(SSO_MFA_SESSION_KEY) is True


def remember_device(request: HttpRequest, has_device: bool) -> None:
    request.session[DEVICE_SESSION_KEY] = {"user": request.user.pk, "device": has_device}


@receiver(user_logged_in, dispatch_uid="klassa_mfa_logged_in")
def remember_device_at_login(
    sender: Any, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    """At every sign-in the session learns whether the person has an authenticator (saved
    with the login, so the pages after it ask no more)."""
    if request is not None and hasattr(request, "session"):
        request.session[DEVICE_SESSION_KEY] = {"user": user.pk, "device": has_authenticator(user)}


def session_has_device(request: HttpRequest, *, refresh: bool = False) -> bool:
    """Whether the signed-in person has an authenticator, as kept in the session (read from
    the database the first time in a session, or when ``refresh``)."""
    kept = request.session.get(DEVICE_SESSION_KEY)
    if not refresh and isinstance(kept, dict) and kept.get("user") == request.user.pk:
        return bool(kept.get("device"))
    has_device = has_authenticator(request.user)  # type: ignore[arg-type]  # signed in
    remember_device(request, has_device)
    return has_device


def pending_step(request: HttpRequest, *, refresh: bool = False) -> Step:
    if not request.user.is_authenticated or session_is_verified(request):
        return Step.NONE
    if session_has_device(request, refresh=refresh):
        return Step.VERIFY
    if mfa_required_for(request.user):
        return Step.ENROL
    return Step.NONE


def mark_verified(request: HttpRequest, device: Device) -> None:
    """The session passed its second factor with ``device``: a new session key (the session
    now has more rights), and django-otp's mark."""
    request.session.cycle_key()
    otp_login(request, device)
    remember_device(request, isinstance(device, TOTPDevice) or has_authenticator(device.user))


# --- Enrolment helpers (no writes) ------------------------------------------------------------


def new_secret() -> str:
    """A new authenticator secret: 20 random bytes, hex as django-otp stores it."""
    return str(random_hex(20))


def secret_for_people(key: str) -> str:
    """The secret in base32, as apps ask for it when typed in, in groups of four."""
    text = b32encode(unhexlify(key)).decode("ascii")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(user: User, key: str) -> str:
    """The ``otpauth://`` address that the QR code carries."""
    label = quote(f"{ISSUER}:{user.email}")
    params = urlencode(
        {
            "secret": b32encode(unhexlify(key)).decode("ascii"),
            "issuer": ISSUER,
            "algorithm": "SHA1",
            "digits": 6,
            "period": 30,
        }
    )
    return f"otpauth://totp/{label}?{params}"


def qr_svg(data: str) -> str:
    """A QR code as an inline SVG element (paths only: no script, no style attribute)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, border=2)
    svg = image.to_string(encoding="unicode")
    # A fixed size in pixels instead of millimetres; an image role for assistive technology.
    head, rest = svg.split(">", 1)
    attributes = " ".join(
        part
        for part in head.removeprefix("<svg").split()
        if not part.startswith(("width=", "height="))
    )
    label = _("QR code for the authenticator app")
    return f'<svg {attributes} width="220" height="220" role="img" aria-label="{label}">{rest}'


def normalise_code(code: str) -> str:
    """A code as typed: without spaces and hyphens, in lower case."""
    return "".join(ch for ch in (code or "") if ch not in " -\t").lower()


def looks_like_totp(code: str) -> bool:
    code = normalise_code(code)
    return code.isdigit() and len(code) in (6, 8)


# --- Services --------------------------------------------------------------------------------


def _event_data(ip_address: str, **extra: Any) -> dict[str, Any]:
    return {"ip_address": ip_address, **extra}


def _new_recovery_codes(user: User) -> list[str]:
    """Replaces the person's recovery codes with ``RECOVERY_CODE_COUNT`` new ones."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    device.throttle_reset(commit=False)
    device.confirmed = True
    device.save()
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


def _wait_message(info: dict[str, Any] | None) -> str:
    locked_until = (info or {}).get("locked_until")
    seconds = 1
    if locked_until is not None:
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second and try again.",
        "Too many wrong codes. Wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def do_enrol_totp(*, actor: User, key: str, token: str, ip_address: str = "") -> Enrolment:
    """Confirms a new authenticator with its first code and gives the person their first
    recovery codes. An earlier authenticator of the person is replaced (the views let only
    a session that passed its second factor, or a person without one, get here)."""
    token = normalise_code(token)
    if not token:
        raise ServiceError(_("Enter the code that the app shows."), "code")
    try:
        bin_key = unhexlify(key)
    except (ValueError, TypeError) as exc:
        raise ServiceError(_("Start the enrolment again."), None) from exc
    check = TOTP(bin_key)
    check.time = timezone.now().timestamp()
    if not token.isdigit() or not check.verify(int(token), tolerance=1):
        raise ServiceError(
            _("That code does not match. Check the time on the phone and enter the new code."),
            "code",
        )
    with transaction.atomic():
        # One enrolment of a person at a time: two at once would leave two authenticators.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        replaced = TOTPDevice.objects.filter(user=actor).delete()[0] > 0
        device = TOTPDevice.objects.create(
            user=actor,
            name=AUTHENTICATOR_NAME,
            key=key,
            confirmed=True,
            # The code just used cannot be used again to sign in.
            last_t=check.t(),
            drift=check.drift,
        )
        codes = _new_recovery_codes(actor)
        record_account_event(
            "mfa.enrolled",
            user=actor,
            actor=actor,
            after=_event_data(ip_address, replaced=replaced, recovery_codes=len(codes)),
        )
    return Enrolment(device=device, recovery_codes=codes)


def do_verify(*, actor: User, token: str, ip_address: str = "") -> TOTPDevice:
    """Checks a code from the person's authenticator. A wrong code is audited and throttled
    (the error comes after the transaction, so that both are kept)."""
    error: str | None = None
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=actor, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise ServiceError(_("You have no authenticator app to verify with."), "code")
        allowed, info = device.verify_is_allowed()
        verified = allowed and device.verify_token(normalise_code(token))
        record_account_event(
            "mfa.verified" if verified else "mfa.verify_failed",
            user=actor,
            actor=actor,
            after=_event_data(
                ip_address, method="totp", **({} if allowed else {"throttled": True})
            ),
        )
        if not allowed:
            error = _wait_message(info)
        elif not verified:
            error = _("That code is not right. Enter the code that the app shows now.")
    if error is not None:
        raise ServiceError(error, "code")
    return device


def do_use_recovery_code(*, actor: User, code: str, ip_address: str = "") -> StaticDevice:
    """Signs in with a recovery code instead of the app; each code works once."""
    error: str | None = None
    with transaction.atomic():
        device = (
            StaticDevice.objects.select_for_update()
            .filter(user=actor, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise ServiceError(_("You have no recovery codes."), "code")
        allowed, info = device.verify_is_allowed()
        verified = allowed and device.verify_token(normalise_code(code))
        if verified:
            record_account_event(
                "mfa.recovery_code_used",
                user=actor,
                actor=actor,
                after=_event_data(ip_address, remaining=device.token_set.count()),
            )
        else:
            record_account_event(
                "mfa.verify_failed",
                user=actor,
                actor=actor,
                after=_event_data(
                    ip_address, method="recovery_code", **({} if allowed else {"throttled": True})
                ),
            )
        if not allowed:
            error = _wait_message(info)
        elif not verified:
            error = _("That recovery code is not right, or it has been used already.")
    if error is not None:
        raise ServiceError(error, "code")
    return device


def do_regenerate_recovery_codes(*, actor: User, ip_address: str = "") -> list[str]:
    """Ten new recovery codes; the earlier ones stop working. Shown once, never again."""
    with transaction.atomic():
        if not TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
            raise ServiceError(_("Set up an authenticator app first."), None)
        codes = _new_recovery_codes(actor)
        record_account_event(
            "mfa.recovery_codes_regenerated",
            user=actor,
            actor=actor,
            after=_event_data(ip_address, recovery_codes=len(codes)),
        )
    return codes


def do_disable_mfa(*, actor: User, token: str, ip_address: str = "") -> None:
    """Removes the person's authenticator and recovery codes, with a current code from the
    app (or a recovery code); refused while an organisation requires a second factor of them."""
    if mfa_required_for(actor):
        raise ServiceError(
            _(
                "Your organisation requires two-factor authentication for your role, so it "
                "cannot be turned off. An organisation admin can reset it if the phone is lost."
            ),
            None,
        )
    if looks_like_totp(token):
        do_verify(actor=actor, token=token, ip_address=ip_address)
    else:
        do_use_recovery_code(actor=actor, code=token, ip_address=ip_address)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).delete()
        StaticDevice.objects.filter(user=actor).delete()
        record_account_event("mfa.disabled", user=actor, actor=actor, after=_event_data(ip_address))


def do_reset_mfa(*, actor: User, membership: Membership) -> None:
    """An organisation admin removes a member's authenticator and recovery codes (a lost
    phone); the member sets up a new one at the next sign-in if their role requires it."""
    organisation = membership.organisation
    if not access.can_manage_organisation(actor, organisation):
        raise PermissionDenied(_("Only organisation admins may do this."))
    person = membership.user
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=person).delete()[0]
        StaticDevice.objects.filter(user=person).delete()
        if not removed:
            raise ServiceError(
                _("%(email)s has no two-factor authentication to reset.") % {"email": person.email},
                None,
            )
        record_account_event(
            "mfa.reset",
            user=person,
            actor=actor,
            after={"reset_by": actor.email, "organisation": organisation.code},
        )
