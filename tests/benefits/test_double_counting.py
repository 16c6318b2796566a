"""Double counting: the same staff time claimed above 100 % across an organisation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from assessments import services as assessment_services
from benefits import document as benefit_document
from benefits import services
from benefits.calculation import BenefitModel, Lever
from benefits.double_counting import (
    Claim,
    claims_of_document,
    group_key,
    over_claimed,
)
from benefits.selectors import double_counting_for, double_counting_for_organisation

D = Decimal


# --- Pure rules --------------------------------------------------------------------------------


def claim(initiative: str, share: str, group: str = "rektorer", lever: str = "Less admin") -> Claim:
    return Claim(initiative=initiative, lever=lever, group=group_key(group, lever), share=D(share))


def test_the_group_key_is_the_group_trimmed_case_folded_with_whitespace_collapsed():
    assert group_key("  Rektorer   och  Förskolechefer ", "Lever") == "rektorer och förskolechefer"


def test_the_group_key_falls_back_to_the_lever_name_when_no_group_is_given():
    assert group_key("", " Less  Administration for principals") == (
        "less administration for principals"
    )
    assert group_key("   ", "Principals") == "principals"


def test_claims_above_100_percent_are_reported_with_their_sum():
    (warning,) = over_claimed(
        [claim("EDU-A", "0.6"), claim("EDU-B", "0.55"), claim("X", "0.3", "other")]
    )
    assert warning.group == "rektorer"
    assert warning.total == D("1.15")
    assert [(c.initiative, c.share) for c in warning.claims] == [
        ("EDU-A", D("0.6")),
        ("EDU-B", D("0.55")),
    ]


def test_claims_of_exactly_100_percent_are_not_double_counting():
    assert over_claimed([claim("EDU-A", "0.6"), claim("EDU-B", "0.4")]) == []


def test_a_single_claim_of_the_whole_group_is_not_double_counting():
    assert over_claimed([claim("EDU-A", "1")]) == []


def test_two_levers_of_one_initiative_on_the_same_group_count_twice():
    (warning,) = over_claimed(
        [claim("EDU-A", "0.7", lever="Principals"), claim("EDU-A", "0.7", lever="Heads")]
    )
    assert warning.total == D("1.4")


def test_groups_are_sorted_by_how_much_they_are_over_claimed():
    warnings = over_claimed(
        [
            claim("A", "0.6", "x"),
            claim("B", "0.6", "x"),
            claim("A", "0.9", "y"),
            claim("B", "0.9", "y"),
        ]
    )
    assert [(w.group, w.total) for w in warnings] == [("y", D("1.8")), ("x", D("1.2"))]


def test_only_staff_time_levers_claim_and_a_missing_share_is_the_whole_group():
    document = {
        "levers": [
            {"kind": "staff_time", "name": "Principals", "group": "Rektorer"},
            {"kind": "staff_time", "name": "Teachers", "attribution_share": "0.15"},
            {"kind": "fixed_amount", "name": "Queues", "attribution_share": "0.9"},
        ]
    }
    claims = claims_of_document("EDU-A", document)
    assert [(c.lever, c.group, c.share, c.label) for c in claims] == [
        ("Principals", "rektorer", D(1), "Rektorer"),
        ("Teachers", "teachers", D("0.15"), "Teachers"),
    ]


# --- In the organisation -----------------------------------------------------------------------


def staff_document(*levers: tuple[str, str, str]) -> dict:
    """A valid document with staff_time levers (name, group, attribution share)."""
    model_levers = []
    for name, group, share in levers:
        model_levers.append(
            Lever(
                kind="staff_time",
                name=name,
                staff_fte="10",
                annual_cost_per_fte="500000",
                time_share="0.3",
                reduction="0.3",
                attribution_share=D(share),
                group=group,
            )
        )
    return benefit_document.to_document(
        BenefitModel(name="M", horizon_years=3, levers=model_levers)
    )


def initiative_with(actor, department, code, *levers):
    initiative = assessment_services.do_create_initiative(
        actor=actor, department=department, code=code, name=f"Initiative {code}"
    )
    services.do_save_benefit_model(
        actor=actor, initiative=initiative, document=staff_document(*levers), lock_version=None
    )
    return initiative


@pytest.mark.django_db
def test_two_initiatives_claiming_115_percent_of_the_principals_warn_both(owner, utbildning):
    a = initiative_with(owner, utbildning, "EDU-A", ("Principals", "rektorer", "0.6"))
    b = initiative_with(owner, utbildning, "EDU-B", ("Heads of school", "Rektorer ", "0.55"))
    for initiative in (a, b):
        (warning,) = double_counting_for(initiative, viewer=owner)
        assert warning.total == D("1.15")
        assert {(c.code, c.lever, c.share) for c in warning.claims} == {
            ("EDU-A", "Principals", D("0.6")),
            ("EDU-B", "Heads of school", D("0.55")),
        }
        assert [c.code for c in warning.claims if c.current] == [initiative.code]


@pytest.mark.django_db
def test_exactly_100_percent_across_initiatives_does_not_warn(owner, utbildning):
    a = initiative_with(owner, utbildning, "EDU-A", ("Principals", "rektorer", "0.6"))
    initiative_with(owner, utbildning, "EDU-B", ("Heads", "rektorer", "0.4"))
    assert double_counting_for(a, viewer=owner) == []
    assert double_counting_for_organisation(a.organisation) == []


@pytest.mark.django_db
def test_without_a_group_the_lever_name_is_the_group(owner, utbildning):
    a = initiative_with(
        owner, utbildning, "EDU-A", ("Less administration for principals", "", "0.6")
    )
    initiative_with(owner, utbildning, "EDU-B", (" less administration  for Principals", "", "0.6"))
    initiative_with(owner, utbildning, "EDU-C", ("Something else", "", "0.9"))
    (warning,) = double_counting_for(a, viewer=owner)
    assert warning.total == D("1.2")
    assert {c.code for c in warning.claims} == {"EDU-A", "EDU-B"}


@pytest.mark.django_db
def test_a_warning_that_does_not_concern_the_initiative_is_not_shown_on_it(owner, utbildning):
    a = initiative_with(owner, utbildning, "EDU-A", ("Principals", "rektorer", "0.6"))
    initiative_with(owner, utbildning, "EDU-B", ("Teachers", "lärare", "0.6"))
    initiative_with(owner, utbildning, "EDU-C", ("Teachers too", "lärare", "0.6"))
    assert double_counting_for(a, viewer=owner) == []
    assert len(double_counting_for_organisation(a.organisation)) == 1


@pytest.mark.django_db
def test_another_organisation_s_claims_do_not_count(owner, utbildning, outsider, other_department):
    a = initiative_with(owner, utbildning, "EDU-A", ("Principals", "rektorer", "0.6"))
    initiative_with(outsider, other_department, "EDU-B", ("Principals", "rektorer", "0.9"))
    assert double_counting_for(a, viewer=owner) == []


@pytest.mark.django_db
def test_a_hidden_department_s_claim_shows_only_its_department_and_share(
    owner, admin, utbildning, kultur, culture_owner
):
    a = initiative_with(owner, utbildning, "EDU-A", ("Principals", "rektorer", "0.6"))
    initiative_with(
        culture_owner, kultur, "KUF-SECRET", ("Secret culture lever", "rektorer", "0.5")
    )

    (warning,) = double_counting_for(a, viewer=owner)
    hidden = next(c for c in warning.claims if not c.visible)
    assert (hidden.department, hidden.share) == ("Kultur- och fritidskontoret", D("0.5"))
    assert (hidden.code, hidden.lever, hidden.initiative_pk) == ("", "", None)
    html = render_to_string("benefits/_double_counting.html", {"double_counting": [warning]})
    assert "KUF-SECRET" not in html and "Secret culture lever" not in html
    assert "Kultur- och fritidskontoret" in html
    assert reverse("benefit_model", args=[a.pk]) in html
    assert "110\xa0%" in html

    # The admin sees the whole organisation and gets a link to both.
    (warning,) = double_counting_for(a, viewer=admin)
    assert all(c.visible for c in warning.claims)
    html = render_to_string("benefits/_double_counting.html", {"double_counting": [warning]})
    assert "KUF-SECRET" in html


@pytest.mark.django_db
def test_a_group_named_only_by_a_hidden_lever_is_left_out_for_the_viewer(
    owner, utbildning, kultur, culture_owner
):
    initiative_with(culture_owner, kultur, "KUF-A", ("Hidden group lever", "", "0.6"))
    initiative_with(culture_owner, kultur, "KUF-B", ("Hidden group lever", "", "0.6"))
    organisation = utbildning.organisation
    assert double_counting_for_organisation(organisation, viewer=owner) == []
    assert len(double_counting_for_organisation(organisation, viewer=culture_owner)) == 1


@pytest.mark.django_db
def test_the_organisation_s_claims_are_read_in_one_query(
    owner, utbildning, django_assert_num_queries
):
    for i in range(6):
        initiative_with(owner, utbildning, f"EDU-{i}", ("Principals", "rektorer", "0.3"))
    organisation = utbildning.organisation
    with django_assert_num_queries(1):
        (warning,) = double_counting_for_organisation(organisation)
    assert warning.total == D("1.8")


@pytest.mark.django_db
def test_the_tracking_page_shows_the_warning_with_the_total(as_user, owner, utbildning):
    a = initiative_with(owner, utbildning, "EDU-A", ("Principals", "rektorer", "0.6"))
    initiative_with(owner, utbildning, "EDU-B", ("Heads", "rektorer", "0.55"))
    html = as_user(owner).get(reverse("benefit_tracking", args=[a.pk])).content.decode()
    assert "115\xa0%" in html and "rektorer" in html


@pytest.mark.django_db
def test_the_benefit_page_warns_the_owner_about_staff_time_claimed_twice(
    owner, utbildning, as_user
):
    a = initiative_with(owner, utbildning, "EDU-A", ("Principals", "rektorer", "0.6"))
    initiative_with(owner, utbildning, "EDU-B", ("Heads of school", "rektorer", "0.55"))
    page = as_user(owner).get(reverse("benefit_model", args=[a.pk])).content.decode()
    assert "115" in page and "EDU-B" in page and "rektorer" in page


@pytest.mark.django_db
def test_the_benefit_page_shows_no_warning_at_exactly_100_percent(owner, utbildning, as_user):
    a = initiative_with(owner, utbildning, "EDU-A", ("Principals", "rektorer", "0.6"))
    initiative_with(owner, utbildning, "EDU-B", ("Heads of school", "rektorer", "0.4"))
    page = as_user(owner).get(reverse("benefit_model", args=[a.pk])).content.decode()
    assert "EDU-B" not in page


@pytest.mark.django_db
def test_the_benefit_page_reads_only_the_claims_of_its_own_staff_groups(
    as_user, owner, utbildning, django_assert_num_queries
):
    """The double-counting check reads the stored claims of the groups this initiative
    claims: other models of the organisation, however many, cost no query and no time."""
    page = initiative_with(owner, utbildning, "EDU-A", ("Principals", "rektorer", "0.6"))
    initiative_with(owner, utbildning, "EDU-B", ("Principals", "rektorer", "0.5"))
    client = as_user(owner)
    url = reverse("benefit_model", args=[page.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(20):
        initiative_with(owner, utbildning, f"OTHER-{i}", (f"Team {i}", f"team-{i}", "0.9"))
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    (warning,) = response.context["double_counting"]
    assert warning.total == D("1.1")
    assert {claim.code for claim in warning.claims} == {"EDU-A", "EDU-B"}
