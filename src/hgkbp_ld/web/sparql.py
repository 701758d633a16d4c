"""/sparql: the SPARQL 1.1 Protocol, read-only, with a query page for people.

Protocol rules (https://www.w3.org/TR/sparql11-protocol/): query by GET `?query=`, by POST of a
form, or by POST of `application/sparql-query`; `default-graph-uri` and `named-graph-uri` replace
the query's own dataset. Refusals: an update (403), SERVICE (403), a query longer than the limit
(413), two queries (400), a body that is not UTF-8 (400), another media type (415), another method
(405). A query that runs past its time is stopped (503) while other requests are served.

Fairness (`hgkbp_ld.sparql.fair`): per client a few queries at once and a budget of query time
per minute (429 with Retry-After), a bounded queue (503 with Retry-After), a lane for fast queries.
The client is the peer address, or, from a trusted proxy (HGKBP_TRUSTED_PROXIES), the last address
in X-Forwarded-For that is not one of those proxies. Caching (`hgkbp_ld.sparql.cache`): a GET
answer has an ETag and Cache-Control; If-None-Match gets 304 without running anything, and recent
answers are served from memory. POST answers are not cached. Queries run through the publication's
`QueryService`, whichever store serves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hgkbp_ld.bundled import QUERIES
from hgkbp_ld.iris import doc_href
from hgkbp_ld.sparql import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    Cached,
    Job,
    QueryTimeout,
    Refused,
    etag,
    shape,
)
from hgkbp_ld.sparql.fair import FAST
from hgkbp_ld.web.action_index import plan_links
from hgkbp_ld.web.conneg import HTML, Format, negotiate
from hgkbp_ld.web.http import etag_matches, not_acceptable
from hgkbp_ld.web.service import service_description
from hgkbp_ld.web.sparql_guard import Guard, arrived, client_address, raw_key

router = APIRouter()
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
SELECT_OFFER = (*tuple(Format(t, k, k.upper()) for k, t in RESULT_FORMATS.items()), HTML)
GRAPH_OFFER = (*tuple(Format(t, k, k) for k, (t, _f) in GRAPH_FORMATS.items()), HTML)
DESCRIPTION_OFFER = (*GRAPH_OFFER,)  # GET without a query: the service description, or the page
BROWSER_OFFER = (*SELECT_OFFER[:-1], HTML)  # a person's browser prefers HTML to every result format
ALIASES = {"application/json": "json", "application/xml": "xml", "text/xml": "xml", "text/plain": "tsv"}
TRUNCATED = "X-SPARQL-Truncated"


class ProtocolError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


@dataclass(frozen=True)
class Request_:
    query: str | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    formats: tuple[str, ...]  # values of `format` and `output`, in order


def _pairs(raw: bytes) -> list[tuple[str, str]]:
    """URL-encoded parameters, strictly: raw bytes must be ASCII and decode to UTF-8."""
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise ProtocolError(400, "De parameters zijn niet URL-gecodeerd (RFC 3986).") from None
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, "De parameters zijn geen geldige UTF-8.") from None


async def read_request(request: Request, max_bytes: int) -> Request_:
    pairs = _pairs(request.scope.get("query_string", b""))
    if request.method == "POST":
        content_type = request.headers.get("content-type", "")
        media_type, _, params = content_type.partition(";")
        media_type = media_type.strip().lower()
        charset = dict(p.strip().lower().partition("=")[::2] for p in params.split(";") if "=" in p).get("charset")
        body = await request.body()
        if len(body) > max_bytes * 3:
            raise ProtocolError(413, f"De query is langer dan {max_bytes} bytes.")
        if media_type == FORM:
            pairs += _pairs(body)
        elif media_type == DIRECT:
            if charset not in (None, "utf-8", "utf8"):
                raise ProtocolError(400, f"Een query moet UTF-8 zijn, niet {charset}.")
            try:
                pairs.append(("query", body.decode("utf-8")))
            except UnicodeDecodeError:
                raise ProtocolError(400, "De query is geen geldige UTF-8.") from None
        elif media_type == "application/sparql-update" or (media_type == "" and b"update=" in body[:64]):
            raise ProtocolError(403, "Dit eindpunt is alleen-lezen: updates worden niet aanvaard.")
        else:
            raise ProtocolError(
                415,
                f"POST verwacht {FORM} of {DIRECT}, niet '{media_type or 'geen mediatype'}'.",
                {"Accept-Post": f"{FORM}, {DIRECT}"},
            )
    names = [name for name, _ in pairs]
    if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
        raise ProtocolError(403, "Dit eindpunt is alleen-lezen: updates worden niet aanvaard.")
    queries = [value for name, value in pairs if name == "query"]
    if len(queries) > 1:
        raise ProtocolError(400, "Er mag maar één query tegelijk gevraagd worden.")
    query = queries[0] if queries else None
    if query is not None and len(query.encode("utf-8")) > max_bytes:
        raise ProtocolError(413, f"De query is langer dan {max_bytes} bytes.")
    return Request_(
        query,
        tuple(v for n, v in pairs if n == "default-graph-uri"),
        tuple(v for n, v in pairs if n == "named-graph-uri"),
        tuple(value for name, value in pairs if name in ("format", "output")),
    )


# Names that clients put in `format`/`output` (SPARQLWrapper sends its own), by what they mean.
FORMAT_NAMES = {
    "json": "json",
    "xml": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "html": "html",
    "ttl": "ttl",
    "turtle": "ttl",
    "n3": "ttl",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "rdf": "rdf",
    "rdf+xml": "rdf",
    "rdfxml": "rdf",
}


_CHOSEN: dict[tuple[str | None, tuple[str, ...], int], Format | None] = {}  # clients repeat their Accept
REMEMBERED = 4_096


def _choose(request: Request, wanted: tuple[str, ...], offer: tuple[Format, ...]) -> Format | None:
    """Accept decides; `format`/`output` (the query page, SPARQLWrapper) picks among what Accept allows."""
    key = (request.headers.get("accept"), wanted, id(offer))
    return _remember(_CHOSEN, key, lambda: _negotiate(request, wanted, offer))


def _negotiate(request: Request, wanted: tuple[str, ...], offer: tuple[Format, ...]) -> Format | None:
    by_key = {f.extension: f for f in offer} | {f.media_type: f for f in offer}
    graph = any(f.extension in GRAPH_FORMATS for f in offer)
    accept = request.headers.get("accept")
    if accept:
        for alias, key in ALIASES.items():
            accept = accept.replace(alias, next(f.media_type for f in SELECT_OFFER if f.extension == key))
    for value in wanted:
        for name in (part.strip().lower() for part in value.split(",")):
            xml_graph = graph and name in ("xml", "application/xml")
            key = "rdf" if xml_graph else FORMAT_NAMES.get(name, ALIASES.get(name, name))
            if key in by_key and negotiate(accept, (by_key[key],)) is not None:
                return by_key[key]
    return negotiate(accept, offer)


def _error(error: ProtocolError, page: bool, request: Request) -> Response:
    if page:
        return _page(request, None, None, error.message, status=error.status)
    return Response(error.message + "\n", error.status, media_type="text/plain; charset=utf-8", headers=error.headers)


@router.api_route("/sparql", methods=["GET", "POST", "HEAD"], include_in_schema=False)
@router.api_route("/sparql/", methods=["GET", "POST", "HEAD"], include_in_schema=False)
async def sparql(request: Request) -> Response:
    settings = request.app.state.settings
    # A person's browser names text/html; a program's */* gets the protocol's formats.
    browser = _choose(request, (), BROWSER_OFFER) is HTML
    try:
        protocol = await read_request(request, settings.max_query_bytes)
    except ProtocolError as error:
        return _error(error, browser, request)
    if protocol.query is None:
        fmt = _choose(request, protocol.formats, DESCRIPTION_OFFER)
        if fmt is HTML or (fmt is None and browser):
            return _page(request, None, None, None)
        if fmt is None:
            return not_acceptable(DESCRIPTION_OFFER)
        body = service_description(request, fmt.extension)
        return Response(body, 200, media_type=f"{fmt.media_type}; charset=utf-8", headers={"Vary": "Accept"})
    form = shape(protocol.query)
    if form.update:
        return _error(
            ProtocolError(403, "Dit eindpunt is alleen-lezen: updates worden niet aanvaard."), browser, request
        )
    if form.service:
        return _error(
            ProtocolError(403, "Gefedereerde queries (SERVICE) zijn op dit eindpunt uitgeschakeld."), browser, request
        )
    offer = GRAPH_OFFER if form.form in ("CONSTRUCT", "DESCRIBE") else SELECT_OFFER
    fmt = _choose(request, protocol.formats, offer)
    if fmt is None:
        return not_acceptable(offer)
    page = fmt is HTML
    dataset_given = bool(protocol.default_graphs or protocol.named_graphs)
    current = request.app.state.publication.current
    version = current.site.dataset.version
    base = _base(request)
    job = Job(
        store="",  # the query service knows its store
        base=base,
        query=protocol.query,
        select_format="json" if page else (fmt.extension if fmt.extension in RESULT_FORMATS else "json"),
        graph_format="ttl" if page else (fmt.extension if fmt.extension in GRAPH_FORMATS else "ttl"),
        max_rows=settings.max_rows,
        default_graphs=protocol.default_graphs if dataset_given else None,
        named_graphs=protocol.named_graphs if dataset_given else None,
        tiny=form.tiny,
        form=form.form,
    )
    guarded: Guard = request.app.state.sparql
    key = form.normal
    headers = {"Vary": "Accept"}
    tag = None
    if request.method != "POST" and not page:  # GET answers are cacheable; POST ones are not (RFC 9110 9.3.3)
        dataset = (protocol.default_graphs, protocol.named_graphs) if dataset_given else None
        tag = etag(version, key, fmt.extension, dataset, base)
        headers |= {"ETag": tag, "Cache-Control": f"public, max-age={settings.cache_max_age}"}
        if etag_matches(request.headers.get("if-none-match"), tag):
            return Response(status_code=304, headers=headers)
        hit = guarded.cache.get(tag)
        if hit is not None:
            return _answer(hit, headers, settings.max_rows, guarded, request, version)
    deadline = arrived(request.scope) + settings.query_timeout  # a request held back has spent some
    try:
        address = client_address(
            request.client.host if request.client else "", request.headers.getlist("x-forwarded-for"), guarded.proxies
        )
        inline = current.queries.inline(job)
        async with guarded.gate.admit(address, key, deadline, form.cheap, inline) as lane:
            remaining = max(0.05, deadline - guarded.gate.clock())
            answer = await current.queries.run(job, remaining, fast=lane == FAST)
    except Refused as refusal:
        return _error(
            ProtocolError(refusal.status, refusal.message, {"Retry-After": str(refusal.retry_after)}), page, request
        )
    except QueryTimeout:
        message = f"De query liep langer dan {settings.query_timeout:g} s en werd gestopt. Maak hem eenvoudiger."
        return _error(ProtocolError(503, message, {"Retry-After": "1"}), page, request)
    if answer.status != 200:
        return _error(ProtocolError(answer.status, answer.body.decode("utf-8").strip()), page, request)
    if page:
        return _page(request, protocol.query, answer, None, truncated=answer.truncated)
    cached = Cached(answer.body, answer.media_type, answer.truncated)
    if tag is not None:
        guarded.cache.put(tag, cached)
    return _answer(cached, headers, settings.max_rows, guarded, request, version)


_BASES: dict[tuple[object, ...], str] = {}


K = TypeVar("K")
V = TypeVar("V")


def _base(request: Request) -> str:
    """The endpoint's URL (the base IRI of relative IRIs in a query), remembered per scheme, host and path."""
    scope = request.scope
    key = (scope["scheme"], request.headers.get("host"), scope.get("server"), scope.get("root_path"), scope["path"])
    return _remember(_BASES, key, lambda: str(request.url.replace(query="", fragment="")))


def _remember(table: dict[K, V], key: K, compute: Callable[[], V]) -> V:
    """`table[key]`, computed on first use; the table is emptied when it holds REMEMBERED entries."""
    if key not in table:
        if len(table) >= REMEMBERED:
            table.clear()
        table[key] = compute()
    return table[key]


def _answer(
    answer: Cached, headers: dict[str, str], max_rows: int, guarded: Guard, request: Request, version: str
) -> Response:
    if answer.truncated:
        headers = {**headers, TRUNCATED: f"max-rows={max_rows}"}
    if "ETag" in headers:  # the front door answers this very request from now on
        guarded.remember(raw_key(request.scope), version, headers["ETag"], headers)
    return Response(answer.body, 200, media_type=f"{answer.media_type}; charset=utf-8", headers=headers)


@router.options("/sparql", include_in_schema=False)
@router.options("/sparql/", include_in_schema=False)
def preflight() -> Response:
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, Accept",
            "Access-Control-Max-Age": "86400",
            "Allow": "GET, POST, HEAD, OPTIONS",
        },
    )


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
@router.api_route("/sparql/", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
def wrong_method(request: Request) -> Response:
    return Response(
        f"{request.method} is hier niet toegestaan; gebruik GET of POST.\n",
        405,
        media_type="text/plain; charset=utf-8",
        headers={"Allow": "GET, POST, HEAD, OPTIONS"},
    )


# --- the query page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    query: str


def examples() -> list[Example]:
    found = []
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        title = next((line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#")), path.stem)
        found.append(Example(path.stem, title, text))
    return found


def _cell(term: dict[str, str], base: str) -> dict[str, str]:
    value = term.get("value", "")
    if term.get("type") == "uri":
        return {"href": doc_href(value, base), "text": value}
    return {"text": value + (f" @{term['xml:lang']}" if "xml:lang" in term else "")}


def _page(
    request: Request,
    query: str | None,
    answer: object,
    error: str | None,
    *,
    status: int = 200,
    truncated: bool = False,
) -> Response:
    settings = request.app.state.settings
    env = request.app.state.publication.current.environment
    table = None
    triples = None
    boolean = None
    if answer is not None:
        if answer.form == "CONSTRUCT":  # type: ignore[attr-defined]
            triples = answer.body.decode("utf-8")  # type: ignore[attr-defined]
        else:
            data = json.loads(answer.body)  # type: ignore[attr-defined]
            if "boolean" in data:
                boolean = data["boolean"]
            else:
                names = data["head"]["vars"]
                table = {
                    "vars": names,
                    "rows": [
                        [_cell(b[v], settings.base) if v in b else None for v in names]
                        for b in data["results"]["bindings"]
                    ],
                }
    chosen = next((e for e in examples() if e.query == query), None)
    downloads = []
    if query is not None and error is None:
        kinds = GRAPH_FORMATS if triples is not None else RESULT_FORMATS
        downloads = [(k.upper(), "/sparql?" + urlencode({"query": query, "format": k})) for k in kinds]
    html = env.get_template("sparql.html").render(
        title="SPARQL",
        query=query or (examples()[0].query if examples() else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"),
        examples=examples(),
        chosen=chosen,
        table=table,
        triples=triples,
        boolean=boolean,
        error=error,
        truncated=truncated,
        max_rows=settings.max_rows,
        timeout=settings.query_timeout,
        limits=settings,
        downloads=downloads,
        alternates=[],
        jsonld=None,
        version=request.app.state.version,
        dataset_version=request.app.state.publication.current.site.dataset.version,
        provenance=request.app.state.publication.current.site.provenance,
        meta=request.app.state.publication.current.site.meta.get("sparql"),
        plans=plan_links(request.app.state.publication.current.actions),  # the page frame names them
    )
    return Response(html, status, media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
