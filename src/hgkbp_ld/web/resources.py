"""/id/… and /doc/…: 303 from the thing to its document; the document by content negotiation."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from hgkbp_ld.render.site import Resource, Site, not_found_page
from hgkbp_ld.web.conneg import BY_EXTENSION, HTML, RESOURCE_FORMATS, negotiate
from hgkbp_ld.web.http import not_acceptable, not_modified, representation_response

router = APIRouter()
MAX_PATH = 512


def _split(path: str, site: Site) -> tuple[Resource | None, str | None]:
    """`actie/p/12.ttl` → (resource, "ttl"); `actie/p/12` → (resource, None); unknown → (None, ...)."""
    if len(path) > MAX_PATH:
        return None, None
    resource = site.resources.get(path)
    if resource is not None:
        return resource, None
    stem, dot, extension = path.rpartition(".")
    if dot and extension in BY_EXTENSION:
        return site.resources.get(stem), extension
    return None, None


def _not_found(request: Request, site: Site, path: str) -> Response:
    fmt = negotiate(request.headers.get("accept")) or HTML
    if fmt is HTML:
        body = not_found_page(site, f"/doc/{path}"[:MAX_PATH])
        return Response(body, 404, media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
    return Response(b"", 404, media_type=fmt.media_type, headers={"Vary": "Accept"})


@router.api_route("/id/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
def thing(request: Request, path: str) -> Response:
    site: Site = request.app.state.publication.current.site
    resource, extension = _split(path, site)
    if resource is None:
        return _not_found(request, site, path)
    target = f"/doc/{resource.path}" + (f".{extension}" if extension else "")
    return RedirectResponse(target, 303, headers={"Vary": "Accept", "Cache-Control": "public, max-age=86400"})


@router.api_route("/doc/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
def document(request: Request, path: str) -> Response:
    site: Site = request.app.state.publication.current.site
    profile, extension = _document(f"doc/{path}", site)
    if profile is not None:
        return serve(request, profile, f"/{profile.path}", extension)
    resource, extension = _split(path, site)
    if resource is None:
        return _not_found(request, site, path)
    wanted = request.query_params.get("versie")
    if wanted is not None and site.histories is not None:  # ?versie=n: the state in version n
        entry = site.histories.version_at(f"{site.base}/id/{resource.path}", int(wanted)) if wanted.isdigit() else None
        if entry is None:
            return _not_found(request, site, path)
        target = f"/doc/{entry.path}" + (f".{extension}" if extension else "")
        return RedirectResponse(target, 303, headers={"Vary": "Accept"})
    return serve(request, resource, f"/doc/{resource.path}", extension)


@router.api_route("/ns/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
def vocabulary(request: Request, path: str) -> Response:
    site: Site = request.app.state.publication.current.site
    resource, extension = _document(f"ns/{path}", site)
    if resource is None:
        return _not_found(request, site, f"ns/{path}")
    return serve(request, resource, f"/{resource.path}", extension)


def _document(path: str, site: Site) -> tuple[Resource | None, str | None]:
    resource = site.documents.get(path)
    if resource is not None:
        return resource, None
    stem, dot, extension = path.rpartition(".")
    if dot and extension in BY_EXTENSION and stem in site.documents:
        return site.documents[stem], extension
    return None, None


def serve(request: Request, resource: Resource, url: str, extension: str | None) -> Response:
    """One representation of a resource: by its explicit extension, or negotiated from Accept."""
    formats = [f for f in RESOURCE_FORMATS if f.extension in resource.representations]
    links = ", ".join(f'<{url}.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in formats)
    headers = {"Link": links}
    if extension is not None:
        if extension not in resource.representations:
            return Response(b"", 404)
        chosen = resource.representations[extension]
    else:
        fmt = negotiate(request.headers.get("accept"), tuple(formats))
        if fmt is None:
            return not_acceptable(formats, {"Link": links})
        chosen = resource.representations[fmt.extension]
        headers["Vary"] = "Accept"
        headers["Content-Location"] = f"{url}.{fmt.extension}"
    max_age = request.app.state.settings.cache_max_age
    if not_modified(request, chosen.etag):
        return Response(
            status_code=304, headers={**headers, "ETag": chosen.etag, "Cache-Control": f"public, max-age={max_age}"}
        )
    return representation_response(request, chosen, headers, max_age)
