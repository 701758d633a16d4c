"""Reading RDF files with pyoxigraph's parsers (`rdfio.read_graph`): the graph rdflib's own parsers give."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from hgkbp_ld import jsonld, official, rdfio
from hgkbp_ld.bundled import ONTOLOGY, SHAPES
from hgkbp_ld.rdfio import read_graph

FILES = [
    (official.DCAT_AP_VL, "turtle"),
    *[(path, "turtle") for path in official.DCAT_AP],
    (official.MANDATENDATABANK, "turtle"),
    *[(path, "xml") for path in sorted(official.CODELISTS.glob("*.rdf"))],
    (official.W3C_CLASSES, "turtle"),
    (ONTOLOGY / "beleidsplan.ttl", "turtle"),
    (SHAPES / "beleidsplan-shapes.ttl", "turtle"),
]


@pytest.mark.parametrize(("path", "fmt"), FILES, ids=[path.name for path, _fmt in FILES])
def test_a_file_reads_as_rdflib_reads_it(path: Path, fmt: str) -> None:
    """Every official and bundled file the build reads: the same triples (blank nodes aside) as
    rdflib's parser, ill-typed literals (the official counts "n"^^xsd:integer) included."""
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    ours = read_graph(path, fmt)
    theirs = Graph().parse(path, format=fmt)
    assert len(ours) == len(theirs) > 0
    assert isomorphic(ours, theirs)


def test_relative_iris_resolve_against_the_file(tmp_path: Path) -> None:
    source = tmp_path / "relative.ttl"
    source.write_text('<#a> <http://example.org/p> "x" .\n', encoding="utf-8")
    assert set(read_graph(source)) == set(Graph().parse(source, format="turtle"))


def test_a_broken_file_names_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text('<http://example.org/a> <http://example.org/p> "x" .\n<http://example.org/a> oops\n')
    with pytest.raises(SyntaxError, match=r"2"):
        read_graph(broken)
    with pytest.raises(official.OfficialShapesError, match=r"broken\.ttl: cannot load"):
        official._parse(broken)


TRICKY = [
    {"a": 'x\u0001\u001f\t\n\r\b\f"\\/\u2028\u0085é\U0001f600\x7f', "b": [1, -2, True, False, None], "c": {}, "d": []},
    {"@graph": [{"@id": "x", "n": 2**70}]},  # beyond 64 bits: orjson refuses, json writes it
    {"v": [1e-07, 2.5e-05, 0.1, 1e20, float("nan")]},  # floats: orjson writes some otherwise (1e-7)
    {"s": "\ud800"},  # a lone surrogate: not UTF-8
]


@pytest.mark.parametrize("value", TRICKY)
def test_the_jsonld_text_is_what_json_writes(value: object) -> None:
    """The JSON-LD files' text is written by orjson where that gives json's bytes, else by json."""
    assert jsonld._canonical_text(value) == json.dumps(jsonld._canonical_json(value), ensure_ascii=False, indent=2)


def test_a_graph_with_doubles_gives_the_jsonld_json_writes() -> None:
    graph = Graph()
    for number, value in enumerate(("1.0E-7", "2.5E-5", "INF", "3.14")):
        graph.add((URIRef(f"http://example.org/{number}"), RDF.value, Literal(value, datatype=XSD.double)))
    compacted = json.loads(rdfio.serialise(graph, "jsonld"))
    expected = json.dumps(jsonld._canonical_json(compacted), ensure_ascii=False, indent=2) + "\n"
    assert rdfio.serialise(graph, "jsonld").decode("utf-8") == expected
