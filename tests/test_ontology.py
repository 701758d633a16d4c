"""The vocabulary and the application profile are complete and documented the OSLO way."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, VANN

from hgkbp_ld.bundled import ONTOLOGY
from hgkbp_ld.iris import BP
from hgkbp_ld.validate import ontology_graph, shapes_graph

ONTOLOGY_IRI = URIRef("https://data.vlaanderen.be/ns/beleidsplan")


def terms(graph: Graph) -> list[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return sorted({s for k in kinds for s in graph.subjects(RDF.type, k) if isinstance(s, URIRef)})


def test_header() -> None:
    g = ontology_graph()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    for prop in (
        DCTERMS.title,
        DCTERMS.description,
        OWL.versionInfo,
        DCTERMS.issued,
        DCTERMS.modified,
        DCTERMS.license,
        VANN.preferredNamespaceUri,
        VANN.preferredNamespacePrefix,
    ):
        assert g.value(ONTOLOGY_IRI, prop) is not None, prop
    assert str(g.value(ONTOLOGY_IRI, VANN.preferredNamespaceUri)) == str(BP)


@pytest.mark.parametrize("term", terms(ontology_graph()), ids=lambda t: t.rsplit("#", 1)[-1])
def test_every_term_is_documented(term: URIRef) -> None:
    g = ontology_graph()
    assert str(term).startswith(str(BP))
    for prop in (RDFS.label, RDFS.comment):
        languages = {o.language for o in g.objects(term, prop)}
        assert languages == {"nl", "en"}, (prop, languages)
    assert g.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI
    if (term, RDF.type, OWL.Class) not in g:
        assert g.value(term, RDFS.range) is not None, "every property has a range"


def test_terms_follow_oslo_case() -> None:
    g = ontology_graph()
    for term in terms(g):
        local = term.rsplit("#", 1)[-1]
        is_class = (term, RDF.type, OWL.Class) in g
        assert local[0].isupper() == is_class, local


def test_reused_terms_are_linked() -> None:
    g = ontology_graph()
    assert (BP.Bevoegdheid, RDFS.subClassOf, URIRef("http://www.w3.org/2004/02/skos/core#Concept")) in g
    assert (BP.heeftStreefwaarde, RDFS.range, URIRef("http://schema.org/QuantitativeValue")) in g
    assert (BP.heeftBevoegdheid, RDFS.domain, URIRef("http://data.vlaanderen.be/ns/mandaat#Mandataris")) in g


def test_no_eli_terms_a_plan_is_not_legislation() -> None:
    """ELI's works are legislation (eli:passed_by has domain eli:LegalResource): not used at all."""
    eli = "http://data.europa.eu/eli/ontology#"
    assert not any(eli in str(t) for triple in ontology_graph() for t in triple)
    assert not any(eli in str(t) for triple in shapes_graph() for t in triple)


def test_every_usage_note_is_in_dutch_and_english() -> None:
    g = ontology_graph()
    noted = set(g.subjects(VANN.usageNote, None))
    assert len(noted) >= 12
    for term in noted:
        assert {o.language for o in g.objects(term, VANN.usageNote)} == {"nl", "en"}, term


def test_every_bp_term_the_data_uses_is_defined(built_graph: Graph) -> None:
    defined = set(terms(ontology_graph()))
    used = {p for p in built_graph.predicates() if str(p).startswith(str(BP))}
    used |= {o for o in built_graph.objects(None, RDF.type) if str(o).startswith(str(BP))}
    assert used <= defined, used - defined


def test_every_shape_is_named_and_described_in_dutch() -> None:
    g = shapes_graph()
    shapes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    assert len(shapes) > 80
    for shape in shapes:
        for prop in (SH.name, SH.description):
            assert {o.language for o in g.objects(shape, prop)} == {"nl"}, (shape, prop)
    for constraint in g.objects(None, SH.sparql):
        assert g.value(constraint, SH.message).language == "nl"


def test_the_context_maps_dutch_keys_to_terms_that_exist() -> None:
    context = json.loads((ONTOLOGY / "beleidsplan.context.jsonld").read_text(encoding="utf-8"))["@context"]
    defined = {t.rsplit("#", 1)[-1] for t in terms(ontology_graph())}
    for key, value in context.items():
        target = value["@id"] if isinstance(value, dict) else value
        if target.startswith("bp:"):
            assert target[3:] in defined, key
