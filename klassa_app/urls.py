from django.contrib import admin
from django.urls import include, path

from klassa_app import notification_views, views
from klassa_app.signin import oidc_settings_views

urlpatterns = [
    # The home page (name "home") is everyone's work list.
    path("", include("worklist.urls")),
    path("organisation/switch/", views.switch_organisation, name="switch_organisation"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("members/", views.member_list, name="member_list"),
    path("members/invite/", views.member_invite, name="member_invite"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("audit/", views.audit_log, name="audit_log"),
    path(
        "organisation/sign-in/",
        oidc_settings_views.sign_in_settings,
        name="sign_in_settings",
    ),
    path(
        "organisation/sign-in/providers/new/",
        oidc_settings_views.identity_provider_create,
        name="identity_provider_create",
    ),
    path(
        "organisation/sign-in/providers/<int:pk>/",
        oidc_settings_views.identity_provider_edit,
        name="identity_provider_edit",
    ),
    path(
        "organisation/sign-in/providers/<int:pk>/people/",
        oidc_settings_views.identity_provider_people,
        name="identity_provider_people",
    ),
    path(
        "organisation/sign-in/identities/<int:pk>/unlink/",
        oidc_settings_views.external_identity_unlink,
        name="external_identity_unlink",
    ),
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path(
        "notifications/read/",
        notification_views.notification_read_all,
        name="notification_read_all",
    ),
    path(
        "notifications/settings/",
        notification_views.notification_settings,
        name="notification_settings",
    ),
    path(
        "notifications/<int:pk>/read/",
        notification_views.notification_read,
        name="notification_read",
    ),
    path("", include("assessments.urls")),
    path("", include("benefits.urls")),
    path("", include("portfolio.urls")),
    path("", include("interchange.urls")),
    path("", include("api.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("klassa_app.auth_urls")),
    # The language can be chosen before logging in.
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
