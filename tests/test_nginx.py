"""`hgkbp-ld nginx-conf` with a real nginx (Debian's) in front of a real `hgkbp-ld serve`.

nginx must give what the server gives: for every path and Accept header, the same status, media
type, body, ETag and Last-Modified (nginx answers the common headers from the files itself and
passes the rest on); 303 from /id/ and the 301s with the server's note; 304 on the server's ETag or
date; the security headers. /sparql GETs are cached per query
and Accept, and a new build is never answered from the cache of the previous one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from hgkbp_ld.nginx import BROWSERS
from hgkbp_ld.web.middleware import HEADERS
from tests.conftest import ROOT, Server, build_dist, copy_dist, free_port, shared_server
from tests.processes import cli

ACTION = "/doc/actie/hgkbp-2025-2029/12"
ACCEPTS = [
    None,
    "*/*",
    "text/html",
    *BROWSERS,
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8",  # another browser: by the regex
    "text/turtle",
    "application/ld+json",
    "application/json",
    "application/n-triples",
    "text/plain",
    "application/rdf+xml",
    "application/xml",
    "text/n3",
    "text/turtle;q=0.5, application/ld+json",  # q-values: the server decides
    "application/rdf+xml;q=0.9, text/turtle",
    "text/html;q=0, text/turtle;q=0.1",
    "image/png",  # 406
    "text/html;level=1;q=0, text/html",
]
PATHS = [
    ACTION,
    "/doc/bevoegdheid/gelijke-kansen",
    "/doc/applicatieprofiel/beleidsplan",
    "/ns/beleidsplan",
    "/",
    "/data/",
    "/doc/bestaat-niet",
]


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if found is None:
        message = "nginx is not installed (apt-get install nginx; .ci/run does it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


@dataclass
class Nginx:
    url: str
    process: subprocess.Popen
    prefix: Path

    @classmethod
    def start(cls, dist: Path, upstream: str, prefix: Path) -> Nginx:
        binary = nginx_binary()
        prefix.mkdir(parents=True, exist_ok=True)
        port = free_port()
        conf = subprocess.run(
            cli(
                *("nginx-conf", "--dist", str(dist), "--listen", f"127.0.0.1:{port}", "--upstream", upstream),
                *(("--user", "root") if os.geteuid() == 0 else ()),  # the test's folders are the test's own
            ),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        (prefix / "nginx.conf").write_text(conf, encoding="utf-8")
        process = subprocess.Popen(
            [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr", "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=(prefix / "error.log").open("wb"),
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/static/style.css", timeout=1)
                return cls(url, process, prefix)
            except httpx.HTTPError:
                if process.poll() is not None:
                    raise RuntimeError((prefix / "error.log").read_text()) from None
                time.sleep(0.1)
        raise RuntimeError("nginx did not start: " + (prefix / "error.log").read_text())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture(scope="module")
def pair(
    dist: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[tuple[Server, Nginx]]:
    server = shared_server("embedded", dist, request)  # the session's server of the build (tests/conftest.py)
    nginx = Nginx.start(dist, server.url, tmp_path_factory.mktemp("nginx"))
    yield server, nginx
    nginx.stop()


def _get(url: str, accept: str | None, **headers: str) -> httpx.Response:
    sent = {"Accept": accept} if accept is not None else {}
    with httpx.Client() as client:
        request = client.build_request("GET", url, headers={**sent, **headers})
        if accept is None:
            del request.headers["Accept"]
        return client.send(request)


def _from_file(response: httpx.Response) -> bool:
    """Whether nginx answered from a file (the server never offers ranges)."""
    return response.headers.get("accept-ranges") == "bytes"


def test_nginx_answers_as_the_server_does(pair: tuple[Server, Nginx]) -> None:
    server, nginx = pair
    served_by_nginx = 0
    for path in PATHS:
        for accept in ACCEPTS:
            direct, through = _get(server.url + path, accept), _get(nginx.url + path, accept)
            where = f"{path} with Accept {accept!r}"
            assert through.status_code == direct.status_code, where
            assert through.headers.get("content-type") == direct.headers.get("content-type"), where
            assert through.content == direct.content, where
            assert through.headers.get("etag") == direct.headers.get("etag"), where
            assert through.headers.get("vary") == direct.headers.get("vary"), where
            assert through.headers.get("last-modified") == direct.headers.get("last-modified"), where
            if through.status_code == 200:
                assert through.headers.get("content-location") == direct.headers.get("content-location"), where
                assert through.headers.get("link") == direct.headers.get("link"), where
            served_by_nginx += _from_file(through)
    assert served_by_nginx >= len(PATHS) * 8  # nginx itself answered most of them, not only the server


def test_suffix_forms_downloads_and_the_style_sheet_are_the_servers_bytes(pair: tuple[Server, Nginx]) -> None:
    server, nginx = pair
    for path in (
        f"{ACTION}.ttl",
        f"{ACTION}.jsonld",
        f"{ACTION}.nt",
        f"{ACTION}.rdf",
        f"{ACTION}.html",
        "/ns/beleidsplan.ttl",
        "/data/hgkbp-2025-2029.nt",
        "/data/manifest.json",
        "/catalog.ttl",
        "/static/style.css",
    ):
        direct, through = httpx.get(server.url + path), httpx.get(nginx.url + path)
        assert through.status_code == 200 and _from_file(through), path
        assert through.content == direct.content, path
        assert through.headers["content-type"] == direct.headers["content-type"], path
        assert through.headers["etag"] == direct.headers["etag"], path
        assert through.headers["last-modified"] == direct.headers["last-modified"], path
        assert through.headers.get("content-disposition") == direct.headers.get("content-disposition"), path
        for name, value in HEADERS:
            assert through.headers[name.decode()] == value.decode(), (path, name)


REDIRECT_HEADERS = ("location", "content-type", "content-length", "vary", "cache-control")


def test_redirects_are_the_servers_with_its_note(pair: tuple[Server, Nginx]) -> None:
    """nginx makes the /id/ 303s and the 301s itself, with the server's headers and short note."""
    server, nginx = pair
    for path, status in (
        ("/id/actie/hgkbp-2025-2029/12", 303),
        ("/id/actie/hgkbp-2025-2029/12.ttl", 303),
        ("/id/bevoegdheid/gelijke-kansen", 303),
        ("/data", 301),
        ("/favicon.ico", 301),
    ):
        for method in ("GET", "HEAD"):
            direct = httpx.request(method, server.url + path)
            through = httpx.request(method, nginx.url + path)
            assert through.status_code == direct.status_code == status, (method, path)
            assert through.content == direct.content, (method, path)
            for name in REDIRECT_HEADERS:
                assert through.headers.get(name) == direct.headers.get(name), (method, path, name)
            for name, value in HEADERS:
                assert through.headers[name.decode()] == value.decode(), (method, path, name)
            assert "nginx" not in through.text
        assert b'<a href="' + through.headers["location"].encode() + b'">' in httpx.get(nginx.url + path).content


def test_last_modified_and_if_modified_since_as_the_server(pair: tuple[Server, Nginx]) -> None:
    server, nginx = pair
    for path, accept in ((ACTION, "text/turtle"), (ACTION + ".html", None), ("/data/hgkbp-2025-2029.nt", None)):
        first = _get(server.url + path, accept)
        date = first.headers["last-modified"]
        other = "Thu, 01 Jan 2026 00:00:00 GMT"
        for url in (server.url, nginx.url):
            assert _get(url + path, accept, **{"If-Modified-Since": date}).status_code == 304, (url, path)
            assert _get(url + path, accept, **{"If-Modified-Since": other}).status_code == 200, (url, path)


def test_id_is_303_and_etags_give_304(pair: tuple[Server, Nginx]) -> None:
    server, nginx = pair
    for path in ("/id/actie/hgkbp-2025-2029/12", "/id/actie/hgkbp-2025-2029/12.ttl"):
        through = httpx.get(nginx.url + path)
        assert through.status_code == 303 and not _from_file(through)
        assert through.headers["location"] == httpx.get(server.url + path).headers["location"]
    assert httpx.get(nginx.url + "/id/bestaat/niet").status_code == 404  # the server's 404 page
    first = httpx.get(nginx.url + ACTION, headers={"Accept": "text/turtle"})
    again = httpx.get(nginx.url + ACTION, headers={"Accept": "text/turtle", "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    other = httpx.get(nginx.url + ACTION, headers={"Accept": "text/html", "If-None-Match": first.headers["etag"]})
    assert other.status_code == 200  # another format of the same URL never shares its ETag
    versie = httpx.get(nginx.url + ACTION + "?versie=1")
    assert (
        versie.status_code == 303
        and versie.headers["location"] == httpx.get(server.url + ACTION + "?versie=1").headers["location"]
    )


def test_sparql_gets_are_cached_per_query_and_accept(pair: tuple[Server, Nginx]) -> None:
    _server, nginx = pair
    query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
    first = httpx.get(f"{nginx.url}/sparql", params=query, headers={"Accept": "text/csv"})
    second = httpx.get(f"{nginx.url}/sparql", params=query, headers={"Accept": "text/csv"})
    assert first.status_code == second.status_code == 200
    assert (first.headers["x-cache-status"], second.headers["x-cache-status"]) == ("MISS", "HIT")
    assert second.content == first.content
    as_json = httpx.get(f"{nginx.url}/sparql", params=query, headers={"Accept": "application/sparql-results+json"})
    assert as_json.headers["x-cache-status"] == "MISS" and as_json.headers["content-type"].startswith(
        "application/sparql-results+json"
    )
    posted = httpx.post(f"{nginx.url}/sparql", data=query, headers={"Accept": "text/csv"})
    assert posted.status_code == 200 and posted.headers.get("x-cache-status") is None  # POST: never cached
    bad = httpx.get(f"{nginx.url}/sparql", params={"query": "SELECT nonsense"})
    again = httpx.get(f"{nginx.url}/sparql", params={"query": "SELECT nonsense"})
    assert (
        bad.status_code == again.status_code == 400 and again.headers["x-cache-status"] == "MISS"
    )  # errors: never kept


def test_a_new_build_is_never_answered_from_the_old_cache(
    real_build: tuple[Path, Path, object], tmp_path: Path
) -> None:
    data = shutil.copytree(real_build[0], tmp_path / "data")  # a copy of data/, and its build (made once per run)
    dist = copy_dist(real_build[1], tmp_path / "dist")
    server = Server(dist, "--reload-on-build")
    nginx = Nginx.start(dist, server.url, tmp_path / "nginx")
    old, new = "Praktijktesten op de arbeidsmarkt", "Praktijktesten op de hele arbeidsmarkt"
    query = {
        "query": 'SELECT ?t WHERE { ?a <http://purl.org/dc/terms/title> ?t FILTER CONTAINS(?t, "Praktijktesten") }'
    }
    try:
        httpx.get(f"{nginx.url}/sparql", params=query, headers={"Accept": "text/csv"})
        cached = httpx.get(f"{nginx.url}/sparql", params=query, headers={"Accept": "text/csv"})
        assert cached.headers["x-cache-status"] == "HIT" and old in cached.text
        before = httpx.get(f"{server.url}/health").json()["dataset"]
        source = data / "source" / "hgkbp-2025-2029.txt"
        source.write_text(source.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        build_dist(dist, data)
        # nginx keys on the new build at once; until the server has reloaded, its answers are not kept
        seen = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            answer = httpx.get(f"{nginx.url}/sparql", params=query, headers={"Accept": "text/csv"})
            seen.append((answer.headers["x-cache-status"], new in answer.text))
            if httpx.get(f"{server.url}/health").json()["dataset"] != before and seen[-1][1]:
                break
            time.sleep(0.2)
        assert seen[0][0] == "MISS"  # never the HIT of the old build
        assert ("HIT", False) not in seen  # an answer of the old dataset was never stored for the new build
        final = httpx.get(f"{nginx.url}/sparql", params=query, headers={"Accept": "text/csv"})
        assert new in final.text and final.headers["x-cache-status"] == "HIT"
        page = httpx.get(f"{nginx.url}/doc/actie/hgkbp-2025-2029/10.ttl")
        assert new in page.text and _from_file(page)  # the new files, without reloading nginx
    finally:
        nginx.stop()
        server.stop()
