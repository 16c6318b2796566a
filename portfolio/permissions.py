"""Who may steer the portfolio and set an initiative's priority: django-rules predicates,
registered as named permissions (listed in ``klassa_app/access.py``). They read the
memberships cached on the user, so they cost no queries."""

from __future__ import annotations

import rules

from assessments.models import Initiative
from klassa_app import access
from klassa_app.models import Organisation, Role, User

# Business owners, economists and admins of the initiative's department set its priority.
PRIORITY_EDITOR_ROLES = frozenset({Role.ORG_ADMIN, Role.BUSINESS_OWNER, Role.ECONOMIST})


@rules.predicate
def can_manage_portfolio(user: User, organisation: Organisation | None) -> bool:
    """Budget, weights, forced choices and scenarios are the steering group's: org admins."""
    return access.can_manage_organisation(user, organisation)


@rules.predicate
def can_set_priority(user: User, initiative: Initiative) -> bool:
    return access.can_view_department(user, initiative.department) and bool(
        access.roles_for_department(user, initiative.department) & PRIORITY_EDITOR_ROLES
    )


rules.add_perm("klassa.manage_portfolio", can_manage_portfolio)
rules.add_perm("klassa.set_priority", can_set_priority)
