"""Personas shared by every test.

Norrköping has two departments, Utbildning and Kultur. The cast:
- ``admin``: organisation admin of Norrköping;
- ``officer``: information-security officer of Norrköping (sees the whole organisation);
- ``owner``: business owner in Utbildning; ``lawyer``: legal reviewer in Utbildning;
- ``culture_viewer``: viewer in Kultur only;
- ``outsider``: organisation admin of another municipality.

Fixtures used by the tests of more than one app live here too: the demo data, the portfolio
of four initiatives, a register made in the UI, and files kept in a temporary media root.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils.module_loading import import_string
from hypothesis import settings as hypothesis_settings

from assessments import services
from assessments.models import Area, InformationAsset
from klassa_app.models import Organisation, Role
from portfolio.models import PortfolioSettings
from tests.factories import (
    PASSWORD,
    DepartmentFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    answer_all,
)
from tests.helpers import BUDGET, make_initiative

# Hypothesis profiles, chosen by HYPOTHESIS_PROFILE: ``dev`` (the default) keeps a local run
# short; ``ci`` (set by .ci/run) draws Hypothesis's usual 100 cases (the CI run must stay
# under 30 minutes, and it runs the suite twice), has no deadline, because timings on a
# shared CI machine are noise, and prints the blob that reproduces a failure. A property's
# own ``@settings(max_examples=…)`` still wins: those counts were chosen for that property.
hypothesis_settings.register_profile("dev", max_examples=50)
hypothesis_settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


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


# --- Shared by the tests of several apps -----------------------------------------------------


@pytest.fixture
def _media_in_tmp(settings, tmp_path):
    """Files built by the tests (reports, exports) go to a temporary media root; a module
    asks for it with ``pytestmark = pytest.mark.usefixtures("_media_in_tmp")``."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(db):
    """Every demo loader run, as ``manage.py load_demo`` does; Norrköping."""
    for loader in django_settings.KLASSA_DEMO_LOADERS:
        import_string(loader)(actor=None)
    return Organisation.objects.get(code="norrkoping")


@pytest.fixture
def portfolio_data(norrkoping, utbildning, kultur):
    """UTB: EDU-A (best value), EDU-B, EDU-C; KUF: KUF-A (not ready). Budget 10 mn: EDU-A
    and EDU-B fit (4 + 5 mn), EDU-C (3 mn) does not after them."""
    education = Area.objects.create(organisation=norrkoping, name="Education")
    culture = Area.objects.create(organisation=norrkoping, name="Culture")
    PortfolioSettings.objects.create(organisation=norrkoping, budget=BUDGET, scenario="medium")
    return {
        "EDU-A": make_initiative(
            utbildning,
            "EDU-A",
            area=education,
            internal=30_000_000,
            external=1_000_000,
            cost=4_000_000,
        ),
        "EDU-B": make_initiative(
            utbildning, "EDU-B", area=education, internal=20_000_000, cost=5_000_000
        ),
        "EDU-C": make_initiative(
            utbildning, "EDU-C", area=education, internal=6_000_000, cost=3_000_000
        ),
        "KUF-A": make_initiative(
            kultur, "KUF-A", area=culture, internal=9_000_000, cost=1_000_000, ready=False
        ),
    }


@pytest.fixture
def register_made_in_the_ui(owner, officer, utbildning):
    """An approved and a draft asset classified in the wizard, and an adjusted initiative."""
    elev = services.do_create_asset(
        actor=owner,
        department=utbildning,
        code="ELEV",
        name="Elevregister",
        description="Elevernas identitet och klass",
        personal_data="special_categories",
        secrecy=True,
        secrecy_reference="OSL 23 kap. 2 §",
    )
    assessment = answer_all(
        owner,
        services.do_start_assessment(actor=owner, asset=elev),
        {"K": 1, "R": 2, "T": 2, "S": 1},
    )
    services.do_approve_assessment(actor=officer, assessment=assessment)
    narv = services.do_create_asset(
        actor=owner, department=utbildning, code="NARV", name="Närvaro", personal_data="yes"
    )
    answer_all(owner, services.do_start_assessment(actor=owner, asset=narv), {"K": 1, "T": 3})
    initiative = services.do_create_initiative(
        actor=owner, department=utbildning, code="EDU-A", name="Personal dashboard", area="Utb"
    )
    services.do_set_initiative_assets(
        actor=owner,
        initiative=initiative,
        assets=InformationAsset.objects.filter(code__in=["ELEV", "NARV"]),
    )
    services.do_set_adjustment(
        actor=owner,
        initiative=initiative,
        aspect_code="R",
        level=3,
        reason="dependency",
        justification="Andra system läser registret",
    )
    services.do_create_initiative(actor=owner, department=utbildning, code="EDU-Z", name="Tom")
    return utbildning.organisation
