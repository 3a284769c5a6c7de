"""Demo: a run command's whole life against the embedded ARM emulator.

Starts the emulator on 127.0.0.1, creates a run command through the long-running PUT, reads its
instance view (exit code, output), lists the instance's run commands, and deletes it.
Run with `nox -s demo`, or `python examples/demo.py` once the package is installed.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from vmss_runcommands import RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator, ExecutionResult
from vmss_runcommands.models import (
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)

RESOURCE_GROUP, SCALE_SET, INSTANCE = "rg-demo", "web-vmss", "0"


def pretend_to_run(run_command: Mapping[str, Any]) -> ExecutionResult:
    """The emulator never executes scripts; this executor makes up a plausible result."""
    properties = run_command.get("properties", {})
    params = {p["name"]: p["value"] for p in properties.get("parameters", [])}
    return ExecutionResult(exit_code=0, output=f"rotated logs older than {params['days']} days\n")


def main() -> None:
    with ArmEmulator(executor=pretend_to_run, polls_before_done=2, retry_after=1) as emulator:
        print(f"emulator listening on {emulator.base_url}")
        client = RunCommandsClient(
            emulator.credential, emulator.subscription_id, base_url=emulator.base_url
        )
        ops = client.virtual_machine_scale_set_vm_run_commands

        started = time.perf_counter()
        poller = ops.begin_create_or_update(
            RESOURCE_GROUP,
            SCALE_SET,
            INSTANCE,
            "rotate-logs",
            VirtualMachineRunCommand(
                location="West US",
                source=VirtualMachineRunCommandScriptSource(
                    script="find /var/log -mtime +$days -delete"
                ),
                parameters=[RunCommandInputParameter(name="days", value="14")],
                run_as_user="ops",
                run_as_password="demo-password-never-printed",
            ),
        )
        print(f"PUT accepted: status {poller.status()}")
        created = poller.result(timeout=60)
        print(
            f"LRO finished in {time.perf_counter() - started:.1f} s: "
            f"provisioningState={created.provisioning_state}"
        )
        print(f"  {created!r}")

        view = ops.get(
            RESOURCE_GROUP, SCALE_SET, INSTANCE, "rotate-logs", expand="instanceView"
        ).instance_view
        assert view, "the instance view was asked for"
        print(f"instance view: executionState={view.execution_state} exitCode={view.exit_code}")
        print(f"  output: {view.output!r}")

        for item in ops.list(RESOURCE_GROUP, SCALE_SET, INSTANCE):
            print(f"listed: {item.name} ({item.provisioning_state})")

        ops.begin_delete(RESOURCE_GROUP, SCALE_SET, INSTANCE, "rotate-logs").result(timeout=60)
        remaining = list(ops.list(RESOURCE_GROUP, SCALE_SET, INSTANCE))
        print(f"deleted; run commands left on instance {INSTANCE}: {len(remaining)}")
        print(f"requests the emulator saw: {len(emulator.requests)}")
        client.close()


if __name__ == "__main__":
    main()
