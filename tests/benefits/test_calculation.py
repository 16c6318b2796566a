"""The benefit calculation: the deck's figures, every formula by hand, and properties."""

from __future__ import annotations

import ast
import dataclasses
import json
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal, localcontext
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from benefits import calculation, defaults, document
from benefits.calculation import (
    MONEY_INPUTS,
    SCENARIOS,
    BenefitModel,
    Cost,
    Lever,
    evaluate,
    evaluate_scenario,
)
from tests.benefits.strategies import models

D = Decimal


def whole(value: Decimal) -> Decimal:
    """Rounded half up to whole kronor, as the deck and the UI show it."""
    return value.quantize(D(1), rounding=ROUND_HALF_UP)


def fixed(name: str = "Lever", amount="100", **kwargs) -> Lever:
    return Lever(kind="fixed_amount", name=name, amount=amount, **kwargs)


def make_model(levers=(), costs=(), horizon=1, rate="0") -> BenefitModel:
    return BenefitModel(
        name="Test", horizon_years=horizon, levers=levers, costs=costs, discount_rate=D(rate)
    )


def demo(path: Path) -> BenefitModel:
    return document.parse(defaults.load(path))


# --- The deck: Fyrbodal ------------------------------------------------------------------------


FYRBODAL_ROOM = (D("17152751.5"), D("34305503"), D("51458254.5"))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_fyrbodal_personal_dashboard_has_the_decks_investment_room_exactly(scenario):
    result = evaluate(demo(defaults.FYRBODAL_PERSONAL_DASHBOARD))[scenario]
    assert result.investment_room == FYRBODAL_ROOM


def test_fyrbodal_investment_room_rounded_half_up_is_what_the_application_shows():
    result = evaluate(demo(defaults.FYRBODAL_PERSONAL_DASHBOARD)).medium
    assert [whole(room) for room in result.investment_room] == [17152752, 34305503, 51458255]


def test_fyrbodal_investment_room_is_half_the_dashboard_plus_fewer_recruitments():
    model = demo(defaults.FYRBODAL_PERSONAL_DASHBOARD)
    dashboard, recruitments = model.levers
    assert calculation.potential(dashboard, "high") == D("20060903")
    assert calculation.potential(recruitments, "high") == D("7122300")  # 2374.1 × 2 % × 150 000
    year_1 = calculation.lever_benefits(dashboard, "high", 3)[1]
    assert year_1 == D("10030451.5")  # deck: 10 030 451 (truncated)


def test_fyrbodal_principals_lever_gives_the_decks_high_scenario_share():
    principals = Lever(
        kind="staff_time",
        name="Less administration for principals",
        staff_fte="107.4",
        annual_cost_per_fte=779730,
        time_share="0.30",
        reduction={"low": "0.20", "medium": "0.30", "high": "0.50"},
        attribution_share="0.15",
    )
    assert calculation.potential(principals, "high") == D("12561450.3")
    share = calculation.lever_benefits(principals, "high", 1)[1]
    assert share == D("1884217.545")  # deck: 1 884 217


# --- The deck: Norrköping Education ------------------------------------------------------------

NORRKOPING_LEVERS = {
    "Mindre administration för skolledare": (9119537, 13679306, 22798844),
    "Mindre administration för lärare och övrig personal": (103770463, 207540925, 276721234),
    "Färre tillfälliga lokaler": (15000000, 30000000, 40000000),
}


@pytest.mark.parametrize("name", NORRKOPING_LEVERS)
def test_norrkoping_education_levers_reproduce_the_decks_low_medium_high(name):
    model = demo(defaults.NORRKOPING_EDUCATION)
    lever = next(lever for lever in model.levers if lever.name == name)
    values = [whole(calculation.potential(lever, scenario)) for scenario in SCENARIOS]
    assert values == list(NORRKOPING_LEVERS[name])


def test_norrkoping_personal_dashboard_is_15_percent_of_the_high_scenario():
    result = evaluate(demo(defaults.NORRKOPING_EDUCATION)).high
    assert whole(result.years[1].benefit) == 50928012
    assert whole(result.investment_room[0]) == 50928012
    shares = [whole(lever.total_benefit / 3) for lever in result.levers]  # 3 equal years
    # Deck: 3 419 826 (it truncates 3 419 826.6), 41 508 185, 6 000 000.
    for value, deck in zip(shares, (3419826, 41508185, 6000000), strict=True):
        assert abs(value - deck) <= 1


def test_the_displayed_195_managers_would_not_reproduce_the_deck():
    # The deck's spreadsheet held unrounded staff numbers (seed-deck-figures.md).
    displayed = Lever(
        kind="staff_time",
        name="Managers",
        staff_fte=195,
        annual_cost_per_fte=779730,
        time_share="0.30",
        reduction="0.20",
    )
    assert calculation.potential(displayed, "low") == D("9122841")


# --- Potentials per lever kind -----------------------------------------------------------------


def test_staff_time_potential_is_staff_times_cost_times_time_share_times_reduction():
    lever = Lever(
        kind="staff_time",
        name="Admin",
        staff_fte=10,
        annual_cost_per_fte=500000,
        time_share="0.2",
        reduction="0.5",
    )
    assert calculation.potential(lever, "medium") == D("500000")


def test_cost_base_potential_is_base_cost_times_reduction():
    lever = Lever(kind="cost_base", name="Premises", base_cost=1000000, reduction="0.25")
    assert calculation.potential(lever, "low") == D("250000")


def test_rate_change_potential_is_population_times_rate_drop_times_unit_cost():
    lever = Lever(
        kind="rate_change",
        name="Recruitments",
        population=1000,
        rate_before="0.05",
        rate_after="0.03",
        unit_cost=20000,
    )
    assert calculation.potential(lever, "high") == D("400000")


def test_fixed_amount_potential_is_the_amount_of_the_scenario():
    lever = fixed(amount={"low": 1, "medium": 2, "high": 3})
    assert [calculation.potential(lever, s) for s in SCENARIOS] == [1, 2, 3]


def test_each_scenario_uses_its_own_value_of_a_scenario_dependent_input():
    lever = Lever(
        kind="cost_base",
        name="Premises",
        base_cost={"low": 100, "medium": 200, "high": 300},
        reduction={"low": "0.1", "medium": "0.2", "high": "0.3"},
    )
    assert [calculation.potential(lever, s) for s in SCENARIOS] == [10, 40, 90]


def test_benefit_is_potential_times_attribution_times_realisation_times_ramp_up():
    lever = fixed(
        amount=1000, attribution_share="0.5", realisation_rate="0.8", ramp_up=("0.5", "1")
    )
    assert calculation.lever_benefits(lever, "medium", 2) == [0, 200, 400]


def test_without_ramp_up_the_full_benefit_comes_from_year_one():
    assert calculation.lever_benefits(fixed(amount=7), "low", 3) == [0, 7, 7, 7]


def test_a_lever_refuses_inputs_of_another_kind_and_missing_inputs():
    with pytest.raises(ValueError, match="not an input of a fixed_amount lever"):
        Lever(kind="fixed_amount", name="X", amount=1, base_cost=1)
    with pytest.raises(ValueError, match="needs reduction"):
        Lever(kind="cost_base", name="X", base_cost=1)


def test_binary_floats_are_refused_as_inputs():
    with pytest.raises(TypeError):
        fixed(amount=0.1)  # type: ignore[arg-type]


# --- Years, totals and appraisal figures -------------------------------------------------------


@pytest.fixture
def three_years() -> BenefitModel:
    # B = 0, 100, 100, 100; C = 150, 15, 15, 15 (investment 150 + 10/yr, running 5/yr).
    return make_model(
        levers=(fixed(amount=100),),
        costs=(
            Cost("Build", "investment", amounts=(150, 10, 10, 10)),
            Cost("Run", "running", annual_amount=5),
        ),
        horizon=3,
    )


def test_yearly_rows_have_benefit_cost_net_cumulative_net_and_investment_room(three_years):
    rows = evaluate_scenario(three_years, "medium").years
    assert [
        (r.year, r.benefit, r.cost, r.net, r.cumulative_net, r.investment_room) for r in rows
    ] == [
        (0, 0, 150, -150, -150, 0),
        (1, 100, 15, 85, -65, 100),
        (2, 100, 15, 85, 20, 200),
        (3, 100, 15, 85, 105, 300),
    ]


def test_totals_are_sums_over_years_zero_to_horizon(three_years):
    result = evaluate_scenario(three_years, "medium")
    assert (result.total_benefit, result.total_cost) == (300, 195)


def test_roi_is_net_over_costs_undiscounted(three_years):
    result = evaluate_scenario(three_years, "medium")
    with localcontext(prec=60):
        assert result.roi.quantize(D("1e-40")) == D("0.5384615384615384615384615384615384615385")


def test_payback_is_interpolated_within_the_first_year_that_pays_back(three_years):
    # cumulative −65 after year 1, year 2 nets 85: 1 + 65 / 85.
    result = evaluate_scenario(three_years, "medium")
    with localcontext(prec=60):
        assert result.payback_years.quantize(D("1e-39")) == D(
            "1.764705882352941176470588235294117647059"
        )
    assert calculation.rate_text(result.payback_years) == "1.764706"


def test_payback_is_zero_when_year_zero_is_not_negative():
    assert calculation.payback_years([D(0), D(-5), D(10)]) == 0
    assert calculation.payback_years([D(3), D(1)]) == 0


def test_payback_is_none_when_the_horizon_never_pays_back():
    assert calculation.payback_years([D(-100), D(30), D(30)]) is None


def test_payback_lands_on_the_year_when_the_cumulative_net_reaches_exactly_zero():
    assert calculation.payback_years([D(-100), D(50), D(50)]) == 2


def test_npv_discounts_each_year_at_the_rate():
    flows = [D(-1000), D(500), D(500), D(500)]
    value = calculation.npv(flows, D("0.1"))
    assert value.quantize(D("1e-10")) == D("243.4259954921")
    assert calculation.npv([D(-100), D(110)], D("0.1")) == 0


def test_present_values_bcr_and_npv_of_a_model():
    # Benefits 110 in year 1 and 121 in year 2, cost 100 now, at 10 %: PV 100 + 100 and 100.
    model = make_model(
        levers=(fixed("A", amount=110, ramp_up=(1, 0)), fixed("B", amount=121, ramp_up=(0, 1))),
        costs=(Cost("Build", "investment", amounts=(100, 0, 0)),),
        horizon=2,
        rate="0.1",
    )
    result = evaluate_scenario(model, "medium")
    assert (result.pv_benefit, result.pv_cost, result.npv, result.bcr) == (200, 100, 100, 2)


def test_bcr_is_none_without_costs_and_roi_is_none_when_costs_sum_to_zero():
    result = evaluate_scenario(make_model(levers=(fixed(),), horizon=2), "medium")
    assert result.bcr is None
    assert result.roi is None
    assert result.pv_cost == 0


def test_investment_room_ignores_costs(three_years):
    assert evaluate_scenario(three_years, "low").investment_room == (100, 200, 300)


def test_totals_per_stakeholder_and_per_lever():
    model = make_model(
        levers=(
            fixed("Staff", amount=100),
            fixed("Citizens", amount=30, stakeholder="external", category="quality"),
            fixed("Premises", amount=20),
        ),
        horizon=2,
    )
    result = evaluate_scenario(model, "medium")
    assert (result.internal_benefit, result.external_benefit) == (240, 60)
    assert result.total_benefit == 300
    assert [(t.name, t.stakeholder, t.potential, t.total_benefit) for t in result.levers] == [
        ("Staff", "internal", 100, 200),
        ("Citizens", "external", 30, 60),
        ("Premises", "internal", 20, 40),
    ]


# --- IRR ---------------------------------------------------------------------------------------


def test_irr_of_minus_100_then_110_is_ten_percent():
    assert abs(calculation.irr([D(-100), D(110)]) - D("0.1")) < D("1e-15")


def test_irr_ignores_zeros_when_counting_sign_changes():
    assert calculation.sign_changes([D(-100), D(0), D(121)]) == 1
    assert abs(calculation.irr([D(-100), D(0), D(121)]) - D("0.1")) < D("1e-15")


def test_irr_can_be_negative():
    assert abs(calculation.irr([D(-100), D(50)]) - D("-0.5")) < D("1e-15")


def test_irr_is_none_when_the_flows_change_sign_twice():
    # −100 + 230/(1+r) − 132/(1+r)² has two roots, 10 % and 20 %.
    assert calculation.sign_changes([D(-100), D(230), D(-132)]) == 2
    assert calculation.irr([D(-100), D(230), D(-132)]) is None


def test_irr_is_none_without_a_sign_change():
    assert calculation.irr([D(100), D(10)]) is None
    assert calculation.irr([D(0), D(0)]) is None


def test_irr_is_none_when_the_rate_lies_outside_the_bracket():
    assert calculation.irr([D(-1000), D(1)]) is None  # −99.9 %
    assert calculation.irr([D(-1), D(10**8)]) is None  # above IRR_CAP (10^8 %)


def test_irr_above_1000_percent_is_found_by_growing_the_bracket():
    assert abs(calculation.irr([D(-1), D(100)]) - D(99)) < D("1e-15")  # 9 900 %


def test_irr_of_a_model_is_the_irr_of_its_net_flows():
    model = make_model(levers=(fixed(amount=110),), costs=(Cost("Build", "investment", (100, 0)),))
    assert abs(evaluate_scenario(model, "medium").irr - D("0.1")) < D("1e-15")


# --- Output ------------------------------------------------------------------------------------


def test_evaluation_json_has_the_shape_of_the_reference(three_years):
    output = calculation.evaluation_to_json(evaluate(three_years))
    assert list(output) == ["scenarios"]
    assert set(output["scenarios"]) == {"low", "medium", "high"}
    medium = output["scenarios"]["medium"]
    assert set(medium) == {
        "years",
        "total_benefit",
        "total_cost",
        "internal_benefit",
        "external_benefit",
        "npv",
        "pv_benefit",
        "pv_cost",
        "bcr",
        "roi",
        "payback_years",
        "irr",
        "levers",
    }
    assert medium["years"][0] == {
        "year": 0,
        "benefit": "0.00",
        "cost": "150.00",
        "net": "-150.00",
        "cumulative_net": "-150.00",
        "investment_room": "0.00",
    }
    assert medium["roi"] == "0.538462"
    assert medium["payback_years"] == "1.764706"
    assert medium["levers"] == [
        {
            "name": "Lever",
            "stakeholder": "internal",
            "category": "financial",
            "potential": "100.00",
            "total_benefit": "300.00",
        }
    ]
    json.dumps(output)  # plain JSON


def test_absent_values_are_null_and_zero_is_never_negative():
    output = calculation.evaluation_to_json(evaluate(make_model(levers=(fixed(),))))
    low = output["scenarios"]["low"]
    assert (low["bcr"], low["roi"], low["irr"]) == (None, None, None)
    assert calculation.money_text(D("-0.001")) == "0.00"
    assert calculation.money_text(D("2.005")) == "2.01"  # half up


# --- Sensitivity -------------------------------------------------------------------------------


def test_tornado_varies_each_input_by_20_percent_and_sorts_by_swing():
    # NPV = 1000 − 500 = 500 at r = 0.
    model = make_model(
        levers=(fixed("Saving", amount=1000),),
        costs=(Cost("Build", "investment", (500, 0)),),
    )
    rows = calculation.tornado(model, "medium")
    assert [(r["input"], r["low_npv"], r["high_npv"], r["swing"]) for r in rows] == [
        ("levers[0].amount", 300, 700, 400),
        ("levers[0].attribution_share", 300, 500, 200),  # capped at 100 %
        ("levers[0].realisation_rate", 300, 500, 200),
        ("costs[0]", 600, 400, 200),
        ("discount_rate", 500, 500, 0),
    ]
    assert rows[0]["label"] == "Saving: amount"


def test_tornado_uses_the_chosen_scenario_and_delta():
    model = make_model(levers=(fixed(amount={"low": 10, "medium": 20, "high": 30}),))
    row = calculation.tornado(model, "high", delta=D("0.5"))[0]
    assert (row["input"], row["low_npv"], row["high_npv"]) == ("levers[0].amount", 15, 45)


def test_switching_value_is_the_factor_on_a_lever_that_brings_npv_to_zero():
    model = make_model(
        levers=(fixed("A", amount=100), fixed("B", amount=50), fixed("Nothing", amount=0)),
        costs=(Cost("Build", "investment", (200, 0)),),
    )  # NPV = −50
    values = calculation.switching_values(model, "medium")
    assert values == {"A": D("1.5"), "B": D(2), "Nothing": None}
    at_break_even = replace(model, levers=(fixed("A", amount=150), *model.levers[1:]))
    assert evaluate_scenario(at_break_even, "medium").npv == 0


def test_annual_cost_per_fte_is_monthly_salary_times_12_times_on_costs():
    assert calculation.annual_cost_per_fte(42000) == D("776160")
    assert calculation.annual_cost_per_fte("50000", D("1.5")) == D("900000")
    with pytest.raises(TypeError):
        calculation.annual_cost_per_fte(42000.0)


# --- No float, no Django, no global context ----------------------------------------------------


def leaves(value):
    if dataclasses.is_dataclass(value):
        for item in dataclasses.fields(value):
            yield from leaves(getattr(value, item.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    else:
        yield value


def test_every_number_in_the_results_is_a_decimal_never_a_float():
    model = demo(defaults.NORRKOPING_EDUCATION)
    model = replace(model, costs=(Cost("Build", "investment", (10_000_000, 0, 0, 0)),))
    evaluation = evaluate(model)
    values = list(leaves(evaluation))
    values += list(leaves(calculation.tornado(model)))
    values += list(leaves(calculation.switching_values(model, "low")))
    assert not [v for v in values if isinstance(v, float)]
    for result in evaluation:
        for row in result.years:
            assert all(isinstance(getattr(row, f), Decimal) for f in ("benefit", "cost", "net"))
        money = (result.npv, result.pv_benefit, result.pv_cost, result.total_benefit)
        assert all(isinstance(v, Decimal) for v in money)
        assert all(isinstance(v, Decimal) for v in (result.bcr, result.roi, result.payback_years))


@pytest.mark.parametrize("module", [calculation, document])
def test_the_pure_modules_use_no_float_and_no_django(module):
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imports = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert not [name for name in imports if name and name.startswith("django")]
    if module is calculation:
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "float"]
        assert not [
            n for n in ast.walk(tree) if isinstance(n, ast.Constant) and type(n.value) is float
        ]


def test_the_callers_decimal_context_neither_matters_nor_changes():
    model = demo(defaults.FYRBODAL_PERSONAL_DASHBOARD)
    with localcontext() as context:
        context.prec = 3
        result = evaluate(model).medium
        assert context.prec == 3
    assert result.investment_room == FYRBODAL_ROOM


# --- Properties --------------------------------------------------------------------------------


TIGHT = D("1e-30")


def close(a: Decimal | None, b: Decimal | None, tolerance: Decimal = TIGHT) -> bool:
    if a is None or b is None:
        return a is b
    with localcontext(prec=60):
        return abs(a - b) <= tolerance * max(1, abs(a), abs(b))


def scale_money(model: BenefitModel, k: Decimal) -> BenefitModel:
    levers = tuple(
        replace(
            lever,
            **{
                name: value.map(lambda x: x * k)
                for name, value in lever.inputs().items()
                if name in MONEY_INPUTS
            },
        )
        for lever in model.levers
    )
    costs = tuple(
        replace(cost, annual_amount=cost.annual_amount * k)
        if cost.annual_amount is not None
        else replace(cost, amounts=tuple(a * k for a in cost.amounts))
        for cost in model.costs
    )
    return replace(model, levers=levers, costs=costs)


MONEY_RESULTS = ("total_benefit", "total_cost", "internal_benefit", "external_benefit")
MONEY_RESULTS += ("npv", "pv_benefit", "pv_cost")
UNSCALED_RESULTS = ("bcr", "roi", "payback_years")


@settings(deadline=None)
@given(models())
def test_npv_at_rate_zero_is_the_undiscounted_net(model):
    model = replace(model, discount_rate=D(0))
    for result in evaluate(model):
        assert result.npv == result.total_benefit - result.total_cost
        assert result.npv == result.years[-1].cumulative_net


@settings(deadline=None)
@given(models(), st.decimals(min_value=D("0.01"), max_value=1000, places=2))
def test_scaling_every_money_input_scales_every_money_output(model, k):
    original, scaled = evaluate(model), evaluate(scale_money(model, k))
    for before, after in zip(original, scaled, strict=True):
        with localcontext(prec=60):  # exact products for the comparison
            for name in MONEY_RESULTS:
                assert close(getattr(before, name) * k, getattr(after, name)), name
            for row_before, row_after in zip(before.years, after.years, strict=True):
                for name in ("benefit", "cost", "net", "cumulative_net", "investment_room"):
                    assert close(getattr(row_before, name) * k, getattr(row_after, name))
        for name in UNSCALED_RESULTS:
            assert close(getattr(before, name), getattr(after, name)), name
        assert close(before.irr, after.irr, D("1e-20"))


def assert_irr_zeroes_npv(flows, rate):
    scale = sum((abs(flow) / (1 + rate) ** t for t, flow in enumerate(flows)), D(0))
    with localcontext() as context:
        context.prec = 50
        assert abs(calculation.npv(flows, rate)) < D("1e-6") * scale


@settings(deadline=None)
@given(models())
def test_irr_when_given_makes_the_npv_zero(model):
    for result in evaluate(model):
        if result.irr is not None:
            assert_irr_zeroes_npv([row.net for row in result.years], result.irr)


@settings(deadline=None)
@given(
    st.decimals(min_value=1, max_value=10_000_000, places=2),
    st.lists(st.decimals(min_value=0, max_value=10_000_000, places=2), min_size=1, max_size=30),
)
def test_an_investment_followed_by_returns_has_an_irr_unless_outside_the_bracket(
    investment, returns
):
    flows = [-investment, *returns]
    rate = calculation.irr(flows)
    if not any(returns):
        assert rate is None
    elif rate is not None:
        assert calculation.IRR_LOW <= rate <= calculation.IRR_CAP
        assert_irr_zeroes_npv(flows, rate)
    else:
        low = calculation.npv(flows, calculation.IRR_LOW)
        high = calculation.npv(flows, calculation.IRR_CAP)
        assert (low > 0) == (high > 0)


# --- The command -------------------------------------------------------------------------------


def test_command_prints_the_fyrbodal_investment_room_as_json():
    out = StringIO()
    call_command("evaluate_benefit_model", str(defaults.FYRBODAL_PERSONAL_DASHBOARD), stdout=out)
    output = json.loads(out.getvalue())
    for scenario in SCENARIOS:
        years = output["scenarios"][scenario]["years"]
        assert [row["investment_room"] for row in years] == [
            "0.00",
            "17152751.50",
            "34305503.00",
            "51458254.50",
        ]
    assert output == calculation.evaluation_to_json(
        evaluate(demo(defaults.FYRBODAL_PERSONAL_DASHBOARD))
    )
    assert out.getvalue().startswith('{\n  "scenarios": {\n')  # indent 2


def test_command_accepts_decimal_strings_from_a_file(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(
        json.dumps(
            {
                "format": "klassa.benefit-model/1",
                "name": "Strings",
                "currency": "SEK",
                "horizon_years": 1,
                "levers": [{"kind": "fixed_amount", "name": "A", "amount": "0.10"}],
            }
        ),
        encoding="utf-8",
    )
    out = StringIO()
    call_command("evaluate_benefit_model", str(path), stdout=out)
    assert json.loads(out.getvalue())["scenarios"]["low"]["total_benefit"] == "0.10"


def test_command_prints_every_error_with_its_path_and_fails(tmp_path):
    data = defaults.load(defaults.NORRKOPING_EDUCATION)
    data["levers"][2]["reduction"]["high"] = 1.5
    data["horizon_years"] = 0
    path = tmp_path / "invalid.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="2 errors") as error:
        call_command("evaluate_benefit_model", str(path), stderr=err, stdout=StringIO())
    assert error.value.returncode == 1
    assert err.getvalue().splitlines() == [
        "horizon_years: must be a whole number from 1 to 30",
        "levers[2].reduction.high: must be between 0 and 1",
    ]


def test_command_refuses_nan_with_the_fields_path(tmp_path):
    path = tmp_path / "nan.json"
    path.write_text(
        '{"format": "klassa.benefit-model/1", "name": "N", "currency": "SEK", '
        '"horizon_years": 1, "levers": [{"kind": "fixed_amount", "name": "A", "amount": NaN}]}',
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("evaluate_benefit_model", str(path), stderr=err)
    assert err.getvalue().strip() == (
        "levers[0].amount: must be a number or an object with low, medium and high"
    )


def test_command_refuses_invalid_json_and_missing_files(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": ', encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("evaluate_benefit_model", str(path), stderr=err)
    assert "not valid JSON" in err.getvalue()
    with pytest.raises(CommandError, match="cannot read"):
        call_command("evaluate_benefit_model", str(tmp_path / "missing.json"))
