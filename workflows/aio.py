"""Run-and-wait and fan-out for asyncio, on ``vmss_runcommands.aio.RunCommandsClient``.

The same rules as the sync workflows -- argument checks, timers, status reports, timeout
errors, what a throttled start means, the bookkeeping of a fan-out -- are the sync classes'
own (``RunWaiter`` and ``FanOutState``, reused); only the waiting is awaited. A fan-out runs
``max_in_flight`` tasks on the caller's event loop, whatever the number of instances: no
thread and no task per instance.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from ..models import VirtualMachineRunCommand, VirtualMachineRunCommandUpdate
from ..runtime.aio.polling import AsyncLROPoller
from ..runtime.exceptions import AzureError, OperationFailedError, PollingTimeoutError
from ..runtime.lro_token import decode_continuation_token
from .fanout import FanOutState, FanOutSummary, InstanceOutcome
from .result import RunCommandFailedError, RunResult, is_terminal_execution_state
from .run import _FIRST_READ_DELAY, _STATUS_TICK, RunCommandBody, RunWaiter, StatusCallback, _text
from .throttle import Throttle

if TYPE_CHECKING:
    from ..aio import RunCommandsClient

__all__ = ["AsyncFanOut", "fan_out", "run_and_wait"]

_Poller = AsyncLROPoller[VirtualMachineRunCommand]


async def run_and_wait(
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
    """The asyncio ``run_and_wait``: same arguments, result and errors as
    :func:`vmss_runcommands.workflows.run_and_wait`, with ``client`` an async client."""
    run = AsyncRunWaiter(
        client,
        resource_group_name=resource_group_name,
        vm_scale_set_name=vm_scale_set_name,
        instance_id=instance_id,
        run_command_name=run_command_name,
        timeout=timeout,
        polling_interval=polling_interval,
        throttle=throttle,
        on_status=on_status,
    )
    poller = await run.start(run_command, continuation_token=continuation_token)
    result = await run.finish(poller)
    if raise_on_failure and not result.succeeded:
        raise RunCommandFailedError(result)
    return result


class AsyncRunWaiter:
    """One run on one instance, awaited: :meth:`start` sends, :meth:`finish` waits."""

    def __init__(self, client: RunCommandsClient, **settings: Any) -> None:
        # The sync waiter holds the checks, the timers, the reports and the errors; its
        # operations are never called (its client is the async one).
        self._rules = RunWaiter(cast(Any, client), **settings)
        self._ops = client.virtual_machine_scale_set_vm_run_commands
        self._where = self._rules._where

    async def start(
        self, run_command: RunCommandBody | None, *, continuation_token: str | None = None
    ) -> _Poller:
        """Send the PUT (or PATCH), or resume from a token made by either surface."""
        interval = self._rules._lro_interval
        if continuation_token is not None:
            if run_command is not None:
                raise ValueError(
                    "Pass either run_command or continuation_token, not both: a token resumes "
                    "a run that was already sent"
                )
            method = decode_continuation_token(continuation_token).method
            begin = (
                self._ops.begin_update if method == "PATCH" else self._ops.begin_create_or_update
            )
            return await begin(
                *self._where, None, continuation_token=continuation_token, polling_interval=interval
            )
        if run_command is None:
            raise ValueError("run_command is required (or a continuation_token to resume a run)")
        await self._acquire()
        if isinstance(run_command, VirtualMachineRunCommandUpdate):
            return await self._ops.begin_update(
                *self._where, run_command, polling_interval=interval
            )
        return await self._ops.begin_create_or_update(
            *self._where, run_command, polling_interval=interval
        )

    async def finish(self, poller: _Poller) -> RunResult:
        """Wait for the operation, then for the script (see ``RunWaiter.finish``)."""
        rules = self._rules
        rules._report("provisioning", poller.status(), None)
        try:
            await self._wait_for_operation(poller)
        except OperationFailedError:
            result = await self._result_after_failure()
            if result is None:
                raise
            rules._report("done", poller.status(), result.execution_state)
            return result
        return await self._wait_for_script(poller)

    async def _wait_for_operation(self, poller: _Poller) -> None:
        rules = self._rules
        while True:
            step = rules._remaining()
            if rules._on_status is not None:
                step = _STATUS_TICK if step is None else min(step, _STATUS_TICK)
            try:
                await poller.result(timeout=step)
                return
            except PollingTimeoutError as exc:
                if rules._expired():
                    raise rules._timeout_error(exc.continuation_token, exc.status, None) from None
                rules._report("provisioning", poller.status(), None)

    async def _wait_for_script(self, poller: _Poller) -> RunResult:
        rules = self._rules
        delay = min(_FIRST_READ_DELAY, rules._read_interval)
        while True:
            result = await self._read()
            provisioning = _text(result.run_command.provisioning_state) or poller.status()
            if is_terminal_execution_state(result.execution_state):
                rules._report("done", provisioning, result.execution_state)
                return result
            rules._report("executing", provisioning, result.execution_state)
            remaining = rules._remaining()
            if remaining is not None and remaining <= 0:
                raise rules._timeout_error(
                    poller.continuation_token(), provisioning, result.execution_state
                )
            await asyncio.sleep(delay if remaining is None else min(delay, remaining))
            delay = min(delay * 2, rules._read_interval)

    async def _result_after_failure(self) -> RunResult | None:
        try:
            result = await self._read()
        except AzureError:
            return None
        if result.execution_state.lower() == "unknown":
            return None
        return result if is_terminal_execution_state(result.execution_state) else None

    async def _read(self) -> RunResult:
        await self._acquire()
        resource = await self._ops.get(*self._where, expand="instanceView")
        return RunResult.from_run_command(self._where[2], self._where[3], resource)

    async def _acquire(self) -> None:
        if self._rules._throttle is not None:
            await self._rules._throttle.acquire_async()


class AsyncFanOut(FanOutState, AsyncIterator[InstanceOutcome]):
    """A running asyncio fan-out: ``async for`` outcomes in completion order, ``await
    wait()`` for the summary; ``cancel()`` starts no further instance. Work starts on the
    first iteration (or ``wait()``), in ``max_in_flight`` tasks."""

    def __init__(self, client: RunCommandsClient, *args: Any, **kwargs: Any) -> None:
        super().__init__(client, *args, **kwargs)
        self._outcomes: asyncio.Queue[InstanceOutcome | None] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._live_workers = self._workers

    def _start_workers(self) -> None:
        if not self._tasks and self._live_workers:
            self._tasks = [asyncio.create_task(self._work()) for _ in range(self._workers)]

    def __aiter__(self) -> AsyncFanOut:
        return self

    async def __anext__(self) -> InstanceOutcome:
        self._start_workers()
        while self._live_workers > 0:
            item = await self._outcomes.get()
            if item is None:
                self._live_workers -= 1
                continue
            return item
        raise StopAsyncIteration

    async def wait(self) -> FanOutSummary:
        """Consume the remaining outcomes and return the summary."""
        async for _ in self:
            pass
        return self.summary()

    async def __aenter__(self) -> AsyncFanOut:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.cancel()

    async def _work(self) -> None:
        try:
            while (instance_id := self._take()) is not None:
                outcome = await self._run_one(instance_id)
                self._record(outcome)
                self._outcomes.put_nowait(outcome)
        finally:
            self._outcomes.put_nowait(None)

    async def _run_one(self, instance_id: str) -> InstanceOutcome:
        try:
            run = AsyncRunWaiter(self._client, **self._waiter_settings(instance_id))
        except Exception as error:
            return InstanceOutcome(instance_id, error=error)
        run_command, resume_token = self._start_arguments(instance_id)
        attempts = 0
        while True:
            attempts += 1
            try:
                poller = await run.start(run_command, continuation_token=resume_token)
                break
            except Exception as error:
                outcome = self._after_failed_start(instance_id, error, attempts)
                if outcome is not None:
                    return outcome
        token = poller.continuation_token()
        self._accepted(instance_id, token)
        try:
            result = await run.finish(poller)
        except Exception as error:
            return self._errored_after_start(instance_id, error, attempts, token)
        finally:
            self._finished(instance_id)
        return InstanceOutcome(instance_id, result=result, attempts=attempts)


def fan_out(
    client: RunCommandsClient,
    resource_group_name: str,
    vm_scale_set_name: str,
    instance_ids: Iterable[str],
    run_command_name: str,
    run_command: RunCommandBody,
    *,
    max_in_flight: int = 16,
    throttle: Throttle | None = None,
    timeout: float | None = None,
    polling_interval: float | None = None,
    max_starts: int = 5,
    continuation_tokens: Mapping[str, str] | None = None,
) -> AsyncFanOut:
    """The asyncio ``fan_out`` (same arguments and outcomes as the sync one)::

        async with fan_out(client, "rg", "vmss", ids, "patch", body, max_in_flight=64) as runs:
            async for outcome in runs:
                print(outcome.instance_id, outcome.status)
        print(runs.summary().failed)

    Bad ids or settings raise ``ValueError``/``TypeError`` here, before any request.
    """
    return AsyncFanOut(
        client,
        resource_group_name,
        vm_scale_set_name,
        instance_ids,
        run_command_name,
        run_command,
        max_in_flight=max_in_flight,
        throttle=throttle,
        timeout=timeout,
        polling_interval=polling_interval,
        max_starts=max_starts,
        continuation_tokens=continuation_tokens,
    )


# pyright --strict (nox -s lint): this async driver reuses the sync classes' own rules (their
# underscored helpers, inside this package) rather than copying them.
# pyright: reportPrivateUsage=false
