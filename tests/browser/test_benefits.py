"""The Fyrbodal Personal dashboard's benefit model in Chromium: the deck's investment room
in Swedish format, and an accessible page."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from assessments import services as assessment_services
from benefits import defaults, services
from tests.browser.conftest import axe_violations, describe, login, url

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def test_the_fyrbodal_dashboard_shows_the_deck_investment_room(
    page, live_server, org_admin, departments
):
    initiative = assessment_services.do_create_initiative(
        actor=org_admin, department=departments[0], code="FYR-EDU-A", name="Personal dashboard"
    )
    document = json.loads(defaults.FYRBODAL_PERSONAL_DASHBOARD.read_text(), parse_float=Decimal)
    services.do_save_benefit_model(
        actor=org_admin, initiative=initiative, document=document, lock_version=None
    )
    login(page, live_server, org_admin.email)
    page.goto(url(live_server, f"/initiatives/{initiative.pk}/benefits/"))
    medium = page.locator("td[data-room-medium]").all_inner_texts()
    assert [t.replace("\u00a0", " ") for t in medium] == [
        "17 152 752 kr",
        "34 305 503 kr",
        "51 458 255 kr",
    ]
    report = describe({"benefits": axe_violations(page)})
    assert not report, report
