"""Second review of the portfolio pages: one organisation-wide ranking and selection for
every reader (a department's reader sees their rows with the organisation's rank and none of
its totals), subtotals with NPV and investment cost, a compact readiness badge, the budget
difference of two scenarios, a hint when no budget is set and codes that do not wrap."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from assessments.models import Area
from klassa_app.templatetags.klassa_format import money
from portfolio import charts, exports, selectors
from portfolio.models import PortfolioSettings
from tests.helpers import make_initiative, scenario_of
from tests.portfolio.test_charts import SVG, groups, parse, sample_budget_rows


def _culture_initiative(kultur, norrkoping):
    """Ready and affordable on its own (6 mn of the 10 mn), but organisation-wide the
    education initiatives rank above it and take the budget."""
    area = Area.objects.get(organisation=norrkoping, name="Culture")
    return make_initiative(kultur, "KUF-B", area=area, internal=8_000_000, cost=6_000_000)


# --- 5: one ranking for the whole organisation --------------------------------------------------


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


# --- 12: subtotals and totals with NPV and investment cost --------------------------------------


def test_area_subtotals_and_total_carry_npv_and_investment_cost(as_user, admin, portfolio_data):
    response = as_user(admin).get(reverse("portfolio_dashboard"))
    portfolio = response.context["portfolio"]
    education = next(area for area in portfolio.areas if area.area == "Education")
    assert education.investment_cost == Decimal(12_000_000)
    assert education.npv == sum(row.npv for row in education.rows)
    assert portfolio.totals.investment_cost == Decimal(13_000_000)
    assert portfolio.totals.npv == sum(area.npv for area in portfolio.areas)
    body = response.content.decode()
    assert money(Decimal(12_000_000)) in body
    assert money(Decimal(13_000_000)) in body
    assert money(portfolio.totals.npv) in body


def test_xlsx_subtotals_and_total_carry_npv_and_investment_cost(norrkoping, portfolio_data):
    portfolio = selectors.compute(norrkoping, department_ids=None)
    sheet = load_workbook(BytesIO(exports.portfolio_xlsx(portfolio))).worksheets[0]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    total = rows[-1]
    # Stored in whole öre like every amount of the workbook.
    assert Decimal(str(total[6])) == portfolio.totals.npv.quantize(Decimal("0.01"))
    assert total[7] == portfolio.totals.investment_cost
    education = next(row for row in rows if row[0] == "Education")
    assert education[7] == 12_000_000


# --- 1: compact readiness in the dashboard table ------------------------------------------------


def test_blocked_initiative_shows_a_count_badge_with_details_folded(as_user, admin, portfolio_data):
    response = as_user(admin).get(reverse("portfolio_dashboard"))
    blocked = next(row for row in response.context["portfolio"].rows if row.code == "KUF-A")
    assert blocked.blockers
    body = response.content.decode()
    row_html = body.split('id="row-KUF-A"')[1].split("</tr>")[0]
    with translation.override("sv"):
        badge = translation.ngettext(
            "%(counter)s blocker", "%(counter)s blockers", len(blocked.blockers)
        ) % {"counter": len(blocked.blockers)}
    assert badge in row_html
    assert '<details class="small mt-1 readiness-details">' in row_html
    # The department is a second line of the name, not a column of its own.
    header = body.split('id="portfolio-table"')[1].split("</thead>")[0]
    assert header.count('<th scope="col"') == 8


# --- 14: the budget difference of two scenarios -------------------------------------------------


def test_comparison_shows_the_budget_difference(as_user, admin, norrkoping, portfolio_data):
    plan_a = scenario_of(norrkoping, admin, "Plan A")
    PortfolioSettings.objects.filter(organisation=norrkoping).update(budget=Decimal(12_000_000))
    plan_b = scenario_of(norrkoping, admin, "Plan B")
    response = as_user(admin).get(
        reverse("portfolio_compare"), {"left": plan_a.pk, "right": plan_b.pk}
    )
    assert response.context["comparison"].budget_difference == Decimal(2_000_000)
    cell = response.content.decode().split('id="budget-difference">')[1].split("</td>")[0]
    assert "2\xa0000\xa0000\xa0kr" in cell and cell.startswith("+")


# --- 11: no budget ------------------------------------------------------------------------------


def test_zero_budget_shows_a_hint_and_no_empty_budget_charts(
    as_user, admin, norrkoping, portfolio_data
):
    PortfolioSettings.objects.filter(organisation=norrkoping).update(budget=Decimal(0))
    body = as_user(admin).get(reverse("portfolio_ranking")).content.decode()
    assert 'id="no-budget"' in body
    assert reverse("portfolio_settings") in body.split('id="no-budget"')[1].split("</p>")[0]
    assert 'id="frontier-heading"' not in body
    assert "0,2\xa0kr" not in body


# --- 9: codes do not break at the hyphen --------------------------------------------------------


def test_selection_codes_and_force_summaries_do_not_wrap(as_user, admin, portfolio_data):
    body = as_user(admin).get(reverse("portfolio_ranking")).content.decode()
    codes = body.split('id="optimal-codes">')[1].split("</dd>")[0]
    assert '<span class="text-nowrap">EDU-A</span>' in codes
    assert '<summary class="small text-nowrap">' in body


# --- 8: budget-line labels clear of the columns and marker lines --------------------------------


def test_budget_and_cut_off_labels_sit_above_the_plot() -> None:
    root = parse(
        charts.budget_line_chart(
            sample_budget_rows(), Decimal("10000000"), title="B", cutoff_label="First out"
        )
    )
    column_tops = [float(g.find(f"{SVG}rect").get("y")) for g in groups(root, "column")]
    budget = groups(root, "budget")[0]
    budget_y = float(budget.find(f"{SVG}line").get("y1"))
    cutoff = groups(root, "cutoff")[0]
    cut_line = cutoff.find(f"{SVG}line")
    labels = [budget.find(f"{SVG}text"), cutoff.find(f"{SVG}text")]
    for label in labels:
        baseline = float(label.get("y"))
        # Above every column, the budget line and the top of the cut-off line.
        assert baseline < min(column_tops)
        assert baseline < budget_y
        assert baseline < float(cut_line.get("y1"))
    assert labels[1].text == "First out: CUL-A"
    # The two labels are on separate lines (12 px type).
    assert abs(float(labels[0].get("y")) - float(labels[1].get("y"))) >= 14


def test_budget_line_table_counts_only_chosen_rows_in_the_running_total(
    as_user, admin, portfolio_data
):
    response = as_user(admin).get(reverse("portfolio_ranking"))
    lines = {line.code: line for line in response.context["portfolio"].budget_line}
    assert lines["EDU-C"].status == "over_budget"
    body = response.content.decode()
    over = body.split('id="line-EDU-C"')[1].split("</tr>")[0]
    cell = over.split('class="text-end text-nowrap cumulative">')[1].split("</td>")[0]
    assert cell.endswith("–") and "kr" not in cell
    chosen = body.split('id="line-EDU-A"')[1].split("</tr>")[0]
    assert money(lines["EDU-A"].cumulative_cost) in chosen


def test_an_export_request_naming_no_real_scenario_is_404_not_500(as_user, admin, portfolio_data):
    response = as_user(admin).post(
        reverse("portfolio_export_start", args=["xlsx"]), {"saved": "abc"}
    )
    assert response.status_code == 404
