"""Lighthouse (npm `lighthouse`, in headless Debian Chromium) on the pages of issue 19: SEO, best
practices and accessibility, each must be 100. Writes the scores to bench/RESULTS.md.

    CHROME_PATH=/usr/bin/chromium .venv/bin/python bench/lighthouse.py [--dist DIR] [--no-write]

Builds into a temporary folder (or uses --dist), serves it with `hgkbp-ld serve` on a free loopback
port, runs `npx lighthouse` once per page and exits 1 if any score is below 100, naming the audits
that failed. Not a speed measurement: Lighthouse's performance category is left out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, fresh_build, serve_hgkbp, write_section

PAGES = {
    "landing page": "/",
    "an action": "/doc/actie/hgkbp-2025-2029/12",
    "a goal": "/doc/doelstelling/hgkbp-2025-2029/HD2",
    "a minister": "/doc/mandataris/caroline-gennez-2026-06",
    "the plan": "/doc/beleidsplan/hgkbp-2025-2029",
    "/acties": "/acties",
    "/sparql": "/sparql",
}
CATEGORIES = ("seo", "best-practices", "accessibility")
# As on this kind of machine: without the background-networking flags Chromium tries Google's hosts.
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync"
)


def lighthouse(url: str, out: Path) -> dict:
    binary = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        sys.exit("node_modules/.bin/lighthouse is missing: run `npm ci` first")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH") or shutil.which("chromium") or ""}
    subprocess.run(
        [
            str(binary),
            url,
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            f"--output-path={out}",
            "--quiet",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        env=env,
        check=True,
        timeout=300,
    )
    return json.loads(out.read_text(encoding="utf-8"))


def failed_audits(report: dict) -> list[str]:
    wanted = {ref["id"] for c in CATEGORIES for ref in report["categories"][c]["auditRefs"] if ref["weight"] > 0}
    return sorted(
        f"{a['id']} ({a['title']})"
        for a in report["audits"].values()
        if a["id"] in wanted and a.get("score") is not None and a["score"] < 1
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, help="a build to serve (default: a fresh build)")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hgkbp-lighthouse-") as folder:
        dist = args.dist or fresh_build(Path(folder))
        server, url = serve_hgkbp(dist)
        rows, failures, version = [], [], ""
        try:
            for name, path in PAGES.items():
                report = lighthouse(url + path, Path(folder) / "report.json")
                version = report["lighthouseVersion"]
                scores = [round(report["categories"][c]["score"] * 100) for c in CATEGORIES]
                rows.append(f"| {name} | `{path}` | " + " | ".join(str(s) for s in scores) + " |")
                failures += [f"- `{path}`: {audit}" for audit in failed_audits(report)]
                print(f"{path}: " + ", ".join(f"{c} {s}" for c, s in zip(CATEGORIES, scores, strict=True)), flush=True)
        finally:
            server.stop()
    chromium = subprocess.run(
        [os.environ.get("CHROME_PATH") or "chromium", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    text = "\n".join(
        [
            "## Lighthouse: findable and well made (issue 19)",
            "",
            "`CHROME_PATH=/usr/bin/chromium .venv/bin/python bench/lighthouse.py` — Lighthouse "
            f"{version} (npm, `npx lighthouse URL --only-categories={','.join(CATEGORIES)}`, default mobile "
            f"settings) in {chromium} (headless, `{CHROME_FLAGS}`), one run per page, against `hgkbp-ld serve` "
            f"of a fresh build on loopback; {platform.machine()}, Python {platform.python_version()}, a machine "
            "shared with other work (scores, not timings, so the load does not change them).",
            "",
            "| page | path | SEO | best practices | accessibility |",
            "|---|---|---:|---:|---:|",
            *rows,
            "",
            "Audits below 100: " + ("none." if not failures else "\n" + "\n".join(failures)),
        ]
    )
    print(text)
    if not args.no_write:
        write_section("lighthouse", text)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
