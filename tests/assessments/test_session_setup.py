"""Setting up a consensus session like a meeting: the participants prefilled from the
department's memberships, any number of them, external guests with a time-limited link, a
date with a calendar invitation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import consensus, services
from assessments.models import ConsensusSession
from klassa_app.models import Role
from klassa_app.services import ServiceError
from tests.factories import MembershipFactory, member

pytestmark = pytest.mark.django_db

P = consensus.Role


@pytest.fixture
def dpo(norrkoping):
    return MembershipFactory(organisation=norrkoping, role=Role.DPO).user


@pytest.fixture
def draft(owner, asset):
    return services.do_start_assessment(actor=owner, asset=asset)


def _rows(form) -> list[tuple[int | None, str]]:
    return [(user.value(), role.value()) for user, role in form.rows()]


def _post(client, assessment, rows, **extra):
    data = {"rows": len(rows), **extra}
    for i, (user, role) in enumerate(rows):
        data[f"user_{i}"] = user.pk if user else ""
        data[f"role_{i}"] = role
    return client.post(reverse("session_create", args=[assessment.pk]), data)


# --- Participants ------------------------------------------------------------------------------


def test_the_form_starts_with_the_members_who_must_sign_in_their_roles(
    as_user, officer, owner, lawyer, dpo, draft
):
    page = as_user(officer).get(reverse("session_create", args=[draft.pk]))
    rows = _rows(page.context["form"])
    filled = [row for row in rows if row[0]]
    assert filled == [
        (owner.pk, P.BUSINESS_OWNER),
        (lawyer.pk, P.LEGAL_REVIEWER),
        (dpo.pk, P.DPO),
    ]
    # Room for more under the prefilled rows, and no hint: every role is there.
    assert len(rows) > len(filled)
    assert page.context["missing_roles"] == []


def test_the_facilitator_is_never_prefilled_even_when_they_hold_a_signing_role(
    as_user, officer, owner, lawyer, dpo, draft, norrkoping
):
    MembershipFactory(user=officer, organisation=norrkoping, role=Role.DPO)
    page = as_user(officer).get(reverse("session_create", args=[draft.pk]))
    assert officer.pk not in [user for user, _role in _rows(page.context["form"])]


def test_a_department_without_a_lawyer_gets_a_hint_naming_the_role(
    as_user, officer, owner, dpo, draft
):
    page = as_user(officer).get(reverse("session_create", args=[draft.pk]))
    assert [str(r) for r in page.context["missing_roles"]] == [str(P.LEGAL_REVIEWER.label)]
    assert str(P.LEGAL_REVIEWER.label) in page.content.decode()


def test_any_number_of_participants_can_be_invited(
    as_user, officer, owner, lawyer, dpo, draft, utbildning
):
    others = [member(Role.VIEWER, department=utbildning) for _ in range(8)]
    rows = [(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)]
    rows += [(person, P.OTHER) for person in others]
    response = _post(as_user(officer), draft, rows)
    assert response.status_code == 302
    session = ConsensusSession.objects.get(assessment=draft)
    assert session.participants.count() == 11


def test_add_a_participant_shows_what_was_typed_with_one_row_more(
    as_user, officer, owner, lawyer, dpo, draft
):
    client = as_user(officer)
    rows = [(owner, P.BUSINESS_OWNER), (None, "")]
    response = _post(client, draft, rows, more="1")
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound  # nothing is checked yet, so no errors are shown
    assert _rows(form) == [(str(owner.pk), P.BUSINESS_OWNER), ("", ""), (None, "")]
    assert not ConsensusSession.objects.exists()


def test_the_facilitator_cannot_take_part_in_their_own_session(
    as_user, officer, owner, lawyer, dpo, draft
):
    rows = [(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO), (officer, P.IT)]
    response = _post(as_user(officer), draft, rows)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("user_3", "facilitator_participant")
    assert "cannot take part" in str(form.errors["user_3"])
    assert not ConsensusSession.objects.exists()


def test_the_service_also_refuses_the_facilitator_as_a_participant(
    officer, owner, lawyer, dpo, draft
):
    with pytest.raises(ServiceError) as error:
        consensus.do_open_session(
            actor=officer,
            assessment=draft,
            participants=[
                (owner, P.BUSINESS_OWNER),
                (lawyer, P.LEGAL_REVIEWER),
                (dpo, P.DPO),
                (officer, P.IT),
            ],
        )
    assert error.value.field == "participants"


def test_a_person_invited_twice_is_named_on_the_second_row(
    as_user, officer, owner, lawyer, dpo, draft
):
    rows = [(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO), (owner, P.IT)]
    response = _post(as_user(officer), draft, rows)
    assert response.context["form"].has_error("user_3", "invited_twice")
    assert not ConsensusSession.objects.exists()


def test_outsiders_do_not_find_the_new_session_form(as_user, outsider, culture_viewer, draft):
    for person in (outsider, culture_viewer):
        response = as_user(person).get(reverse("session_create", args=[draft.pk]))
        assert response.status_code == 404
