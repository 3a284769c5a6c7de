"""Run a script on one scale-set instance: create the run command, hand the wait over with a
continuation token, read the instance view, list, delete, and handle errors.

Written for azure-mgmt-compute (anchor.py) and ported to vmss-runcommands (port.py) by changing
the imports only: test_migration.py checks the diff and runs the port against the emulator.
"""

from vmss_runcommands import HttpResponseError, ResourceNotFoundError
from vmss_runcommands import RunCommandsClient as ComputeManagementClient
from vmss_runcommands.models import (
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)
from vmss_runcommands.runtime.auth import TokenCredential

RESOURCE_GROUP, SCALE_SET, INSTANCE, NAME = "rg-web", "vmss-web", "3", "rotate-logs"


def run_script(
    credential: TokenCredential,
    subscription_id: str,
    base_url: str = "https://management.azure.com",
    polling_interval: float = 30.0,
) -> list[str]:
    report: list[str] = []
    with ComputeManagementClient(
        credential, subscription_id, base_url=base_url, polling_interval=polling_interval
    ) as client:
        run_commands = client.virtual_machine_scale_set_vm_run_commands
        command = VirtualMachineRunCommand(
            location="westus",
            source=VirtualMachineRunCommandScriptSource(script="echo $GREETING"),
            parameters=[RunCommandInputParameter(name="GREETING", value="hello")],
            timeout_in_seconds=600,
        )

        # Start the operation and keep only its continuation token, as a web request handler
        # would, then resume waiting from the token (in another process, in real life).
        poller = run_commands.begin_create_or_update(
            RESOURCE_GROUP, SCALE_SET, INSTANCE, NAME, command
        )
        token = poller.continuation_token()
        resumed = run_commands.begin_create_or_update(
            RESOURCE_GROUP, SCALE_SET, INSTANCE, NAME, command, continuation_token=token
        )
        created = resumed.result()
        report.append(f"created {created.name}: {created.provisioning_state}")

        current = run_commands.get(RESOURCE_GROUP, SCALE_SET, INSTANCE, NAME, expand="instanceView")
        view = current.instance_view
        if view:
            report.append(f"{view.execution_state}, exit code {view.exit_code}: {view.output}")

        for item in run_commands.list(RESOURCE_GROUP, SCALE_SET, INSTANCE):
            report.append(f"listed {item.name}")

        run_commands.begin_delete(RESOURCE_GROUP, SCALE_SET, INSTANCE, NAME).result()
        try:
            run_commands.get(RESOURCE_GROUP, SCALE_SET, INSTANCE, NAME)
        except ResourceNotFoundError as error:
            report.append(f"deleted: {error.status_code}")

        try:
            run_commands.get(RESOURCE_GROUP, SCALE_SET, INSTANCE, "never-created")
        except HttpResponseError as error:
            code = error.error.code if error.error else None
            report.append(f"refused: {error.status_code} {code}")
    return report
