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
