"""The typed surface a user program sees: no Any where a type is known, and the calls ported
from azure-mgmt-compute type-check as they are."""

from __future__ import annotations

from typing import Any

from azure.core.polling import NoPolling
from typing_extensions import assert_type
from vmss_runcommands import (
    HttpResponseError,
    LROPoller,
    ResourceNotFoundError,
    RunCommandsClient,
)
from vmss_runcommands.emulator import ArmEmulator
from vmss_runcommands.models import (
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)
from vmss_runcommands.runtime.call_options import PipelineResponse
from vmss_runcommands.v2024_07_01 import RunCommandsClient as PinnedClient
from vmss_runcommands.workflows import RunResult, fan_out, run_and_wait

credential = ArmEmulator().credential

client = RunCommandsClient(credential, "sub", cloud_setting="AzureChinaCloud")
assert_type(client, RunCommandsClient)
with RunCommandsClient(credential, "sub") as entered:
    assert_type(entered, RunCommandsClient)
    assert_type(
        run_and_wait(entered, "rg", "ss", "0", "n", VirtualMachineRunCommand(location="westus")),
        RunResult,
    )
with PinnedClient(credential, "sub") as pinned:
    assert_type(pinned, PinnedClient)
    run_and_wait(pinned, "rg", "ss", "0", "n", VirtualMachineRunCommand(location="westus"))
    runs = fan_out(pinned, "rg", "ss", ["0", "1"], "n", VirtualMachineRunCommand(location="westus"))

ops = client.virtual_machine_scale_set_vm_run_commands
command = VirtualMachineRunCommand(
    location="westus", source=VirtualMachineRunCommandScriptSource(script="echo hi")
)
poller = ops.begin_create_or_update("rg", "ss", "0", "n", command)
assert_type(poller, LROPoller[VirtualMachineRunCommand])
token = poller.continuation_token()
# resuming: the body may be left out, or given as None as before
assert_type(
    ops.begin_create_or_update("rg", "ss", "0", "n", continuation_token=token),
    LROPoller[VirtualMachineRunCommand],
)
ops.begin_create_or_update("rg", "ss", "0", "n", None, continuation_token=token)
ops.begin_update("rg", "ss", "0", "n", continuation_token=token)
assert_type(ops.begin_delete("rg", "ss", "0", "n", polling=False), LROPoller[None])
no_polling: NoPolling[VirtualMachineRunCommand] = NoPolling()  # type: ignore[no-untyped-call]
ops.begin_create_or_update("rg", "ss", "0", "n", command, polling=no_polling)


def show_headers(response: PipelineResponse) -> None:
    print(response.http_response.headers.get("x-ms-ratelimit-remaining-resource"))


rc = ops.get("rg", "ss", "0", "n", raw_response_hook=show_headers, logging_enable=False)
assert_type(rc, VirtualMachineRunCommand)
view = rc.instance_view
if view:
    print(view.exit_code, view.output)
# azure-mgmt's grouping, the same objects
anchor_view = rc.properties.instance_view
if anchor_view is not None:
    assert_type(anchor_view.exit_code, int | None)
rc.properties.timeout_in_seconds = 600
assert_type(rc.as_dict(), dict[str, Any])
for item in ops.list("rg", "ss", "0"):
    assert_type(item, VirtualMachineRunCommand)

try:
    ops.get("rg", "ss", "0", "missing")
except ResourceNotFoundError as error:
    assert_type(error.status_code, int | None)
    if error.error is not None:
        print(error.error.code, error.error.message, error.reason, error.response)
except HttpResponseError as error:
    print(error.model)
