"""W3: Create Or Update end to end over verified TLS, against the stand-in in its own process.

Client CPU per LRO is ``time.process_time`` of this process (all its threads); the server's CPU is
not in it. After every run the server's counters must show exactly 1 PUT + 2 polls + 1 GET per
LRO and no rejected request.
"""

from __future__ import annotations

import contextlib
import json
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from . import samples
from .credential import FakeCredential
from .logs import Tally
from .stats import Summary, rotated

SERVER_SCRIPT = Path(__file__).with_name("lro_server.py")
SERVER_START_SECONDS = 30.0


class ExchangeMismatch(AssertionError):
    """A run did not make exactly the exchanges one LRO needs."""


@dataclass(frozen=True)
class Tls:
    ca_path: str
    cert_path: str
    key_path: str


def make_tls(folder: Path) -> Tls:
    """A throw-away CA and a certificate for 127.0.0.1 signed by it."""
    import trustme

    ca = trustme.CA()
    server = ca.issue_cert("127.0.0.1", "localhost")
    paths = Tls(str(folder / "ca.pem"), str(folder / "server.pem"), str(folder / "server.key"))
    ca.cert_pem.write_to_path(paths.ca_path)
    server.private_key_pem.write_to_path(paths.key_path)
    for index, blob in enumerate(server.cert_chain_pems):
        blob.write_to_path(paths.cert_path, append=index > 0)
    return paths


class Server:
    """The stand-in process and a control connection to its counters."""

    def __init__(self, tls: Tls, max_seconds: float) -> None:
        import urllib3

        self._process = subprocess.Popen(
            [
                sys.executable,
                str(SERVER_SCRIPT),
                "--cert",
                tls.cert_path,
                "--key",
                tls.key_path,
                "--fixtures",
                str(samples.FIXTURES),
                "--max-seconds",
                str(max_seconds),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        self.port = self._read_port()
        self.base_url = f"https://127.0.0.1:{self.port}"
        self._control = urllib3.HTTPSConnectionPool(
            "127.0.0.1", self.port, ca_certs=tls.ca_path, cert_reqs="CERT_REQUIRED", maxsize=1
        )

    def _read_port(self) -> int:
        assert self._process.stdout is not None
        ready, _, _ = select.select([self._process.stdout], [], [], SERVER_START_SECONDS)
        line = self._process.stdout.readline() if ready else ""
        if not line.startswith("PORT "):
            self.stop()
            raise RuntimeError(f"the stand-in server did not start (said {line!r})")
        return int(line.split()[1])

    def reset(self) -> None:
        self._control.request("POST", "/_bench/reset")

    def counters(self) -> dict[str, int]:
        counts: dict[str, int] = json.loads(self._control.request("GET", "/_bench/stats").data)
        return counts

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


@dataclass(frozen=True)
class RunFigures:
    cpu_per_lro: float
    wall_per_lro: float
    connections: int
    log_records: int


def _check_exchanges(server: Server, lros: int, label: str) -> int:
    counts = server.counters()
    expected = {"put": lros, "poll": 2 * lros, "get": lros, "bad_requests": 0, "bad_bodies": 0}
    got = {key: counts[key] for key in expected}
    if got != expected:
        raise ExchangeMismatch(f"{label}: the server saw {got}, expected {expected}")
    return counts["connections"]


def _sequential(driver: Any, lros: int, prefix: str) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    for index in range(lros):
        if driver.run(f"{prefix}-{index}") != "Succeeded":
            raise ExchangeMismatch(f"{prefix}-{index} did not end Succeeded")
    return time.process_time() - cpu, time.perf_counter() - wall


def _concurrent(driver: Any, threads: int, per_thread: int, prefix: str) -> tuple[float, float]:
    failures: list[BaseException] = []
    start = threading.Barrier(threads + 1)

    def worker(thread_index: int) -> None:
        start.wait()
        try:
            for index in range(per_thread):
                if driver.run(f"{prefix}-{thread_index}-{index}") != "Succeeded":
                    raise ExchangeMismatch(f"{prefix}-{thread_index}-{index} did not succeed")
        except BaseException as exc:
            failures.append(exc)

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for worker_thread in workers:
        worker_thread.start()
    cpu, wall = time.process_time(), time.perf_counter()
    start.wait()
    for worker_thread in workers:
        worker_thread.join()
    elapsed = time.process_time() - cpu, time.perf_counter() - wall
    if failures:
        raise failures[0]
    return elapsed


@contextlib.contextmanager
def running_server(folder: Path, max_seconds: float) -> Iterator[tuple[Server, Tls]]:
    tls = make_tls(folder)
    server = Server(tls, max_seconds)
    try:
        yield server, tls
    finally:
        server.stop()


def run(
    contenders: dict[str, ModuleType],
    folder: Path,
    *,
    repeats: int,
    sequential_lros: int,
    threads: int,
    per_thread: int,
    warmup_lros: int,
    tally: Tally,
) -> dict[str, dict[str, Any]]:
    """Per contender and mode: CPU and wall seconds per LRO, connections and log records per run."""
    concurrent_lros = threads * per_thread
    last_records: dict[str, str] = {}
    with running_server(folder, max_seconds=1800.0) as (server, tls):
        credentials = {name: FakeCredential() for name in contenders}
        drivers = {
            name: module.Lro(server.base_url, tls.ca_path, credentials[name])
            for name, module in contenders.items()
        }

        def measured(name: str, mode: str, turn: int) -> RunFigures:
            server.reset()
            tally.take()
            if mode == "sequential":
                lros = sequential_lros
                cpu, wall = _sequential(drivers[name], lros, f"{name}-s{turn}")
            else:
                lros = concurrent_lros
                cpu, wall = _concurrent(drivers[name], threads, per_thread, f"{name}-c{turn}")
            records, last = tally.take()
            if last is not None:
                last_records[name] = last
            connections = _check_exchanges(server, lros, f"{name} {mode}")
            return RunFigures(cpu / lros, wall / lros, connections, records)

        try:
            for name, driver in drivers.items():
                server.reset()
                _sequential(driver, warmup_lros, f"{name}-warm")
                _concurrent(driver, threads, 2, f"{name}-warm")
                _check_exchanges(server, warmup_lros + 2 * threads, f"{name} warm-up")
            runs: dict[str, dict[str, list[RunFigures]]] = {
                name: {"sequential": [], "concurrent": []} for name in drivers
            }
            for turn in range(repeats):
                for mode in ("sequential", "concurrent"):
                    for name in rotated(list(drivers), turn):
                        runs[name][mode].append(measured(name, mode, turn))
        finally:
            for driver in drivers.values():
                driver.close()
    return {
        name: {
            **{
                mode: {
                    "cpu_per_lro": Summary.of(r.cpu_per_lro for r in figures),
                    "wall_per_lro": Summary.of(r.wall_per_lro for r in figures),
                    "connections": Summary.of(float(r.connections) for r in figures),
                    "log_records": Summary.of(float(r.log_records) for r in figures),
                }
                for mode, figures in modes.items()
            },
            "last_log_record": last_records.get(name),
            # Tokens fetched over every LRO of the run: 1 means the token was cached throughout.
            "token_requests": credentials[name].calls,
        }
        for name, modes in runs.items()
    }
