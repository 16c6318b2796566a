"""Time the multi-year roadmap on generated portfolios (a benchmark, not a test).

    .venv/bin/python benchmarks/benchmark_roadmap.py [--counts 30,300] [--years 3]
        [--repeat 3] [--seed 2027] [--time-limit 10]

For each size it generates seeded random initiatives — NPV −2 … 20 million kr, investment
over one to three model years, durations of one or two years, 85 % ready, a few forced in or
out (never one that needs others), and about a third of them needing one or two earlier
initiatives (shared platforms) — with yearly frames of about a third of the investment, and
prints the median time of the
optimal plan (the solver as the background task runs it, with its time limit) and of the
ranking's plan, whether the optimum was proven (else the gap), the two plans' values and,
measured in the same run, the ratio of the large size's median to the small one's. Run it on
a quiet machine; the numbers compare only within one run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portfolio.roadmap import Horizon, RoadmapItem, optimal_plan, ranking_plan, violations


def generate(count: int, years: int, seed: int) -> tuple[list[RoadmapItem], Horizon]:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    items = []
    for n in range(count):
        code = f"INIT-{n:04d}"
        earlier = [f"INIT-{k:04d}" for k in range(n)]
        requires: tuple[str, ...] = ()
        if earlier and rng.random() < 0.35:
            requires = tuple(rng.sample(earlier, min(len(earlier), rng.choice([1, 1, 2]))))
        investments = tuple(Decimal(rng.randint(0, 4_000)) * 1000 for _ in range(rng.randint(1, 3)))
        items.append(
            RoadmapItem(
                code,
                Decimal(rng.randint(-2_000, 20_000)) * 1000,
                rate=Decimal("0.035"),
                investments=investments,
                duration_years=rng.choice([1, 1, 2]),
                ready=rng.random() < 0.85,
                # Forced choices only where nothing is required, so the forced-in set stays
                # possible and the benchmark measures planning, not a conflict report.
                forced=None if requires else rng.choice([None] * 80 + ["in", "out"]),
                requires=requires,
            )
        )
    total = sum((sum(i.investments, Decimal(0)) for i in items), Decimal(0))
    frame = (total / 3 / years).quantize(Decimal(1))
    return items, Horizon(2027, tuple(frame for _ in range(years)))


def measure(count: int, years: int, repeat: int, seed: int, time_limit: float) -> dict:
    items, horizon = generate(count, years, seed)
    optimal_times, ranking_times = [], []
    plan = ranked = None
    for _ in range(repeat):
        started = time.perf_counter()
        plan = optimal_plan(items, horizon, time_limit=time_limit)
        optimal_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        ranked = ranking_plan(sorted(items, key=lambda i: (-i.npv, i.code)), horizon)
        ranking_times.append(time.perf_counter() - started)
    assert plan is not None and ranked is not None
    if plan.feasible:
        assert violations(plan.starts, items, horizon) == [], "the plan breaks a rule"
    return {
        "count": count,
        "optimal": statistics.median(optimal_times),
        "ranking": statistics.median(ranking_times),
        "proven": plan.proven_optimal,
        "gap": plan.gap,
        "feasible": plan.feasible,
        "planned": len(plan.starts),
        "value": plan.value,
        "ranking_value": ranked.value,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="30,300")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args()
    # SciPy's first import is not the solver's time: load it before measuring.
    optimal_plan(*generate(2, args.years, args.seed))
    rows = [
        measure(int(c), args.years, args.repeat, args.seed, args.time_limit)
        for c in args.counts.split(",")
    ]
    print(f"{'initiatives':>11} {'optimal s':>10} {'ranking s':>10} {'planned':>8} "
          f"{'proven':>7} {'gap':>8} {'value / ranking value':>24}")  # fmt: skip
    for row in rows:
        gap = "" if row["gap"] is None else f"{row['gap']:.2%}"
        ratio = row["value"] / row["ranking_value"] if row["ranking_value"] else Decimal(0)
        print(
            f"{row['count']:>11} {row['optimal']:>10.2f} {row['ranking']:>10.3f} "
            f"{row['planned']:>8} {row['proven']!s:>7} {gap:>8} {ratio:>24.3f}"
        )
    if len(rows) > 1:
        small, large = rows[0], rows[-1]
        print(
            f"optimal plan, {large['count']} vs {small['count']} initiatives: "
            f"{large['optimal'] / small['optimal']:.1f}× the time "
            f"(limit {args.time_limit:.0f} s in the task)"
        )


if __name__ == "__main__":
    main()
