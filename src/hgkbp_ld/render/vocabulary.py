"""View models of the vocabulary page (/ns/beleidsplan) and the application profile page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, VANN
from rdflib.term import Node

BP = "https://data.vlaanderen.be/ns/beleidsplan#"
KNOWN_PREFIXES = {
    BP: "bp:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://data.europa.eu/eli/ontology#": "eli:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://www.w3.org/ns/dcat#": "dcat:",
    "http://data.vlaanderen.be/ns/mandaat#": "mandaat:",
    "http://www.w3.org/ns/person#": "person:",
    "https://data.vlaanderen.be/ns/persoon#": "persoon:",
    "http://xmlns.com/foaf/0.1/": "foaf:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://data.vlaanderen.be/ns/besluit#": "besluit:",
    "http://spdx.org/rdf/terms#": "spdx:",
    "http://www.w3.org/2002/07/owl#": "owl:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
}


@dataclass(frozen=True)
class TermRef:
    curie: str
    href: str


@dataclass(frozen=True)
class Term:
    anchor: str
    iri: str
    label: str
    label_en: str
    comment: str
    comment_en: str
    usage: str
    parents: tuple[TermRef, ...]
    domain: tuple[TermRef, ...]
    range: tuple[TermRef, ...]


def ref(node: Node) -> TermRef:
    iri = str(node)
    for namespace, prefix in KNOWN_PREFIXES.items():
        if iri.startswith(namespace):
            href = f"/ns/beleidsplan#{iri[len(namespace) :]}" if namespace == BP else iri
            return TermRef(prefix + iri[len(namespace) :], href)
    return TermRef(iri, iri)


def _text(graph: Graph, node: Node, prop: URIRef, language: str) -> str:
    for value in graph.objects(node, prop):
        if isinstance(value, Literal) and value.language == language:
            return str(value)
    return ""


def vocabulary_terms(graph: Graph) -> tuple[dict[str, str], list[Term], list[Term]]:
    ontology = next(graph.subjects(RDF.type, OWL.Ontology))
    header = {
        "title": _text(graph, ontology, URIRef("http://purl.org/dc/terms/title"), "nl"),
        "description": _text(graph, ontology, URIRef("http://purl.org/dc/terms/description"), "nl"),
        "version": str(graph.value(ontology, OWL.versionInfo) or ""),
        "namespace": str(graph.value(ontology, VANN.preferredNamespaceUri) or ""),
        "prefix": str(graph.value(ontology, VANN.preferredNamespacePrefix) or ""),
        "license": str(graph.value(ontology, URIRef("http://purl.org/dc/terms/license")) or ""),
    }
    classes, properties = [], []
    for node in sorted({s for s in graph.subjects(RDFS.isDefinedBy, ontology)}, key=str):
        term = Term(
            anchor=str(node).removeprefix(BP),
            iri=str(node),
            label=_text(graph, node, RDFS.label, "nl"),
            label_en=_text(graph, node, RDFS.label, "en"),
            comment=_text(graph, node, RDFS.comment, "nl"),
            comment_en=_text(graph, node, RDFS.comment, "en"),
            usage=_text(graph, node, VANN.usageNote, "nl"),
            parents=tuple(
                ref(p)
                for p in sorted(
                    set(graph.objects(node, RDFS.subClassOf)) | set(graph.objects(node, RDFS.subPropertyOf)), key=str
                )
            ),
            domain=tuple(ref(d) for d in sorted(graph.objects(node, RDFS.domain), key=str)),
            range=tuple(ref(r) for r in sorted(graph.objects(node, RDFS.range), key=str)),
        )
        (classes if (node, RDF.type, OWL.Class) in graph else properties).append(term)
    return header, classes, properties


@dataclass(frozen=True)
class Constraint:
    name: str
    path: TermRef
    description: str
    cardinality: str
    expects: str


@dataclass(frozen=True)
class ShapeView:
    anchor: str
    name: str
    description: str
    target: TermRef
    pattern: str
    rules: tuple[str, ...]  # SPARQL constraints, by their messages
    constraints: tuple[Constraint, ...]


def _expects(shapes: Graph, shape: Node) -> str:
    parts = []
    if (kind := shapes.value(shape, SH.datatype)) is not None:
        parts.append(ref(kind).curie)
    if (cls := shapes.value(shape, SH["class"])) is not None:
        parts.append(f"een {ref(cls).curie}")
    if (languages := shapes.value(shape, SH.languageIn)) is not None:
        codes = [str(x) for x in shapes.items(languages)]
        parts.append("taal " + ", ".join(codes))
    if (pattern := shapes.value(shape, SH.pattern)) is not None:
        parts.append(f"patroon {pattern}")
    if (value := shapes.value(shape, SH.hasValue)) is not None:
        parts.append(f"precies {ref(value).curie}")
    if (minimum := shapes.value(shape, SH.minInclusive)) is not None:
        parts.append(f"≥ {minimum}")
    if (other := shapes.value(shape, SH.disjoint)) is not None:
        parts.append(f"nooit ook {ref(other).curie}")
    return "; ".join(parts)


def profile_shapes(shapes: Graph) -> list[ShapeView]:
    views = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        constraints = []
        for prop in shapes.objects(shape, SH.property):
            low, high = shapes.value(prop, SH.minCount), shapes.value(prop, SH.maxCount)
            constraints.append(
                Constraint(
                    name=str(shapes.value(prop, SH.name) or ""),
                    path=ref(shapes.value(prop, SH.path)),
                    description=str(shapes.value(prop, SH.description) or ""),
                    cardinality=f"{low or 0}..{high or 'n'}",
                    expects=_expects(shapes, prop),
                )
            )
        rules = tuple(sorted(str(shapes.value(c, SH.message) or "") for c in shapes.objects(shape, SH.sparql)))
        views.append(
            ShapeView(
                anchor=re.split(r"[#/]", str(shape))[-1],
                name=str(shapes.value(shape, SH.name) or ""),
                description=str(shapes.value(shape, SH.description) or ""),
                target=ref(shapes.value(shape, SH.targetClass)),
                pattern=str(shapes.value(shape, SH.pattern) or ""),
                rules=rules,
                constraints=tuple(sorted(constraints, key=lambda c: c.name)),
            )
        )
    return views
