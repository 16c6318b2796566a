"""Every classification page costs the same number of queries whatever the size of the
organisation: counted with a few rows, then again after the data grew past a full page."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import frameworks
from assessments.models import (
    Adjustment,
    Area,
    AspectResult,
    Assessment,
    InformationAsset,
    Initiative,
    RequirementStatus,
)

pytestmark = pytest.mark.django_db

_codes = itertools.count()


def add_assets(department, n: int) -> list[InformationAsset]:
    """``n`` assets of every kind a row can show: approved (most of them overdue for review),
    being classified, unclassified, with personal data, secrecy, protective security."""
    today = timezone.localdate()
    assets = []
    for i in range(n):
        number = next(_codes)
        kind = i % 5
        assets.append(
            InformationAsset(
                organisation=department.organisation,
                department=department,
                code=f"QA{number:05d}",
                name=f"Mängd {number}",
                personal_data=("no", "yes", "special_categories")[i % 3],
                secrecy=kind == 1,
                secrecy_reference="OSL 23:2" if kind == 1 else "",
                protective_security=kind == 2 and i % 10 == 2,
                requires_protective_security_analysis=kind == 2 and i % 10 == 2,
                levels={} if kind == 4 else {"K": i % 5, "R": 1, "T": (i + 2) % 5, "S": 0},
                status="unclassified" if kind == 4 else ("draft" if kind == 3 else "approved"),
                review_due=today - timedelta(days=1 + i) if kind < 3 else None,
            )
        )
    return InformationAsset.objects.bulk_create(assets)


def add_initiatives(department, assets, n: int) -> list[Initiative]:
    """``n`` initiatives with 1–10 of the given assets each, an area, and every third one
    with an adjustment and an action-plan status."""
    organisation = department.organisation
    area, _ = Area.objects.get_or_create(organisation=organisation, name="Skola")
    initiatives = []
    for _i in range(n):
        number = next(_codes)
        initiatives.append(
            Initiative(
                organisation=organisation,
                department=department,
                area=area,
                code=f"QI{number:05d}",
                name=f"Satsning {number}",
            )
        )
    initiatives = Initiative.objects.bulk_create(initiatives)
    link_assets(initiatives, assets)
    requirement = frameworks.current_catalogue(organisation).requirements.first()
    Adjustment.objects.bulk_create(
        Adjustment(
            initiative=initiative,
            aspect_code="K",
            level=3,
            reason="aggregation",
            justification="Samlad bild av många elever",
        )
        for initiative in initiatives[::3]
    )
    RequirementStatus.objects.bulk_create(
        RequirementStatus(initiative=initiative, requirement=requirement, status="partly")
        for initiative in initiatives[::3]
    )
    return initiatives


def link_assets(initiatives, assets) -> None:
    Initiative.assets.through.objects.bulk_create(
        Initiative.assets.through(initiative=initiative, asset=asset)
        for n, initiative in enumerate(initiatives)
        for asset in assets[n % len(assets) :][: 1 + n % 10]
    )


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


def grow(utbildning, kultur, *, assets: int, initiatives: int) -> None:
    """The organisation grows in both departments, so department readers see it grow too."""
    for department in (utbildning, kultur):
        new_assets = add_assets(department, assets)
        add_initiatives(department, new_assets, initiatives)


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
