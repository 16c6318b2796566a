"""Two-factor authentication with an authenticator app: setting it up with a first code,
verifying after the password, recovery codes that work once, new codes, turning it off, and an
organisation admin's reset of a member's second factor. Every step is an audit event."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from klassa_app.models import AuditEvent, Membership, Role
from klassa_app.signin import mfa
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    UserFactory,
    enrol_authenticator,
    totp_code,
)

pytestmark = pytest.mark.django_db


def login(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, "the password was refused"
    return response


def actions(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="user", object_id=str(user.pk))
        .filter(action__startswith="mfa.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None, f"no {action} event"
    return event


# --- Enrolment -------------------------------------------------------------------------------


def test_a_business_owner_sets_up_the_app_with_its_first_code(client, owner):
    login(client, owner)
    page = client.get(reverse("mfa_enrol"))
    assert page.status_code == 200
    key = client.session[mfa.PENDING_KEY_SESSION_KEY]
    html = page.content.decode()
    # The key for typing in, in groups of four, and the QR code drawn inline.
    assert mfa.secret_for_people(key) in html
    assert re.search(r"<svg [^>]*role=\"img\"", html)

    response = client.post(reverse("mfa_enrol"), {"code": totp_code(key)})

    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=owner)
    assert device.confirmed and device.key == key
    codes = response.context["codes"]
    assert len(codes) == mfa.RECOVERY_CODE_COUNT == len(set(codes))
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=owner).values_list("token", flat=True)
    )
    for code in codes:
        assert f"{code[:4]}-{code[4:]}" in response.content.decode()
    assert actions(owner) == ["mfa.enrolled"]
    assert last_event("mfa.enrolled").after["recovery_codes"] == 10
    # This session passed its second factor: every page is open.
    assert client.get(reverse("asset_list")).status_code == 200
    assert mfa.PENDING_KEY_SESSION_KEY not in client.session


def test_the_app_does_not_count_before_its_first_code(client, owner):
    login(client, owner)
    assert client.get(reverse("mfa_enrol")).status_code == 200
    assert not TOTPDevice.objects.filter(user=owner).exists()
    assert client.get(reverse("home")).status_code == 200  # no step owed


def test_a_wrong_first_code_sets_nothing_up_and_names_the_field(client, owner):
    login(client, owner)
    client.get(reverse("mfa_enrol"))
    key = client.session[mfa.PENDING_KEY_SESSION_KEY]
    wrong = f"{(int(totp_code(key)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_enrol"), {"code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not TOTPDevice.objects.filter(user=owner).exists()
    assert client.session[mfa.PENDING_KEY_SESSION_KEY] == key  # the same QR code still works


def test_the_qr_code_is_inline_svg_that_the_strict_csp_allows():
    svg = mfa.qr_svg("otpauth://totp/Klassa:a%40b.se?secret=ABC&issuer=Klassa")
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    for forbidden in ("style=", "<script", "data:", "href="):
        assert forbidden not in svg
    assert 'width="220"' in svg and "mm" not in svg


def test_the_qr_code_carries_the_account_and_the_issuer(owner):
    key = mfa.new_secret()
    uri = mfa.provisioning_uri(owner, key)
    assert uri.startswith("otpauth://totp/Klassa%3A")
    assert "issuer=Klassa" in uri
    assert f"secret={mfa.secret_for_people(key).replace(' ', '')}" in uri


# --- Verify ----------------------------------------------------------------------------------


def test_a_wrong_code_is_refused_audited_and_opens_nothing(client, owner):
    enrolment = enrol_authenticator(owner)
    login(client, owner)
    code = totp_code(enrolment.device.key, steps_ahead=1)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_verify"), {"code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert actions(owner)[-1] == "mfa.verify_failed"
    assert last_event("mfa.verify_failed").after["method"] == "totp"
    assert client.get(reverse("asset_list")).url.startswith(reverse("mfa_verify"))
    assert not mfa.session_is_verified(client.get(reverse("mfa_status")).wsgi_request)


def test_wrong_codes_are_throttled_even_before_a_right_one(client, owner):
    enrolment = enrol_authenticator(owner)
    login(client, owner)
    client.post(reverse("mfa_verify"), {"code": "000000"})

    # Straight after a wrong code even the right one waits (django-otp's back-off).
    right = totp_code(enrolment.device.key, steps_ahead=1)
    response = client.post(reverse("mfa_verify"), {"code": right})

    assert response.status_code == 200
    assert "Vänta" in response.context["form"].errors["code"][0]
    assert last_event("mfa.verify_failed").after["throttled"] is True
    # Once the wait is over, the right code gets in.
    TOTPDevice.objects.filter(user=owner).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=5)
    )
    assert client.post(reverse("mfa_verify"), {"code": right}).status_code == 302
    assert actions(owner)[-1] == "mfa.verified"


def test_a_recovery_code_works_once(client, owner):
    enrolment = enrol_authenticator(owner)
    code = enrolment.recovery_codes[0]
    login(client, owner)

    # Typed as shown (with the hyphen, in capitals) it still counts.
    response = client.post(reverse("mfa_verify"), {"code": f"{code[:4]}-{code[4:]}".upper()})

    assert response.status_code == 302
    assert client.get(reverse("asset_list")).status_code == 200
    assert last_event("mfa.recovery_code_used").after["remaining"] == 9
    client.post(reverse("logout"))
    login(client, owner)
    again = client.post(reverse("mfa_verify"), {"code": code})
    assert again.status_code == 200
    assert again.context["form"].errors["code"]
    assert last_event("mfa.verify_failed").after["method"] == "recovery_code"
    assert client.get(reverse("asset_list")).status_code == 302


def test_the_verify_page_sends_someone_without_an_app_on(client, owner):
    login(client, owner)
    response = client.get(reverse("mfa_verify"), {"next": reverse("asset_list")})
    assert response.status_code == 302
    assert response.url == reverse("asset_list")


def test_verify_does_not_follow_a_next_to_another_site(client, owner):
    enrolment = enrol_authenticator(owner)
    login(client, owner)
    response = client.post(
        reverse("mfa_verify"),
        {"code": totp_code(enrolment.device.key, steps_ahead=1), "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


# --- Recovery codes, disabling ---------------------------------------------------------------


def verified_client(client, user, key: str):
    login(client, user)
    response = client.post(reverse("mfa_verify"), {"code": totp_code(key, steps_ahead=1)})
    assert response.status_code == 302
    return client


def test_new_recovery_codes_are_shown_once_and_the_old_stop_working(client, owner):
    enrolment = enrol_authenticator(owner)
    verified_client(client, owner, enrolment.device.key)
    assert client.get(reverse("mfa_recovery_codes")).status_code == 200

    response = client.post(reverse("mfa_recovery_codes"))

    assert response.status_code == 200
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(enrolment.recovery_codes)
    stored = set(StaticToken.objects.filter(device__user=owner).values_list("token", flat=True))
    assert stored == set(new)
    assert actions(owner)[-1] == "mfa.recovery_codes_regenerated"
    # The status page counts them and never shows them again.
    status = client.get(reverse("mfa_status"))
    assert status.context["codes_left"] == 10
    assert f"{new[0][:4]}-{new[0][4:]}" not in status.content.decode()


def test_a_session_that_has_not_passed_its_second_factor_makes_no_new_codes(client, owner):
    enrol_authenticator(owner)
    login(client, owner)
    response = client.post(reverse("mfa_recovery_codes"))
    assert response.status_code == 302 and response.url == reverse("mfa_verify")
    assert "mfa.recovery_codes_regenerated" not in actions(owner)


def test_turning_off_needs_a_current_code(client, owner):
    enrolment = enrol_authenticator(owner)
    verified_client(client, owner, enrolment.device.key)

    refused = client.post(reverse("mfa_disable"), {"code": "123456"})
    assert refused.status_code == 200 and refused.context["form"].errors["code"]
    assert TOTPDevice.objects.filter(user=owner).exists()
    TOTPDevice.objects.filter(user=owner).update(throttling_failure_count=0)

    response = client.post(reverse("mfa_disable"), {"code": enrolment.recovery_codes[3]})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=owner).exists()
    assert not StaticToken.objects.filter(device__user=owner).exists()
    assert actions(owner)[-1] == "mfa.disabled"
    assert client.get(reverse("asset_list")).status_code == 200


def test_an_officer_cannot_turn_it_off_while_the_organisation_requires_it(
    client, officer, norrkoping
):
    enrolment = enrol_authenticator(officer)
    norrkoping.mfa_required = True
    norrkoping.save()
    verified_client(client, officer, enrolment.device.key)
    assert reverse("mfa_disable") not in client.get(reverse("mfa_status")).content.decode()

    response = client.post(reverse("mfa_disable"), {"code": enrolment.recovery_codes[0]})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert TOTPDevice.objects.filter(user=officer).exists()
    # The recovery code was not spent on a refusal.
    assert StaticToken.objects.filter(token=enrolment.recovery_codes[0]).exists()


# --- Reset by an organisation admin ----------------------------------------------------------


def test_an_admin_resets_a_members_lost_phone(as_user, admin, lawyer):
    enrol_authenticator(lawyer)
    membership = Membership.objects.get(user=lawyer)
    client = as_user(admin)
    edit = client.get(reverse("member_edit", args=[membership.pk])).content.decode()
    assert reverse("mfa_reset_member", args=[membership.pk]) in edit
    assert client.get(reverse("mfa_reset_member", args=[membership.pk])).status_code == 200

    response = client.post(reverse("mfa_reset_member", args=[membership.pk]))

    assert response.status_code == 302
    assert response.url == reverse("member_edit", args=[membership.pk])
    assert not TOTPDevice.objects.filter(user=lawyer).exists()
    assert not StaticToken.objects.filter(device__user=lawyer).exists()
    event = last_event("mfa.reset")
    assert (event.actor, event.object_id, event.after["reset_by"]) == (
        admin,
        str(lawyer.pk),
        admin.email,
    )


def test_resetting_a_member_without_a_second_factor_changes_nothing(as_user, admin, lawyer):
    membership = Membership.objects.get(user=lawyer)
    response = as_user(admin).post(reverse("mfa_reset_member", args=[membership.pk]))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="mfa.reset").exists()


def test_an_outsider_admin_finds_no_such_member_to_reset(as_user, outsider, lawyer):
    enrol_authenticator(lawyer)
    membership = Membership.objects.get(user=lawyer)
    client = as_user(outsider)
    assert client.get(reverse("mfa_reset_member", args=[membership.pk])).status_code == 404
    assert client.post(reverse("mfa_reset_member", args=[membership.pk])).status_code == 404
    assert TOTPDevice.objects.filter(user=lawyer).exists()
    assert not AuditEvent.objects.filter(action="mfa.reset").exists()


def test_a_business_owner_cannot_reset_a_colleague(as_user, owner, lawyer):
    enrol_authenticator(lawyer)
    membership = Membership.objects.get(user=lawyer)
    assert as_user(owner).post(reverse("mfa_reset_member", args=[membership.pk])).status_code == 404
    assert TOTPDevice.objects.filter(user=lawyer).exists()


# --- The member list's badge -----------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_the_member_list_marks_who_uses_two_factor_in_bounded_queries(
    as_user, admin, norrkoping, size, django_assert_max_num_queries
):
    people = [UserFactory(full_name=f"Person {i:02d}") for i in range(size)]
    for person in people:
        MembershipFactory(user=person, organisation=norrkoping, role=Role.VIEWER)
    for person in people[::3]:
        enrol_authenticator(person)
    client = as_user(admin)
    client.get(reverse("member_list"))

    with django_assert_max_num_queries(12):
        response = client.get(reverse("member_list"))

    rows = list(response.context["page_obj"])
    marked = {m.user_id for m in rows if m.has_mfa}
    assert marked == {p.pk for p in people[::3]}
    assert response.content.decode().count(">2FA<") == len(marked)


def test_each_organisation_of_the_person_sees_the_events_with_readable_names(
    as_user, admin, owner, norrkoping, other_municipality
):
    MembershipFactory(user=owner, organisation=other_municipality, role=Role.VIEWER)

    enrol_authenticator(owner)

    trail = AuditEvent.objects.filter(action="mfa.enrolled", object_id=str(owner.pk))
    assert {e.organisation_id for e in trail} == {norrkoping.pk, other_municipality.pk}
    page = as_user(admin).get(reverse("audit_log"), {"action": "mfa.enrolled"})
    assert "Tvåstegsverifiering införd" in page.content.decode()
    assert owner.email in page.content.decode()
