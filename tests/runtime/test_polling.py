"""The ARM LRO poller, driven by a scripted fake pipeline and a fake clock (no real sleeping)."""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any, cast

import pytest
from surfaces import SURFACES, AwaitedPipeline, BlockingPoller, shared_loop
from vmss_runcommands.runtime.exceptions import (
    AzureError,
    DecodeError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
)
from vmss_runcommands.runtime.http import HttpRequest, HttpResponse
from vmss_runcommands.runtime.lro_failure import FailureDescriber, summarize_nested
from vmss_runcommands.runtime.polling import (
    ArmPollingMethod,
    LROPoller,
    OperationFailedError,
    PollingState,
    PollingTimeoutError,
    decode_continuation_token,
    encode_continuation_token,
    retry_after_seconds,
)
from vmss_runcommands.runtime.retry import RetryPolicy

BASE = "https://management.azure.com"
URL = (
    f"{BASE}/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/"
    "virtualMachineScaleSets/ss/virtualMachines/0/runCommands/rc?api-version=2024-07-01"
)
LOCATIONS = f"{BASE}/subscriptions/sub/providers/Microsoft.Compute/locations/eastus"
ASYNC_URL = f"{LOCATIONS}/operations/op1?api-version=2024-07-01"
LOCATION_URL = f"{LOCATIONS}/results/op1?api-version=2024-07-01"
CID = "11111111-2222-3333-4444-555555555555"


def resource(state: str, **extra: Any) -> dict[str, Any]:
    return {"name": "rc", "properties": {"provisioningState": state, **extra}}


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


class FakePipeline:
    """Answers each ``run`` with the next scripted reply and records what was asked."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[HttpRequest] = []
        self.client_request_ids: list[str | None] = []
        self.delay = 0.0

    def run(
        self,
        request: HttpRequest,
        *,
        client_request_id: str | None = None,
        timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> HttpResponse:
        self.requests.append(request)
        self.client_request_ids.append(client_request_id)
        if self.delay:
            time.sleep(self.delay)
        assert self.replies, f"unexpected extra request {request.method} {request.url}"
        return make_response(self.replies.pop(0), request)

    @property
    def urls(self) -> list[str]:
        return [request.url for request in self.requests]


def make_response(reply: Reply, request: HttpRequest) -> HttpResponse:
    if reply.body is None:
        body = b""
    elif isinstance(reply.body, bytes):
        body = reply.body
    else:
        body = json.dumps(reply.body).encode()
    return HttpResponse(
        status_code=reply.status,
        reason="X",
        headers=dict(reply.headers),
        body=body,
        request=request,
    )


def initial(
    status: int,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    *,
    method: str = "PUT",
    url: str = URL,
) -> HttpResponse:
    request = HttpRequest(method, url, headers={"x-ms-client-request-id": CID})
    return make_response(Reply(status, body, headers or {}), request)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


def to_dict(data: Any) -> dict[str, Any]:
    assert isinstance(data, dict)
    return data


def make_poller(
    response: HttpResponse,
    pipeline: FakePipeline,
    clock: FakeClock,
    *,
    deserialize: Any = to_dict,
    final_state_via: str | None = None,
    polling_interval: float = 5.0,
    describe_failure: FailureDescriber | None = None,
    **poller_kwargs: Any,
) -> LROPoller[Any]:
    method: ArmPollingMethod[Any] = ArmPollingMethod.from_initial_response(
        response,
        pipeline=pipeline,
        deserialize=deserialize,
        operation_id="RunCommands_CreateOrUpdate",
        client_request_id=CID,
        final_state_via=final_state_via,
        describe_failure=describe_failure,
    )
    if SURFACE["kind"] == "async":
        return cast(
            LROPoller[Any],
            async_poller(
                method.core, pipeline, clock, polling_interval=polling_interval, **poller_kwargs
            ),
        )
    return LROPoller(
        method, polling_interval=polling_interval, sleep=clock.sleep, clock=clock, **poller_kwargs
    )


def async_poller(core: Any, pipeline: FakePipeline, clock: FakeClock, **kwargs: Any) -> Any:
    """An ``AsyncLROPoller`` over ``core``, the same pipeline and fake time, used through
    tests/surfaces.py's blocking facade."""
    from vmss_runcommands.runtime.aio.polling import AsyncLROPoller

    async def sleep(seconds: float) -> None:
        clock.sleep(seconds)

    poller = AsyncLROPoller(
        core, pipeline=AwaitedPipeline(pipeline), sleep=sleep, clock=clock, **kwargs
    )
    return BlockingPoller(poller, shared_loop())


SURFACE = {"kind": "sync"}


@pytest.fixture(params=SURFACES)
def surface(request: pytest.FixtureRequest) -> Iterator[str]:
    """The sync ``LROPoller``, or ``AsyncLROPoller`` over the same core (``make_poller``)."""
    SURFACE["kind"] = request.param
    yield request.param
    SURFACE["kind"] = "sync"


@pytest.fixture
def clock(surface: str) -> FakeClock:
    return FakeClock()


# --- algorithms ------------------------------------------------------------------------------


def test_put_with_async_operation_header_polls_then_gets_original_url(clock: FakeClock) -> None:
    pipeline = FakePipeline(
        Reply(200, {"status": "InProgress"}),
        Reply(200, {"status": "InProgress"}),
        Reply(200, {"status": "Succeeded"}),
        Reply(200, resource("Succeeded")),
    )
    first = initial(201, resource("Creating"), {"Azure-AsyncOperation": ASYNC_URL})
    poller = make_poller(first, pipeline, clock)

    assert poller.status() == "InProgress"
    assert pipeline.requests == []  # nothing happens before the caller asks
    assert poller.result() == resource("Succeeded")
    assert pipeline.urls == [ASYNC_URL, ASYNC_URL, ASYNC_URL, URL]
    assert all(request.method == "GET" for request in pipeline.requests)
    assert clock.sleeps == [5.0, 5.0]  # first poll immediate, then the interval
    assert poller.status() == "Succeeded"
    assert poller.done()


@pytest.mark.parametrize(
    ("method", "headers", "expected_algorithm", "first_poll"),
    [
        (
            "PUT",
            {"Azure-AsyncOperation": ASYNC_URL, "Location": LOCATION_URL},
            "azure-async-operation",
            ASYNC_URL,
        ),
        ("PUT", {"Location": LOCATION_URL}, "location", LOCATION_URL),
        ("PUT", {"Operation-Location": ASYNC_URL}, "body", URL),
        ("PATCH", {}, "body", URL),
        ("POST", {"Operation-Location": ASYNC_URL}, "operation-location", ASYNC_URL),
        ("DELETE", {"Location": LOCATION_URL}, "location", LOCATION_URL),
        ("POST", {}, "none", None),
    ],
)
def test_algorithm_precedence(
    clock: FakeClock,
    method: str,
    headers: dict[str, str],
    expected_algorithm: str,
    first_poll: str | None,
) -> None:
    pipeline = FakePipeline(Reply(202, {"status": "InProgress"}, {"Location": LOCATION_URL}))
    poller = make_poller(initial(202, None, headers, method=method), pipeline, clock)
    assert poller.polling_method().state.algorithm == expected_algorithm
    with contextlib.suppress(PollingTimeoutError):
        poller.wait(timeout=1)  # the one poll due now, and no other (the next is in 5 s)
    assert pipeline.urls[:1] == ([first_poll] if first_poll else [])


def test_operation_location_used_for_put_when_final_state_via_says_so(clock: FakeClock) -> None:
    pipeline = FakePipeline(Reply(200, {"status": "Succeeded"}), Reply(200, resource("Succeeded")))
    first = initial(201, resource("Creating"), {"Operation-Location": ASYNC_URL})
    poller = make_poller(first, pipeline, clock, final_state_via="operation-location")
    assert poller.result() == resource("Succeeded")
    assert pipeline.urls == [ASYNC_URL, URL]


def test_post_without_polling_headers_finishes_with_initial_body(clock: FakeClock) -> None:
    pipeline = FakePipeline()
    poller = make_poller(initial(200, {"answer": 42}, method="POST"), pipeline, clock)
    assert poller.status() == "Succeeded"
    assert poller.result() == {"answer": 42}
    assert pipeline.requests == []


def test_location_polling_refreshes_location_and_ends_on_the_last_poll_for_put(
    clock: FakeClock,
) -> None:
    second = LOCATION_URL.replace("op1", "op2")
    pipeline = FakePipeline(
        Reply(202, None, {"Location": second}),
        Reply(202, None),
        Reply(200, {"foo": "bar"}),
    )
    poller = make_poller(initial(202, None, {"Location": LOCATION_URL}), pipeline, clock)
    assert poller.result() == {"foo": "bar"}
    # As azure-core's LocationPolling: no GET of the original URL after Location polling.
    assert pipeline.urls == [LOCATION_URL, second, second]


def test_post_with_location_takes_result_from_the_location_poll(clock: FakeClock) -> None:
    pipeline = FakePipeline(Reply(202, None), Reply(200, {"output": "hi"}))
    first = initial(202, None, {"Location": LOCATION_URL}, method="POST")
    poller = make_poller(first, pipeline, clock)
    assert poller.result() == {"output": "hi"}
    assert pipeline.urls == [LOCATION_URL, LOCATION_URL]  # no extra GET of the same URL


def test_body_polling_uses_provisioning_state_of_the_original_url(clock: FakeClock) -> None:
    pipeline = FakePipeline(Reply(200, resource("Updating")), Reply(200, resource("Succeeded")))
    poller = make_poller(initial(201, resource("Creating")), pipeline, clock)
    assert poller.status() == "Creating"
    assert poller.result() == resource("Succeeded")
    assert pipeline.urls == [URL, URL]  # the last poll was a 200 of the original URL


def test_body_polling_ends_on_the_poll_that_reported_success(clock: FakeClock) -> None:
    pipeline = FakePipeline(Reply(201, resource("Succeeded", x=1)))
    poller = make_poller(initial(201, {"name": "rc"}), pipeline, clock)
    assert poller.status() == "InProgress"  # 201 without provisioningState
    assert poller.result() == resource("Succeeded", x=1)
    assert pipeline.urls == [URL]  # that poll was the resource itself: no second GET


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, {"name": "rc"}, "Succeeded"),
        (200, resource("Creating"), "Creating"),
        (201, None, "InProgress"),
        (202, resource("Succeeded"), "InProgress"),
        (204, None, "Succeeded"),
    ],
)
def test_body_polling_initial_status(
    clock: FakeClock, status: int, body: Any, expected: str
) -> None:
    poller = make_poller(initial(status, body), FakePipeline(), clock)
    assert poller.status() == expected


def test_put_finished_in_initial_response_needs_no_request(clock: FakeClock) -> None:
    pipeline = FakePipeline()
    poller = make_poller(initial(200, resource("Succeeded")), pipeline, clock)
    assert poller.result() == resource("Succeeded")
    assert pipeline.requests == []


@pytest.mark.parametrize("terminal", ["Succeeded", "succeeded", "SUCCEEDED", "sUcCeEdEd"])
def test_terminal_success_is_case_insensitive_and_status_verbatim(
    clock: FakeClock, terminal: str
) -> None:
    pipeline = FakePipeline(Reply(200, {"status": terminal}), Reply(200, resource("Succeeded")))
    poller = make_poller(initial(201, None, {"Azure-AsyncOperation": ASYNC_URL}), pipeline, clock)
    poller.result()
    assert poller.status() == terminal


@pytest.mark.parametrize("terminal", ["Failed", "FAILED", "Canceled", "canceled", "Cancelled"])
def test_terminal_failure_is_case_insensitive(clock: FakeClock, terminal: str) -> None:
    pipeline = FakePipeline(Reply(200, {"status": terminal}))
    poller = make_poller(initial(201, None, {"Azure-AsyncOperation": ASYNC_URL}), pipeline, clock)
    with pytest.raises(HttpResponseError):
        poller.result()
    assert poller.status() == terminal
    assert poller.done()


def test_unknown_statuses_keep_polling(clock: FakeClock) -> None:
    pipeline = FakePipeline(
        Reply(200, {"status": "Whatever"}),
        Reply(200, {"status": "Running"}),
        Reply(200, {"status": "Succeeded"}),
        Reply(200, resource("Succeeded")),
    )
    poller = make_poller(initial(201, None, {"Azure-AsyncOperation": ASYNC_URL}), pipeline, clock)
    poller.result()
    assert len(pipeline.requests) == 4


# --- delays ----------------------------------------------------------------------------------


def _delay_after(clock: FakeClock, headers: dict[str, str], **kwargs: Any) -> float:
    pipeline = FakePipeline(
        Reply(200, {"status": "InProgress"}, headers),
        Reply(200, {"status": "Succeeded"}),
        Reply(200, resource("Succeeded")),
    )
    poller = make_poller(
        initial(201, None, {"Azure-AsyncOperation": ASYNC_URL}), pipeline, clock, **kwargs
    )
    poller.result()
    assert len(clock.sleeps) == 1
    return clock.sleeps[0]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"Retry-After": "2.5"}, 2.5),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"x-ms-retry-after-ms": "250"}, 0.25),
        ({"Retry-After": "3", "retry-after-ms": "9000"}, 3.0),
        ({"Retry-After": "0"}, 5.0),  # falsy -> the polling interval, as azure-core
        ({"Retry-After": "-4"}, 5.0),
        ({"Retry-After": "soon"}, 5.0),
        ({"Retry-After": "nan"}, 5.0),
        ({}, 5.0),
    ],
)
def test_retry_after_forms(clock: FakeClock, headers: dict[str, str], expected: float) -> None:
    assert _delay_after(clock, headers) == pytest.approx(expected)


def test_retry_after_http_date_is_measured_against_the_response_date(clock: FakeClock) -> None:
    date = datetime(2024, 7, 1, 12, 0, 0, tzinfo=timezone.utc)
    later = datetime(2024, 7, 1, 12, 0, 12, tzinfo=timezone.utc)
    headers = {
        "Date": format_datetime(date, usegmt=True),
        "Retry-After": format_datetime(later, usegmt=True),
    }
    assert _delay_after(clock, headers) == pytest.approx(12.0)


def test_retry_after_http_date_without_date_header_uses_local_time() -> None:
    when = format_datetime(datetime.fromtimestamp(time.time() + 30, timezone.utc), usegmt=True)
    response = initial(202, None, {"Retry-After": when})
    delay = retry_after_seconds(response)
    assert delay is not None and 27.0 <= delay <= 31.0


def test_server_requested_wait_is_capped(clock: FakeClock) -> None:
    assert _delay_after(clock, {"Retry-After": "3600"}) == 60.0
    other = FakeClock()
    assert _delay_after(other, {"Retry-After": "3600"}, max_retry_after=10.0) == 10.0


def test_polling_interval_is_not_capped(clock: FakeClock) -> None:
    assert _delay_after(clock, {}, polling_interval=120.0) == 120.0


def test_initial_retry_after_is_honoured_before_the_first_poll(clock: FakeClock) -> None:
    pipeline = FakePipeline(Reply(200, {"status": "Succeeded"}), Reply(200, resource("Succeeded")))
    first = initial(201, None, {"Azure-AsyncOperation": ASYNC_URL, "Retry-After": "10"})
    poller = make_poller(first, pipeline, clock)
    assert not poller.done()  # the first poll is not due yet
    assert pipeline.requests == []
    poller.result()
    assert clock.sleeps == [10.0]


# --- final state -----------------------------------------------------------------------------


def test_resource_location_in_status_body_is_fetched(clock: FakeClock) -> None:
    elsewhere = f"{BASE}/subscriptions/sub/resourceGroups/rg/things/t1?api-version=2024-07-01"
    pipeline = FakePipeline(
        Reply(200, {"status": "Succeeded", "resourceLocation": elsewhere}),
        Reply(200, {"id": "t1"}),
    )
    first = initial(202, None, {"Azure-AsyncOperation": ASYNC_URL}, method="POST")
    assert make_poller(first, pipeline, clock).result() == {"id": "t1"}
    assert pipeline.urls == [ASYNC_URL, elsewhere]


def test_final_state_via_location_gets_the_location(clock: FakeClock) -> None:
    pipeline = FakePipeline(Reply(200, {"status": "Succeeded"}), Reply(200, {"result": 1}))
    first = initial(
        202, None, {"Azure-AsyncOperation": ASYNC_URL, "Location": LOCATION_URL}, method="POST"
    )
    poller = make_poller(first, pipeline, clock, final_state_via="location")
    assert poller.result() == {"result": 1}
    assert pipeline.urls == [ASYNC_URL, LOCATION_URL]


def test_final_state_via_azure_async_operation_on_post_returns_status_body(
    clock: FakeClock,
) -> None:
    body = {"status": "Succeeded", "properties": {"output": "x"}}
    pipeline = FakePipeline(Reply(200, body))
    first = initial(
        202, None, {"Azure-AsyncOperation": ASYNC_URL, "Location": LOCATION_URL}, method="POST"
    )
    poller = make_poller(first, pipeline, clock, final_state_via="azure-async-operation")
    assert poller.result() == body
    assert pipeline.urls == [ASYNC_URL]


def test_final_state_via_original_uri(clock: FakeClock) -> None:
    pipeline = FakePipeline(Reply(200, {"status": "Succeeded"}), Reply(200, {"done": True}))
    first = initial(202, None, {"Azure-AsyncOperation": ASYNC_URL}, method="POST")
    poller = make_poller(first, pipeline, clock, final_state_via="original-uri")
    assert poller.result() == {"done": True}
    assert pipeline.urls == [ASYNC_URL, URL]


def test_unknown_final_state_via_is_rejected(clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="final_state_via"):
        make_poller(initial(202, None), FakePipeline(), clock, final_state_via="somewhere")


def test_delete_has_no_final_get_and_returns_none(clock: FakeClock) -> None:
    pipeline = FakePipeline(
        Reply(200, {"status": "InProgress"}), Reply(200, {"status": "Succeeded"})
    )
    first = initial(202, None, {"Azure-AsyncOperation": ASYNC_URL}, method="DELETE")
    poller = make_poller(first, pipeline, clock, deserialize=None)
    assert poller.result() is None
    assert pipeline.urls == [ASYNC_URL, ASYNC_URL]


# done() performs a due step on the sync poller only; the async one's done() only looks,
# as azure-core's AsyncLROPoller.done() does.
@pytest.mark.parametrize("surface", ["sync"], indirect=True)
def test_delete_finished_at_once(clock: FakeClock) -> None:
    pipeline = FakePipeline()
    poller = make_poller(initial(204, None, method="DELETE"), pipeline, clock, deserialize=None)
    assert poller.done()
    assert poller.result() is None
    assert pipeline.requests == []


def test_empty_final_body_with_a_deserializer_is_none_as_in_azure_core(clock: FakeClock) -> None:
    pipeline = FakePipeline(Reply(200, {"status": "Succeeded"}), Reply(204, None))
    first = initial(202, None, {"Azure-AsyncOperation": ASYNC_URL})
    assert make_poller(first, pipeline, clock).result() is None
    assert len(pipeline.requests) == 2  # the status poll, then the final GET


def test_deserializer_failure_is_a_chained_decode_error(clock: FakeClock) -> None:
    def broken(data: Any) -> Any:
        return data["missing"]

    pipeline = FakePipeline(Reply(200, resource("Succeeded")))
    poller = make_poller(initial(201, resource("Creating")), pipeline, clock, deserialize=broken)
    with pytest.raises(DecodeError) as caught:
        poller.result()
    assert isinstance(caught.value.__cause__, KeyError)
    assert caught.value.status_code == 200


def test_every_request_reuses_the_initial_client_request_id(clock: FakeClock) -> None:
    pipeline = FakePipeline(
        Reply(200, {"status": "InProgress"}),
        Reply(200, {"status": "Succeeded"}),
        Reply(200, resource("Succeeded")),
    )
    make_poller(initial(201, None, {"Azure-AsyncOperation": ASYNC_URL}), pipeline, clock).result()
    assert pipeline.client_request_ids == [CID, CID, CID]


# --- failures --------------------------------------------------------------------------------


def test_failed_status_raises_with_the_service_error(clock: FakeClock) -> None:
    error = {
        "code": "VMExtensionProvisioningError",
        "message": "Script failed",
        "details": [{"code": "Inner", "message": "exit 3"}],
    }
    pipeline = FakePipeline(
        Reply(200, {"status": "InProgress"}),
        Reply(200, {"status": "Failed", "error": error}, {"x-ms-request-id": "req-9"}),
    )
    poller = make_poller(initial(201, None, {"Azure-AsyncOperation": ASYNC_URL}), pipeline, clock)
    with pytest.raises(HttpResponseError) as caught:
        poller.result()
    exc = caught.value
    assert isinstance(exc, OperationFailedError)
    assert exc.error is not None
    assert exc.error.code == "VMExtensionProvisioningError"
    assert exc.error.message == "Script failed"
    assert [detail.code for detail in exc.error.details] == ["Inner"]
    assert exc.status_code == 200
    assert exc.request_id == "req-9"
    assert "(VMExtensionProvisioningError) Script failed" in str(exc)
    assert exc.continuation_token == poller.continuation_token()
    assert poller.status() == "Failed"
    # The failure is sticky: asking again raises the same error without new requests.
    with pytest.raises(OperationFailedError):
        poller.wait()
    assert len(pipeline.requests) == 2


# The runtime knows no operation: what a failed resource's message shows is the caller's
# callback. Generic field names here; the run-command wording is tested on the generated client.
REPORT = summarize_nested(("properties", "report"), ("phase", "detail", "code"), stream="log")


def test_body_polled_failure_summarizes_what_the_callback_picks(clock: FakeClock) -> None:
    failed = resource(
        "Failed",
        source={"script": "echo hunter2-script"},
        report={
            "phase": "Failed",
            "detail": "Step returned a non-zero code",
            "code": 3,
            "output": "some stdout",
            "log": "boom! " + "x" * 5000,
            "statuses": [{"level": "Info"}, {"level": "Error", "code": "E1", "message": "bad"}],
        },
    )
    pipeline = FakePipeline(Reply(200, failed))
    poller = make_poller(
        initial(201, resource("Creating")), pipeline, clock, describe_failure=REPORT
    )
    with pytest.raises(HttpResponseError) as caught:
        poller.result()
    text = str(caught.value)
    assert "'Failed'" in text
    assert "Step returned a non-zero code" in text
    assert "code=3" in text and "status='E1': 'bad'" in text
    assert "boom!" in text and "truncated" in text
    assert "some stdout" not in text  # only the fields asked for
    assert len(text) < 2000
    assert "hunter2-script" not in text  # the resource is summarized, not dumped
    assert caught.value.error is None


def test_without_a_callback_the_failure_names_only_the_status(clock: FakeClock) -> None:
    failed = resource("Failed", report={"phase": "Failed", "code": 3})
    poller = make_poller(
        initial(201, resource("Creating")), FakePipeline(Reply(200, failed)), clock
    )
    with pytest.raises(OperationFailedError) as caught:
        poller.result()
    assert str(caught.value).startswith(
        "Long-running operation RunCommands_CreateOrUpdate ended with status 'Failed'."
    )
    assert "code=3" not in str(caught.value)
    assert caught.value.detail is None


def test_body_polled_failure_without_the_summarized_object(clock: FakeClock) -> None:
    pipeline = FakePipeline(Reply(200, resource("Canceled")))
    poller = make_poller(
        initial(201, resource("Creating")), pipeline, clock, describe_failure=REPORT
    )
    with pytest.raises(HttpResponseError, match="ended with status 'Canceled'"):
        poller.result()


def test_missing_status_in_operation_body_is_a_clear_error(clock: FakeClock) -> None:
    pipeline = FakePipeline(Reply(200, {"state": "Running"}))
    poller = make_poller(initial(201, None, {"Azure-AsyncOperation": ASYNC_URL}), pipeline, clock)
    with pytest.raises(HttpResponseError) as caught:
        poller.result()
    assert not isinstance(caught.value, KeyError)
    assert "'status'" in str(caught.value)
    assert "/operations/op1" in str(caught.value)
    assert poller.status() == "Failed"


def test_non_json_poll_body_is_a_decode_error(clock: FakeClock) -> None:
    pipeline = FakePipeline(Reply(200, b"<html>gateway</html>"))
    poller = make_poller(initial(201, None, {"Azure-AsyncOperation": ASYNC_URL}), pipeline, clock)
    with pytest.raises(DecodeError):
        poller.result()


def test_empty_body_poll_is_a_decode_error(clock: FakeClock) -> None:
    pipeline = FakePipeline(Reply(200, None))
    poller = make_poller(initial(201, resource("Creating")), pipeline, clock)
    with pytest.raises(DecodeError, match="without a body"):
        poller.result()


def test_non_2xx_poll_is_mapped(clock: FakeClock) -> None:
    gone = {"error": {"code": "NotFound", "message": "gone"}}
    pipeline = FakePipeline(Reply(404, gone))
    poller = make_poller(initial(201, None, {"Azure-AsyncOperation": ASYNC_URL}), pipeline, clock)
    with pytest.raises(ResourceNotFoundError) as caught:
        poller.result()
    assert caught.value.status_code == 404
    assert caught.value.continuation_token


def test_bad_initial_status_is_rejected() -> None:
    with pytest.raises(HttpResponseError):
        ArmPollingMethod.from_initial_response(
            initial(500, {"error": {"code": "Boom", "message": "x"}}),
            pipeline=FakePipeline(),
            deserialize=None,
            operation_id="op",
            client_request_id=CID,
        )


@pytest.mark.parametrize(
    "poll_url",
    [
        "https://evil.example.com/operations/op1",
        "http://management.azure.com/operations/op1",  # downgrade
        "https://management.azure.com:8443/operations/op1",
        "https://management.azure.com.evil.example/operations/op1",
    ],
)
def test_poll_url_on_another_origin_is_refused(clock: FakeClock, poll_url: str) -> None:
    pipeline = FakePipeline()
    poller = make_poller(initial(201, None, {"Azure-AsyncOperation": poll_url}), pipeline, clock)
    with pytest.raises(ServiceRequestError, match="same scheme, host and port"):
        poller.result()
    assert pipeline.requests == []


def test_resource_location_on_another_origin_is_refused(clock: FakeClock) -> None:
    pipeline = FakePipeline(
        Reply(200, {"status": "Succeeded", "resourceLocation": "https://evil.example/x"})
    )
    first = initial(202, None, {"Azure-AsyncOperation": ASYNC_URL}, method="POST")
    with pytest.raises(ServiceRequestError):
        make_poller(first, pipeline, clock).result()
    assert pipeline.urls == [ASYNC_URL]


def test_relative_location_resolves_against_the_operation_url(clock: FakeClock) -> None:
    pipeline = FakePipeline(Reply(200, {"ok": 1}))
    first = initial(202, None, {"Location": "/results/r1"}, method="POST")
    assert make_poller(first, pipeline, clock).result() == {"ok": 1}
    assert pipeline.urls == [f"{BASE}/results/r1"]


# --- waiting ---------------------------------------------------------------------------------


def test_result_timeout_raises_timeout_error_not_a_partial_result(clock: FakeClock) -> None:
    pipeline = FakePipeline(
        Reply(200, {"status": "InProgress"}),
        Reply(200, {"status": "InProgress"}),
        Reply(200, {"status": "Succeeded"}),
        Reply(200, resource("Succeeded")),
    )
    poller = make_poller(
        initial(201, None, {"Azure-AsyncOperation": ASYNC_URL}),
        pipeline,
        clock,
        polling_interval=30.0,
    )
    start = clock.now
    with pytest.raises(TimeoutError) as caught:
        poller.result(timeout=45)
    assert isinstance(caught.value, PollingTimeoutError)
    assert clock.now - start == pytest.approx(45.0)  # waited the whole timeout, not longer
    assert caught.value.status == "InProgress"
    assert caught.value.continuation_token == poller.continuation_token()
    assert len(pipeline.requests) == 2  # at t=0 and t=30; the t=60 poll was beyond the timeout
    # The poller is still usable.
    assert poller.result() == resource("Succeeded")


def test_wait_timeout_raises(clock: FakeClock) -> None:
    pipeline = FakePipeline(Reply(200, {"status": "InProgress"}))
    poller = make_poller(initial(201, None, {"Azure-AsyncOperation": ASYNC_URL}), pipeline, clock)
    with pytest.raises(TimeoutError):
        poller.wait(timeout=1)
    assert not poller.done()


def test_overall_deadline(clock: FakeClock) -> None:
    pipeline = FakePipeline(*[Reply(200, {"status": "InProgress"})] * 4)
    poller = make_poller(
        initial(201, None, {"Azure-AsyncOperation": ASYNC_URL}),
        pipeline,
        clock,
        polling_interval=10.0,
        deadline=35.0,
    )
    with pytest.raises(PollingTimeoutError, match="deadline"):
        poller.result()
    assert len(pipeline.requests) == 4  # t=0, 10, 20, 30


# done() performs a due step on the sync poller only; the async one's done() only looks,
# as azure-core's AsyncLROPoller.done() does.
@pytest.mark.parametrize("surface", ["sync"], indirect=True)
def test_done_is_non_blocking_and_polls_at_most_once_when_due(clock: FakeClock) -> None:
    pipeline = FakePipeline(
        Reply(200, {"status": "InProgress"}),
        Reply(200, {"status": "Succeeded"}),
        Reply(200, resource("Succeeded")),
    )
    poller = make_poller(initial(201, None, {"Azure-AsyncOperation": ASYNC_URL}), pipeline, clock)
    assert poller.done() is False
    assert len(pipeline.requests) == 1
    assert poller.done() is False  # next poll not due for 5 s
    assert len(pipeline.requests) == 1
    clock.now += 5
    assert poller.done() is True  # one poll, then the final GET
    assert len(pipeline.requests) == 3
    assert clock.sleeps == []


def test_polling_false_returns_the_initial_body(clock: FakeClock) -> None:
    pipeline = FakePipeline()
    first = initial(201, resource("Creating"), {"Azure-AsyncOperation": ASYNC_URL})
    poller = make_poller(first, pipeline, clock, polling=False)
    assert poller.status() == "InProgress"
    assert poller.done()
    assert poller.result() == resource("Creating")
    assert decode_continuation_token(poller.continuation_token()).poll_url == ASYNC_URL
    assert pipeline.requests == []


def test_polling_false_body_algorithm_status_is_provisioning_state(clock: FakeClock) -> None:
    poller = make_poller(initial(201, resource("Creating")), FakePipeline(), clock, polling=False)
    assert poller.status() == "Creating"


# Done callbacks belong to the sync poller (azure-core's AsyncLROPoller has none).
@pytest.mark.parametrize("surface", ["sync"], indirect=True)
def test_done_callbacks(clock: FakeClock) -> None:
    pipeline = FakePipeline(Reply(200, {"status": "Succeeded"}), Reply(200, resource("Succeeded")))
    poller = make_poller(initial(201, None, {"Azure-AsyncOperation": ASYNC_URL}), pipeline, clock)
    seen: list[str] = []
    poller.add_done_callback(lambda method: seen.append(method.status()))
    removed: list[str] = []

    def never(method: Any) -> None:
        removed.append("called")

    poller.add_done_callback(never)
    poller.remove_done_callback(never)
    poller.result()
    assert seen == ["Succeeded"]
    assert removed == []
    poller.add_done_callback(lambda method: seen.append("late"))
    assert seen == ["Succeeded", "late"]
    with pytest.raises(ValueError):
        poller.remove_done_callback(never)


def test_two_threads_waiting_do_not_double_poll() -> None:
    pipeline = FakePipeline(
        *[Reply(200, {"status": "InProgress"})] * 3,
        Reply(200, {"status": "Succeeded"}),
        Reply(200, resource("Succeeded")),
    )
    pipeline.delay = 0.01
    method: ArmPollingMethod[Any] = ArmPollingMethod.from_initial_response(
        initial(201, None, {"Azure-AsyncOperation": ASYNC_URL}),
        pipeline=pipeline,
        deserialize=to_dict,
        operation_id="op",
        client_request_id=CID,
    )
    poller = LROPoller(method, polling_interval=0.0)
    results: list[Any] = []
    threads = [threading.Thread(target=lambda: results.append(poller.result())) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert results == [resource("Succeeded")] * 3
    assert len(pipeline.requests) == 5


def test_invalid_poller_arguments(clock: FakeClock) -> None:
    first = initial(201, resource("Creating"))
    with pytest.raises(ValueError, match="polling_interval"):
        make_poller(first, FakePipeline(), clock, polling_interval=-1)
    poller = make_poller(first, FakePipeline(), clock)
    with pytest.raises(ValueError, match="timeout"):
        poller.wait(timeout=float("nan"))


# --- continuation tokens ---------------------------------------------------------------------


def _decoded_token_json(token: str) -> dict[str, Any]:
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    value = json.loads(raw)
    assert isinstance(value, dict)
    return value


def test_continuation_token_round_trip_resumes_without_initial_request(clock: FakeClock) -> None:
    request = HttpRequest(
        "PUT",
        URL,
        headers={
            "x-ms-client-request-id": CID,
            "Authorization": "Bearer SECRET-TOKEN",
            "x-ms-custom": "custom-header-value",
        },
        body=b'{"properties":{"runAsPassword":"hunter2"}}',
    )
    first = make_response(
        Reply(
            201, resource("Creating"), {"Azure-AsyncOperation": ASYNC_URL, "Location": LOCATION_URL}
        ),
        request,
    )
    pipeline = FakePipeline(Reply(200, {"status": "InProgress"}))
    poller = make_poller(first, pipeline, clock)
    assert not poller.done()
    token = poller.continuation_token()

    text = json.dumps(_decoded_token_json(token))
    for secret in ("SECRET-TOKEN", "Bearer", "Authorization", "hunter2", "runAsPassword", "custom"):
        assert secret not in text
    assert "pickle" not in text and _decoded_token_json(token)["v"] == 1

    state = decode_continuation_token(token)
    assert state == PollingState(
        operation_id="RunCommands_CreateOrUpdate",
        method="PUT",
        url=URL,
        algorithm="azure-async-operation",
        poll_url=ASYNC_URL,
        location_url=LOCATION_URL,
        client_request_id=CID,
        final_state_via=None,
        status="InProgress",
    )

    other_clock = FakeClock()
    resumed_pipeline = FakePipeline(
        Reply(200, {"status": "Succeeded"}), Reply(200, resource("Succeeded"))
    )
    resumed = LROPoller.from_continuation_token(
        token,
        pipeline=resumed_pipeline,
        deserialize=to_dict,
        operation_id="RunCommands_CreateOrUpdate",
        sleep=other_clock.sleep,
        clock=other_clock,
    )
    assert resumed.result() == resource("Succeeded")
    assert resumed_pipeline.urls == [ASYNC_URL, URL]
    assert [r.method for r in resumed_pipeline.requests] == ["GET", "GET"]
    assert resumed_pipeline.client_request_ids == [CID, CID]
    assert other_clock.sleeps == []  # first poll immediately


def test_token_is_stable_while_nothing_changes(clock: FakeClock) -> None:
    pipeline = FakePipeline(
        Reply(200, {"status": "InProgress"}), Reply(200, {"status": "InProgress"})
    )
    poller = make_poller(initial(201, None, {"Azure-AsyncOperation": ASYNC_URL}), pipeline, clock)
    before = poller.continuation_token()
    poller.done()
    clock.now += 10
    poller.done()
    assert poller.continuation_token() == before


def test_resume_body_polling_from_token(clock: FakeClock) -> None:
    poller = make_poller(initial(201, resource("Creating")), FakePipeline(), clock)
    pipeline = FakePipeline(Reply(200, resource("Succeeded")))
    resumed = LROPoller.from_continuation_token(
        poller.continuation_token(),
        pipeline=pipeline,
        deserialize=to_dict,
        sleep=clock.sleep,
        clock=clock,
    )
    assert resumed.result() == resource("Succeeded")
    assert pipeline.urls == [URL]


def test_resume_delete_returns_none(clock: FakeClock) -> None:
    first = initial(202, None, {"Location": LOCATION_URL}, method="DELETE")
    token = make_poller(first, FakePipeline(), clock, deserialize=None).continuation_token()
    pipeline = FakePipeline(Reply(204, None))
    resumed = LROPoller.from_continuation_token(
        token, pipeline=pipeline, deserialize=None, sleep=clock.sleep, clock=clock
    )
    assert resumed.result() is None
    assert pipeline.urls == [LOCATION_URL]


def test_token_for_another_operation_is_rejected(clock: FakeClock) -> None:
    token = make_poller(
        initial(201, resource("Creating")), FakePipeline(), clock
    ).continuation_token()
    with pytest.raises(ValueError, match="belongs to operation"):
        LROPoller.from_continuation_token(
            token, pipeline=FakePipeline(), deserialize=to_dict, operation_id="Other_Op"
        )


def _reencode(envelope: dict[str, Any]) -> str:
    raw = json.dumps(envelope).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _valid_token() -> str:
    return encode_continuation_token(
        PollingState(
            operation_id="op",
            method="PUT",
            url=URL,
            algorithm="azure-async-operation",
            poll_url=ASYNC_URL,
            location_url=None,
            client_request_id=CID,
            final_state_via=None,
            status="InProgress",
        )
    )


def _tampered() -> str:
    envelope = _decoded_token_json(_valid_token())
    envelope["data"]["poll_url"] = "https://evil.example/op"
    return _reencode(envelope)


def _wrong_version() -> str:
    envelope = _decoded_token_json(_valid_token())
    envelope["v"] = 2
    return _reencode(envelope)


def _azure_core_style() -> str:
    payload = {"version": 1, "data": {"request": {"method": "PUT", "url": URL}}}
    return base64.b64encode(json.dumps(payload).encode()).decode()


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("garbage!!", "base64url"),
        ("bm90IGpzb24", "base64url"),  # "not json"
        (_valid_token()[:-12], "base64url|checksum"),
        (_tampered(), "checksum"),
        (_wrong_version(), "version"),
        (_azure_core_style(), "not a token made by this SDK"),
        (_reencode({"v": 1, "kind": "vmss_runcommands.lro", "data": [], "sum": "x"}), "checksum"),
        ("A" * 20000, "too long"),
    ],
)
def test_bad_tokens_are_value_errors(token: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode_continuation_token(token)
    with pytest.raises(ValueError):
        LROPoller.from_continuation_token(token, pipeline=FakePipeline(), deserialize=None)


def test_token_with_bad_field_but_matching_checksum_is_rejected() -> None:
    envelope = _decoded_token_json(_valid_token())
    envelope["data"]["algorithm"] = "teleport"
    from vmss_runcommands.runtime import lro_token

    envelope["sum"] = lro_token._checksum(envelope["data"])
    with pytest.raises(ValueError, match="algorithm"):
        decode_continuation_token(_reencode(envelope))


def test_token_must_be_a_string() -> None:
    with pytest.raises(TypeError):
        decode_continuation_token(b"abc")  # type: ignore[arg-type]


def test_exceptions_are_azure_errors_with_token(clock: FakeClock) -> None:
    pipeline = FakePipeline(Reply(500, {"error": {"code": "Internal", "message": "boom"}}))
    poller = make_poller(initial(201, resource("Creating")), pipeline, clock)
    with pytest.raises(AzureError) as caught:
        poller.result()
    token = caught.value.continuation_token
    assert token is not None
    assert decode_continuation_token(token).url == URL


def test_a_poll_error_leaves_a_token_that_resumes_the_running_operation(
    clock: FakeClock,
) -> None:
    pipeline = FakePipeline(
        Reply(200, {"status": "InProgress"}),
        Reply(500, {"error": {"code": "Internal", "message": "boom"}}),
    )
    first = initial(201, resource("Creating"), {"Azure-AsyncOperation": ASYNC_URL})
    poller = make_poller(first, pipeline, clock)
    with pytest.raises(HttpResponseError) as caught:
        poller.result()
    assert poller.done() and poller.status() == "Failed"
    token = caught.value.continuation_token
    assert token is not None and token == poller.continuation_token()
    assert decode_continuation_token(token).status == "InProgress"
    resumed_pipeline = FakePipeline(
        Reply(200, {"status": "Succeeded"}), Reply(200, resource("Succeeded"))
    )
    resumed = LROPoller.from_continuation_token(
        token, pipeline=resumed_pipeline, deserialize=to_dict, sleep=clock.sleep, clock=clock
    )
    assert resumed.result()["properties"]["provisioningState"] == "Succeeded"


def test_body_polled_failure_keeps_the_callbacks_detail_redacted(clock: FakeClock) -> None:
    view = {"phase": "Failed", "code": 7, "log": "disk full", "runAsPassword": "never-shown-pw"}
    pipeline = FakePipeline(Reply(200, resource("Failed", report=view)))
    first = initial(201, resource("Creating"))
    method: ArmPollingMethod[Any] = ArmPollingMethod.from_initial_response(
        first,
        pipeline=pipeline,
        deserialize=to_dict,
        operation_id="RunCommands_CreateOrUpdate",
        client_request_id=CID,
        secret_fields=frozenset({"runAsPassword"}),
        describe_failure=REPORT,
    )
    poller = LROPoller(method, polling_interval=1, sleep=clock.sleep, clock=clock)
    with pytest.raises(OperationFailedError) as caught:
        poller.result()
    error = caught.value
    assert error.status == "Failed"
    assert error.detail is not None
    assert (error.detail["code"], error.detail["log"]) == (7, "disk full")
    assert error.detail["runAsPassword"] == "***"
    assert "never-shown-pw" not in str(error) + repr(error.detail)


def test_failure_detail_is_none_when_the_service_sent_an_error(clock: FakeClock) -> None:
    pipeline = FakePipeline(
        Reply(200, {"status": "Failed", "error": {"code": "C", "message": "m"}})
    )
    first = initial(201, resource("Creating"), {"Azure-AsyncOperation": ASYNC_URL})
    with pytest.raises(OperationFailedError) as caught:
        make_poller(first, pipeline, clock, describe_failure=REPORT).result()
    error = caught.value
    assert error.detail is None
    assert error.error is not None and error.error.code == "C"


def _lro_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("LROPoller")]


def test_no_thread_is_started_unless_background_polling_is_asked_for() -> None:
    pipeline = FakePipeline(Reply(200, {"status": "Succeeded"}), Reply(200, resource("Succeeded")))
    first = initial(201, resource("Creating"), {"Azure-AsyncOperation": ASYNC_URL})
    before = threading.active_count()
    poller = make_poller(first, pipeline, FakeClock(), polling_interval=0)
    assert poller.done()  # the due poll and the final GET ran here, in this thread
    assert len(pipeline.requests) == 2
    assert threading.active_count() == before and _lro_threads() == []


def test_background_polling_runs_in_one_named_thread_and_result_waits_for_it() -> None:
    pipeline = FakePipeline(
        Reply(200, {"status": "InProgress"}),
        Reply(200, {"status": "Succeeded"}),
        Reply(200, resource("Succeeded")),
    )
    pipeline.delay = 0.01
    first = initial(201, resource("Creating"), {"Azure-AsyncOperation": ASYNC_URL})
    method: ArmPollingMethod[Any] = ArmPollingMethod.from_initial_response(
        first,
        pipeline=pipeline,
        deserialize=to_dict,
        operation_id="RunCommands_CreateOrUpdate",
        client_request_id=CID,
    )
    poller = LROPoller(method, polling_interval=0)
    finished_in: list[str] = []
    poller.add_done_callback(lambda _: finished_in.append(threading.current_thread().name))
    assert poller.start_background() is poller
    assert poller.start_background() is poller  # a second call starts nothing
    assert len(_lro_threads()) <= 1
    assert poller.result(timeout=30)["properties"]["provisioningState"] == "Succeeded"
    assert finished_in == ["LROPoller(RunCommands_CreateOrUpdate)"]
    assert len(pipeline.requests) == 3


def test_a_done_callback_may_ask_for_the_result_in_the_background_thread() -> None:
    pipeline = FakePipeline(Reply(200, {"status": "Succeeded"}), Reply(200, resource("Succeeded")))
    first = initial(201, resource("Creating"), {"Azure-AsyncOperation": ASYNC_URL})
    method: ArmPollingMethod[Any] = ArmPollingMethod.from_initial_response(
        first, pipeline=pipeline, deserialize=to_dict, operation_id="Op", client_request_id=CID
    )
    poller = LROPoller(method, polling_interval=0)
    seen: list[str] = []
    poller.add_done_callback(
        lambda _: seen.append(poller.result(timeout=5)["properties"]["provisioningState"])
    )
    poller.start_background()
    assert poller.result(timeout=10)["properties"]["provisioningState"] == "Succeeded"
    assert seen == ["Succeeded"]
    assert poller._background is not None and not poller._background.is_alive()


def test_background_polling_surfaces_errors_and_timeouts_to_waiters() -> None:
    failing = FakePipeline(Reply(200, {"status": "Failed", "error": {"code": "C", "message": "m"}}))
    first = initial(201, resource("Creating"), {"Azure-AsyncOperation": ASYNC_URL})
    method: ArmPollingMethod[Any] = ArmPollingMethod.from_initial_response(
        first, pipeline=failing, deserialize=to_dict, operation_id="Op", client_request_id=CID
    )
    poller = LROPoller(method, polling_interval=0).start_background()
    with pytest.raises(OperationFailedError):
        poller.result(timeout=30)
    assert poller.done()

    slow = FakePipeline(*[Reply(200, {"status": "InProgress"})] * 1000)
    slow.delay = 0.01
    method = ArmPollingMethod.from_initial_response(
        first, pipeline=slow, deserialize=to_dict, operation_id="Op", client_request_id=CID
    )
    poller = LROPoller(method, polling_interval=0, deadline=0.5).start_background()
    with pytest.raises(PollingTimeoutError) as early:
        poller.wait(timeout=0.01)
    assert "timeout" in str(early.value) and not poller.done()
    with pytest.raises(PollingTimeoutError) as late:
        poller.result()
    assert "deadline" in str(late.value)
    assert decode_continuation_token(late.value.continuation_token).status == "InProgress"
