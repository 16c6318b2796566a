"""The benefit-model editor's form ↔ ``klassa.benefit-model/1`` document mapping (pure Python).

The editor shows numbers as people type them: shares and rates as percentages ("30" for 0.30),
money and counts with a decimal comma or point and spaces between thousands
("779 730,50"). ``Draft`` holds what the form shows, as text; ``draft_from_document`` fills it
from a saved document, ``draft_from_data`` from a submitted form, and ``document_from_draft``
builds the document that ``benefits.document`` validates and the service saves. A value that
cannot be read as a number goes into the document unchanged, so the document's validation
reports it at its field path like any other error; ``input_name`` maps that path back to the
form input.

Input names: ``name``, ``horizon_years``, ``discount_preset``, ``discount_rate``;
``levers-{i}-{field}`` (scenario fields also ``-split``, ``-low``, ``-medium``, ``-high``);
``costs-{j}-{field}``; ``levers-TOTAL``, ``costs-TOTAL``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from benefits.calculation import (
    FORMAT,
    KIND_INPUTS,
    LEVER_KINDS,
    SCENARIO_INPUTS,
    SCENARIOS,
    SHARE_INPUTS,
)
from benefits.document import MAX_ITEMS
from klassa_app import numbers

MAX_ROWS = MAX_ITEMS  # levers and costs each; a larger submission is cut
DISCOUNT_PRESETS = ("0.03", "0.025", "0.035")  # 3 % (default), 2.5 %, 3.5 %
CUSTOM = "custom"
# Inputs shown as a percentage of 1 (the document stores the share 0..1).
PERCENT_FIELDS = SHARE_INPUTS | {
    "attribution_share",
    "realisation_rate",
    "ramp_up",
    "discount_rate",
}
MONEY_FIELDS = frozenset({"annual_cost_per_fte", "base_cost", "unit_cost", "amount"})
LIST_SEPARATOR = ";"  # Swedish spreadsheets separate list items with ";" (the comma is decimal)
COST_MODES = ("annual", "years")
_TEXT_KEYS = frozenset({"format", "name", "currency", "kind", "stakeholder", "category"})

_PATH = re.compile(r"^(levers|costs)\[(\d+)\](?:\.(\w+))?(?:\.(low|medium|high)|\[(\d+)\])?$")


# --- Numbers -----------------------------------------------------------------------------------


def parse_number(text: str) -> Decimal | None:
    """The Decimal a person meant: "779 730,50", "779730.50", "1.000.000", "0,3"; None when
    the text is not a number (or too long or too extreme to be one). With both separators
    the last one is the decimal mark. The shared number parser reads it."""
    return numbers.human_number_or_none(text or "")


def parse_percent(text: str) -> Decimal | None:
    """A percentage as the share it stands for, exactly: "30" → 0.30, "2,5" → 0.025."""
    number = parse_number(text)
    return None if number is None else number.scaleb(-2)


def format_number(value: Decimal, separator: str = ",", grouping: bool = True) -> str:
    """A Decimal for an input: every significant digit, no exponent, thousands apart."""
    text = format(value.normalize() if value == value.to_integral_value() else value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    negative = text.startswith("-")
    whole, _dot, fraction = text.lstrip("-").partition(".")
    if grouping and len(whole) > 4:
        groups: list[str] = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = " ".join([whole, *groups])
    return ("-" if negative else "") + whole + (separator + fraction if fraction else "")


def format_percent(share: Decimal, separator: str = ",") -> str:
    return format_number(share.scaleb(2), separator, grouping=False)


def _number(value: Any) -> Decimal | None:
    # Bounded by the shared parser: a stored hostile number is shown as its text, never
    # formatted digit by digit.
    return numbers.document_number_or_none(value)


def _show(value: Any, name: str, separator: str) -> str:
    """A document value as the editor shows it (text that is not a number stays as it is)."""
    number = _number(value)
    if number is None or not number.is_finite():
        return "" if value is None else str(value)
    if name in PERCENT_FIELDS:
        return format_percent(number, separator)
    return format_number(number, separator)


def show_value(value: Any, name: str, separator: str = ",") -> str:
    """A document value in the editor's notation (a share as a percentage, thousands apart)."""
    return _show(value, name, separator)


def document_number(value: Any) -> Decimal | None:
    """The number a document value stands for; None for anything else."""
    return _number(value)


def _read(text: str, name: str) -> str | None:
    """Form text → the document's decimal string; the text itself when it is no number (the
    validation then names the field); None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    number = parse_percent(text) if name in PERCENT_FIELDS else parse_number(text)
    return text if number is None else format(number, "f")


def _read_list(text: str, name: str) -> list[str | None] | None:
    text = (text or "").strip()
    if not text:
        return None
    return [_read(part, name) or "" for part in text.split(LIST_SEPARATOR)]


def _show_list(values: Any, name: str, separator: str) -> str:
    if not isinstance(values, list):
        return ""
    return f"{LIST_SEPARATOR} ".join(_show(v, name, separator) for v in values)


# --- The draft ---------------------------------------------------------------------------------


@dataclass
class ScenarioText:
    """One scenario-dependent input: one value, or low / medium / high when ``split``."""

    split: bool = False
    value: str = ""
    low: str = ""
    medium: str = ""
    high: str = ""


@dataclass
class LeverDraft:
    kind: str = "staff_time"
    name: str = ""
    stakeholder: str = "internal"
    category: str = "financial"
    attribution_share: str = ""
    realisation_rate: str = ""
    ramp_up: str = ""
    inputs: dict[str, ScenarioText] = field(default_factory=dict)

    def input(self, name: str) -> ScenarioText:
        return self.inputs.setdefault(name, ScenarioText())


@dataclass
class CostDraft:
    name: str = ""
    kind: str = "investment"
    mode: str = "annual"
    annual_amount: str = ""
    amounts: str = ""


@dataclass
class Draft:
    name: str = ""
    currency: str = "SEK"
    horizon_years: str = "3"
    discount_preset: str = DISCOUNT_PRESETS[0]
    discount_rate: str = ""  # the custom rate in %, used when discount_preset is CUSTOM
    levers: list[LeverDraft] = field(default_factory=list)
    costs: list[CostDraft] = field(default_factory=list)


def draft_from_document(document: Mapping[str, Any], separator: str = ",") -> Draft:
    """What the editor shows for a (saved, hence valid) document."""
    rate = _number(document.get("discount_rate"))
    rate = Decimal("0.03") if rate is None else rate
    preset = next((p for p in DISCOUNT_PRESETS if Decimal(p) == rate), CUSTOM)
    draft = Draft(
        name=str(document.get("name") or ""),
        currency=str(document.get("currency") or "SEK"),
        horizon_years=str(document.get("horizon_years") or ""),
        discount_preset=preset,
        discount_rate=format_percent(rate, separator) if preset == CUSTOM else "",
    )
    for item in document.get("levers") or []:
        lever = LeverDraft(
            kind=item.get("kind", "staff_time"),
            name=str(item.get("name") or ""),
            stakeholder=item.get("stakeholder", "internal"),
            category=item.get("category", "financial"),
            attribution_share=_show(item.get("attribution_share"), "attribution_share", separator),
            realisation_rate=_show(item.get("realisation_rate"), "realisation_rate", separator),
            ramp_up=_show_list(item.get("ramp_up"), "ramp_up", separator),
        )
        for name in KIND_INPUTS.get(lever.kind, ()):
            value = item.get(name)
            if isinstance(value, Mapping):
                lever.inputs[name] = ScenarioText(
                    split=True,
                    **{s: _show(value.get(s), name, separator) for s in SCENARIOS},
                )
            else:
                lever.inputs[name] = ScenarioText(value=_show(value, name, separator))
        draft.levers.append(lever)
    for item in document.get("costs") or []:
        annual = item.get("annual_amount")
        draft.costs.append(
            CostDraft(
                name=str(item.get("name") or ""),
                kind=item.get("kind", "investment"),
                mode="annual" if annual is not None else "years",
                annual_amount=_show(annual, "annual_amount", separator),
                amounts=_show_list(item.get("amounts"), "amounts", separator),
            )
        )
    return draft


def _count(data: Mapping[str, Any], name: str) -> int:
    number = parse_number(str(data.get(name) or ""))
    if number is None or number != number.to_integral_value():
        return 0
    return max(0, min(int(number), MAX_ROWS))


def draft_from_data(data: Mapping[str, Any]) -> Draft:
    """The draft a submitted editor form describes (a QueryDict or a plain mapping)."""

    def text(name: str) -> str:
        value = data.get(name)
        return "" if value is None else str(value)

    draft = Draft(
        name=text("name"),
        currency=text("currency") or "SEK",
        horizon_years=text("horizon_years"),
        discount_preset=text("discount_preset") or DISCOUNT_PRESETS[0],
        discount_rate=text("discount_rate"),
    )
    for i in range(_count(data, "levers-TOTAL")):
        prefix = f"levers-{i}-"
        lever = LeverDraft(
            kind=text(prefix + "kind") or "staff_time",
            name=text(prefix + "name"),
            stakeholder=text(prefix + "stakeholder") or "internal",
            category=text(prefix + "category") or "financial",
            attribution_share=text(prefix + "attribution_share"),
            realisation_rate=text(prefix + "realisation_rate"),
            ramp_up=text(prefix + "ramp_up"),
        )
        # Every input present is kept, so that switching the kind and back loses nothing.
        for name in SCENARIO_INPUTS:
            base = prefix + name
            if not any(key in data for key in (base, base + "-low", base + "-split")):
                continue
            lever.inputs[name] = ScenarioText(
                split=bool(data.get(base + "-split")),
                value=text(base),
                **{s: text(f"{base}-{s}") for s in SCENARIOS},
            )
        draft.levers.append(lever)
    for j in range(_count(data, "costs-TOTAL")):
        prefix = f"costs-{j}-"
        draft.costs.append(
            CostDraft(
                name=text(prefix + "name"),
                kind=text(prefix + "kind") or "investment",
                mode=text(prefix + "mode") if text(prefix + "mode") in COST_MODES else "annual",
                annual_amount=text(prefix + "annual_amount"),
                amounts=text(prefix + "amounts"),
            )
        )
    return draft


def draft_to_data(draft: Draft) -> dict[str, str]:
    """The form data that stands for ``draft`` (what the browser submits), e.g. for a
    preview request that starts from a saved model."""
    data = {
        "name": draft.name,
        "currency": draft.currency,
        "horizon_years": draft.horizon_years,
        "discount_preset": draft.discount_preset,
        "discount_rate": draft.discount_rate,
        "levers-TOTAL": str(len(draft.levers)),
        "costs-TOTAL": str(len(draft.costs)),
    }
    for i, lever in enumerate(draft.levers):
        prefix = f"levers-{i}-"
        for name in ("kind", "name", "stakeholder", "category", "attribution_share"):
            data[prefix + name] = getattr(lever, name)
        data[prefix + "realisation_rate"] = lever.realisation_rate
        data[prefix + "ramp_up"] = lever.ramp_up
        for name, entry in lever.inputs.items():
            data[prefix + name] = entry.value
            for scenario in SCENARIOS:
                data[f"{prefix}{name}-{scenario}"] = getattr(entry, scenario)
            if entry.split:
                data[f"{prefix}{name}-split"] = "1"
    for j, cost in enumerate(draft.costs):
        prefix = f"costs-{j}-"
        for name in ("name", "kind", "mode", "annual_amount", "amounts"):
            data[prefix + name] = getattr(cost, name)
    return data


def _scenario_value(entry: ScenarioText, name: str) -> Any:
    if entry.split:
        return {s: _read(getattr(entry, s), name) for s in SCENARIOS}
    return _read(entry.value, name)


def _horizon(text: str) -> Any:
    number = parse_number(text)
    if number is None:
        return text.strip() or None
    return int(number) if number == number.to_integral_value() else text.strip()


def document_from_draft(draft: Draft) -> dict[str, Any]:
    """The ``klassa.benefit-model/1`` document the draft stands for (not yet validated)."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "name": draft.name.strip(),
        "currency": draft.currency,
        "horizon_years": _horizon(draft.horizon_years),
    }
    if draft.discount_preset in DISCOUNT_PRESETS:
        document["discount_rate"] = draft.discount_preset
    else:
        document["discount_rate"] = _read(draft.discount_rate, "discount_rate") or ""
    levers = []
    for lever in draft.levers:
        item: dict[str, Any] = {
            "kind": lever.kind,
            "name": lever.name.strip(),
            "stakeholder": lever.stakeholder,
            "category": lever.category,
        }
        for name in KIND_INPUTS.get(lever.kind, ()):
            item[name] = _scenario_value(lever.input(name), name)
        for name in ("attribution_share", "realisation_rate"):
            value = _read(getattr(lever, name), name)
            if value is not None:
                item[name] = value
        ramp_up = _read_list(lever.ramp_up, "ramp_up")
        if ramp_up is not None:
            item["ramp_up"] = ramp_up
        levers.append(item)
    document["levers"] = levers
    costs = []
    for cost in draft.costs:
        entry: dict[str, Any] = {"name": cost.name.strip(), "kind": cost.kind}
        if cost.mode == "annual":
            value = _read(cost.annual_amount, "annual_amount")
            if value is not None:
                entry["annual_amount"] = value
        else:
            amounts = _read_list(cost.amounts, "amounts")
            if amounts is not None:
                entry["amounts"] = amounts
        costs.append(entry)
    document["costs"] = costs
    return document


def keep_unchanged_text(new: Any, old: Any) -> Any:
    """``new`` with every number that equals the one at the same place in ``old`` written as
    in ``old`` ("1" stays "1", not "1.00" from "100 %"), so that submitting the form
    unchanged changes nothing and the audit trail lists only real changes."""
    if isinstance(new, dict) and isinstance(old, Mapping):
        return {
            key: value if key in _TEXT_KEYS else keep_unchanged_text(value, old.get(key))
            for key, value in new.items()
        }
    if isinstance(new, list) and isinstance(old, list):
        return [
            keep_unchanged_text(value, old[i] if i < len(old) else None)
            for i, value in enumerate(new)
        ]
    if isinstance(new, str) and old is not None and not isinstance(old, (dict, list, bool)):
        before, after = _number(old), _number(new)
        if before is not None and after is not None and before.is_finite() and before == after:
            return old
    return new


def new_lever(kind: str, name: str = "") -> LeverDraft:
    kind = kind if kind in LEVER_KINDS else "staff_time"
    return LeverDraft(kind=kind, name=name, inputs={n: ScenarioText() for n in KIND_INPUTS[kind]})


# --- Errors → inputs ---------------------------------------------------------------------------


def input_name(path: str) -> str | None:
    """The form input a document error path names: ``levers[2].reduction.high`` →
    ``levers-2-reduction-high``; ``levers[0].ramp_up[1]`` → ``levers-0-ramp_up``; a whole
    lever or cost → ``levers-2`` / ``costs-0`` (shown on its row). None for fields the editor
    does not show (format, currency, the document as a whole)."""
    if path in {"name", "horizon_years", "discount_rate"}:
        return path
    match = _PATH.match(path)
    if match is None:
        return None
    group, index, name, scenario, _item = match.groups()
    prefix = f"{group}-{index}"
    if name is None:
        return prefix
    if scenario:
        return f"{prefix}-{name}-{scenario}"
    return f"{prefix}-{name}"


def list_item(path: str) -> int | None:
    """The list index an error path ends in (``ramp_up[1]`` → 1), to name the year."""
    match = _PATH.match(path)
    return int(match.group(5)) if match and match.group(5) is not None else None
