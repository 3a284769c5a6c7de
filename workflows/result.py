"""What a finished run command amounts to: a small frozen result, and the errors around it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..models import VirtualMachineRunCommand

__all__ = [
    "TERMINAL_EXECUTION_STATES",
    "RunCommandFailedError",
    "RunResult",
    "RunTimeoutError",
    "is_terminal_execution_state",
]

TERMINAL_EXECUTION_STATES = frozenset({"succeeded", "failed", "timedout", "canceled", "unknown"})
"""Lower-cased executionState values after which the script will not change any more.

``Unknown`` counts as terminal: it is what the agent reports when it lost track of the script,
and waiting longer does not change it.
"""


def _stuck_after_failure(state: str, message: str | None) -> bool:
    """ARM's "Running, exit code 0" view whose ``executionMessage`` says execution failed
    (seen for a run command without a script): it never leaves ``Running``, so it is read as
    ``Failed`` rather than waited on forever."""
    return state.lower() == "running" and bool(message) and "fail" in (message or "").lower()


def is_terminal_execution_state(state: str | None) -> bool:
    """Whether ``state`` (any case) says the script has finished, one way or another."""
    return state is not None and state.lower() in TERMINAL_EXECUTION_STATES


@dataclass(frozen=True, repr=False)
class RunResult:
    """The outcome of one run command on one instance, read from its instance view.

    A script that failed is still a result: look at :attr:`succeeded`, :attr:`exit_code` and
    :attr:`error`. ``run_command`` is the resource as last read (with its instance view); its
    secrets are never shown in a repr.
    """

    instance_id: str
    run_command_name: str
    execution_state: str
    exit_code: int | None
    output: str
    error: str
    start_time: datetime.datetime | None
    end_time: datetime.datetime | None
    execution_message: str
    run_command: VirtualMachineRunCommand

    @classmethod
    def from_run_command(
        cls, instance_id: str, run_command_name: str, resource: VirtualMachineRunCommand
    ) -> RunResult:
        """Read the instance view of ``resource`` (``Unknown`` state when it has none)."""
        view = resource.instance_view
        if view is None:
            return cls(
                instance_id=instance_id,
                run_command_name=run_command_name,
                execution_state="Unknown",
                exit_code=None,
                output="",
                error="",
                start_time=None,
                end_time=None,
                execution_message="",
                run_command=resource,
            )
        state = "Unknown" if view.execution_state is None else str(view.execution_state)
        message = view.execution_message or ""
        if _stuck_after_failure(state, message):
            state = "Failed"
        return cls(
            instance_id=instance_id,
            run_command_name=run_command_name,
            execution_state=state,
            exit_code=view.exit_code,
            output=view.output or "",
            error=view.error or "",
            start_time=view.start_time,
            end_time=view.end_time,
            execution_message=message,
            run_command=resource,
        )

    @property
    def succeeded(self) -> bool:
        """The script finished with execution state ``Succeeded`` and exit code 0 (or none)."""
        return self.execution_state.lower() == "succeeded" and not self.exit_code

    @property
    def duration(self) -> datetime.timedelta | None:
        """How long the script ran, when the service reported both ends."""
        if self.start_time is None or self.end_time is None:
            return None
        return self.end_time - self.start_time

    def __repr__(self) -> str:
        return (
            f"RunResult(instance_id={self.instance_id!r}, "
            f"run_command_name={self.run_command_name!r}, "
            f"execution_state={self.execution_state!r}, exit_code={self.exit_code!r}, "
            f"output=<{len(self.output)} chars>, error=<{len(self.error)} chars>)"
        )


class RunCommandFailedError(Exception):
    """Raised by ``run_and_wait(..., raise_on_failure=True)`` when the script did not succeed.

    :attr:`result` holds everything the service reported, output and error streams included;
    the message leaves the streams out because scripts may print what they were given.
    """

    def __init__(self, result: RunResult) -> None:
        exit_code = "none" if result.exit_code is None else str(result.exit_code)
        super().__init__(
            f"Run command {result.run_command_name!r} on instance {result.instance_id!r} did "
            f"not succeed: execution state {result.execution_state!r}, exit code {exit_code}. "
            "The output and error streams are on this exception's result."
        )
        self.result = result


class RunTimeoutError(TimeoutError):
    """The overall ``timeout`` of a run passed before the script finished.

    Nothing was cancelled: the run command keeps going on the instance. Resume waiting with
    ``run_and_wait(..., continuation_token=error.continuation_token)``, in this process or
    another one.

    Attributes:
        continuation_token: resumes the wait (it carries no secret).
        provisioning_state: the operation's status when time ran out.
        execution_state: the script's execution state, ``None`` while still provisioning.
    """

    def __init__(
        self,
        message: str,
        *,
        continuation_token: str,
        provisioning_state: str,
        execution_state: str | None,
    ) -> None:
        super().__init__(message)
        self.continuation_token = continuation_token
        self.provisioning_state = provisioning_state
        self.execution_state = execution_state
