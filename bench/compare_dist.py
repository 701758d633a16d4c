"""Whether two builds' `dist/` hold the same bytes, but for the build's clock: a change meant to make the
build cheaper must not change what it publishes.

    .venv/bin/python -m bench.compare_dist DIST_A DIST_B

Two builds of the same data (`SOURCE_DATE_EPOCH` and `--today` fixed) by two versions of the code:
every file of `dist/` (the site through its `site` link) compared byte for byte, except what the
build's clock or the code's own hash make differ: the store's table files (`oxigraph/`), the
build cache's records of the software (`build-cache/build.json`, `shared.json`, `plans/`), and in
an index file (`index.json`) the build's start, its seconds and the file times (ETag, Last-Modified)
derived from them. Exit status 1 if a file differs or is missing on one side.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

SKIP = re.compile(r"^(oxigraph/|build-cache/(build\.json|shared\.json|plans/)|site\.[0-9a-f]+/)")
CLOCK = (
    (re.compile(rb'"(started|seconds)":[0-9.]+'), rb'"\1":T'),
    (re.compile(rb'\\"[0-9a-f]+-([0-9a-f]+)\\"'), rb'\\"T-\1\\"'),  # an ETag: the file time, the size
    (re.compile(rb"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT"), b"DATE"),
)


def files(root: Path) -> dict[str, Path]:
    found = {}
    for folder, _folders, names in os.walk(root, followlinks=True):
        for name in names:
            relative = str(Path(folder, name).relative_to(root))
            if not SKIP.match(relative):
                found[relative] = Path(folder, name)
    return found


def without_clock(text: bytes) -> bytes:
    for pattern, replacement in CLOCK:
        text = pattern.sub(replacement, text)
    return text


def differing(a: Path, b: Path) -> tuple[int, list[str]]:
    """(files the same, paths that differ or are on one side only)."""
    left, right = files(a), files(b)
    bad = sorted(set(left) ^ set(right))
    same = 0
    for relative in sorted(set(left) & set(right)):
        x, y = left[relative].read_bytes(), right[relative].read_bytes()
        if x == y or (relative.endswith("index.json") and without_clock(x) == without_clock(y)):
            same += 1
        else:
            bad.append(relative)
    return same, bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    args = parser.parse_args()
    same, bad = differing(args.a, args.b)
    print(f"{same} files the same, {len(bad)} differ or on one side only", *bad[:20], sep="\n  ")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
