"""Read-only support view of register and spreadsheet exports (see
klassa_app.admin.ReadOnlyAdmin)."""

from __future__ import annotations

from django.contrib import admin

from interchange.models import RegisterExportJob, SpreadsheetExportJob
from klassa_app import access
from klassa_app.admin import FileJobAdmin


@admin.register(RegisterExportJob)
class RegisterExportJobAdmin(FileJobAdmin):
    # The whole register: those who may export it in the application (admins, security
    # officers, organisation-wide auditors).
    whole = staticmethod(access.can_view_audit)
    requeue_task = "interchange.tasks.build_register_export"
    exclude = ["file"]


@admin.register(SpreadsheetExportJob)
class SpreadsheetExportJobAdmin(FileJobAdmin):
    # A list as its requester saw it: organisation-wide members see the organisation's jobs.
    requeue_task = "interchange.tasks.build_spreadsheet_export"
    list_display = ["__str__", "organisation", "kind", "format", "status", "created_at"]
    list_filter = ["status", "kind", "format"]
    exclude = ["file"]
