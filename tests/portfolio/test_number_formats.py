"""Numbers on the portfolio pages as people write and read them: a budget in whole kronor
with spaces (öre refused on its field), settings shown as the help texts write them, years
without a thousands separator and differences with a real minus sign."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import translation

from portfolio.models import PortfolioSettings
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


def test_negative_differences_use_a_real_minus_sign():
    assert signed_money(Decimal(-1500)).startswith("\u2212")
    assert "-" not in signed_money(Decimal(-1500))
    assert signed_money(Decimal(1500)).startswith("+")
    assert signed_money(Decimal(0)) == signed_money(Decimal(0)).lstrip("+")
