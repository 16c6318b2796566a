"""The API keeps its own contract: every operation of the OpenAPI document, called with
generated input (Schemathesis), answers without a server error, with a body that matches the
document's schema for its status and with a documented content type.

Whatever routers the API has when the test runs are covered: the operations are read from
the document the app serves. The calls go in-process to the WSGI application, authenticated
with a write token of an organisation admin, in a database with a few assets, initiatives and
benefit models; generated ids mostly miss, so some calls are pointed at the real objects.
Few examples per operation keep the whole run short (the ``contract`` profile below).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from api.main import api
from api.models import ApiToken
from api.tokens import do_create_token
from benefits import document as benefit_document
from interchange import register
from interchange.models import RegisterImportJob
from klassa_app.models import Role
from tests.factories import (
    BenefitModelFactory,
    ClassifiedAssetFactory,
    InformationAssetFactory,
    InitiativeFactory,
    RegisterExportJobFactory,
    demo_benefit_document,
    member,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_media_in_tmp")]

# A handful of generated calls per operation and kind of input (about 15 per operation); the
# number of operations grows with the API.
hypothesis_settings.register_profile(
    "contract",
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    # A failure is reported as found: shrinking it would cost more than the whole run.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
CONTRACT = hypothesis_settings.get_profile("contract")
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def in_process_app() -> Iterator[WSGIHandler]:
    """Django's WSGI application, as the test client runs it: the end of a request must not
    close the test's database connection (and with it the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def contract_world(norrkoping, utbildning, kultur, settings) -> dict[str, Any]:
    """An admin's write token and a few real objects of the organisation."""
    settings.KLASSA_API_RATE_LIMIT = 100_000
    admin = member(Role.ORG_ADMIN, organisation=norrkoping)
    assets = [ClassifiedAssetFactory(department=utbildning) for _ in range(2)]
    assets.append(InformationAssetFactory(department=kultur))
    initiatives = [
        InitiativeFactory(department=utbildning, assets=assets[:2]),
        InitiativeFactory(department=kultur, assets=assets[2:]),
        InitiativeFactory(department=utbildning),  # without a benefit model
    ]
    for initiative in initiatives[:2]:
        BenefitModelFactory(initiative=initiative)
    export = RegisterExportJobFactory(
        organisation=norrkoping,
        requested_by=admin,
        file__data=json.dumps(register.export_document(norrkoping)).encode(),
    )
    imported = RegisterImportJob.objects.create(
        organisation=norrkoping,
        requested_by=admin,
        language="sv",
        status=RegisterImportJob.Status.DONE,
        result={
            "organisation": "norrkoping",
            "organisation_created": False,
            **{
                kind: {"created": 1, "updated": 0, "unchanged": 2}
                for kind in ("departments", "information_assets", "initiatives", "classifications")
            },
        },
    )
    secret = do_create_token(
        actor=admin,
        organisation=norrkoping,
        name="Kontraktstest",
        scope=ApiToken.Scope.WRITE,
        days=1,
    ).secret
    ids = {
        "initiative_id": [i.pk for i in initiatives],
        "department_id": [utbildning.pk, kultur.pk],
        "asset_id": [a.pk for a in assets],
        "export_id": [export.pk],
        "import_id": [imported.pk],
    }
    document = benefit_document.to_document(
        benefit_document.parse(demo_benefit_document("Kontrakt"))
    )
    return {"secret": secret, "ids": ids, "document": document}


def operations(app: WSGIHandler) -> list[Any]:
    """Every operation of the document the app serves, to be called in-process."""
    # Through the same in-process application: the test client would connect the closing of
    # connections at the end of a request again.
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in loaded.get_all_operations()]


def real_path_parameters(operation: Any, world: dict[str, Any]) -> dict[str, Any] | None:
    """The ids of real objects for the operation's path, when the world has them all."""
    names = [p.name for p in operation.path_parameters]
    if not names or any(name not in world["ids"] for name in names):
        return None
    return {name: world["ids"][name][0] for name in names}


def strategies(operation: Any, world: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Input that fits the document, input that does not, and, where the path names objects,
    fitting input aimed at real ones (and a valid document for a benefit model)."""
    yield "positive", operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
    yield "negative", operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
    real = real_path_parameters(operation, world)
    if real is not None:
        body = world["document"] if operation.method.upper() == "PUT" else NOT_SET
        yield "real objects", operation.as_strategy(path_parameters=real, body=body)


def test_every_operation_answers_as_its_document_says(in_process_app, contract_world):
    headers = {"Authorization": f"Bearer {contract_world['secret']}"}
    failures: list[str] = []
    answers: dict[str, set[int]] = {}  # per operation, the statuses it answered with
    found = operations(in_process_app)
    for operation in found:
        for kind, strategy in strategies(operation, contract_world):

            @given(case=strategy)
            @hypothesis_settings(CONTRACT)
            def call(case: Any) -> None:
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                answers.setdefault(case.operation.label, set()).add(response.status_code)

            try:
                call()
            except Unsatisfiable:
                continue  # nothing can be generated wrong for an operation without input
            except Exception as failure:  # every failure of every operation, reported at once
                failures.append(f"{operation.label} ({kind}): {failure}")
    assert not failures, "\n\n".join(failures)
    assert set(answers) == {operation.label for operation in found}
    # The calls aimed at real objects were answered with their bodies, and those checked too.
    for operation in found:
        if real_path_parameters(operation, contract_world) is not None:
            assert any(200 <= status < 300 for status in answers[operation.label]), (
                operation.label,
                answers[operation.label],
            )


def test_the_document_holds_the_benefit_portfolio_and_register_operations():
    """The contract run above covers whatever the document holds; these must be in it."""
    paths = api.get_openapi_schema()["paths"]
    for path, methods in {
        "/api/v1/initiatives/{initiative_id}/benefit-model": {"get", "put"},
        "/api/v1/initiatives/{initiative_id}/benefit-model/evaluation": {"get"},
        "/api/v1/portfolio": {"get"},
        "/api/v1/register/exports": {"post"},
        "/api/v1/register/exports/{export_id}": {"get"},
        "/api/v1/register/exports/{export_id}/document": {"get"},
        "/api/v1/register/imports": {"post"},
        "/api/v1/register/imports/{import_id}": {"get"},
    }.items():
        assert methods <= set(paths[path]), path
