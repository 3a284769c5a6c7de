"""The client is not Any: misspellings and wrong arguments are errors."""

from vmss_runcommands import RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator

credential = ArmEmulator().credential
client = RunCommandsClient(credential, 42)  # expect-error
client.virtual_machine_scale_set_vm_run_command  # expect-error
RunCommandsClient(credential, "sub", clould="AzureChinaCloud")  # expect-error
with RunCommandsClient(credential, "sub") as entered:
    entered.close_all()  # expect-error
