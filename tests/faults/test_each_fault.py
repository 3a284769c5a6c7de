"""Each injected fault alone: success or the right typed error, after exactly the requests the
retry and polling rules call for (asserted on the emulator's request log)."""

from __future__ import annotations

import logging

import pytest
from fault_rig import CREATED, INSTANCE, RG, VMSS, Rig, make_rig, run_command
from vmss_runcommands import (
    ClientAuthenticationError,
    DecodeError,
    HttpResponseError,
    ResourceExistsError,
    ResourceNotFoundError,
    ServiceResponseError,
    ServiceResponseTimeoutError,
)
from vmss_runcommands.emulator import ArmEmulator, Fault
from vmss_runcommands.emulator.faults import DEFAULT_CLAIMS
from vmss_runcommands.models import VirtualMachineRunCommand, VirtualMachineRunCommandUpdate
from vmss_runcommands.runtime.polling import OperationFailedError

# Every test here runs against the sync and the async client (tests/surfaces.py).
pytestmark = pytest.mark.usefixtures("surface")

OPERATIONS = "/operations/"


def create(rig: Rig, name: str = "cmd") -> VirtualMachineRunCommand:
    poller = rig.ops.begin_create_or_update(RG, VMSS, INSTANCE, name, run_command())
    result: VirtualMachineRunCommand = poller.result()
    return result


# -- throttling -------------------------------------------------------------------------------


def test_throttled_put_waits_the_retry_after_then_succeeds(rig: Rig) -> None:
    rig.emu.faults.add(Fault.throttle(retry_after=1), method="PUT", count=2)
    assert create(rig).provisioning_state == "Succeeded"
    assert rig.trail() == ["PUT rc 429 [throttle]", "PUT rc 429 [throttle]", *CREATED]
    assert rig.sleeps == [1.0, 1.0]


def test_throttled_polls_in_milliseconds_then_succeed(rig: Rig) -> None:
    throttle = Fault.throttle(retry_after=None, retry_after_ms=250)
    rig.emu.faults.add(throttle, path_contains=OPERATIONS, count=2)
    create(rig)
    assert rig.trail() == [
        "PUT rc 201",
        "GET op 429 [throttle]",
        "GET op 429 [throttle]",
        *CREATED[1:],
    ]
    assert rig.sleeps == [0.25, 0.25]


def test_throttling_beyond_the_status_retries_raises_after_four_attempts(rig: Rig) -> None:
    rig.emu.faults.add(Fault.throttle(retry_after=None, retry_after_ms=10), method="GET", count=4)
    with pytest.raises(HttpResponseError) as info:
        rig.ops.get(RG, VMSS, INSTANCE, "cmd")
    assert info.value.status_code == 429
    assert info.value.error is not None and info.value.error.code == "TooManyRequests"
    assert rig.trail() == ["GET rc 429 [throttle]"] * 4
    assert rig.sleeps == [0.01, 0.01, 0.01]


def test_a_long_retry_after_is_capped_and_logged(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="vmss_runcommands")
    rig.emu.faults.add(Fault.throttle(retry_after=3600), method="PUT")
    create(rig)
    assert rig.sleeps == [60.0]
    assert rig.trail() == ["PUT rc 429 [throttle]", *CREATED]
    assert any("waiting 60.0 s" in r.getMessage() for r in caplog.records)


# -- server errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_burst_of_three_server_errors_heals_with_backoff(rig: Rig, status: int) -> None:
    rig.emu.faults.add(Fault.server_error(status), path_contains=OPERATIONS, count=3)
    create(rig)
    faulted = [f"GET op {status} [status {status}]"] * 3
    assert rig.trail() == ["PUT rc 201", *faulted, *CREATED[1:]]
    assert rig.sleeps == [pytest.approx(1.6), pytest.approx(3.2)]  # the first retry is at once


def test_a_burst_longer_than_the_retry_budget_raises_the_last_error(rig: Rig) -> None:
    rig.emu.faults.add(Fault.server_error(500), method="GET", count=4)
    with pytest.raises(HttpResponseError) as info:
        rig.ops.get(RG, VMSS, INSTANCE, "cmd")
    assert info.value.status_code == 500
    assert info.value.error is not None and info.value.error.code == "InternalServerError"
    assert info.value.request_id and info.value.client_request_id
    assert rig.trail() == ["GET rc 500 [status 500]"] * 4


def test_patch_is_retried_on_503_but_not_on_502(rig: Rig) -> None:
    create(rig)
    update = VirtualMachineRunCommandUpdate(timeout_in_seconds=60)
    start = rig.mark()
    rig.emu.faults.add(Fault.server_error(503), method="PATCH")
    rig.ops.begin_update(RG, VMSS, INSTANCE, "cmd", update).result()
    assert rig.trail(start)[:2] == ["PATCH rc 503 [status 503]", "PATCH rc 200"]
    start = rig.mark()
    rig.emu.faults.add(Fault.server_error(502), method="PATCH")
    with pytest.raises(HttpResponseError) as info:
        rig.ops.begin_update(RG, VMSS, INSTANCE, "cmd", update)
    assert info.value.status_code == 502
    assert rig.trail(start) == ["PATCH rc 502 [status 502]"]


def test_an_html_error_page_is_retried_then_reported_with_status_and_body(rig: Rig) -> None:
    rig.emu.faults.add(Fault.html_error(502), method="GET")
    create(rig)
    start = rig.mark()
    rig.emu.faults.add(Fault.html_error(502), method="GET", count=4)
    with pytest.raises(HttpResponseError) as info:
        rig.ops.get(RG, VMSS, INSTANCE, "cmd")
    error = info.value
    assert (error.status_code, error.reason, error.error) == (502, "Bad Gateway", None)
    assert "Operation returned an invalid status 'Bad Gateway'" in str(error)
    assert "<h1>502 Bad Gateway</h1>" in str(error)
    assert rig.trail(start) == ["GET rc 502 [html 502]"] * 4


# -- the connection ---------------------------------------------------------------------------


def test_a_reset_before_processing_is_retried_for_idempotent_methods(rig: Rig) -> None:
    create(rig)
    start = rig.mark()
    rig.emu.faults.add(Fault.reset(), method="GET")
    assert rig.ops.get(RG, VMSS, INSTANCE, "cmd").name == "cmd"
    assert rig.trail(start) == ["GET rc 0 [reset]", "GET rc 200"]


# A PUT or PATCH whose answer is lost: see test_lost_write.py.


def test_a_delete_whose_answers_were_all_lost_resumes_until_the_resource_is_gone(
    rig: Rig,
) -> None:
    create(rig)
    start = rig.mark()
    # A repeated DELETE joins the deletion under way, so it is retried; here every answer
    # is lost, and the token takes over.
    rig.emu.faults.add(Fault.reset(processed=True), method="DELETE", count=4)
    with pytest.raises(ServiceResponseError) as info:
        rig.ops.begin_delete(RG, VMSS, INSTANCE, "cmd")
    assert rig.trail(start) == ["DELETE rc 0 [reset after processing]"] * 4
    token = info.value.continuation_token
    assert token is not None
    resumed = rig.ops.begin_delete(RG, VMSS, INSTANCE, "cmd", continuation_token=token)
    assert resumed.result(timeout=30) is None
    assert rig.trail(start)[4:] == ["GET rc 200", "GET rc 404"]
    assert rig.emu.run_commands == {}


def test_a_lost_delete_that_never_took_effect_says_so_on_resume(rig: Rig) -> None:
    create(rig)
    rig.emu.faults.add(Fault.reset(), method="DELETE", count=4)
    with pytest.raises(ServiceResponseError) as info:
        rig.ops.begin_delete(RG, VMSS, INSTANCE, "cmd")
    assert info.value.continuation_token is not None
    resumed = rig.ops.begin_delete(
        RG, VMSS, INSTANCE, "cmd", continuation_token=info.value.continuation_token
    )
    with pytest.raises(HttpResponseError, match=r"did not take effect.*Send the DELETE again"):
        resumed.result(timeout=30)
    assert len(rig.emu.run_commands) == 1


def test_a_reset_mid_poll_after_processing_loses_nothing(rig: Rig) -> None:
    rig.emu.faults.add(Fault.reset(processed=True), path_contains=OPERATIONS)
    assert create(rig).provisioning_state == "Succeeded"
    # The cut poll advanced the operation, so the retried poll already sees it finished.
    assert rig.trail() == [
        "PUT rc 201",
        "GET op 0 [reset after processing]",
        "GET op 200",
        "GET rc 200",
    ]


def test_a_response_slower_than_the_read_timeout(emu: ArmEmulator) -> None:
    rig = make_rig(emu, read_timeout=0.5)
    create(rig)
    start = rig.mark()
    rig.emu.faults.add(Fault.slow(5.0), method="GET")
    assert rig.ops.get(RG, VMSS, INSTANCE, "cmd").name == "cmd"
    assert rig.trail(start) == ["GET rc 200 [slow 5s]", "GET rc 200"]
    start = rig.mark()
    rig.emu.faults.add(Fault.slow(5.0), method="PATCH")
    with pytest.raises(ServiceResponseTimeoutError):
        rig.ops.begin_update(
            RG, VMSS, INSTANCE, "cmd", VirtualMachineRunCommandUpdate(timeout_in_seconds=9)
        )
    assert rig.trail(start) == ["PATCH rc 200 [slow 5s]"]
    rig.client.close()


def test_truncated_json_is_a_decode_error_and_never_retried(rig: Rig) -> None:
    create(rig)
    start = rig.mark()
    rig.emu.faults.add(Fault.truncated_json(), method="GET")
    with pytest.raises(DecodeError) as info:
        rig.ops.get(RG, VMSS, INSTANCE, "cmd")
    assert info.value.status_code == 200
    assert "not valid JSON" in str(info.value)
    assert rig.trail(start) == ["GET rc 200 [truncated json]"]


def test_a_truncated_poll_fails_the_poller_but_the_token_resumes_it(rig: Rig) -> None:
    rig.emu.faults.add(Fault.truncated_json(), path_contains=OPERATIONS)
    poller = rig.ops.begin_create_or_update(RG, VMSS, INSTANCE, "cmd", run_command())
    with pytest.raises(DecodeError) as info:
        poller.result()
    token = info.value.continuation_token
    assert token is not None
    resumed = rig.ops.begin_create_or_update(
        RG, VMSS, INSTANCE, "cmd", None, continuation_token=token
    )
    assert resumed.result().provisioning_state == "Succeeded"
    assert rig.trail() == [
        "PUT rc 201",
        "GET op 200 [truncated json]",
        "GET op 200",
        "GET rc 200",
    ]


# -- authentication ---------------------------------------------------------------------------


def test_a_claims_challenge_is_answered_once_with_the_decoded_claims(rig: Rig) -> None:
    rig.emu.faults.add(Fault.claims_challenge(), method="PUT")
    create(rig)
    assert rig.emu.credential.claims == [DEFAULT_CLAIMS]
    assert rig.trail() == ["PUT rc 401 [claims challenge]", *CREATED]


def test_a_second_claims_challenge_in_a_row_is_raised(rig: Rig) -> None:
    rig.emu.faults.add(Fault.claims_challenge(), method="PUT", count=2)
    with pytest.raises(ClientAuthenticationError):
        create(rig)
    assert rig.trail() == ["PUT rc 401 [claims challenge]"] * 2


def test_a_token_expiring_during_an_lro_is_raised_and_the_lro_resumes(rig: Rig) -> None:
    rig.emu.faults.add(Fault.expire_tokens(), path_contains=OPERATIONS)
    poller = rig.ops.begin_create_or_update(RG, VMSS, INSTANCE, "cmd", run_command())
    with pytest.raises(ClientAuthenticationError) as info:
        poller.result()
    assert info.value.error is not None
    assert info.value.error.code == "ExpiredAuthenticationToken"
    token = info.value.continuation_token
    assert token is not None
    # The expired token was dropped from the cache: resuming fetches a fresh one.
    resumed = rig.ops.begin_create_or_update(
        RG, VMSS, INSTANCE, "cmd", None, continuation_token=token
    )
    assert resumed.result().provisioning_state == "Succeeded"
    assert rig.trail() == ["PUT rc 201", "GET op 401 [expire tokens]", *CREATED[1:]]


# -- the operation itself ---------------------------------------------------------------------


def test_a_failed_operation_raises_the_service_error(rig: Rig) -> None:
    rig.emu.faults.add(Fault.operation_failed("ScriptFailed", "exit 3"), path_contains=OPERATIONS)
    with pytest.raises(OperationFailedError) as info:
        create(rig)
    error = info.value
    assert isinstance(error, HttpResponseError)
    assert error.status == "Failed"
    assert error.error is not None and (error.error.code, error.error.message) == (
        "ScriptFailed",
        "exit 3",
    )
    assert str(error).startswith("(ScriptFailed) exit 3")
    assert error.continuation_token is not None
    assert rig.trail() == ["PUT rc 201", "GET op 200 [operation failed]"]
    assert rig.ops.get(RG, VMSS, INSTANCE, "cmd").provisioning_state == "Failed"


def test_a_canceled_operation_raises_with_its_status(rig: Rig) -> None:
    rig.emu.faults.add(Fault.operation_canceled(), path_contains=OPERATIONS)
    with pytest.raises(OperationFailedError) as info:
        create(rig)
    assert info.value.status == "Canceled"
    assert info.value.error is not None and info.value.error.code == "OperationCanceled"
    assert rig.trail() == ["PUT rc 201", "GET op 200 [operation canceled]"]


def test_a_poll_url_that_starts_answering_404(rig: Rig) -> None:
    rig.emu.faults.add(Fault.operation_gone(), path_contains=OPERATIONS, after=1)
    with pytest.raises(ResourceNotFoundError) as info:
        create(rig)
    assert info.value.error is not None and info.value.error.code == "OperationNotFound"
    assert info.value.continuation_token is not None
    assert rig.trail() == ["PUT rc 201", "GET op 200", "GET op 404 [operation gone]"]


def test_a_409_with_retry_after_is_raised_without_retrying(rig: Rig) -> None:
    rig.emu.faults.add(Fault.conflict(retry_after=5), method="PUT")
    with pytest.raises(ResourceExistsError) as info:
        create(rig)
    assert info.value.status_code == 409
    assert rig.trail() == ["PUT rc 409 [conflict]"]
    assert rig.sleeps == []


def test_delete_polls_through_faults_on_its_status_url(rig: Rig) -> None:
    create(rig)
    start = rig.mark()
    rig.emu.faults.add(Fault.server_error(503), path_contains=OPERATIONS)
    rig.emu.faults.add(Fault.reset(), path_contains=OPERATIONS)
    assert rig.ops.begin_delete(RG, VMSS, INSTANCE, "cmd").result() is None
    assert rig.trail(start) == [
        "DELETE rc 202",
        "GET op 503 [status 503]",
        "GET op 0 [reset]",
        "GET op 200",
        "GET op 200",
    ]
    assert rig.emu.run_commands == {}
