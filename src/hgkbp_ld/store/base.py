"""What every store offers: the interface, the loaded dataset, and terms as rdflib terms.

A dataset is the built `dist/`: one named graph per plan (its dataset IRI), the catalogue's graph
and the vocabulary's graph (its namespace document). Queries see the merge of all graphs as their
default graph (each triple once). Results leave a store as rdflib terms, so that callers never
depend on the store used.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

if TYPE_CHECKING:
    from hgkbp_ld.sparql.pool import WorkerPool
    from hgkbp_ld.sparql.service import QueryService
    from hgkbp_ld.triples import Described

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
VOCABULARY_GRAPH = "https://data.vlaanderen.be/ns/beleidsplan"
LABELS = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#notation",
    "https://data.vlaanderen.be/ns/beleidsplan#omschrijving",  # a period's label is its wording
)
DESCRIBE = """
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
    """What is loaded: the dist/ it came from, its version (the manifest's `dataset_version`), its graphs."""

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

    def describe(self, iri: str) -> Described: ...  # an rdflib graph, or Triples that read as one

    def queries(self, workers: WorkerPool) -> QueryService:
        """What answers /sparql for this store: the given worker pool (embedded), or the store itself."""
        ...


def read_manifest(dist: Path) -> tuple[dict, str]:
    path = dist / "manifest.json"
    try:
        data = path.read_bytes()
    except OSError as error:
        raise StoreError(f"no built dataset at {dist} ({error.strerror}); run 'hgkbp-ld build' first") from None
    manifest = json.loads(data)
    # The build writes its version (`dataset_version`); a build from before that has its hash.
    return manifest, str(manifest.get("dataset_version") or hashlib.sha256(data).hexdigest())


def graph_files(manifest: dict) -> list[tuple[str, str]]:
    """Every graph of a build with its file in dist/ (N-Triples for a plan, Turtle for the catalogue
    and the vocabulary): the plans by slug, then the catalogue, then the vocabulary."""
    found = [(plan["graph"], f"{slug}.nt") for slug, plan in sorted(manifest.get("plans", {}).items())]
    catalogue = manifest.get("catalogue")
    if catalogue:
        found.append((catalogue["graph"], catalogue["file"]))
    found.append((VOCABULARY_GRAPH, "beleidsplan.ttl"))
    return found


@lru_cache(maxsize=1 << 16)
def _iri(value: str) -> URIRef:
    """An IRI as rdflib's term, made (and checked) once: the render stage's queries name the same few
    thousand IRIs over and over."""
    return URIRef(value)


def iri_term(value: str) -> URIRef:
    """An IRI as the rdflib term `to_rdflib` gives (the same object while it is asked often): a
    dictionary keyed by the store's terms finds it by identity, without rdflib's `__eq__`."""
    return _iri(str(value))


@lru_cache(maxsize=1 << 16)
def _literal(value: str, language: str | None, datatype: str) -> Literal:
    """A literal as rdflib's term, made once while it is asked often (a title is a label on many pages):
    rdflib checks and converts every literal it makes."""
    if language:
        return Literal(value, lang=language)
    if datatype == _XSD_STRING:
        return Literal(value)
    return Literal(value, datatype=_iri(datatype))


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return _iri(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    return _literal(term.value, term.language, term.datatype.value)


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
