"""W3-async: many LROs on one event loop against the stand-in ARM server (bench/lro_server.py).

``LROS`` Create Or Update operations, ``IN_FLIGHT`` at a time, each PUT -> 2 polls -> GET: the
client CPU per LRO (``time.process_time``; the server is another process) for
``vmss_runcommands.aio`` and for a floor that does the same exchanges with bare aiohttp and
``json``. Run: ``python -m bench.w3_async``.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import tempfile
import time
from pathlib import Path
from typing import Any

from . import samples
from .credential import FakeCredential
from .ours import Models
from .w3_lro import running_server

LROS = 1000
IN_FLIGHT = 64


class AsyncCredential:
    def __init__(self) -> None:
        self._sync = FakeCredential()

    async def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        return self._sync.get_token(*scopes, **kwargs)


async def _bounded(run_one: Any, prefix: str) -> None:
    semaphore = asyncio.Semaphore(IN_FLIGHT)

    async def one(index: int) -> None:
        async with semaphore:
            await run_one(f"{prefix}-{index}")

    await asyncio.gather(*(one(i) for i in range(LROS)))


async def ours(base_url: str, ca_path: str, prefix: str) -> float:
    from vmss_runcommands.aio import RunCommandsClient

    body = Models().build()
    async with RunCommandsClient(
        AsyncCredential(),
        samples.SUBSCRIPTION_ID,
        base_url=base_url,
        connection_verify=ca_path,
        polling_interval=0,
        pool_maxsize=IN_FLIGHT,
    ) as client:
        ops = client.virtual_machine_scale_set_vm_run_commands

        async def run_one(name: str) -> None:
            poller = await ops.begin_create_or_update(
                samples.RESOURCE_GROUP, samples.VMSS_NAME, samples.INSTANCE_ID, name, body
            )
            await poller.result()

        await run_one(f"{prefix}-warm")
        cpu = time.process_time()
        await _bounded(run_one, prefix)
        return (time.process_time() - cpu) / LROS


async def floor(base_url: str, ca_path: str, prefix: str) -> float:
    import aiohttp

    body = json.dumps(Models().wire(Models().build())).encode()
    context = ssl.create_default_context(cafile=ca_path)
    connector = aiohttp.TCPConnector(limit_per_host=IN_FLIGHT, ssl=context)
    headers = {"Authorization": "Bearer t", "Content-Type": "application/json"}
    path = (
        f"/subscriptions/{samples.SUBSCRIPTION_ID}/resourceGroups/{samples.RESOURCE_GROUP}"
        f"/providers/Microsoft.Compute/virtualMachineScaleSets/{samples.VMSS_NAME}"
        f"/virtualMachines/{samples.INSTANCE_ID}/runCommands/"
    )
    async with aiohttp.ClientSession(connector=connector) as session:

        async def run_one(name: str) -> None:
            url = f"{base_url}{path}{name}?api-version={samples.API_VERSION}"
            async with session.put(url, data=body, headers=headers) as response:
                json.loads(await response.read())
                status_url = response.headers["Azure-AsyncOperation"]
            status = "InProgress"
            while status not in ("Succeeded", "Failed", "Canceled"):
                async with session.get(status_url, headers=headers) as response:
                    status = json.loads(await response.read())["status"]
            async with session.get(url, headers=headers) as response:
                json.loads(await response.read())

        await run_one(f"{prefix}-warm")
        cpu = time.process_time()
        await _bounded(run_one, prefix)
        return (time.process_time() - cpu) / LROS


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        running_server(Path(folder), 600.0) as (
            server,
            tls,
        ),
    ):
        figures: dict[str, float] = {}
        for turn in range(3):
            for name, measure in (("floor", floor), ("ours", ours)):
                cpu = asyncio.run(measure(server.base_url, tls.ca_path, f"{name}{turn}"))
                figures[name] = min(figures.get(name, cpu), cpu)
        print(f"{LROS} LROs, {IN_FLIGHT} in flight, one event loop; client CPU per LRO, best of 3")
        print(f"aiohttp + json floor  {figures['floor'] * 1e3:6.2f} ms")
        print(
            f"vmss_runcommands.aio  {figures['ours'] * 1e3:6.2f} ms "
            f"({figures['ours'] / figures['floor']:.2f}x the floor)"
        )


if __name__ == "__main__":
    main()
