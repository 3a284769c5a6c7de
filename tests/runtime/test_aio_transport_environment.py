"""What the async transport takes from the environment: proxies, read once by the sync
transport's rules, and nothing else (no ``~/.netrc`` credentials, no per-request lookups)."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from vmss_runcommands.runtime.aio.transport import AiohttpTransport
from vmss_runcommands.runtime.exceptions import ServiceRequestError
from vmss_runcommands.runtime.http import HttpRequest, HttpResponse
from vmss_runcommands.runtime.retry import RetryPolicy

if TYPE_CHECKING:
    from conftest import ScriptedServer

NO_RETRIES = RetryPolicy.no_retries()
PROXY_VARIABLES = (
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
)


def _send(transport: AiohttpTransport, *urls: str) -> list[HttpResponse | BaseException]:
    async def go() -> list[HttpResponse | BaseException]:
        async with transport:
            results: list[HttpResponse | BaseException] = []
            for url in urls:
                try:
                    results.append(await transport.send(HttpRequest("GET", url)))
                except ServiceRequestError as error:
                    results.append(error)
            return results

    return asyncio.run(go())


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_proxies_come_from_the_environment_once_with_their_credentials(
    server: ScriptedServer, closed_port: int, clean_environment: pytest.MonkeyPatch
) -> None:
    proxy = server.url.replace("http://", "http://ops:s3cret@")
    clean_environment.setenv("HTTP_PROXY", proxy)
    clean_environment.setenv("http_proxy", proxy)
    server.reply(200, b"via proxy")
    transport = AiohttpTransport(retry_policy=NO_RETRIES)
    # Read once: changing the environment afterwards has no effect.
    clean_environment.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port}")
    clean_environment.setenv("http_proxy", f"http://127.0.0.1:{closed_port}")
    [response] = _send(transport, "http://example.test/thing?x=1")
    assert isinstance(response, HttpResponse)
    assert response.body == b"via proxy"
    [seen] = server.requests
    assert seen.path == "http://example.test/thing?x=1"  # absolute-form: sent to a proxy
    # The proxy's credentials go to the proxy only, as Proxy-Authorization.
    expected = "Basic " + base64.b64encode(b"ops:s3cret").decode()
    assert seen.headers.get("proxy-authorization") == expected
    assert "authorization" not in seen.headers


def test_no_proxy_and_loopback_bypass_the_proxy(
    server: ScriptedServer, closed_port: int, clean_environment: pytest.MonkeyPatch
) -> None:
    dead_proxy = f"http://127.0.0.1:{closed_port}"
    for name in ("HTTP_PROXY", "http_proxy"):
        clean_environment.setenv(name, dead_proxy)
    for name in ("NO_PROXY", "no_proxy"):
        clean_environment.setenv(name, "example.test")
    transport = AiohttpTransport(retry_policy=NO_RETRIES)
    direct, bypassed = _send(transport, f"{server.url}/direct", "http://sub.example.test/x")
    # Loopback goes direct although a (dead) proxy is configured.
    assert isinstance(direct, HttpResponse) and direct.status_code == 200
    # A NO_PROXY host goes direct: the failure is resolving its name, not the dead proxy.
    assert isinstance(bypassed, ServiceRequestError)
    assert "Cannot connect" in str(bypassed)
    assert [r.path for r in server.requests] == ["/direct"]


def test_netrc_credentials_are_never_sent(
    server: ScriptedServer, tmp_path: Path, clean_environment: pytest.MonkeyPatch
) -> None:
    # aiohttp's trust_env would look the host up in ~/.netrc (on a worker thread, for every
    # request) and send what it finds as Basic credentials.
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password from-netrc\n", encoding="ascii")
    netrc.chmod(0o600)
    clean_environment.setenv("NETRC", str(netrc))
    clean_environment.setenv("HOME", str(tmp_path))
    transport = AiohttpTransport(retry_policy=NO_RETRIES)
    [response] = _send(transport, f"{server.url}/plain")
    assert isinstance(response, HttpResponse) and response.status_code == 200
    [seen] = server.requests
    assert "authorization" not in seen.headers
