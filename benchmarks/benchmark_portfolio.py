"""Time the portfolio dashboard's data on a generated organisation (a benchmark, not a test).

    .venv/bin/python benchmarks/benchmark_portfolio.py [--initiatives 1000] [--assets 10000]

Generates, inside a transaction that is rolled back at the end (the database is left as it
was; it is migrated first if needed), one organisation with five departments, ``--assets``
approved or draft information assets, ``--initiatives`` initiatives with their assets linked
and a one-year benefit model each, and a budget of a third of the total investment. Prints
the number of queries and the time of the whole portfolio (rows, ranking, optimal and greedy
selection, budget line, frontier) with an empty benefit-summary cache and again with a warm
one.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klassa_app.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

# The configured database (SQLite by default) may not exist yet in a fresh clone.
call_command("migrate", verbosity=0)

from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessments.models import Area, InformationAsset, Initiative, InitiativeAsset  # noqa: E402
from benefits.models import BenefitModel  # noqa: E402
from klassa_app.models import Department, Organisation  # noqa: E402
from portfolio import selectors  # noqa: E402
from portfolio.models import PortfolioSettings  # noqa: E402


class Rollback(Exception):
    pass


def model_document(rng: random.Random) -> tuple[dict, int]:
    investment = rng.randrange(100_000, 50_000_000, 1000)
    benefit = rng.randrange(0, 120_000_000, 1000)
    return {
        "format": "klassa.benefit-model/1",
        "name": "Generated",
        "currency": "SEK",
        "horizon_years": 1,
        "levers": [{"kind": "fixed_amount", "name": "Saving", "amount": str(benefit)}],
        "costs": [{"name": "Build", "kind": "investment", "amounts": [str(investment), "0"]}],
    }, investment


def generate(initiatives: int, assets: int, seed: int) -> Organisation:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    organisation = Organisation.objects.create(
        code=f"bench-{int(time.time())}", name="Benchmark", kind="municipality"
    )
    departments = [
        Department.objects.create(organisation=organisation, code=f"D{i}", name=f"Dept {i}")
        for i in range(5)
    ]
    areas = [Area.objects.create(organisation=organisation, name=f"Area {i}") for i in range(9)]
    due = timezone.localdate() + timezone.timedelta(days=200)
    made = InformationAsset.objects.bulk_create(
        InformationAsset(
            organisation=organisation,
            department=departments[i % 5],
            code=f"A{i:05d}",
            name=f"Asset {i}",
            levels={k: rng.randrange(0, 4) for k in "KRTS"},
            status="approved" if rng.random() < 0.9 else "draft",
            review_due=due,
        )
        for i in range(assets)
    )
    items = Initiative.objects.bulk_create(
        Initiative(
            organisation=organisation,
            department=departments[i % 5],
            area=areas[i % 9],
            code=f"I{i:04d}",
            name=f"Initiative {i}",
        )
        for i in range(initiatives)
    )
    per = max(1, assets // max(1, initiatives))
    InitiativeAsset.objects.bulk_create(
        InitiativeAsset(initiative=item, asset=made[(n * per + j) % len(made)])
        for n, item in enumerate(items)
        for j in range(per)
    )
    total = 0
    models = []
    for item in items:
        document, investment = model_document(rng)
        total += investment
        models.append(BenefitModel(initiative=item, document=document))
    BenefitModel.objects.bulk_create(models)
    PortfolioSettings.objects.create(organisation=organisation, budget=Decimal(total // 3))
    # Bulk inserts send no signals: store the derived figures as a write would have.
    from portfolio import figures

    figures.rebuild(organisation)
    return organisation


def measure(organisation: Organisation, label: str, *, with_frontier: bool = True) -> None:
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = selectors.compute(organisation, department_ids=None, with_frontier=with_frontier)
    elapsed = time.perf_counter() - start
    print(
        f"{label}: {len(queries.captured_queries)} queries, {elapsed:.2f} s; "
        f"{len(result.rows)} initiatives, {sum(r.ready for r in result.rows)} ready, "
        f"optimal {len(result.optimal.codes)} selected (NPV {result.optimal.total_npv:,.0f}), "
        f"greedy NPV {result.greedy.total_npv:,.0f}, {len(result.frontier)} frontier points"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=1000)
    parser.add_argument("--assets", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args()
    try:
        with transaction.atomic():
            start = time.perf_counter()
            organisation = generate(args.initiatives, args.assets, args.seed)
            print(
                f"generated {args.initiatives} initiatives and {args.assets} assets "
                f"in {time.perf_counter() - start:.1f} s"
            )
            selectors.compute(organisation, department_ids=None, with_frontier=False)
            cache.clear()
            measure(organisation, "cold cache")
            measure(organisation, "warm cache")
            measure(organisation, "warm cache, without the frontier", with_frontier=False)
            raise Rollback
    except Rollback:
        print("rolled back: the database is unchanged")


if __name__ == "__main__":
    main()
