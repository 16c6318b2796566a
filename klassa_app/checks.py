"""System checks run at start-up (migrate, runserver, check --deploy in the web container)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from klassa_app.demo import DEMO_USERS


@register(Tags.security, Tags.database)
def no_demo_passwords_outside_demo_mode(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
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


# Caches that live inside one process (or on one machine's disk): with several web and
# worker processes each would hold its own copy, and a change seen by one is not seen by
# the others.
PER_PROCESS_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    }
)


@register(Tags.caches)
def production_cache_is_shared(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Refuse a per-process cache in production: every web and worker process must share
    one Redis (CACHE_URL)."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    return [
        Error(
            f"The cache {alias!r} ({config.get('BACKEND')}) is local to one process, "
            "so several web and worker processes would not share it.",
            hint="Set CACHE_URL to a Redis database that every process reaches, "
            "for example redis://redis:6379/1.",
            id="klassa.E002",
        )
        for alias, config in settings.CACHES.items()
        if config.get("BACKEND") in PER_PROCESS_CACHES
    ]
