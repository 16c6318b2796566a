"""A table of rows written as a spreadsheet: XLSX for Excel, or CSV for Swedish Excel.

A builder describes its columns once (header and kind) and yields its rows; ``xlsx_bytes``
and ``csv_bytes`` write the same table:

- XLSX: numbers stay numbers and dates dates (each column has its number format), text stays
  text (never a formula, see ``klassa_app.xlsx.StreamingRowWriter``), the header row is
  frozen and filterable; the sheet is written as a stream, in flat memory;
- CSV: ``;`` between cells and a UTF-8 byte-order mark, which Swedish Excel needs to open
  the file as UTF-8 with its columns split; decimals with a comma in a Swedish file; a text
  cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return) gets a leading apostrophe.

The rows are read once, as they come, so a builder may yield them from a database iterator.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from klassa_app.xlsx import StreamingRowWriter

TEXT = "text"
INTEGER = "integer"
DECIMAL = "decimal"
MONEY = "money"
DATE = "date"
DATETIME = "datetime"

NUMBER_FORMATS = {
    INTEGER: "0",
    DECIMAL: "0.0",
    MONEY: "#,##0",
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm:ss",
}
# A cell of a workbook holds at most this many characters.
MAX_CELL_TEXT = 32767
# What a spreadsheet may take for the start of a formula in a cell read from a CSV file.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
SHEET_TITLE_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: int = 18


@dataclass
class Table:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


def local(value: datetime) -> datetime:
    """A stored (aware) time as the wall-clock time of the site, without a zone: a workbook
    cell has none."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return local(value)
    if isinstance(value, str) and len(value) > MAX_CELL_TEXT:
        return value[:MAX_CELL_TEXT]
    return value


def xlsx_bytes(table: Table) -> bytes:
    """The table as one sheet written as a stream (``StreamingRowWriter``): the header row
    bold, frozen and filterable, each column in its width and number format."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.filters import AutoFilter

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(table.title.translate(SHEET_TITLE_FORBIDDEN)[:31] or "Sheet")
    # A streamed sheet takes its columns and panes before its first row.
    for index, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    writer = StreamingRowWriter(ws, [NUMBER_FORMATS.get(column.kind) for column in table.columns])
    writer.append([column.header for column in table.columns], bold=True)
    for row in table.rows:
        writer.append([_cell(value) for value in row])
    last = get_column_letter(max(len(table.columns), 1))
    ws.auto_filter = AutoFilter(ref=f"A1:{last}{writer.row}")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def guard_text(text: str) -> str:
    """A text cell as a spreadsheet shows it, never run as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_text(value: Any, *, decimal_comma: bool) -> str:
    """One cell of a CSV file: numbers plain (no thousands separator), times in ISO order."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, datetime):
        return local(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float):
        text = format(value, "f")
        return text.replace(".", ",") if decimal_comma else text
    return guard_text(_cell(str(value)))


def csv_bytes(table: Table, *, decimal_comma: bool = True) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([guard_text(column.header) for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_text(value, decimal_comma=decimal_comma) for value in row])
    return out.getvalue().encode("utf-8")
