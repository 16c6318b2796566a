"""The default classification scheme: aspects, levels, consequence areas and legal minimums.

An information asset is classified per aspect (K, R, T and the optional S) on a five-step scale
from 0 (negligible) to 4 (very serious). Each level is explained through example consequences in
seven consequence areas, always in the order of ``CONSEQUENCE_AREAS``. Level 4 means harm to
national security or loss of life; such information leaves the normal flow and is handled under
the Protective Security Act together with the organisation's protective security officer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal, TypedDict

AspectCode = Literal["K", "R", "T", "S"]
Trigger = Literal["personal_data", "special_categories", "secrecy"]
ConsequenceAreaCode = Literal[
    "tasks", "assets", "economy", "individuals", "life_health", "legal", "trust"
]


class Text(TypedDict):
    """A human text in Swedish (primary) and English."""

    sv: str
    en: str


class TextList(TypedDict):
    """A list of human texts per language; both lists have the same length and order."""

    sv: list[str]
    en: list[str]


class Aspect(TypedDict):
    code: AspectCode
    name: Text
    description: Text
    optional: bool


class Level(TypedDict):
    ordinal: int
    name: Text
    description: Text
    consequences: TextList


class ConsequenceArea(TypedDict):
    code: ConsequenceAreaCode
    name: Text


ASPECTS: list[Aspect] = [
    {
        "code": "K",
        "name": {"sv": "Konfidentialitet", "en": "Confidentiality"},
        "description": {
            "sv": (
                "Skyddar informationen mot att obehöriga tar del av den, till exempel genom att "
                "den röjs, sprids eller läses av någon som inte ska ha tillgång till den."
            ),
            "en": (
                "Protects the information against unauthorised disclosure, for example when it is "
                "leaked, spread or read by someone who should not have access to it."
            ),
        },
        "optional": False,
    },
    {
        "code": "R",
        "name": {"sv": "Riktighet", "en": "Integrity"},
        "description": {
            "sv": (
                "Skyddar informationen mot att ändras, förvanskas eller förstöras av misstag "
                "eller med avsikt, så att den går att lita på."
            ),
            "en": (
                "Protects the information against being changed, corrupted or destroyed by "
                "mistake or on purpose, so that it can be relied on."
            ),
        },
        "optional": False,
    },
    {
        "code": "T",
        "name": {"sv": "Tillgänglighet", "en": "Availability"},
        "description": {
            "sv": (
                "Skyddar mot att informationen inte går att använda när den behövs, till exempel "
                "vid driftavbrott, överbelastning eller om den går förlorad."
            ),
            "en": (
                "Protects against the information being unusable when it is needed, for example "
                "during outages or overload, or if it is lost."
            ),
        },
        "optional": False,
    },
    {
        "code": "S",
        "name": {"sv": "Spårbarhet", "en": "Traceability"},
        "description": {
            "sv": (
                "Skyddar mot att det i efterhand inte går att ta reda på vem som har läst, ändrat "
                "eller lämnat ut informationen och när det skedde."
            ),
            "en": (
                "Protects against it being impossible to find out afterwards who read, changed or "
                "disclosed the information, and when."
            ),
        },
        "optional": True,
    },
]

CONSEQUENCE_AREAS: list[ConsequenceArea] = [
    {
        "code": "tasks",
        "name": {
            "sv": "Förmåga att utföra verksamhetens uppdrag",
            "en": "Ability to perform the organisation's tasks",
        },
    },
    {"code": "assets", "name": {"sv": "Tillgångar och egendom", "en": "Assets and property"}},
    {"code": "economy", "name": {"sv": "Ekonomi", "en": "Economy"}},
    {
        "code": "individuals",
        "name": {
            "sv": "Enskildas rättigheter och personliga integritet",
            "en": "Individuals' rights and privacy",
        },
    },
    {"code": "life_health", "name": {"sv": "Liv och hälsa", "en": "Life and health"}},
    {
        "code": "legal",
        "name": {
            "sv": "Efterlevnad av lagar och regler",
            "en": "Compliance with laws and regulations",
        },
    },
    {"code": "trust", "name": {"sv": "Förtroende och anseende", "en": "Trust and reputation"}},
]

# Example consequences per level, one sentence per consequence area in the order of
# CONSEQUENCE_AREAS: tasks, assets, economy, individuals, life_health, legal, trust.
LEVELS: list[Level] = [
    {
        "ordinal": 0,
        "name": {"sv": "Försumbar", "en": "Negligible"},
        "description": {
            "sv": (
                "Ingen eller obetydlig skada. Händelsen märks knappt och hanteras inom det "
                "vanliga arbetet."
            ),
            "en": (
                "No harm or insignificant harm. The event is hardly noticed and is handled as "
                "part of normal work."
            ),
        },
        "consequences": {
            "sv": [
                "Verksamheten påverkas inte eller bara marginellt.",
                "Ingen egendom eller information går förlorad eller skadas.",
                "Ingen eller försumbar ekonomisk förlust.",
                "Ingen enskild får sina rättigheter eller sin personliga integritet påverkade.",
                "Ingen risk för liv eller hälsa.",
                "Inga lagar, regler eller avtal överträds.",
                "Förtroendet för organisationen påverkas inte.",
            ],
            "en": [
                "The organisation's work is not affected, or only marginally.",
                "No property or information is lost or damaged.",
                "No financial loss, or a negligible one.",
                "No individual has their rights or privacy affected.",
                "No risk to life or health.",
                "No laws, regulations or agreements are broken.",
                "Trust in the organisation is not affected.",
            ],
        },
    },
    {
        "ordinal": 1,
        "name": {"sv": "Måttlig", "en": "Moderate"},
        "description": {
            "sv": (
                "Begränsad skada som verksamheten kan hantera själv och som går att rätta till "
                "utan större ansträngning."
            ),
            "en": (
                "Limited harm that the organisation can handle on its own and that can be put "
                "right without much effort."
            ),
        },
        "consequences": {
            "sv": [
                "Enstaka arbetsuppgifter försenas men kan utföras med reservrutiner.",
                (
                    "Mindre skada på egendom eller information som går att återställa med egna "
                    "resurser."
                ),
                "Begränsad ekonomisk förlust som ryms inom enhetens budget.",
                (
                    "Enstaka personer drabbas av olägenheter eller ett begränsat intrång i den "
                    "personliga integriteten."
                ),
                "Tillfälligt obehag eller oro men ingen fysisk eller psykisk skada.",
                (
                    "Mindre avvikelser från interna regler eller avtal som kan rättas till utan "
                    "rättsliga följder."
                ),
                "Enstaka klagomål eller kritik som inte får någon större spridning.",
            ],
            "en": [
                "Individual tasks are delayed but can be carried out using fallback routines.",
                (
                    "Minor damage to property or information that can be restored with the "
                    "organisation's own resources."
                ),
                "A limited financial loss that fits within the unit's budget.",
                "A few people suffer inconvenience or a limited intrusion into their privacy.",
                "Temporary discomfort or worry but no physical or psychological harm.",
                (
                    "Minor deviations from internal rules or agreements that can be corrected "
                    "without legal consequences."
                ),
                "Isolated complaints or criticism that do not spread widely.",
            ],
        },
    },
    {
        "ordinal": 2,
        "name": {"sv": "Betydande", "en": "Significant"},
        "description": {
            "sv": (
                "Märkbar skada för verksamheten, för enskilda eller för organisationens ekonomi "
                "som kräver särskilda insatser att hantera."
            ),
            "en": (
                "Noticeable harm to the organisation, to individuals or to the organisation's "
                "finances that requires special efforts to handle."
            ),
        },
        "consequences": {
            "sv": [
                (
                    "Viktiga arbetsuppgifter kan inte utföras under en period och beslut eller "
                    "tjänster till invånarna försenas."
                ),
                (
                    "Skada på egendom eller information som kräver stora insatser eller extern "
                    "hjälp för att återställa."
                ),
                "Ekonomisk förlust som påverkar förvaltningens budget och kräver omprioriteringar.",
                (
                    "Flera personer får sina rättigheter eller sin personliga integritet kränkta, "
                    "till exempel genom att personuppgifter sprids."
                ),
                "Risk för lindrig fysisk eller psykisk skada för enskilda.",
                (
                    "Lagar eller avtal överträds, vilket kan leda till kritik från "
                    "tillsynsmyndighet, skadestånd eller vite."
                ),
                "Negativ uppmärksamhet i lokala medier och förtroendet för organisationen skadas.",
            ],
            "en": [
                (
                    "Important tasks cannot be carried out for a period and decisions or services "
                    "to residents are delayed."
                ),
                (
                    "Damage to property or information that requires major efforts or outside "
                    "help to restore."
                ),
                (
                    "A financial loss that affects the department's budget and requires "
                    "reprioritisation."
                ),
                (
                    "Several people have their rights or privacy violated, for example because "
                    "personal data is spread."
                ),
                "Risk of minor physical or psychological harm to individuals.",
                (
                    "Laws or agreements are broken, which may lead to criticism from a "
                    "supervisory authority, damages or a fine."
                ),
                "Negative attention in local media and damaged trust in the organisation.",
            ],
        },
    },
    {
        "ordinal": 3,
        "name": {"sv": "Allvarlig", "en": "Serious"},
        "description": {
            "sv": (
                "Allvarlig skada som hotar centrala delar av verksamheten, drabbar många eller "
                "kan ge bestående skador för enskilda."
            ),
            "en": (
                "Serious harm that threatens central parts of the organisation, affects many "
                "people or may cause lasting harm to individuals."
            ),
        },
        "consequences": {
            "sv": [
                (
                    "Samhällsviktiga uppgifter kan inte utföras och organisationen behöver gå "
                    "över till krisledning."
                ),
                (
                    "Omfattande skada på egendom eller förlust av information som inte helt går "
                    "att återskapa."
                ),
                "Stor ekonomisk förlust som påverkar hela organisationens ekonomi.",
                (
                    "Många personer får sina rättigheter eller sin personliga integritet "
                    "allvarligt kränkta, till exempel genom att känsliga personuppgifter röjs."
                ),
                "Risk för allvarlig eller bestående skada på hälsan för enskilda.",
                (
                    "Allvarliga lagöverträdelser som kan leda till höga sanktionsavgifter, åtal "
                    "eller ingripande från tillsynsmyndighet."
                ),
                (
                    "Nationell uppmärksamhet i medier och ett allvarligt och långvarigt "
                    "förtroendetapp."
                ),
            ],
            "en": [
                (
                    "Critical public services cannot be delivered and the organisation has to "
                    "switch to crisis management."
                ),
                (
                    "Extensive damage to property or loss of information that cannot be fully "
                    "recreated."
                ),
                "A large financial loss that affects the finances of the whole organisation.",
                (
                    "Many people have their rights or privacy seriously violated, for example "
                    "because sensitive personal data is disclosed."
                ),
                "Risk of serious or lasting harm to the health of individuals.",
                (
                    "Serious breaches of law that may lead to large administrative fines, "
                    "prosecution or intervention by a supervisory authority."
                ),
                "National media attention and a serious, long-lasting loss of trust.",
            ],
        },
    },
    {
        "ordinal": 4,
        "name": {"sv": "Synnerligen allvarlig", "en": "Very serious"},
        "description": {
            "sv": (
                "Synnerligen allvarlig skada som kan leda till att människor dör eller till skada "
                "för Sveriges säkerhet. Sådan information kan omfattas av säkerhetsskyddslagen "
                "(2018:585) och hanteras därför utanför den vanliga klassningen, tillsammans med "
                "organisationens säkerhetsskyddschef."
            ),
            "en": (
                "Exceptionally serious harm that may lead to loss of life or harm Sweden's "
                "national security. Such information may fall under the Protective Security Act "
                "(2018:585) and is therefore handled outside the normal classification, together "
                "with the organisation's protective security officer."
            ),
        },
        "consequences": {
            "sv": [
                (
                    "Samhällsviktig verksamhet slås ut under lång tid och kommunen kan inte "
                    "upprätthålla grundläggande funktioner i samhället."
                ),
                (
                    "Information eller egendom som har betydelse för Sveriges säkerhet går "
                    "förlorad eller skadas."
                ),
                "Ekonomisk skada av en omfattning som hotar kommunens eller samhällets ekonomi.",
                (
                    "Enskildas grundläggande fri- och rättigheter kränks i stor skala, eller "
                    "uppgifter röjs som sätter människors liv i fara."
                ),
                "En eller flera människor kan dö eller få synnerligen allvarliga skador.",
                (
                    "Överträdelser som skadar Sveriges säkerhet, till exempel brott mot "
                    "säkerhetsskyddslagen."
                ),
                "Förtroendet för kommunen och för samhällets institutioner skadas i grunden.",
            ],
            "en": [
                (
                    "Critical public services are knocked out for a long time and the "
                    "municipality cannot maintain basic functions in society."
                ),
                (
                    "Information or property that matters for Sweden's national security is lost "
                    "or damaged."
                ),
                (
                    "Financial damage on a scale that threatens the finances of the municipality "
                    "or of society."
                ),
                (
                    "Individuals' fundamental rights and freedoms are violated on a large scale, "
                    "or data is disclosed that puts people's lives in danger."
                ),
                "One or more people may die or suffer exceptionally serious injuries.",
                (
                    "Breaches that harm Sweden's national security, for example breaches of the "
                    "Protective Security Act."
                ),
                "Trust in the municipality and in society's institutions is fundamentally damaged.",
            ],
        },
    },
]

# Minimum level per aspect that a legal trigger implies, whatever the answers to the questions
# say. These are the scheme's defaults; an organisation may change them for its own scheme.
#
# - personal_data: any personal data must be protected against disclosure to outsiders
#   (GDPR art. 5.1 f and art. 32), so K is at least Moderate. The controller must also be able to
#   show how the data has been handled (accountability, art. 5.2), so S is at least Moderate.
# - special_categories: disclosure of data under GDPR art. 9 (health, ethnic origin, religion,
#   sexual orientation, etc.), which in a municipality typically sits in social services, health
#   care and schools' student health, can cause serious and lasting harm to the individual, so
#   K is at least Serious. Wrong data can lead to wrong care or wrong decisions, so R is at least
#   Significant, and access must be logged and followed up (e.g. the Patient Data Act 2008:355),
#   so S is at least Significant.
# - secrecy: the Public Access to Information and Secrecy Act (2009:400) only makes data secret
#   where disclosure is assumed to cause harm, so K is at least Significant.
LEGAL_MINIMUMS: dict[Trigger, dict[AspectCode, int]] = {
    "personal_data": {"K": 1, "S": 1},
    "special_categories": {"K": 3, "R": 2, "S": 2},
    "secrecy": {"K": 2},
}

# (max_hours_exclusive, level) sorted ascending: a tolerable downtime below max_hours_exclusive
# hours implies at least that availability level. Anything from 168 hours (one week) up is 0.
DOWNTIME_THRESHOLDS: list[tuple[int, int]] = [(1, 4), (4, 3), (24, 2), (168, 1)]

ASPECT_CODES: tuple[AspectCode, ...] = tuple(aspect["code"] for aspect in ASPECTS)
CONSEQUENCE_AREA_CODES: tuple[ConsequenceAreaCode, ...] = tuple(
    area["code"] for area in CONSEQUENCE_AREAS
)
TRIGGERS: tuple[Trigger, ...] = tuple(LEGAL_MINIMUMS)
MIN_LEVEL = 0
MAX_LEVEL = len(LEVELS) - 1


def level_for_downtime(
    hours: Decimal | int | float,
    thresholds: Sequence[tuple[Decimal | int | float, int]] = DOWNTIME_THRESHOLDS,
) -> int:
    """Return the availability level implied by a tolerable downtime of ``hours``.

    The first threshold (in ascending order) whose limit is greater than ``hours`` gives the
    level; a downtime at or above every limit gives 0. Raises ``ValueError`` for negative hours
    and for NaN.
    """
    if (isinstance(hours, Decimal) and hours.is_nan()) or (
        isinstance(hours, float) and math.isnan(hours)
    ):
        raise ValueError("Tolerable downtime must be a number of hours, not NaN.")
    if hours < 0:
        raise ValueError(f"Tolerable downtime cannot be negative: {hours} hours.")
    for limit, level in sorted(thresholds):
        if hours < limit:
            return level
    return MIN_LEVEL
