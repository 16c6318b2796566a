"""The roadmap page: the optimal plan beside the ranking's plan, the what-if (frames and pinned
start years) that never changes the stored settings, department scoping, the background
solve of a large portfolio, bounded queries, and the prerequisites and frames editors."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from interchange import register
from klassa_app.models import AuditEvent
from portfolio import roadmap, roadmap_results, selectors
from portfolio.models import PlanYearBudget, PortfolioSettings, Prerequisite, RoadmapResult
from portfolio.roadmap_report import roadmap_inputs
from tests.helpers import make_initiative
from tests.portfolio.test_roadmap_inputs import platform_document

pytestmark = pytest.mark.django_db

URL = "portfolio_roadmap"


@pytest.fixture
def platforms(norrkoping, officer, kultur):
    """The deck's case in UTB (a sensor platform needed by Smart City and Traffic planning,
    frames for 2027–2029) and one initiative of KUF."""
    register.import_document(platform_document(), actor=officer)
    make_initiative(kultur, "KUF-1", area=None, internal=3_000_000, cost=1_000_000)
    return norrkoping


def starts_in(body: str) -> dict[str, int]:
    """Initiative → start year, as the page's data table gives it."""
    return {
        code: int(year) for code, year in re.findall(r'id="plan-([\w-]+)" data-start="(\d+)"', body)
    }


def stored_frames(organisation) -> dict[int, Decimal]:
    return selectors.plan_budgets(PortfolioSettings.objects.get(organisation=organisation))


def test_an_admin_sees_the_platform_first_and_the_rankings_plan_with_the_value_difference(
    as_user, admin, platforms
):
    response = as_user(admin).get(reverse(URL))
    assert response.status_code == 200
    body = response.content.decode()
    page = response.context["page"]
    expected = roadmap.optimal_plan(
        roadmap_inputs(platforms).items, roadmap_inputs(platforms).horizon
    )
    starts = starts_in(body)
    assert {c: s for c, s in starts.items() if c in expected.starts} == dict(expected.starts)
    assert starts["PLAT-SENSOR"] < starts["SC-A"] and starts["PLAT-SENSOR"] < starts["TP-A"]
    assert page.value == expected.value.quantize(Decimal("0.01"))
    assert page.difference == page.value - page.ranking_value
    assert 'id="ranking-value"' in body and 'id="value-difference"' in body
    assert page.proven_optimal and 'id="optimality"' in body
    # The platform is marked and its cost shared out to the two that need it.
    sc = next(r for r in page.rows if r.code == "SC-A")
    tp = next(r for r in page.rows if r.code == "TP-A")
    assert next(r for r in page.rows if r.code == "PLAT-SENSOR").platform
    assert sc.shared_costs["PLAT-SENSOR"] + tp.shared_costs["PLAT-SENSOR"] == Decimal(8_000_000)
    assert "klassa-chart-timeline" in body and "prerequisite-arrow" in body
    assert re.search(r"8\s000\s000\skr", body)  # Swedish money format


def test_a_what_if_frame_changes_the_plan_without_changing_the_stored_settings(
    as_user, admin, platforms
):
    client = as_user(admin)
    before = starts_in(client.get(reverse(URL)).content.decode())
    frames = stored_frames(platforms)
    audits = AuditEvent.objects.count()
    response = client.get(reverse(URL), {"frame_2027": "0", "frame_2028": "25 000 000"})
    assert response.status_code == 200
    body = response.content.decode()
    after = starts_in(body)
    assert after != before
    assert after.get("PLAT-SENSOR") != 2027  # no frame left for the platform in 2027
    what_if = {**frames, 2027: Decimal(0)}
    inputs = roadmap_inputs(platforms, budgets=what_if)
    assert after == dict(roadmap.optimal_plan(inputs.items, inputs.horizon).starts)
    assert 'id="what-if-note"' in body
    assert stored_frames(platforms) == frames
    assert AuditEvent.objects.count() == audits
    assert RoadmapResult.objects.count() == 2  # the stored plan and the what-if, by digest


def test_a_pinned_start_year_is_respected(as_user, admin, platforms):
    response = as_user(admin).get(reverse(URL), {"pin_code_1": "PLAT-SENSOR", "pin_year_1": "2028"})
    assert response.status_code == 200
    starts = starts_in(response.content.decode())
    assert starts["PLAT-SENSOR"] == 2028
    assert starts.get("SC-A", 2029) >= 2029  # delivered first: SC-A can only follow
    assert response.context["page"].pinned == {"PLAT-SENSOR": 2028}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"frame_2028": "many"}, "frame_2028"),
        ({"frame_2029": "-5"}, "frame_2029"),
        ({"frame_2027": "1000,50"}, "frame_2027"),
        ({"pin_code_1": "SC-A"}, "pin_year_1"),
        ({"pin_year_2": "2028"}, "pin_code_2"),
        ({"pin_code_1": "NOPE", "pin_year_1": "2028"}, "pin_code_1"),
        ({"pin_code_1": "SC-A", "pin_year_1": "1999"}, "pin_year_1"),
    ],
)
def test_bad_what_if_input_gets_a_message_on_its_field_and_the_stored_plan(
    as_user, admin, platforms, query, field
):
    frames = stored_frames(platforms)
    response = as_user(admin).get(reverse(URL), query)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    body = response.content.decode()
    assert f'id="id_{field}-error"' in body
    assert 'id="what-if-note"' not in body
    assert stored_frames(platforms) == frames


def test_an_initiative_that_does_not_fit_says_how_much_more_frame_in_which_year(
    as_user, admin, platforms
):
    query = {"frame_2027": "8 000 000", "frame_2028": "0", "frame_2029": "15 000 000"}
    response = as_user(admin).get(reverse(URL), query)
    assert response.status_code == 200
    frames = {2027: Decimal(8_000_000), 2028: Decimal(0), 2029: Decimal(15_000_000)}
    inputs = roadmap_inputs(platforms, budgets=frames)
    plan = roadmap.optimal_plan(inputs.items, inputs.horizon)
    expected = {u.code: u for u in roadmap.why_not(inputs.items, inputs.horizon, plan)}
    assert expected["KUF-1"].reason == roadmap.DOES_NOT_FIT
    body = response.content.decode()
    row = body[body.index('id="unplanned-KUF-1"') :]
    change = row[row.index('class="change">') : row.index("</tr>")]
    amount = re.sub(r"\s", "", change)
    assert f"+{int(expected['KUF-1'].extra_amount):,}kr".replace(",", "") in amount
    assert str(expected["KUF-1"].extra_year) in change


def test_a_pinned_year_that_cannot_be_kept_is_explained_as_a_conflict(as_user, admin, platforms):
    # Smart City invests in its second year: starting in 2029 it would invest after the plan.
    response = as_user(admin).get(reverse(URL), {"pin_code_1": "SC-A", "pin_year_1": "2029"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="roadmap-conflicts"' in body
    conflicts = body[body.index('id="roadmap-conflicts"') :]
    assert "SC-A" in conflicts[: conflicts.index("</div>")]
    assert response.context["page"].rows == []


def test_a_prerequisite_without_stored_figures_leaves_its_dependants_unplanned_not_a_500(
    as_user, admin, platforms
):
    from portfolio.models import InitiativeFigures

    InitiativeFigures.objects.filter(initiative__code="PLAT-SENSOR").delete()
    response = as_user(admin).get(reverse(URL))
    assert response.status_code == 200
    reasons = {u.code: u.reason for u in response.context["page"].unplanned}
    assert reasons["SC-A"] == reasons["TP-A"] == roadmap.NOT_READY


def test_the_sweeper_sends_a_roadmap_whose_task_was_lost(admin, platforms, monkeypatch):
    from portfolio import tasks

    monkeypatch.setattr(roadmap_results, "INLINE_LIMIT", 2)
    monkeypatch.setattr(roadmap_results, "enqueue", lambda *args: None)  # the lost task
    result = roadmap_results.roadmap_result(platforms)
    assert result.optimal is None
    assert roadmap_results.pending_roadmaps() == [result.pk]
    tasks.solve_pending_results()
    result.refresh_from_db()
    assert result.optimal is not None and result.state == RoadmapResult.State.DONE


def test_a_viewer_of_kuf_does_not_see_utbs_initiatives(as_user, culture_viewer, platforms):
    response = as_user(culture_viewer).get(reverse(URL))
    assert response.status_code == 200
    body = response.content.decode()
    page = response.context["page"]
    assert {r.code for r in page.rows} | {u.code for u in page.unplanned} == {"KUF-1"}
    for code in ("PLAT-SENSOR", "SC-A", "TP-A", "Sensordataplattform"):
        assert code not in body
    assert 'id="roadmap-scope"' in body and 'id="spend-table"' not in body
    # The plan is the organisation's: the same stored result as the admin's.
    assert RoadmapResult.objects.count() == 1


def test_an_outsider_sees_only_their_own_organisation_and_a_stranger_is_sent_to_sign_in(
    as_user, outsider, platforms, client
):
    response = as_user(outsider).get(reverse(URL))
    assert response.status_code == 200
    body = response.content.decode()
    assert "PLAT-SENSOR" not in body and "KUF-1" not in body
    assert response.context["page"].rows == []
    assert client.get(reverse(URL)).status_code == 302


def test_a_large_portfolio_is_solved_in_the_background_while_the_page_shows_the_rankings_plan(
    as_user, admin, platforms, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(roadmap_results, "INLINE_LIMIT", 2)
    client = as_user(admin)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.get(reverse(URL))
    assert len(queued) == 1  # the solver task, enqueued on commit
    body = response.content.decode()
    page = response.context["page"]
    assert page.pending
    assert 'id="roadmap-pending"' in body and 'hx-trigger="every 2s"' in body
    assert starts_in(body) == {
        e["initiative"]: e["start_year"] for e in page.result.ranking["plan"]
    }
    assert 'id="value-difference"' not in body

    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()  # what the worker does: portfolio.tasks.solve_roadmap
    result = RoadmapResult.objects.get()
    assert result.state == RoadmapResult.State.DONE and result.optimal is not None
    partial = client.get(reverse(URL), {"part": "plan"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body
    assert 'id="roadmap-pending"' not in body and "hx-trigger" not in body
    assert 'id="value-difference"' in body


def test_a_small_plan_not_proven_in_the_request_shows_its_gap_and_is_improved_in_the_background(
    as_user, admin, platforms, monkeypatch, django_capture_on_commit_callbacks
):
    real, limits = roadmap.optimal_plan, []

    def slow_solver(items, horizon, *, time_limit, **kwargs):
        limits.append(time_limit)
        plan = real(items, horizon, time_limit=time_limit, **kwargs)
        first = len(limits) == 1
        return dataclasses.replace(plan, proven_optimal=not first, gap=0.05 if first else None)

    monkeypatch.setattr(roadmap, "optimal_plan", slow_solver)
    client = as_user(admin)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        body = client.get(reverse(URL)).content.decode()
    assert len(queued) == 1
    assert re.search(r"gap 5,0\s%", body) and 'id="roadmap-pending"' not in body
    queued[0]()
    assert limits == [roadmap_results.INLINE_TIME_LIMIT, roadmap_results.TASK_TIME_LIMIT]
    body = client.get(reverse(URL)).content.decode()
    assert "gap" not in body[body.index('id="optimality"') :][:200]
    assert RoadmapResult.objects.get().proven_optimal


def test_solving_a_roadmap_twice_or_after_pruning_changes_nothing(admin, platforms):
    result = roadmap_results.roadmap_result(platforms)
    solved = result.optimal
    roadmap_results.solve(result.pk)
    result.refresh_from_db()
    assert result.optimal == solved
    result.delete()
    roadmap_results.solve(result.pk)  # pruned meanwhile: nothing to do
    assert not RoadmapResult.objects.exists()


def test_only_the_last_roadmaps_are_kept(admin, platforms, monkeypatch):
    monkeypatch.setattr(roadmap_results, "KEEP_RESULTS", 3)
    for frame in range(5):
        roadmap_results.roadmap_result(
            platforms, frames={2027: Decimal(frame * 1_000_000), 2028: Decimal(0)}
        )
    assert RoadmapResult.objects.filter(organisation=platforms).count() == 3


def test_a_new_prerequisite_gives_a_new_digest(admin, owner, platforms):
    first = roadmap_results.roadmap_result(platforms)
    Prerequisite.objects.filter(initiative__code="TP-A").delete()
    second = roadmap_results.roadmap_result(platforms)
    assert second.pk != first.pk
    entries = {e["initiative"]: e for e in second.optimal["plan"]}
    assert "shared_costs" not in entries.get("TP-A", {})


@pytest.mark.parametrize("size", [4, 16])
def test_the_roadmap_page_takes_a_bounded_number_of_queries(
    as_user, admin, norrkoping, utbildning, size, django_assert_max_num_queries
):
    PortfolioSettings.objects.create(organisation=norrkoping, year=2027, budget=Decimal(5_000_000))
    PlanYearBudget.objects.create(organisation=norrkoping, year=2028, budget=Decimal(5_000_000))
    made = [
        make_initiative(
            utbildning, f"Q-{n:02d}", area=None, internal=1_000_000 + n, cost=400_000 + n
        )
        for n in range(size)
    ]
    Prerequisite.objects.create(initiative=made[1], requires=made[0])
    client = as_user(admin)
    with django_assert_max_num_queries(30):  # computes and stores both plans (28 measured)
        assert client.get(reverse(URL)).status_code == 200
    with django_assert_max_num_queries(15):  # reads the stored plans (14 measured)
        response = client.get(reverse(URL))
    assert len(response.context["page"].rows) + len(response.context["page"].unplanned) == size


# --- The editors ---------------------------------------------------------------------------------


def test_an_owner_sets_prerequisites_and_sees_them_both_ways(as_user, owner, platforms):
    client = as_user(owner)
    tp = Prerequisite.objects.get(initiative__code="TP-A").initiative
    sc = Prerequisite.objects.get(initiative__code="SC-A").initiative
    response = client.post(
        reverse("portfolio_priority", args=[tp.pk]),
        {"form": "prerequisites", "requires": ["PLAT-SENSOR", "SC-A"]},
    )
    assert response.status_code == 302
    assert sorted(
        Prerequisite.objects.filter(initiative=tp).values_list("requires__code", flat=True)
    ) == ["PLAT-SENSOR", "SC-A"]
    body = client.get(reverse("portfolio_priority", args=[sc.pk])).content.decode()
    needed = body[body.index('id="needed-by-list"') :]
    assert "TP-A" in needed[: needed.index("</dd>")]
    body = client.get(reverse("portfolio_priority", args=[tp.pk])).content.decode()
    required = body[body.index('id="requires-list"') :]
    assert "SC-A" in required[: required.index("</dd>")]


def test_a_prerequisite_that_closes_a_cycle_is_refused_naming_its_path(as_user, owner, platforms):
    platform = Prerequisite.objects.filter(requires__code="PLAT-SENSOR").first().requires
    before = sorted(Prerequisite.objects.values_list("initiative__code", "requires__code"))
    response = as_user(owner).post(
        reverse("portfolio_priority", args=[platform.pk]),
        {"form": "prerequisites", "requires": ["SC-A"]},
    )
    assert response.status_code == 400
    errors = response.context["prerequisites_form"].errors["requires"]
    assert "PLAT-SENSOR → SC-A → PLAT-SENSOR" in errors[0]
    assert "PLAT-SENSOR → SC-A → PLAT-SENSOR" in response.content.decode()
    assert sorted(Prerequisite.objects.values_list("initiative__code", "requires__code")) == before


def test_a_reader_cannot_set_prerequisites(as_user, culture_viewer, kultur, platforms):
    kuf = kultur.initiatives.get()
    response = as_user(culture_viewer).post(
        reverse("portfolio_priority", args=[kuf.pk]),
        {"form": "prerequisites", "requires": ["SC-A"]},
    )
    assert response.status_code == 403
    assert not Prerequisite.objects.filter(initiative=kuf).exists()


def test_an_admin_sets_the_frames_of_the_plan_years_on_the_settings_page(as_user, admin, platforms):
    client = as_user(admin)
    body = client.get(reverse("portfolio_settings")).content.decode()
    assert 'id="plan-years-form"' in body and 'value="25 000 000"' in body
    response = client.post(
        reverse("portfolio_settings"),
        {
            "form": "plan_years",
            "plan_year_1": "2027",
            "plan_frame_1": "30 000 000",
            "plan_year_2": "2028",
            "plan_frame_2": "26 000 000",
            "plan_year_3": "2029",
            "plan_frame_3": "20 000 000",
            "plan_year_4": "2030",
            "plan_frame_4": "10 000 000",
        },
    )
    assert response.status_code == 302
    assert stored_frames(platforms) == {
        2027: Decimal(30_000_000),
        2028: Decimal(26_000_000),
        2029: Decimal(20_000_000),
        2030: Decimal(10_000_000),
    }
    assert as_user(admin).get(reverse(URL)).context["page"].years == [2027, 2028, 2029, 2030]


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        ({"plan_year_1": "2027", "plan_frame_1": "lots"}, "plan_frame_1"),
        (
            {
                "plan_year_1": "2027",
                "plan_frame_1": "1",
                "plan_year_2": "2029",
                "plan_frame_2": "1",
            },
            None,
        ),
        ({"plan_year_1": "twenty", "plan_frame_1": "1"}, "plan_year_1"),
        ({"plan_year_1": "2027", "plan_frame_1": ""}, "plan_frame_1"),
    ],
)
def test_a_bad_frame_is_refused_on_its_field_and_nothing_changes(
    as_user, admin, platforms, rows, field
):
    frames = stored_frames(platforms)
    response = as_user(admin).post(reverse("portfolio_settings"), {"form": "plan_years", **rows})
    assert response.status_code == 400
    errors = response.context["plan_form"].errors
    assert errors[field or "plan_year_1"]
    assert stored_frames(platforms) == frames


def test_only_admins_set_the_frames(as_user, owner, platforms):
    frames = stored_frames(platforms)
    response = as_user(owner).post(
        reverse("portfolio_settings"),
        {"form": "plan_years", "plan_year_1": "2027", "plan_frame_1": "1"},
    )
    assert response.status_code == 403
    assert stored_frames(platforms) == frames


# --- The charts ----------------------------------------------------------------------------------


def test_the_timeline_draws_odd_input_escaped_and_never_fails():
    from portfolio.roadmap_charts import Bar, spend_chart, timeline_chart

    bars = [
        Bar("P", "P <Plattform> & co", "", 2027, 5, "tip <b>", platform=True),
        Bar("A", "A", "Område \x00 1", 2029, 1, "a", requires=("P", "GONE")),
        Bar("X", "X", "Område \x00 1", None, 1, "x"),
        Bar("Y", "Y", "Område \x00 1", 2040, 1, "y"),
    ]
    chart = timeline_chart(bars, [2027, 2028, 2029], title="T <1>")
    assert chart.startswith("<svg") and chart.endswith("</svg>")
    assert "<Plattform>" not in chart and "&lt;Plattform&gt;" in chart
    assert "\x00" not in chart and " style=" not in chart
    assert chart.count('class="prerequisite-arrow"') == 1  # to A only; GONE is not drawn
    assert 'class="continues"' in chart  # the platform goes on after the plan
    assert "klassa-chart-empty" not in chart
    assert "klassa-chart-timeline" in timeline_chart([], [2027], title="T")
    spend = spend_chart(
        [2027, 2028],
        [Decimal(5), Decimal(0)],
        [Decimal(4), Decimal(0)],
        title="S",
        money=lambda v: f"{v} kr",
    )
    assert spend.count('class="used"') == 2 and "5 kr / 4 kr" in spend
