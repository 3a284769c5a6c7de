"""The asyncio surface as its users write it: async with, await, async for.

The shared behaviour (request shapes, errors, retries, LRO endings, lost writes) is covered
by the sync tests parametrized over both surfaces; these cover what only async code can
show: the awaitable shapes, one event loop serving many operations, and that the sync
package never loads the async stack.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from vmss_runcommands import RunCommandsClient as SyncClient
from vmss_runcommands.aio import AsyncItemPaged, AsyncLROPoller, RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator
from vmss_runcommands.models import (
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)
from vmss_runcommands.runtime.exceptions import ResourceNotFoundError

RG, VMSS = "rg-fleet", "web-vmss"
SECRET = "Pa55-word-never-shown"


class AsyncCredential:
    """An azure.identity.aio-shaped credential: an awaitable get_token, counted."""

    def __init__(self, emulator: ArmEmulator) -> None:
        self._sync = emulator.credential
        self.calls = 0

    async def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        self.calls += 1
        await asyncio.sleep(0)
        return self._sync.get_token(*scopes, **kwargs)


@pytest.fixture
def emulator() -> Iterator[ArmEmulator]:
    with ArmEmulator(polls_before_done=2, page_size=2) as emu:
        yield emu


def _client(emulator: ArmEmulator, credential: AsyncCredential | None = None) -> RunCommandsClient:
    return RunCommandsClient(
        credential or AsyncCredential(emulator),
        emulator.subscription_id,
        base_url=emulator.base_url,
        polling_interval=0,
    )


def _command(script: str = "echo hi") -> VirtualMachineRunCommand:
    return VirtualMachineRunCommand(
        location="westus",
        source=VirtualMachineRunCommandScriptSource(script=script),
        protected_parameters=[RunCommandInputParameter(name="p", value=SECRET)],
        run_as_password=SECRET,
    )


def test_create_get_list_delete_with_async_with_await_and_async_for(
    emulator: ArmEmulator,
) -> None:
    async def scenario() -> list[str]:
        async with _client(emulator) as client:
            ops = client.virtual_machine_scale_set_vm_run_commands
            for name in ("a", "b", "c"):
                poller = await ops.begin_create_or_update(RG, VMSS, "0", name, _command())
                assert isinstance(poller, AsyncLROPoller)
                assert not poller.done()
                result = await poller.result(timeout=30)
                assert poller.done() and poller.status() == "Succeeded"
                assert result.provisioning_state == "Succeeded"
            got = await ops.get(RG, VMSS, "0", "b")
            assert got.name == "b"
            pages = ops.list(RG, VMSS, "0")
            assert isinstance(pages, AsyncItemPaged)
            names = [item.name async for item in pages if item.name]
            deleting = await ops.begin_delete(RG, VMSS, "0", "a")
            await deleting.wait(timeout=30)
            with pytest.raises(ResourceNotFoundError):
                await ops.get(RG, VMSS, "0", "a")
            return names

    names = asyncio.run(scenario())
    assert sorted(names) == ["a", "b", "c"]  # three items over two pages (page_size=2)
    list_pages = [
        r for r in emulator.requests if r.method == "GET" and r.path.endswith("/runCommands")
    ]
    assert len(list_pages) == 2


def test_await_poller_is_its_result_and_many_operations_share_one_loop(
    emulator: ArmEmulator,
) -> None:
    credential = AsyncCredential(emulator)

    async def scenario() -> list[str | None]:
        async with _client(emulator, credential) as client:
            ops = client.virtual_machine_scale_set_vm_run_commands

            async def one(instance: int) -> str | None:
                poller = await ops.begin_create_or_update(RG, VMSS, str(instance), "x", _command())
                result = await poller
                return result.provisioning_state

            return await asyncio.gather(*(one(i) for i in range(20)))

    assert asyncio.run(scenario()) == ["Succeeded"] * 20
    assert credential.calls == 1  # concurrent tasks shared one cached token


@pytest.mark.parametrize("started_by", ["sync", "async"])
def test_continuation_tokens_move_between_the_sync_and_async_clients(
    emulator: ArmEmulator, started_by: str
) -> None:
    sync_client = SyncClient(
        emulator.credential, emulator.subscription_id, base_url=emulator.base_url
    )
    sync_ops = sync_client.virtual_machine_scale_set_vm_run_commands

    async def start_async() -> str:
        async with _client(emulator) as client:
            ops = client.virtual_machine_scale_set_vm_run_commands
            poller = await ops.begin_create_or_update(RG, VMSS, "1", "moving", _command())
            return poller.continuation_token()

    async def finish_async(token: str) -> VirtualMachineRunCommand:
        async with _client(emulator) as client:
            ops = client.virtual_machine_scale_set_vm_run_commands
            poller = await ops.begin_create_or_update(
                RG, VMSS, "1", "moving", None, continuation_token=token
            )
            return await poller.result(timeout=30)

    if started_by == "sync":
        token = sync_ops.begin_create_or_update(RG, VMSS, "1", "moving", _command())
        token = token.continuation_token()
        result = asyncio.run(finish_async(token))
    else:
        token = asyncio.run(start_async())
        result = sync_ops.begin_create_or_update(
            RG, VMSS, "1", "moving", None, continuation_token=token, polling_interval=0
        ).result(timeout=30)
    sync_client.close()
    assert result.provisioning_state == "Succeeded"
    assert SECRET not in token
    assert [r.method for r in emulator.requests].count("PUT") == 1  # resumed, not resent


def test_a_poller_timeout_leaves_a_resumable_token(emulator: ArmEmulator) -> None:
    async def scenario() -> None:
        async with RunCommandsClient(
            AsyncCredential(emulator),
            emulator.subscription_id,
            base_url=emulator.base_url,
            polling_interval=5,
        ) as client:
            ops = client.virtual_machine_scale_set_vm_run_commands
            poller = await ops.begin_create_or_update(RG, VMSS, "2", "slow", _command())
            with pytest.raises(TimeoutError) as caught:
                await poller.wait(timeout=0.05)
            assert caught.value.continuation_token == poller.continuation_token()  # type: ignore[attr-defined]
            assert not poller.done()

    asyncio.run(scenario())


def test_importing_the_sync_package_never_loads_aiohttp() -> None:
    code = (
        "import sys, vmss_runcommands\n"
        "from vmss_runcommands import RunCommandsClient, LROPoller\n"
        "import vmss_runcommands.workflows, vmss_runcommands.cli\n"
        "assert 'aiohttp' not in sys.modules, 'aiohttp was imported'\n"
        "import vmss_runcommands.aio\n"
        "assert 'aiohttp' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_reprs_show_no_secret_or_token(emulator: ArmEmulator) -> None:
    async def scenario() -> list[str]:
        async with _client(emulator) as client:
            ops = client.virtual_machine_scale_set_vm_run_commands
            poller = await ops.begin_create_or_update(RG, VMSS, "0", "r", _command())
            await poller.result(timeout=30)
            pipeline = client._client.pipeline
            return [repr(client), repr(poller), repr(pipeline), repr(pipeline.auth)]

    shown = " ".join(asyncio.run(scenario()))
    assert SECRET not in shown
    assert "emulator-" not in shown  # every token the emulator issues starts so


def test_tasks_awaiting_one_poller_share_its_polls_and_a_cancelled_one_stops_no_other(
    emulator: ArmEmulator,
) -> None:
    async def polls_for(name: str, waiters: int, cancel_one: bool) -> tuple[list[str], int]:
        async with _client(emulator) as client:
            ops = client.virtual_machine_scale_set_vm_run_commands
            poller = await ops.begin_create_or_update(RG, VMSS, "0", name, _command())
            before = len(emulator.requests)
            tasks = [asyncio.ensure_future(poller.result(timeout=30)) for _ in range(waiters)]
            if cancel_one:
                await asyncio.sleep(0)  # the first task is polling, the others wait on it
                tasks[-1].cancel()
            done = await asyncio.gather(*tasks, return_exceptions=True)
            states = [
                "cancelled" if isinstance(item, asyncio.CancelledError) else item.provisioning_state
                for item in done
            ]
            return states, len(emulator.requests) - before

    alone, requests_alone = asyncio.run(polls_for("alone", 1, cancel_one=False))
    shared, requests_shared = asyncio.run(polls_for("shared", 5, cancel_one=True))
    assert alone == ["Succeeded"]
    assert shared == ["Succeeded"] * 4 + ["cancelled"]
    # Polls never overlap and none is repeated for the extra waiters.
    assert requests_shared == requests_alone > 1


def test_pages_iterate_with_async_for_as_azure_core_pages_do(emulator: ArmEmulator) -> None:
    # azure-mgmt-compute's aio users write `async for page in pager.by_page(): async for ...`
    async def scenario() -> tuple[list[list[str]], list[list[str]]]:
        async with _client(emulator) as client:
            ops = client.virtual_machine_scale_set_vm_run_commands
            for name in ("a", "b", "c"):
                await (await ops.begin_create_or_update(RG, VMSS, "4", name, _command())).wait()
            by_async_for = [
                [item.name or "" async for item in page]
                async for page in ops.list(RG, VMSS, "4").by_page()
            ]
            by_for = [
                [item.name or "" for item in page]
                async for page in ops.list(RG, VMSS, "4").by_page()
            ]
            return by_async_for, by_for

    by_async_for, by_for = asyncio.run(scenario())
    assert by_async_for == by_for == [["a", "b"], ["c"]]  # page_size=2
