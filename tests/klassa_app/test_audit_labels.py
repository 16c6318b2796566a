"""Every audit action the code records has a readable, translated name on the audit page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from klassa_app import audit
from klassa_app.audit_labels import ACTION_LABELS, action_label

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = {code.split(".")[0] for code in ACTION_LABELS}
# String literals of those domains that are not actions (field paths, attribute names).
NOT_ACTIONS = {
    "organisation.code",
    "organisation.name",
    "portfolio.budget",
    "portfolio.scenario",
    "portfolio.year",
    "portfolio.urls",
}


def _recorded_actions() -> set[str]:
    found: set[str] = set()
    for app in ("klassa_app", "assessments", "benefits", "portfolio"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for match in re.finditer(r'"([a-z_]+)\.([a-z_]+)"', path.read_text(encoding="utf-8")):
                if match.group(1) in DOMAINS:
                    found.add(f"{match.group(1)}.{match.group(2)}")
    return found - NOT_ACTIONS


def test_every_action_in_the_code_has_a_readable_name():
    assert _recorded_actions() - set(ACTION_LABELS) == set()


def test_an_unknown_action_code_is_shown_as_it_is():
    assert action_label("something.retired") == "something.retired"


@pytest.mark.django_db
def test_the_audit_page_names_the_action_in_swedish_and_keeps_the_code(as_user, admin, norrkoping):
    audit.record(actor=admin, organisation=norrkoping, action="portfolio.forced", obj=norrkoping)
    html = as_user(admin).get(reverse("audit_log")).content.decode()
    with translation.override("sv"):
        label = str(ACTION_LABELS["portfolio.forced"])
    assert label != "Initiative forced in or out"  # translated
    assert label in html and "portfolio.forced" in html
