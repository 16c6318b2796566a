"""The fingerprint of what is signed, and voiding signatures whose content changed."""

from __future__ import annotations

import hashlib
import json

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    AspectResult,
    Assessment,
    SignOff,
)
from assessments.notifications import notify_voided
from klassa_app import audit
from klassa_app.models import User


def content_fingerprint(assessment: Assessment) -> str:
    """SHA-256 of what is signed: the asset's legal facts and every result, canonical JSON."""
    asset = assessment.asset
    content = {
        "asset": asset.code,
        "version": assessment.version,
        "legal": {
            "personal_data": asset.personal_data,
            "secrecy": asset.secrecy_reference if asset.secrecy else None,
            "protective_security": asset.protective_security,
        },
        "availability": [
            str(assessment.downtime_hours),
            str(assessment.rto_hours),
            str(assessment.rpo_hours),
        ],
        "results": sorted(
            [
                r.aspect_code,
                r.computed_level,
                r.minimum_level,
                r.override_level,
                r.override_reason,
                r.final_level,
            ]
            for r in AspectResult.objects.filter(assessment=assessment)
        ),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def void_signatures(assessment: Assessment, reason: str, *, actor: User | None = None) -> int:
    """Void every valid signature (a material change or a rejection); returns how many. The
    signers are told, except ``actor`` (who caused it)."""
    valid = list(
        SignOff.objects.select_for_update().filter(assessment=assessment, voided_at__isnull=True)
    )
    if not valid:
        return 0
    now = timezone.now()
    for signoff in valid:
        signoff.voided_at = now
        signoff.voided_reason = reason[:300]
        signoff.save(update_fields=["voided_at", "voided_reason"])
        audit.record(
            actor=None,
            organisation=assessment.asset.organisation,
            action="signoff.voided",
            obj=assessment,
            before={
                "role": signoff.role,
                "user": signoff.user.email,
                "fingerprint": signoff.content_hash,
            },
            after={"reason": reason},
        )
    notify_voided(assessment, valid, reason, actor)
    return len(valid)


def void_stale_signatures(assessment: Assessment) -> int:
    """Void signatures whose fingerprint no longer matches the content (a material change)."""
    current = content_fingerprint(assessment)
    stale = SignOff.objects.filter(assessment=assessment, voided_at__isnull=True).exclude(
        content_hash=current
    )
    if not stale.exists():
        return 0
    return void_signatures(assessment, _("The classification changed after it was signed."))
