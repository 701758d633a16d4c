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
