"""Writing rows of an openpyxl sheet in linear time, safely.

openpyxl's ``ws.max_row`` and ``ws[n]`` scan every cell of the sheet, so asking them for each
row made a sheet quadratic in its length. ``RowWriter`` counts the rows and the widest row
itself; a row's cells reach as far as the widest row so far, exactly as ``ws[n]`` returned
them. Text stays text: a value starting with "=" never becomes a formula, and characters
that a workbook cannot hold are removed.
"""

from __future__ import annotations

from typing import Any


class RowWriter:
    def __init__(self, ws) -> None:
        # openpyxl is imported where a file is built, not when the site starts.
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font

        self.ws = ws
        self.row = 0
        self.width = 1  # openpyxl's max_column of an empty sheet
        self._illegal = ILLEGAL_CHARACTERS_RE
        self._bold = Font(bold=True)

    def _clean(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._illegal.sub("", value)
        return value

    def append(self, values: list[Any], *, bold: bool = False) -> list[Any]:
        """Appends the row and returns its cells."""
        self.ws.append([self._clean(v) for v in values])
        self.row += 1
        self.width = max(self.width, len(values))
        cells = [self.ws.cell(row=self.row, column=c) for c in range(1, self.width + 1)]
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
            if bold:
                cell.font = self._bold
        return cells

    def skip(self) -> None:
        self.ws.append([])
        self.row += 1


class StreamingRowWriter:
    """``RowWriter``'s rules for a write-only sheet (``Workbook(write_only=True)``), whose rows
    go to the file as they are appended: memory stays flat however long the sheet. Text stays
    text and loses the characters a workbook cannot hold; a column's number format (by
    position in ``formats``) is applied to its numbers and dates."""

    def __init__(self, ws, formats: list[str | None] | None = None) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font

        self.ws = ws
        self.row = 0
        self.width = 0
        self.formats = formats or []
        self._cell = WriteOnlyCell
        self._illegal = ILLEGAL_CHARACTERS_RE
        self._bold = Font(bold=True)

    def _value(self, column: int, value: Any, bold: bool) -> Any:
        if isinstance(value, str):
            value = self._illegal.sub("", value)
            if not bold and not value.startswith("="):
                return value  # a plain string cell; only "=" would make a formula
            cell = self._cell(self.ws, value=value)
            cell.data_type = "s"
        else:
            number_format = self.formats[column] if column < len(self.formats) else None
            if value is None or not (number_format or bold):
                return value
            cell = self._cell(self.ws, value=value)
            if number_format:
                cell.number_format = number_format
        if bold:
            cell.font = self._bold
        return cell

    def append(self, values: list[Any], *, bold: bool = False) -> None:
        self.ws.append([self._value(i, v, bold) for i, v in enumerate(values)])
        self.row += 1
        self.width = max(self.width, len(values))
