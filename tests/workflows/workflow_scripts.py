"""Helpers of the workflow tests: request bodies and the shared emulator 'scripts'."""

from __future__ import annotations

from typing import Any

from vmss_runcommands.models import VirtualMachineRunCommand, VirtualMachineRunCommandScriptSource

RG, VMSS = "rg-fleet", "web-vmss"
SECRET = "Pa55-word-never-shown"


def body(script: str, **settings: Any) -> VirtualMachineRunCommand:
    return VirtualMachineRunCommand(
        location="westus",
        source=VirtualMachineRunCommandScriptSource(script=script),
        **settings,
    )
