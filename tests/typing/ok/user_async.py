"""A new user's asyncio program, run against the emulator by test_typing.py: create/get/
list/delete, pollers resumed from tokens, pages iterated as azure-core's (`async for` over a
page), errors, the async workflows, and the emulator's async client and credential."""

from __future__ import annotations

import asyncio

from typing_extensions import assert_type
from vmss_runcommands import HttpResponseError, PollingTimeoutError, ResourceNotFoundError
from vmss_runcommands.aio import AsyncItemPaged, AsyncLROPoller, RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator
from vmss_runcommands.models import (
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
    VirtualMachineRunCommandUpdate,
)
from vmss_runcommands.workflows import FanOutSummary, InstanceOutcome, RunResult
from vmss_runcommands.workflows.aio import fan_out, run_and_wait


async def names(pager: AsyncItemPaged[VirtualMachineRunCommand]) -> list[str]:
    out: list[str] = []
    async for page in pager.by_page():
        async for item in page:  # as azure-core's AsyncItemPaged pages
            assert_type(item, VirtualMachineRunCommand)
            out.append(item.name or "")
    return out


async def with_client(client: RunCommandsClient) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    command = VirtualMachineRunCommand(
        location="westus", source=VirtualMachineRunCommandScriptSource(script="echo hi")
    )
    poller = await ops.begin_create_or_update("rg", "ss", "0", "n", command)
    assert_type(poller, AsyncLROPoller[VirtualMachineRunCommand])
    token = poller.continuation_token()
    resumed = await ops.begin_create_or_update("rg", "ss", "0", "n", continuation_token=token)
    try:
        created = await resumed.result(timeout=60)
    except PollingTimeoutError:
        return
    assert_type(created, VirtualMachineRunCommand)
    awaited = await poller
    assert_type(awaited, VirtualMachineRunCommand)
    updated = await (
        await ops.begin_update(
            "rg", "ss", "0", "n", VirtualMachineRunCommandUpdate(timeout_in_seconds=5)
        )
    ).result()
    assert_type(updated, VirtualMachineRunCommand)
    got = await ops.get("rg", "ss", "0", "n", expand="instanceView")
    assert_type(got, VirtualMachineRunCommand)
    print(await names(ops.list("rg", "ss", "0")))
    async for item in ops.list("rg", "ss", "0"):
        assert_type(item, VirtualMachineRunCommand)

    result = await run_and_wait(client, "rg", "ss", "1", "w", command, timeout=60)
    assert_type(result, RunResult)
    async with fan_out(client, "rg", "ss", ["0", "1", "2"], "f", command, max_in_flight=2) as runs:
        async for outcome in runs:
            assert_type(outcome, InstanceOutcome)
        summary = runs.summary()
        assert_type(summary, FanOutSummary)

    deleted = await ops.begin_delete("rg", "ss", "0", "n")
    assert_type(await deleted.result(), None)
    try:
        await ops.get("rg", "ss", "0", "n")
    except ResourceNotFoundError as error:
        print(error.status_code)
    except HttpResponseError:
        raise


async def run() -> None:
    with ArmEmulator() as emu:
        async with emu.async_client(polling_interval=0.01) as client:
            assert_type(client, RunCommandsClient)
            await with_client(client)
        async with RunCommandsClient(
            emu.async_credential, emu.subscription_id, base_url=emu.base_url
        ) as own:
            print(await names(own.virtual_machine_scale_set_vm_run_commands.list("rg", "ss", "0")))


asyncio.run(run())
