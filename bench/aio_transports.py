"""Which async HTTP client for the ``aio`` extra: aiohttp against httpx on this workload.

Many small JSON GETs (an LRO poll's shape), ``IN_FLIGHT`` at a time on one event loop,
against a stand-in server in another process (so its CPU is not counted): the client CPU
per request (``time.process_time``) and the wall time. Run: ``python -m bench.aio_transports``
(needs aiohttp and httpx installed; httpx is not a dependency of the project).

Two more rows when ``h11`` or ``httptools`` is importable: a keep-alive HTTP/1.1 client of a
few lines on ``asyncio.Protocol``, parsing with h11 (pure Python) or httptools (llhttp, in C).
They keep none of the transport's bounds (deadlines, body caps, proxies, redirects, error
mapping), so they are a lower limit of what a hand-built transport would cost, not a contender:
they show how much of aiohttp's cost is its per-request orchestration rather than parsing.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

REQUESTS = 3000
IN_FLIGHT = 64
BODY = json.dumps(
    {"id": "/subscriptions/s/providers/P/operations/op", "status": "InProgress"}
).encode()

SERVER = f"""
import asyncio
BODY = {BODY!r}
HEAD = (b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: "
        + str(len(BODY)).encode() + b"\\r\\n\\r\\n")
async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\\r\\n\\r\\n")
            if not head:
                break
            writer.write(HEAD + BODY)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    writer.close()
async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()
asyncio.run(main())
"""


async def _run(get: Callable[[str], Awaitable[bytes]], url: str) -> None:
    semaphore = asyncio.Semaphore(IN_FLIGHT)

    async def one() -> None:
        async with semaphore:
            json.loads(await get(url))

    await asyncio.gather(*(one() for _ in range(REQUESTS)))


async def with_aiohttp(url: str) -> tuple[float, float]:
    import aiohttp

    connector = aiohttp.TCPConnector(limit_per_host=IN_FLIGHT)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def get(target: str) -> bytes:
            async with session.get(target) as response:
                return await response.read()

        await get(url)  # warm: connection set-up is not what is compared
        cpu, wall = time.process_time(), time.perf_counter()
        await _run(get, url)
        return time.process_time() - cpu, time.perf_counter() - wall


async def with_httpx(url: str) -> tuple[float, float]:
    import httpx

    limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
    async with httpx.AsyncClient(limits=limits) as client:

        async def get(target: str) -> bytes:
            return (await client.get(target)).content

        await get(url)
        cpu, wall = time.process_time(), time.perf_counter()
        await _run(get, url)
        return time.process_time() - cpu, time.perf_counter() - wall


class _BareConnection(asyncio.Protocol):
    """One kept-alive connection; ``parse`` turns what arrived into a whole body, or ``None``."""

    def __init__(self, make_parser: Callable[[_BareConnection], Any]) -> None:
        self.parser = make_parser(self)
        self.waiter: asyncio.Future[bytes] | None = None
        self.transport: asyncio.Transport | None = None
        self.chunks: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.parser.feed(data)

    def body_done(self) -> None:
        body, self.chunks = b"".join(self.chunks), []
        waiter, self.waiter = self.waiter, None
        if waiter is not None:
            waiter.set_result(body)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("closed"))


class _H11Parser:
    def __init__(self, connection: _BareConnection) -> None:
        import h11

        self._h11 = h11
        self._connection = connection
        self.state = h11.Connection(h11.CLIENT)

    def feed(self, data: bytes) -> None:
        h11, state = self._h11, self.state
        state.receive_data(data)
        while True:
            event = state.next_event()
            if event is h11.NEED_DATA:
                return
            if type(event) is h11.Data:
                self._connection.chunks.append(bytes(event.data))
            elif type(event) is h11.EndOfMessage:
                state.start_next_cycle()
                self._connection.body_done()
                return

    def request(self, host: str, path: str) -> bytes:
        h11 = self._h11
        head = self.state.send(h11.Request(method="GET", target=path, headers=[("Host", host)]))
        return (head or b"") + (self.state.send(h11.EndOfMessage()) or b"")


class _HttptoolsParser:
    def __init__(self, connection: _BareConnection) -> None:
        import httptools

        self._connection = connection
        self._parser = httptools.HttpResponseParser(self)

    def feed(self, data: bytes) -> None:
        self._parser.feed_data(data)

    def on_body(self, body: bytes) -> None:
        self._connection.chunks.append(body)

    def on_message_complete(self) -> None:
        self._connection.body_done()

    def request(self, host: str, path: str) -> bytes:
        return f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode("latin-1")


Measure = Callable[[str], Awaitable[tuple[float, float]]]


def _bare(parser: Callable[[_BareConnection], Any]) -> Measure:
    async def measure(url: str) -> tuple[float, float]:
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        host, port, path = parts.hostname or "", parts.port or 80, parts.path
        idle: list[_BareConnection] = []
        loop = asyncio.get_running_loop()

        async def get(target: str) -> bytes:
            if idle:
                connection = idle.pop()
            else:
                _, connection = await loop.create_connection(
                    lambda: _BareConnection(parser), host, port
                )
            assert connection.transport is not None
            connection.waiter = loop.create_future()
            connection.transport.write(connection.parser.request(f"{host}:{port}", path))
            body = await connection.waiter
            idle.append(connection)
            return body

        await get(url)
        cpu, wall = time.process_time(), time.perf_counter()
        await _run(get, url)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        for connection in idle:
            assert connection.transport is not None
            connection.transport.close()
        return cpu, wall

    return measure


def main() -> None:
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}/poll"
        print(f"{REQUESTS} GETs, {IN_FLIGHT} in flight, one event loop")
        contenders: list[tuple[str, str, Measure]] = [
            ("aiohttp", "aiohttp", with_aiohttp),
            ("httpx", "httpx", with_httpx),
            ("h11", "bare+h11", _bare(_H11Parser)),
            ("httptools", "bare+httptools", _bare(_HttptoolsParser)),
        ]
        for module, name, measure in contenders:
            try:
                __import__(module)
            except ImportError:
                print(f"{name:15} not installed here")
                continue
            best = min(asyncio.run(measure(url)) for _ in range(3))
            cpu, wall = best
            print(f"{name:15} client CPU {cpu / REQUESTS * 1e6:7.1f} us/request, wall {wall:.2f} s")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
