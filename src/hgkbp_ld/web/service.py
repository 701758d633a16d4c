"""The SPARQL Service Description (on GET /sparql) and the VoID description (/.well-known/void).

Both name the endpoint and the dumps on the host that was asked, so that following them works
wherever the server runs; the dataset and graphs keep their canonical IRIs.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from hgkbp_ld.iris import thing
from hgkbp_ld.published import Site
from hgkbp_ld.rdfio import serialise
from hgkbp_ld.web.conneg import HTML, RESOURCE_FORMATS, negotiate

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
router = APIRouter()


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def service_description(request: Request, extension: str) -> bytes:
    current = request.app.state.publication.current
    served = current.store.dataset or current.site.dataset  # what the queries see: the loaded store's graphs
    endpoint = URIRef(str(request.url.replace(query="", fragment="")))
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.add((endpoint, RDF.type, SD.Service))
    graph.add((endpoint, SD.endpoint, endpoint))
    graph.add((endpoint, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((endpoint, SD.feature, SD.UnionDefaultGraph))
    for fmt in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ):
        graph.add((endpoint, SD.resultFormat, FORMATS[fmt]))
    dataset, default = URIRef(f"{endpoint}#dataset"), URIRef(f"{endpoint}#default-graph")
    graph.add((endpoint, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, RDF.type, VOID.Dataset))
    graph.add((default, VOID.triples, Literal(served.merged, datatype=XSD.integer)))
    graph.add(
        (default, DCTERMS.description, Literal("De samenvoeging van alle grafen (elk tripel één keer).", lang="nl"))
    )
    for number, (name, triples) in enumerate(sorted(served.graphs.items()), start=1):
        named, inner = URIRef(f"{endpoint}#graph-{number}"), URIRef(f"{endpoint}#graph-{number}-content")
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, inner))
        graph.add((inner, RDF.type, SD.Graph))
        graph.add((inner, VOID.triples, Literal(triples, datatype=XSD.integer)))
    graph.add(
        (endpoint, URIRef("http://rdfs.org/ns/void#rootResource"), URIRef(f"{_origin(request)}/.well-known/void"))
    )
    return serialise(graph, extension)


@router.api_route("/.well-known/void", methods=["GET", "HEAD"], include_in_schema=False)
def void(request: Request) -> Response:
    site = request.app.state.publication.current.site
    fmt = negotiate(request.headers.get("accept"), (*RESOURCE_FORMATS[1:], HTML))
    if fmt is None:
        return Response(b"", 406)
    fmt = RESOURCE_FORMATS[1] if fmt is HTML else fmt  # no page of its own: Turtle reads well
    body = serialise(void_graph(site, _origin(request)), fmt.extension)
    return Response(
        b"" if request.method == "HEAD" else body,
        200,
        media_type=f"{fmt.media_type}; charset=utf-8",
        headers={"Vary": "Accept"},
    )


def void_graph(site: Site, origin: str) -> Graph:
    """VoID of each plan's dataset, with the endpoint and dumps on the host that asked."""
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    plans = site.dataset.manifest.get("plans", {})
    for slug, plan in sorted(plans.items()):
        dataset = URIRef(plan["graph"])
        stats = site.statistics.get(plan["graph"], {"classes": {}, "properties": {}})
        graph.add((dataset, RDF.type, VOID.Dataset))
        graph.add((dataset, VOID.sparqlEndpoint, URIRef(f"{origin}/sparql")))
        graph.add((dataset, VOID.uriSpace, Literal(thing(site.base, ""))))
        graph.add((dataset, VOID.triples, Literal(plan["triples"], datatype=XSD.integer)))
        graph.add((dataset, VOID.vocabulary, URIRef("https://data.vlaanderen.be/ns/beleidsplan#")))
        for extension in ("ttl", "nt", "jsonld", "rdf"):
            graph.add((dataset, VOID.dataDump, URIRef(f"{origin}/data/{slug}.{extension}")))
        for kind, counts in (("class", stats["classes"]), ("property", stats["properties"])):
            for number, (term, count) in enumerate(sorted(counts.items()), start=1):
                partition = URIRef(f"{dataset}#{kind}-{number}")
                graph.add((dataset, VOID.classPartition if kind == "class" else VOID.propertyPartition, partition))
                graph.add((partition, VOID["class" if kind == "class" else "property"], URIRef(term)))
                graph.add(
                    (
                        partition,
                        VOID.entities if kind == "class" else VOID.triples,
                        Literal(count, datatype=XSD.integer),
                    )
                )
    return graph
