"""The staff-time lever's FTE figure: the input keeps every stored digit (the deck's figures
depend on it), and a reading rounded to one decimal is shown beside it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import services as assessment_services
from benefits import defaults, editor, services
from benefits.models import BenefitModel

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def initiative(owner, utbildning):
    return assessment_services.do_create_initiative(
        actor=owner, department=utbildning, code="NKP-EDU-A", name="Elevhälsa"
    )


@pytest.fixture
def document():
    document = defaults.load(defaults.NORRKOPING_EDUCATION)
    assert str(document["levers"][0]["staff_fte"]) == "194.929387"
    return document


@pytest.fixture
def saved(owner, initiative, document):
    return services.do_save_benefit_model(
        actor=owner, initiative=initiative, document=document, lock_version=None
    )


def test_a_business_owner_sees_the_fte_rounded_beside_the_exact_input(
    as_user, owner, initiative, saved
):
    html = as_user(owner).get(reverse("benefit_model", args=[initiative.pk])).content.decode()
    assert 'name="levers-0-staff_fte" value="194,929387"' in html
    assert 'id="levers-0-staff_fte-reading">≈ 194,9 årsarbetare</div>' in html
    assert str(BenefitModel.objects.get().document["levers"][0]["staff_fte"]) == "194.929387"


def test_the_reading_follows_the_typed_value_in_the_preview(as_user, owner, initiative, document):
    data = editor.draft_to_data(editor.draft_from_document(document))
    data["levers-0-staff_fte"] = "1 234,56"
    response = as_user(owner).post(
        reverse("benefit_model_preview", args=[initiative.pk]), data, **HTMX
    )
    html = response.content.decode()
    assert 'id="levers-0-staff_fte-reading" hx-swap-oob="true">≈ 1\xa0234,6 årsarbetare<' in html
    assert not BenefitModel.objects.exists()


def test_text_that_is_no_number_has_no_reading(as_user, owner, initiative, document):
    data = editor.draft_to_data(editor.draft_from_document(document))
    data["levers-0-staff_fte"] = "many"
    response = as_user(owner).post(
        reverse("benefit_model_preview", args=[initiative.pk]), data, **HTMX
    )
    assert 'id="levers-0-staff_fte-reading" hx-swap-oob="true"></div>' in response.content.decode()
