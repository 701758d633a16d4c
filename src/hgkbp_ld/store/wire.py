"""A lean HTTP/1.1 client for /sparql's requests to a remote store: a POST on a kept-alive
connection, the answer read with httptools (uvicorn's parser), and nothing else.

/sparql sends one small POST per query to one server; httpx (cookies, redirects, auth flows, its
request and response models, its connection pool's bookkeeping) cost more per request than the
rest of the proxy together (bench/RESULTS.md). A request that this client cannot do alone (the
server asks for credentials: 401) is left to the caller, which has httpx for that.

A connection that the server closed while it was idle fails before any byte of the answer: the
request is then sent again on a new connection (a query changes nothing, so that is safe). A
request that runs past its time closes its connection (the server may stop the query then).
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httptools


class WireError(Exception):
    """The server could not be reached, or broke off its answer."""


class _Stale(Exception):
    """A kept-alive connection was closed by the server before it answered."""


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # names in lower case; of a repeated header, the last
    body: bytes


@dataclass
class _Reading:
    """httptools' callbacks: what has arrived of one answer."""

    headers: dict[str, str] = field(default_factory=dict)
    chunks: list[bytes] = field(default_factory=list)
    done: bool = False
    keep_alive: bool = False
    parser: httptools.HttpResponseParser | None = None

    def on_headers_complete(self) -> None:
        assert self.parser is not None
        self.keep_alive = self.parser.should_keep_alive()  # known here only: the parser resets after the body

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        self.done = True


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class WireClient:
    """POSTs to one URL, over at most `keep` idle kept-alive connections."""

    def __init__(self, url: str, keep: int = 32) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or ""
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.tls = ssl.create_default_context() if parts.scheme == "https" else None
        self.target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.authority = parts.netloc
        self.keep = keep
        self._idle: list[Connection] = []
        self._closed = False

    async def post(self, body: bytes, headers: dict[str, str], timeout: float) -> Reply:
        """The answer to a POST of `body`; TimeoutError past `timeout` seconds, WireError when the
        server cannot be reached or breaks off."""
        lines = [f"POST {self.target} HTTP/1.1", f"Host: {self.authority}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        return await asyncio.wait_for(self._send(request), timeout)

    async def _send(self, request: bytes) -> Reply:
        while self._idle:
            connection = self._idle.pop()
            try:
                return await self._exchange(connection, request, reused=True)
            except _Stale:
                continue
        try:
            connection = await asyncio.open_connection(self.host, self.port, ssl=self.tls)
        except OSError as error:
            raise WireError(f"{type(error).__name__}: {error}") from None
        return await self._exchange(connection, request, reused=False)

    async def _exchange(self, connection: Connection, request: bytes, reused: bool) -> Reply:
        reader, writer = connection
        reading = _Reading()
        parser = reading.parser = httptools.HttpResponseParser(reading)
        received = False
        kept = False
        try:
            writer.write(request)
            await writer.drain()
            while not reading.done:
                data = await reader.read(65536)
                if not data:
                    if reused and not received:
                        raise _Stale
                    raise WireError("the server closed the connection before it finished its answer")
                received = True
                parser.feed_data(data)
            reply = Reply(parser.get_status_code(), reading.headers, b"".join(reading.chunks))
            if reading.keep_alive and len(self._idle) < self.keep and not self._closed:
                self._idle.append(connection)
                kept = True
            return reply
        except (ConnectionError, OSError) as error:
            if reused and not received:
                raise _Stale from None
            raise WireError(f"{type(error).__name__}: {error}") from None
        except httptools.HttpParserError as error:
            raise WireError(f"not an HTTP answer: {error}") from None
        finally:
            if not kept:  # broken off, past its time, or the server will close it: not used again
                writer.close()

    def close(self) -> None:
        """Close the idle connections (those in use close when their answer is in). On the event
        loop's thread."""
        self._closed = True
        idle, self._idle = self._idle, []
        for _reader, writer in idle:
            writer.close()
