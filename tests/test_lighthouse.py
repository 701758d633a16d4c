"""Lighthouse (npm, headless Debian Chromium) on a served page: SEO, best practices and accessibility
at 100 (issue 19). bench/lighthouse.py runs it on all seven pages of the issue and records the scores."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.browser import ROOT, require_browser
from tests.conftest import Server

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync"
)


@pytest.mark.parametrize("path", ["/doc/beleidsplan/hgkbp-2025-2029", "/acties"])
def test_lighthouse_scores_100(server: Server, tmp_path: Path, path: str) -> None:
    chromium = require_browser()
    if not LIGHTHOUSE.exists():
        message = "node_modules/.bin/lighthouse is missing: run `npm ci`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path / "report.json"
    subprocess.run(
        [
            str(LIGHTHOUSE),
            server.url + path,
            "--only-categories=seo,best-practices,accessibility",
            "--output=json",
            f"--output-path={out}",
            "--quiet",
            f"--chrome-flags={FLAGS}",
        ],
        env={**os.environ, "CHROME_PATH": chromium},
        check=True,
        timeout=240,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    scores = {name: category["score"] for name, category in report["categories"].items()}
    failed = sorted(
        audit["id"]
        for audit in report["audits"].values()
        if audit.get("score") is not None and audit["score"] < 1 and audit["scoreDisplayMode"] == "binary"
    )
    assert scores == {"seo": 1, "best-practices": 1, "accessibility": 1}, failed
