"""``AiohttpTransport``: one pooled ``aiohttp.ClientSession``, TLS verification, timeouts,
retries by the same :class:`~..retry.RetryPolicy` as the sync transport.

aiohttp rather than httpx: it is what azure-core's async transport uses, and for this
workload (many small JSON requests, tens to hundreds in flight on one loop) it spent less
client CPU per request in ``bench/aio_transports.py``.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import logging
import time
from collections.abc import Mapping, MutableMapping
from types import TracebackType
from typing import Any, cast

import aiohttp
import yarl
from urllib3._collections import HTTPHeaderDict

from ..body import CHUNK_BYTES, DEFAULT_MAX_RESPONSE_BODY, _too_large, asks_for_compression
from ..exceptions import (
    AzureError,
    ResponseBodyTooLargeError,
    ServiceRequestError,
    ServiceRequestTimeoutError,
    ServiceResponseError,
    ServiceResponseTimeoutError,
)
from ..http import HttpRequest, HttpResponse
from ..origin import same_origin
from ..proxies import ProxyRules
from ..redact import SecretHeaders, redact_url
from ..redirects import MAX_REDIRECTS, redirect_target, without_credentials
from ..retry import RetryPolicy, log_retry
from ..transport import DEFAULT_POOL_MAXSIZE, _proxy_settings, _ssl_context, check_body_limit
from .attempt import AttemptConnector, AttemptLimit

__all__ = ["AiohttpTransport", "backoff_seconds"]

_NO_URL = yarl.URL()

_LOGGER = logging.getLogger("vmss_runcommands.runtime.retry")


def _give_up(failure: AzureError | None, response: HttpResponse | None) -> HttpResponse:
    """The last answer once retries are over, or the last failure when there was none."""
    if failure is not None:
        raise failure
    assert response is not None
    return response


def _has_retry_after(headers: Any) -> bool:
    return any(name in headers for name in ("Retry-After", "retry-after-ms", "x-ms-retry-after-ms"))


def backoff_seconds(policy: RetryPolicy, retries_so_far: int) -> float:
    """urllib3's exponential backoff, as the sync transport applies it: none before the first
    retry, then ``backoff_factor * 2 ** (n - 1)`` capped at ``backoff_max``."""
    if retries_so_far <= 1:
        return 0.0
    return float(min(policy.backoff_max, policy.backoff_factor * 2 ** (retries_so_far - 1)))


class AiohttpTransport:
    """Sends requests through one ``aiohttp.ClientSession`` (made on first use, in the loop
    that uses it); at most ``pool_maxsize`` connections per host. Proxies come from
    ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``NO_PROXY``, read once here, as in the sync transport;
    loopback hosts never go through a proxy. A caller-supplied ``session`` is used as is (its
    own proxy settings included) and not closed."""

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession | None = None,
        connection_verify: bool | str = True,
        connection_timeout: float = 30.0,
        read_timeout: float = 300.0,
        retry_policy: RetryPolicy | None = None,
        pool_maxsize: int = DEFAULT_POOL_MAXSIZE,
        max_response_body: int = DEFAULT_MAX_RESPONSE_BODY,
    ) -> None:
        check_body_limit("max_response_body", max_response_body)
        self._max_response_body = max_response_body
        if isinstance(pool_maxsize, bool) or not isinstance(pool_maxsize, int):
            raise TypeError(f"pool_maxsize must be an int, not {type(pool_maxsize).__name__}")
        if pool_maxsize < 1:
            raise ValueError(f"pool_maxsize must be >= 1, not {pool_maxsize}")
        self.pool_maxsize = pool_maxsize
        self._session = session
        self._owns_session = session is None
        self._connection_verify = connection_verify
        self._connection_timeout = connection_timeout
        self._read_timeout = read_timeout
        self._retry_policy = retry_policy if retry_policy is not None else RetryPolicy()
        # Each connect; the whole attempt is bounded by .attempt.AttemptLimit, which with our
        # own connector limits the answer to read_timeout after connecting -- tighter than a
        # limit on each read, which would only cost a timer per read. A caller's session
        # (whose connections the limit does not see) keeps the limit on each read too.
        self._socket_timeouts = aiohttp.ClientTimeout(
            total=None,
            sock_connect=connection_timeout,
            sock_read=None if session is None else read_timeout,
        )
        self._proxy_rules = ProxyRules(_proxy_settings() if session is None else {})
        self._has_proxies = bool(self._proxy_rules)
        # The proxies' logins, which the pipeline masks wherever it masks the request's secrets.
        self.proxy_secrets = self._proxy_rules.secret_values

    @property
    def retry_policy(self) -> RetryPolicy:
        """The policy applied when a call gives none."""
        return self._retry_policy

    def _session_now(self) -> aiohttp.ClientSession:
        session = self._session
        if session is None:
            connector = AttemptConnector(
                limit=0,
                limit_per_host=self.pool_maxsize,
                ssl=_ssl_context(self._connection_verify),
            )
            # Like the sync transport (http.client's default), Accept-Encoding: identity
            # unless the request asks for more: a session default the request's own header
            # replaces, which costs aiohttp less per request than skip_auto_headers.
            # Proxies come from the environment through ProxyRules, not trust_env: aiohttp's
            # would send a plain-http loopback request (bearer token included) through an
            # HTTP_PROXY, and read ~/.netrc credentials into requests that carry a token.
            session = self._session = aiohttp.ClientSession(
                connector=connector,
                trust_env=False,
                # No cookie state, as in the sync transport: a jar ignores ports, so a cookie
                # one origin set would follow a redirect to another port of the same host.
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=True,
                headers={"Accept-Encoding": "identity"},
            )
            # aiohttp silently sends a PUT or DELETE again when a kept-alive connection drops
            # before the answer; here the RetryPolicy alone decides, and a write whose answer
            # was lost is reconciled, never resent blindly (no public switch exists for this).
            if hasattr(session, "_retry_connection"):
                session._retry_connection = False
        return session

    async def send(
        self,
        request: HttpRequest,
        *,
        timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        max_response_body: int | None = None,
    ) -> HttpResponse:
        """Send ``request`` (retrying per the policy) and return the fully read response.

        Same contract as the sync transport: ``timeout`` is a wall-clock limit on the whole
        call (attempts, waits, redirects, body); the last response is returned once retries
        are exhausted; no response at all raises a ``ServiceRequestError`` /
        ``ServiceResponseError``; a body over the cap a ``ResponseBodyTooLargeError``.
        """
        policy = retry_policy if retry_policy is not None else self._retry_policy
        limit = self._max_response_body if max_response_body is None else max_response_body
        # Read only for a limit from the start of the call.
        started = 0.0 if timeout is None and policy.timeout is None else time.monotonic()
        call_ends = None if timeout is None else started + timeout
        retry_left = (
            policy.total > 0
            and policy.status > 0
            and (timeout is None or timeout > 0)
            and (policy.timeout is None or policy.timeout > 0)
        )
        try:
            response = await self._send_once(request, call_ends, limit, policy, retry_left)
        except ResponseBodyTooLargeError:
            raise  # an oversized answer is dropped, never asked for again
        except (ServiceRequestError, ServiceResponseError) as error:
            return await self._send_with_retries(
                request, timeout, policy, limit, error, None, started
            )
        status = response.status_code
        if status < 400 or not policy.should_retry_response(
            request.method, status, has_retry_after=_has_retry_after(response.headers)
        ):
            return response
        return await self._send_with_retries(
            request, timeout, policy, limit, None, response, started
        )

    async def _send_with_retries(
        self,
        request: HttpRequest,
        timeout: float | None,
        policy: RetryPolicy,
        limit: int,
        first_failure: AzureError | None,
        first_response: HttpResponse | None,
        started: float,
    ) -> HttpResponse:
        """The rest of :meth:`send` once the first attempt failed or asks for a retry; kept
        apart so that a first answer that needs no retry costs no retry bookkeeping."""
        call_ends = None if timeout is None else started + timeout
        # No retry (nor wait) starts after the policy's own limit or the call's.
        limits = [started + t for t in (timeout, policy.timeout) if t is not None]
        give_up_at = min(limits) if limits else None
        left = {"total": policy.total, "connect": policy.connect, "read": policy.read}
        left["status"] = policy.status
        retries = 0
        response: HttpResponse | None = first_response
        failure: AzureError | None = first_failure
        first = True
        while True:
            wait: float | None = None
            kind: str
            if first:
                first = False
                if failure is None:
                    assert response is not None
                    kind = "status"
                    wait = policy.retry_after(response.status_code, response.headers)
                elif isinstance(failure, ServiceRequestError):  # nothing reached the server
                    kind = "connect"
                else:  # sent; the answer was lost
                    if request.method.upper() not in policy.retry_on_methods:
                        raise failure
                    kind = "read"
            else:
                retry_left = left["total"] > 0 and left["status"] > 0
                if give_up_at is not None and give_up_at <= time.monotonic():
                    retry_left = False
                try:
                    response = await self._send_once(request, call_ends, limit, policy, retry_left)
                except ResponseBodyTooLargeError:
                    raise
                except ServiceRequestError as error:
                    kind, failure = "connect", error
                except ServiceResponseError as error:
                    if request.method.upper() not in policy.retry_on_methods:
                        raise
                    kind, failure = "read", error
                else:
                    if not policy.should_retry_response(
                        request.method,
                        response.status_code,
                        has_retry_after=_has_retry_after(response.headers),
                    ):
                        return response
                    kind, failure = "status", None
                    wait = policy.retry_after(response.status_code, response.headers)
            if left["total"] <= 0 or left[kind] <= 0:
                return _give_up(failure, response)
            left["total"] -= 1
            left[kind] -= 1
            retries += 1
            seconds = wait if wait else backoff_seconds(policy, retries)
            if give_up_at is not None:
                time_left = give_up_at - time.monotonic()
                if time_left <= 0:
                    return _give_up(failure, response)
                seconds = max(0.0, min(seconds, time_left))
            # As the sync transport words it: the status, or the error's type.
            cause = type(failure).__name__ if failure is not None else kind
            if failure is None and response is not None:
                cause = f"status {response.status_code}"
            log_retry(retries, request.method, request.url, cause, seconds)
            if seconds > 0:
                if policy.sleep is time.sleep:
                    await asyncio.sleep(seconds)
                else:  # a policy's own sleep (tests pass one so that nothing waits)
                    policy.sleep(seconds)

    async def _send_once(
        self,
        request: HttpRequest,
        give_up_at: float | None,
        limit: int,
        policy: RetryPolicy,
        retry_left: bool,
    ) -> HttpResponse:
        """One attempt; redirects followed by the sync transport's rules (never with a body,
        never with credentials to another origin, at most ``MAX_REDIRECTS``). An answer that
        will be retried (``retry_left`` and the policy says so) is not read: its body could
        be endless."""
        method, url, headers = request.method, request.url, request.headers
        # Most name no Accept-Encoding: looked for in C first.
        decode = "accept-encoding" in map(str.lower, headers) and asks_for_compression(headers)
        session = self._session or self._session_now()
        try:
            for _ in range(MAX_REDIRECTS + 1):
                if give_up_at is not None and give_up_at <= time.monotonic():
                    raise ServiceRequestTimeoutError(
                        f"The call's time limit passed before {_target_text(request)} could be sent"
                    )
                # As in the sync transport, the read timeout bounds the whole answer of an
                # attempt (after connecting), not only each read: see .attempt.
                attempt = AttemptLimit(
                    self._connection_timeout,
                    self._read_timeout,
                    give_up_at,
                    # Worded (the URL redacted) only for a timeout's message.
                    functools.partial(_target_text, request),
                    tracks_connect=self._owns_session,
                )
                target_url = yarl.URL(url, encoded=True)
                proxy, proxy_login = (
                    self._proxy_for(target_url) if self._has_proxies else (None, None)
                )
                sent_headers: Any = headers
                proxy_headers: SecretHeaders | None = None
                if proxy_login is not None:
                    # A forwarded http request carries the proxy's login itself; a tunnel
                    # (https) sends it on CONNECT only. (SecretHeaders: no repr shows it.)
                    if target_url.scheme == "http":
                        sent_headers = SecretHeaders(headers)
                        sent_headers.update(proxy_login)
                    else:
                        proxy_headers = proxy_login
                with attempt:
                    async with session.request(
                        method,
                        # Sent as built: the path is percent-encoded already; no re-quoting.
                        target_url,
                        proxy=proxy,
                        proxy_headers=proxy_headers,
                        data=request.body,
                        headers=sent_headers,
                        timeout=self._socket_timeouts,
                        allow_redirects=False,
                        # Only what the caller asked for is inflated, as in the sync transport.
                        auto_decompress=decode,
                    ) as raw:
                        status = raw.status
                        target = (
                            redirect_target(cast(Any, raw), request, url)
                            if 300 <= status < 400
                            else None
                        )
                        if target is None:
                            raw_headers = raw.headers
                            if (
                                retry_left
                                and status >= 400
                                and policy.should_retry_response(
                                    method, status, has_retry_after=_has_retry_after(raw_headers)
                                )
                            ):
                                raw.close()
                                body = b""
                            elif (length := raw.content_length) is not None and not (
                                decode and _encoded(raw)
                            ):
                                # The body as announced (no inflating): the parser stops at
                                # that length, so one read, bounded by this check.
                                if length > limit:
                                    raise _too_large(request, limit, f"announces {length} bytes")
                                body = await raw.read()
                            else:
                                body = await _read_capped(raw, request, limit)
                            return HttpResponse(
                                status_code=status,
                                reason=raw.reason or "",
                                headers=_header_dict(raw_headers),
                                body=body,
                                request=request,
                            )
                        if not same_origin(target, url):
                            headers = without_credentials(headers)
                        if status == 303 and method not in ("GET", "HEAD"):
                            method = "GET"
                        url = target
        except AzureError:
            raise
        except BaseException as error:
            raise to_azure_error(error, _target_text(request)) from None
        finally:
            # A traceback rendered with its frames' locals would show the URLs as they are,
            # a status link's signature included (the headers are SecretHeaders).
            url = ""
            target_url = _NO_URL
        raise ServiceResponseError(
            f"More than {MAX_REDIRECTS} redirects for {_target_text(request)}"
        )

    def _proxy_for(self, url: yarl.URL) -> tuple[yarl.URL | None, SecretHeaders | None]:
        """The proxy for ``url`` (never for a loopback host) and the ``Proxy-Authorization``
        header made from the proxy URL's userinfo, as the sync transport sends it."""
        if not self._proxy_rules:
            return None, None
        proxy = self._proxy_rules.proxy_for(url.scheme, url.host or "")
        if proxy is None:
            return None, None
        parsed = yarl.URL(proxy)
        if parsed.user is None:
            return parsed, None
        login = f"{parsed.user}:{parsed.password or ''}".encode()
        value = f"Basic {base64.b64encode(login).decode('ascii')}"
        return parsed.with_user(None), SecretHeaders({"Proxy-Authorization": value})

    async def close(self) -> None:
        """Close the session (a caller-supplied one is left open)."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> AiohttpTransport:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"AiohttpTransport(pool_maxsize={self.pool_maxsize})"


def _encoded(raw: aiohttp.ClientResponse) -> bool:
    return raw.headers.get("Content-Encoding", "identity").strip().lower() != "identity"


def _header_dict(headers: Mapping[str, str]) -> HTTPHeaderDict:
    """aiohttp's response headers as the runtime's ``HTTPHeaderDict`` (repeated names kept,
    read joined, as urllib3 reads them), filled as ``HTTPHeaderDict.add`` would fill it
    without a method call and a ``setdefault`` per header."""
    result = HTTPHeaderDict()
    container: MutableMapping[str, list[str]] = result._container
    for name, value in headers.items():
        lowered = name.lower()
        entry = container.get(lowered)
        if entry is None:
            container[lowered] = [name, value]
        else:
            entry.append(value)
    return result


def _target_text(request: HttpRequest) -> str:
    """The request as an error message names it: its method and redacted URL."""
    return f"{request.method} {redact_url(request.url)}"


async def _read_capped(raw: aiohttp.ClientResponse, request: HttpRequest, limit: int) -> bytes:
    """A body of unannounced size or inflated (an announced one is read in ``_send_once``),
    or ``ResponseBodyTooLargeError`` as soon as it exceeds ``limit`` bytes; the same rule as
    the sync ``body.read_body``."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in raw.content.iter_chunked(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise _too_large(request, limit, "is larger")
        chunks.append(chunk)
    return b"".join(chunks)


def to_azure_error(error: BaseException, target: str) -> BaseException:
    """The runtime exception for an aiohttp failure; messages name the type, never the raw
    text (which may repeat header values). Cancellation passes through untouched."""
    if isinstance(error, asyncio.CancelledError | KeyboardInterrupt | SystemExit):
        return error
    name = type(error).__name__
    if isinstance(error, aiohttp.ConnectionTimeoutError):
        return ServiceRequestTimeoutError(f"Timed out connecting for {target} ({name})")
    if isinstance(error, asyncio.TimeoutError | aiohttp.ServerTimeoutError):
        return ServiceResponseTimeoutError(
            f"Timed out waiting for the response to {target} ({name})"
        )
    if isinstance(error, aiohttp.ClientConnectorError):
        return ServiceRequestError(f"Cannot connect for {target} ({name})")
    if isinstance(error, aiohttp.InvalidURL | ValueError):
        return ServiceRequestError(f"Invalid URL or request for {target} ({name})")
    if isinstance(
        error,
        aiohttp.ServerDisconnectedError
        | aiohttp.ClientPayloadError
        | aiohttp.ClientResponseError
        | aiohttp.ClientOSError,
    ):
        return ServiceResponseError(f"Failed reading the response to {target} ({name})")
    if isinstance(error, aiohttp.ClientError | OSError):
        return ServiceRequestError(f"Cannot send {target} ({name})")
    return error


# pyright --strict (nox -s lint): this async driver reuses the sync classes' own rules (their
# underscored helpers, inside this package) rather than copying them.
# pyright: reportPrivateUsage=false
