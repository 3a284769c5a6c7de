"""A proxy's login (``HTTPS_PROXY=http://user:password@host``) is a credential like the bearer
token: a broken or hostile proxy that quotes it back -- in a 407 answer, a status line it makes
up -- gets it into no exception, traceback or log line, on either surface."""

from __future__ import annotations

import base64
import json
import logging
import socket
import traceback
from collections.abc import Callable

import pytest
import surfaces
from hostile import HostileServer, Request, response_bytes
from vmss_runcommands import AzureError
from vmss_runcommands.runtime.proxies import proxy_secret_values
from vmss_runcommands.runtime.retry import RetryPolicy

PASSWORD = "proxy-Pa55word"
LOGIN = base64.b64encode(f"user:{PASSWORD}".encode()).decode()

Handler = Callable[[socket.socket, Request], None]


def rejecting(conn: socket.socket, request: Request) -> None:
    login = request.header("proxy-authorization") or ""
    body = json.dumps({"error": {"code": "Denied", "message": f"{login} / {PASSWORD} denied"}})
    conn.sendall(response_bytes(407, body.encode(), {"Proxy-Authenticate": f"Basic {login}"}))


def broken_status(conn: socket.socket, request: Request) -> None:
    login = request.header("proxy-authorization") or ""
    conn.sendall(f"HTTP/1.1 abc {login} {PASSWORD}\r\n\r\n".encode())


def use_proxy(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    url = f"http://user:{PASSWORD.replace('-', '%2D')}@127.0.0.1:{port}"
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, url)


@pytest.mark.parametrize("answer", [rejecting, broken_status], ids=["407", "status line"])
def test_a_proxy_quoting_its_login_back_gets_it_nowhere(
    answer: Handler,
    evil: HostileServer,
    surface: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    use_proxy(monkeypatch, evil.port)
    evil.handler = answer
    client = surfaces.make_client(
        surface,
        None,
        "sub",
        base_url="http://proxied.example",
        retry_policy=RetryPolicy.no_retries(),
    )
    try:
        with caplog.at_level(logging.DEBUG), pytest.raises(AzureError) as caught:
            client.virtual_machine_scale_set_vm_run_commands.get("rg", "ss", "0", "rc", timeout=5)
    finally:
        client.close()
    assert evil.requests[0].header("proxy-authorization") == f"Basic {LOGIN}"  # it was sent
    error = caught.value
    shown = "".join(traceback.format_exception(error)) + repr(error) + repr(vars(error))
    shown += caplog.text
    assert "proxied.example" in shown
    assert PASSWORD not in shown
    assert LOGIN not in shown


def test_the_secret_values_of_a_proxy_url_are_its_password_and_login() -> None:
    values = proxy_secret_values(["http://us%65r:p%40ss-word@proxy:3128", None, "http://proxy"])
    assert {"p@ss-word", "p%40ss-word", "user:p@ss-word"} <= values
    assert base64.b64encode(b"user:p@ss-word").decode() in values
    assert not proxy_secret_values(["http://proxy:3128", None])
    assert "p@ss-word" not in repr(values)


def _attributes_shown(value: object, depth: int = 1) -> str:
    """What ``vars()`` (and a debugger's tree) shows of ``value`` and of the objects it holds,
    ``depth`` levels down; the proxy secret set's members are left out (the set is the
    runtime's list of what to mask, and its own repr hides them). (Deeper, urllib3 keys its
    pools by the headers they send, the proxy's ``Proxy-Authorization`` among them.)"""
    if depth < 0 or not hasattr(value, "__dict__"):
        return ""
    shown = []
    for name, item in vars(value).items():
        if name in ("proxy_secrets", "secret_values", "transport_secrets"):
            continue
        shown.append(f"{name}={item!r}")
        children = list(item.values()) if isinstance(item, dict) else [item]
        shown += [_attributes_shown(child, depth - 1) for child in children]
    return "\n".join(shown)


def test_a_transport_keeps_no_proxy_password_in_what_its_attributes_show(
    evil: HostileServer, surface: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_proxy(monkeypatch, evil.port)
    evil.handler = rejecting
    client = surfaces.make_client(
        surface,
        None,
        "sub",
        base_url="http://proxied.example",
        retry_policy=RetryPolicy.no_retries(),
    )
    try:
        with pytest.raises(AzureError):
            client.virtual_machine_scale_set_vm_run_commands.get("rg", "ss", "0", "rc", timeout=5)
        pipeline = surfaces.unwrap(client)._client.pipeline
        transport = pipeline.transport
        shown = _attributes_shown(transport) + repr(transport) + repr(pipeline)
    finally:
        client.close()
    assert evil.requests[0].header("proxy-authorization") == f"Basic {LOGIN}"  # still sent
    assert "127.0.0.1" in shown  # the proxy itself is shown
    assert PASSWORD not in shown
    assert PASSWORD.replace("-", "%2D") not in shown
    assert LOGIN not in shown
