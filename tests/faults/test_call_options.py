"""Retry policy and LRO deadline chosen per call, over the client's."""

from __future__ import annotations

import pytest
from fault_rig import CREATED, INSTANCE, RG, VMSS, Rig, run_command
from vmss_runcommands import HttpResponseError, RetryPolicy
from vmss_runcommands.emulator import Fault


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
        RG, VMSS, INSTANCE, "cmd", run_command(), polling_interval=60, deadline=0.05
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
