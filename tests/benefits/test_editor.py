"""The benefit-model editor: form ↔ document mapping (decimal commas, percentages), the live
preview, saving through the service with errors on their fields, concurrency, the valuation
helper, JSON import, permissions and query bounds."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import services as assessment_services
from benefits import calculation, defaults, editor, services
from benefits import document as benefit_document
from benefits.forms import build_editor, translate_message
from benefits.models import BenefitModel
from klassa_app.models import AuditEvent, Role
from tests.factories import DepartmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def initiative(owner, utbildning):
    return assessment_services.do_create_initiative(
        actor=owner, department=utbildning, code="FYR-EDU-A", name="Personal dashboard"
    )


@pytest.fixture
def fyrbodal():
    return defaults.load(defaults.FYRBODAL_PERSONAL_DASHBOARD)


@pytest.fixture
def saved(owner, initiative, fyrbodal):
    return services.do_save_benefit_model(
        actor=owner, initiative=initiative, document=fyrbodal, lock_version=None
    )


def form_data(document, **changes) -> dict[str, str]:
    """What the editor submits for ``document``, with some inputs changed."""
    data = editor.draft_to_data(editor.draft_from_document(document))
    data.update(changes)
    return data


def room_cells(html: str, scenario: str) -> list[str]:
    cells = html.split(f"data-room-{scenario}>")[1:]
    return [cell.split("</td>")[0].replace("\xa0", " ") for cell in cells]


# --- Numbers as people type them ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("779 730,50", "779730.50"),
        ("779730.50", "779730.50"),
        ("779\xa0730,5", "779730.5"),
        ("0,3", "0.3"),
        ("1 000 000", "1000000"),
        ("1.000.000", "1000000"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("-12", "-12"),
        (" 42 ", "42"),
    ],
)
def test_numbers_are_read_with_decimal_comma_or_point_and_spaces(text, expected):
    assert editor.parse_number(text) == Decimal(expected)
    assert str(editor.parse_number(text)) == expected  # exact digits, no float on the way


@pytest.mark.parametrize("text", ["", "   ", "abc", "1,2,3", "1.2.3", "12 kr", "1e5", "--1"])
def test_text_that_is_no_number_is_not_read_as_one(text):
    assert editor.parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "share"), [("30", "0.30"), ("2,5", "0.025"), ("100", "1.00"), ("0,5", "0.005")]
)
def test_percentages_map_exactly_to_the_document_share(text, share):
    assert editor.parse_percent(text) == Decimal(share)
    assert format(editor.parse_percent(text), "f") == share


@pytest.mark.parametrize(
    ("value", "text"),
    [("0.3", "30"), ("0.025", "2,5"), ("1", "100"), ("0.15", "15"), ("0.0000001", "0,00001")],
)
def test_shares_are_shown_as_percent(value, text):
    assert editor.format_percent(Decimal(value)) == text
    assert editor.parse_percent(text) == Decimal(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [("779730", "779 730"), ("2374.1", "2374,1"), ("20060903.50", "20 060 903,5"), ("0", "0")],
)
def test_numbers_are_shown_with_decimal_comma_and_grouped_thousands(value, text):
    assert editor.format_number(Decimal(value)) == text
    assert editor.parse_number(text) == Decimal(value)


# --- Form → document ---------------------------------------------------------------------------


def test_the_form_builds_the_document_with_exact_decimals():
    data = {
        "name": "Dashboard",
        "horizon_years": "3",
        "discount_preset": "custom",
        "discount_rate": "3,25",
        "levers-TOTAL": "2",
        "levers-0-kind": "staff_time",
        "levers-0-name": "Principals",
        "levers-0-stakeholder": "internal",
        "levers-0-category": "redistribution",
        "levers-0-staff_fte": "107,4",
        "levers-0-annual_cost_per_fte": "779 730,50",
        "levers-0-time_share": "30",
        "levers-0-reduction-split": "1",
        "levers-0-reduction-low": "20",
        "levers-0-reduction-medium": "30",
        "levers-0-reduction-high": "50",
        "levers-0-attribution_share": "15",
        "levers-0-realisation_rate": "",
        "levers-0-ramp_up": "50; 100; 100",
        "levers-1-kind": "rate_change",
        "levers-1-name": "Recruitments",
        "levers-1-stakeholder": "external",
        "levers-1-category": "financial",
        "levers-1-population": "2 374,1",
        "levers-1-rate_before": "4",
        "levers-1-rate_after": "2",
        "levers-1-unit_cost": "150 000",
        "costs-TOTAL": "2",
        "costs-0-name": "Procurement",
        "costs-0-kind": "investment",
        "costs-0-mode": "years",
        "costs-0-amounts": "5 000 000; 2 000 000; 0; 0",
        "costs-1-name": "Licences",
        "costs-1-kind": "running",
        "costs-1-mode": "annual",
        "costs-1-annual_amount": "800 000",
    }
    document = editor.document_from_draft(editor.draft_from_data(data))
    assert document == {
        "format": "klassa.benefit-model/1",
        "name": "Dashboard",
        "currency": "SEK",
        "horizon_years": 3,
        "discount_rate": "0.0325",
        "levers": [
            {
                "kind": "staff_time",
                "name": "Principals",
                "stakeholder": "internal",
                "category": "redistribution",
                "staff_fte": "107.4",
                "annual_cost_per_fte": "779730.50",
                "time_share": "0.30",
                "reduction": {"low": "0.20", "medium": "0.30", "high": "0.50"},
                "attribution_share": "0.15",
                "ramp_up": ["0.50", "1.00", "1.00"],
            },
            {
                "kind": "rate_change",
                "name": "Recruitments",
                "stakeholder": "external",
                "category": "financial",
                "population": "2374.1",
                "rate_before": "0.04",
                "rate_after": "0.02",
                "unit_cost": "150000",
            },
        ],
        "costs": [
            {
                "name": "Procurement",
                "kind": "investment",
                "amounts": ["5000000", "2000000", "0", "0"],
            },
            {"name": "Licences", "kind": "running", "annual_amount": "800000"},
        ],
    }
    model = benefit_document.parse(document)
    assert model.levers[0].annual_cost_per_fte.medium == Decimal("779730.50")
    assert model.discount_rate == Decimal("0.0325")


@pytest.mark.parametrize(
    ("preset", "custom", "expected"),
    [
        ("0.03", "", "0.03"),
        ("0.025", "9", "0.025"),
        ("0.035", "", "0.035"),
        ("custom", "4,5", "0.045"),
    ],
)
def test_discount_rate_presets_and_a_custom_rate(preset, custom, expected):
    draft = editor.draft_from_data(
        {"name": "M", "horizon_years": "3", "discount_preset": preset, "discount_rate": custom}
    )
    assert editor.document_from_draft(draft)["discount_rate"] == expected


def test_without_a_preset_the_default_rate_of_3_percent_is_used():
    assert editor.Draft().discount_preset == "0.03"
    draft = editor.draft_from_data({"name": "M", "horizon_years": "3"})
    assert editor.document_from_draft(draft)["discount_rate"] == "0.03"


def test_a_saved_custom_rate_shows_as_other_with_its_percentage():
    document = dict(defaults.load(defaults.FYRBODAL_PERSONAL_DASHBOARD), discount_rate="0.0425")
    draft = editor.draft_from_document(document)
    assert (draft.discount_preset, draft.discount_rate) == ("custom", "4,25")


@pytest.mark.parametrize("path", list(defaults.DEMO_MODELS))
def test_a_document_shown_in_the_form_and_submitted_unchanged_is_the_same_model(path):
    document = defaults.load(path)
    draft = editor.draft_from_data(form_data(document))
    again = editor.document_from_draft(draft)
    assert benefit_document.validate(again) == []
    assert benefit_document.parse(again) == benefit_document.parse(document)


def test_switching_a_levers_kind_and_back_keeps_its_inputs():
    data = form_data(defaults.load(defaults.NORRKOPING_EDUCATION))
    data["levers-0-kind"] = "fixed_amount"
    draft = editor.draft_from_data(data)
    assert "staff_fte" not in editor.document_from_draft(draft)["levers"][0]
    assert draft.levers[0].inputs["staff_fte"].value == "194,929387"
    data["levers-0-kind"] = "staff_time"
    back = editor.document_from_draft(editor.draft_from_data(data))
    assert back["levers"][0]["staff_fte"] == "194.929387"


def test_text_that_is_no_number_reaches_the_validation_which_names_the_field():
    data = form_data(
        defaults.load(defaults.FYRBODAL_PERSONAL_DASHBOARD), **{"levers-1-unit_cost": "lots"}
    )
    errors = benefit_document.validate(editor.document_from_draft(editor.draft_from_data(data)))
    assert [(e.path, e.message) for e in errors] == [
        ("levers[1].unit_cost", "must be a number or an object with low, medium and high")
    ]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("name", "name"),
        ("horizon_years", "horizon_years"),
        ("discount_rate", "discount_rate"),
        ("levers[2].reduction.high", "levers-2-reduction-high"),
        ("levers[0].reduction", "levers-0-reduction"),
        ("levers[1].ramp_up[2]", "levers-1-ramp_up"),
        ("levers[1].ramp_up", "levers-1-ramp_up"),
        ("levers[3]", "levers-3"),
        ("costs[0].amounts[1]", "costs-0-amounts"),
        ("costs[0]", "costs-0"),
        ("costs[1].annual_amount", "costs-1-annual_amount"),
        ("format", None),
        ("currency", None),
        ("document", None),
    ],
)
def test_error_paths_name_their_input(path, name):
    assert editor.input_name(path) == name


@pytest.mark.parametrize(
    ("path", "message", "expected"),
    [
        ("name", "required", "Required."),
        ("levers[0].colour", "unknown field", "Unknown field."),
        ("levers[0].amount", "must be a number", "Enter a number."),
        (
            "levers[0].amount",
            "must be a number or an object with low, medium and high",
            "Enter a number.",
        ),
        # The limit in kronor, written out: nobody reads "10^15".
        (
            "levers[0].amount",
            "must be below 10^15",
            "Must be below 1\u00a0000\u00a0000\u00a0000\u00a0000\u00a0000 kr.",
        ),
        (
            "costs[0].amounts[2]",
            "must be below 10^15",
            "Year 2: Must be below 1\u00a0000\u00a0000\u00a0000\u00a0000\u00a0000 kr.",
        ),
        (
            "levers[0].staff_fte",
            "must be below 10^15",
            "Must be below 1\u00a0000\u00a0000\u00a0000\u00a0000\u00a0000.",
        ),
        ("levers[0].reduction.high", "must be between 0 and 1", "Must be between 0 and 100 %."),
        ("levers[0].ramp_up[1]", "must be between 0 and 1", "Year 2: Must be between 0 and 100 %."),
        ("levers[0].staff_fte", "must be 0 or more", "Must be 0 or more."),
        ("costs[0].amounts[0]", "must be 0 or more", "Year 0: Must be 0 or more."),
        (
            "horizon_years",
            "must be a whole number from 1 to 30",
            "Enter a whole number of years from 1 to 30.",
        ),
        ("name", "must be text", "Enter text."),
        ("name", (benefit_document.TOO_LONG, {"count": 200}), "At most 200 characters."),
        (
            "levers[0].kind",
            (benefit_document.ONE_OF, {"values": "staff_time, cost_base"}),
            "Choose one of the options.",
        ),
        ("levers[0].ramp_up", "must be a list", "Enter values separated by semicolons."),
        (
            "levers[0].ramp_up",
            (benefit_document.ENTRIES, {"count": 3}),
            "Enter 3 values, one for each year 1–3, separated by semicolons.",
        ),
        (
            "costs[0].amounts",
            (benefit_document.ENTRIES, {"count": 4}),
            "Enter 4 amounts, one for each year 0–3, separated by semicolons.",
        ),
        ("levers[1].name", "duplicate name", "Another lever already has this name."),
        (
            "levers[1].rate_after",
            (benefit_document.RATE_AFTER, {"field": "rate_before"}),
            "Must not be above the rate before.",
        ),
        (
            "costs[0]",
            "give amounts or annual_amount",
            "Enter an annual amount or the amounts per year.",
        ),
        (
            "costs[0]",
            "give amounts or annual_amount, not both",
            "Enter an annual amount or the amounts per year, not both.",
        ),
        ("levers[0]", "must be an object", "Must be an object."),
    ],
)
def test_every_validation_message_is_phrased_for_the_editor(settings, path, message, expected):
    from django.utils import translation

    with translation.override("en"):
        # A message with parameters is given as (template, parameters).
        template, params = message if isinstance(message, tuple) else (message, {})
        error = benefit_document.DocumentError(path, template, params)
        assert translate_message(error) == expected


def test_errors_are_placed_on_their_inputs_and_summarised_with_links():
    document = defaults.load(defaults.NORRKOPING_EDUCATION)
    data = form_data(document, **{"levers-2-reduction-high": "150", "horizon_years": "31"})
    draft = editor.draft_from_data(data)
    errors = benefit_document.validate(editor.document_from_draft(draft))
    view = build_editor(draft, errors)
    reduction = next(i for i in view.levers[2].inputs if i.name == "levers-2-reduction")
    assert reduction.scenarios[2].errors and not reduction.scenarios[1].errors
    assert view.horizon_years.errors
    linked = {input_id for input_id, _where, _message in view.summary}
    assert {"id_levers-2-reduction-high", "id_horizon_years"} <= linked


# --- The page and its preview ------------------------------------------------------------------


def test_the_preview_shows_the_deck_investment_room_for_the_fyrbodal_document(
    as_user, owner, initiative, fyrbodal
):
    response = as_user(owner).post(
        reverse("benefit_model_preview", args=[initiative.pk]), form_data(fyrbodal), **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert room_cells(html, "medium") == ["17 152 752 kr", "34 305 503 kr", "51 458 255 kr"]
    expected = calculation.evaluate(benefit_document.parse(fyrbodal))
    assert response.context["results"]["evaluation"] == expected
    assert [r.investment_room for r in response.context["results"]["result"].years[1:]] == [
        Decimal("17152751.5"),
        Decimal("34305503.0"),
        Decimal("51458254.5"),
    ]
    assert not BenefitModel.objects.exists()  # a preview never saves


def test_the_preview_recalculates_a_changed_input_like_the_calculation(
    as_user, owner, initiative, fyrbodal
):
    data = form_data(fyrbodal, **{"levers-1-rate_after": "1,5", "levers-0-realisation_rate": "40"})
    response = as_user(owner).post(
        reverse("benefit_model_preview", args=[initiative.pk]), data, **HTMX
    )
    changed = json.loads(json.dumps(fyrbodal, default=str))
    changed["levers"][1]["rate_after"] = "0.015"
    changed["levers"][0]["realisation_rate"] = "0.40"
    expected = calculation.evaluate(benefit_document.parse(changed))
    assert response.context["results"]["evaluation"] == expected
    html = response.content.decode()
    npv = response.context["results"]["evaluation"].medium.npv
    from klassa_app.templatetags.klassa_format import money

    assert f'data-metric="npv" data-scenario="medium">{money(npv)}' in html


def test_the_preview_of_an_invalid_draft_lists_the_errors_by_field(
    as_user, owner, initiative, fyrbodal
):
    data = form_data(fyrbodal, **{"levers-1-rate_after": "9"})
    response = as_user(owner).post(
        reverse("benefit_model_preview", args=[initiative.pk]), data, **HTMX
    )
    assert response.context["results"] is None
    assert [e[0] for e in response.context["preview_errors"]] == ["id_levers-1-rate_after"]
    assert 'href="#id_levers-1-rate_after"' in response.content.decode()


def test_the_charts_follow_the_chosen_scenario(as_user, owner, initiative, saved):
    client = as_user(owner)
    response = client.post(
        reverse("benefit_model_preview", args=[initiative.pk]),
        form_data(saved.document, scenario="high"),
        **HTMX,
    )
    assert response.context["results"]["scenario"] == "high"
    html = response.content.decode()
    assert 'data-chart="yearly" data-scenario="high"' in html
    assert html.count('role="img"') == 2
    assert "<title" in html and "aria-labelledby" in html


def test_a_reader_sees_results_and_charts_of_the_saved_model_but_no_editor(
    as_user, lawyer, initiative, saved
):
    client = as_user(lawyer)
    response = client.get(reverse("benefit_model", args=[initiative.pk]))
    assert response.status_code == 200
    assert response.context["editor"] is None and response.context["import_form"] is None
    html = response.content.decode()
    assert room_cells(html, "medium") == ["17 152 752 kr", "34 305 503 kr", "51 458 255 kr"]
    assert 'id="benefit-editor"' not in html and "tornado-chart" in html
    switched = client.get(
        reverse("benefit_model", args=[initiative.pk]), {"scenario": "low"}, **HTMX
    )
    assert 'data-chart="yearly" data-scenario="low"' in switched.content.decode()
    assert "<html" not in switched.content.decode()  # just the results panel


def test_the_tornado_labels_are_words_not_identifiers(as_user, owner, initiative, saved):
    response = as_user(owner).get(reverse("benefit_model", args=[initiative.pk]))
    labels = [row["label"] for row in response.context["results"]["tornado_rows"]]
    assert all("levers[" not in label and "_" not in label for label in labels)
    # Numbered as in the editor ("1. …"), so that levers whose names are cut alike differ.
    assert any(re.match(r"\d+\. Färre rekryteringar — ", label) for label in labels)
    # Each names its input too: the rows of one lever can be told apart.
    assert len(set(labels)) == len(labels)
    rows = calculation.tornado(benefit_document.parse(saved.document), "medium")
    assert [r["swing"] for r in response.context["results"]["tornado_rows"]] == [
        r["swing"] for r in rows
    ]


# --- Saving ------------------------------------------------------------------------------------


def test_the_owner_saves_the_form_and_the_change_is_audited(as_user, owner, initiative, saved):
    client = as_user(owner)
    data = form_data(
        saved.document,
        **{"levers-1-population": "2 500,5", "lock_version": str(saved.lock_version)},
    )
    response = client.post(reverse("benefit_model", args=[initiative.pk]), data)
    assert response.status_code == 302
    model = BenefitModel.objects.get()
    assert model.document["levers"][1]["population"] == "2500.5"
    assert model.lock_version == saved.lock_version + 1
    event = AuditEvent.objects.filter(action="benefit_model.saved").get()
    assert event.before["changed"] == {"levers[1].population": ["2374.1", "2500.5"]}


def test_a_new_model_is_built_in_the_form_from_nothing(as_user, owner, initiative):
    client = as_user(owner)
    page = client.get(reverse("benefit_model", args=[initiative.pk]))
    assert page.context["editor"].name.value == initiative.name
    data = {
        "name": "Dashboard",
        "horizon_years": "2",
        "discount_preset": "0.035",
        "levers-TOTAL": "1",
        "levers-0-kind": "fixed_amount",
        "levers-0-name": "Queues",
        "levers-0-stakeholder": "external",
        "levers-0-category": "quality",
        "levers-0-amount": "1 000 000",
        "costs-TOTAL": "1",
        "costs-0-name": "Licences",
        "costs-0-kind": "running",
        "costs-0-mode": "annual",
        "costs-0-annual_amount": "250 000",
        "action": "save",
    }
    assert client.post(reverse("benefit_model", args=[initiative.pk]), data).status_code == 302
    result = calculation.evaluate(
        benefit_document.parse(BenefitModel.objects.get().document)
    ).medium
    assert result.total_benefit == Decimal(2_000_000) and result.total_cost == Decimal(500_000)


def test_submitting_the_form_unchanged_changes_nothing(as_user, owner, initiative, saved):
    data = form_data(saved.document, lock_version=str(saved.lock_version))
    response = as_user(owner).post(reverse("benefit_model", args=[initiative.pk]), data)
    assert response.status_code == 302
    model = BenefitModel.objects.get()
    assert model.lock_version == saved.lock_version and model.document == saved.document
    assert not AuditEvent.objects.filter(action="benefit_model.saved").exists()


def test_unchanged_numbers_keep_their_stored_text():
    old = {"a": "1", "b": ["0.30", "5"], "c": {"low": "0.2"}, "name": "1"}
    new = {"a": "1.00", "b": ["0.3", "6"], "c": {"low": "0.20"}, "name": "1.0", "d": "2"}
    assert editor.keep_unchanged_text(new, old) == {
        "a": "1",
        "b": ["0.30", "6"],
        "c": {"low": "0.2"},
        "name": "1.0",
        "d": "2",
    }


def test_a_form_with_errors_saves_nothing_and_shows_them_next_to_the_field(
    as_user, owner, initiative, saved
):
    data = form_data(
        saved.document,
        **{"levers-1-rate_after": "5", "lock_version": str(saved.lock_version), "name": ""},
    )
    response = as_user(owner).post(reverse("benefit_model", args=[initiative.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_levers-1-rate_after"' in html
    field_html = html.split('id="id_levers-1-rate_after"')[1].split(">")[0]
    assert 'aria-invalid="true"' in field_html
    assert 'aria-describedby="levers-1-rate_after-error"' in field_html
    assert 'id="levers-1-rate_after-error"' in html
    assert 'href="#id_name"' in html and 'href="#id_levers-1-rate_after"' in html
    assert BenefitModel.objects.get().lock_version == saved.lock_version
    assert BenefitModel.objects.get().document == saved.document


def test_a_save_based_on_an_older_version_is_refused_and_shown_beside_theirs(
    as_user, owner, initiative, saved
):
    services.do_save_benefit_model(
        actor=owner,
        initiative=initiative,
        document=dict(saved.document, discount_rate="0.025"),
        lock_version=saved.lock_version,
    )
    client = as_user(owner)
    data = form_data(saved.document, lock_version=str(saved.lock_version), name="Mine")
    response = client.post(reverse("benefit_model", args=[initiative.pk]), data)
    # Nothing is saved; the merge view keeps the input beside the saved version.
    assert "Mine" in response.context["merge"]["mine_json"]
    model = BenefitModel.objects.get()
    assert model.document["discount_rate"] == "0.025" and model.document["name"] != "Mine"


def test_adding_and_removing_rows_redraws_the_form_and_saves_nothing(
    as_user, owner, initiative, saved
):
    client = as_user(owner)
    url = reverse("benefit_model", args=[initiative.pk])
    data = form_data(saved.document, action="add_lever", new_lever_kind="cost_base")
    response = client.post(url, data, **HTMX)
    assert response.status_code == 200
    view = response.context["editor"]
    assert [lever.kind.value for lever in view.levers] == [
        "fixed_amount",
        "rate_change",
        "cost_base",
    ]
    assert [i.name for i in view.levers[2].inputs] == ["levers-2-base_cost", "levers-2-reduction"]
    html = response.content.decode()
    assert 'id="benefit-editor"' in html and 'hx-swap-oob="true"' in html
    removed = client.post(url, form_data(saved.document, action="remove_lever-0"), **HTMX)
    assert [lever.name.value for lever in removed.context["editor"].levers] == [
        "Färre rekryteringar"
    ]
    # The results beside the form follow the removal.
    assert removed.context["results"]["evaluation"].medium.total_benefit == Decimal("7122300.0") * 3
    costs = client.post(url, form_data(saved.document, action="add_cost"))
    assert len(costs.context["editor"].costs) == 1 and costs.status_code == 200
    assert BenefitModel.objects.get().lock_version == saved.lock_version


def test_changing_a_levers_kind_shows_that_kinds_fields(as_user, owner, initiative, saved):
    data = form_data(saved.document, action="refresh", **{"levers-0-kind": "staff_time"})
    response = as_user(owner).post(reverse("benefit_model", args=[initiative.pk]), data, **HTMX)
    names = [i.name for i in response.context["editor"].levers[0].inputs]
    assert names == [
        "levers-0-staff_fte",
        "levers-0-annual_cost_per_fte",
        "levers-0-time_share",
        "levers-0-reduction",
    ]
    assert 'id="id_levers-0-monthly_salary"' in response.content.decode()  # valuation helper


# --- Valuation helper --------------------------------------------------------------------------


def test_the_valuation_helper_uses_the_calculations_formula(as_user, owner, initiative):
    url = reverse("benefit_fte_cost", args=[initiative.pk])
    client = as_user(owner)
    response = client.post(url, {"lever": "1", "levers-1-monthly_salary": "42 194,50"})
    expected = calculation.annual_cost_per_fte(Decimal("42194.50"))
    assert response.context["annual"] == expected.quantize(Decimal("0.01"))
    assert expected == Decimal("42194.50") * 12 * Decimal("1.54")
    html = response.content.decode()
    assert 'data-fill-target="id_levers-1-annual_cost_per_fte"' in html
    assert f'data-fill-value="{editor.format_number(expected.quantize(Decimal("0.01")))}"' in html
    custom = client.post(
        url, {"lever": "0", "levers-0-monthly_salary": "40000", "levers-0-on_cost_factor": "1,5"}
    )
    assert custom.context["annual"] == Decimal("720000.00")
    wrong = client.post(url, {"lever": "0", "levers-0-monthly_salary": "much"})
    assert "annual" not in wrong.context and wrong.context["form"].errors["monthly_salary"]


# --- Import ------------------------------------------------------------------------------------


def upload(document, name="model.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, json.dumps(document, default=str).encode(), content_type="application/json"
    )


def test_a_model_exported_elsewhere_imports_unchanged_in_another_organisation(
    as_user, owner, outsider, initiative, saved, other_municipality
):
    exported = json.loads(
        as_user(owner).get(reverse("benefit_model_export", args=[initiative.pk])).content
    )
    department = DepartmentFactory(organisation=other_municipality, code="LKP")
    theirs = assessment_services.do_create_initiative(
        actor=outsider, department=department, code="LKP-1", name="Their dashboard"
    )
    response = as_user(outsider).post(
        reverse("benefit_model_import", args=[theirs.pk]), {"file": upload(exported)}
    )
    assert response.status_code == 302
    imported = BenefitModel.objects.get(initiative=theirs)
    assert imported.document == saved.document
    assert calculation.evaluate(benefit_document.parse(imported.document)) == calculation.evaluate(
        benefit_document.parse(saved.document)
    )
    assert AuditEvent.objects.filter(
        action="benefit_model.created", organisation=other_municipality
    ).exists()


def test_an_import_with_errors_lists_them_by_path_and_changes_nothing(
    as_user, owner, initiative, saved, fyrbodal
):
    broken = json.loads(json.dumps(fyrbodal, default=str))
    broken["levers"][1]["rate_after"] = "0.5"
    broken["horizon_years"] = 0
    response = as_user(owner).post(
        reverse("benefit_model_import", args=[initiative.pk]), {"file": upload(broken)}
    )
    assert response.status_code == 200
    paths = [e.split(":")[0] for e in response.context["import_errors"]]
    assert "horizon_years" in paths and "levers[1].rate_after" in paths
    assert BenefitModel.objects.get().document == saved.document


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b" " * (1024 * 1024 + 1), "larger than 1 MB"),
    ],
)
def test_a_file_that_is_no_json_document_is_refused_with_a_clear_message(
    as_user, owner, initiative, settings, content, message
):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        response = as_user(owner).post(
            reverse("benefit_model_import", args=[initiative.pk]),
            {"file": SimpleUploadedFile("x.json", content)},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert message in " ".join(response.context["import_form"].errors["file"])
    assert not BenefitModel.objects.exists()


# --- Access ------------------------------------------------------------------------------------


ENDPOINTS = ["benefit_model_preview", "benefit_fte_cost", "benefit_model_import", "benefit_model"]


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_reader_may_not_preview_save_import_or_use_the_helper(
    as_user, lawyer, initiative, saved, name
):
    data = form_data(saved.document)
    data["file"] = upload(saved.document)
    response = as_user(lawyer).post(reverse(name, args=[initiative.pk]), data)
    assert response.status_code == 403
    assert BenefitModel.objects.get().lock_version == saved.lock_version


@pytest.mark.parametrize("name", ENDPOINTS)
def test_another_departments_or_organisations_user_gets_404(
    as_user, culture_viewer, outsider, initiative, saved, name
):
    for person in (culture_viewer, outsider):
        data = form_data(saved.document)
        assert as_user(person).post(reverse(name, args=[initiative.pk]), data).status_code == 404


def test_an_economist_of_the_department_may_edit(as_user, utbildning, initiative, saved):
    economist = MembershipFactory(department=utbildning, role=Role.ECONOMIST).user
    response = as_user(economist).post(
        reverse("benefit_model_preview", args=[initiative.pk]), form_data(saved.document)
    )
    assert response.status_code == 200


# --- Query bounds ------------------------------------------------------------------------------


def _large_document(levers: int, costs: int) -> dict:
    return {
        "format": "klassa.benefit-model/1",
        "name": "Large",
        "currency": "SEK",
        "horizon_years": 10,
        "levers": [
            {"kind": "fixed_amount", "name": f"Lever {i}", "amount": str(1000 * (i + 1))}
            for i in range(levers)
        ],
        "costs": [
            {"name": f"Cost {j}", "kind": "running", "annual_amount": "500"} for j in range(costs)
        ],
    }


@pytest.mark.parametrize(("levers", "costs"), [(1, 1), (25, 10)])
def test_the_page_needs_a_bounded_number_of_queries(
    as_user, owner, lawyer, initiative, django_assert_max_num_queries, levers, costs
):
    services.do_save_benefit_model(
        actor=owner,
        initiative=initiative,
        document=_large_document(levers, costs),
        lock_version=None,
    )
    for person in (owner, lawyer):
        client = as_user(person)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("benefit_model", args=[initiative.pk]))
        assert response.status_code == 200
    client = as_user(owner)
    with django_assert_max_num_queries(10):
        client.post(
            reverse("benefit_model_preview", args=[initiative.pk]),
            form_data(_large_document(levers, costs)),
        )


def test_json_nested_too_deeply_is_refused_with_a_message():
    from benefits.forms import BenefitDocumentForm

    form = BenefitDocumentForm({"document": "[" * 100_000, "lock_version": ""})
    assert not form.is_valid()
    assert "document" in form.errors
