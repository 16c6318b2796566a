"""Hypothesis strategies for benefit models, shared by the calculation, document and
workbook properties."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from benefits.calculation import (
    CATEGORIES,
    COST_KINDS,
    LEVER_KINDS,
    SCENARIOS,
    STAKEHOLDERS,
    BenefitModel,
    ByScenario,
    Cost,
    Lever,
)

D = Decimal

money = st.decimals(min_value=0, max_value=10_000_000, places=2)


shares = st.decimals(min_value=0, max_value=1, places=2)


counts = st.decimals(min_value=0, max_value=10_000, places=1)


def by_scenario(values):
    return st.one_of(values.map(ByScenario.same), st.builds(ByScenario, values, values, values))


@st.composite
def lever_inputs(draw, kind):
    if kind == "staff_time":
        return {
            "staff_fte": draw(by_scenario(counts)),
            "annual_cost_per_fte": draw(by_scenario(money)),
            "time_share": draw(by_scenario(shares)),
            "reduction": draw(by_scenario(shares)),
        }
    if kind == "cost_base":
        return {"base_cost": draw(by_scenario(money)), "reduction": draw(by_scenario(shares))}
    if kind == "rate_change":
        before = draw(by_scenario(shares))
        fractions = draw(st.lists(shares, min_size=3, max_size=3))
        after = ByScenario(*(before[s] * f for s, f in zip(SCENARIOS, fractions, strict=True)))
        return {
            "population": draw(by_scenario(counts)),
            "rate_before": before,
            "rate_after": after,
            "unit_cost": draw(by_scenario(money)),
        }
    return {"amount": draw(by_scenario(money))}


@st.composite
def models(draw):
    horizon = draw(st.integers(min_value=1, max_value=6))
    levers = []
    for index in range(draw(st.integers(min_value=0, max_value=4))):
        kind = draw(st.sampled_from(LEVER_KINDS))
        ramp = st.lists(shares, min_size=horizon, max_size=horizon).map(tuple)
        levers.append(
            Lever(
                kind=kind,
                name=f"Lever {index}",
                stakeholder=draw(st.sampled_from(STAKEHOLDERS)),
                category=draw(st.sampled_from(CATEGORIES)),
                attribution_share=draw(shares),
                realisation_rate=draw(shares),
                ramp_up=draw(st.one_of(st.just(()), ramp)),
                **draw(lever_inputs(kind)),
            )
        )
    costs = []
    for index in range(draw(st.integers(min_value=0, max_value=3))):
        kind = draw(st.sampled_from(COST_KINDS))
        if draw(st.booleans()):
            amounts = draw(st.lists(money, min_size=horizon + 1, max_size=horizon + 1))
            costs.append(Cost(f"Cost {index}", kind, amounts=tuple(amounts)))
        else:
            costs.append(Cost(f"Cost {index}", kind, annual_amount=draw(money)))
    return BenefitModel(
        name="Generated",
        horizon_years=horizon,
        levers=tuple(levers),
        costs=tuple(costs),
        discount_rate=draw(st.decimals(min_value=0, max_value=D("0.2"), places=3)),
    )
