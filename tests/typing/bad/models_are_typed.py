"""Model fields: names and types are checked, absent fields must be narrowed."""

from vmss_runcommands.models import (
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)

VirtualMachineRunCommand(locaton="westus")  # expect-error
VirtualMachineRunCommand(location=1)  # expect-error
VirtualMachineRunCommand(source="echo hi")  # expect-error
VirtualMachineRunCommandScriptSource(script=["echo", "hi"])  # expect-error
rc = VirtualMachineRunCommand.from_dict({"location": "westus"})
rc.instance_view.exit_code  # expect-error
rc.properties.instance_view.exit_code  # expect-error
rc.properties.timeout_in_seconds = "600"  # expect-error
rc.properties.locaton  # expect-error
