"""What "running" a script means inside the emulator: a pluggable executor."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

SUCCEEDED = "Succeeded"
FAILED = "Failed"
TERMINAL_EXECUTION_STATES = frozenset({"Succeeded", "Failed", "TimedOut", "Canceled", "Unknown"})


@dataclass(frozen=True)
class ExecutionResult:
    """The outcome of one script run, as the VM agent would report it.

    ``execution_state`` defaults from the exit code: ``0`` -> ``"Succeeded"``, anything else ->
    ``"Failed"``.  Pass it explicitly to simulate e.g. ``"TimedOut"`` or ``"Canceled"``.
    """

    exit_code: int = 0
    output: str = ""
    error: str = ""
    execution_state: str | None = None
    execution_message: str = ""

    def __post_init__(self) -> None:
        if self.execution_state is None:
            # A frozen dataclass needs object.__setattr__ to fill a derived default.
            derived = SUCCEEDED if self.exit_code == 0 else FAILED
            object.__setattr__(self, "execution_state", derived)

    @property
    def state(self) -> str:
        """``execution_state`` with the derivation applied (never ``None``)."""
        return self.execution_state or (SUCCEEDED if self.exit_code == 0 else FAILED)

    @property
    def failed(self) -> bool:
        """True when the script did not succeed (what treatFailureAsDeploymentFailure reacts to)."""
        return self.state != SUCCEEDED


Executor = Callable[[Mapping[str, Any]], ExecutionResult]
"""Receives the stored run command's wire JSON (secrets included) and returns its result."""


def default_executor(run_command: Mapping[str, Any]) -> ExecutionResult:
    """Succeed without running anything, and say so in the output.

    Only the number of parameters is reported: echoing values could leak protected ones.
    """
    properties = run_command.get("properties") or {}
    params = properties.get("parameters") or []
    protected = properties.get("protectedParameters") or []
    received = f"{len(params)} parameter(s)"
    if protected:
        received += f" and {len(protected)} protected parameter(s)"
    output = f"[emulator] script not executed; {received} received"
    return ExecutionResult(exit_code=0, output=output)
