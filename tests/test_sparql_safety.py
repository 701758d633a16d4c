"""The endpoint is safe in public: read-only, no federation, bounded in time, rows and size."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import Server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def limited(dist: Path):
    server = Server(dist, env={"HGKBP_QUERY_TIMEOUT": "2", "HGKBP_MAX_ROWS": "100", "HGKBP_MAX_QUERY_BYTES": "4096"})
    yield server
    server.stop()


def count(url: str) -> int:
    response = httpx.get(f"{url}/sparql", params={"query": COUNT}, headers=JSON, timeout=10)
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


UPDATES = [
    ("GET", {"params": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}),
    ("POST", {"data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}),
    ("POST", {"content": b"DROP ALL", "headers": {"Content-Type": "application/sparql-update"}}),
    ("POST", {"content": b"CLEAR DEFAULT", "headers": {"Content-Type": "application/sparql-query"}}),
    ("GET", {"params": {"query": "LOAD <http://127.0.0.1:1/x.ttl>"}}),
    ("GET", {"params": {"query": "# just a comment\nDELETE WHERE { ?s ?p ?o }"}}),
    ("GET", {"params": {"query": "PREFIX x: <urn:x>\nINSERT { ?s a x:y } WHERE { ?s ?p ?o }"}}),
    ("POST", {"data": {"query": "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"}}),
]


@pytest.mark.parametrize(("method", "request_args"), UPDATES)
def test_updates_are_refused_and_change_nothing(server: Server, method: str, request_args: dict) -> None:
    before = count(server.url)
    response = httpx.request(method, f"{server.url}/sparql", timeout=10, **request_args)
    assert response.status_code == 403
    assert "alleen-lezen" in response.text
    assert count(server.url) == before


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:8000/sparql> { ?s ?p ?o } }",
        "select * where { service <https://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SeRvIcE SILENT <http://localhost/> { ?s ?p ?o } }",
        "SELECT * WHERE { BIND(<http://127.0.0.1/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(server: Server, query: str) -> None:
    response = httpx.get(f"{server.url}/sparql", params={"query": query}, headers=JSON, timeout=10)
    assert response.status_code == 403 and "SERVICE" in response.text


def test_the_word_service_in_a_string_or_comment_is_fine(server: Server) -> None:
    query = 'SELECT ?x WHERE { BIND("SERVICE and INSERT are words" AS ?x) } # SERVICE <http://x/>'
    response = httpx.get(f"{server.url}/sparql", params={"query": query}, headers=JSON, timeout=10)
    assert response.status_code == 200


def test_a_slow_query_is_stopped_while_others_are_answered(limited: Server) -> None:
    outcome: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        response = httpx.get(f"{limited.url}/sparql", params={"query": SLOW}, headers=JSON, timeout=30)
        outcome["status"], outcome["seconds"], outcome["text"] = (
            response.status_code,
            time.monotonic() - started,
            response.text,
        )

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    assert count(limited.url) > 2000  # the other worker answers meanwhile
    assert time.monotonic() - started < 1.0
    assert httpx.get(f"{limited.url}/doc/actie/hgkbp-2025-2029/12.ttl").status_code == 200
    thread.join()
    assert outcome["status"] == 503
    assert outcome["seconds"] < 2 + 1.0  # timeout + 1 s
    assert "gestopt" in str(outcome["text"])
    assert count(limited.url) > 2000  # the killed worker was replaced
    assert count(limited.url) > 2000


def test_the_row_cap_cuts_and_says_so(limited: Server) -> None:
    response = httpx.get(f"{limited.url}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers=JSON)
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 100
    assert response.headers["x-sparql-truncated"] == "max-rows=100"
    small = httpx.get(f"{limited.url}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"}, headers=JSON)
    assert "x-sparql-truncated" not in small.headers
    construct = httpx.get(
        f"{limited.url}/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
    )
    assert len(construct.text.strip().splitlines()) == 100 and construct.headers["x-sparql-truncated"]


def test_an_overlong_query_gets_413(limited: Server) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 5000
    assert httpx.get(f"{limited.url}/sparql", params={"query": query}).status_code == 413
    posted = httpx.post(
        f"{limited.url}/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert posted.status_code == 413


@pytest.mark.parametrize(
    ("request_args", "status"),
    [
        ({"method": "PUT", "params": {"query": "ASK {}"}}, 405),
        ({"method": "DELETE"}, 405),
        ({"method": "POST", "content": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
        ({"method": "POST", "content": b"ASK {}"}, 415),
        ({"method": "GET", "params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ({"method": "GET", "params": {"query": "SELEC * {}"}}, 400),
        (
            {
                "method": "POST",
                "content": "ASK {}".encode("utf-16"),
                "headers": {"Content-Type": "application/sparql-query; charset=UTF-16"},
            },
            400,
        ),
        (
            {"method": "POST", "content": b"ASK { \xff\xfe }", "headers": {"Content-Type": "application/sparql-query"}},
            400,
        ),
        (
            {
                "method": "POST",
                "content": b"query=%FF%FE",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            400,
        ),
    ],
)
def test_protocol_errors(server: Server, request_args: dict, status: int) -> None:
    request_args = dict(request_args)  # the same case runs on each store
    method = request_args.pop("method")
    response = httpx.request(
        method, f"{server.url}/sparql", headers={**JSON, **request_args.pop("headers", {})}, timeout=10, **request_args
    )
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text


def test_a_syntax_error_names_the_problem(server: Server) -> None:
    response = httpx.get(f"{server.url}/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"}, headers=JSON)
    assert response.status_code == 400
    assert "1:" in response.text  # the parser's position


# The same tests on both stores (tests/conftest.py).
pytestmark = pytest.mark.both_stores
