"""A catalogue of hostile SPARQL (toward issue 9): each refused or stopped within its limit, with the
right status, and the server answers a normal query meanwhile.

The bounds hold on a machine that other work keeps busy (a load of 20 on 2 cores makes every
answer slow alike), yet still fail when the server is blocked: a normal query sent while a hostile
one runs must be answered before the hostile one is stopped (not after it, as it would be behind
it), and within 1 s or 10 times what the same query took just before, on a quiet server, whichever
is more; a hostile query must end within its timeout plus 1 s, plus 5 times that same baseline."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import Server, serve_on

# The queries that run into it burn CPU until it: their worker on the embedded store, Virtuoso's own
# threads on the remote one (~1.2 cores). 1.2 s keeps the check that a normal query, sent 0.2 s in, is
# answered before the hostile one is stopped no tighter than the 1 s it is allowed anyway (below).
TIMEOUT = 1.2
BP = "PREFIX bp: <https://data.vlaanderen.be/ns/beleidsplan#>\n"
NORMAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a a <https://data.vlaanderen.be/ns/beleidsplan#Actie> }"
JSON = {"Accept": "application/sparql-results+json"}


@dataclass(frozen=True)
class Hostile:
    name: str
    method: str
    kwargs: dict
    statuses: frozenset[int]


def get(name: str, query: str, *statuses: int) -> Hostile:
    return Hostile(name, "GET", {"params": {"query": query}, "headers": JSON}, frozenset(statuses))


def post(name: str, body: bytes, content_type: str, *statuses: int) -> Hostile:
    return Hostile(
        name, "POST", {"content": body, "headers": {**JSON, "Content-Type": content_type}}, frozenset(statuses)
    )


UPDATES = {
    "insert data": "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "delete data": "DELETE DATA { <urn:a> <urn:b> <urn:c> }",
    "delete where": "DELETE WHERE { ?s ?p ?o }",
    "modify": "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "with": "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "load": "LOAD <http://127.0.0.1:1/evil.ttl>",
    "load silent into": "LOAD SILENT <http://example.org/x.ttl> INTO GRAPH <urn:g>",
    "clear all": "CLEAR ALL",
    "drop all": "DROP ALL",
    "drop graph": "DROP GRAPH <https://data.vlaanderen.be/id/dataset/hgkbp-2025-2029>",
    "create": "CREATE GRAPH <urn:new>",
    "add": "ADD DEFAULT TO <urn:g>",
    "move": "MOVE DEFAULT TO <urn:g>",
    "copy": "COPY DEFAULT TO <urn:g>",
    "comment hides it": "# SELECT * WHERE { ?s ?p ?o }\nDROP ALL",
    "after a query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1 ; DROP ALL",
}
CATALOGUE = [
    # (an update after a query is not a query: the parser refuses it, 400; the others get 403)
    *(
        get(f"GET query= {n}", q, 400, 403) if n == "after a query" else get(f"GET query= {n}", q, 403)
        for n, q in UPDATES.items()
    ),
    *(
        post(
            f"POST form update= {n}",
            f"update={httpx.QueryParams({'x': q})['x']}".encode(),
            "application/x-www-form-urlencoded",
            403,
        )
        for n, q in list(UPDATES.items())[:6]
    ),
    *(
        post(f"POST sparql-update {n}", q.encode(), "application/sparql-update", 403)
        for n, q in list(UPDATES.items())[6:10]
    ),
    post("POST sparql-query body is an update", b"CLEAR DEFAULT", "application/sparql-query", 403),
    get("escaped keyword \\u0049NSERT", "\\u0049NSERT DATA { <urn:a> <urn:b> <urn:c> }", 400, 403),
    get("SERVICE to loopback", "SELECT * WHERE { SERVICE <http://127.0.0.1:8000/sparql> { ?s ?p ?o } }", 403),
    get("SERVICE to localhost silent", "SELECT * WHERE { SERVICE SILENT <http://localhost/> { ?s ?p ?o } }", 403),
    get("SERVICE to [::1]", "SELECT * WHERE { SERVICE <http://[::1]:8000/> { ?s ?p ?o } }", 403),
    get("SERVICE to another host", "SELECT * WHERE { SERVICE <https://dbpedia.org/sparql> { ?s ?p ?o } }", 403),
    get("SERVICE by variable", "SELECT * WHERE { VALUES ?e { <http://127.0.0.1/> } SERVICE ?e { ?s ?p ?o } }", 403),
    get(
        "cartesian product, counted", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", 503
    ),
    get("cartesian product, all rows", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", 200, 503),
    get(
        "deep path both ways",
        BP + "SELECT (COUNT(*) AS ?n) WHERE { ?s (bp:isDeelVan|^bp:isDeelVan)* ?o . ?o ?p ?x }",
        200,
        503,
    ),
    get("any path star", "SELECT (COUNT(*) AS ?n) WHERE { ?s (<urn:x>|!<urn:x>)* ?o . ?o ?p ?v . ?v ?q ?w }", 200, 503),
    get(
        "regex bomb",
        'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER REGEX(CONCAT(STR(?o), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"), "(a+)+$") }',
        200,
        503,
    ),
    get(
        "huge string",
        "SELECT (STRLEN(?x) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f BIND (CONCAT(STR(?c), STR(?f)) AS ?x) }",
        200,
        503,
    ),
    get("huge VALUES", "SELECT * WHERE { VALUES ?x { " + " ".join(f"<urn:{i}>" for i in range(2000)) + " } }", 413),
    post("1 MB query", b"SELECT * WHERE { ?s ?p ?o } # " + b"x" * 1_000_000, "application/sparql-query", 413),
    get("deep nesting", "SELECT * WHERE " + "{ " * 300 + "?s ?p ?o" + " }" * 300, 200, 400, 413),
    post("invalid UTF-8 body", b'SELECT * WHERE { ?s ?p "\xff\xfe" }', "application/sparql-query", 400),
    Hostile(
        "invalid UTF-8 in the URL", "GET", {"url_suffix": "?query=SELECT%20%FF%FE", "headers": JSON}, frozenset({400})
    ),
    get("not SPARQL at all", "<?php system('id'); ?>", 400),
    get("empty query", "", 400),
]


@pytest.fixture(scope="module")
def limited(store_kind: str, dist: Path, request: pytest.FixtureRequest):
    env = {"HGKBP_QUERY_TIMEOUT": str(TIMEOUT), "HGKBP_MAX_ROWS": "100", "HGKBP_MAX_QUERY_BYTES": "4096"}
    server = serve_on(store_kind, dist, request, env=env)
    yield server
    server.stop()


def normal_count(url: str) -> tuple[int, float]:
    started = time.monotonic()
    response = httpx.get(f"{url}/sparql", params={"query": NORMAL}, headers=JSON, timeout=10)
    assert response.status_code == 200, (response.status_code, response.headers, response.text)
    return int(response.json()["results"]["bindings"][0]["n"]["value"]), time.monotonic() - started


def test_the_catalogue_is_big_enough() -> None:
    assert len(CATALOGUE) >= 30


@pytest.mark.parametrize("hostile", CATALOGUE, ids=lambda h: h.name)
def test_hostile_query(limited: Server, hostile: Hostile) -> None:
    before, baseline = normal_count(limited.url)  # how slow the machine is now, on a quiet server
    outcome: dict[str, object] = {}
    kwargs = dict(hostile.kwargs)
    url = f"{limited.url}/sparql" + kwargs.pop("url_suffix", "")

    def send() -> None:
        started = time.monotonic()
        response = httpx.request(hostile.method, url, timeout=30, **kwargs)
        ended = time.monotonic()
        outcome.update(status=response.status_code, seconds=ended - started, ended=ended, text=response.text[:300])

    thread = threading.Thread(target=send)
    thread.start()
    thread.join(0.2)  # 0.2 s into the hostile query, or at once when it was refused before that
    count, seconds = normal_count(limited.url)
    answered = time.monotonic()
    thread.join()
    assert outcome["status"] in hostile.statuses, outcome
    # refused at once, or stopped within its limit (and what the machine's load adds to any answer)
    assert outcome["seconds"] < TIMEOUT + 1.0 + 5 * baseline, (outcome, baseline)
    assert count == 56
    assert seconds < max(1.0, 10 * baseline), (seconds, baseline)  # the server kept answering meanwhile
    if outcome["status"] == 503:  # it ran until it was stopped: the normal query did not wait for that
        assert answered < outcome["ended"], (seconds, outcome)
    assert "Traceback" not in str(outcome["text"])
    after, _ = normal_count(limited.url)
    assert after == before  # nothing changed


# The same tests on both stores (tests/conftest.py).
pytestmark = pytest.mark.both_stores
