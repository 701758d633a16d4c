"""The rendered site straight from memory, before any routing: `/id/…` (303), `/doc/…` and `/ns/…`
(by `Accept` or by suffix, `?versie=n`), `/`, `/data/…`, `/catalog.ttl` and `/static/…`.

A plain ASGI middleware: a GET or HEAD of one of these paths is answered from the loaded site
with a few dictionary look-ups (the page hot path; bench/RESULTS.md); every other request goes on
to the FastAPI routers. Answers: 200 with ETag, Last-Modified and Cache-Control, 304 on a matching
If-None-Match (or If-Modified-Since), 404 (the helpful page, or empty for another format), 406
naming what is offered, 303 and 301 with a short note (the same bytes as nginx's: `hgkbp_ld.nginx`).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl

from markupsafe import escape
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hgkbp_ld.iris import doc_link
from hgkbp_ld.published import Representation, Resource, Site
from hgkbp_ld.web.conneg import BY_EXTENSION, HTML, RESOURCE_FORMATS, Format, negotiate
from hgkbp_ld.web.http import Conditions, charset, offered_text, redirect_note

MAX_PATH = 512
DATASET_HEADER = b"x-hgkbp-dataset"  # on /sparql answers: the dataset they were made from (hgkbp_ld.nginx)
Headers = list[tuple[bytes, bytes]]
Answer = tuple[int, Headers, bytes]


@lru_cache(maxsize=512)
def _negotiated(accept: str | None, offered: tuple[Format, ...]) -> Format | None:
    return negotiate(accept, offered)


def not_found_page(site: Site, path: str) -> bytes:
    """The helpful 404 page, with the (escaped) path the visitor asked for."""
    return site.not_found.replace(b"{path}", str(escape(path)).encode("utf-8"))


class Pages:
    def __init__(self, app: ASGIApp, publication: object, max_age: int) -> None:
        self.app = app
        self.publication = publication
        self.cache = f"public, max-age={max_age}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            site: Site = self.publication.current.site  # type: ignore[attr-defined]
            path: str = scope["path"]
            if path.startswith("/sparql"):
                await self.app(scope, receive, _with_dataset(send, site.dataset.version[:16].encode()))
                return
            answer = self.answer(site, path, scope)
            if answer is not None:
                status, headers, body = answer
                if status != 304 and not any(name == b"content-length" for name, _ in headers):
                    headers.append((b"content-length", str(len(body)).encode()))
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
                return
        await self.app(scope, receive, send)

    def answer(self, site: Site, path: str, scope: Scope) -> Answer | None:
        """The answer from the site, or None when the path is not one of the site's."""
        headers = dict(scope["headers"])
        accept = headers.get(b"accept", b"").decode("latin-1") or None
        none_match, since = headers.get(b"if-none-match", b""), headers.get(b"if-modified-since", b"")
        match = Conditions(none_match.decode("latin-1"), since.decode("latin-1"))
        if path.startswith("/doc/"):
            rest = path[5:]
            document, extension = _document(f"doc/{rest}", site)
            if document is not None:
                return self.serve(document, f"/{document.path}", extension, accept, match)
            resource, extension = _split(rest, site)
            if resource is None:
                return _not_found(site, rest, accept)
            query = scope["query_string"]
            wanted = dict(parse_qsl(query.decode("latin-1"))).get("versie") if query else None
            if wanted is not None:  # ?versie=n: the state in version n
                member = site.versions.get(resource.path, {}).get(int(wanted)) if wanted.isdigit() else None
                if member is None:
                    return _not_found(site, rest, accept)
                target = doc_link(member) + (f".{extension}" if extension else "")
                return _redirect(303, target, [(b"vary", b"Accept")])
            return self.serve(resource, doc_link(resource.path), extension, accept, match)
        if path.startswith("/id/"):
            resource, extension = _split(path[4:], site)
            if resource is None:
                return _not_found(site, path[4:], accept)
            target = doc_link(resource.path) + (f".{extension}" if extension else "")
            return _redirect(303, target, [(b"vary", b"Accept"), (b"cache-control", b"public, max-age=86400")])
        if path.startswith("/ns/"):
            document, extension = _document(path[1:], site)
            if document is None:
                return _not_found(site, path[1:], accept)
            return self.serve(document, f"/{document.path}", extension, accept, match)
        if path == "/":
            return self.serve(site.documents[""], "/", None, accept, match)
        if path == "/data":
            return _redirect(301, "/data/", [])
        if path == "/data/":
            return self.serve(site.documents["data/"], "/data/", None, accept, match)
        if path.startswith("/data/") or path == "/catalog.ttl":
            return self.download(site, "catalogus.ttl" if path == "/catalog.ttl" else path[6:], match)
        if path[1:] in site.root:  # robots.txt, sitemap.xml, sitemaps/…
            return _representation(site.root[path[1:]], [], self.cache, match)
        if path == "/favicon.ico":  # programs that ask for the old address get the icon the pages name
            return _redirect(301, "/static/favicon.svg", [])
        if path.startswith("/static/"):
            asset = site.static.get(path[8:])
            if asset is None:
                return 404, [], b""
            return _representation(asset, [], b"public, max-age=3600", match)
        return None

    def serve(
        self, resource: Resource, url: str, extension: str | None, accept: str | None, match: Conditions
    ) -> Answer:
        """One representation of a resource: by its explicit extension, or negotiated from Accept."""
        formats = tuple(f for f in RESOURCE_FORMATS if f.extension in resource.representations)
        folder = url.endswith("/")  # "/" and "/data/": one format, no suffix form to link to
        links = ", ".join(f'<{url}.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in formats)
        headers: Headers = [] if folder else [(b"link", links.encode())]
        if extension is not None:
            if extension not in resource.representations:
                return 404, [], b""
            chosen = resource.representations[extension]
        else:
            fmt = _negotiated(accept, formats)
            if fmt is None:
                return _not_acceptable(formats, headers)
            chosen = resource.representations[fmt.extension]
            headers.append((b"vary", b"Accept"))
            if not folder:
                headers.append((b"content-location", f"{url}.{fmt.extension}".encode()))
        return _representation(chosen, headers, self.cache, match)

    def download(self, site: Site, name: str, match: Conditions) -> Answer:
        published = site.files.get(name)  # only the files of the build: no path ever reaches the disk
        if published is None:
            body = b"Dit bestand bestaat niet. De bestanden staan op /data/.\n"
            return 404, [(b"content-type", b"text/plain; charset=utf-8")], body
        headers = [(b"content-disposition", f'attachment; filename="{published.name}"'.encode())]
        return _representation(published.representation, headers, self.cache, match)


def _representation(chosen: Representation, headers: Headers, cache: bytes, match: Conditions) -> Answer:
    """200, or 304 on `match`; the validators are the file's, as nginx gives them: ETag and Last-Modified."""
    headers = [*headers, (b"etag", chosen.etag.encode()), (b"cache-control", cache)]
    if chosen.last_modified:
        headers.append((b"last-modified", chosen.last_modified.encode()))
    if match.not_modified(chosen.etag, chosen.last_modified):
        return 304, headers, b""
    body = chosen.body  # once: a packed representation's bytes are read from the pack each time
    headers += [(b"content-type", charset(chosen.media_type).encode()), (b"content-length", str(len(body)).encode())]
    return 200, headers, body


def _redirect(status: int, target: str, headers: Headers) -> Answer:
    """A 301 or 303 with its short note (the same bytes as nginx's, `hgkbp_ld.nginx`)."""
    headers = [(b"location", target.encode()), *headers, (b"content-type", b"text/html; charset=utf-8")]
    return status, headers, redirect_note(status, target)


def _not_acceptable(formats: tuple[Format, ...], headers: Headers) -> Answer:
    body = offered_text(formats).encode()
    return 406, [*headers, (b"vary", b"Accept"), (b"content-type", b"text/plain; charset=utf-8")], body


def _not_found(site: Site, path: str, accept: str | None) -> Answer:
    fmt = _negotiated(accept, RESOURCE_FORMATS) or HTML
    if fmt is HTML:
        body = not_found_page(site, doc_link(path)[:MAX_PATH])
        return 404, [(b"content-type", b"text/html; charset=utf-8"), (b"vary", b"Accept")], body
    return 404, [(b"content-type", fmt.media_type.encode()), (b"vary", b"Accept")], b""


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


def _document(path: str, site: Site) -> tuple[Resource | None, str | None]:
    resource = site.documents.get(path)
    if resource is not None:
        return resource, None
    stem, dot, extension = path.rpartition(".")
    if dot and extension in BY_EXTENSION and stem in site.documents:
        return site.documents[stem], extension
    return None, None


def _with_dataset(send: Send, version: bytes) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), (DATASET_HEADER, version)]
        await send(message)

    return sending
