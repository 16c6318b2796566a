"""An economist and a business owner edit the same benefit model in two browsers: the owner
saves first, the economist's save shows both versions side by side on a phone, and saving the
merge keeps the economist's change together with the owner's."""

from __future__ import annotations

import pytest

from assessments import services as assessment_services
from benefits import defaults, services
from benefits.models import BenefitModel
from klassa_app.models import AuditEvent, Role
from tests.browser.conftest import (
    PHONE,
    axe_violations,
    csp_violations,
    describe,
    login,
    overflowing_elements,
    url,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def member(organisation, department, role, email, name):
    user = UserFactory(email=email, full_name=name)
    MembershipFactory(user=user, organisation=organisation, department=department, role=role)
    return user


def test_the_second_save_shows_both_versions_and_saving_merged_keeps_both_changes(
    page, phone_page, live_server, organisation, departments, org_admin
):
    owner = member(
        organisation, departments[0], Role.BUSINESS_OWNER, "agare@norrkoping.se", "Britta Ägare"
    )
    economist = member(
        organisation, departments[0], Role.ECONOMIST, "ekonom@norrkoping.se", "Erik Ekonom"
    )
    initiative = assessment_services.do_create_initiative(
        actor=org_admin, department=departments[0], code="FYR-EDU-A", name="Personal dashboard"
    )
    services.do_save_benefit_model(
        actor=org_admin,
        initiative=initiative,
        document=defaults.load(defaults.FYRBODAL_PERSONAL_DASHBOARD),
        lock_version=None,
    )
    path = url(live_server, f"/initiatives/{initiative.pk}/benefits/")
    console_errors: list[str] = []
    phone_page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    # Both open the model; the economist's is a phone.
    login(page, live_server, owner.email)
    page.goto(path)
    login(phone_page, live_server, economist.email)
    phone_page.goto(path)

    # The owner renames the model and saves first.
    page.fill("#id_name", "Brittas namn")
    page.click("#benefit-editor button[name=action][value=save]")
    page.wait_for_selector(".alert-success")

    # The economist's input is invalid for a moment (the live preview shows errors without
    # losing the chart scenario), then renames the model and changes the cost per case.
    phone_page.fill("#id_name", "")
    phone_page.wait_for_selector("#benefit-results .alert-warning")
    phone_page.fill("#id_name", "Eriks namn")
    phone_page.fill("#id_levers-1-unit_cost", "175 000")
    phone_page.wait_for_selector("#benefit-results #scenario-table")
    phone_page.click("#benefit-editor button[name=action][value=save]")

    phone_page.wait_for_selector("#benefit-merge")
    conflict = phone_page.locator(".merge-row.border-danger")
    assert conflict.count() == 1
    assert "Eriks namn" in conflict.locator("[data-merge-mine]").inner_text()
    assert "Brittas namn" in conflict.locator("[data-merge-theirs]").inner_text()
    assert "Britta Ägare" in phone_page.locator("#merge-status").inner_text()
    assert "175 000" in phone_page.locator("#benefit-merge").inner_text()
    assert BenefitModel.objects.get().document["name"] == "Brittas namn"

    violations = axe_violations(phone_page)
    assert not violations, describe({"merge view": violations})
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], overflowing_elements(phone_page)

    conflict.locator("label[for$='-theirs']").click()
    phone_page.click("#benefit-merge button[name=action][value=save_merged]")
    phone_page.wait_for_selector(".alert-success")

    model = BenefitModel.objects.get()
    assert model.document["name"] == "Brittas namn"
    assert model.document["levers"][1]["unit_cost"] == "175000"
    assert AuditEvent.objects.filter(action="benefit_model.merged", actor=economist).count() == 1
    assert phone_page.input_value("#id_name") == "Brittas namn"
    assert not csp_violations(phone_page)
    assert not [e for e in console_errors if "chart-scenario" in e or "htmx" in e.lower()]
