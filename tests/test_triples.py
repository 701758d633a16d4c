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
