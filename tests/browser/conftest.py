"""Fixtures for the browser tests: Chromium through Playwright against a live server.

Run them with ``pytest -m browser tests/browser``. They use Debian's Chromium, never a
browser downloaded by Playwright.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from assessments import services as assessment_services
from benefits import defaults, services, tracking
from klassa_app.models import Role
from tests.factories import (
    PASSWORD,
    DepartmentFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}

# Records Content-Security-Policy violations in every page of a context, from the first
# script that runs, so the tests can read them with ``csp_violations(page)``.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push({
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
"""


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
    # the database queries the tests and fixtures make while it runs. Only for as long as
    # the browser lives, so that the rest of the suite keeps Django's check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _browser_settings(settings):
    # The lockout test counts on the documented default.
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_RESET_ON_SUCCESS = True


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="sv-SE")
    context.add_init_script(CSP_LISTENER)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def phone_context(browser):
    context = browser.new_context(
        locale="sv-SE", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    context.add_init_script(CSP_LISTENER)
    yield context
    context.close()


@pytest.fixture
def phone_page(phone_context):
    page = phone_context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def organisation(transactional_db):
    return OrganisationFactory(code="norrkoping", name="Norrköpings kommun")


@pytest.fixture
def departments(organisation):
    return [
        DepartmentFactory(organisation=organisation, code="UTB", name="Utbildningskontoret"),
        DepartmentFactory(
            organisation=organisation, code="KUF", name="Kultur- och fritidskontoret"
        ),
    ]


@pytest.fixture
def org_admin(organisation, departments):
    """An organisation admin of a municipality with two departments."""
    user = UserFactory(email="admin@norrkoping.se", full_name="Anna Admin")
    MembershipFactory(user=user, organisation=organisation, department=None, role=Role.ORG_ADMIN)
    return user


def url(live_server, path: str) -> str:
    return f"{live_server.url}{path}"


def login(page, live_server, email: str, password: str = PASSWORD):
    """Log in through the login form; returns the response of the form's POST."""
    page.goto(url(live_server, "/accounts/login/"))
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation() as navigation:
        page.click("form[action$='/accounts/login/'] button[type=submit]")
    return navigation.value


def csp_violations(page) -> list[dict]:
    return page.evaluate("window.__cspViolations || []")


# --- Shared by several browser test modules ------------------------------------------------


BLOCKING_IMPACTS = {"critical", "serious"}


def axe_violations(page) -> list[dict]:
    return [v for v in Axe().run(page).response["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(found: dict[str, list[dict]]) -> str:
    lines = []
    for path, violations in found.items():
        if not violations:
            continue
        lines.append(f"{path}:")
        for violation in violations:
            lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']!r}")
    return "\n".join(lines)


def overflowing_elements(page, width: int = PHONE["width"]) -> list[str]:
    """Elements whose right edge is beyond the viewport, for the failure message."""
    return page.evaluate(
        """(width) => Array.from(document.querySelectorAll('body *'))
            .filter((el) => el.getBoundingClientRect().right > width + 0.5)
            .filter((el) => !el.closest('.table-responsive'))
            .slice(0, 10)
            .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                 + (el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                 + ' right=' + Math.round(el.getBoundingClientRect().right))""",
        width,
    )


@pytest.fixture
def tracked_initiative(org_admin, departments):
    """The Norrköping education model with a tracked lever and amounts of the demo's size."""
    initiative = assessment_services.do_create_initiative(
        actor=org_admin, department=departments[0], code="EDU-A", name="Personal dashboard"
    )
    document = json.loads(defaults.NORRKOPING_EDUCATION.read_text(), parse_float=Decimal)
    model = services.do_save_benefit_model(
        actor=org_admin, initiative=initiative, document=document, lock_version=None
    )
    year = timezone.localdate().year
    lever = tracking.do_save_tracking(
        actor=org_admin,
        model=model,
        lever_name=document["levers"][0]["name"],
        owner=None,
        indicator="Value of administration time freed for school managers",
        unit="kr",
        start_year=year,
    )
    tracking.do_save_years(
        actor=org_admin,
        tracking=lever,
        values={year: tracking.YearValues(Decimal("2051895.93"), Decimal("1949301.13"))},
    )
    return initiative


# The smallest rendered font size, in CSS pixels, of the texts of an SVG chart.
SMALLEST_CHART_TEXT = """(selector) => {
    const svg = document.querySelector(selector);
    const scale = svg.getScreenCTM().a;
    return Math.min(...Array.from(svg.querySelectorAll('text')).map(
        (t) => parseFloat(getComputedStyle(t).fontSize) * scale));
}"""


@pytest.fixture
def new_page(browser):
    """A page in a browser context of its own (its own cookies: one person each)."""
    contexts = []

    def make():
        context = browser.new_context(locale="sv-SE")
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def choose_answers(page, session, level: int) -> None:
    """Choose, for every question, the highest option up to ``level``."""
    from assessments.models import Question

    questions = Question.objects.filter(bank=session.assessment.question_bank).prefetch_related(
        "options"
    )
    for question in questions:
        option = max((o for o in question.options.all() if o.level <= level), key=lambda o: o.level)
        page.check(f"input[name='answer_{question.code}'][value='{option.pk}']")
