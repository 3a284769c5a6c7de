"""README: the quickstart, then run-and-wait and fan-out. Verbatim; test_typing.py checks it still matches."""

from azure.identity import DefaultAzureCredential

from vmss_runcommands import RunCommandsClient
from vmss_runcommands.models import (
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)

client = RunCommandsClient(DefaultAzureCredential(), "<subscription-id>")
ops = client.virtual_machine_scale_set_vm_run_commands

poller = ops.begin_create_or_update(
    "my-rg",
    "my-vmss",
    "3",
    "rotate-logs",
    VirtualMachineRunCommand(
        location="westus",
        source=VirtualMachineRunCommandScriptSource(script="echo $GREETING"),
        parameters=[RunCommandInputParameter(name="GREETING", value="hi")],
        run_as_password="...",  # never shown in repr, logs or errors
    ),
)
run_command = poller.result(timeout=600)  # raises TimeoutError rather than returning half a result
view = ops.get("my-rg", "my-vmss", "3", "rotate-logs", expand="instanceView").instance_view
if view:  # absent when the service sent no instance view
    print(view.execution_state, view.exit_code, view.output)

for item in ops.list("my-rg", "my-vmss", "3"):
    print(item.name, item.provisioning_state)
ops.begin_delete("my-rg", "my-vmss", "3", "rotate-logs").result()

from vmss_runcommands.workflows import Throttle, fan_out, run_and_wait

command = VirtualMachineRunCommand(
    location="westus", source=VirtualMachineRunCommandScriptSource(script="df -h /")
)
result = run_and_wait(client, "my-rg", "my-vmss", "3", "disk-check", command, timeout=600)
print(result.execution_state, result.exit_code, result.output)  # a failed script is a result

throttle = Throttle()  # a 429 slows every worker down, not just the one that got it
credential = DefaultAzureCredential()
fleet = RunCommandsClient(
    credential, "<sub>", retry_policy=throttle.retry_policy(), pool_maxsize=32
)
ids = [str(i) for i in range(200)]
runs = fan_out(fleet, "my-rg", "my-vmss", ids, "disk", command, max_in_flight=32, throttle=throttle)
for outcome in runs:  # as they complete; one instance's error never stops the others
    print(outcome.instance_id, outcome.status)
print(runs.summary().failed)
