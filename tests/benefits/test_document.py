"""The benefit-model document: every field rule, its exact message, and round trips."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings

from benefits import defaults, document
from benefits.calculation import BenefitModel, ByScenario, Cost, Lever, evaluate
from benefits.document import DocumentError, DocumentInvalid, parse, to_document, validate
from tests.benefits.strategies import models

D = Decimal

# The example of benefit-model.md, as json.loads reads it (floats included).
EXAMPLE = {
    "format": "klassa.benefit-model/1",
    "name": "Personal dashboard — Fyrbodal",
    "currency": "SEK",
    "horizon_years": 3,
    "discount_rate": 0.03,
    "levers": [
        {
            "kind": "staff_time",
            "name": "Less administration for principals",
            "stakeholder": "internal",
            "category": "redistribution",
            "staff_fte": 107.4,
            "annual_cost_per_fte": 779730,
            "time_share": 0.30,
            "reduction": {"low": 0.20, "medium": 0.30, "high": 0.50},
            "attribution_share": 0.15,
            "realisation_rate": 0.5,
            "ramp_up": [1, 1, 1],
        },
        {
            "kind": "cost_base",
            "name": "Less rental of temporary premises",
            "stakeholder": "internal",
            "category": "financial",
            "base_cost": 100000000,
            "reduction": {"low": 0.15, "medium": 0.30, "high": 0.40},
        },
        {
            "kind": "rate_change",
            "name": "Fewer recruitments",
            "stakeholder": "internal",
            "category": "financial",
            "population": 2374.1,
            "rate_before": 0.04,
            "rate_after": 0.02,
            "unit_cost": 150000,
        },
        {
            "kind": "fixed_amount",
            "name": "Shorter queues for citizens",
            "stakeholder": "external",
            "category": "quality",
            "amount": {"low": 1000000, "medium": 2000000, "high": 3000000},
        },
    ],
    "costs": [
        {
            "name": "Procurement and implementation",
            "kind": "investment",
            "amounts": [5000000, 2000000, 0, 0],
        },
        {"name": "Licences and operation", "kind": "running", "annual_amount": 800000},
    ],
}


def example() -> dict:
    return copy.deepcopy(EXAMPLE)


def errors_of(document) -> list[str]:
    return [str(error) for error in validate(document)]


# --- Valid documents ---------------------------------------------------------------------------


def test_the_reference_example_parses_into_the_model():
    model = parse(example())
    assert model.name == "Personal dashboard — Fyrbodal"
    assert (model.currency, model.horizon_years, model.discount_rate) == ("SEK", 3, D("0.03"))
    principals, premises, recruitments, queues = model.levers
    assert premises.base_cost == ByScenario.same(100000000)
    assert principals.staff_fte == ByScenario.same(D("107.4"))
    assert principals.reduction == ByScenario(D("0.2"), D("0.3"), D("0.5"))
    assert principals.ramp_up == (1, 1, 1)
    assert (recruitments.rate_before.high, recruitments.rate_after.low) == (D("0.04"), D("0.02"))
    assert queues.stakeholder == "external"
    assert model.costs == (
        Cost("Procurement and implementation", "investment", amounts=(5000000, 2000000, 0, 0)),
        Cost("Licences and operation", "running", annual_amount=800000),
    )


def test_the_reference_example_evaluates():
    medium = evaluate(parse(example())).medium
    # 107.4 × 779 730 × 0.3 × 0.3 × 0.15 × 0.5 + 100 M × 0.3 + 7 122 300 + 2 M per year.
    assert medium.years[1].benefit == D("565265.2635") + 30000000 + 7122300 + 2000000
    assert medium.years[0].cost == 5000000
    assert medium.years[1].cost == 2800000
    assert medium.external_benefit == 6000000


def test_json_floats_become_the_decimals_they_are_written_as():
    assert parse(example()).levers[1].reduction.medium == D("0.3")
    assert parse(example()).discount_rate == D("0.03")  # not 0.0299999…


def test_numbers_may_be_decimal_strings_or_decimals():
    document = example()
    document["levers"][0]["annual_cost_per_fte"] = "779730.50"
    document["levers"][0]["time_share"] = D("0.25")
    document["discount_rate"] = "0.035"
    document["horizon_years"] = "3"
    model = parse(document)
    assert model.levers[0].annual_cost_per_fte.low == D("779730.50")
    assert model.levers[0].time_share.high == D("0.25")
    assert (model.discount_rate, model.horizon_years) == (D("0.035"), 3)


def test_omitted_fields_take_their_defaults():
    document = {
        "format": "klassa.benefit-model/1",
        "name": "Minimal",
        "currency": "SEK",
        "horizon_years": 2,
        "levers": [{"kind": "fixed_amount", "name": "A", "amount": 10}],
    }
    model = parse(document)
    assert model.discount_rate == D("0.03")
    assert model.costs == ()
    (lever,) = model.levers
    assert (lever.stakeholder, lever.category) == ("internal", "financial")
    assert (lever.attribution_share, lever.realisation_rate) == (1, 1)
    assert [lever.ramp(year) for year in (1, 2)] == [1, 1]  # horizon_years ones


def test_a_model_without_levers_is_valid():
    document = example()
    document["levers"] = []
    assert parse(document).levers == ()


@pytest.mark.parametrize("path", defaults.DEMO_MODELS, ids=lambda p: p.stem)
def test_the_demo_documents_are_valid(path):
    assert validate(defaults.load(path)) == []
    assert validate(json.loads(path.read_text(encoding="utf-8"))) == []  # with floats too


# --- Round trips -------------------------------------------------------------------------------


def test_to_document_round_trips_the_reference_example():
    model = parse(example())
    written = to_document(model)
    assert parse(written) == model
    assert parse(json.loads(json.dumps(written))) == model
    assert written["levers"][0]["reduction"] == {"low": "0.2", "medium": "0.3", "high": "0.5"}
    assert written["levers"][0]["staff_fte"] == "107.4"
    assert written["costs"][1] == {
        "name": "Licences and operation",
        "kind": "running",
        "annual_amount": "800000",
    }


@pytest.mark.parametrize("path", defaults.DEMO_MODELS, ids=lambda p: p.stem)
def test_to_document_round_trips_the_demo_documents(path):
    model = parse(defaults.load(path))
    assert parse(to_document(model)) == model


@settings(deadline=None)
@given(models())
def test_to_document_round_trips_any_model(model: BenefitModel):
    assert parse(json.loads(json.dumps(to_document(model)))) == model


def test_to_document_writes_plain_decimals_without_exponents():
    model = BenefitModel(
        name="Exponents",
        horizon_years=1,
        levers=(Lever(kind="fixed_amount", name="A", amount=D("1E+3")),),
    )
    assert to_document(model)["levers"][0]["amount"] == "1000"


# --- Errors ------------------------------------------------------------------------------------


def test_an_error_names_its_field_and_prints_as_path_colon_message():
    error = DocumentError("levers[2].reduction.high", "must be between 0 and 1")
    assert str(error) == "levers[2].reduction.high: must be between 0 and 1"
    assert (error.path, error.message) == ("levers[2].reduction.high", "must be between 0 and 1")


def test_all_errors_are_collected_and_the_document_is_refused_as_a_whole():
    document = example()
    document["format"] = "klassa.benefit-model/2"
    document["levers"][1]["reduction"]["high"] = 1.5
    document["levers"][3]["stakeholder"] = "citizens"
    document["costs"][0]["amounts"] = [1, 2]
    with pytest.raises(DocumentInvalid) as invalid:
        parse(document)
    assert [str(e) for e in invalid.value.errors] == [
        "format: must be klassa.benefit-model/1",
        "levers[1].reduction.high: must be between 0 and 1",
        "levers[3].stakeholder: must be one of internal, external",
        "costs[0].amounts: must have 4 entries",
    ]
    assert str(invalid.value).splitlines() == [str(e) for e in invalid.value.errors]


def test_the_deck_style_message_for_a_reduction_above_one():
    document = example()
    document["levers"].insert(2, copy.deepcopy(document["levers"][1]))
    document["levers"][2]["name"] = "Another"
    document["levers"][2]["reduction"]["high"] = 1.2
    assert errors_of(document) == ["levers[2].reduction.high: must be between 0 and 1"]


def test_a_document_must_be_an_object():
    assert errors_of([1, 2]) == ["document: must be a JSON object"]
    assert errors_of(None) == ["document: must be a JSON object"]


SCENARIO_MESSAGE = "must be a number or an object with low, medium and high"


def mutate(*steps):
    """A change to the example: (path, value) pairs; value DELETE removes the key."""

    def apply(document):
        for path, value in steps:
            target = document
            for key in path[:-1]:
                target = target[key]
            if value is DELETE:
                del target[path[-1]]
            else:
                target[path[-1]] = value
        return document

    return apply


DELETE = object()

# (rule, change, expected errors)
RULES = [
    # The document.
    (
        "format",
        mutate((["format"], "klassa.register/1")),
        ["format: must be klassa.benefit-model/1"],
    ),
    ("format required", mutate((["format"], DELETE)), ["format: must be klassa.benefit-model/1"]),
    ("unknown top-level key", mutate((["colour"], "red")), ["colour: unknown field"]),
    ("name required", mutate((["name"], DELETE)), ["name: required"]),
    ("name blank", mutate((["name"], "  ")), ["name: required"]),
    ("name text", mutate((["name"], 12)), ["name: must be text"]),
    ("name length", mutate((["name"], "x" * 201)), ["name: at most 200 characters"]),
    ("currency required", mutate((["currency"], DELETE)), ["currency: required"]),
    (
        "currency code",
        mutate((["currency"], "kronor")),
        ["currency: must be a three-letter currency code such as SEK"],
    ),
    ("horizon required", mutate((["horizon_years"], DELETE)), ["horizon_years: required"]),
    (
        "horizon at least 1",
        mutate((["horizon_years"], 0)),
        ["horizon_years: must be a whole number from 1 to 30"],
    ),
    (
        "horizon at most 30",
        mutate((["horizon_years"], 31)),
        ["horizon_years: must be a whole number from 1 to 30"],
    ),
    (
        "horizon whole",
        mutate((["horizon_years"], 2.5)),
        ["horizon_years: must be a whole number from 1 to 30"],
    ),
    (
        "horizon not a boolean",
        mutate((["horizon_years"], True)),
        ["horizon_years: must be a whole number from 1 to 30"],
    ),
    (
        "discount rate at most 1",
        mutate((["discount_rate"], 1.5)),
        ["discount_rate: must be between 0 and 1"],
    ),
    (
        "discount rate not negative",
        mutate((["discount_rate"], "-0.01")),
        ["discount_rate: must be between 0 and 1"],
    ),
    ("levers required", mutate((["levers"], DELETE)), ["levers: required"]),
    ("levers a list", mutate((["levers"], {"a": 1})), ["levers: must be a list"]),
    ("lever an object", mutate((["levers", 0], "lever")), ["levers[0]: must be an object"]),
    # Lever fields common to every kind.
    ("lever kind required", mutate((["levers", 3, "kind"], DELETE)), ["levers[3].kind: required"]),
    (
        "lever kind known",
        mutate((["levers", 3, "kind"], "lump_sum")),
        ["levers[3].kind: must be one of staff_time, cost_base, rate_change, fixed_amount"],
    ),
    ("lever name required", mutate((["levers", 0, "name"], "")), ["levers[0].name: required"]),
    (
        "lever names unique",
        mutate((["levers", 1, "name"], "Less administration for principals")),
        ["levers[1].name: duplicate name"],
    ),
    (
        "stakeholder",
        mutate((["levers", 0, "stakeholder"], "staff")),
        ["levers[0].stakeholder: must be one of internal, external"],
    ),
    (
        "category",
        mutate((["levers", 0, "category"], "cashable")),
        ["levers[0].category: must be one of financial, redistribution, quality, environment"],
    ),
    (
        "attribution share within 0..1",
        mutate((["levers", 0, "attribution_share"], 1.2)),
        ["levers[0].attribution_share: must be between 0 and 1"],
    ),
    (
        "realisation rate within 0..1",
        mutate((["levers", 0, "realisation_rate"], -0.5)),
        ["levers[0].realisation_rate: must be between 0 and 1"],
    ),
    (
        "attribution share is not per scenario",
        mutate((["levers", 0, "attribution_share"], {"low": 0.1, "medium": 0.1, "high": 0.1})),
        ["levers[0].attribution_share: must be a number"],
    ),
    (
        "ramp-up has horizon_years entries",
        mutate((["levers", 0, "ramp_up"], [0.5, 1])),
        ["levers[0].ramp_up: must have 3 entries"],
    ),
    (
        "ramp-up entries within 0..1",
        mutate((["levers", 0, "ramp_up"], [0.5, 1.5, 1])),
        ["levers[0].ramp_up[1]: must be between 0 and 1"],
    ),
    (
        "ramp-up a list",
        mutate((["levers", 0, "ramp_up"], 1)),
        ["levers[0].ramp_up: must be a list"],
    ),
    (
        "unknown lever key",
        mutate((["levers", 0, "owner"], "Anna")),
        ["levers[0].owner: unknown field"],
    ),
    (
        "input of another kind",
        mutate((["levers", 1, "staff_fte"], 3)),
        ["levers[1].staff_fte: not a field of a cost_base lever"],
    ),
    (
        "group only on staff_time levers",
        mutate((["levers", 1, "group"], "rektorer")),
        ["levers[1].group: not a field of a cost_base lever"],
    ),
    ("group text", mutate((["levers", 0, "group"], 7)), ["levers[0].group: must be text"]),
    (
        "group length",
        mutate((["levers", 0, "group"], "x" * 101)),
        ["levers[0].group: at most 100 characters"],
    ),
    # Inputs of the kinds.
    (
        "kind input required",
        mutate((["levers", 0, "staff_fte"], DELETE)),
        ["levers[0].staff_fte: required"],
    ),
    (
        "staff not negative",
        mutate((["levers", 0, "staff_fte"], -1)),
        ["levers[0].staff_fte: must be 0 or more"],
    ),
    (
        "money not negative",
        mutate((["levers", 0, "annual_cost_per_fte"], -779730)),
        ["levers[0].annual_cost_per_fte: must be 0 or more"],
    ),
    (
        "time share within 0..1",
        mutate((["levers", 0, "time_share"], 1.01)),
        ["levers[0].time_share: must be between 0 and 1"],
    ),
    (
        "reduction within 0..1 per scenario",
        mutate((["levers", 1, "reduction", "high"], 1.5)),
        ["levers[1].reduction.high: must be between 0 and 1"],
    ),
    (
        "base cost not negative",
        mutate((["levers", 1, "base_cost"], "-100")),
        ["levers[1].base_cost: must be 0 or more"],
    ),
    (
        "population not negative",
        mutate((["levers", 2, "population"], -2374.1)),
        ["levers[2].population: must be 0 or more"],
    ),
    (
        "unit cost not negative",
        mutate((["levers", 2, "unit_cost"], {"low": 1, "medium": -1, "high": 1})),
        ["levers[2].unit_cost.medium: must be 0 or more"],
    ),
    (
        "rate before within 0..1",
        mutate((["levers", 2, "rate_before"], 4)),
        ["levers[2].rate_before: must be between 0 and 1"],
    ),
    (
        "amount not negative",
        mutate((["levers", 3, "amount", "low"], -1000000)),
        ["levers[3].amount.low: must be 0 or more"],
    ),
    (
        "rate after at most rate before",
        mutate((["levers", 2, "rate_after"], 0.05)),
        ["levers[2].rate_after: must not exceed rate_before"],
    ),
    (
        "rate after at most rate before, per scenario",
        mutate((["levers", 2, "rate_after"], {"low": 0.03, "medium": 0.02, "high": 0.05})),
        ["levers[2].rate_after.high: must not exceed rate_before"],
    ),
    (
        "rate after at most rate before of each scenario",
        mutate((["levers", 2, "rate_before"], {"low": 0.01, "medium": 0.04, "high": 0.04})),
        ["levers[2].rate_after: must not exceed rate_before.low"],
    ),
    # Scenario-dependent values.
    (
        "scenario object needs every scenario",
        mutate((["levers", 1, "reduction"], {"low": 0.1, "high": 0.4})),
        ["levers[1].reduction.medium: required"],
    ),
    (
        "scenario object has only the scenarios",
        mutate((["levers", 1, "reduction"], {"low": 0.1, "medium": 0.2, "high": 0.4, "max": 1})),
        ["levers[1].reduction.max: unknown field"],
    ),
    (
        "scenario value a number or an object",
        mutate((["levers", 1, "reduction"], [0.1, 0.2, 0.3])),
        [f"levers[1].reduction: {SCENARIO_MESSAGE}"],
    ),
    # Numbers.
    (
        "booleans are not numbers",
        mutate((["levers", 3, "amount"], True)),
        [f"levers[3].amount: {SCENARIO_MESSAGE}"],
    ),
    (
        "booleans are not shares",
        mutate((["levers", 0, "realisation_rate"], False)),
        ["levers[0].realisation_rate: must be a number"],
    ),
    (
        "NaN is not a number",
        mutate((["levers", 0, "attribution_share"], float("nan"))),
        ["levers[0].attribution_share: must be a number"],
    ),
    (
        "Infinity is not a number",
        mutate((["levers", 3, "amount", "high"], D("Infinity"))),
        ["levers[3].amount.high: must be a number"],
    ),
    (
        "infinite float is not a number",
        mutate((["discount_rate"], float("inf"))),
        ["discount_rate: must be a number"],
    ),
    (
        "text that is not a decimal",
        mutate((["levers", 3, "amount", "medium"], "2 000 000")),
        ["levers[3].amount.medium: must be a number"],
    ),
    (
        "empty text is not a number",
        mutate((["levers", 0, "attribution_share"], "")),
        ["levers[0].attribution_share: must be a number"],
    ),
    (
        "numbers below 10^15",
        mutate((["levers", 1, "base_cost"], "1e15")),
        ["levers[1].base_cost: must be below 10^15"],
    ),
    # Costs.
    ("costs a list", mutate((["costs"], {"name": "x"})), ["costs: must be a list"]),
    ("cost an object", mutate((["costs", 1], 800000)), ["costs[1]: must be an object"]),
    ("cost name required", mutate((["costs", 1, "name"], DELETE)), ["costs[1].name: required"]),
    ("cost kind required", mutate((["costs", 1, "kind"], DELETE)), ["costs[1].kind: required"]),
    (
        "cost kind known",
        mutate((["costs", 1, "kind"], "operating")),
        ["costs[1].kind: must be one of investment, running"],
    ),
    (
        "cost amounts or annual amount",
        mutate((["costs", 1, "annual_amount"], DELETE)),
        ["costs[1]: give amounts or annual_amount"],
    ),
    (
        "cost not both",
        mutate((["costs", 1, "amounts"], [0, 1, 1, 1])),
        ["costs[1]: give amounts or annual_amount, not both"],
    ),
    (
        "cost amounts for years 0..H",
        mutate((["costs", 0, "amounts"], [5000000, 2000000, 0])),
        ["costs[0].amounts: must have 4 entries"],
    ),
    (
        "cost amounts not negative",
        mutate((["costs", 0, "amounts", 1], -2000000)),
        ["costs[0].amounts[1]: must be 0 or more"],
    ),
    (
        "cost amounts a list",
        mutate((["costs", 0, "amounts"], 5000000)),
        ["costs[0].amounts: must be a list"],
    ),
    (
        "annual amount not negative",
        mutate((["costs", 1, "annual_amount"], -800000)),
        ["costs[1].annual_amount: must be 0 or more"],
    ),
    ("unknown cost key", mutate((["costs", 1, "vat"], 0.25)), ["costs[1].vat: unknown field"]),
]


@pytest.mark.parametrize(("change", "expected"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_each_field_rule_is_checked_with_its_path_and_message(change, expected):
    document = change(example())
    assert errors_of(document) == expected
    with pytest.raises(DocumentInvalid) as invalid:
        parse(document)
    assert [(e.path, e.message) for e in invalid.value.errors] == [
        tuple(line.split(": ", 1)) for line in expected
    ]


def test_lengths_are_not_checked_against_an_invalid_horizon():
    document = example()
    document["horizon_years"] = 99
    document["levers"][0]["ramp_up"] = [1, 1]
    assert errors_of(document) == ["horizon_years: must be a whole number from 1 to 30"]


def test_a_lever_of_unknown_kind_still_has_its_other_fields_checked():
    document = example()
    document["levers"][3]["kind"] = "lump_sum"
    document["levers"][3]["realisation_rate"] = 2
    document["levers"][3]["colour"] = "red"
    assert errors_of(document) == [
        "levers[3].kind: must be one of staff_time, cost_base, rate_change, fixed_amount",
        "levers[3].colour: unknown field",
        "levers[3].realisation_rate: must be between 0 and 1",
    ]


# --- The staff group of a staff_time lever (double counting) -----------------------------------


def test_a_staff_time_lever_carries_its_group_trimmed_and_round_trips():
    document = example()
    document["levers"][0]["group"] = "  rektorer "
    model = parse(document)
    assert model.levers[0].group == "rektorer"
    written = to_document(model)
    assert written["levers"][0]["group"] == "rektorer"
    assert parse(written) == model


def test_a_lever_without_group_writes_none_and_has_an_empty_group():
    model = parse(example())
    assert [lever.group for lever in model.levers] == ["", "", "", ""]
    assert all("group" not in lever for lever in to_document(model)["levers"])


def test_a_blank_group_means_no_group():
    document = example()
    document["levers"][0]["group"] = "   "
    model = parse(document)
    assert model.levers[0].group == ""
    assert "group" not in to_document(model)["levers"][0]


def test_a_group_of_exactly_100_characters_is_accepted():
    document = example()
    document["levers"][0]["group"] = "x" * 100
    assert errors_of(document) == []


def test_the_model_refuses_a_group_on_another_kind():
    with pytest.raises(ValueError, match="group"):
        Lever(kind="fixed_amount", name="A", amount=1, group="rektorer")


def test_more_than_fifty_levers_or_costs_are_refused_on_their_list():
    lever = {"kind": "fixed_amount", "amount": "1"}
    levers = [{**lever, "name": f"L{i}"} for i in range(document.MAX_ITEMS + 1)]
    costs = [{"name": f"C{i}", "kind": "running", "annual_amount": "1"} for i in range(51)]
    errors = document.validate(
        {
            "format": "klassa.benefit-model/1",
            "name": "M",
            "currency": "SEK",
            "horizon_years": 1,
            "levers": levers,
            "costs": costs,
        }
    )
    assert {(e.path, e.message) for e in errors} == {
        ("levers", "at most 50 levers"),
        ("costs", "at most 50 cost items"),
    }
