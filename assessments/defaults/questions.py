"""The default question bank: "What happens if…" questions per aspect.

Each question belongs to one aspect and one consequence area and offers three to five answers,
each tied to a level of the scheme. The highest level among the answers for an aspect suggests
the aspect's level. Questions about dependent services and systems use the area ``"tasks"``.
The tolerable downtime in hours is asked separately by the application and is not a question
here; the T questions ask what happens when the information is unavailable for some time.
"""

from __future__ import annotations

from typing import TypedDict

from assessments.defaults.scheme import AspectCode, ConsequenceAreaCode, Text


class Option(TypedDict):
    level: int
    text: Text


class Question(TypedDict):
    code: str
    aspect: AspectCode
    area: ConsequenceAreaCode
    text: Text
    help: Text
    options: list[Option]


QUESTION_BANK_NOTE: Text = {
    "sv": (
        "Skriv aldrig personuppgifter i kommentarerna. Beskriv konsekvenserna i allmänna termer, "
        "till exempel ”elever med behov av särskilt stöd”, och ange inte namn, personnummer eller "
        "andra uppgifter som kan kopplas till en enskild person."
    ),
    "en": (
        "Never enter personal data in the comments. Describe the consequences in general terms, "
        "for example “pupils who need special support”, and do not give names, personal identity "
        "numbers or other details that can be linked to an individual."
    ),
}

QUESTIONS: list[Question] = [
    # --- K: Konfidentialitet / Confidentiality -------------------------------------------------
    {
        "code": "K-01",
        "aspect": "K",
        "area": "tasks",
        "text": {
            "sv": (
                "Vad händer med verksamhetens förmåga att utföra sitt uppdrag om informationen "
                "röjs för obehöriga?"
            ),
            "en": (
                "What happens to the organisation's ability to perform its tasks if the "
                "information is disclosed to unauthorised persons?"
            ),
        },
        "help": {
            "sv": (
                "Tänk på om någon kan utnyttja informationen mot verksamheten. Exempel: Om "
                "ritningar och driftinstruktioner för kommunens vattenverk sprids kan de användas "
                "för att planera sabotage."
            ),
            "en": (
                "Consider whether someone could use the information against the organisation. "
                "Example: If drawings and operating instructions for the municipal waterworks are "
                "spread, they could be used to plan sabotage."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Verksamheten påverkas inte.",
                    "en": "The organisation's work is not affected.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Enstaka arbetsmoment behöver göras om eller ändras.",
                    "en": "Individual steps of work have to be redone or changed.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": (
                        "Viktiga processer eller beslut försenas eller måste göras om, till "
                        "exempel en upphandling."
                    ),
                    "en": (
                        "Important processes or decisions are delayed or must be redone, for "
                        "example a procurement."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": "Centrala delar av verksamheten kan inte fungera som planerat.",
                    "en": "Central parts of the organisation cannot work as planned.",
                },
            },
            {
                "level": 4,
                "text": {
                    "sv": (
                        "Samhällsviktig verksamhet kan slås ut eller Sveriges säkerhet kan skadas."
                    ),
                    "en": (
                        "Critical public services may be knocked out or Sweden's national "
                        "security may be harmed."
                    ),
                },
            },
        ],
    },
    {
        "code": "K-02",
        "aspect": "K",
        "area": "individuals",
        "text": {
            "sv": (
                "Vad händer med enskildas personliga integritet om informationen röjs för "
                "obehöriga?"
            ),
            "en": (
                "What happens to individuals' privacy if the information is disclosed to "
                "unauthorised persons?"
            ),
        },
        "help": {
            "sv": (
                "Tänk på vilka uppgifter om enskilda som finns i informationen och hur känsliga "
                "de är. Exempel: En förteckning över elever som får särskilt stöd i skolan "
                "avslöjar uppgifter om barns hälsa och familjeförhållanden."
            ),
            "en": (
                "Consider what data about individuals the information contains and how sensitive "
                "it is. Example: A list of pupils receiving special support at school reveals "
                "details about children's health and family circumstances."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": (
                        "Informationen innehåller inga uppgifter om enskilda, eller bara "
                        "uppgifter som redan är offentliga."
                    ),
                    "en": (
                        "The information contains no data about individuals, or only data that is "
                        "already public."
                    ),
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Enstaka personer kan uppleva obehag, men uppgifterna är inte känsliga.",
                    "en": "A few people may feel uncomfortable, but the data is not sensitive.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": (
                        "Personuppgifter sprids och enskilda kan utsättas för kränkningar eller "
                        "oönskade kontakter."
                    ),
                    "en": (
                        "Personal data is spread and individuals may be subjected to violations "
                        "or unwanted contact."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Känsliga personuppgifter, till exempel om hälsa eller sociala "
                        "förhållanden, sprids om många personer."
                    ),
                    "en": (
                        "Sensitive personal data, for example about health or social "
                        "circumstances, is spread about many people."
                    ),
                },
            },
        ],
    },
    {
        "code": "K-03",
        "aspect": "K",
        "area": "life_health",
        "text": {
            "sv": "Vad händer med människors liv och hälsa om informationen röjs för obehöriga?",
            "en": (
                "What happens to people's life and health if the information is disclosed to "
                "unauthorised persons?"
            ),
        },
        "help": {
            "sv": (
                "Exempel: Om adressen till en person med skyddade personuppgifter röjs via "
                "hemtjänstens planeringssystem kan personen utsättas för hot eller våld."
            ),
            "en": (
                "Example: If the address of a person with protected personal data is disclosed "
                "through the home care planning system, that person may be exposed to threats or "
                "violence."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Ingen risk för liv eller hälsa.",
                    "en": "No risk to life or health.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Enskilda kan känna oro eller obehag.",
                    "en": "Individuals may feel worried or uncomfortable.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": "Enskilda kan utsättas för trakasserier eller lindrig skada.",
                    "en": "Individuals may be subjected to harassment or minor harm.",
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": "Enskilda kan utsättas för hot eller våld som ger allvarlig skada.",
                    "en": "Individuals may be exposed to threats or violence causing serious harm.",
                },
            },
            {
                "level": 4,
                "text": {
                    "sv": "Människor kan dödas.",
                    "en": "People may be killed.",
                },
            },
        ],
    },
    {
        "code": "K-04",
        "aspect": "K",
        "area": "economy",
        "text": {
            "sv": "Vad händer med organisationens ekonomi om informationen röjs för obehöriga?",
            "en": (
                "What happens to the organisation's finances if the information is disclosed to "
                "unauthorised persons?"
            ),
        },
        "help": {
            "sv": (
                "Exempel: Om kommunens underlag inför ett markköp sprids i förtid kan säljaren "
                "höja priset."
            ),
            "en": (
                "Example: If the municipality's documents for a planned land purchase are spread "
                "too early, the seller may raise the price."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Ingen ekonomisk påverkan.",
                    "en": "No financial impact.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Mindre kostnader som ryms i enhetens budget.",
                    "en": "Minor costs that fit within the unit's budget.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": "Kostnader som kräver omprioriteringar i förvaltningens budget.",
                    "en": "Costs that require reprioritisation in the department's budget.",
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Stora kostnader, skadestånd eller sanktionsavgifter som påverkar hela "
                        "organisationens ekonomi."
                    ),
                    "en": (
                        "Large costs, damages or administrative fines that affect the finances of "
                        "the whole organisation."
                    ),
                },
            },
        ],
    },
    {
        "code": "K-05",
        "aspect": "K",
        "area": "legal",
        "text": {
            "sv": "Vad händer rättsligt om informationen röjs för obehöriga?",
            "en": (
                "What are the legal consequences if the information is disclosed to unauthorised "
                "persons?"
            ),
        },
        "help": {
            "sv": (
                "Tänk på sekretess enligt offentlighets- och sekretesslagen, "
                "dataskyddsförordningen och tystnadsplikt i avtal. Exempel: Om en utredning inom "
                "socialtjänsten skickas till fel mottagare bryter det mot sekretessen och är en "
                "personuppgiftsincident som ska anmälas till Integritetsskyddsmyndigheten."
            ),
            "en": (
                "Consider secrecy under the Public Access to Information and Secrecy Act, the "
                "GDPR and contractual confidentiality. Example: If a social services "
                "investigation is sent to the wrong recipient, this breaches secrecy and is a "
                "personal data breach that must be reported to the Swedish Authority for Privacy "
                "Protection."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Inga lagar, regler eller avtal överträds.",
                    "en": "No laws, regulations or agreements are broken.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Mindre avvikelser från interna regler eller avtal.",
                    "en": "Minor deviations from internal rules or agreements.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": (
                        "Sekretess eller dataskyddsregler överträds och händelsen kan behöva "
                        "anmälas till en tillsynsmyndighet."
                    ),
                    "en": (
                        "Secrecy or data protection rules are broken and the event may have to be "
                        "reported to a supervisory authority."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Allvarliga överträdelser som kan leda till höga sanktionsavgifter, "
                        "skadestånd eller åtal."
                    ),
                    "en": (
                        "Serious breaches that may lead to large administrative fines, damages or "
                        "prosecution."
                    ),
                },
            },
        ],
    },
    {
        "code": "K-06",
        "aspect": "K",
        "area": "trust",
        "text": {
            "sv": (
                "Vad händer med förtroendet för organisationen om informationen röjs för obehöriga?"
            ),
            "en": (
                "What happens to trust in the organisation if the information is disclosed to "
                "unauthorised persons?"
            ),
        },
        "help": {
            "sv": (
                "Exempel: Om elevers omdömen av misstag publiceras på skolans webbplats kan "
                "vårdnadshavare tappa förtroendet för skolan."
            ),
            "en": (
                "Example: If pupils' assessments are published on the school website by mistake, "
                "parents may lose trust in the school."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Förtroendet påverkas inte.",
                    "en": "Trust is not affected.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Enstaka klagomål som inte får någon större spridning.",
                    "en": "Isolated complaints that do not spread widely.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": "Negativ uppmärksamhet i lokala medier.",
                    "en": "Negative attention in local media.",
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": "Nationell uppmärksamhet och ett långvarigt förtroendetapp.",
                    "en": "National attention and a long-lasting loss of trust.",
                },
            },
        ],
    },
    {
        "code": "K-07",
        "aspect": "K",
        "area": "assets",
        "text": {
            "sv": (
                "Vad händer med organisationens tillgångar och egendom om informationen röjs för "
                "obehöriga?"
            ),
            "en": (
                "What happens to the organisation's assets and property if the information is "
                "disclosed to unauthorised persons?"
            ),
        },
        "help": {
            "sv": (
                "Tänk på uppgifter som ger tillträde till lokaler eller system, till exempel "
                "koder, lösenord och ritningar. Exempel: Om ritningar över larm- och "
                "passagesystem i kommunens skolor sprids kan de användas vid inbrott."
            ),
            "en": (
                "Consider data that gives access to premises or systems, such as codes, passwords "
                "and drawings. Example: If drawings of the alarm and access control systems in "
                "the municipality's schools are spread, they could be used for burglaries."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": (
                        "Informationen kan inte användas för att komma åt lokaler, system eller "
                        "annan egendom."
                    ),
                    "en": (
                        "The information cannot be used to gain access to premises, systems or "
                        "other property."
                    ),
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Informationen kan underlätta stöld eller skadegörelse av mindre värde.",
                    "en": "The information could make theft or damage of minor value easier.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": (
                        "Informationen kan användas för att ta sig in i lokaler eller system och "
                        "orsaka betydande skada."
                    ),
                    "en": (
                        "The information could be used to get into premises or systems and cause "
                        "significant damage."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Informationen kan användas för att ta sig in i flera lokaler eller "
                        "system och orsaka omfattande skada."
                    ),
                    "en": (
                        "The information could be used to get into several premises or systems "
                        "and cause extensive damage."
                    ),
                },
            },
        ],
    },
    # --- R: Riktighet / Integrity ----------------------------------------------------------------
    {
        "code": "R-01",
        "aspect": "R",
        "area": "tasks",
        "text": {
            "sv": (
                "Vad händer med verksamheten om informationen är felaktig, ofullständig eller har "
                "ändrats av obehöriga?"
            ),
            "en": (
                "What happens to the organisation's work if the information is wrong, incomplete "
                "or has been changed by unauthorised persons?"
            ),
        },
        "help": {
            "sv": (
                "Exempel: Om uppgifterna i skolans schemasystem är fel kan lektioner ställas in "
                "och lärare och elever hamna i fel sal."
            ),
            "en": (
                "Example: If the data in the school's timetable system is wrong, lessons may be "
                "cancelled and teachers and pupils may end up in the wrong room."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Felet märks knappt och påverkar inte verksamheten.",
                    "en": (
                        "The error is hardly noticed and does not affect the organisation's work."
                    ),
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Felet orsakar merarbete men upptäcks och rättas snabbt.",
                    "en": "The error causes extra work but is quickly detected and corrected.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": "Felet leder till felaktiga beslut eller åtgärder som tar tid att rätta.",
                    "en": (
                        "The error leads to wrong decisions or actions that take time to correct."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Centrala delar av verksamheten kan inte längre lita på informationen och "
                        "måste stoppas eller göras om."
                    ),
                    "en": (
                        "Central parts of the organisation can no longer rely on the information "
                        "and must be stopped or redone."
                    ),
                },
            },
        ],
    },
    {
        "code": "R-02",
        "aspect": "R",
        "area": "life_health",
        "text": {
            "sv": "Vad händer med människors liv och hälsa om informationen är felaktig?",
            "en": "What happens to people's life and health if the information is wrong?",
        },
        "help": {
            "sv": (
                "Exempel: Om läkemedelslistan i äldreomsorgens dokumentation är fel kan en "
                "brukare få fel läkemedel eller fel dos."
            ),
            "en": (
                "Example: If the medication list in the elderly care records is wrong, a care "
                "recipient may be given the wrong medicine or the wrong dose."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Ingen risk för liv eller hälsa.",
                    "en": "No risk to life or health.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Enskilda kan känna oro eller obehag.",
                    "en": "Individuals may feel worried or uncomfortable.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": "Enskilda kan få lindriga skador, till exempel av en felaktig insats.",
                    "en": (
                        "Individuals may suffer minor harm, for example from an incorrect "
                        "intervention."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": "Enskilda kan få allvarliga eller bestående skador.",
                    "en": "Individuals may suffer serious or lasting harm.",
                },
            },
            {
                "level": 4,
                "text": {
                    "sv": "Människor kan dö.",
                    "en": "People may die.",
                },
            },
        ],
    },
    {
        "code": "R-03",
        "aspect": "R",
        "area": "individuals",
        "text": {
            "sv": "Vad händer med enskildas rättigheter om informationen är felaktig?",
            "en": "What happens to individuals' rights if the information is wrong?",
        },
        "help": {
            "sv": (
                "Exempel: Om inkomstuppgifterna i ett ärende om försörjningsstöd är fel kan den "
                "enskilde få ett felaktigt beslut."
            ),
            "en": (
                "Example: If the income details in a case about financial assistance are wrong, "
                "the person may receive an incorrect decision."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Enskilda påverkas inte.",
                    "en": "Individuals are not affected.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Enstaka personer drabbas av olägenheter som snabbt kan rättas.",
                    "en": "A few people suffer inconvenience that can quickly be put right.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": (
                        "Enskilda får felaktiga beslut som påverkar deras rättigheter eller "
                        "ekonomi."
                    ),
                    "en": (
                        "Individuals receive incorrect decisions that affect their rights or "
                        "finances."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Många personer får felaktiga beslut med allvarliga följder, till exempel "
                        "förlorat bistånd eller boende."
                    ),
                    "en": (
                        "Many people receive incorrect decisions with serious consequences, for "
                        "example loss of assistance or housing."
                    ),
                },
            },
        ],
    },
    {
        "code": "R-04",
        "aspect": "R",
        "area": "economy",
        "text": {
            "sv": (
                "Vad händer med organisationens ekonomi om informationen är felaktig eller har "
                "manipulerats?"
            ),
            "en": (
                "What happens to the organisation's finances if the information is wrong or has "
                "been manipulated?"
            ),
        },
        "help": {
            "sv": (
                "Exempel: Om någon ändrar kontonummer i lönesystemet kan löner betalas ut till "
                "fel konto."
            ),
            "en": (
                "Example: If someone changes account numbers in the payroll system, salaries may "
                "be paid into the wrong account."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Ingen ekonomisk påverkan.",
                    "en": "No financial impact.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Mindre felaktiga betalningar som upptäcks och kan krävas tillbaka.",
                    "en": "Minor incorrect payments that are detected and can be recovered.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": (
                        "Felaktiga betalningar eller beslut som kräver omprioriteringar i "
                        "förvaltningens budget."
                    ),
                    "en": (
                        "Incorrect payments or decisions that require reprioritisation in the "
                        "department's budget."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Stora förluster, till exempel genom bedrägeri, som påverkar hela "
                        "organisationens ekonomi."
                    ),
                    "en": (
                        "Large losses, for example through fraud, that affect the finances of the "
                        "whole organisation."
                    ),
                },
            },
        ],
    },
    {
        "code": "R-05",
        "aspect": "R",
        "area": "legal",
        "text": {
            "sv": "Vad händer rättsligt om beslut fattas på felaktig information?",
            "en": "What are the legal consequences if decisions are made on wrong information?",
        },
        "help": {
            "sv": (
                "Exempel: Om ett bygglov beviljas utifrån felaktiga ritningar eller "
                "fastighetsuppgifter kan beslutet upphävas och kommunen bli skadeståndsskyldig."
            ),
            "en": (
                "Example: If a building permit is granted on the basis of wrong drawings or "
                "property data, the decision may be overturned and the municipality may be liable "
                "for damages."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Inga rättsliga följder.",
                    "en": "No legal consequences.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Beslut behöver rättas, men utan rättsliga följder.",
                    "en": "Decisions need to be corrected, but without legal consequences.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": (
                        "Beslut kan överklagas och upphävas, eller leda till kritik från "
                        "tillsynsmyndighet."
                    ),
                    "en": (
                        "Decisions may be appealed and overturned, or lead to criticism from a "
                        "supervisory authority."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Allvarliga överträdelser som kan leda till skadestånd, sanktionsavgifter "
                        "eller åtal."
                    ),
                    "en": (
                        "Serious breaches that may lead to damages, administrative fines or "
                        "prosecution."
                    ),
                },
            },
        ],
    },
    {
        "code": "R-06",
        "aspect": "R",
        "area": "tasks",
        "text": {
            "sv": (
                "Vad händer med andra tjänster och system som är beroende av informationen om den "
                "är felaktig?"
            ),
            "en": (
                "What happens to other services and systems that depend on the information if it "
                "is wrong?"
            ),
        },
        "help": {
            "sv": (
                "Tänk på vilka system som hämtar information härifrån. Exempel: Felaktiga "
                "adressuppgifter i kommunens invånarregister kan spridas vidare till "
                "skolplacering, skolskjuts och fakturering av förskoleavgifter."
            ),
            "en": (
                "Consider which systems fetch information from here. Example: Wrong addresses in "
                "the municipality's resident register may spread to school placement, school "
                "transport and invoicing of preschool fees."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Inga andra tjänster eller system är beroende av informationen.",
                    "en": "No other services or systems depend on the information.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Fel sprids till enstaka system men upptäcks och rättas snabbt.",
                    "en": "Errors spread to a few systems but are quickly detected and corrected.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": "Fel sprids till flera tjänster och det tar tid att hitta och rätta dem.",
                    "en": (
                        "Errors spread to several services and it takes time to find and correct "
                        "them."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Fel sprids till samhällsviktiga tjänster som inte längre kan lita på "
                        "sina underlag."
                    ),
                    "en": (
                        "Errors spread to critical public services that can no longer rely on "
                        "their data."
                    ),
                },
            },
            {
                "level": 4,
                "text": {
                    "sv": (
                        "Fel i styrande information, till exempel för vatten eller värme, kan "
                        "orsaka fara för människors liv."
                    ),
                    "en": (
                        "Errors in control information, for example for water or heating, may put "
                        "people's lives in danger."
                    ),
                },
            },
        ],
    },
    {
        "code": "R-07",
        "aspect": "R",
        "area": "trust",
        "text": {
            "sv": (
                "Vad händer med förtroendet om organisationen lämnar ut eller publicerar felaktig "
                "information?"
            ),
            "en": (
                "What happens to trust if the organisation discloses or publishes wrong "
                "information?"
            ),
        },
        "help": {
            "sv": (
                "Exempel: Felaktiga uppgifter om avgifter för förskola på kommunens webbplats kan "
                "leda till klagomål och krav på ersättning."
            ),
            "en": (
                "Example: Wrong information about preschool fees on the municipality's website "
                "may lead to complaints and claims for compensation."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Förtroendet påverkas inte.",
                    "en": "Trust is not affected.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Enstaka klagomål som inte får någon större spridning.",
                    "en": "Isolated complaints that do not spread widely.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": "Negativ uppmärksamhet i lokala medier.",
                    "en": "Negative attention in local media.",
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": "Nationell uppmärksamhet och ett långvarigt förtroendetapp.",
                    "en": "National attention and a long-lasting loss of trust.",
                },
            },
        ],
    },
    # --- T: Tillgänglighet / Availability --------------------------------------------------------
    {
        "code": "T-01",
        "aspect": "T",
        "area": "tasks",
        "text": {
            "sv": (
                "Vad händer med verksamheten om informationen inte går att komma åt under en tid?"
            ),
            "en": (
                "What happens to the organisation's work if the information cannot be accessed "
                "for some time?"
            ),
        },
        "help": {
            "sv": (
                "Tänk på hur länge verksamheten klarar sig med reservrutiner. Exempel: Om skolans "
                "lärplattform inte fungerar under en provvecka kan prov behöva skjutas upp."
            ),
            "en": (
                "Consider how long the organisation can manage with fallback routines. Example: "
                "If the school's learning platform is down during an exam week, exams may have to "
                "be postponed."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Verksamheten kan fortsätta som vanligt.",
                    "en": "The organisation can continue as usual.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Arbetet försenas men kan utföras med reservrutiner.",
                    "en": "Work is delayed but can be carried out with fallback routines.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": (
                        "Viktiga uppgifter kan inte utföras och beslut eller tjänster till "
                        "invånarna försenas."
                    ),
                    "en": (
                        "Important tasks cannot be carried out and decisions or services to "
                        "residents are delayed."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Samhällsviktiga uppgifter kan inte utföras och organisationen behöver gå "
                        "över till krisledning."
                    ),
                    "en": (
                        "Critical public tasks cannot be carried out and the organisation has to "
                        "switch to crisis management."
                    ),
                },
            },
            {
                "level": 4,
                "text": {
                    "sv": "Kommunen kan inte upprätthålla grundläggande funktioner i samhället.",
                    "en": "The municipality cannot maintain basic functions in society.",
                },
            },
        ],
    },
    {
        "code": "T-02",
        "aspect": "T",
        "area": "life_health",
        "text": {
            "sv": (
                "Vad händer med människors liv och hälsa om informationen inte finns tillgänglig "
                "när den behövs?"
            ),
            "en": (
                "What happens to people's life and health if the information is not available "
                "when it is needed?"
            ),
        },
        "help": {
            "sv": (
                "Exempel: Om hemtjänstens planeringssystem inte fungerar vet personalen inte "
                "vilka brukare som ska få besök, och någon kan bli utan läkemedel eller mat."
            ),
            "en": (
                "Example: If the home care planning system is not working, staff do not know "
                "which care recipients are due a visit, and someone may go without medicine or "
                "food."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Ingen risk för liv eller hälsa.",
                    "en": "No risk to life or health.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Enskilda kan känna oro eller obehag.",
                    "en": "Individuals may feel worried or uncomfortable.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": "Enskilda kan få lindriga skador, till exempel av en utebliven insats.",
                    "en": (
                        "Individuals may suffer minor harm, for example from a missed intervention."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": "Enskilda kan få allvarliga eller bestående skador.",
                    "en": "Individuals may suffer serious or lasting harm.",
                },
            },
            {
                "level": 4,
                "text": {
                    "sv": (
                        "Människor kan dö, till exempel om anrop från trygghetslarm inte når fram."
                    ),
                    "en": (
                        "People may die, for example if calls from personal safety alarms do not "
                        "get through."
                    ),
                },
            },
        ],
    },
    {
        "code": "T-03",
        "aspect": "T",
        "area": "individuals",
        "text": {
            "sv": "Vad händer med enskildas rättigheter om informationen inte finns tillgänglig?",
            "en": "What happens to individuals' rights if the information is not available?",
        },
        "help": {
            "sv": (
                "Exempel: Om ansökningar om försörjningsstöd inte kan handläggas kan enskilda bli "
                "utan pengar till mat och hyra."
            ),
            "en": (
                "Example: If applications for financial assistance cannot be processed, "
                "individuals may be left without money for food and rent."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Enskilda påverkas inte.",
                    "en": "Individuals are not affected.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Enskilda får vänta något längre på svar eller service.",
                    "en": "Individuals have to wait somewhat longer for answers or services.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": "Enskilda får inte beslut eller insatser som de har rätt till i tid.",
                    "en": (
                        "Individuals do not receive decisions or services they are entitled to in "
                        "time."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Många personer förlorar under en längre tid insatser eller ersättningar "
                        "som de är beroende av."
                    ),
                    "en": (
                        "Many people lose services or benefits they depend on for a longer period."
                    ),
                },
            },
        ],
    },
    {
        "code": "T-04",
        "aspect": "T",
        "area": "economy",
        "text": {
            "sv": "Vad händer med organisationens ekonomi om informationen inte finns tillgänglig?",
            "en": (
                "What happens to the organisation's finances if the information is not available?"
            ),
        },
        "help": {
            "sv": (
                "Exempel: Om ekonomisystemet inte fungerar kan fakturor inte betalas i tid, "
                "vilket ger dröjsmålsräntor och påminnelseavgifter."
            ),
            "en": (
                "Example: If the finance system is not working, invoices cannot be paid on time, "
                "which leads to late-payment interest and reminder fees."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Ingen ekonomisk påverkan.",
                    "en": "No financial impact.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Mindre kostnader, till exempel för övertid, som ryms i enhetens budget.",
                    "en": (
                        "Minor costs, for example for overtime, that fit within the unit's budget."
                    ),
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": (
                        "Kostnader eller uteblivna intäkter som kräver omprioriteringar i "
                        "förvaltningens budget."
                    ),
                    "en": (
                        "Costs or lost income that require reprioritisation in the department's "
                        "budget."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Stora kostnader eller förluster som påverkar hela organisationens ekonomi."
                    ),
                    "en": (
                        "Large costs or losses that affect the finances of the whole organisation."
                    ),
                },
            },
        ],
    },
    {
        "code": "T-05",
        "aspect": "T",
        "area": "legal",
        "text": {
            "sv": "Vad händer rättsligt om informationen inte finns tillgänglig?",
            "en": "What are the legal consequences if the information is not available?",
        },
        "help": {
            "sv": (
                "Tänk på lagstadgade tidsfrister. Exempel: Om bygglovsansökningar inte kan "
                "handläggas riskerar kommunen att överskrida den lagstadgade handläggningstiden "
                "och behöva sätta ned avgiften."
            ),
            "en": (
                "Consider statutory time limits. Example: If building permit applications cannot "
                "be processed, the municipality risks exceeding the statutory processing time and "
                "having to reduce the fee."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Inga rättsliga följder.",
                    "en": "No legal consequences.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Interna tidsfrister eller åtaganden i avtal hålls inte.",
                    "en": "Internal deadlines or contractual commitments are not met.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": (
                        "Lagstadgade tidsfrister överskrids, vilket kan leda till kritik från "
                        "tillsynsmyndighet eller sänkta avgifter."
                    ),
                    "en": (
                        "Statutory time limits are exceeded, which may lead to criticism from a "
                        "supervisory authority or reduced fees."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Allvarliga överträdelser som kan leda till vite, skadestånd eller "
                        "sanktionsavgifter."
                    ),
                    "en": (
                        "Serious breaches that may lead to fines, damages or administrative fines."
                    ),
                },
            },
        ],
    },
    {
        "code": "T-06",
        "aspect": "T",
        "area": "tasks",
        "text": {
            "sv": (
                "Vad händer med andra tjänster och system som är beroende av informationen om den "
                "inte finns tillgänglig?"
            ),
            "en": (
                "What happens to other services and systems that depend on the information if it "
                "is not available?"
            ),
        },
        "help": {
            "sv": (
                "Tänk på integrationer och gemensamma tjänster. Exempel: Om kommunens "
                "katalogtjänst för inloggning slutar fungera kan medarbetarna inte logga in i "
                "något av verksamhetssystemen."
            ),
            "en": (
                "Consider integrations and shared services. Example: If the municipality's "
                "directory service for logging in stops working, staff cannot log in to any of "
                "the business systems."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Inga andra tjänster eller system är beroende av informationen.",
                    "en": "No other services or systems depend on the information.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Enstaka system påverkas men har reservrutiner.",
                    "en": "A few systems are affected but have fallback routines.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": (
                        "Flera tjänster slutar fungera och verksamheter i flera förvaltningar "
                        "påverkas."
                    ),
                    "en": (
                        "Several services stop working and work in several departments is affected."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Samhällsviktiga tjänster som är beroende av informationen slutar fungera."
                    ),
                    "en": "Critical public services that depend on the information stop working.",
                },
            },
            {
                "level": 4,
                "text": {
                    "sv": (
                        "Beroende tjänster som skyddar liv eller Sveriges säkerhet slutar fungera."
                    ),
                    "en": (
                        "Dependent services that protect life or Sweden's national security stop "
                        "working."
                    ),
                },
            },
        ],
    },
    {
        "code": "T-07",
        "aspect": "T",
        "area": "trust",
        "text": {
            "sv": (
                "Vad händer med förtroendet om informationen eller e-tjänsten inte finns "
                "tillgänglig?"
            ),
            "en": "What happens to trust if the information or e-service is not available?",
        },
        "help": {
            "sv": (
                "Exempel: Om e-tjänsten för ansökan om förskoleplats inte fungerar under "
                "ansökningsperioden kan vårdnadshavare tappa förtroendet för kommunen."
            ),
            "en": (
                "Example: If the e-service for applying for a preschool place is down during the "
                "application period, parents may lose trust in the municipality."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Förtroendet påverkas inte.",
                    "en": "Trust is not affected.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Enstaka klagomål som inte får någon större spridning.",
                    "en": "Isolated complaints that do not spread widely.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": "Negativ uppmärksamhet i lokala medier.",
                    "en": "Negative attention in local media.",
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": "Nationell uppmärksamhet och ett långvarigt förtroendetapp.",
                    "en": "National attention and a long-lasting loss of trust.",
                },
            },
        ],
    },
    # --- S: Spårbarhet / Traceability ------------------------------------------------------------
    {
        "code": "S-01",
        "aspect": "S",
        "area": "legal",
        "text": {
            "sv": (
                "Vad händer om det inte går att visa vem som har läst eller ändrat informationen?"
            ),
            "en": "What happens if it is impossible to show who read or changed the information?",
        },
        "help": {
            "sv": (
                "Tänk på krav i lag på att kunna följa upp åtkomst. Exempel: I kommunens hälso- "
                "och sjukvård ska det gå att följa upp vem som har tagit del av en patients "
                "journal."
            ),
            "en": (
                "Consider legal requirements to be able to follow up access. Example: In the "
                "municipality's health care, it must be possible to check who has read a "
                "patient's record."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Det finns inga krav på att kunna följa upp åtkomst till informationen.",
                    "en": (
                        "There are no requirements to be able to follow up access to the "
                        "information."
                    ),
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Interna regler om uppföljning kan inte följas.",
                    "en": "Internal rules on follow-up cannot be complied with.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": (
                        "Krav i lag på loggning och uppföljning uppfylls inte, vilket kan leda "
                        "till kritik från tillsynsmyndighet."
                    ),
                    "en": (
                        "Legal requirements on logging and follow-up are not met, which may lead "
                        "to criticism from a supervisory authority."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Allvarliga överträdelser kan inte utredas, vilket kan leda till "
                        "sanktionsavgifter eller att brott inte kan lagföras."
                    ),
                    "en": (
                        "Serious breaches cannot be investigated, which may lead to "
                        "administrative fines or crimes that cannot be prosecuted."
                    ),
                },
            },
        ],
    },
    {
        "code": "S-02",
        "aspect": "S",
        "area": "individuals",
        "text": {
            "sv": (
                "Vad händer med enskildas rättssäkerhet om det inte går att visa vem som har "
                "registrerat eller ändrat ett beslut?"
            ),
            "en": (
                "What happens to individuals' legal certainty if it is impossible to show who "
                "registered or changed a decision?"
            ),
        },
        "help": {
            "sv": (
                "Exempel: Om det inte går att visa vem som ändrade ett beslut om bistånd i "
                "äldreomsorgen blir det svårt för den enskilde att få felet utrett och rättat."
            ),
            "en": (
                "Example: If it is impossible to show who changed a decision on assistance in "
                "elderly care, it becomes hard for the person concerned to have the error "
                "investigated and corrected."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Informationen används inte som underlag för beslut om enskilda.",
                    "en": "The information is not used as a basis for decisions about individuals.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Enstaka fel blir svårare att utreda, men kan rättas på annat sätt.",
                    "en": (
                        "Isolated errors become harder to investigate but can be corrected in "
                        "other ways."
                    ),
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": "Enskilda kan inte få fel i beslut om sig själva utredda och rättade.",
                    "en": (
                        "Individuals cannot have errors in decisions about themselves "
                        "investigated and corrected."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Många personers rättssäkerhet sätts ur spel i beslut med stor betydelse "
                        "för deras liv."
                    ),
                    "en": (
                        "The legal certainty of many people is undermined in decisions of great "
                        "importance to their lives."
                    ),
                },
            },
        ],
    },
    {
        "code": "S-03",
        "aspect": "S",
        "area": "trust",
        "text": {
            "sv": (
                "Vad händer med förtroendet om organisationen inte kan utreda en incident eller "
                "ett misstänkt missbruk?"
            ),
            "en": (
                "What happens to trust if the organisation cannot investigate an incident or "
                "suspected misuse?"
            ),
        },
        "help": {
            "sv": (
                "Exempel: Om en medarbetare misstänks ha läst uppgifter om en granne i "
                "socialtjänstens system men loggar saknas, kan misstanken varken bekräftas eller "
                "avfärdas."
            ),
            "en": (
                "Example: If an employee is suspected of having read data about a neighbour in "
                "the social services system but there are no logs, the suspicion can be neither "
                "confirmed nor dismissed."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Förtroendet påverkas inte.",
                    "en": "Trust is not affected.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Enstaka klagomål som inte får någon större spridning.",
                    "en": "Isolated complaints that do not spread widely.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": (
                        "Negativ uppmärksamhet i lokala medier och misstro bland medarbetare "
                        "eller invånare."
                    ),
                    "en": (
                        "Negative attention in local media and distrust among staff or residents."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": "Nationell uppmärksamhet och ett långvarigt förtroendetapp.",
                    "en": "National attention and a long-lasting loss of trust.",
                },
            },
        ],
    },
    {
        "code": "S-04",
        "aspect": "S",
        "area": "economy",
        "text": {
            "sv": (
                "Vad händer om det inte går att spåra vem som har gjort utbetalningar eller "
                "ändrat ekonomiska uppgifter?"
            ),
            "en": (
                "What happens if it is impossible to trace who made payments or changed financial "
                "data?"
            ),
        },
        "help": {
            "sv": (
                "Exempel: Om ändringar av leverantörers bankuppgifter i ekonomisystemet inte "
                "loggas är det svårt att upptäcka och utreda fakturabedrägerier."
            ),
            "en": (
                "Example: If changes to suppliers' bank details in the finance system are not "
                "logged, invoice fraud is hard to detect and investigate."
            ),
        },
        "options": [
            {
                "level": 0,
                "text": {
                    "sv": "Informationen används inte för utbetalningar eller ekonomiska beslut.",
                    "en": "The information is not used for payments or financial decisions.",
                },
            },
            {
                "level": 1,
                "text": {
                    "sv": "Mindre felaktiga utbetalningar blir svårare att utreda.",
                    "en": "Minor incorrect payments become harder to investigate.",
                },
            },
            {
                "level": 2,
                "text": {
                    "sv": (
                        "Bedrägerier eller felaktiga utbetalningar kan inte utredas och pengarna "
                        "kan inte krävas tillbaka."
                    ),
                    "en": (
                        "Fraud or incorrect payments cannot be investigated and the money cannot "
                        "be recovered."
                    ),
                },
            },
            {
                "level": 3,
                "text": {
                    "sv": (
                        "Stora förluster kan inte utredas och organisationen kan inte visa att "
                        "pengarna har hanterats korrekt."
                    ),
                    "en": (
                        "Large losses cannot be investigated and the organisation cannot show "
                        "that the money has been handled correctly."
                    ),
                },
            },
        ],
    },
]
