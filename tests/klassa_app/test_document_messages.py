"""The register's and the benefit model's messages are English templates with their parameters
apart: tests and commands read them in English, the pages show them in the reader's language
with the field path exactly as in the file. Every template has a Swedish translation."""

from __future__ import annotations

import ast
import copy
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from assessments import services as assessment_services
from benefits import defaults
from benefits import document as benefit_document
from interchange import register
from klassa_app import numbers
from tests.helpers import make_document
from tests.helpers import upload as register_upload

pytestmark = pytest.mark.django_db


ROOT = Path(__file__).resolve().parents[2]
# The modules whose messages a page shows next to a field path.
MODULES = ("interchange/checks.py", "benefits/document.py", "klassa_app/jsonload.py")
MARKERS = {"gettext_noop", "gettext", "_"}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def templates(module: str) -> list[str]:
    """Every literal message marked for translation in ``module`` (read from its source, so a
    new message without a translation fails the test below)."""
    found = []
    for node in ast.walk(ast.parse((ROOT / module).read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        first = node.args[0]
        if name in MARKERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append(first.value)
    return found


def swedish(template: str) -> str:
    with translation.override("sv"):
        return translation.gettext(template)


@pytest.mark.parametrize("module", MODULES)
def test_every_message_of_the_checkers_has_a_swedish_translation_with_the_same_parameters(
    module,
):
    found = templates(module)
    assert len(found) >= 5, found  # the scan finds them (a rename would empty it)
    missing = [t for t in found if swedish(t) == t]
    assert not missing, f"no Swedish translation: {missing}"
    changed = [
        t for t in found if set(PLACEHOLDER.findall(t)) != set(PLACEHOLDER.findall(swedish(t)))
    ]
    assert not changed, f"parameters differ in Swedish: {changed}"


def test_the_messages_that_state_a_limit_state_the_limit_that_is_checked():
    assert f"10^-{numbers.MAX_EXPONENT} " in benefit_document.TOO_SMALL
    assert f" {numbers.MAX_DIGITS} " in benefit_document.TOO_PRECISE
    assert benefit_document.HORIZON.endswith(f" {benefit_document.MAX_HORIZON}")


def broken_register() -> dict:
    """A register with a wrong value in most of its fields, its benefit model included."""
    document = make_document()
    document["format"] = "klassa.register/2"
    document["departments"].append({"code": "utb x", "name": "\u0000"})
    first, second = document["information_assets"]
    first["levels"]["K"] = 9
    first["status"] = "maybe"
    first["legal"] = {"personal_data": "lots", "secrecy": 7, "protective_security": "no"}
    second["department"] = "NOPE"
    second["levels"]["Q"] = 1
    initiative = document["initiatives"][0]
    initiative["assets"] = ["ELEV", "ELEV", 5, "GONE"]
    initiative["priority"] = {"strategic_fit": 9, "duration_weeks": 0, "forced": "maybe"}
    initiative["adjustments"] = [{"aspect": "T", "level": 1, "reason": "why", "justification": ""}]
    model = defaults.load(defaults.FYRBODAL_PERSONAL_DASHBOARD)
    model["currency"] = "kronor"
    model["horizon_years"] = 0
    model["levers"][0]["staff_fte"] = "1e-999999999"
    model["levers"][1]["colour"] = "red"
    model["costs"] = "none"
    initiative["benefit_model"] = json.loads(json.dumps(model, default=str))
    document["portfolio"] = {"year": 1999, "budget": -1, "scenario": "best", "extra": 1}
    return document


def test_every_error_of_a_broken_register_reads_in_swedish_and_in_english():
    errors = register.check_document(broken_register(), register.DEFAULT_CONTEXT)
    assert len(errors) >= 25, errors
    for error in errors:
        translated = swedish(error.template)
        assert translated != error.template, error
        with translation.override("sv"):
            assert error.localized == (translated % error.params if error.params else translated)
            assert error.localized != error.message, error
        with translation.override("en"):
            assert error.localized == error.message
    # The English is what it was: the path, then the message with its parameters filled in.
    assert "information_assets[0].levels.K: must be a level from 0 to 4" in map(str, errors)
    assert (
        "initiatives[0].benefit_model.currency: must be a three-letter currency code such as SEK"
        in map(str, errors)
    )


# --- The pages ---------------------------------------------------------------------------------


def test_the_register_preview_shows_a_bad_field_in_swedish_with_the_path_as_in_the_file(
    as_user, admin, norrkoping
):
    document = make_document()
    for item in document["information_assets"]:
        item["status"] = "draft"
    document["information_assets"][1]["levels"]["K"] = 9
    document["initiatives"][0]["priority"] = {"strategic_fit": 7}
    client = as_user(admin)
    page = client.post(reverse("register_import"), {"file": register_upload(document)})
    html = page.content.decode()
    assert "<code>information_assets[1].levels.K</code>: måste vara en nivå från 0 till 4" in html
    assert (
        "<code>initiatives[0].priority.strategic_fit</code>: "
        "måste vara ett heltal från 1 till 5, eller null"
    ) in html
    assert "must be" not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.post(reverse("register_import"), {"file": register_upload(document)})
    assert "<code>information_assets[1].levels.K</code>: must be a level from 0 to 4" in (
        english.content.decode()
    )


@pytest.fixture
def initiative(owner, utbildning):
    return assessment_services.do_create_initiative(
        actor=owner, department=utbildning, code="FYR-EDU-A", name="Personal dashboard"
    )


def broken_model() -> dict:
    model = json.loads(json.dumps(defaults.load(defaults.FYRBODAL_PERSONAL_DASHBOARD), default=str))
    model["currency"] = "kronor"
    model["horizon_years"] = 0
    model["levers"][1]["colour"] = "red"
    return model


def test_the_benefit_upload_lists_its_errors_in_swedish_by_path(as_user, owner, initiative):
    upload = SimpleUploadedFile(
        "model.json", json.dumps(broken_model()).encode(), content_type="application/json"
    )
    response = as_user(owner).post(
        reverse("benefit_model_import", args=[initiative.pk]), {"file": upload}
    )
    assert response.status_code == 200
    errors = response.context["import_errors"]
    # The editor's own phrasing where it has one, the document's words otherwise.
    assert "horizon_years: Ange ett helt antal år från 1 till 30." in errors
    assert "levers[1].colour: Okänt fält." in errors
    assert "currency: måste vara en valutakod med tre bokstäver, till exempel SEK" in errors


def test_the_json_form_lists_its_errors_in_swedish_by_path(as_user, owner, initiative):
    response = as_user(owner).post(
        reverse("benefit_model", args=[initiative.pk]), {"document": json.dumps(broken_model())}
    )
    assert response.status_code == 200
    errors = response.context["errors"]
    assert "horizon_years: måste vara ett heltal från 1 till 30" in errors
    assert "levers[1].colour: okänt fält" in errors
    assert not [e for e in errors if "must" in e or "unknown" in e]


def test_a_hostile_json_file_is_refused_in_swedish(as_user, owner, initiative):
    upload = SimpleUploadedFile("model.json", b'{"name": "a", "name": "b"}')
    response = as_user(owner).post(
        reverse("benefit_model_import", args=[initiative.pk]), {"file": upload}
    )
    assert response.status_code == 200
    assert response.context["import_form"].errors["file"] == [
        swedish("The key “%(key)s” appears twice in the same object.") % {"key": "name"}
    ]


def test_the_import_command_prints_the_messages_in_english_for_operators(tmp_path, norrkoping):
    path = tmp_path / "register.json"
    document = copy.deepcopy(make_document())
    document["information_assets"][0]["levels"]["K"] = 9
    path.write_text(json.dumps(document), encoding="utf-8")
    stderr = StringIO()
    with pytest.raises(CommandError):
        call_command("import_register", str(path), stderr=stderr)
    assert "information_assets[0].levels.K: must be a level from 0 to 4" in stderr.getvalue()
