"""Who may change a benefit model and its tracking: django-rules predicates, registered as
named permissions (listed in ``klassa_app/access.py``). They read the memberships cached on
the user, so they cost no queries."""

from __future__ import annotations

import rules

from assessments.models import Initiative
from benefits.models import BenefitTracking
from klassa_app import access
from klassa_app.models import Role, User

# Business owners, economists and admins of the initiative's department edit its model.
BENEFIT_EDITOR_ROLES = frozenset({Role.ORG_ADMIN, Role.BUSINESS_OWNER, Role.ECONOMIST})


@rules.predicate
def can_edit_benefit_model(user: User, initiative: Initiative) -> bool:
    return access.can_view_department(user, initiative.department) and bool(
        access.roles_for_department(user, initiative.department) & BENEFIT_EDITOR_ROLES
    )


@rules.predicate
def can_edit_tracking(user: User, initiative: Initiative) -> bool:
    """Owners, indicators, baselines and targets: the benefit model's editors."""
    return can_edit_benefit_model(user, initiative)


@rules.predicate
def can_record_actuals(user: User, tracking: BenefitTracking) -> bool:
    """Actuals: the editors, and the owner of the lever's benefit while they still see it.
    Reads the initiative through ``tracking.benefit_model`` (the callers have both loaded)."""
    initiative = tracking.benefit_model.initiative
    if can_edit_tracking(user, initiative):
        return True
    return (
        tracking.owner_id is not None
        and tracking.owner_id == user.pk
        and access.can_view_department(user, initiative.department)
    )


rules.add_perm("klassa.edit_benefit_model", can_edit_benefit_model)
rules.add_perm("klassa.edit_tracking", can_edit_tracking)
rules.add_perm("klassa.record_actuals", can_record_actuals)
