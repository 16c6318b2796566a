"""Every classification page costs the same number of queries whatever the size of the
organisation: counted with a few rows, then again after the data grew past a full page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import frameworks
from assessments.models import (
    Adjustment,
    AspectResult,
    Assessment,
)
from tests.assessments.helpers import add_assets, add_initiatives, grow

pytestmark = pytest.mark.django_db


def add_versions(asset, count: int, approver) -> None:
    """``count`` more approved classification versions of the asset, with their results."""
    organisation = asset.organisation
    scheme = frameworks.current_scheme(organisation)
    bank = frameworks.current_question_bank(organisation)
    first = (asset.assessments.order_by("-version").values_list("version", flat=True).first()) or 0
    versions = Assessment.objects.bulk_create(
        Assessment(
            asset=asset,
            version=first + 1 + i,
            status="approved" if i == count - 1 else "superseded",
            scheme=scheme,
            question_bank=bank,
            approved_by=approver,
            approved_at=timezone.now(),
            created_by=approver,
        )
        for i in range(count)
    )
    AspectResult.objects.bulk_create(
        AspectResult(assessment=a, aspect_code=code, computed_level=2, final_level=2)
        for a in versions
        for code in "KRTS"
    )


def same_queries_after_growth(client, url, grow_it, counting_max, counting_exact):
    """Count the page's queries, grow the data, and require exactly that count again."""
    client.get(url)  # first use creates the organisation's default classification model
    with counting_max(30) as small:
        response = client.get(url)
    assert response.status_code == 200
    baseline = len(small)  # read now: the next request clears the connection's query log
    grow_it()
    with counting_exact(baseline):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.fixture(params=["officer", "owner"])
def reader(request):
    """The security officer sees the whole organisation, the business owner one department."""
    return request.getfixturevalue(request.param)


LIST_PAGES = [
    ("asset_list", ""),
    ("asset_list", "?sort=-review&page=2"),
    ("asset_list", "?q=QA&status=approved"),
    ("initiative_list", ""),
    ("overdue_reviews", ""),
]


@pytest.mark.parametrize(("url_name", "query"), LIST_PAGES)
def test_a_list_page_costs_the_same_queries_with_three_rows_and_with_pages_of_them(
    as_user,
    reader,
    utbildning,
    kultur,
    url_name,
    query,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    grow(utbildning, kultur, assets=3, initiatives=1)
    response = same_queries_after_growth(
        as_user(reader),
        reverse(url_name) + query,
        lambda: grow(utbildning, kultur, assets=130, initiatives=55),
        django_assert_max_num_queries,
        django_assert_num_queries,
    )
    assert len(response.context["page_obj"].object_list) == 50  # a full page was rendered


def test_the_classification_model_page_does_not_grow_with_the_register(
    as_user, reader, utbildning, kultur, django_assert_max_num_queries, django_assert_num_queries
):
    grow(utbildning, kultur, assets=3, initiatives=1)
    response = same_queries_after_growth(
        as_user(reader),
        reverse("frameworks_overview"),
        lambda: grow(utbildning, kultur, assets=130, initiatives=55),
        django_assert_max_num_queries,
        django_assert_num_queries,
    )
    assert [a.code for a in response.context["scheme"].aspects] == ["K", "R", "T", "S"]


def test_an_asset_page_costs_the_same_queries_with_more_versions_and_initiatives(
    as_user,
    reader,
    officer,
    utbildning,
    kultur,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    asset = add_assets(utbildning, 1)[0]
    add_versions(asset, 1, officer)
    add_initiatives(utbildning, [asset], 1)

    def grow_it():
        add_versions(asset, 5, officer)
        add_initiatives(utbildning, [asset], 14)
        grow(utbildning, kultur, assets=60, initiatives=20)

    response = same_queries_after_growth(
        as_user(reader),
        reverse("asset_detail", args=[asset.pk]),
        grow_it,
        django_assert_max_num_queries,
        django_assert_num_queries,
    )
    assert len(response.context["assessments"]) == 6
    assert len(response.context["initiatives"]) == 15


def test_an_initiative_page_costs_the_same_queries_with_more_assets_and_adjustments(
    as_user,
    reader,
    utbildning,
    kultur,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    assets = add_assets(utbildning, 10)
    initiative = add_initiatives(utbildning, assets[:1], 1)[0]  # with an adjustment and status

    def grow_it():
        initiative.assets.add(*assets[1:])
        Adjustment.objects.bulk_create(
            [
                Adjustment(
                    initiative=initiative,
                    aspect_code="T",
                    level=4,
                    reason="dependency",
                    justification="Kritiskt beroende",
                )
            ]
        )
        grow(utbildning, kultur, assets=60, initiatives=20)

    response = same_queries_after_growth(
        as_user(reader),
        reverse("initiative_detail", args=[initiative.pk]),
        grow_it,
        django_assert_max_num_queries,
        django_assert_num_queries,
    )
    assert len(response.context["assets"]) == 10
    assert response.context["classification"].aspects["T"].final == 4
