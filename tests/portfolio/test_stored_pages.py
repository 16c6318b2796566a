"""The portfolio pages read stored figures and stored results: what they show equals the full
computation from the sources (``selectors.compute``), a write changes what they show at the
next request, and the solver runs in the background for a large portfolio while the page
shows the ranking's selection with a progress note."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Area, InformationAsset
from portfolio import pages, results, selectors, services
from portfolio.models import InitiativePriority, PortfolioResult, PortfolioSettings
from tests.helpers import make_initiative

ORE = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(ORE)


@pytest.fixture
def mixed_portfolio(norrkoping, utbildning, kultur):
    """Thirty initiatives in two departments and three areas: some not ready, one with an
    overdue review, some without a benefit model, two forced, seeded amounts."""
    rng = random.Random(7)
    areas = [Area.objects.create(organisation=norrkoping, name=n) for n in ("A", "B", "C")]
    PortfolioSettings.objects.create(
        organisation=norrkoping, budget=Decimal(25_000_000), scenario="medium"
    )
    made = []
    for n in range(30):
        initiative = make_initiative(
            utbildning if n % 3 else kultur,
            f"M-{n:02d}",
            area=areas[n % 3] if n % 7 else None,
            internal=rng.randint(100_000, 20_000_000),
            external=rng.choice([0, 0, rng.randint(10_000, 5_000_000)]),
            cost=rng.randint(100_000, 5_000_000),
            ready=n % 5 != 0,
        )
        made.append(initiative)
    # An approved asset whose review fell due yesterday blocks its initiative today.
    asset = made[1].assets.get()
    asset.review_due = timezone.localdate() - timedelta(days=1)
    asset.save()
    made[2].benefit_model.delete()
    InitiativePriority.objects.create(
        initiative=made[3], forced="in", forced_reason="Decided by the council", strategic_fit=5
    )
    InitiativePriority.objects.create(
        initiative=made[4], forced="out", forced_reason="Postponed", time_criticality=2
    )
    return made


def _compare_dashboard(admin, organisation):
    stored = pages.dashboard(admin, organisation)
    fresh = selectors.compute(organisation, department_ids=None, with_frontier=False)
    assert [
        (a.area, a.initiatives, money(a.internal_benefit), money(a.total_benefit), money(a.npv))
        for a in stored.areas
    ] == [
        (a.area, a.initiatives, money(a.internal_benefit), money(a.total_benefit), money(a.npv))
        for a in fresh.areas
    ]
    assert money(stored.totals.external_benefit) == money(fresh.totals.external_benefit)
    assert money(stored.totals.investment_cost) == money(fresh.totals.investment_cost)
    assert [(s.key, s.count) for s in stored.funnel] == [(s.key, s.count) for s in fresh.funnel]
    assert [
        (h.department.name, {a: (c.maximum, c.counts, c.unclassified) for a, c in h.cells.items()})
        for h in stored.heat_map
    ] == [
        (h.department.name, {a: (c.maximum, c.counts, c.unclassified) for a, c in h.cells.items()})
        for h in fresh.heat_map
    ]
    by_code = {row.code: row for row in fresh.rows}
    for row in stored.rows:
        other = by_code[row.code]
        assert row.readiness.blocker_codes == other.readiness.blocker_codes, row.code
        assert row.readiness.advisory_codes == other.readiness.advisory_codes, row.code
        assert [b.url for b in row.blockers] == [b.url for b in other.blockers]
        assert row.selected == other.selected, row.code
        assert row.finals == other.finals
        assert row.classification_status == other.classification_status
    return stored, fresh


def test_the_dashboard_from_stored_figures_equals_the_full_computation(
    admin, norrkoping, mixed_portfolio
):
    stored, _fresh = _compare_dashboard(admin, norrkoping)
    assert stored.total_count == 30
    assert len(stored.rows) == 30
    overdue = next(r for r in stored.rows if r.code == "M-01")
    assert any(code.startswith("review_overdue:") for code in overdue.readiness.blocker_codes)


def test_the_priority_page_ranks_and_selects_as_the_full_computation(
    admin, norrkoping, mixed_portfolio
):
    stored = pages.priority(admin, norrkoping)
    fresh = selectors.compute(norrkoping, department_ids=None, with_frontier=True)
    assert [(r.code, r.rank, r.score) for r in stored.ranked] == [
        (r.code, r.rank, r.score) for r in fresh.ranked
    ]
    assert set(stored.optimal.codes) == set(fresh.optimal.codes)
    assert set(stored.greedy.codes) == set(fresh.greedy.codes)
    assert stored.optimal.total_npv == fresh.optimal.total_npv
    assert [(r.code, r.status, r.cumulative_cost) for r in stored.budget_line] == [
        (r.code, r.status, r.cumulative_cost) for r in fresh.budget_line
    ]
    assert stored.budget_line.cutoff == fresh.budget_line.cutoff
    assert [(p.budget, p.total_npv) for p in stored.frontier] == [
        (p.budget, p.total_npv) for p in fresh.frontier
    ]


def test_a_department_reader_sees_their_rows_with_the_organisation_s_ranks(
    admin, owner, norrkoping, mixed_portfolio
):
    everyone = {r.code: r.rank for r in pages.priority(admin, norrkoping).ranked}
    theirs = pages.priority(owner, norrkoping)
    assert not theirs.sees_all
    assert theirs.ranked and all(r.department.code == "UTB" for r in theirs.ranked)
    assert {r.code: r.rank for r in theirs.ranked}.items() <= everyone.items()
    assert all(r.cumulative_cost == 0 for r in theirs.budget_line)
    assert theirs.frontier == []


def test_a_write_changes_what_the_next_request_shows(as_user, admin, norrkoping, mixed_portfolio):
    client = as_user(admin)
    first = client.get(reverse("portfolio_ranking")).context["portfolio"]
    chosen = first.optimal.codes[0]
    initiative = next(i for i in mixed_portfolio if i.code == chosen)
    services.do_force_initiative(
        actor=admin, initiative=initiative, forced="out", reason="The board said no"
    )
    second = client.get(reverse("portfolio_ranking")).context["portfolio"]
    assert second.result.pk != first.result.pk
    assert chosen not in second.optimal.codes
    dashboard = client.get(reverse("portfolio_dashboard")).context["portfolio"]
    assert not next(r for r in dashboard.rows if r.code == chosen).selected


def test_a_classification_change_reaches_the_dashboard_in_the_same_transaction(
    admin, norrkoping, mixed_portfolio
):
    initiative = mixed_portfolio[6]
    assert next(r for r in pages.dashboard(admin, norrkoping).rows if r.code == "M-06").ready
    asset = initiative.assets.get()
    asset.status = InformationAsset.Status.DRAFT
    asset.save()
    row = next(r for r in pages.dashboard(admin, norrkoping).rows if r.code == "M-06")
    assert row.readiness.blocker_codes == [f"asset_not_approved:{asset.code}"]


def test_a_large_portfolio_is_solved_in_the_background_while_the_page_shows_the_greedy_choice(
    as_user, admin, norrkoping, mixed_portfolio, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(results, "INLINE_LIMIT", 5)
    client = as_user(admin)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.get(reverse("portfolio_ranking"))
    portfolio = response.context["portfolio"]
    assert portfolio.optimal_pending
    assert len(queued) == 1  # the solver task, enqueued with the result's id
    body = response.content.decode()
    assert 'id="optimal-pending"' in body
    assert 'hx-trigger="every 2s"' in body
    assert 'id="greedy-codes"' in body
    # The dashboard meanwhile calls the greedy choice "selected" and says so.
    dashboard = client.get(reverse("portfolio_dashboard"))
    assert 'id="optimal-pending"' in dashboard.content.decode()
    greedy = set(portfolio.greedy.codes)
    assert {r.code for r in dashboard.context["portfolio"].rows if r.selected} == greedy

    results.solve(portfolio.result.pk)  # what the worker does
    partial = client.get(
        reverse("portfolio_ranking"), {"part": "selection"}, HTTP_HX_REQUEST="true"
    )
    body = partial.content.decode()
    assert "<html" not in body
    assert 'id="optimal-pending"' not in body and "hx-trigger" not in body
    fresh = selectors.compute(norrkoping, department_ids=None, with_frontier=False)
    assert set(partial.context["portfolio"].optimal.codes) == set(fresh.optimal.codes)


def test_the_frontier_of_a_large_portfolio_is_computed_on_request(
    as_user, admin, norrkoping, mixed_portfolio, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(results, "INLINE_LIMIT", 5)
    client = as_user(admin)
    with django_capture_on_commit_callbacks(execute=True):
        body = client.get(reverse("portfolio_ranking")).content.decode()
    assert 'id="frontier-request"' in body
    result = PortfolioResult.objects.get()
    assert result.optimal is not None and result.frontier is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portfolio_frontier"))
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.frontier_requested and len(result.frontier) >= 2
    body = client.get(reverse("portfolio_ranking")).content.decode()
    assert "klassa-chart-frontier" in body or 'id="frontier-heading"' in body
    assert 'id="frontier-request"' not in body


def test_a_reader_of_one_department_cannot_request_the_frontier_of_the_organisation(
    as_user, owner, norrkoping, mixed_portfolio, monkeypatch
):
    monkeypatch.setattr(results, "INLINE_LIMIT", 5)
    client = as_user(owner)
    client.get(reverse("portfolio_ranking"))
    client.post(reverse("portfolio_frontier"))
    assert not PortfolioResult.objects.filter(frontier_requested=True).exists()


def test_an_outsider_sees_only_their_own_organisation_s_priority_page(
    as_user, outsider, mixed_portfolio
):
    client = as_user(outsider)
    response = client.get(reverse("portfolio_ranking"))
    assert response.status_code == 200
    assert response.context["portfolio"].ranked == []
    assert "M-0" not in response.content.decode()
    client.post(reverse("portfolio_frontier"))
    assert not PortfolioResult.objects.filter(
        organisation__code="norrkoping", frontier_requested=True
    ).exists()


def test_solving_twice_or_after_pruning_changes_nothing(admin, norrkoping, mixed_portfolio):
    portfolio = pages.priority(admin, norrkoping)
    result = portfolio.result
    before = list(result.rows.order_by("rank").values_list("optimal", flat=True))
    results.solve(result.pk)
    assert list(result.rows.order_by("rank").values_list("optimal", flat=True)) == before
    result.delete()
    results.solve(result.pk)  # a pruned result: nothing to do, no error


def test_only_the_latest_results_of_an_organisation_are_kept(admin, norrkoping, mixed_portfolio):
    settings = PortfolioSettings.objects.get(organisation=norrkoping)
    for budget in range(results.KEEP_RESULTS + 5):
        results.ranking_result(norrkoping, settings, scenario="medium", budget=Decimal(budget))
    assert PortfolioResult.objects.filter(organisation=norrkoping).count() == results.KEEP_RESULTS


def test_ranking_after_a_write_takes_the_same_queries_for_five_or_forty_initiatives(
    admin, norrkoping, utbildning, django_assert_max_num_queries
):
    area = Area.objects.create(organisation=norrkoping, name="Bulk")
    PortfolioSettings.objects.create(organisation=norrkoping, budget=Decimal(10_000_000))
    pages.priority(admin, norrkoping)  # the admin's memberships are read once per user
    counts = []
    for start, count in ((0, 5), (5, 35)):
        for n in range(start, start + count):
            make_initiative(
                utbildning, f"Q-{n:03d}", area=area, internal=1_000_000 + n, cost=500_000
            )
        with django_assert_max_num_queries(40) as captured:
            pages.priority(admin, norrkoping)  # ranks, stores and solves the new inputs
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
