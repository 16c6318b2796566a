"""The default requirements catalogue.

Each requirement applies to one aspect from a minimum level upwards, or (with ``trigger``) to
information that contains personal data, special categories of personal data or data covered by
secrecy. It is worded twice:

- ``is`` (ÄR-krav): the organisation's own measure, written in the present tense as it appears
  in an action plan once it is in place;
- ``shall`` (SKA-krav): the same protection as a procurement requirement addressed to a supplier.

Codes: ``<aspect>-<level>-<nn>`` for the general requirements; ``GDPR-nn`` for personal data,
``SEC-nn`` for special categories of personal data (sensitive data) and ``OSL-nn`` for data
covered by secrecy under the Public Access to Information and Secrecy Act (2009:400).
"""

from __future__ import annotations

from typing import TypedDict

from assessments.defaults.scheme import AspectCode, Text, Trigger

# "is" is a Python keyword, so this TypedDict needs the functional syntax.
Requirement = TypedDict(
    "Requirement",
    {
        "code": str,
        "aspect": AspectCode,
        "min_level": int,
        "trigger": Trigger | None,
        "title": Text,
        "is": Text,
        "shall": Text,
    },
)

REQUIREMENTS: list[Requirement] = [
    # --- K: Konfidentialitet / Confidentiality -------------------------------------------------
    {
        "code": "K-1-01",
        "aspect": "K",
        "min_level": 1,
        "trigger": None,
        "title": {"sv": "Behörighetsstyrning", "en": "Access control"},
        "is": {
            "sv": "Behörigheter tilldelas efter behov och följs upp minst årligen.",
            "en": "Access rights are granted by need and reviewed at least yearly.",
        },
        "shall": {
            "sv": (
                "Leverantören ska tillhandahålla rollbaserad behörighetsstyrning där kunden själv "
                "kan tilldela, ändra och ta bort behörigheter."
            ),
            "en": (
                "The supplier shall provide role-based access control through which the customer "
                "can grant, change and remove access rights."
            ),
        },
    },
    {
        "code": "K-1-02",
        "aspect": "K",
        "min_level": 1,
        "trigger": None,
        "title": {"sv": "Personliga konton", "en": "Personal accounts"},
        "is": {
            "sv": (
                "Varje användare loggar in med ett personligt konto och gemensamma konton används "
                "inte."
            ),
            "en": "Every user logs in with a personal account and shared accounts are not used.",
        },
        "shall": {
            "sv": (
                "Leverantören ska se till att varje användare har ett personligt konto och att "
                "lösenord lagras med en erkänd, saltad hashfunktion."
            ),
            "en": (
                "The supplier shall ensure that every user has a personal account and that "
                "passwords are stored using a recognised, salted hash function."
            ),
        },
    },
    {
        "code": "K-1-03",
        "aspect": "K",
        "min_level": 1,
        "trigger": None,
        "title": {"sv": "Kryptering vid överföring", "en": "Encryption in transit"},
        "is": {
            "sv": "Information som skickas över öppna nät är krypterad med TLS 1.2 eller senare.",
            "en": "Information sent over open networks is encrypted with TLS 1.2 or later.",
        },
        "shall": {
            "sv": (
                "Leverantören ska kryptera all överföring av kundens information över öppna nät "
                "med TLS 1.2 eller senare."
            ),
            "en": (
                "The supplier shall encrypt all transfer of the customer's information over open "
                "networks with TLS 1.2 or later."
            ),
        },
    },
    {
        "code": "K-1-04",
        "aspect": "K",
        "min_level": 1,
        "trigger": None,
        "title": {"sv": "Utbildning i informationssäkerhet", "en": "Information security training"},
        "is": {
            "sv": (
                "Medarbetare som hanterar informationen har fått grundläggande utbildning i "
                "informationssäkerhet."
            ),
            "en": (
                "Staff who handle the information have received basic training in information "
                "security."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska se till att all personal som kan komma åt kundens information "
                "har fått utbildning i informationssäkerhet."
            ),
            "en": (
                "The supplier shall ensure that all staff who can access the customer's "
                "information have been trained in information security."
            ),
        },
    },
    {
        "code": "K-2-01",
        "aspect": "K",
        "min_level": 2,
        "trigger": None,
        "title": {
            "sv": "Flerfaktorsautentisering vid distansåtkomst",
            "en": "Multi-factor authentication for remote access",
        },
        "is": {
            "sv": (
                "Åtkomst till informationen utanför organisationens nätverk kräver "
                "flerfaktorsautentisering."
            ),
            "en": (
                "Access to the information from outside the organisation's network requires "
                "multi-factor authentication."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska stödja flerfaktorsautentisering, till exempel genom kundens "
                "identitetslösning via SAML eller OpenID Connect."
            ),
            "en": (
                "The supplier shall support multi-factor authentication, for example through the "
                "customer's identity provider using SAML or OpenID Connect."
            ),
        },
    },
    {
        "code": "K-2-02",
        "aspect": "K",
        "min_level": 2,
        "trigger": None,
        "title": {"sv": "Kryptering av lagrad information", "en": "Encryption at rest"},
        "is": {
            "sv": (
                "Informationen är krypterad när den lagras, även på bärbara enheter, flyttbara "
                "lagringsmedier och i säkerhetskopior."
            ),
            "en": (
                "The information is encrypted when stored, including on portable devices, "
                "removable media and in backups."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska kryptera lagrad information, även säkerhetskopior, med erkända "
                "algoritmer."
            ),
            "en": (
                "The supplier shall encrypt stored information, including backups, with "
                "recognised algorithms."
            ),
        },
    },
    {
        "code": "K-2-03",
        "aspect": "K",
        "min_level": 2,
        "trigger": None,
        "title": {
            "sv": "Lagring inom EU/EES och kända underleverantörer",
            "en": "Storage within the EU/EEA and known subcontractors",
        },
        "is": {
            "sv": (
                "Informationen lagras och behandlas inom EU/EES. Undantag kräver en dokumenterad "
                "bedömning."
            ),
            "en": (
                "The information is stored and processed within the EU/EEA. Exceptions require a "
                "documented assessment."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska lagra och behandla kundens information inom EU/EES och i förväg "
                "informera kunden om alla underleverantörer som kan komma åt den."
            ),
            "en": (
                "The supplier shall store and process the customer's information within the "
                "EU/EEA and inform the customer in advance of every subcontractor that can access "
                "it."
            ),
        },
    },
    {
        "code": "K-3-01",
        "aspect": "K",
        "min_level": 3,
        "trigger": None,
        "title": {
            "sv": "Flerfaktorsautentisering för all åtkomst",
            "en": "Multi-factor authentication for all access",
        },
        "is": {
            "sv": (
                "All åtkomst till informationen kräver flerfaktorsautentisering, även inifrån "
                "organisationens nätverk."
            ),
            "en": (
                "All access to the information requires multi-factor authentication, also from "
                "inside the organisation's network."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska kräva flerfaktorsautentisering för alla användare, även "
                "leverantörens egna administratörer."
            ),
            "en": (
                "The supplier shall require multi-factor authentication for all users, including "
                "the supplier's own administrators."
            ),
        },
    },
    {
        "code": "K-3-02",
        "aspect": "K",
        "min_level": 3,
        "trigger": None,
        "title": {"sv": "Egen nyckelhantering", "en": "Customer-managed keys"},
        "is": {
            "sv": (
                "Organisationen förvaltar själv krypteringsnycklarna och förvarar dem åtskilda "
                "från den krypterade informationen."
            ),
            "en": (
                "The organisation manages the encryption keys itself and keeps them separate from "
                "the encrypted information."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska erbjuda kryptering där kunden ensam förvaltar "
                "krypteringsnycklarna."
            ),
            "en": (
                "The supplier shall offer encryption in which the customer alone manages the "
                "encryption keys."
            ),
        },
    },
    {
        "code": "K-3-03",
        "aspect": "K",
        "min_level": 3,
        "trigger": None,
        "title": {
            "sv": "Skydd mot utlämnande enligt lag utanför EU/EES",
            "en": "Protection against disclosure under non-EU/EEA law",
        },
        "is": {
            "sv": (
                "Organisationen har bedömt att ingen leverantör eller underleverantör kan tvingas "
                "lämna ut informationen enligt lagstiftning i ett land utanför EU/EES."
            ),
            "en": (
                "The organisation has assessed that no supplier or subcontractor can be compelled "
                "to disclose the information under the law of a country outside the EU/EEA."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska visa att varken leverantören eller dess underleverantörer kan "
                "tvingas lämna ut kundens information till myndigheter i länder utanför EU/EES."
            ),
            "en": (
                "The supplier shall demonstrate that neither the supplier nor its subcontractors "
                "can be compelled to disclose the customer's information to authorities in "
                "countries outside the EU/EEA."
            ),
        },
    },
    {
        "code": "K-3-04",
        "aspect": "K",
        "min_level": 3,
        "trigger": None,
        "title": {"sv": "Avgränsade miljöer", "en": "Segregated environments"},
        "is": {
            "sv": "System som behandlar informationen finns i ett eget, avgränsat nätverkssegment.",
            "en": (
                "Systems that process the information are placed in a separate, restricted "
                "network segment."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska hålla kundens miljö åtskild från andra kunders miljöer och "
                "redovisa hur åtskillnaden är gjord."
            ),
            "en": (
                "The supplier shall keep the customer's environment separate from other "
                "customers' environments and describe how the separation is achieved."
            ),
        },
    },
    {
        "code": "K-4-01",
        "aspect": "K",
        "min_level": 4,
        "trigger": None,
        "title": {
            "sv": "Säkerhetsskyddsanalys och säkerhetsskyddsavtal",
            "en": "Protective security assessment and agreement",
        },
        "is": {
            "sv": (
                "En säkerhetsskyddsanalys är gjord och informationen hanteras enligt "
                "säkerhetsskyddslagen (2018:585) tillsammans med säkerhetsskyddschefen."
            ),
            "en": (
                "A protective security assessment has been made and the information is handled "
                "under the Protective Security Act (2018:585) together with the protective "
                "security officer."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska teckna ett säkerhetsskyddsavtal med kunden innan leverantören "
                "får ta del av informationen."
            ),
            "en": (
                "The supplier shall sign a protective security agreement with the customer before "
                "the supplier is given access to the information."
            ),
        },
    },
    {
        "code": "K-4-02",
        "aspect": "K",
        "min_level": 4,
        "trigger": None,
        "title": {"sv": "Säkerhetsprövad personal", "en": "Security-vetted staff"},
        "is": {
            "sv": (
                "Endast personal som är säkerhetsprövad och placerad i säkerhetsklass har åtkomst "
                "till informationen."
            ),
            "en": (
                "Only staff who have been security vetted and given a security clearance level "
                "have access to the information."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska se till att all personal som kan komma åt informationen är "
                "säkerhetsprövad och placerad i säkerhetsklass."
            ),
            "en": (
                "The supplier shall ensure that all staff who can access the information have "
                "been security vetted and given a security clearance level."
            ),
        },
    },
    {
        "code": "K-4-03",
        "aspect": "K",
        "min_level": 4,
        "trigger": None,
        "title": {"sv": "Godkända och isolerade system", "en": "Approved and isolated systems"},
        "is": {
            "sv": (
                "Informationen behandlas endast i system som är godkända för "
                "säkerhetsskyddsklassificerade uppgifter och som är åtskilda från internet."
            ),
            "en": (
                "The information is processed only in systems that are approved for classified "
                "information and separated from the internet."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska behandla informationen endast i system som kunden har godkänt "
                "för säkerhetsskyddsklassificerade uppgifter och som saknar anslutning till "
                "internet."
            ),
            "en": (
                "The supplier shall process the information only in systems that the customer has "
                "approved for classified information and that have no connection to the internet."
            ),
        },
    },
    # --- R: Riktighet / Integrity ----------------------------------------------------------------
    {
        "code": "R-1-01",
        "aspect": "R",
        "min_level": 1,
        "trigger": None,
        "title": {"sv": "Kontroll av inmatade uppgifter", "en": "Input validation"},
        "is": {
            "sv": (
                "Systemet kontrollerar att inmatade uppgifter har rätt format och rimliga värden."
            ),
            "en": "The system checks that entered data has the right format and reasonable values.",
        },
        "shall": {
            "sv": (
                "Leverantören ska se till att systemet kontrollerar inmatade uppgifter mot format "
                "och tillåtna värden och avvisar felaktiga uppgifter."
            ),
            "en": (
                "The supplier shall ensure that the system checks entered data against formats "
                "and permitted values and rejects invalid data."
            ),
        },
    },
    {
        "code": "R-1-02",
        "aspect": "R",
        "min_level": 1,
        "trigger": None,
        "title": {"sv": "Ändringshantering", "en": "Change management"},
        "is": {
            "sv": (
                "Ändringar i system och inställningar planeras, testas och godkänns innan de "
                "införs."
            ),
            "en": (
                "Changes to systems and settings are planned, tested and approved before they are "
                "introduced."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska informera kunden om planerade ändringar minst 14 dagar i förväg "
                "och testa dem innan de införs i produktion."
            ),
            "en": (
                "The supplier shall inform the customer of planned changes at least 14 days in "
                "advance and test them before they are put into production."
            ),
        },
    },
    {
        "code": "R-1-03",
        "aspect": "R",
        "min_level": 1,
        "trigger": None,
        "title": {
            "sv": "Säkerhetsuppdateringar och skydd mot skadlig kod",
            "en": "Security updates and malware protection",
        },
        "is": {
            "sv": (
                "Datorer och servrar har skydd mot skadlig kod och säkerhetsuppdateringar "
                "installeras regelbundet."
            ),
            "en": (
                "Computers and servers are protected against malware and security updates are "
                "installed regularly."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska installera säkerhetsuppdateringar inom dokumenterade "
                "tidsgränser och skydda systemet mot skadlig kod."
            ),
            "en": (
                "The supplier shall install security updates within documented time limits and "
                "protect the system against malware."
            ),
        },
    },
    {
        "code": "R-2-01",
        "aspect": "R",
        "min_level": 2,
        "trigger": None,
        "title": {"sv": "Kontroll vid överföring", "en": "Integrity checks on transfer"},
        "is": {
            "sv": (
                "Vid överföring mellan system kontrolleras att informationen är fullständig och "
                "oförändrad, till exempel med kontrollsummor."
            ),
            "en": (
                "When information is transferred between systems, it is checked to be complete "
                "and unchanged, for example with checksums."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska se till att integrationer kontrollerar att överförd information "
                "är fullständig och oförändrad och larmar vid avvikelser."
            ),
            "en": (
                "The supplier shall ensure that integrations check that transferred information "
                "is complete and unchanged and raise an alert on deviations."
            ),
        },
    },
    {
        "code": "R-2-02",
        "aspect": "R",
        "min_level": 2,
        "trigger": None,
        "title": {
            "sv": "Åtskilda test- och produktionsmiljöer",
            "en": "Separate test and production environments",
        },
        "is": {
            "sv": "Test och utveckling görs i miljöer som är åtskilda från produktionsmiljön.",
            "en": (
                "Testing and development take place in environments that are separate from "
                "production."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska hålla test- och utvecklingsmiljöer åtskilda från "
                "produktionsmiljön och inte använda verklig information vid test utan kundens "
                "godkännande."
            ),
            "en": (
                "The supplier shall keep test and development environments separate from "
                "production and not use real information for testing without the customer's "
                "approval."
            ),
        },
    },
    {
        "code": "R-2-03",
        "aspect": "R",
        "min_level": 2,
        "trigger": None,
        "title": {"sv": "Versionshantering", "en": "Version history"},
        "is": {
            "sv": (
                "Tidigare versioner av dokument och uppgifter sparas så att ändringar kan följas "
                "och ångras."
            ),
            "en": (
                "Earlier versions of documents and data are kept so that changes can be followed "
                "and undone."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska se till att systemet sparar tidigare versioner så att felaktiga "
                "ändringar kan återställas."
            ),
            "en": (
                "The supplier shall ensure that the system keeps earlier versions so that "
                "incorrect changes can be reverted."
            ),
        },
    },
    {
        "code": "R-3-01",
        "aspect": "R",
        "min_level": 3,
        "trigger": None,
        "title": {"sv": "Fyraögonsprincip", "en": "Four-eyes principle"},
        "is": {
            "sv": (
                "Kritiska ändringar, till exempel av uppgifter för utbetalningar, kräver "
                "godkännande av två personer."
            ),
            "en": (
                "Critical changes, for example to payment details, require approval by two people."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska stödja att kritiska ändringar kräver godkännande av ytterligare "
                "en behörig användare."
            ),
            "en": (
                "The supplier shall support requiring approval by a second authorised user for "
                "critical changes."
            ),
        },
    },
    {
        "code": "R-3-02",
        "aspect": "R",
        "min_level": 3,
        "trigger": None,
        "title": {"sv": "Elektroniska underskrifter", "en": "Electronic signatures"},
        "is": {
            "sv": (
                "Beslut och andra viktiga handlingar skyddas med elektronisk underskrift eller "
                "stämpel så att ändringar upptäcks."
            ),
            "en": (
                "Decisions and other important documents are protected with an electronic "
                "signature or seal so that changes are detected."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska stödja avancerade elektroniska underskrifter enligt "
                "eIDAS-förordningen för beslut och andra viktiga handlingar."
            ),
            "en": (
                "The supplier shall support advanced electronic signatures under the eIDAS "
                "Regulation for decisions and other important documents."
            ),
        },
    },
    {
        "code": "R-3-03",
        "aspect": "R",
        "min_level": 3,
        "trigger": None,
        "title": {"sv": "Regelbunden avstämning", "en": "Regular reconciliation"},
        "is": {
            "sv": (
                "Informationen stäms regelbundet av mot källsystem eller andra oberoende "
                "uppgifter för att upptäcka fel."
            ),
            "en": (
                "The information is regularly reconciled against source systems or other "
                "independent data to detect errors."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska tillhandahålla funktioner för automatisk avstämning mot "
                "anslutna källsystem och rapportera avvikelser till kunden."
            ),
            "en": (
                "The supplier shall provide functions for automatic reconciliation against "
                "connected source systems and report deviations to the customer."
            ),
        },
    },
    {
        "code": "R-3-04",
        "aspect": "R",
        "min_level": 3,
        "trigger": None,
        "title": {"sv": "Säkerhetstester", "en": "Security testing"},
        "is": {
            "sv": (
                "System som hanterar informationen säkerhetstestas minst årligen och vid större "
                "förändringar."
            ),
            "en": (
                "Systems that handle the information are security tested at least yearly and "
                "after major changes."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska låta genomföra säkerhetstester, även penetrationstester, minst "
                "årligen och redovisa resultatet för kunden."
            ),
            "en": (
                "The supplier shall have security tests, including penetration tests, carried out "
                "at least yearly and report the results to the customer."
            ),
        },
    },
    {
        "code": "R-4-01",
        "aspect": "R",
        "min_level": 4,
        "trigger": None,
        "title": {"sv": "Skydd mot ändring", "en": "Tamper-proof storage"},
        "is": {
            "sv": (
                "Informationen lagras med skydd mot ändring, så att inte heller administratörer "
                "kan ändra den utan att det upptäcks."
            ),
            "en": (
                "The information is stored with protection against change, so that not even "
                "administrators can change it without detection."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska lagra informationen så att ändringar är tekniskt omöjliga eller "
                "alltid upptäcks, även om de görs av leverantörens administratörer."
            ),
            "en": (
                "The supplier shall store the information so that changes are technically "
                "impossible or always detected, even if they are made by the supplier's "
                "administrators."
            ),
        },
    },
    {
        "code": "R-4-02",
        "aspect": "R",
        "min_level": 4,
        "trigger": None,
        "title": {"sv": "Oberoende granskning", "en": "Independent review"},
        "is": {
            "sv": (
                "En oberoende funktion kontrollerar informationens riktighet enligt en fastställd "
                "plan."
            ),
            "en": (
                "An independent function checks the integrity of the information according to an "
                "adopted plan."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska låta en oberoende tredje part granska hur systemet skyddar "
                "informationens riktighet minst årligen och redovisa resultatet för kunden."
            ),
            "en": (
                "The supplier shall have an independent third party review how the system "
                "protects the integrity of the information at least yearly and report the results "
                "to the customer."
            ),
        },
    },
    {
        "code": "R-4-03",
        "aspect": "R",
        "min_level": 4,
        "trigger": None,
        "title": {
            "sv": "Skyddad kedja från källa till mottagare",
            "en": "Protected chain from source to recipient",
        },
        "is": {
            "sv": (
                "Informationens ursprung och varje bearbetningssteg verifieras kryptografiskt "
                "från källa till mottagare."
            ),
            "en": (
                "The origin of the information and every processing step are verified "
                "cryptographically from source to recipient."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska skydda informationen med kryptografiska kontroller, till "
                "exempel signaturer, från källa till mottagare så att varje obehörig ändring "
                "upptäcks och stoppas."
            ),
            "en": (
                "The supplier shall protect the information with cryptographic controls, for "
                "example signatures, from source to recipient so that every unauthorised change "
                "is detected and stopped."
            ),
        },
    },
    # --- T: Tillgänglighet / Availability --------------------------------------------------------
    {
        "code": "T-1-01",
        "aspect": "T",
        "min_level": 1,
        "trigger": None,
        "title": {"sv": "Säkerhetskopiering", "en": "Backups"},
        "is": {
            "sv": (
                "Informationen säkerhetskopieras regelbundet och kopiorna förvaras åtskilda från "
                "originalet."
            ),
            "en": (
                "The information is backed up regularly and the copies are kept separate from the "
                "original."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska säkerhetskopiera kundens information minst dagligen och förvara "
                "kopiorna åtskilda från produktionsmiljön."
            ),
            "en": (
                "The supplier shall back up the customer's information at least daily and keep "
                "the copies separate from the production environment."
            ),
        },
    },
    {
        "code": "T-1-02",
        "aspect": "T",
        "min_level": 1,
        "trigger": None,
        "title": {
            "sv": "Ansvar och support vid driftstörning",
            "en": "Responsibility and support for outages",
        },
        "is": {
            "sv": (
                "Det finns en utsedd ansvarig och en känd kontaktväg för att anmäla "
                "driftstörningar."
            ),
            "en": (
                "There is a designated person in charge and a known channel for reporting outages."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska ge support på svenska minst under kontorstid och informera "
                "kunden om driftstörningar utan dröjsmål."
            ),
            "en": (
                "The supplier shall provide support in Swedish at least during office hours and "
                "inform the customer of outages without delay."
            ),
        },
    },
    {
        "code": "T-1-03",
        "aspect": "T",
        "min_level": 1,
        "trigger": None,
        "title": {"sv": "Incidenthantering", "en": "Incident management"},
        "is": {
            "sv": (
                "Incidenter som påverkar informationen rapporteras och hanteras enligt "
                "organisationens rutin för incidenthantering."
            ),
            "en": (
                "Incidents that affect the information are reported and handled according to the "
                "organisation's incident management routine."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska rapportera säkerhetsincidenter som berör kundens information "
                "till kunden utan onödigt dröjsmål och senast inom 24 timmar."
            ),
            "en": (
                "The supplier shall report security incidents affecting the customer's "
                "information to the customer without undue delay and within 24 hours at the "
                "latest."
            ),
        },
    },
    {
        "code": "T-2-01",
        "aspect": "T",
        "min_level": 2,
        "trigger": None,
        "title": {"sv": "Test av återläsning", "en": "Restore tests"},
        "is": {
            "sv": "Återläsning från säkerhetskopior testas minst årligen.",
            "en": "Restoring from backups is tested at least yearly.",
        },
        "shall": {
            "sv": (
                "Leverantören ska testa återläsning från säkerhetskopior minst årligen och "
                "redovisa resultatet för kunden."
            ),
            "en": (
                "The supplier shall test restoring from backups at least yearly and report the "
                "results to the customer."
            ),
        },
    },
    {
        "code": "T-2-02",
        "aspect": "T",
        "min_level": 2,
        "trigger": None,
        "title": {"sv": "Kontinuitetsplan", "en": "Continuity plan"},
        "is": {
            "sv": (
                "Det finns en kontinuitetsplan med reservrutiner för hur verksamheten fortsätter "
                "när informationen inte är tillgänglig."
            ),
            "en": (
                "There is a continuity plan with fallback routines for how work continues when "
                "the information is not available."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska ha en dokumenterad kontinuitetsplan för tjänsten och visa den "
                "för kunden på begäran."
            ),
            "en": (
                "The supplier shall have a documented continuity plan for the service and show it "
                "to the customer on request."
            ),
        },
    },
    {
        "code": "T-2-03",
        "aspect": "T",
        "min_level": 2,
        "trigger": None,
        "title": {"sv": "Avtalad tillgänglighet", "en": "Agreed availability"},
        "is": {
            "sv": (
                "Krav på tillgänglighet och längsta tid för återställning är fastställda och "
                "följs upp."
            ),
            "en": (
                "Requirements for availability and maximum restoration time are set and followed "
                "up."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska garantera en tillgänglighet på minst 99,5 procent per månad och "
                "redovisa utfallet för kunden varje månad."
            ),
            "en": (
                "The supplier shall guarantee an availability of at least 99.5 percent per month "
                "and report the outcome to the customer every month."
            ),
        },
    },
    {
        "code": "T-2-04",
        "aspect": "T",
        "min_level": 2,
        "trigger": None,
        "title": {"sv": "Export av information", "en": "Data export"},
        "is": {
            "sv": (
                "Informationen kan exporteras i ett öppet format så att organisationen kan byta "
                "system eller leverantör."
            ),
            "en": (
                "The information can be exported in an open format so that the organisation can "
                "change system or supplier."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska när som helst kunna lämna ut kundens information i ett öppet, "
                "dokumenterat format utan extra kostnad."
            ),
            "en": (
                "The supplier shall at any time be able to hand over the customer's information "
                "in an open, documented format at no extra cost."
            ),
        },
    },
    {
        "code": "T-3-01",
        "aspect": "T",
        "min_level": 3,
        "trigger": None,
        "title": {"sv": "Redundans", "en": "Redundancy"},
        "is": {
            "sv": (
                "System som behandlar informationen har redundans så att ett enskilt fel inte "
                "orsakar avbrott."
            ),
            "en": (
                "Systems that process the information are redundant, so that a single fault does "
                "not cause an outage."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska driva tjänsten i minst två geografiskt åtskilda datahallar inom "
                "EU/EES med automatisk omkoppling vid fel."
            ),
            "en": (
                "The supplier shall run the service in at least two geographically separate data "
                "centres within the EU/EEA with automatic failover."
            ),
        },
    },
    {
        "code": "T-3-02",
        "aspect": "T",
        "min_level": 3,
        "trigger": None,
        "title": {"sv": "Övning av kontinuitetsplan", "en": "Continuity exercises"},
        "is": {
            "sv": "Kontinuitetsplanen och reservrutinerna övas minst årligen.",
            "en": "The continuity plan and fallback routines are exercised at least yearly.",
        },
        "shall": {
            "sv": "Leverantören ska delta i kundens kontinuitetsövningar minst en gång per år.",
            "en": (
                "The supplier shall take part in the customer's continuity exercises at least "
                "once a year."
            ),
        },
    },
    {
        "code": "T-3-03",
        "aspect": "T",
        "min_level": 3,
        "trigger": None,
        "title": {
            "sv": "Skydd mot överbelastning och strömavbrott",
            "en": "Protection against overload and power failure",
        },
        "is": {
            "sv": "Tjänsten är skyddad mot överbelastningsattacker och har reservkraft.",
            "en": (
                "The service is protected against denial-of-service attacks and has backup power."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska skydda tjänsten mot överbelastningsattacker och ha avbrottsfri "
                "kraft och reservkraft i sina datahallar."
            ),
            "en": (
                "The supplier shall protect the service against denial-of-service attacks and "
                "have uninterruptible and backup power in its data centres."
            ),
        },
    },
    {
        "code": "T-3-04",
        "aspect": "T",
        "min_level": 3,
        "trigger": None,
        "title": {"sv": "Skyddade säkerhetskopior", "en": "Protected backups"},
        "is": {
            "sv": (
                "Minst en säkerhetskopia förvaras så att den inte kan ändras eller raderas via "
                "nätverket, till exempel vid ett angrepp med utpressningsprogram."
            ),
            "en": (
                "At least one backup is kept so that it cannot be changed or deleted over the "
                "network, for example in a ransomware attack."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska förvara minst en säkerhetskopia oföränderlig eller frånkopplad "
                "så att den inte kan krypteras eller raderas vid ett angrepp."
            ),
            "en": (
                "The supplier shall keep at least one backup immutable or offline so that it "
                "cannot be encrypted or deleted in an attack."
            ),
        },
    },
    {
        "code": "T-4-01",
        "aspect": "T",
        "min_level": 4,
        "trigger": None,
        "title": {"sv": "Beredskap dygnet runt", "en": "Round-the-clock readiness"},
        "is": {
            "sv": (
                "Det finns beredskap dygnet runt för att åtgärda avbrott och tjänsten återställs "
                "inom en timme."
            ),
            "en": (
                "There is round-the-clock readiness to deal with outages and the service is "
                "restored within one hour."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska ha teknisk beredskap dygnet runt, årets alla dagar, och "
                "återställa tjänsten inom en timme."
            ),
            "en": (
                "The supplier shall have technical staff on call around the clock, every day of "
                "the year, and restore the service within one hour."
            ),
        },
    },
    {
        "code": "T-4-02",
        "aspect": "T",
        "min_level": 4,
        "trigger": None,
        "title": {"sv": "Oberoende reservsystem", "en": "Independent fallback system"},
        "is": {
            "sv": (
                "Det finns ett oberoende reservsystem eller en manuell reservrutin som kan ta "
                "över direkt om det ordinarie systemet slutar fungera."
            ),
            "en": (
                "There is an independent fallback system or a manual fallback routine that can "
                "take over immediately if the regular system stops working."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska tillhandahålla ett reservsystem som är tekniskt oberoende av "
                "det ordinarie systemet och kan tas i bruk omedelbart."
            ),
            "en": (
                "The supplier shall provide a fallback system that is technically independent of "
                "the regular system and can be put into use immediately."
            ),
        },
    },
    {
        "code": "T-4-03",
        "aspect": "T",
        "min_level": 4,
        "trigger": None,
        "title": {
            "sv": "Drift under kris och höjd beredskap",
            "en": "Operation during crises and heightened alert",
        },
        "is": {
            "sv": (
                "Informationens tillgänglighet ingår i kommunens planering för krisberedskap och "
                "civilt försvar, även för drift under höjd beredskap."
            ),
            "en": (
                "The availability of the information is part of the municipality's planning for "
                "crisis preparedness and civil defence, including operation during heightened "
                "alert."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska kunna leverera tjänsten även under kris och höjd beredskap och "
                "redovisa hur leveransen säkras vid störningar i el, tele och transporter."
            ),
            "en": (
                "The supplier shall be able to deliver the service also during crises and "
                "heightened alert and describe how delivery is secured during disruptions to "
                "power, telecommunications and transport."
            ),
        },
    },
    # --- S: Spårbarhet / Traceability ------------------------------------------------------------
    {
        "code": "S-1-01",
        "aspect": "S",
        "min_level": 1,
        "trigger": None,
        "title": {"sv": "Loggning av ändringar", "en": "Logging of changes"},
        "is": {
            "sv": (
                "Systemet loggar vem som har skapat, ändrat eller tagit bort uppgifter och när "
                "det skedde."
            ),
            "en": "The system logs who created, changed or deleted data and when.",
        },
        "shall": {
            "sv": (
                "Leverantören ska se till att systemet loggar alla ändringar med användare, "
                "tidpunkt och vilken uppgift som ändrades."
            ),
            "en": (
                "The supplier shall ensure that the system logs every change with the user, the "
                "time and the data that was changed."
            ),
        },
    },
    {
        "code": "S-2-01",
        "aspect": "S",
        "min_level": 2,
        "trigger": None,
        "title": {
            "sv": "Loggning och uppföljning av läsning",
            "en": "Logging and review of read access",
        },
        "is": {
            "sv": "Även läsning av informationen loggas och loggarna följs upp regelbundet.",
            "en": (
                "Read access to the information is also logged and the logs are reviewed regularly."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska logga läsåtkomst och ge kunden verktyg för att söka i och följa "
                "upp loggarna."
            ),
            "en": (
                "The supplier shall log read access and give the customer tools to search and "
                "review the logs."
            ),
        },
    },
    {
        "code": "S-2-02",
        "aspect": "S",
        "min_level": 2,
        "trigger": None,
        "title": {
            "sv": "Skyddade och tidsstämplade loggar",
            "en": "Protected and timestamped logs",
        },
        "is": {
            "sv": "Loggar skyddas mot ändring och radering och tidsstämplas med synkroniserad tid.",
            "en": (
                "Logs are protected against change and deletion and timestamped with synchronised "
                "time."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska skydda loggar mot ändring och radering och tidsstämpla dem med "
                "tid som är synkroniserad mot en tillförlitlig tidskälla."
            ),
            "en": (
                "The supplier shall protect logs against change and deletion and timestamp them "
                "with time synchronised to a reliable time source."
            ),
        },
    },
    {
        "code": "S-3-01",
        "aspect": "S",
        "min_level": 3,
        "trigger": None,
        "title": {"sv": "Central logganalys", "en": "Central log analysis"},
        "is": {
            "sv": (
                "Loggar samlas centralt och analyseras automatiskt för att upptäcka misstänkt "
                "missbruk."
            ),
            "en": (
                "Logs are collected centrally and analysed automatically to detect suspected "
                "misuse."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska kunna skicka loggar i ett standardformat till kundens centrala "
                "loggsystem i nära realtid."
            ),
            "en": (
                "The supplier shall be able to send logs in a standard format to the customer's "
                "central log system in near real time."
            ),
        },
    },
    # --- Personuppgifter / Personal data (GDPR) --------------------------------------------------
    {
        "code": "GDPR-01",
        "aspect": "K",
        "min_level": 1,
        "trigger": "personal_data",
        "title": {
            "sv": "Rättslig grund och registerförteckning",
            "en": "Legal basis and record of processing",
        },
        "is": {
            "sv": (
                "Ändamål och rättslig grund för behandlingen av personuppgifter är dokumenterade "
                "och behandlingen finns med i registret över behandlingar enligt artikel 30 i "
                "dataskyddsförordningen."
            ),
            "en": (
                "The purpose and legal basis for processing personal data are documented and the "
                "processing is included in the record of processing activities under Article 30 "
                "of the GDPR."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska föra ett register över de behandlingar som görs för kundens "
                "räkning enligt artikel 30.2 i dataskyddsförordningen och visa det för kunden på "
                "begäran."
            ),
            "en": (
                "The supplier shall keep a record of the processing carried out on the customer's "
                "behalf under Article 30(2) of the GDPR and show it to the customer on request."
            ),
        },
    },
    {
        "code": "GDPR-02",
        "aspect": "K",
        "min_level": 1,
        "trigger": "personal_data",
        "title": {"sv": "Personuppgiftsbiträdesavtal", "en": "Data processing agreement"},
        "is": {
            "sv": (
                "Det finns ett personuppgiftsbiträdesavtal enligt artikel 28 i "
                "dataskyddsförordningen med varje leverantör som behandlar personuppgifterna."
            ),
            "en": (
                "There is a data processing agreement under Article 28 of the GDPR with every "
                "supplier that processes the personal data."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska teckna ett personuppgiftsbiträdesavtal enligt artikel 28 i "
                "dataskyddsförordningen och endast behandla personuppgifterna enligt kundens "
                "dokumenterade instruktioner."
            ),
            "en": (
                "The supplier shall sign a data processing agreement under Article 28 of the GDPR "
                "and process the personal data only on the customer's documented instructions."
            ),
        },
    },
    {
        "code": "GDPR-03",
        "aspect": "K",
        "min_level": 1,
        "trigger": "personal_data",
        "title": {"sv": "De registrerades rättigheter", "en": "Data subjects' rights"},
        "is": {
            "sv": (
                "Det finns rutiner för att inom en månad hantera begäran om registerutdrag, "
                "rättelse, radering, begränsning och invändningar."
            ),
            "en": (
                "There are routines for handling requests for access, rectification, erasure, "
                "restriction and objection within one month."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska tillhandahålla funktioner som gör det möjligt för kunden att ta "
                "fram registerutdrag samt rätta, begränsa och radera personuppgifter om en "
                "enskild."
            ),
            "en": (
                "The supplier shall provide functions that enable the customer to produce a copy "
                "of an individual's personal data and to rectify, restrict and erase it."
            ),
        },
    },
    {
        "code": "GDPR-04",
        "aspect": "K",
        "min_level": 1,
        "trigger": "personal_data",
        "title": {"sv": "Gallring och radering", "en": "Disposal and erasure"},
        "is": {
            "sv": (
                "Personuppgifter gallras enligt beslutad informationshanteringsplan och sparas "
                "inte längre än nödvändigt."
            ),
            "en": (
                "Personal data is disposed of according to the adopted records management plan "
                "and is not kept longer than necessary."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska tillhandahålla funktioner för gallring enligt kundens beslut "
                "och radera eller återlämna personuppgifterna när avtalet upphör."
            ),
            "en": (
                "The supplier shall provide functions for disposal according to the customer's "
                "decisions and erase or return the personal data when the agreement ends."
            ),
        },
    },
    {
        "code": "GDPR-05",
        "aspect": "S",
        "min_level": 1,
        "trigger": "personal_data",
        "title": {
            "sv": "Utredning av personuppgiftsincidenter",
            "en": "Investigation of personal data breaches",
        },
        "is": {
            "sv": (
                "Åtkomst till personuppgifter loggas så att personuppgiftsincidenter kan utredas "
                "och vid behov anmälas till Integritetsskyddsmyndigheten inom 72 timmar."
            ),
            "en": (
                "Access to personal data is logged so that personal data breaches can be "
                "investigated and, where required, reported to the Swedish Authority for Privacy "
                "Protection within 72 hours."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska underrätta kunden om en personuppgiftsincident utan onödigt "
                "dröjsmål och lämna de loggar och uppgifter som kunden behöver för att anmäla "
                "incidenten inom 72 timmar."
            ),
            "en": (
                "The supplier shall notify the customer of a personal data breach without undue "
                "delay and provide the logs and details the customer needs to report the breach "
                "within 72 hours."
            ),
        },
    },
    # --- Känsliga personuppgifter / Special categories of personal data -------------------------
    {
        "code": "SEC-01",
        "aspect": "K",
        "min_level": 1,
        "trigger": "special_categories",
        "title": {
            "sv": "Konsekvensbedömning avseende dataskydd",
            "en": "Data protection impact assessment",
        },
        "is": {
            "sv": (
                "En konsekvensbedömning avseende dataskydd enligt artikel 35 i "
                "dataskyddsförordningen är gjord innan behandlingen påbörjas och uppdateras vid "
                "större förändringar."
            ),
            "en": (
                "A data protection impact assessment under Article 35 of the GDPR is carried out "
                "before processing starts and updated after major changes."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska bistå kunden med den information som behövs för en "
                "konsekvensbedömning avseende dataskydd enligt artikel 35 i "
                "dataskyddsförordningen."
            ),
            "en": (
                "The supplier shall assist the customer with the information needed for a data "
                "protection impact assessment under Article 35 of the GDPR."
            ),
        },
    },
    {
        "code": "SEC-02",
        "aspect": "K",
        "min_level": 1,
        "trigger": "special_categories",
        "title": {
            "sv": "Förstärkt behörighetsstyrning för känsliga uppgifter",
            "en": "Stronger access control for sensitive data",
        },
        "is": {
            "sv": (
                "Åtkomst till känsliga personuppgifter är begränsad till dem som behöver "
                "uppgifterna i sitt arbete, till exempel genom att behörigheten följer ärendet "
                "eller vårdrelationen."
            ),
            "en": (
                "Access to sensitive personal data is limited to those who need the data in their "
                "work, for example by tying access rights to the case or the care relationship."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska stödja behörighetsstyrning på enhets-, ärende- och individnivå "
                "för känsliga personuppgifter."
            ),
            "en": (
                "The supplier shall support access control at unit, case and individual level for "
                "sensitive personal data."
            ),
        },
    },
    {
        "code": "SEC-03",
        "aspect": "S",
        "min_level": 1,
        "trigger": "special_categories",
        "title": {
            "sv": "Loggning och kontroll av åtkomst till känsliga uppgifter",
            "en": "Logging and review of access to sensitive data",
        },
        "is": {
            "sv": (
                "All åtkomst till känsliga personuppgifter loggas och loggarna kontrolleras "
                "systematiskt och återkommande, till exempel genom stickprov."
            ),
            "en": (
                "All access to sensitive personal data is logged and the logs are checked "
                "systematically and repeatedly, for example through spot checks."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska logga all läsning av känsliga personuppgifter och kunna ta fram "
                "loggutdrag som kunden kan lämna till den enskilde på begäran."
            ),
            "en": (
                "The supplier shall log all reading of sensitive personal data and be able to "
                "produce log extracts that the customer can give to the individual on request."
            ),
        },
    },
    # --- Sekretess / Secrecy (OSL) ---------------------------------------------------------------
    {
        "code": "OSL-01",
        "aspect": "K",
        "min_level": 1,
        "trigger": "secrecy",
        "title": {
            "sv": "Sekretessprövning före utlämnande",
            "en": "Secrecy assessment before disclosure",
        },
        "is": {
            "sv": (
                "Innan en allmän handling lämnas ut gör en behörig handläggare en "
                "sekretessprövning enligt offentlighets- och sekretesslagen (2009:400)."
            ),
            "en": (
                "Before an official document is disclosed, an authorised case officer assesses "
                "secrecy under the Public Access to Information and Secrecy Act (2009:400)."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska inte lämna ut kundens information till någon annan än kunden "
                "och ska hänvisa varje begäran om att få ta del av allmänna handlingar till "
                "kunden."
            ),
            "en": (
                "The supplier shall not disclose the customer's information to anyone other than "
                "the customer and shall refer every request for access to official documents to "
                "the customer."
            ),
        },
    },
    {
        "code": "OSL-02",
        "aspect": "K",
        "min_level": 1,
        "trigger": "secrecy",
        "title": {
            "sv": "Märkning och hantering av sekretessbelagda handlingar",
            "en": "Marking and handling of secret documents",
        },
        "is": {
            "sv": (
                "Handlingar med sekretessbelagda uppgifter märks med sekretessmarkering och "
                "förvaras och skickas på ett sätt som skyddar uppgifterna."
            ),
            "en": (
                "Documents containing secret information are given a secrecy marking and are "
                "stored and sent in a way that protects the information."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska stödja att handlingar och uppgifter kan märkas som "
                "sekretessbelagda och att märkningen styr vem som får ta del av dem."
            ),
            "en": (
                "The supplier shall support marking documents and data as secret and letting the "
                "marking control who may access them."
            ),
        },
    },
    {
        "code": "OSL-03",
        "aspect": "K",
        "min_level": 1,
        "trigger": "secrecy",
        "title": {
            "sv": "Tystnadsplikt hos leverantörer",
            "en": "Confidentiality obligations for suppliers",
        },
        "is": {
            "sv": (
                "Leverantörer vars personal kan komma åt sekretessbelagda uppgifter är bundna av "
                "tystnadsplikt genom avtal eller lag."
            ),
            "en": (
                "Suppliers whose staff can access secret information are bound by a duty of "
                "confidentiality through an agreement or by law."
            ),
        },
        "shall": {
            "sv": (
                "Leverantören ska se till att all personal och alla underleverantörer som kan "
                "komma åt kundens information är bundna av en tystnadsplikt som motsvarar "
                "sekretessen enligt offentlighets- och sekretesslagen (2009:400)."
            ),
            "en": (
                "The supplier shall ensure that all staff and subcontractors who can access the "
                "customer's information are bound by a duty of confidentiality corresponding to "
                "secrecy under the Public Access to Information and Secrecy Act (2009:400)."
            ),
        },
    },
]
