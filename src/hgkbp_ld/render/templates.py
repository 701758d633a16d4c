"""The Jinja2 environment of the page templates (`render/templates/`), for the build's pages and
the few the server makes per request (/acties, the SPARQL page)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, Undefined, select_autoescape
from markupsafe import Markup, escape

from hgkbp_ld.bundled import TEMPLATES
from hgkbp_ld.iris import doc_href, term_href

_MISSING = object()


@lru_cache(maxsize=4)
def environment(base: str) -> Environment:
    """Templates with the filters that turn IRIs into links on this site (`base`: the IRIs' base). One
    per base and process: each template is compiled once, not once per plan a worker renders."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=False,
        lstrip_blocks=False,
        auto_reload=False,  # the packaged templates do not change while a build or a server runs
    )
    env.filters["doc_href"] = lambda iri: doc_href(iri, base)
    env.filters["term_href"] = term_href
    env.filters["link"] = link  # a filter is called directly, a global through the context: ~2x its cost
    # the kinds with a section of their own (kinds/{kind}.html): a page of another kind (an indicator, a
    # period, a version) looks for no file, which the loader would do on every page (it caches no miss)
    env.globals["kinds"] = frozenset(p.name.removesuffix(".html") for p in (TEMPLATES / "kinds").iterdir())
    return env


def _get(value: object, name: str) -> object:
    """`value.name` as a template reads it: the attribute, else the item, else missing."""
    try:
        return getattr(value, name)
    except AttributeError:
        try:
            return value[name]  # type: ignore[index]
        except (TypeError, LookupError):
            return _MISSING


def link(value: object) -> Markup:
    """A value as the pages show it: a link (`views.Link`, or a mapping with href and label) with its
    notation, or a text, each marked with its language where that is not Dutch (`{{ value | link }}`). In
    Python, not a template macro: the pages use it for every value of every row (thousands per plan)."""
    if isinstance(value, Undefined):  # as the template writes an undefined value: nothing
        return Markup("")
    href = _get(value, "href")
    if href is not _MISSING:
        label = _get(value, "label")
        lang = _get(label, "lang")
        note = _get(value, "note")
        marked = f' lang="{escape(lang)}"' if lang is not _MISSING and lang and lang != "nl" else ""
        shown = note is not _MISSING and note and note != label
        notation = f'<span class="notation">{escape(note)}</span> ' if shown else ""
        text = escape(label) if label is not _MISSING else ""
        return Markup(f'<a href="{escape(href)}"{marked}>{notation}{text}</a>')
    lang = _get(value, "lang")
    if lang is not _MISSING and lang and lang != "nl":
        return Markup(f'<span lang="{escape(lang)}">{escape(value)}</span>')
    return escape(value)
