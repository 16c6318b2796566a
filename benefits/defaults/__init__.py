"""Demo benefit models: the Education figures of the source deck (seed-deck-figures.md).

Both files are ``klassa.benefit-model/1`` documents with a 3-year horizon and the default
discount rate of 3 %, without costs (the deck gives none).

``fyrbodal_personal_dashboard.json`` — the Personal dashboard for Fyrbodal's 14 municipalities
(named in Swedish: "Personaldashboard — Fyrbodal", levers "Mindre administration …" and "Färre
rekryteringar"; the deck's English names are "Less administration …" and "Fewer recruitments").
The deck takes 15 % of the *high* scenario of less administration for principals
(107.4 FTE × 779 730 × 30 % × 50 % = 12 561 450.3) and for teachers and staff (121 177 905),
i.e. 20 060 903 SEK a year (rounded to whole kronor by the deck), realises 50 % of it, and
adds fewer recruitments (2 374.1 staff, 4 % → 2 %, 150 000 SEK each = 7 122 300 a year).
Its investment room is 17 152 751.5 / 34 305 503 / 51 458 254.5. Encoding: the dashboard's
share is one ``fixed_amount`` lever of 20 060 903 with ``realisation_rate`` 0.5, the same in
every scenario (the deck gives Fyrbodal only this high-scenario figure); the recruitments are a
``rate_change`` lever. So every scenario shows exactly the deck's investment room. (Modelling
the principals as a ``staff_time`` lever with attribution 0.15 would give the unrounded
20 060 903.295 and a year-1 room of 17 152 751.65, which rounds to the same whole kronor but
is not the deck's exact .5.)

``norrkoping_education.json`` — the Personal dashboard for Norrköping's Education area: the
three Education levers with the deck's low / medium / high inputs, each with attribution share
0.15 (the dashboard's expected share). Each lever's *potential* (before attribution) is the
deck's lever value — 9 119 537 / 13 679 306 / 22 798 844 (managers), 103 770 463 /
207 540 925 / 276 721 234 (teachers and staff), 15 000 000 / 30 000 000 / 40 000 000
(temporary premises) — and the high scenario's yearly benefit is the deck's 50 928 012. The
deck's spreadsheet held unrounded staff numbers; 194.929387 managers and 5 176.90357 teachers
and staff reproduce all six staff figures to the krona (rounded half up), where the displayed
195 and 5 177 would not. The names are Swedish; the deck's are "Personal dashboard — Norrköping
Education" and its levers "Less administration for managers", "Less administration for
teachers and staff" and "Less temporary premises", in that order.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

DIRECTORY = Path(__file__).resolve().parent
FYRBODAL_PERSONAL_DASHBOARD = DIRECTORY / "fyrbodal_personal_dashboard.json"
NORRKOPING_EDUCATION = DIRECTORY / "norrkoping_education.json"
DEMO_MODELS = (FYRBODAL_PERSONAL_DASHBOARD, NORRKOPING_EDUCATION)


def load(path: Path) -> dict[str, Any]:
    """A demo document, numbers read as Decimal."""
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
