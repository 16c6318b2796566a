"""The XLSX export of a benefit model: every figure is a formula on the Inputs sheet, and
recomputing the workbook (pycel, as Excel would) gives the numbers of benefits.calculation."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from pycel import ExcelCompiler

from benefits import calculation, defaults, services
from benefits.calculation import SCENARIOS, BenefitModel, ByScenario, Cost, Lever
from benefits.document import parse
from benefits.workbook import (
    FIGURE_KEYS,
    MONEY_FORMAT,
    PERCENT_FORMAT,
    Layout,
    build_benefit_workbook,
    sheet_names,
)
from tests.benefits.strategies import models

D = Decimal
MONEY_TOLERANCE = D("0.01")  # kronor: Excel computes in binary floating point
RELATIVE_TOLERANCE = D("1e-9")
FYRBODAL_ROOM = (D("17152751.5"), D("34305503"), D("51458254.5"))


def irr(values: Any, guess: Any = None) -> float:
    """Excel's IRR for pycel (which has none): the rate where the present value of the
    flows is 0, by bisection within (−0.99, 10)."""
    flows = [v for row in values for v in row if isinstance(v, int | float)]

    def pv(rate: float) -> float:
        return sum(flow / (1 + rate) ** t for t, flow in enumerate(flows))

    low, high = -0.99, 10.0
    for _ in range(200):
        middle = (low + high) / 2
        if (pv(middle) > 0) == (pv(low) > 0):
            low = middle
        else:
            high = middle
    return (low + high) / 2


def load(model: BenefitModel, title: str = "Benefit model") -> Workbook:
    return load_workbook(BytesIO(build_benefit_workbook(model, title=title)))


@dataclass
class Recalculated:
    """The workbook of a model recomputed by pycel, read by the workbook's own layout."""

    compiler: ExcelCompiler
    layout: Layout

    @classmethod
    def of(cls, model: BenefitModel) -> Recalculated:
        compiler = ExcelCompiler(excel=load(model), plugins=[__name__])
        return cls(compiler, Layout.of(model))

    def cell(self, sheet: str, address: str) -> Any:
        return self.compiler.evaluate(f"{sheet}!{address}")

    def figure(self, scenario: str, key: str) -> Any:
        return self.cell(sheet_names().scenarios[scenario], self.layout.figure_cell(key))

    def yearly(self, scenario: str, row: int) -> list[Any]:
        sheet = sheet_names().scenarios[scenario]
        return [
            self.cell(sheet, self.layout.year_cell(row, t)) for t in range(self.layout.horizon + 1)
        ]

    def lever(self, scenario: str, index: int, column: int) -> Any:
        sheet = sheet_names().scenarios[scenario]
        row = self.layout.scenario_lever_row(index)
        return self.cell(sheet, f"{get_column_letter(column)}{row}")

    def summary(self, scenario: str, row: int) -> Any:
        return self.cell(
            sheet_names().summary,
            f"{get_column_letter(Layout.summary_column(scenario))}{row}",
        )


def matches(recomputed: Any, expected: Decimal | None, absolute: Decimal = MONEY_TOLERANCE) -> bool:
    """A recomputed float within ``absolute`` + 1e-9 relative of the exact Decimal; an empty
    cell ("" or None) where the calculation has no value."""
    if expected is None:
        return recomputed in ("", None)
    if not isinstance(recomputed, int | float) or isinstance(recomputed, bool):
        return False
    return abs(D(repr(float(recomputed))) - expected) <= absolute + RELATIVE_TOLERANCE * abs(
        expected
    )


def assert_workbook_recomputes(model: BenefitModel) -> Recalculated:
    """Every figure of every scenario of the recomputed workbook equals the calculation's."""
    book = Recalculated.of(model)
    layout = book.layout
    evaluation = calculation.evaluate(model)
    ratio = D("1e-9")
    for scenario in SCENARIOS:
        result = evaluation[scenario]
        for attribute, row in (
            ("benefit", layout.benefit_row),
            ("cost", layout.cost_row_),
            ("net", layout.net_row),
            ("cumulative_net", layout.cumulative_row),
            ("investment_room", layout.room_row),
        ):
            recomputed = book.yearly(scenario, row)
            expected = [getattr(year, attribute) for year in result.years]
            assert all(map(matches, recomputed, expected)), (scenario, attribute, recomputed)
        for key in ("total_benefit", "total_cost", "internal_benefit", "external_benefit"):
            assert matches(book.figure(scenario, key), getattr(result, key)), (scenario, key)
        for key in ("npv", "pv_benefit", "pv_cost"):
            assert matches(book.figure(scenario, key), getattr(result, key)), (scenario, key)
        for key in ("bcr", "roi", "payback_years", "irr"):
            recomputed = book.figure(scenario, key)
            assert matches(recomputed, getattr(result, key), ratio), (scenario, key, recomputed)
        assert book.figure(scenario, "sign_changes") == calculation.sign_changes(
            [year.net for year in result.years]
        )
        for index, lever in enumerate(result.levers):
            potential = book.lever(scenario, index, Layout.POTENTIAL_COLUMN)
            assert matches(potential, lever.potential), (scenario, lever.name)
            total = book.lever(scenario, index, layout.total_column)
            assert matches(total, lever.total_benefit), (scenario, lever.name)
        # The summary shows the scenario sheets' figures side by side.
        for key in FIGURE_KEYS:
            assert book.summary(scenario, layout.summary_figure_row(key)) == book.figure(
                scenario, key
            )
        for year in range(1, model.horizon_years + 1):
            room = book.summary(scenario, layout.summary_room_row(year))
            assert matches(room, result.years[year].investment_room)
    return book


def demo(path) -> BenefitModel:
    return parse(json.loads(path.read_text(), parse_float=Decimal))


def every_kind(costs: tuple[Cost, ...]) -> BenefitModel:
    """Every lever kind, with scenario-dependent and constant fields, ramp-up and both
    stakeholders."""
    return BenefitModel(
        name="Every kind",
        horizon_years=4,
        discount_rate=D("0.035"),
        levers=(
            Lever(
                kind="staff_time",
                name="Less administration",
                category="redistribution",
                staff_fte=ByScenario(D("100"), D("107.4"), D("120")),
                annual_cost_per_fte=D("779730"),
                time_share=D("0.30"),
                reduction=ByScenario(D("0.20"), D("0.30"), D("0.50")),
                attribution_share=D("0.15"),
                realisation_rate=D("0.5"),
                ramp_up=(D("0.25"), D("0.5"), D("1"), D("1")),
            ),
            Lever(
                kind="cost_base",
                name="Less temporary premises",
                base_cost=D("100000000"),
                reduction=ByScenario(D("0.15"), D("0.30"), D("0.40")),
                attribution_share=D("0.15"),
            ),
            Lever(
                kind="rate_change",
                name="Fewer recruitments",
                population=D("2374.1"),
                rate_before=D("0.04"),
                rate_after=ByScenario(D("0.03"), D("0.02"), D("0.01")),
                unit_cost=D("150000"),
                realisation_rate=D("0.8"),
            ),
            Lever(
                kind="fixed_amount",
                name="Shorter queues for citizens",
                stakeholder="external",
                category="quality",
                amount=ByScenario(D("1000000"), D("2000000"), D("3000000")),
                ramp_up=(D("0"), D("0.5"), D("1"), D("1")),
            ),
        ),
        costs=costs,
    )


BOTH_COSTS = (
    Cost(
        "Procurement and implementation",
        "investment",
        amounts=(D("10000000"), D("5000000"), D(0), D(0), D(0)),
    ),
    Cost("Licences and operation", "running", annual_amount=D("800000")),
)


# --- Recomputing the workbook ------------------------------------------------------------------


def test_the_fyrbodal_workbook_recomputes_the_deck_investment_room():
    model = demo(defaults.FYRBODAL_PERSONAL_DASHBOARD)
    book = assert_workbook_recomputes(model)
    for scenario in SCENARIOS:
        room = book.yearly(scenario, book.layout.room_row)[1:]
        assert all(map(matches, room, FYRBODAL_ROOM)), room


def test_the_norrkoping_education_workbook_recomputes_the_calculation():
    assert_workbook_recomputes(demo(defaults.NORRKOPING_EDUCATION))


def test_every_lever_kind_and_both_kinds_of_cost_recompute():
    model = every_kind(BOTH_COSTS)
    evaluation = calculation.evaluate(model)
    # The case exercises what it claims: an interpolated payback, an IRR, both stakeholders.
    assert all(result.payback_years not in (None, 0) for result in evaluation)
    assert all(result.irr is not None for result in evaluation)
    assert all(result.external_benefit > 0 < result.internal_benefit for result in evaluation)
    assert_workbook_recomputes(model)


def test_without_costs_bcr_and_roi_are_empty():
    model = every_kind(())
    book = assert_workbook_recomputes(model)
    for scenario in SCENARIOS:
        assert book.figure(scenario, "bcr") == ""
        assert book.figure(scenario, "roi") == ""
        assert book.figure(scenario, "payback_years") == 0
        assert book.figure(scenario, "irr") == ""  # no sign change: no IRR


def test_a_model_that_never_pays_back_has_an_empty_payback():
    model = BenefitModel(
        name="Never pays back",
        horizon_years=3,
        levers=(Lever(kind="fixed_amount", name="Small gain", amount=D("100000")),),
        costs=(Cost("Big system", "investment", amounts=(D("1000000"), D(0), D(0), D(0))),),
    )
    assert all(result.payback_years is None for result in calculation.evaluate(model))
    book = assert_workbook_recomputes(model)
    assert book.figure("medium", "payback_years") == ""
    assert book.figure("medium", "npv") < 0


def test_a_flow_that_changes_sign_twice_has_no_irr():
    model = BenefitModel(
        name="Two sign changes",
        horizon_years=3,
        levers=(Lever(kind="fixed_amount", name="Gain", amount=D("500000")),),
        costs=(Cost("Start", "investment", amounts=(D("400000"), D(0), D(0), D("900000"))),),
    )
    assert calculation.evaluate(model).medium.irr is None
    book = assert_workbook_recomputes(model)
    assert book.figure("medium", "sign_changes") == 2
    assert book.figure("medium", "irr") == ""


def test_the_irr_makes_the_workbooks_npv_zero():
    model = every_kind(BOTH_COSTS)
    book = Recalculated.of(model)
    inputs = sheet_names().inputs
    for scenario in SCENARIOS:
        rate = calculation.evaluate(model)[scenario].irr
        assert book.figure(scenario, "npv") > 0  # at the 3.5 % of the model
        book.compiler.set_value(f"{inputs}!{Layout.RATE_CELL}", float(rate))
        assert abs(book.figure(scenario, "npv")) < 0.01


def test_changing_an_input_cell_recomputes_the_figures():
    model = every_kind(BOTH_COSTS)
    book = Recalculated.of(model)
    inputs = sheet_names().inputs
    layout = book.layout
    # The fixed amount of the high scenario, 3 000 000 → 4 000 000.
    address = f"{get_column_letter(Layout.scenario_column('high'))}{layout.input_row(3, 'amount')}"
    book.figure("high", "npv")  # pycel changes only cells it has already read
    book.compiler.set_value(f"{inputs}!{address}", 4_000_000)
    levers = list(model.levers)
    levers[3] = replace(levers[3], amount=ByScenario(D("1000000"), D("2000000"), D("4000000")))
    expected = calculation.evaluate(replace(model, levers=tuple(levers))).high
    assert matches(book.figure("high", "npv"), expected.npv)
    assert matches(book.figure("high", "external_benefit"), expected.external_benefit)


@settings(max_examples=25, deadline=None)
@given(models())
def test_any_valid_model_recomputes_the_npv_and_investment_room(model):
    book = Recalculated.of(model)
    evaluation = calculation.evaluate(model)
    for scenario in SCENARIOS:
        result = evaluation[scenario]
        assert matches(book.figure(scenario, "npv"), result.npv)
        room = book.yearly(scenario, book.layout.room_row)
        assert all(map(matches, room, [year.investment_room for year in result.years]))


# --- The workbook as a document ----------------------------------------------------------------


def test_every_number_outside_the_inputs_sheet_is_a_formula():
    workbook = load(every_kind(BOTH_COSTS))
    names = sheet_names()
    formulas = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if sheet.title == names.inputs:
                    assert not (isinstance(cell.value, str) and cell.data_type == "f"), cell
                    continue
                assert not isinstance(cell.value, int | float | Decimal), cell.coordinate
                formulas += cell.data_type == "f"
    assert formulas > 300


def test_the_inputs_sheet_holds_every_input_as_a_value():
    model = every_kind(BOTH_COSTS)
    layout = Layout.of(model)
    inputs = load(model)[sheet_names().inputs]
    assert inputs[Layout.HORIZON_CELL].value == 4
    assert inputs[Layout.RATE_CELL].value == pytest.approx(0.035)
    for i, lever in enumerate(model.levers):
        for name, value in lever.inputs().items():
            for scenario in SCENARIOS:
                row = layout.input_row(i, name)
                cell = inputs.cell(row, Layout.scenario_column(scenario))
                assert D(repr(cell.value)) == value[scenario], (lever.name, name, scenario)
        row = layout.lever_row(i)
        assert inputs[f"A{row}"].value == lever.name
        assert D(repr(inputs.cell(row, Layout.ATTRIBUTION_COLUMN).value)) == lever.attribution_share
        assert D(repr(inputs.cell(row, Layout.REALISATION_COLUMN).value)) == lever.realisation_rate
        for year in range(1, 5):
            assert D(repr(inputs.cell(row, layout.ramp_column(year)).value)) == lever.ramp(year)
    for j, cost in enumerate(model.costs):
        for year in range(5):
            cell = inputs.cell(layout.cost_row(j), Layout.cost_column(year))
            assert D(repr(cell.value)) == cost.amount(year)


def test_money_and_rates_are_formatted_and_the_header_is_frozen():
    model = every_kind(BOTH_COSTS)
    layout = Layout.of(model)
    workbook = load(model)
    names = sheet_names()
    medium = workbook[names.scenarios["medium"]]
    assert medium[layout.figure_cell("npv")].number_format == MONEY_FORMAT
    assert medium[layout.year_cell(layout.room_row, 2)].number_format == MONEY_FORMAT
    assert medium[layout.figure_cell("roi")].number_format == PERCENT_FORMAT
    assert workbook[names.inputs][Layout.RATE_CELL].number_format == PERCENT_FORMAT
    assert medium.freeze_panes == f"D{Layout.HEADER + 1}"
    assert medium.column_dimensions["A"].width > 30
    assert workbook[names.summary].freeze_panes is not None


def test_the_sheets_follow_the_active_language():
    with translation.override("en"):
        workbook = load(every_kind(()))
        assert workbook.sheetnames == ["Summary", "Inputs", "Low", "Medium", "High"]
        assert workbook["Inputs"]["A7"].value == "Discount rate"
    with translation.override("sv"):
        names = sheet_names()
        workbook = load(every_kind(()))
        assert workbook.sheetnames == [names.summary, names.inputs, *names.scenarios.values()]
        assert workbook[names.inputs]["A7"].value == translation.gettext("Discount rate")


def test_a_name_that_looks_like_a_formula_stays_text():
    model = BenefitModel(
        name='=HYPERLINK("http://example.com")',
        horizon_years=1,
        levers=(Lever(kind="fixed_amount", name="=1+1", amount=D("5")),),
    )
    layout = Layout.of(model)
    workbook = load(model)
    inputs = workbook[sheet_names().inputs]
    names = [inputs["A2"], inputs[f"A{layout.lever_row(0)}"]]
    assert [(cell.value, cell.data_type) for cell in names] == [
        ('=HYPERLINK("http://example.com") (SEK)', "s"),
        ("=1+1", "s"),
    ]
    # The scenario sheets show the name by referring to it, never by copying it.
    medium = workbook[sheet_names().scenarios["medium"]]
    inputs_name = sheet_names().inputs
    assert medium[f"A{layout.scenario_lever_row(0)}"].value == (
        f"='{inputs_name}'!$A${layout.lever_row(0)}"
    )


# --- The download ------------------------------------------------------------------------------


@pytest.fixture
def saved_model(owner, initiative):
    document = json.loads(defaults.FYRBODAL_PERSONAL_DASHBOARD.read_text(), parse_float=Decimal)
    services.do_save_benefit_model(
        actor=owner, initiative=initiative, document=document, lock_version=None
    )
    return initiative


@pytest.mark.django_db
def test_a_reader_of_the_department_downloads_the_workbook(as_user, lawyer, saved_model):
    response = as_user(lawyer).get(reverse("benefit_model_xlsx", args=[saved_model.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="nyttomodell-edu-a.xlsx"'
    workbook = load_workbook(BytesIO(response.content))
    compiler = ExcelCompiler(excel=workbook)
    names = sheet_names()
    layout = Layout.of(demo(defaults.FYRBODAL_PERSONAL_DASHBOARD))
    room = [
        compiler.evaluate(f"{names.summary}!C{layout.summary_room_row(year)}") for year in (1, 2, 3)
    ]
    assert all(map(matches, room, FYRBODAL_ROOM)), room
    assert "EDU-A" in workbook.properties.title


@pytest.mark.django_db
def test_the_workbook_is_404_for_another_department_and_organisation(
    as_user, culture_viewer, outsider, saved_model
):
    for person in (culture_viewer, outsider):
        response = as_user(person).get(reverse("benefit_model_xlsx", args=[saved_model.pk]))
        assert response.status_code == 404


@pytest.mark.django_db
def test_without_a_model_the_download_redirects_with_a_message(as_user, owner, initiative):
    response = as_user(owner).get(reverse("benefit_model_xlsx", args=[initiative.pk]), follow=True)
    assert response.redirect_chain == [(reverse("benefit_model", args=[initiative.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        translation.gettext("The initiative has no benefit model yet.")
    ]


@pytest.mark.django_db
def test_the_workbook_cannot_be_changed_through_the_download_url(as_user, owner, saved_model):
    response = as_user(owner).post(reverse("benefit_model_xlsx", args=[saved_model.pk]))
    assert response.status_code == 405
