"""The multi-year roadmap's maths: the optimal plan against brute force, the rules on every
generated case, the ranking's plan, why-not reasons and the platforms' shared costs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio.roadmap import (
    CONFLICT_BUDGET,
    CONFLICT_HORIZON,
    CONFLICT_PREREQUISITE,
    DOES_NOT_FIT,
    FORCED_OUT_REASON,
    NOT_READY,
    NOT_WORTH_IT,
    PREREQUISITE_NOT_PLANNED,
    Horizon,
    RoadmapItem,
    brute_force_plan,
    find_cycle,
    optimal_plan,
    ranking_plan,
    shared_by,
    shared_costs,
    violations,
    why_not,
)

D = Decimal
THREE_YEARS = Horizon(2027, (D(30_000_000), D(25_000_000), D(20_000_000)))


def item(code: str, npv: int | str, *investments: int, **kwargs) -> RoadmapItem:
    return RoadmapItem(code, D(npv), investments=tuple(D(i) for i in investments), **kwargs)


# --- Generated portfolios ----------------------------------------------------------------------


@st.composite
def portfolios(draw):
    count = draw(st.integers(1, 6))
    codes = [f"I{n}" for n in range(count)]
    items = []
    for n, code in enumerate(codes):
        # Prerequisites only on earlier codes: no cycle by construction.
        requires = tuple(draw(st.sets(st.sampled_from(codes[:n]), max_size=2))) if n else ()
        items.append(
            RoadmapItem(
                code,
                D(draw(st.integers(-300, 1_000))) * 1000,
                rate=draw(st.sampled_from([D(0), D("0.035"), D("0.1")])),
                investments=tuple(
                    D(draw(st.integers(0, 400))) * 1000 for _ in range(draw(st.integers(0, 3)))
                ),
                duration_years=draw(st.integers(1, 2)),
                ready=draw(st.booleans()) or draw(st.booleans()),
                forced=draw(st.sampled_from([None, None, None, None, "in", "out"])),
                requires=requires,
            )
        )
    years = draw(st.integers(1, 3))
    horizon = Horizon(2027, tuple(D(draw(st.integers(0, 800))) * 1000 for _ in range(years)))
    return items, horizon


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(portfolios())
def test_the_optimal_plan_is_as_good_as_brute_force_and_breaks_no_rule(case):
    items, horizon = case
    best = brute_force_plan(items, horizon)
    plan = optimal_plan(items, horizon)
    assert plan.feasible == best.feasible
    if not best.feasible:
        assert plan.conflicts
        return
    assert violations(plan.starts, items, horizon) == []
    assert abs(plan.value - best.value) <= D("0.01")
    assert plan.proven_optimal is True


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(portfolios())
def test_the_rankings_plan_breaks_no_rule_and_is_never_better_than_the_optimum(case):
    items, horizon = case
    ranked = ranking_plan(items, horizon)
    if not ranked.feasible:
        return
    assert violations(ranked.starts, items, horizon) == []
    assert ranked.value <= optimal_plan(items, horizon).value + D("0.01")


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(portfolios())
def test_every_unplanned_initiative_gets_the_first_reason_that_applies(case):
    items, horizon = case
    plan = optimal_plan(items, horizon)
    if not plan.feasible:
        return
    reasons = {u.code: u for u in why_not(items, horizon, plan)}
    assert set(reasons) == {i.code for i in items} - set(plan.starts)
    for i in items:
        if i.code not in reasons:
            continue
        reason = reasons[i.code]
        if i.forced == "out":
            assert reason.reason == FORCED_OUT_REASON
        elif not i.ready and i.forced != "in":
            assert reason.reason == NOT_READY
        elif any(j not in plan.starts for j in i.requires):
            assert reason.reason == PREREQUISITE_NOT_PLANNED
        else:
            assert reason.reason in {DOES_NOT_FIT, NOT_WORTH_IT}
        if reason.extra_year is not None:
            # The named extra frame does let it in beside the plan.
            budgets = list(horizon.budgets)
            budgets[reason.extra_year - horizon.first_year] += reason.extra_amount
            wider = Horizon(horizon.first_year, tuple(budgets))
            earliest = (
                max(
                    (plan.starts[j] + next(x for x in items if x.code == j).duration_years)
                    for j in i.requires
                )
                if i.requires
                else horizon.first_year
            )
            assert any(
                violations({**plan.starts, i.code: s}, items, wider) == []
                for s in wider.years
                if s >= earliest
            )


# --- Cases from the deck and by hand -----------------------------------------------------------


def test_platforms_come_first_and_their_cost_is_shared_by_the_initiatives_that_need_them():
    items = [
        item("PLAT-SENSOR", -8_000_000, 8_000_000, duration_years=1),
        item("SC-A", 30_000_000, 0, 10_000_000, requires=("PLAT-SENSOR",)),
        item("TP-A", 10_000_000, 0, 5_000_000, requires=("PLAT-SENSOR",)),
    ]
    plan = optimal_plan(items, THREE_YEARS)
    assert plan.starts == {"PLAT-SENSOR": 2027, "SC-A": 2028, "TP-A": 2028}
    assert plan.proven_optimal
    assert shared_by(items, plan) == {"PLAT-SENSOR": ["SC-A", "TP-A"]}
    shares = shared_costs(items, plan)
    assert shares == {
        "SC-A": {"PLAT-SENSOR": D("6000000.00")},
        "TP-A": {"PLAT-SENSOR": D("2000000.00")},
    }
    assert plan.spend == (D(8_000_000), D(0), D(15_000_000))


def test_a_platform_worth_nothing_by_itself_is_left_out_when_nothing_worth_it_needs_it():
    items = [
        item("PLAT", -5_000_000, 5_000_000),
        item("SMALL", 1_000_000, 0, requires=("PLAT",)),
    ]
    plan = optimal_plan(items, THREE_YEARS)
    assert plan.starts == {}
    reasons = {u.code: u.reason for u in why_not(items, THREE_YEARS, plan)}
    assert reasons == {"PLAT": NOT_WORTH_IT, "SMALL": PREREQUISITE_NOT_PLANNED}


def test_the_rankings_plan_can_be_worse_than_the_optimum():
    # The ranking takes the big one first and fills 2027; the optimum takes the two that
    # together are worth more.
    horizon = Horizon(2027, (D(100),))
    items = [item("BIG", 100, 60), item("A", 70, 50), item("B", 70, 50)]
    ranked = ranking_plan(items, horizon)
    best = optimal_plan(items, horizon)
    assert ranked.starts == {"BIG": 2027}
    assert best.starts == {"A": 2027, "B": 2027}
    assert best.value - ranked.value == D(40)


def test_discounting_moves_the_more_valuable_initiative_first():
    horizon = Horizon(2027, (D(100), D(100)))
    items = [
        item("LOW", 100, 100, rate=D("0.1")),
        item("HIGH", 200, 100, rate=D("0.1")),
    ]
    plan = optimal_plan(items, horizon)
    assert plan.starts == {"HIGH": 2027, "LOW": 2028}
    assert plan.value.quantize(D("0.01")) == D("290.91")  # 200 + 100 / 1.1


def test_investment_years_must_lie_inside_the_plan_but_durations_need_not():
    horizon = Horizon(2027, (D(100), D(100)))
    items = [item("LONG", 50, 10, 10, 10), item("SLOW", 50, 10, duration_years=5)]
    plan = optimal_plan(items, horizon)
    assert plan.starts == {"SLOW": 2027}
    reasons = {u.code: u for u in why_not(items, horizon, plan)}
    assert reasons["LONG"].reason == DOES_NOT_FIT
    assert reasons["LONG"].extra_year is None  # no frame would help: the plan is too short


def test_does_not_fit_names_the_smallest_extra_frame_in_one_year():
    horizon = Horizon(2027, (D(100), D(100)))
    rate = {"rate": D("0.05")}
    items = [item("A", 500, 90, **rate), item("B", 400, 90, **rate), item("C", 300, 60, **rate)]
    plan = optimal_plan(items, horizon)
    assert plan.starts == {"A": 2027, "B": 2028}
    (c,) = why_not(items, horizon, plan)
    assert (c.code, c.reason, c.extra_year, c.extra_amount) == ("C", DOES_NOT_FIT, 2027, D(50))


def test_an_impossible_forced_set_is_explained_not_planned():
    horizon = Horizon(2027, (D(100), D(100)))
    budget = [item("X", 10, 80, forced="in"), item("Y", 10, 80, 80, forced="in")]
    plan = optimal_plan(budget, horizon)
    assert not plan.feasible
    assert plan.starts == {}
    assert [c.kind for c in plan.conflicts] == [CONFLICT_BUDGET]
    assert plan.conflicts[0].years == (2027, 2028)

    prerequisite = [item("P", 0, 10, forced="out"), item("Q", 10, 10, forced="in", requires=("P",))]
    conflict = optimal_plan(prerequisite, horizon).conflicts
    assert [(c.kind, c.initiative, c.requires, c.reason) for c in conflict] == [
        (CONFLICT_PREREQUISITE, "Q", "P", FORCED_OUT_REASON)
    ]

    too_late = [
        item("P", 0, 10, duration_years=2),
        item("Q", 10, 10, forced="in", requires=("P",)),
    ]
    assert [c.kind for c in optimal_plan(too_late, horizon).conflicts] == [CONFLICT_HORIZON]


def test_forcing_in_overrides_readiness():
    plan = optimal_plan([item("F", -10, 10, ready=False, forced="in")], THREE_YEARS)
    assert set(plan.starts) == {"F"}


def test_no_plan_is_ever_over_a_frame_by_an_ore():
    horizon = Horizon(2027, (D("100.00"),))
    items = [item("A", 10, 0), RoadmapItem("B", D(10), investments=(D("100.004"),))]
    plan = optimal_plan(items, horizon)
    assert "B" not in plan.starts  # 100.004 kr costs 100.01 kr of the frame (rounded up)


@pytest.mark.parametrize(
    ("requires", "cycle"),
    [
        # Told from the initiative whose requires closes the cycle (found from A).
        ({"A": ["B"], "B": ["A"]}, ["B", "A", "B"]),
        ({"A": ["B"], "B": ["C"], "C": ["B"]}, ["C", "B", "C"]),
        ({"A": ["B"], "B": []}, None),
        ({"A": ["UNKNOWN"]}, None),
    ],
)
def test_a_cycle_of_prerequisites_is_found_with_its_path(requires, cycle):
    assert find_cycle(requires) == cycle


def test_a_long_chain_of_prerequisites_does_not_exhaust_the_stack():
    chain = {f"I{n}": [f"I{n + 1}"] for n in range(5000)}
    chain["I5000"] = ["I0"]
    assert len(find_cycle(chain)) == 5002


def test_bad_items_are_refused():
    with pytest.raises(ValueError, match="require itself"):
        item("A", 1, requires=("A",))
    with pytest.raises(ValueError, match="cycle B → A → B"):
        optimal_plan([item("A", 1, requires=("B",)), item("B", 1, requires=("A",))], THREE_YEARS)
    with pytest.raises(TypeError):
        RoadmapItem("A", 1.5)  # type: ignore[arg-type]


# --- A what-if's pinned start years ------------------------------------------------------------


def test_a_pinned_start_year_is_kept_by_both_plans_and_pulls_its_prerequisites_before_it():
    platform = item("PLAT", 0, 8_000_000, duration_years=1)
    smart = item("SC", 12_000_000, 0, 10_000_000, requires=("PLAT",))
    traffic = item("TP", 5_000_000, 5_000_000, requires=("PLAT",))
    items = [platform, smart, traffic]
    for plan in (
        optimal_plan(items, THREE_YEARS, fixed_starts={"TP": 2029}),
        ranking_plan(items, THREE_YEARS, fixed_starts={"TP": 2029}),
    ):
        assert plan.feasible
        assert plan.starts["TP"] == 2029
        assert plan.starts["PLAT"] + platform.duration_years <= plan.starts["TP"]
        assert not violations(
            plan.starts,
            [
                platform,
                smart,
                item("TP", 5_000_000, 5_000_000, requires=("PLAT",), fixed_start=2029),
            ],
            THREE_YEARS,
        )


def test_pinning_an_initiative_that_is_not_ready_or_worth_nothing_still_plans_it_there():
    items = [item("A", -1_000, 1_000, ready=False), item("B", 5_000, 1_000)]
    plan = optimal_plan(items, THREE_YEARS, fixed_starts={"A": 2028})
    assert plan.starts["A"] == 2028
    assert "B" in plan.starts  # undiscounted: any year is as good


def test_a_pinned_year_before_the_prerequisite_is_delivered_is_a_conflict_not_a_plan():
    items = [
        item("PLAT", 0, 1_000, duration_years=2),
        item("APP", 5_000, 1_000, requires=("PLAT",)),
    ]
    plan = optimal_plan(items, THREE_YEARS, fixed_starts={"APP": 2028})
    assert not plan.feasible
    assert [(c.kind, c.initiative) for c in plan.conflicts] == [(CONFLICT_HORIZON, "APP")]


def test_a_pinned_year_is_refused_for_an_unknown_initiative():
    with pytest.raises(ValueError, match="unknown initiative NOPE"):
        optimal_plan([item("A", 5_000, 1_000)], THREE_YEARS, fixed_starts={"NOPE": 2027})
