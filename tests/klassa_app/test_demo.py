from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from klassa_app.demo import DEMO_USERS
from klassa_app.models import Department, Membership, Organisation, Role, User

pytestmark = pytest.mark.django_db


def test_demo_loader_creates_norrkoping_fyrbodal_and_one_user_per_role(settings):
    settings.DEMO_MODE = True
    call_command("load_demo")
    norrkoping = Organisation.objects.get(code="norrkoping")
    fyrbodal = Organisation.objects.get(code="fyrbodal")
    assert {"Utbildningskontoret", "Vård- och omsorgskontoret", "HR-avdelningen"} <= set(
        norrkoping.departments.values_list("name", flat=True)
    )
    members = fyrbodal.departments.filter(kind=Department.Kind.MEMBER)
    assert members.count() == 14
    assert {"Trollhättans stad", "Åmåls kommun", "Dals-Eds kommun"} <= set(
        members.values_list("name", flat=True)
    )
    roles = set(Membership.objects.filter(organisation=norrkoping).values_list("role", flat=True))
    assert roles == set(Role.values)


def test_every_demo_account_logs_in_with_its_documented_password(client, settings):
    settings.DEMO_MODE = True
    call_command("load_demo")
    for demo in DEMO_USERS:
        response = client.post(
            reverse("login"), {"username": demo.email, "password": demo.password}
        )
        assert response.status_code == 302, demo.email
        client.post(reverse("logout"))


def test_demo_loader_with_if_empty_leaves_an_existing_database_alone(settings):
    settings.DEMO_MODE = True
    Organisation.objects.create(code="motala", name="Motala kommun", kind="municipality")
    call_command("load_demo", "--if-empty")
    assert not Organisation.objects.filter(code="norrkoping").exists()


def test_demo_loader_can_run_twice_without_duplicates(settings):
    settings.DEMO_MODE = True
    call_command("load_demo")
    call_command("load_demo")
    assert User.objects.count() == len(DEMO_USERS)
    assert Department.objects.filter(organisation__code="fyrbodal", kind="member").count() == 14


def test_demo_loader_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("load_demo")
    assert not Organisation.objects.exists()


def test_create_organisation_command_reports_a_taken_code(settings):
    call_command(
        "create_organisation",
        "--code",
        "motala",
        "--name",
        "Motala kommun",
        "--admin-email",
        "it@motala.se",
    )
    with pytest.raises(CommandError, match="code"):
        call_command(
            "create_organisation",
            "--code",
            "motala",
            "--name",
            "Motala igen",
            "--admin-email",
            "it@motala.se",
        )
    assert Organisation.objects.filter(code="motala").count() == 1
