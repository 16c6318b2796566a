"""The register document's checks: pure functions of a document and a ``RegisterContext``.

``check_document`` walks a ``klassa.register/1`` document and returns every error it finds
(never only the first), each a ``RegisterError`` with the field's path and an English message
template. No database is read here: what the database already knows about the organisation
(its scheme, departments and assets) comes in the context, which ``importer.load_context``
builds. The format is described in docs/formats/register.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop

from assessments import classification_rules
from assessments.defaults import scheme as default_scheme
from assessments.models import (
    InformationAsset,
    PersonalData,
)
from benefits import document as benefit_document
from klassa_app import messages, numbers
from klassa_app import text as text_rules
from portfolio import roadmap
from portfolio.models import BenefitScenario

FORMAT = "klassa.register/1"
STATUSES = ("draft", "approved")
FORCED = ("in", "out")
APPROVED_NEEDS_LEVELS = gettext_noop("required for an approved classification")

ORGANISATION_CODE = re.compile(r"^[-a-z0-9_]+$")  # Organisation.code is a slug
DEPARTMENT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]*$")  # as Department.code
ITEM_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_.-]*$")  # as CODE_VALIDATOR, after upper-casing

DOCUMENT_KEYS = frozenset(
    {"format", "organisation", "departments", "information_assets", "initiatives", "portfolio"}
)
ORGANISATION_KEYS = frozenset({"code", "name"})
DEPARTMENT_KEYS = frozenset({"code", "name"})
ASSET_KEYS = frozenset({"code", "department", "name", "description", "legal", "levels", "status"})
LEGAL_KEYS = frozenset({"personal_data", "secrecy", "protective_security"})
# The export's computed fields are accepted (and ignored) so that an export imports as is.
COMPUTED_KEYS = frozenset(
    {"classification", "classification_status", "requires_protective_security_analysis"}
    | {"ready", "blockers"}
)
INITIATIVE_KEYS = (
    frozenset(
        {"code", "department", "name", "area", "assets", "adjustments"}
        | {"benefit_model", "priority", "requires"}
    )
    | COMPUTED_KEYS
)
ADJUSTMENT_KEYS = frozenset({"aspect", "level", "reason", "justification"})
PRIORITY_KEYS = frozenset(
    {"strategic_fit", "time_criticality", "duration_weeks", "forced", "forced_reason"}
)
PORTFOLIO_KEYS = frozenset({"year", "budget", "scenario", "budgets"})
MAX_PLAN_YEARS = 10
MAX_BUDGET = Decimal("1e15")
MAX_DURATION_WEEKS = 520
# Free texts without a column limit (descriptions, justifications, reasons): bounded all the
# same, so that one file cannot store megabytes in a field nobody reads whole.
MAX_TEXT_LENGTH = 10_000


# --- Errors and summaries ----------------------------------------------------------------------

# The checker's messages: English templates, translated when a page shows them
# (``RegisterError.localized``); the commands print them in English for operators and scripts.
# The benefit model's messages (``benefits.document``) are used where they say the same.
REQUIRED = benefit_document.REQUIRED
UNKNOWN = benefit_document.UNKNOWN
NOT_A_LIST = benefit_document.NOT_A_LIST
NOT_AN_OBJECT = benefit_document.NOT_AN_OBJECT
NOT_A_JSON_OBJECT = benefit_document.NOT_A_JSON_OBJECT
MUST_BE = benefit_document.MUST_BE
ONE_OF = benefit_document.ONE_OF
NON_NEGATIVE = benefit_document.NON_NEGATIVE
TOO_LARGE = benefit_document.TOO_LARGE
CODE_CHARACTERS = gettext_noop("use letters, digits, hyphen and underscore")
ITEM_CODE_CHARACTERS = gettext_noop("use letters A–Z, digits, dot, hyphen and underscore")
DUPLICATE_CODE = gettext_noop("duplicate code")
YEAR = gettext_noop("must be a year from 2000 to 2100")
SCENARIO = gettext_noop("must be low, medium or high")
UNKNOWN_DEPARTMENT = gettext_noop("unknown department code")
STATUS = gettext_noop("must be draft or approved")
UNKNOWN_ASPECT = gettext_noop("unknown aspect")
LEVEL = gettext_noop("must be a level from 0 to %(top)s")
BELOW_MINIMUM = gettext_noop("below the legal minimum %(minimum)s")
NEEDS_ANALYSIS = gettext_noop(
    "requires protective-security analysis and cannot be approved through the ordinary path"
)
SECRECY = gettext_noop("must be the OSL reference as text, or null")
BOOLEAN = gettext_noop("must be true or false")
ASSET_CODE = gettext_noop("must be an asset code")
UNKNOWN_ASSET = gettext_noop("unknown asset code")
INITIATIVE_CODE = gettext_noop("must be an initiative code")
UNKNOWN_INITIATIVE = gettext_noop("unknown initiative code")
REQUIRES_ITSELF = gettext_noop("an initiative cannot require itself")
CYCLE = gettext_noop("cycle %(cycle)s")
PLAN_YEARS = gettext_noop("must be consecutive years, at most %(max)s")
FIRST_PLAN_YEAR = gettext_noop("must be the first year of portfolio.budgets")
FIRST_PLAN_BUDGET = gettext_noop("must equal the budget of the first year of portfolio.budgets")
DUPLICATE_ASPECT = gettext_noop("duplicate aspect")
SCORE = gettext_noop("must be a whole number from 1 to %(max)s, or null")
FORCED_VALUE = gettext_noop('must be null, "in" or "out"')
LOWERING = gettext_noop(
    "only a documented distribution effect may lower a level below the computed one"
)
CONFLICT = gettext_noop(
    "conflicts with the open assessment of %(code)s (%(error)s); change its override first"
)
# The import's, for a person without the security officer's right (the preview names them).
APPROVAL = gettext_noop(
    "%(code)s is approved in the file, and only the information-security officer imports "
    "approved classifications: import it as a draft, or let the information-security officer "
    "import the file"
)


@dataclass(frozen=True)
class RegisterError:
    """One problem in a document: ``path`` names the field (``initiatives[3].name``),
    ``template`` is an English message (one of the above) and ``params`` fill it in."""

    path: str
    template: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def message(self) -> str:
        """In English, as tests compare it and the commands print it."""
        return messages.english(self.template, self.params)

    @property
    def localized(self) -> str:
        """In the active language, for pages; the path stays as it is."""
        return messages.render(self.template, self.params)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


# --- Validation (pure) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownAsset:
    """An asset already in the database: its effective levels and whether they are approved."""

    levels: Mapping[str, int]
    approved: bool


@dataclass(frozen=True)
class RegisterContext:
    """What validation needs to know from the database about the target organisation."""

    aspects: tuple[str, ...]  # enabled aspect codes, in order
    tops: Mapping[str, int]
    legal_minimums: Mapping[str, Mapping[str, int]]
    departments: frozenset[str] = frozenset()
    assets: Mapping[str, KnownAsset] = field(default_factory=dict)
    # The organisation's initiatives with what each requires: a document may name one it
    # does not list, and a cycle may run through prerequisites it leaves as they are.
    prerequisites: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


DEFAULT_CONTEXT = RegisterContext(
    aspects=tuple(a["code"] for a in default_scheme.ASPECTS),
    tops={a["code"]: default_scheme.MAX_LEVEL for a in default_scheme.ASPECTS},
    legal_minimums=default_scheme.LEGAL_MINIMUMS,
)


def normalise_code(value: Any) -> str:
    """Asset, initiative and department codes are stored upper-case, as the UI does."""
    return value.strip().upper() if isinstance(value, str) else ""


def legal_triggers(personal_data: str, secrecy: bool) -> set[str]:
    # An unsaved instance answers with the model's own rule, so there is one definition.
    return InformationAsset(personal_data=personal_data, secrecy=secrecy).triggers


class _Checker:
    """Walks a document and collects every error (it never stops at the first)."""

    def __init__(self, context: RegisterContext) -> None:
        self.context = context
        self.errors: list[RegisterError] = []
        self.departments: set[str] = set(context.departments)
        # Per asset code: the levels it will have after the import (for inherited levels).
        self.effective: dict[str, dict[str, int]] = {
            code: dict(known.levels) for code, known in context.assets.items()
        }

    def error(self, path: str, template: str, params: Mapping[str, Any] | None = None) -> None:
        self.errors.append(RegisterError(path, template, params or {}))

    # Small field readers: each reports its own problem and returns None when unusable.

    def unknown_keys(self, obj: Mapping[str, Any], allowed: frozenset[str], path: str) -> None:
        for key in obj:
            if key not in allowed:
                self.error(f"{path}.{key}" if path else str(key), UNKNOWN)

    def text(
        self,
        obj: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = True,
        max_length: int | None = None,
    ) -> str | None:
        value = obj.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(path, REQUIRED)
            return None if required else ""
        return self.clean_text(value, path, max_length=max_length or MAX_TEXT_LENGTH)

    def clean_text(self, value: Any, path: str, *, max_length: int) -> str | None:
        """The shared text rules (no NUL, no lone surrogate, bounded), messages as the
        benefit document's."""
        try:
            return text_rules.clean_text(value, path, max_length=max_length)
        except text_rules.TextError as error:
            self.error(path, *benefit_document.text_message(error))
            return None

    def code(
        self,
        obj: Mapping[str, Any],
        path: str,
        *,
        pattern: re.Pattern[str],
        max_length: int,
        seen: set[str],
        lower: bool = False,
    ) -> str | None:
        raw = self.text(obj, "code", f"{path}.code", max_length=max_length)
        if raw is None:
            return None
        value = raw.lower() if lower else raw.upper()
        if not pattern.match(value):
            self.error(
                f"{path}.code", ITEM_CODE_CHARACTERS if pattern is ITEM_CODE else CODE_CHARACTERS
            )
            return None
        if value in seen:
            self.error(f"{path}.code", DUPLICATE_CODE)
            return None
        seen.add(value)
        return value

    def items(self, obj: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, NOT_A_LIST)
            return []
        return value

    def level(self, path: str, value: Any, aspect: str) -> int | None:
        if value is None:
            self.error(path, REQUIRED)
            return None
        top = self.context.tops[aspect]
        try:
            classification_rules.check_level(path, value, top)
        except classification_rules.RuleError as error:
            # check_level has this one rule; its message, translatable.
            self.error(error.field, LEVEL, {"top": top})
            return None
        return value

    # The document, part by part.

    def document(self, document: Any, organisation_code_expected: str | None) -> None:
        if not isinstance(document, dict):
            self.error("document", NOT_A_JSON_OBJECT)
            return
        self.unknown_keys(document, DOCUMENT_KEYS, "")
        if document.get("format") != FORMAT:
            self.error("format", MUST_BE, {"value": FORMAT})
        self.organisation(document.get("organisation"), organisation_code_expected)
        seen: set[str] = set()
        for i, item in enumerate(self.items(document, "departments", "departments")):
            self.department(item, f"departments[{i}]", seen)
        # Asset codes of the document first: initiatives may name assets listed after them.
        seen = set()
        for i, item in enumerate(self.items(document, "information_assets", "information_assets")):
            self.asset(item, f"information_assets[{i}]", seen)
        seen = set()
        initiatives = self.items(document, "initiatives", "initiatives")
        self.initiative_codes = set(self.context.prerequisites) | {
            normalise_code(item.get("code")) for item in initiatives if isinstance(item, dict)
        }
        for i, item in enumerate(initiatives):
            self.initiative(item, f"initiatives[{i}]", seen)
        self.prerequisite_cycles(initiatives)
        self.portfolio(document.get("portfolio"))

    def requires(self, value: Any, path: str) -> None:
        if not isinstance(value, dict) or "requires" not in value:
            return
        own = normalise_code(value.get("code"))
        listed: list[str] = []
        for j, raw in enumerate(self.items(value, "requires", f"{path}.requires")):
            where = f"{path}.requires[{j}]"
            code = normalise_code(raw)
            if not isinstance(raw, str) or not code:
                self.error(where, INITIATIVE_CODE)
            elif code == own:
                self.error(where, REQUIRES_ITSELF)
            elif code not in self.initiative_codes:
                self.error(where, UNKNOWN_INITIATIVE)
            elif code in listed:
                self.error(where, DUPLICATE_CODE)
            else:
                listed.append(code)

    def prerequisite_cycles(self, initiatives: list[Any]) -> None:
        """One error for a cycle of what the organisation's initiatives require after the
        import (the document's ``requires`` over the stored ones), found in the document's
        order and named at the initiative whose ``requires`` closes it:
        ``initiatives[4].requires: cycle SC-A → PLAT-SENSOR → SC-A``."""
        graph = {code: list(codes) for code, codes in self.context.prerequisites.items()}
        where: dict[str, int] = {}
        for i, item in enumerate(initiatives):
            if not isinstance(item, dict):
                continue
            code = normalise_code(item.get("code"))
            where.setdefault(code, i)
            graph.setdefault(code, [])
            if isinstance(item.get("requires"), list):
                graph[code] = [normalise_code(r) for r in item["requires"] if isinstance(r, str)]
        cycle = roadmap.find_cycle(graph, roots=list(where))
        if cycle is None:
            return
        named = next((c for c in cycle if c in where), None)
        path = f"initiatives[{where[named]}].requires" if named is not None else "initiatives"
        self.error(path, CYCLE, {"cycle": " → ".join(cycle)})

    def portfolio(self, value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, dict):
            self.error("portfolio", NOT_AN_OBJECT)
            return
        self.unknown_keys(value, PORTFOLIO_KEYS, "portfolio")
        year = value.get("year")
        if year is not None and (
            isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100
        ):
            self.error("portfolio.year", YEAR)
        if "budget" in value:
            try:
                budget = numbers.parse_document_number(value["budget"], "portfolio.budget")
            except numbers.NumberError as error:
                self.error(
                    "portfolio.budget", benefit_document.number_message(error, value["budget"])
                )
            else:
                if budget < 0:
                    self.error("portfolio.budget", NON_NEGATIVE)
                elif budget >= MAX_BUDGET:
                    self.error("portfolio.budget", TOO_LARGE)
        scenario = value.get("scenario")
        if scenario is not None and scenario not in BenefitScenario.values:
            self.error("portfolio.scenario", SCENARIO)
        if "budgets" in value:
            self.plan_budgets(value)

    def plan_budgets(self, portfolio: Mapping[str, Any]) -> None:
        budgets = portfolio["budgets"]
        if not isinstance(budgets, dict):
            self.error("portfolio.budgets", NOT_AN_OBJECT)
            return
        years: list[int] = []
        amounts: dict[int, Decimal] = {}
        for key, raw in budgets.items():
            where = f"portfolio.budgets.{key}"
            year = int(key) if isinstance(key, str) and key.isdigit() and len(key) == 4 else None
            if year is None or not 2000 <= year <= 2100:
                self.error(where, YEAR)
                continue
            years.append(year)
            try:
                amount = numbers.parse_document_number(raw, where)
            except numbers.NumberError as error:
                self.error(where, benefit_document.number_message(error, raw))
                continue
            if amount < 0:
                self.error(where, NON_NEGATIVE)
            elif amount >= MAX_BUDGET:
                self.error(where, TOO_LARGE)
            else:
                amounts[year] = amount
        ordered = sorted(years)
        if (
            not ordered
            or ordered != list(range(ordered[0], ordered[0] + len(ordered)))
            or len(ordered) > MAX_PLAN_YEARS
        ):
            self.error("portfolio.budgets", PLAN_YEARS, {"max": MAX_PLAN_YEARS})
            return
        first = ordered[0]
        year = portfolio.get("year")
        if year is not None and year != first:
            self.error("portfolio.year", FIRST_PLAN_YEAR)
        budget = portfolio.get("budget")
        if budget is not None and first in amounts:
            try:
                same = numbers.parse_document_number(budget, "portfolio.budget") == amounts[first]
            except numbers.NumberError:
                same = True  # already reported above
            if not same:
                self.error("portfolio.budget", FIRST_PLAN_BUDGET)

    def organisation(self, value: Any, expected: str | None) -> None:
        if value is None:
            self.error("organisation", REQUIRED)
            return
        if not isinstance(value, dict):
            self.error("organisation", NOT_AN_OBJECT)
            return
        self.unknown_keys(value, ORGANISATION_KEYS, "organisation")
        code = self.code(
            value, "organisation", pattern=ORGANISATION_CODE, max_length=40, seen=set(), lower=True
        )
        if code is not None and expected is not None and code != expected:
            self.error("organisation.code", MUST_BE, {"value": expected})
        self.text(value, "name", "organisation.name", max_length=200)

    def department(self, value: Any, path: str, seen: set[str]) -> None:
        if not isinstance(value, dict):
            self.error(path, NOT_AN_OBJECT)
            return
        self.unknown_keys(value, DEPARTMENT_KEYS, path)
        code = self.code(value, path, pattern=DEPARTMENT_CODE, max_length=20, seen=seen)
        self.text(value, "name", f"{path}.name", max_length=200)
        if code is not None:
            self.departments.add(code)

    def department_reference(self, value: Mapping[str, Any], path: str) -> None:
        code = self.text(value, "department", path)
        if code is not None and normalise_code(code) not in self.departments:
            self.error(path, UNKNOWN_DEPARTMENT)

    def asset(self, value: Any, path: str, seen: set[str]) -> None:
        if not isinstance(value, dict):
            self.error(path, NOT_AN_OBJECT)
            return
        self.unknown_keys(value, ASSET_KEYS, path)
        code = self.code(value, path, pattern=ITEM_CODE, max_length=30, seen=seen)
        self.department_reference(value, f"{path}.department")
        self.text(value, "name", f"{path}.name", max_length=200)
        self.text(value, "description", f"{path}.description", required=False)
        triggers, protective_security = self.legal(value.get("legal"), f"{path}.legal")
        minimums = classification_rules.minimum_levels(triggers, self.context.legal_minimums)

        status = value.get("status", "draft")
        if status not in STATUSES:
            self.error(f"{path}.status", STATUS)
            status = None
        raw_levels = value.get("levels")
        levels: dict[str, int] = {}
        if raw_levels is not None and not isinstance(raw_levels, dict):
            self.error(f"{path}.levels", NOT_AN_OBJECT)
        elif raw_levels:
            for aspect, level in raw_levels.items():
                where = f"{path}.levels.{aspect}"
                if aspect not in self.context.aspects:
                    self.error(where, UNKNOWN_ASPECT)
                    continue
                checked = self.level(where, level, aspect)
                if checked is None:
                    continue
                minimum = minimums.get(aspect)
                if minimum is not None:
                    # As in classification_rules.aspect_outcome: a minimum never exceeds the scale.
                    minimum = min(minimum, self.context.tops[aspect])
                    if checked < minimum:
                        self.error(where, BELOW_MINIMUM, {"minimum": minimum})
                levels[aspect] = checked
        if status == "approved":
            if not raw_levels:
                self.error(f"{path}.levels", APPROVED_NEEDS_LEVELS)
            elif isinstance(raw_levels, dict):
                for aspect in self.context.aspects:
                    if aspect not in raw_levels:
                        self.error(f"{path}.levels.{aspect}", APPROVED_NEEDS_LEVELS)
            # The UI never approves these through the ordinary path; neither does a file.
            if classification_rules.requires_protective_security_analysis(
                protective_security=bool(protective_security),
                finals=levels,
                tops=self.context.tops,
            ):
                self.error(f"{path}.status", NEEDS_ANALYSIS)
        if code is not None:
            self.effective[code] = self._effective_levels(code, levels, status, minimums)

    def _effective_levels(
        self, code: str, levels: dict[str, int], status: str | None, minimums: Mapping[str, int]
    ) -> dict[str, int]:
        """The asset's levels after the import, as the initiative pages will read them."""
        known = self.context.assets.get(code)
        if levels:
            # A draft beside an approved version is a re-assessment: the approved one rules.
            if known is not None and known.approved and status != "approved":
                return dict(known.levels)
            return levels
        if known is None:
            return {}
        if known.approved:
            return dict(known.levels)
        # A draft is recomputed when the legal triggers change; the minimums lift it.
        tops = self.context.tops
        return {
            aspect: max(level, min(minimums.get(aspect, 0), tops.get(aspect, level)))
            for aspect, level in known.levels.items()
        }

    def legal(self, value: Any, path: str) -> tuple[set[str], bool | None]:
        if value is None:
            self.error(path, REQUIRED)
            return set(), None
        if not isinstance(value, dict):
            self.error(path, NOT_AN_OBJECT)
            return set(), None
        self.unknown_keys(value, LEGAL_KEYS, path)
        personal_data = value.get("personal_data")
        if personal_data is None:
            self.error(f"{path}.personal_data", REQUIRED)
            personal_data = PersonalData.NO
        elif personal_data not in PersonalData.values:
            self.error(f"{path}.personal_data", ONE_OF, {"values": ", ".join(PersonalData.values)})
            personal_data = PersonalData.NO
        secrecy = value.get("secrecy")
        if secrecy is not None and not isinstance(secrecy, str):
            self.error(f"{path}.secrecy", SECRECY)
            secrecy = None
        elif (
            isinstance(secrecy, str)
            and self.clean_text(secrecy, f"{path}.secrecy", max_length=100) is None
        ):
            secrecy = None
        protective_security = value.get("protective_security", False)
        if not isinstance(protective_security, bool):
            self.error(f"{path}.protective_security", BOOLEAN)
            protective_security = None
        return legal_triggers(personal_data, bool(secrecy and secrecy.strip())), protective_security

    def initiative(self, value: Any, path: str, seen: set[str]) -> None:
        if not isinstance(value, dict):
            self.error(path, NOT_AN_OBJECT)
            return
        self.unknown_keys(value, INITIATIVE_KEYS, path)
        self.code(value, path, pattern=ITEM_CODE, max_length=30, seen=seen)
        self.department_reference(value, f"{path}.department")
        self.text(value, "name", f"{path}.name", max_length=200)
        self.text(value, "area", f"{path}.area", required=False, max_length=120)

        linked: list[str] = []
        for j, raw in enumerate(self.items(value, "assets", f"{path}.assets")):
            where = f"{path}.assets[{j}]"
            code = normalise_code(raw)
            if not isinstance(raw, str) or not code:
                self.error(where, ASSET_CODE)
            elif code not in self.effective:
                self.error(where, UNKNOWN_ASSET)
            elif code in linked:
                self.error(where, DUPLICATE_CODE)
            else:
                linked.append(code)

        aspects_seen: set[str] = set()
        for j, raw in enumerate(self.items(value, "adjustments", f"{path}.adjustments")):
            self.adjustment(raw, f"{path}.adjustments[{j}]", linked, aspects_seen)
        self.priority(value.get("priority"), f"{path}.priority")
        self.requires(value, path)
        self.benefit_model(value.get("benefit_model"), f"{path}.benefit_model")

    def benefit_model(self, value: Any, path: str) -> None:
        if value is None:
            return
        for error in benefit_document.validate(value):
            where = path if error.path in ("", "document") else f"{path}.{error.path}"
            self.error(where, error.template, error.params)

    def adjustment(self, value: Any, path: str, linked: list[str], aspects_seen: set[str]) -> None:
        if not isinstance(value, dict):
            self.error(path, NOT_AN_OBJECT)
            return
        self.unknown_keys(value, ADJUSTMENT_KEYS, path)
        aspect = value.get("aspect")
        level = None
        if aspect is None:
            self.error(f"{path}.aspect", REQUIRED)
        elif aspect not in self.context.aspects:
            self.error(f"{path}.aspect", UNKNOWN_ASPECT)
            aspect = None
        elif aspect in aspects_seen:
            self.error(f"{path}.aspect", DUPLICATE_ASPECT)
            aspect = None
        else:
            aspects_seen.add(aspect)
            level = self.level(f"{path}.level", value.get("level"), aspect)
        reason = value.get("reason")
        if reason not in classification_rules.REASONS:
            self.error(
                f"{path}.reason", ONE_OF, {"values": ", ".join(classification_rules.REASONS)}
            )
        justification = self.text(value, "justification", f"{path}.justification")
        if (
            aspect is None
            or level is None
            or reason not in classification_rules.REASONS
            or not justification
        ):
            return
        computed = classification_rules.max_level(
            self.effective.get(code, {}).get(aspect) for code in linked
        )
        try:
            classification_rules.check_adjustment(
                classification_rules.AdjustmentInput(aspect, level, reason, justification),
                computed,
                self.context.tops[aspect],
                where=path,
            )
        except classification_rules.RuleError as error:
            # Reason, justification and level were checked above: what is left is the rule
            # that only a distribution effect lowers a level (anything else, as it came).
            template = LOWERING if error.message == LOWERING else error.message
            self.error(error.field, template)

    def priority(self, value: Any, path: str) -> None:
        if value is None:
            return
        if not isinstance(value, dict):
            self.error(path, NOT_AN_OBJECT)
            return
        self.unknown_keys(value, PRIORITY_KEYS, path)
        for key in ("strategic_fit", "time_criticality"):
            score = value.get(key)
            if score is not None and (
                isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5
            ):
                self.error(f"{path}.{key}", SCORE, {"max": 5})
        weeks = value.get("duration_weeks")
        if weeks is not None and (
            isinstance(weeks, bool)
            or not isinstance(weeks, int)
            or not 1 <= weeks <= MAX_DURATION_WEEKS
        ):
            self.error(f"{path}.duration_weeks", SCORE, {"max": MAX_DURATION_WEEKS})
        if value.get("forced_reason") is not None and (
            self.clean_text(
                value["forced_reason"], f"{path}.forced_reason", max_length=MAX_TEXT_LENGTH
            )
            is None
        ):
            return
        forced = value.get("forced")
        if forced is not None and forced not in FORCED:
            self.error(f"{path}.forced", FORCED_VALUE)
        elif forced in FORCED:
            reason = value.get("forced_reason")
            if not isinstance(reason, str) or not reason.strip():
                self.error(f"{path}.forced_reason", REQUIRED)


def check_document(
    document: Any, context: RegisterContext, organisation_code_expected: str | None = None
) -> list[RegisterError]:
    """Every error of the document against the format and ``context``; empty if valid."""
    checker = _Checker(context)
    checker.document(document, organisation_code_expected)
    return checker.errors
