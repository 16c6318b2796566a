"""Layout rules every page depends on: the grouped menu, table cells that never split an
amount, and audit values shown as recorded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from klassa_app import audit
from klassa_app.models import AuditEvent

APP_CSS = Path(settings.BASE_DIR) / "klassa_app" / "static" / "klassa" / "app.css"

pytestmark = pytest.mark.django_db


def test_table_cells_never_break_inside_a_word_or_an_amount():
    css = APP_CSS.read_text()
    # "anywhere" let columns shrink below their longest word: "8 000 0|00 kr", "Förv|altning".
    assert "overflow-wrap: anywhere" not in css and "overflow-wrap:anywhere" not in css
    assert ".table td, .table th { overflow-wrap: break-word; }" in css
    assert re.search(r"\.table td\.text-end[^{]*\{ white-space: nowrap;", css)


def test_the_admins_menu_groups_its_links_in_dropdowns(as_user, admin):
    html = as_user(admin).get(reverse("home")).content.decode()
    nav = html[html.index('id="main-nav"') : html.index("</nav>")]
    # Few top-level entries, so that the bar fits from 1200 px (navbar-expand-xl).
    assert "navbar-expand-xl" in html
    assert nav.count('class="nav-item dropdown"') == 4  # three groups and the user menu
    for name in ("asset_list", "frameworks_overview", "portfolio_dashboard", "benefits_behind"):
        assert re.search(rf'<a class="dropdown-item" href="{reverse(name)}"', nav), name
    for name in ("member_list", "audit_log"):
        assert f'<a class="dropdown-item" href="{reverse(name)}"' in nav, name
    for name in ("home", "department_list", "initiative_list"):
        assert re.search(rf'<a class="nav-link[^"]*"[^>]* href="{reverse(name)}"', nav), name


def test_the_current_page_is_marked_inside_its_dropdown(as_user, admin):
    html = as_user(admin).get(reverse("audit_log")).content.decode()
    assert re.search(
        r'<button class="nav-link dropdown-toggle btn btn-link active"[^>]*'
        r'id="nav-administration"',
        html,
    )
    assert (
        f'<a class="dropdown-item active" aria-current="page" href="{reverse("audit_log")}"' in html
    )


def test_a_business_owner_gets_no_administration_menu(as_user, owner):
    html = as_user(owner).get(reverse("home")).content.decode()
    assert 'id="nav-administration"' not in html
    assert f'href="{reverse("audit_log")}"' not in html


def test_the_organisation_name_stays_reachable_when_the_bar_is_narrow(as_user, admin, norrkoping):
    html = as_user(admin).get(reverse("home")).content.decode()
    # In the bar from 1350 px, in the user menu between 1200 and 1350 px (app.css).
    assert re.search(rf'class="nav-item nav-org-bar">.*?{norrkoping.name}', html)
    assert re.search(rf'class="dropdown-header nav-org-menu">{norrkoping.name}<', html)
    css = APP_CSS.read_text()
    assert "@media (min-width: 1200px) and (max-width: 1349.98px)" in css


def test_audit_values_show_years_without_a_thousands_separator(as_user, admin, norrkoping):
    audit.record(
        actor=admin,
        organisation=norrkoping,
        action="portfolio.settings_saved",
        obj=norrkoping,
        before={"year": 2026, "budget": 50000000},
        after={"year": 2027, "budget": 60000000},
    )
    assert AuditEvent.objects.filter(action="portfolio.settings_saved").exists()
    html = as_user(admin).get(reverse("audit_log")).content.decode()
    assert "<strong>year</strong>: <del>2026</del> → 2027" in html
    assert "2\xa0027" not in html and "2 027" not in html
