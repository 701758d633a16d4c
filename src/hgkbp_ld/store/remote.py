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

The web layer's own queries go through SPARQLWrapper; /sparql's through a lean HTTP/1.1 client
(`wire`; httpx where the server asks for credentials): the store is its `QueryService`.
Credentials come from the settings (the environment or a file), never from the command line, and
never appear in messages or logs.

By job: this module reads (the current version, the web layer's queries); `publishing` writes a
version; `proxy` answers /sparql; `endpoint` is the connection (where, who, retries); `wire` is
/sparql's HTTP client.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node
from SPARQLWrapper import DIGEST, JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper import SPARQLExceptions as sparql_errors

from hgkbp_ld.sparql.rewrite import add_dataset, insert_values, rewrite_dataset, uses_graph
from hgkbp_ld.store.base import DESCRIBE, Dataset, Row, StoreError, read_manifest, to_rdflib
from hgkbp_ld.store.endpoint import Endpoint, retrying
from hgkbp_ld.store.proxy import SparqlProxy, json_to_ox, rename_term
from hgkbp_ld.store.publishing import EMPTY, MERGE, NS, PUBLICATIONS, Published, Publishing, Record, graph_name
from hgkbp_ld.store.wire import WireClient

__all__ = ["EMPTY", "MERGE", "NS", "PUBLICATIONS", "Endpoint", "Published", "RemoteStore", "graph_name"]


class RemoteStore(Publishing, SparqlProxy):
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
        self._wire: WireClient | None = None  # and its lean one (`hgkbp_ld.store.wire`)
        self._loop: asyncio.AbstractEventLoop | None = None  # the event loop `_async` belongs to
        self.virtuoso = False  # whether the server is Virtuoso, which needs a word about DESCRIBE

        # --- reading ---------------------------------------------------------------------------------------

    def current(self) -> Record | None:
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
        return Record(
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
            return retrying(
                "querying the store", self.endpoint.query, self.endpoint.retries, lambda: wrapper.query().convert()
            )
        except sparql_errors.SPARQLWrapperException as error:
            raise StoreError(f"the store at {self.endpoint.query} refused a query: {error}") from None

    def _select_raw(self, query: str) -> list[dict[str, Node]]:
        """A SELECT on the whole store, as it is (the publication records)."""
        data = self._ask(query, JSON)
        return [{k: to_rdflib(json_to_ox(v, {})) for k, v in b.items()} for b in data["results"]["bindings"]]  # type: ignore[index]

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
            {k: to_rdflib(json_to_ox(v, rename)) for k, v in b.items()}
            for b in data["results"]["bindings"]  # type: ignore[index]
        ]

    def construct(self, query: str, bindings: dict[str, Node] | None = None) -> Graph:
        text, dataset = self._prepare(query, bindings)
        body = self._ask(text, TURTLE, dataset)
        graph = Graph()
        for triple in ox.parse(bytes(body), format=ox.RdfFormat.N_TRIPLES):  # type: ignore[arg-type]
            graph.add(tuple(to_rdflib(rename_term(t, self._canonical)) for t in triple.triple))  # type: ignore[arg-type, misc]
        return graph

    def describe(self, iri: str) -> Graph:
        return self.construct(DESCRIBE, {"this": URIRef(iri)})
