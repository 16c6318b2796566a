"""An asset inventory in a spreadsheet (XLSX or CSV), read into a register document.

Pure functions, no database: ``read_table`` reads the rows of one sheet within fixed bounds,
``suggest_mapping`` matches the header row to the inventory's fields (Swedish or English,
whatever the case, spaces and accents), and ``build_document`` turns the rows into a
``klassa.register/1`` document with the problems only the spreadsheet can have (a level that
is no number, a "maybe" where yes or no was asked). The document then goes through the
register importer like any other (``interchange.inventory_services``), so the rules are the
same everywhere; ``locate`` maps the importer's field paths back to a row and a column.

openpyxl is imported inside the functions that read or write a workbook: the site does not
load it when it starts.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from klassa_app import formatting, messages
from klassa_app.messages import gettext_noop

# --- Bounds --------------------------------------------------------------------------------

MAX_BYTES = 5 * 1024 * 1024  # the file as uploaded
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # an XLSX's parts once unzipped (a zip bomb is refused)
# Data rows, the header not counted. The register importer takes about 7 ms a row on a busy
# two-core machine (preview and import alike, each in one request): 5 000 rows keep a request
# within a worker's time. A larger inventory is split in several files.
MAX_ROWS = 5_000
# Rows read at all, empty ones included: a workbook that names a row far down makes the reader
# produce every empty row above it.
MAX_ROW_NUMBER = 50_000
MAX_COLUMNS = 50
MAX_CELL = 10_000  # characters in one cell (as a description)
MAX_SHEETS = 100

# --- Messages (English templates, translated when shown) -------------------------------------

NOT_A_SPREADSHEET = gettext_noop(
    "The file is not a spreadsheet Klassa can read: save it as .xlsx or as .csv."
)
OLD_EXCEL = gettext_noop("Old Excel files (.xls) are not read: save the file as .xlsx.")
TOO_LARGE_FILE = gettext_noop("The file is larger than %(limit)s MB.")
UNPACKS_TOO_LARGE = gettext_noop("The workbook unpacks to more than %(limit)s MB.")
NOT_TEXT_FILE = gettext_noop(
    "The CSV file is not text in UTF-8 or Windows-1252 (Western European)."
)
BAD_CSV = gettext_noop("The CSV file cannot be read: %(error)s.")
TOO_MANY_ROWS = gettext_noop("The sheet has more than %(limit)s rows; split it into several files.")
TOO_MANY_COLUMNS = gettext_noop("The sheet has more than %(limit)s columns.")
TOO_MANY_SHEETS = gettext_noop("The workbook has more than %(limit)s sheets.")
CELL_TOO_LONG = gettext_noop("Row %(row)s, column %(column)s: more than %(limit)s characters.")
EMPTY_SHEET = gettext_noop("The sheet is empty: its first row must name the columns.")
NO_SUCH_SHEET = gettext_noop("The workbook has no sheet named %(sheet)s.")

NOT_A_LEVEL = gettext_noop("must be a level from 0 to %(top)s")
YES_NO = gettext_noop("must be yes or no (Ja or Nej)")
PERSONAL_DATA = gettext_noop("must be no, yes or sensitive (Nej, Ja or Känsliga)")
SECRECY_REFERENCE = gettext_noop("name the OSL provision, e.g. OSL 23 kap. 2 §, or leave it empty")
STATUS = gettext_noop("must be draft or approved (Utkast or Godkänd)")
LEGAL_WORD = gettext_noop(
    "%(word)s is not a legal trigger: write personuppgifter, känsliga personuppgifter, "
    "the OSL provision (OSL 23 kap. 2 §) or säkerhetsskydd, separated by commas"
)
TOO_LONG = gettext_noop("at most %(limit)s characters")


class SpreadsheetError(Exception):
    """The file is refused as a whole; nothing of it is kept."""

    def __init__(self, template: str, params: Mapping[str, Any] | None = None) -> None:
        self.template = template
        self.params = dict(params or {})
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return messages.english(self.template, self.params)

    @property
    def localized(self) -> str:
        return messages.render(self.template, self.params)


# --- Reading ------------------------------------------------------------------------------


@dataclass
class Table:
    """One sheet: its header and its data rows, each with its number in the spreadsheet
    (the header is row 1; empty rows are skipped but keep their numbers)."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def kind_of(name: str, content: bytes) -> str:
    """``xlsx`` or ``csv``, from the name and the first bytes; ``SpreadsheetError`` otherwise."""
    lower = name.lower()
    if len(content) > MAX_BYTES:
        raise SpreadsheetError(TOO_LARGE_FILE, {"limit": MAX_BYTES // (1024 * 1024)})
    if lower.endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(OLD_EXCEL)
    if lower.endswith((".xlsx", ".xlsm")):
        if not content.startswith(b"PK\x03\x04"):
            raise SpreadsheetError(NOT_A_SPREADSHEET)
        return "xlsx"
    if lower.endswith((".csv", ".txt")):
        if content.startswith(b"PK\x03\x04"):
            raise SpreadsheetError(NOT_A_SPREADSHEET)
        return "csv"
    raise SpreadsheetError(NOT_A_SPREADSHEET)


def _open_workbook(content: bytes) -> Any:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise SpreadsheetError(NOT_A_SPREADSHEET) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(UNPACKS_TOO_LARGE, {"limit": MAX_UNPACKED_BYTES // (1024 * 1024)})
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise SpreadsheetError(NOT_A_SPREADSHEET) from exc


def sheet_names(kind: str, content: bytes) -> list[str]:
    """The workbook's sheets in order; a CSV file has one, named ``""``."""
    if kind == "csv":
        return [""]
    workbook = _open_workbook(content)
    try:
        names = list(workbook.sheetnames)
    finally:
        workbook.close()
    if len(names) > MAX_SHEETS:
        raise SpreadsheetError(TOO_MANY_SHEETS, {"limit": MAX_SHEETS})
    return names


def _cell(value: Any, row: int, column: int) -> Any:
    """A cell as text or a whole number; ``None`` when blank."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else str(value).replace(".", ",")
    text = str(value).strip()
    if len(text) > MAX_CELL:
        raise SpreadsheetError(
            CELL_TOO_LONG,
            {"row": row, "column": column_letter(column), "limit": formatting.count(MAX_CELL)},
        )
    return text or None


def _table(raw_rows: Iterable[Sequence[Any]]) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, raw in enumerate(raw_rows, start=1):
        if number > MAX_ROW_NUMBER:
            raise SpreadsheetError(TOO_MANY_ROWS, {"limit": formatting.count(MAX_ROWS)})
        if len(raw) > MAX_COLUMNS and any(v not in (None, "") for v in raw[MAX_COLUMNS:]):
            raise SpreadsheetError(TOO_MANY_COLUMNS, {"limit": MAX_COLUMNS})
        cells = [_cell(v, number, i) for i, v in enumerate(raw[:MAX_COLUMNS])]
        while cells and cells[-1] is None:
            cells.pop()
        if headers is None:
            # The first row with anything in it names the columns.
            if cells:
                headers = ["" if c is None else str(c) for c in cells]
            continue
        if not cells:
            continue
        if len(rows) >= MAX_ROWS:
            raise SpreadsheetError(TOO_MANY_ROWS, {"limit": formatting.count(MAX_ROWS)})
        rows.append((number, cells))
    if not headers:
        raise SpreadsheetError(EMPTY_SHEET)
    return Table(headers=headers, rows=rows)


def _decode(content: bytes) -> str:
    if b"\x00" in content:
        raise SpreadsheetError(NOT_TEXT_FILE)
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(NOT_TEXT_FILE) from exc


def _csv_rows(content: bytes) -> Iterable[list[str]]:
    text = _decode(content)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        # A field over the csv module's own limit is a cell too long to be one of ours.
        raise SpreadsheetError(BAD_CSV, {"error": str(exc)}) from exc


def read_table(kind: str, content: bytes, sheet: str = "") -> Table:
    """The rows of ``sheet`` (the first one when empty); ``SpreadsheetError`` when the file
    cannot be read or passes a bound."""
    if kind == "csv":
        return _table(_csv_rows(content))
    workbook = _open_workbook(content)
    try:
        names = list(workbook.sheetnames)
        if sheet and sheet not in names:
            raise SpreadsheetError(NO_SUCH_SHEET, {"sheet": sheet})
        worksheet = workbook[sheet or names[0]]
        try:
            # No wider than the bound (a cell far to the right widens every row).
            return _table(worksheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True))
        except SpreadsheetError:
            raise
        except Exception as exc:  # a damaged sheet part
            raise SpreadsheetError(NOT_A_SPREADSHEET) from exc
    finally:
        workbook.close()


# --- Fields and the suggested mapping ---------------------------------------------------------

CODE = "code"
NAME = "name"
DEPARTMENT = "department"
DESCRIPTION = "description"
LEGAL = "legal"
PERSONAL = "personal_data"
SECRECY = "secrecy"
PROTECTIVE = "protective_security"
OWNER = "owner"
STATUS_FIELD = "status"
LEVEL_PREFIX = "level:"
REQUIRED_FIELDS = (NAME, DEPARTMENT)

# Header words per field, compared after ``normalise_header``.
SYNONYMS: dict[str, tuple[str, ...]] = {
    CODE: ("kod", "code", "id", "beteckning", "assetcode", "informationsmangdskod"),
    NAME: (
        "namn",
        "name",
        "informationsmangd",
        "informationsmangdens namn",
        "information asset",
        "asset",
        "asset name",
        "benamning",
    ),
    DEPARTMENT: (
        "forvaltning",
        "department",
        "avdelning",
        "kontor",
        "enhet",
        "verksamhet",
        "forvaltningskod",
        "department code",
    ),
    DESCRIPTION: ("beskrivning", "description", "innehall", "kommentar"),
    LEGAL: ("rattsliga krav", "legal triggers", "rattsliga triggers", "lagkrav", "legal"),
    PERSONAL: ("personuppgifter", "personal data", "behandlar personuppgifter"),
    SECRECY: (
        "sekretess",
        "secrecy",
        "osl",
        "sekretess osl",
        "sekretessbestammelse",
        "osl reference",
        "osl hanvisning",
    ),
    PROTECTIVE: ("sakerhetsskydd", "protective security", "sakerhetsskyddsklassad"),
    OWNER: ("agare", "owner", "informationsagare", "ansvarig", "owner role", "agarroll"),
    STATUS_FIELD: ("status", "klassningsstatus", "classification status"),
}
# The aspects of Klassa's default model; another model's aspects match on their code and name.
ASPECT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "K": ("k", "konfidentialitet", "confidentiality"),
    "R": ("r", "riktighet", "integrity", "i"),
    "T": ("t", "tillganglighet", "availability", "a"),
    "S": ("s", "sparbarhet", "traceability", "accountability"),
}


def normalise_header(value: str) -> str:
    """Lower case, no accents, words separated by one space: "  Ägare " → "agare"."""
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def _candidates(header: str) -> list[str]:
    """The header whole, without what is in parentheses, and what is in them:
    "Konfidentialitet (K)" → "konfidentialitet k", "konfidentialitet", "k"."""
    found = [normalise_header(header)]
    outside = re.sub(r"\(.*?\)", " ", header)
    found.append(normalise_header(outside))
    found += [normalise_header(inner) for inner in re.findall(r"\((.*?)\)", header)]
    return [c for c in dict.fromkeys(found) if c]


def field_synonyms(aspects: Mapping[str, Sequence[str]]) -> dict[str, set[str]]:
    """Every field's header words; ``aspects`` maps each aspect code to its names."""
    table = {key: {normalise_header(w) for w in words} for key, words in SYNONYMS.items()}
    for code, names in aspects.items():
        words = {normalise_header(code)} | {normalise_header(n) for n in names if n}
        words |= {normalise_header(w) for w in ASPECT_SYNONYMS.get(code.upper(), ())}
        table[LEVEL_PREFIX + code] = words
    return table


def suggest_mapping(
    headers: Sequence[str], aspects: Mapping[str, Sequence[str]]
) -> dict[str, int | None]:
    """Per field, the index of the column that seems to hold it (``None``: not found). Each
    column serves one field; the whole header is tried before its parts."""
    synonyms = field_synonyms(aspects)
    mapping: dict[str, int | None] = dict.fromkeys(synonyms)
    used: set[int] = set()
    for depth in range(3):
        for index, header in enumerate(headers):
            if index in used:
                continue
            candidates = _candidates(header)
            if depth >= len(candidates):
                continue
            word = candidates[depth]
            for key, words in synonyms.items():
                if mapping[key] is None and word in words:
                    mapping[key] = index
                    used.add(index)
                    break
    return mapping


# --- Rows into a register document -----------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One problem of the inventory: the row (as numbered in the spreadsheet, or ``None`` for
    the file as a whole), the column (its letter and header, or ``None``) and the message."""

    row: int | None
    column: int | None
    header: str
    template: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def letter(self) -> str:
        return column_letter(self.column) if self.column is not None else ""

    @property
    def message(self) -> str:
        return messages.english(self.template, self.params)

    @property
    def localized(self) -> str:
        return messages.render(self.template, self.params)


@dataclass(frozen=True)
class Department:
    code: str
    name: str


@dataclass(frozen=True)
class ExistingAsset:
    code: str
    name: str
    department: str  # its department's code


@dataclass
class Inventory:
    """The document built from the rows, what the rows said beyond it (owners), the problems
    found on the way, and for each asset of the document the row it came from."""

    document: dict[str, Any]
    owners: dict[str, str]  # asset code → owner role, for the rows that name one
    problems: list[Problem]
    rows: list[int]  # information_assets[i] came from row rows[i]
    mapping: dict[str, int | None]
    headers: list[str]


YES = {"ja", "j", "yes", "y", "x", "sant", "true", "1"}
NO = {"nej", "n", "no", "falskt", "false", "0", "-"}
SENSITIVE = {
    "kansliga",
    "kansliga personuppgifter",
    "kanslig",
    "ja kansliga",
    "sarskilda kategorier",
    "sarskilda kategorier av personuppgifter",
    "special categories",
    "special_categories",
    "special categories of personal data",
    "sensitive",
    "yes special categories",
}
DRAFT = {"utkast", "draft", "under klassning", "being classified"}
APPROVED = {"godkand", "approved", "faststalld"}

MAX_NAME = 200
MAX_CODE = 30
MAX_OWNER = 120  # InformationAsset.owner_role
MAX_SECRECY = 100


def _slug(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
    slug = re.sub(r"[^A-Z0-9]+", "-", plain).strip("-")
    return slug[: MAX_CODE - 4].rstrip("-") or "IM"


class _Builder:
    def __init__(
        self,
        table: Table,
        mapping: Mapping[str, int | None],
        *,
        organisation: tuple[str, str],
        aspects: Sequence[str],
        tops: Mapping[str, int],
        departments: Sequence[Department],
        assets: Sequence[ExistingAsset],
    ) -> None:
        self.table = table
        self.mapping = {k: v for k, v in mapping.items() if v is not None}
        self.organisation = organisation
        self.aspects = list(aspects)
        self.tops = tops
        self.problems: list[Problem] = []
        self.department_by_key: dict[str, str] = {}
        for department in departments:
            self.department_by_key.setdefault(department.code.upper(), department.code)
        for department in departments:
            self.department_by_key.setdefault(normalise_header(department.name), department.code)
        # Several assets of a department may share a name: each row takes the next one.
        self.asset_by_name: dict[tuple[str, str], list[str]] = {}
        for asset in sorted(assets, key=lambda a: a.code):
            key = (asset.department, normalise_header(asset.name))
            self.asset_by_name.setdefault(key, []).append(asset.code)
        self.taken = {a.code for a in assets}

    def header(self, column: int | None) -> str:
        if column is None or column >= len(self.table.headers):
            return ""
        return self.table.headers[column]

    def problem(
        self, row: int, key: str, template: str, params: Mapping[str, Any] | None = None
    ) -> None:
        column = self.mapping.get(key)
        self.problems.append(Problem(row, column, self.header(column), template, params or {}))

    def value(self, cells: Sequence[Any], key: str) -> Any:
        column = self.mapping.get(key)
        if column is None or column >= len(cells):
            return None
        return cells[column]

    def text(self, row: int, cells: Sequence[Any], key: str, limit: int) -> str:
        value = self.value(cells, key)
        text = "" if value is None else str(value).strip()
        if len(text) > limit:
            self.problem(row, key, TOO_LONG, {"limit": limit})
            return text[:limit]
        return text

    def word(self, cells: Sequence[Any], key: str) -> str:
        value = self.value(cells, key)
        return "" if value is None else normalise_header(str(value))

    def build(self) -> Inventory:
        items: list[dict[str, Any]] = []
        owners: dict[str, str] = {}
        rows: list[int] = []
        codes: set[str] = set()
        for row, cells in self.table.rows:
            item = self.item(row, cells, codes)
            items.append(item)
            rows.append(row)
            if OWNER in self.mapping:
                owner = self.text(row, cells, OWNER, MAX_OWNER)
                code = item["code"].upper()
                owners[code] = owner
        document = {
            "format": "klassa.register/1",
            "organisation": {"code": self.organisation[0], "name": self.organisation[1]},
            "information_assets": items,
        }
        return Inventory(
            document=document,
            owners=owners,
            problems=self.problems,
            rows=rows,
            mapping=dict(self.mapping),
            headers=list(self.table.headers),
        )

    def item(self, row: int, cells: Sequence[Any], codes: set[str]) -> dict[str, Any]:
        name = self.text(row, cells, NAME, MAX_NAME)
        department_cell = self.text(row, cells, DEPARTMENT, MAX_NAME)
        department = self.department_by_key.get(department_cell.upper()) or (
            self.department_by_key.get(normalise_header(department_cell), department_cell)
        )
        item: dict[str, Any] = {
            "code": self.code(row, cells, name, department, codes),
            "department": department,
            "name": name,
        }
        if DESCRIPTION in self.mapping:
            item["description"] = self.text(row, cells, DESCRIPTION, MAX_CELL)
        personal_data, secrecy, protective = self.legal(row, cells)
        if PERSONAL in self.mapping:
            personal_data = self.personal_data(row, cells)
        if SECRECY in self.mapping:
            secrecy = self.secrecy(row, cells)
        if PROTECTIVE in self.mapping:
            protective = self.protective(row, cells)
        item["legal"] = {
            "personal_data": personal_data,
            "secrecy": secrecy,
            "protective_security": protective,
        }
        levels = self.levels(row, cells)
        if levels:
            item["levels"] = levels
        item["status"] = self.status(row, cells)
        return item

    def code(
        self, row: int, cells: Sequence[Any], name: str, department: str, codes: set[str]
    ) -> str:
        """The code in the file; else the code of the department's asset of that name; else
        one made from the name, unused in the register and in the file."""
        given = self.text(row, cells, CODE, MAX_CODE)
        if given:
            codes.add(given.upper())
            return given
        for known in self.asset_by_name.get((department, normalise_header(name)), []):
            if known not in codes:
                codes.add(known)
                return known
        base = _slug(name)
        candidate, number = base, 1
        while candidate in codes or candidate in self.taken:
            number += 1
            candidate = f"{base}-{number}"
        codes.add(candidate)
        return candidate

    def legal(self, row: int, cells: Sequence[Any]) -> tuple[str, str | None, bool]:
        """The legal triggers in one cell: "Personuppgifter, OSL 26 kap. 1 §"."""
        personal_data, secrecy, protective = "no", [], False
        value = self.value(cells, LEGAL)
        for part in re.split(r"[;,\n]+", "" if value is None else str(value)):
            text = part.strip()
            word = normalise_header(text)
            if not word or word in NO or word in {"inga", "none", "inget"}:
                continue
            if word in SENSITIVE:
                personal_data = "special_categories"
            elif word in {"personuppgifter", "personal data", "pu"}:
                if personal_data == "no":
                    personal_data = "yes"
            elif word in {"sakerhetsskydd", "protective security"}:
                protective = True
            elif word.startswith("osl ") or word.startswith("offentlighets"):
                secrecy.append(text)
            elif word in {"sekretess", "secrecy", "osl"}:
                self.problem(row, LEGAL, SECRECY_REFERENCE)
            else:
                self.problem(row, LEGAL, LEGAL_WORD, {"word": text})
        return personal_data, ", ".join(secrecy) or None, protective

    def personal_data(self, row: int, cells: Sequence[Any]) -> str:
        word = self.word(cells, PERSONAL)
        if word in NO or not word:
            return "no"
        if word in SENSITIVE:
            return "special_categories"
        if word in YES or word in {"personuppgifter", "personal data"}:
            return "yes"
        self.problem(row, PERSONAL, PERSONAL_DATA)
        return "no"

    def secrecy(self, row: int, cells: Sequence[Any]) -> str | None:
        text = self.text(row, cells, SECRECY, MAX_SECRECY)
        word = normalise_header(text)
        if not word or word in NO:
            return None
        if word in YES:
            self.problem(row, SECRECY, SECRECY_REFERENCE)
            return None
        return text

    def protective(self, row: int, cells: Sequence[Any]) -> bool:
        word = self.word(cells, PROTECTIVE)
        if not word or word in NO:
            return False
        if word in YES:
            return True
        self.problem(row, PROTECTIVE, YES_NO)
        return False

    def levels(self, row: int, cells: Sequence[Any]) -> dict[str, Any]:
        levels: dict[str, Any] = {}
        for aspect in self.aspects:
            key = LEVEL_PREFIX + aspect
            value = self.value(cells, key)
            if value is None:
                continue
            if isinstance(value, str) and value.strip().isdigit():
                value = int(value.strip())
            if not isinstance(value, int):
                self.problem(row, key, NOT_A_LEVEL, {"top": self.tops.get(aspect, 4)})
                continue
            # Out of range and below a legal minimum: the register's own checks say so.
            levels[aspect] = value
        return levels

    def status(self, row: int, cells: Sequence[Any]) -> str:
        word = self.word(cells, STATUS_FIELD)
        if not word or word in DRAFT:
            return "draft"
        if word in APPROVED:
            return "approved"
        self.problem(row, STATUS_FIELD, STATUS)
        return "draft"


def build_document(
    table: Table,
    mapping: Mapping[str, int | None],
    *,
    organisation: tuple[str, str],
    aspects: Sequence[str],
    tops: Mapping[str, int],
    departments: Sequence[Department],
    assets: Sequence[ExistingAsset],
) -> Inventory:
    """The register document of the rows. ``organisation`` is (code, name); departments are
    named in a cell by code or by name; an asset without a code keeps the code of its
    department's asset of the same name, or gets one made from its name."""
    return _Builder(
        table,
        mapping,
        organisation=organisation,
        aspects=aspects,
        tops=tops,
        departments=departments,
        assets=assets,
    ).build()


# --- The importer's paths back to rows and columns ---------------------------------------------

_PATH = re.compile(r"^information_assets\[(\d+)\](?:\.(.*))?$")


def field_of_path(rest: str, mapping: Mapping[str, int | None]) -> str | None:
    """The inventory field an importer path (after ``information_assets[i].``) is about."""
    if rest.startswith("levels."):
        return LEVEL_PREFIX + rest.split(".", 1)[1]
    if rest == "levels":
        return STATUS_FIELD  # "required for an approved classification"
    if rest == "code":
        return CODE if mapping.get(CODE) is not None else NAME
    if rest.startswith("legal"):
        if rest.startswith("legal.secrecy"):
            own = SECRECY
        elif rest.startswith("legal.protective_security"):
            own = PROTECTIVE
        else:
            own = PERSONAL
        return own if mapping.get(own) is not None else LEGAL
    return {
        "department": DEPARTMENT,
        "name": NAME,
        "description": DESCRIPTION,
        "status": STATUS_FIELD,
    }.get(rest)


def locate(path: str, template: str, params: Mapping[str, Any], inventory: Inventory) -> Problem:
    """The importer's error at ``path`` as a problem of a row and a column."""
    found = _PATH.match(path)
    if not found or int(found.group(1)) >= len(inventory.rows):
        return Problem(None, None, path, template, params)
    row = inventory.rows[int(found.group(1))]
    key = field_of_path(found.group(2) or "", inventory.mapping)
    column = inventory.mapping.get(key) if key else None
    header = (
        inventory.headers[column] if column is not None and column < len(inventory.headers) else ""
    )
    return Problem(row, column, header, template, params)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """By row, then column; the file's own problems first."""
    return sorted(
        problems,
        key=lambda p: (
            p.row if p.row is not None else -1,
            p.column if p.column is not None else -1,
        ),
    )
