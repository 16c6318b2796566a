"""Benefit tracking: realisation and status rules, permissions, audit, bad input, the renamed
lever's history, the overview of benefits behind target, and the demo."""

from __future__ import annotations

import copy
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from assessments import services as assessment_services
from benefits import calculation, defaults, services, tracking, tracking_rules
from benefits import document as benefit_document
from benefits.models import BenefitModel, BenefitTracking, BenefitTrackingYear
from benefits.selectors import benefits_behind, initiative_tracking
from benefits.tracking import YearValues
from klassa_app.models import AuditEvent, Role
from klassa_app.services import ServiceError
from tests.factories import MembershipFactory

D = Decimal
YEAR = timezone.localdate().year
MANAGERS = "Mindre administration för skolledare"
TEACHERS = "Mindre administration för lärare och övrig personal"
PREMISES = "Färre tillfälliga lokaler"


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are compared with their English source; pages render in the
    language of the request."""
    with translation.override("en"):
        yield


def in_page_language(text: str) -> str:
    with translation.override(django_settings.LANGUAGE_CODE):
        return translation.gettext(text)


# --- Rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("realised", "status"),
    [
        (D("1.2"), "green"),
        (D("0.9"), "green"),
        (D("0.8999"), "amber"),
        (D("0.7"), "amber"),
        (D("0.6999"), "red"),
        (D("0"), "red"),
        (None, "not_measured"),
    ],
)
def test_status_thresholds_at_the_boundaries(realised, status):
    assert tracking_rules.status(realised) == status


def test_realisation_is_actual_over_target():
    assert tracking_rules.realisation(D(200), D(150)) == D("0.75")
    assert tracking_rules.realisation(D(200), None) is None


def test_lower_is_better_realisation_is_the_improvement_achieved_over_the_improvement_targeted():
    # Baseline 10 hours a week, target 6: 7 hours realised 3 of the 4 hours promised.
    realised = tracking_rules.realisation(D(6), D(7), baseline=D(10), lower_is_better=True)
    assert realised == D("0.75")
    assert tracking_rules.status(realised) == "amber"
    # Doing better than the target is more than 100 %; getting worse is negative.
    assert tracking_rules.realisation(D(6), D(5), baseline=D(10), lower_is_better=True) == D("1.25")
    assert tracking_rules.realisation(D(6), D(11), baseline=D(10), lower_is_better=True) == D(
        "-0.25"
    )
    assert tracking_rules.realisation(D(6), D(7), lower_is_better=True) is None


def test_a_target_of_no_change_is_met_unless_the_indicator_moved_the_wrong_way():
    assert tracking_rules.realisation(D(0), D(0)) == 1
    assert tracking_rules.realisation(D(10), D(10), baseline=D(10), lower_is_better=True) == 1
    assert tracking_rules.realisation(D(10), D(11), baseline=D(10), lower_is_better=True) == 0


def test_cumulative_realisation_adds_up_the_measured_years_only():
    years = [(D(100), D(90)), (D(200), D(120)), (D(300), None)]
    assert tracking_rules.cumulative_realisation(years) == D(210) / D(300)
    assert tracking_rules.cumulative_realisation([(D(100), None)]) is None
    lower = [(D(8), D(9)), (D(6), D(6))]  # baseline 10: improvements 1 + 4 of 2 + 4
    assert tracking_rules.cumulative_realisation(lower, baseline=D(10), lower_is_better=True) == D(
        5
    ) / D(6)


def test_worst_orders_red_amber_not_measured_green():
    assert tracking_rules.worst(["green", "not_measured", "amber"]) == "amber"
    assert tracking_rules.worst(["green", "red"]) == "red"
    assert tracking_rules.worst([]) is None


# --- Fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def model(owner, initiative):
    return services.do_save_benefit_model(
        actor=owner,
        initiative=initiative,
        document=defaults.load(defaults.NORRKOPING_EDUCATION),
        lock_version=None,
    )


@pytest.fixture
def benefit_owner(utbildning):
    """A viewer in Utbildning who answers for one lever's benefit."""
    return MembershipFactory(department=utbildning, role=Role.VIEWER).user


@pytest.fixture
def managers(owner, model, benefit_owner):
    return tracking.do_save_tracking(
        actor=owner,
        model=model,
        lever_name=MANAGERS,
        owner=benefit_owner,
        indicator="Value of freed time",
        unit="kr",
        baseline="0",
        start_year=YEAR,
    )


def set_years(actor, t, **years):
    """years: y2026=("100", "90") → target, actual."""
    values = {int(k[1:]): YearValues(*v) for k, v in years.items()}
    return tracking.do_save_years(actor=actor, tracking=t, values=values)


# --- Services ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_editor_starts_tracking_a_lever_and_it_is_audited(managers, benefit_owner):
    assert (managers.owner, managers.unit, managers.start_year) == (benefit_owner, "kr", YEAR)
    event = AuditEvent.objects.get(action="benefit_tracking.created")
    assert event.after["owner"] == benefit_owner.pk
    assert event.object_repr == f"EDU-A {MANAGERS}"


@pytest.mark.django_db
def test_changing_the_indicator_records_from_what_to_what(owner, model, managers, benefit_owner):
    tracking.do_save_tracking(
        actor=owner,
        model=model,
        lever_name=MANAGERS,
        owner=benefit_owner,
        indicator="Hours of administration per manager per week",
        unit="hours",
        baseline="12",
        lower_is_better=True,
    )
    event = AuditEvent.objects.get(action="benefit_tracking.updated")
    assert event.before == {
        "indicator": "Value of freed time",
        "unit": "kr",
        "baseline": "0.0000",
        "lower_is_better": False,
    }
    assert event.after["indicator"] == "Hours of administration per manager per week"
    assert event.after["baseline"] == "12"
    assert "start_year" not in event.before  # unchanged inputs are not listed


@pytest.mark.django_db
def test_targets_and_actuals_are_saved_and_audited_from_to(owner, managers):
    set_years(owner, managers, **{f"y{YEAR}": ("1000", None), f"y{YEAR + 1}": ("2000", None)})
    set_years(owner, managers, **{f"y{YEAR}": ("1000", "850.5")})
    rows = {r.year: (r.target, r.actual) for r in managers.years.all()}
    assert rows == {YEAR: (D(1000), D("850.5")), YEAR + 1: (D(2000), None)}
    first, second = AuditEvent.objects.filter(action="benefit_tracking.values_saved").order_by("pk")
    assert first.after == {str(YEAR): {"target": "1000"}, str(YEAR + 1): {"target": "2000"}}
    assert second.before == {str(YEAR): {"actual": None}}
    assert second.after == {str(YEAR): {"actual": "850.5"}}


@pytest.mark.django_db
def test_the_benefit_owner_records_actuals_but_cannot_change_targets(
    owner, managers, benefit_owner
):
    set_years(owner, managers, **{f"y{YEAR}": ("1000", None)})
    tracking.do_record_actual(actor=benefit_owner, tracking=managers, year=YEAR, actual="700")
    assert managers.years.get(year=YEAR).actual == 700
    with pytest.raises(PermissionDenied):
        tracking.do_set_target(actor=benefit_owner, tracking=managers, year=YEAR, target="500")
    with pytest.raises(PermissionDenied):
        tracking.do_save_tracking(
            actor=benefit_owner, model=managers.benefit_model, lever_name=MANAGERS, owner=None
        )
    assert managers.years.get(year=YEAR).target == 1000


@pytest.mark.django_db
def test_a_member_who_is_not_the_benefit_owner_records_nothing(owner, lawyer, managers):
    set_years(owner, managers, **{f"y{YEAR}": ("1000", None)})
    with pytest.raises(PermissionDenied):
        tracking.do_record_actual(actor=lawyer, tracking=managers, year=YEAR, actual="700")
    assert managers.years.get(year=YEAR).actual is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("years", "field", "message"),
    [
        ({"y": ("-1", None)}, "target_{y}", "cannot be negative"),
        ({"y": (None, "500")}, "actual_{y}", "target for the year"),
        ({"y": ("abc", None)}, "target_{y}", "number"),
        ({"y": ("1.12345", None)}, "target_{y}", "decimals"),
        ({"late": ("100", None)}, "year", "Choose a year"),
        ({"early": ("100", None)}, "year", "Choose a year"),
    ],
)
def test_bad_values_name_the_field_and_change_nothing(owner, managers, years, field, message):
    set_years(owner, managers, **{f"y{YEAR}": ("1000", "900")})
    before = list(BenefitTrackingYear.objects.values_list("year", "target", "actual"))
    events = AuditEvent.objects.count()
    place = {"y": YEAR + 1, "late": YEAR + 3, "early": YEAR - 1}
    values = {place[k]: YearValues(*v) for k, v in years.items()}
    values[YEAR] = YearValues("2000", "900")  # a valid change in the same save is not kept
    with pytest.raises(ServiceError) as error:
        tracking.do_save_years(actor=owner, tracking=managers, values=values)
    key = next(iter(years))
    assert error.value.field == field.format(y=place[key])
    assert message in error.value.message
    assert list(BenefitTrackingYear.objects.values_list("year", "target", "actual")) == before
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_bad_tracking_settings_name_the_field(owner, model, outsider, managers):
    cases = [
        (dict(lever_name="No such lever", owner=None), "lever_name"),
        (dict(lever_name=PREMISES, owner=outsider), "owner"),
        (dict(lever_name=PREMISES, owner=None, lower_is_better=True), "baseline"),
        (dict(lever_name=PREMISES, owner=None, baseline="x"), "baseline"),
        (dict(lever_name=PREMISES, owner=None, start_year=1999), "start_year"),
        (dict(lever_name=PREMISES, owner=None, indicator="x" * 301), "indicator"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ServiceError) as error:
            tracking.do_save_tracking(actor=owner, model=model, **kwargs)
        assert error.value.field == field
    assert list(BenefitTracking.objects.values_list("lever_name", flat=True)) == [MANAGERS]


@pytest.mark.django_db
def test_moving_the_first_year_away_from_recorded_years_is_refused(owner, model, managers):
    set_years(owner, managers, **{f"y{YEAR}": ("1000", None)})
    with pytest.raises(ServiceError) as error:
        tracking.do_save_tracking(
            actor=owner, model=model, lever_name=MANAGERS, owner=None, start_year=YEAR + 1
        )
    assert error.value.field == "start_year"
    assert BenefitTracking.objects.get().start_year == YEAR


@pytest.mark.django_db
def test_the_database_refuses_a_negative_target(managers):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        BenefitTrackingYear.objects.create(tracking=managers, year=YEAR, target=D(-1))


@pytest.mark.django_db
def test_targets_in_kronor_are_filled_from_the_model_s_medium_scenario(owner, model, managers):
    set_years(owner, managers, **{f"y{YEAR}": ("1", "5")})
    tracking.do_fill_targets_from_model(actor=owner, tracking=managers)
    lever = benefit_document.parse(model.document).levers[0]
    flows = calculation.lever_benefits(lever, "medium", 3)
    expected = {
        YEAR + t - 1: flows[t].quantize(D("0.01"), rounding=ROUND_HALF_UP) for t in (1, 2, 3)
    }
    assert {r.year: r.target for r in managers.years.all()} == expected
    # 194.929387 × 779 730 × 0.3 × 0.3 × 0.15 = 2 051 895.927…: the deck's 13 679 306 × 15 %.
    assert expected[YEAR] == D("2051895.93")
    assert managers.years.get(year=YEAR).actual == 5  # the actual stays
    assert AuditEvent.objects.filter(action="benefit_tracking.targets_filled").exists()


@pytest.mark.django_db
def test_targets_of_a_non_money_indicator_are_not_filled_from_the_model(owner, model, managers):
    tracking.do_save_tracking(
        actor=owner, model=model, lever_name=MANAGERS, owner=None, unit="hours", baseline="10"
    )
    with pytest.raises(ServiceError) as error:
        tracking.do_fill_targets_from_model(actor=owner, tracking=managers)
    assert error.value.field == "unit"
    assert not BenefitTrackingYear.objects.exists()


def rename_lever(owner, model, old, new):
    document = copy.deepcopy(model.document)
    for lever in document["levers"]:
        if lever["name"] == old:
            lever["name"] = new
    model.refresh_from_db()
    return services.do_save_benefit_model(
        actor=owner, initiative=model.initiative, document=document, lock_version=model.lock_version
    )


@pytest.mark.django_db
def test_a_renamed_lever_keeps_its_history_as_no_longer_in_the_model(
    as_user, owner, model, managers
):
    set_years(owner, managers, **{f"y{YEAR}": ("1000", "400")})
    model = rename_lever(owner, model, MANAGERS, "Less administration for principals")
    levers = initiative_tracking(model)
    assert [(x.lever_name, x.in_model, x.tracking is not None) for x in levers] == [
        ("Less administration for principals", True, False),
        (TEACHERS, True, False),
        (PREMISES, True, False),
        (MANAGERS, False, True),
    ]
    assert levers[-1].years[0].actual == 400
    html = as_user(owner).get(reverse("benefit_tracking", args=[model.initiative.pk])).content
    assert in_page_language("No longer in the model") in html.decode()
    with pytest.raises(ServiceError) as error:
        tracking.do_fill_targets_from_model(actor=owner, tracking=managers)
    assert error.value.field == "lever_name"


# --- Pages -------------------------------------------------------------------------------------


def post_values(client, initiative, lever_name, prefix, **fields):
    data = {"action": "values", "lever": lever_name, "prefix": prefix}
    data |= {f"{prefix}-{k}": v for k, v in fields.items()}
    return client.post(reverse("benefit_tracking", args=[initiative.pk]), data)


@pytest.mark.django_db
def test_the_page_shows_realisation_and_a_status_in_words(as_user, owner, initiative, managers):
    set_years(owner, managers, **{f"y{YEAR}": ("1000", "650"), f"y{YEAR + 1}": ("1000", None)})
    response = as_user(owner).get(reverse("benefit_tracking", args=[initiative.pk]))
    assert response.status_code == 200
    (section,) = [s for s in response.context["sections"] if s["lever"].tracking]
    assert section["lever"].realisation == D("0.65")
    assert section["lever"].status == "red"
    html = response.content.decode()
    assert "65,0\xa0%" in html
    # A word, not only a colour.
    assert f'<span class="badge text-bg-danger">{in_page_language("Behind")}</span>' in html


@pytest.mark.django_db
def test_an_editor_saves_targets_and_actuals_in_the_form(as_user, owner, initiative, managers):
    response = post_values(
        as_user(owner),
        initiative,
        MANAGERS,
        "lever0",
        **{f"target_{YEAR}": "1000", f"actual_{YEAR}": "950", f"target_{YEAR + 1}": "1200"},
    )
    assert response.status_code == 302
    assert {r.year: (r.target, r.actual) for r in managers.years.all()} == {
        YEAR: (1000, 950),
        YEAR + 1: (1200, None),
    }


@pytest.mark.django_db
def test_a_negative_target_in_the_form_is_shown_next_to_the_field(
    as_user, owner, initiative, managers
):
    response = post_values(
        as_user(owner), initiative, MANAGERS, "lever0", **{f"target_{YEAR}": "-5"}
    )
    assert response.status_code == 200
    (section,) = [
        s for s in response.context["sections"] if s["values_form"] and s["values_form"].errors
    ]
    assert f"target_{YEAR}" in section["values_form"].errors
    html = response.content.decode()
    assert f'aria-describedby="id_lever0-target_{YEAR}_error"' in html
    assert f'id="id_lever0-target_{YEAR}_error"' in html
    assert not BenefitTrackingYear.objects.exists()


@pytest.mark.django_db
def test_the_benefit_owner_s_form_has_actual_fields_only(
    as_user, owner, initiative, managers, benefit_owner
):
    set_years(owner, managers, **{f"y{YEAR}": ("1000", None)})
    client = as_user(benefit_owner)
    page = client.get(reverse("benefit_tracking", args=[initiative.pk]))
    (section,) = [s for s in page.context["sections"] if s["values_form"]]
    assert set(section["values_form"].fields) == {f"actual_{YEAR + i}" for i in range(3)}
    assert all(s["settings_form"] is None for s in page.context["sections"])
    # A target smuggled into the post is ignored; the actual is recorded.
    response = post_values(
        client, initiative, MANAGERS, "lever0", **{f"actual_{YEAR}": "800", f"target_{YEAR}": "1"}
    )
    assert response.status_code == 302
    assert managers.years.get(year=YEAR).target == 1000
    assert managers.years.get(year=YEAR).actual == 800
    settings_post = {"action": "settings", "lever": MANAGERS, "prefix": "lever0"}
    assert (
        client.post(reverse("benefit_tracking", args=[initiative.pk]), settings_post).status_code
        == 403
    )


@pytest.mark.django_db
def test_the_legal_reviewer_reads_but_changes_nothing(as_user, lawyer, owner, initiative, managers):
    set_years(owner, managers, **{f"y{YEAR}": ("1000", None)})
    client = as_user(lawyer)
    page = client.get(reverse("benefit_tracking", args=[initiative.pk]))
    assert page.status_code == 200
    assert all(
        s["values_form"] is None and s["settings_form"] is None for s in page.context["sections"]
    )
    for action in ("values", "settings", "fill"):
        response = client.post(
            reverse("benefit_tracking", args=[initiative.pk]),
            {"action": action, "lever": MANAGERS, "prefix": "lever0", f"lever0-actual_{YEAR}": "1"},
        )
        assert response.status_code == 403
    assert managers.years.get(year=YEAR).actual is None


@pytest.mark.django_db
def test_an_editor_starts_tracking_in_the_form(as_user, owner, initiative, model, benefit_owner):
    response = as_user(owner).post(
        reverse("benefit_tracking", args=[initiative.pk]),
        {
            "action": "settings",
            "lever": TEACHERS,
            "prefix": "lever1",
            "lever1-owner": benefit_owner.pk,
            "lever1-indicator": "Hours of administration per teacher per week",
            "lever1-unit": "hours",
            "lever1-baseline": "6",
            "lever1-lower_is_better": "on",
            "lever1-start_year": YEAR,
        },
    )
    assert response.status_code == 302
    created = BenefitTracking.objects.get(lever_name=TEACHERS)
    assert (created.owner, created.lower_is_better, created.baseline) == (benefit_owner, True, 6)


@pytest.mark.django_db
def test_the_fill_button_fills_targets(as_user, owner, initiative, managers):
    response = as_user(owner).post(
        reverse("benefit_tracking", args=[initiative.pk]), {"action": "fill", "lever": MANAGERS}
    )
    assert response.status_code == 302
    assert managers.years.count() == 3


@pytest.mark.django_db
def test_tracking_page_is_404_for_another_department_and_organisation(
    as_user, culture_viewer, outsider, initiative, managers
):
    url = reverse("benefit_tracking", args=[initiative.pk])
    for person in (culture_viewer, outsider):
        client = as_user(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "fill", "lever": MANAGERS}).status_code == 404
    assert not BenefitTrackingYear.objects.exists()


# --- The overview ------------------------------------------------------------------------------


def track(actor, model, lever, target, actual, start_year=YEAR, owner=None):
    t = tracking.do_save_tracking(
        actor=actor, model=model, lever_name=lever, owner=owner, unit="kr", start_year=start_year
    )
    return set_years(actor, t, **{f"y{start_year}": (target, actual)})


def make_initiative(actor, department, code):
    initiative = assessment_services.do_create_initiative(
        actor=actor, department=department, code=code, name=f"Initiative {code}"
    )
    return services.do_save_benefit_model(
        actor=actor,
        initiative=initiative,
        document=defaults.load(defaults.NORRKOPING_EDUCATION),
        lock_version=None,
    )


@pytest.mark.django_db
def test_the_overview_lists_levers_behind_worst_first(admin, utbildning, kultur, culture_owner):
    a = make_initiative(admin, utbildning, "EDU-A")
    track(admin, a, MANAGERS, "100", "95")  # green: not listed
    track(admin, a, TEACHERS, "100", "75")  # amber
    track(admin, a, PREMISES, "100", "40")  # red
    b = make_initiative(admin, kultur, "KUF-A")
    track(admin, b, MANAGERS, "100", "60")  # red, less bad
    track(admin, b, TEACHERS, "100", None, start_year=YEAR - 1)  # year over, not measured
    track(admin, b, PREMISES, "100", None)  # this year, not yet due: not listed
    rows = benefits_behind(admin, utbildning.organisation)
    assert [(r.initiative.code, r.lever.lever_name, r.status) for r in rows] == [
        ("EDU-A", PREMISES, "red"),
        ("KUF-A", MANAGERS, "red"),
        ("EDU-A", TEACHERS, "amber"),
        ("KUF-A", TEACHERS, "not_measured"),
    ]
    assert [
        r.lever.lever_name for r in benefits_behind(admin, utbildning.organisation, status="amber")
    ] == [TEACHERS]
    assert [
        r.initiative.code
        for r in benefits_behind(admin, utbildning.organisation, department_id=kultur.pk)
    ] == ["KUF-A", "KUF-A"]


@pytest.mark.django_db
def test_the_overview_shows_only_visible_departments(
    as_user, admin, owner, outsider, utbildning, kultur
):
    b = make_initiative(admin, kultur, "KUF-A")
    track(admin, b, MANAGERS, "100", "10")
    a = make_initiative(admin, utbildning, "EDU-A")
    track(admin, a, MANAGERS, "100", "20")
    html = as_user(owner).get(reverse("benefits_behind")).content.decode()
    assert "EDU-A" in html and "KUF-A" not in html
    # A department filter on a department the person does not see shows their own only.
    response = as_user(owner).get(reverse("benefits_behind"), {"department": kultur.pk})
    assert [r.initiative.code for r in response.context["rows"]] == ["EDU-A"]
    outsider_html = as_user(outsider).get(reverse("benefits_behind")).content.decode()
    assert "EDU-A" not in outsider_html and "KUF-A" not in outsider_html


@pytest.mark.django_db
def test_the_overview_filters_by_status_in_the_page(as_user, admin, utbildning):
    a = make_initiative(admin, utbildning, "EDU-A")
    track(admin, a, MANAGERS, "100", "75")
    track(admin, a, TEACHERS, "100", "10")
    response = as_user(admin).get(reverse("benefits_behind"), {"status": "red"})
    assert [r.lever.lever_name for r in response.context["rows"]] == [TEACHERS]


@pytest.mark.django_db
def test_the_overview_takes_a_bounded_number_of_queries(
    as_user, admin, utbildning, django_assert_max_num_queries
):
    def build(n, offset):
        for i in range(n):
            model = make_initiative(admin, utbildning, f"Q-{offset + i}")
            for lever in (MANAGERS, TEACHERS, PREMISES):
                track(admin, model, lever, "100", "50")

    client = as_user(admin)
    build(2, 0)
    with django_assert_max_num_queries(12) as small:
        assert len(client.get(reverse("benefits_behind")).context["rows"]) == 6
    build(10, 100)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get(reverse("benefits_behind")).context["rows"]) == 36


def fixed_levers_document(count: int) -> dict:
    return {
        "format": "klassa.benefit-model/1",
        "name": "Many levers",
        "currency": "SEK",
        "horizon_years": 3,
        "levers": [
            {"kind": "fixed_amount", "name": f"Lever {i}", "amount": "1000"} for i in range(count)
        ],
    }


@pytest.mark.django_db
def test_the_tracking_page_takes_a_bounded_number_of_queries(
    as_user, owner, initiative, django_assert_max_num_queries
):
    client = as_user(owner)
    url = reverse("benefit_tracking", args=[initiative.pk])

    def model_with(count: int, lock_version: int | None) -> BenefitModel:
        model = services.do_save_benefit_model(
            actor=owner,
            initiative=initiative,
            document=fixed_levers_document(count),
            lock_version=lock_version,
        )
        for i in range(count):
            t = tracking.do_save_tracking(
                actor=owner, model=model, lever_name=f"Lever {i}", owner=owner, unit="kr"
            )
            set_years(owner, t, **{f"y{YEAR + k}": ("1000", "900") for k in range(3)})
        return model

    model = model_with(1, None)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    model_with(8, model.lock_version)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len([s for s in response.context["sections"] if s["lever"].tracking]) == 8


@pytest.mark.django_db
def test_the_overview_is_in_the_navigation(as_user, owner):
    html = as_user(owner).get(reverse("home")).content.decode()
    assert reverse("benefits_behind") in html


# --- Demo --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_tracks_edu_a_with_one_lever_behind_and_no_fake_double_counting(settings):
    from django.core.management import call_command

    from benefits.double_counting import group_key
    from benefits.selectors import double_counting_for
    from klassa_app.models import User

    settings.DEMO_MODE = True
    call_command("load_demo")
    model = BenefitModel.objects.get(initiative__code="EDU-A")
    trackings = BenefitTracking.objects.filter(benefit_model=model)
    assert trackings.count() == 3
    assert {t.owner.email for t in trackings} == {"verksamhet@norrkoping.demo"}
    assert all(t.years.count() == model.document["horizon_years"] for t in trackings)
    admin = User.objects.get(email="admin@norrkoping.demo")
    rows = benefits_behind(admin, model.initiative.organisation)
    # EDU-A's teachers' time lags behind; the economist has yet to record EDU-C's last year.
    assert [(r.initiative.code, r.lever.lever_name, r.status) for r in rows] == [
        ("EDU-A", TEACHERS, "red"),
        ("EDU-C", TEACHERS, "not_measured"),
    ]
    # Double counting is reported only if the demo's staff groups really add up above 100 %.
    shares: dict[str, Decimal] = {}
    for document in BenefitModel.objects.filter(
        initiative__organisation=model.initiative.organisation
    ).values_list("document", flat=True):
        for lever in document["levers"]:
            if lever["kind"] == "staff_time":
                key = group_key(lever.get("group", ""), lever["name"])
                shares[key] = shares.get(key, D(0)) + D(lever["attribution_share"])
    over = {key for key, total in shares.items() if total > 1}
    assert {w.group.casefold() for w in double_counting_for(model.initiative)} == over


@pytest.mark.django_db
def test_a_reader_sees_dashes_for_missing_values_and_numbers_for_recorded_ones(
    as_user, lawyer, owner, initiative, model
):
    t = tracking.do_save_tracking(
        actor=owner, model=model, lever_name=PREMISES, owner=None, unit="kr", start_year=YEAR
    )
    set_years(owner, t, **{f"y{YEAR}": ("1500.5", None)})
    html = as_user(lawyer).get(reverse("benefit_tracking", args=[initiative.pk])).content.decode()
    assert re.search(r"<td>1\s?500,50</td>", html)  # the target, in the page's number format
    assert f'<th scope="row">{YEAR}<' in html  # a year is not a number with grouping
    assert html.count("<td>–</td>") >= 5  # the actual of year 1, target and actual of years 2–3


# --- Number inputs as people type them ---------------------------------------------------------


@pytest.mark.django_db
def test_targets_and_actuals_accept_spaces_and_a_decimal_comma(
    as_user, owner, initiative, managers
):
    response = post_values(
        as_user(owner),
        initiative,
        MANAGERS,
        "lever0",
        **{f"target_{YEAR}": "2 051 895,93", f"actual_{YEAR}": "1\xa0000,5"},
    )
    assert response.status_code == 302
    row = managers.years.get(year=YEAR)
    assert (row.target, row.actual) == (D("2051895.93"), D("1000.5"))


@pytest.mark.django_db
def test_tracking_inputs_are_wide_text_inputs_showing_the_stored_value_in_swedish(
    as_user, owner, initiative, managers
):
    set_years(owner, managers, **{f"y{YEAR}": ("2051895.93", "1949301.13")})
    html = as_user(owner).get(reverse("benefit_tracking", args=[initiative.pk])).content.decode()
    target = re.search(rf'<input[^>]*name="lever0-target_{YEAR}"[^>]*>', html).group(0)
    # Not type=number: browsers refuse "1 000,5" there. A numeric keyboard all the same.
    assert 'type="text"' in target and 'inputmode="decimal"' in target
    assert "input-amount" in target  # wide enough for the whole amount (app.css)
    assert 'value="2 051 895,93"' in target
    assert re.search(rf'name="lever0-actual_{YEAR}"[^>]*value="1 949 301,13"', html)
    assert f'<th scope="row">{YEAR}<' in html


@pytest.mark.django_db
def test_a_word_in_a_tracking_input_is_refused_next_to_the_field_naming_it(
    as_user, owner, initiative, managers
):
    response = post_values(
        as_user(owner), initiative, MANAGERS, "lever0", **{f"actual_{YEAR}": "många"}
    )
    assert response.status_code == 200
    (section,) = [
        s for s in response.context["sections"] if s["values_form"] and s["values_form"].errors
    ]
    with translation.override(django_settings.LANGUAGE_CODE):
        label = str(section["values_form"].fields[f"actual_{YEAR}"].label)
    (message,) = section["values_form"].errors[f"actual_{YEAR}"]
    assert message.startswith(f"{label}:")
    html = response.content.decode()
    assert f'id="id_lever0-actual_{YEAR}_error"' in html
    assert 'value="många"' in html  # what was typed stays, to be corrected
    assert not BenefitTrackingYear.objects.exists()


@pytest.mark.django_db
def test_the_baseline_accepts_a_decimal_comma(as_user, owner, initiative, managers):
    data = {
        "action": "settings",
        "lever": MANAGERS,
        "prefix": "lever0",
        "lever0-indicator": "Hours",
        "lever0-baseline": "12 345,5",
        "lever0-start_year": str(YEAR),
    }
    response = as_user(owner).post(reverse("benefit_tracking", args=[initiative.pk]), data)
    assert response.status_code == 302
    managers.refresh_from_db()
    assert managers.baseline == D("12345.5")


@pytest.mark.django_db
def test_a_member_of_another_department_cannot_own_a_lever(owner, model, kultur):
    from benefits import selectors

    outsider_colleague = MembershipFactory(department=kultur, role=Role.BUSINESS_OWNER).user
    with pytest.raises(ServiceError) as raised:
        tracking.do_save_tracking(
            actor=owner, model=model, lever_name=PREMISES, owner=outsider_colleague
        )
    assert raised.value.field == "owner"
    assert outsider_colleague not in selectors.owner_choices(model.initiative)
    assert owner in selectors.owner_choices(model.initiative)


@pytest.mark.django_db
def test_the_overview_reads_each_lever_s_stored_status_and_lists_one_page(
    as_user, admin, utbildning, django_assert_num_queries
):
    """The status to date is stored with every change, so the overview filters and sorts in
    SQL and builds only the page's rows, however many levers the organisation tracks."""
    for i in range(20):
        model = make_initiative(admin, utbildning, f"P-{i:02d}")
        for lever in (MANAGERS, TEACHERS, PREMISES):
            track(admin, model, lever, "100", "50")
    tracking = BenefitTracking.objects.filter(lever_name=TEACHERS).first()
    assert (tracking.attention, tracking.behind) == ("red", True)
    assert tracking.status_year == timezone.localdate().year
    client = as_user(admin)
    client.get(reverse("benefits_behind"))
    # The page and its menu (the work list's count and the count of unread notifications).
    with django_assert_num_queries(11):
        response = client.get(reverse("benefits_behind"))
    assert response.context["page_obj"].paginator.count == 60
    assert len(response.context["rows"]) == 50  # one page, built from its rows only
    assert [r.lever.lever_name for r in response.context["rows"]] == [
        r.lever.lever_name for r in benefits_behind(admin, utbildning.organisation)[:50]
    ]


@pytest.mark.django_db
def test_a_stored_status_from_last_year_is_brought_up_to_date_when_read(admin, utbildning):
    model = make_initiative(admin, utbildning, "OLD")
    track(admin, model, TEACHERS, "100", "50")
    BenefitTracking.objects.update(status_year=2000, behind=False, attention="")
    (row,) = benefits_behind(admin, utbildning.organisation)
    assert row.lever.lever_name == TEACHERS
    assert BenefitTracking.objects.get().status_year == timezone.localdate().year
