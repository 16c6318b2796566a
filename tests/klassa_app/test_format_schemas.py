"""The documented formats (docs/formats) describe what the exporters write: the demo
register's export and every demo benefit model validate against their JSON Schemas."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from benefits import document as benefit_document
from benefits.models import BenefitModel
from interchange import register

FORMATS = Path(settings.BASE_DIR) / "docs" / "formats"


def load_schema(name: str) -> dict[str, Any]:
    return json.loads((FORMATS / name).read_text(encoding="utf-8"))


REGISTER_SCHEMA = load_schema("register.schema.json")
BENEFIT_SCHEMA = load_schema("benefit-model.schema.json")
# The register schema refers to the benefit-model schema by its $id.
REGISTRY = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in (REGISTER_SCHEMA, BENEFIT_SCHEMA)
)


def errors(schema: dict[str, Any], document: Any) -> list[str]:
    validator = Draft202012Validator(schema, registry=REGISTRY)
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(document)]


@pytest.mark.parametrize("schema", [REGISTER_SCHEMA, BENEFIT_SCHEMA], ids=["register", "benefit"])
def test_the_schemas_are_valid_draft_2020_12_schemas(schema):
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schemas_name_the_formats_the_code_writes():
    assert REGISTER_SCHEMA["properties"]["format"]["const"] == register.FORMAT
    assert BENEFIT_SCHEMA["properties"]["format"]["const"] == benefit_document.FORMAT


def test_the_demo_register_export_validates_against_the_register_schema(demo):
    document = register.export_document(demo)
    # The demo exercises every part: models, priorities, adjustments and the portfolio.
    assert document["portfolio"]
    assert any("benefit_model" in item for item in document["initiatives"])
    assert any("priority" in item for item in document["initiatives"])
    assert errors(REGISTER_SCHEMA, document) == []


def test_every_demo_benefit_model_export_validates_against_the_benefit_model_schema(demo):
    stored = list(BenefitModel.objects.order_by("pk"))
    assert len(stored) > 1
    for model in stored:
        document = benefit_document.to_document(benefit_document.parse(model.document))
        assert errors(BENEFIT_SCHEMA, document) == [], model.initiative.code


def test_the_register_schema_refuses_what_the_exporter_never_writes(demo):
    document = register.export_document(demo)
    broken = copy.deepcopy(document)
    broken["initiatives"][0]["benefit_model"]["levers"][0]["kind"] = "windfall"
    broken["information_assets"][0]["status"] = "final"
    broken["surplus"] = True
    found = errors(REGISTER_SCHEMA, broken)
    assert any(line.startswith("$.initiatives[0].benefit_model.levers[0]") for line in found)
    assert any(line.startswith("$.information_assets[0].status") for line in found)
    assert any("surplus" in line for line in found)


def test_the_benefit_model_schema_refuses_a_cost_with_both_amounts_and_an_annual_amount():
    document = {
        "format": benefit_document.FORMAT,
        "name": "Both",
        "currency": "SEK",
        "horizon_years": 1,
        "discount_rate": "0.03",
        "levers": [],
        "costs": [
            {"name": "Licence", "kind": "running", "amounts": ["0", "1"], "annual_amount": "1"}
        ],
    }
    assert benefit_document.validate(document) != []
    assert errors(BENEFIT_SCHEMA, document) != []
