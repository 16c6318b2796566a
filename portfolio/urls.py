from django.urls import path

from portfolio import roadmap_scenario_views, roadmap_views, views

urlpatterns = [
    path("portfolio/", views.dashboard, name="portfolio_dashboard"),
    path("portfolio/priority/", views.priority, name="portfolio_ranking"),
    path("portfolio/priority/frontier/", views.frontier_request, name="portfolio_frontier"),
    path("portfolio/roadmap/", roadmap_views.roadmap_view, name="portfolio_roadmap"),
    path(
        "portfolio/roadmap/scenarios/",
        roadmap_scenario_views.roadmap_scenario_list,
        name="portfolio_roadmap_scenarios",
    ),
    path(
        "portfolio/roadmap/scenarios/save/",
        roadmap_scenario_views.roadmap_scenario_save,
        name="portfolio_roadmap_scenario_save",
    ),
    path(
        "portfolio/roadmap/scenarios/compare/",
        roadmap_scenario_views.roadmap_scenario_compare,
        name="portfolio_roadmap_compare",
    ),
    path(
        "portfolio/roadmap/scenarios/<int:pk>/",
        roadmap_scenario_views.roadmap_scenario_detail,
        name="portfolio_roadmap_scenario",
    ),
    path(
        "portfolio/roadmap/scenarios/<int:pk>/commit/",
        roadmap_scenario_views.roadmap_scenario_commit,
        name="portfolio_roadmap_scenario_commit",
    ),
    path(
        "portfolio/roadmap/scenarios/<int:pk>/delete/",
        roadmap_scenario_views.roadmap_scenario_delete,
        name="portfolio_roadmap_scenario_delete",
    ),
    path("portfolio/settings/", views.settings_view, name="portfolio_settings"),
    path("portfolio/initiatives/<int:pk>/force/", views.force, name="portfolio_force"),
    path("initiatives/<int:pk>/priority/", views.initiative_priority, name="portfolio_priority"),
    path("portfolio/scenarios/", views.scenario_list, name="portfolio_scenarios"),
    path("portfolio/scenarios/save/", views.scenario_save, name="portfolio_scenario_save"),
    path("portfolio/scenarios/compare/", views.scenario_compare, name="portfolio_compare"),
    path("portfolio/scenarios/<int:pk>/", views.scenario_detail, name="portfolio_scenario"),
    path(
        "portfolio/scenarios/<int:pk>/commit/",
        views.scenario_commit,
        name="portfolio_scenario_commit",
    ),
    path(
        "portfolio/scenarios/<int:pk>/delete/",
        views.scenario_delete,
        name="portfolio_scenario_delete",
    ),
    path("portfolio/exports/<str:kind>/new/", views.export_start, name="portfolio_export_start"),
    path("portfolio/exports/<int:pk>/", views.export_status, name="portfolio_export"),
    path(
        "portfolio/exports/<int:pk>/download/",
        views.export_download,
        name="portfolio_export_download",
    ),
]
