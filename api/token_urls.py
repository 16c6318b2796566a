"""The organisation admin's pages for API tokens (outside ``/api/v1/``: they are pages)."""

from django.urls import path

from api import token_views

urlpatterns = [
    path("organisation/api-tokens/", token_views.token_list, name="api_token_list"),
    path("organisation/api-tokens/new/", token_views.token_create, name="api_token_create"),
    path(
        "organisation/api-tokens/<int:pk>/revoke/",
        token_views.token_revoke,
        name="api_token_revoke",
    ),
]
