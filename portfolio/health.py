"""The portfolio's queued work for /healthz and the admin's status panel (registered in
``KLASSA_QUEUE_PROBES``): stored results whose optimal selection the worker has not solved."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Min

from klassa_app.models import Organisation
from portfolio.models import PortfolioResult


def oldest_pending_result(organisation: Organisation | None) -> datetime | None:
    results = PortfolioResult.objects.filter(
        optimal__isnull=True, state=PortfolioResult.State.RANKED
    )
    if organisation is not None:
        results = results.filter(organisation=organisation)
    return results.aggregate(oldest=Min("created_at"))["oldest"]
