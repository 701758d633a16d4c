"""What the HTML side of a plan's pages costs: the view models and the Jinja render, without the RDF.

    .venv/bin/python -m bench.html_cost DATA [--passes N] [--profile FILE]

builds the first plan of the data folder DATA (e.g. `python -m bench.synthetic X --factor 5` makes
X/data) as a build's worker does (`bench.plan_cost`), but where the worker renders the plan's pages
(`plan_site.render_plan`) it makes every page of the plan N times (`Pages.current` of each thing the
plan owns, `Pages.past` of its versions) and writes none. The first pass serialises each page's RDF
and keeps it; the later passes take it back in the same order, so that what they cost is the
description of each thing (`store.describe`, a past version's triples) and the HTML side: the view
model (`Views.page`), the pictures, the search engines' meta, the template; what the templates keep
made for later pages (`render.templates`' links, a plan's navigation and footer) is dropped before each
pass, as if each were a worker's first plan. Prints each pass's CPU
seconds and a SHA-256 of every page's HTML (the same on two versions of the code: the same pages).

Instruction counts of one pass without the rest: run it under `valgrind --tool=cachegrind
--cache-sim=no` with `--passes 5` and `--passes 2` and divide the difference by 3 (bench/RESULTS.md,
section html-h18; set SOURCE_DATE_EPOCH, or the digests differ by the versions' times).
`--profile FILE`: a cProfile (pstats) of the passes after the first. `--graphs`: the passes after the
first only make the graphs the pages describe (`store.describe`, `pages.past_graphs`), which is not the
HTML side: its cost is subtracted from a pass's.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
from pathlib import Path

from bench.plan_cost import build_first_plan
from hgkbp_ld import iris
from hgkbp_ld.render import pages as pages_module
from hgkbp_ld.render import plan_site, templates
from hgkbp_ld.render.plans import owner


def passes(count: int, profile: Path | None, dump: Path | None = None, graphs: bool = False):  # noqa: ANN201 (render_plan's signature)
    """A stand-in for `plan_site.render_plan` that makes every page `count` times."""

    def render_plan(pages, histories, slug, graph, writer, things, cache, said=None) -> dict:  # noqa: ANN001
        made: list = []
        serialise = pages_module.rdf_bodies
        owned = [iri for iri in things if owner(iris.path_of(iri, pages.base) or iri) == slug]
        profiler = cProfile.Profile() if profile else None
        for number in range(count):
            replay = iter(list(made))

            def kept(graph, replay=replay) -> dict:  # noqa: ANN001
                return dict(next(replay))

            def recorded(graph) -> dict:  # noqa: ANN001
                found = serialise(graph)
                made.append(dict(found))
                return found

            pages_module.rdf_bodies = recorded if number == 0 else kept
            for cache in ("_link", "_property_link"):  # each pass as a worker's first plan: nothing made yet
                getattr(getattr(templates, cache, None), "cache_clear", lambda: None)()
            getattr(pages, "_chrome", {}).clear()
            digest = hashlib.sha256()
            before = os.times()
            if profiler and number:
                profiler.enable()
            if graphs and number:  # only what the pages describe: no page made
                resources = []
                described = [pages.store.describe(iri) for iri in owned]
                described += [graph for _i, _e, _es, _m, graph, _parts in pages_module.past_graphs(histories, slug)]
            else:
                resources = [pages.current(iri, histories.entries.get(iri)) for iri in owned]
                resources += pages.past(histories, slug)
            if profiler and number:
                profiler.disable()
            after = os.times()
            for resource in resources:
                if dump and number == count - 1:
                    (dump / resource.path).parent.mkdir(parents=True, exist_ok=True)
                    (dump / f"{resource.path}.html").write_bytes(resource.representations["html"].body)
                digest.update(resource.path.encode() + b"\0" + resource.representations["html"].body + b"\0")
            print(
                f"pass {number + 1}: {len(resources)} pages, user {after.user - before.user:.3f} s, "
                f"sys {after.system - before.system:.3f} s, html sha256 {digest.hexdigest()[:16]}"
            )
        pages_module.rdf_bodies = serialise
        if profiler and profile:
            profiler.dump_stats(profile)
        return {}

    return render_plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="a data folder (plans/*.toml, the registers, source/)")
    parser.add_argument("--passes", type=int, default=3, help="how many times to make every page (default 3)")
    parser.add_argument("--profile", type=Path, help="a cProfile of the passes after the first, into this file")
    parser.add_argument("--dump", type=Path, help="write the last pass's pages into this folder")
    parser.add_argument(
        "--graphs", action="store_true", help="the passes after the first only describe the things (no page)"
    )
    args = parser.parse_args()
    plan_site.render_plan = passes(args.passes, args.profile, args.dump, args.graphs)  # type: ignore[assignment]
    build_first_plan(args.data, "html-cost-")


if __name__ == "__main__":
    main()
