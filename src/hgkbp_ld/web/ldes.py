"""/ldes/{plan}: the Linked Data Event Stream of a plan's versions (rendered by the build, `render.history`).

Pages of earlier versions never change (`Cache-Control: immutable`); the stream and its last page
may (a new version adds a relation), so they are cached briefly. Every answer has an ETag and
`Vary: Accept`; Turtle, JSON-LD, N-Triples and RDF/XML are offered.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hgkbp_ld.published import ORIGIN, Representation, Resource, Site
from hgkbp_ld.web.conneg import HTML, RESOURCE_FORMATS, negotiate
from hgkbp_ld.web.http import not_acceptable, not_modified, representation_response

IMMUTABLE = "public, max-age=31536000, immutable"
MUTABLE = "public, max-age=60"
LDES_FORMATS = tuple(f for f in RESOURCE_FORMATS if f is not HTML)
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?|https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")

router = APIRouter()


def _origin(request: Request, site: Site) -> str:
    """The host that was asked (the stream is followed where it is read); the base if it looks odd."""
    origin = str(request.base_url).rstrip("/")
    return origin if _ORIGIN.fullmatch(origin) else site.base


def _answer(request: Request, site: Site, resource: Resource, cache: str) -> Response:
    """The rendered page (on the ORIGIN placeholder) with the origin that was asked put in."""
    fmt = negotiate(request.headers.get("accept"), LDES_FORMATS)
    if fmt is None:
        return not_acceptable(LDES_FORMATS)
    rendered = resource.representations[fmt.extension]
    body = rendered.body.replace(ORIGIN.encode(), _origin(request, site).encode())
    representation = Representation.of(body, fmt.media_type)
    if not_modified(request, representation.etag):
        headers = {"Vary": "Accept", "ETag": representation.etag, "Cache-Control": cache}
        return Response(status_code=304, headers=headers)
    return representation_response(request, representation, {"Vary": "Accept"}, 0, cache_control=cache)


@router.api_route("/ldes/{slug}", methods=["GET", "HEAD"], include_in_schema=False)
def stream(request: Request, slug: str) -> Response:
    site: Site = request.app.state.publication.current.site
    if slug not in site.ldes:
        return Response("Geen event stream voor dit plan.\n", 404, media_type="text/plain; charset=utf-8")
    return _answer(request, site, site.ldes[slug], MUTABLE)


@router.api_route("/ldes/{slug}/{number}", methods=["GET", "HEAD"], include_in_schema=False)
def page(request: Request, slug: str, number: str) -> Response:
    site: Site = request.app.state.publication.current.site
    found = site.ldes.get(f"{slug}/{number}") if number.isdigit() and "/" not in slug else None
    if found is None:
        return Response("Deze pagina bestaat niet.\n", 404, media_type="text/plain; charset=utf-8")
    last = f"{slug}/{int(number) + 1}" not in site.ldes
    cache = MUTABLE if last else IMMUTABLE  # the last page may gain a relation
    return _answer(request, site, found, cache)
