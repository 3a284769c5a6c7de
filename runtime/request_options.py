"""Per-call options (``RequestOptions``) and the checks both drivers apply before sending.

Sans-I/O: every value is validated here, once, at the boundary, so a bad option names itself
instead of surfacing as a transport error (or being sent as is).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import cast

from .call_options import RawResponseHook
from .checks import check_seconds
from .headers import check_header
from .pipeline import new_client_request_id
from .redact import SecretHeaders
from .retry import RetryPolicy
from .transport import check_body_limit

__all__ = [
    "NO_OPTIONS",
    "RequestOptions",
    "check_headers",
    "client_request_id",
    "earlier",
    "initial_request_policy",
    "request_options",
]

_CLIENT_REQUEST_ID = "x-ms-client-request-id"


@dataclass(frozen=True)
class RequestOptions:
    """Per-call settings, accepted as keyword arguments by every generated operation.

    Attributes:
        headers: Extra request headers; they win over the defaults.
        timeout: Seconds the whole call may take: attempts, retry waits and the response read.
        client_request_id: The x-ms-client-request-id to send (a new uuid by default).
        retry_policy: Retries for this call, instead of the client's.
        max_response_body: Largest response body accepted, in bytes, instead of the client's.
        raw_response_hook: Called with each response of the call (a PipelineResponse whose
            http_response has the status, headers and body), errors included; see
            :mod:`.call_options`.
        logging_enable: False keeps this call out of the log; True logs as configured.
    """

    headers: Mapping[str, str] | None = None
    timeout: float | None = None
    client_request_id: str | None = None
    retry_policy: RetryPolicy | None = None
    max_response_body: int | None = None
    raw_response_hook: RawResponseHook | None = None
    logging_enable: bool | None = None

    def __post_init__(self) -> None:
        # Checked here, before anything is sent, so a bad option names itself instead of
        # surfacing as a confusing transport error (or being sent as is).
        if self.headers is not None:
            check_headers(self.headers)
            if not isinstance(self.headers, SecretHeaders):
                # A copy whose repr shows no credential (an auxiliary token): the options sit
                # in the locals of every frame a traceback may render with ``capture_locals``.
                object.__setattr__(self, "headers", SecretHeaders(self.headers))
        if self.timeout is not None:
            check_seconds("timeout", self.timeout, allow_zero=False)
        request_id = self.client_request_id
        if request_id is not None:
            if not isinstance(request_id, str):
                raise TypeError(
                    f"client_request_id must be a str or None, not {type(request_id).__name__}"
                )
            if not request_id.strip():
                raise ValueError("client_request_id must not be empty or whitespace-only")
            check_header("x-ms-client-request-id", request_id, "client_request_id")
        if self.retry_policy is not None and not isinstance(self.retry_policy, RetryPolicy):
            raise TypeError(
                "retry_policy must be a RetryPolicy or None, "
                f"not {type(self.retry_policy).__name__}"
            )
        if self.max_response_body is not None:
            check_body_limit("max_response_body", self.max_response_body)
        if self.raw_response_hook is not None and not callable(self.raw_response_hook):
            raise TypeError(
                f"raw_response_hook must be callable, not {type(self.raw_response_hook).__name__}"
            )
        if self.logging_enable is not None and not isinstance(self.logging_enable, bool):
            raise TypeError(
                f"logging_enable must be a bool, not {type(self.logging_enable).__name__}"
            )


NO_OPTIONS = RequestOptions()
"""The options of a call that passes none."""


def request_options(
    headers: Mapping[str, str] | None = None,
    timeout: float | None = None,
    client_request_id: str | None = None,
    retry_policy: RetryPolicy | None = None,
    max_response_body: int | None = None,
    raw_response_hook: RawResponseHook | None = None,
    logging_enable: bool | None = None,
) -> RequestOptions:
    """The options of one operation call, as generated operations gather them: ``NO_OPTIONS``
    when the call passes none (most calls), without building and checking a new one."""
    if (
        headers is None
        and timeout is None
        and client_request_id is None
        and retry_policy is None
        and max_response_body is None
        and raw_response_hook is None
        and logging_enable is None
    ):
        return NO_OPTIONS
    return RequestOptions(
        headers=headers,
        timeout=timeout,
        client_request_id=client_request_id,
        retry_policy=retry_policy,
        max_response_body=max_response_body,
        raw_response_hook=raw_response_hook,
        logging_enable=logging_enable,
    )


def check_headers(headers: object) -> None:
    if not isinstance(headers, Mapping):
        raise TypeError(f"headers must be a mapping of str to str, not {type(headers).__name__}")
    entries: Mapping[object, object] = cast("Mapping[object, object]", headers)
    for name, value in entries.items():
        if not isinstance(name, str):
            raise TypeError(f"headers: a header name must be a str, not {type(name).__name__}")
        if not name.strip():
            raise ValueError("headers: a header name must not be empty")
        if not isinstance(value, str):
            # Only the type is named: the value may be a credential.
            raise TypeError(f"headers[{name!r}] must be a str, not {type(value).__name__}")
        check_header(name, value, "headers")


def client_request_id(options: RequestOptions) -> str:
    """The id every request of an LRO repeats: the caller's, else a new one."""
    if options.client_request_id:
        return options.client_request_id
    for name, value in (options.headers or {}).items():
        if name.lower() == _CLIENT_REQUEST_ID and value:
            return value
    return new_client_request_id()


def earlier(timeout: float | None, deadline: float | None) -> float | None:
    """The smaller of two optional limits in seconds."""
    if timeout is None:
        return deadline
    return timeout if deadline is None else min(timeout, deadline)


def initial_request_policy(method: str, policy: RetryPolicy) -> RetryPolicy:
    """``policy`` without read retries, except for DELETE.

    A read error means the request was sent and its answer lost: the service may have started
    the operation, and a second PUT or PATCH would then collide with it (409) or apply twice.
    A second DELETE joins the deletion under way, so it stays retried. Connection errors
    happen before anything is sent and stay retried for every method.
    """
    if method.upper() == "DELETE" or policy.read == 0:
        return policy
    return replace(policy, read=0)
