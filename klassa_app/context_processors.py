from __future__ import annotations

from functools import cache, partial
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from klassa_app import access, notifications


def klassa(request: HttpRequest) -> dict[str, Any]:
    organisation = getattr(request, "organisation", None)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"demo_mode": settings.DEMO_MODE}
    return {
        "demo_mode": settings.DEMO_MODE,
        "current_organisation": organisation,
        "my_organisations": access.organisations_for(user),
        "can_manage_organisation": access.can_manage_organisation(user, organisation),
        "can_view_audit": access.can_view_audit(user, organisation),
        "can_import_register": access.can_import_register(user, organisation),
        # Counted only when a template shows it (partials do not), at most once per request.
        "unread_notifications": cache(partial(notifications.unread_count, user, organisation)),
    }
