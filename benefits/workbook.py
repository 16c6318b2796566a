"""A benefit model as an XLSX workbook whose figures are spreadsheet formulas.

Economists audit spreadsheets, not code: the "Inputs" sheet holds every input of the
``klassa.benefit-model/1`` document as a value, and every other figure is a formula that
refers to those cells, following ``shared/reference/benefit-model.md`` step by step (the
potential of each lever kind, attribution, realisation, ramp-up, B_t, C_t, net, cumulative
net, investment room, discounting, NPV, PV of benefits and costs, BCR, ROI, interpolated
payback and IRR). Changing an input in Excel or LibreOffice recomputes everything, and the
tests recompute the workbook and compare it with ``benefits.calculation``.

Layout: "Summary" (the three scenarios side by side), "Inputs", then one sheet per scenario
with the same layout, so that the same address means the same figure on each of them.
``Layout`` gives the addresses; the labels follow the active language.

IRR is Excel's ``=IRR(net flow)``, shown only when the net flow changes sign exactly once
(counted by intermediate rows), as in the application; elsewhere it stays empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from benefits.calculation import KIND_INPUTS, MONEY_INPUTS, SCENARIOS, SHARE_INPUTS, BenefitModel

# The thousands separator of "#,##0" is the reader's own: a space in Swedish Excel/LibreOffice.
MONEY_FORMAT = '#,##0 "kr"'
PERCENT_FORMAT = "0.0%"
RATIO_FORMAT = "0.00"
NUMBER_FORMAT = "#,##0.######"
FACTOR_FORMAT = "0.000000"

TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
HEADER_ALIGNMENT = Alignment(vertical="top", wrap_text=True)

SCENARIO_LABELS = {
    "low": gettext_lazy("Low"),
    "medium": gettext_lazy("Medium"),
    "high": gettext_lazy("High"),
}
KIND_LABELS = {
    "staff_time": gettext_lazy("Staff time"),
    "cost_base": gettext_lazy("Cost base"),
    "rate_change": gettext_lazy("Rate change"),
    "fixed_amount": gettext_lazy("Fixed amount"),
}
STAKEHOLDER_LABELS = {
    "internal": gettext_lazy("Internal"),
    "external": gettext_lazy("External"),
}
CATEGORY_LABELS = {
    "financial": gettext_lazy("Financial (cashable)"),
    "redistribution": gettext_lazy("Redistribution (freed capacity)"),
    "quality": gettext_lazy("Quality"),
    "environment": gettext_lazy("Environment"),
}
COST_KIND_LABELS = {
    "investment": gettext_lazy("Investment"),
    "running": gettext_lazy("Running"),
}
INPUT_LABELS = {
    "staff_fte": gettext_lazy("Staff (FTE)"),
    "annual_cost_per_fte": gettext_lazy("Annual cost per FTE"),
    "time_share": gettext_lazy("Share of working time"),
    "reduction": gettext_lazy("Reduction"),
    "base_cost": gettext_lazy("Cost base"),
    "population": gettext_lazy("Population"),
    "rate_before": gettext_lazy("Rate before"),
    "rate_after": gettext_lazy("Rate after"),
    "unit_cost": gettext_lazy("Unit cost"),
    "amount": gettext_lazy("Amount per year"),
}

# The key figures of a scenario sheet, in order: (key, label, number format).
FIGURES: tuple[tuple[str, Any, str], ...] = (
    ("total_benefit", gettext_lazy("Total benefit"), MONEY_FORMAT),
    ("internal_benefit", gettext_lazy("Internal benefit"), MONEY_FORMAT),
    ("external_benefit", gettext_lazy("External benefit"), MONEY_FORMAT),
    ("total_cost", gettext_lazy("Total cost"), MONEY_FORMAT),
    ("npv", gettext_lazy("Net present value (NPV)"), MONEY_FORMAT),
    ("pv_benefit", gettext_lazy("Present value of benefits"), MONEY_FORMAT),
    ("pv_cost", gettext_lazy("Present value of costs"), MONEY_FORMAT),
    ("bcr", gettext_lazy("Benefit-cost ratio (BCR)"), RATIO_FORMAT),
    ("roi", gettext_lazy("Return on investment (ROI)"), PERCENT_FORMAT),
    ("payback_years", gettext_lazy("Payback (years)"), RATIO_FORMAT),
    ("sign_changes", gettext_lazy("Sign changes of the net flow"), "0"),
    ("irr", gettext_lazy("Internal rate of return (IRR)"), PERCENT_FORMAT),
)
FIGURE_KEYS = tuple(key for key, _label, _format in FIGURES)


def _sheet_ref(name: str) -> str:
    """A sheet name as formulas write it (always quoted: names may hold spaces or å, ä, ö)."""
    return "'{}'".format(name.replace("'", "''"))


def _sheet_title(text: str) -> str:
    """A legal sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in text).strip("' ")
    return cleaned[:31] or "Sheet"


def col(index: int) -> str:
    return get_column_letter(index)


@dataclass(frozen=True)
class Layout:
    """Where everything is. Rows and columns are 1-based; the scenario sheets share one layout.

    Inputs: general inputs in column B; the levers table (one row per lever: attribution,
    realisation, ramp-up per year); the lever inputs table (one row per input of a lever, with
    low/medium/high columns); the costs table (one row per cost, years 0..H).
    Scenario sheets: one row per lever (potential, benefit per year, total), the rows per year
    (benefit, cost, net, cumulative net, investment room, discount factor and intermediate steps),
    then the key figures in column C.
    """

    horizon: int
    lever_inputs: tuple[tuple[str, ...], ...]  # per lever, the names of its inputs
    costs: int

    @classmethod
    def of(cls, model: BenefitModel) -> Layout:
        return cls(
            horizon=model.horizon_years,
            lever_inputs=tuple(KIND_INPUTS[lever.kind] for lever in model.levers),
            costs=len(model.costs),
        )

    @property
    def levers(self) -> int:
        return len(self.lever_inputs)

    # --- Inputs ---

    HORIZON_CELL = "B6"
    RATE_CELL = "B7"
    CURRENCY_CELL = "B8"
    LEVERS_HEADER = 10
    ATTRIBUTION_COLUMN = 5
    REALISATION_COLUMN = 6

    def lever_row(self, lever: int) -> int:
        return self.LEVERS_HEADER + 1 + lever

    def ramp_column(self, year: int) -> int:
        """Column of the ramp-up of year 1..H in the levers table."""
        return self.REALISATION_COLUMN + year

    @property
    def inputs_header(self) -> int:
        return self.LEVERS_HEADER + self.levers + 2

    def input_row(self, lever: int, name: str) -> int:
        before = sum(len(names) for names in self.lever_inputs[:lever])
        return self.inputs_header + 1 + before + self.lever_inputs[lever].index(name)

    @staticmethod
    def scenario_column(scenario: str) -> int:
        """Column of a scenario's value in the lever inputs table."""
        return 3 + SCENARIOS.index(scenario)

    @property
    def costs_header(self) -> int:
        return self.inputs_header + sum(len(names) for names in self.lever_inputs) + 2

    def cost_row(self, cost: int) -> int:
        return self.costs_header + 1 + cost

    @staticmethod
    def cost_column(year: int) -> int:
        """Column of year 0..H in the costs table."""
        return 4 + year

    # --- Scenario sheets ---

    HEADER = 4
    POTENTIAL_COLUMN = 3

    def scenario_lever_row(self, lever: int) -> int:
        return self.HEADER + 1 + lever

    @staticmethod
    def year_column(year: int) -> int:
        """Column of year 0..H on a scenario sheet."""
        return 4 + year

    @property
    def total_column(self) -> int:
        return self.year_column(self.horizon) + 1

    def _year_row(self, offset: int) -> int:
        return self.HEADER + self.levers + 2 + offset

    @property
    def benefit_row(self) -> int:
        return self._year_row(0)

    @property
    def cost_row_(self) -> int:
        return self._year_row(1)

    @property
    def net_row(self) -> int:
        return self._year_row(2)

    @property
    def cumulative_row(self) -> int:
        return self._year_row(3)

    @property
    def room_row(self) -> int:
        return self._year_row(4)

    @property
    def discount_row(self) -> int:
        return self._year_row(5)

    @property
    def payback_row(self) -> int:
        return self._year_row(6)

    @property
    def sign_row(self) -> int:
        return self._year_row(7)

    @property
    def last_sign_row(self) -> int:
        return self._year_row(8)

    @property
    def change_row(self) -> int:
        return self._year_row(9)

    @property
    def figures_header(self) -> int:
        return self._year_row(11)

    def figure_cell(self, key: str) -> str:
        """Address of a key figure on a scenario sheet."""
        return f"{col(self.POTENTIAL_COLUMN)}{self.figures_header + 1 + FIGURE_KEYS.index(key)}"

    def year_cell(self, row: int, year: int) -> str:
        return f"{col(self.year_column(year))}{row}"

    def year_range(self, row: int, first: int = 0) -> str:
        return f"{self.year_cell(row, first)}:{self.year_cell(row, self.horizon)}"

    # --- Summary ---

    def summary_figure_row(self, key: str) -> int:
        return self.HEADER + 1 + FIGURE_KEYS.index(key)

    @property
    def summary_room_header(self) -> int:
        return self.HEADER + len(FIGURES) + 2

    def summary_room_row(self, year: int) -> int:
        """Row of the investment room of year 1..H on the summary sheet."""
        return self.summary_room_header + year

    @staticmethod
    def summary_column(scenario: str) -> int:
        return 2 + SCENARIOS.index(scenario)


@dataclass(frozen=True)
class SheetNames:
    summary: str
    inputs: str
    scenarios: dict[str, str]


def sheet_names() -> SheetNames:
    """The sheet names in the active language."""
    return SheetNames(
        summary=_sheet_title(_("Summary")),
        inputs=_sheet_title(_("Inputs")),
        scenarios={s: _sheet_title(str(SCENARIO_LABELS[s])) for s in SCENARIOS},
    )


# --- Writing cells -----------------------------------------------------------------------------


def _value(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, Decimal):
        # A plain decimal (no exponent) keeps the file readable; the value is unchanged.
        return int(value) if value == value.to_integral_value() else Decimal(format(value, "f"))
    return value


def _text(ws: Worksheet, address: str, text: Any, *, bold: bool = False) -> None:
    cell = ws[address]
    cell.value = _value(str(text))
    cell.data_type = "s"  # text is text: a name starting with "=" never becomes a formula
    if bold:
        cell.font = BOLD


def _number(ws: Worksheet, address: str, value: Decimal | int, number_format: str) -> None:
    cell = ws[address]
    cell.value = _value(value)
    cell.number_format = number_format


def _formula(ws: Worksheet, address: str, formula: str, number_format: str = "") -> None:
    cell = ws[address]
    cell.value = formula
    if number_format:
        cell.number_format = number_format


def _header(ws: Worksheet, row: int, labels: Sequence[Any]) -> None:
    for index, label in enumerate(labels, start=1):
        _text(ws, f"{col(index)}{row}", label, bold=True)
        ws[f"{col(index)}{row}"].alignment = HEADER_ALIGNMENT


def _title(ws: Worksheet, title: str, subtitle: str) -> None:
    _text(ws, "A1", title)
    ws["A1"].font = TITLE_FONT
    _text(ws, "A2", subtitle)


def _widths(ws: Worksheet, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[col(index)].width = width


def _input_format(name: str) -> str:
    if name in MONEY_INPUTS:
        return MONEY_FORMAT
    if name in SHARE_INPUTS:
        return PERCENT_FORMAT
    return NUMBER_FORMAT


def _year_label(year: int) -> str:
    return _("Year %(year)s") % {"year": year}


# --- Sheets ------------------------------------------------------------------------------------


def _inputs_sheet(ws: Worksheet, model: BenefitModel, layout: Layout, title: str) -> None:
    horizon = layout.horizon
    _title(ws, title, f"{model.name} ({model.currency})")
    _text(ws, "A3", _("Change the values on this sheet; every other sheet recomputes from them."))

    _header(ws, 5, [_("Input"), _("Value")])
    _text(ws, "A6", _("Horizon (years)"))
    _number(ws, layout.HORIZON_CELL, model.horizon_years, "0")
    _text(ws, "A7", _("Discount rate"))
    _number(ws, layout.RATE_CELL, model.discount_rate, PERCENT_FORMAT)
    _text(ws, "A8", _("Currency"))
    _text(ws, layout.CURRENCY_CELL, model.currency)

    _header(
        ws,
        layout.LEVERS_HEADER,
        [
            _("Lever"),
            _("Kind"),
            _("Stakeholder"),
            _("Category"),
            _("Attribution share"),
            _("Realisation rate"),
            *(_("Ramp-up year %(year)s") % {"year": t} for t in range(1, horizon + 1)),
        ],
    )
    for i, lever in enumerate(model.levers):
        row = layout.lever_row(i)
        _text(ws, f"A{row}", lever.name)
        _text(ws, f"B{row}", KIND_LABELS[lever.kind])
        _text(ws, f"C{row}", STAKEHOLDER_LABELS[lever.stakeholder])
        _text(ws, f"D{row}", CATEGORY_LABELS[lever.category])
        _number(
            ws, f"{col(layout.ATTRIBUTION_COLUMN)}{row}", lever.attribution_share, PERCENT_FORMAT
        )
        _number(
            ws, f"{col(layout.REALISATION_COLUMN)}{row}", lever.realisation_rate, PERCENT_FORMAT
        )
        for t in range(1, horizon + 1):
            _number(ws, f"{col(layout.ramp_column(t))}{row}", lever.ramp(t), PERCENT_FORMAT)

    _header(
        ws,
        layout.inputs_header,
        [_("Lever"), _("Input"), *(SCENARIO_LABELS[s] for s in SCENARIOS)],
    )
    for i, lever in enumerate(model.levers):
        for name, value in lever.inputs().items():
            row = layout.input_row(i, name)
            _text(ws, f"A{row}", lever.name)
            _text(ws, f"B{row}", INPUT_LABELS[name])
            for scenario in SCENARIOS:
                address = f"{col(layout.scenario_column(scenario))}{row}"
                _number(ws, address, value[scenario], _input_format(name))

    _header(
        ws,
        layout.costs_header,
        [
            _("Cost"),
            _("Kind"),
            _("Given as"),
            *(_year_label(t) for t in range(horizon + 1)),
        ],
    )
    for j, cost in enumerate(model.costs):
        row = layout.cost_row(j)
        _text(ws, f"A{row}", cost.name)
        _text(ws, f"B{row}", COST_KIND_LABELS[cost.kind])
        given_as = (
            _("Annual amount in years 1–%(horizon)s") % {"horizon": horizon}
            if cost.annual_amount is not None
            else _("Amount per year")
        )
        _text(ws, f"C{row}", given_as)
        for t in range(horizon + 1):
            _number(ws, f"{col(layout.cost_column(t))}{row}", cost.amount(t), MONEY_FORMAT)

    ws.freeze_panes = "B5"
    _widths(ws, [48, 22, 22, 26, *([16] * (horizon + 3))])


def _scenario_sheet(
    ws: Worksheet,
    model: BenefitModel,
    layout: Layout,
    names: SheetNames,
    scenario: str,
    title: str,
) -> None:
    horizon = layout.horizon
    inputs = _sheet_ref(names.inputs)
    _title(ws, title, _("Scenario: %(scenario)s") % {"scenario": SCENARIO_LABELS[scenario]})
    _text(
        ws,
        "A3",
        _("Every figure is a formula on the Inputs sheet; the rows marked 'Step' show how."),
    )
    _header(
        ws,
        layout.HEADER,
        [
            _("Lever"),
            _("Stakeholder"),
            _("Potential per year"),
            *(_year_label(t) for t in range(horizon + 1)),
            _("Total"),
        ],
    )

    def inp(column: int, row: int) -> str:
        return f"{inputs}!${col(column)}${row}"

    # One row per lever: potential (the kind's formula), benefit per year, total.
    value_column = layout.scenario_column(scenario)
    for i, lever in enumerate(model.levers):
        row = layout.scenario_lever_row(i)
        lever_row = layout.lever_row(i)
        _formula(ws, f"A{row}", f"={inputs}!$A${lever_row}")
        _formula(ws, f"B{row}", f"={inputs}!$C${lever_row}")
        field = {name: inp(value_column, layout.input_row(i, name)) for name in lever.inputs()}
        if lever.kind == "staff_time":
            potential = (
                f"={field['staff_fte']}*{field['annual_cost_per_fte']}"
                f"*{field['time_share']}*{field['reduction']}"
            )
        elif lever.kind == "cost_base":
            potential = f"={field['base_cost']}*{field['reduction']}"
        elif lever.kind == "rate_change":
            potential = (
                f"={field['population']}*({field['rate_before']}-{field['rate_after']})"
                f"*{field['unit_cost']}"
            )
        else:
            potential = f"={field['amount']}"
        _formula(ws, f"{col(layout.POTENTIAL_COLUMN)}{row}", potential, MONEY_FORMAT)
        # Benefits start in year 1: year 0 stays empty (and counts as 0).
        for t in range(1, horizon + 1):
            _formula(
                ws,
                layout.year_cell(row, t),
                f"=$C{row}*{inp(layout.ATTRIBUTION_COLUMN, lever_row)}"
                f"*{inp(layout.REALISATION_COLUMN, lever_row)}"
                f"*{inputs}!{col(layout.ramp_column(t))}${lever_row}",
                MONEY_FORMAT,
            )
        _formula(
            ws,
            f"{col(layout.total_column)}{row}",
            f"=SUM({layout.year_range(row)})",
            MONEY_FORMAT,
        )

    # The rows per year.
    labels = {
        layout.benefit_row: _("Benefit (B)"),
        layout.cost_row_: _("Cost (C)"),
        layout.net_row: _("Net (B − C)"),
        layout.cumulative_row: _("Cumulative net"),
        layout.room_row: _("Investment room (Σ B from year 1)"),
        layout.discount_row: _("Discount factor 1/(1+r)^t"),
        layout.payback_row: _("Step: payback once cumulative net ≥ 0"),
        layout.sign_row: _("Step: sign of the net"),
        layout.last_sign_row: _("Step: last non-zero sign"),
        layout.change_row: _("Step: sign change"),
    }
    for row, label in labels.items():
        _text(ws, f"A{row}", label, bold=row in (layout.benefit_row, layout.net_row))

    first_lever = layout.scenario_lever_row(0)
    last_lever = layout.scenario_lever_row(layout.levers - 1)
    first_cost, last_cost = layout.cost_row(0), layout.cost_row(layout.costs - 1)
    rate = f"{inputs}!${layout.RATE_CELL[0]}${layout.RATE_CELL[1:]}"
    for t in range(horizon + 1):
        c = col(layout.year_column(t))
        p = col(layout.year_column(t - 1)) if t else ""
        cost_column = col(layout.cost_column(t))

        def at(row: int, c: str = c) -> str:
            return f"{c}{row}"

        benefit = f"=SUM({c}{first_lever}:{c}{last_lever})" if layout.levers else "=0"
        _formula(ws, at(layout.benefit_row), benefit, MONEY_FORMAT)
        cost = (
            f"=SUM({inputs}!{cost_column}${first_cost}:{cost_column}${last_cost})"
            if layout.costs
            else "=0"
        )
        _formula(ws, at(layout.cost_row_), cost, MONEY_FORMAT)
        _formula(
            ws,
            at(layout.net_row),
            f"={at(layout.benefit_row)}-{at(layout.cost_row_)}",
            MONEY_FORMAT,
        )
        cumulative = (
            f"={p}{layout.cumulative_row}+{at(layout.net_row)}" if t else f"={at(layout.net_row)}"
        )
        _formula(ws, at(layout.cumulative_row), cumulative, MONEY_FORMAT)
        room = f"=SUM({layout.year_cell(layout.benefit_row, 1)}:{at(layout.benefit_row)})"
        _formula(ws, at(layout.room_row), room if t else "=0", MONEY_FORMAT)
        _formula(ws, at(layout.discount_row), f"=1/(1+{rate})^{t}", FACTOR_FORMAT)
        # Payback: 0 when cumulative net 0 ≥ 0; else the first year k with cumulative
        # net ≥ 0 gives (k − 1) + |cumulative net k−1| / net k; once found it is carried on.
        if t == 0:
            payback = f'=IF({at(layout.cumulative_row)}>=0,0,"")'
        else:
            found = f"{p}{layout.payback_row}"
            payback = (
                f"=IF(ISNUMBER({found}),{found},IF({at(layout.cumulative_row)}>=0,"
                f'{t - 1}+ABS({p}{layout.cumulative_row})/{at(layout.net_row)},""))'
            )
        _formula(ws, at(layout.payback_row), payback, RATIO_FORMAT)
        # Sign changes of the net flow, zeros ignored (IRR is defined only for one change).
        _formula(ws, at(layout.sign_row), f"=SIGN({at(layout.net_row)})", "0")
        sign = at(layout.sign_row)
        if t == 0:
            _formula(ws, at(layout.last_sign_row), f"={sign}", "0")
            _formula(ws, at(layout.change_row), "=0", "0")
        else:
            last = f"{p}{layout.last_sign_row}"
            _formula(ws, at(layout.last_sign_row), f"=IF({sign}=0,{last},{sign})", "0")
            _formula(
                ws,
                at(layout.change_row),
                f"=IF(AND({sign}<>0,{last}<>0,{sign}<>{last}),1,0)",
                "0",
            )
    total = col(layout.total_column)
    for row in (layout.benefit_row, layout.cost_row_, layout.net_row):
        _formula(ws, f"{total}{row}", f"=SUM({layout.year_range(row)})", MONEY_FORMAT)

    # The key figures.
    _header(ws, layout.figures_header, [_("Key figure"), "", _("Value")])
    cell = layout.figure_cell
    dfs = layout.year_range(layout.discount_row)

    def stakeholder_sum(stakeholder: str) -> str:
        if not layout.levers:
            return "=0"
        criterion = str(STAKEHOLDER_LABELS[stakeholder]).replace('"', '""')
        return (
            f'=SUMIF($B${first_lever}:$B${last_lever},"{criterion}",'
            f"${total}${first_lever}:${total}${last_lever})"
        )

    formulas = {
        "total_benefit": f"={total}{layout.benefit_row}",
        "internal_benefit": stakeholder_sum("internal"),
        "external_benefit": stakeholder_sum("external"),
        "total_cost": f"={total}{layout.cost_row_}",
        "npv": f"=SUMPRODUCT({layout.year_range(layout.net_row)},{dfs})",
        "pv_benefit": f"=SUMPRODUCT({layout.year_range(layout.benefit_row)},{dfs})",
        "pv_cost": f"=SUMPRODUCT({layout.year_range(layout.cost_row_)},{dfs})",
        "bcr": f'=IF({cell("pv_cost")}=0,"",{cell("pv_benefit")}/{cell("pv_cost")})',
        "roi": (
            f'=IF({cell("total_cost")}=0,"",'
            f"({cell('total_benefit')}-{cell('total_cost')})/{cell('total_cost')})"
        ),
        "payback_years": f"={layout.year_cell(layout.payback_row, horizon)}",
        "sign_changes": f"=SUM({layout.year_range(layout.change_row)})",
        "irr": (
            f'=IF({cell("sign_changes")}=1,IFERROR(IRR({layout.year_range(layout.net_row)}),""),"")'
        ),
    }
    for key, label, number_format in FIGURES:
        row = layout.figures_header + 1 + FIGURE_KEYS.index(key)
        _text(ws, f"A{row}", label)
        _formula(ws, cell(key), formulas[key], number_format)
    notes = {
        "payback_years": _("Empty when the model does not pay back within the horizon."),
        "irr": _("Excel's IRR of the net flow, shown only when the net flow changes sign once."),
        "bcr": _("Empty when there are no costs."),
        "roi": _("Over all years, undiscounted; empty when there are no costs."),
    }
    for key, note in notes.items():
        _text(ws, f"D{layout.figures_header + 1 + FIGURE_KEYS.index(key)}", note)

    ws.freeze_panes = f"{col(layout.year_column(0))}{layout.HEADER + 1}"
    _widths(ws, [44, 14, 20, *([16] * (horizon + 2))])


def _summary_sheet(
    ws: Worksheet, model: BenefitModel, layout: Layout, names: SheetNames, title: str
) -> None:
    _title(ws, title, model.name)
    inputs = _sheet_ref(names.inputs)
    _text(ws, "A3", _("Discount rate"))
    _formula(ws, "B3", f"={inputs}!{layout.RATE_CELL}", PERCENT_FORMAT)
    _header(ws, layout.HEADER, [_("Key figure"), *(SCENARIO_LABELS[s] for s in SCENARIOS)])
    for key, label, number_format in FIGURES:
        row = layout.summary_figure_row(key)
        _text(ws, f"A{row}", label)
        for scenario in SCENARIOS:
            sheet = _sheet_ref(names.scenarios[scenario])
            _formula(
                ws,
                f"{col(layout.summary_column(scenario))}{row}",
                f"={sheet}!{layout.figure_cell(key)}",
                number_format,
            )
    _header(
        ws,
        layout.summary_room_header,
        [_("Investment room"), *(SCENARIO_LABELS[s] for s in SCENARIOS)],
    )
    for t in range(1, layout.horizon + 1):
        row = layout.summary_room_row(t)
        _text(ws, f"A{row}", _year_label(t))
        for scenario in SCENARIOS:
            sheet = _sheet_ref(names.scenarios[scenario])
            _formula(
                ws,
                f"{col(layout.summary_column(scenario))}{row}",
                f"={sheet}!{layout.year_cell(layout.room_row, t)}",
                MONEY_FORMAT,
            )
    ws.freeze_panes = f"B{layout.HEADER + 1}"
    _widths(ws, [44, 20, 20, 20])


def build_benefit_workbook(model: BenefitModel, *, title: str) -> bytes:
    """The model as an XLSX workbook: inputs as values, every figure as a formula on them.
    Labels and sheet names follow the active language."""
    layout = Layout.of(model)
    names = sheet_names()
    workbook = Workbook()
    workbook.properties.creator = "Klassa"
    workbook.properties.title = title
    summary = workbook.active
    summary.title = names.summary
    inputs = workbook.create_sheet(names.inputs)
    _inputs_sheet(inputs, model, layout, title)
    for scenario in SCENARIOS:
        sheet = workbook.create_sheet(names.scenarios[scenario])
        _scenario_sheet(sheet, model, layout, names, scenario, title)
    _summary_sheet(summary, model, layout, names, title)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
