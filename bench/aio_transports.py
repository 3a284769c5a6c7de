"""Which async HTTP client for the ``aio`` extra: aiohttp against httpx on this workload.

Many small JSON GETs (an LRO poll's shape), ``IN_FLIGHT`` at a time on one event loop,
against a stand-in server in another process (so its CPU is not counted): the client CPU
per request (``time.process_time``) and the wall time. Run: ``python -m bench.aio_transports``
(needs aiohttp and httpx installed; httpx is not a dependency of the project).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable

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


def main() -> None:
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}/poll"
        print(f"{REQUESTS} GETs, {IN_FLIGHT} in flight, one event loop")
        for name, measure in (("aiohttp", with_aiohttp), ("httpx", with_httpx)):
            best = min(asyncio.run(measure(url)) for _ in range(3))
            cpu, wall = best
            print(f"{name:8} client CPU {cpu / REQUESTS * 1e6:7.1f} us/request, wall {wall:.2f} s")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
