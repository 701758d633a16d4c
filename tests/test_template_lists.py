"""The templates compiled in list mode (`render/codegen.py`, issue 18, session 11, helper jc): a root or block
function returns the list of its parts instead of yielding them through the generators of every template of a
page, a name is read from the context inline, `is defined` without a call, the alternates' filters from their
parts. Each is compared with Jinja's own code generator in the same environment (its filters and globals):
templates with every statement that writes or calls another template's code (extends over three levels,
`super()`, `self`, scoped and required blocks, includes with and without context, missing ones, macros that
call blocks, recursive loops, filtered loops, call and filter blocks, imports), their errors (the template's
name and line), and every page of the real plan and of two synthetic plans, byte for byte."""

from __future__ import annotations

import inspect
import shutil
import sys
import traceback
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment, FunctionLoader
from markupsafe import Markup

from hgkbp_ld.render import pages as pages_module
from hgkbp_ld.render.pages import Alternate, alternates
from hgkbp_ld.render.templates import (
    Alternates,
    _property_link,
    alternate_links,
    download_items,
    environment,
    link,
    table_rows,
)
from hgkbp_ld.render.views import Link, Row, Text
from tests.test_template_shortcuts import jinjas  # Jinja's own code generator, context and getattr, our filters

BASE = "https://data.vlaanderen.be"
ROOT = Path(__file__).resolve().parents[1]
HOSTILE = "<script>alert(\"x\")</script> & 'q' {{ 7*7 }} é · ’"


TEMPLATES_ = {
    "base.html": "<t>{% block title %}{{ x }}{% endblock %}</t>{% set top = 'T' ~ x %}{% block main required %}"
    "{% endblock %}[{{ self.title() }}]{% block tail scoped %}{{ top }}{% endblock %}!{{ top }}",
    "middle.html": '{% extends "base.html" %}{% block title %}M{{ super() }}{% endblock %}'
    "{% block main %}<m>{{ y }}{{ top }}</m>{% block inner %}i{% endblock %}{% endblock %}",
    "child.html": 'before{% extends "middle.html" %}ignored{% block inner %}{{ super() }}+{{ x }}'
    '{% include "part.html" %}{% include "part.html" without context %}{% include "none.html" ignore missing %}'
    '{% include ["none.html", "part.html"] %}{% endblock %}{% block tail %}{{ super() }}:{{ top }}{% endblock %}',
    "part.html": "<p>{{ x | default('no x') }}{% if top is defined %}|{{ top }}{% endif %}</p>",
    "dynamic.html": "{% if y %}{% extends 'middle.html' %}{% endif %}own {{ x }}{% block inner %}D{% endblock %}",
    "loops.html": "{% for v in values if v %}<li>{{ loop.index }}{{ v }}</li>{% else %}none{% endfor %}"
    "{% for n in tree recursive %}<{{ n.name }}>{{ loop(n.kids) }}{% endfor %}"
    "{% for v in values %}{% include 'part.html' %}{% endfor %}",
    "macros.html": "{% macro m(v) %}<i>{{ v }}</i>{% include 'part.html' %}{{ caller(v) if caller }}{% endmacro %}"
    "{{ m(x) }}{% call(z) m(y) %}[{{ z }}]{% endcall %}{% filter upper %}{{ x }}{% include 'part.html' %}"
    "{% endfilter %}{% set s %}{% include 'part.html' %}{% endset %}{{ s }}",
    "imports.html": "{% import 'macros.html' as mod %}{% from 'macros.html' import m %}{{ m(x) }}|{{ mod.m(y) }}",
    "names.html": "{% set x = 'set ' ~ x %}{{ x }}{% with y = 1 %}{{ y }}{{ x }}{% endwith %}{{ y }}"
    "{{ x is defined }}{{ nothing is defined }}{{ nothing is not defined }}{{ kinds is defined }}",
    "errors.html": "line 1\n{% extends 'base.html' %}\n{% block main %}\nline 4\n{{ x.boom() }}\n{% endblock %}",
    "included_error.html": "a\n{% include 'raises.html' %}",
    "raises.html": "one\ntwo {{ 1 // zero }}",
}


class _Tree:
    def __init__(self, name: str, kids: list[_Tree] | None = None) -> None:
        self.name, self.kids = name, kids or []


VALUES = [
    {"x": HOSTILE, "y": Markup("<b>y</b>"), "values": [HOSTILE, 0, 2], "tree": [_Tree("a", [_Tree("b")])], "top": 1},
    {"x": "", "y": None, "values": [], "tree": []},
    {"values": [None], "tree": [_Tree("<r>")]},  # x and y undefined
    # (`top`, given and set by base.html at its top level: a block reads the template's own, the context's vars)
]


@pytest.mark.parametrize("name", [n for n in sorted(TEMPLATES_) if "error" not in n and n != "raises.html"])
@pytest.mark.parametrize("values", VALUES, ids=["hostile", "empty", "undefined"])
def test_list_mode_writes_what_jinjas_generators_wrote(name: str, values: dict) -> None:
    ours = environment(BASE).overlay(loader=DictLoader(TEMPLATES_))
    theirs = jinjas(DictLoader(TEMPLATES_))
    mine, jinja = ours.get_template(name), theirs.get_template(name)
    assert _outcome(lambda: mine.render(values)) == _outcome(lambda: jinja.render(values))
    # and streamed, as a module, block by block: the same
    assert _outcome(lambda: "".join(mine.generate(values))) == _outcome(lambda: "".join(jinja.generate(values)))
    assert _outcome(lambda: str(mine.make_module(values))) == _outcome(lambda: str(jinja.make_module(values)))
    assert sorted(mine.blocks) == sorted(jinja.blocks)
    for block in jinja.blocks:
        assert _outcome(lambda b=block: "".join(mine.blocks[b](mine.new_context(values)))) == _outcome(
            lambda b=block: "".join(jinja.blocks[b](jinja.new_context(values)))
        )


def _outcome(make: Callable[[], str]) -> str:
    """What a template writes, or the error it raises."""
    try:
        return make()
    except Exception as error:
        return f"{type(error).__name__}: {error}"


@pytest.mark.parametrize(("name", "values"), [("errors.html", {"x": 1}), ("included_error.html", {"zero": 0})])
def test_an_error_is_raised_from_the_templates_name_and_line_as_jinjas(name: str, values: dict) -> None:
    def where(env: Environment) -> list[tuple[str, int, str]]:
        try:
            env.get_template(name).render(values)
        except Exception as error:
            frames = traceback.extract_tb(error.__traceback__)
            return [(Path(f.filename).name, f.lineno, type(error).__name__) for f in frames if "<" not in f.filename]
        raise AssertionError("no error")

    def source(name: str) -> tuple[str, str, Callable[[], bool]] | None:  # with a file name, which frames show
        return (TEMPLATES_[name], f"/templates/{name}", lambda: True) if name in TEMPLATES_ else None

    ours = where(environment(BASE).overlay(loader=FunctionLoader(source)))
    theirs = where(jinjas(FunctionLoader(source)))
    template_frames = [f for f in ours if f[0].endswith(".html")]
    assert template_frames == [f for f in theirs if f[0].endswith(".html")]
    assert template_frames[-1][:2] == (("errors.html", 5) if name == "errors.html" else ("raises.html", 2))


def test_every_packaged_template_returns_lists_and_reads_names_inline() -> None:
    env = environment(BASE)
    for name in env.list_templates():
        template = env.get_template(name)
        functions = [template.root_render_func, *template.blocks.values()]
        assert not any(inspect.isgeneratorfunction(f) for f in functions), name
        source = env.loader.get_source(env, name)[0]
        code = env.compile(source, name, raw=True)
        assert code.count("yield ") == code.count("(fiter):"), name  # a filtered loop's filter only
        assert "resolve(" not in code and "gen.close()" not in code, name
        assert ("is defined" in source) == ("(not isinstance(" in code), name  # `defined` inline


def test_a_statement_the_generator_does_not_know_falls_back_to_yields_loudly() -> None:
    env = environment(BASE)
    code = env.compile("{% for v in values if v %}{{ v }}{% endfor %}", raw=True)
    assert "yield" in code.split("def root", 1)[1].split("_parts = []", 1)[1]  # the loop's filter: a generator
    assert env.from_string("{% for v in values if v %}{{ v }}{% endfor %}").render(values=[0, 1, 2]) == "12"


@pytest.mark.parametrize("path", ["actie/p/1", 'x/<"a">&b', "versie/p/1/periode/p/1-2"])
@pytest.mark.parametrize("short", ["A 1", Markup("A &amp; <1>")])
def test_the_alternates_filters_write_what_their_loop_wrote(path: str, short: object) -> None:
    made = alternates(path)
    loop = jinjas().from_string(
        '{% for href, media_type, name in alternates %}<link rel="alternate" type="{{ media_type }}" href="{{ href }}"'
        ' title="{{ name }}">\n{% endfor %}|{% for href, media_type, name in alternates %}<li><a href="{{ href }}"'
        ' type="{{ media_type }}">{{ short }} als {{ name }}</a></li>{% endfor %}'
    )
    assert f"{alternate_links(made)}|{download_items(made, short)}" == loop.render(alternates=made, short=short)
    plain = [Alternate(str(href), str(kind), str(name)) for href, kind, name in made]  # not marked: escaped
    hostile = [*plain, Alternate(HOSTILE, "<t>", Markup("<n>"))]
    assert f"{alternate_links(hostile)}|{download_items(hostile, short)}" == loop.render(
        alternates=hostile, short=short
    )


def _both_ways(data: Path, count: int, root: Path, versions: Path | None = None) -> int:
    """Build the first `count` plans of `data` as a worker does, every page also rendered by the same
    template of Jinja's own environment (the same context): the same bytes (counted)."""
    from bench.plan_cost import build

    theirs = jinjas()
    seen = 0
    rendered = pages_module.rendered_bodies  # (a worker's pages: `Pages.current_bodies`, `past_bodies`)

    def both(path, graph, page, template, common, title, meta, pictures=None):
        nonlocal seen
        made = rendered(path, graph, page, template, common, title, meta, pictures)
        other = rendered(path, graph, page, theirs.get_template(template.name), common, title, meta, pictures)
        assert made["html"] == other["html"], path
        seen += 1
        return made

    if versions is not None:
        shutil.copytree(versions, root / "versions")
    pages_module.rendered_bodies = both
    try:
        build(data, count, root)
    finally:
        pages_module.rendered_bodies = rendered
    return seen


def test_the_real_plans_pages_are_those_of_jinjas_code(tmp_path: Path) -> None:
    assert _both_ways(ROOT / "data", 1, tmp_path, ROOT / "data" / "versions") > 500


def test_two_synthetic_plans_pages_are_those_of_jinjas_code(tmp_path: Path) -> None:
    from bench.synthetic import make_data

    assert _both_ways(make_data(tmp_path / "x", 2), 2, tmp_path / "out") > 1000


@pytest.mark.parametrize(
    "formats",
    [
        ((".ttl", Markup("text/turtle"), Markup("Turtle")), (".nt", Markup("a&amp;b"), Markup("<N>"))),
        ((".x", "te<xt>", HOSTILE), ("", "", "")),  # not marked safe: escaped, as the loop escapes them
        (),
    ],
)
@pytest.mark.parametrize("document", ["/doc/a", "/doc/x&amp;&lt;y&gt;", ""])
def test_the_alternates_written_from_their_parts_are_what_the_filters_loops_wrote(
    formats: tuple, document: str
) -> None:
    made = Alternates(document, formats, Alternate._make)
    listed = list(made)  # iterated: what a list of them was
    assert listed == [Alternate(Markup(document + ext), kind, name) for ext, kind, name in formats]
    assert len(made) == len(formats)
    for short in ("A 1", Markup("<b>A</b>"), HOSTILE):
        assert alternate_links(made) == alternate_links(listed) and type(alternate_links(made)) is Markup
        assert download_items(made, short) == download_items(listed, short)


def _text(value: str, lang: str | None) -> Text:
    made = Text(value)
    made.lang = lang  # type: ignore[assignment]
    return made


@pytest.mark.parametrize(
    "value",
    [
        HOSTILE,
        _text(HOSTILE, "nl"),
        _text(HOSTILE, "en"),
        _text(HOSTILE, ""),
        _text(HOSTILE, None),
        Link(_text(HOSTILE, "fr"), "/doc/a?b=1&c", "A & 1"),
        Link(HOSTILE, "/doc/a", ""),
        Markup("<b>al veilig</b>"),
        {"href": "/x?a&b", "label": HOSTILE, "note": "n"},
        12,
    ],
)
def test_a_single_value_of_a_row_is_written_as_link_writes_it(value: object) -> None:
    row = Row("eigenschap <&>", "https://data.vlaanderen.be/ns/beleidsplan#x", (value,))
    expected = f'<tr><th scope="row">{_property_link(row.iri, row.name)}</th><td>{link(value)}</td></tr>\n'
    assert table_rows([row]) == expected


@pytest.mark.parametrize("value", [HOSTILE, Markup("<b>al</b>"), _text(HOSTILE, "en"), 12, None, 2.5, Link("a<", "/b")])
def test_the_escape_filter_written_inline_is_the_filters_call(value: object) -> None:
    source = "{{ x | e }}|{{ x | escape }}|{% set a, b = x | e, (x | e) | e %}{{ a }}{{ b }}|{{ (x | e).__class__.__name__ }}"
    assert "_marked(" in environment(BASE).compile(source, raw=True)
    ours = environment(BASE).from_string(source).render(x=value)
    assert ours == jinjas().from_string(source).render(x=value)
    assert ours.endswith("|Markup")


def test_a_pages_texts_are_let_go_as_they_are_encoded() -> None:
    """`pages.encoded` empties the list of a page's texts as it encodes them: a page in large parts whose texts
    take 2 bytes a character (one character past Latin-1) never holds all its texts and all its bytes at once
    (the list held to its last part: the texts, 2 bytes a character, and the bytes, 1, were 3 at the peak)."""
    tracemalloc.start()
    try:
        texts = [f"’{n}" + "x" * 1_000_000 for n in range(8)]  # only the list holds them
        held = sum(sys.getsizeof(text) for text in texts)
        tracemalloc.reset_peak()
        parts = pages_module.encoded(texts)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert texts == []
    assert [part[:5].decode() for part in parts] == [f"’{n}x" for n in range(8)]
    made = sum(len(part) for part in parts)
    assert made > 8_000_000
    # at most every text and one part's encoding (whose buffer is first 3 bytes a character: 3 MB here); all
    # the texts and all the bytes would be held + made (24 MB, and that buffer)
    assert peak < held + made // 2, (peak, held, made)
