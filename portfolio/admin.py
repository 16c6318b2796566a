"""Technical administration: read-only and scoped like the application (see
klassa_app.admin). Portfolio changes go through the application's pages, whose services
check permission and audit them."""

from __future__ import annotations

from django.contrib import admin

from klassa_app.admin import FileJobAdmin, ReadOnlyAdmin
from portfolio.models import (
    InitiativePriority,
    PortfolioReportJob,
    PortfolioScenario,
    PortfolioSettings,
)


@admin.register(PortfolioSettings)
class PortfolioSettingsAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "year", "budget", "scenario", "method"]
    list_select_related = ["organisation"]


@admin.register(InitiativePriority)
class InitiativePriorityAdmin(ReadOnlyAdmin):
    organisation_path = "initiative__organisation"
    department_paths = ("initiative__department",)
    list_display = ["initiative", "strategic_fit", "time_criticality", "forced", "dpia_recorded"]
    list_select_related = ["initiative"]


@admin.register(PortfolioScenario)
class PortfolioScenarioAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation", "year", "budget", "committed_at"]
    list_select_related = ["organisation"]


@admin.register(PortfolioReportJob)
class PortfolioReportJobAdmin(FileJobAdmin):
    # An export covers the departments its requester saw (``parameters``); the admin shows it
    # only to organisation-wide members, which is never more than the application allows.
    requeue_task = "portfolio.tasks.build_portfolio_export"
    list_filter = ["status", "kind"]
    exclude = ["file"]
