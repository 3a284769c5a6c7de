"""README: the asyncio quickstart. Verbatim after the command it runs; test_typing.py checks it still matches."""

from vmss_runcommands.models import VirtualMachineRunCommand, VirtualMachineRunCommandScriptSource

command = VirtualMachineRunCommand(
    location="westus", source=VirtualMachineRunCommandScriptSource(script="df -h /")
)

import asyncio

from azure.identity.aio import DefaultAzureCredential

from vmss_runcommands.aio import RunCommandsClient
from vmss_runcommands.workflows.aio import fan_out, run_and_wait


async def main() -> None:
    async with (
        DefaultAzureCredential() as credential,
        RunCommandsClient(credential, "<subscription-id>") as client,
    ):
        ops = client.virtual_machine_scale_set_vm_run_commands
        poller = await ops.begin_create_or_update("my-rg", "my-vmss", "3", "rotate-logs", command)
        run_command = await poller.result(timeout=600)  # or: await poller
        print(run_command.provisioning_state, poller.status(), poller.continuation_token())
        print((await ops.get("my-rg", "my-vmss", "3", "rotate-logs")).provisioning_state)
        async for item in ops.list("my-rg", "my-vmss", "3"):
            print(item.name)

        result = await run_and_wait(client, "my-rg", "my-vmss", "3", "disk-check", command)
        print(result.execution_state, result.exit_code, result.output)
        ids = [str(i) for i in range(10_000)]
        async with fan_out(
            client, "my-rg", "my-vmss", ids, "disk", command, max_in_flight=64
        ) as runs:
            async for outcome in runs:  # max_in_flight tasks on this loop, no thread per instance
                print(outcome.instance_id, outcome.status)


asyncio.run(main())
