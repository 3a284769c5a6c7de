"""Retry policy and LRO deadline chosen per call, over the client's."""

from __future__ import annotations

import pytest
from fault_rig import CREATED, INSTANCE, RG, VMSS, Rig, make_rig, run_command
from vmss_runcommands import HttpResponseError, RetryPolicy
from vmss_runcommands.emulator import ArmEmulator, Fault
from vmss_runcommands.runtime.polling import PollingTimeoutError

# Every test here runs against the sync and the async client (tests/surfaces.py).
pytestmark = pytest.mark.usefixtures("surface")

OPERATIONS = "/operations/"


def test_a_per_call_retry_policy_replaces_the_clients(rig: Rig) -> None:
    rig.emu.faults.add(Fault.server_error(503), method="GET", count=2)
    with pytest.raises(HttpResponseError) as caught:
        rig.ops.get(RG, VMSS, INSTANCE, "cmd", retry_policy=RetryPolicy.no_retries())
    assert caught.value.status_code == 503
    assert rig.trail() == ["GET rc 503 [status 503]"]
    # The client's own policy is untouched: the next call retries past the second 503.
    with pytest.raises(HttpResponseError) as missing:
        rig.ops.get(RG, VMSS, INSTANCE, "cmd")
    assert missing.value.status_code == 404
    assert rig.trail()[1:] == ["GET rc 503 [status 503]", "GET rc 404"]


def test_a_per_call_deadline_bounds_the_whole_operation(rig: Rig) -> None:
    poller = rig.ops.begin_create_or_update(
        RG, VMSS, INSTANCE, "cmd", run_command(), polling_interval=60, deadline=1.0
    )
    with pytest.raises(TimeoutError, match="deadline") as caught:
        poller.result()
    # Polled once at once, then the next poll (60 s away) fell past the deadline.
    assert rig.trail() == CREATED[:2]
    token = getattr(caught.value, "continuation_token", None)
    assert token is not None
    resumed = rig.ops.begin_create_or_update(
        RG, VMSS, INSTANCE, "cmd", None, continuation_token=token, polling_interval=0
    )
    assert resumed.result().provisioning_state == "Succeeded"
    assert rig.trail() == CREATED


def test_a_deadline_also_cuts_a_slow_poll_short_and_the_operation_stays_resumable(
    emu: ArmEmulator,
) -> None:
    # The client alone would wait out the read timeout, then retry the poll.
    rig = make_rig(emu, read_timeout=2.0)
    rig.emu.faults.add(Fault.slow(5.0), path_contains=OPERATIONS)
    poller = rig.ops.begin_create_or_update(RG, VMSS, INSTANCE, "cmd", run_command(), deadline=0.5)
    with pytest.raises(PollingTimeoutError, match="deadline passed during a poll") as caught:
        poller.result()
    # A timeout of ours, not a failure of the operation: nothing retried past the deadline,
    # and done() sends nothing once it has passed.
    assert poller.status() == "InProgress" and not poller.done()
    assert rig.trail() == ["PUT rc 201", "GET op 200 [slow 5s]"]
    resumed = rig.ops.begin_create_or_update(
        RG, VMSS, INSTANCE, "cmd", None, continuation_token=caught.value.continuation_token
    )
    assert resumed.result(timeout=30).provisioning_state == "Succeeded"
    assert rig.trail() == ["PUT rc 201", "GET op 200 [slow 5s]", "GET op 200", "GET rc 200"]


def test_a_wait_timeout_bounds_the_poll_in_flight_and_the_same_poller_carries_on(
    emu: ArmEmulator,
) -> None:
    rig = make_rig(emu, read_timeout=2.0)
    rig.emu.faults.add(Fault.slow(5.0), path_contains=OPERATIONS)
    poller = rig.ops.begin_create_or_update(RG, VMSS, INSTANCE, "cmd", run_command())
    with pytest.raises(PollingTimeoutError, match="timeout passed during a poll") as caught:
        poller.result(timeout=0.5)
    assert caught.value.status == "InProgress"
    assert poller.result(timeout=30).provisioning_state == "Succeeded"
    assert rig.trail() == ["PUT rc 201", "GET op 200 [slow 5s]", "GET op 200", "GET rc 200"]
