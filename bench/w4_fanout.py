"""W4: a fan-out of one Create Or Update to N instances against the stand-in of W3.

Two ways, each with one shared client whose pool holds ``POOL`` connections:

- ``async``: ``vmss_runcommands.aio`` on one event loop with up to ``ASYNC_IN_FLIGHT``
  operations in flight (an ``asyncio.Semaphore``, as a fan-out bounds itself; they queue for
  the pool's connections);
- ``threaded``: the sync client on ``THREADS`` threads, so ``THREADS`` operations are in flight;
- ``async-floor``: the W3-async floor (bare aiohttp + json, no checks) as ``async`` runs ours:
  the wall time the least an asyncio client can do reaches against the same server. When even
  it is near its own CPU time, the client side, not the server, sets the pace on this machine.

Each run is a fresh process (so its peak RSS is its own), with its own server; the client first
runs ``POOL`` operations at once, so the pool is open and the token cached before measuring.
Figures per run: client CPU per instance (``time.process_time``), peak RSS growth
(``ru_maxrss`` after the run minus before it) per in-flight operation, wall time, and the
server's own CPU time over the run: a wall time close to the server's CPU time means the
server, not the client, set the pace. The server's counters must show exactly 1 PUT + 2 polls
+ 1 GET per instance.

Run: ``python -m bench.w4_fanout`` (every size, both modes), ``--mode async --instances 1000``
for one run, or through ``python -m bench``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from . import floor, ours
from .credential import AsyncFakeCredential, FakeCredential
from .stats import Summary
from .w3_async import bounded
from .w3_lro import ExchangeMismatch, Server, _check_exchanges, running_server

SIZES = (100, 1_000, 10_000)
MODES = ("async", "async-floor", "threaded")
THREADS = 64
POOL = 64
# As many as the pool has connections (and the threaded mode threads): an operation in flight
# then never waits for a connection, at any N.
ASYNC_IN_FLIGHT = POOL
ROOT = Path(__file__).resolve().parent.parent


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class PeakRss:
    """Peak RSS growth over a stretch of code, in KiB.

    On Linux the kernel's high-water mark is reset to the current RSS first (``clear_refs``),
    so the peak is the stretch's own, not one left by start-up (making the throw-away CA, the
    warm-up); elsewhere it is the growth of ``ru_maxrss``, which can only undercount.
    """

    def __init__(self) -> None:
        try:
            with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
                clear_refs.write("5")
            self._reset = True
        except OSError:
            self._reset = False
        current = _status_kib("VmRSS") if self._reset else None
        self._reset = current is not None
        self._before = current if current is not None else _maxrss_kib()

    def growth_kib(self) -> float:
        peak = _status_kib("VmHWM") if self._reset else None
        return float((peak if peak is not None else _maxrss_kib()) - self._before)


def _maxrss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _server_cpu(server: Server) -> float:
    return server.counters()["cpu_ms"] / 1e3


async def _fan_out_async(
    server: Server, ca_path: str, instances: int, *, bare: bool = False
) -> dict[str, float]:
    contender: Any = floor if bare else ours
    driver = contender.AsyncLro(server.base_url, ca_path, AsyncFakeCredential(), POOL)
    try:
        await bounded(driver.run, POOL, POOL, "warm")
        _check_exchanges(server, POOL, "async warm-up")
        server.reset()

        server_cpu = _server_cpu(server)
        rss = PeakRss()
        cpu, wall = time.process_time(), time.perf_counter()
        await bounded(driver.run, instances, ASYNC_IN_FLIGHT, "rc")
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        figures = {
            "cpu": cpu,
            "wall": wall,
            "rss_kib": rss.growth_kib(),
            "server_cpu": _server_cpu(server) - server_cpu,
        }
        _check_exchanges(server, instances, f"async fan-out of {instances}")
    finally:
        await driver.close()
    return figures


def _fan_out_threaded(server: Server, ca_path: str, instances: int) -> dict[str, float]:
    from vmss_runcommands import RunCommandsClient

    body = ours.Models().build()
    with RunCommandsClient(
        FakeCredential(),
        ours.samples.SUBSCRIPTION_ID,
        base_url=server.base_url,
        connection_verify=ca_path,
        polling_interval=0,
        pool_maxsize=POOL,
    ) as client:
        operations = client.virtual_machine_scale_set_vm_run_commands

        def run_one(name: str) -> None:
            done = operations.begin_create_or_update(
                ours.samples.RESOURCE_GROUP,
                ours.samples.VMSS_NAME,
                ours.samples.INSTANCE_ID,
                name,
                body,
            ).result()
            if done.provisioning_state != "Succeeded":
                raise ExchangeMismatch(f"{name} did not end Succeeded")

        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(run_one, (f"warm-{index}" for index in range(POOL))))
            _check_exchanges(server, POOL, "threaded warm-up")
            server.reset()
            server_cpu = _server_cpu(server)
            rss = PeakRss()
            cpu, wall = time.process_time(), time.perf_counter()
            list(pool.map(run_one, (f"rc-{index}" for index in range(instances))))
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        figures = {
            "cpu": cpu,
            "wall": wall,
            "rss_kib": rss.growth_kib(),
            "server_cpu": _server_cpu(server) - server_cpu,
        }
        _check_exchanges(server, instances, f"threaded fan-out of {instances}")
    return figures


def one_run(mode: str, instances: int) -> dict[str, float]:
    """One fan-out in this process, with its own server."""
    with (
        tempfile.TemporaryDirectory() as folder,
        running_server(Path(folder), 1800.0) as (
            server,
            tls,
        ),
    ):
        server.reset()
        if mode in ("async", "async-floor"):
            figures = asyncio.run(
                _fan_out_async(server, tls.ca_path, instances, bare=mode == "async-floor")
            )
            in_flight = min(ASYNC_IN_FLIGHT, instances)
        else:
            figures = _fan_out_threaded(server, tls.ca_path, instances)
            in_flight = min(THREADS, instances)
    return {
        "cpu_per_instance": figures["cpu"] / instances,
        "wall": figures["wall"],
        "server_cpu": figures["server_cpu"],
        "rss_kib_per_in_flight": figures["rss_kib"] / in_flight,
        "in_flight": float(in_flight),
    }


def _in_a_new_process(mode: str, instances: int) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "bench.w4_fanout", "--mode", mode, "--instances", str(instances)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return figures


def run(*, sizes: tuple[int, ...], repeats: int) -> dict[str, dict[str, dict[str, Any]]]:
    """Per mode and size (as a string): the figures of :func:`one_run` over repeats."""
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for mode in MODES:
        results[mode] = {}
        for size in sizes:
            runs = [_in_a_new_process(mode, size) for _ in range(repeats)]
            results[mode][str(size)] = {
                "in_flight": int(runs[0]["in_flight"]),
                **{
                    key: Summary.of(run[key] for run in runs)
                    for key in ("cpu_per_instance", "wall", "server_cpu", "rss_kib_per_in_flight")
                },
            }
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.w4_fanout", description=__doc__)
    parser.add_argument("--mode", choices=MODES)
    parser.add_argument("--instances", type=int)
    arguments = parser.parse_args(argv)
    if arguments.mode and arguments.instances:
        print(json.dumps(one_run(arguments.mode, arguments.instances)))
        return
    print(
        f"{'mode':11} {'instances':>9} {'in flight':>9} {'CPU ms/instance':>16} "
        f"{'RSS KiB/op':>11} {'wall s':>7} {'server CPU s':>12}"
    )
    for mode, sizes in run(sizes=SIZES, repeats=1).items():
        for size, row in sizes.items():
            print(
                f"{mode:11} {size:>9} {row['in_flight']:9d} "
                f"{row['cpu_per_instance'].median * 1e3:16.3f} "
                f"{row['rss_kib_per_in_flight'].median:11.1f} {row['wall'].median:7.2f} "
                f"{row['server_cpu'].median:12.2f}"
            )


if __name__ == "__main__":
    main()
