"""What people read on the portfolio pages: budgets in whole kronor, years without a
thousands separator, scenarios scoped to the reader's departments, two different scenarios
to compare with real minus signs, the funnel's base, the budget line's wording, the
settings shown as the help texts write them, and the XLSX in the reader's language."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from klassa_app.templatetags.klassa_format import money
from portfolio import exports, selectors
from portfolio.models import PortfolioScenario, PortfolioSettings
from portfolio.templatetags.portfolio_format import signed_money
from tests.helpers import BUDGET, scenario_of


def _settings_post(**changes: str) -> dict[str, str]:
    data = {
        "year": "2027",
        "budget": "50 000 000",
        "scenario": "medium",
        "method": "score",
        "fulfilment_threshold": "0,8",
        "weight_npv_per_krona": "0,35",
        "weight_strategic_fit": "0,25",
        "weight_time_criticality": "0,15",
        "weight_classification_risk": "0,15",
        "weight_action_plan_fulfilment": "0,10",
    }
    data.update(changes)
    return data


def test_budget_with_ore_is_refused_on_its_field_and_nothing_changes(
    as_user, admin, norrkoping, portfolio_data
):
    response = as_user(admin).post(
        reverse("portfolio_settings"), _settings_post(budget="50 000 000,50")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "budget" in form.errors
    with translation.override("sv"):
        expected = translation.gettext("Enter the budget in whole kronor, without öre.")
    assert expected in form.errors["budget"]
    settings = PortfolioSettings.objects.get(organisation=norrkoping)
    assert settings.budget == BUDGET


def test_budget_in_whole_kronor_with_spaces_is_saved(as_user, admin, norrkoping, portfolio_data):
    response = as_user(admin).post(reverse("portfolio_settings"), _settings_post())
    assert response.status_code == 302
    assert PortfolioSettings.objects.get(organisation=norrkoping).budget == Decimal(50_000_000)


def test_settings_show_numbers_as_the_help_texts_write_them(as_user, admin, portfolio_data):
    with translation.override("sv"):
        response = as_user(admin).get(reverse("portfolio_settings"), HTTP_ACCEPT_LANGUAGE="sv")
    initial = response.context["form"].initial
    assert initial["budget"] == "10 000 000"
    assert initial["fulfilment_threshold"] in {"0,8", "0.8"}
    assert not initial["fulfilment_threshold"].endswith("0")
    body = response.content.decode()
    assert 'value="10 000 000"' in body
    assert "0.800" not in body


def test_year_is_rendered_without_a_thousands_separator(as_user, admin, norrkoping, portfolio_data):
    PortfolioSettings.objects.filter(organisation=norrkoping).update(year=2027)
    scenario = scenario_of(norrkoping, admin)
    client = as_user(admin)
    for url in (
        reverse("portfolio_ranking"),
        reverse("portfolio_scenarios"),
        reverse("portfolio_scenario", args=[scenario.pk]),
    ):
        body = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
        assert "2027" in body, url
        assert "2\xa0027" not in body and "2 027" not in body, url


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


def test_comparing_a_scenario_with_itself_is_refused_and_the_form_starts_with_two(
    as_user, admin, norrkoping, portfolio_data
):
    plan_a = scenario_of(norrkoping, admin, "Plan A")
    plan_b = scenario_of(norrkoping, admin, "Plan B")
    client = as_user(admin)
    same = client.get(reverse("portfolio_compare"), {"left": plan_a.pk, "right": plan_a.pk})
    assert same.status_code == 400
    assert "right" in same.context["form"].errors
    assert same.context["comparison"] is None
    empty = client.get(reverse("portfolio_compare"))
    form = empty.context["form"]
    assert form["left"].value() != form["right"].value()
    assert {form["left"].value(), form["right"].value()} <= {plan_a.pk, plan_b.pk}


def test_negative_differences_use_a_real_minus_sign():
    assert signed_money(Decimal(-1500)).startswith("\u2212")
    assert "-" not in signed_money(Decimal(-1500))
    assert signed_money(Decimal(1500)).startswith("+")
    assert signed_money(Decimal(0)) == signed_money(Decimal(0)).lstrip("+")


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


def test_xlsx_readiness_sheet_is_in_swedish(norrkoping, portfolio_data):
    with translation.override("sv"):
        portfolio = selectors.compute(norrkoping, department_ids=None)
        workbook = load_workbook(BytesIO(exports.portfolio_xlsx(portfolio)))
    sheet = workbook.worksheets[3]
    statuses = {row[3] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert statuses & {"Godkänd", "Ofullständig", "Preliminär"}
    assert not statuses & {"approved", "provisional", "incomplete"}


def test_scenarios_are_unchanged_by_reading_them(
    as_user, culture_viewer, admin, norrkoping, portfolio_data
):
    scenario = scenario_of(norrkoping, admin)
    as_user(culture_viewer).get(reverse("portfolio_scenario", args=[scenario.pk]))
    assert PortfolioScenario.objects.get(pk=scenario.pk).selected_codes == scenario.selected_codes
