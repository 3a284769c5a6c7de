"""``python -m bench.limits``: how the runtime's wall-clock and size limits hold up.

Measures, against a hostile server on 127.0.0.1:

* time to the typed timeout when the server trickles one byte every 0.5 s, for a call with
  ``timeout=2`` and for an LRO begun with ``deadline=2`` whose poll trickles (the limit is 2 s;
  the overshoot is what the table shows);
* peak Python heap (tracemalloc) and the process's peak RSS growth while a 1 GiB body is
  offered -- announced with ``Content-Length``, streamed chunked, and as a gzip bomb that
  inflates to 1 GiB -- under the default 32 MiB cap.

Each memory case runs in a fresh interpreter so one case's peak does not hide another's.
"""

from __future__ import annotations

import gzip
import json
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable

from vmss_runcommands.runtime.client import ArmClient, RequestOptions
from vmss_runcommands.runtime.exceptions import AzureError
from vmss_runcommands.runtime.polling import PollingTimeoutError
from vmss_runcommands.runtime.retry import RetryPolicy

GIB = 1024**3
MIB = 1024**2
LIMIT = 2.0

Handler = Callable[[socket.socket, str], None]


def _serve(handler: Handler) -> tuple[socket.socket, int]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=_one, args=(conn,), daemon=True).start()

    def _one(conn: socket.socket) -> None:
        conn.settimeout(30)
        reader = conn.makefile("rb")
        try:
            while True:
                line = reader.readline()
                if not line:
                    return
                length = 0
                while (header := reader.readline()) not in (b"\r\n", b""):
                    name, _, value = header.decode("latin-1").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                reader.read(length)
                handler(conn, line.decode("latin-1").split(" ")[1])
        except OSError:
            pass
        finally:
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    return listener, listener.getsockname()[1]


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} X", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _trickle(conn: socket.socket, path: str) -> None:
    if path.startswith("/rc") and "op" not in path:
        body = b"{}"
        conn.sendall(
            _head(201, {"Content-Length": "2", "Azure-AsyncOperation": f"{_BASE[0]}/op"}) + body
        )
        return
    conn.sendall(_head(200, {"Content-Length": "100"}))
    for _ in range(100):
        time.sleep(0.5)
        conn.sendall(b" ")


_BASE = [""]


def _client(port: int, **kwargs: object) -> ArmClient:
    return ArmClient(
        None,
        "sub",
        base_url=f"http://127.0.0.1:{port}",
        api_version="v",
        sdk_moniker="bench/0",
        polling_interval=0,
        retry_policy=RetryPolicy(),
        read_timeout=60.0,
        **kwargs,  # type: ignore[arg-type]
    )


def trickle_figures(repeats: int = 5) -> dict[str, list[float]]:
    listener, port = _serve(_trickle)
    _BASE[0] = f"http://127.0.0.1:{port}"
    figures: dict[str, list[float]] = {"call timeout=2": [], "begin_ deadline=2 (poll)": []}
    with _client(port) as client:
        for _ in range(repeats):
            started = time.monotonic()
            try:
                client.send(
                    "GET",
                    f"{_BASE[0]}/get",
                    expected_status=(200,),
                    options=RequestOptions(timeout=LIMIT),
                )
            except AzureError:
                figures["call timeout=2"].append(time.monotonic() - started)
            started = time.monotonic()
            poller = client.begin_lro(
                "PUT",
                f"{_BASE[0]}/rc",
                body=b"{}",
                expected_status=(201,),
                deserialize=None,
                operation_id="op",
                deadline=LIMIT,
            )
            try:
                poller.result()
            except PollingTimeoutError as error:
                assert error.continuation_token
                figures["begin_ deadline=2 (poll)"].append(time.monotonic() - started)
    listener.close()
    return figures


def _offer_gib(case: str) -> Handler:
    block = b"x" * (256 * 1024)

    def handle(conn: socket.socket, path: str) -> None:
        if case == "announced":
            conn.sendall(_head(200, {"Content-Length": str(GIB)}))
            for _ in range(GIB // len(block)):
                conn.sendall(block)
        elif case == "chunked":
            conn.sendall(_head(200, {"Transfer-Encoding": "chunked"}))
            frame = b"%x\r\n%s\r\n" % (len(block), block)
            for _ in range(GIB // len(block)):
                conn.sendall(frame)
            conn.sendall(b"0\r\n\r\n")
        else:
            conn.sendall(
                _head(200, {"Content-Length": str(len(_BOMB[0])), "Content-Encoding": "gzip"})
            )
            conn.sendall(_BOMB[0])

    return handle


_BOMB = [b""]


def memory_case(case: str) -> dict[str, object]:
    """Run in a fresh interpreter: offer 1 GiB one way, report what reading it cost."""
    if case == "gzip":
        zeros = b"\0" * (64 * MIB)
        compressor = gzip.GzipFile(fileobj=(buffer := _Sink()), mode="wb", compresslevel=9)
        for _ in range(16):
            compressor.write(zeros)
        compressor.close()
        del zeros
        _BOMB[0] = buffer.data()
    listener, port = _serve(_offer_gib(case))
    headers = {"Accept-Encoding": "gzip"} if case == "gzip" else None
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.monotonic()
    with _client(port) as client:
        try:
            client.send(
                "GET",
                f"http://127.0.0.1:{port}/big",
                expected_status=(200,),
                options=RequestOptions(headers=headers),
            )
            outcome = "read whole (!)"
        except AzureError as error:
            outcome = type(error).__name__
    elapsed = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss_growth_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    listener.close()
    return {
        "case": case,
        "outcome": outcome,
        "seconds": round(elapsed, 3),
        "peak_heap_mib": round(peak / MIB, 1),
        "peak_rss_growth_mib": round(rss_growth_kib / 1024, 1),
        "compressed_mib": round(len(_BOMB[0]) / MIB, 2) if case == "gzip" else None,
    }


class _Sink:
    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def data(self) -> bytes:
        return b"".join(self._parts)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        print(json.dumps(memory_case(sys.argv[2])))
        return
    print(f"Time to the typed timeout, server trickling 1 byte / 0.5 s (limit {LIMIT} s):")
    for name, values in trickle_figures().items():
        print(
            f"  {name:28s} median {statistics.median(values):.3f} s, "
            f"max {max(values):.3f} s over {len(values)} runs"
        )
    print("A 1 GiB body offered, default cap 32 MiB (fresh interpreter per case):")
    for case in ("announced", "chunked", "gzip"):
        done = subprocess.run(
            [sys.executable, "-m", "bench.limits", "--case", case],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        print("  " + done.stdout.strip())


if __name__ == "__main__":
    main()
