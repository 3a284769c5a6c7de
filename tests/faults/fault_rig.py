"""Helpers of the fault tests: a client on a fault-scripted emulator, retry waits recorded.

The client is the sync one or the async one behind tests/surfaces.py's facade, as the
``surface`` fixture (tests/faults/conftest.py) sets :data:`SURFACE`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from surfaces import make_client
from vmss_runcommands import RetryPolicy
from vmss_runcommands.emulator import ArmEmulator
from vmss_runcommands.models import (
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)

RG, VMSS, INSTANCE = "rg", "vmss", "0"

SURFACE = {"kind": "sync"}
"""Which client ``make_rig`` builds; the ``surface`` fixture sets it per test."""

MADE: list[Any] = []
"""Clients ``make_rig`` made, closed by the ``surface`` fixture after each test."""


@dataclass
class Rig:
    """The emulator, a client on it, and the retry waits the client asked for."""

    emu: ArmEmulator
    client: Any
    sleeps: list[float] = field(default_factory=list)

    @property
    def ops(self) -> Any:
        return self.client.virtual_machine_scale_set_vm_run_commands

    def trail(self, start: int = 0) -> list[str]:
        """What the emulator saw, e.g. ``"PUT rc 429 [throttle]"``; ``0`` = connection cut."""
        return [_describe(r) for r in self.emu.requests[start:]]

    def mark(self) -> int:
        """The request count now, to read only what follows with ``trail(mark)``."""
        return len(self.emu.requests)


def _describe(request: Any) -> str:
    if "/operations/" in request.path:
        target = "op"
    elif request.path.rstrip("/").lower().endswith("/runcommands"):
        target = "list"
    else:
        target = "rc"
    text = f"{request.method} {target} {request.status}"
    return f"{text} [{request.fault}]" if request.fault else text


def run_command(name_suffix: str = "", **overrides: Any) -> VirtualMachineRunCommand:
    values: dict[str, Any] = {
        "location": "westus",
        "source": VirtualMachineRunCommandScriptSource(script=f"echo hi{name_suffix}"),
        "parameters": [RunCommandInputParameter(name="who", value="world")],
    }
    values.update(overrides)
    return VirtualMachineRunCommand(**values)


def make_rig(emu: ArmEmulator, **client_options: Any) -> Rig:
    sleeps: list[float] = []
    options: dict[str, Any] = {
        "base_url": emu.base_url,
        "polling_interval": 0,
        "retry_policy": RetryPolicy(sleep=sleeps.append),
    }
    options.update(client_options)
    client = make_client(SURFACE["kind"], emu.credential, emu.subscription_id, **options)
    MADE.append(client)
    return Rig(emu, client, sleeps)


CREATED = ["PUT rc 201", "GET op 200", "GET op 200", "GET rc 200"]
"""A create without faults: the PUT, one InProgress poll, the Succeeded poll, the final GET."""
