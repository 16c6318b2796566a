"""An initiative's benefit model in the application: permissions, validation, audit,
concurrency, and the deck's figures in Swedish format."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from benefits import defaults, services
from benefits.models import BenefitModel
from klassa_app.models import AuditEvent, Role
from klassa_app.services import ServiceError
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fyrbodal_document():
    return json.loads(defaults.FYRBODAL_PERSONAL_DASHBOARD.read_text(), parse_float=Decimal)


def test_the_deck_investment_room_shows_in_swedish_format(
    as_user, owner, initiative, fyrbodal_document
):
    services.do_save_benefit_model(
        actor=owner, initiative=initiative, document=fyrbodal_document, lock_version=None
    )
    html = as_user(owner).get(reverse("benefit_model", args=[initiative.pk])).content.decode()
    for amount in ("17\xa0152\xa0752\xa0kr", "34\xa0305\xa0503\xa0kr", "51\xa0458\xa0255\xa0kr"):
        assert amount in html


def test_an_economist_saves_a_model_in_the_form_and_the_change_is_audited(
    as_user, initiative, utbildning, fyrbodal_document
):
    economist = MembershipFactory(department=utbildning, role=Role.ECONOMIST).user
    client = as_user(economist)
    text = json.dumps(fyrbodal_document, default=str)
    response = client.post(reverse("benefit_model", args=[initiative.pk]), {"document": text})
    assert response.status_code == 302
    model = BenefitModel.objects.get(initiative=initiative)
    changed = json.loads(json.dumps(model.document))
    changed["discount_rate"] = "0.035"
    client.post(
        reverse("benefit_model", args=[initiative.pk]),
        {"document": json.dumps(changed), "lock_version": model.lock_version},
    )
    event = AuditEvent.objects.filter(action="benefit_model.saved").get()
    assert event.before["changed"]["discount_rate"] == ["0.03", "0.035"]


def test_an_invalid_document_names_the_field_and_saves_nothing(
    as_user, owner, initiative, fyrbodal_document
):
    fyrbodal_document["levers"][0]["realisation_rate"] = "1.5"
    response = as_user(owner).post(
        reverse("benefit_model", args=[initiative.pk]),
        {"document": json.dumps(fyrbodal_document, default=str)},
    )
    assert response.status_code == 200
    assert any(e.startswith("levers[0].realisation_rate") for e in response.context["errors"])
    assert not BenefitModel.objects.exists()


def test_text_that_is_not_json_is_refused_on_the_field(as_user, owner, initiative):
    response = as_user(owner).post(
        reverse("benefit_model", args=[initiative.pk]), {"document": "{nope"}
    )
    assert "document" in response.context["form"].errors


def test_a_legal_reviewer_reads_but_cannot_edit(
    as_user, lawyer, owner, initiative, fyrbodal_document
):
    services.do_save_benefit_model(
        actor=owner, initiative=initiative, document=fyrbodal_document, lock_version=None
    )
    client = as_user(lawyer)
    page = client.get(reverse("benefit_model", args=[initiative.pk]))
    assert page.status_code == 200 and page.context["form"] is None
    assert (
        client.post(reverse("benefit_model", args=[initiative.pk]), {"document": "{}"}).status_code
        == 403
    )


@pytest.mark.parametrize("name", ["benefit_model", "benefit_model_export"])
def test_benefit_pages_are_404_for_another_department_and_organisation(
    as_user, culture_viewer, outsider, initiative, name
):
    for person in (culture_viewer, outsider):
        assert as_user(person).get(reverse(name, args=[initiative.pk])).status_code == 404


def test_a_save_based_on_an_old_version_is_refused(owner, initiative, fyrbodal_document):
    model = services.do_save_benefit_model(
        actor=owner, initiative=initiative, document=fyrbodal_document, lock_version=None
    )
    changed = dict(fyrbodal_document, discount_rate="0.025")
    services.do_save_benefit_model(
        actor=owner, initiative=initiative, document=changed, lock_version=model.lock_version
    )
    with pytest.raises(ServiceError):
        services.do_save_benefit_model(
            actor=owner,
            initiative=initiative,
            document=dict(changed, discount_rate="0.035"),
            lock_version=model.lock_version,
        )


def test_the_export_is_the_document_and_imports_unchanged(
    as_user, owner, initiative, fyrbodal_document
):
    services.do_save_benefit_model(
        actor=owner, initiative=initiative, document=fyrbodal_document, lock_version=None
    )
    response = as_user(owner).get(reverse("benefit_model_export", args=[initiative.pk]))
    exported = json.loads(response.content)
    assert exported["format"] == "klassa.benefit-model/1"
    before = BenefitModel.objects.get().lock_version
    services.do_save_benefit_model(
        actor=owner, initiative=initiative, document=exported, lock_version=before
    )
    assert BenefitModel.objects.get().lock_version == before  # nothing changed


def test_the_demo_shows_the_fyrbodal_investment_room(client, settings):
    from django.core.management import call_command

    from assessments.models import Initiative

    settings.DEMO_MODE = True
    call_command("load_demo")
    fyrbodal = Initiative.objects.get(code="FYR-EDU-A")
    client.post(
        reverse("login"), {"username": "admin@fyrbodal.demo", "password": "demo-fyrbodal-2026"}
    )
    html = client.get(reverse("benefit_model", args=[fyrbodal.pk])).content.decode()
    assert "17\xa0152\xa0752\xa0kr" in html and "51\xa0458\xa0255\xa0kr" in html
    assert BenefitModel.objects.filter(initiative__code="EDU-A").exists()
