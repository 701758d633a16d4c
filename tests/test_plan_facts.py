"""A plan's store read once, and what a plan's summary says of its graph made from the graph the build holds.

- `describe` over a plan's store (`EmbeddedStore.of(..., indexed=True)`) reads the default graph once
  (`embedded._Index`): the triples of the lookups it made before, in their order, on odd stores (quads
  added in several loads, again, beside named graphs) and on every thing of the real plans' stores.
- `render.plan_facts`: the statistics, mentions, things and contributions the build makes of the plan's
  graph are what the plan's store answers; where the store would hold fewer statements than the graph
  (a typed literal kept by its value), the statistics are left to it.
- The plan's store without its named graphs (`plan_store(..., named=False)`) gives the default graph's
  statements, and the pages' queries their rows, in the same order as with them.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, XSD, Literal, URIRef

from hgkbp_ld.catalogue import CATALOGUE_FILE
from hgkbp_ld.published import CACHE
from hgkbp_ld.rdfio import read_graph
from hgkbp_ld.render.plan_facts import plan_facts, things
from hgkbp_ld.render.plan_site import _contributions, mentions, plan_store, read_summary, statistics, subjects
from hgkbp_ld.render.queries import FOLDER
from hgkbp_ld.store import EmbeddedStore, base
from hgkbp_ld.triples import Triples
from hgkbp_ld.versions import read_triples
from tests.conftest import SECOND_PLAN
from tests.test_view_shortcuts import EX, odd_store, reference_describe

BASE = "https://data.vlaanderen.be"
PLANS = ("hgkbp-2025-2029", SECOND_PLAN)


def _described(store: EmbeddedStore, iri: str) -> list:
    """A description's triples in order, each term with its kind and text (a literal's language, datatype)."""
    return [tuple((type(t).__name__, t.n3()) for t in triple) for triple in store.describe(iri)]


def _every_node(store: ox.Store) -> list[str]:
    return sorted({t.value for q in store for t in (q.subject, q.object) if type(t) is ox.NamedNode})


def _mixed_store(seed: int) -> ox.Store:
    """An odd store's quads added again in another store in pieces: some by `add`, some by bulk loads, some
    twice, with named graphs' quads (the same statements and others) between them."""
    rng = random.Random(seed)
    quads = list(odd_store(seed))
    rng.shuffle(quads)
    store = ox.Store()
    named = ox.NamedNode(f"{EX}graaf")
    for start in range(0, len(quads), 17):
        piece = quads[start : start + 17]
        if rng.random() < 0.5:
            for quad in piece:
                store.add(quad)
        else:
            lines = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in piece).encode()
            store.bulk_load(lines, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
            store.bulk_load(lines, format=ox.RdfFormat.N_TRIPLES, to_graph=named)
        store.add(rng.choice(quads))  # a statement it holds already
        store.add(ox.Quad(rng.choice(quads).subject, ox.NamedNode(f"{EX}p/named"), ox.Literal("n"), named))
    return store


@pytest.mark.parametrize("seed", range(8))
def test_an_indexed_describe_gives_the_lookups_triples_in_their_order(seed: int) -> None:
    store = odd_store(seed) if seed % 2 else _mixed_store(seed)
    plain, indexed = EmbeddedStore.of(store), EmbeddedStore.of(store, indexed=True)
    nodes = [*_every_node(store), f"{EX}ding/nothing"]
    for _again in range(2):  # the second time with every neighbour's labels kept
        for iri in nodes:
            assert _described(indexed, iri) == _described(plain, iri)
            assert list(indexed.describe(iri)) == reference_describe(store, iri)
    assert indexed._index is not None and plain._index is None


def test_an_indexed_describe_finds_a_thing_by_its_text_not_its_term() -> None:
    """The index keeps the statements by the rdflib terms it made (`_Index`); a thing asked for after the
    store's terms were made anew (`store.base._iri`'s cache cleared: another `URIRef` of the same text) and
    neighbours' labels kept before are found all the same."""
    store = odd_store(3)
    plain, indexed = EmbeddedStore.of(store), EmbeddedStore.of(store, indexed=True)
    nodes = _every_node(store)
    before = [_described(indexed, iri) for iri in nodes]
    base._iri.cache_clear()
    base._literal.cache_clear()
    assert [_described(indexed, iri) for iri in nodes] == before == [_described(plain, iri) for iri in nodes]


def test_an_indexed_describe_reads_a_store_swapped_in_again() -> None:
    first, second = ox.Store(), ox.Store()
    this = ox.NamedNode(f"{EX}ding/1")
    first.add(ox.Quad(this, RDF_LABEL, ox.Literal("eerste"), ox.DefaultGraph()))
    second.add(ox.Quad(this, RDF_LABEL, ox.Literal("tweede"), ox.DefaultGraph()))
    ours = EmbeddedStore.of(first, indexed=True)
    assert [str(o) for _s, _p, o in ours.describe(this.value)] == ["eerste"]
    ours._store = second
    assert [str(o) for _s, _p, o in ours.describe(this.value)] == ["tweede"]


RDF_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _plan(dist: Path, slug: str) -> tuple:
    catalogue = read_graph(dist / CATALOGUE_FILE)
    manifest = json.loads((dist / "manifest.json").read_bytes())
    manifest = {
        "base": BASE,
        "plans": {slug: manifest["plans"][slug]},
        "catalogue": {**manifest["catalogue"], "triples": len(catalogue)},
    }
    return catalogue, manifest, manifest["plans"][slug]["graph"]


@pytest.mark.parametrize("slug", PLANS)
def test_every_thing_of_a_plans_store_is_described_alike_indexed(dist_b: Path, slug: str) -> None:
    catalogue, manifest, _graph = _plan(dist_b, slug)
    store = plan_store(dist_b, slug, BASE, catalogue, manifest)
    assert store._indexed
    plain = EmbeddedStore.of(store._current())
    nodes = _every_node(store._current())
    assert len(nodes) > 150
    for iri in nodes:
        assert _described(store, iri) == _described(plain, iri)


@pytest.mark.parametrize("slug", PLANS)
def test_what_the_build_wrote_of_a_plans_graph_is_what_its_store_answers(dist_b: Path, slug: str) -> None:
    """The summary a worker wrote (from `plan_facts`) = the answers of the plan's whole store."""
    catalogue, manifest, graph = _plan(dist_b, slug)
    store = plan_store(dist_b, slug, BASE, catalogue, manifest)
    summary = read_summary(dist_b / CACHE, slug)
    assert summary["statistics"] == {graph: statistics(store, graph)}
    assert summary["statistics"][graph]["properties"]
    assert summary["mentions"] == mentions(store, BASE, slug, graph)
    assert summary["contributions"] == _contributions(store, graph, BASE, slug)
    facts = plan_facts(read_triples((dist_b / f"{slug}.nt").read_bytes()), BASE, slug)
    assert facts.statistics is not None  # the plan's store needs no named graphs
    assert things(facts, catalogue, BASE) == subjects(store, BASE)
    assert len(facts.things) > 20


def _graph(*triples: tuple) -> Triples:
    return Triples([(URIRef(f"{EX}{s}"), URIRef(f"{EX}{p}"), o) for s, p, o in triples])


def _stored(graph: Triples) -> dict:
    """`statistics` of the graph as a store holds it (loaded from its N-Triples)."""
    store = ox.Store()
    lines = "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in graph).encode()
    store.bulk_load(lines, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(f"{EX}g"))
    return statistics(EmbeddedStore.of(store), f"{EX}g")


@pytest.mark.parametrize(
    ("pair", "stored"),
    [
        ((Literal("x"), Literal("x", datatype=XSD.string)), 2),  # two terms in rdflib, one in the store
        ((Literal("1", datatype=XSD.integer), Literal("2", datatype=XSD.integer)), 3),
        (
            (
                Literal("2026-01-01T01:00:00+01:00", datatype=XSD.dateTime),
                Literal("2026-01-01T00:00:00Z", datatype=XSD.dateTime),
            ),
            3,
        ),
    ],
)
def test_statistics_are_left_to_the_store_where_it_may_hold_fewer_statements(pair: tuple, stored: int) -> None:
    graph = _graph(("a", "p", pair[0]), ("a", "p", pair[1]), ("b", "p", pair[0]))
    assert len(graph) == 3
    assert plan_facts(graph, BASE, "x").statistics is None
    assert _stored(graph)["properties"] == {f"{EX}p": stored}


@pytest.mark.parametrize(
    "values",
    [
        (Literal("x", lang="nl"), Literal("y", lang="nl"), Literal("x", lang="en")),
        (Literal("x", lang="nl"), Literal("x", lang="NL"), Literal("x")),  # equal terms: one statement
        (Literal("x"), Literal("y"), URIRef(f"{EX}o")),
        (Literal("1", datatype=XSD.integer), URIRef(f"{EX}o")),
        (Literal("01", datatype=XSD.integer), Literal("1", datatype=XSD.integer)),  # rdflib's terms: one
    ],
)
def test_statistics_made_of_the_graph_are_the_stores(values: tuple) -> None:
    graph = _graph(*[("a", "p", v) for v in values], ("b", "p", values[0]), ("a", "q", values[0]))
    graph.add((URIRef(f"{EX}a"), RDF.type, URIRef(f"{EX}K")))
    graph.add((URIRef(f"{EX}b"), RDF.type, URIRef(f"{EX}K")))
    graph.add((URIRef(f"{EX}b"), RDF.type, URIRef(f"{EX}L")))
    made = plan_facts(graph, BASE, "x").statistics
    assert made is not None
    assert made == _stored(graph)
    assert made["classes"] == {f"{EX}K": 2, f"{EX}L": 1}


def test_statistics_with_a_class_that_is_not_an_iri_are_left_to_the_store() -> None:
    graph = _graph(("a", "p", Literal("x")))
    graph.add((URIRef(f"{EX}a"), RDF.type, Literal("K")))
    assert plan_facts(graph, BASE, "x").statistics is None


def test_mentions_and_things_of_a_graph_are_the_stores() -> None:
    base = "https://example.org"
    named = [
        "id/actie/p/1", "id/actie/q/2", "id/actie/q/2#x", "id/bevoegdheid/b", "id/beleidsplan/q",
        "id/versie/q/1/actie/q/3", "idx/actie/q/4", "id/é/ü",
    ]  # fmt: skip
    graph = Triples()
    p = URIRef(f"{base}/ns/p")
    for n, path in enumerate(named):
        graph.add((URIRef(f"{base}/{path}"), p, Literal(str(n))))
        graph.add((URIRef(f"{base}/id/actie/p/1"), p, URIRef(f"{base}/{path}/o")))
    store = ox.Store()
    lines = "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in graph).encode()
    for where in (ox.NamedNode(f"{base}/g"), ox.DefaultGraph()):
        store.bulk_load(lines, format=ox.RdfFormat.N_TRIPLES, to_graph=where)
    embedded = EmbeddedStore.of(store)
    facts = plan_facts(graph, base, "p")
    assert facts.mentions == mentions(embedded, base, "p", f"{base}/g")
    assert facts.mentions  # another plan's things, its version's and what plans share are not
    assert facts.things == subjects(embedded, base)


@pytest.mark.parametrize("slug", PLANS)
def test_a_plans_store_without_named_graphs_answers_the_pages_alike(dist_b: Path, slug: str) -> None:
    catalogue, manifest, _graph = _plan(dist_b, slug)
    whole = plan_store(dist_b, slug, BASE, catalogue, manifest)
    default = plan_store(dist_b, slug, BASE, catalogue, manifest, named=False)
    merged = ox.DefaultGraph()
    quads = [str(q) for q in whole._current().quads_for_pattern(None, None, None, merged)]
    assert [str(q) for q in default._current()] == quads
    asked = 0
    for path in sorted(FOLDER.glob("*.rq")):  # the rows (pyoxigraph orders a few queries' rows its own way,
        text = path.read_text(encoding="utf-8")  # another at times: e.g. action-texts, over either store)
        if "GRAPH" in text:
            continue
        rows = sorted(map(repr, whole.select(text)))
        assert sorted(map(repr, default.select(text))) == rows, path.name
        asked += bool(rows)
    assert asked > 10


class _OwnIRI(URIRef):
    """An IRI of a kind of its own (a subclass of rdflib's): still an IRI for the store."""


def test_mentions_and_things_count_an_iri_of_a_subclass() -> None:
    base = "https://example.org"
    graph = Triples()
    graph.add((_OwnIRI(f"{base}/id/actie/q/9"), URIRef(f"{base}/ns/p"), _OwnIRI(f"{base}/id/actie/q/10")))
    facts = plan_facts(graph, base, "p")
    assert facts.mentions == [f"{base}/id/actie/q/10", f"{base}/id/actie/q/9"]
    assert facts.things == [f"{base}/id/actie/q/9"]


def test_rows_as_texts_are_the_texts_of_the_rows_terms() -> None:
    """`EmbeddedStore.select_texts` (the actions' descriptions read as texts): each value `str` of the term
    `select` gives, in the same rows and order: IRIs, blank nodes, plain, language-tagged and typed literals
    (one whose text rdflib writes anew: "01" and " 2 " as integers, "1.50" as a decimal)."""
    store = odd_store(5)
    thing = ox.NamedNode(f"{EX}ding/0")
    for value in (
        ox.Literal("01", datatype=ox.NamedNode(str(XSD.integer))),
        ox.Literal(" 2 ", datatype=ox.NamedNode(str(XSD.integer))),
        ox.Literal("1.50", datatype=ox.NamedNode(str(XSD.decimal))),
        ox.Literal('een "beschrijving"\nop twee regels', language="nl-BE"),
        ox.Literal("x", datatype=ox.NamedNode(str(XSD.string))),
    ):
        store.add(ox.Quad(thing, ox.NamedNode(f"{EX}p/tekst"), value, ox.DefaultGraph()))
    ours = EmbeddedStore.of(store)
    for text in ("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "SELECT ?s ?o WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?x } }"):
        rows = ours.select(text)
        assert len(rows) > 100
        assert ours.select_texts(text) == [{name: str(value) for name, value in row.items()} for row in rows]
    assert any(str(v) != v.value for q in store for v in [q.object] if type(v) is ox.Literal)  # rdflib wrote some anew
