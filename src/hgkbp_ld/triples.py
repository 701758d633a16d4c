"""A small set of triples of rdflib terms, read as an rdflib `Graph` is, at a fraction of its cost.

A build's render makes ~1,400 small graphs per plan (a resource's description, a version's member,
the parts a past version's page shows) and asks each some hundred times for a value (`Views.page`,
the page's meta description). An rdflib `Graph` goes through its store's generator of (triple,
contexts) pairs and its plugin layer for each question; `Triples` keeps the same three indexes as
rdflib's `SimpleMemory` (subject → predicate → object, predicate → object → subject, object → subject
→ predicate, each in the order the triples were added) and answers from them directly, so that every
question gets the same answer in the same order as from a `Graph(store=SimpleMemory())` filled alike
(`tests/test_triples.py` asks both). What the render asks is all it has: `add`, `+=`, iteration,
`len`, `in` (a pattern), `triples`, `subjects`, `predicates`, `objects`, `subject_predicates`,
`predicate_objects`, `value`; `graph()` makes an rdflib graph of it where a library wants one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from rdflib import RDF, Graph
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
_NONE: dict = {}


class Triples:
    """Triples with rdflib's `Graph` reading methods (those the render uses), answered in the order
    rdflib's `SimpleMemory` gives."""

    __slots__ = ("_osp", "_pos", "_size", "_spo")

    def __init__(self, triples: Iterable[Triple] = ()) -> None:
        self._spo: dict[Node, dict[Node, dict[Node, int]]] = {}
        self._pos: dict[Node, dict[Node, dict[Node, int]]] = {}
        self._osp: dict[Node, dict[Node, dict[Node, int]]] = {}
        self._size = 0
        self += triples

    def add(self, triple: Triple) -> Triples:
        s, p, o = triple
        objects = self._spo.setdefault(s, {}).setdefault(p, {})
        if o in objects:
            return self
        objects[o] = 1
        self._pos.setdefault(p, {}).setdefault(o, {})[s] = 1
        self._osp.setdefault(o, {}).setdefault(s, {})[p] = 1
        self._size += 1
        return self

    def __iadd__(self, triples: Iterable[Triple]) -> Triples:
        """`add` of each triple, in one loop (a page's description is made so: ~15 triples, ~700 a plan),
        hashing each term once per index (a literal's hash is rdflib's Python method)."""
        spo, pos, osp = self._spo, self._pos, self._osp
        added = 0
        for s, p, o in triples:
            by_predicate = spo.get(s)
            if by_predicate is None:
                by_predicate = spo[s] = {}
            objects = by_predicate.get(p)
            if objects is None:
                objects = by_predicate[p] = {o: 1}
            else:
                known = len(objects)
                objects[o] = 1
                if len(objects) == known:  # there already
                    continue
            by_object = pos.get(p)
            if by_object is None:
                pos[p] = {o: {s: 1}}
            else:
                by_object.setdefault(o, {})[s] = 1
            osp.setdefault(o, {}).setdefault(s, {})[p] = 1
            added += 1
        self._size += added
        return self

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Triple]:
        """Every triple, in the order `triples((None, None, None))` gives (a list made at once: a page's
        four RDF formats read them all)."""
        return iter(
            [(s, p, o) for s, by_predicate in self._spo.items() for p, objects in by_predicate.items() for o in objects]
        )

    def __contains__(self, pattern: tuple[Node | None, Node | None, Node | None]) -> bool:
        """Whether a triple matches (None: any), as `(s, p, None) in graph` asks."""
        s, p, o = pattern
        if s is not None and p is not None and o is not None:
            return o in self._spo.get(s, _NONE).get(p, _NONE)
        return next(self.triples(pattern), None) is not None

    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[Triple]:
        """The triples matching a pattern (None: any), in the order `SimpleMemory.triples` gives."""
        s, p, o = pattern
        if s is not None:
            by_predicate = self._spo.get(s, _NONE)
            if p is not None:
                objects = by_predicate.get(p, _NONE)
                if o is not None:
                    if o in objects:
                        yield (s, p, o)
                else:
                    for found in objects:
                        yield (s, p, found)
            else:
                for predicate, objects in by_predicate.items():
                    if o is not None:
                        if o in objects:
                            yield (s, predicate, o)
                    else:
                        for found in objects:
                            yield (s, predicate, found)
        elif p is not None:
            by_object = self._pos.get(p, _NONE)
            if o is not None:
                for subject in by_object.get(o, _NONE):
                    yield (subject, p, o)
            else:
                for obj, subjects in by_object.items():
                    for subject in subjects:
                        yield (subject, p, obj)
        elif o is not None:
            for subject, predicates in self._osp.get(o, _NONE).items():
                for predicate in predicates:
                    yield (subject, predicate, o)
        else:
            for subject, by_predicate in self._spo.items():
                for predicate, objects in by_predicate.items():
                    for found in objects:
                        yield (subject, predicate, found)

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterator[Node]:
        if subject is not None and predicate is not None:
            return iter(self._spo.get(subject, _NONE).get(predicate, _NONE))
        return (o for _s, _p, o in self.triples((subject, predicate, None)))

    def subjects(self, predicate: Node | None = None, object: Node | None = None) -> Iterator[Node]:
        if predicate is not None and object is not None:
            return iter(self._pos.get(predicate, _NONE).get(object, _NONE))
        return (s for s, _p, _o in self.triples((None, predicate, object)))

    def predicates(self, subject: Node | None = None, object: Node | None = None) -> Iterator[Node]:
        return (p for _s, p, _o in self.triples((subject, None, object)))

    def subject_predicates(self, object: Node | None = None) -> Iterator[tuple[Node, Node]]:
        return ((s, p) for s, p, _o in self.triples((None, None, object)))

    def predicate_objects(self, subject: Node | None = None) -> Iterator[tuple[Node, Node]]:
        return ((p, o) for _s, p, o in self.triples((subject, None, None)))

    def about(self, subject: Node) -> Mapping[Node, Mapping[Node, int]]:
        """What is said of `subject`: its predicates, each with its objects, in the order `triples`
        gives them (the index itself, read by every page's view model: not to be changed)."""
        return self._spo.get(subject, _NONE)

    def said_of(self, object: Node) -> Mapping[Node, Mapping[Node, int]]:
        """The subjects of the statements whose object is `object`, each with their predicates, in the
        order `triples((None, None, object))` gives them (the index itself: not to be changed)."""
        return self._osp.get(object, _NONE)

    def value(
        self,
        subject: Node | None = None,
        predicate: Node | None = RDF.value,
        object: Node | None = None,
        default: Node | None = None,
    ) -> Node | None:
        """The first value (rdflib's `Graph.value`, with `any=True`): exactly one of the three is None."""
        if subject is not None and predicate is not None and object is None:
            for found in self._spo.get(subject, _NONE).get(predicate, _NONE):
                return found
            return default
        if (subject is None) + (predicate is None) + (object is None) != 1:
            return None
        if subject is None:
            values = self.subjects(predicate, object)
        else:
            values = self.predicates(subject, object)
        return next(values, default)

    def graph(self) -> Graph:
        """An rdflib graph of the same triples (added in the same order)."""
        graph = Graph(store=SimpleMemory())
        for triple in self:
            graph.add(triple)
        return graph


Described = Graph | Triples  # what a page is made from: a store's description, a version's member
