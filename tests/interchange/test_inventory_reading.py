"""Reading an asset inventory: the suggested mapping of the headers, CSV in its usual
encodings and separators, XLSX sheets, and the bounds that refuse a hostile file. Pure: no
database."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from interchange import inventory

ASPECTS = {
    "K": ["Konfidentialitet", "Confidentiality"],
    "R": ["Riktighet", "Integrity"],
    "T": ["Tillgänglighet", "Availability"],
    "S": ["Spårbarhet", "Traceability"],
}


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def named(headers: list[str]) -> dict[str, str | None]:
    """The suggested mapping as field → header (easier to read than indexes)."""
    mapping = inventory.suggest_mapping(headers, ASPECTS)
    return {key: (headers[i] if i is not None else None) for key, i in mapping.items()}


# --- The suggested mapping ---------------------------------------------------------------------


def test_swedish_headers_are_each_matched_to_their_field():
    headers = [
        "Informationsmängd",
        "Förvaltning",
        "Beskrivning",
        "Personuppgifter",
        "Sekretess (OSL)",
        "Säkerhetsskydd",
        "Konfidentialitet (K)",
        "Riktighet (R)",
        "Tillgänglighet (T)",
        "Spårbarhet (S)",
        "Ägare",
        "Status",
    ]
    assert named(headers) == {
        "code": None,
        "name": "Informationsmängd",
        "department": "Förvaltning",
        "description": "Beskrivning",
        "legal": None,
        "personal_data": "Personuppgifter",
        "secrecy": "Sekretess (OSL)",
        "protective_security": "Säkerhetsskydd",
        "owner": "Ägare",
        "status": "Status",
        "level:K": "Konfidentialitet (K)",
        "level:R": "Riktighet (R)",
        "level:T": "Tillgänglighet (T)",
        "level:S": "Spårbarhet (S)",
    }


def test_english_headers_and_single_letters_are_matched():
    headers = [
        "Code",
        "Name",
        "Department",
        "Description",
        "Legal triggers",
        "Confidentiality",
        "Integrity",
        "Availability",
        "Traceability",
        "Owner",
        "Status",
    ]
    found = named(headers)
    assert found["code"] == "Code"
    assert found["name"] == "Name"
    assert found["legal"] == "Legal triggers"
    assert [found[f"level:{a}"] for a in "KRTS"] == [
        "Confidentiality",
        "Integrity",
        "Availability",
        "Traceability",
    ]
    assert named(["Namn", "K", "R", "T", "S"])["level:T"] == "T"


def test_the_suggestion_ignores_case_spaces_and_accents_and_leaves_unknown_columns_alone():
    headers = [
        "  NAMN ",
        "forvaltning",
        "ÄGARE",
        "Tillganglighet",
        "Anteckningar",
        "rättsliga  KRAV",
    ]
    found = named(headers)
    assert found["name"] == "  NAMN "
    assert found["department"] == "forvaltning"
    assert found["owner"] == "ÄGARE"
    assert found["level:T"] == "Tillganglighet"
    assert found["legal"] == "rättsliga  KRAV"
    assert "Anteckningar" not in found.values()


def test_a_column_is_suggested_for_one_field_only():
    mapping = inventory.suggest_mapping(["Namn", "Namn", "K"], ASPECTS)
    assert mapping["name"] == 0
    assert list(mapping.values()).count(0) == 1
    assert mapping["level:K"] == 2


# --- CSV ------------------------------------------------------------------------------------------


def test_a_csv_file_with_semicolons_in_windows_1252_is_read_with_its_swedish_letters():
    text = "Namn;Förvaltning;Ägare\r\nElevregister;UTB;Rektor på skolan\r\n;;\r\nLöner;KUF;\r\n"
    content = text.encode("cp1252")
    assert inventory.kind_of("lista.csv", content) == "csv"
    table = inventory.read_table("csv", content)
    assert table.headers == ["Namn", "Förvaltning", "Ägare"]
    # Row numbers as in the spreadsheet: the header is row 1, the empty row 3 is skipped.
    assert table.rows == [
        (2, ["Elevregister", "UTB", "Rektor på skolan"]),
        (4, ["Löner", "KUF"]),
    ]


def test_a_csv_file_with_commas_in_utf8_with_a_byte_order_mark_is_read():
    content = '\ufeffName,Department,Description\n"Pupils, all",UTB,"Säg ""hej"""\n'.encode()
    table = inventory.read_table("csv", content)
    assert table.headers == ["Name", "Department", "Description"]
    assert table.rows == [(2, ["Pupils, all", "UTB", 'Säg "hej"'])]


# --- XLSX --------------------------------------------------------------------------------------


def test_a_workbooks_sheets_are_listed_and_the_second_one_is_read_when_chosen():
    content = xlsx(
        {
            "Om filen": [["Skapad av", "Anna"]],
            "Tillgångar": [["Namn", "K"], ["Elevregister", 3], [None, None], ["Schema", 1.0]],
        }
    )
    assert inventory.kind_of("lista.xlsx", content) == "xlsx"
    assert inventory.sheet_names("xlsx", content) == ["Om filen", "Tillgångar"]
    table = inventory.read_table("xlsx", content, "Tillgångar")
    assert table.headers == ["Namn", "K"]
    assert table.rows == [(2, ["Elevregister", 3]), (4, ["Schema", 1])]
    assert inventory.read_table("xlsx", content).headers == ["Skapad av", "Anna"]


# --- Hostile files -------------------------------------------------------------------------------


def refused(name: str, content: bytes) -> str:
    with pytest.raises(inventory.SpreadsheetError) as error:
        kind = inventory.kind_of(name, content)
        for sheet in inventory.sheet_names(kind, content):
            inventory.read_table(kind, content, sheet)
    return error.value.message


def test_a_file_that_is_no_spreadsheet_is_refused_with_a_message():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    assert "not a spreadsheet" in refused("bild.png", png)
    assert "not a spreadsheet" in refused("bild.xlsx", png)
    assert "not text" in refused("bild.csv", png)
    assert ".xls" in refused("gammal.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100)


def test_a_zip_that_is_no_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hej")
    assert "not a spreadsheet" in refused("lista.xlsx", out.getvalue())


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"a" * (inventory.MAX_UNPACKED_BYTES + 1))
    assert len(out.getvalue()) < inventory.MAX_BYTES
    assert "unpacks to more than 100 MB" in refused("bomb.xlsx", out.getvalue())


def test_too_many_rows_are_refused_and_the_limit_itself_is_read():
    header = "Namn;Förvaltning\n"
    at_limit = (header + "x;UTB\n" * inventory.MAX_ROWS).encode()
    assert len(inventory.read_table("csv", at_limit).rows) == inventory.MAX_ROWS
    over = (header + "x;UTB\n" * (inventory.MAX_ROWS + 1)).encode()
    assert "more than 5\u00a0000 rows" in refused("lista.csv", over)


def test_a_huge_cell_is_refused_naming_its_row_and_column():
    content = ("Namn;Beskrivning\nx;" + "a" * (inventory.MAX_CELL + 1) + "\n").encode()
    assert refused("lista.csv", content) == "Row 2, column B: more than 10\u00a0000 characters."
    content = xlsx({"Blad1": [["Namn", "Beskrivning"], ["x", "a" * (inventory.MAX_CELL + 1)]]})
    assert refused("lista.xlsx", content) == "Row 2, column B: more than 10\u00a0000 characters."


def test_too_many_columns_and_a_file_too_large_are_refused():
    wide = (";".join(f"c{i}" for i in range(inventory.MAX_COLUMNS + 1)) + "\n").encode()
    assert "more than 50 columns" in refused("lista.csv", wide)
    big = b"Namn\n" + b"x\n" * (inventory.MAX_BYTES // 2 + 1)
    assert "larger than 5 MB" in refused("lista.csv", big)


def test_a_workbook_naming_a_row_far_down_is_refused_without_reading_every_empty_row():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Namn", "Förvaltning"])
    sheet.cell(row=1_000_000, column=16_000, value="x")
    out = io.BytesIO()
    workbook.save(out)
    assert "more than 5\u00a0000 rows" in refused("lista.xlsx", out.getvalue())


def test_the_header_is_the_first_row_with_something_in_it():
    table = inventory.read_table("csv", b";\nNamn;Forvaltning\nx;UTB\n")
    assert table.headers == ["Namn", "Forvaltning"]
    assert table.rows == [(3, ["x", "UTB"])]


def test_an_empty_sheet_is_refused():
    assert "empty" in refused("lista.csv", b"\n\n")
    assert "empty" in refused("lista.xlsx", xlsx({"Blad1": []}))


def test_column_letters_run_past_z():
    assert [inventory.column_letter(i) for i in (0, 25, 26, 51, 52)] == ["A", "Z", "AA", "AZ", "BA"]
