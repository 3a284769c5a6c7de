"""A proxy from the environment never sees a token sent in clear: loopback hosts (the only ones
a token may go to over plain http) are always reached directly, on both surfaces, while other
hosts still go through the proxy, with its credentials."""

from __future__ import annotations

import asyncio
import base64

import pytest
from hostile import TOKEN, HostileServer, make_client, reply
from vmss_runcommands.runtime.aio.transport import AiohttpTransport
from vmss_runcommands.runtime.http import HttpRequest
from vmss_runcommands.runtime.proxies import ProxyRules
from vmss_runcommands.runtime.retry import RetryPolicy
from vmss_runcommands.runtime.transport import Urllib3Transport


def set_proxy(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", url)
    monkeypatch.setenv("http_proxy", url)


@pytest.mark.usefixtures("surface")
def test_a_plain_http_loopback_call_never_goes_through_the_proxy(
    monkeypatch: pytest.MonkeyPatch, good: HostileServer, evil: HostileServer
) -> None:
    set_proxy(monkeypatch, evil.base_url)
    good.handler = reply(200, b"{}")
    evil.handler = reply(200, b"{}")
    with make_client(good) as client:
        client.send("GET", good.base_url + "/rc", expected_status=(200,))
    assert evil.requests == []
    assert good.requests[0].header("authorization") == f"Bearer {TOKEN}"


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_other_hosts_still_go_through_the_proxy_with_its_credentials(
    kind: str, monkeypatch: pytest.MonkeyPatch, evil: HostileServer
) -> None:
    set_proxy(monkeypatch, f"http://user:p%40ss@127.0.0.1:{evil.port}")
    evil.handler = reply(200, b"{}")
    request = HttpRequest("GET", "http://proxied.example/x")
    if kind == "sync":
        with Urllib3Transport() as transport:
            response = transport.send(request, retry_policy=RetryPolicy.no_retries())
    else:

        async def send() -> int:
            async with AiohttpTransport() as transport:
                answer = await transport.send(request, retry_policy=RetryPolicy.no_retries())
                return answer.status_code

        assert asyncio.run(send()) == 200
        response = None
    assert response is None or response.status_code == 200
    [seen] = evil.requests
    assert seen.target == "http://proxied.example/x"
    expected = "Basic " + base64.b64encode(b"user:p@ss").decode()
    assert seen.header("proxy-authorization") == expected


def test_the_proxy_rules() -> None:
    rules = ProxyRules({"http": "http://proxy:3128", "https": "http://proxy:3128", "no": "corp"})
    assert rules.proxy_for("https", "management.azure.com") == "http://proxy:3128"
    for host in ("127.0.0.1", "127.8.9.10", "[::1]", "localhost", "LOCALHOST", "a.corp"):
        assert rules.proxy_for("http", host) is None, host
    for host in ("localhost.example", "localhost."):
        assert rules.proxy_for("http", host) == "http://proxy:3128", host
    assert (
        not ProxyRules({}) and ProxyRules({"no": "*", "http": "x"}).proxy_for("http", "h") is None
    )
