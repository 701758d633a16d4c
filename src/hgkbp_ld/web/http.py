"""Small HTTP helpers shared by the routers: conditional requests, responses from bytes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from fastapi import Request
from fastapi.responses import Response
from markupsafe import escape

from hgkbp_ld.published import Representation
from hgkbp_ld.web.conneg import Format

MAX_ETAGS = 64
REDIRECT_TITLES = {301: "Verhuisd", 303: "Zie elders"}


def not_modified(request: Request, etag: str) -> bool:
    return etag_matches(request.headers.get("if-none-match"), etag)


def etag_matches(header: str | None, etag: str) -> bool:
    """If-None-Match (RFC 9110 §13.1.2): weak comparison; '*' matches; garbage matches nothing."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    for candidate in header[:4096].split(",")[:MAX_ETAGS]:
        if candidate.strip().removeprefix("W/") == wanted:
            return True
    return False


@dataclass(frozen=True)
class Conditions:
    """A GET's validators: If-None-Match, else If-Modified-Since (RFC 9110 §13.2.2)."""

    none_match: str = ""
    since: str = ""

    def not_modified(self, etag: str, last_modified: str) -> bool:
        if self.none_match:
            return etag_matches(self.none_match, etag)
        return bool(self.since) and not modified_since(self.since, last_modified)


def modified_since(header: str, last_modified: str) -> bool:
    """If-Modified-Since (RFC 9110 §13.1.3) as nginx tests it (`if_modified_since exact`, its default):
    not modified when the client's date is the representation's Last-Modified; no date, no 304."""
    if not header or not last_modified:
        return True
    if header == last_modified:
        return False
    try:
        return parsedate_to_datetime(header[:64]).timestamp() != parsedate_to_datetime(last_modified).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return True


def charset(media_type: str) -> str:
    textual = media_type.startswith("text/") or media_type.endswith(("+json", "+xml", "n-triples"))
    return f"{media_type}; charset=utf-8" if textual else media_type


def not_acceptable(offer: Iterable[Format], headers: dict[str, str] | None = None) -> Response:
    """406, naming what is offered (one media type a line)."""
    return Response(
        offered_text(offer),
        406,
        media_type="text/plain; charset=utf-8",
        headers={"Vary": "Accept", **(headers or {})},
    )


def offered_text(offer: Iterable[Format]) -> str:
    """The body of a 406: what is offered, one media type a line."""
    offered = "\n".join(f.media_type for f in offer)
    return f"Geen van de gevraagde formaten is beschikbaar. Aangeboden:\n{offered}\n"


def representation_response(
    request: Request,
    representation: Representation,
    headers: dict[str, str],
    max_age: int,
    cache_control: str | None = None,
) -> Response:
    """200 with the representation (no body for HEAD, but its length); `cache_control` overrides max_age."""
    cache = cache_control or f"public, max-age={max_age}"
    headers = {**headers, "ETag": representation.etag, "Cache-Control": cache}
    body = b"" if request.method == "HEAD" else representation.body
    response = Response(body, 200, media_type=charset(representation.media_type), headers=headers)
    if request.method == "HEAD":
        response.headers["content-length"] = str(len(representation.body))
    return response


def redirect_note(status: int, target: str) -> bytes:
    """The short hypertext note with a link to the target that a 301 or 303 ought to carry (RFC 9110
    §15.4.2, §15.4.4); nginx sends the same bytes for the redirects it makes (`hgkbp_ld.nginx`)."""
    href = escape(target)
    return (
        f'<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8"><title>{REDIRECT_TITLES[status]}</title>'
        f'</head><body><p>Zie <a href="{href}">{href}</a>.</p></body></html>\n'
    ).encode()
