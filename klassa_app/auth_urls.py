"""Django's account URLs (same paths and names), with the password forms that audit."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from klassa_app.forms import AuditedPasswordChangeForm, AuditedSetPasswordForm
from klassa_app.signin import oidc_views

urlpatterns = [
    path("login/", oidc_views.KlassaLoginView.as_view(), name="login"),
    # Sign-in through an identity provider (OpenID Connect): the button posts to the first,
    # the provider sends the browser back to the second (its redirect URI).
    path("oidc/callback/", oidc_views.oidc_callback, name="oidc_callback"),
    path("oidc/<slug:provider>/", oidc_views.oidc_start, name="oidc_start"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(form_class=AuditedPasswordChangeForm),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password_reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=AuditedSetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("two-factor/", include("klassa_app.signin.mfa_urls")),
]
