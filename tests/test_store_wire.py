"""/sparql's lean HTTP client to a remote store (hgkbp_ld.store.wire), against real sockets: it keeps
connections alive, sends a query again on a new connection when the server had closed the idle
one, reads chunked answers, gives up at its timeout, and says when nothing listens."""

from __future__ import annotations

import asyncio
import socket

import pytest

from hgkbp_ld.store.wire import WireClient, WireError

JSON = {"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"}


class Fake:
    """A small HTTP server on loopback: answers every request as `mode` says; counts connections."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.connections = 0
        self.bodies: list[bytes] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                self.bodies.append(await reader.readexactly(length))
                if self.mode == "silent":
                    await asyncio.sleep(30)
                if self.mode == "chunked":
                    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Sql-State: ok\r\n\r\n")
                    writer.write(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
                else:
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
                if self.mode == "close-idle":  # closes without saying so (as servers do after an idle time)
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def serve(mode: str) -> tuple[Fake, asyncio.Server, str]:
    fake = Fake(mode)
    server = await asyncio.start_server(fake.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return fake, server, f"http://127.0.0.1:{port}/sparql"


def test_connections_are_kept_alive() -> None:
    async def scenario() -> tuple[list[int], int, list[bytes]]:
        fake, server, url = await serve("keep")
        client = WireClient(url)
        replies = [await client.post(f"query={i}".encode(), JSON, 5) for i in range(3)]
        client.close()
        server.close()
        return [r.status for r in replies], fake.connections, fake.bodies

    statuses, connections, bodies = asyncio.run(scenario())
    assert statuses == [200, 200, 200] and bodies == [b"query=0", b"query=1", b"query=2"]
    assert connections == 1


def test_a_connection_the_server_closed_is_replaced_and_the_query_sent_again() -> None:
    async def scenario() -> tuple[list[bytes], int]:
        fake, server, url = await serve("close-idle")
        client = WireClient(url)
        first = await client.post(b"query=a", JSON, 5)
        await asyncio.sleep(0.1)  # the server has closed it meanwhile
        second = await client.post(b"query=b", JSON, 5)
        client.close()
        server.close()
        return [first.body, second.body], fake.connections

    bodies, connections = asyncio.run(scenario())
    assert bodies == [b"ok", b"ok"] and connections == 2


def test_a_chunked_answer_is_read_whole() -> None:
    async def scenario() -> tuple[bytes, dict[str, str]]:
        _fake, server, url = await serve("chunked")
        client = WireClient(url)
        reply = await client.post(b"query=x", JSON, 5)
        client.close()
        server.close()
        return reply.body, reply.headers

    body, headers = asyncio.run(scenario())
    assert body == b"hello world" and headers["x-sql-state"] == "ok"


def test_past_its_timeout_the_request_gives_up() -> None:
    async def scenario() -> float:
        _fake, server, url = await serve("silent")
        client = WireClient(url)
        loop = asyncio.get_running_loop()
        began = loop.time()
        with pytest.raises(TimeoutError):
            await client.post(b"query=x", JSON, 0.3)
        client.close()
        server.close()
        return loop.time() - began

    assert asyncio.run(scenario()) < 2.0


def test_nothing_listening_is_a_wire_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there

    async def scenario() -> None:
        with pytest.raises(WireError):
            await WireClient(f"http://127.0.0.1:{port}/sparql").post(b"query=x", JSON, 5)

    asyncio.run(scenario())
