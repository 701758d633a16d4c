"""`Compactor.compact_sorted` makes the document `compact` makes with its arrays sorted as `rdfio` sorts
them (`_sort_arrays`), the nodes under @graph too; where it cannot (a float, a key before "@id"), it
says so (`Unsorted`) and rdfio writes `compact`'s document as before (rdflib's text either way)."""

from __future__ import annotations

import copy

import pytest
from rdflib import XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS
from rdflib.plugins.stores.memory import SimpleMemory

from hgkbp_ld import jsonld, rdfio
from hgkbp_ld.compaction import Compactor, Unsorted
from hgkbp_ld.iris import BP
from tests.test_rdf_writers import odd_literals, rdflib_jsonld

EX = Namespace("http://example.org/")
BASE = "https://data.vlaanderen.be/id/actie/p/"


def graphs() -> list[Graph]:
    """Things with many values per key (falsy ones among them: "", 0, false), subjects whose ids'
    JSON text sorts otherwise than their IRIs would (`-`, `.`, `/`, `~`, `%`, accents)."""
    made = []
    literals = [o for o in odd_literals() if o.datatype != XSD.double]
    subjects = [URIRef(BASE + tail) for tail in ("1", "1-2", "1.2", "1/2", "1~2", "1%20", "é", "10", "1a")]
    for step in (1, 3, 7):
        graph = Graph(store=SimpleMemory())
        for number, subject in enumerate(subjects[::step]):
            graph.add((subject, DCTERMS.title, Literal(f"title {number}", lang="nl")))
            for literal in literals[number :: step * 5]:
                graph.add((subject, EX.odd, literal))
                graph.add((subject, SKOS.notation, literal))
            for falsy in (Literal(""), Literal("0", datatype=XSD.integer), Literal("false", datatype=XSD.boolean)):
                graph.add((subject, BP.volgnummer, falsy))
                graph.add((subject, EX.value, falsy))
            graph.add((subject, BP.heeftActie, subjects[(number + 1) % len(subjects)]))
            graph.add((subject, BP.heeftActie, subjects[(number + 2) % len(subjects)]))
        made.append(graph)
    return made


@pytest.mark.parametrize("graph", graphs(), ids=lambda g: f"{len(g)}-triples")
def test_the_sorted_document_is_the_document_sorted(graph: Graph) -> None:
    compactor = Compactor(jsonld._parsed_context())
    triples = list(graph)
    expected = copy.deepcopy(compactor.compact(triples))
    jsonld._sort_arrays(expected)
    assert compactor.compact_sorted(triples) == expected
    assert rdfio._written(compactor.compact_sorted(triples)) == rdfio._sorted_text(compactor.compact(triples))
    assert rdfio.serialise(graph, "jsonld") == rdflib_jsonld(graph)


def test_a_float_is_left_to_the_canonical_writer() -> None:
    graph = Graph(store=SimpleMemory())
    graph.add((URIRef(BASE + "1"), EX.size, Literal("1.5E0", datatype=XSD.double)))
    graph.add((URIRef(BASE + "1"), EX.size, Literal("2", datatype=XSD.double)))
    with pytest.raises(Unsorted):
        Compactor(jsonld._parsed_context()).compact_sorted(list(graph))
    assert rdfio.serialise(graph, "jsonld") == rdflib_jsonld(graph)
