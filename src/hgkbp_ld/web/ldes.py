"""/ldes/{plan}: the Linked Data Event Stream of a plan's versions (graphs from `web.history`).

Pages of earlier versions never change (`Cache-Control: immutable`); the stream and its last page
may (a new version adds a relation), so they are cached briefly. Every answer has an ETag and
`Vary: Accept`; Turtle, JSON-LD, N-Triples and RDF/XML are offered.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from rdflib import Graph

from hgkbp_ld.rdfio import serialise
from hgkbp_ld.render.history import Histories
from hgkbp_ld.render.site import Representation
from hgkbp_ld.web.conneg import HTML, RESOURCE_FORMATS, negotiate
from hgkbp_ld.web.http import not_acceptable, not_modified, representation_response

IMMUTABLE = "public, max-age=31536000, immutable"
MUTABLE = "public, max-age=60"
LDES_FORMATS = tuple(f for f in RESOURCE_FORMATS if f is not HTML)

router = APIRouter()


def _origin(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _answer(request: Request, graph: Graph, cache: str) -> Response:
    fmt = negotiate(request.headers.get("accept"), LDES_FORMATS)
    if fmt is None:
        return not_acceptable(LDES_FORMATS)
    representation = Representation.of(serialise(graph, fmt.extension), fmt.media_type)
    if not_modified(request, representation.etag):
        headers = {"Vary": "Accept", "ETag": representation.etag, "Cache-Control": cache}
        return Response(status_code=304, headers=headers)
    return representation_response(request, representation, {"Vary": "Accept"}, 0, cache_control=cache)


@router.api_route("/ldes/{slug}", methods=["GET", "HEAD"], include_in_schema=False)
def stream(request: Request, slug: str) -> Response:
    histories: Histories = request.app.state.publication.current.site.histories
    if slug not in histories.plans:
        return Response("Geen event stream voor dit plan.\n", 404, media_type="text/plain; charset=utf-8")
    return _answer(request, histories.root(slug, _origin(request)), MUTABLE)


@router.api_route("/ldes/{slug}/{number}", methods=["GET", "HEAD"], include_in_schema=False)
def page(request: Request, slug: str, number: str) -> Response:
    histories: Histories = request.app.state.publication.current.site.histories
    history = histories.plans.get(slug)
    if history is None or not number.isdigit() or not 1 <= int(number) <= len(history.versions):
        return Response("Deze pagina bestaat niet.\n", 404, media_type="text/plain; charset=utf-8")
    last = int(number) == len(history.versions)
    cache = MUTABLE if last else IMMUTABLE  # the last page may gain a relation
    return _answer(request, histories.page(slug, int(number), _origin(request)), cache)
