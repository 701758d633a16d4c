"""The embedded store: pyoxigraph, in memory or on disk, no server to install (the default)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

from hgkbp_ld.sparql.pool import WorkerPool
from hgkbp_ld.sparql.service import QueryService
from hgkbp_ld.store.base import (
    _XSD_STRING,
    LABELS,
    Dataset,
    Row,
    StoreError,
    _iri,
    _literal,
    iri_term,
    read_manifest,
    to_oxigraph,
    to_rdflib,
)
from hgkbp_ld.store.loading import filled
from hgkbp_ld.triples import Triples

_MERGED = ox.DefaultGraph()  # `describe`'s graph, made once (a new one per pattern asked was a Python object each)
_LABELS = tuple(ox.NamedNode(iri) for iri in LABELS)  # what DESCRIBE takes of a neighbour
_LABEL_CACHE = 1 << 17  # neighbours whose labels `describe` keeps (a plan's store names ~600 things; the pages
# of what 1000 plans share ~68,000, each named by several of them: a portfolio's actions are also its ministers'
# mandates': kept, their labels are read once, not once a page (half `describe`'s CPU there; ~15 MB))
_GRAPH_SUBJECTS = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } }"  # `graph_subjects`
_TERM_CACHE = 1 << 16  # the store's terms `describe` keeps as rdflib terms (a plan's: a few thousand)


def _alive_elsewhere(folder: Path) -> bool:
    """Whether a store folder belongs to another process that still runs (store-<pid>-<version>)."""
    pid = folder.name.split("-")[1] if folder.name.count("-") >= 2 else ""
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class EmbeddedStore:
    """pyoxigraph, in memory or on disk. `load` builds a new store and swaps it in when complete.

    On disk (`folder` given), each dataset version gets its own store folder, which the SPARQL
    workers open read-only; the folder of the version before the previous one is removed.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self._store: ox.Store | None = None
        self.dataset: Dataset | None = None
        self.folder = folder
        self.path: Path | None = None  # the on-disk store of the loaded version
        self.reloaded: list[str] | None = None  # by the last `load` from a previous build: the graphs loaded again
        self._lock = threading.Lock()  # one load at a time; readers never wait
        self._describe_caches: tuple[ox.Store | None, dict, dict] = (None, {}, {})  # `describe`'s, of one store
        self._index: _Index | None = None  # `describe`'s whole default graph, read once (`of(..., indexed=True)`)
        self._indexed = False

    @classmethod
    def read_only(cls, path: Path) -> EmbeddedStore:
        """A store a build kept (`snapshot`), opened read-only for queries: no dataset, no load."""
        store = cls()
        store._store = ox.Store.read_only(str(path))
        return store

    @classmethod
    def of(cls, store: ox.Store, indexed: bool = False) -> EmbeddedStore:
        """A store filled by its caller, for queries: no dataset, no load (a plan's, `plan_site.plan_store`).
        `indexed`: an in-memory store (`ox.Store()`) whose things are nearly all described (a plan's: a page
        each), and which is not changed after: `describe` reads its default graph once (`_Index`)."""
        found = cls()
        found._store = store
        found._indexed = indexed
        return found

    def load(self, dist: Path, previous: Path | None = None, early: Path | None = None) -> Dataset:
        """Load the build in `dist`. `previous`: the build `dist` replaces (on disk only): its store
        (`SNAPSHOT`) is taken and only the graphs whose files changed are loaded again (`loading._update`),
        which gives the quads of a load from scratch; without blank nodes in what changed, else it is
        loaded from scratch. `early`: a store the build's plans were loaded into (`preload`) before its
        manifest was written, taken (on disk only) if it holds the plans the manifest names."""
        manifest, version = read_manifest(dist)
        self.reloaded = None
        path = None
        if self.folder is not None:  # one folder per process and version: servers never share one
            path = self.folder / f"store-{os.getpid()}-{version[:16]}"
            if path.exists():
                shutil.rmtree(path)
            path.parent.mkdir(parents=True, exist_ok=True)
        store, graphs, merged, self.reloaded = filled(path, dist, manifest, previous, early)
        dataset = Dataset(version, graphs, manifest, merged)
        store.flush()
        with self._lock:
            previous = self.path
            self._store, self.dataset, self.path = store, dataset, path  # readers see old or new, never half
        if self.folder is not None and path is not None:
            for old in self.folder.glob("store-*"):
                if old not in (path, previous) and not _alive_elsewhere(old):
                    shutil.rmtree(old, ignore_errors=True)
        return dataset

    def queries(self, workers: WorkerPool) -> QueryService:
        """The query service for /sparql: the worker pool, over this version's on-disk store."""
        if self.path is None or self.dataset is None:
            raise StoreError("an in-memory store cannot answer /sparql: give the store a folder")
        triples = self.dataset.merged + sum(self.dataset.graphs.values())
        return workers.serving(str(self.path), self._store, triples)

    def snapshot(self, target: Path) -> None:
        """A copy of the loaded on-disk store in `target` (hard links where it can), for `load` to copy."""
        self._current().backup(str(target))

    def _current(self) -> ox.Store:
        store = self._store
        if store is None:
            raise StoreError("no dataset loaded")
        return store

    def _run(self, query: str, bindings: dict[str, Node] | None):  # noqa: ANN202 - pyoxigraph result
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
        return self._current().query(query, substitutions=substitutions)

    def select(self, query: str, bindings: dict[str, Node] | None = None) -> list[Row]:
        """Rows of a SELECT; a bound variable must also be in the projection (pyoxigraph's rule)."""
        results = self._run(query, bindings)
        names = [v.value for v in results.variables]
        # a solution iterated gives its values in the variables' order (None where unbound): 3× faster
        # than looking each up by name, which the last stage's pages of many plans' actions feel; each
        # value made an rdflib term as `to_rdflib` makes it, an IRI's and a literal's without its call
        iri, literal, named, text = _iri, _literal, ox.NamedNode, ox.Literal
        rows = []
        for row in results:
            found = {}
            for n, v in zip(names, row, strict=True):
                kind = type(v)
                if kind is named:
                    found[n] = iri(v.value)
                elif kind is text:
                    found[n] = literal(v.value, v.language, v.datatype.value)
                elif v is not None:
                    found[n] = to_rdflib(v)
            rows.append(found)
        return rows

    def select_texts(
        self, query: str, bindings: dict[str, Node] | None = None, terms: Collection[str] = ()
    ) -> list[dict[str, Any]]:
        """`select`'s rows with each value's text, `str` of its rdflib term, without making the term: an
        IRI's, a plain or language-tagged literal's (whose text rdflib keeps as it is given) from the store;
        another's (a typed literal, which rdflib may write anew) from its term. For a query whose values are
        read as texts (the actions' descriptions: `render.actions`, each made a literal only to be read).
        `terms`: variables whose values are given as `select` gives them (rdflib terms)."""
        results = self._run(query, bindings)
        names = [v.value for v in results.variables]
        named, text, plain = ox.NamedNode, ox.Literal, _XSD_STRING
        rows = []
        for row in results:
            found = {}
            for n, v in zip(names, row, strict=True):
                kind = type(v)
                if n in terms:
                    if v is not None:
                        found[n] = to_rdflib(v)
                elif kind is named or (kind is text and (v.language or v.datatype.value == plain)):
                    found[n] = v.value
                elif v is not None:
                    found[n] = str(to_rdflib(v))
            rows.append(found)
        return rows

    def graph_subjects(self) -> Iterator[str]:
        """The IRI of every subject of the named graphs, each once, in the store's order: what the last stage
        picks the pages of what plans share from (`render.stage`), filtered as they come. Not a query that
        filters them: pyoxigraph reads an IRI's text from the store for every string function it is given
        (~5 µs each), and at 1000 plans the named graphs' subjects are ~300,000 (the query took 11 s)."""
        for (subject,) in self._current().query(_GRAPH_SUBJECTS):
            if type(subject) is ox.NamedNode:  # not asked in the query: isIRI doubled its cost
                yield subject.value

    def construct(self, query: str, bindings: dict[str, Node] | None = None) -> Graph:
        graph = Graph(store=SimpleMemory())  # a graph without contexts: faster to fill and to read
        for triple in self._run(query, bindings):
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph

    def graph_triples(self, graph: str) -> Triples:
        """The statements of one named graph, read from the store's index (not through a CONSTRUCT
        query and an rdflib graph): in the store's order, not the query's."""
        triples = Triples()
        add = triples.add
        for quad in self._current().quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        return triples

    def describe(self, iri: str) -> Triples:
        """Symmetric concise bounded description: own triples, incoming links, their labels. The triples
        of the DESCRIBE query, read from the store's indexes without it: a page of the build asks this
        of every resource, and parsing and planning the query cost more than the lookups; a term is made
        an rdflib term once (`_terms`), a neighbour's labels (a class, a portfolio, the plan: named by
        many resources) are read once. As `Triples` (read as an rdflib graph is, in the same order,
        several times faster to fill and to read)."""
        store = self._current()
        if self._indexed:
            index = self._index
            if index is None or index.store is not store:
                index = self._index = _Index(store)
            return index.describe(iri_term(ox.NamedNode(iri).value))  # (the IRI checked as before)
        terms, neighbours = self._caches(store)
        merged = _MERGED
        this = ox.NamedNode(iri)
        term = to_rdflib(this)  # the subject of the first quads, the object of the others: made once
        triples: list[tuple[Node, Node, Node]] = []  # in the order of the store's indexes, labels after each
        add, labelled = triples.append, triples.extend
        for quad in store.quads_for_pattern(this, None, None, merged):
            p, o = quad.predicate, quad.object
            predicate = terms.get(p)
            if predicate is None:
                predicate = _term(terms, p)
            if type(o) is ox.Literal:
                value = terms.get(o)
                add((term, predicate, _term(terms, o) if value is None else value))
            else:
                found = neighbours.get(o)
                if found is None:
                    found = self._neighbour(store, terms, neighbours, o)
                add((term, predicate, found[0]))
                labelled(found[1])
        for quad in store.quads_for_pattern(None, None, this, merged):
            s, p = quad.subject, quad.predicate
            predicate = terms.get(p)
            if predicate is None:
                predicate = _term(terms, p)
            found = neighbours.get(s)
            if found is None:
                found = self._neighbour(store, terms, neighbours, s)
            add((found[0], predicate, term))
            labelled(found[1])
        return Triples(triples)

    def _caches(self, store: ox.Store) -> tuple[dict, dict]:
        """`describe`'s terms and neighbours of `store` (made anew when another store is loaded)."""
        caches = self._describe_caches
        if caches[0] is not store:
            caches = self._describe_caches = (store, {}, {})
        return caches[1], caches[2]

    @staticmethod
    def _neighbour(
        store: ox.Store, terms: dict, neighbours: dict, node: ox.NamedNode | ox.BlankNode
    ) -> tuple[Node, tuple[tuple[Node, Node, Node], ...]]:
        """A neighbour's rdflib term and label triples (`LABELS`), kept for the few thousand asked last."""
        if len(neighbours) >= _LABEL_CACHE:
            neighbours.clear()
        quads = [q for label in _LABELS for q in store.quads_for_pattern(node, label, None, _MERGED)]
        subject = _term(terms, node)
        found = subject, tuple((subject, _term(terms, q.predicate), _term(terms, q.object)) for q in quads)
        neighbours[node] = found
        return found


def _term(terms: dict, node: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """`to_rdflib` of a store's term, kept by term in `terms` (a store's own: cleared when it is full)."""
    found = terms.get(node)
    if found is None:
        if len(terms) >= _TERM_CACHE:
            terms.clear()
        found = terms[node] = to_rdflib(node)
    return found


class _Index:
    """`describe` of an in-memory store read from one pass over its default graph: every term made an
    rdflib term once, the statements kept by subject and by object (each in the order the pass gives
    them), a thing's label statements found once. The same triples in the same order as `describe`'s
    lookups: pyoxigraph's in-memory store keeps its quads in one order (the reverse of their insertion),
    and every pattern it is asked walks a chain of that order (by subject, by object, by predicate or
    all), keeping the quads that match: a subject's statements in the pass are its `quads_for_pattern`,
    in order (`tests/test_plan_facts.py` checks it on odd stores and on the plans' stores). The statements
    are kept by their rdflib terms (a store term is hashed by pyoxigraph anew each time it is asked, an
    rdflib term's hash is its text's, kept with it): one lookup of each store term a statement. Held while
    the store is."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        terms: dict = {}
        get = terms.get
        said: dict = {}  # subject (rdflib) -> its statements (s, p, o: rdflib)
        named: dict = {}  # object (rdflib, not a literal) -> the statements naming it
        literal = Literal
        iri, text, an_iri, plain = _iri, _literal, ox.NamedNode, ox.Literal  # `to_rdflib`'s, an IRI's and a literal's
        for quad in store.quads_for_pattern(None, None, None, _MERGED):  # inline (a plan's own terms are new)
            s, p, o = quad.subject, quad.predicate, quad.object
            subject, predicate, value = get(s), get(p), get(o)
            if subject is None:
                subject = terms[s] = iri(s.value) if type(s) is an_iri else to_rdflib(s)
            if predicate is None:
                predicate = terms[p] = iri(p.value) if type(p) is an_iri else to_rdflib(p)
            if value is None:
                kind = type(o)
                if kind is plain:
                    value = terms[o] = text(o.value, o.language, o.datatype.value)
                else:
                    value = terms[o] = iri(o.value) if kind is an_iri else to_rdflib(o)
            triple = (subject, predicate, value)
            found = said.get(subject)
            if found is None:
                said[subject] = [triple]
            else:
                found.append(triple)
            if type(value) is not literal:
                found = named.get(value)
                if found is None:
                    named[value] = [triple]
                else:
                    found.append(triple)
        self.said, self.named = said, named
        self.labels: dict = {}  # a thing (rdflib) -> its label statements, in `LABELS` order
        # the label predicates as this index's terms (one a store term: found by identity), those it has
        self.label_terms = tuple(terms[label] for label in _LABELS if label in terms)

    def _labels(self, node: Node) -> tuple[tuple[Node, Node, Node], ...]:
        """The statements `describe` adds of a neighbour: its `LABELS`' statements, label by label."""
        own = self.said.get(node, ())
        found = self.labels[node] = tuple(t for label in self.label_terms for t in own if t[1] is label)
        return found

    def describe(self, this: Node) -> Triples:
        """`EmbeddedStore.describe` of `this` (an IRI, as rdflib's term)."""
        labels, known = self.labels, self._labels
        literal = Literal
        triples: list[tuple[Node, Node, Node]] = []
        add, labelled = triples.append, triples.extend
        for triple in self.said.get(this, ()):
            add(triple)
            o = triple[2]
            if type(o) is not literal:
                found = labels.get(o)
                labelled(known(o) if found is None else found)
        for triple in self.named.get(this, ()):
            add(triple)
            s = triple[0]
            found = labels.get(s)
            labelled(known(s) if found is None else found)
        return Triples(triples)
