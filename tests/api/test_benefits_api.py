"""Benefit models through the API: the document in and out as the upload and download pages
have it, errors named by their path in the document, the pages' permissions, and the stored
key figures per scenario."""

from __future__ import annotations

import json

import pytest

from api.models import ApiToken
from benefits import calculation, derived
from benefits import document as benefit_document
from benefits.models import BenefitModel, BenefitSummary
from klassa_app.models import AuditEvent, Role
from tests.api.conftest import bearer
from tests.factories import BenefitModelFactory, InitiativeFactory
from tests.factories import demo_benefit_document as demo_document

pytestmark = pytest.mark.django_db

WRITE = ApiToken.Scope.WRITE


def demo_benefit_document(name: str) -> dict:
    """The demo document as it is written (numbers as decimal strings), as a client has it."""
    return benefit_document.to_document(benefit_document.parse(demo_document(name)))


def url(initiative, tail: str = "") -> str:
    return f"/api/v1/initiatives/{initiative.pk}/benefit-model{tail}"


def put(client, initiative, document, **headers):
    return client.put(
        url(initiative), json.dumps(document), content_type="application/json", **headers
    )


@pytest.fixture
def initiative(utbildning):
    return InitiativeFactory(department=utbildning, code="EDU-A", name="Lärplattform")


@pytest.fixture
def economist(make_token, utbildning):
    """A service account acting as an economist of Utbildning, with a write token."""
    return bearer(
        make_token(
            WRITE, kind="service", service_role=Role.ECONOMIST, service_department=utbildning
        )
    )


def test_an_economist_puts_a_benefit_model_and_gets_the_same_document_back(economist, initiative):
    document = demo_benefit_document("Lärplattform")
    response = put(economist, initiative, document)
    assert response.status_code == 200, response.content
    saved = BenefitModel.objects.get(initiative=initiative)
    assert response.json() == saved.document
    assert response["ETag"] == f'"{saved.lock_version}"'

    again = economist.get(url(initiative))
    assert again.status_code == 200
    assert again.json() == saved.document
    assert again.json()["levers"] == document["levers"]
    assert AuditEvent.objects.filter(action="benefit_model.created").count() == 1
    # The stored key figures were written with the save.
    assert BenefitSummary.objects.filter(benefit_model=saved).count() == 3


def test_the_document_is_the_one_the_download_page_gives(as_user, admin, make_token, initiative):
    model = BenefitModelFactory(initiative=initiative)
    page = as_user(admin).get(f"/initiatives/{initiative.pk}/benefits/export/")
    api = bearer(make_token()).get(url(initiative))
    assert page.status_code == 200 and api.status_code == 200
    assert api.json() == json.loads(page.content) == model.document


def test_numbers_as_json_numbers_are_read_exactly(economist, initiative):
    document = demo_benefit_document("Lärplattform")
    document["discount_rate"] = 0.035
    response = put(economist, initiative, document)
    assert response.status_code == 200, response.content
    assert response.json()["discount_rate"] == "0.035"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["levers"][2].update(staff_fte="-1"), "body.levers[2].staff_fte"),
        (
            lambda d: d["levers"][0].update(reduction={"low": "2", "medium": "0.5", "high": "1"}),
            "body.levers[0].reduction.low",
        ),
        (lambda d: d.update(horizon_years=99), "body.horizon_years"),
        (lambda d: d.update(colour="blue"), "body.colour"),
    ],
)
def test_a_bad_document_names_its_path_and_changes_nothing(economist, initiative, change, field):
    BenefitModelFactory(initiative=initiative)
    before = BenefitModel.objects.get(initiative=initiative).document
    document = demo_benefit_document("Ändrad")
    change(document)
    response = put(economist, initiative, document)
    assert response.status_code == 422
    body = response.json()
    assert field in [error["field"] for error in body["errors"]], body
    assert all(error["message"] for error in body["errors"])
    assert BenefitModel.objects.get(initiative=initiative).document == before


def test_a_document_that_is_not_json_is_400_and_saves_nothing(economist, initiative):
    response = economist.put(url(initiative), b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not BenefitModel.objects.exists()


def test_a_duplicate_key_is_refused_as_the_upload_page_refuses_it(economist, initiative):
    text = json.dumps(demo_benefit_document("Lärplattform"))
    text = text.replace('"currency": "SEK"', '"currency": "SEK", "currency": "EUR"')
    response = economist.put(url(initiative), text, content_type="application/json")
    assert response.status_code == 400
    assert "currency" in response.json()["detail"]
    assert not BenefitModel.objects.exists()


def test_a_viewer_of_kuf_gets_404_for_a_utb_initiatives_model(make_token, kultur, initiative):
    BenefitModelFactory(initiative=initiative)
    client = bearer(
        make_token(WRITE, kind="service", service_role=Role.VIEWER, service_department=kultur)
    )
    assert client.get(url(initiative)).status_code == 404
    assert client.get(url(initiative, "/evaluation")).status_code == 404
    response = put(client, initiative, demo_benefit_document("Stulen"))
    assert response.status_code == 404
    assert response.json()["detail"]
    assert BenefitModel.objects.get(initiative=initiative).document["name"] != "Stulen"


def test_an_outsider_gets_404(outsider, other_municipality, initiative):
    BenefitModelFactory(initiative=initiative)
    from api.tokens import do_create_token

    secret = do_create_token(
        actor=outsider, organisation=other_municipality, name="BI", scope=WRITE, days=1
    ).secret
    assert bearer(secret).get(url(initiative)).status_code == 404


def test_a_read_token_cannot_put(make_token, initiative):
    response = put(bearer(make_token()), initiative, demo_benefit_document("Lärplattform"))
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not BenefitModel.objects.exists()


def test_a_lawyer_reads_the_model_but_may_not_change_it(make_token, utbildning, initiative):
    model = BenefitModelFactory(initiative=initiative)
    client = bearer(
        make_token(
            WRITE, kind="service", service_role=Role.LEGAL_REVIEWER, service_department=utbildning
        )
    )
    assert client.get(url(initiative)).json() == model.document
    response = put(client, initiative, demo_benefit_document("Ändrad"))
    assert response.status_code == 403
    assert BenefitModel.objects.get(initiative=initiative).document == model.document


def test_a_put_based_on_an_old_version_is_refused_with_412(economist, initiative):
    first = put(economist, initiative, demo_benefit_document("Första"))
    etag = first["ETag"]
    second = put(economist, initiative, demo_benefit_document("Andra"), HTTP_IF_MATCH=etag)
    assert second.status_code == 200 and second["ETag"] != etag
    stale = put(economist, initiative, demo_benefit_document("Tredje"), HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["errors"][0]["field"] == "header.If-Match"
    assert BenefitModel.objects.get(initiative=initiative).document["name"] == "Andra"
    nonsense = put(economist, initiative, demo_benefit_document("Fjärde"), HTTP_IF_MATCH="x")
    assert nonsense.status_code == 412


def test_an_initiative_without_a_model_answers_404(make_token, initiative):
    client = bearer(make_token())
    assert client.get(url(initiative)).status_code == 404
    assert client.get(url(initiative, "/evaluation")).status_code == 404


@pytest.mark.parametrize("initiative_id", [str(2**63), str(2**70), "0", "-1", "x"])
def test_an_impossible_id_is_a_json_422_never_a_500(make_token, db, initiative_id):
    response = bearer(make_token()).get(f"/api/v1/initiatives/{initiative_id}/benefit-model")
    assert response.status_code in (404, 422)
    assert response["Content-Type"].startswith("application/json")


def test_the_evaluation_gives_the_stored_figures_per_scenario(make_token, initiative, monkeypatch):
    model = BenefitModelFactory(initiative=initiative)
    stored = {s.scenario: s for s in BenefitSummary.objects.filter(benefit_model=model)}

    def no_recomputing(*args, **kwargs):
        raise AssertionError("the evaluation must read the stored figures")

    monkeypatch.setattr(calculation, "evaluate", no_recomputing)
    response = bearer(make_token()).get(url(initiative, "/evaluation"))
    assert response.status_code == 200
    body = response.json()
    assert [s["scenario"] for s in body["scenarios"]] == ["low", "medium", "high"]
    assert body["currency"] == model.document["currency"]
    assert body["version"] == model.lock_version
    for figures in body["scenarios"]:
        row = stored[figures["scenario"]]
        assert figures["npv"] == calculation.money_text(row.npv)
        assert figures["investment_cost"] == calculation.money_text(row.investment_cost)
        assert figures["bcr"] == calculation.rate_text(row.bcr)
        assert figures["irr"] == calculation.rate_text(row.irr)
        assert figures["payback_years"] == calculation.rate_text(row.payback_years)


def test_the_evaluation_equals_a_fresh_computation_of_the_document(make_token, initiative):
    model = BenefitModelFactory(initiative=initiative)
    fresh = derived.fresh_summaries(model.document)
    body = bearer(make_token()).get(url(initiative, "/evaluation")).json()
    for figures in body["scenarios"]:
        assert figures["npv"] == calculation.money_text(fresh[figures["scenario"]]["npv"])
        assert figures["roi"] == calculation.rate_text(fresh[figures["scenario"]]["roi"])


def test_a_model_stored_in_the_lenient_form_is_given_in_the_written_form(make_token, initiative):
    """A model written past the service (a data fix, an old loader) with the defaults left
    out and a number as a JSON number."""
    lenient = demo_benefit_document("Lärplattform")
    del lenient["costs"]
    for lever in lenient["levers"]:
        del lever["attribution_share"]
    lenient["discount_rate"] = 0.03
    BenefitModel.objects.create(initiative=initiative, document=lenient)
    response = bearer(make_token()).get(url(initiative))
    assert response.status_code == 200
    body = response.json()
    assert body["discount_rate"] == "0.03"
    assert body["costs"] == []
    assert all(lever["attribution_share"] == "1" for lever in body["levers"])


def test_a_stored_model_that_no_longer_validates_is_refused_with_its_errors(make_token, initiative):
    broken = demo_benefit_document("Lärplattform")
    broken["levers"][1]["reduction"] = "7"
    BenefitModel.objects.create(initiative=initiative, document=broken)
    response = bearer(make_token()).get(url(initiative))
    assert response.status_code == 409
    assert [e["field"] for e in response.json()["errors"]] == ["levers[1].reduction"]


def test_a_body_above_the_request_limit_is_refused_with_413_in_json(economist, initiative):
    document = {**demo_benefit_document("Lärplattform"), "padding": "x" * (3 * 1024 * 1024)}
    response = put(economist, initiative, document)
    assert response.status_code == 413
    assert response.json()["errors"] == [{"field": "body", "message": response.json()["detail"]}]
    assert not BenefitModel.objects.exists()


def test_a_reader_is_refused_before_the_document_is_read(make_token, utbildning, initiative):
    client = bearer(
        make_token(
            WRITE, kind="service", service_role=Role.LEGAL_REVIEWER, service_department=utbildning
        )
    )
    response = client.put(url(initiative), b"{not json", content_type="application/json")
    assert response.status_code == 403
    assert not BenefitModel.objects.exists()


@pytest.mark.parametrize("body", ["[]", '"klassa.benefit-model/1"', "null"])
def test_a_body_that_is_no_object_is_422_naming_the_body(economist, initiative, body):
    response = economist.put(url(initiative), body, content_type="application/json")
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["body"]
    assert not BenefitModel.objects.exists()
