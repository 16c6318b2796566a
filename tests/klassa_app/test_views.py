"""The core pages: scoping, permissions, bad input, bounded queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from klassa_app.models import AuditEvent, Department, Membership, Role
from tests.factories import DepartmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_home_lists_my_departments_with_my_roles(as_user, owner, utbildning, kultur):
    response = as_user(owner).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Utbildningskontoret" in html
    assert "Kultur- och fritidskontoret" not in html


def test_person_without_membership_is_told_to_ask_for_an_invitation(as_user, db):
    from tests.factories import UserFactory

    response = as_user(UserFactory()).get(reverse("home"))
    assert response.status_code == 200
    assert response.context["my_departments"] == []


def test_department_page_of_another_department_is_404(as_user, owner, kultur):
    response = as_user(owner).get(reverse("department_detail", args=[kultur.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["department_detail", "department_edit"])
def test_every_department_url_is_404_for_another_organisation(as_user, outsider, utbildning, name):
    response = as_user(outsider).get(reverse(name, args=[utbildning.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["member_edit", "member_remove"])
def test_every_membership_url_is_404_for_another_organisation(as_user, outsider, owner, name):
    membership = owner.memberships.get()
    response = as_user(outsider).get(reverse(name, args=[membership.pk]))
    assert response.status_code == 404
    response = as_user(outsider).post(reverse(name, args=[membership.pk]), {"role": "viewer"})
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk, role=Role.BUSINESS_OWNER).exists()


@pytest.mark.parametrize("name", ["member_list", "member_invite", "department_create"])
def test_management_pages_are_403_for_a_business_owner(as_user, owner, name):
    assert as_user(owner).get(reverse(name)).status_code == 403


def test_membership_urls_are_404_for_a_business_owner_of_the_same_organisation(
    as_user, owner, lawyer
):
    membership = lawyer.memberships.get()
    assert as_user(owner).get(reverse("member_edit", args=[membership.pk])).status_code == 404


def test_audit_page_is_403_for_a_legal_reviewer(as_user, lawyer):
    assert as_user(lawyer).get(reverse("audit_log")).status_code == 403


def test_admin_creates_a_department_in_the_browser_form(as_user, admin, norrkoping):
    response = as_user(admin).post(
        reverse("department_create"),
        {"code": "vux", "name": "Vuxenutbildningen", "kind": "department", "description": ""},
    )
    department = Department.objects.get(code="VUX")
    assert response.status_code == 302
    assert response.url == reverse("department_detail", args=[department.pk])


def test_duplicate_department_code_shows_the_error_on_the_code_field(as_user, admin, utbildning):
    response = as_user(admin).post(
        reverse("department_create"),
        {"code": "UTB", "name": "Dubblett", "kind": "department"},
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert Department.objects.filter(code="UTB").count() == 1


def test_invalid_member_email_shows_the_error_on_the_email_field(as_user, admin, utbildning):
    response = as_user(admin).post(
        reverse("member_invite"),
        {"email": "fel@", "role": "viewer", "department": utbildning.pk},
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert Membership.objects.count() == 1  # only the admin's own


def test_unknown_role_shows_the_error_on_the_role_field(as_user, admin, utbildning):
    response = as_user(admin).post(
        reverse("member_invite"), {"email": "a@b.se", "role": "king", "department": ""}
    )
    assert "role" in response.context["form"].errors


def test_removing_the_last_admin_in_the_browser_shows_a_message_and_keeps_them(as_user, admin):
    membership = admin.memberships.get()
    client = as_user(admin)
    response = client.post(reverse("member_remove", args=[membership.pk]), follow=True)
    assert Membership.objects.filter(pk=membership.pk).exists()
    messages = [str(m) for m in response.context["messages"]]
    assert any("organisation admin" in m or "organisationsadministratör" in m for m in messages)


def test_admin_changes_a_role_in_the_browser(as_user, admin, owner, utbildning):
    membership = owner.memberships.get()
    response = as_user(admin).post(
        reverse("member_edit", args=[membership.pk]),
        {"role": "economist", "department": utbildning.pk},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.ECONOMIST


def test_department_from_another_organisation_cannot_be_chosen_in_the_form(
    as_user, admin, other_department
):
    response = as_user(admin).post(
        reverse("member_invite"),
        {"email": "a@b.se", "role": "viewer", "department": other_department.pk},
    )
    assert "department" in response.context["form"].errors


def test_switching_to_an_organisation_you_do_not_belong_to_is_refused(
    as_user, admin, other_municipality
):
    client = as_user(admin)
    client.post(reverse("switch_organisation"), {"organisation": other_municipality.pk})
    response = client.get(reverse("home"))
    assert response.context["current_organisation"].code == "norrkoping"


def test_a_person_in_two_organisations_can_switch_between_them(as_user, admin, other_department):
    MembershipFactory(user=admin, department=other_department, role=Role.VIEWER)
    client = as_user(admin)
    client.post(reverse("switch_organisation"), {"organisation": other_department.organisation.pk})
    response = client.get(reverse("home"))
    assert response.context["current_organisation"] == other_department.organisation
    assert [d.department for d in response.context["my_departments"]] == [other_department]


def test_audit_page_shows_events_and_filters_by_action(as_user, admin, norrkoping):
    client = as_user(admin)
    client.post(reverse("department_create"), {"code": "A1", "name": "Alfa", "kind": "department"})
    client.post(reverse("department_create"), {"code": "B1", "name": "Beta", "kind": "department"})
    response = client.get(reverse("audit_log"), {"action": "department.created", "q": "Beta"})
    events = list(response.context["page_obj"])
    assert [e.object_repr for e in events] == ["Beta"]


def test_audit_page_never_shows_another_organisations_events(
    as_user, admin, outsider, other_municipality
):
    as_user(outsider).post(
        reverse("department_create"), {"code": "HEMLIG", "name": "Hemlig", "kind": "department"}
    )
    assert AuditEvent.objects.filter(organisation=other_municipality).exists()
    response = as_user(admin).get(reverse("audit_log"))
    assert "Hemlig" not in response.content.decode()


def test_an_english_browser_still_gets_swedish_until_the_person_switches(as_user, owner):
    client = as_user(owner)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="sv">' in response.content.decode()
    assert "Mina förvaltningar" in response.content.decode()


def test_pages_are_in_swedish_by_default_and_english_on_request(as_user, owner):
    client = as_user(owner)
    response = client.get(reverse("home"))
    assert response.content.decode().count('lang="sv"') >= 1
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"))
    assert '<html lang="en">' in response.content.decode()
    assert "My departments" in response.content.decode()


# --- Bounded queries ------------------------------------------------------------------------


def _many(norrkoping, n: int) -> None:
    departments = DepartmentFactory.create_batch(n, organisation=norrkoping)
    for department in departments:
        MembershipFactory.create_batch(2, department=department, role=Role.VIEWER)


@pytest.mark.parametrize("url_name", ["home", "department_list", "member_list", "audit_log"])
def test_list_pages_use_a_bounded_number_of_queries(
    as_user, admin, norrkoping, url_name, django_assert_max_num_queries
):
    client = as_user(admin)
    _many(norrkoping, 3)
    for i in range(3):
        client.post(
            reverse("department_create"), {"code": f"P{i}", "name": f"P {i}", "kind": "department"}
        )
    client.get(reverse(url_name))  # warm session and caches
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse(url_name)).status_code == 200
    # Read now: the next request clears the connection's query log.
    baseline = len(small)
    _many(norrkoping, 40)
    for i in range(60):
        client.post(
            reverse("department_create"), {"code": f"Q{i}", "name": f"Q {i}", "kind": "department"}
        )
    with django_assert_max_num_queries(baseline):
        assert client.get(reverse(url_name)).status_code == 200


def test_department_page_query_count_does_not_grow_with_members(
    as_user, admin, utbildning, django_assert_max_num_queries
):
    client = as_user(admin)
    MembershipFactory.create_batch(2, department=utbildning)
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("department_detail", args=[utbildning.pk]))
    baseline = len(small)
    MembershipFactory.create_batch(30, department=utbildning)
    with django_assert_max_num_queries(baseline):
        client.get(reverse("department_detail", args=[utbildning.pk]))


def test_member_list_filters_by_department_and_role(
    as_user, admin, owner, lawyer, culture_viewer, utbildning
):
    client = as_user(admin)
    response = client.get(reverse("member_list"), {"department": utbildning.pk})
    emails = {m.user.email for m in response.context["page_obj"]}
    assert emails == {owner.email, lawyer.email}
    response = client.get(
        reverse("member_list"), {"department": utbildning.pk, "role": "legal_reviewer"}
    )
    assert [m.user for m in response.context["page_obj"]] == [lawyer]


def test_member_filter_ignores_a_department_of_another_organisation(
    as_user, admin, owner, other_department
):
    response = as_user(admin).get(reverse("member_list"), {"department": other_department.pk})
    assert response.status_code == 200
    assert "department" in response.context["filter_form"].errors


def test_technical_admin_pages_open_for_a_superuser_and_are_read_only(
    client, norrkoping, utbildning
):
    from klassa_app.models import User

    root = User.objects.create_superuser("root@example.se", "a-long-root-password")
    client.force_login(root, backend="klassa_app.auth_backends.KlassaModelBackend")
    for model in ("user", "organisation", "department", "membership", "auditevent"):
        assert client.get(f"/admin/klassa_app/{model}/").status_code == 200, model
    assert client.get("/admin/klassa_app/department/add/").status_code == 403
