from django.urls import path

from benefits import export_views, tracking_views, views

urlpatterns = [
    path(
        "initiatives/<int:pk>/benefits/tracking/",
        tracking_views.benefit_tracking,
        name="benefit_tracking",
    ),
    path("benefits/behind/", tracking_views.benefits_behind, name="benefits_behind"),
    path("initiatives/<int:pk>/benefits/", views.benefit_model, name="benefit_model"),
    path(
        "initiatives/<int:pk>/benefits/preview/",
        views.benefit_model_preview,
        name="benefit_model_preview",
    ),
    path(
        "initiatives/<int:pk>/benefits/fte-cost/", views.benefit_fte_cost, name="benefit_fte_cost"
    ),
    path(
        "initiatives/<int:pk>/benefits/import/",
        views.benefit_model_import,
        name="benefit_model_import",
    ),
    path(
        "initiatives/<int:pk>/benefits/export/",
        views.benefit_model_export,
        name="benefit_model_export",
    ),
    path(
        "initiatives/<int:pk>/benefits/export.xlsx",
        export_views.benefit_model_xlsx,
        name="benefit_model_xlsx",
    ),
]
