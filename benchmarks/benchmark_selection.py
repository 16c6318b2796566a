"""Time the portfolio selection on a generated portfolio (a benchmark, not a test).

    .venv/bin/python benchmarks/benchmark_selection.py [--count 1000] [--seed 2027] [--levels 20]

Generates seeded random initiatives (NPV −1e9 … 5e9 kr, investment cost 0 … 5e9 kr, 80 %
ready, a few forced in or out), a budget of a third of the total cost, and prints the time
of the optimal selection, the greedy selection by score, the scoring itself and the efficient
frontier, with the values found.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portfolio.scoring import ScoringInput, score_portfolio
from portfolio.selection import (
    Candidate,
    efficient_frontier,
    frontier_budgets,
    greedy_selection,
    optimal_selection,
)

T = TypeVar("T")


def generate(count: int, seed: int) -> tuple[list[Candidate], list[ScoringInput]]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    candidates, inputs = [], []
    for i in range(count):
        code = f"INIT-{i:04d}"
        npv = Decimal(rng.randint(-100_000_000_000, 500_000_000_000)) / 100
        cost = Decimal(rng.randint(0, 500_000_000_000)) / 100
        forced = rng.choice([None] * 48 + ["in", "out"])
        candidates.append(Candidate(code, npv, cost, ready=rng.random() < 0.8, forced=forced))
        inputs.append(
            ScoringInput(
                code=code,
                npv=npv,
                investment_cost=cost,
                strategic_fit=rng.randint(1, 5),
                time_criticality=rng.randint(1, 5),
                classification_level=rng.randint(0, 4),
                classification_top=4,
                action_plan_fulfilment=Decimal(rng.randint(0, 100)) / 100,
            )
        )
    return candidates, inputs


def timed(label: str, func: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = func()
    print(f"{label:<34} {time.perf_counter() - start:8.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--levels", type=int, default=20)
    args = parser.parse_args()

    candidates, inputs = generate(args.count, args.seed)
    budget = (sum((c.cost for c in candidates), Decimal(0)) / 3).quantize(Decimal(1))
    print(f"{args.count} initiatives, seed {args.seed}, budget {budget:,} kr")

    ranking = timed("scoring (weighted model)", lambda: score_portfolio(inputs))
    by_code = {c.code: c for c in candidates}
    ranked = [by_code[r.code] for r in ranking]
    greedy = timed("greedy selection (by score)", lambda: greedy_selection(ranked, budget))
    optimal = timed("optimal selection (MILP)", lambda: optimal_selection(candidates, budget))
    budgets = frontier_budgets(candidates, levels=args.levels)
    frontier = timed(
        f"efficient frontier ({len(budgets)} levels)",
        lambda: efficient_frontier(candidates, budgets),
    )

    print(f"greedy:  {len(greedy.codes)} selected, NPV {greedy.total_npv:,} kr")
    print(f"optimal: {len(optimal.codes)} selected, NPV {optimal.total_npv:,} kr")
    print(f"difference: {optimal.total_npv - greedy.total_npv:,} kr")
    print(f"frontier top: NPV {frontier[-1].total_npv:,} kr at {frontier[-1].budget:,} kr")


if __name__ == "__main__":
    main()
