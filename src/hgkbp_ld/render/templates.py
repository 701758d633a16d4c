"""The Jinja2 environment of the page templates (`render/templates/`), for the build's pages and
the few the server makes per request (/acties, the SPARQL page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from functools import lru_cache
from types import CodeType, MappingProxyType
from typing import Any

from jinja2 import Environment, FileSystemLoader, Template, Undefined, nodes, select_autoescape
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from markupsafe import Markup, escape

try:  # markupsafe's own escaping of a text, which its `escape` calls (in C where it was built)
    from markupsafe._speedups import _escape_inner  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - a build of markupsafe without its C part
    _escape_inner = None

from hgkbp_ld.bundled import TEMPLATES
from hgkbp_ld.iris import doc_href, term_href
from hgkbp_ld.render.views import Link, Row, Text

_MISSING = object()
_new = str.__new__


def _escape(value: object) -> Markup:
    """`markupsafe.escape` with the same result, in one call where it takes two or three: a text as it
    is escaped (not through `Markup`'s constructor), what is marked safe as it is (not copied)."""
    kind = type(value)
    if kind is str or kind is Text:  # (a Text: a text with its language, nothing of its own to write)
        return _new(Markup, _escape_inner(value))
    if kind is Markup:
        return value  # type: ignore[return-value]
    return escape(value)


_text_escaped: Callable[[str], str] = _escape_inner  # a text escaped, not marked (in C)
if _escape_inner is None:  # pragma: no cover
    _escape = escape
    _text_escaped = escape


class _Template(Template):
    """A template whose `{{ … }}` escape with `_escape`: a page writes ~100 values, each escaped; the
    generated code calls the `escape` of its module (jinja2.runtime's, i.e. markupsafe's). And the
    names the code of `_CodeGenerator` uses besides Jinja's (`_text_escaped`, `_mappings`)."""

    @classmethod
    def from_code(
        cls,
        environment: Environment,
        code: CodeType,
        globals: MutableMapping[str, Any],
        uptodate: Callable[[], bool] | None = None,
    ) -> Template:
        made = super().from_code(environment, code, globals, uptodate)
        namespace = made.root_render_func.__globals__
        if _escape_inner is not None and namespace.get("escape") is escape:
            namespace["escape"] = _escape
        namespace["_text_escaped"] = _text_escaped
        namespace["_mappings"] = _MAPPINGS
        return made


_JOINED = "_joined_output"  # no name a template's code has (Jinja's own are t_1, l_0_x, ...)


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, but a run of text and `{{ … }}` (an Output node) outside a macro or a
    `{% set %}` block is yielded as one text, joined, where Jinja yields each part: a page's template
    yields ~400 parts, each passing up through the generators of its block, base.html and the page's
    template (~2,000 instructions each), where a join of a tuple costs a few dozen per part. The same
    text: the parts are joined in the end anyway (`Template.render`). How: the node's code is made as
    Jinja makes it for a buffer (`buffer.extend((a, b))`, or `buffer.append(a)` where its parts are one
    constant), the buffer named `_JOINED`, which `writeline` turns into `yield concat((a, b))`
    (`concat`: the join every root and block function has; a macro's code, which writes into a buffer
    of its own, is not changed). An Output of one part is Jinja's own `yield a`."""

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        """A value written (`{{ x }}`, escaped where the template escapes): Jinja calls `escape(x)`, a
        call of a function in Python (~1,500 instructions) for every value, most of them marked safe
        (the filters' links and rows, what a page escapes once). Here the value is written as it is
        where it is marked safe (a Markup), escaped in C where it is a text, else `escape`d: the same
        text (what a page writes is joined into one text: whether a part was marked does not matter,
        `Template.render`, a macro's result joined and marked anyway). In one expression: its value
        named by `:=` (`_output`: no name a template's code has)."""
        if not self._plain(frame, finalize):
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("(_output if type(_output := ")

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        if not self._plain(frame, finalize):
            super()._output_child_post(node, frame, finalize)
            return
        self.write(") is Markup else _text_escaped(_output) if type(_output) is str else escape(_output))")

    @optimizeconst
    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        """`x.name`: Jinja calls `environment.getattr(x, "name")` (a function in Python: ~1,500
        instructions, ~40 a page); here the attribute is read in C where `x` has it, and only where it
        has not (an item, undefined) is `environment.getattr` asked, as Jinja asks it (it reads the
        attribute first). Where `x` has no such attribute and is a dict or a read-only dict with that key
        (a page's sections, a plan, the footer's parts: ~15 a page), its item is read here too, as Jinja
        reads it (the attribute, else the item). `x` and the attribute named by `:=` (Jinja's temporary
        names, new ones)."""
        if self.environment.is_async:
            super().visit_Getattr(node, frame)
            return
        value, thing = self.temporary_identifier(), self.temporary_identifier()
        self.write(f"({value} if ({value} := getattr(({thing} := ")
        self.visit(node.node, frame)
        name = repr(node.attr)
        self.write(
            f"), {name}, missing)) is not missing else {thing}[{name}] if type({thing}) in _mappings and {name} in "
            f"{thing} else environment.getattr({thing}, {name}))"
        )

    @staticmethod
    def _plain(frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> bool:
        """Whether values are escaped (autoescape, known when compiled) and not finalized."""
        return frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None

    _closing = ")"  # what ends the code of the Output being written: `))` where `append(` became `concat((`

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        if frame.buffer is not None or frame.require_output_check or self.environment.is_async or len(node.nodes) < 2:
            super().visit_Output(node, frame)
            return
        frame.buffer = _JOINED
        try:
            super().visit_Output(node, frame)
        finally:
            frame.buffer, self._closing = None, ")"

    def writeline(self, x: str, node: nodes.Node | None = None, extra: int = 0) -> None:
        if x == f"{_JOINED}.extend((":
            x = "yield concat(("
        elif x == f"{_JOINED}.append(":  # one part (constants joined): its `)` closes `concat((` too
            x, self._closing = "yield concat((", "))"
        elif x == ")" and self._closing == "))":
            x, self._closing = "))", ")"
        super().writeline(x, node, extra)


# what a template reads as `mapping.name` from a dict or a read-only one (a page's sections, a plan): names
# that are no attribute of theirs (Environment.getattr tries the attribute first, then the item)
_MAPPINGS = (dict, MappingProxyType)
_MAPPING_ATTRIBUTES = frozenset(name for kind in _MAPPINGS for name in dir(kind))


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
        autoescape=select_autoescape(["html"]),
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


def alternate_links(alternates: Iterable[tuple[object, object, object]]) -> Markup:
    """A page's links to its other representations in its head (`{{ alternates | alternate_links }}`):
    each `<link rel="alternate">` on a line. A template loop costs an unpacking, three escapes and a
    yield per format on every page; the values (`pages.alternates`) are escaped already."""
    parts: list[str] = []
    for href, media_type, name in alternates:
        parts += (
            '<link rel="alternate" type="',
            _escaped(media_type),
            '" href="',
            _escaped(href),
            '" title="',
            _escaped(name),
            '">\n',
        )
    return _new(Markup, "".join(parts))


def download_items(alternates: Iterable[tuple[object, object, object]], short_name: object) -> Markup:
    """The list items that offer a page's representations (`{{ alternates | download_items(short_name) }}`),
    each named by the page's short name (escaped once, `resource.html`) and the format's name."""
    short = _escaped(short_name)
    parts: list[str] = []
    for href, media_type, name in alternates:
        parts += ('<li><a href="', _escaped(href), '" type="', _escaped(media_type), '">', short)
        parts += (" als ", _escaped(name), "</a></li>")
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
