"""Publishing to and serving from a real SPARQL server (Virtuoso), beyond the tests both stores share.

- The same site: every page and RDF representation served from Virtuoso equals the embedded store's.
- Atomic switch: readers of /sparql during a publish see the old version or the new, never a mix.
- Faults: Virtuoso killed mid-load: publish exits 1 with a clear message, the old version keeps
  serving, and after a restart the same publish succeeds and the half-loaded graphs are gone.
- Credentials: from the environment or a file; refused in a URL; never printed.
- The query rewriting that keeps canonical graph names (unit tests, no server).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from hgkbp_ld.sparql.rewrite import insert_values, rewrite_dataset
from hgkbp_ld.store import read_manifest
from tests import conftest
from tests.conftest import EPOCH, ROOT, Server, Virtuoso, publish, rerender
from tests.processes import cli

JSON = {"Accept": "application/sparql-results+json"}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PLAN_GRAPH = "https://data.vlaanderen.be/id/dataset/hgkbp-2025-2029"


# A second version, the real plan and a second plan beside it (more triples, another manifest): the run's
# build (tests/conftest.py), named here too because test_sparql_fair imports it from this module.
dist_b = conftest.dist_b


def count(url: str, query: str = COUNT) -> int:
    response = httpx.post(f"{url}/sparql", data={"query": query}, headers=JSON, timeout=30)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def deploy(source: Path, target: Path) -> None:
    """Put a build in place the way a deployment does: a copy beside it, then one rename."""
    staging = target.with_name(target.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging)
    old = target.with_name(target.name + ".old")
    target.rename(old)
    staging.rename(target)
    shutil.rmtree(old)


def wait_for(condition: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def version_of(url: str) -> str:
    return httpx.get(f"{url}/health", timeout=10).json()["dataset"]


# --- the same site on both stores -------------------------------------------------------------------------


def _normalised(text: str, port: int) -> str:
    text = text.replace(f"127.0.0.1:{port}", "HOST")  # VoID names the endpoint by the host asked
    # oxigraph stores "230619"^^xsd:nonNegativeInteger as xsd:integer (oxigraph/oxigraph#526, literal
    # normalisation); Virtuoso keeps the datatype the build wrote. Only the catalogue's byte sizes have one.
    text = re.sub(r'"(\d+)"\^\^<http://www\.w3\.org/2001/XMLSchema#nonNegativeInteger>', r"\1", text)
    return re.sub(r'\{\s*"@type": "xsd:nonNegativeInteger",\s*"@value": "(\d+)"\s*\}', r"\1", text)


def test_every_page_is_the_same_on_both_stores(dist: Path, request: pytest.FixtureRequest) -> None:
    # the process's servers of the run's build on each store (tests/conftest.py: the remote one after
    # publishing the build into the session's Virtuoso), as the both-store modules use them
    embedded = conftest.shared_server("embedded", dist, request)
    remote = conftest.shared_server("virtuoso", dist, request)
    rows = httpx.post(
        f"{embedded.url}/sparql",
        data={
            "query": "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://data.vlaanderen.be/id/')) }"
        },
        headers=JSON,
    ).json()["results"]["bindings"]
    paths = sorted({r["s"]["value"].replace("https://data.vlaanderen.be/id/", "/doc/").split("#")[0] for r in rows})
    paths += [
        "/",
        "/acties",
        "/acties?q=toegankelijk&bevoegdheid=welzijn",
        "/data/",
        "/ns/beleidsplan",
        "/.well-known/void",
    ]
    assert len(paths) > 300
    differ = []
    with httpx.Client(timeout=30) as client:
        for path in paths:
            for accept in ("text/html", "text/turtle", "application/ld+json"):
                a = client.get(embedded.url + path, headers={"Accept": accept})
                b = client.get(remote.url + path, headers={"Accept": accept})
                if (a.status_code, _normalised(a.text, embedded.port)) != (
                    b.status_code,
                    _normalised(b.text, remote.port),
                ):
                    differ.append(f"{path} {accept}")
    assert differ == [], f"{len(differ)} of {len(paths) * 3} answers differ: {differ[:10]}"


# --- publishing while serving --------------------------------------------------------------------------------


def test_readers_see_the_old_version_or_the_new_never_a_mix(
    dist: Path, dist_b: Path, new_virtuoso: Virtuoso, tmp_path: Path
) -> None:
    done = publish(dist, new_virtuoso)
    assert done.returncode == 0, done.stderr
    served = tmp_path / "dist"
    shutil.copytree(dist, served)
    four_readers = {"HGKBP_CLIENT_QUERIES": "4", "HGKBP_CLIENT_BUDGET": "3600"}  # one address, four at once
    # The watcher looks at the manifest every 0.5 s (default 2 s): the wait below, while four readers keep
    # the server and Virtuoso busy, spans three looks in 1.5 s instead of one and a half in 3 s.
    four_readers["HGKBP_RELOAD_INTERVAL"] = "0.5"
    server = Server(served, "--store", new_virtuoso.url, "--reload-on-build", env={**new_virtuoso.env, **four_readers})
    try:
        old_total, old_plan = (
            count(server.url),
            count(server.url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{PLAN_GRAPH}> {{ ?s ?p ?o }} }}"),
        )
        seen: list[list[int]] = [[] for _ in range(4)]
        refused: list[str] = []  # answers other than 200, asserted in the main thread (a thread's assert only ends it)
        stop = threading.Event()

        def read(mine: list[int]) -> None:
            with httpx.Client(timeout=30) as client:
                while not stop.is_set():
                    response = client.post(f"{server.url}/sparql", data={"query": COUNT}, headers=JSON)
                    if response.status_code != 200:
                        refused.append(f"{response.status_code}: {response.text}")
                        return
                    mine.append(int(response.json()["results"]["bindings"][0]["n"]["value"]))

        readers = [threading.Thread(target=read, args=(mine,)) for mine in seen]
        for reader in readers:
            reader.start()
        deploy(dist_b, served)  # the new build arrives first: the store still serves the old one
        time.sleep(1.5)
        assert version_of(server.url) != _version(dist_b)  # not swapped in while the store lags behind
        done = publish(dist_b, new_virtuoso, env={"HGKBP_STORE_CHUNK": "200"})  # many small uploads: a long window
        assert done.returncode == 0, done.stderr
        wait_for(lambda: version_of(server.url) == _version(dist_b))
        time.sleep(1)
        stop.set()
        for reader in readers:
            reader.join()
        assert refused == []
        new_total = count(server.url)
        assert new_total > old_total
        for mine in seen:
            assert set(mine) <= {old_total, new_total}, sorted(set(mine))
            switched = mine.index(new_total) if new_total in mine else len(mine)
            assert all(n == old_total for n in mine[:switched]) and all(n == new_total for n in mine[switched:])
        assert sum(len(m) for m in seen) > 20
        # the plan's own graph is still the plan's, under its canonical name
        assert count(server.url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{PLAN_GRAPH}> {{ ?s ?p ?o }} }}") >= old_plan
    finally:
        stop.set()
        server.stop()


def _version(dist: Path) -> str:
    return read_manifest(dist)[1]


def _graphs_in(virtuoso: Virtuoso) -> set[str]:
    response = httpx.post(
        virtuoso.url,
        data={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'urn:hgkbp-ld:')) }"
        },
        headers=JSON,
        timeout=60,
    )
    return {b["g"]["value"] for b in response.json()["results"]["bindings"]}


def test_killing_the_store_mid_load_keeps_the_old_version(
    dist: Path, dist_b: Path, new_virtuoso: Virtuoso, tmp_path: Path
) -> None:
    done = publish(dist, new_virtuoso)
    assert done.returncode == 0, done.stderr
    before_graphs = _graphs_in(new_virtuoso)
    server = Server(dist, "--store", new_virtuoso.url, env=new_virtuoso.env)
    try:
        old_total = count(server.url)
        process = subprocess.Popen(
            cli("publish", "--dist", str(dist_b)),
            cwd=ROOT,
            env={
                **__import__("os").environ,
                **new_virtuoso.env,
                "HGKBP_STORE_CHUNK": "20",
                "HGKBP_STORE_RETRIES": "2",
                "SOURCE_DATE_EPOCH": EPOCH,
            },
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        lines = []
        for line in process.stderr:
            lines.append(line)
            if re.search(r"uploading .*: [1-9]\d{2,} triples", line):  # well into the upload
                new_virtuoso.kill()
                break
        rest = process.communicate(timeout=120)[1]
        stderr = "".join(lines) + rest
        assert process.returncode == 1, stderr
        assert "publish failed, the store still serves its previous version" in stderr
        assert "does not answer" in stderr and "is it running" in stderr
        assert "Traceback" not in stderr
        # the store is down: pages still come from memory, /sparql says what is wrong
        assert (
            httpx.get(f"{server.url}/doc/actie/hgkbp-2025-2029/12", headers={"Accept": "text/html"}).status_code == 200
        )
        down = httpx.post(f"{server.url}/sparql", data={"query": COUNT}, headers=JSON, timeout=30)
        assert down.status_code == 503 and "antwoordt niet" in down.text
        # restarted (its log brings back what was committed): the old version, whole
        new_virtuoso.start()
        assert count(server.url) == old_total
        # the same publish now succeeds, and the half-loaded graphs of the failed attempt are gone
        done = publish(dist_b, new_virtuoso)
        assert done.returncode == 0, done.stderr
        after = _graphs_in(new_virtuoso)
        publications = {g.split(":")[3] for g in after if g.startswith("urn:hgkbp-ld:graaf:")}
        assert len(publications) == 2  # the new one and the previous (A), nothing of the failed attempt
        assert before_graphs <= after  # A is kept as the previous version
    finally:
        server.stop()


def test_serving_needs_the_published_build(dist: Path, dist_b: Path, new_virtuoso: Virtuoso) -> None:
    def serve(folder: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            cli("serve", "--dist", str(folder), "--store", new_virtuoso.url, "--port", "1"),
            cwd=ROOT,
            env={**__import__("os").environ, **new_virtuoso.env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    empty = serve(dist)
    assert empty.returncode == 1 and "holds no publication yet" in empty.stderr and "hgkbp-ld publish" in empty.stderr
    assert publish(dist, new_virtuoso).returncode == 0
    other = serve(dist_b)
    assert other.returncode == 1 and "serves version" in other.stderr, other.stderr
    assert "Traceback" not in empty.stderr + other.stderr
    again = publish(dist, new_virtuoso)
    assert again.returncode == 0 and "already serves" in again.stderr


# --- credentials -------------------------------------------------------------------------------------------


def test_a_wrong_password_is_named_and_never_printed(dist: Path, virtuoso: Virtuoso) -> None:
    secret = "not-the-password-x9q"
    done = publish(dist, virtuoso, "--force", env={"HGKBP_STORE_PASSWORD": secret, "HGKBP_STORE_PASSWORD_FILE": ""})
    assert done.returncode == 1
    assert "401" in done.stderr and "HGKBP_STORE_USER" in done.stderr
    assert secret not in done.stderr + done.stdout


def test_credentials_in_the_url_are_refused(dist: Path, virtuoso: Virtuoso) -> None:
    url = virtuoso.url.replace("http://", "http://dba:secret@")
    done = publish(dist, virtuoso, "--store", url)
    assert done.returncode == 1
    assert "must not carry credentials" in done.stderr and "secret" not in done.stderr


def test_the_password_file_is_read(dist: Path, virtuoso: Virtuoso, tmp_path: Path) -> None:
    assert "HGKBP_STORE_PASSWORD_FILE" in virtuoso.env  # what scripts/virtuoso-dev prints: a file, mode 600
    assert Path(virtuoso.env["HGKBP_STORE_PASSWORD_FILE"]).stat().st_mode & 0o077 == 0
    missing = publish(dist, virtuoso, env={"HGKBP_STORE_PASSWORD_FILE": str(tmp_path / "none")})
    assert missing.returncode == 1 and "password file" in missing.stderr


def test_a_store_that_is_not_there_is_retried_then_named(dist: Path) -> None:
    from tests.conftest import free_port

    url = f"http://127.0.0.1:{free_port()}/sparql"
    started = time.monotonic()
    done = subprocess.run(
        cli("publish", "--dist", str(dist), "--store", url),
        cwd=ROOT,
        env={**__import__("os").environ, "HGKBP_STORE_RETRIES": "2"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert f"the store at {url} does not answer" in done.stderr and "after 3 attempts" in done.stderr
    assert done.stderr.count("trying again") == 2 and time.monotonic() - started >= 1.5  # backoff 0.5 + 1 s


# --- the query rewriting (no server) ------------------------------------------------------------------------

NAMES = {"http://x/g1": "urn:v:g1", "http://x/g2": "urn:v:g2"}


@pytest.mark.parametrize(
    ("query", "expected", "own"),
    [
        ("SELECT * { GRAPH <http://x/g1> { ?s ?p ?o } }", "SELECT * { GRAPH <urn:v:g1> { ?s ?p ?o } }", False),
        (
            "PREFIX x: <http://x/> SELECT * { GRAPH x:g2 { ?s ?p ?o } }",
            "PREFIX x: <http://x/> SELECT * { GRAPH <urn:v:g2> { ?s ?p ?o } }",
            False,
        ),
        ("BASE <http://x/> SELECT * { GRAPH <g1> {} }", "BASE <http://x/> SELECT * { GRAPH <urn:v:g1> {} }", False),
        (
            "SELECT * FROM <http://x/g1> FROM NAMED <http://elsewhere/> { ?s ?p ?o }",
            "SELECT * FROM <urn:v:g1> FROM NAMED <urn:empty> { ?s ?p ?o }",
            True,
        ),
        (
            "SELECT * { GRAPH <http://www.openlinksw.com/schemas/virtrdf#> { ?s ?p ?o } }",
            "SELECT * { GRAPH <urn:empty> { ?s ?p ?o } }",
            False,
        ),
        (
            'SELECT * { ?s ?p "GRAPH <http://x/g1>" } # FROM <http://x/g2>',
            'SELECT * { ?s ?p "GRAPH <http://x/g1>" } # FROM <http://x/g2>',
            False,
        ),
        (
            "SELECT * { <http://x/g1> ?p ?o . GRAPH ?g { ?s ?p ?o } }",
            "SELECT * { <http://x/g1> ?p ?o . GRAPH ?g { ?s ?p ?o } }",
            False,
        ),
        ("select * { graph <http://x/g1> { ?s ?p ?o } }", "select * { graph <urn:v:g1> { ?s ?p ?o } }", False),
    ],
)
def test_rewrite_dataset(query: str, expected: str, own: bool) -> None:
    assert rewrite_dataset(query, NAMES, "urn:empty", base=None) == (expected, own)


def test_rewrite_keeps_the_first_line() -> None:
    text, _own = rewrite_dataset("SELECT ?x WHERE { ?x ?y }", NAMES, "urn:empty", base="http://h/sparql")
    assert text.splitlines()[0].startswith("BASE <http://h/sparql> SELECT")


def test_insert_values_binds_inside_the_where_clause() -> None:
    query = "CONSTRUCT { ?this ?p ?o } WHERE { { ?this ?p ?o } UNION { ?o ?p ?this } }"
    assert insert_values(query, {"this": "<http://x/a>"}) == (
        "CONSTRUCT { ?this ?p ?o } WHERE { VALUES ?this { <http://x/a> } { ?this ?p ?o } UNION { ?o ?p ?this } }"
    )
    with pytest.raises(ValueError):
        insert_values("DESCRIBE <http://x/a>", {"this": "<http://x/a>"})


def test_without_the_graph_store_protocol_it_loads_with_sparql_update(dist: Path, new_virtuoso: Virtuoso) -> None:
    """A server without the Graph Store Protocol: the same publish, in INSERT DATA requests."""
    done = publish(dist, new_virtuoso, env={"HGKBP_STORE_GRAPHS": "", "HGKBP_STORE_CHUNK": "500"})
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("uploading ") >= 4  # the 2,400-triple plan went in several requests
    server = Server(dist, "--store", new_virtuoso.url, env={**new_virtuoso.env, "HGKBP_STORE_GRAPHS": ""})
    try:
        plan = count(server.url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{PLAN_GRAPH}> {{ ?s ?p ?o }} }}")
        manifest = __import__("json").loads((dist / "manifest.json").read_text())
        assert plan == manifest["plans"]["hgkbp-2025-2029"]["triples"]
    finally:
        server.stop()


def test_a_store_with_many_graphs(dist: Path, new_virtuoso: Virtuoso, tmp_path: Path) -> None:
    """150 graphs: Virtuoso echoes each named-graph-uri parameter as a response header, and Python's
    HTTP clients refuse more than 100, so the dataset goes into the query text (FROM NAMED)."""
    import json

    folder = tmp_path / "dist"
    shutil.copytree(dist, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for number in range(150):
        slug = f"extra-{number:03d}"
        (folder / f"{slug}.nt").write_text(f'<urn:x:{number}> <urn:x:p> "{number}" .\n', encoding="utf-8")
        manifest["plans"][slug] = {"graph": f"https://example.org/graaf/{number}", "triples": 1}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    rerender(folder)
    done = publish(folder, new_virtuoso)
    assert done.returncode == 0, done.stderr
    server = Server(folder, "--store", new_virtuoso.url, env=new_virtuoso.env)
    try:
        graphs = count(server.url, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert graphs == 150 + 3  # the plan, the catalogue, the vocabulary
        assert (
            count(server.url, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/graaf/7> { ?s ?p ?o } }") == 1
        )
        assert count(server.url) > 2700  # the merge, as the default graph
        assert httpx.get(f"{server.url}/.well-known/void", headers={"Accept": "text/turtle"}).status_code == 200
    finally:
        server.stop()
