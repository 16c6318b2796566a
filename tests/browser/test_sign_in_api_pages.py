"""The pages of sign-in, two-factor authentication, API tokens and the spreadsheet import at a
phone's width and a desktop's: no serious or critical accessibility findings, nothing wider
than the screen, no Content-Security-Policy violations. The API's own documentation (Swagger
UI, served by Klassa) renders its operations under the same policy, with no CDN."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import (
    CSP_LISTENER,
    PHONE,
    axe_violations,
    csp_violations,
    describe,
    login,
    overflowing_elements,
    url,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

DESKTOP = {"width": 1280, "height": 800}
SIZES = {"phone": PHONE, "desktop": DESKTOP}
# What tells that each page is the page it should be.
PAGES = {
    "sign-in settings": ("sign_in_settings", "main form input[name=password_sign_in]"),
    "new identity provider": ("identity_provider_create", "main input[name=discovery_url]"),
    "two-factor status": ("mfa_status", "main a[href$='enrol/']"),
    "two-factor set-up": ("mfa_enrol", "main svg"),
    "API tokens": ("api_token_list", "main a[href$='new/']"),
    "new API token": ("api_token_create", "main input[name=name]"),
    "spreadsheet import": ("inventory_import", "main input[type=file]"),
}


@pytest.fixture
def sized_page(browser):
    contexts = []

    def make(size: str):
        phone = size == "phone"
        context = browser.new_context(
            locale="sv-SE",
            viewport=SIZES[size],
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=2 if phone else 1,
        )
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_sign_in_token_and_import_pages_are_accessible_and_fit_the_screen(
    size, sized_page, live_server, org_admin
):
    page = sized_page(size)
    login(page, live_server, org_admin.email)
    width = SIZES[size]["width"]
    found: dict[str, dict[str, object]] = {}
    for name, (route, shows) in PAGES.items():
        path = reverse(route)
        response = page.goto(url(live_server, path))
        assert response is not None and response.status == 200, f"{name}: {path} {response}"
        assert page.locator(shows).count() > 0, f"{name}: {path} lacks {shows}"
        wide = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        found[name] = {
            "axe": axe_violations(page),
            "overflow": overflowing_elements(page, width) if wide else [],
            "csp": csp_violations(page),
        }
    axe = {name: result["axe"] for name, result in found.items()}
    overflow = {name: result["overflow"] for name, result in found.items() if result["overflow"]}
    csp = {name: result["csp"] for name, result in found.items() if result["csp"]}
    assert not any(axe.values()), f"axe at {size} width:\n{describe(axe)}"
    assert not overflow, f"wider than {width} px: {overflow}"
    assert not csp, f"CSP violations at {size} width: {csp}"


def test_the_api_documentation_renders_from_klassas_own_files_under_the_policy(
    sized_page, live_server, org_admin
):
    page = sized_page("desktop")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    login(page, live_server, org_admin.email)
    page.goto(url(live_server, "/api/v1/docs"))
    # Swagger UI draws one block per operation once it has read the OpenAPI document.
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() >= 5
    assert page.get_by_text("/api/v1/assets", exact=True).count() > 0
    assert all(r.startswith(live_server.url) for r in requested), [
        r for r in requested if not r.startswith(live_server.url)
    ]
    assert csp_violations(page) == []
