"""Roadmap scenarios: an admin saves the roadmap page's what-if as a frozen plan, compares two,
commits one as the decision for its first plan year (a second commit replaces it) and deletes
the others; readers see them (department-scoped readers only their own rows), other
organisations not at all."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from interchange import register
from klassa_app import formatting
from klassa_app.models import AuditEvent
from klassa_app.services import ServiceError
from portfolio import roadmap_results, services
from portfolio.models import PortfolioSettings, RoadmapScenario
from tests.factories import RoadmapScenarioFactory
from tests.helpers import make_initiative
from tests.portfolio.test_roadmap_inputs import platform_document
from tests.portfolio.test_roadmap_page import starts_in

pytestmark = pytest.mark.django_db

UTB_CODES = ("PLAT-SENSOR", "SC-A", "TP-A", "Sensordataplattform")


@pytest.fixture
def platforms(norrkoping, officer, kultur):
    """The roadmap page's case: a sensor platform needed by two initiatives in UTB, frames
    for 2027–2029, and one initiative of KUF."""
    register.import_document(platform_document(), actor=officer)
    make_initiative(kultur, "KUF-1", area=None, internal=3_000_000, cost=1_000_000)
    return norrkoping


def save_from_the_page(client, query: dict[str, str], name: str, description: str = ""):
    """What the admin does: look at the roadmap with a what-if, then press "Save"."""
    page = client.get(reverse("portfolio_roadmap"), query)
    assert page.status_code == 200
    assert 'id="save-roadmap-form"' in page.content.decode()
    data = dict(page.context["save_fields"])
    data.update(name=name, description=description)
    return page, client.post(reverse("portfolio_roadmap_scenario_save"), data)


def pinned(organisation, admin, name: str, pins: dict[str, int] | None = None):
    return RoadmapScenarioFactory(
        organisation=organisation, actor=admin, name=name, pinned_starts=pins
    )


# --- Saving ---------------------------------------------------------------------------------------


def test_an_admin_saves_the_what_if_and_the_frozen_plan_is_what_the_page_showed(
    as_user, admin, platforms
):
    client = as_user(admin)
    query = {"frame_2028": "26 000 000", "pin_code_1": "PLAT-SENSOR", "pin_year_1": "2028"}
    page, response = save_from_the_page(client, query, "Sensorer 2028", "Plattformen ett år senare")
    scenario = RoadmapScenario.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portfolio_roadmap_scenario", args=[scenario.pk])
    shown = page.context["page"]
    assert scenario.plan == shown.result.optimal
    assert {e["initiative"]: e["start_year"] for e in scenario.plan["plan"]} == starts_in(
        page.content.decode()
    )
    assert scenario.value == shown.value
    assert scenario.ranking_value == shown.ranking_value
    assert scenario.frames == {"2027": "30000000", "2028": "26000000", "2029": "20000000"}
    assert scenario.pinned_starts == {"PLAT-SENSOR": 2028}
    assert scenario.first_year == 2027 and scenario.proven_optimal
    assert scenario.description == "Plattformen ett år senare"
    event = AuditEvent.objects.get(action="portfolio.roadmap_scenario_saved")
    assert event.after["pinned_starts"] == {"PLAT-SENSOR": 2028}

    body = client.get(response.url).content.decode()
    assert starts_in(body) == {e["initiative"]: e["start_year"] for e in scenario.plan["plan"]}
    assert 'id="scenario-spend"' in body and re.search(r"26\s000\s000\skr", body)
    assert "PLAT-SENSOR 2028" in body  # the pinned start year


def test_changing_the_frames_later_does_not_change_the_saved_roadmap(as_user, admin, platforms):
    client = as_user(admin)
    _, response = save_from_the_page(client, {}, "Lagrade ramar")
    scenario = RoadmapScenario.objects.get()
    frozen = dict(scenario.plan)
    saved_starts = {e["initiative"]: e["start_year"] for e in frozen["plan"]}

    PortfolioSettings.objects.filter(organisation=platforms).update(budget=Decimal(0))
    now = starts_in(client.get(reverse("portfolio_roadmap")).content.decode())
    assert now != saved_starts  # the roadmap of today's frames is another one

    scenario.refresh_from_db()
    assert scenario.plan == frozen and scenario.frames["2027"] == "30000000"
    assert starts_in(client.get(response.url).content.decode()) == saved_starts


def test_saving_waits_for_the_optimal_plan_and_says_so(
    as_user, admin, platforms, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(roadmap_results, "INLINE_LIMIT", 2)  # solved in the background
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = as_user(admin).post(
            reverse("portfolio_roadmap_scenario_save"), {"name": "För tidigt"}
        )
    assert response.status_code == 400
    assert "beräknas fortfarande" in response.content.decode()
    assert response.context["form"].non_field_errors()
    assert len(queued) == 1  # the solver is on its way
    assert not RoadmapScenario.objects.exists()


def test_a_what_if_without_a_feasible_plan_is_not_saved(admin, platforms):
    # SC-A pinned to the last year cannot follow its platform and still invest in time.
    with pytest.raises(ServiceError) as refused:
        services.do_save_roadmap_scenario(
            actor=admin, organisation=platforms, name="Omöjlig", pinned_starts={"SC-A": 2029}
        )
    assert refused.value.field == "pinned_starts"
    assert not RoadmapScenario.objects.exists()


def test_a_business_owner_cannot_save_through_the_service_either(owner, platforms):
    with pytest.raises(PermissionDenied):
        services.do_save_roadmap_scenario(actor=owner, organisation=platforms, name="Min")
    assert not RoadmapScenario.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Ge scenariot ett namn."),
        ({"name": "x" * 121}, "name", "121"),
        ({"name": "Plan", "description": "y" * 2001}, "description", "2001"),
        ({"name": "Befintlig"}, "name", "Det finns redan ett scenario med det här namnet."),
    ],
)
def test_bad_input_is_named_by_its_field_and_saves_nothing(
    as_user, admin, platforms, data, field, message
):
    RoadmapScenarioFactory(organisation=platforms, actor=admin, name="Befintlig")
    client = as_user(admin)
    response = client.post(reverse("portfolio_roadmap_scenario_save"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert RoadmapScenario.objects.count() == 1


def test_a_changed_what_if_in_the_save_request_is_refused_naming_it(as_user, admin, platforms):
    response = as_user(admin).post(
        reverse("portfolio_roadmap_scenario_save"), {"name": "Plan", "frame_2028": "många"}
    )
    assert response.status_code == 400
    assert 'id="what-if-errors"' in response.content.decode()
    assert not RoadmapScenario.objects.exists()


# --- Comparing and committing ------------------------------------------------------------------


def test_two_roadmaps_side_by_side_show_the_start_years_that_differ(as_user, admin, platforms):
    a = pinned(platforms, admin, "Som lagrat")
    b = pinned(platforms, admin, "Plattform 2029", {"PLAT-SENSOR": 2029})
    starts_a = {e["initiative"]: e["start_year"] for e in a.plan["plan"]}
    starts_b = {e["initiative"]: e["start_year"] for e in b.plan["plan"]}
    assert starts_a["PLAT-SENSOR"] != 2029 and starts_b["PLAT-SENSOR"] == 2029

    response = as_user(admin).get(
        reverse("portfolio_roadmap_compare"), {"left": a.pk, "right": b.pk}
    )
    assert response.status_code == 200
    comparison = response.context["comparison"]
    rows = {r.code: r for r in comparison.starts}
    assert rows["PLAT-SENSOR"].left == starts_a["PLAT-SENSOR"]
    assert rows["PLAT-SENSOR"].right == 2029 and rows["PLAT-SENSOR"].differs
    assert comparison.differing == sum(
        1 for c in set(starts_a) | set(starts_b) if starts_a.get(c) != starts_b.get(c)
    )
    assert comparison.value_difference == b.value - a.value
    body = response.content.decode()
    assert f'data-left="{starts_a["PLAT-SENSOR"]}" data-right="2029"' in body
    assert 'id="compare-spend"' in body and 'id="value-difference"' in body
    for code in set(starts_a) ^ set(starts_b):  # planned in one only
        assert "inte planerad" in body or "not planned" in body
        assert rows[code].left is None or rows[code].right is None


def test_the_same_roadmap_twice_is_not_a_comparison(as_user, admin, platforms):
    a = pinned(platforms, admin, "A")
    response = as_user(admin).get(
        reverse("portfolio_roadmap_compare"), {"left": a.pk, "right": a.pk}
    )
    assert response.status_code == 400
    assert "right" in response.context["form"].errors


def test_a_commit_makes_the_decision_and_a_second_one_replaces_it(as_user, admin, platforms):
    a = pinned(platforms, admin, "A")
    b = pinned(platforms, admin, "B", {"PLAT-SENSOR": 2029})
    client = as_user(admin)
    url_a = reverse("portfolio_roadmap_scenario_commit", args=[a.pk])
    unconfirmed = client.post(url_a, {})
    assert unconfirmed.status_code == 400 and "confirm" in unconfirmed.context["form"].errors
    assert not RoadmapScenario.objects.filter(committed_at__isnull=False).exists()

    assert client.post(url_a, {"confirm": "on"}).status_code == 302
    a.refresh_from_db()
    assert a.is_committed and a.committed_by == admin

    page = client.get(reverse("portfolio_roadmap_scenario_commit", args=[b.pk]))
    assert 'id="earlier-decision"' in page.content.decode()  # says what it replaces
    client.post(reverse("portfolio_roadmap_scenario_commit", args=[b.pk]), {"confirm": "on"})
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.is_committed and not a.is_committed
    assert list(
        RoadmapScenario.objects.filter(committed_at__isnull=False).values_list("name", flat=True)
    ) == ["B"]
    assert AuditEvent.objects.filter(action="portfolio.roadmap_scenario_committed").count() == 2
    replaced = AuditEvent.objects.get(action="portfolio.roadmap_scenario_uncommitted")
    assert replaced.after["replaced_by"] == "B"
    body = client.get(reverse("portfolio_roadmap_scenarios")).content.decode()
    assert body.count("badge text-bg-success") == 1


def test_the_committed_roadmap_cannot_be_deleted_but_another_one_can(as_user, admin, platforms):
    a = pinned(platforms, admin, "A")
    b = pinned(platforms, admin, "B", {"PLAT-SENSOR": 2029})
    services.do_commit_roadmap_scenario(actor=admin, scenario=a)
    client = as_user(admin)
    response = client.post(reverse("portfolio_roadmap_scenario_delete", args=[a.pk]))
    assert response.status_code == 302 and RoadmapScenario.objects.filter(pk=a.pk).exists()
    response = client.post(reverse("portfolio_roadmap_scenario_delete", args=[b.pk]))
    assert response.url == reverse("portfolio_roadmap_scenarios")
    assert not RoadmapScenario.objects.filter(pk=b.pk).exists()
    assert AuditEvent.objects.filter(action="portfolio.roadmap_scenario_deleted").count() == 1


# --- Who sees what -------------------------------------------------------------------------------


def test_a_business_owner_reads_roadmaps_but_may_not_save_commit_or_delete(
    as_user, admin, owner, platforms
):
    a = pinned(platforms, admin, "A")
    client = as_user(owner)
    assert client.get(reverse("portfolio_roadmap_scenarios")).status_code == 200
    detail = client.get(reverse("portfolio_roadmap_scenario", args=[a.pk]))
    assert detail.status_code == 200 and "PLAT-SENSOR" in detail.content.decode()
    assert 'id="save-roadmap-form"' not in client.get(reverse("portfolio_roadmap")).content.decode()
    assert (
        client.post(reverse("portfolio_roadmap_scenario_save"), {"name": "Min"}).status_code == 403
    )
    commit = reverse("portfolio_roadmap_scenario_commit", args=[a.pk])
    assert client.post(commit, {"confirm": "on"}).status_code == 403
    assert client.post(reverse("portfolio_roadmap_scenario_delete", args=[a.pk])).status_code == 403
    a.refresh_from_db()
    assert not a.is_committed and RoadmapScenario.objects.count() == 1


def test_a_viewer_of_kuf_sees_no_utb_rows_nor_the_totals(as_user, admin, culture_viewer, platforms):
    a = pinned(platforms, admin, "A")
    b = pinned(platforms, admin, "B", {"PLAT-SENSOR": 2029})
    client = as_user(culture_viewer)
    pages = [
        client.get(reverse("portfolio_roadmap_scenarios")),
        client.get(reverse("portfolio_roadmap_scenario", args=[a.pk])),
        client.get(reverse("portfolio_roadmap_compare"), {"left": a.pk, "right": b.pk}),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        for code in UTB_CODES:
            assert code not in body
        assert formatting.money(a.value) not in body  # the organisation's total
    view = pages[1].context["view"]
    assert {r.code for r in view.rows} | {u.code for u in view.unplanned} == {"KUF-1"}
    assert not view.spend and 'id="scenario-spend"' not in pages[1].content.decode()
    assert {r.code for r in pages[2].context["comparison"].starts} <= {"KUF-1"}
    assert 'id="compare-spend"' not in pages[2].content.decode()


def test_an_outsider_gets_404_for_another_organisations_roadmaps(
    as_user, admin, outsider, platforms
):
    a = pinned(platforms, admin, "A")
    b = pinned(platforms, admin, "B", {"PLAT-SENSOR": 2029})
    client = as_user(outsider)
    assert client.get(reverse("portfolio_roadmap_scenario", args=[a.pk])).status_code == 404
    commit = reverse("portfolio_roadmap_scenario_commit", args=[a.pk])
    assert client.get(commit).status_code == 404
    assert client.post(commit, {"confirm": "on"}).status_code == 404
    assert client.post(reverse("portfolio_roadmap_scenario_delete", args=[a.pk])).status_code == 404
    compare = client.get(reverse("portfolio_roadmap_compare"), {"left": a.pk, "right": b.pk})
    assert compare.status_code == 400 and compare.context["comparison"] is None
    listed = client.get(reverse("portfolio_roadmap_scenarios"))
    assert listed.context["rows"] == [] and "A (2027" not in listed.content.decode()
    a.refresh_from_db()
    assert not a.is_committed and RoadmapScenario.objects.count() == 2


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 8])
def test_the_list_detail_and_comparison_take_a_bounded_number_of_queries(
    as_user, admin, culture_viewer, platforms, size, django_assert_max_num_queries
):
    made = [
        pinned(platforms, admin, f"Plan {n}", {"PLAT-SENSOR": 2027 + n % 3}) for n in range(size)
    ]
    for user in (admin, culture_viewer):
        client = as_user(user)
        client.get(reverse("portfolio_roadmap_scenarios"))  # the session, warmed
        # The same at both sizes: 6 measured for the admin, 7 for the KUF viewer.
        with django_assert_max_num_queries(8):
            response = client.get(reverse("portfolio_roadmap_scenarios"))
        assert len(response.context["rows"]) == size
        with django_assert_max_num_queries(9):  # 7 measured (8 for the KUF viewer)
            client.get(reverse("portfolio_roadmap_scenario", args=[made[-1].pk]))
        with django_assert_max_num_queries(9):  # 7 measured (8 for the KUF viewer)
            client.get(
                reverse("portfolio_roadmap_compare"), {"left": made[0].pk, "right": made[1].pk}
            )
