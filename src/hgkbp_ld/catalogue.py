"""The DCAT-AP Vlaanderen catalogue of the built plans: datasets, their distributions, the SPARQL
service and a catalogue record, written by the build next to the dumps (dist/catalogus.ttl).

Distributions carry the byte size and SHA-256 of the files actually written, so the catalogue is
made after the dumps. Every node has an IRI.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from hgkbp_ld.iris import PREFIXES

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
IANA = "https://www.iana.org/assignments/media-types/"
DUMPS = {  # extension: (media type, EU file type, name)
    "ttl": ("text/turtle", "RDF_TURTLE", "Turtle"),
    "nt": ("application/n-triples", "RDF_N_TRIPLES", "N-Triples"),
    "jsonld": ("application/ld+json", "JSON_LD", "JSON-LD"),
    "rdf": ("application/rdf+xml", "RDF_XML", "RDF/XML"),
}


@dataclass(frozen=True)
class CatalogueConfig:
    slug: str
    title: str
    description: str
    publisher: str
    contact_name: str
    contact_url: str
    access_rights: str
    themes: tuple[str, ...]
    language: str

    @classmethod
    def load(cls, path: Path) -> CatalogueConfig:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(**{**raw, "themes": tuple(raw["themes"])})


@dataclass(frozen=True)
class PlanEntry:
    slug: str
    title: str  # of the plan
    dataset_title: str
    license: str
    start_year: int | None
    end_year: int | None
    modified: dt.datetime  # the build time of the plan's data
    files: dict[str, tuple[int, str]]  # extension -> (bytes, sha256)


def catalogue_graph(config: CatalogueConfig, plans: list[PlanEntry], base: str) -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    graph.bind("dcat", DCAT)
    graph.bind("vcard", VCARD)

    def iri(path: str) -> URIRef:
        return URIRef(f"{base}/id/{path}")

    def nl(text: str) -> Literal:
        return Literal(text, lang="nl")

    add = graph.add
    catalog, contact, service = (
        iri(f"catalogus/{config.slug}"),
        iri(f"contactpunt/{config.slug}"),
        iri(f"dataservice/{config.slug}-sparql"),
    )
    add((catalog, RDF.type, DCAT.Catalog))
    add((catalog, DCTERMS.title, nl(config.title)))
    add((catalog, DCTERMS.description, nl(config.description)))
    add((catalog, DCTERMS.publisher, URIRef(config.publisher)))
    add((catalog, DCTERMS.language, URIRef(config.language)))
    add((catalog, FOAF.homepage, URIRef(f"{base}/")))
    add((catalog, DCAT.service, service))
    add((contact, RDF.type, VCARD.Organization))
    add((contact, RDF.type, VCARD.Kind))  # stated, so that a validator without the vCard ontology knows
    add((contact, VCARD.fn, nl(config.contact_name)))
    add((contact, VCARD.hasURL, URIRef(config.contact_url)))
    add((service, RDF.type, DCAT.DataService))
    add((service, DCTERMS.title, nl("SPARQL-eindpunt van de horizontale beleidsplannen")))
    add((service, DCAT.endpointURL, URIRef(f"{base}/sparql")))
    add((service, DCAT.endpointDescription, URIRef(f"{base}/sparql")))
    add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    add((service, DCTERMS.accessRights, URIRef(config.access_rights)))
    add((service, DCTERMS.publisher, URIRef(config.publisher)))
    add((service, DCAT.contactPoint, contact))
    latest = max((p.modified for p in plans), default=None)
    if latest is not None:
        add((catalog, DCTERMS.modified, Literal(latest.isoformat(), datatype=XSD.dateTime)))
    for plan in plans:
        dataset = iri(f"dataset/{plan.slug}")
        record = iri(f"catalogusrecord/{plan.slug}")
        add((catalog, DCAT.dataset, dataset))
        add((catalog, DCAT.record, record))
        add((service, DCAT.servesDataset, dataset))
        add((dataset, RDF.type, DCAT.Dataset))
        add((dataset, DCTERMS.title, nl(plan.dataset_title)))
        add(
            (
                dataset,
                DCTERMS.description,
                nl(
                    f"{plan.title} als gekoppelde open data: doelstellingen, acties, "
                    "ministers, tijdspaden en indicatoren, gevalideerd tegen het "
                    "applicatieprofiel Beleidsplan."
                ),
            )
        )
        add((dataset, DCTERMS.identifier, Literal(str(dataset))))
        add((dataset, DCTERMS.publisher, URIRef(config.publisher)))
        add((dataset, DCAT.contactPoint, contact))
        add((dataset, DCTERMS.accessRights, URIRef(config.access_rights)))
        add((dataset, DCTERMS.language, URIRef(config.language)))
        add((dataset, DCTERMS.modified, Literal(plan.modified.isoformat(), datatype=XSD.dateTime)))
        add((dataset, DCTERMS.issued, Literal(plan.modified.isoformat(), datatype=XSD.dateTime)))
        add((dataset, DCAT.landingPage, URIRef(f"{base}/doc/beleidsplan/{plan.slug}")))
        add((dataset, DCTERMS.conformsTo, URIRef(f"{base}/doc/applicatieprofiel/beleidsplan")))
        for theme in config.themes:
            add((dataset, DCAT.theme, URIRef(theme)))
        if plan.start_year is not None:
            period = iri(f"periode/{plan.slug}/plan")
            add((dataset, DCTERMS.temporal, period))
        add((record, RDF.type, DCAT.CatalogRecord))
        add((record, FOAF.primaryTopic, dataset))
        add((record, DCTERMS.modified, Literal(plan.modified.isoformat(), datatype=XSD.dateTime)))
        for extension, (size, sha256) in sorted(plan.files.items()):
            media_type, file_type, name = DUMPS[extension]
            distribution = iri(f"distributie/{plan.slug}/{extension}")
            checksum = URIRef(f"{distribution}#sha256")
            download = URIRef(f"{base}/data/{plan.slug}.{extension}")
            add((dataset, DCAT.distribution, distribution))
            add((distribution, RDF.type, DCAT.Distribution))
            add((distribution, DCTERMS.title, nl(f"{plan.dataset_title} in {name}")))
            add((distribution, DCAT.accessURL, download))
            add((distribution, DCAT.downloadURL, download))
            add((distribution, DCAT.mediaType, URIRef(IANA + media_type)))
            add((distribution, DCTERMS["format"], FILE_TYPE[file_type]))
            add((distribution, DCTERMS.license, URIRef(plan.license)))
            add((distribution, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
            add((distribution, SPDX.checksum, checksum))
            add((checksum, RDF.type, SPDX.Checksum))
            add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))
    return graph
