"""Read-only support views of register exports and imports and of spreadsheet exports (see
klassa_app.admin.ReadOnlyAdmin)."""

from __future__ import annotations

from django.contrib import admin

from interchange.models import RegisterExportJob, RegisterImportJob, SpreadsheetExportJob
from klassa_app import access
from klassa_app.admin import FileJobAdmin, ReadOnlyAdmin


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


@admin.register(RegisterImportJob)
class RegisterImportJobAdmin(ReadOnlyAdmin):
    # The outcome of imports: for those who may import into the organisation (admins and
    # security officers). The document itself is not shown (it is gone once imported).
    whole = staticmethod(access.can_import_register)
    list_display = ["__str__", "organisation", "status", "requested_by", "created_at"]
    list_filter = ["status"]
    list_select_related = ["organisation", "requested_by"]
    date_hierarchy = "created_at"
    exclude = ["document"]
