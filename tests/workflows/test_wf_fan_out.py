"""fan_out against the emulator: streaming, bounded concurrency, errors isolated, throttling."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from scripted_executor import scripted
from vmss_runcommands import HttpResponseError, RetryPolicy, RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator, ExecutionResult
from vmss_runcommands.workflows import (
    FanOut,
    RunTimeoutError,
    Throttle,
    fan_out,
)
from workflow_scripts import RG, VMSS, body


@pytest.fixture
def no_retry_client(emulator: ArmEmulator) -> Iterator[RunCommandsClient]:
    with RunCommandsClient(
        emulator.credential,
        emulator.subscription_id,
        base_url=emulator.base_url,
        polling_interval=0,
        retry_policy=RetryPolicy.no_retries(),
        pool_maxsize=16,
    ) as c:
        yield c


def test_outcomes_stream_in_and_the_summary_sorts_them_by_instance(
    client: RunCommandsClient,
) -> None:
    ids = [str(n) for n in range(30)]
    runs = fan_out(
        client, RG, VMSS, ids, "patch", body("echo ok; exit 3 on multiples of 7"), max_in_flight=8
    )
    outcomes = list(runs)
    summary = runs.summary()
    assert sorted(o.instance_id for o in outcomes) == sorted(ids)
    assert summary.failed == ("0", "7", "14", "21", "28")
    assert len(summary.succeeded) == 25 and summary.errored == () and summary.not_started == ()
    assert summary.total == 30 and not summary.all_succeeded
    failed = next(o for o in outcomes if o.instance_id == "14")
    assert failed.status == "failed" and failed.result is not None
    assert failed.result.exit_code == 3 and failed.result.output == "ok\n"
    assert runs.progress().done == 30 and runs.progress().in_flight == 0


def test_no_more_than_max_in_flight_instances_run_at_once() -> None:
    runs: list[FanOut] = []
    peak = 0
    lock = threading.Lock()

    def watch(run_command: Mapping[str, Any]) -> ExecutionResult:
        nonlocal peak
        if runs:
            with lock:
                peak = max(peak, runs[0].progress().in_flight)
        return ExecutionResult(exit_code=0)

    with (
        ArmEmulator(executor=watch) as emu,
        RunCommandsClient(
            emu.credential, emu.subscription_id, base_url=emu.base_url, polling_interval=0
        ) as client,
    ):
        runs.append(
            fan_out(client, RG, VMSS, [str(n) for n in range(40)], "x", body(""), max_in_flight=3)
        )
        summary = runs[0].wait()
    assert len(summary.succeeded) == 40
    assert 1 <= peak <= 3


def test_an_instance_that_errors_never_stops_the_others(
    no_retry_client: RunCommandsClient, emulator: ArmEmulator
) -> None:
    emulator.fail_next(400, "InvalidParameter", "Nope.", path_contains="/virtualMachines/5/")
    emulator.fail_next(500, "InternalServerError", "Boom.", path_contains="/virtualMachines/9/")
    runs = fan_out(no_retry_client, RG, VMSS, [str(n) for n in range(12)], "x", body("echo hi"))
    outcomes = {o.instance_id: o for o in runs}
    summary = runs.summary()
    assert summary.errored == ("5", "9")
    assert len(summary.succeeded) == 10
    error = outcomes["5"].error
    assert isinstance(error, HttpResponseError) and error.status_code == 400
    assert outcomes["5"].result is None and outcomes["5"].status == "errored"


def test_a_throttled_start_is_tried_again_and_slows_every_worker(
    no_retry_client: RunCommandsClient, emulator: ArmEmulator
) -> None:
    emulator.fail_next(
        429, "TooManyRequests", "Slow down.", method="PUT", headers={"Retry-After": "0"}, count=3
    )
    throttle = Throttle(backoff=0.01, min_rate=1000.0)
    runs = fan_out(
        no_retry_client, RG, VMSS, [str(n) for n in range(6)], "x", body(""), throttle=throttle
    )
    outcomes = list(runs)
    summary = runs.summary()
    assert len(summary.succeeded) == 6
    assert sum(o.attempts for o in outcomes) == 6 + 3
    assert summary.throttled >= 1
    assert throttle.rate is not None  # the shared rate is limited from now on
    assert [r.status for r in emulator.requests if r.method == "PUT"].count(429) == 3


def test_starts_stop_after_max_starts_throttled_attempts(
    no_retry_client: RunCommandsClient, emulator: ArmEmulator
) -> None:
    emulator.fail_next(429, "TooManyRequests", "Slow down.", method="PUT", count=2)
    throttle = Throttle(backoff=0.001, min_rate=1000.0)
    runs = fan_out(no_retry_client, RG, VMSS, ["0"], "x", body(""), throttle=throttle, max_starts=2)
    (outcome,) = list(runs)
    assert outcome.status == "errored" and outcome.attempts == 2
    assert isinstance(outcome.error, HttpResponseError) and outcome.error.status_code == 429


def test_a_timed_out_instance_is_errored_with_its_continuation_token() -> None:
    with (
        ArmEmulator(executor=scripted, polls_before_done=1000, operation_seconds=None) as emu,
        RunCommandsClient(
            emu.credential, emu.subscription_id, base_url=emu.base_url, polling_interval=0.02
        ) as client,
    ):
        runs = fan_out(client, RG, VMSS, ["1", "2"], "x", body(""), timeout=0.05)
        outcomes = list(runs)
    assert [o.status for o in outcomes] == ["errored", "errored"]
    assert all(isinstance(o.error, RunTimeoutError) for o in outcomes)
    assert all(o.error.continuation_token for o in outcomes if isinstance(o.error, RunTimeoutError))


def test_cancel_starts_nothing_new() -> None:
    # The second run is held inside the service until cancel() has returned, so the worker
    # has taken exactly one more instance by then, however slow this machine is.
    cancelled = threading.Event()
    runs_seen = 0

    def hold_the_second(run_command: Mapping[str, Any]) -> ExecutionResult:
        nonlocal runs_seen
        runs_seen += 1
        if runs_seen == 2:
            cancelled.wait(timeout=30)
        return ExecutionResult(exit_code=0)

    ids = [str(n) for n in range(6)]
    with (
        ArmEmulator(executor=hold_the_second) as emu,
        RunCommandsClient(
            emu.credential, emu.subscription_id, base_url=emu.base_url, polling_interval=0
        ) as client,
        fan_out(client, RG, VMSS, ids, "x", body(""), max_in_flight=1) as runs,
    ):
        first = next(runs)
        runs.cancel()
        cancelled.set()
        rest = list(runs)
    summary = runs.summary()
    assert first.status == "succeeded" and first.instance_id == "0"
    assert [outcome.instance_id for outcome in rest] == ["1"]  # the one already picked up
    assert summary.succeeded == ("0", "1")
    assert summary.not_started == ("2", "3", "4", "5") and not summary.all_succeeded


def test_an_empty_fan_out_finishes_at_once(client: RunCommandsClient) -> None:
    summary = fan_out(client, RG, VMSS, [], "x", body("")).wait()
    assert summary.total == 0 and summary.all_succeeded


@pytest.mark.parametrize(
    ("ids", "kwargs", "error", "match"),
    [
        (["1", "2", "1"], {}, ValueError, "'1' twice"),
        (["1", " "], {}, ValueError, r"instance_ids\[1\]"),
        (["1", 2], {}, TypeError, r"instance_ids\[1\] must be a str"),
        ("123", {}, TypeError, "not a single str"),
        (["1"], {"max_in_flight": 0}, ValueError, "max_in_flight"),
        (["1"], {"timeout": -1.0}, ValueError, "timeout"),
    ],
)
def test_bad_input_is_refused_before_any_request(
    client: RunCommandsClient,
    emulator: ArmEmulator,
    ids: Any,
    kwargs: dict[str, Any],
    error: type[Exception],
    match: str,
) -> None:
    with pytest.raises(error, match=match):
        fan_out(client, RG, VMSS, ids, "x", body(""), **kwargs)
    assert emulator.requests == []
