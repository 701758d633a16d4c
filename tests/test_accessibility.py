"""WCAG 2.1 AA, checked with axe-core in headless Chromium on pages served by a real server."""

from __future__ import annotations

import pytest

from tests.browser import assert_no_axe_violations
from tests.conftest import Server

PAGES = {
    "home": "/",
    "plan": "/doc/beleidsplan/hgkbp-2025-2029",
    "HD": "/doc/doelstelling/hgkbp-2025-2029/HD2",
    "OD": "/doc/doelstelling/hgkbp-2025-2029/OD5.1",
    "action": "/doc/actie/hgkbp-2025-2029/12",
    "action without timeline": "/doc/actie/hgkbp-2025-2029/53",
    "action worked out elsewhere": "/doc/actie/hgkbp-2025-2029/51",
    "an action as it was in version 1": "/doc/versie/hgkbp-2025-2029/1/actie/hgkbp-2025-2029/12",
    "a period as it was in version 1": "/doc/versie/hgkbp-2025-2029/1/periode/hgkbp-2025-2029/actie-12",
    "portfolio": "/doc/bevoegdheid/gelijke-kansen",
    "minister": "/doc/mandataris/caroline-gennez-2026-06",
    "person": "/doc/persoon/hans-bonte",
    "indicator": "/doc/indicator/hgkbp-2025-2029/1-1",
    "vocabulary": "/ns/beleidsplan",
    "profile": "/doc/applicatieprofiel/beleidsplan",
    "downloads": "/data/",
    "not found": "/doc/actie/hgkbp-2025-2029/99",
    "actions": "/acties",
    "filtered actions": "/acties?doelstelling=HD3&q=toegankelijk",
    "SPARQL page": "/sparql",
    "SPARQL results": "/sparql?format=html&query=SELECT+%3Fs+%3Ft+WHERE+%7B+%3Fs+%3Chttp%3A%2F%2Fpurl.org%2Fdc%2Fterms%2Ftitle%3E+%3Ft+%7D+LIMIT+5",
    "SPARQL error": "/sparql?format=html&query=SELEC+nonsense",
}


@pytest.mark.parametrize("path", list(PAGES.values()), ids=list(PAGES))
def test_no_axe_violations(browser, server: Server, path: str) -> None:
    assert_no_axe_violations(browser, server.url + path)


def test_the_check_names_the_violations_of_a_page_that_has_them(browser) -> None:
    """The page reports only what the assert shows (tests/browser.py): it must still find and name them."""
    page = "data:text/html,<html><body><img src='x.png'><input type=text></body></html>"
    with pytest.raises(AssertionError) as failed:
        assert_no_axe_violations(browser, page)
    for rule in ('"image-alt"', '"html-has-lang"', '"document-title"', '"label"'):
        assert rule in str(failed.value), rule


def test_pages_work_without_javascript_and_reflow_at_400_percent(browser, server: Server) -> None:
    # 1280 px at 400 % zoom is a 320 CSS px wide viewport (WCAG 1.4.10).
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    for path in (
        "/doc/actie/hgkbp-2025-2029/12",
        "/doc/beleidsplan/hgkbp-2025-2029",
        "/",
        "/ns/beleidsplan",
        "/doc/applicatieprofiel/beleidsplan",
        "/data/",
        "/doc/bevoegdheid/wonen",
    ):
        page.goto(server.url + path)
        assert page.locator("h1").count() == 1
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 320px"
    context.close()


def test_keyboard_reaches_the_skip_link_first_and_it_moves_focus(browser, server: Server) -> None:
    page = browser.new_page()
    page.goto(server.url + "/doc/actie/hgkbp-2025-2029/12")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"
    page.close()
