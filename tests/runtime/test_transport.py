from __future__ import annotations

import threading
import warnings
from typing import TYPE_CHECKING, Any

import pytest
import urllib3
from surfaces import SURFACES, make_transport
from urllib3 import exceptions as urllib3_errors
from vmss_runcommands.runtime.exceptions import (
    ServiceRequestError,
    ServiceRequestTimeoutError,
    ServiceResponseError,
    ServiceResponseTimeoutError,
)
from vmss_runcommands.runtime.http import HttpRequest
from vmss_runcommands.runtime.retry import RetryPolicy
from vmss_runcommands.runtime.transport import (
    DEFAULT_POOL_MAXSIZE,
    Urllib3Transport,
    is_loopback_host,
    to_azure_error,
)

if TYPE_CHECKING:
    from conftest import ScriptedServer, TlsServer

NO_RETRIES = RetryPolicy.no_retries()


@pytest.fixture(params=SURFACES)
def surface(request: pytest.FixtureRequest) -> str:
    """Tests taking it run against ``Urllib3Transport`` and ``AiohttpTransport``."""
    kind: str = request.param
    return kind


def test_sends_method_headers_and_body_and_reads_everything(
    server: ScriptedServer, surface: str
) -> None:
    server.reply(
        201, b'{"name": "rc"}', {"X-Ms-Request-Id": "rid", "Content-Type": "application/json"}
    )
    with make_transport(surface) as transport:
        request = HttpRequest(
            "PUT",
            f"{server.url}/runCommands/rc?api-version=2024-07-01",
            headers={"Content-Type": "application/json", "x-custom": "1"},
            body=b'{"location":"eastus"}',
        )
        response = transport.send(request)

    assert response.status_code == 201
    assert response.reason == "Created"
    assert response.headers["x-ms-request-id"] == "rid"  # case-insensitive lookup
    assert response.json() == {"name": "rc"}
    assert response.request is request
    [seen] = server.requests
    assert (seen.method, seen.path) == ("PUT", "/runCommands/rc?api-version=2024-07-01")
    assert seen.headers["x-custom"] == "1"
    assert seen.body == b'{"location":"eastus"}'


def test_connections_are_reused_from_one_pool(server: ScriptedServer) -> None:
    with Urllib3Transport(proxies_from_env=False) as transport:
        for _ in range(3):
            transport.send(HttpRequest("GET", server.url))
        assert len(transport._direct.pools) == 1  # one pool for the one host
        pool = transport._direct.connection_from_url(server.url)
        assert pool.num_connections == 1  # and one keep-alive connection in it


def test_tls_is_verified_by_default(tls_server: TlsServer, surface: str) -> None:
    with (
        make_transport(surface, retry_policy=NO_RETRIES) as transport,
        pytest.raises(ServiceRequestError) as caught,
    ):
        transport.send(HttpRequest("GET", tls_server.server.url))
    if surface == "sync":
        assert isinstance(caught.value.inner_exception, urllib3_errors.SSLError)
        assert "CERTIFICATE_VERIFY_FAILED" in caught.value.message
    assert tls_server.server.requests == []


def test_tls_with_a_ca_bundle_path_succeeds(tls_server: TlsServer, surface: str) -> None:
    tls_server.server.reply(200, b"{}")
    with make_transport(surface, connection_verify=str(tls_server.ca_path)) as transport:
        assert transport.send(HttpRequest("GET", tls_server.server.url)).status_code == 200
        # The hostname is checked too: the certificate names 127.0.0.1 and localhost only.
        localhost = tls_server.server.url.replace("127.0.0.1", "localhost")
        assert transport.send(HttpRequest("GET", localhost)).status_code == 200


def test_tls_under_a_wall_clock_limit_reads_whole_responses(
    tls_server: TlsServer, surface: str
) -> None:
    # The call's limit wraps the TLS socket's reads; answers must still arrive whole, again
    # and again over the same pooled connection.
    body = b'{"a": "' + b"x" * 200_000 + b'"}'
    with make_transport(surface, connection_verify=str(tls_server.ca_path)) as transport:
        for _ in range(3):
            tls_server.server.reply(200, body)
            response = transport.send(HttpRequest("GET", tls_server.server.url), timeout=5.0)
            assert response.body == body


def test_tls_verification_can_be_disabled(tls_server: TlsServer, surface: str) -> None:
    with (
        warnings.catch_warnings(),
        make_transport(surface, connection_verify=False) as transport,
    ):
        warnings.simplefilter("ignore", urllib3_errors.InsecureRequestWarning)
        assert transport.send(HttpRequest("GET", tls_server.server.url)).status_code == 200


def test_connection_refused_is_a_service_request_error(closed_port: int) -> None:
    sleeps: list[float] = []
    rules = RetryPolicy(sleep=sleeps.append)
    with (
        Urllib3Transport(retry_policy=rules, proxies_from_env=False) as transport,
        pytest.raises(ServiceRequestError) as caught,
    ):
        transport.send(HttpRequest("GET", f"http://127.0.0.1:{closed_port}/x?sig=s3cret"))
    error = caught.value
    assert not isinstance(error, ServiceRequestTimeoutError)
    assert isinstance(error.inner_exception, urllib3_errors.NewConnectionError)
    # The cause is the unwrapped reason, not urllib3's MaxRetryError, whose text repeats the
    # URL with its query; nothing in the chain shows the signature.
    assert error.__cause__ is error.inner_exception
    assert not isinstance(error.__context__, urllib3_errors.MaxRetryError)
    assert "s3cret" not in str(error)
    for linked in (error.__cause__, error.__context__):
        assert "s3cret" not in f"{linked!r} {linked}"
    assert "sig=REDACTED" in str(error)
    assert len(sleeps) == 2  # 3 connect retries: backoff 0 (no sleep), 1.6, 3.2


def test_read_timeout_is_a_service_response_timeout(server: ScriptedServer) -> None:
    server.reply(200, delay=0.5)
    with (
        Urllib3Transport(
            read_timeout=0.1, retry_policy=NO_RETRIES, proxies_from_env=False
        ) as transport,
        pytest.raises(ServiceResponseTimeoutError) as caught,
    ):
        transport.send(HttpRequest("GET", server.url))
    assert isinstance(caught.value.inner_exception, urllib3_errors.ReadTimeoutError)


def test_per_call_timeout_and_retry_policy_override(server: ScriptedServer, surface: str) -> None:
    # The answer comes well after the call's limit, and the limit is long enough that a busy
    # machine still connects within it: the timeout must be the response's, not the connect's.
    server.reply(200, delay=2.0)
    server.reply(503)
    with make_transport(surface, read_timeout=30.0) as transport:
        with pytest.raises(ServiceResponseTimeoutError):
            transport.send(HttpRequest("GET", server.url), timeout=0.5, retry_policy=NO_RETRIES)
        assert (
            transport.send(HttpRequest("GET", server.url), retry_policy=NO_RETRIES).status_code
            == 503
        )


NO_POOL: Any = None  # urllib3 only uses the pool for the message text


@pytest.mark.parametrize(
    ("error", "expected_type"),
    [
        (urllib3_errors.ConnectTimeoutError("connect timed out"), ServiceRequestTimeoutError),
        (urllib3_errors.NewConnectionError(NO_POOL, "refused"), ServiceRequestError),
        (
            urllib3_errors.NameResolutionError("nowhere.test", NO_POOL, OSError("dns")),  # type: ignore[arg-type]
            ServiceRequestError,
        ),
        (urllib3_errors.ReadTimeoutError(NO_POOL, "/", "timed out"), ServiceResponseTimeoutError),
        (urllib3_errors.ProtocolError("Connection aborted."), ServiceResponseError),
        (urllib3_errors.SSLError("bad certificate"), ServiceRequestError),
        (urllib3_errors.ProxyError("proxy down", OSError("x")), ServiceRequestError),
        (
            urllib3_errors.MaxRetryError(
                NO_POOL, "/", urllib3_errors.ReadTimeoutError(NO_POOL, "/", "t")
            ),
            ServiceResponseTimeoutError,
        ),
    ],
)
def test_urllib3_error_mapping(error: Exception, expected_type: type[Exception]) -> None:
    mapped = to_azure_error(error, HttpRequest("GET", "https://h/x"))
    assert getattr(type(mapped), "_azure_core_twin_of", type(mapped)) is expected_type
    unwrapped = error.reason if isinstance(error, urllib3_errors.MaxRetryError) else error
    assert mapped.inner_exception is unwrapped


def test_bad_url_error_does_not_echo_the_query() -> None:
    with (
        Urllib3Transport(proxies_from_env=False) as transport,
        pytest.raises(ServiceRequestError) as caught,
    ):
        transport.send(HttpRequest("GET", "http://[bad-host/x?sig=s3cret"))
    assert "s3cret" not in str(caught.value)


def test_caller_pool_manager_is_used_and_not_closed(server: ScriptedServer) -> None:
    class SpyPoolManager(urllib3.PoolManager):
        def __init__(self) -> None:
            super().__init__()
            self.sent = 0
            self.cleared = 0

        def urlopen(  # type: ignore[override]  # PoolManager narrows it the same way
            self, method: str, url: str, redirect: bool = True, **kw: Any
        ) -> Any:
            self.sent += 1
            return super().urlopen(method, url, redirect=redirect, **kw)

        def clear(self) -> None:
            self.cleared += 1
            super().clear()

    pool = SpyPoolManager()
    with Urllib3Transport(pool_manager=pool) as transport:
        assert transport.send(HttpRequest("GET", server.url)).status_code == 200
    assert pool.sent == 1
    assert pool.cleared == 0


def test_proxies_come_from_the_environment_once(
    server: ScriptedServer, closed_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.url)
    monkeypatch.setenv("http_proxy", server.url)
    server.reply(200, b"via proxy")
    with Urllib3Transport(retry_policy=NO_RETRIES) as transport:
        # Read once: changing the environment afterwards has no effect.
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port}")
        monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{closed_port}")
        response = transport.send(HttpRequest("GET", "http://example.test/thing?x=1"))
    assert response.body == b"via proxy"
    [seen] = server.requests
    assert seen.path == "http://example.test/thing?x=1"  # absolute-form: sent to a proxy


def test_no_proxy_and_loopback_bypass_the_proxy(
    server: ScriptedServer, closed_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead_proxy = f"http://127.0.0.1:{closed_port}"
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, dead_proxy)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "example.test")
    with Urllib3Transport(retry_policy=NO_RETRIES) as transport:
        # Loopback goes direct although a (dead) proxy is configured.
        assert transport.send(HttpRequest("GET", f"{server.url}/direct")).status_code == 200
        # NO_PROXY host goes direct: the failure is name resolution, not the dead proxy.
        with pytest.raises(ServiceRequestError) as caught:
            transport.send(HttpRequest("GET", "http://sub.example.test/x"))
    assert isinstance(caught.value.inner_exception, urllib3_errors.NameResolutionError)
    assert [r.path for r in server.requests] == ["/direct"]


def test_is_loopback_host() -> None:
    for host in ("localhost", "LOCALHOST", "127.0.0.1", "127.5.6.7", "::1", "[::1]"):
        assert is_loopback_host(host), host
    # A name under .localhost is loopback only if the resolver says so: not trusted as such.
    for host in (
        "example.com",
        "localhost.example.com",
        "10.0.0.1",
        "128.0.0.1",
        "",
        "a.localhost",
    ):
        assert not is_loopback_host(host), host


def test_one_transport_many_threads(server: ScriptedServer) -> None:
    failures: list[BaseException] = []
    with Urllib3Transport(proxies_from_env=False) as transport:

        def worker() -> None:
            try:
                for _ in range(10):
                    assert transport.send(HttpRequest("GET", server.url)).status_code == 200
            except BaseException as error:  # collected for the main thread
                failures.append(error)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    assert len(server.requests) == 80


def test_concurrent_requests_share_at_most_pool_maxsize_connections(
    server: ScriptedServer,
) -> None:
    server.reply(200, b"slow", delay=0.05, times=6)
    with Urllib3Transport(retry_policy=NO_RETRIES, pool_maxsize=2) as transport:
        threads = [
            threading.Thread(target=transport.send, args=(HttpRequest("GET", f"{server.url}/x"),))
            for _ in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        pool = transport._direct.connection_from_url(server.url)
        # Extra callers waited for a free connection instead of opening and discarding more.
        assert pool.num_connections == 2
    assert len(server.requests) == 6


def test_a_connection_used_by_a_limited_call_keeps_its_caller_s_timeouts_after(
    server: ScriptedServer,
) -> None:
    # The time left is set as the socket's timeout for each read and not put back: urllib3
    # sets the connection's own before the next request on it, for this runtime's calls and
    # for a caller's own use of its pool manager alike.
    server.reply(200, b"fast")
    server.reply(200, b"slow", delay=0.6)
    server.reply(200, b"fast")
    server.reply(200, b"slow", delay=0.6)
    pool = urllib3.PoolManager(maxsize=1, retries=False)
    with Urllib3Transport(retry_policy=NO_RETRIES, pool_manager=pool) as transport:
        transport.send(HttpRequest("GET", f"{server.url}/a"), timeout=0.3)
        assert transport.send(HttpRequest("GET", f"{server.url}/b")).body == b"slow"
        transport.send(HttpRequest("GET", f"{server.url}/c"), timeout=0.3)
    assert pool.request("GET", f"{server.url}/d").data == b"slow"  # outside the runtime
    assert pool.connection_from_url(server.url).num_connections == 1


def test_the_default_pool_serves_sixteen_threads_without_queueing(server: ScriptedServer) -> None:
    # Threads beyond the pool queue for a connection on every request (CPU and latency per
    # call): by default, a thread pool of 16 workers -- the workflows' default fan-out --
    # each gets its own connection, and one thread opens just one.
    server.reply(200, b"slow", delay=0.2, times=17)
    with Urllib3Transport(retry_policy=NO_RETRIES) as transport:
        assert transport.pool_maxsize == DEFAULT_POOL_MAXSIZE >= 16
        transport.send(HttpRequest("GET", f"{server.url}/x"))
        pool = transport._direct.connection_from_url(server.url)
        assert pool.num_connections == 1
        barrier = threading.Barrier(16)

        def worker() -> None:
            barrier.wait()
            transport.send(HttpRequest("GET", f"{server.url}/x"))

        threads = [threading.Thread(target=worker) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert pool.num_connections == 16
    assert len(server.requests) == 17


@pytest.mark.parametrize(("size", "error"), [(0, ValueError), (True, TypeError), (2.5, TypeError)])
def test_pool_maxsize_is_validated(size: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="pool_maxsize"):
        Urllib3Transport(pool_maxsize=size)


def test_a_saturated_pool_waits_no_longer_than_the_request_timeout(
    server: ScriptedServer,
) -> None:
    server.reply(200, b"slow", delay=1.0)
    with Urllib3Transport(
        retry_policy=NO_RETRIES, pool_maxsize=1, proxies_from_env=False
    ) as transport:
        holder = threading.Thread(
            target=transport.send, args=(HttpRequest("GET", f"{server.url}/held"),)
        )
        holder.start()
        while not server.requests:  # the one connection is now busy with the slow reply
            threading.Event().wait(0.005)
        with pytest.raises(ServiceRequestTimeoutError, match="free pooled connection"):
            transport.send(HttpRequest("GET", f"{server.url}/queued"), timeout=0.05)
        holder.join()
    assert [seen.path for seen in server.requests] == ["/held"]


def test_a_plain_url_goes_to_its_origins_pool_as_the_manager_would_send_it(
    server: ScriptedServer,
) -> None:
    with Urllib3Transport(proxies_from_env=False, retry_policy=NO_RETRIES) as transport:
        for path in ("/a/b?x=1&y=%7e", "/c%2fd?api-version=1", "/e f?q=a b"):
            transport.send(HttpRequest("GET", f"{server.url}{path}"))
        # The pool the manager holds for that origin, reached without the manager per request.
        pool = transport._direct.connection_from_url(server.url)
        assert transport._routes == {server.url: pool}
        assert pool.num_connections == 1
    # The target urllib3's manager would send: percent-encodings normalized, spaces encoded.
    assert [seen.path for seen in server.requests] == [
        "/a/b?x=1&y=%7E",
        "/c%2Fd?api-version=1",
        "/e%20f?q=a%20b",
    ]


@pytest.mark.parametrize(
    ("path", "sent"),
    [
        ("/a/../b?x=1", "/b?x=1"),  # dot segments: resolved by the manager, as before
        ("/a/./b", "/a/b"),
        ("/a/b#fragment", "/a/b"),  # the fragment is never sent
    ],
)
def test_urls_the_route_does_not_take_are_sent_as_before(
    server: ScriptedServer, path: str, sent: str
) -> None:
    with Urllib3Transport(proxies_from_env=False, retry_policy=NO_RETRIES) as transport:
        transport.send(HttpRequest("GET", f"{server.url}{path}"))
    [seen] = server.requests
    assert seen.path == sent


def test_a_closed_pool_is_looked_up_again_and_close_forgets_the_routes(
    server: ScriptedServer,
) -> None:
    with Urllib3Transport(proxies_from_env=False, retry_policy=NO_RETRIES) as transport:
        transport.send(HttpRequest("GET", f"{server.url}/one"))
        first = transport._routes[server.url]
        # A pool closed under the route (urllib3 1.x managers close the pools they evict).
        transport._direct.clear()
        first.close()
        assert transport.send(HttpRequest("GET", f"{server.url}/two")).status_code == 200
        again = transport._routes[server.url]
        assert again is not first and again.pool is not None
        transport.close()
        assert transport._routes == {}
        # Still usable after close, as before: a new pool is made.
        assert transport.send(HttpRequest("GET", f"{server.url}/three")).status_code == 200
    assert [seen.path for seen in server.requests] == ["/one", "/two", "/three"]


def test_no_more_origins_are_routed_than_the_manager_keeps_pools_for() -> None:
    with Urllib3Transport(proxies_from_env=False, retry_policy=NO_RETRIES) as transport:
        for index in range(25):  # routing makes a pool object; nothing connects
            pool, target = transport._route(f"https://host{index}.example/rc?x=1")
            assert (pool.host, target) == (f"host{index}.example", "/rc?x=1")
            assert len(transport._routes) <= transport._direct.pools._maxsize


@pytest.mark.parametrize(
    "rest",
    [
        "/a\r\nX-Injected: 1",  # request smuggling through the target: percent-encoded
        "/a?x=\r\nHost: evil.example",
        "/a HTTP/1.1\r\n\r\nGET /b",
        "/a\x00b\x7f\t",
        "//evil.example/x",
        "/%2e%2e/x",
        "/a%zz%41",
        "/é?ü=ö",
        "/x\\..\\y",
        "/a?x=/../y",
        "/" + "a" * 70000,
    ],
)
@pytest.mark.parametrize(
    "origin", ["https://Host.Example", "https://host.example:443", "http://h:0080"]
)
def test_a_routed_url_goes_where_and_as_the_manager_would_send_it(origin: str, rest: str) -> None:
    from urllib3.util.url import _encode_target

    with Urllib3Transport(proxies_from_env=False) as transport:
        opener, target = transport._route(origin + rest)  # nothing connects
        parsed = urllib3.util.parse_url(origin + rest)
        pool = transport._direct.connection_from_host(
            parsed.host, port=parsed.port, scheme=parsed.scheme
        )
        assert opener is pool
        # What the pool puts on the request line (it encodes the target it is given).
        assert _encode_target(target) == _encode_target(parsed.request_uri)
        assert not any(char in _encode_target(target) for char in "\r\n\x00 \t")


def test_a_routed_tls_request_is_verified_as_the_manager_s_would_be(
    tls_server: TlsServer,
) -> None:
    # With a path the URL takes the route to its origin's pool (the URLs above have none).
    url = f"{tls_server.server.url}/rc?api-version=1"
    with Urllib3Transport(proxies_from_env=False, retry_policy=NO_RETRIES) as transport:
        with pytest.raises(ServiceRequestError):
            transport.send(HttpRequest("GET", url))  # the test CA is not in the system store
        assert transport._routes  # the route was taken
    assert tls_server.server.requests == []
    tls_server.server.reply(200, b"{}", times=2)
    with Urllib3Transport(
        proxies_from_env=False, connection_verify=str(tls_server.ca_path)
    ) as transport:
        assert transport.send(HttpRequest("GET", url)).status_code == 200
        localhost = url.replace("127.0.0.1", "localhost")
        assert transport.send(HttpRequest("GET", localhost)).status_code == 200
        assert len(transport._routes) == 2
