"""The shortcuts of a page's view model give what the plain ways gave: `EmbeddedStore.describe` with its
caches of terms and neighbours (the triples, in their order, that converting every term anew gives, and
those of the DESCRIBE query), `Triples` filled in one loop (the indexes `add` makes, in their order),
`Views.page` reading `Triples`' own index (the page it makes of the same triples as an rdflib graph), and
links, rows and pages made without their frozen `__init__` (the objects it makes): on odd and hostile data
and on the real plan."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from hgkbp_ld.render import plan_site
from hgkbp_ld.render.page_model import Link, Page, Row, Text, new_link, new_row
from hgkbp_ld.render.views import Labels, Views
from hgkbp_ld.store import EmbeddedStore, embedded
from hgkbp_ld.store.base import DESCRIBE, LABELS, to_rdflib
from hgkbp_ld.triples import Triples

BASE = "https://example.org"
EX = "https://example.org/id/"
SKOS_LABEL, TITLE, RDFS_LABEL, NOTATION, WORDING = (ox.NamedNode(iri) for iri in LABELS)
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def reference_describe(store: ox.Store, iri: str) -> list:
    """`describe` as it was: every term converted anew, a neighbour's labels read where it is met."""
    merged, this = ox.DefaultGraph(), ox.NamedNode(iri)

    def labels(node: ox.NamedNode | ox.BlankNode) -> list:
        quads = [q for label in LABELS for q in store.quads_for_pattern(node, ox.NamedNode(label), None, merged)]
        return [(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in quads]

    found: list = []
    for quad in store.quads_for_pattern(this, None, None, merged):
        found.append((to_rdflib(this), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        if type(quad.object) is not ox.Literal:
            found += labels(quad.object)
    for quad in store.quads_for_pattern(None, None, this, merged):
        found.append((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(this)))
        found += labels(quad.subject)
    graph = Triples()
    for triple in found:
        graph.add(triple)
    return list(graph)


def odd_store(seed: int) -> ox.Store:
    """A store of odd data: self-loops, neighbours met twice and both ways, blank nodes, labels in several
    languages and none, empty labels, typed literals equal in text, a label property pointing at a thing,
    unicode IRIs, cycles."""
    rng = random.Random(seed)
    things = [ox.NamedNode(f"{EX}ding/{n}") for n in range(6)] + [ox.NamedNode(f"{EX}ding/é-ü/{seed}")]
    blanks = [ox.BlankNode(f"b{n}") for n in range(3)]
    nodes = things + blanks
    predicates = [ox.NamedNode(f"{EX}p/{n}") for n in range(4)] + [TYPE, SKOS_LABEL, TITLE, NOTATION]
    values = [
        ox.Literal("tekst", language="nl"),
        ox.Literal("text", language="en"),
        ox.Literal(""),
        ox.Literal("1"),
        ox.Literal("1", datatype=INTEGER),
        ox.Literal("HD 10"),
        ox.Literal("HD 2"),
    ]
    store = ox.Store()
    for _ in range(120):
        s = rng.choice(nodes)
        p = rng.choice(predicates)
        o = rng.choice(nodes + values) if p not in (TYPE,) else rng.choice(things)
        store.add(ox.Quad(s, p, o, ox.DefaultGraph()))
    for node in nodes:  # labels of neighbours, a period's wording
        for label in rng.sample([SKOS_LABEL, TITLE, RDFS_LABEL, NOTATION, WORDING], 2):
            store.add(ox.Quad(node, label, rng.choice(values), ox.DefaultGraph()))
    store.add(ox.Quad(things[0], predicates[0], things[0], ox.DefaultGraph()))  # a self-loop
    store.add(ox.Quad(things[1], TITLE, things[0], ox.DefaultGraph()))  # a label that is a thing
    return store


def embedded_over(store: ox.Store) -> EmbeddedStore:
    made = EmbeddedStore()
    made._store = store
    return made


@pytest.mark.parametrize("seed", range(6))
def test_describe_gives_the_triples_of_converting_every_term_anew_in_their_order(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    if seed % 2:  # caches that fill up and are cleared while a description is made
        monkeypatch.setattr(embedded, "_LABEL_CACHE", 2)
        monkeypatch.setattr(embedded, "_TERM_CACHE", 3)
    store = odd_store(seed)
    ours = embedded_over(store)
    for _again in range(2):  # the second time from the caches
        for n in [*range(6), f"é-ü/{seed}", "nothing"]:
            iri = f"{EX}ding/{n}"
            described = ours.describe(iri)
            assert list(described) == reference_describe(store, iri)
            if not any(type(term).__name__ == "BNode" for triple in described for term in triple):
                query = embedded_over(store).construct(DESCRIBE, {"this": to_rdflib(ox.NamedNode(iri))})
                assert set(described) == set(query)


def test_describe_of_another_store_loaded_forgets_the_terms_of_the_first() -> None:
    first, second = ox.Store(), ox.Store()
    this = ox.NamedNode(f"{EX}ding/1")
    first.add(ox.Quad(this, TITLE, ox.Literal("eerste", language="nl"), ox.DefaultGraph()))
    second.add(ox.Quad(this, TITLE, ox.Literal("tweede", language="nl"), ox.DefaultGraph()))
    ours = embedded_over(first)
    assert [str(o) for _s, _p, o in ours.describe(this.value)] == ["eerste"]
    ours._store = second  # as `load` swaps it in
    assert [str(o) for _s, _p, o in ours.describe(this.value)] == ["tweede"]


def indexes(triples: Triples) -> list:
    """A `Triples`' three indexes with their order, as lists: the subject index itself, and the
    predicate and object indexes as questions read them (made only when questions need them)."""
    spo = triples._spo
    predicates = list(dict.fromkeys(p for by in spo.values() for p in by))
    objects = list(dict.fromkeys(o for by in spo.values() for found in by.values() for o in found))
    pos = {p: triples._by_predicate(p) for p in predicates}
    osp = {o: triples._by_object(o) for o in objects}
    return [[(a, [(b, list(c)) for b, c in by.items()]) for a, by in index.items()] for index in (spo, pos, osp)]


@pytest.mark.parametrize("seed", range(4))
def test_triples_filled_in_one_loop_hold_the_indexes_add_makes(seed: int) -> None:
    store = odd_store(seed)
    triples = [(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in store]
    random.Random(seed).shuffle(triples)
    triples += triples[:20]  # some twice
    one_by_one = Triples()
    for triple in triples:
        one_by_one.add(triple)
    at_once = Triples(triples)
    assert indexes(at_once) == indexes(one_by_one)
    assert len(at_once) == len(one_by_one)
    more = Triples(triples[:10])
    more += triples[10:]
    assert indexes(more) == indexes(one_by_one)


def flat(value: object) -> object:
    """A view model as plain data, a text's language included (`Text` compares as its string)."""
    if isinstance(value, Text):
        return ("text", str(value), value.lang)
    if dataclasses.is_dataclass(value):
        return (type(value).__name__, {key: flat(v) for key, v in value.__dict__.items()})
    if isinstance(value, (list, tuple)):
        return [flat(v) for v in value]
    if hasattr(value, "items"):
        return {key: flat(v) for key, v in value.items()}  # type: ignore[attr-defined]
    return (type(value).__name__, value)


def test_links_rows_and_pages_made_without_init_are_those_init_makes() -> None:
    made = new_link("Actie 12", "/doc/actie/p/12", "12")
    assert made == Link("Actie 12", "/doc/actie/p/12", "12") and hash(made) == hash(
        Link("Actie 12", "/doc/actie/p/12", "12")
    )
    assert made.__dict__ == Link("Actie 12", "/doc/actie/p/12", "12").__dict__
    row = new_row("titel", "http://purl.org/dc/terms/title", (made,))
    assert (
        row == Row("titel", "http://purl.org/dc/terms/title", (made,))
        and row.__dict__ == Row(*row.__dict__.values()).__dict__
    )


def labels_of_nothing() -> Labels:
    return Labels(Graph(), Graph())


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("batch", [False, True])
def test_a_page_from_triples_is_the_page_from_the_same_rdflib_graph(seed: int, batch: bool) -> None:
    store = embedded_over(odd_store(seed))
    views = Views(store, BASE, labels_of_nothing(), dt.date(2026, 6, 1), batch=batch)
    for n in [*range(6), f"é-ü/{seed}", "nothing"]:
        iri = f"{EX}ding/{n}"
        described = store.describe(iri)
        for specific in (True, False):
            page = views.page(iri, described, specific)
            assert flat(page) == flat(views.page(iri, described.graph(), specific))
            assert page == Page(**page.__dict__)


def test_every_page_of_the_real_plan_from_triples_is_the_page_from_an_rdflib_graph(dist: Path) -> None:
    store = EmbeddedStore()
    store.load(dist)
    views = Views(store, "https://data.vlaanderen.be", plan_site.labels(), dt.date(2026, 6, 1))
    things = plan_site.subjects(store, "https://data.vlaanderen.be")
    assert len(things) > 300
    for iri in things:
        described = store.describe(iri)
        assert list(described) == reference_describe(store._current(), iri)
        assert flat(views.page(iri, described)) == flat(views.page(iri, described.graph()))


def plain_link(views: Views, graph: object, node: object) -> Link | str:
    """`Views.link` the plain way: its label (`Views.label`), `href` and notation read anew, `bool` of the notation."""
    from rdflib import URIRef

    from hgkbp_ld.render.views import _about

    if not isinstance(node, URIRef):
        return Text.of(node)  # type: ignore[arg-type]
    notation = next(iter(_about(graph, node).get(URIRef(str(NOTATION.value)), [])), None)  # type: ignore[arg-type]
    note = str(notation) if notation is not None and bool(notation) else ""
    return Link(views.label(graph, node), views.href(str(node)), note)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(6))
def test_a_link_is_what_its_label_href_and_notation_read_anew_make(seed: int) -> None:
    """`Views.link` with `_about`, `href`, `_truthy` and `Text.of` written in, and its shortcuts for a node nothing
    is said of and one without notation: the link (or text) of the plain way, for every node and value of odd
    pages, over `Triples` and the same rdflib graph, with IRIs of this site, of others and unicode ones."""
    from rdflib import URIRef

    from hgkbp_ld.render.views import _about

    store = embedded_over(odd_store(seed))
    elders = ox.NamedNode("https://elders.example/k")  # a class of another site, nothing said of it
    store._store.add(ox.Quad(ox.NamedNode(f"{EX}ding/0"), TYPE, elders, ox.DefaultGraph()))
    views = Views(store, BASE, labels_of_nothing(), dt.date(2026, 6, 1))
    seen = 0
    for n in [*range(6), f"é-ü/{seed}", "nothing"]:
        described = store.describe(f"{EX}ding/{n}")
        nodes = {t for triple in described for t in triple} | {URIRef(f"{EX}niets"), URIRef("https://elders.example/")}
        for graph in (described, described.graph()):
            for node in sorted(nodes, key=repr):
                made, plain = views.link(graph, node), plain_link(views, graph, node)
                assert flat(made) == flat(plain) and type(made) is type(plain), node
                assert made.__dict__ == plain.__dict__  # a literal's `Text` with its language, as `Text.of` makes it
                seen += isinstance(node, URIRef) and not dict(_about(graph, node))
    assert seen  # nodes nothing is said of were among them


@pytest.mark.parametrize("schema", [None, '{"@type": "Dataset"}'])
def test_a_pages_meta_made_without_init_is_the_one_init_makes(schema: str | None) -> None:
    """`findable.resource_meta` makes its `Meta` without the frozen `__init__`: the same object as `Meta(...)`."""
    from hgkbp_ld.render.findable import Meta, describe, resource_meta

    store = embedded_over(odd_store(1))
    views = Views(store, BASE, labels_of_nothing(), dt.date(2026, 6, 1))
    iri = f"{EX}ding/1"
    described = store.describe(iri)
    page = views.page(iri, described)
    made = resource_meta(page, described, BASE, "Tïtel", schema)
    plain = Meta("Tïtel", describe(page, described), f"{BASE}/doc/{page.path}", schema)
    assert made == plain and hash(made) == hash(plain) and made.__dict__ == plain.__dict__ and type(made) is Meta
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.title = "x"  # type: ignore[misc]


def test_a_query_for_all_is_asked_once_whatever_its_bindings() -> None:
    """`Views._select` with `batch`: a query of `_ASKED_FOR_ALL` asked once for all its keys, by its other bindings
    (none: the key bound alone, the common case, made without the list of the others), each key's rows its own."""
    from rdflib import URIRef

    a, b, p, q = (URIRef(f"{EX}{n}") for n in ("a", "b", "p", "q"))
    asked: list = []

    class Store:
        def select(self, text: str, bindings: dict | None = None) -> list:
            asked.append((text.split("\n", 1)[0], dict(bindings or {})))
            return [{"this": a, "x": p}, {"this": b, "x": q}, {"this": a, "x": q}]

    views = Views(Store(), BASE, labels_of_nothing(), dt.date(2026, 6, 1), batch=True)  # type: ignore[arg-type]
    assert views._select("page-period", {"this": a}) == [{"this": a, "x": p}, {"this": a, "x": q}]
    assert views._select("page-period", {"this": b}) == [{"this": b, "x": q}]
    assert views._select("page-children", {"prop": p, "this": a}) == [{"this": a, "x": p}, {"this": a, "x": q}]
    assert views._select("page-children", {"this": b, "prop": p}) == [{"this": b, "x": q}]
    assert views._select("page-children", {"this": b, "prop": q}) == [{"this": b, "x": q}]
    assert [bindings for _text, bindings in asked] == [{}, {"prop": p}, {"prop": q}]
    assert set(views._for_all) == {("page-period",), ("page-children", ("prop", p)), ("page-children", ("prop", q))}


@pytest.mark.parametrize("seed", range(3))
def test_a_page_with_more_sections_is_the_page_with_them_added(seed: int) -> None:
    """`Views.page(..., more=…)` (a current page's history) = the page `with_sections(more)`, sections in the same
    order; its path `iris.path_of(iri, base) or iri`, for things of this site, of others and the base's own prefix."""
    from hgkbp_ld import iris

    store = embedded_over(odd_store(seed))
    views = Views(store, BASE, labels_of_nothing(), dt.date(2026, 6, 1))
    for iri in [f"{EX}ding/{n}" for n in (0, 1, f"é-ü/{seed}", "nothing")] + [EX, "https://elders.example/id/x"]:
        described = store.describe(iri)
        for more in ({"history": ["v1", "v2"]}, {"description": ["other"], "history": []}):
            made, plain = views.page(iri, described, more=more), views.page(iri, described).with_sections(more)
            assert flat(made) == flat(plain) and list(made.sections) == list(plain.sections)
        assert views.page(iri, described).path == (iris.path_of(iri, BASE) or iri)
        assert flat(views.page(iri, described, more=None)) == flat(views.page(iri, described, more={}))
