"""Priority scores: the weighted model by hand, WSJF by hand, and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.scoring import (
    CLASSIFICATION_RISK,
    CRITERIA,
    DEFAULT_MODEL,
    DEFAULT_WEIGHTS,
    NPV_PER_KRONA,
    STRATEGIC_FIT,
    Criterion,
    ScoringInput,
    ScoringModel,
    score_portfolio,
    wsjf_ranking,
)

D = Decimal


def item(code: str, npv="100", cost="100", fit=3, time=3, level=2, top=4, plan="0.5", **kw):
    return ScoringInput(
        code=code,
        npv=None if npv is None else D(npv),
        investment_cost=None if cost is None else D(cost),
        strategic_fit=fit,
        time_criticality=time,
        classification_level=level,
        classification_top=None if level is None else top,
        action_plan_fulfilment=None if plan is None else D(plan),
        **kw,
    )


def by_code(results):
    return {r.code: r for r in results}


def test_default_weights_are_decimal_and_add_up_to_one():
    assert set(DEFAULT_WEIGHTS) == set(CRITERIA)
    assert all(isinstance(w, Decimal) for w in DEFAULT_WEIGHTS.values())
    assert sum(DEFAULT_WEIGHTS.values()) == D(1)
    assert DEFAULT_MODEL.shares() == dict(DEFAULT_WEIGHTS)


def test_weighted_score_by_hand():
    items = [
        # NPV per krona 3 (the best), fit 5, time 1, level 4 of 4, plan done
        item("A", npv="300", cost="100", fit=5, time=1, level=4, plan="1"),
        # NPV per krona -1 (the worst), fit 1, time 5, level 0, nothing done
        item("B", npv="-100", cost="100", fit=1, time=5, level=0, plan="0"),
        # NPV per krona 1 → (1 - -1) / (3 - -1) = 0.5; fit 3 → 0.5; time 3 → 0.5; level 2 → 0.5
        item("C", npv="100", cost="100", fit=3, time=3, level=2, plan="0.5"),
    ]
    results = by_code(score_portfolio(items))
    a, b, c = results["A"], results["B"], results["C"]
    # A: 0.35·1 + 0.25·1 + 0.15·0 + 0.10·(1 − 1) + 0.15·1
    assert a.score == D("0.75")
    assert a.contributions == {
        "npv_per_krona": D("0.35"),
        "strategic_fit": D("0.25"),
        "time_criticality": D(0),
        "classification_risk": D(0),
        "action_plan_fulfilment": D("0.15"),
    }
    # B: 0 + 0 + 0.15 + 0.10·(1 − 0) + 0
    assert b.score == D("0.25")
    assert b.normalised[CLASSIFICATION_RISK] == D(1)  # level 0: least risk, best score
    assert c.score == D("0.5")
    assert [r.code for r in score_portfolio(items)] == ["A", "C", "B"]
    assert [r.rank for r in score_portfolio(items)] == [1, 2, 3]


def test_higher_classification_means_lower_score_by_default_and_can_be_reversed():
    items = [item("LOW", level=0), item("HIGH", level=4)]
    default = by_code(score_portfolio(items))
    assert default["LOW"].score > default["HIGH"].score
    reversed_model = ScoringModel.from_weights(
        {CLASSIFICATION_RISK: D(1)}, directions={CLASSIFICATION_RISK: "higher"}
    )
    reversed_ = by_code(score_portfolio(items, reversed_model))
    assert reversed_["HIGH"].score == D(1)
    assert reversed_["LOW"].score == D(0)


def test_free_initiatives_are_best_per_krona_unless_they_bring_nothing():
    items = [
        item("FREE", npv="5", cost="0"),
        item("EMPTY", npv="0", cost="0"),
        item("A", npv="10", cost="100"),
        item("B", npv="50", cost="100"),
    ]
    model = ScoringModel.from_weights({NPV_PER_KRONA: D(1)})
    results = by_code(score_portfolio(items, model))
    assert results["FREE"].score == D(1)
    assert results["EMPTY"].score == D(0)
    assert results["A"].score == D(0)  # the minimum among the priced ones
    assert results["B"].score == D(1)


def test_equal_ratios_all_score_one_per_krona():
    items = [item("A", npv="2", cost="1"), item("B", npv="4", cost="2")]
    model = ScoringModel.from_weights({NPV_PER_KRONA: D(1)})
    assert [r.score for r in score_portfolio(items, model)] == [D(1), D(1)]


def test_missing_values_contribute_nothing_and_are_flagged():
    items = [item("A", fit=None, level=None, plan=None)]
    result = score_portfolio(items)[0]
    assert result.missing == ("strategic_fit", "classification_risk", "action_plan_fulfilment")
    assert result.contributions["strategic_fit"] == D(0)
    assert result.normalised["strategic_fit"] is None
    # Only NPV per krona (alone: 1) and time criticality (3 → 0.5) count.
    assert result.score == D("0.35") + D("0.15") * D("0.5")


def test_ties_go_to_the_larger_npv_then_the_code():
    model = ScoringModel.from_weights({STRATEGIC_FIT: D(1)})
    items = [item("B", npv="10"), item("A", npv="10"), item("C", npv="20"), item("D", npv=None)]
    assert [r.code for r in score_portfolio(items, model)] == ["C", "A", "B", "D"]


@pytest.mark.parametrize(
    "make",
    [
        lambda: Criterion("beauty", D(1)),
        lambda: Criterion(STRATEGIC_FIT, D(-1)),
        lambda: Criterion(STRATEGIC_FIT, D(1), "sideways"),
        lambda: ScoringModel((Criterion(STRATEGIC_FIT, D(0)),)),
        lambda: item("X", fit=6),
        lambda: item("X", level=5, top=4),
        lambda: item("X", plan="1.5"),
        lambda: item("X", cost="-1"),
    ],
)
def test_invalid_models_and_inputs_are_refused(make):
    with pytest.raises(ValueError):
        make()


def test_float_weights_are_refused():
    with pytest.raises(TypeError):
        Criterion(STRATEGIC_FIT, 0.5)  # type: ignore[arg-type]


# --- WSJF ----------------------------------------------------------------------------------------


def test_wsjf_by_hand_with_the_investment_cost_as_job_size():
    items = [
        item("A", npv="100", cost="10", fit=5, time=5),
        item("B", npv="0", cost="100", fit=1, time=1),
        item("C", npv="50", cost="55", fit=3, time=3),
    ]
    results = {r.code: r for r in wsjf_ranking(items)}
    a, b, c = results["A"], results["B"], results["C"]
    assert (a.user_value, a.time_criticality, a.risk_opportunity) == (D(10), D(10), D(10))
    assert a.cost_of_delay == D(30)
    assert a.job_size == D(1)
    assert a.wsjf == D(30)
    assert a.job_size_basis == "investment_cost"
    assert (b.cost_of_delay, b.job_size, b.wsjf) == (D(3), D(10), D("0.3"))
    # C: 5.5 + 5.5 + 5.5 over 1 + 9 · 45/90 = 5.5
    assert (c.cost_of_delay, c.job_size, c.wsjf) == (D("16.5"), D("5.5"), D(3))
    assert [r.code for r in wsjf_ranking(items)] == ["A", "C", "B"]


def test_wsjf_uses_weeks_when_every_initiative_has_a_duration():
    items = [
        item("A", npv="100", fit=5, time=5, duration_weeks=10),
        item("B", npv="100", fit=5, time=5, duration_weeks=3),
    ]
    results = wsjf_ranking(items)
    assert [r.code for r in results] == ["B", "A"]
    assert results[0].job_size_basis == "duration_weeks"
    assert results[0].wsjf == D(10)  # 30 / 3
    assert results[1].wsjf == D(3)


def test_wsjf_missing_inputs_count_as_the_lowest_and_are_flagged():
    result = wsjf_ranking([item("A", npv=None, fit=None, time=None)])[0]
    assert result.missing == ("npv", "time_criticality", "strategic_fit")
    assert result.cost_of_delay == D(3)


# --- Properties ----------------------------------------------------------------------------------

money = st.decimals(min_value=-1_000_000_000, max_value=5_000_000_000, places=2)
cost = st.decimals(min_value=0, max_value=5_000_000_000, places=2)
maybe = st.none() | st.integers(min_value=1, max_value=5)


@st.composite
def inputs(draw, code: str):
    top = draw(st.integers(min_value=1, max_value=6))
    return ScoringInput(
        code=code,
        npv=draw(st.none() | money),
        investment_cost=draw(st.none() | cost),
        strategic_fit=draw(maybe),
        time_criticality=draw(maybe),
        classification_level=draw(st.none() | st.integers(min_value=0, max_value=top)),
        classification_top=top,
        action_plan_fulfilment=draw(st.none() | st.decimals(min_value=0, max_value=1, places=2)),
    )


portfolios = st.integers(min_value=1, max_value=15).flatmap(
    lambda n: st.tuples(*[inputs(f"I{i:02d}") for i in range(n)])
)
weights = st.decimals(min_value=0, max_value=100, places=2)
models = st.fixed_dictionaries({key: weights for key in CRITERIA}).filter(
    lambda w: any(v > 0 for v in w.values())
)


@settings(max_examples=200, deadline=None)
@given(portfolios, models, st.integers(min_value=1, max_value=1000))
def test_scores_are_bounded_sum_their_contributions_and_ignore_the_weights_scale(
    items, weights, factor
):
    model = ScoringModel.from_weights(weights)
    results = score_portfolio(items, model)
    scaled = score_portfolio(
        items, ScoringModel.from_weights({k: w * factor for k, w in weights.items()})
    )
    assert scaled == results
    assert [r.rank for r in results] == list(range(1, len(items) + 1))
    assert sorted(r.code for r in results) == sorted(i.code for i in items)
    for result in results:
        assert D(0) <= result.score <= D(1)
        assert sum(result.contributions.values()) == result.score
        for value in result.normalised.values():
            assert value is None or D(0) <= value <= D(1)
        assert set(result.missing) == {k for k, v in result.normalised.items() if v is None}
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)


@settings(max_examples=100, deadline=None)
@given(portfolios, models)
def test_rank_does_not_depend_on_the_input_order(items, weights):
    model = ScoringModel.from_weights(weights)
    forward = score_portfolio(items, model)
    backward = score_portfolio(list(reversed(items)), model)
    assert [r.code for r in forward] == [r.code for r in backward]
    assert [r.code for r in wsjf_ranking(items)] == [r.code for r in wsjf_ranking(items[::-1])]


@settings(max_examples=100, deadline=None)
@given(portfolios)
def test_wsjf_components_stay_on_their_scales(items):
    for result in wsjf_ranking(items):
        for part in (result.user_value, result.time_criticality, result.risk_opportunity):
            assert D(1) <= part <= D(10)
        assert result.cost_of_delay == (
            result.user_value + result.time_criticality + result.risk_opportunity
        )
        assert result.wsjf > 0
