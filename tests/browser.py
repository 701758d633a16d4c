"""Headless Chromium (Debian's) driven by Playwright, for the accessibility tests and screenshots."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def require_browser() -> str:
    """The browser and axe-core, or a skip on a developer's machine — but a failure in CI."""
    path = chromium_path()
    missing = [what for what, ok in (("chromium", path), ("axe-core (npm ci)", AXE.exists())) if not ok]
    if missing:
        message = f"missing {', '.join(missing)}: install them (see .ci/run) to run the browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    assert path is not None
    return path


TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def launched_chromium():
    """Headless Chromium for a module's tests (a generator for a pytest fixture)."""
    path = require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def assert_no_axe_violations(browser, url: str) -> None:
    """axe-core's WCAG 2.1 A/AA and best-practice rules on the page at `url`: none may fail."""
    import json

    # Our CSP forbids every script; the test's own injected axe needs it bypassed, the page does not.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(_AXE_RUN, TAGS)
    context.close()
    violations = result["violations"]
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)
    assert result["passes"] > 0, "axe ran no checks"


# axe's whole result (every passing rule with every node it looked at: ~560 KB for the actions page) went
# through Playwright's driver and was decoded and validated in Python: 0.2 s of the test's CPU per page, for
# a report of which only the violations are read. The page keeps what the assert shows: each violation's
# rule, impact, help and first five nodes, and how many rules passed.
_AXE_RUN = """async tags => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return {
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target),
    })),
    passes: result.passes.length,
  };
}"""
