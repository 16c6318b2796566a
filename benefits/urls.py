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
