"""System checks run at start-up (migrate, runserver, check --deploy in the web container)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from klassa_app.demo import DEMO_USERS


@register(Tags.security, Tags.database)
def no_demo_passwords_outside_demo_mode(
    app_configs: Any = None, databases: list[str] | None = None, **kwargs: Any
) -> list[Error]:
    """Refuse to run a real installation where a published demo password still works.

    Like Django's own database checks it runs only when asked for a database
    (``check --database default``, ``migrate``), as the web container does at start-up.
    """
    if settings.DEMO_MODE or not databases:
        return []
    from klassa_app.models import User

    errors = []
    try:
        users = {u.email: u for u in User.objects.filter(email__in=[d.email for d in DEMO_USERS])}
    except DatabaseError:
        return []  # not migrated yet: no users, nothing to refuse
    for demo in DEMO_USERS:
        user = users.get(demo.email)
        if user is not None and user.is_active and user.check_password(demo.password):
            errors.append(
                Error(
                    f"The demo account {demo.email} still has its published password.",
                    hint="Deactivate the account or set a new password (manage.py changepassword).",
                    id="klassa.E001",
                )
            )
    return errors
