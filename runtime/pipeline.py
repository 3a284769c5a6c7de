"""What happens to every request: request id, User-Agent, Accept, auth, logging, transport."""

from __future__ import annotations

import functools
import http
import logging
import os
import platform
import random
import time
from collections.abc import Callable, Mapping

from .auth import BearerTokenPolicy
from .exceptions import AzureError, InvalidHeaderValueError
from .headers import check_header
from .http import HttpRequest, HttpResponse
from .redact import (
    NO_SECRET_VALUES,
    REDACTED,
    SecretHeaders,
    SecretValues,
    mask_text,
    preview_window,
    redact_json_bytes,
    redact_url,
    secret_values_in_body,
)
from .redirects import CREDENTIAL_HEADERS
from .retry import RetryPolicy
from .transport import Urllib3Transport

# The credential headers among a request's header names, per tuple of names: requests repeat
# a few layouts (a poll's, a write's), so their names are not lowered and compared anew for
# every request. Names only (never a value); a bounded number of layouts.
_CREDENTIAL_NAMES_BY_LAYOUT: dict[tuple[str, ...], tuple[str, ...]] = {}
_REMEMBERED_LAYOUTS = 256


def _credential_header_names(headers: Mapping[str, str]) -> tuple[str, ...]:
    layout = tuple(headers)
    names = _CREDENTIAL_NAMES_BY_LAYOUT.get(layout)
    if names is None:
        names = tuple(name for name in layout if name.lower() in CREDENTIAL_HEADERS)
        if len(_CREDENTIAL_NAMES_BY_LAYOUT) < _REMEMBERED_LAYOUTS:
            _CREDENTIAL_NAMES_BY_LAYOUT[layout] = names
    return names


# The package this module was installed in ("vmss_runcommands", or wherever a vendored copy
# lives), so a vendored copy logs under its own name.
LOGGER_NAME = __name__.rsplit(".", 2)[0]

DEBUG_BODY_LIMIT = 16384
"""Characters of a (redacted) body written to a DEBUG log line."""

# azure-core's HttpLoggingPolicy allowlist plus ARM's additions (ARMHttpLoggingPolicy).
LOGGED_HEADERS = frozenset(
    name.lower()
    for name in (
        "x-ms-request-id",
        "x-ms-client-request-id",
        "x-ms-return-client-request-id",
        "x-ms-error-code",
        "traceparent",
        "Accept",
        "Cache-Control",
        "Connection",
        "Content-Length",
        "Content-Type",
        "Date",
        "ETag",
        "Expires",
        "If-Match",
        "If-Modified-Since",
        "If-None-Match",
        "If-Unmodified-Since",
        "Last-Modified",
        "Pragma",
        "Request-Id",
        "Retry-After",
        "Server",
        "Transfer-Encoding",
        "User-Agent",
        "WWW-Authenticate",
        "x-msedge-ref",
        "x-ms-ratelimit-remaining-subscription-reads",
        "x-ms-ratelimit-remaining-subscription-writes",
        "x-ms-ratelimit-remaining-tenant-reads",
        "x-ms-ratelimit-remaining-tenant-writes",
        "x-ms-ratelimit-remaining-subscription-resource-requests",
        "x-ms-ratelimit-remaining-subscription-resource-entities-read",
        "x-ms-ratelimit-remaining-tenant-resource-requests",
        "x-ms-ratelimit-remaining-tenant-resource-entities-read",
        "x-ms-ratelimit-remaining-resource",
        "x-ms-request-charge",
        # ARM's request tracing ids; harmless and needed to correlate a log with a ticket.
        "x-ms-correlation-request-id",
        "x-ms-routing-request-id",
        # LRO links: the query (which may carry a signature) is redacted like any URL.
        "Location",
        "Azure-AsyncOperation",
    )
)
_URL_HEADERS = frozenset({"location", "azure-asyncoperation"})
_STANDARD_REASONS = frozenset(["", *(status.phrase for status in http.HTTPStatus)])

_LOG_LEVELS = {
    "critical": logging.CRITICAL,
    "error": logging.ERROR,
    "warning": logging.WARNING,
    "info": logging.INFO,
    "debug": logging.DEBUG,
}


def apply_azure_log_level(environ: Mapping[str, str] | None = None) -> int | None:
    """Set the package logger's level from ``AZURE_LOG_LEVEL``; returns the level set.

    Unknown values are ignored (azure-core raises on them, which would break an import).
    """
    source = os.environ if environ is None else environ
    level = _LOG_LEVELS.get(source.get("AZURE_LOG_LEVEL", "").strip().lower())
    if level is not None:
        logging.getLogger(LOGGER_NAME).setLevel(level)
    return level


apply_azure_log_level()

# A library does not print: without logging configured by the application, nothing of ours
# reaches stderr through Python's last-resort handler.
logging.getLogger(LOGGER_NAME).addHandler(logging.NullHandler())


@functools.cache
def _platform_description() -> str:
    return platform.platform()


def build_user_agent(
    sdk_moniker: str,
    prefix: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The telemetry User-Agent, shaped like azure-core's.

    ``"[<prefix> ]azsdk-python-<sdk_moniker> Python/<ver> (<platform>)[ <AZURE_HTTP_USER_AGENT>]"``;
    the environment is read here, once per client, not per request.
    """
    user_agent = (
        f"azsdk-python-{sdk_moniker} Python/{platform.python_version()} ({_platform_description()})"
    )
    if prefix:
        check_header("User-Agent", prefix, "user_agent")
        user_agent = f"{prefix} {user_agent}"
    from_environment = (os.environ if environ is None else environ).get("AZURE_HTTP_USER_AGENT")
    if from_environment:
        check_header("User-Agent", from_environment, "AZURE_HTTP_USER_AGENT")
        user_agent = f"{user_agent} {from_environment}"
    return user_agent


def new_client_request_id() -> str:
    """A time-based (version 1) UUID, as azure-core sends.

    Made by Python's own uuid1 code rather than libuuid's ``uuid_generate_time_safe``, whose
    clock-file round trip costs several times more; a random clock sequence stands in for the
    file, as Python does where libuuid is missing.
    """
    import uuid  # here: building a client does not need the module (or libuuid) loaded

    return str(uuid.uuid1(clock_seq=random.getrandbits(14)))


class Pipeline:
    """Prepares each request, authorizes it, logs it and sends it through the transport.

    The ``Authorization`` header is added to a private copy of the request, so the request
    reachable from the returned response (and from any exception built on it) never holds
    the token.
    """

    def __init__(
        self,
        transport: Urllib3Transport,
        *,
        auth: BearerTokenPolicy | None,
        user_agent: str | Callable[[], str],
        secret_fields: frozenset[str] = frozenset(),
        logger: logging.Logger | None = None,
    ) -> None:
        self.transport = transport
        self.auth = auth
        if isinstance(user_agent, str):
            check_header("User-Agent", user_agent, "user_agent")
        self._user_agent = user_agent
        self.secret_fields = secret_fields
        self.logger = logger if logger is not None else logging.getLogger(LOGGER_NAME)
        # The transport's own credentials (a proxy's login): masked like the request's secrets.
        self.transport_secrets: SecretValues = getattr(transport, "proxy_secrets", NO_SECRET_VALUES)
        # The Authorization value the auth policy set last, and the credentials in it.
        self._token_credentials: KeptHeader | None = None

    @property
    def user_agent(self) -> str:
        """The User-Agent sent; one given as a function is made at the first request (finding
        the platform's description takes milliseconds that building a client need not pay)."""
        agent = self._user_agent
        if not isinstance(agent, str):
            # Benign race: two threads may both make it; they make the same string.
            agent = agent()
            check_header("User-Agent", agent, "user_agent")
            self._user_agent = agent
        return agent

    def run(
        self,
        request: HttpRequest,
        *,
        client_request_id: str | None = None,
        timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        max_response_body: int | None = None,
    ) -> HttpResponse:
        """Send ``request`` and return the response, whatever its status.

        Sets ``x-ms-client-request-id`` (the given id, else the request's own, else a new
        uuid1), ``User-Agent`` and ``Accept`` (when absent) on ``request`` itself. A 401 that
        the auth policy can answer (CAE claims challenge) is resent once.
        """
        self._prepare(request, client_request_id)
        outgoing = self._outgoing_copy(request)
        if self.auth is not None:
            self.auth.authorize(outgoing)
        response = self._send(outgoing, request, timeout, retry_policy, max_response_body)
        if (
            response.status_code == 401
            and self.auth is not None
            and self.auth.handle_challenge(outgoing, response)
        ):
            response = self._send(outgoing, request, timeout, retry_policy, max_response_body)
        return response

    def forget_credentials(self) -> None:
        """Drop the token the auth policy holds and the credentials kept of it (a client's
        ``close()``): nothing of a closed client's token stays in memory."""
        self._token_credentials = None
        if self.auth is not None:
            self.auth.forget()

    def _prepare(self, request: HttpRequest, client_request_id: str | None) -> None:
        headers = request.headers
        # The last look before anything leaves: no header may smuggle in another (check_header,
        # written out: this runs for every header of every request). The values added below
        # are checked where they are made (the User-Agent once, when built).
        present: set[str] = set()  # header names are case-insensitive
        for name, value in headers.items():
            if (
                "\r" in value
                or "\n" in value
                or "\x00" in value
                or "\r" in name
                or "\n" in name
                or "\x00" in name
            ):
                raise InvalidHeaderValueError(name, "request headers")
            present.add(name.lower())
        if client_request_id is not None:
            check_header("x-ms-client-request-id", client_request_id, "request headers")
            if "x-ms-client-request-id" in present:
                _set_header(headers, "x-ms-client-request-id", client_request_id)
            else:
                headers["x-ms-client-request-id"] = client_request_id
        elif "x-ms-client-request-id" not in present:
            headers["x-ms-client-request-id"] = new_client_request_id()
        if "user-agent" not in present:
            agent = self._user_agent
            headers["User-Agent"] = agent if isinstance(agent, str) else self.user_agent
        if "accept" not in present:
            headers["Accept"] = "application/json"

    def _outgoing_copy(self, request: HttpRequest) -> HttpRequest:
        """The copy of ``request`` that is sent (and authorized), carrying the secret values of
        its body: found once per call, they live as long as the call's own objects (its
        request, response, poller, error) and nowhere in the client."""
        secret_values = request.secret_values
        if request.body:
            found = secret_values_in_body(request.body, self.secret_fields)
            if found:
                secret_values = SecretValues(secret_values | found)
        return HttpRequest(
            method=request.method,
            url=request.url,
            # The bearer token goes in here: shown as REDACTED by repr (a traceback's locals).
            headers=SecretHeaders(request.headers),
            body=request.body,
            secret_values=secret_values,
        )

    def _send(
        self,
        outgoing: HttpRequest,
        original: HttpRequest,
        timeout: float | None,
        retry_policy: RetryPolicy | None,
        max_response_body: int | None,
    ) -> HttpResponse:
        # INFO covers every line below (DEBUG adds bodies): one check when logging is off.
        logging_on = self.logger.isEnabledFor(logging.INFO)
        if logging_on:
            self._log_request(outgoing)
        started = time.perf_counter() if logging_on else 0.0
        try:
            response = self.transport.send(
                outgoing,
                timeout=timeout,
                retry_policy=retry_policy,
                max_response_body=max_response_body,
            )
        except AzureError as error:
            if error.client_request_id is None:
                error.client_request_id = _get_header(outgoing.headers, "x-ms-client-request-id")
            # The library that read a broken answer may quote it (a status line, a header),
            # and a hostile server may have put the request's token there.
            error.scrub(self._sent_secrets(outgoing), self.secret_fields)
            # Raised to the caller, who sees it: logged for the record, not as a warning.
            if self.logger.isEnabledFor(logging.INFO):
                self.logger.info(
                    "%s %s failed: %s: %s",
                    outgoing.method,
                    redact_url(outgoing.url),
                    type(error).__name__,
                    error.message,
                )
            raise
        response.request = original
        # _received, written out (it runs for every response)
        values = response.secret_values = self._sent_secrets(outgoing)
        if response.reason not in _STANDARD_REASONS:
            response.reason = mask_text(response.reason, self.secret_fields, values)
        if logging_on:
            self._log_response(response, (time.perf_counter() - started) * 1000.0)
        return response

    def _received(self, response: HttpResponse, outgoing: HttpRequest) -> None:
        """Record on ``response`` the secrets ``outgoing`` sent, and mask them in its reason
        phrase: free text a hostile server can fill with the token it was sent."""
        values = response.secret_values = self._sent_secrets(outgoing)
        if response.reason not in _STANDARD_REASONS:
            response.reason = mask_text(response.reason, self.secret_fields, values)

    def _sent_secrets(self, outgoing: HttpRequest) -> SecretValues:
        """The secrets ``outgoing`` carried, which a hostile or careless service may echo back
        in a header, an error message or a body: the bearer token, the values of secret fields
        and SAS signatures (those of its body already on it, see :meth:`_outgoing_copy`).

        A poll carries the values of its operation's first request, the token among them: then
        they are the answer as they are, not a copy."""
        values = outgoing.secret_values
        extra: frozenset[str] = self.transport_secrets
        headers = outgoing.headers
        for name in _credential_header_names(headers):
            value = headers[name]
            kept = self._token_credentials
            found: frozenset[str]
            if (
                kept is not None
                and kept.value == value
                and len(name) == 13
                and self.auth is not None
            ):
                found = kept.credentials  # _header_credentials' remembered answer
            else:
                found = self._header_credentials(name, value)
            extra = extra | found if extra else found
        if extra <= values:
            return values
        return SecretValues(values | extra)

    def _header_credentials(self, name: str, value: str) -> frozenset[str]:
        """:func:`_credentials_in_header` of one header; those of the bearer token the auth
        policy set are kept with the pipeline (as the token is kept by the policy) and not
        taken apart again for every request. A caller's own credential headers are not kept."""
        if self.auth is None or len(name) != 13:  # 13: len("authorization")
            return frozenset(_credentials_in_header(value))
        kept = self._token_credentials
        if kept is not None and kept.value == value:
            return kept.credentials
        found = SecretValues(_credentials_in_header(value))
        # Benign race: two threads may both take the same token apart.
        self._token_credentials = KeptHeader(value, found)
        return found

    def _log_request(self, request: HttpRequest) -> None:
        logger = self.logger
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "Request: %s %s\n%s",
                request.method,
                redact_url(request.url),
                format_headers(request.headers),
            )
        if request.body and logger.isEnabledFor(logging.DEBUG):
            logger.debug("Request body: %s", self._body_for_log(request.body))

    def _log_response(self, response: HttpResponse, elapsed_ms: float) -> None:
        logger = self.logger
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "Response: %d %s (%.0f ms) for %s %s\n%s",
                response.status_code,
                response.reason,
                elapsed_ms,
                response.request.method,
                redact_url(response.request.url),
                mask_text(
                    format_headers(response.headers), self.secret_fields, response.secret_values
                ),
            )
        if response.body and logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "Response body: %s", self._body_for_log(response.body, response.secret_values)
            )

    def _body_for_log(self, body: bytes, secret_values: frozenset[str] = frozenset()) -> str:
        window = preview_window(body, DEBUG_BODY_LIMIT)
        shown = redact_json_bytes(window, self.secret_fields, secret_values)
        if len(window) < len(body):
            return f"{shown[:DEBUG_BODY_LIMIT]}... ({len(body)} bytes in total)"
        if len(shown) > DEBUG_BODY_LIMIT:
            return f"{shown[:DEBUG_BODY_LIMIT]}... ({len(shown)} characters in total)"
        return shown

    def __repr__(self) -> str:
        return f"Pipeline(transport={self.transport!r}, auth={self.auth!r})"


def format_headers(headers: Mapping[str, str]) -> str:
    """Headers for a log line: allowlisted values shown (URLs redacted), every other value
    (``Authorization`` included) replaced by ``REDACTED``."""
    lines: list[str] = []
    for name, value in headers.items():
        lowered = name.lower()
        if lowered not in LOGGED_HEADERS:
            shown = REDACTED
        elif lowered in _URL_HEADERS:
            shown = redact_url(value)
        else:
            shown = value
        lines.append(f"    {name}: {shown}")
    return "\n".join(lines)


class KeptHeader:
    """A credential header's value and the credentials in it, kept while its token lives;
    the repr shows neither (``vars()`` of a pipeline or a policy, a debugger, a traceback
    rendered with its locals show what their attributes hold)."""

    __slots__ = ("credentials", "value")

    def __init__(self, value: str, credentials: SecretValues) -> None:
        self.value = value
        self.credentials = credentials

    def __repr__(self) -> str:
        return "<a credential header, not shown>"

    __str__ = __repr__


def _credentials_in_header(value: str) -> list[str]:
    """The credentials of an ``Authorization``-like header: each comma-separated entry
    without its scheme (``x-ms-authorization-auxiliary`` carries several), the whole value
    too; cookie values likewise."""
    if "," not in value and ";" not in value:
        # One entry, as an Authorization header holds: the loop below without copying a
        # long token three times over.
        whole = value.strip()
        scheme, _, credential = whole.partition(" ")
        credential = credential.strip() or scheme
        found = [whole, credential.partition("=")[2] if "=" in credential else credential]
        found.append(credential)
        return [item for item in found if item]
    found = [value.strip()]
    for entry in value.replace(";", ",").split(","):
        scheme, _, credential = entry.strip().partition(" ")
        credential = credential.strip() or scheme
        found.append(credential.partition("=")[2] if "=" in credential else credential)
        found.append(credential)
    return [item for item in found if item]


def _get_header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)  # the spelling the runtime itself sets
    if value is not None:
        return value
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def _set_header(headers: dict[str, str], name: str, value: str) -> None:
    for key in [key for key in headers if key.lower() == name.lower()]:
        del headers[key]
    headers[name] = value
