"""/sparql in front of a remote store: the remote store as a `QueryService`.

Each protocol request goes to the server asynchronously (`wire`, on kept-alive connections), with
the current version's graphs as its dataset (canonical graph names rewritten,
`hgkbp_ld.sparql.rewrite`), and the server's answer is written again in our formats, so that both
stores speak the same protocol: the same formats, the same row cap, the same refusals.
`SparqlProxy` is a part of `RemoteStore`.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from hgkbp_ld.sparql.lexer import shape
from hgkbp_ld.sparql.pool import WorkerPool
from hgkbp_ld.sparql.results import Answer, Job, boolean_answer, graph_answer, solutions_answer
from hgkbp_ld.sparql.rewrite import rewrite_dataset
from hgkbp_ld.sparql.service import QueryService, QueryTimeout
from hgkbp_ld.store.endpoint import Endpoint
from hgkbp_ld.store.publishing import EMPTY, XSD
from hgkbp_ld.store.wire import Reply, WireClient, WireError


def json_to_ox(term: dict[str, str], rename: dict[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    kind = term["type"]
    value = term["value"]
    if kind == "uri":
        return ox.NamedNode(rename.get(value, value))
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in term:
        return ox.Literal(value, language=term["xml:lang"])
    datatype = term.get("datatype")
    if datatype and datatype != f"{XSD}string":
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


def rename_term(term: ox.NamedNode | ox.BlankNode | ox.Literal, rename: dict[str, str]) -> object:
    if isinstance(term, ox.NamedNode) and term.value in rename:
        return ox.NamedNode(rename[term.value])
    return term


class SparqlProxy:
    """The /sparql half of RemoteStore (a mixin: it uses the store's endpoint, graph names and reading)."""

    endpoint: Endpoint
    virtuoso: bool
    _names: dict[str, str]
    _canonical: dict[str, str]
    _merge: str
    _client: httpx.Client
    _async: httpx.AsyncClient | None
    _wire: WireClient | None
    _loop: asyncio.AbstractEventLoop | None

    # and RemoteStore's reading: version(), _dataset()

    def queries(self, workers: WorkerPool) -> QueryService:
        """The query service for /sparql: this store, in front of its server."""
        return self

    async def start(self) -> None:
        if self._async is None:
            self._async = httpx.AsyncClient(auth=self.endpoint.httpx_auth())
            self._wire = WireClient(self.endpoint.query)
            self._loop = asyncio.get_running_loop()

    async def stop(self) -> None:
        if self._wire is not None:
            self._wire.close()
            self._wire = None
        if self._async is not None:
            await self._async.aclose()
            self._async = None

    async def _post(self, body: bytes, headers: dict[str, str], timeout: float) -> Reply:
        """The server's answer to a query: through the lean client, or httpx where the server asks
        for credentials (httpx does the challenge)."""
        if self._wire is None or self._async is None:
            await self.start()
        assert self._wire is not None and self._async is not None
        reply = await self._wire.post(body, headers, timeout)
        if reply.status != 401:
            return reply
        response = await self._async.post(self.endpoint.query, content=body, headers=headers, timeout=timeout)
        return Reply(response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content)

    def close(self) -> None:
        """Close both connections to the server: the one of the web layer's own queries now, and
        /sparql's on its event loop (this may be called from the reload watcher's thread)."""
        self._client.close()
        client, wire, loop, self._async, self._wire = self._async, self._wire, self._loop, None, None
        if client is not None and loop is not None and not loop.is_closed():
            asyncio.run_coroutine_threadsafe(client.aclose(), loop)
            if wire is not None:
                loop.call_soon_threadsafe(wire.close)

    def inline(self, job: Job) -> bool:
        return False  # every query goes to the server

    def published(self) -> str | None:
        """The version the store serves now: someone may have published a new one."""
        return self.version()

    async def run(self, job: Job, timeout: float, fast: bool = False) -> Answer:
        """A protocol request, answered by the store, in our formats. Raises QueryTimeout past `timeout`."""
        form = job.form or shape(job.query).form  # /sparql read it already
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
        body = urlencode(params).encode("ascii")
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        try:
            response = await self._post(body, headers, timeout)
        except (httpx.TimeoutException, TimeoutError):
            raise QueryTimeout from None
        except (httpx.TransportError, WireError) as error:
            return Answer(
                503,
                f"De SPARQL-server antwoordt niet ({type(error).__name__}); probeer later opnieuw.\n".encode(),
                "text/plain; charset=utf-8",
            )
        if response.headers.get("x-sql-state", "").startswith("S1T"):  # Virtuoso's partial "anytime" answer
            raise QueryTimeout
        status, text = response.status, response.body.decode("utf-8", "replace") if response.status != 200 else ""
        if status == 400 or (status == 500 and _query_error(text)):
            message = " ".join(text.split())
            message = message.split(" SPARQL query:", 1)[0]  # Virtuoso repeats the query (with its pragmas)
            for name, canonical in self._canonical.items():
                message = message.replace(name, canonical)
            message = message[:500]
            return Answer(400, f"Ongeldige SPARQL-query: {message}\n".encode(), "text/plain; charset=utf-8")
        if status != 200:
            if "timed out" in text or "S1T00" in text:
                raise QueryTimeout
            return Answer(
                502,
                f"De SPARQL-server gaf een fout (HTTP {status}).\n".encode(),
                "text/plain; charset=utf-8",
            )
        return _reserialise(response.body, form, job, self._canonical)


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
            ox.Triple(rename_term(q.subject, rename), q.predicate, rename_term(q.object, rename))  # type: ignore[arg-type]
            for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        )
        return graph_answer(triples, job)
    data = json.loads(body)
    if form == "ASK" or "boolean" in data:
        return boolean_answer(_ask_value(data), job)
    variables = list(data["head"].get("vars", []))
    rows = ([json_to_ox(b[v], rename) if v in b else None for v in variables] for b in data["results"]["bindings"])
    return solutions_answer(variables, rows, job)
