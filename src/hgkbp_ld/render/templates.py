"""The Jinja2 environment of the page templates (`render/templates/`), for the build's pages and
the few the server makes per request (/acties, the SPARQL page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, Template, Undefined, select_autoescape
from markupsafe import Markup, escape

from hgkbp_ld.bundled import TEMPLATES
from hgkbp_ld.iris import doc_href, term_href
from hgkbp_ld.render.codegen import _MAPPING_ATTRIBUTES, _MAPPINGS, _CodeGenerator, _escape, _Template, _text_escaped
from hgkbp_ld.render.views import Link, Row, Text

_MISSING = object()
_new = str.__new__


class _Environment(Environment):
    """Jinja's environment with `getattr` the same, cheaper where the value is a dict's (or a read-only
    dict's) item: Jinja asks for the attribute first and takes the item when that raises AttributeError,
    whose message is formatted each time (a page reads ~10 so: its sections, its plan). And a template's
    globals a dict, not Jinja's ChainMap over the environment's (which iterates in Python when a page's
    context is made): nothing changes the globals after `environment` made them."""

    _loaded: dict[str, Template]

    def getattr(self, obj: object, attribute: str) -> object:
        if type(obj) in _MAPPINGS and attribute not in _MAPPING_ATTRIBUTES:  # no such attribute: the item
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        try:  # else as Jinja's: the attribute, else the item, else undefined (in this frame: a call less)
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}

    def get_template(
        self, name: str | Template, parent: str | None = None, globals: MutableMapping[str, Any] | None = None
    ) -> Template:
        """Jinja's, a template loaded before taken from a dict by its name: a page asks for its base
        template and its kind's (`{% extends %}`, `{% include %}`), which Jinja looks up by a key made
        of a weak reference to the loader and the name (the templates are not reloaded: `auto_reload`
        is off, `join_path` Jinja's, which keeps the name)."""
        found = self._loaded.get(name) if globals is None and type(name) is str else None
        if found is None:
            found = super().get_template(name, parent, globals)
            if globals is None and type(name) is str:
                self._loaded[name] = found
        return found

    def overlay(self, *args: object, **kwargs: object) -> Environment:
        """Jinja's (an environment sharing this one's settings, e.g. another loader), with templates of
        its own: not this one's dict of the templates loaded (it copies the attributes)."""
        made = super().overlay(*args, **kwargs)
        made._loaded = {}  # type: ignore[attr-defined]
        return made


@lru_cache(maxsize=4)
def environment(base: str) -> Environment:
    """Templates with the filters that turn IRIs into links on this site (`base`: the IRIs' base). One
    per base and process: each template is compiled once, not once per plan a worker renders."""
    env = _Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=lru_cache(maxsize=64)(select_autoescape(["html"])),  # asked for every page's context
        trim_blocks=False,
        lstrip_blocks=False,
        auto_reload=False,  # the packaged templates do not change while a build or a server runs
        cache_size=-1,  # the ~20 templates kept in a dict: an LRU's lookup takes a lock (every page extends one)
    )
    env._loaded = {}
    env.template_class = _Template
    env.code_generator_class = _CodeGenerator
    env.filters["doc_href"] = lambda iri: doc_href(iri, base)
    env.filters["term_href"] = term_href
    env.filters["link"] = link  # a filter is called directly, a global through the context: ~2x its cost
    env.filters["table_rows"] = table_rows
    env.filters["joined_links"] = joined_links
    env.filters["link_items"] = link_items
    env.filters["alternate_links"] = alternate_links
    env.filters["download_items"] = download_items
    env.filters["e"] = env.filters["escape"] = _escape  # markupsafe's `escape`, as Jinja's own filter is
    env.filters["day"] = day  # a filter is called as it is; a method through the context's checks
    env.filters["streams"] = streams
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
    kind = type(value)
    if kind is Link:  # the most common values first, read directly (the same as below)
        label = value.label  # type: ignore[attr-defined]
        return _link(label, getattr(label, "lang", ""), value.href, value.note)  # type: ignore[attr-defined]
    if kind is str:
        return _escape(value)
    if kind is Text:  # a literal's text, with its language
        lang = value.lang  # type: ignore[attr-defined]
        if lang and lang != "nl":
            return _new(Markup, "".join(('<span lang="', _text_escaped(lang), '">', _text_escaped(value), "</span>")))
        return _escape(value)
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


@lru_cache(maxsize=1024)  # ~0.6 MB at most per process: a 1000-plan build has little memory to spare
def _link(label: str, lang: str, href: str, note: str) -> Markup:
    """A `views.Link` as `link` writes it, by what it writes (its label's language is part of the key: a
    `Text` equals the same text in another language). The same links are on many pages of a plan (its
    goals, portfolios, kinds): each made once."""
    marked = f' lang="{_escape(lang)}"' if lang and lang != "nl" else ""
    notation = f'<span class="notation">{_escape(note)}</span> ' if note and note != label else ""
    return _new(Markup, f'<a href="{_escape(href)}"{marked}>{notation}{_escape(label)}</a>')


def joined_links(values: Sequence[object], separator: str) -> Markup:
    """Values as `link`s with `separator` between them (`{{ holders | joined_links(", ") }}`): a template
    loop asking `loop.last` makes a loop object per list."""
    return _new(Markup, str(_escape(separator)).join([link(value) for value in values]))


def table_rows(rows: Sequence[Row], listed: bool = False) -> Markup:
    """The rows of a page's table of properties (`{{ page.rows | table_rows }}`): per row the link to its
    property's definition with the property's Dutch name, then its value as a `link`, or several (or with
    `listed`, any number) as a list of them. Every row of every page: a loop in Python, not in the
    template, where each of its values cost a lookup and an escape more (bench/RESULTS.md, html-h18).
    Its parts joined, not put in an f-string: each Markup there is copied through its `__format__`."""
    parts: list[str] = []
    for row in rows:
        values = row.values
        cell = _links(values) if listed or len(values) != 1 else link(values[0])
        parts += ('<tr><th scope="row">', _property_link(row.iri, row.name), "</th><td>", cell, "</td></tr>\n")
    return _new(Markup, "".join(parts))


def _links(values: Sequence[object]) -> str:
    return "".join(("<ul>", link_items(values), "</ul>"))  # (`"<ul>" + markup` would escape "<ul>")


def link_items(values: Iterable[object]) -> Markup:
    """Values as `link`s, each in a list item (`<ul>{{ items | link_items }}</ul>`): a template loop
    costs a few lookups, calls and yields per item (breadcrumbs, the kinds' lists of links)."""
    parts: list[str] = []
    for value in values:
        parts += ("<li>", link(value), "</li>")
    return _new(Markup, "".join(parts))


_Formats = tuple[tuple[str, Markup, Markup], ...]  # per format: its extension, its media type and name (escaped)


class Alternates:
    """A page's links to its representations (`pages.alternates`): its document's link (escaped) and the
    formats, the same on every page (each its extension, its media type and name escaped). Iterated, each
    format's (href, media type, name), made by `make`, as a list of them is iterated. The filters below
    write them from what they write around the document's link, found once per set of formats by writing
    them with a hole in its place (`_around`): a page's alternates cost a join, not a tuple and three
    escapes per format (and not made at all: ~30,000 instructions a page)."""

    __slots__ = ("document", "formats", "make")

    def __init__(self, document: str, formats: _Formats, make: Callable) -> None:
        self.document, self.formats, self.make = document, formats, make

    def __iter__(self) -> Iterator[tuple[Markup, Markup, Markup]]:
        document, make = self.document, self.make
        return iter([make((_new(Markup, document + extension), kind, name)) for extension, kind, name in self.formats])

    def __len__(self) -> int:
        return len(self.formats)


_HOLE = "\x00hole\x00"  # where the document's link goes (`_around`): no format's extension, type or name holds it


@lru_cache(maxsize=16)
def _around(write: Callable[..., Markup], formats: _Formats) -> tuple[tuple[str, ...], ...]:
    """What the filter `write` writes for `formats` around the document's link and around a short name
    (`download_items`): its text written with holes in their places, split at the short name's, then at
    the document's. The same text as the filter's loop by how it is made."""
    holes = Alternates(_HOLE, formats, tuple)
    text = write(holes, Markup(_HOLE * 2)) if write is _download_items else write(holes)
    return tuple(tuple(piece.split(_HOLE)) for piece in str(text).split(_HOLE * 2))


def alternate_links(alternates: Iterable[tuple[object, object, object]]) -> Markup:
    """A page's links to its other representations in its head (`{{ alternates | alternate_links }}`):
    each `<link rel="alternate">` on a line. A template loop costs an unpacking, three escapes and a
    yield per format on every page; the values (`pages.alternates`) are escaped already."""
    if type(alternates) is Alternates:
        return _new(Markup, alternates.document.join(_around(_alternate_links, alternates.formats)[0]))
    return _alternate_links(alternates)


def _alternate_links(alternates: Iterable[tuple[object, object, object]]) -> Markup:
    parts: list[str] = []
    for href, media_type, name in alternates:
        if type(href) is not Markup or type(media_type) is not Markup or type(name) is not Markup:
            href, media_type, name = _escape(href), _escape(media_type), _escape(name)  # (a Markup as it is)
        parts += ('<link rel="alternate" type="', media_type, '" href="', href, '" title="', name, '">\n')
    return _new(Markup, "".join(parts))


def download_items(alternates: Iterable[tuple[object, object, object]], short_name: object) -> Markup:
    """The list items that offer a page's representations (`{{ alternates | download_items(short_name) }}`),
    each named by the page's short name (escaped once, `resource.html`) and the format's name."""
    if type(alternates) is Alternates:
        document = alternates.document
        pieces = [document.join(piece) for piece in _around(_download_items, alternates.formats)]
        return _new(Markup, str.join(_escaped(short_name), pieces))  # (not Markup.join: it escapes)
    return _download_items(alternates, short_name)


def _download_items(alternates: Iterable[tuple[object, object, object]], short_name: object) -> Markup:
    short = _escaped(short_name)
    parts: list[str] = []
    for href, media_type, name in alternates:  # (escaped where not marked safe, as `alternate_links`)
        if type(href) is not Markup or type(media_type) is not Markup or type(name) is not Markup:
            href, media_type, name = _escape(href), _escape(media_type), _escape(name)
        parts += ('<li><a href="', href, '" type="', media_type, '">', short, " als ", name, "</a></li>")
    return _new(Markup, "".join(parts))


def _escaped(value: object) -> str:
    """`_escape`, a value marked safe taken without a call (most of what a filter writes here)."""
    return value if type(value) is Markup else _escape(value)  # type: ignore[return-value]


@lru_cache(maxsize=512)  # a few hundred properties at most
def _property_link(iri: str, name: str) -> Markup:
    """The same few properties head the rows of every page: each made once."""
    return Markup(f'<a href="{escape(term_href(iri))}">{escape(name)}</a>')


def day(moment: dt.date, form: str) -> str:
    """A date or time written as `form` says (`{{ entry.timestamp | day("%d-%m-%Y") }}`), kept by the time's
    identity (held): a plan's few versions' times are on hundreds of pages (a past version's page twice).
    Not by equality: equal times in other time zones are written otherwise."""
    key = (id(moment), form)
    held = _DAYS.get(key)
    if held is not None and held[0] is moment:
        return held[1]
    if len(_DAYS) >= 256:
        _DAYS.clear()
    text = moment.strftime(form)
    _DAYS[key] = (moment, text)
    return text


_DAYS: dict[tuple[int, str], tuple[dt.date, str]] = {}


def streams(history: Iterable[object]) -> list[str]:
    """The plans whose versions a thing's history lists (each has its event stream), each once, in the
    order of the history (`{{ history | streams }}`: as `map(attribute="slug") | unique` gave them, which
    compares texts ignoring case, in Python: every past version's page lists them)."""
    seen: set[str] = set()
    found = []
    for entry in history:
        slug = entry.slug  # type: ignore[attr-defined]
        key = slug.lower() if isinstance(slug, str) else slug
        if key not in seen:
            seen.add(key)
            found.append(slug)
    return found
