"""A fuller user program, which also runs against the emulator: paging by page, poller
states, workflows' results and errors, the emulator with a typed executor, another operation
group, merge-patch nulls. Every value a user reads has its type (assert_type fails on Any)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from typing_extensions import assert_type
from vmss_runcommands import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    RunCommandsClient,
    send_null,
)
from vmss_runcommands.emulator import ArmEmulator, ExecutionResult
from vmss_runcommands.models import (
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
    VirtualMachineRunCommandUpdate,
)
from vmss_runcommands.workflows import (
    FanOutSummary,
    InstanceOutcome,
    RunCommandFailedError,
    RunResult,
    RunTimeoutError,
    Throttle,
    fan_out,
    run_and_wait,
)


def executor(run_command: Mapping[str, Any]) -> ExecutionResult:
    return ExecutionResult(exit_code=0, output="ok")


def pages(client: RunCommandsClient) -> Iterator[list[str]]:
    ops = client.virtual_machine_scale_set_vm_run_commands
    for page in ops.list("rg", "ss", "0").by_page():
        yield [item.name or "" for item in page]


def catalogue(client: RunCommandsClient) -> None:
    """The region's built-in commands (Azure only: the emulator serves scale-set run commands)."""
    for document in client.virtual_machine_run_commands.list("westus"):
        print(document.id, document.os_type, document.label)


with ArmEmulator(executor=executor) as emu:
    client = emu.client()
    assert_type(client, RunCommandsClient)
    ops = client.virtual_machine_scale_set_vm_run_commands
    command = VirtualMachineRunCommand(
        location="westus",
        source=VirtualMachineRunCommandScriptSource(script="echo $A"),
        parameters=[RunCommandInputParameter(name="A", value="1")],
    )
    poller = ops.begin_create_or_update("rg", "ss", "0", "n", command)
    assert_type(poller.status(), str)
    assert_type(poller.done(), bool)
    poller.wait(timeout=5)
    created = poller.result(timeout=5)
    assert_type(created.provisioning_state, str | None)
    assert_type(created.timeout_in_seconds, int | None)

    update = VirtualMachineRunCommandUpdate(timeout_in_seconds=60)
    send_null(update, "timeout_in_seconds")
    ops.begin_update("rg", "ss", "0", "n", update).result()

    first_pages = list(pages(client))
    assert_type(first_pages, list[list[str]])

    try:
        result = run_and_wait(client, "rg", "ss", "0", "n", command, timeout=30)
        assert_type(result, RunResult)
        assert_type(result.exit_code, int | None)
        assert_type(result.output, str)
    except RunCommandFailedError as failed:
        print(failed)
    except RunTimeoutError as timed_out:
        assert_type(timed_out.continuation_token, str)

    throttle = Throttle()
    runs = fan_out(client, "rg", "ss", ["0", "1"], "n", command, throttle=throttle)
    for outcome in runs:
        assert_type(outcome, InstanceOutcome)
        assert_type(outcome.instance_id, str)
    assert_type(runs.summary(), FanOutSummary)

    try:
        ops.begin_delete("rg", "ss", "0", "n").result()
    except ResourceExistsError as conflict:
        assert_type(conflict.status_code, int | None)
    except ClientAuthenticationError:
        raise
    except HttpResponseError as other:
        if other.error is not None:
            assert_type(other.error.code, str | None)
