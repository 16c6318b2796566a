from typing import Any

from django.urls import URLPattern, include, path
from django.views.decorators.http import require_safe

from api.main import api

_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    assert isinstance(_pattern, URLPattern)
    view: Any = _pattern.callback
    if _pattern.name in {"openapi-json", "openapi-view"}:
        # The document and its viewer only answer reads (ninja's own views take any method).
        view = _pattern.callback = require_safe(view)
    # The API authenticates each call itself (token or session), so the site-wide login
    # redirect must not answer an integration with a login page.
    view.login_required = False

urlpatterns = [
    path("api/v1/", (_patterns, _app, _namespace)),
    path("", include("api.token_urls")),
]
