"""Personas shared by every test.

Norrköping has two departments, Utbildning and Kultur. The cast:
- ``admin``: organisation admin of Norrköping;
- ``officer``: information-security officer of Norrköping (sees the whole organisation);
- ``owner``: business owner in Utbildning; ``lawyer``: legal reviewer in Utbildning;
- ``culture_viewer``: viewer in Kultur only;
- ``outsider``: organisation admin of another municipality.
"""

from __future__ import annotations

import pytest
from django.test import Client

from klassa_app.models import Role
from tests.factories import (
    PASSWORD,
    DepartmentFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fresh_install_defaults(settings):
    # Tests see the same defaults as a fresh install: Swedish UI, demo mode on, in-process
    # tasks, e-mail kept in memory. Tasks run inside the request rather than in a background
    # thread after it, so that a request's work is done when it returns.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.KLASSA_TASKS_INLINE = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def norrkoping(db):
    return OrganisationFactory(code="norrkoping", name="Norrköpings kommun")


@pytest.fixture
def utbildning(norrkoping):
    return DepartmentFactory(organisation=norrkoping, code="UTB", name="Utbildningskontoret")


@pytest.fixture
def kultur(norrkoping):
    return DepartmentFactory(
        organisation=norrkoping, code="KUF", name="Kultur- och fritidskontoret"
    )


@pytest.fixture
def other_municipality(db):
    return OrganisationFactory(code="linkoping", name="Linköpings kommun")


@pytest.fixture
def other_department(other_municipality):
    return DepartmentFactory(organisation=other_municipality, code="UTB", name="Utbildning LKPG")


def _member(organisation, role, department=None, **user_fields):
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, department=department, role=role)
    return user


@pytest.fixture
def admin(norrkoping):
    return _member(norrkoping, Role.ORG_ADMIN, email="admin@norrkoping.se", full_name="Anna Admin")


@pytest.fixture
def officer(norrkoping):
    return _member(norrkoping, Role.SECURITY_OFFICER, email="sakerhet@norrkoping.se")


@pytest.fixture
def owner(utbildning):
    return _member(
        utbildning.organisation, Role.BUSINESS_OWNER, utbildning, email="agare@norrkoping.se"
    )


@pytest.fixture
def lawyer(utbildning):
    return _member(
        utbildning.organisation, Role.LEGAL_REVIEWER, utbildning, email="jurist@norrkoping.se"
    )


@pytest.fixture
def culture_viewer(kultur):
    return _member(kultur.organisation, Role.VIEWER, kultur, email="lasare@norrkoping.se")


@pytest.fixture
def outsider(other_department):
    return _member(other_department.organisation, Role.ORG_ADMIN, email="admin@linkoping.se")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="klassa_app.auth_backends.KlassaModelBackend")
    return client


@pytest.fixture
def as_user():
    return logged_in
