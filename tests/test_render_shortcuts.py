"""The render stage's shortcuts give what the plain way gives (issue 18: a plan's pages made cheaper).

Each shortcut is checked against the reference it replaces, on inputs chosen so that a careless
shortcut would differ: the JSON-LD text with our context written once per process against
`json.dumps` of the whole document; N-Triples read by pyoxigraph against rdflib's own parser; a file
written by `published.Writer` in place of a hard link, which must not change the linked file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from hgkbp_ld import jsonld, rdfio
from hgkbp_ld.published import Writer, etag
from hgkbp_ld.render.templates import environment
from hgkbp_ld.render.views import Link, Text
from hgkbp_ld.versions import read_ntriples

EX = "https://data.vlaanderen.be/id/actie/p/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def reference_jsonld(compacted: dict) -> str:
    """What rdfio wrote before the shortcut: the whole document through json.dumps."""
    return json.dumps(jsonld._canonical_json(compacted), ensure_ascii=False, indent=2)


@pytest.mark.parametrize(
    "rest",
    [
        {},  # only the context
        {"@id": EX + "1", "titel": "Één actie", "notatie": ["b", "a"]},
        {"@graph": [{"@id": EX + "2", "titel": 'x\n"y"'}, {"@id": EX + "1", "titel": "<z> & ü"}]},
        {"@base": "https://example.org/", "@id": EX + "1"},  # a key that sorts before "@context"
        {"@id": EX + "1", "nested": {"deep": [{"b": 1}, {"a": []}, {}]}},
    ],
)
def test_the_jsonld_text_with_the_context_written_once_is_json_dumps_of_the_whole(rest: dict) -> None:
    compacted = {**rest, "@context": rdfio.context()}
    assert rdfio._jsonld_text(compacted) == reference_jsonld(compacted)
    assert json.loads(rdfio._jsonld_text(compacted)) == jsonld._canonical_json(compacted)


def test_a_graph_in_jsonld_is_the_same_as_through_rdflibs_own_serializer() -> None:
    graph = Graph()
    node = URIRef(EX + "1")
    bp = "https://data.vlaanderen.be/ns/beleidsplan#"
    graph.add((node, URIRef("http://purl.org/dc/terms/title"), Literal("Een actie", lang="nl")))
    graph.add((node, URIRef("http://purl.org/dc/terms/title"), Literal("An action", lang="en")))
    graph.add((node, URIRef(bp + "volgnummer"), Literal("3", datatype=URIRef(XSD + "integer"))))
    graph.add((node, URIRef(bp + "heeftIndicator"), URIRef(EX + "1-1")))
    graph.add((node, URIRef(bp + "heeftIndicator"), URIRef(EX + "1-2")))
    ours = json.loads(rdfio.serialise(graph, "jsonld"))
    theirs = json.loads(graph.serialize(format="json-ld", context=rdfio.context(), auto_compact=True))
    theirs["@context"] = rdfio.context()
    assert jsonld._canonical_json(ours) == jsonld._canonical_json(theirs)
    assert set(Graph().parse(data=json.dumps(ours), format="json-ld")) == set(graph)


def test_ntriples_read_by_pyoxigraph_are_the_terms_rdflib_reads() -> None:
    data = (
        f'<{EX}1> <http://purl.org/dc/terms/title> "Een \\"actie\\"\\nmet ü"@nl .\n'
        f'<{EX}1> <http://purl.org/dc/terms/title> "plain" .\n'
        f'<{EX}1> <https://data.vlaanderen.be/ns/beleidsplan#volgnummer> "07"^^<{XSD}integer> .\n'
        f'<{EX}1> <http://www.w3.org/ns/dcat#startDate> "2026"^^<{XSD}gYear> .\n'
        f"<{EX}1> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <https://example.org/a?b=c&d> .\n"
    ).encode()
    ours = read_ntriples(data)
    theirs = Graph().parse(data=data, format="nt")
    assert set(ours) == set(theirs)
    for (_s, _p, o), (_s2, _p2, o2) in zip(sorted(ours), sorted(theirs), strict=True):
        assert type(o) is type(o2)
        assert (getattr(o, "language", None), getattr(o, "datatype", None)) == (
            getattr(o2, "language", None),
            getattr(o2, "datatype", None),
        )


def test_a_file_written_where_a_link_to_the_previous_site_lies_leaves_the_linked_file_alone(tmp_path: Path) -> None:
    previous, site = tmp_path / "old", tmp_path / "new"
    (previous / "doc").mkdir(parents=True)
    (previous / "doc" / "a.html").write_bytes(b"old page")
    (site / "doc").mkdir(parents=True)
    os.link(previous / "doc" / "a.html", site / "doc" / "a.html")  # as an unchanged plan's pages are taken
    writer = Writer(site, 1_700_000_000)
    found = writer.write("doc/a.html", b"new page", "text/html", offset=0)
    assert (previous / "doc" / "a.html").read_bytes() == b"old page"
    assert (site / "doc" / "a.html").read_bytes() == b"new page"
    stat = (site / "doc" / "a.html").stat()
    assert int(stat.st_mtime) == 1_700_000_000
    assert found[2] == etag(1_700_000_000, len(b"new page"))
    assert stat.st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# The `link` macro the pages used before `render.templates.link` (a filter in Python) replaced it.
_LINK_MACRO = """{% macro link(value) -%}
{%- if value.href is defined -%}
{%- set l = value.label.lang -%}
<a href="{{ value.href }}"{% if l and l != "nl" %} lang="{{ l }}"{% endif %}>{% if value.note and value.note != value.label %}<span class="notation">{{ value.note }}</span> {% endif %}{{ value.label }}</a>
{%- elif value.lang and value.lang != "nl" -%}<span lang="{{ value.lang }}">{{ value }}</span>
{%- else -%}{{ value }}{%- endif -%}
{%- endmacro %}{{ link(value) }}|{{ value | link }}"""


def _text(value: str, lang: str) -> Text:
    made = Text(value)
    made.lang = lang
    return made


@pytest.mark.parametrize(
    "value",
    [
        Link("Actie 12 <&>", "/doc/actie/p/12", "A12"),
        Link("HD 1", "/doc/doelstelling/p/HD1", "HD 1"),  # a note equal to the label is not shown twice
        Link(_text("Youth policy", "en"), "/doc/x?a=1&b=2"),
        Link(_text("Jeugd", "nl"), "/doc/x", ""),
        _text("a text in English", "en"),
        _text("een tekst", "nl"),
        'plain "quoted" <b>text</b>',
        {"href": "/doc/sdg/1", "label": "Doel 1"},
        None,
        3,
    ],
)
def test_the_link_filter_writes_what_the_link_macro_wrote(value: object) -> None:
    template = environment("https://data.vlaanderen.be").from_string(_LINK_MACRO)
    old, new = template.render(value=value).split("|")
    assert new == old
