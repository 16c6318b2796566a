"""Selection within a budget: hand-worked cases, the budget line, and properties."""

from __future__ import annotations

import ast
import random
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio import scoring, selection
from portfolio.selection import (
    FORCED_IN_EXCEEDS_BUDGET,
    BudgetLineRow,
    Candidate,
    FrontierPoint,
    brute_force_selection,
    budget_line,
    efficient_frontier,
    frontier_budgets,
    greedy_selection,
    optimal_selection,
)

D = Decimal


def cand(code: str, npv, cost, ready: bool = True, forced: str | None = None) -> Candidate:
    return Candidate(code=code, npv=D(npv), cost=D(cost), ready=ready, forced=forced)


# The knapsack every textbook starts with: the top-ranked initiative crowds out a better pair.
ABC = [cand("A", 10, 6), cand("B", 7, 5), cand("C", 7, 5)]


def test_optimal_takes_the_better_pair_that_the_ranking_misses():
    result = optimal_selection(ABC, D(10))
    assert result.codes == ("B", "C")
    assert result.total_npv == D(14)
    assert result.total_cost == D(10)
    assert result.budget == D(10)
    assert result.error is None


def test_greedy_walks_the_ranking_and_skips_what_no_longer_fits():
    ranked = [cand("A", 10, 6), cand("B", 7, 5), cand("C", 3, 3), cand("D", 1, 1)]
    result = greedy_selection(ranked, D(10))
    # A (6) fits, B (11) does not, C (9) fits, D (10) fits: the walk goes on after a miss.
    assert result.codes == ("A", "C", "D")
    assert result.total_cost == D(10)
    assert result.total_npv == D(14)


def test_forced_in_is_always_selected_and_forced_out_never():
    candidates = [
        cand("BIG", 100, 8, forced="out"),
        cand("LOSS", -5, 3, ready=False, forced="in"),
        cand("OK", 10, 7),
        cand("SMALL", 4, 2),
    ]
    result = optimal_selection(candidates, D(10))
    assert result.codes == ("LOSS", "OK")  # 3 + 7 = 10; SMALL would beat nothing once OK is in
    assert result.total_npv == D(5)
    assert greedy_selection(candidates, D(10)).codes == ("LOSS", "OK")


def test_only_ready_initiatives_with_positive_npv_are_eligible():
    candidates = [
        cand("NOTREADY", 50, 1, ready=False),
        cand("ZERO", 0, 1),
        cand("NEGATIVE", -1, 0),
        cand("GOOD", 1, 1),
    ]
    assert optimal_selection(candidates, D(100)).codes == ("GOOD",)
    assert greedy_selection(candidates, D(100)).codes == ("GOOD",)


def test_free_initiatives_with_value_are_always_taken():
    candidates = [cand("FREE", 3, 0), cand("PRICY", 9, 10)]
    assert optimal_selection(candidates, D(0)).codes == ("FREE",)


def test_forced_in_beyond_the_budget_is_an_error_not_a_selection():
    candidates = [cand("A", 1, 6, forced="in"), cand("B", 1, 5, forced="in"), cand("C", 9, 1)]
    for result in (
        optimal_selection(candidates, D(10)),
        greedy_selection(candidates, D(10)),
        brute_force_selection(candidates, D(10)),
    ):
        assert result.error == FORCED_IN_EXCEEDS_BUDGET
        assert result.codes == ()
        assert result.total_cost == D(0)
    line = budget_line(candidates, D(10))
    assert line.error == FORCED_IN_EXCEEDS_BUDGET
    assert [row.status for row in line] == ["forced_in", "forced_in", "over_budget"]
    assert line.cutoff == 2


def test_codes_keep_the_input_order_and_do_not_depend_on_it():
    shuffled = [ABC[2], ABC[0], ABC[1]]
    assert optimal_selection(shuffled, D(10)).codes == ("C", "B")


def test_equally_valuable_sets_prefer_the_cheaper_one():
    candidates = [cand("X", 10, 9), cand("Y", 10, 4)]
    assert optimal_selection(candidates, D(9)).codes == ("Y",)
    assert brute_force_selection(candidates, D(9)).codes == ("Y",)


def test_budget_is_respected_to_the_ore():
    candidates = [cand("A", "100.01", "60.01"), cand("B", "100.00", "40.00")]
    assert optimal_selection(candidates, D("100.00")).codes == ("A",)
    assert optimal_selection(candidates, D("100.01")).codes == ("A", "B")


def test_float_money_is_refused():
    with pytest.raises(TypeError):
        Candidate("A", 1.5, D(1), True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        optimal_selection(ABC, 10.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"cost": D(-1)}, "cost"), ({"forced": "maybe"}, "forced")],
)
def test_invalid_candidates_are_refused(kwargs, message):
    values = {"code": "A", "npv": D(1), "cost": D(1), "ready": True, "forced": None} | kwargs
    with pytest.raises(ValueError, match=message):
        Candidate(**values)


def test_duplicate_codes_and_negative_budgets_are_refused():
    with pytest.raises(ValueError, match="unique"):
        optimal_selection([ABC[0], ABC[0]], D(10))
    with pytest.raises(ValueError, match="budget"):
        optimal_selection(ABC, D(-1))


# --- Budget line ----------------------------------------------------------------------------------


def test_budget_line_statuses_cumulative_cost_and_cut_off():
    ranked = [
        cand("A", 10, 6),
        cand("F", 1, 2, forced="in"),
        cand("B", 7, 5),
        cand("N", 9, 1, ready=False),
        cand("V", -3, 1),
        cand("O", 20, 1, forced="out"),
        cand("C", 2, 2),
    ]
    line = budget_line(ranked, D(10))
    assert line.reserved == D(2)
    assert list(line) == [
        BudgetLineRow(1, "A", D(6), D(8), "within_budget"),
        BudgetLineRow(2, "F", D(2), D(8), "forced_in"),
        BudgetLineRow(3, "B", D(5), D(8), "over_budget"),
        BudgetLineRow(4, "N", D(1), D(8), "not_ready"),
        BudgetLineRow(5, "V", D(1), D(8), "no_value"),
        BudgetLineRow(6, "O", D(1), D(8), "forced_out"),
        BudgetLineRow(7, "C", D(2), D(10), "within_budget"),
    ]
    assert line.cutoff == 2
    assert line[line.cutoff].code == "B"
    assert len(line) == 7
    assert line.total_cost == D(10)
    assert [row.code for row in line if row.selected] == ["A", "F", "C"]


def test_budget_line_without_a_cut_off_when_everything_fits():
    line = budget_line(ABC, D(100))
    assert line.cutoff is None
    assert [row.cumulative_cost for row in line] == [D(6), D(11), D(16)]


# --- Efficient frontier -------------------------------------------------------------------------


def test_frontier_of_the_textbook_case():
    points = efficient_frontier(ABC, [D(0), D(5), D(6), D(10), D(16)])
    assert points == [
        FrontierPoint(D(0), D(0), D(0), 0),
        FrontierPoint(D(5), D(7), D(5), 1),
        FrontierPoint(D(6), D(10), D(6), 1),
        FrontierPoint(D(10), D(14), D(10), 2),
        FrontierPoint(D(16), D(24), D(16), 3),
    ]


def test_frontier_budgets_span_forced_in_to_everything_eligible():
    candidates = [*ABC, cand("F", 1, "3.50", forced="in"), cand("X", 5, 100, ready=False)]
    budgets = frontier_budgets(candidates, levels=5)
    assert budgets[0] == D("3.50")
    assert budgets[-1] == D("19.50")
    assert budgets == sorted(budgets)
    assert len(budgets) == 5
    # Levels below the forced-in cost are left out of the frontier.
    assert [p.budget for p in efficient_frontier(candidates, [D(1), D(4)])] == [D(4)]


# --- Scale and the solver's output ---------------------------------------------------------------


def random_portfolio(count: int, seed: int) -> list[Candidate]:
    rng = random.Random(seed)
    return [
        Candidate(
            code=f"I{i:04d}",
            npv=D(rng.randint(-(10**11), 5 * 10**11)) / 100,
            cost=D(rng.randint(0, 5 * 10**11)) / 100,
            ready=rng.random() < 0.8,
            forced=rng.choice([None] * 18 + ["in", "out"]),
        )
        for i in range(count)
    ]


def test_a_thousand_initiatives_are_selected_optimally_and_quietly(capfd):
    candidates = random_portfolio(1000, seed=7)
    budget = sum((c.cost for c in candidates), D(0)) / 3
    result = optimal_selection(candidates, budget)
    assert result.error is None
    assert result.total_cost <= budget
    for order in (candidates, sorted(candidates, key=lambda c: -c.npv)):
        assert result.total_npv >= greedy_selection(order, budget).total_npv
    assert {c.code for c in candidates if c.forced == "in"} <= set(result.codes)
    # The solver must not write to standard output: the report command prints JSON there.
    assert capfd.readouterr().out == ""


# --- Properties ----------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=5_000_000_000, places=2)
signed_money = st.decimals(min_value=-1_000_000_000, max_value=5_000_000_000, places=2)


@st.composite
def portfolios(draw, max_size: int = 12):
    size = draw(st.integers(min_value=0, max_value=max_size))
    candidates = [
        Candidate(
            code=f"C{i:02d}",
            npv=draw(signed_money),
            cost=draw(money),
            ready=draw(st.booleans() | st.just(True)),
            forced=draw(st.sampled_from([None, None, None, None, "in", "out"])),
        )
        for i in range(size)
    ]
    ranked = draw(st.permutations(candidates))
    total = sum((c.cost for c in candidates), D(0))
    budget = draw(money | st.decimals(min_value=0, max_value=max(total, D(0)), places=2))
    return candidates, ranked, budget


def respects_the_rules(result: selection.Selection, candidates: list[Candidate]) -> None:
    chosen = set(result.codes)
    assert result.total_cost <= result.budget
    for c in candidates:
        if c.forced == "in":
            assert c.code in chosen
        elif c.code in chosen:
            assert c.eligible
    assert result.total_cost == sum((c.cost for c in candidates if c.code in chosen), D(0))
    assert result.total_npv == sum((c.npv for c in candidates if c.code in chosen), D(0))
    assert list(result.codes) == [c.code for c in candidates if c.code in chosen]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios())
def test_optimal_equals_brute_force_and_beats_any_greedy_ranking(portfolio):
    candidates, ranked, budget = portfolio
    optimal = optimal_selection(candidates, budget)
    exhaustive = brute_force_selection(candidates, budget)
    greedy = greedy_selection(ranked, budget)
    assert optimal.error == exhaustive.error == greedy.error
    if optimal.error:
        forced = sum((c.cost for c in candidates if c.forced == "in"), D(0))
        assert forced > budget
        return
    for result, order in ((optimal, candidates), (exhaustive, candidates), (greedy, ranked)):
        respects_the_rules(result, order)
    assert optimal.total_npv == exhaustive.total_npv
    assert optimal.total_npv >= greedy.total_npv


@settings(max_examples=100, deadline=None)
@given(portfolios())
def test_budget_line_agrees_with_greedy(portfolio):
    _, ranked, budget = portfolio
    line = budget_line(ranked, budget)
    greedy = greedy_selection(ranked, budget)
    if line.error:
        assert greedy.error == line.error
        return
    assert tuple(row.code for row in line if row.selected) == greedy.codes
    assert line.total_cost == greedy.total_cost <= budget
    assert [row.rank for row in line] == list(range(1, len(ranked) + 1))
    if line.cutoff is not None:
        assert line[line.cutoff].status == "over_budget"
        assert all(row.status != "over_budget" for row in line.rows[: line.cutoff])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios(max_size=30))
def test_frontier_never_goes_down(portfolio):
    candidates, _, _ = portfolio
    points = efficient_frontier(candidates, frontier_budgets(candidates, levels=8))
    assert points == sorted(points, key=lambda p: p.budget)
    for before, after in pairwise(points):
        assert after.total_npv >= before.total_npv
    for point in points:
        assert point.total_cost <= point.budget


# --- Pure module --------------------------------------------------------------------------------


@pytest.mark.parametrize("module", [selection, scoring])
def test_the_portfolio_maths_imports_no_django(module):
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imports = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert not [name for name in imports if name and name.startswith("django")]


def test_a_small_portfolio_is_proven_optimal():
    chosen = optimal_selection([cand("A", 10, 5), cand("B", 8, 4), cand("C", 7, 3)], 7)
    assert chosen.codes == ("B", "C")
    assert chosen.proven_optimal is True


def test_a_hard_portfolio_stops_at_the_time_limit_with_the_best_set_found(monkeypatch):
    # Values nearly proportional to costs: the knapsack the solver finds hardest to prove.
    monkeypatch.setattr(selection, "SOLVER_TIME_LIMIT_SECONDS", 0.05)
    rng = random.Random(7)
    candidates = []
    for i in range(200):
        cost = Decimal(rng.randint(1_000_000, 20_000_000))
        candidates.append(cand(f"I{i:03}", cost * Decimal("1.3") + rng.randint(0, 1000), cost))
    budget = sum(c.cost for c in candidates) / 3
    chosen = optimal_selection(candidates, budget)
    ranked = sorted(candidates, key=lambda c: c.npv / c.cost, reverse=True)
    assert chosen.proven_optimal is False
    assert chosen.total_cost <= budget
    assert chosen.total_npv >= greedy_selection(ranked, budget).total_npv
    assert greedy_selection(ranked, budget).proven_optimal is None
