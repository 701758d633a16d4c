"""The remote store: any SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, QLever) over HTTP.

Publishing never touches what readers use. Every graph of a new version (each plan, the catalogue,
the vocabulary, and the merge of them all, which is the default graph) is uploaded under a name of
its own, through the Graph Store HTTP Protocol or, where a server lacks it, SPARQL Update; each
graph's triple count is checked; only then does a small record in the publication graph make the
version current. Readers look up the current record and query that version's graphs, so they never
see a half-loaded plan, and a failed load leaves the previous version serving. (An in-place switch,
`MOVE` or `DROP` + `INSERT`, is not atomic on Virtuoso: readers saw a graph half moved.) After a
successful publish, versions older than the previous one are dropped.

Clients only ever see the canonical graph names (the manifest's dataset IRIs): an IRI after GRAPH,
FROM or FROM NAMED that names a published graph is rewritten to the current version's graph, and
results name the canonical graph again (`hgkbp_ld.sparql.rewrite.rewrite_dataset`).

The web layer's own queries go through SPARQLWrapper; /sparql's (the store is its `QueryService`:
`run`) through httpx, asynchronously, re-serialising the server's answer so that both stores speak the same protocol:
the same formats, the same row cap, the same refusals. Credentials come from the settings (the
environment or a file), never from the command line, and never appear in messages or logs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import heapq
import json
import logging
import time
import urllib.error
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode, urlsplit

import httpx
import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node
from SPARQLWrapper import DIGEST, JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper import SPARQLExceptions as sparql_errors

from hgkbp_ld.sparql.lexer import shape
from hgkbp_ld.sparql.pool import WorkerPool
from hgkbp_ld.sparql.results import Answer, Job, boolean_answer, graph_answer, solutions_answer
from hgkbp_ld.sparql.rewrite import add_dataset, insert_values, rewrite_dataset, uses_graph
from hgkbp_ld.sparql.service import QueryService, QueryTimeout
from hgkbp_ld.store.base import DESCRIBE, VOCABULARY_GRAPH, Dataset, Row, StoreError, read_manifest, to_rdflib

log = logging.getLogger("hgkbp_ld")
T = TypeVar("T")

NS = "urn:hgkbp-ld:"
PUBLICATIONS = f"{NS}publicaties"  # the graph of publication records
EMPTY = f"{NS}leeg"  # a graph that never holds a triple: FROM an unknown graph reads nothing
MERGE = "standaardgraaf"
_XSD = "http://www.w3.org/2001/XMLSchema#"


def graph_name(publication: str, canonical: str) -> str:
    """The name under which one publication stores one graph (or MERGE, the default graph)."""
    return f"{NS}graaf:{publication}:{canonical}"


@dataclass(frozen=True)
class Endpoint:
    """Where the store answers, and how to sign in. `repr` never shows the password."""

    query: str
    update: str
    graphs: str | None = None  # Graph Store HTTP Protocol; None: load with SPARQL Update
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    auth: str = "digest"  # or "basic"
    timeout: float = 120.0  # seconds for one request
    retries: int = 4  # further attempts after a connection error, with backoff 0.5, 1, 2, 4 s

    def __post_init__(self) -> None:
        for url in (self.query, self.update, self.graphs):
            if url is None:
                continue
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise StoreError(f"not an http(s) URL for the store: {url!r}")
            if parts.username or parts.password:
                raise StoreError(
                    "a store URL must not carry credentials (they would end up in logs and shell history); "
                    "set HGKBP_STORE_USER and HGKBP_STORE_PASSWORD or HGKBP_STORE_PASSWORD_FILE instead"
                )
        if self.auth not in ("digest", "basic"):
            raise StoreError(f"HGKBP_STORE_AUTH must be 'digest' or 'basic', not {self.auth!r}")

    def httpx_auth(self) -> httpx.Auth | None:
        if self.user is None:
            return None
        password = self.password or ""
        return httpx.DigestAuth(self.user, password) if self.auth == "digest" else httpx.BasicAuth(self.user, password)


_RETRIABLE = (httpx.TransportError, urllib.error.URLError, ConnectionError, TimeoutError)


def _retrying(what: str, url: str, retries: int, call: Callable[[], T]) -> T:
    """`call`, again after a connection error or a 502/503/504, with exponential backoff."""
    for attempt in range(retries + 1):
        try:
            return call()
        except httpx.HTTPStatusError as error:
            if error.response.status_code not in (502, 503, 504) or attempt == retries:
                raise StoreError(_status_message(what, url, error.response)) from None
            reason = f"HTTP {error.response.status_code}"
        except urllib.error.HTTPError as error:
            if error.code not in (502, 503, 504) or attempt == retries:
                raise StoreError(f"{what}: the store at {url} answered HTTP {error.code}") from None
            reason = f"HTTP {error.code}"
        except _RETRIABLE as error:
            reason = f"{type(error).__name__}: {error}"
            if attempt == retries:
                raise StoreError(
                    f"{what}: the store at {url} does not answer ({reason}) after {retries + 1} attempts; "
                    "is it running and reachable?"
                ) from None
        delay = 0.5 * 2**attempt
        log.warning("%s: %s; trying again in %.1f s", what, reason, delay)
        time.sleep(delay)
    raise AssertionError("unreachable")


def _status_message(what: str, url: str, response: httpx.Response) -> str:
    text = " ".join(response.text.split())[:300]
    hint = " (check HGKBP_STORE_USER and the password)" if response.status_code in (401, 403) else ""
    return f"{what}: the store at {url} answered HTTP {response.status_code}{hint}: {text}"


# --- terms between the server's answers and ours ------------------------------------------------------


def _json_to_ox(term: dict[str, str], rename: dict[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    kind = term["type"]
    value = term["value"]
    if kind == "uri":
        return ox.NamedNode(rename.get(value, value))
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in term:
        return ox.Literal(value, language=term["xml:lang"])
    datatype = term.get("datatype")
    if datatype and datatype != f"{_XSD}string":
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


def _rename(term: ox.NamedNode | ox.BlankNode | ox.Literal, rename: dict[str, str]) -> object:
    if isinstance(term, ox.NamedNode) and term.value in rename:
        return ox.NamedNode(rename[term.value])
    return term


@dataclass(frozen=True)
class Published:
    publication: str  # the record's id: version prefix and time
    version: str  # sha256 of the manifest
    graphs: dict[str, int]  # canonical graph -> triples, MERGE included
    seconds: float
    uploaded: bool  # False: the store already served this version


@dataclass(frozen=True)
class _Record:
    publication: str
    version: str
    counts: dict[str, int]
    manifest: dict


class RemoteStore:
    """A SPARQL 1.1 server. `publish` writes a version; `load` serves the version the store holds."""

    def __init__(self, endpoint: Endpoint, chunk: int = 20_000) -> None:
        self.endpoint = endpoint
        self.chunk = chunk  # triples per upload request
        self.dataset: Dataset | None = None
        self.publication: str | None = None
        self._names: dict[str, str] = {}  # canonical graph -> this version's graph
        self._canonical: dict[str, str] = {}  # and back
        self._client = httpx.Client(timeout=endpoint.timeout, auth=endpoint.httpx_auth())
        self._async: httpx.AsyncClient | None = None  # /sparql's connection, opened by `start`
        self._loop: asyncio.AbstractEventLoop | None = None  # the event loop `_async` belongs to
        self.virtuoso = False  # whether the server is Virtuoso, which needs a word about DESCRIBE

    # --- writing ---------------------------------------------------------------------------------------

    def _update(self, text: str, what: str) -> None:
        def call() -> None:
            response = self._client.post(
                self.endpoint.update,
                content=text.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            )
            response.raise_for_status()

        _retrying(what, self.endpoint.update, self.endpoint.retries, call)

    def _upload(self, graph: str, lines: list[str], what: str) -> None:
        body = "".join(lines)
        if self.endpoint.graphs is None:
            self._update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}", what)
            return
        url = self.endpoint.graphs

        def call() -> None:
            response = self._client.post(
                url,
                params={"graph": graph},
                content=body.encode("utf-8"),
                headers={"Content-Type": "application/n-triples; charset=utf-8"},
            )
            response.raise_for_status()

        _retrying(what, url, self.endpoint.retries, call)

    def publish(self, dist: Path, progress: Callable[[str], None] = lambda _m: None, force: bool = False) -> Published:
        """Upload `dist/` as a new version, check it, make it current, drop versions before the last.
        A build the store already serves is not uploaded again, unless `force`."""
        started = time.perf_counter()
        manifest, version = read_manifest(dist)
        current = self.current()
        if current is not None and current.version == version and not force:
            progress(f"the store already serves version {version[:12]}: nothing to do (--force uploads it again)")
            return Published(current.publication, version, current.counts, time.perf_counter() - started, False)
        now = dt.datetime.now(dt.UTC)
        publication = f"{version[:16]}-{now.strftime('%Y%m%dT%H%M%S%fZ')}"
        sources = _sources(dist, manifest)
        names = {canonical: graph_name(publication, canonical) for canonical in [*sources, MERGE]}
        record = f"{NS}publicatie:{publication}"
        graphs_list = ", ".join(f"<{g}>" for g in names.values())
        self._update(
            f"INSERT DATA {{ GRAPH <{PUBLICATIONS}> {{ <{record}> a <{NS}Publicatie> ; "
            f"<{NS}versie> {_string(version)} ; <{NS}begonnen> {_datetime(now)} ; <{NS}graaf> {graphs_list} . }} }}",
            "recording the publication",
        )
        try:
            counts = self._upload_all(sources, names, progress)
            progress("checking the triple count of every graph")
            for canonical, expected in counts.items():
                found = self._count(names[canonical])
                if found != expected:
                    raise StoreError(
                        f"graph {canonical}: the store holds {found} triples after the upload, {expected} were sent"
                    )
            payload = json.dumps(manifest, ensure_ascii=False, sort_keys=True)
            self._update(
                f"INSERT DATA {{ GRAPH <{PUBLICATIONS}> {{ <{record}> <{NS}manifest> {_string(payload)} ; "
                f"<{NS}aantallen> {_string(json.dumps(counts, sort_keys=True))} ; "
                f"<{NS}gepubliceerd> {_datetime(dt.datetime.now(dt.UTC))} . }} }}",
                "recording the manifest",
            )
            # The switch: one triple. Readers take the newest complete record.
            self._update(
                f"INSERT DATA {{ GRAPH <{PUBLICATIONS}> {{ <{record}> <{NS}compleet> true . }} }}",
                "making the new version current",
            )
        except StoreError:
            try:  # best effort: the half-loaded graphs are not served, but they take room
                self._drop([record])
            except StoreError:
                pass
            raise
        progress(f"version {version[:12]} is current")
        try:
            dropped = self._drop(self._stale(keep=record))
            if dropped:
                progress(f"dropped {dropped} older publication(s)")
        except StoreError as error:  # the new version serves; old graphs only take room
            progress(f"note: could not drop older publications ({error})")
        return Published(publication, version, counts, time.perf_counter() - started, True)

    def _upload_all(
        self, sources: dict[str, list[str]], names: dict[str, str], progress: Callable[[str], None]
    ) -> dict[str, int]:
        counts: dict[str, int] = {}
        for canonical, lines in sources.items():
            counts[canonical] = self._upload_lines(names[canonical], lines, canonical, progress)
        merged = _merge(sources.values())
        counts[MERGE] = self._upload_lines(names[MERGE], merged, "the default graph (the merge)", progress)
        return counts

    def _upload_lines(self, graph: str, lines: Iterable[str], label: str, progress: Callable[[str], None]) -> int:
        sent = 0
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) == self.chunk:
                sent += len(batch)
                self._upload(graph, batch, f"uploading {label}")
                batch = []
                progress(f"uploading {label}: {sent} triples")
        if batch:
            sent += len(batch)
            self._upload(graph, batch, f"uploading {label}")
        progress(f"uploaded {label}: {sent} triples")
        return sent

    def _records(self) -> list[dict[str, Node]]:
        return self._select_raw(
            f"SELECT ?record ?complete ?started WHERE {{ GRAPH <{PUBLICATIONS}> {{ ?record <{NS}begonnen> ?started . "
            f"OPTIONAL {{ ?record <{NS}compleet> ?complete }} }} }} ORDER BY DESC(?started)"
        )

    def _stale(self, keep: str) -> list[str]:
        """Records to drop: every incomplete attempt but `keep`, and complete ones older than the last two."""
        stale, complete = [], 0
        for row in self._records():
            record = str(row["record"])
            if record == keep:
                complete += 1
                continue
            if "complete" in row:
                complete += 1
                if complete <= 2:
                    continue
            stale.append(record)
        return stale

    def _drop(self, records: list[str]) -> int:
        for record in records:
            rows = self._select_raw(f"SELECT ?g WHERE {{ GRAPH <{PUBLICATIONS}> {{ <{record}> <{NS}graaf> ?g }} }}")
            for row in rows:
                self._update(f"DROP SILENT GRAPH <{row['g']}>", "dropping an old graph")
            self._update(
                f"DELETE WHERE {{ GRAPH <{PUBLICATIONS}> {{ <{record}> ?p ?o }} }}", "dropping an old publication"
            )
        return len(records)

    def _count(self, graph: str) -> int:
        rows = self._select_raw(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]) if rows else 0

    # --- reading ---------------------------------------------------------------------------------------

    def current(self) -> _Record | None:
        """The newest complete publication in the store, or None."""
        rows = self._select_raw(
            f"SELECT ?record ?version ?counts ?manifest WHERE {{ GRAPH <{PUBLICATIONS}> {{ "
            f"?record <{NS}compleet> true ; <{NS}versie> ?version ; <{NS}aantallen> ?counts ; "
            f"<{NS}manifest> ?manifest ; <{NS}gepubliceerd> ?when }} }} ORDER BY DESC(?when) DESC(?record) LIMIT 1"
        )
        if not rows:
            return None
        row = rows[0]
        publication = str(row["record"])[len(f"{NS}publicatie:") :]
        return _Record(
            publication, str(row["version"]), json.loads(str(row["counts"])), json.loads(str(row["manifest"]))
        )

    def version(self) -> str | None:
        """The version the store serves now (cheap: for a watcher)."""
        record = self.current()
        return record.version if record else None

    def load(self, dist: Path) -> Dataset:
        """Serve the store's current version; `dist/` (for the files) must hold the same build."""
        _manifest, version = read_manifest(dist)
        record = self.current()
        if record is None:
            raise StoreError(
                f"the store at {self.endpoint.query} holds no publication yet: "
                f"run 'hgkbp-ld publish --dist {dist} --store {self.endpoint.query}' first"
            )
        if record.version != version:
            raise StoreError(
                f"the store at {self.endpoint.query} serves version {record.version[:12]}, but {dist} holds "
                f"{version[:12]}: publish this build with 'hgkbp-ld publish --dist {dist} --store ...', "
                "or serve the build that was published"
            )
        try:  # what DESCRIBE means differs per server (SPARQL 1.1 §16.4): see `answer`
            server = self._client.get(self.endpoint.query, params={"query": "ASK {}"}).headers.get("server", "")
        except httpx.HTTPError:
            server = ""
        self.virtuoso = server.startswith("Virtuoso")
        graphs = {g: n for g, n in record.counts.items() if g != MERGE}
        names = {g: graph_name(record.publication, g) for g in record.counts}
        self._names = {g: n for g, n in names.items() if g != MERGE}
        self._canonical = {n: g for g, n in self._names.items()}
        self._merge = names[MERGE]
        self.publication = record.publication
        self.dataset = Dataset(version, graphs, record.manifest, record.counts[MERGE])
        return self.dataset

    def _wrapper(self, query: str, fmt: str, dataset: bool) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.endpoint.query)
        if fmt == TURTLE:  # ask for N-Triples: Virtuoso's Turtle writes "1"^^xsd:decimal as 1, an integer
            wrapper.addCustomHttpHeader("Accept", "application/n-triples")
            wrapper.setOnlyConneg(True)  # no format=turtle parameter beside the Accept header
        if dataset:  # the protocol's dataset: this version's merge as the default graph
            wrapper.addDefaultGraph(self._merge)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setReturnFormat(fmt)
        wrapper.setTimeout(int(self.endpoint.timeout))
        if self.endpoint.user is not None:
            wrapper.setCredentials(self.endpoint.user, self.endpoint.password or "")
            if self.endpoint.auth == "digest":
                wrapper.setHTTPAuth(DIGEST)
        wrapper.setQuery(query)
        return wrapper

    def _ask(self, query: str, fmt: str, dataset: bool = False) -> object:
        wrapper = self._wrapper(query, fmt, dataset)
        try:
            return _retrying(
                "querying the store", self.endpoint.query, self.endpoint.retries, lambda: wrapper.query().convert()
            )
        except sparql_errors.SPARQLWrapperException as error:
            raise StoreError(f"the store at {self.endpoint.query} refused a query: {error}") from None

    def _select_raw(self, query: str) -> list[dict[str, Node]]:
        """A SELECT on the whole store, as it is (the publication records)."""
        data = self._ask(query, JSON)
        return [{k: to_rdflib(_json_to_ox(v, {})) for k, v in b.items()} for b in data["results"]["bindings"]]  # type: ignore[index]

    def _prepare(self, query: str, bindings: dict[str, Node] | None) -> tuple[str, bool]:
        """The query for this version's graphs, and whether it needs the protocol's dataset."""
        if self.dataset is None:
            raise StoreError("no dataset loaded")
        if bindings:
            query = insert_values(query, {k: v.n3() for k, v in bindings.items()})
        text, own_dataset = rewrite_dataset(query, self._names, EMPTY, base=None)
        if own_dataset:
            return text, False
        return self._dataset(text)

    def _dataset(self, text: str) -> tuple[str, bool]:
        """This version's dataset for a query without its own: in the text when it has GRAPH patterns
        (all the version's graphs as named graphs, and EMPTY: see rewrite_dataset), else only the
        merge as the protocol's default graph. (Named graphs as protocol parameters come back from
        Virtuoso as one response header each: past 100, Python's HTTP clients refuse the answer.)
        Returns the text and whether the protocol's default graph must be set."""
        if uses_graph(text):
            return add_dataset(text, self._merge, [*self._names.values(), EMPTY]), False
        return text, True

    def select(self, query: str, bindings: dict[str, Node] | None = None) -> list[Row]:
        text, dataset = self._prepare(query, bindings)
        data = self._ask(text, JSON, dataset)
        rename = self._canonical
        return [
            {k: to_rdflib(_json_to_ox(v, rename)) for k, v in b.items()}
            for b in data["results"]["bindings"]  # type: ignore[index]
        ]

    def construct(self, query: str, bindings: dict[str, Node] | None = None) -> Graph:
        text, dataset = self._prepare(query, bindings)
        body = self._ask(text, TURTLE, dataset)
        graph = Graph()
        for triple in ox.parse(bytes(body), format=ox.RdfFormat.N_TRIPLES):  # type: ignore[arg-type]
            graph.add(tuple(to_rdflib(_rename(t, self._canonical)) for t in triple.triple))  # type: ignore[arg-type, misc]
        return graph

    def describe(self, iri: str) -> Graph:
        return self.construct(DESCRIBE, {"this": URIRef(iri)})

    # --- the /sparql proxy: a QueryService -------------------------------------------------------------

    def queries(self, workers: WorkerPool) -> QueryService:
        """The query service for /sparql: this store, in front of its server."""
        return self

    async def start(self) -> None:
        if self._async is None:
            self._async = httpx.AsyncClient(auth=self.endpoint.httpx_auth())
            self._loop = asyncio.get_running_loop()

    async def stop(self) -> None:
        if self._async is not None:
            await self._async.aclose()
            self._async = None

    def close(self) -> None:
        """Close both connections to the server: the one of the web layer's own queries now, and
        /sparql's on its event loop (this may be called from the reload watcher's thread)."""
        self._client.close()
        client, loop, self._async = self._async, self._loop, None
        if client is not None and loop is not None and not loop.is_closed():
            asyncio.run_coroutine_threadsafe(client.aclose(), loop)

    def inline(self, job: Job) -> bool:
        return False  # every query goes to the server

    def published(self) -> str | None:
        """The version the store serves now: someone may have published a new one."""
        return self.version()

    async def run(self, job: Job, timeout: float, fast: bool = False) -> Answer:
        """A protocol request, answered by the store, in our formats. Raises QueryTimeout past `timeout`."""
        if self._async is None:
            await self.start()
        client = self._async
        assert client is not None
        form = shape(job.query).form
        if form is None:  # Virtuoso answers an empty or wordless query with a 500
            return Answer(
                400,
                b"Ongeldige SPARQL-query: geen SELECT, ASK, CONSTRUCT of DESCRIBE gevonden.\n",
                "text/plain; charset=utf-8",
            )
        try:
            text, own_dataset = rewrite_dataset(job.query, self._names, EMPTY, base=job.base)
        except ValueError as error:
            return Answer(400, f"Ongeldige SPARQL-query: {error}\n".encode(), "text/plain; charset=utf-8")
        if form == "DESCRIBE" and self.virtuoso:
            # Virtuoso's DESCRIBE adds the resources that point to it; oxigraph's (and ours, on the
            # embedded store) is the concise bounded description: its own triples.
            text = f'DEFINE sql:describe-mode "CBD" {text}'
        params: list[tuple[str, str]] = [("query", text)]
        if job.default_graphs is not None or job.named_graphs is not None:
            params += [("default-graph-uri", self._names.get(g, EMPTY)) for g in job.default_graphs or ()]
            params += [("named-graph-uri", self._names.get(g, EMPTY)) for g in job.named_graphs or ()]
            if not job.default_graphs:  # named-graph-uri alone: the default graph is empty
                params.append(("default-graph-uri", EMPTY))
            params.append(("named-graph-uri", EMPTY))  # see rewrite_dataset
        elif not own_dataset:
            text, protocol = self._dataset(text)
            params = [("query", text), *([("default-graph-uri", self._merge)] if protocol else [])]
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        accept = "application/n-triples" if graph_form else "application/sparql-results+json"
        try:
            response = await client.post(
                self.endpoint.query,
                content=urlencode(params).encode("ascii"),
                headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
                timeout=timeout,
            )
        except httpx.TimeoutException:
            raise QueryTimeout from None
        except httpx.TransportError as error:
            return Answer(
                503,
                f"De SPARQL-server antwoordt niet ({type(error).__name__}); probeer later opnieuw.\n".encode(),
                "text/plain; charset=utf-8",
            )
        if response.headers.get("x-sql-state", "").startswith("S1T"):  # Virtuoso's partial "anytime" answer
            raise QueryTimeout
        if response.status_code == 400 or (response.status_code == 500 and _query_error(response.text)):
            message = " ".join(response.text.split())
            message = message.split(" SPARQL query:", 1)[0]  # Virtuoso repeats the query (with its pragmas)
            for name, canonical in self._canonical.items():
                message = message.replace(name, canonical)
            message = message[:500]
            return Answer(400, f"Ongeldige SPARQL-query: {message}\n".encode(), "text/plain; charset=utf-8")
        if response.status_code != 200:
            if "timed out" in response.text or "S1T00" in response.text:
                raise QueryTimeout
            return Answer(
                502,
                f"De SPARQL-server gaf een fout (HTTP {response.status_code}).\n".encode(),
                "text/plain; charset=utf-8",
            )
        return _reserialise(response.content, form, job, self._canonical)


def _query_error(text: str) -> bool:
    """Whether a server error is the query's fault: Virtuoso's SQL states 37000 (syntax), 22xxx (data)."""
    return text.startswith(("Virtuoso 37000", "Virtuoso 22"))


def _ask_value(data: dict) -> bool:
    """An ASK answer: the protocol's `boolean`, or Virtuoso's one-row `__ASK_RETVAL` table (what it
    sends for ASK when asked for application/sparql-results+json)."""
    if "boolean" in data:
        return bool(data["boolean"])
    bindings = data.get("results", {}).get("bindings", [])
    return any(str(cell.get("value")) not in ("0", "false") for row in bindings for cell in row.values())


def _reserialise(body: bytes, form: str | None, job: Job, rename: dict[str, str]) -> Answer:
    if form in ("CONSTRUCT", "DESCRIBE"):
        triples = (
            ox.Triple(_rename(q.subject, rename), q.predicate, _rename(q.object, rename))  # type: ignore[arg-type]
            for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        )
        return graph_answer(triples, job)
    data = json.loads(body)
    if form == "ASK" or "boolean" in data:
        return boolean_answer(_ask_value(data), job)
    variables = list(data["head"].get("vars", []))
    rows = ([_json_to_ox(b[v], rename) if v in b else None for v in variables] for b in data["results"]["bindings"])
    return solutions_answer(variables, rows, job)


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid SPARQL string literal


def _datetime(moment: dt.datetime) -> str:
    return f'"{moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}"^^<{_XSD}dateTime>'


def _sources(dist: Path, manifest: dict) -> dict[str, list[str]]:
    """Every graph of a build as sorted N-Triples lines: plans, catalogue, vocabulary."""
    sources: dict[str, list[str]] = {}
    for slug, plan in sorted(manifest.get("plans", {}).items()):
        sources[plan["graph"]] = _ntriples(dist / f"{slug}.nt", ox.RdfFormat.N_TRIPLES)
    catalogue = manifest.get("catalogue")
    if catalogue:
        sources[catalogue["graph"]] = _ntriples(dist / catalogue["file"], ox.RdfFormat.TURTLE)
    sources[VOCABULARY_GRAPH] = _ntriples(dist / "beleidsplan.ttl", ox.RdfFormat.TURTLE)
    return sources


def _ntriples(path: Path, fmt: ox.RdfFormat) -> list[str]:
    try:
        triples = {str(t) + " .\n" for t in ox.parse(path=str(path), format=fmt)}
    except (OSError, SyntaxError) as error:
        raise StoreError(f"cannot read {path}: {error}; rebuild with 'hgkbp-ld build'") from None
    return sorted(triples)


def _merge(sources: Iterable[list[str]]) -> Iterator[str]:
    """The RDF merge of sorted, duplicate-free line lists, each triple once (no blank nodes are published)."""
    previous = None
    for line in heapq.merge(*sources):
        if line != previous:
            yield line
        previous = line
