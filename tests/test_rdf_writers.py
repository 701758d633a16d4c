"""Our own N-Triples lines and JSON-LD compaction (`rdfio.ntriples_line`, `compaction.Compactor`): the
bytes rdflib's N-Triples serializer and JSON-LD converter give, on odd literals and on the real plan."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, SKOS
from rdflib.plugins.serializers.jsonld import Converter
from rdflib.plugins.stores.memory import SimpleMemory

from hgkbp_ld import jsonld, rdfio
from hgkbp_ld.compaction import Compactor, Unsupported
from hgkbp_ld.iris import BP
from hgkbp_ld.rdfio import read_graph

EX = Namespace("http://example.org/")
SCHEMA = Namespace("http://schema.org/")
ROOT = Path(__file__).resolve().parents[1]
ODD_TEXTS = [
    "",
    "plain",
    'a "quoted" word',
    "back\\slash \\n not a newline",
    "two\nlines\r\nand a carriage return\r",
    "tab\tand form feed\x0cand bell\x07",
    "ünïcödé — “quotes” ‘single’ 🙂 \U0001f600",
    "line\u2028separator\u2029paragraph\x85next",
    "trailing space ",
    " ",
    "<not an iri>",
    "@nl",
]
LANGUAGES = [None, "nl", "en", "en-GB", "nl-BE"]
DATATYPES = [
    None,
    XSD.string,
    XSD.integer,
    XSD.decimal,
    XSD.gYear,
    XSD.dateTime,
    XSD.boolean,
    XSD.double,
    EX.custom,
]


def odd_literals() -> list[Literal]:
    found = [Literal(text, lang=language) for text in ODD_TEXTS for language in LANGUAGES]
    found += [Literal(text, datatype=datatype) for text in ODD_TEXTS for datatype in DATATYPES if datatype]
    found += [
        Literal("12", datatype=XSD.integer),
        Literal("012", datatype=XSD.integer),
        Literal("2.50", datatype=XSD.decimal),
        Literal("2027", datatype=XSD.gYear),
        Literal("2026-01-01T00:00:00Z", datatype=XSD.dateTime),
        Literal("true", datatype=XSD.boolean),
        Literal("1", datatype=XSD.boolean),
        Literal("1.0E-7", datatype=XSD.double),
        Literal("INF", datatype=XSD.double),
    ]
    return found


def rdflib_ntriples(graph: Graph) -> bytes:
    """What rdfio wrote before its own lines: rdflib's N-Triples, sorted, blank lines dropped."""
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").split("\n")
    return ("\n".join(sorted({line for line in lines if line.strip()})) + "\n").encode("utf-8")


def rdflib_jsonld(graph: Graph) -> bytes:
    """What rdfio wrote before its own compaction: rdflib's converter's object, our context put in."""
    made = Converter(jsonld._parsed_context(), True, False).convert(graph)
    if isinstance(made, list):
        made = {"@graph": made}
    return (rdfio._jsonld_text({**made, "@context": rdfio.context()}) + "\n").encode("utf-8")


def test_a_line_is_rdflibs_for_every_odd_term() -> None:
    subjects = [URIRef("http://example.org/a"), URIRef("https://data.vlaanderen.be/id/actie/x/1"), BNode("b1")]
    for subject in subjects:
        for literal in odd_literals():
            graph = Graph()
            graph.add((subject, EX.p, literal))
            assert rdfio.ntriples_line((subject, EX.p, literal)).encode("utf-8") == graph.serialize(
                format="nt", encoding="utf-8"
            ), repr(literal)
        graph = Graph()
        graph.add((subject, EX.p, EX.o))
        graph.add((subject, EX.q, BNode("b2")))
        lines = sorted(rdfio.ntriples_line(t) for t in graph)
        assert "".join(lines).encode("utf-8") == rdflib_ntriples(graph)


def test_the_ntriples_of_odd_literals_read_back_to_the_same_graph() -> None:
    """Also where rdflib's text split at a Unicode line separator (U+2028, U+0085, form feed: the old
    sorting by `splitlines` broke such a literal into two lines): every line one triple."""
    graph = Graph()
    for number, literal in enumerate(odd_literals()):
        graph.add((EX[f"s{number}"], EX.p, literal))
    written = rdfio.serialise(graph, "nt")
    back = Graph().parse(data=written.decode("utf-8"), format="nt")
    assert isomorphic(back, graph)
    assert len(written.decode("utf-8").split("\n")) == len(graph) + 1
    parsed = list(pyoxigraph.parse(written, format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(parsed) == len(graph)


def test_the_ntriples_are_rdflibs_sorted_where_no_literal_has_a_line_break_of_unicode() -> None:
    graph = Graph()
    for number, literal in enumerate(odd_literals()):
        if not any(c in literal for c in "\u2028\u2029\x85\x0c\x0b\x1c\x1d\x1e"):
            graph.add((EX[f"s{number % 7}"], EX[f"p{number % 3}"], literal))
    assert rdfio.serialise(graph, "nt") == rdflib_ntriples(graph)
    assert rdfio.serialise(Graph(), "nt") == rdflib_ntriples(Graph()) == b"\n"


def our_shape() -> list[Graph]:
    """Graphs in the shape of our pages, with every term kind of our context and odd values in them."""
    thing, other = URIRef("https://data.vlaanderen.be/id/actie/p/1"), URIRef("https://data.vlaanderen.be/id/doel/p/2")
    values = [
        (RDF.type, BP.Actie),
        (RDF.type, EX.UnknownClass),
        (RDF.type, SKOS.Concept),
        (DCTERMS.title, Literal("Titel", lang="nl")),
        (DCTERMS.title, Literal("Title", lang="en")),
        (DCTERMS.title, Literal("zonder taal")),
        (DCTERMS.description, Literal('lijn\nlijn "2"', lang="nl")),
        (DCTERMS.alternative, Literal("HGKBP")),
        (DCTERMS.alternative, Literal("HGKBP", lang="nl")),
        (SKOS.notation, Literal("1.2")),
        (SKOS.notation, Literal("")),
        (SKOS.notation, Literal("", lang="nl")),
        (BP.volgnummer, Literal("3", datatype=XSD.integer)),
        (BP.volgnummer, Literal("x", datatype=XSD.string)),
        (BP.volgnummer, Literal("4", datatype=XSD.decimal)),
        (SCHEMA.value, Literal("2.5", datatype=XSD.decimal)),
        (SCHEMA.value, Literal("7", datatype=XSD.integer)),
        (DCTERMS.temporal, other),
        (DCTERMS.temporal, Literal("2025-2029")),
        (BP.isDeelVan, other),
        (RDFS.seeAlso, URIRef("https://example.org/a b")),
        (RDFS.label, Literal("label", lang="nl")),
        (RDFS.label, Literal("1", datatype=XSD.boolean)),
        (EX.unknown, other),
        (EX.unknown, Literal("1.0E-7", datatype=XSD.double)),
        (EX.unknown, Literal("true", datatype=XSD.boolean)),
        (DCTERMS.modified, Literal("2026-01-01T00:00:00Z", datatype=XSD.dateTime)),
        (URIRef("http://data.vlaanderen.be/ns/mandaat#start"), Literal("2024-10-01T00:00:00", datatype=XSD.dateTime)),
        (URIRef("http://data.vlaanderen.be/ns/mandaat#start"), Literal("2024", datatype=XSD.gYear)),
        (URIRef("http://www.w3.org/ns/dcat#startDate"), Literal("2025", datatype=XSD.gYear)),
        (URIRef("http://www.w3.org/2002/07/owl#sameAs"), EX.same),
    ]
    graphs = []
    for count in (1, 2, 5, len(values)):
        for many in (False, True):
            graph = Graph(store=SimpleMemory())
            for p, o in values[:count]:
                graph.add((thing, p, o))
            if many:
                graph.add((other, DCTERMS.title, Literal("Doel", lang="nl")))
                graph.add((other, BP.heeftActie, thing))
                for literal in odd_literals()[::7]:
                    graph.add((other, EX.odd, literal))
                    graph.add((other, DCTERMS.description, literal))
                    graph.add((other, BP.volgnummer, literal))
            graphs.append(graph)
    return [Graph(), *graphs]


@pytest.mark.parametrize("graph", our_shape(), ids=lambda g: f"{len(g)}-triples")
def test_the_compaction_is_rdflibs(graph: Graph) -> None:
    ours = Compactor(jsonld._parsed_context()).compact(list(graph))
    assert (rdfio._jsonld_text({**ours, "@context": rdfio.context()}) + "\n").encode("utf-8") == rdflib_jsonld(graph)
    assert rdfio.serialise(graph, "jsonld") == rdflib_jsonld(graph)
    written = rdfio.serialise(graph, "jsonld").decode("utf-8")  # the context spliced in: the same text
    compacted = json.loads(written)
    assert written == json.dumps(jsonld._canonical_json(compacted), ensure_ascii=False, indent=2) + "\n"


def test_a_graph_of_another_shape_is_left_to_rdflib() -> None:
    """A blank node, an RDF list: the compactor refuses, and rdfio writes rdflib's converter's object."""
    thing = URIRef("https://data.vlaanderen.be/id/actie/p/1")
    for triples in (
        [(thing, EX.p, BNode("b"))],
        [(BNode("b"), EX.p, Literal("x"))],
        [(thing, EX.p, RDF.nil)],
        [(thing, RDF.first, Literal("x"))],
    ):
        graph = Graph()
        for triple in triples:
            graph.add(triple)
        with pytest.raises(Unsupported):
            Compactor(jsonld._parsed_context()).compact(list(graph))
        assert rdfio.serialise(graph, "jsonld") == rdflib_jsonld(graph)


def test_every_resource_of_the_real_plan_writes_as_before() -> None:
    """The real plan, cut into a graph per thing (its statements, those naming it): the four formats
    as rdflib's N-Triples and converter give them, and the whole plan's too."""
    plan = read_graph(ROOT / "data" / "versions" / "hgkbp-2025-2029" / "1.nt", "nt")
    graphs = [plan]
    for subject in sorted(set(plan.subjects())):
        graph = Graph(store=SimpleMemory())
        graph += plan.triples((subject, None, None))
        graph += plan.triples((None, None, subject))
        graphs.append(graph)
    for graph in graphs:
        written = rdfio.serialise_all(graph, ("nt", "jsonld", "ttl", "rdf"))
        assert written["nt"] == rdflib_ntriples(graph)
        assert written["jsonld"] == rdflib_jsonld(graph)
        for fmt in ("ttl", "rdf"):  # written by us (no fallback), as pyoxigraph wrote them
            assert written[fmt] == ours(graph, fmt) == oxigraph_text(graph, fmt)


def oxigraph_text(graph: Graph, fmt: str) -> bytes:
    """What rdfio wrote before its own Turtle and RDF/XML: the sorted N-Triples read back and written
    by pyoxigraph."""
    parsed = list(pyoxigraph.parse(rdflib_ntriples(graph), format=pyoxigraph.RdfFormat.N_TRIPLES))
    return pyoxigraph.serialize(parsed, format=rdfio.FORMATS[fmt], prefixes=rdfio._PREFIXES)


def ours(graph: Graph, fmt: str) -> bytes:
    """Our writer's text, or `Unsupported` raised (no fallback)."""
    rows = [t for _line, t in sorted((rdfio.ntriples_line(t), t) for t in graph)]
    writers = rdfio._writers()
    return writers.turtle(rows) if fmt == "ttl" else writers.rdf_xml(rows)


ODD_IRIS = [
    "https://data.vlaanderen.be/ns/beleidsplan#a.b",
    "https://data.vlaanderen.be/ns/beleidsplan#1x",
    "https://data.vlaanderen.be/ns/beleidsplan#a-b_c",
    "https://data.vlaanderen.be/ns/beleidsplan#",
    "https://data.vlaanderen.be/ns/beleidsplan#a/b",
    "https://data.vlaanderen.be/ns/beleidsplan#a.",
    "https://data.vlaanderen.be/ns/beleidsplan#-a",
    "http://purl.org/dc/terms/a%20b",
    "http://purl.org/dc/terms/a~b",
    "http://purl.org/dc/terms/_x",
    "http://purl.org/dc/terms/é",
    "http://purl.org/dc/terms/a:b",
    "http://purl.org/dc/terms/1",
    "http://example.org/q?a=1&b='2'",
    "http://example.org/a#b/c",
    "http://example.org/p_q",
    "http://example.org/x-y",
    "http://example.org/1a",
    "http://example.org/é",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "urn:x",
]


def test_turtle_and_rdf_xml_are_pyoxigraphs_for_every_odd_literal() -> None:
    """Each odd literal alone, and all of them on a few subjects: the same bytes as pyoxigraph's,
    whether our writer wrote them or left them to pyoxigraph; the plain ones are ours."""
    subject = URIRef("https://data.vlaanderen.be/id/actie/x/1")
    plain = 0
    for literal in odd_literals():
        graph = Graph()
        graph.add((subject, DCTERMS.title, literal))
        for fmt in ("ttl", "rdf"):
            assert rdfio.serialise(graph, fmt) == oxigraph_text(graph, fmt), (fmt, literal)
            try:
                assert ours(graph, fmt) == oxigraph_text(graph, fmt), (fmt, literal)
                plain += 1
            except rdfio.Unwritten:
                assert any((c < " " and c not in "\t\n\r") or c == "\x7f" for c in literal), literal
    assert plain > len(odd_literals())
    graph = Graph()
    for number, literal in enumerate(odd_literals()):
        graph.add((EX[f"s{number % 5}"], [DCTERMS.title, RDF.value, EX.p][number % 3], literal))
    for fmt in ("ttl", "rdf"):
        assert rdfio.serialise(graph, fmt) == oxigraph_text(graph, fmt)


def test_turtle_and_rdf_xml_are_pyoxigraphs_for_odd_iris_and_types() -> None:
    """IRIs in and out of the declared namespaces, with local names Turtle or XML must escape or cannot
    write, as subjects, predicates, objects, datatypes and classes (the RDF/XML class element)."""
    for iri in map(URIRef, ODD_IRIS):
        for triples in (
            [(iri, RDF.type, BP.Actie)],
            [(iri, RDF.type, iri), (iri, RDF.type, SKOS.Concept), (iri, DCTERMS.title, Literal("t"))],
            [(EX.s, DCTERMS.title, Literal("t")), (EX.s, RDF.type, iri)],
            [(EX.s, iri, EX.o), (EX.s, iri, Literal("x", lang="nl")), (EX.s, EX.p, iri)],
            [(EX.s, EX.p, Literal("x", datatype=iri)), (EX.s, EX.p, Literal("12", datatype=XSD.integer))],
        ):
            graph = Graph()
            for triple in triples:
                graph.add(triple)
            for fmt in ("ttl", "rdf"):
                assert rdfio.serialise(graph, fmt) == oxigraph_text(graph, fmt), (fmt, triples)
    assert rdfio.serialise(Graph(), "ttl") == oxigraph_text(Graph(), "ttl") == b""
    assert rdfio.serialise(Graph(), "rdf") == oxigraph_text(Graph(), "rdf")


def test_a_graph_with_a_blank_node_is_left_to_pyoxigraph() -> None:
    graph = Graph()
    graph.add((EX.s, EX.p, BNode("b1")))
    graph.add((BNode("b1"), EX.p, Literal("x")))
    for fmt in ("ttl", "rdf"):
        with pytest.raises(rdfio.Unwritten):
            ours(graph, fmt)
        assert rdfio.serialise(graph, fmt) == oxigraph_text(graph, fmt)


def test_our_shapes_are_written_by_us_as_pyoxigraph_does() -> None:
    """(Without the IRI with a space: pyoxigraph refuses it, as it did.)"""
    for graph in our_shape():
        graph.remove((None, RDFS.seeAlso, None))
        for fmt in ("ttl", "rdf"):
            expected = oxigraph_text(graph, fmt)
            assert rdfio.serialise(graph, fmt) == expected
            if not any(any(c < " " and c not in "\t\n\r" for c in t) for t in graph.objects()):
                assert ours(graph, fmt) == expected  # plain: written by us, not left to pyoxigraph


def test_remembered_forms_follow_each_term_when_the_memory_is_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """The writers remember forms by each term's identity (holding the term, so that its id is not
    reused meanwhile) and by its text, and forget them all past a bound: with a bound of 8, hundreds of
    fresh terms and the same IRI as several objects, every format still is the reference's."""
    from hgkbp_ld import compaction, rdfwrite

    monkeypatch.setattr(rdfwrite, "_CACHE", 8)
    monkeypatch.setattr(rdfio, "_REMEMBERED", 8)
    monkeypatch.setattr(compaction, "_REMEMBERED", 8)
    for number in range(300):
        graph = Graph(store=SimpleMemory())
        thing = URIRef(f"https://data.vlaanderen.be/id/actie/p/{number % 7}")
        graph.add((thing, URIRef(str(RDF.type)), URIRef(str(BP.Actie))))
        graph.add((thing, URIRef(str(DCTERMS.title)), Literal(f"titel {number}", lang="nl")))
        graph.add((thing, URIRef(str(SKOS.notation)), Literal(str(number % 5))))
        graph.add((thing, BP.volgnummer, Literal(str(number), datatype=XSD.integer)))
        graph.add((thing, EX[f"p{number % 3}"], URIRef(f"https://data.vlaanderen.be/id/doel/p/{number % 11}")))
        written = rdfio.serialise_all(graph, ("nt", "jsonld", "ttl", "rdf"))
        assert written["nt"] == rdflib_ntriples(graph)
        assert written["jsonld"] == rdflib_jsonld(graph)
        assert written["ttl"] == oxigraph_text(graph, "ttl")
        assert written["rdf"] == oxigraph_text(graph, "rdf")


@pytest.mark.parametrize("paired", [0, 10**9], ids=["by-terms", "by-pairs"])
def test_both_ways_of_writing_are_pyoxigraphs(monkeypatch: pytest.MonkeyPatch, paired: int) -> None:
    """A page's graph is written by its (predicate, object) pairs' remembered text, a big graph by its
    terms' forms: each way gives pyoxigraph's text, on our shapes and on every odd literal and IRI."""
    from hgkbp_ld import rdfwrite

    monkeypatch.setattr(rdfwrite, "_PAIRED", paired)
    thing = URIRef("https://data.vlaanderen.be/id/actie/p/1")
    odd = Graph(store=SimpleMemory())
    for literal in odd_literals():
        if not any(c < " " and c not in "\t\n\r" for c in literal):
            odd.add((thing, DCTERMS.description, literal))
    for iri in ODD_IRIS[:3] + ODD_IRIS[-3:]:
        odd.add((thing, RDF.type, URIRef(iri)))
        odd.add((thing, BP.heeftActie, URIRef(iri)))
    for graph in [*our_shape(), odd]:
        graph.remove((None, RDFS.seeAlso, None))
        for fmt in ("ttl", "rdf"):
            assert rdfio.serialise(graph, fmt) == oxigraph_text(graph, fmt)
