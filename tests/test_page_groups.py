"""A page's formats written a subject at a time (`onepass.written`, `Writers.groups`, `jsonld._group_nodes`)
from entries found by their object alone (`onepass._ENTRIES`, the pairs behind it, the former entries of a
full table) and made from UTF-8 parts (`onepass._made`, `_iri`): the bytes of the path a
graph of more statements takes (`_lines`, `Writers.both`, `Compactor.compact_sorted`), in each case."""

from __future__ import annotations

import pytest
from rdflib import RDF, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from hgkbp_ld import compaction, onepass, rdfio, rdfwrite
from hgkbp_ld.iris import BP
from hgkbp_ld.triples import Triples
from tests.test_one_pass import FORMATS, LONGER, SHORTER, THING, both_ways
from tests.test_rdf_writers import EX, odd_literals

OTHER = URIRef("https://data.vlaanderen.be/id/bevoegdheid/cultuur")


def test_an_object_under_two_predicates_on_one_page_and_on_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    """`_ENTRIES` keeps one entry an object: an object met under another predicate is found by both terms
    (`_PAIRS`) or made; each page the same bytes as the other path, however the pages follow."""
    pages = [
        [
            (THING, BP.verantwoordelijke, OTHER),
            (THING, BP.samenwerkingMet, OTHER),
            (LONGER, BP.verantwoordelijke, OTHER),
        ],
        [(LONGER, BP.samenwerkingMet, OTHER), (OTHER, SKOS.prefLabel, Literal("Cultuur", lang="nl"))],
        [(SHORTER, BP.verantwoordelijke, OTHER), (SHORTER, BP.samenwerkingMet, OTHER)],
    ]
    for order in (pages, pages[::-1], [pages[0], pages[2], pages[0], pages[1]]):
        onepass._ENTRIES.clear()
        onepass._PAIRS.clear()
        for triples in order:
            both_ways(monkeypatch, Triples(triples))


def test_a_full_tables_entries_are_taken_back_and_write_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """When `_PAIRS_KEPT` entries are kept they become the former ones: an entry asked for again is the
    one made before (not made anew), and the pages' bytes are those of the other path."""
    monkeypatch.setattr(onepass, "_PAIRS_KEPT", 4)
    onepass._ENTRIES.clear()
    onepass._PAIRS.clear()
    label = Literal("gedeeld", lang="nl")
    triples = [(URIRef(f"https://data.vlaanderen.be/id/actie/p/{n}"), RDFS.label, Literal(f"a{n}")) for n in range(6)]
    first = Triples([(THING, DCTERMS.title, label), (THING, RDF.type, BP.Actie)])
    before = rdfio.serialise_all(first, FORMATS)
    made = onepass._PAIRS[(id(DCTERMS.title), id(label))]
    rdfio.serialise_all(Triples(triples), FORMATS)  # fills the table: the first page's entries become former ones
    assert (id(DCTERMS.title), id(label)) not in onepass._PAIRS
    assert onepass._FORMER.get((id(DCTERMS.title), id(label))) is made
    made_anew: list[object] = []
    entry = onepass._entry
    monkeypatch.setattr(onepass, "_entry", lambda p, o: made_anew.append(o) or entry(p, o))
    assert rdfio.serialise_all(first, FORMATS) == before
    assert onepass._PAIRS[(id(DCTERMS.title), id(label))] is made
    assert label not in made_anew
    monkeypatch.setattr(onepass, "_entry", entry)
    both_ways(monkeypatch, first)
    both_ways(monkeypatch, Triples(triples))


def texts(p: URIRef, o: URIRef | Literal) -> tuple:
    """`onepass._entry`'s texts of a pair."""
    return (p, o) if type(o) is URIRef else (p, str(o), o.language, o.datatype)


def test_an_entrys_parts_are_those_of_the_writers_of_each_format() -> None:
    """A new entry (`_made`, from a predicate's parts and an IRI's or a literal's, each worked out once) =
    `_pair`'s texts as UTF-8, the N-Triples line's end, `Compactor._statement`'s key and value, on odd
    literals, IRIs in and out of our namespaces, rdf:type, predicates with and without a term of the
    context (coerced to IRIs, a datatype, a language), a printable and an unprintable text; where `_pair`
    or `_statement` raise `Unsupported`, None. One record a predicate; twice the same."""
    writers, compactor = rdfio._writers(), rdfio._compactor()
    objects = [
        *odd_literals(),
        Literal("regel\nregel"),
        Literal("\u2028"),
        Literal("bel\x07"),
        Literal("één", lang="NL"),
        Literal("één", lang="nl"),
        Literal("x", lang="nl-BE"),
        Literal("2024", datatype=XSD.gYear),
        Literal("2024-01-01T00:00:00", datatype=XSD.dateTime),
        Literal("0", datatype=XSD.integer),
        Literal("", datatype=XSD.string),
        Literal("x", datatype=XSD.string),
        Literal("1.5E0", datatype=XSD.double),
        Literal("false", datatype=XSD.boolean),
    ]
    objects += [OTHER, BP.Actie, URIRef("http://purl.org/dc/terms/a b"), URIRef("https://example.org/x#"), EX["p.q"]]
    objects += [Literal("1", datatype=XSD.integer), Literal("1.0", datatype=XSD.decimal), Literal("x", datatype=EX.t)]
    objects += [URIRef("https://data.vlaanderen.be/"), RDF.nil, URIRef("https://data.vlaanderen.be/id/a&b'c")]
    predicates = [RDF.type, DCTERMS.title, BP.heeftActie, EX.p, URIRef("https://example.org/ns/"), RDF.first]
    predicates += [BP.volgnummer, DCTERMS.description, SKOS.prefLabel, DCTERMS.issued, URIRef("https://example.org/é")]
    tried = 0
    for p in predicates:
        for o in objects:
            made = onepass._made(p, o, texts(p, o))
            try:
                pair = writers._pair(p, o, keep=False)
                statement = compactor._statement(p, o, keep=False)
            except (rdfwrite.Unsupported, compaction.Unsupported):
                assert made is None, (p, o)
                continue
            assert made is not None and made[:2] == (p, o)
            assert made[2:6] == tuple(part.encode() for part in pair[2:6]), (p, o)
            assert made[6] == pair[6]
            assert made[7] is writers.verb(p)  # one record a predicate
            assert b"<s" + made[8] == rdfio.ntriples_line((URIRef("s"), p, o)).encode()
            assert made[9:11] == statement[:2] and type(made[10]) is type(statement[1])
            assert made[11] == (statement[4] or not statement[1]), (p, o)
            assert onepass._made(p, o, texts(p, o)) == made
            tried += 1
    assert tried > 150


def test_a_subject_these_writers_leave_to_pyoxigraph_next_to_ours(monkeypatch: pytest.MonkeyPatch) -> None:
    """A subject whose Turtle these writers do not make (`_subject`: None) sends the page's Turtle and
    RDF/XML to pyoxigraph, its other formats and the next pages as before."""
    odd = URIRef("https://data.vlaanderen.be/ns/beleidsplan#a.")  # a local name Turtle would escape
    both_ways(monkeypatch, Triples([(THING, RDFS.label, Literal("a")), (odd, RDFS.label, Literal("b"))]))
    both_ways(monkeypatch, Triples([(THING, RDFS.label, Literal("a")), (THING, RDF.type, BP.Actie)]))


def test_predicates_in_runs_and_keys_of_several_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """A subject's statements sorted by their lines: a predicate's together (Turtle's `,` and `;`), one
    key of several values (a JSON-LD array, sorted), the class's element from the first statement only."""
    triples = [(THING, RDF.type, BP.Actie), (THING, RDF.type, BP.Doelstelling)]
    triples += [(THING, BP.heeftIndicator, URIRef(f"https://data.vlaanderen.be/id/indicator/p/{n}")) for n in (3, 1, 2)]
    triples += [(THING, DCTERMS.title, Literal(t, lang=lang)) for t, lang in (("b", "nl"), ("a", "nl"), ("c", "en"))]
    triples += [(LONGER, EX.p, THING), (LONGER, EX.p, Literal("x")), (SHORTER, RDF.type, BP.Actie)]
    written = both_ways(monkeypatch, Triples(triples))
    assert b" ,\n" not in written["ttl"] and b" , " in written["ttl"]


def test_entries_of_the_same_texts_are_shared_and_only_those(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page whose terms are other objects of the texts another graph wrote (a plan's dumps, then its
    pages read from the store) takes those entries (`_TEXTS`); a literal of another text of the same value
    (`"01"` and `"1"` as integers) or its language in capitals writes its own text."""
    plan = [(THING, DCTERMS.title, Literal("titel", lang="nl")), (THING, BP.heeftActie, LONGER)]
    plan += [(THING, BP.volgnummer, Literal("1", datatype=XSD.integer)), (THING, RDFS.label, Literal("x", lang="nl"))]
    rdfio.serialise_all(Triples(plan), FORMATS)
    again = [
        (URIRef(str(s)), URIRef(str(p)), URIRef(str(o)) if isinstance(o, URIRef) else Literal(o)) for s, p, o in plan
    ]
    again = [
        (s, p, Literal(str(o), lang=o.language, datatype=o.datatype) if isinstance(o, Literal) else o)
        for s, p, o in again
    ]
    made: list[object] = []
    make = onepass._made
    monkeypatch.setattr(onepass, "_made", lambda p, o, text: made.append(o) or make(p, o, text))
    first = rdfio.serialise_all(Triples(again), FORMATS)
    assert made == []  # every entry taken by its texts
    monkeypatch.undo()
    assert first == both_ways(monkeypatch, Triples(again))
    zero_one = Literal("01", datatype=XSD.integer, normalize=False)
    odd = [(THING, BP.volgnummer, zero_one), (THING, RDFS.label, Literal("x", lang="NL"))]
    written = both_ways(monkeypatch, Triples(odd))
    assert b'"01"' in written["nt"] and b"@NL" in written["nt"]


def test_a_plans_snapshot_and_dumps_by_the_one_pass_way_other_big_graphs_not(monkeypatch: pytest.MonkeyPatch) -> None:
    """A big `Triples`'s N-Triples alone (a version's snapshot) is written by `_one_pass` and the graph held
    (`_ALONE`) for the next call, its dumps (every format, a few statements added), also by `_one_pass`; a
    big graph asked for every format without it (a shared page, the catalogue) takes the other path. The
    bytes of the other path in each case."""
    monkeypatch.setattr(rdfio, "_ONE_PASS", 10)
    triples = [
        (URIRef(f"https://data.vlaanderen.be/id/doel/p/{n % 13}"), EX[f"p{n % 3}"], Literal(f"w{n}")) for n in range(40)
    ]
    passes: list[int] = []
    one_pass = onepass.written
    monkeypatch.setattr(
        onepass, "written", lambda graph, formats, keep: passes.append(len(graph)) or one_pass(graph, formats, keep)
    )
    graph = Triples(triples)
    snapshot = rdfio.serialise_all(graph, ("nt",))
    assert rdfio._ALONE == [graph] and passes == [40]
    graph.add((THING, RDFS.label, Literal("versie")))
    dumps = rdfio.serialise_all(graph, FORMATS)
    assert not rdfio._ALONE and passes == [40, 41]
    other = Triples([*triples, (THING, RDFS.label, Literal("versie"))])
    assert rdfio.serialise_all(other, FORMATS) == dumps and passes == [40, 41]  # not after its N-Triples alone
    monkeypatch.setattr(onepass, "written", lambda graph, formats, keep: None)
    assert rdfio.serialise_all(Triples(triples), ("nt",)) == snapshot


def test_an_iris_parts_kept_by_its_text_are_those_made_anew_for_another_term_of_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`_iri` of a term whose text another term's parts were made of: those parts (the same objects, not
    made again), with the term itself first; equal to the parts made anew of it (odd IRIs, IRIs these
    writers leave to pyoxigraph: None, None); a full table of texts starts again (bounded); each page the
    same bytes as the other path whichever term of a text came first."""
    from tests.test_rdf_writers import ODD_IRIS

    texts = [*ODD_IRIS, str(THING), str(OTHER), "https://data.vlaanderen.be/id/actie/x/1"]
    for text in texts:
        onepass._IRI_TEXTS.clear()
        onepass._IRIS.clear()
        first, second = URIRef(text), URIRef(text)
        made = onepass._iri(first)
        kept = onepass._iri(second)
        assert made[0] is first and kept[0] is second and onepass._IRIS[id(second)] is kept
        assert all(a is b for a, b in zip(made[1:], kept[1:], strict=True)), text
        assert kept[1:] == onepass._iri_parts(URIRef(text), text)
        onepass._IRI_TEXTS.clear()
        assert onepass._iri(URIRef(text))[1:] == kept[1:]
    monkeypatch.setattr(onepass, "_IRIS_KEPT", 4)
    for number in range(9):
        onepass._iri(URIRef(f"https://data.vlaanderen.be/id/actie/x/{number}"))
        assert len(onepass._IRI_TEXTS) <= 4 and len(onepass._IRIS) <= 4
    monkeypatch.undo()
    for order in (texts, texts[::-1]):
        onepass._IRI_TEXTS.clear()
        onepass._IRIS.clear()
        onepass._ENTRIES.clear()
        onepass._PAIRS.clear()
        for text in order:
            subject = URIRef(text)
            both_ways(
                monkeypatch, Triples([(subject, DCTERMS.title, Literal("t")), (THING, RDFS.seeAlso, URIRef(text))])
            )
