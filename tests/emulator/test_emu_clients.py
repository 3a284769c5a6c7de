"""The clients the emulator hands out: typed options that match the clients' keywords, and an
asyncio client with an async credential, so async programs need no adaptor of their own."""

from __future__ import annotations

import asyncio
import inspect
from typing import get_type_hints

import pytest
from vmss_runcommands import RunCommandsClient
from vmss_runcommands.aio import RunCommandsClient as AsyncRunCommandsClient
from vmss_runcommands.emulator import ArmEmulator, AsyncEmulatorCredential
from vmss_runcommands.emulator.client_options import AsyncClientOptions, ClientOptions
from vmss_runcommands.models import VirtualMachineRunCommand, VirtualMachineRunCommandScriptSource
from vmss_runcommands.runtime.retry import RetryPolicy


def _keywords(client: type) -> set[str]:
    parameters = inspect.signature(client.__init__).parameters.values()
    return {p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}


@pytest.mark.parametrize(
    ("options", "client"),
    [(ClientOptions, RunCommandsClient), (AsyncClientOptions, AsyncRunCommandsClient)],
)
def test_typed_options_name_exactly_the_clients_keywords(options: type, client: type) -> None:
    assert set(get_type_hints(options)) == _keywords(client)


def test_client_options_override_the_emulator_defaults() -> None:
    policy = RetryPolicy(total=1)
    with ArmEmulator() as emu, emu.client(polling_interval=7.0, retry_policy=policy) as client:
        assert isinstance(client, RunCommandsClient)
        # the endpoint stays the emulator's: a call reaches it
        assert list(client.virtual_machine_scale_set_vm_run_commands.list("rg", "ss", "0")) == []
        assert emu.requests[-1].path.endswith("/runCommands")


def test_async_client_runs_a_whole_lifecycle_with_the_async_credential() -> None:
    command = VirtualMachineRunCommand(
        location="westus", source=VirtualMachineRunCommandScriptSource(script="echo hi")
    )

    async def scenario(emu: ArmEmulator) -> tuple[str | None, list[str]]:
        async with emu.async_client() as client:
            assert isinstance(client, AsyncRunCommandsClient)
            ops = client.virtual_machine_scale_set_vm_run_commands
            poller = await ops.begin_create_or_update("rg", "ss", "0", "a", command)
            created = await poller.result(timeout=30)
            names = [item.name or "" async for item in ops.list("rg", "ss", "0")]
            await (await ops.begin_delete("rg", "ss", "0", "a")).wait(timeout=30)
            return created.provisioning_state, names

    with ArmEmulator(polls_before_done=1) as emu:
        state, names = asyncio.run(scenario(emu))
        assert (state, names) == ("Succeeded", ["a"])
        assert isinstance(emu.async_credential, AsyncEmulatorCredential)
        assert emu.credential.calls == 1  # the async client asked once and cached the token
        assert emu.run_commands == {}


def test_async_credential_issues_tokens_the_emulator_accepts() -> None:
    async def token(credential: AsyncEmulatorCredential) -> str:
        async with credential:
            return (await credential.get_token("https://management.azure.com/.default")).token

    with ArmEmulator() as emu:
        issued = asyncio.run(token(emu.async_credential))
        assert emu.credential.check(issued).value == "valid"
        with pytest.raises(ValueError, match="scope"):
            asyncio.run(emu.async_credential.get_token())
