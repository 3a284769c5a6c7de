"""The sans-I/O core of ARM long-running operations: no sockets, no sleeps, no threads.

:class:`LroCore` holds one operation's state and turns responses into the next request or the
outcome. Its steps are generators in the style of httpx's auth flows: a step *yields* each
``HttpRequest`` it needs and is *sent* the ``HttpResponse``; when it returns, the step is over.
A driver runs a step with whatever I/O it has::

    flow = core.step()
    request = next(flow)              # StopIteration: nothing to send
    while True:
        response = send(request)      # urllib3, aiohttp, or a test's scripted replies
        request = flow.send(response)  # StopIteration: the step is over

:func:`drive` (sync) and ``aio.drive`` (asyncio) are the two drivers. One small class per
polling algorithm decides the poll URL, the status a response means and where the result is,
as azure-core's ``base_polling`` does: :class:`OperationResourcePolling`
(``Azure-AsyncOperation`` and ``Operation-Location``), :class:`LocationPolling`,
:class:`StatusCheckPolling` (the resource's ``provisioningState``) and :class:`NoPolling`.
:class:`PollSchedule` is the timing both pollers share: when the next poll is due, which limit
(the wait's timeout or the operation's deadline) comes first, and how long a request may take.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Generator
from dataclasses import replace
from typing import Any, ClassVar, Generic, TypeVar, cast
from urllib.parse import urljoin

from .checks import check_seconds
from .exceptions import (
    SHOWN_ERROR_BODY,
    DecodeError,
    ErrorDetail,
    HttpResponseError,
    OperationFailedError,
    PollingTimeoutError,
    ServiceRequestError,
    ServiceRequestTimeoutError,
    ServiceResponseError,
    map_error,
)
from .http import HttpRequest, HttpResponse
from .lenient import read_leniently
from .lro_failure import FailureDescriber, FailureDetail
from .lro_token import (
    ALG_ASYNC,
    ALG_BODY,
    ALG_LOCATION,
    ALG_NONE,
    ALG_OPERATION_LOCATION,
    PollingState,
    encode_continuation_token,
    normalize_final_state_via,
)
from .origin import same_origin
from .redact import NO_SECRET_VALUES, SecretValues, mask_text, redact_json_value, redact_url
from .retry import RetryPolicy
from .retry_after import requested_delay

__all__ = [
    "DEFAULT_RETRY_AFTER_MAX",
    "Flow",
    "LocationPolling",
    "LroCore",
    "NoPolling",
    "OperationResourcePolling",
    "PollSchedule",
    "PollingAlgorithm",
    "StatusCheckPolling",
    "algorithm_for",
    "drive",
    "is_terminal_status",
    "provisioning_state",
    "request_budget",
    "retry_after_seconds",
    "same_origin",
    "select_algorithm",
]

T = TypeVar("T")

_LOGGER = logging.getLogger("vmss_runcommands.runtime.polling")

Flow = Generator[HttpRequest, HttpResponse, None]
"""One step of an operation: yields the requests it needs, is sent their responses."""

DEFAULT_RETRY_AFTER_MAX = 60.0
"""Cap on one server-requested wait when the retry policy does not say otherwise."""

_SUCCEEDED = "succeeded"
_FAILED_STATES = frozenset({"failed", "canceled", "cancelled"})
_TERMINAL_STATES = _FAILED_STATES | {_SUCCEEDED}
_OK_LRO_STATUS = frozenset({200, 201, 202, 204})
_POLL_ACCEPT = "application/json, text/json"
_NUMBERS = (int, float)  # exactly these types (bool is no number of seconds)
_INFINITY = float("inf")

# --- response helpers ------------------------------------------------------------------------


def _json_or_none(response: HttpResponse, secret_fields: frozenset[str] = frozenset()) -> Any:
    """The JSON body, ``None`` for an empty one; ``DecodeError`` for a body that is not JSON."""
    body = response.body
    if not body or body.isspace():  # as `not body.strip()`, without copying the body
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
    headers = response.headers
    if name not in headers:  # HTTPHeaderDict.get raises (and catches) for a missing name
        return None
    value = headers.get(name)
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


def _failure_message(operation_id: str, status: str, found: FailureDetail | None) -> str:
    """A readable message for a failed resource body; never a dump of the whole resource."""
    message = f"Long-running operation {operation_id} ended with status {status!r}"
    return f"{message}: {found.summary}" if found is not None and found.summary else message + "."


# --- one class per polling algorithm ---------------------------------------------------------


class PollingAlgorithm:
    """How one algorithm reads an operation's status; pure functions of state and responses."""

    name: ClassVar[str]

    def initial_status(self, response: HttpResponse) -> str:
        """The status the operation's first response means."""
        raise NotImplementedError

    def poll_target(self, state: PollingState) -> tuple[str, bool]:
        """The URL to poll, and whether a ``404`` there means the operation is done."""
        raise NotImplementedError

    def status_after_poll(
        self,
        state: PollingState,
        response: HttpResponse,
        body: Callable[[], Any],
        secret_fields: frozenset[str],
    ) -> dict[str, Any]:
        """The state changes a poll response means (``status`` at least); raises for a
        response that cannot tell."""
        raise NotImplementedError

    def final_url(self, state: PollingState, last_body: Callable[[], Any]) -> str | None:
        """Where the result lives once the operation succeeded; ``None``: the last response is
        the result. ``final-state-via: original-uri`` asks for a GET of the operation URL."""
        if state.final_state_via == "original-uri":
            return state.url
        return self._final_url(state, last_body)

    def _final_url(self, state: PollingState, last_body: Callable[[], Any]) -> str | None:
        return None


class OperationResourcePolling(PollingAlgorithm):
    """``Azure-AsyncOperation`` / ``Operation-Location``: poll an operation status resource
    whose ``status`` field is the operation's; the result is then read from the resource."""

    def __init__(self, name: str) -> None:
        self.name = name  # type: ignore[misc]

    def initial_status(self, response: HttpResponse) -> str:
        # Unlike polls, a missing or unreadable status on the first response is normal:
        # a PUT answers with the resource, not with an operation status.
        raw = response.body
        if raw[:1] == b"{" and b"status" not in raw and b"\\u" not in raw and b"\x00" not in raw:
            # A UTF-8 JSON object that has no "status" member, spelt plainly or escaped:
            # nothing to decode (a resource is a kilobyte or more of JSON).
            return "InProgress"
        try:
            body = _json_or_none(response)
        except DecodeError:
            body = None
        status = body.get("status") if isinstance(body, dict) else None
        return status if isinstance(status, str) and status else "InProgress"

    def poll_target(self, state: PollingState) -> tuple[str, bool]:
        url = state.poll_url
        if url is None:  # never, for a state this algorithm was chosen for (no cast: a call)
            raise ValueError("the operation has no status link to poll")
        return url, False

    def status_after_poll(
        self,
        state: PollingState,
        response: HttpResponse,
        body: Callable[[], Any],
        secret_fields: frozenset[str],
    ) -> dict[str, Any]:
        decoded = body()
        status = decoded.get("status") if isinstance(decoded, dict) else None
        if not isinstance(status, str) or not status:
            raise HttpResponseError(
                f"The operation status response from {redact_url(response.request.url)} "
                "has no 'status' field, so it cannot tell whether the operation finished",
                response=response,
                secret_fields=secret_fields,
            )
        return {"status": status}

    def _final_url(self, state: PollingState, last_body: Callable[[], Any]) -> str | None:
        """As azure-core's ``LROBasePolling``/``ARMPolling``: the status body is not the
        resource, so the result needs a GET (none for a POST asked to end on the status)."""
        via = state.final_state_via
        if via == "location" and state.location_url is not None:
            return state.location_url
        if via in ("azure-async-operation", "operation-location") and state.method == "POST":
            return None
        body = last_body()
        resource_location = body.get("resourceLocation") if isinstance(body, dict) else None
        if isinstance(resource_location, str) and resource_location:
            return urljoin(state.url, resource_location)
        if state.method in ("PUT", "PATCH"):
            return state.url
        if state.method == "POST" and state.location_url is not None:
            return state.location_url
        return None


class LocationPolling(PollingAlgorithm):
    """``Location``: poll the given URL; ``202`` means running, anything else is the result."""

    name = ALG_LOCATION

    def initial_status(self, response: HttpResponse) -> str:
        return "InProgress"

    def poll_target(self, state: PollingState) -> tuple[str, bool]:
        return cast(str, state.location_url), False

    def status_after_poll(
        self,
        state: PollingState,
        response: HttpResponse,
        body: Callable[[], Any],
        secret_fields: frozenset[str],
    ) -> dict[str, Any]:
        status = "InProgress" if response.status_code == 202 else "Succeeded"
        location = _header(response, "Location")
        if location is not None:
            return {"status": status, "location_url": urljoin(response.request.url, location)}
        return {"status": status}


class StatusCheckPolling(PollingAlgorithm):
    """The resource itself: its ``provisioningState`` (a lost DELETE: until it is gone)."""

    name = ALG_BODY

    def initial_status(self, response: HttpResponse) -> str:
        try:
            body = _json_or_none(response)
        except DecodeError:
            body = None
        return _body_status(response, body)

    def poll_target(self, state: PollingState) -> tuple[str, bool]:
        # Only a DELETE whose first answer was lost polls the resource (lost_response_token).
        return state.url, state.method == "DELETE"

    def status_after_poll(
        self,
        state: PollingState,
        response: HttpResponse,
        body: Callable[[], Any],
        secret_fields: frozenset[str],
    ) -> dict[str, Any]:
        if state.method == "DELETE":
            return {"status": _deletion_status(state, response, secret_fields)}
        decoded = body()
        if decoded is None and response.status_code in (200, 201):
            raise DecodeError(
                f"The long-running operation poll of {redact_url(state.url)} returned "
                f"{response.status_code} without a body",
                response=response,
                secret_fields=secret_fields,
            )
        return {"status": _body_status(response, decoded)}


class NoPolling(PollingAlgorithm):
    """The first response was the whole answer: nothing to poll, it is the result."""

    name = ALG_NONE

    def initial_status(self, response: HttpResponse) -> str:
        return "Succeeded"

    def final_url(self, state: PollingState, last_body: Callable[[], Any]) -> str | None:
        return None


_ALGORITHM_OBJECTS: dict[str, PollingAlgorithm] = {
    ALG_ASYNC: OperationResourcePolling(ALG_ASYNC),
    ALG_OPERATION_LOCATION: OperationResourcePolling(ALG_OPERATION_LOCATION),
    ALG_LOCATION: LocationPolling(),
    ALG_BODY: StatusCheckPolling(),
    ALG_NONE: NoPolling(),
}


def algorithm_for(state: PollingState) -> PollingAlgorithm:
    """The algorithm object for a state's (already validated) algorithm name."""
    return _ALGORITHM_OBJECTS[state.algorithm]


def select_algorithm(
    method: str, response: HttpResponse, final_state_via: str | None
) -> tuple[str, str | None]:
    """First match wins, as in azure-mgmt-core's ARMPolling, with Operation-Location added.

    Returns the algorithm's name and, for the operation-status algorithms, the poll link.
    """
    async_url = _header(response, "Azure-AsyncOperation")
    if async_url is not None:
        return ALG_ASYNC, async_url
    operation_location = _header(response, "Operation-Location")
    if operation_location is not None and final_state_via == "operation-location":
        return ALG_OPERATION_LOCATION, operation_location
    if _header(response, "Location") is not None:
        return ALG_LOCATION, None
    if method in ("PUT", "PATCH"):
        return ALG_BODY, None
    # ARM ignores Operation-Location; data-plane style services that send only it would
    # otherwise look finished after the first response.
    if operation_location is not None:
        return ALG_OPERATION_LOCATION, operation_location
    return ALG_NONE, None


def _deletion_status(
    state: PollingState, response: HttpResponse, secret_fields: frozenset[str]
) -> str:
    if response.status_code in (204, 404):
        return "Succeeded"
    found = provisioning_state(_json_or_none(response, secret_fields))
    if found is not None and (found.lower() == "deleting" or _is_failed(found)):
        return found
    raise HttpResponseError(
        f"The DELETE of {redact_url(state.url)} did not take effect: the resource "
        f"is still there with provisioningState {found!r}. Send the DELETE again.",
        response=response,
        secret_fields=secret_fields,
    )


# --- the state machine -----------------------------------------------------------------------


class LroCore(Generic[T]):
    """One operation's state; each step is a :data:`Flow` a driver runs with its own I/O.

    Not thread-safe by itself; the pollers serialize access to it.
    """

    def __init__(
        self,
        state: PollingState,
        *,
        deserialize: Callable[[Any], T] | None,
        last_response: HttpResponse | None = None,
        secret_fields: frozenset[str] = frozenset(),
        describe_failure: FailureDescriber | None = None,
    ) -> None:
        self._state = state
        self._describe_failure = describe_failure
        self._algorithm = algorithm_for(state)
        self._deserialize = deserialize
        self._last_response = last_response
        self._secret_fields = secret_fields
        # Secrets the operation's first request sent (not in a continuation token: a resumed
        # poller has none).
        self._sent_secrets = (
            last_response.secret_values if last_response is not None else NO_SECRET_VALUES
        )
        self._status_seen: tuple[str, str] | None = None
        shown = self._shown_status(state.status)
        if shown != state.status:
            self._state = replace(state, status=shown)
        self._finished = False
        self._stopped_by_error = False
        self._resource: T | None = None
        self._token: str | None = None
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
        deserialize: Callable[[Any], T] | None,
        operation_id: str,
        client_request_id: str,
        final_state_via: str | None = None,
        secret_fields: frozenset[str] = frozenset(),
        describe_failure: FailureDescriber | None = None,
    ) -> LroCore[T]:
        """Choose the algorithm and the initial status from the operation's first response."""
        if response.status_code not in _OK_LRO_STATUS:
            raise map_error(response, secret_fields=secret_fields)
        final_state_via = normalize_final_state_via(final_state_via)
        method = response.request.method.upper()
        url = response.request.url
        algorithm, poll_url = select_algorithm(method, response, final_state_via)
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
            status=_ALGORITHM_OBJECTS[algorithm].initial_status(response),
        )
        return cls(
            state,
            deserialize=deserialize,
            last_response=response,
            secret_fields=secret_fields,
            describe_failure=describe_failure,
        )

    @classmethod
    def from_resource_response(
        cls,
        response: HttpResponse,
        *,
        method: str,
        deserialize: Callable[[Any], T] | None,
        operation_id: str,
        client_request_id: str,
        final_state_via: str | None = None,
        secret_fields: frozenset[str] = frozenset(),
        describe_failure: FailureDescriber | None = None,
    ) -> LroCore[T]:
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
            algorithm=ALG_BODY,
            poll_url=None,
            location_url=None,
            client_request_id=client_request_id,
            final_state_via=normalize_final_state_via(final_state_via),
            status=_body_status(response, body),
        )
        return cls(
            state,
            deserialize=deserialize,
            last_response=response,
            secret_fields=secret_fields,
            describe_failure=describe_failure,
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

    def needs_no_poll(self) -> bool:
        """Whether the next step only completes (terminal already, or nothing to poll)."""
        return self.is_terminal() or self._state.algorithm == ALG_NONE

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
        return requested_delay(self._last_response.headers) or None

    # -- the steps --

    def step(self) -> Flow:
        """The next due step: a poll, or only the completion when already terminal."""
        state = self._state
        if state.status.lower() in _TERMINAL_STATES or state.algorithm == ALG_NONE:
            return self.complete_if_terminal()  # needs_no_poll(), written out
        return self.update_status()

    def update_status(self) -> Flow:
        """Poll once; when the status becomes terminal, also fetch the final result (or raise)."""
        state = self._state
        if state.algorithm == ALG_NONE:
            yield from self._complete()
            return
        url, gone_is_done = self._algorithm.poll_target(state)
        response = yield from self._get(url, gone_is_done=gone_is_done)
        self._apply(
            self._algorithm.status_after_poll(
                state, response, lambda: self._body(response), self._secret_fields
            )
        )
        _LOGGER.debug("LRO %s status %s", state.operation_id, self._state.status)
        if self.is_terminal():
            yield from self._complete()

    def complete_if_terminal(self) -> Flow:
        """Finish without polling when the status is already terminal (initial or resumed)."""
        if self.needs_no_poll():
            yield from self._complete()

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

    def mark_failed(self) -> None:
        """Record that polling stopped on an error the service did not report as a status.

        :meth:`status` says ``"Failed"`` from now on, but the resumable state keeps the
        service's last status: the operation may well still be running, and a continuation
        token taken now must resume it rather than replay a failure that was ours.
        """
        self._stopped_by_error = True
        self._finished = True

    # -- internals --

    def _complete(self) -> Flow:
        status = self._state.status
        if _is_failed(status):
            raise self._failure()
        self._finished = True
        if self._deserialize is None:
            return
        if self._state.method == "DELETE" and self._state.algorithm == ALG_BODY:
            # A DELETE polled through its resource ends when the resource is gone: the
            # last answer is a 404 or 204, not a result.
            return
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
            final = last
        else:
            final = yield from self._get(url)
        self._resource = self._result_from(final)

    def _final_url(self) -> str | None:
        last = self._last_response
        return self._algorithm.final_url(
            self._state, lambda: None if last is None else self._body(last)
        )

    def _result_from(self, response: HttpResponse) -> T | None:
        """The operation's result from its final response.

        A final answer without a body (a DELETE or POST's ``204 No Content``, or a ``200``
        with nothing in it) is ``None`` even when a model is declared, as in azure-core. One
        that is not JSON is a ``DecodeError`` -- never a half-built result.
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
        found = None
        if self._describe_failure is not None and body is not None:
            found = self._describe_failure(body)
        detail = None if found is None or found.detail is None else dict(found.detail)
        if detail is not None and (response is None or len(response.body) <= SHOWN_ERROR_BODY):
            # A larger status body leaves its detail out (the error does that): redacting
            # all of it first would cost about a microsecond a character.
            detail = redact_json_value(detail, self._secret_fields)
        return OperationFailedError(
            _failure_message(self._state.operation_id, self._state.status, found),
            response=response,
            error=error,
            secret_fields=self._secret_fields,
            status=self._state.status,
            detail=detail,
        )

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
            try:  # a response that drifts harmlessly from its schema (lenient.py)
                return read_leniently(self._deserialize, body)
            except (ValueError, TypeError, KeyError, AttributeError):
                pass
            path = getattr(exc, "path", None)
            where = f" at {path}" if path else ""
            raise DecodeError(
                f"Could not deserialize the result of {self._state.operation_id}{where}: {exc}",
                response=response,
                secret_fields=self._secret_fields,
            ) from exc

    def _body(self, response: HttpResponse) -> Any:
        decoded = self._decoded
        if decoded is not None and decoded[0] is response:
            return decoded[1]
        body = _json_or_none(response, self._secret_fields)
        self._decoded = (response, body)
        return body

    def _get(
        self, url: str, *, gone_is_done: bool = False
    ) -> Generator[HttpRequest, HttpResponse, HttpResponse]:
        if url != self._state.url and url != self._checked_url:
            if not same_origin(url, self._state.url):
                # The pipeline attaches the bearer token; a poll link pointing at another
                # host (or downgrading to http) would hand that token to whoever runs it.
                raise ServiceRequestError(
                    f"Refusing to poll {redact_url(url)}: it is not on the same scheme, host "
                    f"and port as the operation URL {redact_url(self._state.url)}"
                )
            self._checked_url = url
        # A poll sends no body, but its answer may echo what the first request sent: the
        # request carries those values, so the pipeline's own log lines mask them too.
        response = yield HttpRequest(
            "GET", url, headers={"Accept": _POLL_ACCEPT}, secret_values=self._sent_secrets
        )
        if not response.secret_values.issuperset(self._sent_secrets):
            # The runtime's pipeline puts the request's values on its response already.
            response.secret_values = SecretValues(response.secret_values | self._sent_secrets)
        self._last_response = response
        if response.status_code not in _OK_LRO_STATUS and not (
            gone_is_done and response.status_code == 404
        ):
            raise map_error(response, secret_fields=self._secret_fields)
        return response

    def _shown_status(self, status: str) -> str:
        """A status as the service wrote it, but with no secret in it: it is kept in the
        continuation token and shown by ``status()``, log lines and timeout errors, and a
        hostile service can write the token it was sent there."""
        seen = self._status_seen
        if seen is not None and seen[0] == status:  # every poll repeats the status
            return seen[1]
        values = self._sent_secrets
        if self._last_response is not None:
            values = SecretValues(values | self._last_response.secret_values)
        if status.isalnum() and not any(value in status for value in values):
            # What a status nearly always is: one word with no secret value in it, and no
            # ':', '=', '.' or space -- nothing mask_text could find, so nothing to mask.
            shown = status
        else:
            shown = mask_text(status, self._secret_fields, values)
        self._status_seen = (status, shown)
        return shown

    def _apply(self, changes: dict[str, Any]) -> None:
        """Take the state changes a response means. The state stays an immutable value (a
        poller's ``state`` may be held by a caller): a change makes a new one, copied field
        for field rather than through ``dataclasses.replace``, which looks the fields up and
        checks them all again; an unchanged status (most polls) makes none."""
        status = changes.get("status")
        if isinstance(status, str):
            changes["status"] = self._shown_status(status)
        fields = self._state.__dict__
        for name, value in changes.items():
            if fields[name] != value:
                break
        else:
            return
        state = object.__new__(PollingState)
        # A frozen dataclass refuses setattr, not a filled __dict__.
        state.__dict__.update(fields)
        state.__dict__.update(changes)
        self._state = state
        self._token = None


def drive(flow: Flow, send: Callable[[HttpRequest], HttpResponse]) -> None:
    """Run one step with a blocking ``send`` (the sync driver)."""
    try:
        request = next(flow)
        while True:
            request = flow.send(send(request))
    except StopIteration:
        return


def request_budget(
    url: str,
    give_up_at: float | None,
    now: float,
    timeout: float | None,
    retry_policy: RetryPolicy | None,
) -> tuple[float | None, RetryPolicy | None]:
    """The timeout and retry policy of one request that must end, retries included, by
    ``give_up_at``: each gets what is left. ``ServiceRequestTimeoutError`` when nothing is."""
    if give_up_at is None:
        return timeout, retry_policy
    time_left = give_up_at - now
    if time_left <= 0:
        raise ServiceRequestTimeoutError(
            f"No time was left to send GET {redact_url(url)} before the time limit"
        )
    timeout = time_left if timeout is None else min(timeout, time_left)
    return timeout, replace(retry_policy or RetryPolicy(), timeout=time_left)


class PollSchedule:
    """When polls are due and which time limit applies; shared by the sync and async pollers.

    Delays: ``Retry-After`` of the latest response when it asks for a non-zero delay, capped
    at ``max_retry_after``, else ``polling_interval``; an initial ``Retry-After`` is honoured
    before the first poll. ``deadline`` (seconds from construction) bounds the operation.
    """

    def __init__(
        self,
        core: LroCore[Any],
        *,
        now: float,
        polling_interval: float,
        max_retry_after: float,
        deadline: float | None,
        first_poll_immediately: bool,
    ) -> None:
        # A plain finite number >= 0 passes without a call; check_seconds words the rest.
        if not (type(polling_interval) in _NUMBERS and 0 <= polling_interval < _INFINITY):
            check_seconds("polling_interval", polling_interval)
        if not (type(max_retry_after) in _NUMBERS and 0 <= max_retry_after < _INFINITY):
            check_seconds("max_retry_after", max_retry_after)
        if deadline is not None:
            check_seconds("deadline", deadline)
        self._core = core
        self.interval = polling_interval
        self.max_retry_after = max_retry_after
        self.deadline_at = None if deadline is None else now + deadline
        self.next_poll_at = now if first_poll_immediately else now + self.server_delay(0.0)

    def server_delay(self, default: float) -> float:
        """The latest response's requested delay (capped), else ``default``."""
        requested = self._core.server_delay()
        return default if requested is None else min(requested, self.max_retry_after)

    def after_step(self, now: float) -> None:
        """Schedule the next poll after a step that left the operation running."""
        if not self._core.finished():
            self.next_poll_at = now + self.server_delay(self.interval)

    def limit(self, give_up_at: float | None, timeout: float | None) -> tuple[float | None, str]:
        """The earlier of the operation's deadline and a wait's end, with how to word it."""
        if give_up_at is None and self.deadline_at is None:
            return None, ""  # no limit: nothing to word
        if self.deadline_at is not None and (give_up_at is None or self.deadline_at < give_up_at):
            return self.deadline_at, "the poller's overall deadline passed"
        return give_up_at, f"the {timeout} s timeout passed"

    def timeout_error(self, reason: str) -> PollingTimeoutError:
        """The error for a wait or deadline that ran out while the operation was running."""
        status = self._core.status()
        return PollingTimeoutError(
            f"Operation {self._core.state.operation_id} was still {status!r} when {reason}",
            status=status,
            continuation_token=self._core.continuation_token(),
        )


def cut_short(error: Exception, now: float, limit: float) -> bool:
    """Whether ``error`` came from a request that ran out of the time left before ``limit``
    (no response, and the limit has passed) rather than from the service."""
    return isinstance(error, ServiceRequestError | ServiceResponseError) and now >= limit


# pyright --strict (nox -s lint): JSON values narrowed from Any (dict[Unknown, Unknown]) are
# read on purpose in this module; the public surface stays fully typed.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false
