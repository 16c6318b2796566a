from django.urls import path

from benefits import views

urlpatterns = [
    path("initiatives/<int:pk>/benefits/", views.benefit_model, name="benefit_model"),
    path(
        "initiatives/<int:pk>/benefits/export/",
        views.benefit_model_export,
        name="benefit_model_export",
    ),
]
