"""/sparql in public, on both stores: fair per client (429), bounded (503), cacheable (ETag, 304, an
answer cache that serves without a worker and gives the same bytes), and a new build changes every ETag.

Clients are told apart by their address: each test binds its clients to its own loopback addresses
(all of 127.0.0.0/8 is loopback), so the limits one test spends do not touch another's.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from hgkbp_ld.settings import Settings
from hgkbp_ld.sparql import Job
from hgkbp_ld.store import RemoteStore, read_manifest
from hgkbp_ld.web.publication import RETIRE_SECONDS, Publication
from tests.conftest import Server, Virtuoso, publish, serve_on
from tests.test_remote_store import deploy, dist_b, version_of, wait_for  # noqa: F401 - dist_b is a fixture

JSON = {"Accept": "application/sparql-results+json"}
DIRECT = {**JSON, "Content-Type": "application/sparql-query"}
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ACTIONS = "SELECT ?a WHERE { ?a a <https://data.vlaanderen.be/ns/beleidsplan#Actie> } ORDER BY ?a"  # tiny
BP = "https://data.vlaanderen.be/ns/beleidsplan#"
JOINED = f"SELECT DISTINCT ?a WHERE {{ ?a a <{BP}Actie> ; <{BP}volgnummer> ?n }} ORDER BY ?a"  # needs a worker
COUNT = f"SELECT (COUNT(?a) AS ?n) WHERE {{ ?a a <{BP}Actie> }}"  # tiny
# SLOW runs into it six times a store, burning CPU until it (its worker, or ~1.2 of Virtuoso's cores):
# 2 s leaves the tests 1.2 s after their last request sent while SLOW holds the worker (the full
# queue: 0.8 s in), and is past the budget, so that a stopped query leaves its client in deficit.
TIMEOUT = 2.0
TIGHT = {  # one worker, no fast lane, one query at a time per client, one may wait, a small budget
    "HGKBP_QUERY_TIMEOUT": str(TIMEOUT),
    "HGKBP_WORKERS": "1",
    "HGKBP_FAST_WORKERS": "0",
    "HGKBP_CLIENT_QUERIES": "1",
    "HGKBP_QUERY_QUEUE": "1",
    "HGKBP_CLIENT_BUDGET": "1.5",  # below TIMEOUT
    "HGKBP_CLIENT_HELD": "2",  # requests of a client back before its Retry-After held at once
}


@pytest.fixture(scope="module")
def tight(store_kind: str, dist: Path, request: pytest.FixtureRequest) -> Server:
    server = serve_on(store_kind, dist, request, env=TIGHT)
    yield server
    server.stop()


def client_at(address: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30)


def timed(address: str, method: str, url: str, query: str) -> tuple[httpx.Response, float]:
    """One request from `address`, and how long its answer took."""
    with client_at(address) as client:
        started = time.monotonic()
        if method == "POST":
            response = client.post(f"{url}/sparql", content=query.encode(), headers=DIRECT)
        else:
            response = client.get(f"{url}/sparql", params={"query": query}, headers=JSON)
        return response, time.monotonic() - started


def test_past_its_queries_a_client_gets_429_and_a_full_queue_503_at_once(tight: Server) -> None:
    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(timed, "127.0.0.2", "POST", tight.url, SLOW)  # holds the one worker
        time.sleep(0.5)
        second, seconds = timed("127.0.0.2", "POST", tight.url, ACTIONS)  # its second query at once
        assert second.status_code == 429 and seconds < 1.0, (second.status_code, seconds)
        assert int(second.headers["Retry-After"]) >= 1
        waiting = pool.submit(timed, "127.0.0.3", "POST", tight.url, JOINED)  # takes the one place in the queue
        time.sleep(0.3)
        full, seconds = timed("127.0.0.4", "POST", tight.url, JOINED)
        assert full.status_code == 503 and seconds < 1.0, (full.status_code, seconds)
        assert int(full.headers["Retry-After"]) >= 1 and "wachtrij" in full.text
        stopped, seconds = slow.result()
        assert stopped.status_code == 503 and "gestopt" in stopped.text
        assert seconds < TIMEOUT + 1.0
        waited, seconds = waiting.result()
        assert waited.status_code in (200, 503) and seconds < TIMEOUT + 1.0, (waited.status_code, seconds)


def test_a_client_back_before_its_retry_after_is_held_and_cannot_hold_many_sockets(tight: Server) -> None:
    """The tarpit, over HTTP: the first refusal is a 429 at once; the same client's requests that come
    back before its Retry-After are held until it is due (then 429), at most HGKBP_CLIENT_HELD (2) of
    them: the rest get their 429 at once with `Connection: close`. Meanwhile another client is served."""

    def early(_: int) -> tuple[int, float, str]:
        response, seconds = timed("127.0.0.30", "POST", tight.url, ACTIONS)
        return response.status_code, seconds, response.headers.get("connection", "")

    with ThreadPoolExecutor(6) as pool:
        slow = pool.submit(timed, "127.0.0.30", "POST", tight.url, SLOW)  # its one query at once
        time.sleep(0.5)
        first, seconds = timed("127.0.0.30", "POST", tight.url, ACTIONS)
        assert first.status_code == 429 and seconds < 0.5, (first.status_code, seconds)
        retry_after = int(first.headers["Retry-After"])
        assert first.headers.get("connection") != "close"
        sent = [pool.submit(early, n) for n in range(5)]  # five more at once, before the Retry-After
        time.sleep(0.1)
        with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.31"), timeout=30) as other:
            started = time.monotonic()
            described = other.get(f"{tight.url}/sparql", headers={"Accept": "text/turtle"})
            assert described.status_code == 200 and time.monotonic() - started < 0.5
        flood = [future.result() for future in sent]
        assert slow.result()[0].status_code == 503
    assert all(status == 429 for status, _, _ in flood), flood
    closed = [seconds for _, seconds, connection in flood if connection == "close"]
    held = [seconds for _, seconds, connection in flood if connection != "close"]
    assert len(held) == 2 and len(closed) == 3, flood
    assert all(seconds < 0.5 for seconds in closed), flood  # refused at once
    assert all(0.3 < seconds < retry_after + 1.0 for seconds in held), flood  # held until the Retry-After


def test_x_forwarded_for_is_not_believed_from_an_untrusted_peer(tight: Server) -> None:
    """Without HGKBP_TRUSTED_PROXIES the peer is the client, even from 127.0.0.1 (where uvicorn's own
    proxy-header handling would believe the header): one client cannot pass for many by writing a
    new X-Forwarded-For on each query."""

    def forwarded(address: str, query: str) -> httpx.Response:
        with httpx.Client(timeout=30) as client:  # from 127.0.0.1
            return client.post(
                f"{tight.url}/sparql", content=query.encode(), headers={**DIRECT, "X-Forwarded-For": address}
            )

    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(forwarded, "10.9.9.1", SLOW)  # holds the one worker, and 127.0.0.1's one query
        time.sleep(0.5)
        second = forwarded("10.9.9.2", ACTIONS)
        assert second.status_code == 429, (second.status_code, second.text[:200])  # the same client: 127.0.0.1
        assert slow.result().status_code == 503


def test_past_its_budget_a_client_gets_429_until_it_refills(tight: Server) -> None:
    stopped, _ = timed("127.0.0.5", "POST", tight.url, SLOW)  # charged its whole timeout: 2 s of a 1.5 s budget
    assert stopped.status_code == 503
    refused, seconds = timed("127.0.0.5", "POST", tight.url, ACTIONS)
    assert refused.status_code == 429 and seconds < 1.0 and "querytijd" in refused.text
    assert int(refused.headers["Retry-After"]) > 5  # 1.5 s a minute: a deficit takes long to refill
    other, _ = timed("127.0.0.6", "POST", tight.url, ACTIONS)  # another client is not touched
    assert other.status_code == 200


def test_a_cached_answer_needs_no_worker_and_equals_a_fresh_one(tight: Server) -> None:
    first, _ = timed("127.0.0.7", "GET", tight.url, ACTIONS)
    assert first.status_code == 200
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(timed, "127.0.0.8", "POST", tight.url, SLOW)  # the one worker is busy
        time.sleep(0.5)
        again, seconds = timed("127.0.0.9", "GET", tight.url, ACTIONS)
        assert again.status_code == 200 and seconds < 1.0, (again.status_code, seconds)  # from the cache
        assert slow.result()[0].status_code == 503
    fresh, _ = timed("127.0.0.10", "POST", tight.url, ACTIONS)  # POST: never cached, run again
    assert fresh.status_code == 200 and "ETag" not in fresh.headers
    assert again.content == first.content == fresh.content
    assert again.headers["ETag"] == first.headers["ETag"]


def test_a_tiny_query_needs_no_worker_on_the_embedded_store(tight: Server, store_kind: str) -> None:
    """One triple pattern on a small store runs in the server itself (hgkbp_ld.sparql.pool): it is
    answered while the one worker is busy. A remote store sends every query to its server."""
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(timed, "127.0.0.11", "POST", tight.url, SLOW)  # holds the one worker
        time.sleep(0.5)
        tiny, seconds = timed("127.0.0.12", "POST", tight.url, COUNT)  # POST: not from the cache
        if store_kind == "embedded":
            assert tiny.status_code == 200 and seconds < 1.0, (tiny.status_code, seconds)
        else:  # waits for the one slot: answered when the slow query is stopped, or refused at its deadline
            assert tiny.status_code in (200, 503) and seconds > 1.0, (tiny.status_code, seconds)
        assert slow.result()[0].status_code == 503
    if tiny.status_code == 200:  # the same count as a worker gives (once the stopped one's replacement is up)
        deadline = time.monotonic() + 60
        while (joined := timed("127.0.0.13", "POST", tight.url, JOINED)[0]).status_code != 200:
            assert time.monotonic() < deadline, joined.text
            time.sleep(0.5)
        assert tiny.json()["results"]["bindings"][0]["n"]["value"] == str(len(joined.json()["results"]["bindings"]))


def test_a_get_answer_has_an_etag_and_if_none_match_gets_304(server: Server, dist: Path) -> None:
    response = httpx.get(f"{server.url}/sparql", params={"query": ACTIONS}, headers=JSON)
    assert response.status_code == 200
    tag = response.headers["ETag"]
    assert tag.startswith(f'W/"{read_manifest(dist)[1][:16]}-')  # the dataset version, as in manifest.json
    assert "max-age=" in response.headers["Cache-Control"] and "Accept" in response.headers["Vary"]
    again = httpx.get(f"{server.url}/sparql", params={"query": ACTIONS}, headers={**JSON, "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == tag
    # the same query written otherwise (comments, white space) is the same answer; another format is not
    spaced = httpx.get(
        f"{server.url}/sparql", params={"query": f"# actions\n{ACTIONS.replace(' ', '  ')}"}, headers=JSON
    )
    assert spaced.headers["ETag"] == tag
    as_csv = httpx.get(f"{server.url}/sparql", params={"query": ACTIONS}, headers={"Accept": "text/csv"})
    assert as_csv.status_code == 200 and as_csv.headers["ETag"] != tag


def test_a_new_build_changes_every_etag(
    store_kind: str,
    dist: Path,
    dist_b: Path,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    served = tmp_path / "dist"
    shutil.copytree(dist, served)
    if store_kind == "embedded":
        server = Server(served, "--reload-on-build", env={"HGKBP_RELOAD_INTERVAL": "0.5"})
        virtuoso = None
    else:  # a Virtuoso of its own: publishing another build must not disturb the session's
        virtuoso = request.getfixturevalue("new_virtuoso")
        assert publish(dist, virtuoso).returncode == 0
        server = Server(served, "--store", virtuoso.url, "--reload-on-build", env={**virtuoso.env})
    try:
        before = httpx.get(f"{server.url}/sparql", params={"query": ACTIONS}, headers=JSON)
        tag = before.headers["ETag"]
        deploy(dist_b, served)
        if isinstance(virtuoso, Virtuoso):
            assert publish(dist_b, virtuoso).returncode == 0
        wait_for(lambda: version_of(server.url) == read_manifest(dist_b)[1])
        after = httpx.get(f"{server.url}/sparql", params={"query": ACTIONS}, headers={**JSON, "If-None-Match": tag})
        assert after.status_code == 200  # not 304: the old ETag no longer matches
        assert after.headers["ETag"] != tag and after.headers["ETag"].startswith(f'W/"{read_manifest(dist_b)[1][:16]}-')
    finally:
        server.stop()


def test_a_reload_closes_the_replaced_remote_stores_connections(
    dist: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a reload the replaced RemoteStore's HTTP clients (its own and /sparql's) are closed, once
    the requests that took it have had their time; the new one serves."""
    virtuoso: Virtuoso = request.getfixturevalue("virtuoso")
    assert publish(dist, virtuoso).returncode == 0
    for name, value in virtuoso.env.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env(dist=dist, query_timeout=1.0)

    async def reload() -> tuple[RemoteStore, RemoteStore]:
        publication = Publication(settings)
        first = publication.load()
        await first.queries.start()
        job = Job("", "ASK { ?s ?p ?o }", "json", "ttl", 10)
        assert (await first.queries.run(job, 10)).status == 200  # its /sparql connection is open
        second = publication.load()  # a reload: the first set is replaced
        assert (await second.queries.run(job, 10)).status == 200
        await asyncio.sleep(settings.query_timeout + RETIRE_SECONDS + 0.5)
        assert isinstance(first.store, RemoteStore) and isinstance(second.store, RemoteStore)
        return first.store, second.store

    old, new = asyncio.run(reload())
    assert old._client.is_closed and old._async is None
    assert not new._client.is_closed and new._async is not None and not new._async.is_closed


# The same tests on both stores (tests/conftest.py).
pytestmark = pytest.mark.both_stores
