"""The register files' pages (import with a preview, and the background export) and the
spreadsheet exports of the list pages."""

from django.urls import path

from interchange import inventory_views, register_views, spreadsheet_views

urlpatterns = [
    path("register/import/", register_views.register_import, name="register_import"),
    path("register/inventory/", inventory_views.inventory_import, name="inventory_import"),
    path(
        "register/inventory/template.xlsx",
        inventory_views.inventory_template,
        name="inventory_template",
    ),
    path("register/export/", register_views.register_export, name="register_export"),
    path(
        "register/exports/<int:pk>/",
        register_views.register_export_status,
        name="register_export_status",
    ),
    path(
        "register/exports/<int:pk>/download/",
        register_views.register_export_download,
        name="register_export_download",
    ),
    path(
        "exports/<str:kind>/new/",
        spreadsheet_views.spreadsheet_export_start,
        name="spreadsheet_export_start",
    ),
    path(
        "exports/<int:pk>/",
        spreadsheet_views.spreadsheet_export_status,
        name="spreadsheet_export_status",
    ),
    path(
        "exports/<int:pk>/download/",
        spreadsheet_views.spreadsheet_export_download,
        name="spreadsheet_export_download",
    ),
]
