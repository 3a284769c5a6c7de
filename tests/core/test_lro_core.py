"""The sans-I/O LRO core, driven by hand: responses in, next request or outcome out.

No server, no pipeline, no sleeping: each test sends the core scripted responses and checks
the requests it asks for and what it concludes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from vmss_runcommands.runtime.exceptions import (
    HttpResponseError,
    OperationFailedError,
    ServiceRequestError,
    ServiceRequestTimeoutError,
)
from vmss_runcommands.runtime.http import HttpRequest, HttpResponse
from vmss_runcommands.runtime.lro_core import (
    LocationPolling,
    LroCore,
    NoPolling,
    OperationResourcePolling,
    PollSchedule,
    StatusCheckPolling,
    algorithm_for,
    request_budget,
)
from vmss_runcommands.runtime.lro_token import decode_continuation_token
from vmss_runcommands.runtime.redact import SecretValues
from vmss_runcommands.runtime.retry import RetryPolicy

BASE = "https://management.azure.com"
URL = f"{BASE}/subscriptions/s/resourceGroups/rg/providers/P/things/t?api-version=1"
STATUS_URL = f"{BASE}/subscriptions/s/providers/P/operations/op1?api-version=1"
RESULT_URL = f"{BASE}/subscriptions/s/providers/P/results/op1?api-version=1"


def response(
    request: HttpRequest, status: int, body: Any = None, headers: dict[str, str] | None = None
) -> HttpResponse:
    raw = b"" if body is None else json.dumps(body).encode()
    return HttpResponse(
        status_code=status, reason="X", headers=headers or {}, body=raw, request=request
    )


def first(
    method: str, status: int, body: Any = None, headers: dict[str, str] | None = None
) -> HttpResponse:
    return response(HttpRequest(method, URL), status, body, headers)


def start(initial: HttpResponse, final_state_via: str | None = None) -> LroCore[Any]:
    return LroCore.from_initial_response(
        initial,
        deserialize=lambda body: body,
        operation_id="Things_Op",
        client_request_id="cid",
        final_state_via=final_state_via,
    )


class Script:
    """Runs a core step, answering each request it yields from a list; records the requests."""

    def __init__(self, core: LroCore[Any]) -> None:
        self.core = core
        self.requests: list[HttpRequest] = []

    def step(self, *answers: tuple[int, Any, dict[str, str] | None]) -> None:
        flow = self.core.step()
        queue = list(answers)
        try:
            request = next(flow)
            while True:
                self.requests.append(request)
                status, body, headers = queue.pop(0)
                request = flow.send(response(request, status, body, headers))
        except StopIteration:
            pass
        assert not queue, "the core asked for fewer requests than scripted"


def resource(state: str) -> dict[str, Any]:
    return {"id": "t", "properties": {"provisioningState": state}}


@pytest.mark.parametrize(
    ("method", "status", "body", "headers", "final_state_via", "expected"),
    [
        (
            "PUT",
            201,
            resource("Creating"),
            {"Azure-AsyncOperation": STATUS_URL},
            None,
            OperationResourcePolling,
        ),
        ("POST", 202, None, {"Operation-Location": STATUS_URL}, None, OperationResourcePolling),
        ("DELETE", 202, None, {"Location": RESULT_URL}, None, LocationPolling),
        ("PUT", 201, resource("Creating"), None, None, StatusCheckPolling),
        ("POST", 200, {"x": 1}, None, None, NoPolling),
    ],
)
def test_first_response_chooses_one_algorithm_class(
    method: str,
    status: int,
    body: Any,
    headers: dict[str, str] | None,
    final_state_via: str | None,
    expected: type,
) -> None:
    core = start(first(method, status, body, headers), final_state_via)
    assert type(algorithm_for(core.state)) is expected


def test_azure_async_operation_polls_status_then_gets_the_resource() -> None:
    core = start(first("PUT", 201, resource("Creating"), {"Azure-AsyncOperation": STATUS_URL}))
    script = Script(core)
    script.step((200, {"status": "InProgress"}, {"Retry-After": "7"}))
    assert core.status() == "InProgress" and not core.finished()
    assert core.server_delay() == 7.0
    script.step((200, {"status": "Succeeded"}, None), (200, resource("Succeeded"), None))
    assert [r.url for r in script.requests] == [STATUS_URL, STATUS_URL, URL]
    assert core.finished() and core.resource() == resource("Succeeded")


def test_final_state_via_location_reads_the_result_from_location() -> None:
    core = start(
        first("POST", 202, None, {"Azure-AsyncOperation": STATUS_URL, "Location": RESULT_URL}),
        final_state_via="location",
    )
    script = Script(core)
    script.step((200, {"status": "Succeeded"}, None), (200, {"answer": 42}, None))
    assert script.requests[-1].url == RESULT_URL
    assert core.resource() == {"answer": 42}


def test_final_state_via_original_uri_gets_the_operation_url() -> None:
    core = start(first("PATCH", 202, None, {"Location": RESULT_URL}), "original-uri")
    script = Script(core)
    script.step((200, {"ignored": True}, None), (200, resource("Succeeded"), None))
    assert [r.url for r in script.requests] == [RESULT_URL, URL]
    assert core.resource() == resource("Succeeded")


def test_location_polling_follows_a_new_location_and_ends_on_the_result() -> None:
    core = start(first("DELETE", 202, None, {"Location": RESULT_URL}))
    script = Script(core)
    moved = f"{BASE}/subscriptions/s/providers/P/results/op2"
    script.step((202, None, {"Location": moved}))
    assert core.state.location_url == moved
    script.step((200, {"done": True}, None))
    assert [r.url for r in script.requests] == [RESULT_URL, moved]
    assert core.resource() == {"done": True}


def test_body_polling_reads_provisioning_state_of_the_resource() -> None:
    core = start(first("PUT", 201, resource("Creating")))
    script = Script(core)
    script.step((200, resource("Updating"), None))
    assert core.status() == "Updating"
    script.step((200, resource("Succeeded"), None))
    assert core.finished() and len(script.requests) == 2


@pytest.mark.parametrize("terminal", ["Failed", "canceled", "Cancelled"])
def test_failed_terminal_states_raise_operation_failed(terminal: str) -> None:
    core = start(first("PUT", 201, resource("Creating"), {"Azure-AsyncOperation": STATUS_URL}))
    body = {"status": terminal, "error": {"code": "Boom", "message": "it broke"}}
    with pytest.raises(OperationFailedError) as caught:
        Script(core).step((200, body, None))
    assert caught.value.error is not None and caught.value.error.code == "Boom"
    assert caught.value.status == terminal


def test_a_status_response_without_status_is_an_error_not_a_guess() -> None:
    core = start(first("POST", 202, None, {"Azure-AsyncOperation": STATUS_URL}))
    with pytest.raises(HttpResponseError, match="no 'status' field"):
        Script(core).step((200, {"progress": 50}, None))


def test_a_poll_link_on_another_origin_is_refused_before_any_request() -> None:
    evil = "https://attacker.example/steal"
    core = start(first("PUT", 201, resource("Creating"), {"Azure-AsyncOperation": evil}))
    script = Script(core)
    with pytest.raises(ServiceRequestError, match="Refusing to poll"):
        script.step()
    assert script.requests == []


def test_the_continuation_token_carries_the_state_and_resumes_the_same_polls() -> None:
    core = start(first("PUT", 201, resource("Creating"), {"Azure-AsyncOperation": STATUS_URL}))
    Script(core).step((200, {"status": "Running"}, None))
    state = decode_continuation_token(core.continuation_token())
    assert state == core.state and state.status == "Running"
    resumed: LroCore[Any] = LroCore(state, deserialize=lambda body: body)
    script = Script(resumed)
    script.step((200, {"status": "Succeeded"}, None), (200, resource("Succeeded"), None))
    assert [r.url for r in script.requests] == [STATUS_URL, URL]
    assert resumed.resource() == resource("Succeeded")


def test_a_first_answer_that_is_the_result_needs_no_request() -> None:
    core = start(first("POST", 200, {"x": 1}))
    script = Script(core)
    script.step()
    assert script.requests == [] and core.resource() == {"x": 1}


def test_schedule_honours_retry_after_capped_and_the_deadline_first() -> None:
    core = start(
        first(
            "PUT",
            201,
            resource("Creating"),
            {"Azure-AsyncOperation": STATUS_URL, "Retry-After": "600"},
        )
    )
    schedule = PollSchedule(
        core,
        now=100.0,
        polling_interval=5.0,
        max_retry_after=30.0,
        deadline=20.0,
        first_poll_immediately=False,
    )
    assert schedule.next_poll_at == 130.0  # the 600 s asked for, capped at 30
    assert schedule.limit(None, None) == (120.0, "the poller's overall deadline passed")
    assert schedule.limit(110.0, 10.0) == (110.0, "the 10.0 s timeout passed")
    error = schedule.timeout_error("the test said so")
    assert error.status == "InProgress"
    assert decode_continuation_token(error.continuation_token) == core.state


def test_request_budget_shrinks_timeouts_to_what_is_left() -> None:
    assert request_budget(URL, None, 5.0, 9.0, None) == (9.0, None)
    timeout, policy = request_budget(URL, 10.0, 7.0, 9.0, RetryPolicy())
    assert timeout == 3.0 and policy is not None and policy.timeout == 3.0
    with pytest.raises(ServiceRequestTimeoutError):
        request_budget(URL, 10.0, 10.0, None, None)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"name":"rc","properties":{"provisioningState":"Creating"}}', "InProgress"),
        (b'{"status":"Running"}', "Running"),
        (b'{"stat\\u0075s":"Running"}', "Running"),  # an escaped key is still the key
        (json.dumps({"status": "Running"}).encode("utf-16"), "Running"),
        (b'{"properties":{"status":"Running"}}', "InProgress"),  # only the top level counts
        (b"not json", "InProgress"),
        (b"", "InProgress"),
    ],
)
def test_the_first_answer_s_status_is_its_top_level_status_member(body: bytes, status: str) -> None:
    initial = HttpResponse(
        status_code=201,
        reason="Created",
        headers={},
        body=body,
        request=HttpRequest("PUT", URL),
    )
    assert OperationResourcePolling("azure-async-operation").initial_status(initial) == status


@pytest.mark.parametrize(
    ("reported", "shown"),
    [
        ("InProgress", "InProgress"),  # one plain word: shown as is
        ("Hunter2Secret99", "***"),  # one word, but a value the request sent
        ("Running Hunter2Secret99", "Running ***"),
        ("Bearer abcdefgh.ijklmnop", "Bearer REDACTED"),  # a credential by its shape
    ],
)
def test_a_status_is_shown_without_the_secrets_the_operation_sent(
    reported: str, shown: str
) -> None:
    """A hostile service can write what it was sent into the status, which ``status()``, log
    lines, errors and continuation tokens repeat."""
    initial = first("PUT", 201, resource("Creating"), {"Azure-AsyncOperation": STATUS_URL})
    initial.secret_values = SecretValues({"Hunter2Secret99"})
    core = start(initial)
    Script(core).step((200, {"status": reported}, None))
    assert core.status() == shown
    assert "Hunter2Secret99" not in core.continuation_token()


def test_a_status_change_makes_a_new_state_and_leaves_the_one_handed_out_as_it_was() -> None:
    core = start(first("PUT", 201, resource("Creating"), {"Azure-AsyncOperation": STATUS_URL}))
    script = Script(core)
    before = core.state
    token = core.continuation_token()
    script.step((200, {"status": "InProgress"}, None))
    after = core.state
    assert after is before and after.status == "InProgress"  # unchanged: no new state
    assert core.continuation_token() == token
    script.step((200, {"status": "Running"}, None))
    changed = core.state
    assert changed is not after and after.status == "InProgress"  # the old value stays
    assert changed.status == "Running" and changed.poll_url == after.poll_url
    assert changed == type(after)(**{**after.__dict__, "status": "Running"})
    assert decode_continuation_token(core.continuation_token()) == changed
    with pytest.raises(AttributeError):
        changed.status = "Succeeded"  # type: ignore[misc]  # still a frozen value
