"""Fault injection on the wire: fail_next, every Fault kind, scripted and random rules."""

from __future__ import annotations

import base64
import json

import pytest
import urllib3
from vmss_runcommands.emulator import Fault
from vmss_runcommands.emulator.faults import DEFAULT_CLAIMS, FaultPlan
from vmss_runcommands.emulator.wire import Request


def test_fail_next_with_count(arm):
    arm.emu.fail_next(503, "ServerBusy", "try later", count=2, headers={"Retry-After": "1"})
    for _ in range(2):
        response = arm.get("cmd")
        assert response.status == 503
        assert arm.error(response) == {"code": "ServerBusy", "message": "try later"}
        assert response.headers["Retry-After"] == "1"
        assert "x-ms-request-id" in response.headers
    assert arm.get("cmd").status == 404
    assert [r.status for r in arm.emu.requests] == [503, 503, 404]


def test_fail_next_with_raw_html_body(arm):
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    arm.emu.fail_next(502, body=page)
    response = arm.get("cmd")
    assert response.status == 502
    assert response.data == page
    assert response.headers["Content-Type"].startswith("text/html")


def test_fail_next_runs_before_auth_and_validation(arm):
    arm.emu.fail_next(500)
    response = arm.request("GET", arm.url("cmd"), auth=False)
    assert response.status == 500
    assert arm.error(response)["code"] == "InternalServerError"
    assert arm.emu.requests[0].headers.get("Authorization") is None


def test_fail_next_filters_on_method_and_path(arm):
    arm.emu.fail_next(429, "TooManyRequests", method="PUT", path_contains="/RUNCOMMANDS/b")
    assert arm.get("b").status == 404, "method does not match"
    assert arm.put("a", {"location": "westus"}).status == 201, "path does not match"
    assert arm.put("b", {"location": "westus"}).status == 429
    assert arm.put("b", {"location": "westus"}).status == 201


def test_fail_next_on_polls(arm):
    created = arm.put("cmd", {"location": "westus"})
    arm.emu.fail_next(500, path_contains="/operations/")
    operation_url = created.headers["Azure-AsyncOperation"]
    assert arm.poll(operation_url).status == 500
    assert arm.wait(created)["status"] == "Succeeded"


def test_fail_next_matches_decoded_paths(arm):
    arm.emu.fail_next(500, path_contains="run command/1")
    assert arm.get("run command/1").status == 500


def test_fail_next_rules_are_fifo(arm):
    arm.emu.fail_next(500)
    arm.emu.fail_next(502)
    assert [arm.get("x").status for _ in range(3)] == [500, 502, 404]


@pytest.mark.parametrize("kwargs", [{"status": 42}, {"status": 500, "count": 0}])
def test_fail_next_rejects_nonsense(emu, kwargs):
    with pytest.raises(ValueError):
        emu.fail_next(**kwargs)


# -- Fault kinds on the wire ------------------------------------------------------------------


def test_throttle_sends_retry_after_and_the_millisecond_header(arm):
    arm.emu.faults.add(Fault.throttle(retry_after=2, retry_after_ms=1500))
    response = arm.get("cmd")
    assert response.status == 429
    assert response.headers["Retry-After"] == "2"
    assert response.headers["x-ms-retry-after-ms"] == "1500"
    assert arm.error(response)["code"] == "TooManyRequests"
    assert arm.emu.requests[0].fault == "throttle"


def test_conflict_and_server_errors_are_cloud_errors(arm):
    arm.emu.faults.add(Fault.conflict(retry_after=5))
    arm.emu.faults.add(Fault.server_error(503, retry_after=1))
    conflict, busy = arm.get("a"), arm.get("b")
    assert (conflict.status, arm.error(conflict)["code"]) == (409, "Conflict")
    assert conflict.headers["Retry-After"] == "5"
    assert (busy.status, arm.error(busy)["code"]) == (503, "ServerBusy")
    assert [r.fault for r in arm.emu.requests] == ["conflict", "status 503"]


def test_html_error_is_an_html_page(arm):
    arm.emu.faults.add(Fault.html_error(502))
    response = arm.get("cmd")
    assert response.status == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert b"<h1>502 Bad Gateway</h1>" in response.data


def test_claims_challenge_carries_base64_claims(arm):
    arm.emu.faults.add(Fault.claims_challenge())
    response = arm.get("cmd")
    assert response.status == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer ") and 'error="insufficient_claims"' in challenge
    encoded = challenge.split('claims="')[1].split('"')[0]
    assert base64.b64decode(encoded).decode() == DEFAULT_CLAIMS


def test_reset_cuts_the_connection_before_or_after_processing(arm):
    arm.emu.faults.add(Fault.reset(), method="PUT")
    with pytest.raises(urllib3.exceptions.ProtocolError):
        arm.put("cut", {"location": "westus"})
    assert arm.emu.run_commands == {}
    arm.emu.faults.add(Fault.reset(processed=True), method="PUT")
    with pytest.raises(urllib3.exceptions.ProtocolError):
        arm.put("kept", {"location": "westus"})
    assert [key[3] for key in arm.emu.run_commands] == ["kept"]
    assert [(r.status, r.fault) for r in arm.emu.requests] == [
        (0, "reset"),
        (0, "reset after processing"),
    ]


def test_slow_holds_the_answer_back(emu, arm_for):
    pool = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(read=0.1))
    arm = arm_for(emu, pool)
    emu.faults.add(Fault.slow(1.0))
    with pytest.raises(urllib3.exceptions.ReadTimeoutError):
        arm.get("cmd")
    assert emu.requests[0].fault == "slow 1s"
    assert arm.get("cmd").status == 404  # the next request is answered at once


def test_truncated_json_is_cut_in_half_but_framed(arm):
    arm.create("cmd")
    whole = arm.get("cmd").data
    arm.emu.faults.add(Fault.truncated_json(), method="GET")
    cut = arm.get("cmd")
    assert cut.status == 200
    assert whole.startswith(cut.data) and len(cut.data) == len(whole) // 2
    assert int(cut.headers["Content-Length"]) == len(cut.data)
    with pytest.raises(ValueError):
        json.loads(cut.data)


def test_expire_tokens_makes_the_request_and_later_ones_401(arm):
    arm.emu.faults.add(Fault.expire_tokens())
    response = arm.get("cmd")
    assert response.status == 401
    assert arm.error(response)["code"] == "ExpiredAuthenticationToken"
    assert arm.get("cmd").status == 401


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        (Fault.operation_failed("Boom", "it broke"), "Failed", "Boom"),
        (Fault.operation_canceled(), "Canceled", "OperationCanceled"),
    ],
)
def test_operation_outcome_faults_end_the_polled_operation(arm, fault, status, code):
    created = arm.put("cmd", {"location": "westus"})
    arm.emu.faults.add(fault, path_contains="/operations/")
    polled = arm.poll(created.headers["Azure-AsyncOperation"])
    body = polled.json()
    assert (body["status"], body["error"]["code"]) == (status, code)
    assert arm.get("cmd").json()["properties"]["provisioningState"] == status
    # The run command is idle again: a new PUT is accepted.
    assert arm.put("cmd", {"location": "westus"}).status == 200


def test_operation_gone_makes_the_status_url_answer_404_for_good(arm):
    created = arm.put("cmd", {"location": "westus"})
    arm.emu.faults.add(Fault.operation_gone(), path_contains="/operations/")
    url = created.headers["Azure-AsyncOperation"]
    assert [arm.poll(url).status for _ in range(2)] == [404, 404]
    assert arm.error(arm.poll(url))["code"] == "OperationNotFound"
    assert arm.put("cmd", {"location": "westus"}).status == 200


def test_operation_faults_do_nothing_to_other_requests(arm):
    arm.emu.faults.add(Fault.operation_failed())
    assert arm.put("cmd", {"location": "westus"}).status == 201
    assert arm.emu.requests[0].fault == "operation failed"


def test_after_lets_matching_requests_through_first(arm):
    arm.emu.faults.add(Fault.server_error(500), method="GET", after=2, count=2)
    assert [arm.get("x").status for _ in range(5)] == [404, 404, 500, 500, 404]
    assert arm.emu.faults.pending == 0


def test_pending_and_clear(emu, arm_for):
    emu.faults.add(Fault.reset(), count=3)
    emu.faults.random(rate=1.0, kinds=[Fault.server_error(500)])
    assert emu.faults.pending == 3
    emu.faults.clear()
    assert emu.faults.pending == 0
    assert arm_for(emu).get("x").status == 404


def _request(path: str = "/p", method: str = "GET") -> Request:
    return Request(method=method, path=path, query={}, headers={}, body=b"")


def test_random_rules_are_reproducible_and_respect_the_rate():
    def draws(seed: int) -> list[str | None]:
        plan = FaultPlan()
        plan.random(rate=0.5, kinds=[Fault.reset(), Fault.server_error(503)], seed=seed)
        return [getattr(plan.take(_request()), "name", None) for _ in range(200)]

    first = draws(3)
    assert first == draws(3) and first != draws(4)
    hits = sum(name is not None for name in first)
    assert 60 < hits < 140
    assert {name for name in first if name} == {"reset", "status 503"}


def test_scripted_rules_win_and_random_rules_filter():
    plan = FaultPlan()
    plan.random(rate=1.0, kinds=[Fault.reset()], path_contains="/operations/")
    plan.random(rate=0.0, kinds=[Fault.reset()])
    plan.add(Fault.conflict(), path_contains="/operations/")
    assert plan.take(_request("/x/operations/1")).name == "conflict"
    assert plan.take(_request("/x/operations/1")).name == "reset"
    assert plan.take(_request("/x/runCommands/a")) is None


@pytest.mark.parametrize(
    "make",
    [
        lambda: Fault.error(42),
        lambda: Fault.server_error(404),
        lambda: Fault.slow(0),
        lambda: FaultPlan().random(rate=1.5, kinds=[Fault.reset()]),
        lambda: FaultPlan().random(rate=0.5, kinds=[]),
        lambda: FaultPlan().add(Fault.reset(), count=0),
        lambda: FaultPlan().add(Fault.reset(), after=-1),
    ],
)
def test_nonsense_is_rejected(make):
    with pytest.raises(ValueError):
        make()


def test_connection_counters(emu, arm_for):
    pool = urllib3.PoolManager(retries=False, maxsize=1)
    arm = arm_for(emu, pool)
    arm.get("a")
    arm.get("b")
    assert (emu.connections_opened, emu.peak_open_connections) == (1, 1)
    emu.faults.add(Fault.reset())
    with pytest.raises(urllib3.exceptions.ProtocolError):
        arm.get("c")
    arm.get("d")
    assert emu.connections_opened == 2
