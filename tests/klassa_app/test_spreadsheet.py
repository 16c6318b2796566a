"""One table, two files: XLSX with numbers and dates typed, CSV for Swedish Excel (``;``, a
byte-order mark, decimal commas) in which no cell runs as a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from klassa_app import spreadsheet

COLUMNS = [
    spreadsheet.Column("Namn"),
    spreadsheet.Column("Antal", spreadsheet.INTEGER),
    spreadsheet.Column("Belopp", spreadsheet.MONEY),
    spreadsheet.Column("Dag", spreadsheet.DATE),
    spreadsheet.Column("Tid", spreadsheet.DATETIME),
]
STAMP = datetime(2026, 6, 1, 10, 30, 15, tzinfo=UTC)


def table(rows) -> spreadsheet.Table:
    # A generator: each file reads its rows once, as they come.
    return spreadsheet.Table("Lista: [test]", COLUMNS, (row for row in rows))


@pytest.mark.parametrize("text", ["=1+1", "+46 11", "-2+3", "@SUMMA(A1)", "\tx", "\rx"])
def test_a_csv_text_cell_that_a_spreadsheet_would_run_gets_an_apostrophe(text):
    content = spreadsheet.csv_bytes(table([[text, 1, None, None, None]]))
    cells = next(
        iter(list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))[1:])
    )
    assert cells[0] == f"'{text}"


def test_a_csv_opens_in_swedish_excel_with_numbers_as_numbers_and_negative_amounts_unguarded():
    content = spreadsheet.csv_bytes(
        table([["Elevregister", 3, Decimal("-1234.50"), date(2026, 5, 31), STAMP]])
    )
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header == ["Namn", "Antal", "Belopp", "Dag", "Tid"]
    local = timezone.localtime(STAMP).strftime("%Y-%m-%d %H:%M:%S")
    assert row == ["Elevregister", "3", "-1234,50", "2026-05-31", local]
    english = spreadsheet.csv_bytes(
        table([["x", 0, Decimal("2.5"), None, None]]), decimal_comma=False
    )
    assert english.decode("utf-8-sig").splitlines()[1] == "x;0;2.5;;"


def test_an_xlsx_keeps_numbers_dates_and_formula_like_text_as_they_are():
    long_text = "x" * (spreadsheet.MAX_CELL_TEXT + 10)
    content = spreadsheet.xlsx_bytes(
        table(
            [
                ["=1+1", 3, Decimal("1234.5"), date(2026, 5, 31), STAMP],
                [long_text, None, None, None, None],
            ]
        )
    )
    ws = load_workbook(io.BytesIO(content)).active
    assert ws.title == "Lista   test "
    assert [c.value for c in ws[1]] == ["Namn", "Antal", "Belopp", "Dag", "Tid"]
    name, count, amount, day, stamp = ws[2]
    assert name.value == "=1+1" and name.data_type == "s"
    assert (count.value, count.data_type, count.number_format) == (3, "n", "0")
    assert amount.value == pytest.approx(1234.5) and amount.number_format == "#,##0"
    assert day.value == datetime(2026, 5, 31) and day.number_format == "yyyy-mm-dd"
    assert stamp.value == timezone.localtime(STAMP).replace(tzinfo=None)
    assert len(ws.cell(row=3, column=1).value) == spreadsheet.MAX_CELL_TEXT
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:E3"
