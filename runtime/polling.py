"""The ARM long-running-operation poller: algorithm choice, status, delays, final result, tokens.

The poller runs in the caller's thread: ``result()``/``wait()`` sleep between polls and
``done()`` performs at most one due poll without sleeping. Nothing here starts a thread.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Generic, Protocol, TypeVar, cast, overload
from urllib.parse import parse_qs, urljoin, urlsplit

from .checks import check_seconds
from .exceptions import (
    AzureError,
    DecodeError,
    ErrorDetail,
    HttpResponseError,
    ServiceRequestError,
    ServiceRequestTimeoutError,
    ServiceResponseError,
    map_error,
)
from .http import HttpRequest, HttpResponse
from .origin import same_origin
from .redact import redact_json_value, redact_url
from .retry import RetryPolicy
from .retry_after import requested_delay

__all__ = [
    "DEFAULT_RETRY_AFTER_MAX",
    "ArmPollingMethod",
    "LROPoller",
    "OperationFailedError",
    "PollingPipeline",
    "PollingState",
    "PollingTimeoutError",
    "decode_continuation_token",
    "encode_continuation_token",
    "is_terminal_status",
    "lost_response_token",
    "normalize_final_state_via",
    "provisioning_state",
    "retry_after_seconds",
    "same_origin",
    "token_api_version",
]

T = TypeVar("T")

_LOGGER = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER_MAX = 60.0
"""Cap on one server-requested wait when the retry policy does not say otherwise."""

_TOKEN_VERSION = 1
_TOKEN_KIND = "vmss_runcommands.lro"
_TOKEN_MAX_CHARS = 16_384
_CHECKSUM_HEX_CHARS = 16

_SUCCEEDED = "succeeded"
_FAILED_STATES = frozenset({"failed", "canceled", "cancelled"})
_TERMINAL_STATES = _FAILED_STATES | {_SUCCEEDED}

_ALG_ASYNC = "azure-async-operation"
_ALG_OPERATION_LOCATION = "operation-location"
_ALG_LOCATION = "location"
_ALG_BODY = "body"
_ALG_NONE = "none"
_ALGORITHMS = frozenset({_ALG_ASYNC, _ALG_OPERATION_LOCATION, _ALG_LOCATION, _ALG_BODY, _ALG_NONE})
_STATUS_BODY_ALGORITHMS = frozenset({_ALG_ASYNC, _ALG_OPERATION_LOCATION})

_FINAL_STATE_VIA = frozenset(
    {"azure-async-operation", "location", "original-uri", "operation-location"}
)
_METHODS = frozenset({"PUT", "PATCH", "POST", "DELETE", "GET", "HEAD"})
_OK_LRO_STATUS = frozenset({200, 201, 202, 204})
_POLL_ACCEPT = "application/json, text/json"
_INSTANCE_VIEW_ERROR_CHARS = 1000


class PollingPipeline(Protocol):
    """What the poller needs from ``Pipeline``: one authenticated request at a time."""

    def run(
        self,
        request: HttpRequest,
        *,
        client_request_id: str | None = None,
        timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> HttpResponse: ...


class PollingTimeoutError(TimeoutError):
    """``result(timeout)``/``wait(timeout)`` or the overall LRO deadline ran out first.

    The operation itself is untouched: keep polling with the same poller, or resume elsewhere
    from :attr:`continuation_token`.
    """

    def __init__(self, message: str, *, status: str, continuation_token: str) -> None:
        super().__init__(message)
        self.status = status
        self.continuation_token = continuation_token


class OperationFailedError(HttpResponseError):
    """The service reported the operation ``Failed`` or ``Canceled``.

    ``error`` holds the service's error (code, message, details) when the status body had one;
    otherwise the message summarizes the resource's ``instanceView`` (execution state and
    message, exit code, the first error status and the start of the error stream), which is
    also kept whole in :attr:`instance_view` with its parts exposed as properties. Unlike a
    plain ``HttpResponseError`` the resource body is not appended: it is the resource, not an
    error.
    """

    _parses_error_body = False

    def __init__(
        self,
        message: str | None = None,
        *,
        response: HttpResponse | None = None,
        error: ErrorDetail | None = None,
        secret_fields: frozenset[str] = frozenset(),
        status: str = "Failed",
        instance_view: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, response=response, error=error, secret_fields=secret_fields)
        self.status = status
        self.instance_view: Mapping[str, Any] | None = instance_view

    @property
    def execution_state(self) -> str | None:
        """``instanceView.executionState`` of the failed resource, when it had one."""
        return self._view_text("executionState")

    @property
    def execution_message(self) -> str | None:
        """``instanceView.executionMessage`` of the failed resource, when it had one."""
        return self._view_text("executionMessage")

    @property
    def exit_code(self) -> int | None:
        """``instanceView.exitCode`` of the failed resource, when it had one."""
        value = (self.instance_view or {}).get("exitCode")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def execution_error(self) -> str | None:
        """``instanceView.error`` (the script's error stream) of the failed resource."""
        return self._view_text("error")

    def _view_text(self, key: str) -> str | None:
        value = (self.instance_view or {}).get(key)
        return value if isinstance(value, str) else None

    def __str__(self) -> str:
        if self.error is not None:
            return super().__str__()
        ids = ", ".join(
            f"{name}={value}"
            for name, value in (
                ("x-ms-request-id", self.request_id),
                ("x-ms-client-request-id", self.client_request_id),
                ("x-ms-correlation-request-id", self.correlation_request_id),
            )
            if value
        )
        return f"{self.message}\nRequest ids: {ids}" if ids else self.message


@dataclass(frozen=True)
class PollingState:
    """Everything needed to resume polling; exactly what a continuation token carries."""

    operation_id: str
    method: str
    url: str
    algorithm: str
    poll_url: str | None
    location_url: str | None
    client_request_id: str
    final_state_via: str | None
    status: str


# --- continuation tokens ---------------------------------------------------------------------


def _checksum(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()[:_CHECKSUM_HEX_CHARS]


def encode_continuation_token(state: PollingState) -> str:
    """Serialize ``state`` as base64url(JSON) with a version and a corruption checksum.

    JSON rather than pickle so a token can never execute code when loaded; only the fields of
    :class:`PollingState` are written (no body, no Authorization, no other header).
    """
    data: dict[str, Any] = {
        "operation_id": state.operation_id,
        "method": state.method,
        "url": state.url,
        "algorithm": state.algorithm,
        "poll_url": state.poll_url,
        "location_url": state.location_url,
        "client_request_id": state.client_request_id,
        "final_state_via": state.final_state_via,
        "status": state.status,
    }
    envelope = {"v": _TOKEN_VERSION, "kind": _TOKEN_KIND, "data": data, "sum": _checksum(data)}
    raw = json.dumps(envelope, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def lost_response_token(
    *,
    operation_id: str,
    method: str,
    url: str,
    client_request_id: str,
    final_state_via: str | None = None,
) -> str | None:
    """A token for an operation whose initial request was sent but whose answer was lost.

    Resuming from it sends nothing again: it polls the resource at ``url`` itself, by its
    ``provisioningState`` for PUT and PATCH, and for DELETE until it answers 404. ``None`` for
    other methods, whose resource URL says nothing about the operation.
    """
    method = method.upper()
    if method not in ("PUT", "PATCH", "DELETE"):
        return None
    state = PollingState(
        operation_id=operation_id,
        method=method,
        url=url,
        algorithm=_ALG_BODY,
        poll_url=None,
        location_url=None,
        client_request_id=client_request_id,
        final_state_via=final_state_via,
        status="InProgress",
    )
    return encode_continuation_token(state)


def _bad_token(reason: str) -> ValueError:
    return ValueError(f"Invalid LRO continuation token: {reason}.")


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def decode_continuation_token(token: str) -> PollingState:
    """Parse a token made by :func:`encode_continuation_token`; ``ValueError`` on anything else."""
    if not isinstance(token, str):
        raise TypeError(f"continuation_token must be a str, not {type(token).__name__}")
    text = token.strip()
    if not text or len(text) > _TOKEN_MAX_CHARS:
        raise _bad_token("empty or too long")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        envelope = json.loads(raw.decode("utf-8"))
    except RecursionError as exc:
        # A token is text from outside: JSON nested deeper than the parser can follow is a
        # bad token like any other, not an interpreter error.
        raise _bad_token("its JSON is nested too deeply") from exc
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _bad_token("not base64url-encoded JSON (truncated or not made by this SDK?)") from exc
    if not isinstance(envelope, dict) or envelope.get("kind") != _TOKEN_KIND:
        raise _bad_token("not a token made by this SDK")
    if envelope.get("v") != _TOKEN_VERSION:
        raise _bad_token(f"unsupported version {envelope.get('v')!r} (expected {_TOKEN_VERSION})")
    data = envelope.get("data")
    if not isinstance(data, dict) or envelope.get("sum") != _checksum(data):
        raise _bad_token("checksum mismatch (the token was modified or corrupted)")
    return _state_from_token_data(data)


def token_api_version(state: PollingState) -> str | None:
    """The ``api-version`` the operation URL of a token was built with, ``None`` without one."""
    values = parse_qs(urlsplit(state.url).query).get("api-version")
    return values[-1] if values else None


def _state_from_token_data(data: dict[str, Any]) -> PollingState:
    def text(key: str, *, optional: bool = False) -> str | None:
        value = data.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value:
            raise _bad_token(f"field {key!r} is missing or not a string")
        return value

    state = PollingState(
        operation_id=cast(str, text("operation_id")),
        method=cast(str, text("method")),
        url=cast(str, text("url")),
        algorithm=cast(str, text("algorithm")),
        poll_url=text("poll_url", optional=True),
        location_url=text("location_url", optional=True),
        client_request_id=cast(str, text("client_request_id")),
        final_state_via=text("final_state_via", optional=True),
        status=cast(str, text("status")),
    )
    if state.method not in _METHODS:
        raise _bad_token(f"unknown method {state.method!r}")
    if state.algorithm not in _ALGORITHMS:
        raise _bad_token(f"unknown polling algorithm {state.algorithm!r}")
    if state.final_state_via is not None and state.final_state_via not in _FINAL_STATE_VIA:
        raise _bad_token(f"unknown final_state_via {state.final_state_via!r}")
    for url in (state.url, state.poll_url, state.location_url):
        if url is not None and not _is_http_url(url):
            raise _bad_token("a URL in the token is not an absolute http(s) URL")
    if state.algorithm in _STATUS_BODY_ALGORITHMS and state.poll_url is None:
        raise _bad_token("the polling URL is missing")
    if state.algorithm == _ALG_LOCATION and state.location_url is None:
        raise _bad_token("the Location URL is missing")
    return state


# --- response helpers ------------------------------------------------------------------------


def _json_or_none(response: HttpResponse, secret_fields: frozenset[str] = frozenset()) -> Any:
    """The JSON body, ``None`` for an empty one; ``DecodeError`` for a body that is not JSON."""
    if not response.body.strip():
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise DecodeError(
            f"The long-running operation response from {redact_url(response.request.url)} "
            "is not valid JSON",
            response=response,
            secret_fields=secret_fields,
        ) from exc


def _absolute(base: str, link: str) -> str:
    """``link`` resolved against ``base``. An absolute http(s) link of printable ASCII without
    spaces -- what ARM sends -- is taken as it is: ``urljoin`` would only take it apart and
    put it back together (same_origin still vets it before any request)."""
    plain = link.isascii() and link.isprintable() and " " not in link
    return link if plain and link.startswith(("https://", "http://")) else urljoin(base, link)


def _header(response: HttpResponse, name: str) -> str | None:
    value = response.headers.get(name)
    return (value.strip() or None) if isinstance(value, str) else None


def retry_after_seconds(response: HttpResponse) -> float | None:
    """Server-requested delay, in the order azure-core reads it; ``None`` when absent/invalid.

    ``Retry-After`` (delta-seconds or HTTP-date) wins over ``retry-after-ms`` and
    ``x-ms-retry-after-ms``; negative values are clamped to 0 and unparsable ones skipped.
    """
    return requested_delay(response.headers)


def is_terminal_status(status: str) -> bool:
    """Whether an LRO status (``Succeeded``, ``Failed``, ``Canceled``, any case) is final."""
    return status.lower() in _TERMINAL_STATES


def _is_failed(status: str) -> bool:
    return status.lower() in _FAILED_STATES


def _select_algorithm(
    method: str, response: HttpResponse, final_state_via: str | None
) -> tuple[str, str | None]:
    """First match wins, as in azure-mgmt-core's ARMPolling, with Operation-Location added."""
    async_url = _header(response, "Azure-AsyncOperation")
    if async_url is not None:
        return _ALG_ASYNC, async_url
    operation_location = _header(response, "Operation-Location")
    if operation_location is not None and final_state_via == "operation-location":
        return _ALG_OPERATION_LOCATION, operation_location
    if _header(response, "Location") is not None:
        return _ALG_LOCATION, None
    if method in ("PUT", "PATCH"):
        return _ALG_BODY, None
    # ARM ignores Operation-Location; data-plane style services that send only it would
    # otherwise look finished after the first response.
    if operation_location is not None:
        return _ALG_OPERATION_LOCATION, operation_location
    return _ALG_NONE, None


def provisioning_state(body: Any) -> str | None:
    """``properties.provisioningState`` of a decoded ARM resource, ``None`` without one."""
    if not isinstance(body, dict):
        return None
    properties = body.get("properties")
    if not isinstance(properties, dict):
        return None
    state = properties.get("provisioningState")
    return state if isinstance(state, str) and state else None


def _body_status(response: HttpResponse, body: Any) -> str:
    if response.status_code == 202:
        return "InProgress"
    if response.status_code == 204:
        return "Succeeded"
    state = provisioning_state(body)
    if state is not None:
        return state
    return "InProgress" if response.status_code == 201 else "Succeeded"


def _instance_view(body: Any) -> dict[str, Any] | None:
    properties = body.get("properties") if isinstance(body, dict) else None
    view = properties.get("instanceView") if isinstance(properties, dict) else None
    return view if isinstance(view, dict) else None


def _failure_message(operation_id: str, status: str, view: dict[str, Any] | None) -> str:
    """A readable message for a failed resource body; never a dump of the whole resource."""
    message = f"Long-running operation {operation_id} ended with status {status!r}"
    if view is None:
        return message + "."
    parts: list[str] = []
    for key in ("executionState", "executionMessage", "exitCode"):
        if view.get(key) is not None:
            parts.append(f"{key}={view[key]!r}")
    statuses = view.get("statuses")
    if isinstance(statuses, list):
        for entry in statuses:
            if isinstance(entry, dict) and str(entry.get("level", "")).lower() == "error":
                parts.append(f"status={entry.get('code')!r}: {entry.get('message')!r}")
                break
    error_stream = view.get("error")
    if isinstance(error_stream, str) and error_stream:
        shown = error_stream[:_INSTANCE_VIEW_ERROR_CHARS]
        suffix = "... (truncated)" if len(error_stream) > len(shown) else ""
        parts.append(f"error={shown!r}{suffix}")
    return (f"{message}: " + ", ".join(parts)) if parts else message + "."


# --- the polling method ----------------------------------------------------------------------


class ArmPollingMethod(Generic[T]):
    """The ARM polling algorithm for one operation: one ``update_status()`` = one poll.

    Not thread-safe by itself; :class:`LROPoller` serializes access to it.
    """

    def __init__(
        self,
        state: PollingState,
        *,
        pipeline: PollingPipeline,
        deserialize: Callable[[Any], T] | None,
        last_response: HttpResponse | None = None,
        request_timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        secret_fields: frozenset[str] = frozenset(),
    ) -> None:
        self._state = state
        self._pipeline = pipeline
        self._deserialize = deserialize
        self._last_response = last_response
        self._request_timeout = request_timeout
        self._retry_policy = retry_policy
        self._secret_fields = secret_fields
        self._finished = False
        self._stopped_by_error = False
        self._resource: T | None = None
        self._token: str | None = None
        self._give_up_at: float | None = None
        self._clock: Callable[[], float] = time.monotonic
        # The latest response whose body was decoded, and that body: read again to find the
        # final result's location, it is not decoded twice.
        self._decoded: tuple[HttpResponse, Any] | None = None
        # A poll URL already found on the operation's origin (it is the same for every poll).
        self._checked_url: str | None = None

    @classmethod
    def from_initial_response(
        cls,
        response: HttpResponse,
        *,
        pipeline: PollingPipeline,
        deserialize: Callable[[Any], T] | None,
        operation_id: str,
        client_request_id: str,
        final_state_via: str | None = None,
        request_timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        secret_fields: frozenset[str] = frozenset(),
    ) -> ArmPollingMethod[T]:
        """Choose the algorithm and the initial status from the operation's first response."""
        if response.status_code not in _OK_LRO_STATUS:
            raise map_error(response, secret_fields=secret_fields)
        final_state_via = normalize_final_state_via(final_state_via)
        method = response.request.method.upper()
        url = response.request.url
        algorithm, poll_url = _select_algorithm(method, response, final_state_via)
        location = _header(response, "Location")
        state = PollingState(
            operation_id=operation_id,
            method=method,
            url=url,
            algorithm=algorithm,
            poll_url=_absolute(url, poll_url) if poll_url else None,
            location_url=_absolute(url, location) if location else None,
            client_request_id=client_request_id,
            final_state_via=final_state_via,
            status=_initial_status(algorithm, response),
        )
        return cls(
            state,
            pipeline=pipeline,
            deserialize=deserialize,
            last_response=response,
            request_timeout=request_timeout,
            retry_policy=retry_policy,
            secret_fields=secret_fields,
        )

    @classmethod
    def from_resource_response(
        cls,
        response: HttpResponse,
        *,
        method: str,
        pipeline: PollingPipeline,
        deserialize: Callable[[Any], T] | None,
        operation_id: str,
        client_request_id: str,
        final_state_via: str | None = None,
        request_timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        secret_fields: frozenset[str] = frozenset(),
    ) -> ArmPollingMethod[T]:
        """Follow a PUT or PATCH through its resource, from a ``200`` GET of that resource.

        For a write whose own answer was lost: its ``provisioningState`` says how far it got,
        and the resource is polled (with ``GET``) until it is terminal, as for a token from
        :func:`lost_response_token`.
        """
        body = None
        with contextlib.suppress(DecodeError):
            body = _json_or_none(response, secret_fields)
        state = PollingState(
            operation_id=operation_id,
            method=method.upper(),
            url=response.request.url,
            algorithm=_ALG_BODY,
            poll_url=None,
            location_url=None,
            client_request_id=client_request_id,
            final_state_via=normalize_final_state_via(final_state_via),
            status=_body_status(response, body),
        )
        return cls(
            state,
            pipeline=pipeline,
            deserialize=deserialize,
            last_response=response,
            request_timeout=request_timeout,
            retry_policy=retry_policy,
            secret_fields=secret_fields,
        )

    # -- read-only views --

    @property
    def state(self) -> PollingState:
        """The resumable state as of the latest response."""
        return self._state

    @property
    def last_response(self) -> HttpResponse | None:
        """The most recent response (initial, poll or final GET); ``None`` right after resume."""
        return self._last_response

    def status(self) -> str:
        """The service's status string, verbatim (e.g. ``"Creating"``, ``"succeeded"``);
        ``"Failed"`` once polling stopped on an error."""
        if self._stopped_by_error and not _is_failed(self._state.status):
            return "Failed"
        return self._state.status

    def is_terminal(self) -> bool:
        """Whether the service reported succeeded, failed or canceled (any case)."""
        return is_terminal_status(self._state.status)

    def finished(self) -> bool:
        """Whether the result (or the failure) is final; no more requests will be made."""
        return self._finished

    def resource(self) -> T | None:
        """The deserialized result once :meth:`finished` (``None`` for result-less operations)."""
        return self._resource

    def continuation_token(self) -> str:
        """A token to resume polling from, valid in every state."""
        if self._token is None:
            self._token = encode_continuation_token(self._state)
        return self._token

    def server_delay(self) -> float | None:
        """The delay the latest response asked for, when it asked for a non-zero one."""
        if self._last_response is None:
            return None
        return retry_after_seconds(self._last_response) or None

    # -- the work --

    def update_status(self) -> None:
        """Poll once; when the status becomes terminal, also fetch the final result (or raise)."""
        state = self._state
        if state.algorithm == _ALG_NONE:
            self._complete()
            return
        if state.algorithm in _STATUS_BODY_ALGORITHMS:
            response = self._get(cast(str, state.poll_url))
            body = self._body(response)
            status = body.get("status") if isinstance(body, dict) else None
            if not isinstance(status, str) or not status:
                raise HttpResponseError(
                    f"The operation status response from {redact_url(response.request.url)} "
                    "has no 'status' field, so it cannot tell whether the operation finished",
                    response=response,
                    secret_fields=self._secret_fields,
                )
            self._set_state(status=status)
        elif state.algorithm == _ALG_LOCATION:
            response = self._get(cast(str, state.location_url))
            location = _header(response, "Location")
            status = "InProgress" if response.status_code == 202 else "Succeeded"
            if location is not None:
                self._set_state(status=status, location_url=urljoin(response.request.url, location))
            else:
                self._set_state(status=status)
        elif state.method == "DELETE":
            # Only a DELETE whose first answer was lost polls the resource (lost_response_token).
            response = self._get(state.url, gone_is_done=True)
            self._set_state(status=self._deletion_status(response))
        else:
            response = self._get(state.url)
            body = self._body(response)
            if body is None and response.status_code in (200, 201):
                raise DecodeError(
                    f"The long-running operation poll of {redact_url(state.url)} returned "
                    f"{response.status_code} without a body",
                    response=response,
                    secret_fields=self._secret_fields,
                )
            self._set_state(status=_body_status(response, body))
        _LOGGER.debug("LRO %s status %s", state.operation_id, self._state.status)
        if self.is_terminal():
            self._complete()

    def complete_if_terminal(self) -> None:
        """Finish without polling when the status is already terminal (initial or resumed)."""
        if self.is_terminal() or self._state.algorithm == _ALG_NONE:
            self._complete()

    def finish_without_polling(self) -> None:
        """``polling=False``: the result is the initial response's body, as it stands."""
        self._finished = True
        if self._deserialize is None:
            return
        response = self._last_response
        if response is None:
            raise ValueError("polling=False needs the initial response; a resumed poller has none")
        if self._state.method in ("DELETE", "POST") and not response.body.strip():
            return  # a 202 Accepted without a body: there is nothing to return yet
        self._resource = self._result_from(response)

    def _complete(self) -> None:
        status = self._state.status
        if _is_failed(status):
            raise self._failure()
        self._finished = True
        if self._deserialize is None:
            return
        if self._state.method == "DELETE" and self._state.algorithm == _ALG_BODY:
            # A DELETE polled through its resource ends when the resource is gone: the
            # last answer is a 404 or 204, not a result.
            return
        self._resource = self._result_from(self._final_response())

    def _result_from(self, response: HttpResponse) -> T | None:
        """The operation's result from its final response.

        A DELETE or POST may end with ``204 No Content`` even when it declares a model: its
        result is then ``None``, as in azure-core. Any other final answer without a body, or
        one that is not JSON, is a ``DecodeError`` -- never a half-built result.
        """
        if (
            response.status_code == 204
            and self._state.method in ("DELETE", "POST")
            and not response.body.strip()
        ):
            return None
        return self._deserialize_response(response)

    def _failure(self) -> OperationFailedError:
        response = self._last_response
        body = None
        if response is not None:
            with contextlib.suppress(DecodeError):
                body = _json_or_none(response, self._secret_fields)
        error_node = body.get("error") if isinstance(body, dict) else None
        error = ErrorDetail.from_json(error_node) if isinstance(error_node, dict) else None
        view = _instance_view(body)
        return OperationFailedError(
            _failure_message(self._state.operation_id, self._state.status, view),
            response=response,
            error=error,
            secret_fields=self._secret_fields,
            status=self._state.status,
            instance_view=None if view is None else redact_json_value(view, self._secret_fields),
        )

    def _final_url(self) -> str | None:
        """Where the result lives; ``None`` means the last response is the result.

        As azure-core's ``LROBasePolling``/``ARMPolling``: only polling through an operation
        status (Azure-AsyncOperation, Operation-Location) needs a final GET, since the status
        body is not the resource; ``final-state-via: original-uri`` asks for one explicitly.
        Location and body polling end on the result itself, and a first answer that was
        already terminal is its own result -- so a PUT to something that cannot be read back
        with a GET still completes.
        """
        state = self._state
        via = state.final_state_via
        if state.algorithm == _ALG_NONE:
            return None
        if via == "original-uri":
            return state.url
        if state.algorithm not in _STATUS_BODY_ALGORITHMS:
            return None
        if via == "location" and state.location_url is not None:
            return state.location_url
        if via in ("azure-async-operation", "operation-location") and state.method == "POST":
            return None
        if self._last_response is not None:
            body = self._body(self._last_response)
            resource_location = body.get("resourceLocation") if isinstance(body, dict) else None
            if isinstance(resource_location, str) and resource_location:
                return urljoin(state.url, resource_location)
        if state.method in ("PUT", "PATCH"):
            return state.url
        if state.method == "POST" and state.location_url is not None:
            return state.location_url
        return None

    def _final_response(self) -> HttpResponse:
        url = self._final_url()
        last = self._last_response
        if url is None or (
            last is not None
            and last.request.url == url
            and last.request.method in ("GET", self._state.method)
            and last.status_code in (200, 204)
        ):
            if last is None:
                raise ValueError(
                    f"Operation {self._state.operation_id} has no response to take its result from"
                )
            return last
        return self._get(url)

    def _deserialize_response(self, response: HttpResponse) -> T:
        assert self._deserialize is not None
        body = _json_or_none(response, self._secret_fields)
        if body is None:
            # An empty final body (or a JSON null) is no result, as azure-core's
            # deserialization makes it: None. A body that is not JSON stays a DecodeError.
            return cast("T", None)
        try:
            return self._deserialize(body)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            path = getattr(exc, "path", None)
            where = f" at {path}" if path else ""
            raise DecodeError(
                f"Could not deserialize the result of {self._state.operation_id}{where}: {exc}",
                response=response,
                secret_fields=self._secret_fields,
            ) from exc

    def _deletion_status(self, response: HttpResponse) -> str:
        if response.status_code in (204, 404):
            return "Succeeded"
        state = provisioning_state(_json_or_none(response, self._secret_fields))
        if state is not None and (state.lower() == "deleting" or _is_failed(state)):
            return state
        raise HttpResponseError(
            f"The DELETE of {redact_url(self._state.url)} did not take effect: the resource "
            f"is still there with provisioningState {state!r}. Send the DELETE again.",
            response=response,
            secret_fields=self._secret_fields,
        )

    def _body(self, response: HttpResponse) -> Any:
        decoded = self._decoded
        if decoded is not None and decoded[0] is response:
            return decoded[1]
        body = _json_or_none(response, self._secret_fields)
        self._decoded = (response, body)
        return body

    def _get(self, url: str, *, gone_is_done: bool = False) -> HttpResponse:
        if url != self._state.url and url != self._checked_url:
            if not same_origin(url, self._state.url):
                # The pipeline attaches the bearer token; a poll link pointing at another
                # host (or downgrading to http) would hand that token to whoever runs it.
                raise ServiceRequestError(
                    f"Refusing to poll {redact_url(url)}: it is not on the same scheme, host "
                    f"and port as the operation URL {redact_url(self._state.url)}"
                )
            self._checked_url = url
        timeout, retry_policy = self._request_timeout, self._retry_policy
        if self._give_up_at is not None:
            time_left = self._give_up_at - self._clock()
            if time_left <= 0:
                raise ServiceRequestTimeoutError(
                    f"No time was left to send GET {redact_url(url)} before the time limit"
                )
            timeout = time_left if timeout is None else min(timeout, time_left)
            retry_policy = replace(retry_policy or RetryPolicy(), timeout=time_left)
        request = HttpRequest("GET", url, headers={"Accept": _POLL_ACCEPT})
        response = self._pipeline.run(
            request,
            client_request_id=self._state.client_request_id,
            timeout=timeout,
            retry_policy=retry_policy,
        )
        self._last_response = response
        if response.status_code not in _OK_LRO_STATUS and not (
            gone_is_done and response.status_code == 404
        ):
            raise map_error(response, secret_fields=self._secret_fields)
        return response

    def _set_state(self, **changes: Any) -> None:
        state = self._state
        if any(getattr(state, name) != value for name, value in changes.items()):
            self._state = replace(state, **changes)
            self._token = None

    def limit_requests(self, give_up_at: float | None, clock: Callable[[], float]) -> None:
        """Make every request from now on end, retries included, by ``give_up_at`` on
        ``clock``: each gets what is left as its timeout. ``None`` lifts the limit."""
        self._give_up_at = give_up_at
        self._clock = clock

    def mark_failed(self) -> None:
        """Record that polling stopped on an error the service did not report as a status.

        :meth:`status` says ``"Failed"`` from now on, but the resumable state keeps the
        service's last status: the operation may well still be running, and a continuation
        token taken now must resume it rather than replay a failure that was ours.
        """
        self._stopped_by_error = True
        self._finished = True


def normalize_final_state_via(value: str | None) -> str | None:
    """The lower-cased ``x-ms-long-running-operation-options`` value; ``ValueError`` if unknown."""
    if value is None:
        return None
    normalized = value.strip().lower()
    if normalized not in _FINAL_STATE_VIA:
        raise ValueError(
            f"final_state_via must be one of {sorted(_FINAL_STATE_VIA)} or None, not {value!r}"
        )
    return normalized


def _initial_status(algorithm: str, response: HttpResponse) -> str:
    if algorithm in _STATUS_BODY_ALGORITHMS:
        # Unlike polls, a missing or unreadable status on the first response is normal:
        # a PUT answers with the resource, not with an operation status.
        try:
            body = _json_or_none(response)
        except DecodeError:
            body = None
        status = body.get("status") if isinstance(body, dict) else None
        return status if isinstance(status, str) and status else "InProgress"
    if algorithm == _ALG_LOCATION:
        return "InProgress"
    if algorithm == _ALG_BODY:
        try:
            body = _json_or_none(response)
        except DecodeError:
            body = None
        return _body_status(response, body)
    return "Succeeded"


# --- the poller ------------------------------------------------------------------------------


class LROPoller(Generic[T]):
    """A long-running operation; azure-core's ``LROPoller`` surface, polled in the caller's thread.

    ``result()``/``wait()`` sleep between polls (``Retry-After`` of the latest response when it
    asks for a non-zero delay, capped at ``max_retry_after``, else ``polling_interval``; an
    initial ``Retry-After`` is honoured before the first poll). ``done()`` never sleeps.
    One lock serializes polls, so several threads may wait on the same poller.

    No thread is started unless :meth:`start_background` is called; ``deadline`` (seconds from
    construction) bounds the whole operation, whoever waits.
    """

    def __init__(
        self,
        polling_method: ArmPollingMethod[T],
        *,
        polling: bool = True,
        polling_interval: float = 30.0,
        max_retry_after: float = DEFAULT_RETRY_AFTER_MAX,
        deadline: float | None = None,
        first_poll_immediately: bool = False,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        check_seconds("polling_interval", polling_interval)
        check_seconds("max_retry_after", max_retry_after)
        if deadline is not None:
            check_seconds("deadline", deadline)
        self._method = polling_method
        self._interval = polling_interval
        self._max_retry_after = max_retry_after
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        # Separate from the poll lock so a callback may register another without deadlocking.
        self._callback_lock = threading.Lock()
        self._callbacks: list[Callable[[ArmPollingMethod[T]], object]] = []
        self._exception: BaseException | None = None
        self._background: threading.Thread | None = None
        # Set by start_background: most pollers never need an Event.
        self._background_stopped: threading.Event
        self._background_error: BaseException | None = None
        now = clock()
        self._deadline_at = None if deadline is None else now + deadline
        self._next_poll_at = now if first_poll_immediately else now + self._server_delay(0.0)
        if not polling:
            self._run_step(polling_method.finish_without_polling)
        elif polling_method.is_terminal() or polling_method.state.algorithm == _ALG_NONE:
            self._next_poll_at = now

    # -- construction helpers --

    @overload
    @classmethod
    def from_continuation_token(
        cls,
        continuation_token: str,
        *,
        pipeline: PollingPipeline,
        deserialize: Callable[[Any], T],
        operation_id: str | None = None,
        polling_interval: float = 30.0,
        max_retry_after: float = DEFAULT_RETRY_AFTER_MAX,
        deadline: float | None = None,
        request_timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        secret_fields: frozenset[str] = frozenset(),
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> LROPoller[T]: ...

    @overload
    @classmethod
    def from_continuation_token(
        cls,
        continuation_token: str,
        *,
        pipeline: PollingPipeline,
        deserialize: None,
        operation_id: str | None = None,
        polling_interval: float = 30.0,
        max_retry_after: float = DEFAULT_RETRY_AFTER_MAX,
        deadline: float | None = None,
        request_timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        secret_fields: frozenset[str] = frozenset(),
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> LROPoller[None]: ...

    @classmethod
    def from_continuation_token(
        cls,
        continuation_token: str,
        *,
        pipeline: PollingPipeline,
        deserialize: Callable[[Any], Any] | None,
        operation_id: str | None = None,
        polling_interval: float = 30.0,
        max_retry_after: float = DEFAULT_RETRY_AFTER_MAX,
        deadline: float | None = None,
        request_timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        secret_fields: frozenset[str] = frozenset(),
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> LROPoller[Any]:
        """Resume an operation from a token: no initial request, the first poll is immediate.

        Raises ``ValueError`` for a garbage, truncated, modified or foreign token, or one made
        for another ``operation_id``.
        """
        state = decode_continuation_token(continuation_token)
        if operation_id is not None and state.operation_id != operation_id:
            raise ValueError(
                f"This continuation token belongs to operation {state.operation_id!r}, "
                f"not {operation_id!r}"
            )
        if state.algorithm == _ALG_NONE and deserialize is not None:
            raise ValueError(
                f"Operation {state.operation_id} finished with its first response; its result "
                "was in that response and cannot be recovered from a continuation token"
            )
        method: ArmPollingMethod[Any] = ArmPollingMethod(
            state,
            pipeline=pipeline,
            deserialize=deserialize,
            request_timeout=request_timeout,
            retry_policy=retry_policy,
            secret_fields=secret_fields,
        )
        return LROPoller(
            method,
            polling_interval=polling_interval,
            max_retry_after=max_retry_after,
            deadline=deadline,
            first_poll_immediately=True,
            sleep=sleep,
            clock=clock,
        )

    # -- the Poller protocol --

    def polling_method(self) -> ArmPollingMethod[T]:
        """The object that holds the algorithm's state and does the HTTP work."""
        return self._method

    def status(self) -> str:
        """The latest status reported by the service, verbatim."""
        return self._method.status()

    def continuation_token(self) -> str:
        """A token for :meth:`from_continuation_token`; works in every state."""
        return self._method.continuation_token()

    def start_background(self) -> LROPoller[T]:
        """Poll in one daemon thread from now on, and return this poller.

        ``result()``/``wait()`` then only wait for that thread (their ``timeout`` still
        applies), ``done()`` only looks, and done callbacks run in the background thread. A
        second call, or a call once the operation finished, does nothing.
        """
        with self._callback_lock:
            if self._background is None and not self._method.finished():
                self._background_stopped = threading.Event()
                self._background = threading.Thread(
                    target=self._poll_in_background,
                    name=f"LROPoller({self._method.state.operation_id})",
                    daemon=True,
                )
                self._background.start()
        return self

    def _poll_in_background(self) -> None:
        try:
            self._wait_here(None)
        except BaseException as exc:  # surfaced to the waiters, never lost in the thread
            self._background_error = exc
        finally:
            self._background_stopped.set()

    def done(self) -> bool:
        """Whether the operation finished; never sleeps, performs at most one poll if one is due."""
        # A thread already mid-poll will bring the news, so do not wait for its lock here.
        if (
            self._background is None
            and not self._method.finished()
            and self._clock() >= self._next_poll_at
            and self._lock.acquire(blocking=False)
        ):
            try:
                self._step_if_due()
            except PollingTimeoutError:
                pass  # the deadline cut the poll short; the operation is simply not done
            finally:
                self._lock.release()
        return self._method.finished()

    def wait(self, timeout: float | None = None) -> None:
        """Poll until the operation finishes.

        Raises :class:`PollingTimeoutError` (a ``TimeoutError``) when ``timeout`` seconds, or the
        poller's overall ``deadline``, pass first, and the operation's error if it failed.
        """
        if timeout is not None:
            check_seconds("timeout", timeout)
        # A done callback runs in the background thread, which only stops after the
        # callbacks: waiting for it from inside one would wait forever.
        if self._background is not None and threading.current_thread() is not self._background:
            self._wait_for_background(timeout)
        else:
            self._wait_here(timeout)

    def _wait_for_background(self, timeout: float | None) -> None:
        if not self._background_stopped.wait(timeout):
            raise PollingTimeoutError(
                f"Operation {self._method.state.operation_id} was still "
                f"{self.status()!r} when the {timeout} s timeout passed",
                status=self.status(),
                continuation_token=self.continuation_token(),
            )
        if self._exception is not None:
            raise self._exception
        if self._background_error is not None:
            raise self._background_error

    def _wait_here(self, timeout: float | None) -> None:
        give_up_at = None if timeout is None else self._clock() + timeout
        while not self._method.finished():
            now = self._clock()
            due = self._next_poll_at
            limit, reason = self._limit(give_up_at, timeout)
            if limit is not None and due > limit:
                if limit > now:
                    self._sleep(limit - now)
                raise PollingTimeoutError(
                    f"Operation {self._method.state.operation_id} was still "
                    f"{self.status()!r} when {reason}",
                    status=self.status(),
                    continuation_token=self.continuation_token(),
                )
            if due > now:
                self._sleep(due - now)
            with self._lock:
                self._step_if_due(limit, reason)
        if self._exception is not None:
            raise self._exception

    def result(self, timeout: float | None = None) -> T:
        """Wait for the operation and return its result; see :meth:`wait` for what it raises.

        Never returns a half-built object: a timeout is an exception, not a partial result.
        """
        self.wait(timeout)
        return cast(T, self._method.resource())

    def add_done_callback(self, func: Callable[[ArmPollingMethod[T]], object]) -> None:
        """Call ``func(polling_method)`` once the operation finishes (succeeded or failed).

        It runs in whichever thread observes completion; immediately if already finished.
        """
        with self._callback_lock:
            if not self._method.finished():
                self._callbacks.append(func)
                return
        func(self._method)

    def remove_done_callback(self, func: Callable[[ArmPollingMethod[T]], object]) -> None:
        """Forget a callback; ``ValueError`` once the operation has finished."""
        with self._callback_lock:
            if self._method.finished():
                raise ValueError("The operation has finished; its callbacks already ran.")
            self._callbacks = [callback for callback in self._callbacks if callback is not func]

    def __repr__(self) -> str:
        state = self._method.state
        return f"<LROPoller {state.operation_id} status={state.status!r}>"

    # -- internals --

    def _limit(self, give_up_at: float | None, timeout: float | None) -> tuple[float | None, str]:
        if self._deadline_at is not None and (give_up_at is None or self._deadline_at < give_up_at):
            return self._deadline_at, "the poller's overall deadline passed"
        return give_up_at, f"the {timeout} s timeout passed"

    def _server_delay(self, default: float) -> float:
        requested = self._method.server_delay()
        return default if requested is None else min(requested, self._max_retry_after)

    def _step_if_due(self, limit: float | None = None, reason: str = "") -> None:
        """Caller holds the lock. Re-check under it so concurrent waiters never double-poll.

        The step's requests must end by ``limit`` (the caller's earlier of deadline and wait
        timeout; the deadline when ``None``), or it raises :class:`PollingTimeoutError`.
        """
        if self._method.finished() or self._clock() < self._next_poll_at:
            return
        if limit is None:
            limit, reason = self._limit(None, None)
        if self._method.is_terminal() or self._method.state.algorithm == _ALG_NONE:
            step = self._method.complete_if_terminal
        else:
            step = self._method.update_status
        self._method.limit_requests(limit, self._clock)
        try:
            self._run_step(step, limit, reason)
        finally:
            self._method.limit_requests(None, self._clock)
        if not self._method.finished():
            self._next_poll_at = self._clock() + self._server_delay(self._interval)

    def _run_step(
        self, step: Callable[[], None], limit: float | None = None, reason: str = ""
    ) -> None:
        try:
            step()
        except Exception as exc:
            if limit is not None and self._cut_short(exc, limit):
                # Our own time limit ended the request, not the service: the operation is
                # still running and resumable, so this is a timeout rather than a failure.
                raise PollingTimeoutError(
                    f"Operation {self._method.state.operation_id} was still "
                    f"{self.status()!r} when {reason} during a poll",
                    status=self.status(),
                    continuation_token=self.continuation_token(),
                ) from exc
            self._method.mark_failed()
            if isinstance(exc, AzureError):
                exc.continuation_token = self._method.continuation_token()
            self._exception = exc
            _LOGGER.info(  # raised to the caller: not a warning as well
                "Long-running operation %s failed: %s",
                self._method.state.operation_id,
                type(exc).__name__,
            )
        if self._method.finished():
            with self._callback_lock:
                callbacks, self._callbacks = self._callbacks, []
            for callback in callbacks:
                callback(self._method)

    def _cut_short(self, error: Exception, limit: float) -> bool:
        """Whether ``error`` came from a request that ran out of the time left before ``limit``
        (no response, and the limit has passed) rather than from the service."""
        return isinstance(error, ServiceRequestError | ServiceResponseError) and (
            self._clock() >= limit
        )


# pyright --strict (nox -s lint): JSON values narrowed from Any (dict[Unknown, Unknown]) are
# read on purpose in this module; the public surface stays fully typed.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false
