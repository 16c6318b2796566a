"""Read-only support view of benefit models, scoped like the application (see
klassa_app.admin). Changes go through the benefit editor and its services."""

from __future__ import annotations

from django.contrib import admin

from benefits.models import BenefitModel
from klassa_app.admin import ReadOnlyAdmin


@admin.register(BenefitModel)
class BenefitModelAdmin(ReadOnlyAdmin):
    organisation_path = "initiative__organisation"
    department_paths = ("initiative__department",)
    list_display = ["__str__", "initiative", "updated_at", "updated_by"]
    list_select_related = ["initiative", "updated_by"]
    search_fields = ["initiative__code", "initiative__name"]
