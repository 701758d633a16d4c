"""The Jinja2 environment of the page templates (`render/templates/`), for the build's pages and
the few the server makes per request (/acties, the SPARQL page)."""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, select_autoescape

from hgkbp_ld.bundled import TEMPLATES
from hgkbp_ld.iris import doc_href, term_href


def environment(base: str) -> Environment:
    """Templates with the filters that turn IRIs into links on this site (`base`: the IRIs' base)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=False,
        lstrip_blocks=False,
        auto_reload=False,  # the packaged templates do not change while a build or a server runs
    )
    env.filters["doc_href"] = lambda iri: doc_href(iri, base)
    env.filters["term_href"] = term_href
    # the kinds with a section of their own (kinds/{kind}.html): a page of another kind (an indicator, a
    # period, a version) looks for no file, which the loader would do on every page (it caches no miss)
    env.globals["kinds"] = frozenset(p.name.removesuffix(".html") for p in (TEMPLATES / "kinds").iterdir())
    return env
