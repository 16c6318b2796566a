"""Two people edit the same benefit model: the second save shows a merge view with both
versions side by side instead of losing anybody's input; a failed save keeps what was typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from benefits import defaults, editor, services
from benefits.models import BenefitModel, BenefitModelVersion
from klassa_app.models import AuditEvent, Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def economist(utbildning):
    return MembershipFactory(
        department=utbildning, role=Role.ECONOMIST, user__full_name="Erik Ekonom"
    ).user


@pytest.fixture
def business_owner(owner):
    owner.full_name = "Britta Ägare"
    owner.save()
    return owner


@pytest.fixture
def saved(business_owner, initiative):
    return services.do_save_benefit_model(
        actor=business_owner,
        initiative=initiative,
        document=defaults.load(defaults.FYRBODAL_PERSONAL_DASHBOARD),
        lock_version=None,
    )


def url(initiative):
    return reverse("benefit_model", args=[initiative.pk])


def form_data(document, lock_version, **changes):
    data = editor.draft_to_data(editor.draft_from_document(document))
    data["lock_version"] = str(lock_version)
    data.update(changes)
    return data


def merge_form(response, action="save_merged", **choices):
    """What the merge view submits: the preselected choices, with some changed."""
    view = response.context["merge"]
    data = {
        "merge_mine": view["mine_json"],
        "merge_base_version": str(view["base_version"]),
        "lock_version": str(view["theirs_version"]),
        "action": action,
    }
    for row in view["rows"]:
        if row.choice:
            data[row.name] = row.choice
    data.update(choices)
    return data


FYRBODAL = defaults.load(defaults.FYRBODAL_PERSONAL_DASHBOARD)
FIELDS = {
    "Model name": ("model", "name"),
    "Horizon": ("model", "horizon_years"),
    "Discount rate": ("model", "discount_rate"),
    "Amount per year": ("lever", FYRBODAL["levers"][0]["name"], "amount"),
    "Cost per case": ("lever", FYRBODAL["levers"][1]["name"], "unit_cost"),
}


def row(response, field):
    [found] = [r for r in response.context["merge"]["rows"] if r.key == FIELDS[field]]
    return found


@pytest.fixture
def collision(as_user, economist, business_owner, initiative, saved):
    """Both open the model at the same version; the business owner saves first (a new name
    and a larger fixed amount); the economist then saves another name and a new cost per
    recruitment."""
    version = saved.lock_version
    owner_client, economist_client = as_user(business_owner), as_user(economist)
    owner_data = form_data(
        saved.document, version, name="Britta's name", **{"levers-0-amount": "25 000 000"}
    )
    assert owner_client.post(url(initiative), owner_data).status_code == 302
    economist_data = form_data(
        saved.document, version, name="Erik's name", **{"levers-1-unit_cost": "175 000"}
    )
    response = economist_client.post(url(initiative), economist_data)
    return economist_client, response


def test_the_second_save_shows_a_merge_view_with_both_values_and_saves_nothing(collision):
    _client, response = collision
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="benefit-merge"' in html and "Britta Ägare" in html
    name = row(response, "Model name")
    assert (name.mine, name.theirs, name.conflict, name.choice) == (
        "Erik's name",
        "Britta's name",
        True,
        "",
    )
    unit_cost = row(response, "Cost per case")
    assert unit_cost.mine == "175 000 kr" and unit_cost.choice == "mine"
    assert not unit_cost.conflict
    amount = row(response, "Amount per year")
    assert amount.theirs == "25 000 000 kr" and amount.choice == "theirs"
    assert BenefitModel.objects.get().document["name"] == "Britta's name"
    # The results beside it say whose model they show.
    assert 'id="results-saved-note"' in html


def test_saving_merged_writes_the_chosen_values_and_an_audit_event(
    collision, economist, initiative
):
    client, response = collision
    version = response.context["merge"]["theirs_version"]
    conflict = row(response, "Model name")
    saved = client.post(url(initiative), merge_form(response, **{conflict.name: "theirs"}))
    assert saved.status_code == 302
    model = BenefitModel.objects.get()
    assert model.document["name"] == "Britta's name"
    assert model.document["levers"][0]["amount"] == "25000000"  # theirs
    assert model.document["levers"][1]["unit_cost"] == "175000"  # mine
    assert model.lock_version == version + 1
    event = AuditEvent.objects.filter(action="benefit_model.merged").get()
    assert event.actor == economist
    assert event.after["took_theirs"] >= 2 and event.after["kept_mine"] >= 1
    assert event.after["resolved_against"] == version
    assert BenefitModelVersion.objects.filter(
        benefit_model=model, lock_version=model.lock_version
    ).exists()


def test_a_conflict_without_a_choice_is_asked_again_and_nothing_is_saved(collision, initiative):
    client, response = collision
    again = client.post(url(initiative), merge_form(response))
    assert again.status_code == 200
    assert row(again, "Model name").error
    assert row(again, "Cost per case").choice == "mine"
    assert BenefitModel.objects.get().document["name"] == "Britta's name"
    assert not AuditEvent.objects.filter(action="benefit_model.merged").exists()


def test_overwriting_with_mine_writes_the_economists_values(collision, initiative):
    client, response = collision
    saved = client.post(url(initiative), merge_form(response, action="overwrite"))
    assert saved.status_code == 302
    model = BenefitModel.objects.get()
    assert model.document["name"] == "Erik's name"
    assert model.document["levers"][0]["amount"] == "20060903"  # the economist's, unchanged
    assert model.document["levers"][1]["unit_cost"] == "175000"
    assert AuditEvent.objects.filter(action="benefit_model.overwritten").count() == 1


def test_a_third_save_during_the_merge_is_detected_again(
    collision, as_user, business_owner, initiative
):
    client, response = collision
    model = BenefitModel.objects.get()
    third = form_data(model.document, model.lock_version, **{"horizon_years": "5"})
    assert as_user(business_owner).post(url(initiative), third).status_code == 302
    conflict = row(response, "Model name")
    for action in ("save_merged", "overwrite"):
        again = client.post(
            url(initiative), merge_form(response, action=action, **{conflict.name: "mine"})
        )
        assert again.status_code == 200
        assert again.context["merge"]["again"]
        assert again.context["merge"]["theirs_version"] == model.lock_version + 1
        assert row(again, "Horizon").theirs == "5"
        assert row(again, "Model name").mine == "Erik's name"
    assert BenefitModel.objects.get().document["horizon_years"] == 5
    assert BenefitModel.objects.get().document["name"] == "Britta's name"


def test_without_the_starting_version_mine_is_preselected_and_the_page_says_so(
    collision, as_user, economist, saved, initiative
):
    BenefitModelVersion.objects.filter(lock_version=saved.lock_version).delete()
    response = as_user(economist).post(
        url(initiative),
        form_data(saved.document, saved.lock_version, name="Erik's name"),
    )
    assert not response.context["merge"]["base_known"]
    assert {r.choice for r in response.context["merge"]["rows"]} == {"mine"}
    assert "no longer known" in response.content.decode().replace("\n", " ") or (
        "inte längre känd" in response.content.decode()
    )


def test_a_collision_of_the_json_document_form_shows_the_merge_view_too(
    as_user, economist, business_owner, initiative, saved
):
    services.do_save_benefit_model(
        actor=business_owner,
        initiative=initiative,
        document=dict(saved.document, name="Britta's name"),
        lock_version=saved.lock_version,
    )
    import json

    response = as_user(economist).post(
        url(initiative),
        {
            "document": json.dumps(dict(saved.document, discount_rate="0.025")),
            "lock_version": str(saved.lock_version),
        },
    )
    assert row(response, "Discount rate").mine == "2,5 %"
    assert row(response, "Discount rate").choice == "mine"
    assert row(response, "Model name").choice == "theirs"


def test_outsiders_get_404_and_readers_403_on_the_merge_form(
    collision, as_user, outsider, culture_viewer, utbildning, initiative
):
    _client, response = collision
    data = merge_form(response, action="overwrite")
    assert as_user(outsider).post(url(initiative), data).status_code == 404
    assert as_user(culture_viewer).post(url(initiative), data).status_code == 404
    reader = MembershipFactory(department=utbildning, role=Role.VIEWER).user
    assert as_user(reader).post(url(initiative), data).status_code == 403
    assert BenefitModel.objects.get().document["name"] == "Britta's name"


def test_a_tampered_merge_form_saves_nothing(collision, initiative):
    client, response = collision
    data = merge_form(response, action="overwrite")
    data["merge_mine"] = "{not json"
    assert client.post(url(initiative), data).status_code == 302
    assert BenefitModel.objects.get().document["name"] == "Britta's name"


# --- A failed save keeps what was typed ---------------------------------------------------------


def test_a_failed_save_keeps_every_typed_value_and_says_the_results_are_the_saved_model(
    as_user, economist, initiative, saved
):
    typed = form_data(
        saved.document,
        saved.lock_version,
        name="",
        horizon_years="4",
        discount_preset="custom",
        discount_rate="2,75",
        **{
            "levers-0-amount": "12 345",
            "levers-0-realisation_rate": "55",
            "levers-1-rate_after": "9",  # above the rate before: invalid
            "levers-1-population": "2 500,5",
            "levers-1-unit_cost-split": "1",
            "levers-1-unit_cost-low": "100 000",
            "levers-1-unit_cost-medium": "150 000",
            "levers-1-unit_cost-high": "abc",
            "levers-1-ramp_up": "50; 100; 100",
        },
    )
    response = as_user(economist).post(url(initiative), typed)
    assert response.status_code == 200
    shown = editor.draft_to_data(editor.draft_from_data(typed))
    view = response.context["editor"]
    assert view.summary
    rendered = editor.draft_to_data(
        editor.draft_from_data(
            {
                **{k: v for k, v in typed.items() if k.startswith(("levers-", "costs-"))},
                "name": view.name.value,
                "horizon_years": view.horizon_years.value,
                "discount_preset": view.discount_preset,
                "discount_rate": view.discount_rate.value,
            }
        )
    )
    assert rendered == shown
    html = response.content.decode()
    for value in ("12 345", "2 500,5", "abc", "50; 100; 100", "2,75", "55"):
        assert f'value="{value}"' in html, value
    assert 'id="results-saved-note"' in html
    assert BenefitModel.objects.get().lock_version == saved.lock_version


def test_the_live_preview_of_invalid_input_keeps_the_chart_scenario_element(
    as_user, economist, initiative, saved
):
    data = form_data(saved.document, saved.lock_version, scenario="high", name="")
    response = as_user(economist).post(
        reverse("benefit_model_preview", args=[initiative.pk]), data, **HTMX
    )
    html = response.content.decode()
    assert response.context["preview_errors"]
    assert '<form id="chart-scenario" hidden>' in html and 'value="high"' in html
