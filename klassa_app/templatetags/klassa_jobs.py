"""Template helpers for the progress panels of background files (reports, exports)."""

from __future__ import annotations

from typing import Any

from django import template

from klassa_app import jobs

register = template.Library()


@register.filter
def waiting_too_long(job: Any) -> bool:
    """``{% if job|waiting_too_long %}``: queued longer than the service should take."""
    return jobs.waiting_too_long(job)
