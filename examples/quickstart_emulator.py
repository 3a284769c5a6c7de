"""The README's quickstart, against the emulator with no tuning knob, timed.

    python examples/quickstart_emulator.py

Prints the wall time of the quickstart (create through the LRO, read the instance view,
list, delete) and of a run_and_wait; the emulator answers without Retry-After, as ARM does,
and ``emu.client()`` polls promptly.
"""

from __future__ import annotations

import time

from vmss_runcommands.emulator import ArmEmulator
from vmss_runcommands.models import (
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)
from vmss_runcommands.workflows import run_and_wait


def main() -> None:
    with ArmEmulator() as emu:
        started = time.perf_counter()
        client = emu.client()
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
                run_as_password="...",
            ),
        )
        poller.result(timeout=600)
        view = ops.get("my-rg", "my-vmss", "3", "rotate-logs", expand="instanceView")
        assert view.instance_view is not None
        for _item in ops.list("my-rg", "my-vmss", "3"):
            pass
        ops.begin_delete("my-rg", "my-vmss", "3", "rotate-logs").result()
        quickstart = time.perf_counter() - started

        started = time.perf_counter()
        command = VirtualMachineRunCommand(
            location="westus", source=VirtualMachineRunCommandScriptSource(script="df -h /")
        )
        result = run_and_wait(client, "my-rg", "my-vmss", "3", "disk-check", command, timeout=600)
        waited = time.perf_counter() - started
        client.close()
    print(f"quickstart: {quickstart:.2f} s")
    print(f"run_and_wait: {waited:.2f} s ({result.execution_state})")


if __name__ == "__main__":
    main()
