"""The two-factor pages, under /accounts/two-factor/."""

from django.urls import path

from klassa_app.signin import mfa_views

urlpatterns = [
    path("", mfa_views.status, name="mfa_status"),
    path("enrol/", mfa_views.enrol, name="mfa_enrol"),
    path("verify/", mfa_views.verify, name="mfa_verify"),
    path("recovery-codes/", mfa_views.recovery_codes, name="mfa_recovery_codes"),
    path("disable/", mfa_views.disable, name="mfa_disable"),
    path("members/<int:pk>/reset/", mfa_views.reset_member, name="mfa_reset_member"),
]
