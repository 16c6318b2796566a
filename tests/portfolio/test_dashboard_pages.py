"""What the dashboard and the ranking page show the steering group: the funnel's shares of
all initiatives, area subtotals with NPV and investment cost, readiness as text badges with
the details folded, the cut-off row and the budget line's running total, a hint when no
budget is set, and codes that do not wrap."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import translation

from klassa_app.templatetags.klassa_format import money
from portfolio.models import PortfolioSettings


def test_funnel_shares_are_of_all_initiatives(as_user, admin, portfolio_data):
    response = as_user(admin).get(reverse("portfolio_dashboard"))
    table = response.context["funnel_table"]
    _stage, count, share = table[0]
    assert count == "4"
    assert share.startswith("100")
    # KUF-A is not classified: "classified" is 3 of 4, not 100 %.
    classified = table[1]
    assert classified[1] == "3"
    assert classified[2].startswith("75")


def test_cut_off_row_names_the_first_initiative_that_no_longer_fits(as_user, admin, portfolio_data):
    response = as_user(admin).get(reverse("portfolio_ranking"))
    portfolio = response.context["portfolio"]
    cutoff = portfolio.budget_line.cutoff
    assert cutoff is not None
    first_out = portfolio.budget_line[cutoff].code
    body = response.content.decode()
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        sentence = translation.gettext(
            "Cut-off: %(code)s is the first initiative in rank order that no longer fits the "
            "budget of %(budget)s. Cheaper initiatives further down may still fit."
        ) % {"code": first_out, "budget": money(portfolio.budget)}
        column = translation.gettext("Optimal selection")
    assert sentence in body
    assert f'<th scope="col">{column}</th>' in body


def test_readiness_items_use_text_badges_not_emoji(as_user, admin, portfolio_data):
    body = as_user(admin).get(reverse("portfolio_dashboard")).content.decode()
    assert "⛔" not in body and "ⓘ" not in body
    assert 'class="badge text-bg-danger"' in body


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


def test_zero_budget_shows_a_hint_and_no_empty_budget_charts(
    as_user, admin, norrkoping, portfolio_data
):
    PortfolioSettings.objects.filter(organisation=norrkoping).update(budget=Decimal(0))
    body = as_user(admin).get(reverse("portfolio_ranking")).content.decode()
    assert 'id="no-budget"' in body
    assert reverse("portfolio_settings") in body.split('id="no-budget"')[1].split("</p>")[0]
    assert 'id="frontier-heading"' not in body
    assert "0,2\xa0kr" not in body


def test_selection_codes_and_force_summaries_do_not_wrap(as_user, admin, portfolio_data):
    body = as_user(admin).get(reverse("portfolio_ranking")).content.decode()
    codes = body.split('id="optimal-codes">')[1].split("</dd>")[0]
    assert '<span class="text-nowrap">EDU-A</span>' in codes
    assert '<summary class="small text-nowrap">' in body


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
