"""What the pages of what plans share cost in the last stage: every one rendered in one process from a
built `dist/` (its store kept for the servers, `dist/oxigraph`, opened read-only, as the last stage's
helper process does), with the CPU seconds by kind and a digest of each page's bodies.

    .venv/bin/python -m bench.shared_pages DIST [--digest FILE]

Run it with two versions of the code (`PYTHONPATH=OTHER/src`) over the same `dist/`: the CPU seconds
are comparable on a shared machine where wall times are not, and equal digests say the pages are the
same bytes. The pages are rendered without their version history (the last stage adds it to a thing
several plans' versions name): the same work but that list.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import time
from pathlib import Path

from hgkbp_ld import iris
from hgkbp_ld.render.pages import bodies
from hgkbp_ld.render.plan_site import RenderContext, make_pages
from hgkbp_ld.render.plans import owner
from hgkbp_ld.render.shared_things import shared_subjects as _shared_subjects
from hgkbp_ld.store import EmbeddedStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dist", type=Path)
    parser.add_argument("--digest", type=Path, help="write each page's SHA-256 (of its bodies) here, as JSON")
    args = parser.parse_args()
    index = json.loads((args.dist / "site" / "index.json").read_bytes())
    base, slugs = index["base"], list(index["parts"])
    began = time.process_time()
    store = EmbeddedStore.read_only(args.dist / "oxigraph")
    context = RenderContext(args.dist / "unused", None, 0, dt.date.fromisoformat(index["today"]), len(slugs), {})
    pages = make_pages(store, base, context, slugs, datasets=True)
    made_pages = time.process_time() - began
    found = _shared_subjects(store, base)  # as the last stage picks them
    things = sorted(i for i in found if "#" not in i and owner(iris.path_of(i, base) or "") not in slugs)
    seconds: dict[str, float] = {}
    digests: dict[str, str] = {}
    for iri in things:
        start = time.process_time()
        made = bodies(pages.current(iri, None).representations)
        kind = (iris.path_of(iri, base) or iri).split("/")[0]
        seconds[kind] = seconds.get(kind, 0.0) + time.process_time() - start
        digests[iri] = hashlib.sha256(b"".join(body for _e, (body, _m) in sorted(made.items()))).hexdigest()
    total = time.process_time() - began
    print(f"{len(slugs)} plans, {len(things)} shared pages: CPU {total:.2f} s (make_pages {made_pages:.2f} s)")
    print("  by kind:", ", ".join(f"{k} {v:.2f}" for k, v in sorted(seconds.items(), key=lambda kv: -kv[1])))
    if args.digest:
        args.digest.write_text(json.dumps(digests, indent=0, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main()
