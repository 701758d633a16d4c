"""The HTML side's shortcuts write what the plain template wrote, and escape hostile text as it did
(issue 18: a plan's pages made cheaper, helper h18).

Each shortcut is compared with the template code it replaced, on values chosen so that a careless
shortcut would differ: markup characters, quotes, texts in other languages, none, one and many
values, things that are not text; and the site's navigation and footer rendered once per plan with
what base.html wrote on every page.
"""

from __future__ import annotations

import pytest
from markupsafe import Markup, escape

from hgkbp_ld.render.pages import chrome
from hgkbp_ld.render.templates import _escape, environment
from hgkbp_ld.render.views import Link, Row, Text

BASE = "https://data.vlaanderen.be"

# The rows of a page's property tables as resource.html wrote them before `table_rows` (a filter in Python).
_ROWS_LOOP = """{% for row in rows %}<tr><th scope="row"><a href="{{ row.iri | term_href }}">{{ row.name }}</a></th><td>\
{% if row.values | length == 1 %}{{ row.values[0] | link }}{% else %}<ul>{% for v in row.values %}<li>{{ v | link }}</li>\
{% endfor %}</ul>{% endif %}</td></tr>
{% endfor %}|{{ rows | table_rows }}"""
_INCOMING_LOOP = """{% for row in rows %}<tr><th scope="row"><a href="{{ row.iri | term_href }}">{{ row.name }}</a></th>\
<td><ul>{% for v in row.values %}<li>{{ v | link }}</li>{% endfor %}</ul></td></tr>
{% endfor %}|{{ rows | table_rows(listed=True) }}"""


def _text(value: str, lang: str) -> Text:
    made = Text(value)
    made.lang = lang
    return made


HOSTILE = "<script>alert(\"x\")</script> & 'q' {{ 7*7 }}"
ROWS = [
    Row("titel", "http://purl.org/dc/terms/title", (_text(HOSTILE, "nl"),)),
    Row("label <&>", 'https://data.vlaanderen.be/ns/beleidsplan#naam"x', (_text("Youth <policy>", "en"), HOSTILE)),
    Row("soort", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", (Link("Actie", "/doc/x?a=1&b=2", "A&1"),)),
    Row("geen", "https://data.vlaanderen.be/ns/beleidsplan#leeg", ()),
    Row(
        "deel van",
        "https://data.vlaanderen.be/ns/beleidsplan#deelVan",
        (
            Link(_text("Goal", "en"), "/doc/d/1", "HD 1"),
            Link("HD 2", "/doc/d/2", "HD 2"),
            Link(HOSTILE, HOSTILE, HOSTILE),
        ),
    ),
]


@pytest.mark.parametrize("loop", [_ROWS_LOOP, _INCOMING_LOOP])
@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], ROWS[3:4], []])
def test_the_table_rows_filter_writes_what_the_template_loop_wrote(loop: str, rows: list[Row]) -> None:
    old, new = environment(BASE).from_string(loop).render(rows=rows).split("|")
    assert new == old
    assert "<script>" not in new  # the hostile text escaped


class _Html:
    def __html__(self) -> str:
        return "<b>safe</b>"


@pytest.mark.parametrize(
    "value",
    [HOSTILE, "", "plain", Markup("<i>ok</i>"), _text(HOSTILE, "en"), 3, None, 2.5, _Html(), Link("a<", "/b")],
)
def test_the_templates_escape_gives_what_markupsafe_gives(value: object) -> None:
    made = _escape(value)
    assert type(made) is Markup
    assert made == escape(value)


def test_a_template_escapes_hostile_text_with_the_shortcut_as_before() -> None:
    env = environment(BASE)
    html = env.from_string('<p title="{{ t }}">{{ t }}{{ m }}</p>').render(t=HOSTILE, m=Markup("<br>"))
    assert html == f'<p title="{escape(HOSTILE)}">{escape(HOSTILE)}<br></p>'


PLANS = [
    {"slug": "a", "title": "Plan <A> & co", "href": "/doc/beleidsplan/a", "short": "A"},
    {"slug": "b", "title": "Plan B", "href": "/doc/beleidsplan/b", "short": "B"},
]
PROVENANCE = [
    {"dataset": f"{BASE}/id/dataset/{p['slug']}", "time": "2026-01-01T00:00:00", "sha": "ab" * 32} for p in PLANS
]


@pytest.mark.parametrize(
    "context",
    [
        {"plans": PLANS, "plan_count": 2, "plan": PLANS[0], "provenance": PROVENANCE, "version": "1 <x>"},
        {"plans": PLANS, "plan_count": 2, "plan": None, "provenance": PROVENANCE, "version": "1"},
        {"plans": PLANS[:1], "plan_count": 1, "plan": None, "provenance": PROVENANCE[:1], "version": "1"},
        {"plans": PLANS, "plan": None, "provenance": PROVENANCE, "version": "1", "dataset_version": "f" * 40},
        {"plans": [], "plan_count": 0, "plan": None, "provenance": [], "version": "1"},
        {"provenance": [], "version": "1"},
    ],
)
def test_the_navigation_and_footer_made_once_are_what_each_page_wrote(context: dict) -> None:
    env = environment(BASE)
    base = env.get_template("base.html")
    assert base.render(context, chrome=chrome(env, context)) == base.render(context)
    assert "made once" in base.render(context, chrome={"nav": "made once", "footer": ""})  # and it is used


def test_a_page_changed_by_but_is_what_dataclasses_replace_makes() -> None:
    import dataclasses

    from hgkbp_ld.render.views import Page

    page = Page("https://x/id/a", "a", "Actie", "actie", "A", None, rows=tuple(ROWS))
    changed = page.but(kind="Versie", kind_label="actie, versie 2")
    assert changed == dataclasses.replace(page, kind="Versie", kind_label="actie, versie 2")
    assert (page.kind, changed.rows) == ("Actie", page.rows)  # the page itself unchanged
    assert page.with_sections({"x": 1}).sections == {"x": 1}
    with pytest.raises(TypeError):
        page.but(colour="red")


@pytest.mark.parametrize("values", [[], [Link(HOSTILE, "/a&b", "n")], [Link("a", "/a"), _text(HOSTILE, "en"), HOSTILE]])
def test_the_joined_links_filter_writes_what_the_loop_wrote(values: list[object]) -> None:
    loop = '{% for h in values %}{{ h | link }}{% if not loop.last %}, {% endif %}{% endfor %}|{{ values | joined_links(", ") }}'
    old, new = environment(BASE).from_string(loop).render(values=values).split("|")
    assert new == old


@pytest.mark.parametrize(
    "source",
    [
        "<head><script type='application/ld+json'>{{ jsonld }}</script></head><h1>{{ title }}</h1>",
        "<p>{{ title }} – é ✓ 𝔘</p>{% for i in range(300) %}<i>{{ i }}{{ title }}</i>{% endfor %}{{ jsonld }}",
        "{{ jsonld }}{{ title }}{{ jsonld }}",  # a second slot stays as the template wrote it, as partition left it
        "<p>{{ title }}</p>",  # no slot at all
    ],
)
def test_a_page_encoded_part_by_part_is_the_page_rendered_whole(source: str) -> None:
    """`pages.rendered_bodies` encodes the parts the template yields and splices the JSON-LD into its slot's part:
    the same bytes as rendering the page whole, splitting it at the slot and encoding it (the way before)."""
    from rdflib import Literal, URIRef

    from hgkbp_ld.render.pages import _SLOT, _script_json, alternates, rdf_representations, rendered_bodies
    from hgkbp_ld.triples import Triples

    thing = URIRef("https://data.vlaanderen.be/id/actie/x/1")
    graph = Triples([(thing, URIRef("http://purl.org/dc/terms/title"), Literal("<b>& 'é' ✓</b>", lang="nl"))])
    template = environment("https://data.vlaanderen.be").from_string(source)
    title = "<script>alert('x')</script> – ✓"
    made = rendered_bodies("actie/x/1", graph, None, template, {}, title, None)  # type: ignore[arg-type]
    script = _script_json(rdf_representations(graph)["jsonld"].body)
    whole = template.render(
        page=None, title=title, alternates=alternates("actie/x/1"), jsonld=_SLOT, pictures=None, meta=None
    )
    before, slot, after = whole.partition(_SLOT)
    expected = before.encode("utf-8") + script + after.encode("utf-8") if slot else whole.encode("utf-8")
    assert made["html"][0] == expected
    assert script in expected or "jsonld" not in source


def test_the_json_ld_slot_is_skipped_by_find_over_a_pages_head() -> None:
    """The slot (`pages._slot`) is NUL and control characters, one of 16 per half byte of its token (no two tokens
    give one slot); none of the bytes a page's head is mostly made of falls in CPython's filter of its bytes
    (value modulo 64), so that `bytes.find` jumps a slot's length at a time, not a byte."""
    from hgkbp_ld.render.pages import _SLOT, _SLOT_BYTES, _slot

    assert _slot(bytes([0x00, 0xFF, 0x5A])) == "\x00\x10\x10\x1f\x1f\x15\x1a\x00"
    assert len({_slot(bytes([a, b])) for a in range(256) for b in range(0, 256, 7)}) == 256 * 37
    assert len(_SLOT) == 34 and _SLOT_BYTES == _SLOT.encode("ascii")
    assert set(_SLOT[1:-1]) <= {chr(c) for c in range(0x10, 0x20)} and _SLOT[0] == _SLOT[-1] == "\x00"
    filtered = {byte & 63 for byte in _SLOT_BYTES}
    head = 'abcdefghijklmnopqrstuvwxyz0123456789 \n<>="&/.:;-·é' + "ABCDEFGHIJKLMNO"
    assert not {byte & 63 for byte in head.encode("utf-8")} & filtered
