"""IRR above 1 000 %: the bracket grows until the present value changes sign, so a model whose
net flow changes sign once gets its rate in the JSON instead of null."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from benefits import calculation, document

# Investment 100 000 now, a fixed benefit of 1 303 000 in year 1: the rate is 12.03 (1 203 %).
MODEL = {
    "format": calculation.FORMAT,
    "name": "Självservice för bygglov",
    "currency": "SEK",
    "horizon_years": 1,
    "discount_rate": "0.03",
    "levers": [{"kind": "fixed_amount", "name": "Färre handläggartimmar", "amount": "1303000"}],
    "costs": [{"name": "Införande", "kind": "investment", "amounts": ["100000", "0"]}],
}


def test_a_model_with_an_irr_of_1203_percent_gets_the_rate_not_null():
    result = calculation.evaluate_scenario(document.parse(MODEL), "medium")
    assert abs(result.irr - Decimal("12.03")) < Decimal("1e-15")
    assert calculation.scenario_to_json(result)["irr"] == "12.030000"


def test_the_command_prints_the_rate_above_1000_percent(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(MODEL), encoding="utf-8")
    out = StringIO()
    call_command("evaluate_benefit_model", str(path), stdout=out)
    assert json.loads(out.getvalue())["scenarios"]["high"]["irr"] == "12.030000"


def test_a_rate_over_several_years_above_1000_percent_is_found():
    flows = [Decimal(-100), Decimal(0), Decimal(20_000)]  # (1 + r)^2 = 200
    rate = calculation.irr(flows)
    assert rate is not None
    assert abs(calculation.present_value(flows, rate)) < Decimal("1e-12")
    assert abs(rate - (Decimal(200).sqrt() - 1)) < Decimal("1e-15")


def test_a_rate_below_minus_99_percent_stays_none_without_searching_upwards():
    assert calculation.irr([Decimal(-100), Decimal("0.5")]) is None  # −99.5 %
