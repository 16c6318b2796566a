"""Demo portfolio: Norrköping's nine areas of the source deck, each with its three
sub-initiatives, so that the portfolio table reproduces the deck's "initial potential business
benefit" (seed-deck-figures.md) — 807 018 863 internal and 4 116 100 015 in total. (The
reference text says 806 018 863 internal, but its own rows, and its seven-area total 784 640 059
plus Smart building and Connected port, add up to 807 018 863; only that figure is consistent
with the total 4 116 100 015 and the external 3 309 081 152.)

Runs after the demo register (which creates the departments, information assets and the 27
initiatives with their priority inputs and the portfolio settings: 2027, budget 50 000 000,
benefit scenario high) and before the benefit demo (which follows EDU-A's benefits up).

The deck's table is the initial, first-year potential, so every model has a one-year
horizon; the portfolio reads the high scenario, in which Education's levers give the deck's
figures.

Demo assumptions (the deck does not give them):

- Education keeps the deck's three levers (managers, teachers and staff, temporary premises)
  with their low / medium / high inputs. The Personal dashboard (EDU-A) and Students' safety
  (EDU-B) take 15 % each: 50 928 011.59 a year (the deck's 50 928 012). Students' portfolio
  (EDU-C) takes the rest of the deck's area total 126 978 046, i.e. 25 122 022.83 (the deck's
  25 122 023): its attribution share is that remainder divided by the levers' potential,
  written with 18 decimals, so the three add up to the area total exactly (to the öre).
- The other eight areas are given by the deck only as area totals. Each area's internal and
  external benefit is split over its three sub-initiatives 50 % / 30 % / 20 %: A and B take
  the whole kronor of their share, C the exact remainder. Each is one ``fixed_amount`` lever
  per stakeholder, the same in every scenario. Smart building's and Connected port's figures
  are internal (seed-deck-figures.md).
- Investment costs (``INVESTMENT_COSTS``, year 0, kronor) are invented, scaled roughly to each
  initiative's size; with the budget of 50 000 000 not every ready initiative fits, so the
  optimal selection is a real choice. Strategic fit, time criticality and durations are in the
  demo register; the Education durations are the deck's weeks (67, 97, 67), the rest invented.
- Names are Swedish (areas, initiatives, levers, costs); the deck's English names are kept in
  ``DECK_AREAS``, ``DECK_NAMES`` and each initiative's description. Renaming changes no figure.
- Benefit owners and DPIA: the Education business owner owns EDU-A's benefits and its DPIA is
  recorded; e-Diary (EC-C) handles special categories without a recorded DPIA, so it shows
  that advisory item.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from assessments.models import Initiative
from benefits import calculation, defaults
from benefits import document as benefit_document
from benefits.demo import NORRKOPING_GROUPS
from benefits.demo_documents import fixed_amount_document
from benefits.models import BenefitModel
from klassa_app.models import Organisation, User
from portfolio.models import InitiativePriority

ORGANISATION = "norrkoping"
EDUCATION_TOTAL = Decimal(126_978_046)
EDUCATION_DASHBOARD_SHARE = Decimal("0.15")
SHARE_PLACES = Decimal("1e-18")
SPLIT = (Decimal("0.5"), Decimal("0.3"))  # A and B; C takes the remainder

# Area → (internal, external, codes of its sub-initiatives A, B, C), from the deck.
# The names are Swedish; the deck's English names are in DECK_AREAS.
AREAS: dict[str, tuple[int, int, tuple[str, str, str]]] = {
    "Smart stad": (72_648_127, 1_238_956_620, ("SC-A", "SC-B", "SC-C")),
    "Trafikplanering": (3_339_420, 1_729_523_788, ("TP-A", "TP-B", "TP-C")),
    "Äldreomsorg": (137_907_042, 0, ("EC-A", "EC-B", "EC-C")),
    "Virtuellt museum": (93_140_884, 292_317_150, ("VM-A", "VM-B", "VM-C")),
    "HR": (106_621_701, 0, ("HR-A", "HR-B", "HR-C")),
    "Uppkopplad medborgare": (244_004_839, 48_283_594, ("CC-A", "CC-B", "CC-C")),
    "Smarta byggnader": (13_783_124, 0, ("SB-A", "SB-B", "SB-C")),
    "Uppkopplad hamn": (8_595_680, 0, ("CP-A", "CP-B", "CP-C")),
}
DECK_AREAS = {
    "Smart stad": "Smart City",
    "Trafikplanering": "Traffic planning",
    "Utbildning": "Education",
    "Äldreomsorg": "Elderly care",
    "Virtuellt museum": "Virtual museum",
    "HR": "HR",
    "Uppkopplad medborgare": "Connected citizen",
    "Smarta byggnader": "Smart building",
    "Uppkopplad hamn": "Connected port",
}
# The deck's English name of each initiative, kept as a second name in its description.
DECK_NAMES = {
    "CC-A": "Citizen app/portal",
    "CC-B": "Social listening",
    "CC-C": "Complaint management system",
    "CP-A": "Truck timeslot booking/routing/access",
    "CP-B": "Load plan management",
    "CP-C": "Warehouse/yard management",
    "EC-A": "Automated workflows",
    "EC-B": "Operational dashboards",
    "EC-C": "e-Diary",
    "EDU-A": "Personal dashboard",
    "EDU-B": "Students' safety",
    "EDU-C": "Students' portfolio",
    "HR-A": "One central talent management",
    "HR-B": "Manager support framework",
    "HR-C": "Decision support framework",
    "SB-A": "Live building asset management",
    "SB-B": "Sensor management platform",
    "SB-C": "Automated task management",
    "SC-A": "Sensor data platform",
    "SC-B": "City operation center",
    "SC-C": "Engaged citizen",
    "TP-A": "Sensor data platform",
    "TP-B": "Pollution management (noise, air)",
    "TP-C": "City operation center",
    "VM-A": "Artifact catalog/collection",
    "VM-B": "Automated tagging",
    "VM-C": "Visitor relationship management",
    "PLAT-SENSOR": "Sensor data platform (shared)",
    "PLAT-COC": "City operation center (shared)",
    "PLAT-M365": "M365 for everyone",
    "PLAT-ID": "One digital identity, one central user directory",
    "PLAT-AZURE": "EDU Azure subscription",
}
COST_NAME = "Upphandling och införande"  # the deck's "Procurement and implementation"
LEVER_NAMES = ("Intern nytta", "Extern nytta")
EDUCATION_CODES = ("EDU-A", "EDU-B", "EDU-C")

# Demo assumption: investment cost in year 0 (kronor).
INVESTMENT_COSTS: dict[str, int] = {
    "SC-A": 18_000_000,
    "SC-B": 12_000_000,
    "SC-C": 6_000_000,
    "TP-A": 22_000_000,
    "TP-B": 9_000_000,
    "TP-C": 11_000_000,
    "EDU-A": 8_000_000,
    "EDU-B": 9_500_000,
    "EDU-C": 5_000_000,
    "EC-A": 7_000_000,
    "EC-B": 4_000_000,
    "EC-C": 6_000_000,
    "VM-A": 5_000_000,
    "VM-B": 3_000_000,
    "VM-C": 4_000_000,
    "HR-A": 6_000_000,
    "HR-B": 2_500_000,
    "HR-C": 3_000_000,
    "CC-A": 14_000_000,
    "CC-B": 3_500_000,
    "CC-C": 4_500_000,
    "SB-A": 4_000_000,
    "SB-B": 3_000_000,
    "SB-C": 2_000_000,
    "CP-A": 3_000_000,
    "CP-B": 2_000_000,
    "CP-C": 2_500_000,
    # The shared platforms (the roadmap's prerequisites, below).
    "PLAT-SENSOR": 9_000_000,
    "PLAT-COC": 12_000_000,
    "PLAT-M365": 6_000_000,
    "PLAT-ID": 4_000_000,
    "PLAT-AZURE": 2_000_000,
}

# The deck's shared parts, as initiatives of their own in the area "Gemensamma plattformar":
# Smart City and Traffic planning both need a sensor data platform and a city operation
# center; Education needs M365 for everyone, one digital identity (a central user
# directory) and an Azure subscription first. They bring no benefit of their own, only
# cost, so the one-year selection never picks them (NPV below zero) and the roadmap plans
# them only when what needs them is worth it; the demo register says who requires what and
# gives three plan years (2027–2029: 50, 55 and 50 million kronor), so the roadmap puts the
# platforms first.
PLATFORM_AREA = "Gemensamma plattformar"
PLATFORM_NAMES = {
    "PLAT-SENSOR": "Gemensam plattform för sensordata",
    "PLAT-COC": "Gemensam driftcentral",
    "PLAT-M365": "M365 för alla i skolan",
    "PLAT-ID": "En digital identitet (central användarkatalog)",
    "PLAT-AZURE": "Azure-prenumeration för utbildningen",
}


def split(amount: int) -> tuple[int, int, int]:
    """50 % / 30 % / remainder, whole kronor: the parts always add up to ``amount``."""
    first = int(amount * SPLIT[0])
    second = int(amount * SPLIT[1])
    return first, second, amount - first - second


def _costs(code: str) -> list[dict[str, Any]]:
    return [
        {
            "name": COST_NAME,
            "kind": "investment",
            "amounts": [str(INVESTMENT_COSTS[code]), "0"],
        }
    ]


def area_document(name: str, internal: int, external: int, code: str) -> dict[str, Any]:
    """A one-year model with one fixed amount per stakeholder that has a benefit."""
    return fixed_amount_document(
        name,
        internal=internal,
        external=external,
        investment=INVESTMENT_COSTS[code],
        cost_name=COST_NAME,
        lever_names=LEVER_NAMES,
    )


def education_documents() -> dict[str, dict[str, Any]]:
    """The deck's Education levers over one year: 15 % each for EDU-A and EDU-B, the rest of
    the area's total for EDU-C."""
    base = defaults.load(defaults.NORRKOPING_EDUCATION)
    base["horizon_years"] = 1
    dashboard = calculation.evaluate(benefit_document.parse(base)).high.total_benefit
    potential = dashboard / EDUCATION_DASHBOARD_SHARE
    rest_share = ((EDUCATION_TOTAL - 2 * dashboard) / potential).quantize(SHARE_PLACES)
    names = {
        "EDU-A": "Personlig översiktspanel — Norrköpings utbildningskontor",
        "EDU-B": "Elevernas trygghet — Norrköpings utbildningskontor",
        "EDU-C": "Elevportfolio — Norrköpings utbildningskontor",
    }
    documents = {}
    for code in EDUCATION_CODES:
        share = rest_share if code == "EDU-C" else EDUCATION_DASHBOARD_SHARE
        document = {
            **base,
            "name": names[code],
            "levers": [
                {
                    **lever,
                    "attribution_share": str(share),
                    **(
                        {"group": NORRKOPING_GROUPS[lever["name"]]}
                        if lever["name"] in NORRKOPING_GROUPS
                        else {}
                    ),
                }
                for lever in base["levers"]
            ],
            "costs": _costs(code),
        }
        documents[code] = document
    return documents


def demo_documents() -> dict[str, dict[str, Any]]:
    """Initiative code → its benefit-model document, for all nine areas and the platforms."""
    documents = education_documents()
    for area, (internal, external, codes) in AREAS.items():
        for code, part_internal, part_external in zip(
            codes, split(internal), split(external), strict=True
        ):
            documents[code] = area_document(f"{area} — {code}", part_internal, part_external, code)
    for code, name in PLATFORM_NAMES.items():
        documents[code] = area_document(name, 0, 0, code)  # cost only
    return documents


def _describe_with_deck_names(initiatives: dict[str, Initiative]) -> None:
    """The deck's English name as a second name, in a description nobody has written yet (a
    description changes no figure)."""
    for code, initiative in initiatives.items():
        if not initiative.description and code in DECK_NAMES:
            description = f"Namn i underlaget: {DECK_NAMES[code]}"
            Initiative.objects.filter(pk=initiative.pk).update(description=description)


@transaction.atomic
def load_demo_portfolio(actor: User | None = None) -> None:
    organisation = Organisation.objects.filter(code=ORGANISATION).first()
    if organisation is None:
        return
    initiatives = {
        i.code: i
        for i in Initiative.objects.filter(organisation=organisation, code__in=INVESTMENT_COSTS)
    }
    for code, document in demo_documents().items():
        initiative = initiatives.get(code)
        if initiative is None:
            continue
        canonical = benefit_document.to_document(benefit_document.parse(document))
        existing = BenefitModel.objects.filter(initiative=initiative).first()
        if existing is None:
            BenefitModel.objects.create(initiative=initiative, document=canonical)
        elif existing.document != canonical:
            # A re-run after the inputs changed; nobody edits during a demo load.
            existing.document = canonical
            existing.save(update_fields=["document", "updated_at"])
    _describe_with_deck_names(initiatives)
    owner = User.objects.filter(email="verksamhet@norrkoping.demo").first()
    if "EDU-A" in initiatives:
        InitiativePriority.objects.update_or_create(
            initiative=initiatives["EDU-A"],
            defaults={
                "benefit_owner": owner,
                "dpia_recorded": True,
                "dpia_reference": "UTB 2026/114",
            },
        )
