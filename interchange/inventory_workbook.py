"""The asset inventory's template workbook: a sheet with the columns in Swedish (the headers
the suggested mapping recognises), lists to choose from where a cell takes one of a few
values, and a second sheet that explains each column and lists the departments.

openpyxl is imported when the workbook is built, not when the site starts.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from interchange import inventory
from klassa_app import formatting
from klassa_app.xlsx import RowWriter

SHEET = "Informationsmängder"
HELP_SHEET = "Instruktioner"
LAST_ROW = inventory.MAX_ROWS + 1  # how far down the lists reach
ASPECT_HEADERS = {
    "K": "Konfidentialitet (K)",
    "R": "Riktighet (R)",
    "T": "Tillgänglighet (T)",
    "S": "Spårbarhet (S)",
}


def headers(aspects: Sequence[str]) -> list[tuple[str, str]]:
    """(field, header) in the template's order."""
    columns = [
        (inventory.CODE, "Kod"),
        (inventory.NAME, "Namn"),
        (inventory.DEPARTMENT, "Förvaltning"),
        (inventory.DESCRIPTION, "Beskrivning"),
        (inventory.PERSONAL, "Personuppgifter"),
        (inventory.SECRECY, "Sekretess (OSL)"),
        (inventory.PROTECTIVE, "Säkerhetsskydd"),
    ]
    columns += [(inventory.LEVEL_PREFIX + a, ASPECT_HEADERS.get(a, a)) for a in aspects]
    columns += [(inventory.OWNER, "Ägare"), (inventory.STATUS_FIELD, "Status")]
    return columns


def explanations(tops: Mapping[str, int]) -> dict[str, tuple[str, str]]:
    """Per field: what the column holds and the values it takes (in Swedish, as the sheet)."""
    found = {
        inventory.CODE: (
            "Informationsmängdens kod i Klassa (A–Z, siffror, punkt, bindestreck; högst 30 "
            "tecken). Tom: samma kod som förvaltningens informationsmängd med samma namn, "
            "annars en ny kod av namnet.",
            "Valfri",
        ),
        inventory.NAME: ("Informationsmängdens namn, högst 200 tecken.", "Obligatorisk"),
        inventory.DEPARTMENT: (
            "Förvaltningens kod eller namn, som i Klassa (se listan nedan).",
            "Obligatorisk",
        ),
        inventory.DESCRIPTION: ("Vad informationen är och används till.", "Valfri"),
        inventory.PERSONAL: (
            "Om informationen innehåller personuppgifter.",
            "Nej, Ja eller Känsliga (särskilda kategorier)",
        ),
        inventory.SECRECY: (
            "Sekretessbestämmelsen i offentlighets- och sekretesslagen, om någon gäller.",
            "Tom, eller t.ex. OSL 23 kap. 2 §",
        ),
        inventory.PROTECTIVE: (
            "Om informationen omfattas av säkerhetsskydd. Den godkänns aldrig genom en fil.",
            "Nej eller Ja",
        ),
        inventory.OWNER: (
            "Ägarens roll (inte en persons namn), högst 120 tecken. Tom: ägaren ändras inte.",
            "Valfri",
        ),
        inventory.STATUS_FIELD: (
            "Utkast, eller Godkänd (bara informationssäkerhetssamordnaren importerar "
            "godkända; alla nivåer krävs då).",
            "Utkast eller Godkänd",
        ),
    }
    for aspect, top in tops.items():
        found[inventory.LEVEL_PREFIX + aspect] = (
            "Nivå enligt klassningsmodellen; rättsliga krav ger lägsta nivåer (se nedan). "
            "Tom: ingen nivå.",
            f"0–{top}",
        )
    return found


TRIGGER_NAMES = {
    "personal_data": "Personuppgifter",
    "special_categories": "Känsliga personuppgifter",
    "secrecy": "Sekretess",
}


def template_workbook(
    aspects: Sequence[str],
    tops: Mapping[str, int],
    departments: Sequence[inventory.Department],
    legal_minimums: Mapping[str, Mapping[str, int]],
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    columns = headers(aspects)
    RowWriter(sheet).append([header for _key, header in columns], bold=True)
    sheet.freeze_panes = "A2"
    lists = {
        inventory.PERSONAL: '"Nej,Ja,Känsliga"',
        inventory.PROTECTIVE: '"Nej,Ja"',
        inventory.STATUS_FIELD: '"Utkast,Godkänd"',
    }
    for index, (key, header) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(header) + 4)
        cells = f"{letter}2:{letter}{LAST_ROW}"
        if key in lists:
            validation = DataValidation(type="list", formula1=lists[key], allow_blank=True)
        elif key.startswith(inventory.LEVEL_PREFIX):
            top = tops.get(key.removeprefix(inventory.LEVEL_PREFIX), 4)
            validation = DataValidation(
                type="whole", operator="between", formula1="0", formula2=str(top), allow_blank=True
            )
            validation.error = f"En nivå från 0 till {top}."
            validation.showErrorMessage = True
        else:
            continue
        validation.add(cells)
        sheet.add_data_validation(validation)

    help_sheet = workbook.create_sheet(HELP_SHEET)
    writer = RowWriter(help_sheet)
    writer.append(["Kolumn", "Innehåll", "Värden"], bold=True)
    texts = explanations(tops)
    for key, header in columns:
        text, values = texts[key]
        writer.append([header, text, values])
    writer.skip()
    writer.append(
        [
            "Så läses filen",
            "Första raden namnger kolumnerna; varje följande rad är en informationsmängd. "
            "Kolumnerna kan ha andra namn och stå i annan ordning: du väljer vilken kolumn "
            f"som är vad innan importen. Högst {formatting.count(inventory.MAX_ROWS)} rader. "
            "Inget importeras förrän alla rader är rätt.",
            "",
        ]
    )
    writer.skip()
    writer.append(["Lägsta nivåer", "Rättsligt krav", "Nivåer"], bold=True)
    for trigger, minimums in legal_minimums.items():
        levels = ", ".join(f"{aspect}{level}" for aspect, level in minimums.items())
        writer.append(["", TRIGGER_NAMES.get(trigger, trigger), levels])
    writer.skip()
    writer.append(["Förvaltningar", "Kod", "Namn"], bold=True)
    for department in departments:
        writer.append(["", department.code, department.name])
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["B"].width = 80
    help_sheet.column_dimensions["C"].width = 40

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
