"""The portfolio pages: dashboard, priority (ranking, budget line, forced choices, optimal
versus greedy), settings, an initiative's priority inputs, scenarios and exports, for every
persona; bad input is shown on its field and changes nothing; query counts are bounded."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Area, InformationAsset
from klassa_app.models import AuditEvent, Role
from portfolio import services
from portfolio.models import (
    InitiativePriority,
    PortfolioReportJob,
    PortfolioResult,
    PortfolioScenario,
    PortfolioSettings,
)
from tests.factories import member
from tests.helpers import BUDGET, make_initiative, scenario_of

# --- Dashboard ----------------------------------------------------------------------------------


def test_admin_sees_every_department_with_computed_totals(as_user, admin, portfolio_data):
    response = as_user(admin).get(reverse("portfolio_dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    for code in ("EDU-A", "EDU-B", "EDU-C", "KUF-A"):
        assert f'id="row-{code}"' in body
    portfolio = response.context["portfolio"]
    assert portfolio.totals.internal_benefit == Decimal(65_000_000)
    assert portfolio.totals.external_benefit == Decimal(1_000_000)
    assert portfolio.totals.total_benefit == Decimal(66_000_000)
    # Rendered in Swedish money format: the sum of the areas, never typed.
    assert "66\xa0000\xa0000\xa0kr" in body


def test_officer_sees_the_whole_organisation(as_user, officer, portfolio_data):
    response = as_user(officer).get(reverse("portfolio_dashboard"))
    assert response.status_code == 200
    assert {row.code for row in response.context["portfolio"].rows} == {
        "EDU-A",
        "EDU-B",
        "EDU-C",
        "KUF-A",
    }


@pytest.mark.parametrize("persona", ["owner", "lawyer"])
def test_education_members_see_only_education(as_user, request, persona, portfolio_data):
    user = request.getfixturevalue(persona)
    response = as_user(user).get(reverse("portfolio_dashboard"))
    assert response.status_code == 200
    assert {row.code for row in response.context["portfolio"].rows} == {"EDU-A", "EDU-B", "EDU-C"}
    assert "KUF-A" not in response.content.decode()


def test_culture_viewer_sees_only_culture(as_user, culture_viewer, portfolio_data):
    response = as_user(culture_viewer).get(reverse("portfolio_dashboard"))
    assert {row.code for row in response.context["portfolio"].rows} == {"KUF-A"}
    assert "EDU-A" not in response.content.decode()


def test_outsider_sees_nothing_of_norrkoping(as_user, outsider, portfolio_data):
    response = as_user(outsider).get(reverse("portfolio_dashboard"))
    assert response.status_code == 200
    assert response.context["portfolio"].rows == []
    body = response.content.decode()
    assert "EDU-A" not in body and "KUF-A" not in body


def test_dashboard_shows_blockers_with_links_that_resolve_them(as_user, admin, portfolio_data):
    body = as_user(admin).get(reverse("portfolio_dashboard")).content.decode()
    asset = InformationAsset.objects.get(code="A-KUF-A")
    assert reverse("asset_assess", args=[asset.pk]) in body
    # Every initiative lacks a benefit owner: the advisory links to its priority page.
    assert reverse("portfolio_priority", args=[portfolio_data["EDU-A"].pk]) in body


def test_dashboard_filters_by_department_area_and_status(as_user, admin, kultur, portfolio_data):
    client = as_user(admin)
    by_department = client.get(reverse("portfolio_dashboard"), {"department": kultur.pk})
    assert {r.code for r in by_department.context["portfolio"].rows} == {"KUF-A"}
    education = Area.objects.get(name="Education")
    by_area = client.get(reverse("portfolio_dashboard"), {"area": education.pk})
    assert {a.area for a in by_area.context["portfolio"].areas} == {"Education"}
    blocked = client.get(reverse("portfolio_dashboard"), {"status": "blocked"})
    assert {r.code for r in blocked.context["portfolio"].rows} == {"KUF-A"}
    selected = client.get(reverse("portfolio_dashboard"), {"status": "selected"})
    assert {r.code for r in selected.context["portfolio"].rows} == {"EDU-A", "EDU-B"}


def test_dashboard_filter_by_benefit_scenario_and_saved_scenario(as_user, admin, portfolio_data):
    scenario = scenario_of(admin.memberships.get().organisation, admin)
    client = as_user(admin)
    high = client.get(reverse("portfolio_dashboard"), {"scenario": "high"})
    assert high.context["portfolio"].scenario == "high"
    saved = client.get(reverse("portfolio_dashboard"), {"saved": scenario.pk})
    assert saved.context["saved"] == scenario
    assert "Plan A" in saved.content.decode()


def test_dashboard_ignores_a_department_the_user_does_not_see(
    as_user, owner, kultur, portfolio_data
):
    response = as_user(owner).get(reverse("portfolio_dashboard"), {"department": kultur.pk})
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert "KUF-A" not in response.content.decode()


def test_dashboard_htmx_request_returns_only_the_body(as_user, admin, portfolio_data):
    response = as_user(admin).get(reverse("portfolio_dashboard"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="portfolio-table"' in body
    assert "<html" not in body


def test_dashboard_charts_have_text_alternatives_and_data_tables(as_user, admin, portfolio_data):
    body = as_user(admin).get(reverse("portfolio_dashboard")).content.decode()
    assert body.count('role="img"') >= 3
    assert body.count("<title") >= 3
    assert body.count("<details>") >= 3


def _bulk_portfolio(organisation, department, area, count: int, start: int = 0) -> None:
    # Seeded, uncorrelated amounts, as real portfolios are (value and cost proportional to
    # each other would be the knapsack's hard case, not the page's).
    rng = random.Random(start)
    for index in range(start, start + count):
        make_initiative(
            department,
            f"B-{index:04d}",
            area=area,
            internal=rng.randint(100_000, 20_000_000),
            cost=rng.randint(100_000, 5_000_000),
        )


def test_dashboard_queries_are_bounded(
    as_user, admin, norrkoping, utbildning, django_assert_max_num_queries
):
    area = Area.objects.create(organisation=norrkoping, name="Bulk")
    PortfolioSettings.objects.create(organisation=norrkoping, budget=BUDGET)
    client = as_user(admin)
    _bulk_portfolio(norrkoping, utbildning, area, 5)
    client.get(reverse("portfolio_dashboard"))  # warm the session and caches
    # One of them reads which prerequisites of the page's initiatives are not ready.
    with django_assert_max_num_queries(26) as small:
        assert client.get(reverse("portfolio_dashboard")).status_code == 200
    _bulk_portfolio(norrkoping, utbildning, area, 55, start=5)
    client.get(reverse("portfolio_dashboard"))  # the new figures are ranked once
    with django_assert_max_num_queries(26) as large:
        response = client.get(reverse("portfolio_dashboard"))
    assert len(response.context["portfolio"].rows) == 50  # one page of the 60
    assert response.context["portfolio"].totals.initiatives == 60
    assert len(large.captured_queries) == len(small.captured_queries)


def test_priority_page_queries_are_bounded(
    as_user, admin, norrkoping, utbildning, django_assert_max_num_queries
):
    area = Area.objects.create(organisation=norrkoping, name="Bulk")
    PortfolioSettings.objects.create(organisation=norrkoping, budget=BUDGET)
    client = as_user(admin)
    _bulk_portfolio(norrkoping, utbildning, area, 5)
    client.get(reverse("portfolio_ranking"))
    with django_assert_max_num_queries(25) as small:
        client.get(reverse("portfolio_ranking"))
    _bulk_portfolio(norrkoping, utbildning, area, 55, start=5)
    client.get(reverse("portfolio_ranking"))  # the new figures are ranked once
    with django_assert_max_num_queries(25) as large:
        response = client.get(reverse("portfolio_ranking"))
    assert len(response.context["portfolio"].ranked) == 50  # one page
    assert response.context["portfolio"].total_count == 60
    assert len(large.captured_queries) == len(small.captured_queries)


# --- Priority page ------------------------------------------------------------------------------


def test_priority_page_shows_ranking_weights_budget_line_and_both_selections(
    as_user, admin, portfolio_data
):
    response = as_user(admin).get(reverse("portfolio_ranking"))
    assert response.status_code == 200
    body = response.content.decode()
    portfolio = response.context["portfolio"]
    assert set(portfolio.optimal.codes) == {"EDU-A", "EDU-B"}
    assert 'id="budget-line-table"' in body and "klassa-chart-budget-line" in body
    assert "NPV per invested krona" in body or "NPV per investerad krona" in body
    # Each criterion's contribution sums to the score.
    for row in portfolio.ranked:
        assert sum(row.contributions.values()) == row.score
    # Both selections are the same here: no sentence about "0 kr more".
    assert portfolio.value_difference == 0
    assert "more NPV than the greedy" not in body and "mer i nettonuvärde" not in body
    assert 'action="' + reverse("portfolio_force", args=[portfolio_data["EDU-A"].pk]) in body


def test_non_admins_see_the_ranking_without_force_forms(as_user, owner, portfolio_data):
    response = as_user(owner).get(reverse("portfolio_ranking"))
    assert response.status_code == 200
    assert "portfolio/initiatives/" not in response.content.decode()
    assert {r.code for r in response.context["portfolio"].ranked} == {"EDU-A", "EDU-B", "EDU-C"}


def test_forcing_out_with_a_reason_changes_the_selection(as_user, admin, portfolio_data):
    client = as_user(admin)
    edu_a = portfolio_data["EDU-A"]
    response = client.post(
        reverse("portfolio_force", args=[edu_a.pk]),
        {"forced": "out", "forced_reason": "Waits for the new school platform"},
    )
    assert response.status_code == 302
    portfolio = client.get(reverse("portfolio_ranking")).context["portfolio"]
    assert "EDU-A" not in portfolio.optimal.codes
    assert set(portfolio.optimal.codes) == {"EDU-B", "EDU-C"}
    line = {row.code: row.status for row in portfolio.budget_line}
    assert line["EDU-A"] == "forced_out"
    event = AuditEvent.objects.filter(action="portfolio.forced").get()
    assert event.actor == admin


def test_forcing_without_a_reason_names_the_field_and_changes_nothing(
    as_user, admin, portfolio_data
):
    edu_a = portfolio_data["EDU-A"]
    response = as_user(admin).post(
        reverse("portfolio_force", args=[edu_a.pk]), {"forced": "out", "forced_reason": "  "}
    )
    assert response.status_code == 400
    assert "forced_reason" in response.context["form"].errors
    assert 'aria-invalid="true"' in response.content.decode() or "is-invalid" in (
        response.content.decode()
    )
    assert not InitiativePriority.objects.filter(initiative=edu_a).exclude(forced="").exists()


@pytest.mark.parametrize("persona", ["officer", "owner", "lawyer", "culture_viewer"])
def test_only_admins_force_initiatives(as_user, request, persona, portfolio_data):
    user = request.getfixturevalue(persona)
    target = portfolio_data["KUF-A"] if persona == "culture_viewer" else portfolio_data["EDU-A"]
    response = as_user(user).post(
        reverse("portfolio_force", args=[target.pk]), {"forced": "out", "forced_reason": "x"}
    )
    assert response.status_code == 403
    assert not InitiativePriority.objects.exclude(forced="").exists()


def test_outsider_gets_404_forcing_another_organisations_initiative(
    as_user, outsider, portfolio_data
):
    response = as_user(outsider).post(
        reverse("portfolio_force", args=[portfolio_data["EDU-A"].pk]),
        {"forced": "out", "forced_reason": "x"},
    )
    assert response.status_code == 404


def test_forced_in_beyond_the_budget_shows_the_error(as_user, admin, norrkoping, portfolio_data):
    services.do_update_portfolio_settings(actor=admin, organisation=norrkoping, budget="1000")
    services.do_force_initiative(
        actor=admin, initiative=portfolio_data["EDU-A"], forced="in", reason="Law requires it"
    )
    response = as_user(admin).get(reverse("portfolio_ranking"))
    assert response.status_code == 200
    assert 'id="selection-error"' in response.content.decode()


# --- Settings -----------------------------------------------------------------------------------


def _settings_post(**changes):
    data = {
        "year": "2027",
        "budget": "12 000 000",
        "scenario": "high",
        "method": "score",
        "fulfilment_threshold": "0,8",
        "weight_npv_per_krona": "0.35",
        "weight_strategic_fit": "0.25",
        "weight_time_criticality": "0.15",
        "weight_classification_risk": "0.10",
        "weight_action_plan_fulfilment": "0.15",
    }
    data.update(changes)
    return data


def test_admin_updates_the_settings(as_user, admin, norrkoping, portfolio_data):
    response = as_user(admin).post(reverse("portfolio_settings"), _settings_post())
    assert response.status_code == 302
    settings = PortfolioSettings.objects.get(organisation=norrkoping)
    assert settings.budget == Decimal(12_000_000)
    assert settings.scenario == "high"
    assert AuditEvent.objects.filter(action="portfolio.settings_updated").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("budget", "lots"),
        ("budget", "-5"),
        ("year", "1800"),
        ("fulfilment_threshold", "2"),
        ("weight_strategic_fit", "-1"),
        ("weight_npv_per_krona", "abc"),
    ],
)
def test_bad_settings_name_their_field_and_change_nothing(
    as_user, admin, norrkoping, portfolio_data, field, value
):
    response = as_user(admin).post(reverse("portfolio_settings"), _settings_post(**{field: value}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    settings = PortfolioSettings.objects.get(organisation=norrkoping)
    assert settings.budget == BUDGET and settings.scenario == "medium"
    assert not AuditEvent.objects.filter(action="portfolio.settings_updated").exists()


@pytest.mark.parametrize("persona", ["officer", "owner", "lawyer", "culture_viewer"])
def test_only_admins_open_the_settings(as_user, request, persona, portfolio_data):
    user = request.getfixturevalue(persona)
    assert as_user(user).get(reverse("portfolio_settings")).status_code == 403
    assert as_user(user).post(reverse("portfolio_settings"), _settings_post()).status_code == 403


# --- An initiative's priority inputs -----------------------------------------------------------


def test_owner_sets_priority_inputs(as_user, owner, portfolio_data):
    edu_a = portfolio_data["EDU-A"]
    response = as_user(owner).post(
        reverse("portfolio_priority", args=[edu_a.pk]),
        {
            "strategic_fit": "4",
            "time_criticality": "3",
            "duration_weeks": "67",
            "benefit_owner": str(owner.pk),
            "dpia_recorded": "on",
            "dpia_reference": "UTB 2026/1",
        },
    )
    assert response.status_code == 302
    priority = InitiativePriority.objects.get(initiative=edu_a)
    assert (priority.strategic_fit, priority.duration_weeks, priority.benefit_owner) == (
        4,
        67,
        owner,
    )
    assert priority.dpia_recorded


def test_bad_duration_names_the_field_and_changes_nothing(as_user, owner, portfolio_data):
    edu_a = portfolio_data["EDU-A"]
    response = as_user(owner).post(
        reverse("portfolio_priority", args=[edu_a.pk]),
        {"strategic_fit": "4", "duration_weeks": "forever"},
    )
    assert response.status_code == 400
    assert "duration_weeks" in response.context["form"].errors
    assert not InitiativePriority.objects.filter(initiative=edu_a).exists()


def test_lawyer_cannot_edit_priority_inputs_but_sees_them(as_user, lawyer, portfolio_data):
    url = reverse("portfolio_priority", args=[portfolio_data["EDU-A"].pk])
    client = as_user(lawyer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"strategic_fit": "5"}).status_code == 403
    assert not InitiativePriority.objects.exists()


@pytest.mark.parametrize("persona", ["culture_viewer", "outsider"])
def test_others_get_404_on_an_education_initiatives_priority(
    as_user, request, persona, portfolio_data
):
    user = request.getfixturevalue(persona)
    url = reverse("portfolio_priority", args=[portfolio_data["EDU-A"].pk])
    assert as_user(user).get(url).status_code == 404
    assert as_user(user).post(url, {"strategic_fit": "5"}).status_code == 404


# --- Scenarios ----------------------------------------------------------------------------------


def test_admin_saves_compares_and_commits_scenarios(as_user, admin, norrkoping, portfolio_data):
    client = as_user(admin)
    response = client.post(reverse("portfolio_scenario_save"), {"name": "Plan A"})
    assert response.status_code == 302
    plan_a = PortfolioScenario.objects.get(name="Plan A")
    assert sorted(plan_a.selected_codes) == ["EDU-A", "EDU-B"]
    services.do_force_initiative(
        actor=admin, initiative=portfolio_data["EDU-A"], forced="out", reason="Postponed"
    )
    client.post(reverse("portfolio_scenario_save"), {"name": "Plan B"})
    plan_b = PortfolioScenario.objects.get(name="Plan B")
    compare = client.get(reverse("portfolio_compare"), {"left": plan_a.pk, "right": plan_b.pk})
    assert compare.status_code == 200
    comparison = compare.context["comparison"]
    assert comparison.only_left == ["EDU-A"] and comparison.only_right == ["EDU-C"]
    assert comparison.npv_difference == plan_b.total_npv - plan_a.total_npv
    # Committing needs the confirmation.
    url = reverse("portfolio_scenario_commit", args=[plan_b.pk])
    assert client.get(url).status_code == 200
    unconfirmed = client.post(url, {})
    assert unconfirmed.status_code == 400 and "confirm" in unconfirmed.context["form"].errors
    assert unconfirmed.context["form"].errors["confirm"] == [
        "Kryssa i rutan för att bekräfta att scenariot är styrgruppens beslut."
    ]
    plan_b.refresh_from_db()
    assert plan_b.committed_at is None
    assert client.post(url, {"confirm": "on"}).status_code == 302
    plan_b.refresh_from_db()
    assert plan_b.committed_by == admin
    event = AuditEvent.objects.get(action="portfolio.scenario_committed")
    assert event.actor == admin
    # A second commitment of the same year must replace the first explicitly.
    url_a = reverse("portfolio_scenario_commit", args=[plan_a.pk])
    refused = client.post(url_a, {"confirm": "on"})
    assert refused.status_code == 400 and "replace" in refused.context["form"].errors
    assert client.post(url_a, {"confirm": "on", "replace": "on"}).status_code == 302
    plan_a.refresh_from_db()
    plan_b.refresh_from_db()
    assert plan_a.is_committed and not plan_b.is_committed


def test_scenario_name_is_required_and_unique(as_user, admin, portfolio_data):
    client = as_user(admin)
    empty = client.post(reverse("portfolio_scenario_save"), {"name": " "})
    assert empty.status_code == 400 and "name" in empty.context["scenario_form"].errors
    client.post(reverse("portfolio_scenario_save"), {"name": "Plan A"})
    duplicate = client.post(reverse("portfolio_scenario_save"), {"name": "plan a"})
    assert duplicate.status_code == 400 and "name" in duplicate.context["scenario_form"].errors
    assert PortfolioScenario.objects.count() == 1


def test_admin_deletes_an_uncommitted_scenario_but_not_the_decision(
    as_user, admin, norrkoping, portfolio_data
):
    client = as_user(admin)
    draft = scenario_of(norrkoping, admin, "Draft")
    decision = scenario_of(norrkoping, admin, "Decision")
    services.do_commit_scenario(actor=admin, scenario=decision)
    assert client.post(reverse("portfolio_scenario_delete", args=[draft.pk])).status_code == 302
    assert client.post(reverse("portfolio_scenario_delete", args=[decision.pk])).status_code == 302
    assert list(PortfolioScenario.objects.values_list("name", flat=True)) == ["Decision"]


@pytest.mark.parametrize("persona", ["officer", "owner", "lawyer", "culture_viewer"])
def test_members_read_scenarios_but_only_admins_change_them(
    as_user, request, persona, admin, norrkoping, portfolio_data
):
    user = request.getfixturevalue(persona)
    scenario = scenario_of(norrkoping, admin)
    client = as_user(user)
    assert client.get(reverse("portfolio_scenarios")).status_code == 200
    assert client.get(reverse("portfolio_scenario", args=[scenario.pk])).status_code == 200
    assert client.post(reverse("portfolio_scenario_save"), {"name": "Mine"}).status_code == 403
    commit = reverse("portfolio_scenario_commit", args=[scenario.pk])
    assert client.post(commit, {"confirm": "on"}).status_code == 403
    delete = reverse("portfolio_scenario_delete", args=[scenario.pk])
    assert client.post(delete).status_code == 403
    scenario.refresh_from_db()
    assert scenario.committed_at is None


def test_outsider_gets_404_on_every_scenario_url(
    as_user, outsider, admin, norrkoping, portfolio_data
):
    scenario = scenario_of(norrkoping, admin)
    other = scenario_of(norrkoping, admin, "Plan B")
    client = as_user(outsider)
    assert client.get(reverse("portfolio_scenario", args=[scenario.pk])).status_code == 404
    commit = reverse("portfolio_scenario_commit", args=[scenario.pk])
    assert client.get(commit).status_code == 404
    assert client.post(commit, {"confirm": "on"}).status_code == 404
    assert client.post(reverse("portfolio_scenario_delete", args=[scenario.pk])).status_code == 404
    compare = client.get(reverse("portfolio_compare"), {"left": scenario.pk, "right": other.pk})
    assert compare.context["comparison"] is None
    assert "Plan A" not in client.get(reverse("portfolio_scenarios")).content.decode()
    assert PortfolioScenario.objects.filter(committed_at__isnull=False).count() == 0


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


# --- Exports ------------------------------------------------------------------------------------


def test_export_is_built_and_downloaded_by_its_requester(
    as_user, admin, portfolio_data, django_capture_on_commit_callbacks
):
    client = as_user(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portfolio_export_start", args=["xlsx"]))
    job = PortfolioReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolio_export", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "done" and job.progress == 100
    status = client.get(reverse("portfolio_export", args=[job.pk]))
    assert reverse("portfolio_export_download", args=[job.pk]) in status.content.decode()
    download = client.get(reverse("portfolio_export_download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert AuditEvent.objects.filter(action="portfolio.export_requested").exists()


def test_export_status_polls_with_htmx_until_done(as_user, admin, norrkoping, portfolio_data):
    job = PortfolioReportJob.objects.create(
        organisation=norrkoping, kind="pdf", language="sv", created_by=admin
    )
    panel = as_user(admin).get(reverse("portfolio_export", args=[job.pk]), HTTP_HX_REQUEST="true")
    body = panel.content.decode()
    assert 'hx-trigger="every 1s"' in body and "<html" not in body
    assert (
        as_user(admin).get(reverse("portfolio_export_download", args=[job.pk])).status_code == 404
    )


def test_unknown_export_kind_is_404(as_user, admin, portfolio_data):
    assert as_user(admin).post(reverse("portfolio_export_start", args=["csv"])).status_code == 404
    assert not PortfolioReportJob.objects.exists()


def test_an_education_export_is_hidden_from_culture_but_open_to_admins(
    as_user, owner, admin, officer, culture_viewer, outsider, portfolio_data
):
    as_user(owner).post(reverse("portfolio_export_start", args=["xlsx"]))
    job = PortfolioReportJob.objects.get()
    assert job.parameters["department_ids"] == [portfolio_data["EDU-A"].department_id]
    for user in (owner, admin, officer):
        assert as_user(user).get(reverse("portfolio_export", args=[job.pk])).status_code == 200
    for user in (culture_viewer, outsider):
        client = as_user(user)
        assert client.get(reverse("portfolio_export", args=[job.pk])).status_code == 404
        download = reverse("portfolio_export_download", args=[job.pk])
        assert client.get(download).status_code == 404


def test_a_whole_organisation_export_is_hidden_from_department_members(
    as_user, admin, owner, lawyer, portfolio_data
):
    as_user(admin).post(reverse("portfolio_export_start", args=["pdf"]))
    job = PortfolioReportJob.objects.get()
    assert job.parameters["department_ids"] is None
    for user in (owner, lawyer):
        assert as_user(user).get(reverse("portfolio_export", args=[job.pk])).status_code == 404


def test_nav_links_to_the_portfolio(as_user, owner, portfolio_data):
    body = as_user(owner).get(reverse("home")).content.decode()
    assert f'href="{reverse("portfolio_dashboard")}"' in body


def test_demo_dashboard_shows_the_decks_totals_and_a_selection_within_the_budget(
    as_user, admin, settings
):
    from django.utils.module_loading import import_string

    for loader in settings.KLASSA_DEMO_LOADERS:
        import_string(loader)(actor=None)
    response = as_user(admin).get(reverse("portfolio_dashboard"))
    portfolio = response.context["portfolio"]
    assert len(portfolio.areas) == 10  # the deck's nine and the shared platforms
    # Exact to the öre (the Education shares carry 18 decimals; display rounds).
    assert portfolio.totals.total_benefit.quantize(Decimal("0.01")) == Decimal(4_116_100_015)
    assert "4\xa0116\xa0100\xa0015\xa0kr" in response.content.decode()
    priority = as_user(admin).get(reverse("portfolio_ranking")).context["portfolio"]
    assert priority.optimal.codes and priority.optimal.total_cost <= priority.budget
    assert priority.optimal.total_npv >= priority.greedy.total_npv


def test_priority_page_says_when_the_selection_is_not_proven_optimal(
    as_user, admin, portfolio_data, monkeypatch
):
    import dataclasses

    from portfolio import selection

    solve = selection.optimal_selection

    def stopped_at_time_limit(candidates, budget):
        return dataclasses.replace(solve(candidates, budget), proven_optimal=False)

    body = as_user(admin).get(reverse("portfolio_ranking")).content.decode()
    assert 'id="optimal-not-proven"' not in body
    monkeypatch.setattr(selection, "optimal_selection", stopped_at_time_limit)
    PortfolioResult.objects.all().delete()  # solved again, now stopping at the limit
    body = as_user(admin).get(reverse("portfolio_ranking")).content.decode()
    assert 'id="optimal-not-proven"' in body


def test_the_scenario_list_needs_the_same_queries_for_two_or_twelve_scenarios(
    as_user, admin, culture_viewer, norrkoping, portfolio_data
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(user) -> int:
        client = as_user(user)
        client.get(reverse("portfolio_scenarios"))  # warm: session, defaults
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("portfolio_scenarios")).status_code == 200
        return len(captured)

    for i in range(2):
        scenario_of(norrkoping, admin, name=f"Plan {i}")
    few = [queries_for(user) for user in (admin, culture_viewer)]
    for i in range(2, 12):
        scenario_of(norrkoping, admin, name=f"Plan {i}")
    many = [queries_for(user) for user in (admin, culture_viewer)]
    assert many == few, (few, many)
    assert max(many) <= 25


def test_the_priority_page_says_how_much_more_the_optimal_selection_gives_only_when_it_does(
    as_user, demo
):
    # The demo's budget forces a real choice, in which the optimal selection gives more.
    admin = member(Role.ORG_ADMIN, organisation=demo)
    response = as_user(admin).get(reverse("portfolio_ranking"))
    portfolio = response.context["portfolio"]
    body = response.content.decode()
    assert portfolio.value_difference >= 1
    assert 'id="value-difference"' in body
