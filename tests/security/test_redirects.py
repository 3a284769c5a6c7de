"""Point 2: a redirect never carries the request body or the token to another origin."""

from __future__ import annotations

import json

import pytest
from hostile import TOKEN, HostileServer, make_client, reply, routes
from vmss_runcommands.runtime.client import RequestOptions
from vmss_runcommands.runtime.exceptions import RedirectNotFollowedError, ServiceResponseError

# Every test here runs against the sync and the async client.
pytestmark = pytest.mark.usefixtures("surface")

SECRET_BODY = json.dumps({"properties": {"runAsPassword": "pa55-redirect-secret"}}).encode()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("method", ["PUT", "PATCH", "POST"])
def test_a_request_with_a_body_is_never_redirected(
    status: int, method: str, good: HostileServer, evil: HostileServer
) -> None:
    good.handler = reply(status, b"", {"Location": f"{evil.base_url}/steal"})
    evil.handler = reply(200, b"{}")
    with (
        make_client(good) as client,
        pytest.raises(RedirectNotFollowedError, match=str(status)) as caught,
    ):
        client.send(method, good.base_url + "/rc", body=SECRET_BODY, expected_status=(200,))
    assert caught.value.status_code == status
    assert evil.requests == []
    assert len(good.requests) == 1
    assert "pa55-redirect-secret" not in str(caught.value)


def test_a_same_origin_redirect_of_a_body_is_not_followed_either(good: HostileServer) -> None:
    good.handler = routes(
        {
            "PUT /rc": reply(307, b"", {"Location": "/elsewhere"}),
            "PUT /elsewhere": reply(200, b"{}"),
        }
    )
    with (
        make_client(good) as client,
        pytest.raises(RedirectNotFollowedError),
    ):
        client.send("PUT", good.base_url + "/rc", body=b"{}", expected_status=(200,))
    assert [r.target for r in good.requests] == ["/rc"]


def test_a_cross_origin_redirect_is_followed_without_credentials(
    good: HostileServer, evil: HostileServer
) -> None:
    good.handler = reply(302, b"", {"Location": f"{evil.base_url}/moved"})
    evil.handler = reply(200, b'{"ok": true}')
    options = RequestOptions(
        headers={"x-ms-authorization-auxiliary": "Bearer aux-secret", "Cookie": "c=1"}
    )
    with make_client(good) as client:
        response = client.send(
            "GET", good.base_url + "/rc", expected_status=(200,), options=options
        )
    assert response.json() == {"ok": True}
    [first] = good.requests
    assert first.header("authorization") == f"Bearer {TOKEN}"
    [moved] = evil.requests
    for name in ("authorization", "x-ms-authorization-auxiliary", "cookie", "proxy-authorization"):
        assert moved.header(name) is None, name
    assert TOKEN not in str(moved.headers) and "aux-secret" not in str(moved.headers)


def test_a_same_origin_redirect_keeps_the_token(good: HostileServer) -> None:
    good.handler = routes(
        {"GET /old": reply(301, b"", {"Location": "/new"}), "GET /new": reply(200, b"{}")}
    )
    with make_client(good) as client:
        client.send("GET", good.base_url + "/old", expected_status=(200,))
    assert [r.target for r in good.requests] == ["/old", "/new"]
    assert good.requests[1].header("authorization") == f"Bearer {TOKEN}"


def test_a_redirect_to_a_confusing_authority_is_refused(
    good: HostileServer, evil: HostileServer
) -> None:
    link = f"http://127.0.0.1:{evil.port}\\@127.0.0.1:{good.port}/x"
    good.handler = reply(302, b"", {"Location": link})
    with (
        make_client(good) as client,
        pytest.raises(ServiceResponseError, match="redirect"),
    ):
        client.send("GET", good.base_url + "/rc", expected_status=(200,))
    assert evil.requests == []


def test_a_redirect_loop_ends(good: HostileServer) -> None:
    good.handler = reply(302, b"", {"Location": "/again"})
    with (
        make_client(good) as client,
        pytest.raises(ServiceResponseError, match="redirects"),
    ):
        client.send("GET", good.base_url + "/rc", expected_status=(200,))
    assert len(good.requests) == 6
