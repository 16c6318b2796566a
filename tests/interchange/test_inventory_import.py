"""Importing an asset inventory from a spreadsheet on the web: upload, choose the sheet and the
columns, preview every row's problems by row and column, import all rows or none, with the
register importer's rules (legal minimums, who approves, departments that exist)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments.models import Assessment, InformationAsset
from interchange import inventory, inventory_services
from interchange.inventory_views import SESSION_KEY
from klassa_app.models import AuditEvent
from tests.factories import InformationAssetFactory
from tests.helpers import row_counts

pytestmark = pytest.mark.django_db

URL = "inventory_import"
CONFIRM_BUTTON = 'name="action" value="confirm"'
HEADER = "Namn;Förvaltning;Beskrivning;Personuppgifter;Sekretess;K;R;T;S;Ägare;Status"


def csv_file(*rows: str, header: str = HEADER, encoding: str = "cp1252") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def xlsx_file(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, content: bytes, name: str = "inventering.csv"):
    return client.post(reverse(URL), {"file": SimpleUploadedFile(name, content)})


def choices(response) -> dict[str, str]:
    """The mapping form as the page shows it (the suggestion, or what was chosen)."""
    form = response.context["mapping_form"]
    values = form.data if form.is_bound else form.initial
    return {
        "mapped_sheet": response.context["sheet"],
        **{name: values.get(name, "") for name in form.fields},
    }


def preview(client, response, **changes):
    return client.post(reverse(URL), {**choices(response), **changes, "action": "preview"})


def confirm(client, response):
    data = {**choices(response), "action": "confirm", "digest": response.context["digest"]}
    return client.post(reverse(URL), data)


def problems(response) -> list[tuple[int | None, str, str, str]]:
    return [(p.row, p.letter, p.header, p.message) for p in response.context["preview"].problems]


GOOD_ROWS = (
    "Elevregister;UTB;Elever och vårdnadshavare;Känsliga;OSL 23 kap. 2 §;3;2;2;2;Rektor;Godkänd",
    "Skolschema;Utbildningskontoret;;Nej;;1;1;2;1;Skoladministratör;Utkast",
)


# --- The whole way, in Swedish files -------------------------------------------------------------


def test_the_security_officer_imports_a_semicolon_csv_in_windows_1252(
    as_user, officer, norrkoping, utbildning
):
    client = as_user(officer)
    response = upload(client, csv_file(*GOOD_ROWS))
    assert response.status_code == 200
    assert SESSION_KEY in client.session
    suggested = choices(response)
    assert suggested["map_name"] == "0" and suggested["map_department"] == "1"
    assert suggested["map_owner"] == "9" and suggested["map_level:K"] == "5"

    shown = preview(client, response)
    assert shown.context["preview"].problems == []
    page = shown.content.decode()
    assert CONFIRM_BUTTON in page
    assert shown.context["preview"].summary.information_assets.created == [
        "ELEVREGISTER",
        "SKOLSCHEMA",
    ]

    done = confirm(client, shown)
    assert done.status_code == 302
    assert SESSION_KEY not in client.session
    assets = {a.code: a for a in InformationAsset.objects.filter(organisation=norrkoping)}
    elev = assets["ELEVREGISTER"]
    assert (elev.name, elev.department, elev.owner_role) == ("Elevregister", utbildning, "Rektor")
    assert (elev.personal_data, elev.secrecy_reference) == ("special_categories", "OSL 23 kap. 2 §")
    assert elev.levels == {"K": 3, "R": 2, "T": 2, "S": 2}
    assert elev.status == InformationAsset.Status.APPROVED
    schema = assets["SKOLSCHEMA"]
    assert schema.status == InformationAsset.Status.DRAFT
    assert schema.owner_role == "Skoladministratör"
    event = AuditEvent.objects.get(action="register.inventory_imported")
    assert event.actor == officer
    assert event.after["file"] == "inventering.csv"
    assert event.after["rows"] == 2
    assert event.after["owners_changed"] == 2
    assert AuditEvent.objects.filter(action="register.imported").count() == 1


def test_the_same_file_imported_again_finds_its_assets_by_name_and_changes_nothing(
    as_user, officer, norrkoping, utbildning
):
    client = as_user(officer)
    first = preview(client, upload(client, csv_file(*GOOD_ROWS)))
    confirm(client, first)
    count = InformationAsset.objects.count()
    again = preview(client, upload(client, csv_file(*GOOD_ROWS)))
    result = again.context["preview"]
    assert result.problems == []
    assert not result.summary.changed and not result.owner_changes
    assert result.summary.information_assets.unchanged == ["ELEVREGISTER", "SKOLSCHEMA"]
    assert CONFIRM_BUTTON not in again.content.decode()
    assert InformationAsset.objects.count() == count


def test_a_code_column_updates_the_asset_with_that_code(as_user, officer, norrkoping, utbildning):
    InformationAssetFactory(
        organisation=norrkoping, department=utbildning, code="EL-1", name="Gammalt"
    )
    client = as_user(officer)
    content = csv_file(
        "EL-1;Elevregister;UTB;Ny beskrivning", header="Kod;Namn;Förvaltning;Beskrivning"
    )
    shown = preview(client, upload(client, content))
    assert shown.context["preview"].summary.information_assets.updated == ["EL-1"]
    confirm(client, shown)
    asset = InformationAsset.objects.get(code="EL-1")
    assert (asset.name, asset.description) == ("Elevregister", "Ny beskrivning")


def test_legal_triggers_in_one_column_are_read_as_the_register_has_them(
    as_user, officer, norrkoping, utbildning
):
    client = as_user(officer)
    content = csv_file(
        'Elevhälsa;UTB;"Känsliga personuppgifter, OSL 25 kap. 1 §"',
        "Lokaler;UTB;Säkerhetsskydd",
        "Bokning;UTB;Inga",
        header="Namn,Förvaltning,Rättsliga krav".replace(",", ";"),
    )
    shown = preview(client, upload(client, content))
    assert choices(shown)["map_legal"] == "2"
    confirm(client, shown)
    assets = {a.name: a for a in InformationAsset.objects.all()}
    assert assets["Elevhälsa"].personal_data == "special_categories"
    assert assets["Elevhälsa"].secrecy_reference == "OSL 25 kap. 1 §"
    assert assets["Lokaler"].protective_security is True
    assert (assets["Bokning"].personal_data, assets["Bokning"].secrecy) == ("no", False)


# --- Sheets ------------------------------------------------------------------------------------


def test_the_second_sheet_of_a_workbook_is_chosen_and_imported(
    as_user, officer, norrkoping, utbildning
):
    content = xlsx_file(
        {
            "Instruktioner": [["Fyll i nästa blad"]],
            "Tillgångar": [
                ["Informationsmängd", "Förvaltning", "Konfidentialitet", "Status"],
                ["Elevregister", "UTB", 2, "Utkast"],
            ],
        }
    )
    client = as_user(officer)
    first = upload(client, content, "lista.xlsx")
    assert first.context["sheet"] == "Instruktioner"
    assert choices(first)["map_name"] == ""  # nothing there to suggest
    second = client.post(reverse(URL), {**choices(first), "sheet": "Tillgångar", "action": "sheet"})
    assert second.context["sheet"] == "Tillgångar"
    suggested = choices(second)
    assert suggested["sheet"] == "Tillgångar"
    assert (suggested["map_name"], suggested["map_level:K"]) == ("0", "2")
    shown = preview(client, second)
    assert shown.context["preview"].problems == []
    assert confirm(client, shown).status_code == 302
    asset = InformationAsset.objects.get(organisation=norrkoping)
    assert (asset.name, asset.levels, asset.status) == ("Elevregister", {"K": 2}, "draft")


# --- The preview names each problem by row and column ---------------------------------------


def test_a_preview_asked_for_another_sheet_than_the_mapping_suggests_for_that_sheet_first(
    as_user, officer, norrkoping, utbildning
):
    content = xlsx_file(
        {"Blad1": [["Rubrik"]], "Blad2": [["Namn", "Förvaltning"], ["Elevregister", "UTB"]]}
    )
    client = as_user(officer)
    first = upload(client, content, "lista.xlsx")
    response = client.post(reverse(URL), {**choices(first), "sheet": "Blad2", "action": "preview"})
    assert "preview" not in response.context
    assert (choices(response)["map_name"], choices(response)["map_department"]) == ("0", "1")
    assert not InformationAsset.objects.exists()


def test_rows_with_the_same_name_in_a_department_keep_their_own_assets_when_imported_again(
    as_user, officer, norrkoping, utbildning
):
    content = csv_file(
        "Protokoll;UTB;Nämnd", "Protokoll;UTB;Styrelse", header="Namn;Förvaltning;Beskrivning"
    )
    client = as_user(officer)
    confirm(client, preview(client, upload(client, content)))
    assert sorted(InformationAsset.objects.values_list("code", "description")) == [
        ("PROTOKOLL", "Nämnd"),
        ("PROTOKOLL-2", "Styrelse"),
    ]
    again = preview(client, upload(client, content))
    assert again.context["preview"].summary.information_assets.unchanged == [
        "PROTOKOLL",
        "PROTOKOLL-2",
    ]
    assert not again.context["preview"].summary.changed


def test_the_preview_names_every_problem_by_row_and_column(
    as_user, officer, norrkoping, utbildning
):
    client = as_user(officer)
    content = csv_file(
        "Elevregister;UTB;;Nej;;5;1;1;1;;",  # row 2: a level above the scale
        ";UTB;;Nej;;1;1;1;1;;",  # row 3: no name
        "Löner;EKONOMI;;Nej;;1;1;1;1;;",  # row 4: no such department
        "Elevhälsa;UTB;;Känsliga;;1;2;1;2;;",  # row 5: K below the legal minimum 3
        "Schema;UTB;;Kanske;;hög;1;1;1;;Klar",  # row 6: the spreadsheet's own problems
    )
    shown = preview(client, upload(client, content))
    assert problems(shown) == [
        (2, "F", "K", "must be a level from 0 to 4"),
        (3, "A", "Namn", "required"),
        (4, "B", "Förvaltning", "unknown department code"),
        (5, "F", "K", "below the legal minimum 3"),
        (6, "D", "Personuppgifter", "must be no, yes or sensitive (Nej, Ja or Känsliga)"),
        (6, "F", "K", "must be a level from 0 to 4"),
        (6, "K", "Status", "must be draft or approved (Utkast or Godkänd)"),
    ]
    page = shown.content.decode()
    assert CONFIRM_BUTTON not in page
    # In Swedish, with the row, the column's letter and its header.
    assert "under den minsta nivån 3 enligt rättsliga krav" in page
    assert "<td>F (K)</td>" in page


def test_the_admins_approved_rows_are_named_at_their_status_cell(
    as_user, admin, norrkoping, utbildning
):
    client = as_user(admin)
    shown = preview(client, upload(client, csv_file(*GOOD_ROWS)))
    assert [(row, letter) for row, letter, _h, _m in problems(shown)] == [(2, "K")]
    assert "ELEVREGISTER is approved in the file" in problems(shown)[0][3]
    assert CONFIRM_BUTTON not in shown.content.decode()


def test_name_and_department_must_be_mapped(as_user, officer, norrkoping, utbildning):
    client = as_user(officer)
    first = upload(client, csv_file(*GOOD_ROWS))
    shown = preview(client, first, map_department="")
    assert "preview" not in shown.context
    assert shown.context["mapping_form"].errors["map_department"] == [
        "Välj kolumnen som innehåller fältet."
    ]


# --- All or nothing ------------------------------------------------------------------------------


def test_one_bad_row_writes_nothing_even_when_the_import_is_forced(
    as_user, officer, norrkoping, utbildning
):
    client = as_user(officer)
    content = csv_file(*GOOD_ROWS, "Löner;EKONOMI;;Nej;;1;1;1;1;;")
    shown = preview(client, upload(client, content))
    assert CONFIRM_BUTTON not in shown.content.decode()
    before = row_counts()
    events = AuditEvent.objects.count()
    forced = client.post(
        reverse(URL), {**choices(shown), "action": "confirm", "digest": shown.context["digest"]}
    )
    assert forced.status_code == 200
    assert [p.row for p in forced.context["preview"].problems] == [4]
    assert row_counts() == before
    assert AuditEvent.objects.count() == events


def test_a_refusal_inside_the_import_rolls_back_every_row(officer, norrkoping, utbildning):
    table = inventory.Table(
        headers=["Namn", "Förvaltning", "K"],
        rows=[(2, ["Bra", "UTB", 1]), (3, ["Dålig", "UTB", 9])],
    )
    found = inventory_services.build(norrkoping, table, {"name": 0, "department": 1, "level:K": 2})
    before = row_counts()
    with pytest.raises(inventory_services.InventoryInvalid) as refused:
        inventory_services.do_import_inventory(
            actor=officer, organisation=norrkoping, found=found, file_name="x.csv"
        )
    assert [(p.row, p.letter) for p in refused.value.problems] == [(3, "C")]
    assert row_counts() == before
    assert not AuditEvent.objects.filter(action="register.inventory_imported").exists()


def test_a_confirm_after_the_columns_changed_shows_the_new_preview_and_imports_nothing(
    as_user, officer, norrkoping, utbildning
):
    client = as_user(officer)
    shown = preview(client, upload(client, csv_file(*GOOD_ROWS)))
    data = {**choices(shown), "map_owner": "", "action": "confirm"}
    data["digest"] = shown.context["digest"]
    again = client.post(reverse(URL), data)
    assert again.status_code == 200
    assert again.context["preview"].owner_changes == {}
    assert not InformationAsset.objects.exists()


# --- Who may import ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "lawyer"])
def test_a_business_owner_or_lawyer_may_not_import_or_download_the_template(
    request, as_user, persona, norrkoping
):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(reverse(URL)).status_code == 403
    assert upload(client, csv_file(*GOOD_ROWS)).status_code == 403
    assert client.get(reverse("inventory_template")).status_code == 403
    assert SESSION_KEY not in client.session
    assert not InformationAsset.objects.exists()


def test_an_upload_kept_for_one_organisation_is_not_imported_into_another(
    as_user, officer, outsider, norrkoping, utbildning
):
    mine = as_user(officer)
    shown = preview(mine, upload(mine, csv_file(*GOOD_ROWS)))
    theirs = as_user(outsider)
    session = theirs.session
    session[SESSION_KEY] = mine.session[SESSION_KEY]
    session.save()
    data = {**choices(shown), "action": "confirm", "digest": shown.context["digest"]}
    response = theirs.post(reverse(URL), data)
    assert response.status_code == 302
    assert not InformationAsset.objects.exists()


# --- Hostile files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bild.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "inte ett kalkylark"),
        ("rapport.pdf", b"%PDF-1.4 hej", "inte ett kalkylark"),
        (
            "lista.csv",
            ("Namn;Förvaltning\n" + "x;UTB\n" * (inventory.MAX_ROWS + 1)).encode(),
            "mer än 5\u00a0000 rader",
        ),
        (
            "lista.csv",
            ("Namn;Beskrivning\nx;" + "a" * (inventory.MAX_CELL + 1)).encode(),
            "Rad 2, kolumn B",
        ),
    ],
)
def test_a_hostile_file_is_refused_with_a_message_and_nothing_kept(
    as_user, officer, norrkoping, name, content, message
):
    client = as_user(officer)
    response = upload(client, content, name)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert SESSION_KEY not in client.session


# --- The template workbook ----------------------------------------------------------------------


def test_the_template_workbook_filled_in_imports_as_it_is(
    as_user, officer, norrkoping, utbildning, kultur
):
    client = as_user(officer)
    response = client.get(reverse("inventory_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Informationsmängder", "Instruktioner"]
    sheet = workbook["Informationsmängder"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Kod", "Namn", "Förvaltning", "Beskrivning"]
    assert "Konfidentialitet (K)" in headers and "Spårbarhet (S)" in headers
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    k_column = "ABCDEFGHIJKLM"[headers.index("Konfidentialitet (K)")]
    level = validations[f"{k_column}2:{k_column}{inventory.MAX_ROWS + 1}"]
    assert (level.type, level.formula1, level.formula2) == ("whole", "0", "4")
    help_cells = [c for row in workbook["Instruktioner"].iter_rows(values_only=True) for c in row]
    assert "KUF" in help_cells and "Kultur- och fritidskontoret" in help_cells

    values = {
        "Namn": "Elevregister",
        "Förvaltning": "Kultur- och fritidskontoret",
        "Personuppgifter": "Ja",
        "Sekretess (OSL)": "OSL 23 kap. 2 §",
        "Säkerhetsskydd": "Nej",
        "Konfidentialitet (K)": 2,
        "Riktighet (R)": 1,
        "Tillgänglighet (T)": 1,
        "Spårbarhet (S)": 1,
        "Ägare": "Kulturchef",
        "Status": "Godkänd",
    }
    sheet.append([values.get(h) for h in headers])
    out = io.BytesIO()
    workbook.save(out)

    first = upload(client, out.getvalue(), "mall.xlsx")
    suggested = choices(first)
    assert all(suggested[f"map_{key}"] != "" for key, _h in headers_fields(headers))
    shown = preview(client, first)
    assert shown.context["preview"].problems == []
    assert confirm(client, shown).status_code == 302
    asset = InformationAsset.objects.get(organisation=norrkoping)
    assert (asset.department, asset.owner_role, asset.status) == (
        kultur,
        "Kulturchef",
        InformationAsset.Status.APPROVED,
    )
    assert asset.levels == {"K": 2, "R": 1, "T": 1, "S": 1}
    assert Assessment.objects.get(asset=asset).status == Assessment.Status.APPROVED


def headers_fields(headers: list[str]) -> list[tuple[str, str]]:
    from interchange import inventory_workbook

    return [(key, h) for key, h in inventory_workbook.headers(["K", "R", "T", "S"]) if h in headers]


def test_the_pages_link_to_the_spreadsheet_import(as_user, officer, norrkoping):
    client = as_user(officer)
    target = reverse(URL)
    assert target in client.get(reverse("register_import")).content.decode()
    assert target in client.get(reverse("asset_list")).content.decode()
    assert reverse("inventory_template") in client.get(target).content.decode()


# --- Bounded queries ----------------------------------------------------------------------------


def test_the_preview_and_the_import_take_as_many_queries_for_50_rows_as_for_5(
    as_user, officer, norrkoping, utbildning, django_assert_max_num_queries
):
    client = as_user(officer)
    # The organisation's first import sets up its classification model; measured after it.
    confirm(client, preview(client, upload(client, csv_file("Första;UTB;;Nej;;1;1;1;1;;"))))
    counts = []
    for size in (5, 50):
        rows = [f"Mängd {size}-{n};UTB;;Ja;;1;1;1;1;Ägare {n};" for n in range(size)]
        first = upload(client, csv_file(*rows))
        with django_assert_max_num_queries(50) as previewed:
            shown = preview(client, first)
        assert shown.context["preview"].problems == []
        with django_assert_max_num_queries(100) as imported:
            assert confirm(client, shown).status_code == 302
        counts.append((len(previewed.captured_queries), len(imported.captured_queries)))
    assert InformationAsset.objects.count() == 56
    # Ten times the rows, the same statements (SQLite may split a bulk insert in two).
    assert all(large - small <= 2 for small, large in zip(counts[0], counts[1], strict=True))
