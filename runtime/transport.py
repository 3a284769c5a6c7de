"""Sending an :class:`HttpRequest` over urllib3: pooling, TLS, proxies, timeouts and retries."""

from __future__ import annotations

import os
import re
import ssl
import sys
import threading
import time
from types import TracebackType
from typing import Any
from urllib.parse import unquote

import urllib3
from urllib3 import exceptions as urllib3_errors
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.util import Timeout, make_headers, parse_url

from .body import DEFAULT_MAX_RESPONSE_BODY, read_body
from .body import asks_for_compression as _asks_for_compression
from .deadline import call_deadline, deadline_pool_classes, install_deadlines
from .exceptions import (
    AzureError,
    InvalidHeaderValueError,
    ServiceRequestError,
    ServiceRequestTimeoutError,
    ServiceResponseError,
    ServiceResponseTimeoutError,
)
from .http import HttpRequest, HttpResponse
from .origin import is_loopback_host, same_origin
from .proxies import ProxySettings, proxy_secret_values
from .redact import SecretHeaders, redact_url
from .redirects import MAX_REDIRECTS, REDIRECT_STATUSES, redirect_target, without_credentials
from .retry import ArmRetry, RetryPolicy

DEFAULT_POOL_MAXSIZE = 32
"""Connections kept per host. Opened only as concurrent calls need them, so a single-threaded
caller holds one; 32 is the most worker threads ``concurrent.futures.ThreadPoolExecutor``
starts by default, twice the workflows' default fan-out. With fewer connections than threads
sharing a client, the threads beyond it queue for a connection on every request: measured
with 16 threads on the default of 10, about 3x the context switches and 20-25% more client
CPU per operation than with 16."""

# Retry and Timeout objects kept per transport before starting over (callers passing a new
# policy or timeout to every call must not grow the cache without bound).
_CACHED_PER_KIND = 32

# An absolute URL whose origin and request target urllib3 reads exactly as written: a
# lower-case http(s) scheme, an authority of plain host characters (a name or IPv4 address,
# maybe a port) and a target without a fragment. Anything else goes through the pool
# manager's own parsing.
# Origins whose pool is remembered: urllib3's PoolManager default of pools kept (num_pools).
_ROUTED_ORIGINS = 10
_PLAIN_URL = re.compile(r"(https?://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?)(/[^#]*)\Z")


class Urllib3Transport:
    """Sends requests through one long-lived urllib3 pool; safe to share between threads.

    TLS certificates are verified against the system CA store unless ``connection_verify`` is a
    CA bundle path (use that bundle) or ``False`` (no verification). Proxies come from
    ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``NO_PROXY``, read once here; loopback hosts never go
    through a proxy. At most ``pool_maxsize`` connections per host are open at
    a time: further concurrent requests wait for a free one instead of opening (and then
    discarding) extra connections. A caller-supplied ``pool_manager`` keeps its own proxy, TLS
    and pool settings and is not closed by :meth:`close`; its pool classes are swapped for
    subclasses of themselves that honour the same wall-clock limits (connect, status line,
    headers, body) inside this transport's calls, and behave as before outside them.
    """

    def __init__(
        self,
        *,
        pool_manager: urllib3.PoolManager | None = None,
        connection_verify: bool | str = True,
        connection_timeout: float = 30.0,
        read_timeout: float = 300.0,
        retry_policy: RetryPolicy | None = None,
        proxies_from_env: bool = True,
        pool_maxsize: int = DEFAULT_POOL_MAXSIZE,
        max_response_body: int = DEFAULT_MAX_RESPONSE_BODY,
    ) -> None:
        self._max_response_body = check_body_limit("max_response_body", max_response_body)
        if isinstance(pool_maxsize, bool) or not isinstance(pool_maxsize, int):
            raise TypeError(f"pool_maxsize must be an int, not {type(pool_maxsize).__name__}")
        if pool_maxsize < 1:
            raise ValueError(f"pool_maxsize must be >= 1, not {pool_maxsize}")
        self.pool_maxsize = pool_maxsize
        self._connection_timeout = connection_timeout
        self._read_timeout = read_timeout
        self._retry_policy = retry_policy if retry_policy is not None else RetryPolicy()
        self._owns_pools = pool_manager is None
        self._proxy_managers: dict[str, urllib3.PoolManager] = {}
        self._no_proxy: tuple[str, ...] = ()
        self._bypass_all_proxies = False
        self._bypass_cache: dict[str, bool] = {}
        if pool_manager is not None:
            # Its pools get the same wall-clock limits as the transport's own (see
            # install_deadlines: its classes are subclassed, its settings kept).
            install_deadlines(pool_manager)
        self._direct_pool = pool_manager
        self._pools_lock = threading.Lock()
        self._connection_verify = connection_verify
        # A CA bundle of the caller's is small and read now, so a wrong path fails here; the
        # system store (tens of milliseconds to load) waits for the first request.
        self._ssl_context = (
            _ssl_context(connection_verify) if isinstance(connection_verify, str) else None
        )
        self._proxies: dict[str, str] = ProxySettings()
        self._retries: dict[int, ArmRetry] = {}
        self._timeouts: dict[float | None, Timeout] = {}
        # "scheme://authority" -> the direct manager's pool for it (see _route).
        self._routes: dict[str, HTTPConnectionPool] = {}
        if pool_manager is None and proxies_from_env:
            self._proxies = ProxySettings(_proxy_settings())
            self._configure_no_proxy(self._proxies)
        # The proxies' logins, which the pipeline masks wherever it masks the request's secrets.
        self.proxy_secrets = proxy_secret_values(
            [self._proxies.get("http"), self._proxies.get("https"), _proxy_url_of(pool_manager)]
        )

    @property
    def _direct(self) -> urllib3.PoolManager:
        """The pool manager of direct connections; made, with the proxies', on first use."""
        pool = self._direct_pool
        if pool is None:
            with self._pools_lock:
                pool = self._direct_pool
                if pool is None:
                    ssl_context = self._ssl_context or _ssl_context(self._connection_verify)
                    self._configure_proxies(self._proxies, ssl_context)
                    pool = urllib3.PoolManager(
                        ssl_context=ssl_context, maxsize=self.pool_maxsize, block=True
                    )
                    pool.pool_classes_by_scheme = deadline_pool_classes()
                    self._direct_pool = pool
        return pool

    def _configure_proxies(self, proxies: dict[str, str], ssl_context: ssl.SSLContext) -> None:
        by_url: dict[str, urllib3.PoolManager] = {}
        for scheme in ("http", "https"):
            proxy_url = proxies.get(scheme)
            if not proxy_url:
                continue
            if proxy_url not in by_url:
                by_url[proxy_url] = _proxy_manager(proxy_url, ssl_context, self.pool_maxsize)
            self._proxy_managers[scheme] = by_url[proxy_url]

    def _configure_no_proxy(self, proxies: dict[str, str]) -> None:
        no_proxy = proxies.get("no", "")
        self._bypass_all_proxies = no_proxy.strip() == "*"
        self._no_proxy = tuple(
            entry.strip().lstrip(".").lower() for entry in no_proxy.split(",") if entry.strip()
        )

    def send(
        self,
        request: HttpRequest,
        *,
        timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        max_response_body: int | None = None,
    ) -> HttpResponse:
        """Send ``request`` (retrying per the policy) and return the fully read response.

        ``timeout`` is a wall-clock limit in seconds on the whole call -- connecting, every
        attempt and wait, redirects, the status line, headers and the body -- on top of the
        transport's per-operation connection/read timeouts. ``retry_policy`` replaces the
        transport's for this call; ``max_response_body`` its body cap. Raises
        :class:`ServiceRequestError` / :class:`ServiceResponseError` (or their timeout
        subclasses) when no response could be obtained, :class:`ResponseBodyTooLargeError`
        for a body over the cap and :class:`RedirectNotFollowedError` for a redirect answered
        to a request with a body.
        """
        policy = retry_policy if retry_policy is not None else self._retry_policy
        limit = self._max_response_body if max_response_body is None else max_response_body
        give_up_at = None if timeout is None else time.monotonic() + timeout
        # Only what the caller asked for is inflated: by default urllib3 sends
        # "Accept-Encoding: identity", and a compressed answer to that is kept as it came.
        decode = _asks_for_compression(request.headers)
        try:
            if give_up_at is None and self._owns_pools:
                # The transport's own pools bound every answer by the read timeout, and by an
                # enclosing call's limit, without being told: nothing to set for this call.
                raw, body = self._exchange(request, policy, timeout, None, decode, limit)
            else:
                with call_deadline(give_up_at):
                    raw, body = self._exchange(request, policy, timeout, give_up_at, decode, limit)
        except (urllib3_errors.HTTPError, ValueError) as error:
            if isinstance(error, InvalidHeaderValueError):
                raise
            failure = to_azure_error(error, request)
        else:
            return HttpResponse(
                status_code=raw.status,
                reason=raw.reason or "",
                headers=raw.headers,
                body=body,
                request=request,
            )
        # Raised outside the handler, so urllib3's own error is neither the cause nor the
        # context: its text repeats the URL with its query (a signed poll link's signature)
        # or raw header values (tokens). The cause is the unwrapped reason, or nothing.
        raise failure from failure.inner_exception

    def _exchange(
        self,
        request: HttpRequest,
        policy: RetryPolicy,
        timeout: float | None,
        give_up_at: float | None,
        decode: bool,
        limit: int,
    ) -> tuple[urllib3.BaseHTTPResponse, bytes]:
        """The response (redirects followed) and its whole body."""
        raw = self._open(request, policy, timeout, give_up_at, decode)
        try:
            body = read_body(
                raw, limit=limit, decode=decode, request=request, give_up_at=give_up_at
            )
        except BaseException:
            raw.close()
            raise
        return raw, body

    def _open(
        self,
        request: HttpRequest,
        policy: RetryPolicy,
        timeout: float | None,
        give_up_at: float | None,
        decode: bool,
    ) -> urllib3.BaseHTTPResponse:
        """The response whose body is still to be read; redirects followed (see
        :func:`redirect_target`), never with a body, never with credentials to another origin."""
        method, url, headers = request.method, request.url, request.headers
        retries = self._retries.get(id(policy)) if give_up_at is None else None
        if retries is None or retries.policy is not policy or policy.timeout is not None:
            retries = self._urllib3_retry(policy, give_up_at)
        urllib3_timeout = self._timeouts.get(timeout)
        if urllib3_timeout is None:
            urllib3_timeout = self._urllib3_timeout(timeout)
        # A full pool blocks; without a bound a saturated pool would wait forever. (urllib3's
        # pools annotate it as an int, and take any number.)
        pool_timeout: Any = (
            timeout if timeout is not None else self._connection_timeout + self._read_timeout
        )
        for _ in range(MAX_REDIRECTS + 1):
            opener, sent_url = self._route(url)
            try:
                raw = opener.urlopen(
                    method,
                    sent_url,
                    body=request.body,
                    headers=headers,
                    retries=retries,
                    timeout=urllib3_timeout,
                    redirect=False,
                    assert_same_host=False,
                    preload_content=False,
                    decode_content=decode,
                    pool_timeout=pool_timeout,
                )
            except urllib3_errors.ClosedPoolError:
                if not isinstance(opener, HTTPConnectionPool):
                    raise
                # The manager closed the pool just routed to (it keeps a bounded number):
                # once more through the manager, which makes a new one.
                self._routes.clear()
                raw = self._pool_for(url).urlopen(
                    method,
                    url,
                    body=request.body,
                    headers=headers,
                    retries=retries,
                    timeout=urllib3_timeout,
                    redirect=False,
                    preload_content=False,
                    decode_content=decode,
                    pool_timeout=pool_timeout,
                )
            if raw.status not in REDIRECT_STATUSES:
                return raw
            target = redirect_target(raw, request, url)
            if target is None:
                return raw
            raw.close()
            if not same_origin(target, url):
                headers = without_credentials(headers)
            if raw.status == 303 and method not in ("GET", "HEAD"):
                method = "GET"
            url = target
        raise ServiceResponseError(
            f"More than {MAX_REDIRECTS} redirects for {request.method} {redact_url(request.url)}"
        )

    # urllib3 never changes a Retry or a Timeout it is given (each attempt makes a new Retry,
    # each connection a copy of the Timeout), so one of each per policy and per timeout will
    # do; building and validating them anew was a measurable part of every request.

    def _urllib3_retry(self, policy: RetryPolicy, give_up_at: float | None = None) -> ArmRetry:
        if give_up_at is not None:  # no retry (nor wait) may outlast the call's deadline
            if policy.timeout is not None:
                give_up_at = min(give_up_at, time.monotonic() + policy.timeout)
            return ArmRetry(policy=policy, give_up_at=give_up_at)
        if policy.timeout is not None:  # its clock starts when the Retry is made
            return policy.to_urllib3()
        cached = self._retries.get(id(policy))
        # The cached Retry holds its policy, so an id cannot be reused while it is cached.
        if cached is None or cached.policy is not policy:
            if len(self._retries) >= _CACHED_PER_KIND:
                self._retries.clear()
            cached = self._retries[id(policy)] = policy.to_urllib3()
        return cached

    def _urllib3_timeout(self, timeout: float | None) -> Timeout:
        cached = self._timeouts.get(timeout)
        if cached is None:
            if len(self._timeouts) >= _CACHED_PER_KIND:
                self._timeouts.clear()
            cached = self._timeouts[timeout] = Timeout(
                total=timeout, connect=self._connection_timeout, read=self._read_timeout
            )
        return cached

    def _route(self, url: str) -> tuple[urllib3.PoolManager | HTTPConnectionPool, str]:
        """What to call ``urlopen`` on for ``url``, and the URL to give it.

        For a plain URL going direct, the pool of its origin and the request target: the pool
        manager would parse the whole URL again and look its pool up by a key built anew for
        every request, the same pool every time. The target is what the manager would send
        (it percent-encodes the same characters the pool does); a path with dot segments,
        which the manager resolves, goes through the manager. Proxied URLs, a caller's pool
        manager and any other URL go through the manager too.
        """
        match = _PLAIN_URL.match(url)
        if match is None or self._proxies or not self._owns_pools:
            # (the proxy managers are made on first use; a caller's manager is asked itself)
            return self._pool_for(url), url
        prefix, target = match.groups()
        if "/." in target and "/." in target.partition("?")[0]:
            return self._pool_for(url), url
        pool = self._routes.get(prefix)
        if pool is None or pool.pool is None:  # never routed, or closed by its manager
            manager = self._direct
            parts = parse_url(prefix)
            pool = manager.connection_from_host(parts.host, port=parts.port, scheme=parts.scheme)
            # No more origins than the manager keeps pools for (it drops the least recently
            # used beyond that): this cache never keeps more pools alive than it would.
            if len(self._routes) >= _ROUTED_ORIGINS:
                self._routes.clear()
            # Benign race: two threads may both look the pool up; they find the same one.
            self._routes[prefix] = pool
        return pool, target

    def _pool_for(self, url: str) -> urllib3.PoolManager:
        direct = self._direct
        if not self._proxy_managers:
            return direct
        parts = parse_url(url)
        proxy = self._proxy_managers.get((parts.scheme or "").lower())
        if proxy is None or self._bypasses_proxy((parts.host or "").strip("[]")):
            return direct
        return proxy

    def _bypasses_proxy(self, host: str) -> bool:
        cached = self._bypass_cache.get(host)
        if cached is None:
            cached = (
                self._bypass_all_proxies
                or is_loopback_host(host)
                or any(host == entry or host.endswith("." + entry) for entry in self._no_proxy)
            )
            # Benign race: two threads may compute the same answer.
            self._bypass_cache[host] = cached
        return cached

    @property
    def retry_policy(self) -> RetryPolicy:
        """The policy of a call that does not bring its own."""
        return self._retry_policy

    def close(self) -> None:
        """Close the pools this transport created (a caller-supplied pool is left open)."""
        if not self._owns_pools or self._direct_pool is None:
            return
        self._routes.clear()
        self._direct_pool.clear()
        for manager in self._proxy_managers.values():
            manager.clear()

    def __enter__(self) -> Urllib3Transport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        proxied = sorted(self._proxy_managers)
        return (
            f"Urllib3Transport(connection_timeout={self._connection_timeout}, "
            f"read_timeout={self._read_timeout}, proxied_schemes={proxied})"
        )


def _proxy_settings() -> dict[str, str]:
    """``urllib.request.getproxies()``, without importing that large module when it could only
    find nothing: elsewhere than macOS and Windows it reads just the ``*_proxy`` variables."""
    if sys.platform not in ("darwin", "win32") and not any(
        name[-6:].lower() == "_proxy" for name in os.environ
    ):
        return {}
    import urllib.request

    return urllib.request.getproxies()


def _ssl_context(connection_verify: bool | str) -> ssl.SSLContext:
    if connection_verify is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if connection_verify is True:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=connection_verify)


def _proxy_url_of(pool_manager: urllib3.PoolManager | None) -> str | None:
    """The URL (with its login) of a caller's ``ProxyManager``, as urllib3 keeps it."""
    proxy = getattr(pool_manager, "proxy", None)
    if proxy is None:
        return None
    url = getattr(proxy, "url", None)
    return url if isinstance(url, str) else None


def _proxy_manager(
    proxy_url: str, ssl_context: ssl.SSLContext, pool_maxsize: int
) -> urllib3.ProxyManager:
    parsed = parse_url(proxy_url)
    auth = parsed.auth
    # The login goes in the header only, not in the URL urllib3 keeps (and shows) as well.
    proxy_headers = SecretHeaders(make_headers(proxy_basic_auth=unquote(auth))) if auth else None
    manager = urllib3.ProxyManager(
        parsed._replace(auth=None).url,
        proxy_headers=proxy_headers,
        ssl_context=ssl_context,
        maxsize=pool_maxsize,
        block=True,
    )
    manager.pool_classes_by_scheme = deadline_pool_classes()
    return manager


def check_body_limit(name: str, value: object) -> int:
    """``value`` as a response body cap in bytes; ``TypeError``/``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int (bytes), not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, not {value}")
    return value


def to_azure_error(error: BaseException, request: HttpRequest) -> AzureError:
    """The runtime exception for a urllib3 failure (``MaxRetryError`` unwrapped to its reason)."""
    if isinstance(error, urllib3_errors.MaxRetryError) and error.reason is not None:
        error = error.reason
    if isinstance(error, urllib3_errors.ProxyError) and isinstance(
        error.original_error, urllib3_errors.ConnectTimeoutError
    ):
        error = error.original_error
    target = f"{request.method} {redact_url(request.url)}"
    if isinstance(error, ValueError):
        # The text of a URL/header validation error repeats the raw value, secrets included.
        what = "URL" if isinstance(error, urllib3_errors.LocationValueError) else "request"
        return ServiceRequestError(f"Invalid {what} for {target} ({type(error).__name__})")
    if isinstance(error, urllib3_errors.EmptyPoolError):
        return ServiceRequestTimeoutError(
            f"Timed out waiting for a free pooled connection for {target}", inner_exception=error
        )
    # NewConnectionError subclasses ConnectTimeoutError in urllib3 2.x: test it first.
    if isinstance(error, urllib3_errors.NameResolutionError):
        return ServiceRequestError(
            f"Cannot resolve host for {target}: {error}", inner_exception=error
        )
    if isinstance(error, urllib3_errors.NewConnectionError):
        return ServiceRequestError(f"Cannot connect for {target}: {error}", inner_exception=error)
    if isinstance(error, urllib3_errors.ConnectTimeoutError):
        return ServiceRequestTimeoutError(
            f"Timed out connecting for {target}: {error}", inner_exception=error
        )
    if isinstance(error, urllib3_errors.ReadTimeoutError):
        return ServiceResponseTimeoutError(
            f"Timed out waiting for the response to {target}: {error}", inner_exception=error
        )
    if isinstance(error, (urllib3_errors.SSLError, urllib3_errors.ProxyError)):
        return ServiceRequestError(f"Cannot connect for {target}: {error}", inner_exception=error)
    if isinstance(
        error,
        (
            urllib3_errors.ProtocolError,
            urllib3_errors.DecodeError,
            urllib3_errors.ResponseError,
            urllib3_errors.IncompleteRead,
            urllib3_errors.InvalidChunkLength,
            urllib3_errors.InvalidHeader,
        ),
    ):
        return ServiceResponseError(
            f"Failed reading the response to {target}: {error}", inner_exception=error
        )
    return ServiceRequestError(f"Cannot send {target}: {error}", inner_exception=error)
