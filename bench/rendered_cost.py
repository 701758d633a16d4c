"""What `pages.rendered_bodies` costs (a page's HTML: the template, its filters, the page's bytes), without the rest.

    .venv/bin/python -m bench.rendered_cost DATA [REPLAYS]

builds the first plan of DATA as a worker does (`bench.plan_cost`), records the arguments of every
`pages.rendered_bodies` call of its pages (current and past) and their RDF, then calls it again with
them REPLAYS times (default 2), the RDF taken back (not serialised again), the templates' caches of
links dropped before each replay as in a worker's first plan. Prints each replay's CPU seconds and a
SHA-256 of the pages' HTML (the same on two versions of the code: the same pages).

Each replay runs inside `sys.call_tracing`, so that callgrind counts it alone, one dump per replay:

    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=sys_call_tracing \\
        --dump-after=sys_call_tracing --callgrind-out-file=F python -m bench.rendered_cost DATA 2

and `grep summary: F.*` gives each replay's instructions (bench/RESULTS.md, section t19-s8).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

from bench.plan_cost import build_first_plan
from hgkbp_ld import iris
from hgkbp_ld.render import pages as pages_module
from hgkbp_ld.render import plan_site, templates
from hgkbp_ld.render.plans import owner


def replaying(replays: int):  # noqa: ANN201 (render_plan's signature)
    """A stand-in for `plan_site.render_plan` that makes the plan's pages once, then replays `rendered`."""

    def render_plan(pages, histories, slug, graph, writer, things, cache, said=None) -> dict:  # noqa: ANN001
        rendered, calls = pages_module.rendered_bodies, []

        def recording(*args: object) -> object:
            made = rendered(*args)
            calls.append((args, {k: v for k, v in made.items() if k != "html"}))
            return made

        pages_module.rendered_bodies = recording
        owned = [iri for iri in things if owner(iris.path_of(iri, pages.base) or iri) == slug]
        try:
            for iri in owned:
                pages.current(iri, histories.entries.get(iri))
            list(pages.past(histories, slug))
        finally:
            pages_module.rendered_bodies = rendered
        serialise = pages_module.rdf_bodies
        for number in range(replays):
            for name in ("_link", "_property_link"):
                getattr(getattr(templates, name, None), "cache_clear", lambda: None)()
            formats = iter([made for _args, made in calls])
            pages_module.rdf_bodies = lambda graph, formats=formats: dict(next(formats))
            before = os.times()
            made = sys.call_tracing(lambda: [rendered(*args) for args, _made in calls], ())
            after = os.times()
            digest = hashlib.sha256()
            for (path, *_args), page in zip((args for args, _made in calls), made, strict=True):
                digest.update(path.encode() + b"\0" + page["html"][0] + b"\0")
            print(f"replay {number + 1}: {len(made)} pages, user {after.user - before.user:.3f} s, "
                  f"html sha256 {digest.hexdigest()[:16]}")  # fmt: skip
        pages_module.rdf_bodies = serialise
        return {}

    return render_plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="a data folder (plans/*.toml, the registers, source/)")
    parser.add_argument("replays", type=int, nargs="?", default=2, help="how many times to replay (default 2)")
    args = parser.parse_args()
    plan_site.render_plan = replaying(args.replays)  # type: ignore[assignment]
    build_first_plan(args.data, "rendered-cost-")


if __name__ == "__main__":
    main()
