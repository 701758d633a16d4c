"""The DCAT-AP Vlaanderen catalogue: valid against its shapes, true to the files, served."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from hgkbp_ld.validate import CATALOGUE_SHAPES, validate
from tests.conftest import Server

SPDX = Namespace("http://spdx.org/rdf/terms#")
CATALOG = URIRef("https://data.vlaanderen.be/id/catalogus/hgkbp-ld")
DATASET = URIRef("https://data.vlaanderen.be/id/dataset/hgkbp-2025-2029")


@pytest.fixture(scope="module")
def catalogue(dist: Path) -> Graph:
    return Graph().parse(dist / "catalogus.ttl", format="turtle")


def test_the_catalogue_passes_the_dcat_ap_vl_shapes(catalogue: Graph) -> None:
    report = validate(catalogue, shapes=CATALOGUE_SHAPES)
    assert report.conforms, report.text()


@pytest.mark.parametrize(
    ("triple", "shape_path"),
    [
        ((DATASET, DCAT.contactPoint, None), str(DCAT.contactPoint)),
        ((DATASET, DCTERMS.accessRights, None), str(DCTERMS.accessRights)),
        ((CATALOG, DCTERMS.publisher, None), str(DCTERMS.publisher)),
        ((None, DCAT.byteSize, None), str(DCAT.byteSize)),
    ],
)
def test_a_missing_mandatory_property_fails(catalogue: Graph, triple: tuple, shape_path: str) -> None:
    broken = Graph()
    broken += catalogue
    broken.remove(triple)
    report = validate(broken, shapes=CATALOGUE_SHAPES)
    assert not report.conforms and any(
        v.path == shape_path and v.component == "MinCountConstraintComponent" for v in report.violations
    )


def test_every_dump_is_a_distribution_with_its_true_size_and_checksum(catalogue: Graph, dist: Path) -> None:
    distributions = list(catalogue.objects(DATASET, DCAT.distribution))
    assert len(distributions) == 4
    for distribution in distributions:
        url = str(catalogue.value(distribution, DCAT.downloadURL))
        name = url.rsplit("/", 1)[1]
        body = (dist / name).read_bytes()
        assert int(catalogue.value(distribution, DCAT.byteSize)) == len(body)
        checksum = catalogue.value(distribution, SPDX.checksum)
        assert str(catalogue.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()
        assert str(catalogue.value(distribution, DCTERMS["format"])).startswith(
            "http://publications.europa.eu/resource/authority/file-type/"
        )
    assert (None, RDF.type, DCAT.DataService) in catalogue
    assert catalogue.value(CATALOG, DCTERMS.title).language == "nl"
    assert isinstance(catalogue.value(DATASET, DCTERMS.modified), Literal)


def test_the_catalogue_is_served(server: Server) -> None:
    harvested = httpx.get(f"{server.url}/catalog.ttl")
    assert harvested.status_code == 200 and harvested.headers["content-type"].startswith("text/turtle")
    assert (CATALOG, RDF.type, DCAT.Catalog) in Graph().parse(data=harvested.text, format="turtle")
    redirect = httpx.get(f"{server.url}/id/catalogus/hgkbp-ld")
    assert redirect.status_code == 303 and redirect.headers["location"] == "/doc/catalogus/hgkbp-ld"
    page = httpx.get(f"{server.url}/doc/catalogus/hgkbp-ld", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Horizontale beleidsplannen van de Vlaamse Regering" in page.text


# The same tests on both stores (tests/conftest.py).
pytestmark = pytest.mark.both_stores
