"""The audit trail's action filter lists the actions of the code's catalogue (translated), not
the distinct actions of the stored events, and the page costs the same however long the trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from klassa_app import audit
from klassa_app.audit_labels import ACTION_LABELS
from klassa_app.models import AuditEvent

pytestmark = pytest.mark.django_db


def action_choices(response) -> list[tuple[str, str]]:
    return [
        (code, str(label))
        for code, label in response.context["filter_form"].fields["action"].choices
        if code
    ]


def add_events(organisation, actor, count: int) -> None:
    """``count`` events cycling through every action of the catalogue, newest first."""
    now = timezone.now()
    actions = sorted(ACTION_LABELS)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            organisation=organisation,
            actor=actor,
            actor_label=actor.email,
            created_at=now - timedelta(minutes=i),
            action=actions[i % len(actions)],
            object_type="department",
            object_id=str(i),
            object_repr=f"Förvaltning {i}",
            before={"name": f"Gammal {i}"},
            after={"name": f"Ny {i}"},
        )
        for i in range(count)
    )


def test_the_filter_offers_every_action_of_the_catalogue_even_before_it_happened(as_user, admin):
    response = as_user(admin).get(reverse("audit_log"))
    choices = action_choices(response)
    assert {code for code, _ in choices} == set(ACTION_LABELS)
    assert AuditEvent.objects.filter(action="portfolio.scenario_deleted").count() == 0
    assert 'value="portfolio.scenario_deleted"' in response.content.decode()


def test_the_actions_are_named_and_ordered_in_swedish(as_user, admin):
    choices = action_choices(as_user(admin).get(reverse("audit_log")))
    labels = [label for _, label in choices]
    with translation.override("sv"):
        assert dict(choices)["department.restored"] == str(ACTION_LABELS["department.restored"])
    assert dict(choices)["department.restored"] != "Department restored"
    # Å, Ä, Ö after Z and in that order, as in a Swedish dictionary.
    assert labels[-1].startswith("Å")
    assert labels.index("Förvaltning återställd") < labels.index("Förvaltning ändrad")


def test_the_actions_are_named_in_english_for_an_english_reader(as_user, admin):
    client = as_user(admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    choices = dict(action_choices(client.get(reverse("audit_log"))))
    assert choices["department.restored"] == "Department restored"


def test_filtering_by_an_action_shows_only_its_events(as_user, admin, norrkoping, utbildning):
    audit.record(actor=admin, organisation=norrkoping, action="portfolio.forced", obj=norrkoping)
    audit.record(actor=admin, organisation=norrkoping, action="asset.created", obj=utbildning)
    response = as_user(admin).get(reverse("audit_log"), {"action": "portfolio.forced"})
    assert [e.action for e in response.context["page_obj"]] == ["portfolio.forced"]


def test_filtering_by_an_action_nobody_recorded_yet_is_an_empty_page_not_an_error(
    as_user, admin, norrkoping
):
    audit.record(actor=admin, organisation=norrkoping, action="portfolio.forced", obj=norrkoping)
    response = as_user(admin).get(reverse("audit_log"), {"action": "portfolio.scenario_deleted"})
    assert response.context["filter_form"].errors == {}
    assert list(response.context["page_obj"]) == []


@pytest.mark.parametrize("query", [{}, {"action": "asset.created"}, {"q": "Förvaltning 1"}])
def test_the_audit_trail_costs_the_same_queries_with_a_short_and_a_long_trail(
    as_user,
    admin,
    norrkoping,
    query,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    client = as_user(admin)
    add_events(norrkoping, admin, len(ACTION_LABELS))  # one of each: every filter finds one
    client.get(reverse("audit_log"), query)
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse("audit_log"), query).status_code == 200
    baseline = len(small)  # read now: the next request clears the connection's query log
    add_events(norrkoping, admin, 60 * len(ACTION_LABELS))
    with django_assert_num_queries(baseline) as large:
        response = client.get(reverse("audit_log"), query)
    assert len(response.context["page_obj"].object_list) == 50
    assert not [q["sql"] for q in large.captured_queries if "DISTINCT" in q["sql"].upper()]
