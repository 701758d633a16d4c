"""The catalogue of the built plans (DCAT-AP Vlaanderen 3 and EU DCAT-AP 3.0.1): datasets, their
distributions, the SPARQL service and a catalogue record per dataset, written by the build next to
the dumps (dist/catalogus.ttl) and validated against the official shapes.

A harvested catalogue must stand alone: what it points to is typed here (the publisher as an agent
with its name, licences, standards, pages, the period, the codes' classes and schemes), as the
vocabularies and code lists it uses say them; no label of ours goes on another's IRI. Distributions
carry the byte size and SHA-256 of the files actually written, so the catalogue is made after the
dumps. Every node has an IRI.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from hgkbp_ld import iris
from hgkbp_ld.iris import PREFIXES

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
MDCAT = Namespace("https://data.vlaanderen.be/ns/metadata-dcat#")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
IANA = "https://www.iana.org/assignments/media-types/"
CATALOGUE_FILE = "catalogus.ttl"  # in dist/ and under /data/
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3 (rdflib's DCAT namespace lacks it)
DCAT_AP_VL = URIRef("https://data.vlaanderen.be/doc/applicatieprofiel/DCAT-AP-VL/erkendestandaard/2026-02-12")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
DUMPS = {  # extension: (media type, EU file type, name)
    "ttl": ("text/turtle", "RDF_TURTLE", "Turtle"),
    "nt": ("application/n-triples", "RDF_N_TRIPLES", "N-Triples"),
    "jsonld": ("application/ld+json", "JSON_LD", "JSON-LD"),
    "rdf": ("application/rdf+xml", "RDF_XML", "RDF/XML"),
}
SCHEMES = {  # code list namespace -> its concept scheme (as the code lists in shapes/official/ say)
    "http://publications.europa.eu/resource/authority/file-type/": "http://publications.europa.eu/resource/authority/file-type",
    "http://publications.europa.eu/resource/authority/access-right/": "http://publications.europa.eu/resource/authority/access-right",
    "http://publications.europa.eu/resource/authority/language/": "http://publications.europa.eu/resource/authority/language",
    "http://publications.europa.eu/resource/authority/data-theme/": "http://publications.europa.eu/resource/authority/data-theme",
    "http://vocab.belgif.be/auth/datatheme/": "http://vocab.belgif.be/auth/datatheme",
    "https://metadata.vlaanderen.be/id/GDI-Vlaanderen-Trefwoorden/": "https://metadata.vlaanderen.be/id/GDI-Vlaanderen-Trefwoorden",
    "http://purl.org/adms/licencetype/": "http://purl.org/adms/licencetype/1.0",
}


@dataclass(frozen=True)
class CatalogueConfig:
    slug: str
    title: str
    description: str
    publisher: str
    publisher_name: str
    contact_name: str
    contact_url: str
    catalogue_license: str
    access_rights: str
    themes: tuple[str, ...]
    theme_taxonomy: str
    theme_taxonomy_title: str
    dataset_statuut: str
    service_statuut: str
    language: str
    keywords: tuple[str, ...]
    licence_types: tuple[tuple[str, str], ...] = ()  # licence IRI -> ADMS licence type

    @classmethod
    def load(cls, path: Path) -> CatalogueConfig:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        lists = ("themes", "keywords")
        types = tuple(sorted(raw.pop("licence_types", {}).items()))
        return cls(**{**raw, **{key: tuple(raw[key]) for key in lists}, "licence_types": types})


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
    version: str | None = None  # the number of the dataset's latest version


class _Catalogue:
    def __init__(self, config: CatalogueConfig, base: str) -> None:
        self.config, self.base = config, base
        self.graph = Graph()
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace)
        for prefix, namespace in (("dcat", DCAT), ("vcard", VCARD), ("mdcat", MDCAT)):
            self.graph.bind(prefix, namespace)

    def iri(self, path: str) -> URIRef:
        return URIRef(iris.thing(self.base, path))

    def add(self, subject: URIRef, predicate: URIRef, obj: URIRef | Literal) -> None:
        self.graph.add((subject, predicate, obj))

    def typed(self, node: str | URIRef, *classes: URIRef) -> URIRef:
        node = URIRef(node)
        for cls in classes:
            self.add(node, RDF.type, cls)
        return node

    def code(self, subject: URIRef, predicate: URIRef, value: str, *classes: URIRef) -> None:
        """A value from a code list: its class and scheme, as the code list itself states them."""
        concept = self.typed(value, SKOS.Concept, *classes)
        self.add(subject, predicate, concept)
        scheme = next((s for ns, s in SCHEMES.items() if value.startswith(ns)), None)
        if scheme is not None:
            self.add(concept, SKOS.inScheme, URIRef(scheme))

    def page(self, subject: URIRef, predicate: URIRef, url: str) -> None:
        self.add(subject, predicate, self.typed(url, FOAF.Document, RDFS.Resource))

    def licence(self, url: str) -> URIRef:
        licence = self.typed(url, DCTERMS.LicenseDocument)
        kind = dict(self.config.licence_types).get(url)
        if kind is not None:
            self.code(licence, DCTERMS.type, kind)
        return licence

    def resource(self, subject: URIRef, predicate: URIRef, url: str) -> None:
        self.add(subject, predicate, self.typed(url, RDFS.Resource))

    def common(self, subject: URIRef, title: str, description: str, identifier: str) -> None:
        """What the catalogue, its datasets and its service all state."""
        nl = lambda text: Literal(text, lang="nl")  # noqa: E731
        self.add(subject, DCTERMS.title, nl(title))
        self.add(subject, DCTERMS.description, nl(description))
        self.add(subject, DCTERMS.identifier, Literal(identifier))
        self.add(subject, DCTERMS.publisher, URIRef(self.config.publisher))
        self.add(subject, DCAT.contactPoint, self.contact)
        self.code(subject, DCTERMS.accessRights, self.config.access_rights, DCTERMS.RightsStatement)
        for keyword in self.config.keywords:
            self.add(subject, DCAT.keyword, nl(keyword))

    def agents(self) -> None:
        config = self.config
        publisher = self.typed(config.publisher, DCTERMS.Agent, FOAF.Agent, FOAF.Organization)
        self.add(publisher, FOAF.name, Literal(config.publisher_name, lang="nl"))
        self.contact = self.typed(self.iri(f"contactpunt/{config.slug}"), VCARD.Organization, VCARD.Kind)
        self.add(self.contact, VCARD.fn, Literal(config.contact_name, lang="nl"))
        self.page(self.contact, FOAF.page, config.contact_url)
        self.typed(DCAT_AP_VL, DCTERMS.Standard)
        self.add(DCAT_AP_VL, DCTERMS.title, Literal("DCAT-AP Vlaanderen 3", lang="nl"))
        profile = self.typed(iris.document(self.base, iris.PROFILE), DCTERMS.Standard)
        self.add(profile, DCTERMS.title, Literal("Applicatieprofiel Beleidsplan", lang="nl"))
        self.typed(SPARQL_PROTOCOL, DCTERMS.Standard)
        self.add(SPARQL_PROTOCOL, DCTERMS.title, Literal("SPARQL 1.1 Protocol", lang="en"))


def catalogue_graph(config: CatalogueConfig, plans: list[PlanEntry], base: str) -> Graph:
    cat = _Catalogue(config, base)
    cat.agents()
    catalog = cat.typed(cat.iri(f"catalogus/{config.slug}"), DCAT.Catalog)
    service = cat.typed(cat.iri(f"dataservice/{config.slug}-sparql"), DCAT.DataService)
    cat.common(catalog, config.title, config.description, str(catalog))
    cat.add(catalog, DCTERMS.license, cat.licence(config.catalogue_license))
    for theme in config.themes:
        cat.code(catalog, DCAT.theme, theme)
    cat.code(catalog, DCTERMS.language, config.language, DCTERMS.LinguisticSystem)
    cat.page(catalog, FOAF.homepage, f"{base}/")
    taxonomy = cat.typed(config.theme_taxonomy, SKOS.ConceptScheme)
    cat.add(catalog, DCAT.themeTaxonomy, taxonomy)
    cat.add(taxonomy, DCTERMS.title, Literal(config.theme_taxonomy_title, lang="nl"))
    cat.add(catalog, DCAT.service, service)
    latest = max((p.modified for p in plans), default=None)
    if latest is not None:
        for prop in (DCTERMS.modified, DCTERMS.issued):
            cat.add(catalog, prop, Literal(latest.isoformat(), datatype=XSD.dateTime))
    _service(cat, service, base)
    for plan in plans:
        dataset = _dataset(cat, plan, base)
        cat.add(catalog, DCAT.dataset, dataset)
        cat.add(service, DCAT.servesDataset, dataset)
        record = cat.typed(cat.iri(f"catalogusrecord/{plan.slug}"), DCAT.CatalogRecord)
        cat.add(catalog, DCAT.record, record)
        cat.add(record, FOAF.primaryTopic, dataset)
        cat.add(record, DCTERMS.identifier, Literal(str(record)))
        cat.add(record, DCTERMS.conformsTo, DCAT_AP_VL)
        for prop in (DCTERMS.modified, DCTERMS.issued):
            cat.add(record, prop, Literal(plan.modified.isoformat(), datatype=XSD.dateTime))
    return cat.graph


def _service(cat: _Catalogue, service: URIRef, base: str) -> None:
    config = cat.config
    cat.common(
        service,
        "SPARQL-eindpunt van de horizontale beleidsplannen",
        "SPARQL 1.1-eindpunt over alle gepubliceerde beleidsplannen.",
        str(service),
    )
    cat.resource(service, DCAT.endpointURL, f"{base}/sparql")
    # The SPARQL 1.1 service description, in Turtle: what the endpoint answers to a GET without a query.
    cat.resource(service, DCAT.endpointDescription, f"{base}/sparql?format=ttl")
    cat.add(service, DCTERMS.conformsTo, SPARQL_PROTOCOL)
    cat.code(service, MDCAT.statuut, config.service_statuut)
    for theme in config.themes:
        cat.code(service, DCAT.theme, theme)
    cat.page(service, DCAT.landingPage, f"{base}/sparql")


def _dataset(cat: _Catalogue, plan: PlanEntry, base: str) -> URIRef:
    config = cat.config
    dataset = cat.typed(cat.iri(f"dataset/{plan.slug}"), DCAT.Dataset)
    cat.common(
        dataset,
        plan.dataset_title,
        f"{plan.title} als gekoppelde open data: doelstellingen, acties, ministers, tijdspaden en "
        "indicatoren, gevalideerd tegen het applicatieprofiel Beleidsplan.",
        str(dataset),
    )
    cat.code(dataset, DCTERMS.language, config.language, DCTERMS.LinguisticSystem)
    cat.code(dataset, MDCAT.statuut, config.dataset_statuut)
    for theme in config.themes:
        cat.code(dataset, DCAT.theme, theme)
    when = Literal(plan.modified.isoformat(), datatype=XSD.dateTime)
    cat.add(dataset, DCTERMS.modified, when)
    cat.add(dataset, DCTERMS.issued, when)
    if plan.version is not None:
        cat.add(dataset, DCAT_VERSION, Literal(plan.version))
    cat.page(dataset, DCAT.landingPage, iris.document(base, f"beleidsplan/{plan.slug}"))
    cat.add(dataset, DCTERMS.conformsTo, URIRef(iris.document(base, iris.PROFILE)))
    if plan.start_year is not None:
        period = cat.typed(cat.iri(f"periode/{plan.slug}/plan"), DCTERMS.PeriodOfTime)
        cat.add(dataset, DCTERMS.temporal, period)
        cat.add(period, DCAT.startDate, Literal(f"{plan.start_year:04d}", datatype=XSD.gYear))
        if plan.end_year is not None:
            cat.add(period, DCAT.endDate, Literal(f"{plan.end_year:04d}", datatype=XSD.gYear))
    license_ = cat.licence(plan.license)
    for extension, (size, sha256) in sorted(plan.files.items()):
        cat.add(dataset, DCAT.distribution, _distribution(cat, plan, extension, size, sha256, license_))
    return dataset


def _distribution(cat: _Catalogue, plan: PlanEntry, extension: str, size: int, sha256: str, license_: URIRef) -> URIRef:
    media_type, file_type, name = DUMPS[extension]
    distribution = cat.typed(cat.iri(f"distributie/{plan.slug}/{extension}"), DCAT.Distribution)
    download = f"{cat.base}/data/{plan.slug}.{extension}"
    cat.add(distribution, DCTERMS.identifier, Literal(str(distribution)))
    cat.add(distribution, DCTERMS.title, Literal(f"{plan.dataset_title} in {name}", lang="nl"))
    cat.add(distribution, DCTERMS.description, Literal(f"De volledige dataset als {name}-bestand.", lang="nl"))
    cat.resource(distribution, DCAT.accessURL, download)
    cat.resource(distribution, DCAT.downloadURL, download)
    cat.add(distribution, DCAT.mediaType, cat.typed(IANA + media_type, DCTERMS.MediaType))
    cat.code(distribution, DCTERMS["format"], str(FILE_TYPE[file_type]), DCTERMS.MediaTypeOrExtent)
    cat.add(distribution, DCTERMS.license, license_)
    cat.add(distribution, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger))
    checksum = cat.typed(f"{distribution}#sha256", SPDX.Checksum)
    cat.add(distribution, SPDX.checksum, checksum)
    # spdx:checksumAlgorithm_sha256 is an individual of spdx:ChecksumAlgorithm (SPDX 2.3 ontology).
    cat.add(checksum, SPDX.algorithm, cat.typed(SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm))
    cat.add(checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary))
    return distribution
