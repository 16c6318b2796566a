"""Hostile documents thrown at every path that reads one: the benefit validator, the register
checker, the benefit upload, the register preview and the two commands. Each answer is a clear
refusal that names the field (or the document's problem) or a success — never an exception,
never a 500 — and a refusal changes nothing.

The documents are valid ones with one value replaced at a generated path by a hostile or
wrongly typed value ("1e-999999999", "1E+9999999999", "\\ud800", "a\\u0000b", lists, objects,
huge arrays, …), plus texts no object can carry (duplicate keys, 100 000 levels of nesting).
The worst cases also run in a child process limited to 1 GiB of address space.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import textwrap
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Assessment, InformationAsset, Initiative
from benefits import defaults
from benefits import document as benefit_document
from benefits.models import BenefitModel
from interchange import checks, register
from klassa_app import jsonload
from klassa_app.models import AuditEvent, Department
from tests.factories import InitiativeFactory

EXAMPLES = 50  # per property: the suite stays fast, every run draws new cases
VIEW_EXAMPLES = 30  # a request or a command per example
PROFILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
VIEW_PROFILE = settings(PROFILE, max_examples=VIEW_EXAMPLES)

# The issue's cases first, then wrong types and extremes.
HOSTILE_VALUES: list[Any] = [
    "1e-999999999",
    "1E+9999999999",
    "-1E+9999999999",
    "0E-999999999",
    "\ud800",
    "a\u0000b",
    "x",
    "",
    "NaN",
    "Infinity",
    "1" * 5_000,
    "9" * 41,
    "1 000,5",
    Decimal("1E-999999999"),
    Decimal("1E+9999999999"),
    Decimal("NaN"),
    float("inf"),
    10**120,
    -1,
    0,
    True,
    None,
    [],
    {},
    ["1e-999999999"] * 1_000,
    {"low": "1E+9999999999", "medium": "\ud800", "high": []},
    [[[[[["deep"]]]]]],
    "x" * 20_000,
]

# Text that no Python object produces: refused by the loader before any check.
HOSTILE_TEXTS = {
    "deep": "[" * 100_000 + "]" * 100_000,
    "deep_object": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "duplicate": '{"format": "x", "format": "y"}',
    "nul_key": '{"a\\u0000b": 1}',
    "surrogate_key": '{"\\ud800": 1}',
    "huge_int": '{"horizon_years": ' + "9" * 10_000 + "}",
    "not_json": "{",
}


def benefit_base() -> dict[str, Any]:
    return json.loads(
        json.dumps(defaults.load(defaults.NORRKOPING_EDUCATION), default=str),
        parse_float=Decimal,
    )


def register_base() -> dict[str, Any]:
    return {
        "format": register.FORMAT,
        "organisation": {"code": "norrkoping", "name": "Norrköpings kommun"},
        "departments": [{"code": "UTB", "name": "Utbildningskontoret"}],
        "information_assets": [
            {
                "code": "ELEV",
                "department": "UTB",
                "name": "Elevregister",
                "description": "Elevernas uppgifter",
                "legal": {
                    "personal_data": "special_categories",
                    "secrecy": "OSL 23 kap. 2 §",
                    "protective_security": False,
                },
                "levels": {"K": 3, "R": 2, "T": 2, "S": 2},
                "status": "draft",
            }
        ],
        "initiatives": [
            {
                "code": "EDU-A",
                "department": "UTB",
                "name": "Personal dashboard",
                "area": "Education",
                "assets": ["ELEV"],
                "adjustments": [
                    {
                        "aspect": "T",
                        "level": 3,
                        "reason": "cumulation",
                        "justification": "Five services fail together",
                    }
                ],
                "benefit_model": {
                    "format": "klassa.benefit-model/1",
                    "name": "Personal dashboard",
                    "currency": "SEK",
                    "horizon_years": 1,
                    "levers": [
                        {
                            "kind": "staff_time",
                            "name": "Admin",
                            "staff_fte": "2.5",
                            "annual_cost_per_fte": "700000",
                            "time_share": "0.2",
                            "reduction": {"low": "0.1", "medium": "0.2", "high": "0.3"},
                        }
                    ],
                    "costs": [{"name": "Build", "kind": "investment", "amounts": [400000, 0]}],
                },
                "priority": {"strategic_fit": 4, "forced": None, "forced_reason": ""},
            }
        ],
        "portfolio": {"year": 2027, "budget": 50000000, "scenario": "medium"},
    }


def all_paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in the document, the root included."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += all_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += all_paths(item, (*prefix, i))
    return found


def path_text(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def replaced(document: Any, path: tuple, value: Any) -> Any:
    if not path:
        return copy.deepcopy(value)
    result = copy.deepcopy(document)
    target = result
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = copy.deepcopy(value)
    return result


def mutations(base: dict[str, Any]) -> st.SearchStrategy[tuple[str, Any, Any]]:
    """(path, document, value) with one value replaced; the path as errors spell it."""
    values = st.sampled_from(HOSTILE_VALUES) | st.one_of(
        st.text(max_size=20),
        st.integers(min_value=-(10**60), max_value=10**60),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.floats(),
    )
    return st.tuples(st.sampled_from(all_paths(base)), values).map(
        lambda pair: (path_text(pair[0]), replaced(base, pair[0], pair[1]), pair[1])
    )


def parent(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def names_the_field(errors: list[Any], path: str) -> bool:
    """An error at the replaced field, inside it, at a part that holds it, or at a sibling
    it is compared with (``rate_after`` against ``rate_before``)."""
    for error in errors:
        where = error.path
        if where in ("", "document") or path == "":
            return True
        if where == path or where.startswith((path + ".", path + "[")):
            return True
        if path.startswith((where + ".", where + "[")):
            return True
        if parent(where) and parent(where) == parent(path):
            return True
    return False


def never_valid(value: Any) -> bool:
    """Holds a NUL or a lone surrogate: refused at any place of any document."""
    return jsonload.find_bad_text(value) is not None


def to_text(document: Any) -> str:
    # ensure_ascii spells lone surrogates and NUL as escapes, as an attacker's file would.
    return json.dumps(document, default=str)


TOP_LEVEL = checks.DOCUMENT_KEYS | {"document"}


def test_the_base_documents_are_valid():
    assert benefit_document.validate(benefit_base()) == []
    assert register.check_document(register_base(), register.DEFAULT_CONTEXT) == []


def model_counts() -> tuple[int, ...]:
    return (
        BenefitModel.objects.count(),
        AuditEvent.objects.count(),
        Department.objects.count(),
        InformationAsset.objects.count(),
        Initiative.objects.count(),
        Assessment.objects.count(),
    )


# --- The pure checkers ---------------------------------------------------------------------------


@PROFILE
@given(mutations(benefit_base()))
def test_the_benefit_validator_refuses_a_hostile_value_at_its_field_or_accepts_it(case):
    path, document, _value = case
    errors = benefit_document.validate(document)
    if errors:
        assert names_the_field(errors, path), (path, errors)
        assert all(isinstance(e.message, str) and e.message for e in errors)
        return
    # Accepted: the model evaluates and writes back with short numbers only.
    written = benefit_document.to_document(benefit_document.parse(document))
    assert len(json.dumps(written)) < 100_000


@PROFILE
@given(mutations(register_base()))
def test_the_register_checker_refuses_a_hostile_value_at_its_field_or_accepts_it(case):
    path, document, value = case
    errors = register.check_document(document, register.DEFAULT_CONTEXT)
    assert all(isinstance(e.message, str) and e.message for e in errors)
    assert all(e.path.split(".")[0].split("[")[0] in TOP_LEVEL for e in errors), errors
    if never_valid(value):
        # A changed code may also be reported where it is referred to; the field itself
        # is always named when its text cannot be stored.
        assert names_the_field(errors, path), (path, errors)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("staff_fte", "1e-999999999", benefit_document.TOO_SMALL),
        ("staff_fte", "1E+9999999999", benefit_document.TOO_LARGE),
        ("staff_fte", "1" * 60, benefit_document.TOO_PRECISE),
        ("name", "\ud800", benefit_document.INVALID_CHARACTER),
        ("name", "a\u0000b", benefit_document.NUL_CHARACTER),
    ],
)
def test_the_issue_s_values_in_a_lever_are_refused_with_the_path(field, value, message):
    document = benefit_base()
    lever = next(i for i, lever in enumerate(document["levers"]) if "staff_fte" in lever)
    document["levers"][lever][field] = value
    errors = benefit_document.validate(document)
    assert [(e.path, e.message) for e in errors] == [(f"levers[{lever}].{field}", message)]


def test_a_hostile_number_is_never_formatted():
    with pytest.raises(ValueError):
        benefit_document.number_text(Decimal("1E-999999999"))


# --- The loader -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(set(HOSTILE_TEXTS) - {"huge_int"}))
def test_the_loader_refuses_what_no_document_may_hold(name):
    with pytest.raises(jsonload.JsonDocumentError) as refused:
        jsonload.load_document(HOSTILE_TEXTS[name].encode())
    assert refused.value.message


def test_the_loader_reads_a_huge_integer_as_a_decimal_that_the_field_refuses():
    data = jsonload.load_document(HOSTILE_TEXTS["huge_int"])
    assert isinstance(data["horizon_years"], Decimal)
    errors = benefit_document.validate(benefit_base() | data)
    assert [e.path for e in errors] == ["horizon_years"]


# --- The web uploads ------------------------------------------------------------------------------


@pytest.fixture
def initiative(utbildning):
    return InitiativeFactory(department=utbildning, code="EDU-1", name="Dashboard")


def benefit_upload(client, initiative, text: str):
    return client.post(
        reverse("benefit_model_import", args=[initiative.pk]),
        {"file": SimpleUploadedFile("model.json", text.encode(), "application/json")},
    )


@VIEW_PROFILE
@given(mutations(benefit_base()))
def test_the_benefit_upload_answers_every_hostile_document_with_a_page(
    as_user, owner, initiative, case
):
    path, document, _value = case
    client = as_user(owner)
    before = model_counts()
    response = benefit_upload(client, initiative, to_text(document))
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert model_counts() == before
        errors = response.context["import_errors"]
        form_errors = response.context["import_form"].errors
        assert errors or form_errors
        if errors and path:
            assert any(e.split(":")[0].startswith(path.split(".")[0]) for e in errors)


@pytest.mark.parametrize("name", sorted(HOSTILE_TEXTS))
def test_the_benefit_upload_refuses_hostile_texts_with_a_message(as_user, owner, initiative, name):
    client = as_user(owner)  # logging in may itself be audited: count after it
    before = model_counts()
    response = benefit_upload(client, initiative, HOSTILE_TEXTS[name])
    assert response.status_code == 200
    assert response.context["import_form"].errors or response.context["import_errors"]
    assert model_counts() == before


def test_a_wrong_type_for_levers_is_named_as_a_type_not_as_semicolons(as_user, owner, initiative):
    document = benefit_base() | {"levers": "x"}
    response = benefit_upload(as_user(owner), initiative, to_text(document))
    assert response.context["import_errors"] == ["levers: Måste vara en lista."]


def register_upload(client, text: str):
    return client.post(
        reverse("register_import"),
        {"file": SimpleUploadedFile("register.json", text.encode(), "application/json")},
    )


@VIEW_PROFILE
@given(mutations(register_base()))
def test_the_register_preview_answers_every_hostile_document_and_writes_nothing(
    as_user, admin, case
):
    path, document, value = case
    client = as_user(admin)
    before = model_counts()
    response = register_upload(client, to_text(document))
    assert response.status_code == 200
    assert model_counts() == before
    context = response.context
    assert context.get("errors") or context.get("summary") or context["form"].errors
    if context.get("errors") and never_valid(value):
        assert names_the_field(context["errors"], path)


@pytest.mark.parametrize("name", sorted(HOSTILE_TEXTS))
def test_the_register_preview_refuses_hostile_texts_with_a_message(as_user, admin, name):
    client = as_user(admin)
    before = model_counts()
    response = register_upload(client, HOSTILE_TEXTS[name])
    assert response.status_code == 200
    assert response.context["form"].errors or response.context.get("errors")
    assert model_counts() == before


# --- The commands ---------------------------------------------------------------------------------


@VIEW_PROFILE
@given(mutations(register_base()))
def test_import_register_refuses_a_hostile_document_or_imports_it(norrkoping, tmp_path, case):
    _path, document, _value = case
    file = tmp_path / "register.json"
    file.write_text(to_text(document), encoding="utf-8")
    before = model_counts()
    try:
        call_command("import_register", str(file), stdout=StringIO(), stderr=StringIO())
    except CommandError as refused:
        assert str(refused)
        assert model_counts() == before


@VIEW_PROFILE
@given(mutations(benefit_base()))
def test_evaluate_benefit_model_refuses_a_hostile_document_or_evaluates_it(tmp_path, case):
    _path, document, _value = case
    file = tmp_path / "model.json"
    file.write_text(to_text(document), encoding="utf-8")
    out, err = StringIO(), StringIO()
    try:
        call_command("evaluate_benefit_model", str(file), stdout=out, stderr=err)
    except CommandError as refused:
        assert str(refused) and err.getvalue()
    else:
        assert "scenarios" in json.loads(out.getvalue())


@pytest.mark.parametrize("name", sorted(HOSTILE_TEXTS))
def test_both_commands_refuse_hostile_texts(db, tmp_path, name):
    file = tmp_path / "hostile.json"
    file.write_text(HOSTILE_TEXTS[name], encoding="utf-8")
    before = model_counts()
    for command in ("import_register", "evaluate_benefit_model"):
        with pytest.raises(CommandError):
            call_command(command, str(file), stdout=StringIO(), stderr=StringIO())
    assert model_counts() == before


# --- Memory bounded -------------------------------------------------------------------------------

WORST_CASES = textwrap.dedent(
    """
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    import django
    django.setup()
    from interchange import register
    from benefits import defaults, document
    from klassa_app import jsonload

    base = json.loads(json.dumps(defaults.load(defaults.NORRKOPING_EDUCATION), default=str))
    lever = next(i for i, item in enumerate(base["levers"]) if "staff_fte" in item)
    texts = []
    for value in ("1e-999999999", "1E+9999999999", "\\ud800", "a\\u0000b"):
        base["levers"][lever]["staff_fte"] = value
        texts.append(json.dumps(base))
    texts.append("[" * 100_000 + "]" * 100_000)
    texts.append(json.dumps({"format": "klassa.register/1", "initiatives": [
        {"code": f"I{i}", "benefit_model": {"levers": [{"staff_fte": "1e-999999999"}]}}
        for i in range(20_000)]}))
    refused = 0
    for text in texts:
        try:
            data = jsonload.load_document(text.encode())
        except jsonload.JsonDocumentError:
            refused += 1
            continue
        if data.get("format") == "klassa.register/1":
            errors = register.check_document(data, register.DEFAULT_CONTEXT)
        else:
            errors = document.validate(data)
        assert errors, text[:80]
        refused += 1
    print(refused)
    """
)


def test_the_worst_cases_are_refused_within_one_gibibyte():
    root = Path(__file__).resolve().parents[2]
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "klassa_app.settings", "PYTHONPATH": str(root)}
    result = subprocess.run(
        [sys.executable, "-c", WORST_CASES],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "6"
