"""The audit trail as a spreadsheet: the events of one organisation that the audit page shows
for the same filters (``selectors.audit_events``), newest first, with the action's readable
name and its before/after as compact JSON. Built in the background (see
``interchange.spreadsheet_export``); the headers are in the language active when it runs."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from klassa_app import selectors, spreadsheet
from klassa_app.audit_labels import action_label
from klassa_app.models import AuditEvent, Organisation

# Events read from the database at a time: a trail of any length in bounded memory.
CHUNK = 2000
FILTER_KEYS = ("q", "action", "date_from", "date_to")


def compact_json(value: Any) -> str:
    """A recorded before/after as one line of JSON ("" for none)."""
    if value is None:
        return ""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder
    )


def selector_filters(stored: Mapping[str, Any]) -> dict[str, Any]:
    """The filters of an export (as stored in JSON) as ``selectors.audit_events`` takes them."""
    filters: dict[str, Any] = {}
    for key in FILTER_KEYS:
        value = stored.get(key)
        if not value:
            continue
        filters[key] = date.fromisoformat(value) if key.startswith("date_") else str(value)
    return filters


def events(organisation: Organisation, stored: Mapping[str, Any]) -> QuerySet[AuditEvent]:
    return selectors.audit_events(organisation, **selector_filters(stored))


def _rows(organisation: Organisation, stored: Mapping[str, Any]) -> Iterator[list[Any]]:
    fields = ("created_at", "actor_label", "action", "object_repr", "before", "after")
    for event in events(organisation, stored).only(*fields).iterator(chunk_size=CHUNK):
        yield [
            event.created_at,
            event.actor_label,
            action_label(event.action),
            event.action,
            event.object_repr,
            compact_json(event.before),
            compact_json(event.after),
        ]


def audit_table(organisation: Organisation, stored: Mapping[str, Any]) -> spreadsheet.Table:
    columns = [
        spreadsheet.Column(_("Time"), spreadsheet.DATETIME, 20),
        spreadsheet.Column(_("Who"), width=28),
        spreadsheet.Column(_("Action"), width=32),
        spreadsheet.Column(_("Action code"), width=24),
        spreadsheet.Column(_("Object"), width=36),
        spreadsheet.Column(_("Before"), width=48),
        spreadsheet.Column(_("After"), width=48),
    ]
    return spreadsheet.Table(_("Audit trail"), columns, _rows(organisation, stored))
