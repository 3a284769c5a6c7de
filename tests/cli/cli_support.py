"""Helpers of the command-line tests: the tool as a subprocess, and emulator 'scripts'
(``echo TEXT``, ``warn TEXT``, ``exit N``, ``exit N on multiples of K`` by instance id,
``state NAME``, separated by ';')."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

from vmss_runcommands.emulator import ArmEmulator

RG, VMSS = "rg-cli", "cli-vmss"


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
