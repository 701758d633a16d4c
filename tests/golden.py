"""Golden files: a handful of representative pages of the real plan's rendered site, kept in
tests/golden/ byte for byte, so that a change to the render stage shows up as a diff of real pages
(tests/test_golden.py compares the run's build with them, no server needed).

When a change to the pages is meant, write them again and read the diff before committing it:

    .venv/bin/python -m tests.golden            # builds the real plan as the tests do, copies the pages
    .venv/bin/python -m tests.golden --dist D   # or takes them from a build D made with SOURCE_DATE_EPOCH=1767225600
    git diff --stat tests/golden/
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
PLAN = "hgkbp-2025-2029"

# Files of dist/site/: one resource in every format, and one page of each kind a visitor meets first.
PAGES = (
    *(f"doc/actie/{PLAN}/12.{ext}" for ext in ("html", "ttl", "jsonld", "nt", "rdf")),  # an action
    f"doc/actie/{PLAN}/51.html",  # an action worked out under another one
    f"doc/doelstelling/{PLAN}/HD2.html",  # a goal with its operational goals and actions
    "doc/bevoegdheid/gelijke-kansen.ttl",  # a portfolio
    "doc/persoon/hans-bonte.html",  # a person and the mandates held
    f"doc/versie/{PLAN}/1/actie/{PLAN}/12.html",  # an action as it was in version 1
    "index.html",  # the landing page
    "data/index.html",  # the downloads
    f"ldes/{PLAN}.ttl",  # the event stream's root
    "404.html",  # the page for what is not there
)


def copy_pages(site: Path, to: Path = GOLDEN) -> list[str]:
    """Copy PAGES from a rendered site (dist/site) into `to`; the names of the files that changed."""
    changed = []
    for page in PAGES:
        source, target = site / page, to / page
        if not target.exists() or target.read_bytes() != source.read_bytes():
            changed.append(page)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.golden", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, help="take the pages from this build (default: build the real plan now)")
    args = parser.parse_args(argv)
    if args.dist is not None:
        changed = copy_pages(args.dist / "site")
    else:
        from tests.conftest import copy_real_data
        from tests.processes import run_build

        with tempfile.TemporaryDirectory() as folder:
            data = copy_real_data(Path(folder) / "data")
            done = run_build(Path(folder) / "dist", "--quiet", "--data", str(data))
            if done.returncode != 0:
                sys.stderr.write(done.stderr)
                return 1
            changed = copy_pages(Path(folder) / "dist" / "site")
    print(f"{len(changed)} of {len(PAGES)} golden files changed" + "".join(f"\n  {p}" for p in changed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
