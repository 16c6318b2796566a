from django.urls import path

from assessments import consensus_views, framework_views, report_views, views

urlpatterns = [
    path("assets/", views.asset_list, name="asset_list"),
    path("assets/new/", views.asset_create, name="asset_create"),
    path("assets/<int:pk>/", views.asset_detail, name="asset_detail"),
    path("assets/<int:pk>/edit/", views.asset_edit, name="asset_edit"),
    path("assets/<int:pk>/assess/", views.asset_assess, name="asset_assess"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/approve/", views.assessment_approve, name="assessment_approve"),
    path("assessments/<int:pk>/step/<str:aspect>/", views.assessment_step, name="assessment_step"),
    path("reviews/overdue/", views.overdue_reviews, name="overdue_reviews"),
    path(
        "assessments/<int:pk>/consensus/new/",
        consensus_views.session_create,
        name="session_create",
    ),
    path("assessments/<int:pk>/sign/", consensus_views.assessment_sign, name="assessment_sign"),
    path(
        "assessments/<int:pk>/reject/", consensus_views.assessment_reject, name="assessment_reject"
    ),
    path("sessions/<int:pk>/", consensus_views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/live/", consensus_views.session_live, name="session_live"),
    path("sessions/<int:pk>/answer/", consensus_views.session_answer, name="session_answer"),
    path("sessions/<int:pk>/reveal/", consensus_views.session_reveal, name="session_reveal"),
    path("sessions/<int:pk>/decide/", consensus_views.session_decide, name="session_decide"),
    path("sessions/<int:pk>/dissent/", consensus_views.session_dissent, name="session_dissent"),
    path("sessions/<int:pk>/conclude/", consensus_views.session_conclude, name="session_conclude"),
    path("sessions/<int:pk>/cancel/", consensus_views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/minutes/", consensus_views.session_minutes, name="session_minutes"),
    path("sessions/<int:pk>/minutes/pdf/", report_views.minutes_start, name="minutes_start"),
    path(
        "sessions/<int:pk>/invitation.ics",
        consensus_views.session_calendar,
        name="session_calendar",
    ),
    # An external guest's own link: no login, only that session.
    path("guest/<str:token>/", consensus_views.session_guest, name="session_guest"),
    path("initiatives/", views.initiative_list, name="initiative_list"),
    path("initiatives/new/", views.initiative_create, name="initiative_create"),
    path("initiatives/<int:pk>/", views.initiative_detail, name="initiative_detail"),
    path("initiatives/<int:pk>/edit/", views.initiative_edit, name="initiative_edit"),
    path("initiatives/<int:pk>/assets/", views.initiative_assets, name="initiative_assets"),
    path("initiatives/<int:pk>/adjust/", views.initiative_adjust, name="initiative_adjust"),
    path(
        "initiatives/<int:pk>/adjustments/<str:aspect>/remove/",
        views.initiative_adjustment_remove,
        name="initiative_adjustment_remove",
    ),
    path(
        "initiatives/<int:pk>/action-plan/",
        views.initiative_action_plan,
        name="initiative_action_plan",
    ),
    path("classification/", views.frameworks_overview, name="frameworks_overview"),
    path(
        "classification/scheme/rules/",
        framework_views.scheme_rules_edit,
        name="scheme_rules_edit",
    ),
    path(
        "classification/aspects/<str:code>/edit/",
        framework_views.aspect_edit,
        name="aspect_edit",
    ),
    path(
        "classification/requirements/new/",
        framework_views.requirement_edit,
        name="requirement_create",
    ),
    path(
        "classification/requirements/<str:code>/edit/",
        framework_views.requirement_edit,
        name="requirement_edit",
    ),
    path(
        "initiatives/<int:pk>/action-plan/upgrade/",
        framework_views.action_plan_upgrade,
        name="action_plan_upgrade",
    ),
    path(
        "initiatives/<int:pk>/reports/<str:kind>/",
        report_views.report_start,
        name="report_start",
    ),
    path("reports/<int:pk>/", report_views.report_status, name="report_status"),
    path("reports/<int:pk>/download/", report_views.report_download, name="report_download"),
]
