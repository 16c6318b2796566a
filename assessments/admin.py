"""Read-only support views of classification data and background reports, scoped like the
application (see klassa_app.admin). Changes go through the application's pages."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest

from assessments.models import (
    ConsensusSession,
    InformationAsset,
    Initiative,
    Participant,
    ReportJob,
)
from klassa_app.admin import FileJobAdmin, ReadOnlyAdmin


def _takes_part(request: HttpRequest, prefix: str = "") -> Q:
    """The user leads or joins the session (the row itself, or the one at ``prefix``, e.g.
    "session__"): sessions and their minutes show to their facilitator and participants only,
    as in the application."""
    session = OuterRef(prefix.removesuffix("__") or "pk")
    joined = Participant.objects.filter(session=session, user=request.user.pk)
    return Q(**{f"{prefix}facilitator": request.user.pk}) | Q(Exists(joined))


@admin.register(InformationAsset)
class InformationAssetAdmin(ReadOnlyAdmin):
    department_paths = ("department",)
    list_display = ["code", "name", "organisation", "department", "status"]
    list_filter = ["status", "personal_data"]
    list_select_related = ["organisation", "department"]
    search_fields = ["code", "name"]


@admin.register(Initiative)
class InitiativeAdmin(ReadOnlyAdmin):
    department_paths = ("department",)
    list_display = ["code", "name", "organisation", "department", "updated_at"]
    list_select_related = ["organisation", "department"]
    search_fields = ["code", "name"]


@admin.register(ConsensusSession)
class ConsensusSessionAdmin(ReadOnlyAdmin):
    organisation_path = "assessment__asset__organisation"
    department_paths = ("assessment__asset__department",)
    list_display = ["__str__", "facilitator", "status", "created_at", "concluded_at"]
    list_filter = ["status"]
    list_select_related = ["assessment__asset", "facilitator"]
    date_hierarchy = "created_at"

    def scope(self, request: HttpRequest) -> Q:
        return super().scope(request) & _takes_part(request)


@admin.register(ReportJob)
class ReportJobAdmin(FileJobAdmin):
    department_paths = ("initiative__department", "session__assessment__asset__department")
    requeue_task = "assessments.tasks.build_report"
    list_display = ["__str__", "organisation", "initiative", "status", "progress", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["organisation", "initiative"]
    exclude = ["file"]

    def scope(self, request: HttpRequest) -> Q:
        return super().scope(request) & (
            Q(session__isnull=True) | _takes_part(request, "session__")
        )
