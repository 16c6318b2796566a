"""Who gets what at every URL: the table in ``access_matrix`` tried for real.

Every URL pattern of the resolver is requested with GET and POST (empty body) by every role
of Norrköping, by an admin of another municipality and by an anonymous visitor, with its
parameters filled from one shared world: Norrköping with the departments UTB and KUF, and
Linköping, each with an asset, a classification, a consensus session, an initiative with a
benefit model and tracking, report and export jobs, a saved portfolio scenario and members.
Norrköping's objects live in UTB, so UTB's members and the organisation-wide roles are the
insiders, KUF's viewer the neighbour and Linköping's admin the outsider. Then every role of
Norrköping asks for Linköping's objects, which must not exist for them (404).

A new URL without an entry in the table fails ``test_every_url_has_an_entry``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import get_resolver

from api.tokens import do_create_token
from assessments import consensus, services
from benefits import defaults, tracking
from benefits import services as benefit_services
from klassa_app.models import ExternalIdentity, Membership, Notification, Role
from portfolio import services as portfolio_services
from tests.factories import (
    DepartmentFactory,
    IdentityProviderFactory,
    MembershipFactory,
    OrganisationFactory,
    PortfolioReportJobFactory,
    RegisterExportJobFactory,
    RegisterImportJobFactory,
    ReportJobFactory,
    SpreadsheetExportJobFactory,
    UserFactory,
)
from tests.klassa_app import access_matrix as table
from tests.klassa_app.helpers import concrete_url, walk_urls

pytestmark = pytest.mark.django_db

LOGIN_PATH = "/accounts/login/"
BACKEND = "klassa_app.auth_backends.KlassaModelBackend"


@dataclass
class Side:
    """One organisation's objects, by the name of the URL parameter they fill."""

    organisation: Any
    department: Any
    people: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)


def _person(organisation, role: str, department=None, email: str = ""):
    user = UserFactory(email=email) if email else UserFactory()
    MembershipFactory(user=user, organisation=organisation, department=department, role=role)
    return user


def _side(code: str, name: str) -> Side:
    organisation = OrganisationFactory(code=code, name=name)
    utb = DepartmentFactory(organisation=organisation, code="UTB", name=f"Utbildning {code}")
    kuf = DepartmentFactory(organisation=organisation, code="KUF", name=f"Kultur {code}")
    side = Side(organisation=organisation, department=utb)
    side.people = {
        "admin": _person(organisation, Role.ORG_ADMIN, email=f"admin@{code}.se"),
        "officer": _person(organisation, Role.SECURITY_OFFICER),
        "owner": _person(organisation, Role.BUSINESS_OWNER, utb),
        "lawyer": _person(organisation, Role.LEGAL_REVIEWER, utb),
        "dpo": _person(organisation, Role.DPO),
        "economist": _person(organisation, Role.ECONOMIST, utb),
        "viewer": _person(organisation, Role.VIEWER, kuf),
        "auditor": _person(organisation, Role.VIEWER),
    }
    p = side.people
    # Marked names: a page that shows them to someone who should not see them is a leak.
    draft_asset = services.do_create_asset(
        actor=p["owner"],
        department=utb,
        code="ELEV",
        name=f"Elevregister {table.SECRET}-{code}",
        personal_data="yes",
    )
    draft = services.do_start_assessment(actor=p["owner"], asset=draft_asset)
    session_asset = services.do_create_asset(
        actor=p["owner"],
        department=utb,
        code="NARV",
        name=f"Närvaro {table.SECRET}-{code}",
        personal_data="yes",
    )
    session = consensus.do_open_session(
        actor=p["officer"],
        assessment=services.do_start_assessment(actor=p["owner"], asset=session_asset),
        participants=[
            (p["owner"], consensus.Role.BUSINESS_OWNER),
            (p["lawyer"], consensus.Role.LEGAL_REVIEWER),
            (p["dpo"], consensus.Role.DPO),
        ],
    )
    initiative = services.do_create_initiative(
        actor=p["owner"], department=utb, code="EDU-A", name=f"Lärplattform {table.SECRET}-{code}"
    )
    services.do_set_initiative_assets(actor=p["owner"], initiative=initiative, assets=[draft_asset])
    services.do_set_adjustment(
        actor=p["officer"],
        initiative=initiative,
        aspect_code="K",
        level=2,
        reason="cumulation",
        justification="Många elevers uppgifter samlas i samma system",
    )
    model = benefit_services.do_save_benefit_model(
        actor=p["owner"],
        initiative=initiative,
        document=defaults.load(defaults.NORRKOPING_EDUCATION),
        lock_version=None,
    )
    tracking.do_save_tracking(
        actor=p["owner"],
        model=model,
        lever_name=model.document["levers"][0]["name"],
        owner=p["economist"],
        indicator="Frigjord tid",
        unit="kr",
        baseline="0",
    )
    scenario = portfolio_services.do_save_scenario(
        actor=p["admin"], organisation=organisation, name=f"Plan {code}"
    )
    provider = IdentityProviderFactory(organisation=organisation)
    side.objects = {
        "department": utb,
        "member": Membership.objects.get(user=p["lawyer"]),
        "asset": draft_asset,
        "assessment": draft,
        "session": session,
        "initiative": initiative,
        "report": ReportJobFactory(initiative=initiative, requested_by=p["owner"]),
        "register_export": RegisterExportJobFactory(
            organisation=organisation, requested_by=p["admin"]
        ),
        "register_import": RegisterImportJobFactory(
            organisation=organisation, requested_by=p["admin"]
        ),
        "scenario": scenario,
        "roadmap_scenario": portfolio_services.do_save_roadmap_scenario(
            actor=p["admin"], organisation=organisation, name=f"Färdplan {code}"
        ),
        "notification": Notification.objects.get(recipient=p["owner"], object_id=session.pk),
        "portfolio_export": PortfolioReportJobFactory(
            organisation=organisation, created_by=p["admin"]
        ),
        "api_token": do_create_token(
            actor=p["admin"], organisation=organisation, name=f"BI {code}", scope="read", days=30
        ).token,
        "identity_provider": provider,
        "external_identity": ExternalIdentity.objects.create(
            user=p["auditor"], provider_key=provider.key, subject=f"oid-auditor-{code}"
        ),
        "spreadsheet_export": SpreadsheetExportJobFactory(
            organisation=organisation, requested_by=p["admin"]
        ),
    }
    return side


@dataclass
class World:
    home: Side
    foreign: Side
    sessions: dict[str, str] = field(default_factory=dict)

    def user(self, role: str):
        if role == "outsider":
            return self.foreign.people["admin"]
        return self.home.people[role]

    def log_in_everyone(self) -> None:
        """One login session per role, kept for the module: a test only sends its cookie."""
        for role in table.ROLES:
            if role != "anonymous":
                client = Client()
                client.force_login(self.user(role), backend=BACKEND)
                self.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at its end; each
    test runs in a savepoint inside it, so a POST that changes something changes it for that
    test only."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    media.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = World(
                home=_side("norrkoping", "Norrköpings kommun"),
                foreign=_side("linkoping", "Linköpings kommun"),
            )
            built.log_in_everyone()
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            media.disable()


# --- URLs and their parameters -----------------------------------------------------------------

# Which object a ``pk`` fills, by the start of the route.
PK_BY_PREFIX = (
    ("departments/", "department"),
    ("members/", "member"),
    ("accounts/two-factor/members/", "member"),
    ("assets/", "asset"),
    ("assessments/", "assessment"),
    ("sessions/", "session"),
    ("initiatives/", "initiative"),
    ("reports/", "report"),
    ("register/exports/", "register_export"),
    ("portfolio/scenarios/", "scenario"),
    ("portfolio/roadmap/scenarios/", "roadmap_scenario"),
    ("portfolio/exports/", "portfolio_export"),
    ("portfolio/initiatives/", "initiative"),
    ("notifications/", "notification"),
    ("organisation/api-tokens/", "api_token"),
    ("organisation/sign-in/providers/", "identity_provider"),
    ("organisation/sign-in/identities/", "external_identity"),
    ("exports/", "spreadsheet_export"),
)
# Other parameters, by (parameter, start of the route): codes of the default model.
VALUE_BY_PREFIX = {
    ("aspect", ""): "K",
    ("code", "classification/aspects/"): "K",
    ("code", "classification/requirements/"): "K-1-01",
    ("kind", "initiatives/"): "action_plan_xlsx",
    ("kind", "portfolio/"): "xlsx",
    ("kind", "exports/"): "assets",
    ("uidb64", "accounts/"): "MQ",
    ("token", "accounts/"): "set-password",
    ("token", "guest/"): "not-a-guest-link",
    ("requirement_code", "api/"): "K-1-01",
    ("provider", "accounts/"): "installation",
}
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
# The API names its object parameters after the object (``/api/v1/assets/<asset_id>``).
API_PK = {
    "department_id": "department",
    "asset_id": "asset",
    "assessment_id": "assessment",
    "initiative_id": "initiative",
    "export_id": "register_export",
    "import_id": "register_import",
}


def routes() -> dict[str, str]:
    """Every URL name of the resolver with its route; the technical admin's unnamed
    redirects under their route."""
    found: dict[str, str] = {}
    for name, route in walk_urls(get_resolver().url_patterns):
        found.setdefault(name or route, route)
    return found


def _value(parameter: str, route: str, side: Side) -> str:
    if parameter in API_PK and route.startswith("api/"):
        return str(side.objects[API_PK[parameter]].pk)
    if parameter == "pk":
        for prefix, key in PK_BY_PREFIX:
            if route.startswith(prefix):
                return str(side.objects[key].pk)
    for (name, prefix), value in VALUE_BY_PREFIX.items():
        if name == parameter and route.startswith(prefix):
            return value
    raise LookupError(f"no value for <{parameter}> in {route!r}: add it to this module's tables")


def url_of(name: str, route: str, side: Side) -> str:
    if table.is_technical_admin(name):
        concrete = concrete_url(route)
        assert concrete is not None, route
        return concrete
    return "/" + PARAMETER.sub(lambda m: _value(m.group(2), route, side), route)


def has_objects(route: str) -> bool:
    return any(
        m.group(2) == "pk" or (route.startswith("api/") and m.group(2) in API_PK)
        for m in PARAMETER.finditer(route)
    )


# --- Requests ----------------------------------------------------------------------------------


def client_for(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def body_of(response) -> str:
    if response.streaming:
        # Reading it to the end closes the file; closing the response ourselves would send
        # request_finished, which closes the database connection in the middle of the world.
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def outcome(response) -> int | str:
    """The status, with redirects to a login page named as such."""
    if response.status_code == 302:
        if response.url.startswith(LOGIN_PATH):
            return table.LOGIN
        if response.url.startswith("/admin/login/"):
            return table.ADMIN_LOGIN
    return response.status_code


def request(client: Client, method: str, url: str):
    # An empty form: enough to reach the permission check, which comes before validation.
    return getattr(client, method.lower())(url)


ROUTES = routes()
CASES = [
    pytest.param(name, role, method, id=f"{name}-{role}-{method}")
    for name in ROUTES
    for role in table.ROLES
    for method in ("GET", "POST")
]
# Every role of Norrköping asking for Linköping's objects.
FOREIGN_CASES = [
    pytest.param(name, role, method, id=f"{name}-{role}-{method}")
    for name, route in ROUTES.items()
    if has_objects(route) and not table.is_technical_admin(name)
    for role in table.ROLES
    if role not in ("anonymous", "outsider")
    for method in ("GET", "POST")
]


def test_every_url_has_an_entry():
    missing = [name for name in ROUTES if table.expected(name) is None]
    assert not missing, f"add these URLs to tests/klassa_app/access_matrix.py: {missing}"
    stale = sorted(set(table.MATRIX) - set(ROUTES))
    assert not stale, f"entries for URLs that no longer exist: {stale}"


def test_every_entry_names_every_role():
    for name, row in table.MATRIX.items():
        assert set(row) == set(table.ROLES), f"{name}: {sorted(set(table.ROLES) ^ set(row))}"


@pytest.mark.parametrize(("name", "role", "method"), CASES)
def test_role_gets_the_expected_answer(world, name, role, method):
    row = table.expected(name)
    assert row is not None, f"{name} has no entry in access_matrix"
    wanted = row[role][0 if method == "GET" else 1]
    url = url_of(name, ROUTES[name], world.home)
    response = request(client_for(world, role), method, url)
    got = outcome(response)
    body = body_of(response)
    assert got == wanted, f"{method} {url} as {role}: got {got}, the table says {wanted}"
    for secret in table.MUST_NOT_SEE.get(role, ()):
        assert secret not in body, f"{method} {url} shows {role} {secret!r}"


@pytest.mark.parametrize(("name", "role", "method"), FOREIGN_CASES)
def test_another_organisations_object_does_not_exist(world, name, role, method):
    """404 for Linköping's object, whatever the role; only a method the URL never answers
    is refused as such (405) first."""
    row = table.expected(name)
    assert row is not None, f"{name} has no entry in access_matrix"
    wanted = 405 if row[role][0 if method == "GET" else 1] == 405 else 404
    url = url_of(name, ROUTES[name], world.foreign)
    response = request(client_for(world, role), method, url)
    got = outcome(response)
    body_of(response)
    assert got == wanted, f"{method} {url} (Linköping's) as Norrköping's {role}: got {got}"


@pytest.mark.parametrize(
    ("role", "name", "organisation"),
    [
        ("owner", "asset_list", "norrkoping"),
        ("auditor", "initiative_list", "norrkoping"),
        ("admin", "portfolio_dashboard", "norrkoping"),
        ("outsider", "asset_list", "linkoping"),
    ],
)
def test_the_marked_names_show_to_those_who_may_see_them(world, role, name, organisation):
    """The leak check above looks for these names; here they are where they belong, so
    its silence means something."""
    response = request(client_for(world, role), "GET", url_of(name, ROUTES[name], world.home))
    assert response.status_code == 200
    assert f"{table.SECRET}-{organisation}" in body_of(response)
