"""Dereferencing through a real uvicorn process and real clients (httpx, rdflib)."""

from __future__ import annotations

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from tests.conftest import Server

CANON = "https://data.vlaanderen.be/id/"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
KINDS = {
    "plan": "beleidsplan/hgkbp-2025-2029",
    "HD": "doelstelling/hgkbp-2025-2029/HD3",
    "OD": "doelstelling/hgkbp-2025-2029/OD1.1",
    "action": "actie/hgkbp-2025-2029/12",
    "indicator": "indicator/hgkbp-2025-2029/12-1",
    "period": "periode/hgkbp-2025-2029/actie-12",
    "portfolio": "bevoegdheid/gelijke-kansen",
    "scheme": "conceptscheme/bevoegdheid",
    "minister": "mandataris/hans-bonte-interim-2026",
    "person": "persoon/caroline-gennez",
    "other plan": "beleidsplan/vlaams-actieplan-armoedebestrijding",
    "dataset": "dataset/hgkbp-2025-2029",
}


@pytest.fixture(scope="module")
def client(server: Server):
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


@pytest.mark.parametrize("path", list(KINDS.values()), ids=list(KINDS))
def test_id_answers_303_to_doc(client: httpx.Client, path: str) -> None:
    response = client.get(f"/id/{path}", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/doc/{path}"
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize("media_type", list(RDF_TYPES))
@pytest.mark.parametrize("path", list(KINDS.values()), ids=list(KINDS))
def test_each_format_parses_and_holds_the_resource(client: httpx.Client, path: str, media_type: str) -> None:
    response = client.get(f"/doc/{path}", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["vary"] == "Accept"
    extension = {
        "text/turtle": "ttl",
        "application/ld+json": "jsonld",
        "application/n-triples": "nt",
        "application/rdf+xml": "rdf",
    }[media_type]
    assert response.headers["content-location"] == f"/doc/{path}.{extension}"
    graph = Graph().parse(data=response.content, format=RDF_TYPES[media_type])
    subject = URIRef(CANON + path)
    assert (subject, RDF.type, None) in graph
    assert len(list(graph.predicate_objects(subject))) >= 2
    explicit = client.get(f"/doc/{path}.{extension}")
    assert explicit.status_code == 200 and explicit.content == response.content


def test_description_has_incoming_links_and_labels(client: httpx.Client) -> None:
    graph = Graph().parse(data=client.get("/doc/actie/hgkbp-2025-2029/12.ttl").content, format="turtle")
    action = URIRef(CANON + "actie/hgkbp-2025-2029/12")
    od = URIRef(CANON + "doelstelling/hgkbp-2025-2029/OD2.2")
    heeft_actie = URIRef("https://data.vlaanderen.be/ns/beleidsplan#heeftActie")
    assert (od, heeft_actie, action) in graph  # incoming
    portfolio = URIRef(CANON + "bevoegdheid/gelijke-kansen")
    assert str(graph.value(portfolio, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))) == "Gelijke Kansen"


def test_rdflib_follows_the_redirect(server: Server) -> None:
    graph = Graph().parse(f"{server.url}/id/actie/hgkbp-2025-2029/12")
    assert (URIRef(CANON + "actie/hgkbp-2025-2029/12"), RDF.type, None) in graph


def test_a_browser_gets_html(client: httpx.Client) -> None:
    response = client.get("/id/actie/hgkbp-2025-2029/12", headers={"Accept": FIREFOX}, follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="nl">' in response.text
    assert "Uitbreiding maatregelen tegen grensoverschrijdend gedrag" in response.text
    assert response.headers["content-location"] == "/doc/actie/hgkbp-2025-2029/12.html"


def test_link_headers_name_every_other_format(client: httpx.Client) -> None:
    links = client.get("/doc/actie/hgkbp-2025-2029/12").headers["link"]
    for extension in ("html", "ttl", "jsonld", "nt", "rdf"):
        assert f'</doc/actie/hgkbp-2025-2029/12.{extension}>; rel="alternate"' in links


def test_an_image_accept_gets_406_with_the_offer(client: httpx.Client) -> None:
    response = client.get("/doc/actie/hgkbp-2025-2029/12", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.text and "application/ld+json" in response.text


def test_if_none_match_gets_304(client: httpx.Client) -> None:
    first = client.get("/doc/actie/hgkbp-2025-2029/12", headers={"Accept": "text/turtle"})
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get("/doc/actie/hgkbp-2025-2029/12", headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    html = client.get("/doc/actie/hgkbp-2025-2029/12", headers={"Accept": "text/html", "If-None-Match": etag})
    assert html.status_code == 200  # another representation, another ETag
    assert "max-age" in first.headers["cache-control"]


def test_head_has_the_headers_of_get_and_no_body(client: httpx.Client) -> None:
    get = client.get("/doc/doelstelling/hgkbp-2025-2029/OD1.1", headers={"Accept": "text/turtle"})
    head = client.head("/doc/doelstelling/hgkbp-2025-2029/OD1.1", headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.content == b""
    for name in ("etag", "content-type", "content-length", "vary", "content-location"):
        assert head.headers[name] == get.headers[name]


@pytest.mark.parametrize(
    "path",
    [
        "/id/actie/hgkbp-2025-2029/57",
        "/doc/actie/hgkbp-2025-2029/0",
        "/id/actie/hgkbp-2025-2029/12%3E%20%3Fs%20%3Fp",
        "/id/actie/x' OR 1=1",
        "/doc/doelstelling/hgkbp-2025-2029/OD9.9",
        "/id/bevoegdheid/économie",
    ],
)
def test_unknown_iris_get_404_in_both_formats(client: httpx.Client, path: str) -> None:
    html = client.get(path, headers={"Accept": "text/html"})
    assert html.status_code == 404
    assert "text/html" in html.headers["content-type"] and "/id/actie/hgkbp-2025-2029/1" in html.text
    assert "<script" not in html.text.split("</head>")[1]
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 404 and turtle.content == b""
    assert turtle.headers["content-type"].startswith("text/turtle")


def test_the_404_page_escapes_the_path(client: httpx.Client) -> None:
    response = client.get("/doc/<script>alert(1)</script>", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "<script>alert" not in response.text and "&lt;script&gt;" in response.text


def test_dotted_segments_are_not_extensions(client: httpx.Client) -> None:
    response = client.get("/doc/doelstelling/hgkbp-2025-2029/OD5.1", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert "OD5.1" in response.headers["content-location"]


def test_links_stay_on_the_serving_host(client: httpx.Client) -> None:
    html = client.get("/doc/actie/hgkbp-2025-2029/12.html").text
    assert 'href="/doc/bevoegdheid/gelijke-kansen"' in html
    for kind in ("actie", "doelstelling", "bevoegdheid", "mandataris", "persoon", "beleidsplan", "periode"):
        assert f'href="https://data.vlaanderen.be/id/{kind}/' not in html


def test_vocabulary_page_and_terms(client: httpx.Client) -> None:
    page = client.get("/ns/beleidsplan", headers={"Accept": FIREFOX})
    assert page.status_code == 200 and 'id="Actie"' in page.text and 'id="verantwoordelijke"' in page.text
    turtle = client.get("/ns/beleidsplan", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.content, format="turtle")
    assert (URIRef("https://data.vlaanderen.be/ns/beleidsplan#Actie"), RDF.type, None) in graph
    jsonld = client.get("/ns/beleidsplan.jsonld")
    assert len(Graph().parse(data=jsonld.content, format="json-ld")) == len(graph)


def test_application_profile_page(client: httpx.Client) -> None:
    page = client.get("/doc/applicatieprofiel/beleidsplan", headers={"Accept": FIREFOX})
    assert page.status_code == 200 and "<table>" in page.text and "verantwoordelijke" in page.text
    turtle = client.get("/doc/applicatieprofiel/beleidsplan.ttl")
    assert "sh:NodeShape" in turtle.text or "NodeShape" in turtle.text


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("hgkbp-2025-2029.ttl", "text/turtle"),
        ("hgkbp-2025-2029.jsonld", "application/ld+json"),
        ("hgkbp-2025-2029.nt", "application/n-triples"),
        ("hgkbp-2025-2029.rdf", "application/rdf+xml"),
    ],
)
def test_dumps(client: httpx.Client, name: str, media_type: str) -> None:
    response = client.get(f"/data/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert response.headers["etag"] and response.headers["last-modified"].endswith("GMT")
    again = client.get(f"/data/{name}", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/data/../pyproject.toml",
        "/data/%2e%2e/pyproject.toml",
        "/data/manifest",
        "/data/..%2fpyproject.toml",
        "/static/../pyproject.toml",
    ],
)
def test_no_file_outside_what_is_published(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "hgkbp-ld" not in response.text or "[project]" not in response.text


def test_security_headers_everywhere(client: httpx.Client) -> None:
    for path in ("/", "/doc/actie/hgkbp-2025-2029/12", "/id/actie/hgkbp-2025-2029/12", "/nope", "/data/"):
        headers = client.get(path).headers
        assert (
            "script-src" not in headers["content-security-policy"]
            or "'unsafe-inline'" not in headers["content-security-policy"]
        )
        assert headers["x-content-type-options"] == "nosniff"
        assert "server" not in headers


# The same tests on both stores (tests/conftest.py).
pytestmark = pytest.mark.both_stores
