from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest

from worklist import selectors


def worklist(request: HttpRequest) -> dict[str, Any]:
    """The number of open items on the menu's work-list entry. A callable, so the query runs
    only when a page shows the menu (not for htmx fragments), and once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    organisation = getattr(request, "organisation", None)
    return {"worklist_open_count": partial(selectors.open_item_count, user, organisation)}
