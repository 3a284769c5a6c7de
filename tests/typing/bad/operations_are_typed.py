"""Operation arguments: the body is required unless resuming, polling= is a bool or a method."""

from vmss_runcommands import RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator
from vmss_runcommands.models import VirtualMachineRunCommand

ops = RunCommandsClient(ArmEmulator().credential, "sub").virtual_machine_scale_set_vm_run_commands
command = VirtualMachineRunCommand(location="westus")
ops.begin_create_or_update("rg", "ss", "0", "n")  # expect-error
ops.begin_create_or_update("rg", "ss", "0", "n", None)  # expect-error
ops.begin_create_or_update("rg", "ss", "0", "n", command, polling="yes")  # expect-error
ops.get("rg", "ss", "0", "n", raw_response_hook="print")  # expect-error
ops.get("rg", "ss", "0", "n", logging_enable="yes")  # expect-error
ops.get("rg", "ss", "0", "n", expand_view=True)  # expect-error
name: int = ops.get("rg", "ss", "0", "n").name  # expect-error
