"""/.well-known/void describes the dataset so that a client can find the endpoint and the dumps."""

from __future__ import annotations

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef

from tests.conftest import Server

VOID = Namespace("http://rdfs.org/ns/void#")
DATASET = URIRef("https://data.vlaanderen.be/id/dataset/hgkbp-2025-2029")
BP = "https://data.vlaanderen.be/ns/beleidsplan#"


def test_void_describes_endpoint_dumps_space_and_partitions(server: Server) -> None:
    response = httpx.get(f"{server.url}/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    void = Graph().parse(data=response.text, format="turtle")
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{server.url}/sparql")
    assert str(void.value(DATASET, VOID.uriSpace)) == "https://data.vlaanderen.be/id/"
    dumps = sorted(str(d) for d in void.objects(DATASET, VOID.dataDump))
    assert len(dumps) == 4
    for dump in dumps:
        assert httpx.head(dump).status_code == 200
    triples = int(void.value(DATASET, VOID.triples))
    in_dump = len(Graph().parse(data=httpx.get(f"{server.url}/data/hgkbp-2025-2029.nt").text, format="nt"))
    assert triples == in_dump
    classes = {
        str(void.value(p, VOID["class"])): int(void.value(p, VOID.entities))
        for p in void.objects(DATASET, VOID.classPartition)
    }
    assert classes[BP + "Actie"] == 56 and classes[BP + "OperationeleDoelstelling"] == 26
    properties = {
        str(void.value(p, VOID.property)): int(void.value(p, VOID.triples))
        for p in void.objects(DATASET, VOID.propertyPartition)
    }
    assert sum(properties.values()) == triples
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s <https://data.vlaanderen.be/ns/beleidsplan#heeftActie> ?o }"
    answer = httpx.get(
        f"{server.url}/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    ).json()
    assert properties[BP + "heeftActie"] == int(answer["results"]["bindings"][0]["n"]["value"])


# The same tests on both stores (tests/conftest.py).
pytestmark = pytest.mark.both_stores
