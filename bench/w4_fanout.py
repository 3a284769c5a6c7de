"""W4: a fan-out to N instances against the stand-in ARM server (bench/lro_server.py).

N Create Or Update operations (PUT -> polls -> GET), every one in flight at once: on one
event loop with ``vmss_runcommands.aio`` (``async``), or on ``THREADS`` threads sharing one
sync client (``threaded``, where ``THREADS`` operations are in flight). Per run, in a fresh
process: client CPU per instance (``time.process_time``; the server is another process) and
peak RSS growth (``ru_maxrss`` after the run minus before it) per in-flight operation.
Run: ``python -m bench.w4_fanout`` (or ``--mode async --instances 1000`` for one run).
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

from . import samples
from .credential import FakeCredential
from .ours import Models
from .w3_async import AsyncCredential
from .w3_lro import running_server

SIZES = (100, 1_000, 10_000)
THREADS = 64
POOL = 64


def _rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def _fan_out_async(base_url: str, ca_path: str, instances: int) -> tuple[float, int]:
    from vmss_runcommands.aio import RunCommandsClient

    body = Models().build()
    async with RunCommandsClient(
        AsyncCredential(),
        samples.SUBSCRIPTION_ID,
        base_url=base_url,
        connection_verify=ca_path,
        polling_interval=0,
        pool_maxsize=POOL,
    ) as client:
        ops = client.virtual_machine_scale_set_vm_run_commands

        async def run_one(name: str) -> None:
            poller = await ops.begin_create_or_update(
                samples.RESOURCE_GROUP, samples.VMSS_NAME, samples.INSTANCE_ID, name, body
            )
            await poller.result()

        await run_one("warm")
        rss, cpu = _rss_kib(), time.process_time()
        await asyncio.gather(*(run_one(f"rc-{i}") for i in range(instances)))
        return time.process_time() - cpu, _rss_kib() - rss


def _fan_out_threaded(base_url: str, ca_path: str, instances: int) -> tuple[float, int]:
    from vmss_runcommands import RunCommandsClient

    body = Models().build()
    with RunCommandsClient(
        FakeCredential(),
        samples.SUBSCRIPTION_ID,
        base_url=base_url,
        connection_verify=ca_path,
        polling_interval=0,
        pool_maxsize=POOL,
    ) as client:
        ops = client.virtual_machine_scale_set_vm_run_commands

        def run_one(name: str) -> None:
            ops.begin_create_or_update(
                samples.RESOURCE_GROUP, samples.VMSS_NAME, samples.INSTANCE_ID, name, body
            ).result()

        run_one("warm")
        rss, cpu = _rss_kib(), time.process_time()
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(run_one, (f"rc-{i}" for i in range(instances))))
        return time.process_time() - cpu, _rss_kib() - rss


def one_run(mode: str, instances: int) -> dict[str, float]:
    with (
        tempfile.TemporaryDirectory() as folder,
        running_server(Path(folder), 1800.0) as (
            server,
            tls,
        ),
    ):
        if mode == "async":
            cpu, rss = asyncio.run(_fan_out_async(server.base_url, tls.ca_path, instances))
            in_flight = instances
        else:
            cpu, rss = _fan_out_threaded(server.base_url, tls.ca_path, instances)
            in_flight = min(THREADS, instances)
    return {
        "cpu_ms_per_instance": cpu / instances * 1e3,
        "rss_kib_per_in_flight": rss / in_flight,
        "in_flight": in_flight,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("async", "threaded"))
    parser.add_argument("--instances", type=int)
    args = parser.parse_args(argv)
    if args.mode and args.instances:
        print(json.dumps(one_run(args.mode, args.instances)))
        return
    print(
        f"{'mode':9} {'instances':>9} {'in flight':>9} {'CPU ms/instance':>16} {'RSS KiB/op':>11}"
    )
    for mode in ("async", "threaded"):
        for size in SIZES:
            out = subprocess.run(
                [sys.executable, "-m", "bench.w4_fanout", "--mode", mode, "--instances", str(size)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            row = json.loads(out.strip().splitlines()[-1])
            print(
                f"{mode:9} {size:9d} {row['in_flight']:9d} "
                f"{row['cpu_ms_per_instance']:16.2f} {row['rss_kib_per_in_flight']:11.1f}"
            )


if __name__ == "__main__":
    main()
