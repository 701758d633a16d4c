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
Index = dict[Node, dict[Node, dict[Node, int]]]
_NONE: dict = {}
_SCANS = 4  # questions by predicate or object answered by reading the added triples, then indexed
_same = str.__eq__  # rdflib's terms are equal only if their texts are (its own == is Python code)


def _equal(a: Node, b: Node) -> bool:
    """`a == b` for rdflib's terms, asking rdflib's own (Python) == only of terms with the same text."""
    return a is b or (_same(a, b) and a == b)


class Triples:
    """Triples with rdflib's `Graph` reading methods (those the render uses), answered in the order
    rdflib's `SimpleMemory` gives.

    Only the subject index is made as triples are added (it finds duplicates). Most graphs are only
    read by subject or whole (a page's formats, a stream, a mapping), so the predicate and object
    indexes are made when a question needs them: the first few such questions are answered by reading
    the added triples in their order (`_added`), then the indexes are made from them, in the order
    they would have had."""

    __slots__ = ("_added", "_osp", "_pos", "_scans", "_size", "_spo")

    def __init__(self, triples: Iterable[Triple] = ()) -> None:
        self._spo: Index = {}
        self._pos: Index | None = None  # None: not made yet, `_added` holds every triple in its order
        self._osp: Index | None = None
        self._added: list[Triple] = []
        self._scans = 0
        self._size = 0
        if triples:
            self._extend(triples)

    def add(self, triple: Triple) -> Triples:
        s, p, o = triple
        by_predicate = self._spo.get(s)
        if by_predicate is None:
            by_predicate = self._spo[s] = {}
        objects = by_predicate.get(p)
        if objects is None:
            objects = by_predicate[p] = {}
        size = len(objects)
        objects[o] = 1  # a literal's hash is Python code: asked once, not for `in` and again to store
        if len(objects) == size:
            return self
        self._size += 1
        if self._pos is None:
            self._added.append(triple)
        else:
            self._index((triple,))
        return self

    def _extend(self, triples: Iterable[Triple]) -> None:
        """`add` of each triple, without a call per triple (a graph is often added whole)."""
        spo = self._spo
        indexed = self._pos is not None
        added = [] if indexed else self._added  # the new triples, indexed at once if the indexes are there
        size = self._size
        for triple in triples:
            s, p, o = triple
            by_predicate = spo.get(s)
            if by_predicate is None:
                by_predicate = spo[s] = {}
            objects = by_predicate.get(p)
            if objects is None:
                objects = by_predicate[p] = {}
            before = len(objects)
            objects[o] = 1
            if len(objects) != before:
                size += 1
                added.append(triple)
        self._size = size
        if indexed:
            self._index(added)

    def _index(self, triples: Iterable[Triple]) -> None:
        """The triples (each new) put into the predicate and object indexes, in their order, without a
        call per triple."""
        pos, osp = self._pos, self._osp
        assert pos is not None and osp is not None
        for s, p, o in triples:
            by_object = pos.get(p)
            if by_object is None:
                by_object = pos[p] = {}
            by_object.setdefault(o, {})[s] = 1  # an object hashed once a dict (a literal's hash is Python code)
            by_subject = osp.setdefault(o, {})
            predicates = by_subject.get(s)
            if predicates is None:
                by_subject[s] = {p: 1}
            else:
                predicates[p] = 1

    def _indexed(self) -> bool:
        """Whether the predicate and object indexes are there, made now if enough questions needed
        them: False, the caller reads `_added` (a question that needs them is counted here)."""
        if self._pos is not None:
            return True
        self._scans += 1
        if self._scans <= _SCANS:
            return False
        self._pos, self._osp = {}, {}
        added, self._added = self._added, []
        self._index(added)
        return True

    def _by_predicate(self, p: Node) -> dict[Node, dict[Node, int]]:
        """`_pos[p]`: each object of `p` (in the order first added) -> its subjects (in that order)."""
        if self._indexed():
            return self._pos.get(p, _NONE)  # type: ignore[union-attr]
        return self._grouped(1, p, 2, 0)

    def _subjects_of(self, p: Node, o: Node) -> Iterable[Node]:
        """`_pos[p][o]`: the subjects of `p` with `o`, in the order added."""
        if self._indexed():
            return self._pos.get(p, _NONE).get(o, _NONE)  # type: ignore[union-attr]
        same = _same  # `_equal` of each part, without a call per triple
        return [
            s
            for s, predicate, obj in self._added
            if (predicate is p or (same(predicate, p) and predicate == p)) and (obj is o or (same(obj, o) and obj == o))
        ]

    def _by_object(self, o: Node) -> dict[Node, dict[Node, int]]:
        """`_osp[o]`: each subject with `o` (in the order first added) -> its predicates (in that order)."""
        if self._indexed():
            return self._osp.get(o, _NONE)  # type: ignore[union-attr]
        return self._grouped(2, o, 0, 1)

    def _grouped(self, at: int, term: Node, outer: int, inner: int) -> dict[Node, dict[Node, int]]:
        """The added triples whose part `at` (0 subject, 1 predicate, 2 object) is `term`, as an index
        holds them before it is made: part `outer` (in the order first added) -> part `inner`."""
        found: dict[Node, dict[Node, int]] = {}
        same = _same
        for triple in self._added:
            part = triple[at]
            if part is term or (same(part, term) and part == term):  # `_equal`, without a call per triple
                key = triple[outer]
                parts = found.get(key)
                if parts is None:
                    parts = found[key] = {}
                parts[triple[inner]] = 1
        return found

    def __iadd__(self, triples: Iterable[Triple]) -> Triples:
        if type(triples) is Triples and triples is not self:
            self._merge(triples)
        else:
            self._extend(triples)
        return self

    def _merge(self, other: Triples) -> None:
        """`_extend` of another `Triples` (its triples in its order): a subject new here takes a copy of
        the other's index of it, whose objects are not hashed again (a literal's hash is rdflib's Python
        code: the event stream's page adds every member of a version, ~all a plan's triples); the
        triples of a subject both have are added one by one. The same indexes, in the same order."""
        spo = self._spo
        for s, by_predicate in other._spo.items():
            triples = [(s, p, o) for p, objects in by_predicate.items() for o in objects]
            if s in spo:
                self._extend(triples)
                continue
            spo[s] = {p: objects.copy() for p, objects in by_predicate.items()}
            self._size += len(triples)
            if self._pos is None:
                self._added += triples
            else:
                self._index(triples)

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Triple]:
        """Every triple, in the order `triples((None, None, None))` gives (a list made at once: a page's
        four RDF formats read them all)."""
        return iter(
            [(s, p, o) for s, by_predicate in self._spo.items() for p, objects in by_predicate.items() for o in objects]
        )

    def unordered(self) -> list[Triple]:
        """Every triple, in an order of their own (as added, while the predicate and object indexes are
        not made): for a reader to whom the order does not matter (`rdfio` sorts them). Not to be changed."""
        if self._pos is None:
            return self._added
        return list(self)

    def added_since(self, size: int) -> list[Triple] | None:
        """The triples added after the first `size` (in the order added) while the predicate and object
        indexes are not made (None after: the order added is no longer kept). Not to be changed."""
        if self._pos is None and 0 <= size <= self._size:
            return self._added[size:]
        return None

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
            if o is not None:
                for subject in self._subjects_of(p, o):
                    yield (subject, p, o)
            else:
                for obj, subjects in self._by_predicate(p).items():
                    for subject in subjects:
                        yield (subject, p, obj)
        elif o is not None:
            for subject, predicates in self._by_object(o).items():
                for predicate in predicates:
                    yield (subject, predicate, o)
        else:
            for subject, by_predicate in self._spo.items():
                for predicate, objects in by_predicate.items():
                    for found in objects:
                        yield (subject, predicate, found)

    # The questions of one term read its index as `triples` does, into a list (not through its generator and
    # another: a page's view model asks thousands); the same terms in the same order.

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterator[Node]:
        if subject is not None:
            if predicate is not None:
                return iter(self._spo.get(subject, _NONE).get(predicate, _NONE))
            return iter([o for objects in self._spo.get(subject, _NONE).values() for o in objects])
        return (o for _s, _p, o in self.triples((subject, predicate, None)))

    def subjects(self, predicate: Node | None = None, object: Node | None = None) -> Iterator[Node]:
        if predicate is not None:
            if object is not None:
                return iter(self._subjects_of(predicate, object))
            return iter([s for subjects in self._by_predicate(predicate).values() for s in subjects])
        return (s for s, _p, _o in self.triples((None, predicate, object)))

    def predicates(self, subject: Node | None = None, object: Node | None = None) -> Iterator[Node]:
        return (p for _s, p, _o in self.triples((subject, None, object)))

    def subject_predicates(self, object: Node | None = None) -> Iterator[tuple[Node, Node]]:
        if object is not None:
            return iter([(s, p) for s, predicates in self._by_object(object).items() for p in predicates])
        return ((s, p) for s, p, _o in self.triples((None, None, object)))

    def predicate_objects(self, subject: Node | None = None) -> Iterator[tuple[Node, Node]]:
        if subject is not None:
            return iter([(p, o) for p, objects in self._spo.get(subject, _NONE).items() for o in objects])
        return ((p, o) for _s, p, o in self.triples((subject, None, None)))

    def about(self, subject: Node) -> Mapping[Node, Mapping[Node, int]]:
        """What is said of `subject`: its predicates, each with its objects, in the order `triples`
        gives them (the index itself, read by every page's view model: not to be changed)."""
        return self._spo.get(subject, _NONE)

    def said(self) -> Iterable[tuple[Node, Mapping[Node, Mapping[Node, int]]]]:
        """Every subject with what is said of it (`about`), in the order `triples` gives (the index
        itself: not to be changed)."""
        return self._spo.items()

    def said_of(self, object: Node) -> Mapping[Node, Mapping[Node, int]]:
        """The subjects of the statements whose object is `object`, each with their predicates, in the
        order `triples((None, None, object))` gives them (the object index, made when enough questions
        need it, else the added triples read in order: not to be changed)."""
        return self._by_object(object)

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
