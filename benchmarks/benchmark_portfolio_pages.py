"""Time the rendered portfolio pages on a generated organisation (a benchmark, not a test).

    .venv/bin/python benchmarks/benchmark_portfolio_pages.py [--initiatives 1000] [--assets 10000]
        [--seed 2027] [--keep]

Creates a throw-away SQLite database in a temporary directory (never the project's own),
migrates it, and generates one organisation with five departments, ten areas, the given
number of approved information assets (a few overdue, a few unclassified) and initiatives
(each handling ten assets, with a one-year benefit model, priority inputs, some forced in or
out). It then prints, for the dashboard and the priority page, the number of database
queries and the time of a request (the first with a cold benefit-model cache, then a warm
one), and the time of the selection itself (optimal and greedy, and the efficient frontier).

benchmarks/benchmark_portfolio.py times the same reads without rendering, and
benchmarks/benchmark_selection.py the selection alone on generated candidates.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klassa_app.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _document(rng: random.Random, name: str) -> dict:
    from benefits.demo_documents import fixed_amount_document

    internal = rng.randint(100_000, 40_000_000)
    external = rng.choice([0, 0, rng.randint(100_000, 80_000_000)])
    return fixed_amount_document(
        name, internal=internal, external=external, investment=rng.randint(200_000, 30_000_000)
    )


def generate(initiatives: int, assets: int, seed: int):
    """The organisation and an organisation-wide admin, with the generated portfolio."""
    from django.db import transaction
    from django.utils import timezone

    from assessments.models import Area, InformationAsset, Initiative
    from benefits.models import BenefitModel
    from klassa_app.models import Department, Membership, Organisation, Role, User
    from portfolio.models import InitiativePriority, PortfolioSettings

    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data
    today = timezone.localdate()
    with transaction.atomic():
        organisation = Organisation.objects.create(code="bench", name="Benchmark kommun")
        departments = [
            Department.objects.create(organisation=organisation, code=f"D{i}", name=f"Dept {i}")
            for i in range(5)
        ]
        areas = [
            Area.objects.create(organisation=organisation, name=f"Area {i}") for i in range(10)
        ]
        admin = User.objects.create_user(email="bench@example.org", password="x" * 12)
        Membership.objects.create(
            user=admin, organisation=organisation, department=None, role=Role.ORG_ADMIN
        )
        PortfolioSettings.objects.create(
            organisation=organisation, budget=Decimal(initiatives) * 2_000_000, scenario="medium"
        )
        asset_rows = []
        for i in range(assets):
            unclassified = rng.random() < 0.02
            asset_rows.append(
                InformationAsset(
                    organisation=organisation,
                    department=departments[i % len(departments)],
                    code=f"A{i:05d}",
                    name=f"Asset {i}",
                    levels={}
                    if unclassified
                    else {aspect: rng.randint(0, 3) for aspect in ("K", "R", "T", "S")},
                    status=InformationAsset.Status.UNCLASSIFIED
                    if unclassified
                    else InformationAsset.Status.APPROVED,
                    review_due=today + timedelta(days=rng.randint(-30, 365)),
                )
            )
        asset_rows = InformationAsset.objects.bulk_create(asset_rows, batch_size=1000)
        by_department: dict[int, list] = {}
        for asset in asset_rows:
            by_department.setdefault(asset.department_id, []).append(asset)
        initiative_rows = Initiative.objects.bulk_create(
            [
                Initiative(
                    organisation=organisation,
                    department=departments[i % len(departments)],
                    area=areas[i % len(areas)],
                    code=f"I{i:04d}",
                    name=f"Initiative {i}",
                )
                for i in range(initiatives)
            ],
            batch_size=1000,
        )
        through = Initiative.assets.through
        links = []
        for initiative in initiative_rows:
            pool = by_department[initiative.department_id]
            for asset in rng.sample(pool, min(10, len(pool))):
                links.append(through(initiative_id=initiative.pk, asset_id=asset.pk))
        through.objects.bulk_create(links, batch_size=5000)
        BenefitModel.objects.bulk_create(
            [
                BenefitModel(initiative=i, document=_document(rng, i.name))
                for i in initiative_rows
                if rng.random() < 0.9
            ],
            batch_size=500,
        )
        priorities = []
        for initiative in initiative_rows:
            forced = rng.choice([""] * 60 + ["in", "out"])
            priorities.append(
                InitiativePriority(
                    initiative=initiative,
                    strategic_fit=rng.randint(1, 5),
                    time_criticality=rng.randint(1, 5),
                    duration_weeks=rng.randint(4, 104),
                    forced=forced,
                    forced_reason="Benchmark" if forced else "",
                    benefit_owner=admin if rng.random() < 0.5 else None,
                )
            )
        InitiativePriority.objects.bulk_create(priorities, batch_size=1000)
        # Bulk inserts send no signals: store the derived figures as a write would have.
        from portfolio import figures

        figures.rebuild(organisation)
    return organisation, admin


def measure_page(client, path: str, label: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Only the first request evaluates the benefit models; the second reads their cache.
    for run in ("cold", "warm"):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        print(
            f"{label + ' (' + run + ')':<34} {len(queries.captured_queries):4d} queries "
            f"{elapsed:8.3f} s  {len(response.content) / 1024:8.0f} KiB"
        )


def measure_selection(organisation) -> None:
    from portfolio import selection, selectors

    start = time.perf_counter()
    result = selectors.compute(organisation, department_ids=None, with_frontier=False)
    print(f"{'rows, ranking and selections':<34} {time.perf_counter() - start:19.3f} s")
    candidates = [row.candidate() for row in result.ranked]
    for label, func in (
        (
            "optimal selection (MILP)",
            lambda: selection.optimal_selection(candidates, result.budget),
        ),
        ("greedy selection", lambda: selection.greedy_selection(candidates, result.budget)),
        (
            "efficient frontier (21 budgets)",
            lambda: selection.efficient_frontier(
                candidates, [*selection.frontier_budgets(candidates), result.budget]
            ),
        ),
    ):
        start = time.perf_counter()
        func()
        print(f"{label:<34} {time.perf_counter() - start:19.3f} s")
    optimal, greedy = result.optimal, result.greedy
    print(
        f"optimal NPV {optimal.total_npv:,.0f} kr, greedy {greedy.total_npv:,.0f} kr, "
        f"{len(optimal.codes)} selected of {len(candidates)}, "
        f"cost {optimal.total_cost:,.0f} of budget {result.budget:,.0f} kr"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=1000)
    parser.add_argument("--assets", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--keep", action="store_true", help="Keep the temporary database.")
    args = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="klassa-bench-"))
    try:
        start = time.perf_counter()
        _setup(directory / "bench.sqlite3")
        organisation, admin = generate(args.initiatives, args.assets, args.seed)
        print(
            f"{args.initiatives} initiatives, {args.assets} assets, seed {args.seed}: "
            f"generated in {time.perf_counter() - start:.1f} s"
        )
        from django.test import Client

        client = Client()
        client.force_login(admin, backend="klassa_app.auth_backends.KlassaModelBackend")
        client.get("/")  # the session and the organisation in it
        measure_page(client, "/portfolio/", "dashboard")
        measure_page(client, "/portfolio/priority/", "priority page")
        measure_selection(organisation)
    finally:
        if args.keep:
            print(f"database kept in {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
