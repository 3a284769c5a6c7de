"""Run and wait: create or update a run command, wait for its operation, then for its script.

With ``asyncExecution`` the operation finishes as soon as the script starts, so the instance
view is read until its ``executionState`` is terminal; without it the first read already is.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..models import VirtualMachineRunCommand, VirtualMachineRunCommandUpdate
from ..runtime.checks import check_seconds
from ..runtime.exceptions import AzureError
from ..runtime.polling import (
    LROPoller,
    OperationFailedError,
    PollingTimeoutError,
    decode_continuation_token,
)
from .result import (
    RunCommandFailedError,
    RunResult,
    RunTimeoutError,
    is_terminal_execution_state,
)
from .throttle import Throttle

if TYPE_CHECKING:
    # The newest api-version's client, which the top-level client subclasses: both it and
    # the client of `from vmss_runcommands.v<newest> import RunCommandsClient` are accepted.
    from .._client import NewestRunCommandsClient as RunCommandsClient

__all__ = ["RunCommandBody", "RunStatus", "run_and_wait"]

RunCommandBody = VirtualMachineRunCommand | VirtualMachineRunCommandUpdate | Mapping[str, Any]
"""A full run command (PUT; a plain wire-form dict is sent as a PUT too) or the settings to
change on an existing one (``VirtualMachineRunCommandUpdate``: PATCH)."""

# The first instance-view reads come quickly (short scripts are the common case), then the
# gap doubles up to the polling interval.
_FIRST_READ_DELAY = 0.5
_DEFAULT_READ_INTERVAL = 5.0
# How often a status callback hears from a run that is still provisioning.
_STATUS_TICK = 0.5


@dataclass(frozen=True)
class RunStatus:
    """A progress report: ``phase`` is ``"provisioning"``, ``"executing"`` or ``"done"``."""

    phase: str
    provisioning_state: str
    execution_state: str | None


StatusCallback = Callable[[RunStatus], object]


def run_and_wait(
    client: RunCommandsClient,
    resource_group_name: str,
    vm_scale_set_name: str,
    instance_id: str,
    run_command_name: str,
    run_command: RunCommandBody | None = None,
    *,
    timeout: float | None = None,
    polling_interval: float | None = None,
    raise_on_failure: bool = False,
    continuation_token: str | None = None,
    throttle: Throttle | None = None,
    on_status: StatusCallback | None = None,
) -> RunResult:
    """Create (or update) a run command, wait for it to run, and return what it reported.

    Args:
        client: the client to send requests with.
        resource_group_name, vm_scale_set_name, instance_id, run_command_name: where.
        run_command: a ``VirtualMachineRunCommand`` or wire-form dict (create or replace, which
            runs the script again) or a ``VirtualMachineRunCommandUpdate`` (change settings).
        timeout: seconds for the whole wait, provisioning and script together; ``None``
            waits as long as it takes.
        polling_interval: the longest gap between instance-view reads (default 5 s) and, when
            given, the operation's poll interval for when the service sends no
            ``Retry-After`` (default: the client's).
        raise_on_failure: raise :class:`RunCommandFailedError` instead of returning a
            result whose script did not succeed.
        continuation_token: resume a wait from ``RunTimeoutError.continuation_token`` instead
            of sending ``run_command`` again.
        throttle: pace requests with other runs sharing it (see :class:`Throttle`).
        on_status: called with a :class:`RunStatus` as the run progresses (in this thread).

    Returns:
        RunResult: the execution state, exit code, output and error streams, start and end
        times, and the resource.

    Raises:
        RunTimeoutError: ``timeout`` passed first (a ``TimeoutError`` carrying a continuation
            token; the run command keeps running).
        RunCommandFailedError: the script did not succeed and ``raise_on_failure`` is set.
        HttpResponseError: the service refused a request, or the operation failed for a
            reason other than the script's (the script's own failure is a result).
        ValueError: neither or both of ``run_command`` and ``continuation_token`` given.
    """
    run = RunWaiter(
        client,
        resource_group_name,
        vm_scale_set_name,
        instance_id,
        run_command_name,
        timeout=timeout,
        polling_interval=polling_interval,
        throttle=throttle,
        on_status=on_status,
    )
    poller = run.start(run_command, continuation_token=continuation_token)
    result = run.finish(poller)
    if raise_on_failure and not result.succeeded:
        raise RunCommandFailedError(result)
    return result


def check_wait_settings(timeout: float | None, polling_interval: float | None) -> None:
    """``TypeError``/``ValueError`` naming the parameter unless each is ``None`` or seconds
    >= 0."""
    _check_seconds("timeout", timeout)
    _check_seconds("polling_interval", polling_interval)


def _check_seconds(name: str, value: float | None) -> None:
    if value is not None:
        check_seconds(name, value)


class RunWaiter:
    """One run on one instance, in two steps: :meth:`start` sends the request, :meth:`finish`
    waits. Fan-out retries a throttled start without ever repeating a started run."""

    def __init__(
        self,
        client: RunCommandsClient,
        resource_group_name: str,
        vm_scale_set_name: str,
        instance_id: str,
        run_command_name: str,
        *,
        timeout: float | None,
        polling_interval: float | None,
        throttle: Throttle | None,
        on_status: StatusCallback | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        check_wait_settings(timeout, polling_interval)
        self._ops = client.virtual_machine_scale_set_vm_run_commands
        self._where = (resource_group_name, vm_scale_set_name, instance_id, run_command_name)
        # None leaves the operation's polls to the client's own setting.
        self._lro_interval = None if polling_interval is None else float(polling_interval)
        self._read_interval = (
            _DEFAULT_READ_INTERVAL if polling_interval is None else float(polling_interval)
        )
        self._throttle = throttle
        self._on_status = on_status
        self._clock = clock
        self._sleep = sleep
        self._timeout = timeout
        self._deadline = None if timeout is None else clock() + timeout

    @property
    def instance_id(self) -> str:
        return self._where[2]

    def start(
        self, run_command: RunCommandBody | None, *, continuation_token: str | None = None
    ) -> LROPoller[VirtualMachineRunCommand]:
        """Send the PUT (or PATCH), or resume from a token; the poller of the operation."""
        if continuation_token is not None:
            if run_command is not None:
                raise ValueError(
                    "Pass either run_command or continuation_token, not both: a token resumes "
                    "a run that was already sent"
                )
            # The token says whether the run was a PUT or a PATCH; ValueError if it is garbage.
            method = decode_continuation_token(continuation_token).method
            begin = (
                self._ops.begin_update if method == "PATCH" else self._ops.begin_create_or_update
            )
            return begin(
                *self._where,
                None,
                continuation_token=continuation_token,
                polling_interval=self._lro_interval,
            )
        if run_command is None:
            raise ValueError("run_command is required (or a continuation_token to resume a run)")
        self._acquire()
        if isinstance(run_command, VirtualMachineRunCommandUpdate):
            return self._ops.begin_update(
                *self._where, run_command, polling_interval=self._lro_interval
            )
        return self._ops.begin_create_or_update(
            *self._where, run_command, polling_interval=self._lro_interval
        )

    def finish(self, poller: LROPoller[VirtualMachineRunCommand]) -> RunResult:
        """Wait for the operation, then for the script; the script's outcome as a result."""
        self._report("provisioning", poller.status(), None)
        try:
            self._wait_for_operation(poller)
        except OperationFailedError:
            # With treatFailureAsDeploymentFailure a failing script fails the operation too;
            # that is still the script's result, not an error of the service.
            result = self._result_after_failure()
            if result is None:
                raise
            self._report("done", poller.status(), result.execution_state)
            return result
        return self._wait_for_script(poller)

    # -- the two waits --------------------------------------------------------------------

    def _wait_for_operation(self, poller: LROPoller[VirtualMachineRunCommand]) -> None:
        while True:
            step = self._remaining()
            if self._on_status is not None:
                step = _STATUS_TICK if step is None else min(step, _STATUS_TICK)
            try:
                poller.result(timeout=step)
                return
            except PollingTimeoutError as exc:
                if self._expired():
                    raise self._timeout_error(exc.continuation_token, exc.status, None) from None
                self._report("provisioning", poller.status(), None)

    def _wait_for_script(self, poller: LROPoller[VirtualMachineRunCommand]) -> RunResult:
        delay = min(_FIRST_READ_DELAY, self._read_interval)
        while True:
            result = self._read()
            provisioning = _text(result.run_command.provisioning_state) or poller.status()
            if is_terminal_execution_state(result.execution_state):
                self._report("done", provisioning, result.execution_state)
                return result
            self._report("executing", provisioning, result.execution_state)
            remaining = self._remaining()
            if remaining is not None and remaining <= 0:
                raise self._timeout_error(
                    poller.continuation_token(), provisioning, result.execution_state
                )
            self._sleep(delay if remaining is None else min(delay, remaining))
            delay = min(delay * 2, self._read_interval)

    def _result_after_failure(self) -> RunResult | None:
        try:
            result = self._read()
        except AzureError:
            return None
        if result.execution_state.lower() == "unknown":
            return None
        return result if is_terminal_execution_state(result.execution_state) else None

    # -- helpers --------------------------------------------------------------------------

    def _read(self) -> RunResult:
        self._acquire()
        resource = self._ops.get(*self._where, expand="instanceView")
        return RunResult.from_run_command(self._where[2], self._where[3], resource)

    def _acquire(self) -> None:
        if self._throttle is not None:
            self._throttle.acquire()

    def _remaining(self) -> float | None:
        if self._deadline is None:
            return None
        return max(0.0, self._deadline - self._clock())

    def _expired(self) -> bool:
        return self._deadline is not None and self._clock() >= self._deadline

    def _report(self, phase: str, provisioning: str, execution: str | None) -> None:
        if self._on_status is not None:
            self._on_status(RunStatus(phase, provisioning, execution))

    def _timeout_error(
        self, token: str, provisioning: str, execution: str | None
    ) -> RunTimeoutError:
        _, _, instance_id, name = self._where
        stage = (
            f"still provisioning ({provisioning})"
            if execution is None
            else f"still executing ({execution})"
        )
        return RunTimeoutError(
            f"Run command {name!r} on instance {instance_id!r} was {stage} when the "
            f"{self._timeout} s timeout passed. It keeps running; resume waiting with the "
            "continuation token on this exception.",
            continuation_token=token,
            provisioning_state=provisioning,
            execution_state=execution,
        )


def _text(value: object) -> str:
    return "" if value is None else str(value)
