"""The assets and initiatives endpoints answer what their OpenAPI document says, for inputs
generated from that document (schemathesis): never a server error, always the documented
shape."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings

from api.models import ApiToken
from tests.factories import (
    ApiTokenFactory,
    ClassifiedAssetFactory,
    InformationAssetFactory,
    InitiativeFactory,
)

pytestmark = pytest.mark.django_db

# What the answers must be; the checks that send their own (invalid) credentials do not apply
# to calls that carry a token.
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]

APP = get_wsgi_application()
OPERATIONS = [
    ("/api/v1/assets", "GET"),
    ("/api/v1/assets", "POST"),
    ("/api/v1/assets/{asset_id}", "GET"),
    ("/api/v1/assets/{asset_id}", "PATCH"),
    ("/api/v1/assets/{asset_id}/classification", "GET"),
    ("/api/v1/initiatives", "GET"),
    ("/api/v1/initiatives/{initiative_id}", "GET"),
    ("/api/v1/initiatives/{initiative_id}/action-plan", "GET"),
    ("/api/v1/initiatives/{initiative_id}/action-plan/{requirement_code}", "PUT"),
]


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_generated_calls_get_documented_answers_and_no_server_error(
    settings_for_api, officer, utbildning, path, method
):
    asset = ClassifiedAssetFactory(department=utbildning, personal_data="yes")
    InformationAssetFactory(department=utbildning)
    initiative = InitiativeFactory(department=utbildning, assets=[asset], with_action_plan=True)
    secret = ApiTokenFactory(user=officer, scope=ApiToken.Scope.WRITE).secret
    # Every third generated id is one that exists, so the answers are not all 404s.
    existing = {"asset_id": asset.pk, "initiative_id": initiative.pk}
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)[path][method]
    seen: set[int] = set()

    @settings(
        max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy())
    def call(case) -> None:
        for name, value in (case.path_parameters or {}).items():
            if name in existing and isinstance(value, int) and value % 3 == 0:
                case.path_parameters[name] = existing[name]
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {secret}"}
        response = case.call(app=APP)
        seen.add(response.status_code)
        assert response.status_code < 500, (case.path_parameters, case.query, case.body)
        case.validate_response(response, checks=CHECKS)

    call()
    assert seen


@pytest.fixture
def settings_for_api(settings):
    settings.KLASSA_API_RATE_LIMIT = 10_000
    return settings
