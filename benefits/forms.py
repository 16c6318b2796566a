"""Forms of the benefit-model page: the editor's fields (built from ``benefits.editor``'s
draft, with labels and the validation's messages in the user's language), the JSON document
form and the JSON import."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benefits import document as benefit_document
from benefits import editor, merge
from benefits.calculation import (
    CATEGORIES,
    COST_KINDS,
    KIND_INPUTS,
    LEVER_KINDS,
    SCENARIOS,
    STAKEHOLDERS,
)
from klassa_app import formatting, jsonload
from klassa_app.templatetags.klassa_format import number_style

MAX_IMPORT_BYTES = 1024 * 1024


class BenefitDocumentForm(forms.Form):
    document = forms.CharField(
        label=gettext_lazy("Benefit model (JSON, klassa.benefit-model/1)"),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false", "class": "font-monospace"}),
    )
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_document(self) -> Any:
        try:
            # Decimal, never float, from the first character on; depth and keys checked.
            return jsonload.load_document(self.cleaned_data["document"])
        except jsonload.JsonDocumentError as error:
            raise forms.ValidationError(
                _(error.template), code=error.code, params=error.params
            ) from error


class BenefitImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Benefit model file (JSON, klassa.benefit-model/1)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 1 MB."),
                code="too_large",
                params={"size": upload.size, "limit": MAX_IMPORT_BYTES},
            )
        try:
            return jsonload.load_document(upload.read())
        except jsonload.JsonDocumentError as error:
            if error.code == jsonload.SYNTAX:
                raise forms.ValidationError(
                    _("The file is not valid JSON: %(error)s (line %(line)s)."),
                    code=error.code,
                    params={"error": error.detail, "line": error.line},
                ) from error
            raise forms.ValidationError(
                _(error.template), code=error.code, params=error.params
            ) from error


class FteCostForm(forms.Form):
    """The valuation helper: monthly salary × 12 × on-cost factor."""

    monthly_salary = forms.CharField()
    on_cost_factor = forms.CharField(required=False)

    def _number(self, name: str) -> Decimal | None:
        number = editor.parse_number(self.cleaned_data.get(name) or "")
        if number is not None and (number < 0 or abs(number) >= Decimal("1e12")):
            return None
        return number

    def clean_monthly_salary(self) -> Decimal:
        number = self._number("monthly_salary")
        if number is None:
            raise forms.ValidationError(
                _("Enter the monthly salary as a number."),
                code="invalid",
                params={"value": self.cleaned_data.get("monthly_salary")},
            )
        return number

    def clean_on_cost_factor(self) -> Decimal | None:
        if not (self.cleaned_data.get("on_cost_factor") or "").strip():
            return None
        number = self._number("on_cost_factor")
        if number is None or number > 10:
            raise forms.ValidationError(
                _("Enter the on-cost factor as a number such as 1,54."),
                code="invalid",
                params={"value": self.cleaned_data.get("on_cost_factor")},
            )
        return number


# --- The editor's fields -----------------------------------------------------------------------


def kind_labels() -> dict[str, str]:
    return {
        "staff_time": _("Staff time"),
        "cost_base": _("Cost base"),
        "rate_change": _("Rate change"),
        "fixed_amount": _("Fixed amount"),
    }


def kind_help() -> dict[str, str]:
    return {
        "staff_time": _("Staff × annual cost per FTE × share of working time × reduction."),
        "cost_base": _("Cost base × reduction."),
        "rate_change": _("Population × (rate before − rate after) × cost per case."),
        "fixed_amount": _("An amount per year."),
    }


def field_labels() -> dict[str, str]:
    return {
        "staff_fte": _("Staff (FTE)"),
        "annual_cost_per_fte": _("Annual cost per FTE"),
        "time_share": _("Share of working time"),
        "reduction": _("Reduction"),
        "base_cost": _("Cost base per year"),
        "population": _("Population"),
        "rate_before": _("Rate before"),
        "rate_after": _("Rate after"),
        "unit_cost": _("Cost per case"),
        "amount": _("Amount per year"),
        "attribution_share": _("Attribution share"),
        "realisation_rate": _("Realisation rate"),
        "ramp_up": _("Ramp-up per year"),
    }


def scenario_labels() -> dict[str, str]:
    return {"low": _("Low"), "medium": _("Medium"), "high": _("High")}


def _unit(name: str) -> str:
    if name in editor.PERCENT_FIELDS or name == "discount_rate":
        return "%"
    if name in editor.MONEY_FIELDS or name in {"annual_amount", "amounts"}:
        return "kr"
    return ""


@dataclass
class Input:
    """One input of the editor as the template renders it."""

    name: str
    label: str
    value: str = ""
    errors: list[str] = field(default_factory=list)
    unit: str = ""
    help: str = ""
    widget: str = "text"  # text | select
    choices: list[tuple[str, str]] = field(default_factory=list)
    numeric: bool = True
    hide_label: bool = False
    # A rounded reading shown beside the input (staff in FTE); the input keeps every digit,
    # because the calculation uses the exact value.
    reading: str | None = None

    @property
    def id(self) -> str:
        return f"id_{self.name}"

    @property
    def help_id(self) -> str:
        return f"{self.name}-help"

    @property
    def error_id(self) -> str:
        return f"{self.name}-error"

    @property
    def reading_id(self) -> str:
        return f"{self.name}-reading"


@dataclass
class ScenarioInput:
    name: str
    label: str
    unit: str
    split: bool
    single: Input
    scenarios: list[Input]
    errors: list[str]

    @property
    def split_id(self) -> str:
        return f"id_{self.name}-split"

    @property
    def is_fte_cost(self) -> bool:
        return self.name.endswith("-annual_cost_per_fte")


@dataclass
class LeverView:
    index: int
    prefix: str
    title: str
    kind: Input
    name: Input
    stakeholder: Input
    category: Input
    inputs: list[ScenarioInput]
    attribution_share: Input
    realisation_rate: Input
    ramp_up: Input
    errors: list[str]
    has_fte_cost: bool

    @property
    def salary_name(self) -> str:
        return f"{self.prefix}monthly_salary"

    @property
    def factor_name(self) -> str:
        return f"{self.prefix}on_cost_factor"


@dataclass
class CostView:
    index: int
    prefix: str
    title: str
    name: Input
    kind: Input
    mode: str
    annual_amount: Input
    amounts: Input
    errors: list[str]


@dataclass
class EditorView:
    name: Input
    horizon_years: Input
    discount_preset: str
    discount_rate: Input
    currency: str
    levers: list[LeverView]
    costs: list[CostView]
    summary: list[tuple[str | None, str, str]]  # (input id or None, where, message)
    lock_version: int | None
    new_lever_kind: Input

    @property
    def presets(self) -> tuple[str, ...]:
        return editor.DISCOUNT_PRESETS

    @property
    def has_errors(self) -> bool:
        return bool(self.summary)


def translate_message(error: benefit_document.DocumentError) -> str:
    """A validation error of ``benefits.document`` in the user's language, phrased for the
    editor (percentages where the editor shows them); chosen by its template and parameters,
    any other in the document's own words (``error.localized``)."""
    path, message, params = error.path, error.template, error.params
    name = re.sub(r"\[\d+\]$", "", path).split(".")[-1]
    name = re.sub(r"\[\d+\]", "", name)
    if name in SCENARIOS:
        name = path.split(".")[-2]
    item = editor.list_item(path)
    prefix = ""
    if item is not None:
        year = item + 1 if name == "ramp_up" else item
        prefix = _("Year %(year)s: ") % {"year": year}
    fixed = {
        benefit_document.REQUIRED: _("Required."),
        benefit_document.UNKNOWN: _("Unknown field."),
        benefit_document.NOT_A_NUMBER: _("Enter a number."),
        benefit_document.NOT_A_SCENARIO_NUMBER: _("Enter a number."),
        benefit_document.TOO_LARGE: (
            _("Must be below %(limit)s kr.")
            if _unit(name) == "kr"
            else _("Must be below %(limit)s.")
        )
        % {"limit": editor.format_number(benefit_document.MAX_MAGNITUDE).replace(" ", "\u00a0")},
        benefit_document.NON_NEGATIVE: _("Must be 0 or more."),
        benefit_document.HORIZON: _("Enter a whole number of years from 1 to 30."),
        benefit_document.TOO_SMALL: _("Enter 0 or a number of at least 10^-30 in size."),
        benefit_document.TOO_PRECISE: _("Enter at most 40 significant digits."),
        benefit_document.NUL_CHARACTER: _("Must not contain a NUL character."),
        benefit_document.INVALID_CHARACTER: _("Contains an invalid character."),
        benefit_document.NOT_TEXT: _("Enter text."),
        # The editor's list inputs take values separated by semicolons; elsewhere (a whole
        # part of an uploaded document) it is the field's JSON type that is wrong.
        benefit_document.NOT_A_LIST: _("Enter values separated by semicolons.")
        if name in ("ramp_up", "amounts")
        else _("Must be a list."),
        benefit_document.NOT_AN_OBJECT: _("Must be an object."),
        benefit_document.DUPLICATE_NAME: _("Another lever already has this name."),
        benefit_document.AMOUNTS_OR_ANNUAL: _("Enter an annual amount or the amounts per year."),
        benefit_document.NOT_BOTH: _("Enter an annual amount or the amounts per year, not both."),
    }
    if message == benefit_document.SHARE:
        if name in editor.PERCENT_FIELDS or name == "discount_rate":
            return prefix + _("Must be between 0 and 100 %.")
        return prefix + _("Must be between 0 and 1.")
    if message in fixed:
        return prefix + fixed[message]
    if message == benefit_document.RATE_AFTER:
        return _("Must not be above the rate before.")
    if message == benefit_document.ONE_OF:
        return _("Choose one of the options.")
    if message == benefit_document.ENTRIES:
        count = int(params["count"])
        if name == "amounts":
            return _(
                "Enter %(count)s amounts, one for each year 0–%(last)s, separated by semicolons."
            ) % {"count": count, "last": count - 1}
        return _(
            "Enter %(count)s values, one for each year 1–%(count)s, separated by semicolons."
        ) % {"count": count}
    if message == benefit_document.TOO_LONG:
        return _("At most %(count)s characters.") % {"count": params["count"]}
    return prefix + error.localized


def fte_reading(text: str) -> str:
    """A number of FTE as people read it: "≈ 194,9 FTE" for "194,929387"; empty when the
    text is not a number."""
    value = editor.parse_number(text)
    if value is None or not value.is_finite():
        return ""
    return _("≈ %(fte)s FTE") % {"fte": formatting.number(value, 1, style=number_style())}


def build_editor(
    draft: editor.Draft,
    errors: list[benefit_document.DocumentError] | None = None,
    lock_version: int | None = None,
) -> EditorView:
    """The editor's fields for ``draft``, each with the errors whose path names it."""
    by_input: dict[str, list[str]] = {}
    for error in errors or []:
        name = editor.input_name(error.path)
        if name is not None:
            by_input.setdefault(name, []).append(translate_message(error))
    labels, kinds, scenarios = field_labels(), kind_labels(), scenario_labels()
    places: dict[str, tuple[str, str]] = {}  # input name → (id, readable place)

    def make(name: str, label: str, value: str, where: str = "", **kwargs: Any) -> Input:
        made = Input(name=name, label=label, value=value, errors=by_input.get(name, []), **kwargs)
        places[name] = (made.id, f"{where} · {label}" if where else label)
        return made

    view_levers = []
    for i, lever in enumerate(draft.levers):
        prefix = f"levers-{i}-"
        title = _("Lever %(n)s") % {"n": i + 1}
        where = f"{title} «{lever.name}»" if lever.name else title
        inputs = []
        for name in KIND_INPUTS.get(lever.kind, ()):
            entry = lever.input(name)
            base = prefix + name
            unit = _unit(name)
            reading: Callable[[str], str | None] = (
                fte_reading if name == "staff_fte" else lambda _text: None
            )
            single = make(
                base, labels[name], entry.value, where, unit=unit, reading=reading(entry.value)
            )
            per_scenario = [
                make(
                    f"{base}-{s}",
                    scenarios[s],
                    getattr(entry, s),
                    f"{where} · {labels[name]}",
                    unit=unit,
                    reading=reading(getattr(entry, s)),
                )
                for s in SCENARIOS
            ]
            inputs.append(
                ScenarioInput(
                    name=base,
                    label=labels[name],
                    unit=unit,
                    split=entry.split,
                    single=single,
                    scenarios=per_scenario,
                    errors=single.errors,
                )
            )
        row_errors = by_input.get(prefix.rstrip("-"), [])
        places[prefix.rstrip("-")] = (f"lever-{i}", where)
        view_levers.append(
            LeverView(
                index=i,
                prefix=prefix,
                title=title,
                kind=make(
                    prefix + "kind",
                    _("Kind"),
                    lever.kind,
                    where,
                    widget="select",
                    choices=[(k, kinds[k]) for k in LEVER_KINDS],
                    numeric=False,
                    help=kind_help().get(lever.kind, ""),
                ),
                name=make(prefix + "name", _("Name"), lever.name, where, numeric=False),
                stakeholder=make(
                    prefix + "stakeholder",
                    _("Stakeholder"),
                    lever.stakeholder,
                    where,
                    widget="select",
                    numeric=False,
                    choices=list(zip(STAKEHOLDERS, (_("Internal"), _("External")), strict=True)),
                ),
                category=make(
                    prefix + "category",
                    _("Category"),
                    lever.category,
                    where,
                    widget="select",
                    numeric=False,
                    choices=list(
                        zip(
                            CATEGORIES,
                            (
                                _("Financial (cashable)"),
                                _("Redistribution (freed capacity)"),
                                _("Quality"),
                                _("Environment"),
                            ),
                            strict=True,
                        )
                    ),
                ),
                inputs=inputs,
                attribution_share=make(
                    prefix + "attribution_share",
                    labels["attribution_share"],
                    lever.attribution_share,
                    where,
                    unit="%",
                    help=_("The share of the benefit due to this initiative; empty = 100 %."),
                ),
                realisation_rate=make(
                    prefix + "realisation_rate",
                    labels["realisation_rate"],
                    lever.realisation_rate,
                    where,
                    unit="%",
                    help=_("The share expected to be realised; empty = 100 %."),
                ),
                ramp_up=make(
                    prefix + "ramp_up",
                    labels["ramp_up"],
                    lever.ramp_up,
                    where,
                    unit="%",
                    help=_(
                        "One percentage per year 1…H separated by semicolons, e.g. 50; 100; 100. "
                        "Empty = 100 % every year."
                    ),
                ),
                errors=row_errors,
                has_fte_cost="annual_cost_per_fte" in KIND_INPUTS.get(lever.kind, ()),
            )
        )
    view_costs = []
    cost_kinds = {"investment": _("Investment"), "running": _("Running cost")}
    for j, cost in enumerate(draft.costs):
        prefix = f"costs-{j}-"
        title = _("Cost %(n)s") % {"n": j + 1}
        where = f"{title} «{cost.name}»" if cost.name else title
        places[prefix.rstrip("-")] = (f"cost-{j}", where)
        view_costs.append(
            CostView(
                index=j,
                prefix=prefix,
                title=title,
                name=make(prefix + "name", _("Name"), cost.name, where, numeric=False),
                kind=make(
                    prefix + "kind",
                    _("Kind"),
                    cost.kind,
                    where,
                    widget="select",
                    numeric=False,
                    choices=[(k, cost_kinds[k]) for k in COST_KINDS],
                ),
                mode=cost.mode,
                annual_amount=make(
                    prefix + "annual_amount",
                    _("Amount each year 1…H"),
                    cost.annual_amount,
                    where,
                    unit="kr",
                ),
                amounts=make(
                    prefix + "amounts",
                    _("Amounts for years 0…H"),
                    cost.amounts,
                    where,
                    unit="kr",
                    help=_(
                        "Year 0 is now. Separate the amounts with semicolons, "
                        "e.g. 5 000 000; 2 000 000; 0; 0."
                    ),
                ),
                errors=by_input.get(prefix.rstrip("-"), []),
            )
        )
    view = EditorView(
        name=make("name", _("Model name"), draft.name, numeric=False),
        horizon_years=make(
            "horizon_years", _("Horizon (years)"), draft.horizon_years, help=_("1 to 30 years.")
        ),
        discount_preset=draft.discount_preset,
        discount_rate=make(
            "discount_rate", _("Other discount rate"), draft.discount_rate, unit="%"
        ),
        currency=draft.currency,
        levers=view_levers,
        costs=view_costs,
        summary=[],
        lock_version=lock_version,
        new_lever_kind=Input(
            name="new_lever_kind",
            label=_("Kind of the new lever"),
            value="staff_time",
            widget="select",
            choices=[(k, kinds[k]) for k in LEVER_KINDS],
            numeric=False,
        ),
    )
    for error in errors or []:
        message = translate_message(error)
        name = editor.input_name(error.path)
        if name is not None and name in places:
            input_id, where = places[name]
            view.summary.append((input_id, where, message))
        else:
            view.summary.append((None, error.path, message))
    return view


# --- The merge view of a collision --------------------------------------------------------------


@dataclass
class MergeRow:
    """One difference between mine and theirs as the merge view shows it."""

    index: int
    key: tuple[str, ...]
    label: str
    mine: str
    theirs: str
    base: str | None  # None when the base is unknown
    conflict: bool
    choice: str  # "mine", "theirs" or "" (a conflict not yet decided)
    error: str = ""
    changed_by: str = ""

    @property
    def name(self) -> str:
        return f"merge-{self.index}"


def _merge_value(field_name: str, value: Any, separator: str) -> str:
    """A flattened document value in the reader's notation ("30 %", "120 000 kr")."""
    if value is None:
        return _("(not set)")
    if field_name == merge.COST_AMOUNT:
        mode, amount = value
        if mode == "annual":
            return _("%(amount)s kr each year") % {
                "amount": _merge_value("annual_amount", amount, separator)
            }
        return "; ".join(_merge_value("amounts", v, separator) for v in amount) + " kr"
    if isinstance(value, tuple):
        return "; ".join(_merge_value(field_name, v, separator) for v in value)
    labels = {**kind_labels(), "investment": _("Investment"), "running": _("Running cost")}
    if field_name in {"kind", "stakeholder", "category"}:
        names = {
            "internal": _("Internal"),
            "external": _("External"),
            "financial": _("Financial (cashable)"),
            "redistribution": _("Redistribution (freed capacity)"),
            "quality": _("Quality"),
            "environment": _("Environment"),
            **labels,
        }
        return names.get(str(value), str(value))
    if field_name in merge.TEXT_FIELDS or field_name == "horizon_years":
        return str(value)
    shown = editor.show_value(value, field_name, separator)
    if editor.document_number(value) is None:
        return shown
    return f"{shown} {_unit(field_name)}".strip()


def _merge_field_label(field_path: tuple[str, ...]) -> str:
    labels, scenarios = field_labels(), scenario_labels()
    name = field_path[0]
    other = {
        "kind": _("Kind"),
        "stakeholder": _("Stakeholder"),
        "category": _("Category"),
        "group": _("Staff group"),
        merge.COST_AMOUNT: _("Amounts"),
    }
    label = labels.get(name) or other.get(name, name)
    if len(field_path) > 1:
        label = f"{label} ({scenarios.get(field_path[1], field_path[1]).lower()})"
    return label


def _merge_item_value(fields: Any, separator: str) -> str:
    if fields is None:
        return _("(removed)")
    return "; ".join(
        f"{_merge_field_label(key)}: {_merge_value(key[0], value, separator)}"
        for key, value in fields.items()
        if value is not None
    )


def merge_rows(
    result: merge.Merge,
    separator: str,
    choices: Mapping[int, str] | None = None,
    missing: set[int] | None = None,
) -> list[MergeRow]:
    """The merge view's rows: a label that says where the field is, mine, theirs and (when
    known) the version both started from, and the choice shown (the person's, else the
    default; none for an undecided conflict)."""
    model_labels = {
        "name": _("Model name"),
        "currency": _("Currency"),
        "horizon_years": _("Horizon (years)"),
        "discount_rate": _("Discount rate"),
    }
    rows = []
    for group in merge.rows(result):
        index = group[0]
        difference = result.differences[index]
        # A row of all three scenarios reads as the input itself.
        key = difference.key[:3] if len(group) == 3 else difference.key
        show: Callable[[Any], str]
        if key[0] == "model":
            label = model_labels.get(key[1], key[1])
            show = partial(_merge_value, key[1], separator=separator)
        else:
            where = (_("Lever “%(name)s”") if key[0] == "lever" else _("Cost “%(name)s”")) % {
                "name": key[1]
            }
            if difference.whole_item:
                label = where
                show = partial(_merge_item_value, separator=separator)
            else:
                label = f"{where} · {_merge_field_label(key[2:])}"
                show = partial(_merge_value, key[2], separator=separator)
        if not result.base_known:
            changed_by = ""
        elif difference.conflict:
            changed_by = _("Changed by both of you: choose one.")
        elif difference.mine_changed:
            changed_by = _("Changed by you.")
        else:
            changed_by = _("Changed by the other person.")
        chosen = (choices or {}).get(index) or difference.default or ""
        rows.append(
            MergeRow(
                index=index,
                key=key,
                label=label,
                mine=show(difference.mine),
                theirs=show(difference.theirs),
                base=show(difference.base) if result.base_known else None,
                conflict=difference.conflict,
                choice=chosen,
                error=_("Choose your value or theirs.") if index in (missing or set()) else "",
                changed_by=changed_by,
            )
        )
    return rows
