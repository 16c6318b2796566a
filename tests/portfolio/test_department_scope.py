"""What a reader of one department sees of the organisation's portfolio: their own rows with
the organisation-wide rank and selection, a notice instead of the organisation's totals,
saved scenarios and comparisons without other departments' codes or totals, and an XLSX
without organisation sums; an admin sees everything."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import Area
from klassa_app.templatetags.klassa_format import money
from portfolio import exports, selectors
from portfolio.models import PortfolioScenario, PortfolioSettings
from tests.helpers import make_initiative, scenario_of


def _culture_initiative(kultur, norrkoping):
    """Ready and affordable on its own (6 mn of the 10 mn), but organisation-wide the
    education initiatives rank above it and take the budget."""
    area = Area.objects.get(organisation=norrkoping, name="Culture")
    return make_initiative(kultur, "KUF-B", area=area, internal=8_000_000, cost=6_000_000)


def test_department_reader_sees_the_organisation_wide_rank_and_selection(
    as_user, admin, culture_viewer, norrkoping, kultur, portfolio_data
):
    _culture_initiative(kultur, norrkoping)
    whole = selectors.compute(norrkoping, department_ids=None)
    by_code = {row.code: row for row in whole.rows}
    # The premise: organisation-wide KUF-B is not first and does not fit.
    assert by_code["KUF-B"].rank > 1
    assert not by_code["KUF-B"].selected

    response = as_user(culture_viewer).get(reverse("portfolio_ranking"))
    assert response.status_code == 200
    portfolio = response.context["portfolio"]
    shown = {row.code: row for row in portfolio.ranked}
    assert set(shown) == {"KUF-A", "KUF-B"}
    assert shown["KUF-B"].rank == by_code["KUF-B"].rank
    assert shown["KUF-B"].selected is False
    assert "KUF-B" not in portfolio.optimal.codes
    assert [line.rank for line in portfolio.budget_line] == sorted(
        by_code[code].rank for code in ("KUF-A", "KUF-B")
    )


def test_department_reader_gets_a_notice_and_no_organisation_totals(
    as_user, admin, culture_viewer, norrkoping, kultur, portfolio_data
):
    _culture_initiative(kultur, norrkoping)
    whole = selectors.compute(norrkoping, department_ids=None)
    body = as_user(culture_viewer).get(reverse("portfolio_ranking")).content.decode()
    assert 'id="portfolio-scope"' in body
    assert "EDU-" not in body
    for hidden in ('id="optimal-npv"', 'id="greedy-npv"', 'id="value-difference"'):
        assert hidden not in body
    assert money(whole.optimal.total_npv) not in body
    assert money(whole.optimal.total_cost) not in body
    # No cumulative cost column, no budget-line chart and no frontier (organisation sums).
    assert 'class="text-end text-nowrap cumulative"' not in body
    assert 'id="frontier-heading"' not in body
    assert "<svg" not in body


def test_admin_sees_the_totals_and_no_scope_notice(as_user, admin, portfolio_data):
    body = as_user(admin).get(reverse("portfolio_ranking")).content.decode()
    assert 'id="portfolio-scope"' not in body
    assert 'id="optimal-npv"' in body
    assert 'id="frontier-heading"' in body


def test_department_dashboard_marks_the_organisation_wide_selection(
    as_user, culture_viewer, norrkoping, kultur, portfolio_data
):
    _culture_initiative(kultur, norrkoping)
    response = as_user(culture_viewer).get(reverse("portfolio_dashboard"))
    rows = {row.code: row for row in response.context["portfolio"].rows}
    assert set(rows) == {"KUF-A", "KUF-B"}
    assert rows["KUF-B"].selected is False


def test_department_xlsx_has_no_organisation_sums(norrkoping, kultur, portfolio_data):
    _culture_initiative(kultur, norrkoping)
    whole = selectors.compute(norrkoping, department_ids=None)
    scoped = selectors.compute(norrkoping, department_ids={kultur.pk})
    workbook = load_workbook(BytesIO(exports.portfolio_xlsx(scoped)))
    values = [
        value
        for row in workbook.worksheets[2].iter_rows(min_row=5, values_only=True)
        for value in row
    ]
    assert "EDU-A" not in values
    assert whole.optimal.total_npv not in values
    assert str(exports.SCOPE_NOTE) in values


def test_viewer_of_another_department_sees_no_codes_or_totals_of_others_in_a_scenario(
    as_user, admin, culture_viewer, norrkoping, portfolio_data
):
    scenario = scenario_of(norrkoping, admin)
    assert {"EDU-A", "EDU-B"} <= set(scenario.selected_codes)
    client = as_user(culture_viewer)
    detail = client.get(reverse("portfolio_scenario", args=[scenario.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    for code in scenario.selected_codes:
        assert code not in body
    assert detail.context["view"].hidden == len(scenario.selected_codes)
    assert 'id="hidden-count"' in body
    assert money(scenario.total_npv) not in body
    listing = client.get(reverse("portfolio_scenarios")).content.decode()
    assert "EDU-A" not in listing
    # The organisation-wide totals are not in the list either.
    assert money(scenario.total_npv) not in listing


def test_admin_still_sees_every_code_and_the_totals_of_a_scenario(
    as_user, admin, norrkoping, portfolio_data
):
    scenario = scenario_of(norrkoping, admin)
    body = as_user(admin).get(reverse("portfolio_scenario", args=[scenario.pk])).content.decode()
    assert "EDU-A" in body
    assert 'id="hidden-count"' not in body


def test_comparison_hides_other_departments_codes_and_totals(
    as_user, admin, culture_viewer, norrkoping, portfolio_data
):
    plan_a = scenario_of(norrkoping, admin, "Plan A")
    PortfolioSettings.objects.filter(organisation=norrkoping).update(budget=Decimal(4_000_000))
    plan_b = scenario_of(norrkoping, admin, "Plan B")
    response = as_user(culture_viewer).get(
        reverse("portfolio_compare"), {"left": plan_a.pk, "right": plan_b.pk}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "EDU-" not in body
    assert 'id="npv-difference"' not in body
    assert 'id="hidden-counts"' in body
    comparison = response.context["comparison"]
    assert comparison.hidden_left == len(plan_a.selected_codes)


def test_scenarios_are_unchanged_by_reading_them(
    as_user, culture_viewer, admin, norrkoping, portfolio_data
):
    scenario = scenario_of(norrkoping, admin)
    as_user(culture_viewer).get(reverse("portfolio_scenario", args=[scenario.pk]))
    assert PortfolioScenario.objects.get(pk=scenario.pk).selected_codes == scenario.selected_codes
