"""``python -m bench.profile w2|w3|w3-async``: cProfile one contender's side of a workload.

W2 profiles one model case in a loop; W3 profiles sequential LROs against the stand-in server
(cProfile sees the calling thread only, which is all of our client's work: its poller starts no
thread); W3-async profiles LROs with ``--in-flight`` of them on one event loop, after a warm-up
that opens the pool. W3 and W3-async are timed with the process's CPU clock, so waiting for
the server does not show. Prints the top functions by own time and by cumulative time.
cProfile's cost per call inflates code made of many small calls (ours and urllib3 alike):
compare contenders with ``python -m bench``, and use this to see where the time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import pstats
import sys
import tempfile
import time
from pathlib import Path

from . import logs, w2_models, w3_async, w3_lro
from .contenders import MODULES
from .credential import AsyncFakeCredential, FakeCredential


def _profile_w2(contender: str, case: str, number: int) -> cProfile.Profile:
    models = MODULES[contender].Models()
    w2_models.check(contender, models)
    operation = w2_models.operation(models, case)
    for _ in range(min(number, 1000)):
        operation()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in itertools.repeat(None, number):
        operation()
    profiler.disable()
    return profiler


def _profile_w3(contender: str, lros: int) -> cProfile.Profile:
    logs.install()
    with (
        tempfile.TemporaryDirectory() as folder,
        w3_lro.running_server(Path(folder), max_seconds=600.0) as (server, tls),
    ):
        driver = MODULES[contender].Lro(server.base_url, tls.ca_path, FakeCredential())
        try:
            for index in range(20):
                driver.run(f"warm-{index}")
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for index in range(lros):
                driver.run(f"profiled-{index}")
            profiler.disable()
        finally:
            driver.close()
    return profiler


def _profile_w3_async(contender: str, lros: int, in_flight: int) -> cProfile.Profile:
    logs.install()
    profiler = cProfile.Profile(time.process_time)

    async def measured(base_url: str, ca_path: str) -> None:
        driver = MODULES[contender].AsyncLro(base_url, ca_path, AsyncFakeCredential(), in_flight)
        try:
            await w3_async.bounded(driver.run, in_flight, in_flight, "warm")
            profiler.enable()
            await w3_async.bounded(driver.run, lros, in_flight, "profiled")
            profiler.disable()
        finally:
            await driver.close()

    with (
        tempfile.TemporaryDirectory() as folder,
        w3_lro.running_server(Path(folder), max_seconds=600.0) as (server, tls),
    ):
        asyncio.run(measured(server.base_url, tls.ca_path))
    return profiler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("workload", choices=("w2", "w3", "w3-async"))
    parser.add_argument("--contender", choices=sorted(MODULES), default="ours")
    parser.add_argument("--case", choices=w2_models.CASES, default="deser", help="W2 case")
    parser.add_argument("--number", type=int, default=20_000, help="W2 iterations")
    parser.add_argument("--lros", type=int, default=300, help="W3 / W3-async LROs")
    parser.add_argument("--in-flight", type=int, default=64, help="W3-async LROs in flight")
    parser.add_argument("--top", type=int, default=25, help="rows of each listing")
    parser.add_argument("--output", type=Path, help="also save the raw profile here")
    arguments = parser.parse_args(argv)
    if arguments.workload == "w2":
        profiler = _profile_w2(arguments.contender, arguments.case, arguments.number)
        per = f"per {arguments.case}, over {arguments.number}"
    elif arguments.workload == "w3":
        profiler = _profile_w3(arguments.contender, arguments.lros)
        per = f"over {arguments.lros} sequential LROs"
    else:
        profiler = _profile_w3_async(arguments.contender, arguments.lros, arguments.in_flight)
        per = f"over {arguments.lros} LROs, {arguments.in_flight} in flight on one event loop"
    if arguments.output is not None:
        profiler.dump_stats(str(arguments.output))
    print(f"# {arguments.contender} {arguments.workload} ({per})")
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    stats.sort_stats("tottime").print_stats(arguments.top)
    stats.sort_stats("cumulative").print_stats(arguments.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
