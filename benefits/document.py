"""The benefit-model document ``klassa.benefit-model/1``: parsing, validation and writing.

Pure (no Django). The format and its field rules are in ``shared/reference/benefit-model.md``.
``parse`` walks the whole document and collects every error before it refuses it, each error
naming its field (``levers[2].reduction.high: must be between 0 and 1``); a valid document
becomes a ``calculation.BenefitModel``. ``to_document`` writes a model back so that
``parse(to_document(model)) == model``.

Numbers may be JSON numbers or decimal strings (``"779730.50"``). They become ``Decimal``
exactly: a JSON number read as a float is converted through its shortest text (``0.3`` →
``Decimal("0.3")``), but reading the JSON with ``klassa_app.jsonload.load_document`` avoids
floats altogether. Numbers are read by ``klassa_app.numbers``, which bounds their digits and
exponent before anything computes with them (``"1e-999999999"`` is refused, not formatted as a
billion digits). Booleans, NaN, infinities, other strings and magnitudes of 10^15 or more are
refused; texts with a NUL character or a lone surrogate too. ``to_document`` writes every
number but ``horizon_years`` as a decimal string, which keeps every digit.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from benefits.calculation import (
    CATEGORIES,
    COST_KINDS,
    FORMAT,
    KIND_INPUTS,
    LEVER_KINDS,
    SCENARIOS,
    SHARE_INPUTS,
    STAKEHOLDERS,
    BenefitModel,
    ByScenario,
    Cost,
    Lever,
)
from klassa_app import messages, numbers
from klassa_app import text as text_rules
from klassa_app.messages import gettext_noop

MAX_HORIZON = 30
MAX_NAME_LENGTH = 200
# Sensitivity analysis grows with the square of the levers; no real model needs more, and a
# page that every reader opens must not be made slow by one upload.
MAX_ITEMS = 50
MAX_MAGNITUDE = Decimal("1e15")
NUMBER_TEXT = numbers.DOCUMENT_TEXT
CURRENCY = re.compile(r"[A-Z]{3}")

DOCUMENT_KEYS = frozenset(
    {"format", "name", "currency", "horizon_years", "discount_rate", "levers", "costs"}
)
LEVER_COMMON_KEYS = frozenset(
    {"kind", "name", "stakeholder", "category", "attribution_share", "realisation_rate"}
    | {"ramp_up"}
)
ALL_INPUTS = frozenset(name for names in KIND_INPUTS.values() for name in names)
# Fields that only some kinds have besides their inputs: the staff group whose time is claimed.
KIND_EXTRA_KEYS: dict[str, frozenset[str]] = {"staff_time": frozenset({"group"})}
ALL_EXTRA_KEYS = frozenset(key for keys in KIND_EXTRA_KEYS.values() for key in keys)
MAX_GROUP_LENGTH = 100
COST_KEYS = frozenset({"name", "kind", "amounts", "annual_amount"})

# Messages: English templates, translated when shown (``klassa_app.messages``). The limits
# written into some of them are the module's constants (a test checks that they agree).
REQUIRED = gettext_noop("required")
UNKNOWN = gettext_noop("unknown field")
NOT_A_NUMBER = gettext_noop("must be a number")
NOT_A_SCENARIO_NUMBER = gettext_noop("must be a number or an object with low, medium and high")
TOO_LARGE = gettext_noop("must be below 10^15")
TOO_SMALL = gettext_noop("must be 0 or at least 10^-30 in size")  # numbers.MAX_EXPONENT
TOO_PRECISE = gettext_noop("at most 40 significant digits")  # numbers.MAX_DIGITS
NUL_CHARACTER = gettext_noop("must not contain a NUL character")
INVALID_CHARACTER = gettext_noop("contains an invalid character (a lone surrogate)")
TOO_LONG = gettext_noop("at most %(count)s characters")
NOT_TEXT = gettext_noop("must be text")
SHARE = gettext_noop("must be between 0 and 1")
NON_NEGATIVE = gettext_noop("must be 0 or more")
HORIZON = gettext_noop("must be a whole number from 1 to 30")  # MAX_HORIZON
ONE_OF = gettext_noop("must be one of %(values)s")
NOT_OF_KIND = gettext_noop("not a field of a %(kind)s lever")
NOT_A_LIST = gettext_noop("must be a list")
ENTRIES = gettext_noop("must have %(count)s entries")
NOT_AN_OBJECT = gettext_noop("must be an object")
NOT_A_JSON_OBJECT = gettext_noop("must be a JSON object")
MUST_BE = gettext_noop("must be %(value)s")
CURRENCY_CODE = gettext_noop("must be a three-letter currency code such as SEK")
TOO_MANY_LEVERS = gettext_noop("at most %(count)s levers")
TOO_MANY_COSTS = gettext_noop("at most %(count)s cost items")
DUPLICATE_NAME = gettext_noop("duplicate name")
RATE_AFTER = gettext_noop("must not exceed %(field)s")
AMOUNTS_OR_ANNUAL = gettext_noop("give amounts or annual_amount")
NOT_BOTH = gettext_noop("give amounts or annual_amount, not both")

Params = Mapping[str, Any]


@dataclass(frozen=True)
class DocumentError:
    """One problem in a document: ``path`` names the field (``levers[2].reduction.high``),
    ``template`` is one of the English messages above and ``params`` fill it in."""

    path: str
    template: str
    params: Params = dataclasses.field(default_factory=dict, hash=False)

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


class DocumentInvalid(ValueError):
    """The document has errors; ``errors`` lists them all."""

    def __init__(self, errors: Sequence[DocumentError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


def to_number(value: Any) -> Decimal | None:
    """The exact, bounded Decimal of a JSON number or decimal string; None when it is not one
    (or is too long or too extreme to be a number anyone means)."""
    return numbers.document_number_or_none(value)


def number_message(error: numbers.NumberError, value: Any, default: str = NOT_A_NUMBER) -> str:
    """The document's message (a template without parameters) for a refused number."""
    if error.code == numbers.DIGITS:
        return TOO_PRECISE
    if error.code == numbers.EXPONENT:
        # Which side: the sign of the exponent in the text, or of the number's magnitude.
        text = str(value).strip().lower()
        # (``adjusted`` reads the representation: ``abs`` of 1E+9999999999 overflows.)
        small = "e-" in text or (
            isinstance(value, Decimal) and value.is_finite() and value.adjusted() < 0
        )
        return TOO_SMALL if small else TOO_LARGE
    return default


def text_message(error: text_rules.TextError) -> tuple[str, Params]:
    """The document's message (template, parameters) for a refused text."""
    if error.code == text_rules.NUL:
        return NUL_CHARACTER, {}
    if error.code == text_rules.SURROGATE:
        return INVALID_CHARACTER, {}
    if error.code == text_rules.TOO_LONG:
        return TOO_LONG, {"count": error.max_length}
    return NOT_TEXT, {}


def one_of(values: Sequence[str]) -> tuple[str, Params]:
    return ONE_OF, {"values": ", ".join(values)}


class _Checker:
    """Walks a document, collects every error and builds the model's parts on the way."""

    def __init__(self) -> None:
        self.errors: list[DocumentError] = []

    def error(self, path: str, template: str, **params: Any) -> None:
        self.errors.append(DocumentError(path, template, params))

    def unknown_keys(
        self, obj: Mapping[str, Any], allowed: frozenset[str], path: str, *, kind: str = ""
    ) -> None:
        for key in obj:
            if key in allowed:
                continue
            key_path = f"{path}.{key}" if path else str(key)
            if kind and (key in ALL_INPUTS or key in ALL_EXTRA_KEYS):
                self.error(key_path, NOT_OF_KIND, kind=kind)
            else:
                self.error(key_path, UNKNOWN)

    # Small field readers: each reports its own problem and returns None when unusable.

    def text(self, obj: Mapping[str, Any], key: str, path: str) -> str | None:
        value = obj.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.error(path, REQUIRED)
            return None
        try:
            return text_rules.clean_text(value, path, max_length=MAX_NAME_LENGTH)
        except text_rules.TextError as error:
            template, params = text_message(error)
            self.error(path, template, **params)
            return None

    def choice(
        self, obj: Mapping[str, Any], key: str, path: str, values: Sequence[str], default: str
    ) -> str | None:
        value = obj.get(key)
        if value is None and default:
            return default
        if value is None:
            self.error(path, REQUIRED)
            return None
        if value not in values:  # also refuses non-strings
            template, params = one_of(values)
            self.error(path, template, **params)
            return None
        return value

    def number(
        self, value: Any, path: str, bound: str | None, *, message: str = NOT_A_NUMBER
    ) -> Decimal | None:
        try:
            number = numbers.parse_document_number(value, path)
        except numbers.NumberError as error:
            self.error(path, number_message(error, value, message))
            return None
        if abs(number) >= MAX_MAGNITUDE:
            self.error(path, TOO_LARGE)
            return None
        if bound == SHARE and not 0 <= number <= 1:
            self.error(path, SHARE)
            return None
        if bound == NON_NEGATIVE and number < 0:
            self.error(path, NON_NEGATIVE)
            return None
        return number

    def optional_number(
        self, obj: Mapping[str, Any], key: str, path: str, bound: str, default: Decimal
    ) -> Decimal | None:
        if obj.get(key) is None:
            return default
        return self.number(obj[key], path, bound)

    def scenario_number(self, value: Any, path: str, bound: str) -> ByScenario | None:
        """One number, or an object with exactly low, medium and high."""
        if value is None:
            self.error(path, REQUIRED)
            return None
        if not isinstance(value, Mapping):
            number = self.number(value, path, bound, message=NOT_A_SCENARIO_NUMBER)
            return None if number is None else ByScenario.same(number)
        self.unknown_keys(value, frozenset(SCENARIOS), path)
        numbers: dict[str, Decimal] = {}
        for scenario in SCENARIOS:
            if value.get(scenario) is None:
                self.error(f"{path}.{scenario}", REQUIRED)
                continue
            number = self.number(value[scenario], f"{path}.{scenario}", bound)
            if number is not None:
                numbers[scenario] = number
        if len(numbers) != len(SCENARIOS):
            return None
        return ByScenario(**numbers)

    def number_list(self, value: Any, path: str, bound: str, length: int | None) -> list | None:
        if not isinstance(value, list):
            self.error(path, NOT_A_LIST)
            return None
        ok = True
        if length is not None and len(value) != length:
            self.error(path, ENTRIES, count=length)
            ok = False
        numbers = [self.number(item, f"{path}[{i}]", bound) for i, item in enumerate(value)]
        return numbers if ok and None not in numbers else None

    # The document, part by part.

    def document(self, document: Any) -> BenefitModel | None:
        if not isinstance(document, Mapping):
            self.error("document", NOT_A_JSON_OBJECT)
            return None
        self.unknown_keys(document, DOCUMENT_KEYS, "")
        if document.get("format") != FORMAT:
            self.error("format", MUST_BE, value=FORMAT)
        name = self.text(document, "name", "name")
        currency = document.get("currency")
        if currency is None:
            self.error("currency", REQUIRED)
        elif not isinstance(currency, str) or not CURRENCY.fullmatch(currency):
            self.error("currency", CURRENCY_CODE)
            currency = None
        horizon = self.horizon(document.get("horizon_years"))
        discount_rate = self.optional_number(
            document, "discount_rate", "discount_rate", SHARE, Decimal("0.03")
        )

        levers: list[Lever | None] = []
        value = document.get("levers")
        if value is None:
            self.error("levers", REQUIRED)
        elif not isinstance(value, list):
            self.error("levers", NOT_A_LIST)
        elif len(value) > MAX_ITEMS:
            self.error("levers", TOO_MANY_LEVERS, count=MAX_ITEMS)
        else:
            names: set[str] = set()
            levers = [
                self.lever(item, f"levers[{i}]", horizon, names) for i, item in enumerate(value)
            ]

        costs: list[Cost | None] = []
        value = document.get("costs")
        if value is not None and not isinstance(value, list):
            self.error("costs", NOT_A_LIST)
        elif value is not None and len(value) > MAX_ITEMS:
            self.error("costs", TOO_MANY_COSTS, count=MAX_ITEMS)
        elif value is not None:
            costs = [self.cost(item, f"costs[{i}]", horizon) for i, item in enumerate(value)]

        if self.errors:
            return None
        # The ignores: each part read above is None only after an error was recorded, and
        # with errors nothing is built; the checker cannot follow that through self.errors.
        return BenefitModel(
            name=name,  # type: ignore[arg-type]
            currency=currency,  # type: ignore[arg-type]
            horizon_years=horizon,  # type: ignore[arg-type]
            discount_rate=discount_rate,  # type: ignore[arg-type]
            levers=tuple(levers),  # type: ignore[arg-type]
            costs=tuple(costs),  # type: ignore[arg-type]
        )

    def horizon(self, value: Any) -> int | None:
        if value is None:
            self.error("horizon_years", REQUIRED)
            return None
        number = to_number(value)
        if number is None or number != number.to_integral_value() or not 1 <= number <= MAX_HORIZON:
            self.error("horizon_years", HORIZON)
            return None
        return int(number)

    def lever(self, value: Any, path: str, horizon: int | None, names: set[str]) -> Lever | None:
        if not isinstance(value, Mapping):
            self.error(path, NOT_AN_OBJECT)
            return None
        errors_before = len(self.errors)
        kind = self.choice(value, "kind", f"{path}.kind", LEVER_KINDS, "")
        if kind is None:
            # Without a kind the inputs cannot be told from unknown fields.
            self.unknown_keys(value, LEVER_COMMON_KEYS | ALL_INPUTS | ALL_EXTRA_KEYS, path)
        else:
            allowed = LEVER_COMMON_KEYS | set(KIND_INPUTS[kind]) | KIND_EXTRA_KEYS.get(kind, set())
            self.unknown_keys(value, allowed, path, kind=kind)
        name = self.text(value, "name", f"{path}.name")
        if name is not None:
            if name in names:
                self.error(f"{path}.name", DUPLICATE_NAME)
            names.add(name)
        stakeholder = self.choice(
            value, "stakeholder", f"{path}.stakeholder", STAKEHOLDERS, "internal"
        )
        category = self.choice(value, "category", f"{path}.category", CATEGORIES, "financial")
        attribution = self.optional_number(
            value, "attribution_share", f"{path}.attribution_share", SHARE, Decimal(1)
        )
        realisation = self.optional_number(
            value, "realisation_rate", f"{path}.realisation_rate", SHARE, Decimal(1)
        )
        ramp_up: list | None = []
        if value.get("ramp_up") is not None:
            ramp_up = self.number_list(value["ramp_up"], f"{path}.ramp_up", SHARE, horizon)

        group = ""
        if kind == "staff_time" and value.get("group") is not None:
            group = self.group(value["group"], f"{path}.group")

        inputs: dict[str, ByScenario | None] = {}
        if kind is not None:
            for field in KIND_INPUTS[kind]:
                bound = SHARE if field in SHARE_INPUTS else NON_NEGATIVE
                inputs[field] = self.scenario_number(value.get(field), f"{path}.{field}", bound)
            before, after = inputs.get("rate_before"), inputs.get("rate_after")
            if before is not None and after is not None:
                self.rates(value, path, before, after)
        if len(self.errors) > errors_before:
            return None
        # The ignores: each part read above is None only after an error was recorded, and
        # with errors nothing is built; the checker cannot follow that through self.errors.
        return Lever(
            kind=kind,  # type: ignore[arg-type]
            name=name,  # type: ignore[arg-type]
            stakeholder=stakeholder,  # type: ignore[arg-type]
            category=category,  # type: ignore[arg-type]
            attribution_share=attribution,  # type: ignore[arg-type]
            realisation_rate=realisation,  # type: ignore[arg-type]
            ramp_up=tuple(ramp_up or ()),
            group=group,
            **inputs,
        )

    def group(self, value: Any, path: str) -> str:
        """A short label of a staff group; blank means none (the lever's name stands in)."""
        try:
            return text_rules.clean_text(value, path, max_length=MAX_GROUP_LENGTH)
        except text_rules.TextError as error:
            template, params = text_message(error)
            self.error(path, template, **params)
            return ""

    def rates(
        self, value: Mapping[str, Any], path: str, before: ByScenario, after: ByScenario
    ) -> None:
        """rate_after ≤ rate_before in every scenario, reported once per offending field."""
        after_split = isinstance(value["rate_after"], Mapping)
        before_split = isinstance(value["rate_before"], Mapping)
        reported = set()
        for scenario in SCENARIOS:
            if after[scenario] <= before[scenario]:
                continue
            error = DocumentError(
                f"{path}.rate_after" + (f".{scenario}" if after_split else ""),
                RATE_AFTER,
                {"field": "rate_before" + (f".{scenario}" if before_split else "")},
            )
            if error not in reported:
                reported.add(error)
                self.errors.append(error)

    def cost(self, value: Any, path: str, horizon: int | None) -> Cost | None:
        if not isinstance(value, Mapping):
            self.error(path, NOT_AN_OBJECT)
            return None
        errors_before = len(self.errors)
        self.unknown_keys(value, COST_KEYS, path)
        name = self.text(value, "name", f"{path}.name")
        kind = self.choice(value, "kind", f"{path}.kind", COST_KINDS, "")
        amounts: list | None = []
        annual = None
        has_amounts = value.get("amounts") is not None
        has_annual = value.get("annual_amount") is not None
        if has_amounts and has_annual:
            self.error(path, NOT_BOTH)
        elif not has_amounts and not has_annual:
            self.error(path, AMOUNTS_OR_ANNUAL)
        elif has_amounts:
            length = None if horizon is None else horizon + 1
            amounts = self.number_list(value["amounts"], f"{path}.amounts", NON_NEGATIVE, length)
        else:
            annual = self.number(value["annual_amount"], f"{path}.annual_amount", NON_NEGATIVE)
        if len(self.errors) > errors_before:
            return None
        # The ignores: each part read above is None only after an error was recorded, and
        # with errors nothing is built; the checker cannot follow that through self.errors.
        return Cost(name=name, kind=kind, amounts=tuple(amounts or ()), annual_amount=annual)  # type: ignore[arg-type]


def validate(document: Any) -> list[DocumentError]:
    """Every error of ``document``; empty when it is valid."""
    checker = _Checker()
    checker.document(document)
    return checker.errors


def parse(document: Any) -> BenefitModel:
    """The model the document describes; ``DocumentInvalid`` with every error otherwise."""
    checker = _Checker()
    model = checker.document(document)
    if checker.errors or model is None:
        raise DocumentInvalid(checker.errors)
    return model


# --- Writing -----------------------------------------------------------------------------------


def number_text(value: Decimal) -> str:
    """A Decimal as a plain decimal string (no exponent). The number parser's bounds are
    checked first: a hostile Decimal must never reach ``format``."""
    return format(numbers.bounded(value), "f")


def _scenario_value(value: ByScenario) -> str | dict[str, str]:
    if value.uniform:
        return number_text(value.low)
    return {scenario: number_text(value[scenario]) for scenario in SCENARIOS}


def to_document(model: BenefitModel) -> dict[str, Any]:
    """The model as a ``klassa.benefit-model/1`` document (numbers as decimal strings)."""
    levers = []
    for lever in model.levers:
        item: dict[str, Any] = {
            "kind": lever.kind,
            "name": lever.name,
            "stakeholder": lever.stakeholder,
            "category": lever.category,
        }
        if lever.group:
            item["group"] = lever.group
        for name, value in lever.inputs().items():
            item[name] = _scenario_value(value)
        item["attribution_share"] = number_text(lever.attribution_share)
        item["realisation_rate"] = number_text(lever.realisation_rate)
        if lever.ramp_up:
            item["ramp_up"] = [number_text(v) for v in lever.ramp_up]
        levers.append(item)
    costs = []
    for cost in model.costs:
        entry: dict[str, Any] = {"name": cost.name, "kind": cost.kind}
        if cost.annual_amount is not None:
            entry["annual_amount"] = number_text(cost.annual_amount)
        else:
            entry["amounts"] = [number_text(v) for v in cost.amounts]
        costs.append(entry)
    return {
        "format": FORMAT,
        "name": model.name,
        "currency": model.currency,
        "horizon_years": model.horizon_years,
        "discount_rate": number_text(model.discount_rate),
        "levers": levers,
        "costs": costs,
    }
