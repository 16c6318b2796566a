"""Form errors carry a code and their parameters (Django's ValidationError style), so pages and
tests tell them apart by code while people read them in their language."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from benefits.forms import BenefitDocumentForm, BenefitImportForm, FteCostForm
from benefits.tracking_forms import NumberField
from portfolio.forms import CompareForm


def upload(name: str, content: bytes) -> dict[str, SimpleUploadedFile]:
    return {"file": SimpleUploadedFile(name, content, content_type="application/json")}


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b" " * (1024 * 1024 + 1), "too_large"),
        (b'{"format": ', "syntax"),
        (b'{"a": 1, "a": 2}', "duplicate_key"),
        (b"[" * 200 + b"]" * 200, "depth"),
    ],
)
def test_a_benefit_model_file_is_refused_with_a_code(content, code):
    form = BenefitImportForm(data={}, files=upload("model.json", content))
    assert not form.is_valid()
    assert form.has_error("file", code)


def test_a_json_syntax_error_names_its_line_in_swedish():
    form = BenefitImportForm(data={}, files=upload("model.json", b'{\n"format": }'))
    with translation.override("sv"):
        assert not form.is_valid()
        [message] = form.errors["file"]
    error = form.errors.as_data()["file"][0]
    assert error.code == "syntax" and error.params["line"] == 2
    assert "rad 2" in message


def test_a_pasted_document_with_a_duplicate_key_names_the_key():
    form = BenefitDocumentForm(data={"document": '{"name": "a", "name": "b"}'})
    assert not form.is_valid()
    error = form.errors.as_data()["document"][0]
    assert (error.code, error.params["key"]) == ("duplicate_key", "name")
    assert "name" in form.errors["document"][0]


def test_the_salary_helper_refuses_text_as_invalid():
    form = FteCostForm(data={"monthly_salary": "lots", "on_cost_factor": "11"})
    assert not form.is_valid()
    assert form.has_error("monthly_salary", "invalid")
    assert form.has_error("on_cost_factor", "invalid")


def test_a_tracking_number_names_its_field_in_the_message():
    field = NumberField(label="Utfall 2025")
    with pytest.raises(ValidationError) as raised:
        field.clean("tio")
    assert raised.value.code == "invalid"
    assert raised.value.params["field"] == "Utfall 2025"
    with translation.override("en"):
        assert raised.value.messages == ["Utfall 2025: enter a number, e.g. 1 000,5."]


def test_comparing_a_scenario_with_itself_is_refused_by_code():
    scenarios = [
        SimpleNamespace(pk=1, name="A", year=2026),
        SimpleNamespace(pk=2, name="B", year=2026),
    ]
    form = CompareForm(data={"left": "1", "right": "1"}, scenarios=scenarios)
    assert not form.is_valid()
    assert form.has_error("right", "same_scenario")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("register.txt", b"{}", "not_json"),
        ("register.json", b'{"format": "something/1"}', "wrong_format"),
        ("register.json", b"{", "syntax"),
    ],
)
def test_an_officer_uploading_a_wrong_register_file_gets_the_errors_code(
    as_user, officer, name, content, code
):
    response = as_user(officer).post(reverse("register_import"), upload(name, content))
    assert response.status_code == 200
    assert response.context["form"].has_error("file", code)


@pytest.mark.django_db
def test_a_register_of_the_wrong_format_is_named_in_the_message(as_user, officer):
    response = as_user(officer).post(
        reverse("register_import"), upload("register.json", b'{"format": "x/1"}')
    )
    [message] = response.context["form"].errors["file"]
    assert "klassa.register/1" in message
