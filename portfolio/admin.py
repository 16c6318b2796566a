"""Technical administration: read-only. Portfolio changes go through the application's
pages, whose services check permission and audit them."""

from __future__ import annotations

from django.contrib import admin

from klassa_app.admin import ReadOnlyAdmin
from portfolio.models import InitiativePriority, PortfolioScenario, PortfolioSettings


@admin.register(PortfolioSettings)
class PortfolioSettingsAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "year", "budget", "scenario", "method"]


@admin.register(InitiativePriority)
class InitiativePriorityAdmin(ReadOnlyAdmin):
    list_display = ["initiative", "strategic_fit", "time_criticality", "forced", "dpia_recorded"]
    list_select_related = ["initiative"]


@admin.register(PortfolioScenario)
class PortfolioScenarioAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation", "year", "budget", "committed_at"]
