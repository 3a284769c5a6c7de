"""The hostile endpoint's probes: everything a server on 127.0.0.1 (or a scripted pool) can do to
get the bearer token, an auxiliary token or a secret value out of the client -- into a request
to somewhere else, a log line, an exception, a repr. Each probe runs on the sync and the async
surface unless it exercises a sync-only object."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
import socket
import time
import traceback
from typing import Any

import pytest
import urllib3
from hostile import TOKEN, FakeCredential, HostileServer, Request, make_client, reply, routes
from surfaces import AsyncCredential, make_arm_client, unwrap
from surfaces import make_client as make_rc_client
from vmss_runcommands.models import (
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)
from vmss_runcommands.runtime.client import RequestOptions
from vmss_runcommands.runtime.exceptions import (
    AzureError,
    PollingTimeoutError,
    ServiceRequestError,
)
from vmss_runcommands.runtime.http import HttpRequest
from vmss_runcommands.runtime.lro_token import (
    PollingState,
    decode_continuation_token,
    encode_continuation_token,
)
from vmss_runcommands.runtime.retry import RetryPolicy
from vmss_runcommands.runtime.transport import Urllib3Transport

pytestmark = pytest.mark.usefixtures("surface")

AUX = "aux-tenant-token-31337"
PASSWORD = "probe-Password-2468"
PROTECTED = "probe-protected-1357"
SIG = "probeSignature9753"
SECRETS = (TOKEN, AUX, PASSWORD, PROTECTED, SIG)
CREDENTIAL_HEADERS = ("authorization", "x-ms-authorization-auxiliary", "cookie")
RC_PATH = "/subscriptions/sub/rc"


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def everything_shown(error: BaseException) -> str:
    shown = [repr(error), str(error), "".join(traceback.format_exception(error))]
    shown += [repr(value) for value in vars(error).values()]
    return "\n".join(shown)


def echoing_token(template: str) -> Any:
    """Answers with the Authorization it was sent pasted into ``template`` (a status line)."""

    def handle(conn: socket.socket, request: Request) -> None:
        sent = request.header("authorization") or ""
        line = template.format(sent=sent)
        body = b"{}"
        head = f"{line}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        conn.sendall(head.encode("latin-1") + body)

    return handle


# --- what the server writes comes back to the user: reason phrases, status lines, headers ---


@pytest.mark.parametrize("status", [200, 500])
def test_a_reason_phrase_echoing_the_token_is_masked(
    status: int, good: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    good.handler = echoing_token(f"HTTP/1.1 {status} {{sent}}")
    with make_client(good) as client, caplog.at_level(logging.DEBUG):
        try:
            response = client.send("GET", good.base_url + "/rc", expected_status=(200,))
            shown = f"{response!r} {response.reason}"
        except AzureError as error:
            assert status == 500
            shown = everything_shown(error)
    assert good.requests[0].header("authorization") == f"Bearer {TOKEN}"  # it was sent
    assert_no_secret(shown)
    assert "Response:" in caplog.text
    assert_no_secret(caplog.text)


@pytest.mark.parametrize("line", ["HTTP/9 xx {sent}", "{sent}", "HTTP/1.1 2OO {sent}"])
def test_a_broken_status_line_echoing_the_token_stays_out_of_the_error(
    line: str, good: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    good.handler = echoing_token(line)
    with (
        make_client(good) as client,
        caplog.at_level(logging.DEBUG),
        pytest.raises(AzureError) as caught,
    ):
        client.send("GET", good.base_url + "/rc", expected_status=(200,))
    assert_no_secret(everything_shown(caught.value))
    assert_no_secret(caplog.text)


def test_an_unparseable_header_echoing_the_token_stays_out_of_every_log(
    good: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    def handle(conn: socket.socket, request: Request) -> None:
        sent = request.header("authorization")
        head = f"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n{sent} no colon here\r\n\r\n{{}}"
        conn.sendall(head.encode("latin-1"))

    good.handler = handle
    with make_client(good) as client, caplog.at_level(logging.DEBUG):
        try:
            client.send("GET", good.base_url + "/rc", expected_status=(200,))
        except AzureError as error:  # aiohttp refuses the answer; urllib3 warns and reads on
            assert_no_secret(everything_shown(error))
    assert good.requests
    assert_no_secret(caplog.text)


@pytest.mark.parametrize(
    ("count", "size"), [(200, 100), (1, 200_000), (1000, 8000)], ids=["many", "long", "both"]
)
def test_huge_header_blocks_fail_fast_without_echoing_them(
    count: int, size: int, good: HostileServer
) -> None:
    def handle(conn: socket.socket, request: Request) -> None:
        sent = request.header("authorization") or ""
        lines = [f"X-Echo-{index}: {sent} {'a' * size}" for index in range(count)]
        head = "\r\n".join(["HTTP/1.1 200 OK", "Content-Length: 2", *lines, "", ""])
        with contextlib.suppress(OSError):  # the client stops reading, as it should
            conn.sendall(head.encode("latin-1") + b"{}")

    good.handler = handle
    with make_client(good) as client, pytest.raises(AzureError) as caught:
        started = time.monotonic()
        client.send(
            "GET", good.base_url + "/rc", expected_status=(200,), options=RequestOptions(timeout=10)
        )
    assert time.monotonic() - started < 5
    assert_no_secret(everything_shown(caught.value))


# --- redirects: every status, every way of writing another origin --------------------------


def redirect_targets(good: HostileServer, evil: HostileServer) -> dict[str, str]:
    """Other origins, each written so that a naive comparison might call it the same."""
    return {
        "other-port": f"{evil.base_url}/moved",
        "scheme-relative": f"//127.0.0.1:{evil.port}/moved",
        "localhost-name": f"http://localhost:{good.port}/moved",
        "upper-case-name": f"HTTP://LOCALHOST:{good.port}/moved",
        "ipv4-mapped-ipv6": f"http://[::ffff:127.0.0.1]:{good.port}/moved",
        "decimal-address": f"http://2130706433:{good.port}/moved",
        "short-address": f"http://127.1:{good.port}/moved",
    }


FORMS = [
    "other-port",
    "scheme-relative",
    "localhost-name",
    "upper-case-name",
    "ipv4-mapped-ipv6",
    "decimal-address",
    "short-address",
]


# Every status to another port; every other form with a 302 and a 307 (one that keeps the
# method and one that may change it).
REDIRECT_CASES = [(status, "other-port") for status in (301, 302, 303, 307, 308)] + [
    (status, form) for form in FORMS[1:] for status in (302, 307)
]


@pytest.mark.parametrize(("status", "form"), REDIRECT_CASES)
def test_a_redirect_to_another_origin_never_carries_a_credential(
    status: int, form: str, good: HostileServer, evil: HostileServer
) -> None:
    target = redirect_targets(good, evil)[form]
    good.handler = routes(
        {"GET /rc": reply(status, b"", {"Location": target}), "GET /moved": reply(200, b"{}")}
    )
    evil.handler = reply(200, b"{}")
    options = RequestOptions(
        headers={"x-ms-authorization-auxiliary": f"Bearer {AUX}", "Cookie": f"session={AUX}"}
    )
    with make_client(good) as client:
        try:
            client.send("GET", good.base_url + "/rc", expected_status=(200,), options=options)
        except AzureError as error:  # a form the resolver cannot reach
            assert_no_secret(everything_shown(error))
    first, *followed = good.requests + evil.requests
    assert first.header("authorization") == f"Bearer {TOKEN}"
    assert followed or form in ("ipv4-mapped-ipv6", "decimal-address", "short-address")
    for request in followed:
        for name in CREDENTIAL_HEADERS:
            assert request.header(name) is None, (name, request.target)
        assert TOKEN not in str(request.headers) and AUX not in str(request.headers)


def test_a_redirect_back_to_the_origin_does_not_regain_the_token(
    good: HostileServer, evil: HostileServer
) -> None:
    good.handler = routes(
        {
            "GET /rc": reply(302, b"", {"Location": f"{evil.base_url}/bounce"}),
            "GET /back": reply(200, b"{}"),
        }
    )
    evil.handler = reply(307, b"", {"Location": f"{good.base_url}/back"})
    with make_client(good) as client:
        client.send("GET", good.base_url + "/rc", expected_status=(200,))
    assert [request.target for request in good.requests] == ["/rc", "/back"]
    assert good.requests[1].header("authorization") is None
    assert evil.requests[0].header("authorization") is None


def test_a_cookie_the_origin_set_is_not_carried_anywhere(
    surface: str, good: HostileServer, evil: HostileServer
) -> None:
    good.handler = routes(
        {
            "GET /first": reply(200, b"{}", {"Set-Cookie": f"session={AUX}; Path=/"}),
            "GET /second": reply(302, b"", {"Location": f"http://localhost:{evil.port}/steal"}),
        }
    )
    evil.handler = reply(200, b"{}")
    credential: Any = FakeCredential() if surface == "sync" else AsyncCredential(FakeCredential())
    base = f"http://localhost:{good.port}"  # a name: cookie jars take no cookie for an address
    with make_arm_client(
        surface,
        credential,
        "sub",
        base_url=base,
        api_version="2024-07-01",
        sdk_moniker="security-tests/0",
        retry_policy=RetryPolicy.no_retries(),
    ) as client:
        client.send("GET", base + "/first", expected_status=(200,))
        client.send("GET", base + "/second", expected_status=(200,))
    assert [request.target for request in evil.requests] == ["/steal"]
    for request in good.requests + evil.requests:
        assert request.header("cookie") is None, request.target


# The scripted pool below answers without sockets, so https and names that do not resolve here
# can be probed too. The rule it checks (redirect_target, same_origin, without_credentials) is
# the one both transports apply.

ORIGIN = "https://management.azure.com/subscriptions/sub/rc?api-version=2024-07-01"


class ScriptedPool(urllib3.PoolManager):
    def __init__(self, location: str) -> None:
        super().__init__()
        self.location = location
        self.sent: list[tuple[str, dict[str, str]]] = []

    def urlopen(self, method: str, url: str, redirect: bool = True, **kw: Any) -> Any:  # type: ignore[override]
        self.sent.append((url, dict(kw.get("headers") or {})))
        if len(self.sent) == 1:
            return urllib3.HTTPResponse(
                body=io.BytesIO(b""),
                headers={"Location": self.location, "Content-Length": "0"},
                status=302,
                preload_content=False,
            )
        return urllib3.HTTPResponse(
            body=io.BytesIO(b"{}"),
            headers={"Content-Length": "2"},
            status=200,
            preload_content=False,
        )


@pytest.mark.parametrize("surface", ["sync"], indirect=True)
@pytest.mark.parametrize(
    ("location", "keeps"),
    [
        ("http://management.azure.com/moved", False),  # scheme downgrade
        ("https://management.azure.com:444/moved", False),  # port change
        ("https://management.azure.com./moved", False),  # trailing dot
        ("https://managemént.azure.com/moved", False),  # IDN look-alike
        ("https://xn--managemnt-b4a.azure.com/moved", False),  # its punycode
        ("https://[::1]/moved", False),
        ("https://[::ffff:7f00:1]/moved", False),
        ("//evil.example/moved", False),
        ("https://evil.example/moved", False),
        ("HTTPS://MANAGEMENT.AZURE.COM/moved", True),  # the same origin, spelled loudly
        ("https://management.azure.com:443/moved", True),  # its default port, written out
        ("/moved", True),
        ("moved", True),
    ],
)
def test_the_redirect_rule_by_origin(location: str, keeps: bool) -> None:
    pool = ScriptedPool(location)
    request = HttpRequest(
        "GET",
        ORIGIN,
        headers={"Authorization": f"Bearer {TOKEN}", "x-ms-authorization-auxiliary": AUX},
    )
    with Urllib3Transport(pool_manager=pool) as transport:
        response = transport.send(request, retry_policy=RetryPolicy.no_retries())
    assert response.status_code == 200
    [(_, first), (moved_to, moved)] = pool.sent
    assert first["Authorization"] == f"Bearer {TOKEN}"
    carried = {name.lower() for name in moved} & {"authorization", "x-ms-authorization-auxiliary"}
    assert bool(carried) is keeps, moved_to
    if not keeps:
        assert not carried


@pytest.mark.parametrize("surface", ["sync"], indirect=True)
@pytest.mark.parametrize(
    "location",
    [
        "https://user:pass@management.azure.com/moved",
        "https://evil.example\\@management.azure.com/moved",
        "https://evil.example%2f@management.azure.com/moved",
        "https://management.azure.com\r\n.evil.example/moved",
        "javascript:alert(1)",
        "file:///etc/passwd",
    ],
)
def test_a_redirect_to_an_ambiguous_or_foreign_url_is_not_followed(location: str) -> None:
    pool = ScriptedPool(location)
    request = HttpRequest("GET", ORIGIN, headers={"Authorization": f"Bearer {TOKEN}"})
    with Urllib3Transport(pool_manager=pool) as transport:
        try:
            transport.send(request, retry_policy=RetryPolicy.no_retries())
        except AzureError as error:
            assert_no_secret(everything_shown(error))
    assert len(pool.sent) == 1  # nothing was sent anywhere else


# --- links the service hands out: poll links, nextLink, continuation tokens ------------------


def link_targets(good: HostileServer, evil: HostileServer) -> dict[str, str]:
    return {
        "other-port": f"{evil.base_url}/operations/1",
        "scheme-relative": f"//127.0.0.1:{evil.port}/operations/1",
        "localhost-name": f"http://localhost:{good.port}/operations/1",
        "ipv4-mapped-ipv6": f"http://[::ffff:127.0.0.1]:{good.port}/operations/1",
        "userinfo": f"http://probe:{AUX}@127.0.0.1:{good.port}/operations/1",
        "https-upgrade": f"https://127.0.0.1:{good.port}/operations/1",
    }


LINK_FORMS = [
    "other-port",
    "scheme-relative",
    "localhost-name",
    "ipv4-mapped-ipv6",
    "userinfo",
    "https-upgrade",
]


@pytest.mark.parametrize(
    ("header", "form"),
    [(header, "other-port") for header in ("Location", "Operation-Location")]
    + [("Azure-AsyncOperation", form) for form in LINK_FORMS],
)
def test_a_poll_link_to_another_origin_is_refused(
    header: str, form: str, good: HostileServer, evil: HostileServer
) -> None:
    link = link_targets(good, evil)[form]
    good.handler = routes(
        {
            f"PUT {RC_PATH}": reply(202, b"{}", {header: link}),
            f"POST {RC_PATH}": reply(202, b"{}", {header: link}),
        }
    )
    evil.handler = reply(200, b'{"status": "Succeeded"}')
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
        with pytest.raises(ServiceRequestError) as caught:
            poller.result(timeout=10)
    assert evil.requests == []
    assert len(good.requests) == 1  # nothing was polled, not even on this host
    assert_no_secret(everything_shown(caught.value))


@pytest.mark.parametrize("form", LINK_FORMS)
def test_a_next_link_to_another_origin_is_refused(
    form: str, good: HostileServer, evil: HostileServer
) -> None:
    link = link_targets(good, evil)[form]
    good.handler = reply(200, json.dumps({"value": [1], "nextLink": link}).encode())
    evil.handler = reply(200, b'{"value": [2]}')
    with make_client(good) as client:
        pages = client.paged(good.base_url + RC_PATH, item_from_dict=lambda value: value)
        with pytest.raises(ServiceRequestError) as caught:
            list(pages)
    assert evil.requests == [] and len(good.requests) == 1
    assert_no_secret(everything_shown(caught.value))


@pytest.mark.parametrize(
    ("field", "form"),
    [(field, form) for field in ("url", "location_url") for form in ("other-port", "userinfo")]
    + [("poll_url", form) for form in LINK_FORMS],
)
def test_a_forged_continuation_token_cannot_point_elsewhere(
    field: str, form: str, good: HostileServer, evil: HostileServer
) -> None:
    urls = {
        "url": good.base_url + RC_PATH + "?api-version=2024-07-01",
        "poll_url": good.base_url + "/operations/1",
        "location_url": good.base_url + "/operations/2",
        field: link_targets(good, evil)[form],
    }
    token = encode_continuation_token(
        PollingState(
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
    )
    good.handler = reply(200, b'{"status": "Succeeded"}')
    evil.handler = reply(200, b'{"status": "Succeeded"}')
    with make_client(good) as client, pytest.raises((ValueError, ServiceRequestError)) as caught:
        client.begin_lro(
            "PUT",
            good.base_url + RC_PATH,
            body=None,
            expected_status=(200, 201),
            deserialize=None,
            operation_id="op",
            continuation_token=token,
        ).result(timeout=10)
    assert evil.requests == [] and good.requests == []
    assert_no_secret(everything_shown(caught.value))


# --- WWW-Authenticate: a claims challenge is answered only where the token may go ------------


class ClaimsCredential:
    """Issues TOKEN, and another token when asked for claims; records every request."""

    def __init__(self) -> None:
        self.claims: list[str | None] = []

    def get_token(self, *scopes: str, claims: str | None = None, **kwargs: Any) -> Any:
        self.claims.append(claims)
        value = TOKEN if claims is None else f"{TOKEN}-with-claims"
        return type("Token", (), {"token": value, "expires_on": int(time.time()) + 3600})()


CHALLENGE = 'Bearer realm="", error="insufficient_claims", claims="{claims}"'
CLAIMS = base64.urlsafe_b64encode(b'{"access_token":{"nbf":{"essential":true}}}').decode()


def claims_client(kind: str, good: HostileServer, credential: ClaimsCredential) -> Any:
    wrapped: Any = credential if kind == "sync" else AsyncCredential(credential)
    return make_arm_client(
        kind,
        wrapped,
        "sub",
        base_url=good.base_url,
        api_version="2024-07-01",
        sdk_moniker="security-tests/0",
        retry_policy=RetryPolicy.no_retries(),
    )


def test_a_claims_challenge_is_answered_once_and_only_to_the_origin(
    surface: str, good: HostileServer, evil: HostileServer
) -> None:
    challenge = CHALLENGE.format(claims=CLAIMS)
    good.handler = reply(401, b"{}", {"WWW-Authenticate": challenge})
    credential = ClaimsCredential()
    with claims_client(surface, good, credential) as client, pytest.raises(AzureError) as caught:
        client.send("GET", good.base_url + "/rc", expected_status=(200,))
    assert [request.target for request in good.requests] == ["/rc", "/rc"]  # resent once
    assert good.requests[1].header("authorization") == f"Bearer {TOKEN}-with-claims"
    assert credential.claims[-1] is not None and "nbf" in credential.claims[-1]
    assert evil.requests == []
    assert TOKEN not in everything_shown(caught.value)


def test_a_challenge_from_a_redirect_target_never_gets_a_token(
    surface: str, good: HostileServer, evil: HostileServer
) -> None:
    good.handler = reply(302, b"", {"Location": f"{evil.base_url}/steal"})
    evil.handler = reply(401, b"{}", {"WWW-Authenticate": CHALLENGE.format(claims=CLAIMS)})
    credential = ClaimsCredential()
    with claims_client(surface, good, credential) as client, pytest.raises(AzureError):
        client.send("GET", good.base_url + "/rc", expected_status=(200,))
    assert evil.requests  # the redirect was followed...
    for request in evil.requests:  # ...without a token, before and after the challenge
        assert request.header("authorization") is None
        assert TOKEN not in str(request.headers)


def test_a_challenge_on_a_poll_re_sends_to_that_poll_only(
    surface: str, good: HostileServer, evil: HostileServer
) -> None:
    seen: list[str] = []

    def handle(conn: socket.socket, request: Request) -> None:
        seen.append(request.target)
        if request.method == "PUT":
            link = f"{good.base_url}/operations/1"
            conn.sendall(_bytes(201, b"{}", {"Azure-AsyncOperation": link}))
        elif len([t for t in seen if t.startswith("/operations/1")]) == 1:
            challenge = CHALLENGE.format(claims=CLAIMS)
            conn.sendall(_bytes(401, b"{}", {"WWW-Authenticate": challenge}))
        else:
            conn.sendall(_bytes(200, b'{"status": "Succeeded"}'))

    good.handler = handle
    credential = ClaimsCredential()
    with claims_client(surface, good, credential) as client:
        client.begin_lro(
            "PUT",
            good.base_url + RC_PATH,
            body=b"{}",
            expected_status=(200, 201),
            deserialize=None,
            operation_id="op",
        ).result(timeout=10)
    assert [t.split("?")[0] for t in seen][:3] == [RC_PATH, "/operations/1", "/operations/1"]
    assert evil.requests == []


def _bytes(status: int, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    from hostile import response_bytes

    return response_bytes(status, body, headers)


# --- what users, debuggers and logs see of every public object -------------------------------


def command() -> VirtualMachineRunCommand:
    return VirtualMachineRunCommand(
        location="westus",
        source=VirtualMachineRunCommandScriptSource(
            script_uri=f"https://acct.blob.core.windows.net/c/s.sh?sv=2022&sig={SIG}"
        ),
        run_as_password=PASSWORD,
        protected_parameters=[RunCommandInputParameter(name="KEY", value=PROTECTED)],
    )


def test_no_public_object_shows_a_secret(
    surface: str, good: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    hooked: list[Any] = []
    # The service's own signature on its status link is kept in the continuation token (the
    # link cannot be polled without it); it is masked wherever else the link is shown.
    link_sig = "serviceLinkSignature4242"
    signed_link = f"{good.base_url}/operations/1?api-version=2024-07-01&sig={link_sig}&s=x"

    def handle(conn: socket.socket, request: Request) -> None:
        if request.method == "PUT":
            body = json.dumps({"name": "rc", "properties": {"runAsPassword": PASSWORD}}).encode()
            conn.sendall(_bytes(201, body, {"Azure-AsyncOperation": signed_link}))
        elif request.target.startswith("/operations/1"):
            conn.sendall(_bytes(200, b'{"status": "InProgress"}'))
        else:
            # This GET sent no password: only its shape can give the echo away.
            echo = f'{request.header("authorization")} {{"runAsPassword": "{PASSWORD}"}}'
            conn.sendall(_bytes(404, json.dumps({"error": {"message": echo}}).encode()))

    good.handler = handle
    with caplog.at_level(logging.DEBUG):
        client = make_rc_client(
            surface,
            FakeCredential(),
            "sub",
            base_url=good.base_url,
            retry_policy=RetryPolicy.no_retries(),
            polling_interval=0,
        )
        ops = client.virtual_machine_scale_set_vm_run_commands
        model = command()
        poller = ops.begin_create_or_update(
            "rg", "ss", "0", "rc", model, raw_response_hook=hooked.append
        )
        with pytest.raises(PollingTimeoutError):
            poller.wait(timeout=0.2)
        token = poller.continuation_token()
        pages = ops.list("rg", "ss", "0")
        with pytest.raises(AzureError) as caught:
            ops.get("rg", "ss", "0", "rc", raw_response_hook=hooked.append)
    inner = unwrap(client)
    arm = getattr(inner, "_client", None)
    objects: list[Any] = [client, inner, arm, ops, poller, unwrap(poller), pages, unwrap(pages)]
    objects += [model, model.source, caught.value, *hooked]
    objects += [getattr(arm, name, None) for name in ("_pipeline", "_transport", "_auth")]
    pipeline = getattr(arm, "_pipeline", None)
    objects += [getattr(pipeline, "auth", None), getattr(pipeline, "transport", None)]
    for hook in hooked:
        objects += [hook.http_request, hook.http_response]
        assert "authorization" not in {name.lower() for name in hook.http_request.headers}
    for shown in objects:
        assert_no_secret(repr(shown) + str(shown))
        assert link_sig not in repr(shown) + str(shown)
    assert_no_secret(everything_shown(caught.value))
    assert link_sig not in caplog.text
    assert_no_secret(token + base64.urlsafe_b64decode(token + "==").decode("latin-1"))
    assert_no_secret(json.dumps(decode_continuation_token(token).__dict__))
    assert_no_secret(caplog.text)
    assert "Response body" in caplog.text
    client.close()


def test_debug_logging_of_every_library_shows_no_secret(
    surface: str, good: HostileServer, evil: HostileServer
) -> None:
    """Root logger at DEBUG (urllib3, aiohttp, asyncio and ours all on), handler of its own."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    signed = f"{good.base_url}/operations/1?api-version=2024-07-01&sig={SIG}&token={AUX}"

    def handle(conn: socket.socket, request: Request) -> None:
        if request.method == "PUT":
            conn.sendall(_bytes(201, b"{}", {"Azure-AsyncOperation": signed}))
        elif request.target.startswith("/operations/1"):
            conn.sendall(_bytes(302, b"", {"Location": f"{evil.base_url}/status?sig={SIG}"}))
        else:
            conn.sendall(_bytes(200, b"{}"))

    good.handler = handle
    evil.handler = lambda conn, request: conn.sendall(
        _bytes(200, json.dumps({"status": "Failed", "error": {"message": signed}}).encode())
    )
    try:
        client = make_rc_client(
            surface,
            FakeCredential(),
            "sub",
            base_url=good.base_url,
            retry_policy=RetryPolicy.no_retries(),
            polling_interval=0,
        )
        ops = client.virtual_machine_scale_set_vm_run_commands
        with pytest.raises(AzureError) as caught:
            ops.begin_create_or_update(
                "rg",
                "ss",
                "0",
                "rc",
                command(),
                headers={"x-ms-authorization-auxiliary": f"Bearer {AUX}"},
            ).result(timeout=10)
        client.close()
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    text = stream.getvalue()
    assert "urllib3" in text or surface == "async"
    assert "vmss_runcommands" in text
    assert evil.requests and all(r.header("authorization") is None for r in evil.requests)
    assert_no_secret(text)
    assert_no_secret(everything_shown(caught.value))


def test_a_poll_status_echoing_the_token_stays_out_of_the_token_and_errors(
    surface: str, good: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    def handle(conn: socket.socket, request: Request) -> None:
        if request.method == "PUT":
            link = {"Azure-AsyncOperation": f"{good.base_url}/operations/1"}
            conn.sendall(_bytes(201, b"{}", link))
        else:  # a status nobody knows, so polling goes on: the token it was sent
            status = f"{request.header('authorization')} {PASSWORD}"
            conn.sendall(_bytes(200, json.dumps({"status": status}).encode()))

    good.handler = handle
    client = make_rc_client(
        surface,
        FakeCredential(),
        "sub",
        base_url=good.base_url,
        retry_policy=RetryPolicy.no_retries(),
        polling_interval=0,
    )
    ops = client.virtual_machine_scale_set_vm_run_commands
    with caplog.at_level(logging.DEBUG):
        poller = ops.begin_create_or_update("rg", "ss", "0", "rc", command())
        with pytest.raises(PollingTimeoutError) as caught:
            poller.result(timeout=0.3)
    token = poller.continuation_token()
    assert len([r for r in good.requests if r.target.startswith("/operations/1")]) > 1
    assert_no_secret(poller.status() + str(caught.value) + repr(vars(caught.value)))
    assert_no_secret(base64.urlsafe_b64decode(token + "==").decode("latin-1"))
    assert_no_secret(caplog.text)
    client.close()


@pytest.mark.parametrize("surface", ["sync"], indirect=True)
@pytest.mark.parametrize(
    "url",
    [
        "http://localhost./x",  # fully qualified: DNS answers it, not the hosts file
        "http://127.0.0.1./x",
        "http://[::ffff:127.0.0.1]/x",
        "http://0.0.0.0/x",
        "http://localhost.localdomain/x",
    ],
)
def test_no_token_in_clear_to_a_name_or_form_that_may_not_be_this_machine(url: str) -> None:
    from vmss_runcommands.runtime.origin import token_allowed

    assert not token_allowed(url)
    assert token_allowed("http://localhost/x") and token_allowed("http://127.0.0.1:8080/x")
