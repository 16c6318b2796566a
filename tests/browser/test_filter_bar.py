"""The list pages' filter bar from a phone up: every label on one line and every select's
chosen text whole."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CSP_LISTENER, login, url
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

LIST_PAGES = ["/assets/", "/initiatives/", "/members/", "/departments/", "/audit/"]

# Per filter bar: the labels that wrap, and the selects whose chosen text is cut.
MISFITS = """() => {
    const bar = document.querySelector("main form[role=search]");
    if (!bar) return null;
    const wrapped = Array.from(bar.querySelectorAll("label")).filter((label) => {
        const range = document.createRange();
        range.selectNodeContents(label);
        const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
        return lines.size > 1;
    }).map((label) => label.textContent.trim());
    const canvas = document.createElement("canvas").getContext("2d");
    const cut = Array.from(bar.querySelectorAll("select")).filter((select) => {
        const style = getComputedStyle(select);
        canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const text = select.options[select.selectedIndex]?.text || "";
        const room = select.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight);
        return canvas.measureText(text).width > room + 0.5;
    }).map((select) => select.name);
    return {wrapped, cut};
}"""


@pytest.mark.parametrize("width", [390, 576, 768, 992, 1200, 1400])
def test_the_filter_bar_fits_from_a_phone_up(browser, live_server, org_admin, width):
    context = browser.new_context(locale="sv-SE", viewport={"width": width, "height": 900})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        login(page, live_server, org_admin.email, PASSWORD)
        for path in LIST_PAGES:
            response = page.goto(url(live_server, path))
            assert response is not None and response.ok, path
            misfits = page.evaluate(MISFITS)
            assert misfits == {"wrapped": [], "cut": []}, f"{path} at {width}px: {misfits}"
    finally:
        context.close()
