"""One small store interface: load a built dataset atomically, query it, describe a resource.

The embedded implementation is pyoxigraph (the default; no server to install). Each plan's dump
goes into its own named graph (the dataset IRI); the vocabulary into the graph of its namespace
document. Queries see the merge of all graphs as their default graph (each triple once).

Results leave this module as rdflib terms, so that callers never depend on the store used.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
VOCABULARY_GRAPH = "https://data.vlaanderen.be/ns/beleidsplan"
LABELS = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#notation",
    "https://data.vlaanderen.be/ns/beleidsplan#omschrijving",  # a period's label is its wording
)
_DESCRIBE = """
CONSTRUCT {{ ?this ?p ?o . ?o ?lp ?label . ?s ?ip ?this . ?s ?slp ?slabel . }}
WHERE {{
  {{ ?this ?p ?o . OPTIONAL {{ ?o ?lp ?label . FILTER (?lp IN ({labels})) }} }}
  UNION
  {{ ?s ?ip ?this . OPTIONAL {{ ?s ?slp ?slabel . FILTER (?slp IN ({labels})) }} }}
}}""".format(labels=", ".join(f"<{iri}>" for iri in LABELS))


class StoreError(RuntimeError):
    """The store could not load or answer; the message says what to do."""


@dataclass(frozen=True)
class Dataset:
    """What is loaded: the dist/ it came from, its version (hash of the manifest), its graphs."""

    version: str
    graphs: dict[str, int]  # graph IRI -> triples
    manifest: dict
    merged: int = 0  # triples in the default graph, the merge of all graphs


Row = dict[str, Node]


class Store(Protocol):
    dataset: Dataset | None

    def load(self, dist: Path) -> Dataset: ...

    def select(self, query: str, bindings: dict[str, Node] | None = None) -> list[Row]: ...

    def construct(self, query: str, bindings: dict[str, Node] | None = None) -> Graph: ...

    def describe(self, iri: str) -> Graph: ...


def read_manifest(dist: Path) -> tuple[dict, str]:
    path = dist / "manifest.json"
    try:
        data = path.read_bytes()
    except OSError as error:
        raise StoreError(f"no built dataset at {dist} ({error.strerror}); run 'hgkbp-ld build' first") from None
    return json.loads(data), hashlib.sha256(data).hexdigest()


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))  # raises ValueError on an invalid IRI
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


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
        self._lock = threading.Lock()  # one load at a time; readers never wait

    def load(self, dist: Path) -> Dataset:
        manifest, version = read_manifest(dist)
        path = None
        if self.folder is not None:  # one folder per process and version: servers never share one
            path = self.folder / f"store-{os.getpid()}-{version[:16]}"
            if path.exists():
                shutil.rmtree(path)
            path.parent.mkdir(parents=True, exist_ok=True)
        store = ox.Store(str(path)) if path is not None else ox.Store()
        graphs: dict[str, int] = {}
        for slug, plan in sorted(manifest.get("plans", {}).items()):
            graph = plan["graph"]
            store.bulk_load(path=str(dist / f"{slug}.nt"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
            graphs[graph] = plan["triples"]
        catalogue = manifest.get("catalogue")
        if catalogue:
            store.bulk_load(
                path=str(dist / catalogue["file"]),
                format=ox.RdfFormat.TURTLE,
                to_graph=ox.NamedNode(catalogue["graph"]),
            )
            graphs[catalogue["graph"]] = catalogue["triples"]
        store.bulk_load(
            path=str(dist / "beleidsplan.ttl"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(VOCABULARY_GRAPH)
        )
        for graph, expected in graphs.items():
            loaded = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
            if loaded != expected:
                raise StoreError(
                    f"graph {graph}: loaded {loaded} triples, the manifest says {expected}; "
                    "the dump is damaged, rebuild with 'hgkbp-ld build'"
                )
        graphs[VOCABULARY_GRAPH] = sum(
            1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(VOCABULARY_GRAPH))
        )
        # The default graph is the RDF merge of all graphs, materialised: a triple that two graphs
        # hold (a shared portfolio) is in it once. (oxigraph's "union default graph" is a multiset,
        # so COUNT would count such a triple twice.)
        merged = [
            ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
            for q in store.quads_for_pattern(None, None, None)
            if not isinstance(q.graph_name, ox.DefaultGraph)
        ]
        store.extend(merged)
        dataset = Dataset(
            version, graphs, manifest, sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        )
        store.flush()
        with self._lock:
            previous = self.path
            self._store, self.dataset, self.path = store, dataset, path  # readers see old or new, never half
        if self.folder is not None and path is not None:
            for old in self.folder.glob("store-*"):
                if old not in (path, previous) and not _alive_elsewhere(old):
                    shutil.rmtree(old, ignore_errors=True)
        return dataset

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
        return [{n: to_rdflib(row[n]) for n in names if row[n] is not None} for row in results]

    def construct(self, query: str, bindings: dict[str, Node] | None = None) -> Graph:
        graph = Graph()
        for triple in self._run(query, bindings):
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph

    def describe(self, iri: str) -> Graph:
        """Symmetric concise bounded description: own triples, incoming links, their labels."""
        return self.construct(_DESCRIBE, {"this": URIRef(iri)})
