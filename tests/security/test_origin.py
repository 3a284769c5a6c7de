"""Point 1: the bearer token only ever goes to the origin it was issued for.

Each link is of the form ``http://127.0.0.1:<evil>\\@127.0.0.1:<good>/...``: ``urlsplit`` reads
the good port after ``@``, urllib3 (which connects) stops at the backslash and connects to the
evil port. The evil server must never see a request; the caller gets a typed error.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hostile import TOKEN, HostileServer, make_client, reply, routes
from vmss_runcommands.runtime.auth import BearerTokenPolicy
from vmss_runcommands.runtime.exceptions import ServiceRequestError
from vmss_runcommands.runtime.http import HttpRequest
from vmss_runcommands.runtime.origin import (
    UnsafeURLError,
    is_loopback_host,
    origin_of,
    same_origin,
    token_allowed,
)
from vmss_runcommands.runtime.polling import PollingState, encode_continuation_token

# Every test here runs against the sync and the async client.
pytestmark = pytest.mark.usefixtures("surface")

RC_PATH = "/subscriptions/sub/rc"


def confusing_link(good: HostileServer, evil: HostileServer, path: str) -> str:
    return f"http://127.0.0.1:{evil.port}\\@127.0.0.1:{good.port}{path}"


def ok(body: Any, headers: dict[str, str] | None = None, status: int = 200) -> Any:
    return reply(status, json.dumps(body).encode(), headers)


def identity(value: Any) -> Any:
    return value


def test_the_two_parsers_disagree_and_the_connecting_one_decides() -> None:
    link = "http://127.0.0.1:1111\\@127.0.0.1:2222/x"
    with pytest.raises(UnsafeURLError):
        origin_of(link)
    assert not same_origin(link, "http://127.0.0.1:2222/")
    for bad in (
        "https://user@management.azure.com/x",
        "https://management.azure.com%2f@evil/x",
        "https://management.azure.com\t/x",
        "https://management.azure.com\x00.evil/x",
        "ftp://management.azure.com/x",
        "https:///x",
    ):
        assert not same_origin(bad, "https://management.azure.com/"), bad
        with pytest.raises(UnsafeURLError):
            origin_of(bad)
    assert same_origin("HTTPS://Management.Azure.com:443/x", "https://management.azure.com/")
    assert not same_origin("https://management.azure.com:444/x", "https://management.azure.com/")


def test_plain_http_only_to_real_loopback() -> None:
    assert token_allowed("http://127.0.0.1:8080/x")
    assert token_allowed("http://127.9.9.9/x")
    assert token_allowed("http://[::1]:80/x")
    assert token_allowed("http://localhost:1/x")
    assert token_allowed("https://anything.example/x")
    for url in (
        "http://evil.localhost/x",  # a name, resolved wherever the resolver likes
        "http://localhost.evil.example/x",
        "http://10.0.0.1/x",
        "http://127.0.0.1:1\\@127.0.0.1:2/x",
        "https://evil.example\\@management.azure.com/x",
        "https://user@management.azure.com/x",
        "https://management.azure.com\t/x",
        "https:///x",
    ):
        assert not token_allowed(url), url
    assert not is_loopback_host("a.localhost")


def test_no_token_to_a_localhost_name_over_plain_http() -> None:
    policy = BearerTokenPolicy(_credential(), "https://management.azure.com/.default")
    with pytest.raises(ServiceRequestError, match="refusing to send a token"):
        policy.authorize(HttpRequest("GET", "http://evil.localhost:9/x"))


def _credential() -> Any:
    from hostile import FakeCredential

    return FakeCredential()


LINK_HEADERS = ["Azure-AsyncOperation", "Location", "Operation-Location"]


@pytest.mark.parametrize("header", LINK_HEADERS)
def test_a_confusing_poll_link_header_is_refused(
    header: str, good: HostileServer, evil: HostileServer
) -> None:
    link = confusing_link(good, evil, "/operations/1")
    good.handler = routes(
        {
            f"PUT {RC_PATH}": ok({"properties": {}}, {header: link}, status=202),
            f"POST {RC_PATH}": ok({}, {header: link}, status=202),
            "GET /": ok({"status": "Succeeded"}),
        }
    )
    evil.handler = ok({"status": "Succeeded"})
    method = "POST" if header == "Operation-Location" else "PUT"
    with make_client(good) as client:
        poller = client.begin_lro(
            method,
            good.base_url + RC_PATH,
            body=b"{}",
            expected_status=(200, 201, 202),
            deserialize=None,
            operation_id="op",
        )
        with pytest.raises(ServiceRequestError, match="Refusing to poll"):
            poller.result(timeout=10)
    assert evil.requests == []


def test_a_confusing_resource_location_is_refused(good: HostileServer, evil: HostileServer) -> None:
    operation = good.base_url + "/operations/1"
    good.handler = routes(
        {
            f"PUT {RC_PATH}": ok({}, {"Azure-AsyncOperation": operation}, status=201),
            "GET /operations/1": ok(
                {"status": "Succeeded", "resourceLocation": confusing_link(good, evil, RC_PATH)}
            ),
        }
    )
    evil.handler = ok({"id": "stolen"})
    with make_client(good) as client:
        poller = client.begin_lro(
            "PUT",
            good.base_url + RC_PATH,
            body=b"{}",
            expected_status=(200, 201),
            deserialize=identity,
            operation_id="op",
        )
        with pytest.raises(ServiceRequestError, match="Refusing to poll"):
            poller.result(timeout=10)
    assert evil.requests == []


def test_a_confusing_next_link_is_refused(good: HostileServer, evil: HostileServer) -> None:
    good.handler = ok({"value": [1], "nextLink": confusing_link(good, evil, "/page2")})
    evil.handler = ok({"value": [2]})
    with make_client(good) as client:
        pages = client.paged(good.base_url + RC_PATH, item_from_dict=identity)
        with pytest.raises(ServiceRequestError, match="Refusing to follow nextLink"):
            list(pages)
    assert evil.requests == []


@pytest.mark.parametrize("field", ["url", "poll_url", "location_url"])
def test_a_forged_continuation_token_cannot_send_the_token_elsewhere(
    field: str, good: HostileServer, evil: HostileServer
) -> None:
    good.handler = ok({"status": "InProgress", "properties": {"provisioningState": "Creating"}})
    evil.handler = ok({"status": "Succeeded"})
    urls = {
        "url": good.base_url + RC_PATH,
        "poll_url": good.base_url + "/operations/1",
        "location_url": good.base_url + "/operations/2",
        field: confusing_link(good, evil, "/x"),
    }
    state = PollingState(
        operation_id="op",
        method="PUT",
        url=urls["url"],
        algorithm="location" if field == "location_url" else "azure-async-operation",
        poll_url=urls["poll_url"],
        location_url=urls["location_url"],
        client_request_id="id",
        final_state_via=None,
        status="InProgress",
    )
    token = encode_continuation_token(state)
    with (
        make_client(good) as client,
        pytest.raises((ValueError, ServiceRequestError)),
    ):
        poller = client.begin_lro(
            "PUT",
            good.base_url + RC_PATH,
            body=None,
            expected_status=(200, 201),
            deserialize=None,
            operation_id="op",
            continuation_token=token,
        )
        poller.result(timeout=10)
    assert evil.requests == []
    assert all(TOKEN not in str(request.headers) for request in evil.requests)


def test_a_base_url_with_a_confusing_authority_is_refused() -> None:
    from vmss_runcommands.runtime.client import ArmClient

    with pytest.raises(ValueError, match="base_url"):
        ArmClient(
            _credential(),
            "sub",
            base_url="https://evil.example\\@management.azure.com",
            api_version="2024-07-01",
            sdk_moniker="t/0",
        )
