"""What a page's view model costs, without Jinja and the RDF formats: `store.describe`, `Views.page`,
the pictures and the search engines' meta of each of a plan's current things, and `Views.page` and the
meta of its past versions' pages.

    .venv/bin/python -m bench.view_cost DATA [--passes N]

builds the first plan of the data folder DATA as a build's worker does (`bench.plan_cost`), but where
the worker renders the plan's pages (`plan_site.render_plan`) it makes the view models of its pages N
times (the past versions' graphs made once, before). Prints each pass's CPU seconds and a SHA-256 of
what was made (the describe graphs' triples, each page's `repr`, its meta and pictures): the same on
two versions of the code, the same view models. Instructions of one pass: run it under
`valgrind --tool=cachegrind --cache-sim=no` with `--no-digest` and `--passes 6` and `--passes 1`,
divide the difference by 5 (PYTHONHASHSEED=0 makes two runs' counts closer).
"""

from __future__ import annotations

import argparse
import hashlib
import os
from pathlib import Path

from bench.plan_cost import build_first_plan
from hgkbp_ld import iris
from hgkbp_ld.render import pages as pages_module
from hgkbp_ld.render import plan_site
from hgkbp_ld.render.findable import resource_meta
from hgkbp_ld.render.plans import owner


def passes(count: int, digests: bool = True):  # noqa: ANN201 (render_plan's signature)
    """A stand-in for `plan_site.render_plan` that makes every page's view model `count` times."""

    def render_plan(pages, histories, slug, graph, writer, things, cache, said=None) -> dict:  # noqa: ANN001
        owned = [iri for iri in things if owner(iris.path_of(iri, pages.base) or iri) == slug]
        past = list(pages_module.past_graphs(histories, slug))
        views = pages.views
        for number in range(count):
            digest = hashlib.sha256()
            made: list = []
            before = os.times()
            for iri in owned:
                described = pages.store.describe(iri)
                page = views.page(iri, described)
                pictured = pages_module._pictures_of(page, pages.actions, pages.picture, pages.minister_timelines)
                meta = resource_meta(page, described, pages.base, page.title)
                made.append((list(described), page, pictured, meta))
            for _iri, _entry, _entries, member, described, parts in past:
                page = views.page(member, described, specific=False)
                made.append((page, resource_meta(page, described, views.base, page.title)))
                for owned_iri, part in parts:
                    node = views.page(owned_iri, part, specific=False)
                    made.append((node, resource_meta(node, part, views.base, node.title)))
            after = os.times()
            if digests:
                for item in made:
                    digest.update(repr(item).encode())
            print(
                f"pass {number + 1}: {len(made)} view models, user {after.user - before.user:.3f} s, "
                f"sha256 {digest.hexdigest()[:16]}"
            )
        return {}

    return render_plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="a data folder (plans/*.toml, the registers, source/)")
    parser.add_argument("--passes", type=int, default=3, help="how many times to make every view model")
    parser.add_argument("--no-digest", action="store_true", help="no SHA-256 (for instruction counts of the work)")
    args = parser.parse_args()
    plan_site.render_plan = passes(args.passes, not args.no_digest)  # type: ignore[assignment]
    build_first_plan(args.data, "view-cost-")


if __name__ == "__main__":
    main()
