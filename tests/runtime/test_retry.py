from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from email.utils import formatdate
from typing import TYPE_CHECKING, Any

import pytest
from surfaces import SURFACES, make_transport
from urllib3.exceptions import MaxRetryError, ReadTimeoutError
from urllib3.response import HTTPResponse
from urllib3.util.retry import Retry
from vmss_runcommands.runtime.exceptions import ServiceResponseTimeoutError
from vmss_runcommands.runtime.http import HttpRequest
from vmss_runcommands.runtime.retry import ArmRetry, RetryPolicy
from vmss_runcommands.runtime.transport import Urllib3Transport

if TYPE_CHECKING:
    from conftest import ScriptedServer


NOW = 1_700_000_000.0


class RecordingSleep:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def policy(**overrides: object) -> tuple[RetryPolicy, RecordingSleep]:
    sleep = RecordingSleep()
    return RetryPolicy(sleep=sleep, clock=lambda: NOW, **overrides), sleep  # type: ignore[arg-type]


def raw_response(status: int, headers: dict[str, str] | None = None) -> HTTPResponse:
    return HTTPResponse(body=b"", headers=headers or {}, status=status, preload_content=False)


def test_defaults_match_azure_core() -> None:
    defaults = RetryPolicy()
    assert (defaults.total, defaults.connect, defaults.read, defaults.status) == (10, 3, 3, 3)
    assert defaults.backoff_factor == 0.8
    assert defaults.backoff_max == 120.0
    assert defaults.retry_after_max == 60.0
    assert defaults.retry_on_methods == {"HEAD", "GET", "PUT", "DELETE", "OPTIONS", "TRACE"}
    none = RetryPolicy.no_retries()
    assert (none.total, none.connect, none.read, none.status) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("code", "retryable"),
    [
        (408, True),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (504, True),
        (506, True),
        (599, True),
        (400, False),
        (401, False),
        (404, False),
        (409, False),
        (501, False),
        (505, False),
        (202, False),
    ],
)
def test_is_retryable_status(code: int, retryable: bool) -> None:
    assert RetryPolicy().is_retryable_status(code) is retryable


def test_extra_status_codes_extend_the_set() -> None:
    assert RetryPolicy(extra_status_codes=frozenset({409})).is_retryable_status(409)


@pytest.mark.parametrize(
    ("method", "code", "has_retry_after", "expected"),
    [
        ("GET", 500, False, True),
        ("put", 429, False, True),
        ("POST", 500, False, True),
        ("POST", 503, False, True),
        ("PATCH", 504, False, True),
        ("POST", 502, False, False),
        ("PATCH", 408, False, False),
        ("POST", 429, False, False),
        ("POST", 429, True, True),
        ("GET", 409, True, False),
        ("PUT", 409, True, False),
        ("GET", 200, True, False),
    ],
)
def test_should_retry_response(
    method: str, code: int, has_retry_after: bool, expected: bool
) -> None:
    assert (
        RetryPolicy().should_retry_response(method, code, has_retry_after=has_retry_after)
        is expected
    )


def test_retry_after_is_honoured_only_on_429_and_503_and_capped() -> None:
    rules, _ = policy()
    assert rules.retry_after(429, {"Retry-After": "7"}) == 7.0
    assert rules.retry_after(503, {"Retry-After": "7"}) == 7.0
    assert rules.retry_after(409, {"Retry-After": "7"}) is None
    assert rules.retry_after(500, {"Retry-After": "7"}) is None
    assert rules.retry_after(429, {}) is None
    assert rules.retry_after(429, {"Retry-After": "3600"}) == 60.0
    assert rules.retry_after(429, {"retry-after-ms": "1500"}) == 1.5
    assert rules.retry_after(503, {"x-ms-retry-after-ms": "250"}) == 0.25
    assert rules.retry_after(429, {"Retry-After": "garbage"}) is None


def test_retry_after_http_date_uses_the_clock() -> None:
    rules, _ = policy()
    in_ten_seconds = formatdate(NOW + 10, usegmt=True)
    assert rules.retry_after(429, {"Retry-After": in_ten_seconds}) == pytest.approx(10.0)
    in_the_past = formatdate(NOW - 100, usegmt=True)
    assert rules.retry_after(429, {"Retry-After": in_the_past}) == 0.0


def test_to_urllib3_settings() -> None:
    retry = RetryPolicy().to_urllib3()
    assert isinstance(retry, Retry) and isinstance(retry, ArmRetry)
    assert retry.raise_on_status is False
    assert retry.respect_retry_after_header is True
    assert (retry.total, retry.connect, retry.read, retry.status) == (10, 3, 3, 3)


def test_backoff_is_0_then_1_6_then_3_2() -> None:
    retry = RetryPolicy().to_urllib3()
    backoffs = []
    for _ in range(3):
        retry = retry.increment("GET", "/x", response=raw_response(500))
        backoffs.append(retry.get_backoff_time())
    assert backoffs == [0, pytest.approx(1.6), pytest.approx(3.2)]


def test_new_carries_the_policy_through_increments() -> None:
    rules, _ = policy(retry_after_max=5.0)
    retry = rules.to_urllib3().increment("GET", "/x", response=raw_response(503))
    assert isinstance(retry, ArmRetry)
    assert retry.policy is rules
    assert retry.status == 2
    assert len(retry.history) == 1
    assert retry.compute_sleep(raw_response(429, {"Retry-After": "100"})) == 5.0
    assert retry.new().policy is rules


def test_a_timeout_stops_retries_and_cuts_waits_to_what_is_left() -> None:
    rules, sleep = policy(timeout=30.0)
    retry = rules.to_urllib3()
    assert retry.give_up_at is not None and not retry.is_exhausted()
    later = retry.increment("GET", "/x", response=raw_response(503))
    assert later.give_up_at == retry.give_up_at  # copies share one limit
    later.sleep(raw_response(503, {"Retry-After": "50"}))
    assert sleep.calls and 29.0 < sleep.calls[0] <= 30.0  # 50 s asked, under 30 s left
    spent = ArmRetry(policy=rules, give_up_at=time.monotonic() - 1)
    assert spent.is_exhausted()  # counts left, time not
    with pytest.raises(MaxRetryError):
        spent.increment("GET", "/x", error=ReadTimeoutError(None, "/x", "timed out"))  # type: ignore[arg-type]
    assert RetryPolicy().to_urllib3().give_up_at is None


def test_compute_sleep_prefers_server_wait_on_429_only() -> None:
    retry = RetryPolicy().to_urllib3()
    for _ in range(2):
        retry = retry.increment("GET", "/x", response=raw_response(500))
    assert retry.compute_sleep(raw_response(429, {"Retry-After": "9"})) == 9.0
    # A 409's Retry-After is ignored: the backoff applies.
    assert retry.compute_sleep(raw_response(409, {"Retry-After": "9"})) == pytest.approx(1.6)
    assert retry.compute_sleep(raw_response(429, {"Retry-After": "0"})) == pytest.approx(1.6)


# -- against a real local server --------------------------------------------------------------


SURFACE = {"kind": "sync"}


@pytest.fixture(params=SURFACES)
def surface(request: pytest.FixtureRequest) -> Iterator[str]:
    """The wire tests below run against ``Urllib3Transport`` and ``AiohttpTransport``."""
    SURFACE["kind"] = request.param
    yield request.param
    SURFACE["kind"] = "sync"


def transport_for(**kwargs: Any) -> Urllib3Transport:
    made: Urllib3Transport = make_transport(SURFACE["kind"], **kwargs)
    return made


def send(server: ScriptedServer, rules: RetryPolicy, method: str = "GET") -> int:
    with transport_for(retry_policy=rules) as transport:
        request = HttpRequest(method, f"{server.url}/resource?api-version=1", body=b"{}")
        return transport.send(request).status_code


@pytest.mark.usefixtures("surface")
def test_500s_then_200_is_retried_with_backoff(server: ScriptedServer) -> None:
    rules, sleep = policy()
    server.reply(500, times=3)
    server.reply(200, b"{}")
    assert send(server, rules) == 200
    assert len(server.requests) == 4
    assert sleep.calls == [pytest.approx(1.6), pytest.approx(3.2)]


@pytest.mark.usefixtures("surface")
def test_status_retries_exhausted_returns_the_last_response(server: ScriptedServer) -> None:
    rules, _ = policy()
    server.reply(500, times=5)
    assert send(server, rules) == 500
    assert len(server.requests) == 4  # first attempt + 3 status retries


@pytest.mark.usefixtures("surface")
def test_same_client_request_id_on_every_attempt(server: ScriptedServer) -> None:
    rules, _ = policy()
    server.reply(503)
    with transport_for(retry_policy=rules) as transport:
        request = HttpRequest("GET", server.url, headers={"x-ms-client-request-id": "abc"})
        assert transport.send(request).status_code == 200
    assert [r.headers["x-ms-client-request-id"] for r in server.requests] == ["abc", "abc"]


@pytest.mark.usefixtures("surface")
def test_post_is_not_retried_on_502(server: ScriptedServer) -> None:
    rules, _ = policy()
    server.reply(502, times=2)
    assert send(server, rules, "POST") == 502
    assert len(server.requests) == 1


@pytest.mark.usefixtures("surface")
def test_post_is_retried_on_503(server: ScriptedServer) -> None:
    rules, _ = policy()
    server.reply(503)
    assert send(server, rules, "POST") == 200
    assert [r.method for r in server.requests] == ["POST", "POST"]
    assert server.requests[1].body == b"{}"


@pytest.mark.usefixtures("surface")
def test_429_with_retry_after_zero_is_retried(server: ScriptedServer) -> None:
    rules, sleep = policy()
    server.reply(429, headers={"Retry-After": "0"})
    assert send(server, rules) == 200
    assert len(server.requests) == 2
    assert sleep.calls == []


@pytest.mark.usefixtures("surface")
def test_409_with_retry_after_is_not_retried(server: ScriptedServer) -> None:
    rules, sleep = policy()
    server.reply(409, b'{"error":{"code":"Conflict","message":"busy"}}', {"Retry-After": "1"})
    assert send(server, rules, "PUT") == 409
    assert len(server.requests) == 1
    assert sleep.calls == []


@pytest.mark.usefixtures("surface")
def test_long_retry_after_is_capped_and_warned_about(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    rules, sleep = policy()
    server.reply(429, headers={"Retry-After": "3600"})
    with caplog.at_level(logging.INFO, logger="vmss_runcommands"):
        assert send(server, rules) == 200
    assert sleep.calls == [60.0]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "60.0 s" in warnings[0].getMessage()
    assert "api-version=1" in warnings[0].getMessage()


@pytest.mark.usefixtures("surface")
def test_retry_after_ms_header_is_used(server: ScriptedServer) -> None:
    rules, sleep = policy()
    server.reply(503, headers={"x-ms-retry-after-ms": "1500"})
    assert send(server, rules) == 200
    assert sleep.calls == [1.5]


@pytest.mark.usefixtures("surface")
def test_no_retries_makes_one_attempt(server: ScriptedServer) -> None:
    server.reply(503)
    rules = RetryPolicy.no_retries()
    assert send(server, rules) == 503
    assert len(server.requests) == 1


@pytest.mark.usefixtures("surface")
def test_read_timeouts_are_retried_for_idempotent_methods_only(server: ScriptedServer) -> None:
    rules, _ = policy(read=1)
    server.reply(200, delay=0.5, times=2)
    with transport_for(retry_policy=rules, read_timeout=0.15) as t:
        with pytest.raises(ServiceResponseTimeoutError):
            t.send(HttpRequest("GET", server.url))
        assert len(server.requests) == 2
        server.reply(200, delay=0.5)
        with pytest.raises(ServiceResponseTimeoutError):
            t.send(HttpRequest("POST", server.url, body=b"{}"))
        assert len(server.requests) == 3


@pytest.mark.usefixtures("surface")
def test_every_retry_is_logged_at_info_without_query_values(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    rules, _ = policy()
    server.reply(500, times=2)
    with (
        caplog.at_level(logging.INFO, logger="vmss_runcommands"),
        transport_for(retry_policy=rules) as transport,
    ):
        transport.send(HttpRequest("GET", f"{server.url}/x?api-version=1&sig=s3cret"))
    lines = [r.getMessage() for r in caplog.records if r.name == "vmss_runcommands"]
    assert lines == [
        "Retry 1 of GET /x?api-version=1&sig=REDACTED after status 500: waiting 0.0 s",
        "Retry 2 of GET /x?api-version=1&sig=REDACTED after status 500: waiting 1.6 s",
    ]
    assert all(r.levelno == logging.INFO for r in caplog.records if r.name == "vmss_runcommands")


@pytest.mark.parametrize(
    ("settings", "error", "named"),
    [
        ({"total": -1}, ValueError, "total"),
        ({"connect": 1.5}, TypeError, "connect"),
        ({"read": True}, TypeError, "read"),
        ({"status": "3"}, TypeError, "status"),
        ({"backoff_factor": -0.1}, ValueError, "backoff_factor"),
        ({"backoff_max": float("nan")}, ValueError, "backoff_max"),
        ({"retry_after_max": "60"}, TypeError, "retry_after_max"),
        ({"timeout": 0}, ValueError, "timeout"),
        ({"timeout": -1.0}, ValueError, "timeout"),
        ({"retry_on_methods": "GET"}, TypeError, "retry_on_methods"),
        ({"extra_status_codes": frozenset({"409"})}, TypeError, "extra_status_codes"),
    ],
)
def test_counts_and_factors_are_validated(
    settings: dict[str, object], error: type[Exception], named: str
) -> None:
    with pytest.raises(error, match=named):
        RetryPolicy(**settings)  # type: ignore[arg-type]


def test_method_names_are_normalised() -> None:
    rules = RetryPolicy(retry_on_methods=frozenset({"get"}))
    assert rules.retry_on_methods == {"GET"}
    assert rules.should_retry_response("GET", 502, has_retry_after=False)
    assert not rules.should_retry_response("PUT", 502, has_retry_after=False)


def test_retry_after_wins_over_the_millisecond_headers_as_in_azure_core() -> None:
    rules, _ = policy()
    assert rules.retry_after(429, {"Retry-After": "2", "retry-after-ms": "9000"}) == 2.0
    assert rules.retry_after(429, {"x-ms-retry-after-ms": "300", "retry-after-ms": "100"}) == 0.1
    assert rules.retry_after(429, {"Retry-After": "soon", "x-ms-retry-after-ms": "300"}) == 0.3
