"""The templates' environment and the template code changed to make a page cheaper write what Jinja's own
environment and the template code they replaced wrote (issue 18, session 8, helper t19).

Each shortcut is compared with what it replaced, on values chosen so that a careless shortcut would
differ: markup characters, quotes, `{{ }}`, texts in other languages, none, one and many values,
missing values; the code generator (one `yield` per run of text and values) against Jinja's own on
templates with every kind of statement, and on the page template itself with hostile pages.
"""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType

import pytest
from jinja2 import DictLoader, Environment, FileSystemLoader, Undefined, select_autoescape
from markupsafe import Markup

from hgkbp_ld.bundled import TEMPLATES
from hgkbp_ld.render.history import Entry
from hgkbp_ld.render.pages import Alternate, alternates
from hgkbp_ld.render.templates import environment
from hgkbp_ld.render.views import Block, Link, Page, Row, Text

BASE = "https://data.vlaanderen.be"
HOSTILE = "<script>alert(\"x\")</script> & 'q' {{ 7*7 }} {% raw %}"


def _text(value: str, lang: str) -> Text:
    made = Text(value)
    made.lang = lang
    return made


def jinjas(loader: object = None) -> Environment:
    """Jinja's own environment with the filters and globals of ours (not its getattr, globals, code)."""
    ours = environment(BASE)
    env = Environment(loader=loader or FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters.update(ours.filters)
    env.globals.update(ours.globals)
    return env


class _Item:
    """Has an item, no attribute, of that name."""

    def __getitem__(self, name: str) -> str:
        if name == "key":
            return "item <i>"
        raise KeyError(name)


class _Dict(dict):
    def __missing__(self, key: str) -> str:
        return f"missing {key}"


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ({"title": HOSTILE}, "title"),
        ({"title": HOSTILE}, "short"),  # missing: undefined
        ({"items": "an item called items"}, "items"),  # an attribute of a dict: the attribute, as Jinja
        ({"get": 1}, "get"),
        (MappingProxyType({"version": {"number": 2}}), "version"),
        (MappingProxyType({}), "version"),
        (MappingProxyType({"keys": 3}), "keys"),
        (_Dict(a=1), "b"),  # a dict of another class: Jinja's way (its __missing__ answers)
        (Link(HOSTILE, "/a"), "href"),
        (Link(HOSTILE, "/a"), "lang"),
        (_text("x", "en"), "lang"),
        ("plain", "lang"),
        (_Item(), "key"),
        (_Item(), "other"),
        (None, "title"),
        ([1, 2], "title"),
    ],
)
def test_the_environments_getattr_is_jinjas(value: object, name: str) -> None:
    ours, theirs = environment(BASE).getattr(value, name), jinjas().getattr(value, name)
    if isinstance(theirs, Undefined):
        assert type(ours) is type(theirs)
        assert (ours._undefined_obj, ours._undefined_name) == (theirs._undefined_obj, theirs._undefined_name)
    else:
        assert ours == theirs
        assert type(ours) is type(theirs)


class _Html:
    """Marked safe by a method of its own (markupsafe's `__html__`)."""

    def __html__(self) -> str:
        return "<b>safe & sound</b>"


# templates with every kind of statement, whose code the generator changes or leaves (macros, set and
# filter blocks write into a buffer), rendered by Jinja's own environment and by ours
SNIPPETS = {
    "text.html": 'a{{ x }}b{{ y }}<{{ m }}>{{ "const" }}{{ 3 }}',
    "one.html": "{{ x }}",
    "consts.html": '{{ "a" }}b{{ 1 + 2 }}',  # constants only: one part
    "loops.html": "{% for v in values %}<li>{{ v }}{% if not loop.last %}, {% endif %}</li>{% else %}none{{ x }}"
    "{% endfor %}{% for a, b in pairs %}[{{ a }}={{ b }}]{% endfor %}",
    "macro.html": '{% macro m(v, e="geen") %}<p>{{ v }}|{{ e }}</p>{% endmacro %}{{ m(x) }}{{ m(y, e=x) }}',
    "call.html": "{% macro c(v) %}<i>{{ caller(v) }}</i>{{ v }}{% endmacro %}{% call(z) c(x) %}{{ z }}{{ y }}{% endcall %}",
    "blocks.html": "{% set s %}<b>{{ x }}</b>{{ y }}{% endset %}{{ s }}|{% filter upper %}{{ x }}a{% endfilter %}"
    "{% with w = x %}{{ w }}{{ y }}{% endwith %}",
    "base.html": "<t>{% block title %}{{ x }}{% endblock %}</t>{% block main %}[{{ y }}]{% endblock %}!",
    "child.html": '{% extends "base.html" %}{% block title %}{{ super() }}+{{ y }}{% endblock %}'
    '{% block main %}{% include "text.html" %}{{ m }}{% from "macro.html" import m as mm %}{{ mm(y) }}{% endblock %}',
    "whitespace.html": "  {%- if x %}\n  {{ x }} {{ y -}}  \n{% endif -%}  |{{ m }}",
    "raw.html": "{% raw %}{{ x }}{% endraw %}{{ x }}{{ y }}",
    "attrs.html": "{{ d.title }}|{{ d.items is defined }}|{{ d.short is defined }}|{{ o.key }}|{{ o.other is defined }}"
    "|{{ p.sections.version.number }}|{{ p.sections.history is defined }}|{{ x.lang is defined }}|{{ y.lang }}|"
    "{{ l.label }}{{ l.href }}|{{ none.x is defined }}{% for v in values %}{{ v.real }}{% endfor %}",
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
@pytest.mark.parametrize(
    "values",
    [
        {"x": HOSTILE, "y": _text(HOSTILE, "en"), "m": Markup("<br>"), "values": [HOSTILE, 2], "pairs": [(1, "<")]},
        {"x": "", "y": None, "m": Markup(""), "values": [], "pairs": []},
        {"values": [Markup("<i>a</i>")], "pairs": []},  # x, y, m undefined
        {"x": 12, "y": _Html(), "m": _text("<en>", "en"), "values": [2.5, _Html(), None], "pairs": [(_Html(), 0)]},
    ],
)
def test_the_code_generator_writes_what_jinjas_wrote(name: str, values: dict) -> None:
    values = {
        **values,
        "d": {"title": HOSTILE, "items": 1},
        "o": _Item(),
        "p": Page("i", "p", "k", "k", "t", None, sections=MappingProxyType({"version": {"number": 3}})),
        "l": Link(HOSTILE, "/a<"),
    }
    ours = environment(BASE).overlay(loader=DictLoader(SNIPPETS))
    theirs = jinjas(DictLoader(SNIPPETS))
    assert _written(ours, name, values) == _written(theirs, name, values)


def _written(env: Environment, name: str, values: dict) -> str:
    """What a template writes, or the error it raises (an undefined value's attribute: Jinja's error)."""
    try:
        return env.get_template(name).render(values)
    except Exception as error:
        return f"{type(error).__name__}: {error}"


def test_the_code_generator_writes_a_run_of_text_and_values_as_one_part_of_a_list() -> None:
    env = environment(BASE)
    code = env.compile(SNIPPETS["text.html"], "text.html", raw=True)
    assert "yield" not in code  # list mode: the root returns its list (jc-s11)
    assert code.count("_parts.append(concat((") == 1
    assert code.count("_text_escaped(_output)") == 3  # x, y, m: written without a call where marked safe
    macro = env.compile(SNIPPETS["macro.html"], "macro.html", raw=True)
    assert ".extend((" in macro  # a macro's buffer as Jinja writes it


def _pages() -> list[Page]:
    when = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)
    entries = (
        Entry("p", 1, when, "versie/p/1/actie/p/1", (), "eerste versie"),
        Entry("q<", 2, when, "versie/q/2/actie/p/1", (HOSTILE, "b"), "gewijzigd"),
    )
    rows = (
        Row("titel <&>", "http://purl.org/dc/terms/title", (_text(HOSTILE, "en"),)),
        Row("deel van", f"{BASE}/ns/beleidsplan#deelVan", (Link(HOSTILE, "/doc/a?b=1&c", "HD 1"), HOSTILE)),
    )
    description = (Block("paragraph", HOSTILE), Block("list", items=(HOSTILE, "b"), ordered=True), Block("list"))
    plain = Page(f"{BASE}/id/x", "x/p/1", "Resource", "ding", HOSTILE, None)
    action = Page(
        f"{BASE}/id/actie/p/1",
        "actie/p/1",
        "Actie",
        "actie <A>",
        _text(HOSTILE, "en"),
        "A&1",
        (Link("Plan", "/doc/beleidsplan/p"), Link(_text(HOSTILE, "fr"), "/doc/x", "HD1")),
        MappingProxyType(
            {
                "description": description,
                "history": entries,
                "responsible": [(Link("P <1>", "/doc/p1"), [Link(HOSTILE, "/doc/m", "m")]), (Link("P2", "/p2"), [])],
                "collaborators": [],
                "partners": [HOSTILE],
                "timeline": {"text": HOSTILE, "start": 2025, "end": None},
                "indicators": [HOSTILE],
                "related": [Link("R", "/doc/r", "A2"), _text(HOSTILE, "de")],
                "see_also": ["https://example.org/?a=1&b=<2>"],
                "citations": [],
            }
        ),
        rows,
        rows[:1],
    )
    version = action.with_sections(
        {"version": {"entry": entries[1], "current": "/doc/actie/p/1", "history": entries}, "history": ()},
        kind="Versie",
    )
    return [plain, plain.but(title=_text(HOSTILE, "nl"), notation=HOSTILE), action, version]


PLANS = [{"slug": "p", "title": "Plan <P> & co", "href": "/doc/beleidsplan/p", "short": "P<"}]


@pytest.mark.parametrize("page", _pages(), ids=["plain", "nl-title", "action", "version"])
def test_the_page_template_writes_with_our_environment_what_jinjas_wrote(page: Page) -> None:
    context = {
        "page": page,
        "title": page.title,
        "alternates": alternates(f"{page.path}?<&>"),
        "jsonld": "{}",
        "meta": None,
        "plans": PLANS,
        "plan": PLANS[0],
        "plan_count": 1,
        "owners": {"p": PLANS[0]},
        "provenance": [],
        "version": "1",
    }
    ours = environment(BASE).get_template("resource.html").render(context)
    assert ours == jinjas().get_template("resource.html").render(context)
    assert "<script>" not in ours


# --- template code replaced, each against what replaced it -------------------------------------------------

_TITLE_OLD = (
    '{% if title.lang is defined and title.lang and title.lang != "nl" %}<span lang="{{ title.lang }}">{{ title }}'
    "</span>{% else %}{{ title }}{% endif %}"
)


@pytest.mark.parametrize(
    "title", [HOSTILE, _text(HOSTILE, "nl"), _text(HOSTILE, "en"), _text("x", ""), _text("y", 'e"n'), Markup("<i>")]
)
def test_a_title_by_the_link_filter_is_what_the_template_wrote(title: str) -> None:
    old, new = environment(BASE).from_string(_TITLE_OLD + "|{{ title | link }}").render(title=title).split("|")
    assert new == old


@pytest.mark.parametrize(
    "values",
    [[], [HOSTILE], [Link(HOSTILE, "/a&b", "n"), _text(HOSTILE, "en"), Link(_text("G", "en"), "/g", "G"), 3, None]],
)
def test_the_link_items_filter_writes_what_the_loop_and_the_macro_wrote(values: list[object]) -> None:
    env = environment(BASE)
    loop = "{% for v in values %}<li>{{ v | link }}</li>{% endfor %}|{{ values | link_items }}"
    old, new = env.from_string(loop).render(values=values).split("|")
    assert new == old
    macro = (
        '{% macro links(items, empty="geen") -%}\n{% if items %}<ul>{% for item in items %}<li>{{ item | link }}'
        "</li>{% endfor %}</ul>{% else %}<p>{{ empty }}</p>{% endif %}\n{%- endmacro %}{{ links(values) }}|"
        '{% from "_macros.html" import links %}{{ links(values) }}'
    )
    old, new = env.from_string(macro).render(values=values).split("|")
    assert new == old
    if values:  # an action's related actions: the list without the macro
        related = '{% from "_macros.html" import links %}{{ links(values) }}|<ul>{{ values | link_items }}</ul>'
        old, new = env.from_string(related).render(values=values).split("|")
        assert new == old


@pytest.mark.parametrize("path", ["actie/p/1", 'x/<"a">&b', "versie/p/1/periode/p/1-2"])
def test_the_alternates_unpacked_are_what_their_fields_wrote(path: str) -> None:
    made = alternates(path)
    assert all(type(alt) is Alternate for alt in made)
    assert [alt._asdict() for alt in made] == [Alternate(*alt)._asdict() for alt in made]
    old = '{% for alt in alternates %}<a href="{{ alt.href }}" type="{{ alt.media_type }}">{{ alt.name }}</a>{% endfor %}'
    new = '{% for href, media_type, name in alternates %}<a href="{{ href }}" type="{{ media_type }}">{{ name }}</a>'
    old, new = environment(BASE).from_string(f"{old}|{new}{{% endfor %}}").render(alternates=made).split("|")
    assert new == old


def test_a_template_loaded_once_is_taken_again_and_an_overlay_has_its_own() -> None:
    env = environment(BASE)
    base = env.get_template("base.html")
    assert env.get_template("base.html", "resource.html") is base
    other = env.overlay(loader=DictLoader({"base.html": "other"}))
    assert other.get_template("base.html").render() == "other"
    assert env.get_template("base.html") is base
    assert env.get_template(base) is base


def test_every_packaged_template_compiles_with_the_code_generator() -> None:
    env = environment(BASE)
    for name in env.list_templates():
        assert env.get_template(name).root_render_func is not None
    filtered = "{% for p in xs if p.count %}{{ p.count }}{% endfor %}|{% for p in d.xs if p.real %}{{ p }}{% endfor %}"
    values = {"xs": [{"count": 0}, {"count": "<2>"}], "d": {"xs": [0, 1, 2]}}
    assert env.from_string(filtered).render(values) == jinjas().from_string(filtered).render(values) == "&lt;2&gt;|12"
