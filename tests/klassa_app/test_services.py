"""Departments and memberships change only through services, each audited."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import translation

from klassa_app import services
from klassa_app.models import AuditEvent, Department, Membership, Role, User
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_admin_creates_a_department_and_the_audit_trail_records_it(admin, norrkoping):
    department = services.do_create_department(
        actor=admin, organisation=norrkoping, code=" vux ", name="Vuxenutbildningen"
    )
    assert department.code == "VUX"
    event = AuditEvent.objects.get(action="department.created")
    assert event.actor == admin
    assert event.organisation == norrkoping
    assert event.after["code"] == "VUX"
    assert event.before is None


def test_duplicate_department_code_is_refused_and_nothing_changes(admin, utbildning):
    count = Department.objects.count()
    with pytest.raises(services.ServiceError) as error:
        services.do_create_department(
            actor=admin, organisation=utbildning.organisation, code="utb", name="Dubblett"
        )
    assert error.value.field == "code"
    assert "UTB" in error.value.message
    assert Department.objects.count() == count
    assert not AuditEvent.objects.filter(action="department.created").exists()


def test_same_department_code_is_fine_in_another_organisation(
    outsider, other_municipality, utbildning
):
    department = services.do_create_department(
        actor=outsider, organisation=other_municipality, code="KUF", name="Kultur"
    )
    assert department.organisation == other_municipality


def test_department_code_with_invalid_characters_names_the_field(admin, norrkoping):
    with pytest.raises(services.ServiceError) as error:
        services.do_create_department(actor=admin, organisation=norrkoping, code="Ut b!", name="X")
    assert error.value.field == "code"


def test_business_owner_may_not_create_departments(owner, norrkoping):
    with pytest.raises(PermissionDenied):
        services.do_create_department(actor=owner, organisation=norrkoping, code="X", name="X")


def test_admin_of_another_organisation_may_not_edit_a_department(outsider, utbildning):
    with pytest.raises(PermissionDenied):
        services.do_update_department(
            actor=outsider, department=utbildning, code="UTB", name="Hijacked", kind="department"
        )
    utbildning.refresh_from_db()
    assert utbildning.name == "Utbildningskontoret"


def test_renaming_a_department_records_before_and_after(admin, utbildning):
    services.do_update_department(
        actor=admin, department=utbildning, code="UTB", name="Utbildning", kind="department"
    )
    event = AuditEvent.objects.get(action="department.updated")
    assert event.before["name"] == "Utbildningskontoret"
    assert event.after["name"] == "Utbildning"
    assert [f for f, _, _ in event.changed_fields] == ["name"]


def test_archiving_a_department_is_its_own_audit_action(admin, utbildning):
    services.do_update_department(
        actor=admin,
        department=utbildning,
        code="UTB",
        name=utbildning.name,
        kind="department",
        is_active=False,
    )
    assert AuditEvent.objects.filter(action="department.archived").count() == 1


def test_saving_a_department_unchanged_writes_no_audit_event(admin, utbildning):
    services.do_update_department(
        actor=admin,
        department=utbildning,
        code="UTB",
        name=utbildning.name,
        kind=utbildning.kind,
        description=utbildning.description,
    )
    assert not AuditEvent.objects.filter(action__startswith="department.").exists()


def test_inviting_a_new_person_creates_an_account_without_password_and_mails_a_link(
    admin, utbildning, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.do_invite_member(
            actor=admin,
            organisation=utbildning.organisation,
            email="Ny.Person@Norrkoping.se",
            full_name="Ny Person",
            role=Role.ECONOMIST,
            department=utbildning,
        )
    user = membership.user
    assert user.email == "ny.person@norrkoping.se"
    assert not user.has_usable_password()
    membership.refresh_from_db()
    assert membership.invitation_sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ny.person@norrkoping.se"]
    assert "/accounts/reset/" in mail.outbox[0].body
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.created", "membership.created"} <= actions


def test_inviting_a_known_person_reuses_their_account(
    admin, owner, kultur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.do_invite_member(
            actor=admin,
            organisation=kultur.organisation,
            email=owner.email.upper(),
            role=Role.VIEWER,
            department=kultur,
        )
    assert membership.user == owner
    assert "/accounts/login/" in mail.outbox[0].body


def test_invalid_email_is_refused_naming_the_field(admin, utbildning):
    with pytest.raises(services.ServiceError) as error:
        services.do_invite_member(
            actor=admin,
            organisation=utbildning.organisation,
            email="inte-en-adress",
            role=Role.VIEWER,
            department=utbildning,
        )
    assert error.value.field == "email"
    assert not User.objects.filter(email="inte-en-adress").exists()


def test_the_same_role_twice_is_refused(admin, owner, utbildning):
    with pytest.raises(services.ServiceError) as error:
        services.do_invite_member(
            actor=admin,
            organisation=utbildning.organisation,
            email=owner.email,
            role=Role.BUSINESS_OWNER,
            department=utbildning,
        )
    assert error.value.field == "email"


def test_security_officer_cannot_be_tied_to_one_department(admin, utbildning):
    with pytest.raises(services.ServiceError) as error:
        services.do_invite_member(
            actor=admin,
            organisation=utbildning.organisation,
            email="s@norrkoping.se",
            role=Role.SECURITY_OFFICER,
            department=utbildning,
        )
    assert error.value.field == "department"
    assert not Membership.objects.filter(user__email="s@norrkoping.se").exists()


def test_a_department_of_another_organisation_is_refused(admin, norrkoping, other_department):
    with pytest.raises(services.ServiceError) as error:
        services.do_invite_member(
            actor=admin,
            organisation=norrkoping,
            email="x@norrkoping.se",
            role=Role.VIEWER,
            department=other_department,
        )
    assert error.value.field == "department"


def test_removing_the_last_organisation_admin_is_refused(admin, norrkoping):
    membership = admin.memberships.get()
    with translation.override("en"), pytest.raises(services.ServiceError) as error:
        services.do_remove_membership(actor=admin, membership=membership)
    assert "at least one organisation admin" in error.value.message
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditEvent.objects.filter(action="membership.removed").exists()


def test_demoting_the_last_organisation_admin_is_refused(admin, norrkoping):
    membership = admin.memberships.get()
    with pytest.raises(services.ServiceError):
        services.do_change_membership(
            actor=admin, membership=membership, role=Role.VIEWER, department=None
        )
    membership.refresh_from_db()
    assert membership.role == Role.ORG_ADMIN


def test_an_inactive_second_admin_does_not_count(admin, norrkoping):
    other = MembershipFactory(organisation=norrkoping, role=Role.ORG_ADMIN)
    other.user.is_active = False
    other.user.save()
    with pytest.raises(services.ServiceError):
        services.do_remove_membership(actor=admin, membership=admin.memberships.get())


def test_with_two_admins_one_may_step_down(admin, norrkoping):
    MembershipFactory(organisation=norrkoping, role=Role.ORG_ADMIN)
    services.do_remove_membership(actor=admin, membership=admin.memberships.get())
    event = AuditEvent.objects.get(action="membership.removed")
    assert event.before["role"] == Role.ORG_ADMIN
    assert event.after is None


def test_changing_a_role_records_before_and_after(admin, owner, utbildning):
    membership = owner.memberships.get()
    services.do_change_membership(
        actor=admin, membership=membership, role=Role.ECONOMIST, department=utbildning
    )
    event = AuditEvent.objects.get(action="membership.changed")
    assert event.before["role"] == Role.BUSINESS_OWNER
    assert event.after["role"] == Role.ECONOMIST


def test_audit_events_cannot_be_rewritten(admin, norrkoping):
    services.do_create_department(actor=admin, organisation=norrkoping, code="X1", name="X")
    event = AuditEvent.objects.get()
    event.action = "tampered"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_create_organisation_sets_up_its_first_admin(django_capture_on_commit_callbacks, db):
    with django_capture_on_commit_callbacks(execute=True):
        organisation = services.do_create_organisation(
            actor=None,
            code="Motala",
            name="Motala kommun",
            kind="municipality",
            admin_email="it@motala.se",
        )
    assert organisation.code == "motala"
    membership = Membership.objects.get(organisation=organisation)
    assert membership.role == Role.ORG_ADMIN and membership.department is None
    assert AuditEvent.objects.get(action="organisation.created").actor_label == "system"
    assert mail.outbox[0].to == ["it@motala.se"]
