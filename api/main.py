"""The REST API, version 1: one NinjaAPI with its routers, its errors and its document.

The OpenAPI document is at ``/api/v1/openapi.json`` and the interactive documentation at
``/api/v1/docs`` (Swagger UI from the app's own static files, no CDN).
"""

from __future__ import annotations

from ninja import NinjaAPI

from api import errors
from api.auth import CallerRateThrottle, SessionAuth, TokenAuth
from api.routers import assets, benefits, initiatives, organisation, portfolio, register

api = NinjaAPI(
    title="Klassa API",
    version="1",
    description=(
        "Information classification, initiatives, benefit models and the portfolio of one "
        "organisation. Authenticate with `Authorization: Bearer <token>` (tokens are created "
        "by an organisation admin) or, from the browser, with the signed-in session. Every "
        "error is JSON with `detail` and `errors[].field` paths."
    ),
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    throttle=[CallerRateThrottle()],
)
errors.install(api)
api.add_router("/", organisation.router)
api.add_router("/", assets.router)
api.add_router("/", initiatives.router)
api.add_router("/", benefits.router)
api.add_router("/", portfolio.router)
api.add_router("/", register.router)
