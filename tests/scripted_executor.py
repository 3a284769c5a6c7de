"""Emulator 'scripts' in a tiny language, so tests choose each run's outcome; shared by the
workflow and command-line tests."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from vmss_runcommands.emulator import ExecutionResult

_INSTANCE = re.compile(r"/virtualMachines/([^/]+)/runCommands/")


def scripted(run_command: Mapping[str, Any]) -> ExecutionResult:
    """Runs ';'-separated statements: ``echo TEXT``, ``warn TEXT`` (error stream), ``exit N``,
    ``exit N on multiples of K`` (by instance id) and ``state NAME``."""
    properties = run_command.get("properties", {})
    script = properties.get("source", {}).get("script", "")
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
