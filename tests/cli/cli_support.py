"""Helpers of the command-line tests: the tool as a subprocess, and emulator 'scripts'
(``echo TEXT``, ``warn TEXT``, ``exit N``, ``exit N on multiples of K`` by instance id,
``state NAME``, separated by ';')."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vmss_runcommands.emulator import ArmEmulator, ExecutionResult

RG, VMSS = "rg-cli", "cli-vmss"
_INSTANCE = re.compile(r"/virtualMachines/([^/]+)/runCommands/")


def scripted(run_command: Mapping[str, Any]) -> ExecutionResult:
    script = run_command.get("properties", {}).get("source", {}).get("script", "")
    match = _INSTANCE.search(run_command.get("id", ""))
    instance = match.group(1) if match else ""
    output, error, code, state = "", "", 0, None
    for statement in (s.strip() for s in script.split(";")):
        verb, _, rest = statement.partition(" ")
        if verb == "echo":
            output += rest + "\n"
        elif verb == "warn":
            error += rest + "\n"
        elif verb == "state":
            state = rest
        elif verb == "exit":
            number, _, condition = rest.partition(" on multiples of ")
            if not condition or (instance.isdigit() and int(instance) % int(condition) == 0):
                code = int(number)
    return ExecutionResult(exit_code=code, output=output, error=error, execution_state=state)


@dataclass(frozen=True)
class Cli:
    """Runs the tool; ``connected`` adds --endpoint/--emulator-token for the emulator."""

    emulator: ArmEmulator
    token: str

    @property
    def connection(self) -> list[str]:
        return ["--endpoint", self.emulator.base_url, "--emulator-token", self.token]

    def __call__(
        self,
        *args: str,
        connected: bool = True,
        env: dict[str, str] | None = None,
        stdin: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "vmss_runcommands", *args]
        if connected:
            command += self.connection
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "VMSS_"))}
        environment.update(env or {})
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            input=stdin if stdin is not None else "",
            env=environment,
            timeout=120,
            check=False,
        )
