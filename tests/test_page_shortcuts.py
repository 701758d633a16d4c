"""Shortcuts in a plan's pages (issue 18, session 10, helper pg): each gives what the longer way gave — a
pictures attribute kept, a representation made without `__init__`, a plan's things from its store's
subjects, the holders of all portfolios asked at once, a description's blocks, what points at a page read
from one answer, `first_sentences` of a text that fits, a pictures text cleaned without the expression."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from markupsafe import Markup

from hgkbp_ld.render.views import Block

BASE = "https://data.vlaanderen.be"


@pytest.mark.parametrize(
    "value", ["x", "a<b & 'c\"", "\x01ctl", Markup("a&amp;b"), Markup("<b>"), 1.5, -0.001, 3, "", "1.50"]
)
def test_a_pictures_attribute_kept_is_the_attribute_made_anew(value: object) -> None:
    from hgkbp_ld.render import pictures

    made = pictures._attrs(class_="k", data_x=value, fill=None)
    for _ in range(2):  # kept, then taken from what is kept; a Markup never taken for the equal text
        assert pictures._attrs(class_="k", data_x=value, fill=None) == made
    plain = "".join(pictures._attribute_text(n, v) for n, v in (("class_", "k"), ("data_x", _shown(value))))
    assert made == plain
    assert pictures._attrs(data_x=str(value)) == pictures._attribute_text("data_x", str(value))


def _shown(value: object) -> str:
    from hgkbp_ld.render.pictures import _n

    return value if isinstance(value, str) else _n(value) if isinstance(value, float) else str(value)


def test_a_representation_made_without_init_is_the_one_init_makes() -> None:
    from hgkbp_ld.published import Representation
    from hgkbp_ld.render.pages import _made

    made = _made(b"<p>\xc3\xa9</p>", "text/html")
    assert made == Representation(b"<p>\xc3\xa9</p>", "text/html", "")
    assert type(made) is Representation and vars(made) == vars(Representation(b"<p>\xc3\xa9</p>", "text/html", ""))
    assert hash(made) == hash(Representation(b"<p>\xc3\xa9</p>", "text/html", ""))


def test_a_plans_things_from_its_stores_subjects_are_those_the_query_finds(tmp_path: Path) -> None:
    """`plan_site.subjects` over the embedded store (its named graphs' subjects filtered in Python) = the
    query `resources.rq` (a store without `graph_subjects`): the pages a plan renders."""
    import pyoxigraph as ox

    from hgkbp_ld.render.plan_site import subjects
    from hgkbp_ld.store import EmbeddedStore

    store = ox.Store()
    graph, other = ox.NamedNode("http://g/1"), ox.NamedNode("http://g/2")
    p = ox.NamedNode("http://p")
    for iri, where in [
        (f"{BASE}/id/actie/p/2", graph), (f"{BASE}/id/actie/p/10", graph), (f"{BASE}/id/actie/p/2", other),
        (f"{BASE}/id/x#frag", graph), (f"{BASE}/idx/y", graph), ("http://other/id/z", graph),
        (f"{BASE}/id/é/ü", other), (f"{BASE}/id/default-only", ox.DefaultGraph()),
    ]:  # fmt: skip
        store.add(ox.Quad(ox.NamedNode(iri), p, ox.Literal("v"), where))
    store.add(ox.Quad(ox.BlankNode("b"), p, ox.NamedNode(f"{BASE}/id/object-only"), graph))
    embedded = EmbeddedStore.of(store)
    found = subjects(embedded, BASE)

    class _QueryOnly:  # the store's select alone, as another kind of store answers
        select = embedded.select

    assert found == subjects(_QueryOnly(), BASE)  # type: ignore[arg-type]
    assert found == sorted([f"{BASE}/id/actie/p/10", f"{BASE}/id/actie/p/2", f"{BASE}/id/é/ü"])


_MANDATES = """
@prefix bp: <https://data.vlaanderen.be/ns/beleidsplan#> .
@prefix mandaat: <http://data.vlaanderen.be/ns/mandaat#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix : <https://data.vlaanderen.be/id/> .
:m1 bp:heeftBevoegdheid :p1, :p2 ; mandaat:start "2024-01-01T00:00:00"^^xsd:dateTime ;
    mandaat:isBestuurlijkeAliasVan :a .
:m2 bp:heeftBevoegdheid :p2 ; mandaat:start "2024-01-01T00:00:00"^^xsd:dateTime ; mandaat:isBestuurlijkeAliasVan :b .
:m3 bp:heeftBevoegdheid :p2 ; mandaat:start "2024-06-01T00:00:00"^^xsd:dateTime ; mandaat:isBestuurlijkeAliasVan :c .
:m4 bp:heeftBevoegdheid :p3 ; mandaat:start "2024-01-01T00:00:00"^^xsd:dateTime ;
    mandaat:einde "2025-01-01T00:00:00"^^xsd:dateTime ; mandaat:isBestuurlijkeAliasVan :a .
:m5 bp:heeftBevoegdheid :p4 ; mandaat:start "2024-01-01T00:00:00"^^xsd:dateTime ; mandaat:isBestuurlijkeAliasVan :a ;
    mandaat:isTijdelijkVervangenDoor :m6 .
:m6 bp:heeftBevoegdheid :p4 ; mandaat:start "2024-01-01T00:00:00"^^xsd:dateTime ; mandaat:isBestuurlijkeAliasVan :d .
:a rdfs:label "Zelfde <naam>" . :b rdfs:label "Zelfde <naam>" . :c rdfs:label "Ander" . :d rdfs:label "Vervanger" .
"""


def test_the_holders_of_portfolios_asked_once_for_all_are_those_asked_each() -> None:
    """`Views._holders` over a plan's store (`batch`: the query asked once for all portfolios) = the query asked
    for each portfolio: none, one, several with equal labels (asked alone then), ended, replaced."""
    import pyoxigraph as ox
    from rdflib import URIRef

    from hgkbp_ld.render.plan_site import labels
    from hgkbp_ld.render.views import Views
    from hgkbp_ld.store import EmbeddedStore

    store = ox.Store()
    store.load(_MANDATES.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    embedded = EmbeddedStore.of(store)
    day = dt.date(2024, 9, 1)
    each, once = Views(embedded, BASE, labels(), day), Views(embedded, BASE, labels(), day, batch=True)
    for name in ("p1", "p2", "p3", "p4", "p5"):
        portfolio = URIRef(f"{BASE}/id/{name}")
        assert once._holders(portfolio) == each._holders(portfolio), name
    assert [link.label for link in once._holders(URIRef(f"{BASE}/id/p2"))] == [
        "Ander",
        "Zelfde <naam>",
        "Zelfde <naam>",
    ]
    assert [link.label for link in once._holders(URIRef(f"{BASE}/id/p4"))] == ["Vervanger"]
    assert [link.href for link in once._holders(URIRef(f"{BASE}/id/p3"))] == ["/doc/m4"]  # ends after the day
    assert once._holders(URIRef(f"{BASE}/id/p5")) == []
    later = Views(embedded, BASE, labels(), dt.date(2025, 1, 1), batch=True)
    assert later._holders(URIRef(f"{BASE}/id/p3")) == []  # ended (einde is exclusive)


@pytest.mark.parametrize(
    "text", ["Eén alinea.", "a\n\nb\nc", "- een\n- twee", "1. een\n2. twee\n\n- x\nnee", "", "\n\n", "2. x"]
)
def test_a_descriptions_blocks_are_those_their_init_makes(text: str) -> None:
    from hgkbp_ld.render.page_model import text_blocks

    made = text_blocks(text)
    again = [Block(b.kind, b.text, b.items, b.ordered) for b in made]
    assert made == again and [vars(b) for b in made] == [vars(b) for b in again]
    assert all(type(b) is Block for b in made)


@pytest.mark.parametrize("order", range(4))
def test_what_points_at_a_page_read_from_one_answer_is_what_each_property_gave(order: int) -> None:
    """A page's incoming rows from `said_of` alone = from `graph.subjects(p, node)` per property (the way
    before) = from an rdflib graph (the generic path), whatever order the statements came in."""
    import random

    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDFS

    from hgkbp_ld.render import views as views_module
    from hgkbp_ld.render.plan_site import labels
    from hgkbp_ld.render.views import Views
    from hgkbp_ld.triples import Triples

    node = URIRef(f"{BASE}/id/x/1")
    p, q = URIRef(f"{BASE}/ns/beleidsplan#p"), URIRef(f"{BASE}/ns/beleidsplan#q")
    s = [URIRef(f"{BASE}/id/s/{i}") for i in (1, 2, 10, 3)]
    statements = [(s[0], q, node), (s[1], p, node), (s[0], p, node), (s[2], p, node), (s[3], q, node)]
    statements += [(x, RDFS.label, Literal(f"S {i % 2}")) for i, x in enumerate(s)]  # equal labels
    statements += [(node, RDFS.label, Literal("x")), (URIRef("http://elders/y"), p, node)]
    random.Random(order).shuffle(statements)
    views = Views(None, BASE, labels(), dt.date(2026, 1, 1))  # type: ignore[arg-type]
    made = views.page(str(node), Triples(statements), specific=False)
    graph = Graph()
    for statement in statements:
        graph.add(statement)
    assert made == views.page(str(node), graph, specific=False)

    def one_by_one(graph: Triples, node: URIRef) -> dict:
        props = {prop: None for props in graph.said_of(node).values() for prop in props}
        return {prop: graph.subjects(prop, node) for prop in props}

    pointing = views_module._pointing
    views_module._pointing = one_by_one  # type: ignore[assignment]
    try:
        assert made == views.page(str(node), Triples(statements), specific=False)
    finally:
        views_module._pointing = pointing
    assert [len(row.values) for row in made.incoming] == [4, 2]


_SENTENCES = [
    "Kort.", "", "   ", "Eén zin.  Twee\tzinnen!\n\nDrie?", "a" * 159, "a" * 160, "a" * 161, "x. " * 53 + "Y", "\x1cA.\x1fB",
    "Zin een. Zin twee. " * 12, "geen hoofdletter. na punt", "Tab\u00a0vaste\u2003spatie. Nog één.",
]  # fmt: skip


@pytest.mark.parametrize("text", _SENTENCES)
@pytest.mark.parametrize("limit", [160, 220, 5, 1])
def test_first_sentences_of_a_text_that_fits_are_what_the_split_gave(text: str, limit: int) -> None:
    from hgkbp_ld.render.findable import _SENTENCE_END, first_sentences

    def split(text: str, limit: int) -> str:  # the way before, every text split
        flat = " ".join(text.split())
        chosen = ""
        for sentence in _SENTENCE_END.split(flat):
            candidate = f"{chosen} {sentence}".strip()
            if len(candidate) > limit:
                break
            chosen = candidate
        if chosen:
            return chosen
        cut = flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
        return f"{cut}…"

    assert first_sentences.__wrapped__(text, limit) == split(text, limit)


@pytest.mark.parametrize(
    "text", ["plain", "", "tab\there\nnl\rcr", "bad\x00\x01\x0b\x1f", "\ud800half", "\ufffe\uffff end", "é 🎉 \u2028x"]
)
def test_a_pictures_text_cleaned_is_what_the_expression_cleans(text: str) -> None:
    from hgkbp_ld.render.pictures import _NOT_XML, _clean

    assert _clean(text) == _NOT_XML.sub("", text)
