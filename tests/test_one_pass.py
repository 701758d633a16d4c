"""`onepass.written`: a page's graph written in every format from one lookup per statement gives the
bytes of the writers it stands for (`_lines`, `Writers.both`, `Compactor.compact_sorted`: the path a
graph of more statements still takes), in every case it takes and in those it leaves to that path."""

from __future__ import annotations

import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS
from rdflib.plugins.stores.memory import SimpleMemory

from hgkbp_ld import onepass, rdfio
from hgkbp_ld.iris import BP
from hgkbp_ld.triples import Triples
from tests.test_rdf_writers import EX, odd_literals, our_shape

FORMATS = ("ttl", "jsonld", "nt", "rdf")
THING = URIRef("https://data.vlaanderen.be/id/actie/p/1")
LONGER = URIRef("https://data.vlaanderen.be/id/actie/p/12")  # its IRI starts with THING's
SHORTER = URIRef("https://data.vlaanderen.be/id/actie/p")


def both_ways(monkeypatch: pytest.MonkeyPatch, graph: Graph | Triples) -> dict[str, bytes]:
    """The graph's formats by `_one_pass` (twice: new and remembered entries) and by the other path;
    the same bytes, returned."""
    monkeypatch.setattr(rdfio, "_ONE_PASS", 10**9)
    first = written(graph)
    again = written(graph)
    monkeypatch.setattr(rdfio, "_ONE_PASS", -1)
    other = written(graph)
    assert first == again == other
    return first  # type: ignore[return-value]


def written(graph: Graph | Triples) -> dict[str, bytes] | str:
    """The formats, or the error met (an IRI that pyoxigraph does not read back either)."""
    try:
        return rdfio.serialise_all(graph, FORMATS)
    except SyntaxError as error:
        return f"{type(error).__name__}: {error}"


def graph_of(triples: list, kind: type = Triples) -> Graph | Triples:
    if kind is Triples:
        return Triples(triples)
    graph = Graph(store=SimpleMemory())
    for triple in triples:
        graph.add(triple)
    return graph


@pytest.mark.parametrize("graph", our_shape(), ids=lambda g: f"{len(g)}-triples")
def test_our_shapes_are_written_as_by_the_writers_of_each_format(monkeypatch: pytest.MonkeyPatch, graph: Graph) -> None:
    for triple in graph.triples((None, RDFS.seeAlso, None)):  # an IRI with a space: neither path writes it
        assert str(both_ways(monkeypatch, Triples([triple]))).startswith("SyntaxError")
    graph.remove((None, RDFS.seeAlso, None))
    both_ways(monkeypatch, graph)
    both_ways(monkeypatch, Triples(graph))


@pytest.mark.parametrize("kind", [Triples, Graph])
def test_odd_literals_falsy_values_floats_and_subjects_that_start_one_another(
    monkeypatch: pytest.MonkeyPatch, kind: type
) -> None:
    triples = [(THING, DCTERMS.description, literal) for literal in odd_literals()]
    triples += [(LONGER, RDFS.label, Literal("langer", lang="nl")), (SHORTER, RDFS.label, Literal("korter"))]
    triples += [(LONGER, BP.heeftActie, THING), (THING, BP.isDeelVan, SHORTER), (THING, RDF.type, BP.Actie)]
    both_ways(monkeypatch, graph_of(triples, kind))
    falsy = [  # `compact` keeps the value after a falsy one read first: the order read decides
        [(THING, RDFS.label, Literal("")), (THING, RDFS.label, Literal("x"))],
        [(THING, RDFS.label, Literal("x")), (THING, RDFS.label, Literal(""))],
        [(THING, BP.volgnummer, Literal("0", datatype=XSD.integer)), (THING, BP.volgnummer, Literal("2"))],
        [(THING, EX.flag, Literal("false", datatype=XSD.boolean)), (THING, EX.flag, Literal("true"))],
        [(THING, EX.amount, Literal("1.5E0", datatype=XSD.double)), (LONGER, EX.amount, Literal("2"))],
    ]
    for group in falsy:
        both_ways(monkeypatch, graph_of(group, kind))


def test_several_values_of_one_key_and_several_subjects(monkeypatch: pytest.MonkeyPatch) -> None:
    triples = []
    for number in range(12):
        subject = URIRef(f"https://data.vlaanderen.be/id/doel/p/{number}")
        triples += [
            (subject, RDF.type, BP.Doelstelling),
            (subject, DCTERMS.title, Literal(f"doel {number}", lang="nl")),
        ]
        triples += [(subject, BP.heeftActie, URIRef(f"https://data.vlaanderen.be/id/actie/p/{n}")) for n in range(4)]
        triples += [(THING, EX.related, subject), (THING, RDFS.label, Literal(f"label {number % 5}"))]
    written = both_ways(monkeypatch, graph_of(triples))
    assert written["nt"].count(b"\n") == len(triples) - 7  # the labels repeat: each statement once


def test_a_graph_of_another_shape_takes_the_other_path(monkeypatch: pytest.MonkeyPatch) -> None:
    for triples in (
        [(THING, EX.p, BNode("b")), (THING, RDFS.label, Literal("x"))],
        [(BNode("b"), EX.p, Literal("x"))],
        [(THING, EX.p, RDF.nil)],
        [(THING, RDFS.label, Literal("bell\x07"))],
        [(URIRef("https://example.org/a b"), RDFS.label, Literal("x"))],  # a subject pyoxigraph writes
        [(THING, RDF.type, URIRef("https://example.org/T#"))],  # a class with no local name for XML
    ):
        both_ways(monkeypatch, graph_of(triples, Graph))


def test_a_graph_read_in_its_order_or_as_added_writes_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """`Triples.unordered`: as added before its indexes are made, its order after; the same bytes."""
    triples = [(LONGER, RDFS.label, Literal("b")), (THING, RDFS.label, Literal("a")), (LONGER, EX.p, THING)]
    graph = Triples(triples)
    assert graph.unordered() == triples
    before = both_ways(monkeypatch, graph)
    for _ in range(5):  # questions by object: the indexes are made
        list(graph.subjects(None, THING))
    assert sorted(graph.unordered()) == sorted(triples)
    assert both_ways(monkeypatch, graph) == before


def test_the_pieces_kept_for_a_union_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside `keeping`, a page written by `_one_pass` keeps the pieces the other path kept."""
    parts = [
        Triples([(THING, RDFS.label, Literal("a", lang="nl")), (THING, RDF.type, BP.Actie)]),
        Triples([(LONGER, RDFS.label, Literal("b")), (LONGER, EX.p, THING), (LONGER, EX.p, SHORTER)]),
    ]
    kept = {}
    for one_pass in (10**9, -1):
        monkeypatch.setattr(rdfio, "_ONE_PASS", one_pass)
        with rdfio.keeping():
            for part in parts:
                rdfio.serialise_all(part, FORMATS)
            kept[one_pass] = [rdfio._KEPT[id(part)][1] for part in parts]  # type: ignore[index]
            own = Triples([(SHORTER, RDFS.label, Literal("c"))])
            union = rdfio.serialise_union(own, parts, FORMATS)
        whole = Triples()
        for part in (own, *parts):
            whole += part
        assert union == rdfio.serialise_all(whole, FORMATS)
    assert kept[10**9] == kept[-1]


def test_a_snapshots_lines_are_taken_by_the_next_call_of_its_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    """A big graph's N-Triples alone (a version's snapshot), then all its formats with a few statements added
    (its dumps with the versions): the lines kept from the first call and those of the added statements
    merged give the bytes of the graph written anew; another graph, or the same one after its indexes were
    made, is written anew. (A graph `_one_pass` leaves: a plan's graph it writes is `test_page_groups`'.)"""
    monkeypatch.setattr(rdfio, "_ONE_PASS", 10)
    monkeypatch.setattr(onepass, "written", lambda graph, formats, keep: None)
    triples = [
        (URIRef(f"https://data.vlaanderen.be/id/doel/p/{n % 13}"), EX[f"p{n % 3}"], Literal(f"w{n}")) for n in range(40)
    ]
    for later in ([(THING, RDFS.label, Literal("versie"))], [(LONGER, EX.p0, Literal("w1"))], []):
        graph = Triples(triples)
        snapshot = rdfio.serialise_all(graph, ("nt",))
        assert rdfio._SNAPSHOT and rdfio._SNAPSHOT[0] is graph
        for triple in later:
            graph.add(triple)
        dumps = rdfio.serialise_all(graph, FORMATS)
        assert not rdfio._SNAPSHOT
        assert snapshot["nt"] == rdfio.serialise_all(Triples(triples), ("nt",))["nt"]
        assert dumps == rdfio.serialise_all(Triples([*triples, *later]), FORMATS)
    graph = Triples(triples)
    rdfio.serialise_all(graph, ("nt",))
    for _ in range(5):  # its indexes made: the order added is gone
        list(graph.subjects(EX.p1, None))
    assert graph.added_since(0) is None
    graph.add((THING, RDFS.label, Literal("x")))
    assert rdfio.serialise_all(graph, FORMATS) == rdfio.serialise_all(Triples(list(graph)), FORMATS)
    rdfio.serialise_all(Triples(triples), ("nt",))
    other = Triples([*triples, (THING, RDFS.label, Literal("y"))])
    assert rdfio.serialise_all(other, FORMATS) == rdfio.serialise_all(Triples(list(other)), FORMATS)
