"""The start of a long-running operation, sans I/O: send the write, and when its answer is
lost, reconcile with the resource instead of sending it blindly again; or resume it from a
continuation token (:func:`resume_core`).

:func:`start_flow` yields each :class:`Send` it needs and is sent the response (or has the
send's ``AzureError`` thrown into it); it returns ``(response, took_effect)``: the first
answer, or -- for a lost write that took effect -- the GET of its resource, which the
operation is then followed through. ``ArmClient`` and ``AsyncArmClient`` both drive it
(:func:`drive_start` here, ``aio.client`` for asyncio), so both reconcile the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Generator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .exceptions import AzureError, ServiceResponseError, ServiceResponseTimeoutError
from .http import HttpResponse
from .lro_core import LroCore
from .lro_failure import FailureDescriber
from .lro_token import ALG_NONE, decode_continuation_token, lost_response_token
from .reconcile import LostWriteDecision, decide_lost_write
from .redact import redact_url
from .retry import RetryPolicy

__all__ = ["Send", "StartFlow", "drive_start", "resume_core", "start_flow"]

T = TypeVar("T")

_LOGGER = logging.getLogger("vmss_runcommands.runtime.client")


# Not frozen: a frozen dataclass sets each of its fields through object.__setattr__, a
# measurable part of starting an LRO. Nothing changes a Send once made.
@dataclass(slots=True, repr=False)
class Send:
    """One request the flow needs; the driver raises ``map_error`` outside ``expected_status``."""

    method: str
    url: str
    body: bytes | None
    expected_status: Collection[int]
    headers: Mapping[str, str] | None
    client_request_id: str
    timeout: float | None
    retry_policy: RetryPolicy | None
    max_response_body: int | None = None

    def __repr__(self) -> str:
        return f"<Send {self.method} {redact_url(self.url)}>"


StartFlow = Generator[Send, HttpResponse, tuple[HttpResponse, bool]]


def start_flow(
    *,
    method: str,
    url: str,
    body: bytes | None,
    expected_status: Collection[int],
    headers: Mapping[str, str] | None,
    timeout: float | None,
    write_timeout: float | None,
    max_response_body: int | None,
    client_request_id: str,
    operation_id: str,
    final_state_via: str | None,
    write_policy: RetryPolicy,
    read_policy: RetryPolicy,
    secret_fields: frozenset[str],
) -> StartFlow:
    """Send the write; see the module docstring for what comes back."""
    write = Send(
        method,
        url,
        body,
        expected_status,
        headers,
        client_request_id,
        write_timeout,
        write_policy,
        max_response_body,
    )
    try:
        response = yield write
    except ServiceResponseError as error:
        # The request went out and may have started the operation: never send it blindly
        # again. A PUT or PATCH is reconciled with its resource; otherwise the token
        # resumes by watching the resource.
        error.continuation_token = lost_response_token(
            operation_id=operation_id,
            method=method,
            url=url,
            client_request_id=client_request_id,
            final_state_via=final_state_via,
        )
        if (
            method.upper() not in ("PUT", "PATCH")
            or body is None
            or isinstance(error, ServiceResponseTimeoutError)
        ):
            # A timeout is the caller's limit (or a slow service): it is reported, with
            # the token, rather than spent on more requests.
            raise
        return (yield from _reconcile(error, write, headers, timeout, read_policy, secret_fields))
    return response, False


def _reconcile(
    lost: ServiceResponseError,
    write: Send,
    headers: Mapping[str, str] | None,
    timeout: float | None,
    read_policy: RetryPolicy,
    secret_fields: frozenset[str],
) -> StartFlow:
    """After the answer to a PUT/PATCH was lost: ``(GET of its resource, True)`` when the
    write took effect, else ``(answer to sending it once more, False)``.

    Raises ``lost`` (with its continuation token) when the resource cannot be read, and the
    new error when the second attempt fails too: a write is never sent a third time.
    """
    # The caller's headers go along, but not the write's preconditions (If-Match,
    # If-None-Match): they are about the write, and would change what the GET answers.
    read_headers = {
        name: value for name, value in (headers or {}).items() if not name.lower().startswith("if-")
    }
    method, url = write.method.upper(), write.url
    try:
        found = yield Send(
            "GET",
            url,
            None,
            (200, 404),
            read_headers,
            write.client_request_id,
            timeout,
            read_policy,
            write.max_response_body,
        )
    except AzureError as unreadable:
        _LOGGER.info(
            "The answer to %s %s was lost and the resource could not be read (%s)",
            method,
            redact_url(url),
            type(unreadable).__name__,
        )
        raise lost from None
    decision = decide_lost_write(write.body, found, secret_fields)
    _LOGGER.info(
        "The answer to %s %s was lost; the resource %s: %s",
        method,
        redact_url(url),
        "is absent" if found.status_code == 404 else "exists",
        decision.value,
    )
    if decision is LostWriteDecision.POLL:
        return found, True
    try:
        again = yield write
    except ServiceResponseError as error:
        error.continuation_token = lost.continuation_token
        raise
    return again, False


R = TypeVar("R")


def drive_start(flow: Generator[Send, HttpResponse, R], send: Callable[[Send], HttpResponse]) -> R:
    """Run :func:`start_flow` (or a flow built on it) with a blocking ``send`` (the sync
    driver); a send's ``AzureError`` is thrown into the flow."""
    try:
        request = next(flow)
        while True:
            try:
                response = send(request)
            except AzureError as error:
                request = flow.throw(error)
            else:
                request = flow.send(response)
    except StopIteration as stop:
        result: R = stop.value
        return result


def resume_core(
    continuation_token: str,
    *,
    deserialize: Callable[[Any], T] | None,
    operation_id: str | None = None,
    secret_fields: frozenset[str] = frozenset(),
    describe_failure: FailureDescriber | None = None,
) -> LroCore[T]:
    """The core of an operation resumed from a token made by either driver.

    ``ValueError`` for a garbage, truncated, modified or foreign token, one made for another
    ``operation_id``, or one whose result was in a first response it does not carry.
    """
    state = decode_continuation_token(continuation_token)
    if operation_id is not None and state.operation_id != operation_id:
        raise ValueError(
            f"This continuation token belongs to operation {state.operation_id!r}, "
            f"not {operation_id!r}"
        )
    if state.algorithm == ALG_NONE and deserialize is not None:
        raise ValueError(
            f"Operation {state.operation_id} finished with its first response; its result "
            "was in that response and cannot be recovered from a continuation token"
        )
    return LroCore(
        state,
        deserialize=deserialize,
        secret_fields=secret_fields,
        describe_failure=describe_failure,
    )
