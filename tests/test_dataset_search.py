"""The schema.org Dataset on the plan page, for general-purpose dataset search (issue 19).

Checked against the properties Google's dataset search documents as required and recommended
(tests/fixtures/dataset-search-properties.csv, each row with its source: "Dataset (Dataset,
DataCatalog, DataDownload) structured data", https://developers.google.com/search/docs/appearance/structured-data/dataset).
A recommended property we do not give is listed there with the reason; every other one must be
present. And against the DCAT catalogue it is made from: the same names, files and licence.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS

from tests.conftest import ROOT, Server

pytestmark = pytest.mark.both_stores
BASE = "https://data.vlaanderen.be"
DATASET = f"{BASE}/id/dataset/hgkbp-2025-2029"
PROPERTIES = list(csv.DictReader((ROOT / "tests" / "fixtures" / "dataset-search-properties.csv").open()))


def schema_objects(html: str) -> list[dict]:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    found = [json.loads(s) for s in scripts]
    return [o for o in found if isinstance(o, dict) and str(o.get("@context", "")).startswith("https://schema.org")]


@pytest.fixture(scope="module")
def dataset(server: Server) -> dict:
    html = httpx.get(f"{server.url}/doc/beleidsplan/hgkbp-2025-2029", headers={"Accept": "text/html"}).text
    (found,) = schema_objects(html)
    return found


def _objects(dataset: dict, kind: str) -> list[dict]:
    if kind == "Dataset":
        return [dataset]
    nested = [v for value in dataset.values() for v in (value if isinstance(value, list) else [value])]
    return [v for v in nested if isinstance(v, dict) and v.get("@type") == kind]


@pytest.mark.parametrize("row", PROPERTIES, ids=[f"{r['type']}.{r['property']}" for r in PROPERTIES])
def test_the_properties_dataset_search_requires_and_recommends(dataset: dict, row: dict[str, str]) -> None:
    objects = _objects(dataset, row["type"])
    assert objects, f"no {row['type']} in the description"
    for found in objects:
        if row["level"] == "required" or not row["when_absent"]:
            assert found.get(row["property"]) not in (None, "", []), (
                f"{row['type']}.{row['property']} ({row['source']})"
            )


def test_the_description_is_of_the_length_dataset_search_asks(dataset: dict) -> None:
    assert 50 <= len(dataset["description"]) <= 5000  # "between 50 and 5000 characters"
    assert dataset["@type"] == "Dataset" and dataset["@id"] == DATASET


def test_it_says_what_the_dcat_catalogue_says(server: Server, dataset: dict, dist: Path) -> None:
    catalogue = Graph().parse(dist / "catalogus.ttl")
    node = URIRef(DATASET)
    assert dataset["name"] == str(catalogue.value(node, DCTERMS.title))
    assert dataset["description"] == str(catalogue.value(node, DCTERMS.description))
    assert dataset["url"] == str(catalogue.value(node, DCAT.landingPage))
    downloads = {
        str(catalogue.value(d, DCAT.downloadURL)): str(catalogue.value(d, DCAT.mediaType)).rsplit("media-types/", 1)[1]
        for d in catalogue.objects(node, DCAT.distribution)
    }
    assert {d["contentUrl"]: d["encodingFormat"] for d in dataset["distribution"]} == downloads
    licences = {
        str(o) for d in catalogue.objects(node, DCAT.distribution) for o in catalogue.objects(d, DCTERMS.license)
    }
    licences |= {str(o) for o in catalogue.objects(node, DCTERMS.license)}
    assert dataset["license"] in licences
    assert dataset["includedInDataCatalog"]["@id"] == str(next(catalogue.subjects(DCAT.dataset, node)))
    assert dataset["temporalCoverage"] == "2025/2029"
    assert dataset["creator"]["name"] == "Vlaamse Regering" and dataset["isAccessibleForFree"] is True
    assert {"Gelijke Kansen", "Onderwijs", "HGKBP"} <= set(dataset["keywords"])


def test_every_download_it_names_answers(server: Server, dataset: dict) -> None:
    for download in dataset["distribution"]:
        response = httpx.get(server.url + download["contentUrl"].removeprefix(BASE))
        assert response.status_code == 200, download["contentUrl"]
        assert response.headers["content-type"].split(";")[0] == download["encodingFormat"]


def test_the_dataset_page_carries_it_too_and_other_pages_do_not(server: Server, dataset: dict) -> None:
    html = httpx.get(f"{server.url}/doc/dataset/hgkbp-2025-2029", headers={"Accept": "text/html"}).text
    assert schema_objects(html) == [dataset]
    html = httpx.get(f"{server.url}/doc/actie/hgkbp-2025-2029/12", headers={"Accept": "text/html"}).text
    assert schema_objects(html) == []


_OLD_CREATOR = """    OPTIONAL { ?dataset dct:publisher ?publisher
      OPTIONAL { ?publisher skos:prefLabel|foaf:name|rdfs:label ?publisherName } }
    OPTIONAL { ?dataset dct:creator ?datasetCreator }
    BIND (COALESCE(?datasetCreator, ?publisher) AS ?creator)
    OPTIONAL { ?creator skos:prefLabel|foaf:name|rdfs:label ?creatorName }
"""
_OLD_KEYWORDS = """      UNION { ?dataset dct:subject/bp:heeftDoelstelling/bp:heeftOperationeleDoelstelling/bp:heeftActie
                /(bp:verantwoordelijke|bp:samenwerkingMet)/skos:prefLabel ?keyword }
"""
_ODD_CATALOGUE = """
@prefix bp: <https://data.vlaanderen.be/ns/beleidsplan#> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix : <https://example.org/> .
:c dcat:dataset :d1, :d2, :d3 ; dct:title "C"@nl .
:d1 a dcat:Dataset ; dct:title "D1"@nl ; dct:description "d1"@nl ; dct:publisher :p ; dct:creator :k1, :k2 ;
  dct:subject :plan1 .
:d2 a dcat:Dataset ; dct:title "D2"@nl ; dct:description "d2"@nl ; dct:publisher :p ; dct:subject :plan1, :plan2 .
:d3 a dcat:Dataset ; dct:title "D3"@nl ; dct:description "d3"@nl ; dct:publisher :q ; dct:creator :k3 .
:p skos:prefLabel "P"@nl ; foaf:name "P name" . :q rdfs:label "Q" . :k1 foaf:name "K1" , "K one" .
:k3 rdfs:label "K3"@en .
:plan1 bp:heeftDoelstelling :g1 . :g1 bp:heeftOperationeleDoelstelling :o1 .
:o1 bp:heeftActie :a1, :a2 . :a1 bp:verantwoordelijke :w1 ; bp:samenwerkingMet :w2 . :a2 bp:verantwoordelijke :w1 .
:plan2 bp:heeftDoelstelling :g2 . :g2 bp:heeftOperationeleDoelstelling :o2 . :o2 bp:heeftActie :a3 .
:a3 bp:samenwerkingMet :w1, :w3 . :w1 skos:prefLabel "W1"@nl, "W one"@en . :w2 skos:prefLabel "W2"@nl .
"""


def test_the_schema_org_query_gives_the_triples_of_its_first_writing() -> None:
    """The creator's name looked up where the creator is found and each portfolio once before its label (the
    query's cost at 1000 plans): the triples of the query as first written, on both engines, on data with a
    creator of two names, one without a name, a publisher of several, a portfolio named by several actions."""
    import pyoxigraph as ox

    from hgkbp_ld.bundled import QUERIES

    text = (QUERIES / "datasets-als-schema-org.rq").read_text(encoding="utf-8")
    start, end = text.index("    # Who made it"), text.index("    # ISO 8601")
    old = text[:start] + _OLD_CREATOR + text[end:]
    start = old.index("      UNION {\n        # each portfolio")
    end = old.index("    }\n  }\n  UNION", start)
    old = old[:start] + _OLD_KEYWORDS + old[end:]
    assert old != text and "?datasetCreatorName" not in old and "?portfolio" not in old
    data = Graph().parse(data=_ODD_CATALOGUE, format="turtle")
    first = data.query(old).graph
    assert first is not None and len(first) > 30
    assert set(data.query(text).graph) == set(first)  # type: ignore[arg-type]
    store = ox.Store()
    store.load(_ODD_CATALOGUE.encode(), ox.RdfFormat.TURTLE)
    assert {str(t) for t in store.query(text)} == {str(t) for t in store.query(old)}
    assert len({str(t) for t in store.query(old)}) == len(first)
