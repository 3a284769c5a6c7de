"""W3-async: many Create Or Update LROs on one event loop, against the stand-in of W3.

Per contender (``vmss_runcommands.aio``, ``azure.mgmt.compute.aio`` and a floor of bare aiohttp +
json making the same exchanges): ``lros`` LROs, ``in_flight`` at a time, each PUT -> 2 polls ->
GET, on one client whose pool holds ``in_flight`` connections. Before each measured run the
client runs ``in_flight`` LROs at once, so its pool is open and its token cached; the run itself
then opens no connection. Client CPU per LRO is ``time.process_time`` of this process (the server
is another); the server's counters must show exactly 1 PUT + 2 polls + 1 GET per LRO.

Run: ``python -m bench.w3_async`` (every contender installed here), or through ``python -m bench``.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from .contenders import ASYNC_LABELS, present
from .credential import AsyncFakeCredential
from .logs import Tally
from .stats import Summary, ratio, rotated
from .w3_lro import ExchangeMismatch, Server, _check_exchanges, running_server

LROS = 1000
IN_FLIGHT = 64
REPEATS = 3


@dataclass(frozen=True)
class RunFigures:
    cpu_per_lro: float
    wall_per_lro: float
    connections: int
    log_records: int


async def bounded(
    run_one: Callable[[str], Awaitable[str]], count: int, in_flight: int, prefix: str
) -> None:
    """``count`` LROs with at most ``in_flight`` running; every one must end Succeeded.

    ``in_flight`` workers take the next LRO as each finishes, as a bounded fan-out is written:
    no task (or coroutine) exists for an LRO before it starts, so what is alive at any time,
    and the memory and garbage-collection work it costs, depends on ``in_flight`` only.
    """
    indexes = iter(range(count))

    async def worker() -> None:
        for index in indexes:
            name = f"{prefix}-{index}"
            if await run_one(name) != "Succeeded":
                raise ExchangeMismatch(f"{name} did not end Succeeded")

    await asyncio.gather(*(worker() for _ in range(min(in_flight, count))))


async def _measure(
    module: ModuleType,
    server: Server,
    ca_path: str,
    credential: AsyncFakeCredential,
    *,
    lros: int,
    in_flight: int,
    prefix: str,
) -> tuple[float, float, int]:
    driver: Any = module.AsyncLro(server.base_url, ca_path, credential, in_flight)
    try:
        server.reset()
        await bounded(driver.run, in_flight, in_flight, f"{prefix}-warm")
        _check_exchanges(server, in_flight, f"{prefix} warm-up")
        server.reset()
        cpu, wall = time.process_time(), time.perf_counter()
        await bounded(driver.run, lros, in_flight, prefix)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        connections = _check_exchanges(server, lros, prefix)
    finally:
        await driver.close()
    return cpu / lros, wall / lros, connections


def run(
    contenders: dict[str, ModuleType],
    folder: Path,
    *,
    repeats: int,
    lros: int,
    in_flight: int,
    tally: Tally,
) -> dict[str, dict[str, Any]]:
    """Per contender: CPU and wall seconds per LRO, connections opened and log records per run."""
    runs: dict[str, list[RunFigures]] = {name: [] for name in contenders}
    credentials = {name: AsyncFakeCredential() for name in contenders}
    with running_server(folder, max_seconds=1800.0) as (server, tls):
        for turn in range(repeats):
            for name in rotated(list(contenders), turn):
                tally.take()
                cpu, wall, connections = asyncio.run(
                    _measure(
                        contenders[name],
                        server,
                        tls.ca_path,
                        credentials[name],
                        lros=lros,
                        in_flight=in_flight,
                        prefix=f"{name}-a{turn}",
                    )
                )
                records, _ = tally.take()
                runs[name].append(RunFigures(cpu, wall, connections, records))
    return {
        name: {
            "cpu_per_lro": Summary.of(r.cpu_per_lro for r in figures),
            "wall_per_lro": Summary.of(r.wall_per_lro for r in figures),
            "connections": Summary.of(float(r.connections) for r in figures),
            "log_records": Summary.of(float(r.log_records) for r in figures),
            # Tokens fetched over the whole workload: one per client means it stayed cached.
            "token_requests": credentials[name].calls,
        }
        for name, figures in runs.items()
    }


def main(argv: list[str] | None = None) -> None:
    from . import logs

    parser = argparse.ArgumentParser(prog="python -m bench.w3_async", description=__doc__)
    parser.add_argument("--lros", type=int, default=LROS)
    parser.add_argument("--in-flight", type=int, default=IN_FLIGHT)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--skip-anchor", action="store_true")
    arguments = parser.parse_args(argv)
    contenders = present(skip_anchor=arguments.skip_anchor)
    with tempfile.TemporaryDirectory() as folder:
        figures = run(
            contenders,
            Path(folder),
            repeats=arguments.repeats,
            lros=arguments.lros,
            in_flight=arguments.in_flight,
            tally=logs.install(),
        )
    print(
        f"{arguments.lros} LROs, {arguments.in_flight} in flight on one event loop; "
        f"client CPU per LRO, median of {arguments.repeats} (min-max)"
    )
    for name, figure in figures.items():
        cpu = figure["cpu_per_lro"]
        line = f"{ASYNC_LABELS[name]:28} {cpu.text(3, 1000.0)} ms"
        if name != "floor" and "floor" in figures:
            line += f"  {ratio(cpu, figures['floor']['cpu_per_lro']):.2f}x floor"
        if name == "ours" and "anchor" in figures:
            line += f", {ratio(cpu, figures['anchor']['cpu_per_lro']):.2f}x anchor"
        print(line)


if __name__ == "__main__":
    main()
