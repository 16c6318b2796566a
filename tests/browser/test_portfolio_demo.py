"""The demo in Chromium: Norrköping's portfolio table reproduces the deck with all nine areas,
shows each initiative's readiness and an optimal selection within the demo budget."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from klassa_app.templatetags.klassa_format import money
from portfolio import selectors
from portfolio.report import portfolio_report
from tests.browser.conftest import login, url

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEMO_MODE = True
    call_command("load_demo")


def _cells(page, selector: str) -> list[str]:
    return [t.replace("\u00a0", " ").strip() for t in page.locator(selector).all_inner_texts()]


def test_the_admin_sees_the_decks_nine_areas_their_totals_readiness_and_a_selection(
    demo, page, live_server
):
    from klassa_app.models import Organisation

    login(page, live_server, "admin@norrkoping.demo", "demo-admin-2026")
    page.goto(url(live_server, "/portfolio/"))
    # The deck's nine areas and the shared platforms the roadmap plans first (no benefit).
    assert len(page.locator("tr[data-area]").all()) == 10
    smart_city = _cells(page, "tr[data-area='Smart stad'] td")
    assert smart_city[:3] == ["72 648 127 kr", "1 238 956 620 kr", "1 311 604 747 kr"]
    # The reference's seven-area row plus Smart building and Connected port (internal); NPV
    # and investment cost are the sums of the initiatives.
    totals = selectors.compute(Organisation.objects.get(code="norrkoping"), department_ids=None)
    assert _cells(page, "#portfolio-total td") == [
        "807 018 863 kr",
        "3 309 081 152 kr",
        "4 116 100 015 kr",
        money(totals.totals.npv).replace("\u00a0", " "),
        money(totals.totals.investment_cost).replace("\u00a0", " "),
        "",
    ]
    report = portfolio_report(Organisation.objects.get(code="norrkoping"))
    blocked = [row["code"] for row in report["initiatives"] if not row["ready"]]
    assert blocked and report["selection"]["codes"]
    for code in report["selection"]["codes"]:
        assert "Vald" in page.locator(f"#row-{code}").inner_text()
    # The blockers' links are folded into the readiness details of the row.
    assert page.locator(f"#row-{blocked[0]} .readiness-details a").count() >= 1
    assert page.locator(f"#row-{blocked[0]} a").count() >= 2
