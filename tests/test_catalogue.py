"""The catalogue: valid against the official DCAT-AP Vlaanderen 3 and EU DCAT-AP 3.0.1 shapes, true to
the files, served. A negative test per official rule the catalogue relies on."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from hgkbp_ld.validate import validate_catalogue
from tests.conftest import Server

SPDX = Namespace("http://spdx.org/rdf/terms#")
CATALOG = URIRef("https://data.vlaanderen.be/id/catalogus/hgkbp-ld")
DATASET = URIRef("https://data.vlaanderen.be/id/dataset/hgkbp-2025-2029")


@pytest.fixture(scope="module")
def catalogue(dist: Path) -> Graph:
    return Graph().parse(dist / "catalogus.ttl", format="turtle")


VL = "https://data.vlaanderen.be/doc/applicatieprofiel/DCAT-AP-VL/erkendestandaard/2026-02-12#"
EU = "https://semiceu.github.io/DCAT-AP/releases/3.0.0/html/shacl/"
SERVICE = URIRef("https://data.vlaanderen.be/id/dataservice/hgkbp-ld-sparql")
RECORD = URIRef("https://data.vlaanderen.be/id/catalogusrecord/hgkbp-2025-2029")
TTL = URIRef("https://data.vlaanderen.be/id/distributie/hgkbp-2025-2029/ttl")
PUBLISHER = URIRef("http://themis.vlaanderen.be/id/bestuursorgaan/7f2c82aa-75ac-40f8-a6c3-9fe539163025")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")


def test_the_catalogue_conforms_to_the_official_profiles(catalogue: Graph) -> None:
    report = validate_catalogue(catalogue)
    assert report.conforms, report.text()
    assert [v for v in report.violations if v.severity == "Violation"] == []


# Each official rule the catalogue relies on, broken once: the report names the rule (the official
# anchor of a DCAT-AP-VL property, or the EU shape and path) and the constraint.
RULES = [
    ("catalogue identifier", (CATALOG, DCTERMS.identifier, None), VL + "Catalogus.Identificator", "MinCount"),
    ("catalogue contact point", (CATALOG, DCAT.contactPoint, None), VL + "Catalogus.Contactinformatie", "MinCount"),
    ("catalogue publisher", (CATALOG, DCTERMS.publisher, None), VL + "Catalogus.Uitgever", "MinCount"),
    ("catalogue title", (CATALOG, DCTERMS.title, None), VL + "Catalogus.Titel", "MinCount"),
    ("catalogue description", (CATALOG, DCTERMS.description, None), VL + "Catalogus.Beschrijving", "MinCount"),
    ("record identifier", (RECORD, DCTERMS.identifier, None), VL + "CatalogusRecord.Identificator", "MinCount"),
    ("record modified", (RECORD, DCTERMS.modified, None), VL + "CatalogusRecord.Wijzigingsdatum", "MinCount"),
    ("record primary topic", (RECORD, FOAF.primaryTopic, None), VL + "CatalogusRecord.Hoofdonderwerp", "MinCount"),
    ("dataset identifier", (DATASET, DCTERMS.identifier, None), VL + "Dataset.Identificator", "MinCount"),
    ("dataset contact point", (DATASET, DCAT.contactPoint, None), VL + "Dataset.Contactinformatie", "MinCount"),
    ("dataset access rights", (DATASET, DCTERMS.accessRights, None), VL + "Dataset.Toegankelijkheid", "MinCount"),
    ("dataset title", (DATASET, DCTERMS.title, None), VL + "Dataset.Titel", "MinCount"),
    ("dataset description", (DATASET, DCTERMS.description, None), VL + "Dataset.Beschrijving", "MinCount"),
    ("dataset publisher", (DATASET, DCTERMS.publisher, None), VL + "CatalogusResource.Uitgever", "MinCount"),
    ("service identifier", (SERVICE, DCTERMS.identifier, None), VL + "Dataservice.Identificator", "MinCount"),
    ("service endpoint", (SERVICE, DCAT.endpointURL, None), VL + "Dataservice.Endpointurl", "MinCount"),
    ("service description", (SERVICE, DCAT.endpointDescription, None), VL + "Dataservice.Endpointbeschrijving", "MinCount"),
    ("service access rights", (SERVICE, DCTERMS.accessRights, None), VL + "Dataservice.Toegankelijkheid", "MinCount"),
    ("service contact point", (SERVICE, DCAT.contactPoint, None), VL + "Dataservice.Contactinformatie", "MinCount"),
    ("distribution identifier", (TTL, DCTERMS.identifier, None), VL + "Distributie.Identificator", "MinCount"),
    ("distribution access URL", (TTL, DCAT.accessURL, None), VL + "Distributie.Toegangsurl", "MinCount"),
    ("publisher's name", (PUBLISHER, FOAF.name, None), VL + "Agent.Naam", "MinCount"),
    ("publisher an agent", (PUBLISHER, RDF.type, DCTERMS.Agent), VL + "CatalogusResource.Uitgever", "Class"),
    ("licence a licence document", (None, RDF.type, DCTERMS.LicenseDocument), VL + "Distributie.Licentie", "Class"),
    ("format a concept", (None, RDF.type, None), EU + "range.ttl#Distribution_Shape", "Class"),
]


@pytest.mark.parametrize(("triple", "rule", "component"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_breaking_an_official_rule_fails_and_names_it(catalogue: Graph, triple: tuple, rule: str, component: str) -> None:
    broken = Graph()
    broken += catalogue
    if triple == (None, RDF.type, None):  # the file type's classes: the code list no longer types it
        for fmt in broken.objects(TTL, DCTERMS["format"]):
            broken.remove((fmt, RDF.type, None))
        broken.add((TTL, DCTERMS["format"], URIRef("http://example.org/not-a-file-type")))
    else:
        broken.remove(triple)
    report = validate_catalogue(broken)
    assert not report.conforms
    failed = [v for v in report.violations if v.severity == "Violation"]
    assert any(v.shape.startswith(rule) and v.component == component + "ConstraintComponent" for v in failed), (
        f"expected {rule} ({component}) among:\n{report.text()}"
    )


@pytest.mark.parametrize("plans", [1, 2])
def test_the_build_fails_naming_the_rule_when_the_catalogue_breaks_one(tmp_path: Path, plans: int) -> None:
    """Drop the catalogue's identifier (by a catalogue.py that forgets it): the build stops and names
    DCAT-AP Vlaanderen's rule; dist/ is not written, nor anything left beside it. With one plan (in this
    process) and with two (in two workers, the last stage in a process of its own)."""
    import subprocess
    import sys

    from tests.conftest import EPOCH, copy_real_data, data_with_second_plan

    script = (
        "import sys\n"
        "from hgkbp_ld import catalogue\n"
        "original = catalogue._Catalogue.common\n"
        "def common(self, subject, title, description, identifier):\n"
        "    original(self, subject, title, description, identifier)\n"
        "    if '/catalogus/' in str(subject):\n"
        "        self.graph.remove((subject, catalogue.DCTERMS.identifier, None))\n"
        "catalogue._Catalogue.common = common\n"
        "from hgkbp_ld.cli import main\n"
        "sys.exit(main(['build', '--out', sys.argv[1], '--data', sys.argv[2], '--jobs', sys.argv[3]]))\n"
    )
    data = copy_real_data(tmp_path / "data") if plans == 1 else data_with_second_plan(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "dist"), str(data), str(plans)],
        env={**__import__("os").environ, "SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "DCAT-AP Vlaanderen 3" in done.stderr and VL + "Catalogus.Identificator" in done.stderr
    assert "catalogus/hgkbp-ld" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "dist").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dist")] == []


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


def test_the_catalogue_stands_alone(catalogue: Graph) -> None:
    """What it points to is typed in it; its contact page is a page; no label of ours on codes."""
    assert (PUBLISHER, RDF.type, DCTERMS.Agent) in catalogue and catalogue.value(PUBLISHER, FOAF.name) is not None
    contact = catalogue.value(CATALOG, DCAT.contactPoint)
    assert catalogue.value(contact, FOAF.page) is not None
    assert catalogue.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasURL")) is None
    for licence in set(catalogue.objects(None, DCTERMS.license)):
        assert (licence, RDF.type, DCTERMS.LicenseDocument) in catalogue
    assert str(catalogue.value(SERVICE, DCAT.endpointDescription)) != str(catalogue.value(SERVICE, DCAT.endpointURL))
    themes = {str(t) for t in catalogue.objects(DATASET, DCAT.theme)}
    assert any("vocab.belgif.be/auth/datatheme/" in t for t in themes)
    assert any("publications.europa.eu/resource/authority/data-theme/" in t for t in themes)
    skos_label = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    assert not any("publications.europa.eu" in str(s) or "belgif" in str(s) for s in catalogue.subjects(skos_label, None))
    version = catalogue.value(DATASET, URIRef("http://www.w3.org/ns/dcat#version"))
    assert version is not None and str(version).isdigit()  # the dataset's own version, not the tool's


def test_the_catalogue_is_served(server: Server) -> None:
    harvested = httpx.get(f"{server.url}/catalog.ttl")
    assert harvested.status_code == 200 and harvested.headers["content-type"].startswith("text/turtle")
    assert (CATALOG, RDF.type, DCAT.Catalog) in Graph().parse(data=harvested.text, format="turtle")
    described = str(Graph().parse(data=harvested.text, format="turtle").value(SERVICE, DCAT.endpointDescription))
    description = httpx.get(f"{server.url}{described.removeprefix('https://data.vlaanderen.be')}")
    assert description.status_code == 200 and description.headers["content-type"].startswith("text/turtle")
    assert "http://www.w3.org/ns/sparql-service-description#" in description.text
    redirect = httpx.get(f"{server.url}/id/catalogus/hgkbp-ld")
    assert redirect.status_code == 303 and redirect.headers["location"] == "/doc/catalogus/hgkbp-ld"
    page = httpx.get(f"{server.url}/doc/catalogus/hgkbp-ld", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Horizontale beleidsplannen van de Vlaamse Regering" in page.text


# The same tests on both stores (tests/conftest.py).
pytestmark = pytest.mark.both_stores


def test_the_catalogue_validated_in_a_process_of_its_own_gives_the_same_report(catalogue: Graph) -> None:
    """A build on several cores validates the catalogue beside the last stage (`manifest.CatalogueCheck`,
    the catalogue sent as N-Triples): the same report as validating it in the build's process."""
    from hgkbp_ld.failures import ValidationFailed
    from hgkbp_ld.manifest import CatalogueCheck

    broken = Graph()
    broken += catalogue
    broken.remove((CATALOG, DCTERMS.identifier, None))
    broken.remove((TTL, DCAT.accessURL, None))
    check = CatalogueCheck()
    check.validate(broken)
    with pytest.raises(ValidationFailed, match=r"Catalogus\.Identificator") as failed:
        check.wait()
    here = validate_catalogue(broken)
    assert sorted(map(str, failed.value.report.violations)) == sorted(map(str, here.violations))
    assert len(here.violations) >= 2
    check = CatalogueCheck()
    check.validate(catalogue)
    check.wait()  # it conforms: nothing raised
    CatalogueCheck().stop()  # never given a catalogue (the build failed before): it ends at once
