"""Who sees what: department scoping with personas."""

from __future__ import annotations

import pytest
import rules
from django.http import Http404

from benefits.permissions import can_edit_benefit_model
from klassa_app import access
from klassa_app.models import Role
from portfolio.permissions import can_manage_portfolio
from tests.factories import InitiativeFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def names(qs) -> set[str]:
    return {d.code for d in qs}


def test_business_owner_sees_only_their_own_department(owner, norrkoping, utbildning, kultur):
    assert names(access.visible_departments(owner, norrkoping)) == {"UTB"}


def test_security_officer_sees_every_department_of_the_organisation(
    officer, norrkoping, utbildning, kultur
):
    assert names(access.visible_departments(officer, norrkoping)) == {"UTB", "KUF"}


def test_organisation_admin_sees_every_department(admin, norrkoping, utbildning, kultur):
    assert names(access.visible_departments(admin, norrkoping)) == {"UTB", "KUF"}


def test_nobody_sees_another_organisation(
    admin, outsider, norrkoping, other_municipality, utbildning
):
    assert names(access.visible_departments(admin, other_municipality)) == set()
    assert names(access.visible_departments(outsider, norrkoping)) == set()
    assert access.organisations_for(outsider) == [other_municipality]


def test_member_of_two_departments_sees_both_and_no_third(norrkoping, utbildning, kultur):
    from tests.factories import DepartmentFactory

    DepartmentFactory(organisation=norrkoping, code="HR")
    person = MembershipFactory(department=utbildning, role=Role.ECONOMIST).user
    MembershipFactory(user=person, department=kultur, role=Role.VIEWER)
    assert names(access.visible_departments(person, norrkoping)) == {"UTB", "KUF"}


def test_organisation_wide_viewer_is_an_auditor_who_sees_everything_but_manages_nothing(
    norrkoping, utbildning, kultur
):
    auditor = MembershipFactory(organisation=norrkoping, department=None, role=Role.VIEWER).user
    assert names(access.visible_departments(auditor, norrkoping)) == {"UTB", "KUF"}
    assert access.can_view_audit(auditor, norrkoping)
    assert not access.can_manage_organisation(auditor, norrkoping)


def test_only_organisation_admins_manage_the_organisation(
    admin, officer, owner, lawyer, outsider, norrkoping
):
    assert access.can_manage_organisation(admin, norrkoping)
    for person in (officer, owner, lawyer, outsider):
        assert not access.can_manage_organisation(person, norrkoping)


def test_audit_trail_is_for_admins_and_security_officers(
    admin, officer, owner, lawyer, outsider, norrkoping
):
    assert access.can_view_audit(admin, norrkoping)
    assert access.can_view_audit(officer, norrkoping)
    for person in (owner, lawyer, outsider):
        assert not access.can_view_audit(person, norrkoping)


def test_another_organisations_department_is_404_even_for_its_admin(
    outsider, utbildning, norrkoping
):
    with pytest.raises(Http404):
        access.get_visible_department(outsider, norrkoping, utbildning.pk)
    with pytest.raises(Http404):
        access.get_visible_department(
            outsider, outsider.memberships.get().organisation, utbildning.pk
        )


def test_a_deactivated_user_sees_nothing(owner, norrkoping):
    owner.is_active = False
    owner.save()
    access.forget_memberships(owner)
    assert names(access.visible_departments(owner, norrkoping)) == set()


def test_superuser_without_membership_sees_no_organisation_data(norrkoping, utbildning):
    from klassa_app.models import User

    root = User.objects.create_superuser("root@example.se", "x" * 20)
    assert access.organisations_for(root) == []
    assert names(access.visible_departments(root, norrkoping)) == set()
    assert not access.can_manage_organisation(root, norrkoping)


def test_memberships_are_read_once_per_request(
    owner, norrkoping, utbildning, django_assert_num_queries
):
    access.forget_memberships(owner)
    with django_assert_num_queries(1):
        for _ in range(5):
            access.can_manage_organisation(owner, norrkoping)
            access.can_view_audit(owner, norrkoping)
            access.roles_in(owner, norrkoping)


def test_each_named_permission_answers_as_its_can_function(
    admin, officer, owner, culture_viewer, norrkoping, utbildning
):
    initiative = InitiativeFactory(organisation=norrkoping, department=utbildning)
    checks = [
        ("klassa.manage_organisation", access.can_manage_organisation, norrkoping),
        ("klassa.approve_classifications", access.can_approve_classifications, norrkoping),
        ("klassa.edit_assets", access.can_edit_assets, utbildning),
        ("klassa.edit_benefit_model", can_edit_benefit_model, initiative),
        ("klassa.manage_portfolio", can_manage_portfolio, norrkoping),
    ]
    for name, check, obj in checks:
        for person in (admin, officer, owner, culture_viewer):
            assert rules.has_perm(name, person, obj) == check(person, obj), (name, person)
    assert rules.has_perm("klassa.edit_assets", owner, utbildning)
    assert not rules.has_perm("klassa.manage_organisation", owner, norrkoping)


def test_a_superuser_without_a_membership_holds_no_permission(norrkoping):
    root = UserFactory(is_superuser=True, is_staff=True)
    assert not rules.has_perm("klassa.manage_organisation", root, norrkoping)
    assert not access.can_view_audit(root, norrkoping)
