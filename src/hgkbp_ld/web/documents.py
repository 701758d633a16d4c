"""The landing page, the downloads, the style sheet and a health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from hgkbp_ld.bundled import STATIC as STATIC_DIR
from hgkbp_ld.render.site import Representation, Site
from hgkbp_ld.web.http import charset, not_modified, representation_response
from hgkbp_ld.web.resources import serve

router = APIRouter()
STATIC = {
    "style.css": Representation.of((STATIC_DIR / "style.css").read_bytes(), "text/css"),
    "favicon.svg": Representation.of((STATIC_DIR / "favicon.svg").read_bytes(), "image/svg+xml"),
}


@router.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
def home(request: Request) -> Response:
    site: Site = request.app.state.publication.current.site
    return serve(request, site.documents[""], "/", None)


@router.api_route("/data", methods=["GET", "HEAD"], include_in_schema=False)
def data_index_redirect() -> Response:
    return RedirectResponse("/data/", 301)


@router.api_route("/data/", methods=["GET", "HEAD"], include_in_schema=False)
def data_index(request: Request) -> Response:
    site: Site = request.app.state.publication.current.site
    return serve(request, site.documents["data/"], "/data/", None)


@router.api_route("/data/{name:path}", methods=["GET", "HEAD"], include_in_schema=False)  # versies/{plan}/{n}.nt too
def data_file(request: Request, name: str) -> Response:
    site: Site = request.app.state.publication.current.site
    published = site.files.get(name)  # only the files of the build: no path ever reaches the disk
    if published is None:
        return Response(
            "Dit bestand bestaat niet. De bestanden staan op /data/.\n", 404, media_type="text/plain; charset=utf-8"
        )
    headers = {
        "Content-Disposition": f'attachment; filename="{published.name}"',
        "Last-Modified": published.last_modified,
    }
    max_age = request.app.state.settings.cache_max_age
    if not_modified(request, published.representation.etag):
        return Response(status_code=304, headers={"ETag": published.representation.etag})
    response = representation_response(request, published.representation, headers, max_age)
    response.headers["content-type"] = charset(published.representation.media_type)
    return response


@router.api_route("/catalog.ttl", methods=["GET", "HEAD"], include_in_schema=False)
def catalogue(request: Request) -> Response:
    """The DCAT-AP Vlaanderen catalogue, where data portals harvest it."""
    return data_file(request, "catalogus.ttl")


@router.api_route("/robots.txt", methods=["GET", "HEAD"], include_in_schema=False)
@router.api_route("/sitemap.xml", methods=["GET", "HEAD"], include_in_schema=False)
@router.api_route("/sitemaps/{name}", methods=["GET", "HEAD"], include_in_schema=False)
def crawler_file(request: Request) -> Response:
    """robots.txt and the sitemaps, made with the site."""
    site: Site = request.app.state.publication.current.site
    made = site.root.get(request.url.path.removeprefix("/"))
    if made is None:
        return Response("Deze sitemap bestaat niet; de lijst staat op /sitemap.xml.\n", 404, media_type="text/plain")
    if not_modified(request, made.etag):
        return Response(status_code=304, headers={"ETag": made.etag})
    return representation_response(request, made, {}, request.app.state.settings.cache_max_age)


@router.api_route("/favicon.ico", methods=["GET", "HEAD"], include_in_schema=False)
def favicon() -> Response:
    """Programs that ask for the old address get the icon the pages name (an SVG)."""
    return RedirectResponse("/static/favicon.svg", 301)


@router.api_route("/static/{name}", methods=["GET", "HEAD"], include_in_schema=False)
def static(request: Request, name: str) -> Response:
    asset = STATIC.get(name)
    if asset is None:
        return Response(b"", 404)
    if not_modified(request, asset.etag):
        return Response(status_code=304, headers={"ETag": asset.etag})
    return representation_response(request, asset, {}, 3600)


@router.get("/health", include_in_schema=False)
def health(request: Request) -> JSONResponse:
    current = request.app.state.publication.current
    return JSONResponse(
        {
            "status": "ok",
            "dataset": current.site.dataset.version,
            "resources": len(current.site.resources),
            "graphs": current.site.dataset.graphs,
        }
    )
