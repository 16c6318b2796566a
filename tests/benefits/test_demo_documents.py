"""The made-up benefit models of the demo, the tests and the benchmarks are valid and give
the figures they promise."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from benefits import calculation
from benefits import document as benefit_document
from benefits.demo_documents import fixed_amount_document, random_document


def test_a_fixed_amount_model_without_discounting_is_worth_its_benefit_less_its_cost() -> None:
    document = fixed_amount_document(
        "Dashboard", internal=900_000, external=300_000, investment=400_000, discount_rate="0"
    )
    assert benefit_document.validate(document) == []
    result = calculation.evaluate(benefit_document.parse(document)).medium
    assert result.npv == Decimal(900_000 + 300_000 - 400_000)
    assert (result.internal_benefit, result.external_benefit) == (900_000, 300_000)


def test_a_stakeholder_without_a_benefit_has_no_lever() -> None:
    document = fixed_amount_document("Only external", internal=0, external=5, investment=1)
    assert [lever["stakeholder"] for lever in document["levers"]] == ["external"]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_every_random_model_is_valid_and_the_same_seed_gives_the_same_model(seed: int) -> None:
    document, investment = random_document(random.Random(seed), "Nytta")
    assert benefit_document.validate(document) == []
    assert random_document(random.Random(seed), "Nytta") == (document, investment)
    model = benefit_document.parse(document)
    investments = [c for c in document["costs"] if c["kind"] == "investment"]
    assert sum(Decimal(a) for a in investments[0]["amounts"]) == investment
    assert 1 <= len(model.levers) <= 4
