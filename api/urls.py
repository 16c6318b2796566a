from django.urls import include, path
from django.views.decorators.http import require_safe

from api.main import api

_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    if _pattern.name in {"openapi-json", "openapi-view"}:  # type: ignore[union-attr]
        # The document and its viewer only answer reads (ninja's own views take any method).
        _pattern.callback = require_safe(_pattern.callback)  # type: ignore[union-attr]
    # The API authenticates each call itself (token or session), so the site-wide login
    # redirect must not answer an integration with a login page.
    _pattern.callback.login_required = False  # type: ignore[union-attr]

urlpatterns = [
    path("api/v1/", (_patterns, _app, _namespace)),
    path("", include("api.token_urls")),
]
