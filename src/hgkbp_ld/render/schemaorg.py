"""The catalogue's datasets in schema.org, for general-purpose dataset search.

One source, two vocabularies: the DCAT-AP Vlaanderen catalogue stays the only description of a
dataset; `queries/datasets-als-schema-org.rq` maps it to schema.org (`Dataset`, `DataDownload`,
`DataCatalog`) with a CONSTRUCT, and this module nests the result into the JSON-LD object that a
dataset's landing page embeds. The query is also one of the examples on /sparql.
"""

from __future__ import annotations

import json

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from hgkbp_ld.bundled import QUERIES
from hgkbp_ld.store import Store

SCHEMA = Namespace("https://schema.org/")
QUERY = QUERIES / "datasets-als-schema-org.rq"
_PLAIN = {XSD.boolean, XSD.integer, XSD.nonNegativeInteger, XSD.decimal}


def _value(graph: Graph, node: Node, trail: frozenset[Node]) -> object:
    if isinstance(node, Literal):
        return node.toPython() if node.datatype in _PLAIN else str(node)
    if (node, None, None) in graph and node not in trail:
        return _object(graph, node, trail | {node})
    return str(node)


def _object(graph: Graph, node: Node, trail: frozenset[Node]) -> dict[str, object]:
    """A node of the CONSTRUCT result with the nodes it points to nested inside (the result is a tree)."""
    found: dict[str, object] = {}
    if isinstance(node, URIRef):
        found["@id"] = str(node)
    types = sorted(str(t).removeprefix(str(SCHEMA)) for t in graph.objects(node, RDF.type))
    if types:
        found["@type"] = types[0] if len(types) == 1 else types
    for prop in sorted({p for p in graph.predicates(node, None) if p != RDF.type}):
        values = [_value(graph, o, trail) for o in graph.objects(node, prop)]
        values.sort(key=lambda v: json.dumps(v, sort_keys=True, default=str))  # the same bytes on any store
        found[str(prop).removeprefix(str(SCHEMA))] = values[0] if len(values) == 1 else values
    return found


def dataset_descriptions(store: Store) -> dict[str, dict[str, object]]:
    """Every dcat:Dataset of the catalogue as a schema.org Dataset (JSON-LD), by dataset IRI."""
    graph = store.construct(QUERY.read_text(encoding="utf-8"))
    return {
        str(dataset): {"@context": "https://schema.org/", **_object(graph, dataset, frozenset({dataset}))}
        for dataset in sorted(graph.subjects(RDF.type, SCHEMA.Dataset))
        if isinstance(dataset, URIRef)
    }


def landing_pages(descriptions: dict[str, dict[str, object]]) -> dict[str, str]:
    """The page (absolute URL) on which each dataset is described for people: its dcat:landingPage."""
    return {str(d["url"]): iri for iri, d in descriptions.items() if isinstance(d.get("url"), str)}
