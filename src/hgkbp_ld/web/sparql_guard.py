"""What stands in front of /sparql's query service: the fairness gate, the answer cache, who the
client is, and a front door that takes /sparql's requests before FastAPI's routing (the route's
dependency machinery costs more than the rest of a cached answer) and answers a repeated GET
from memory.

The front door (`FrontDoor`, an ASGI middleware) knows a request by its raw form (scheme, host,
path, query string, Accept): when /sparql answered that same request for the current dataset
version, the answer's bytes are in the cache under its ETag, and the front door sends them (or
304 for a matching If-None-Match) with one dictionary look-up, without parsing or negotiating
again. Anything else goes on to the app.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network, ip_address

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from hgkbp_ld.settings import Settings
from hgkbp_ld.sparql import AnswerCache, Cached, Gate, Limits, Refused
from hgkbp_ld.web.http import etag_matches

PATHS = ("/sparql", "/sparql/")
REMEMBERED = 50_000  # raw requests remembered at most (then forgotten all at once)
ARRIVED = "hgkbp.arrived"  # the scope's key for when the front door took a request (gate's clock)
RawKey = tuple[str, bytes, bytes, str, bytes, bytes]


@dataclass
class Guard:
    gate: Gate
    cache: AnswerCache
    proxies: tuple[IPv4Network | IPv6Network, ...]
    _known: dict[RawKey, tuple[str, str, list[tuple[bytes, bytes]]]] = field(default_factory=dict)

    def remember(self, key: RawKey | None, version: str, tag: str, headers: dict[str, str]) -> None:
        """The answer of this raw request, for this version, is in the cache under `tag`."""
        if key is None:
            return
        if len(self._known) >= REMEMBERED:
            self._known.clear()
        pairs = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        self._known[key] = (version, tag, pairs)

    def recall(self, key: RawKey, version: str) -> tuple[str, list[tuple[bytes, bytes]], Cached] | None:
        known = self._known.get(key)
        if known is None or known[0] != version:
            return None
        answer = self.cache.get(known[1])
        return None if answer is None else (known[1], known[2], answer)


def arrived(scope: Scope) -> float:
    """When the front door took this request (before it held it back, if it did)."""
    return scope.get(ARRIVED) or time.monotonic()


def guard(settings: Settings) -> Guard:
    limits = Limits(
        slots=settings.workers,
        fast_slots=settings.fast_workers,
        per_client=settings.client_queries,
        budget=settings.client_budget,
        queue=settings.query_queue,
        fast_seconds=settings.fast_query_seconds,
        inline_slots=settings.workers + settings.fast_workers,  # the worker pool's threads (`pool`)
        held=settings.client_held,
        contended_slots=min(settings.workers, settings.contended_workers or max(1, settings.workers // 2)),
        hold_seconds=settings.query_timeout / 2,  # a request let through after its hold keeps half its time
    )
    return Guard(Gate(limits), AnswerCache(settings.answer_cache_bytes), settings.proxies())


def raw_key(scope: Scope) -> RawKey | None:
    """A GET request to /sparql by what decides its answer, or None."""
    if scope["method"] != "GET":
        return None
    headers = dict(scope["headers"])  # the last of a repeated header: only a cache key, never a decision
    return (
        scope["scheme"],
        headers.get(b"host", b""),
        headers.get(b"accept", b""),
        scope.get("root_path", "") + scope["path"],
        scope["query_string"],
        headers.get(b"x-forwarded-proto", b""),
    )


def _trusted(address: str, proxies: tuple[IPv4Network | IPv6Network, ...]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(peer: str, forwarded_for: list[str], proxies: tuple[IPv4Network | IPv6Network, ...]) -> str:
    """Who asks: the peer, or behind trusted proxies the last forwarded address that is not one."""
    if not proxies or not _trusted(peer, proxies):
        return peer
    forwarded = [a.strip() for value in forwarded_for for a in value.split(",") if a.strip()]
    for address in reversed(forwarded):
        if not _trusted(address, proxies):
            return address
    return forwarded[0] if forwarded else peer


class FrontDoor:
    """/sparql's GET, HEAD and POST, straight to its handler instead of through FastAPI's routing;
    a repeated GET answered from memory (see the module's docstring). Other methods (OPTIONS, 405)
    and every other path go on to the app."""

    def __init__(
        self,
        app: ASGIApp,
        state: Callable[[], tuple[Guard, str]],
        handler: Callable[[Request], Awaitable[Response]],
    ) -> None:
        self.app = app
        self.state = state  # the guard and the current dataset version
        self.handler = handler  # the /sparql route's function

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in PATHS or scope["method"] not in ("GET", "HEAD", "POST"):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "GET":
            key = raw_key(scope)
            guarded, version = self.state()
            found = guarded.recall(key, version) if key is not None else None
            if found is not None:
                tag, headers, answer = found
                none_match = next((v for k, v in scope["headers"] if k == b"if-none-match"), None)
                if none_match is not None and etag_matches(none_match.decode("latin-1"), tag):
                    await send({"type": "http.response.start", "status": 304, "headers": headers})
                    await send({"type": "http.response.body", "body": b""})
                    return
                length = (b"content-length", str(len(answer.body)).encode())
                content_type = (b"content-type", f"{answer.media_type}; charset=utf-8".encode())
                await send({"type": "http.response.start", "status": 200, "headers": [*headers, length, content_type]})
                await send({"type": "http.response.body", "body": answer.body})
                return
        guarded, _version = self.state()
        peer = scope["client"][0] if scope.get("client") else ""
        forwarded = []
        if guarded.proxies:  # the header counts only from a trusted proxy
            forwarded = [v.decode("latin-1") for k, v in scope["headers"] if k == b"x-forwarded-for"]
        scope[ARRIVED] = guarded.gate.clock()  # the query's time counts from here, a hold included
        address = client_address(peer, forwarded, guarded.proxies)
        try:  # a client at its limits is refused before its request is read (cheaply: abusers send many)
            hold = guarded.gate.check(address)
            if hold > 0:  # it came back before its Retry-After: held until then (the tarpit), checked again
                await guarded.gate.hold(address, hold)
        except Refused as refusal:
            await refuse(send, refusal)
            return
        response = await self.handler(Request(scope, receive))
        await response(scope, receive, send)


async def refuse(send: Send, refusal: Refused) -> None:
    """A refusal by the front door: 429 or 503 with Retry-After, and `Connection: close` when the
    client has too many requests held back (uvicorn then closes the connection after it)."""
    body = f"{refusal.message}\n".encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(refusal.retry_after).encode()),
    ]
    if refusal.close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
