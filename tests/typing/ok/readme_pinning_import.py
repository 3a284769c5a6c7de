"""README: pinning an api-version by import. Verbatim; test_typing.py checks it still matches."""

from vmss_runcommands.v2024_07_01 import RunCommandsClient
from vmss_runcommands.v2024_07_01.models import VirtualMachineRunCommand

from vmss_runcommands.emulator import ArmEmulator
from vmss_runcommands.workflows import run_and_wait

# A pinned client and its models work with the workflows (they are the newest version's).
with RunCommandsClient(ArmEmulator().credential, "<subscription-id>") as pinned:
    command = VirtualMachineRunCommand(location="westus")
    run_and_wait(pinned, "rg", "vmss", "0", "name", command, timeout=600)
