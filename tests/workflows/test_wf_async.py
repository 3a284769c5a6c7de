"""The asyncio workflows against the emulator: run_and_wait and a fan-out on one event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from typing import Any

import pytest
from scripted_executor import scripted
from vmss_runcommands import RunCommandsClient as SyncClient
from vmss_runcommands.aio import RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator, ExecutionResult
from vmss_runcommands.runtime.retry import RetryPolicy
from vmss_runcommands.workflows import RunStatus, RunTimeoutError, Throttle
from vmss_runcommands.workflows import run_and_wait as sync_run_and_wait
from vmss_runcommands.workflows.aio import fan_out, run_and_wait
from workflow_scripts import RG, VMSS, body


class AsyncCredential:
    def __init__(self, emulator: ArmEmulator) -> None:
        self._sync = emulator.credential

    async def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        return self._sync.get_token(*scopes, **kwargs)


def _client(emulator: ArmEmulator, **options: Any) -> RunCommandsClient:
    options.setdefault("polling_interval", 0)
    return RunCommandsClient(
        AsyncCredential(emulator), emulator.subscription_id, base_url=emulator.base_url, **options
    )


def test_run_and_wait_returns_the_scripts_result_and_reports_progress(
    emulator: ArmEmulator,
) -> None:
    seen: list[RunStatus] = []

    async def scenario() -> Any:
        async with _client(emulator) as client:
            ok = await run_and_wait(
                client, RG, VMSS, "1", "hello", body("echo hi"), on_status=seen.append
            )
            failed = await run_and_wait(client, RG, VMSS, "2", "bad", body("warn no; exit 3"))
            return ok, failed

    ok, failed = asyncio.run(scenario())
    assert ok.succeeded and ok.output == "hi\n" and ok.exit_code == 0
    assert (failed.execution_state, failed.exit_code, failed.error) == ("Failed", 3, "no\n")
    assert seen[0].phase == "provisioning" and seen[-1] == RunStatus(
        "done", "Succeeded", "Succeeded"
    )


def test_an_async_run_timing_out_resumes_from_its_token_on_the_sync_side() -> None:
    # The service asks for 1 s between polls: a 0.2 s wait ends while provisioning.
    with ArmEmulator(executor=scripted, polls_before_done=1, retry_after=1) as emulator:

        async def start() -> str:
            async with _client(emulator) as client:
                with pytest.raises(RunTimeoutError) as caught:
                    await run_and_wait(
                        client, RG, VMSS, "3", "slow", body("echo late"), timeout=0.2
                    )
                assert caught.value.provisioning_state != "Succeeded"
                return caught.value.continuation_token

        token = asyncio.run(start())
        with SyncClient(
            emulator.credential, emulator.subscription_id, base_url=emulator.base_url
        ) as sync_client:
            result = sync_run_and_wait(
                sync_client, RG, VMSS, "3", "slow", continuation_token=token, polling_interval=0
            )
    assert result.output == "late\n"
    assert [r.method for r in emulator.requests].count("PUT") == 1


def test_fan_out_bounds_the_instances_in_flight_without_a_thread_each() -> None:
    peak = 0
    in_flight: list[Any] = []

    def watch(run_command: Mapping[str, Any]) -> ExecutionResult:
        nonlocal peak
        if in_flight:
            peak = max(peak, in_flight[0].progress().in_flight)
        return ExecutionResult(exit_code=0)

    tasks: list[int] = []
    with ArmEmulator(executor=watch) as emulator:

        async def scenario() -> Any:
            async with _client(emulator) as client:
                runs = fan_out(
                    client, RG, VMSS, [str(n) for n in range(60)], "x", body(""), max_in_flight=5
                )
                in_flight.append(runs)
                statuses = []
                async for outcome in runs:
                    statuses.append(outcome.status)
                    tasks.append(len(asyncio.all_tasks()))
                return statuses, runs.summary()

        statuses, summary = asyncio.run(scenario())
    assert statuses == ["succeeded"] * 60 and len(summary.succeeded) == 60
    assert 1 <= peak <= 5
    # The workers, the test's own task and aiohttp's short-lived ones: never one per instance.
    assert max(tasks) <= 2 * 5 + 2
    assert not [t for t in threading.enumerate() if t.name.startswith("fan-out")]


def test_fan_out_isolates_errors_and_shares_the_throttle(emulator: ArmEmulator) -> None:
    emulator.fail_next(400, "InvalidParameter", "Nope.", path_contains="/virtualMachines/4/")
    emulator.fail_next(
        429, "TooManyRequests", "Slow down.", method="PUT", headers={"Retry-After": "0"}, count=2
    )
    throttle = Throttle(backoff=0.01)

    async def scenario() -> Any:
        async with _client(emulator, retry_policy=RetryPolicy.no_retries()) as client:
            runs = fan_out(
                client,
                RG,
                VMSS,
                [str(n) for n in range(10)],
                "x",
                body("echo hi"),
                max_in_flight=4,
                throttle=throttle,
            )
            return await runs.wait()

    summary = asyncio.run(scenario())
    assert summary.errored == ("4",)
    assert len(summary.succeeded) == 9
    assert summary.throttled >= 1 and throttle.throttle_count >= 1


def test_bad_fan_out_arguments_fail_before_any_request(emulator: ArmEmulator) -> None:
    async def scenario() -> None:
        async with _client(emulator) as client:
            with pytest.raises(ValueError, match="twice"):
                fan_out(client, RG, VMSS, ["1", "1"], "x", body(""))
            with pytest.raises(ValueError, match="max_in_flight"):
                fan_out(client, RG, VMSS, ["1"], "x", body(""), max_in_flight=0)

    asyncio.run(scenario())
    assert emulator.requests == []
