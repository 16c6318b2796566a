"""The organisation's classification model: aspects and their levels, requirements and the
scheme's rules. Each change makes a new version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from assessments import frameworks
from assessments.models import (
    ClassificationScheme,
    Level,
    Requirement,
)
from klassa_app import access, audit
from klassa_app.derived import figures_changed
from klassa_app.models import User
from klassa_app.services import ServiceError

MIN_LEVELS, MAX_LEVELS = 2, 7


@dataclass(frozen=True)
class LevelText:
    ordinal: int
    name: dict[str, str]
    description: dict[str, str]


def _require_framework_manager(actor: User, organisation) -> None:
    if not access.can_manage_frameworks(actor, organisation):
        raise PermissionDenied(
            _("Only the information-security officer changes the classification model.")
        )


def _texts(value: Mapping[str, str] | None, field: str, required: bool = True) -> dict[str, str]:
    texts = {lang: (value or {}).get(lang, "").strip() for lang in ("sv", "en")}
    if required and not texts["sv"]:
        raise ServiceError(_("Enter the Swedish text."), f"{field}_sv")
    return texts


def _lock_organisation(organisation) -> None:
    # Serialises new versions: two officers saving at once get versions n+1 and n+2.
    type(organisation).objects.select_for_update().filter(pk=organisation.pk).first()


@transaction.atomic
def do_edit_aspect(
    *,
    actor: User,
    organisation,
    code: str,
    name: Mapping[str, str],
    description: Mapping[str, str],
    enabled: bool,
    levels: list[LevelText],
):
    """Rename an aspect, switch an optional one off or on, or change its levels — as a new
    version of the scheme; assessments keep the version they were made with."""
    _require_framework_manager(actor, organisation)
    _lock_organisation(organisation)
    current = frameworks.current_scheme(organisation)
    aspect = current.aspects.filter(code=code).first()
    if aspect is None:
        raise ServiceError(_("Unknown aspect %(code)s.") % {"code": code}, "code")
    if not enabled and not aspect.optional:
        raise ServiceError(_("%(code)s cannot be switched off.") % {"code": code}, "enabled")
    if not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
        raise ServiceError(
            _("An aspect has from %(min)s to %(max)s levels.")
            % {"min": MIN_LEVELS, "max": MAX_LEVELS},
            "level_count",
        )
    if sorted(lv.ordinal for lv in levels) != list(range(len(levels))):
        raise ServiceError(_("Levels are numbered 0, 1, 2 … without gaps."), "level_count")
    new_name = _texts(name, "name")
    new_description = _texts(description, "description", required=False)
    new_levels = [
        LevelText(
            lv.ordinal,
            _texts(lv.name, f"level_{lv.ordinal}_name"),
            _texts(lv.description, f"level_{lv.ordinal}_description", required=False),
        )
        for lv in sorted(levels, key=lambda lv: lv.ordinal)
    ]
    before = {
        "name": aspect.name,
        "enabled": aspect.enabled,
        "levels": [{"ordinal": lv.ordinal, "name": lv.name} for lv in aspect.levels.all()],
    }
    after = {
        "name": new_name,
        "enabled": enabled,
        "levels": [{"ordinal": lv.ordinal, "name": lv.name} for lv in new_levels],
    }
    if (
        before == after
        and aspect.description == new_description
        and all(
            old.description == new.description
            for old, new in zip(aspect.levels.all(), new_levels, strict=False)
        )
    ):
        return current
    new_scheme = frameworks.copy_scheme(current, actor=actor, note=f"{code}")
    copy = new_scheme.aspects.get(code=code)
    copy.name, copy.description, copy.enabled = new_name, new_description, enabled
    copy.save()
    old_levels = {lv.ordinal: lv for lv in copy.levels.all()}
    copy.levels.all().delete()
    Level.objects.bulk_create(
        Level(
            aspect=copy,
            ordinal=lv.ordinal,
            name=lv.name,
            description=lv.description,
            consequences=old_levels[lv.ordinal].consequences if lv.ordinal in old_levels else {},
        )
        for lv in new_levels
    )
    # The scheme or catalogue every initiative is classified and planned with changed.
    figures_changed(organisation, everything=True)
    audit.record(
        actor=actor,
        organisation=organisation,
        action="scheme.version_created",
        obj=new_scheme,
        before={**before, "aspect": code, "version": current.version},
        after={**after, "aspect": code, "version": new_scheme.version},
        object_repr=f"{_('Scheme')} v{new_scheme.version} ({code})",
    )
    return new_scheme


@transaction.atomic
def do_save_requirement(
    *,
    actor: User,
    organisation,
    code: str,
    aspect_code: str,
    min_level: int,
    trigger: str,
    title: Mapping[str, str],
    is_text: Mapping[str, str],
    shall_text: Mapping[str, str],
    original_code: str | None = None,
):
    """Add or change a requirement as a new catalogue version; plans keep theirs."""
    _require_framework_manager(actor, organisation)
    _lock_organisation(organisation)
    code = (code or "").strip().upper()
    if not code:
        raise ServiceError(_("Enter a code."), "code")
    scheme = frameworks.load_scheme(frameworks.current_scheme(organisation))
    if aspect_code not in [a.code for a in scheme.scheme.aspects.all()]:
        raise ServiceError(_("Choose an aspect of the scheme."), "aspect_code")
    top = max(scheme.tops.values(), default=4)
    if not 0 <= min_level <= top:
        raise ServiceError(_("Choose a level of the scale."), "min_level")
    if trigger and trigger not in [
        t for t, _label in Requirement._meta.get_field("trigger").choices
    ]:
        raise ServiceError(_("Choose a legal trigger from the list."), "trigger")
    texts = {
        "title": _texts(title, "title"),
        "is_text": _texts(is_text, "is_text"),
        "shall_text": _texts(shall_text, "shall_text"),
    }
    current = frameworks.current_catalogue(organisation)
    existing = {r.code: r for r in current.requirements.all()}
    if original_code and original_code not in existing:
        raise ServiceError(_("Unknown requirement %(code)s.") % {"code": original_code}, "code")
    if code in existing and code != original_code:
        raise ServiceError(
            _("Another requirement already has the code %(code)s.") % {"code": code}, "code"
        )
    new = frameworks.copy_catalogue(current, actor=actor, note=code)
    fields = {
        "code": code,
        "aspect_code": aspect_code,
        "min_level": min_level,
        "trigger": trigger or "",
        **texts,
    }
    if original_code:
        new.requirements.filter(code=original_code).update(**fields)
    else:
        Requirement.objects.create(catalogue=new, **fields)
    before = None
    if original_code:
        old = existing[original_code]
        before = {
            "code": old.code,
            "aspect_code": old.aspect_code,
            "min_level": old.min_level,
            "trigger": old.trigger,
            "title": old.title,
        }
    # The scheme or catalogue every initiative is classified and planned with changed.
    figures_changed(organisation, everything=True)
    audit.record(
        actor=actor,
        organisation=organisation,
        action="catalogue.version_created",
        obj=new,
        before=before,
        after={k: fields[k] for k in ("code", "aspect_code", "min_level", "trigger", "title")},
        object_repr=f"{_('Requirement catalogue')} v{new.version} ({code})",
    )
    return new


@transaction.atomic
def do_edit_scheme_rules(
    *,
    actor: User,
    organisation,
    downtime_thresholds: list[tuple[Decimal | int, int]],
    legal_minimums: Mapping[str, Mapping[str, int | None]],
    reveal_minimum: str | None = None,
    four_eyes: bool | None = None,
):
    """Change how tolerable downtime maps to availability levels, which minimum levels
    the legal triggers impose and how sessions and approvals run (None keeps a setting) —
    as a new version of the scheme."""
    _require_framework_manager(actor, organisation)
    _lock_organisation(organisation)
    current = frameworks.current_scheme(organisation)
    tops = {
        a.code: max((lv.ordinal for lv in a.levels.all()), default=0) for a in current.aspects.all()
    }
    thresholds: list[list[Any]] = []
    for hours, level in downtime_thresholds:
        if hours is None:
            continue
        hours = Decimal(str(hours))
        if not hours.is_finite() or hours <= 0:
            raise ServiceError(_("Enter a number of hours above 0."), f"downtime_{level}")
        thresholds.append([float(hours) if hours != hours.to_integral() else int(hours), level])
    thresholds.sort(key=lambda t: t[0])
    # Shorter tolerable downtime must mean a higher level.
    levels_in_order = [level for _hours, level in thresholds]
    if levels_in_order != sorted(levels_in_order, reverse=True) or len(set(levels_in_order)) != len(
        levels_in_order
    ):
        raise ServiceError(
            _("A shorter tolerable downtime must give a higher level: check the hours."),
            f"downtime_{levels_in_order[0] if levels_in_order else 0}",
        )
    minimums: dict[str, dict[str, int]] = {}
    for trigger, per_aspect in legal_minimums.items():
        if trigger not in {t for t, _label in Requirement._meta.get_field("trigger").choices}:
            raise ServiceError(_("Unknown legal trigger."), f"minimum_{trigger}")
        for aspect, level in per_aspect.items():
            if level is None:
                continue
            if aspect not in tops:
                raise ServiceError(
                    _("Unknown aspect %(code)s.") % {"code": aspect}, f"minimum_{trigger}_{aspect}"
                )
            if not 0 <= level <= tops[aspect]:
                raise ServiceError(_("Choose a level of the scale."), f"minimum_{trigger}_{aspect}")
            if level > 0:
                minimums.setdefault(trigger, {})[aspect] = level
    if reveal_minimum is None:
        reveal_minimum = current.reveal_minimum
    if reveal_minimum not in ClassificationScheme.RevealMinimum.values:
        raise ServiceError(_("Choose one of the rules."), "reveal_minimum")
    if four_eyes is None:
        four_eyes = current.four_eyes
    if (
        thresholds == [list(t) for t in current.downtime_thresholds]
        and minimums == current.legal_minimums
        and reveal_minimum == current.reveal_minimum
        and four_eyes == current.four_eyes
    ):
        return current
    new = frameworks.copy_scheme(current, actor=actor, note="rules")
    new.downtime_thresholds = thresholds
    new.legal_minimums = minimums
    new.reveal_minimum = reveal_minimum
    new.four_eyes = four_eyes
    new.save(update_fields=["downtime_thresholds", "legal_minimums", "reveal_minimum", "four_eyes"])
    # The scheme or catalogue every initiative is classified and planned with changed.
    figures_changed(organisation, everything=True)
    audit.record(
        actor=actor,
        organisation=organisation,
        action="scheme.version_created",
        obj=new,
        before={
            "downtime_thresholds": current.downtime_thresholds,
            "legal_minimums": current.legal_minimums,
            "reveal_minimum": current.reveal_minimum,
            "four_eyes": current.four_eyes,
            "version": current.version,
        },
        after={
            "downtime_thresholds": thresholds,
            "legal_minimums": minimums,
            "reveal_minimum": reveal_minimum,
            "four_eyes": four_eyes,
            "version": new.version,
        },
        object_repr=f"{_('Scheme')} v{new.version}",
    )
    return new
