"""`triples.Triples` answers every question the render asks as rdflib's `Graph(store=SimpleMemory())`
filled alike does: the same values, in the same order (a page shows the first of several labels)."""

from __future__ import annotations

import itertools
import random

from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace
from rdflib.plugins.stores.memory import SimpleMemory

from hgkbp_ld.triples import Triples

EX = Namespace("http://example.org/")


def filled(seed: int) -> tuple[Triples, Graph, list]:
    """The same triples, in the same random order, duplicates among them, in both."""
    rng = random.Random(seed)
    nodes = [EX.a, EX.b, EX.c, BNode("x"), Literal("a"), Literal("a", lang="nl"), Literal("1", datatype=EX.t)]
    predicates = [EX.p, EX.q, RDF.type, RDFS.label]
    added = []
    for _ in range(120):
        s = rng.choice(nodes[:4])
        added.append((s, rng.choice(predicates), rng.choice(nodes)))
    ours, theirs = Triples(), Graph(store=SimpleMemory())
    for triple in added:
        ours.add(triple)
        theirs.add(triple)
    return ours, theirs, nodes + predicates + [None, EX.nothing]


def test_every_question_gets_rdflibs_answer_in_its_order() -> None:
    for seed in range(5):
        ours, theirs, terms = filled(seed)
        assert len(ours) == len(theirs)
        assert list(ours) == list(theirs)
        for s, p, o in itertools.product(terms, repeat=3):
            assert list(ours.triples((s, p, o))) == list(theirs.triples((s, p, o)))
            assert ((s, p, o) in ours) == ((s, p, o) in theirs)
        for a, b in itertools.product(terms, repeat=2):
            assert list(ours.objects(a, b)) == list(theirs.objects(a, b))
            assert list(ours.subjects(a, b)) == list(theirs.subjects(a, b))
            assert list(ours.predicates(a, b)) == list(theirs.predicates(a, b))
            assert ours.value(a, b) == theirs.value(a, b)
            assert ours.value(None, a, b) == theirs.value(None, a, b)
            assert ours.value(a, None, b) == theirs.value(a, None, b)
            assert ours.value(a, b, default=EX.default) == theirs.value(a, b, default=EX.default)
        for a in terms:
            assert list(ours.subject_predicates(a)) == list(theirs.subject_predicates(a))
            assert list(ours.predicate_objects(a)) == list(theirs.predicate_objects(a))
        assert list(ours.graph()) == list(theirs)


def test_adding_a_graph_or_triples_keeps_the_order() -> None:
    ours, theirs, _terms = filled(7)
    more_ours, more_theirs = Triples(), Graph(store=SimpleMemory())
    more_ours += ours
    more_theirs += theirs
    more_ours += [(EX.z, EX.p, EX.a), (EX.a, EX.p, EX.z)]
    more_theirs += [(EX.z, EX.p, EX.a), (EX.a, EX.p, EX.z)]
    assert list(more_ours) == list(more_theirs)
    part = Triples()
    part += ours.triples((EX.a, None, None))
    assert list(part) == list(theirs.triples((EX.a, None, None)))


def _copies(terms: list) -> list:
    """Equal terms that are other objects (a namespace's, the store's): found by rdflib's ==."""
    return [
        t if t is None else type(t)(str(t)) if not isinstance(t, Literal) else Literal(str(t), t.language, t.datatype)
        for t in terms
    ]


def _ask(graph: Triples | Graph, question: int, a: object, b: object) -> object:
    """One of the questions that need the predicate or object index."""
    asked = (
        lambda: list(graph.triples((None, a, b))),
        lambda: list(graph.triples((None, None, a))),
        lambda: list(graph.triples((None, a, None))),
        lambda: list(graph.subjects(a, b)),
        lambda: list(graph.subject_predicates(a)),
        lambda: graph.value(None, a, b),
        lambda: (None, a, b) in graph,
    )
    return asked[question]()


def test_questions_before_the_indexes_are_made_get_the_same_answers() -> None:
    """The first questions by predicate or object read the added triples (no index yet): each asked of
    a graph that was asked nothing else, with its terms as other objects too."""
    for seed in range(3):
        _ours, theirs, terms = filled(seed)
        added = list(theirs)
        random.Random(seed).shuffle(added)
        for asked in (terms, _copies(terms)):
            for a, b in itertools.product(asked, repeat=2):
                for question in range(7):
                    fresh, reference = Triples(), Graph(store=SimpleMemory())
                    for triple in added + added[:10]:
                        fresh.add(triple)
                        reference.add(triple)
                    assert fresh._pos is None  # asked before the index is made
                    assert _ask(fresh, question, a, b) == _ask(reference, question, a, b)


def test_adding_after_the_indexes_are_made_keeps_the_order() -> None:
    ours, theirs, terms = filled(11)
    for _asked in range(6):  # enough questions by object to have the indexes made
        list(ours.triples((None, None, EX.a)))
    assert ours._pos is not None
    more = [(EX.z, EX.p, EX.a), (EX.a, EX.q, Literal("a")), (EX.b, EX.p, EX.a), (EX.z, EX.p, EX.a)]
    ours += more[:2]
    theirs += more[:2]
    for triple in more[2:]:
        ours.add(triple)
        theirs.add(triple)
    assert len(ours) == len(theirs)
    for s, p, o in itertools.product([*terms, EX.z], repeat=3):
        assert list(ours.triples((s, p, o))) == list(theirs.triples((s, p, o)))


def test_a_graph_made_whole_is_the_graph_added_one_by_one() -> None:
    _ours, theirs, _terms = filled(3)
    added = list(theirs) + list(theirs)[:5]
    whole, one_by_one = Triples(added), Triples()
    for triple in added:
        one_by_one.add(triple)
    assert len(whole) == len(one_by_one) == len(theirs)
    assert list(whole) == list(one_by_one) == list(theirs)
    reference = Graph(store=SimpleMemory())
    for triple in added:
        reference.add(triple)
    for term in (EX.a, EX.p, Literal("a")):
        assert list(whole.subject_predicates(term)) == list(reference.subject_predicates(term))
        assert list(whole.triples((None, term, None))) == list(reference.triples((None, term, None)))


def test_the_indexes_made_at_once_are_those_made_triple_by_triple() -> None:
    """`Triples._indexed` makes the predicate and object indexes of the triples added so far in one loop; they
    are the dictionaries (keys in the same order, at every level) that indexing each triple as it is added
    (`_index`, once they exist) makes."""
    for seed in range(4):
        ours, _theirs, _terms = filled(seed)
        added = list(ours._added)
        ours._scans = 99
        assert ours._indexed()
        each = Triples()
        each._pos, each._osp = {}, {}  # made: each triple added is indexed as it comes
        for triple in added:
            each.add(triple)

        def nested(index: dict) -> list:
            return [(k, nested(v)) if isinstance(v, dict) else (k, v) for k, v in index.items()]

        assert nested(ours._pos) == nested(each._pos) and nested(ours._osp) == nested(each._osp)  # type: ignore[arg-type]
        assert len(ours._pos) > 2 and len(ours._osp) > 5  # type: ignore[arg-type]
