"""Point 3: deadlines are wall-clock deadlines, whatever pace the server reads at.

The server trickles one byte every 0.5 s: each socket read succeeds well within the read
timeout, so only a limit on the whole call can end it. Each call must end with the typed
timeout within 1 s of its limit (the bound asserted here is generous for a loaded CI host;
the measured figure is in docs/security.md).
"""

from __future__ import annotations

import json
import time

import pytest
from hostile import HostileServer, make_client, reply, response_bytes, routes, trickle
from vmss_runcommands.runtime.client import RequestOptions
from vmss_runcommands.runtime.exceptions import (
    ServiceResponseError,
    ServiceResponseTimeoutError,
)
from vmss_runcommands.runtime.polling import PollingTimeoutError, decode_continuation_token
from vmss_runcommands.runtime.retry import RetryPolicy

# Every test here runs against the sync and the async client.
pytestmark = pytest.mark.usefixtures("surface")

LIMIT = 2.0
SLACK = 1.0
BODY = json.dumps({"properties": {"provisioningState": "Succeeded"}, "pad": "x" * 60}).encode()
HEAD = response_bytes(200, b"", {"Content-Length": str(len(BODY))})


def _elapsed_since(started: float) -> float:
    return time.monotonic() - started


def test_a_trickled_body_ends_at_the_call_timeout(good: HostileServer) -> None:
    good.handler = trickle(HEAD, BODY)
    with make_client(good, read_timeout=5.0) as client:
        started = time.monotonic()
        with pytest.raises(ServiceResponseTimeoutError):
            client.send(
                "GET",
                good.base_url + "/rc",
                expected_status=(200,),
                options=RequestOptions(timeout=LIMIT),
            )
    assert _elapsed_since(started) < LIMIT + SLACK


def test_trickled_headers_end_at_the_call_timeout(good: HostileServer) -> None:
    good.handler = trickle(HEAD + BODY, b"")  # even the status line comes byte by byte
    with make_client(good, read_timeout=5.0) as client:
        started = time.monotonic()
        with pytest.raises(ServiceResponseTimeoutError):
            client.send(
                "GET",
                good.base_url + "/rc",
                expected_status=(200,),
                options=RequestOptions(timeout=LIMIT),
            )
    assert _elapsed_since(started) < LIMIT + SLACK


def test_retries_do_not_outlast_the_call_timeout(good: HostileServer) -> None:
    good.handler = trickle(HEAD, BODY)
    retrying = RetryPolicy(read=5, total=5, backoff_factor=0)
    with make_client(good, read_timeout=5.0, retry_policy=retrying) as client:
        started = time.monotonic()
        with pytest.raises(ServiceResponseError):
            client.send(
                "GET",
                good.base_url + "/rc",
                expected_status=(200,),
                options=RequestOptions(timeout=LIMIT),
            )
    assert _elapsed_since(started) < LIMIT + SLACK


def test_a_trickled_first_answer_of_an_lro_ends_at_its_deadline_with_a_token(
    good: HostileServer,
) -> None:
    good.handler = trickle(HEAD, BODY)
    with make_client(good, read_timeout=5.0) as client:
        started = time.monotonic()
        with pytest.raises(ServiceResponseTimeoutError) as caught:
            client.begin_lro(
                "PUT",
                good.base_url + "/rc",
                body=b"{}",
                expected_status=(200, 201),
                deserialize=None,
                operation_id="op",
                deadline=LIMIT,
            )
    assert _elapsed_since(started) < LIMIT + SLACK
    token = caught.value.continuation_token
    assert token is not None and decode_continuation_token(token).url.endswith("/rc")


@pytest.mark.parametrize("how", ["deadline", "result_timeout"])
def test_a_trickled_poll_ends_at_the_limit_with_a_token(how: str, good: HostileServer) -> None:
    operation = good.base_url + "/operations/1"
    good.handler = routes(
        {
            "PUT /rc": reply(201, b"{}", {"Azure-AsyncOperation": operation}),
            "GET /operations/1": trickle(
                response_bytes(200, b"", {"Content-Length": "30"}),
                b'{"status": "Succeeded"}       ',
            ),
        }
    )
    with make_client(good, read_timeout=5.0) as client:
        started = time.monotonic()
        poller = client.begin_lro(
            "PUT",
            good.base_url + "/rc",
            body=b"{}",
            expected_status=(200, 201),
            deserialize=None,
            operation_id="op",
            deadline=LIMIT if how == "deadline" else None,
        )
        with pytest.raises(PollingTimeoutError) as caught:
            poller.result(timeout=None if how == "deadline" else LIMIT)
    assert _elapsed_since(started) < LIMIT + SLACK
    assert decode_continuation_token(caught.value.continuation_token).poll_url == operation


# Threads sharing one client / a caller's urllib3 pool: sync-only by nature.
@pytest.mark.parametrize("surface", ["sync"], indirect=True)
def test_a_caller_supplied_pool_still_gets_a_wall_clock_bound_on_the_body(
    good: HostileServer,
) -> None:
    import urllib3

    good.handler = trickle(HEAD, BODY)
    with make_client(good, read_timeout=5.0, pool_manager=urllib3.PoolManager()) as client:
        started = time.monotonic()
        with pytest.raises(ServiceResponseTimeoutError):
            client.send(
                "GET",
                good.base_url + "/rc",
                expected_status=(200,),
                options=RequestOptions(timeout=LIMIT),
            )
    assert _elapsed_since(started) < LIMIT + SLACK


def test_without_a_call_timeout_the_read_timeout_bounds_the_whole_answer(
    good: HostileServer,
) -> None:
    good.handler = trickle(HEAD, BODY)
    with make_client(good, read_timeout=LIMIT) as client:
        started = time.monotonic()
        with pytest.raises(ServiceResponseTimeoutError):
            client.send("GET", good.base_url + "/rc", expected_status=(200,))
    assert _elapsed_since(started) < LIMIT + SLACK


# A caller's pool manager: the headers (and the status line) are bounded like the body, by the
# call timeout and, without one, by the read timeout for the whole answer.
@pytest.mark.parametrize("surface", ["sync"], indirect=True)
@pytest.mark.parametrize("limit", ["timeout", "read_timeout"])
def test_a_caller_supplied_pool_bounds_trickled_headers_too(
    limit: str, good: HostileServer
) -> None:
    import urllib3

    good.handler = trickle(HEAD + BODY, b"")  # the status line comes byte by byte
    read_timeout = 5.0 if limit == "timeout" else LIMIT
    options = RequestOptions(timeout=LIMIT) if limit == "timeout" else None
    pool = urllib3.PoolManager()
    with make_client(good, read_timeout=read_timeout, pool_manager=pool) as client:
        started = time.monotonic()
        with pytest.raises(ServiceResponseTimeoutError):
            client.send("GET", good.base_url + "/rc", expected_status=(200,), options=options)
    assert _elapsed_since(started) < LIMIT + SLACK


@pytest.mark.parametrize("surface", ["sync"], indirect=True)
def test_a_caller_supplied_pool_keeps_its_own_classes_and_behaviour_elsewhere(
    good: HostileServer,
) -> None:
    import urllib3
    from urllib3.connectionpool import HTTPConnectionPool

    seen: list[str] = []

    class CountingPool(HTTPConnectionPool):
        def urlopen(self, method: str, url: str, *args: object, **kwargs: object) -> object:  # type: ignore[override]
            seen.append(url)
            return super().urlopen(method, url, *args, **kwargs)  # type: ignore[arg-type]

    pool = urllib3.PoolManager()
    pool.pool_classes_by_scheme = {**pool.pool_classes_by_scheme, "http": CountingPool}
    pool.request("GET", good.base_url + "/before")  # a pool made before the client: dropped
    good.handler = trickle(HEAD + BODY, b"", every=0.05)
    with (
        make_client(good, read_timeout=0.5, pool_manager=pool) as client,
        pytest.raises(ServiceResponseTimeoutError),  # 0.05 s a byte: > 0.5 s in all
    ):
        client.send("GET", good.base_url + "/rc", expected_status=(200,))
    assert any(url.startswith("/rc") for url in seen)  # the caller's pool class was used
    # Outside the client's calls the caller's manager reads as urllib3 does: per recv.
    answer = pool.request("GET", good.base_url + "/after", timeout=urllib3.Timeout(read=0.5))
    assert answer.status == 200 and answer.data == BODY


# The transport's own pools enter no per-call context for a call without a limit; a limit set
# around it in the same thread (a hook calling the client again) still bounds it.
@pytest.mark.parametrize("surface", ["sync"], indirect=True)
def test_an_enclosing_call_limit_bounds_a_call_without_its_own(good: HostileServer) -> None:
    from vmss_runcommands.runtime.deadline import call_deadline

    good.handler = trickle(HEAD, BODY)
    with make_client(good, read_timeout=30.0) as client:
        started = time.monotonic()
        with (
            call_deadline(started + LIMIT),
            pytest.raises(ServiceResponseTimeoutError),
        ):
            client.send("GET", good.base_url + "/rc", expected_status=(200,))
    assert _elapsed_since(started) < LIMIT + SLACK
