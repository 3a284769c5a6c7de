"""The exception tree (shaped like azure-core's) and the ARM error body parser.

Every exception built from a response shows the service error in ARM format, the request ids
needed for a support ticket and, when the body was not an ARM error, the body itself -- always
passed through :mod:`.redact` first. Every exception the runtime raises on purpose::

    Exception
    ├── AzureError                        base of every error from a request
    │   ├── ServiceRequestError           no response: connection, TLS, name resolution
    │   │   └── ServiceRequestTimeoutError
    │   ├── ServiceResponseError          a response began but could not be read whole
    │   │   ├── ServiceResponseTimeoutError
    │   │   ├── ResponseBodyTooLargeError
    │   │   └── TooManyEmptyPagesError    (paging_core) empty pages with new links, in a row
    │   ├── HttpResponseError             the service answered with an error status
    │   │   ├── ClientAuthenticationError 401
    │   │   ├── ResourceNotFoundError     404
    │   │   ├── ResourceExistsError       409
    │   │   ├── ResourceNotModifiedError  304
    │   │   ├── RedirectNotFollowedError  a redirect to a request with a body
    │   │   ├── DecodeError               a body that is not the JSON expected
    │   │   └── OperationFailedError      an LRO ended Failed or Canceled
    │   └── DeserializationError          (also a ValueError) a body that is not the model
    ├── ValueError
    │   ├── InvalidHeaderValueError       a header value that would split the request
    │   ├── RequiredFieldError            a model sent with None in a required field
    │   ├── UnsafeURLError                (origin) a URL whose destination is ambiguous
    │   └── WireError                     (wire_rules) codec only; callers get DeserializationError
    ├── TypeError
    │   └── FieldTypeError                a model sent with a value of the wrong type in a field
    └── TimeoutError
        └── PollingTimeoutError           result(timeout)/wait(timeout) or the LRO deadline

Bad arguments raise plain ``TypeError``/``ValueError`` naming the parameter.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any, TypeVar, cast

from .azure_core_compat import azure_core_twin
from .http import HttpResponse
from .redact import (
    PREVIEW_MARGIN,
    SecretValues,
    mask_free_text,
    mask_json,
    mask_text,
    preview_window,
    redact_json_bytes,
    redact_json_value,
    secret_values_in_body,
)

BODY_PREVIEW_LIMIT = 2048
"""Characters of a response body shown in an exception message."""

_REQUEST_ID_HEADERS = (
    "x-ms-request-id",
    "x-ms-client-request-id",
    "x-ms-correlation-request-id",
)


_E = TypeVar("_E", bound="AzureError")


class AzureError(Exception):
    """Base of every error raised by the runtime.

    With azure-core installed, every instance is also an instance of azure-core's exception of
    the same name, so ``except azure.core.exceptions.HttpResponseError`` catches it too (see
    :mod:`.azure_core_compat`).
    """

    def __new__(cls: type[_E], *args: Any, **kwargs: Any) -> _E:
        return cast(_E, Exception.__new__(azure_core_twin(cls), *args))

    client_request_id: str | None = None
    """The ``x-ms-client-request-id`` of the failed request, when one was sent: the id a
    support ticket asks for, also when no response ever came back."""

    def __init__(self, message: str, *, inner_exception: BaseException | None = None) -> None:
        # Exception's own __init__, not the next in line: in an azure-core twin that would be
        # azure-core's, which resets the fields set here.
        # Whatever a message quotes -- a service's words, another library's error -- any
        # credential recognisable by its shape (bearer token, JWT, sig=, password=) is masked.
        message = mask_free_text(message)
        Exception.__init__(self, message)
        self.message = message
        self.inner_exception = inner_exception
        self.continuation_token: str | None = None
        # The fields azure-core's AzureError sets, read by its raise_with_traceback().
        exc_type, exc_value, exc_traceback = sys.exc_info()
        self.exc_type: type[BaseException] | None = exc_type or (
            None if inner_exception is None else type(inner_exception)
        )
        self.exc_value: BaseException | None = exc_value
        self.exc_traceback: TracebackType | None = exc_traceback
        shown_type = self.exc_type.__name__ if self.exc_type else "NoneType"
        self.exc_msg = mask_free_text(f"{message}, {shown_type}: {exc_value}")

    def __str__(self) -> str:
        if self.client_request_id:
            return f"{self.message}\nRequest ids: x-ms-client-request-id={self.client_request_id}"
        return self.message

    def scrub(self, values: frozenset[str], secret_fields: frozenset[str] = frozenset()) -> None:
        """Mask ``values`` (what the failed request sent: its token, secret field values)
        wherever this error shows text it did not write -- a status line or header a server
        sent back, quoted by the library that read it -- and drop a wrapped exception (cause,
        ``inner_exception``, ``exc_value``) whose own text shows one of them."""
        masked = mask_text(self.message, secret_fields, values)
        if masked != self.message:
            self.message = masked
            self.args = (masked, *self.args[1:])
        self.exc_msg = mask_text(self.exc_msg, secret_fields, values)
        if _shows_secret(self.inner_exception, values):
            self.inner_exception = None
        if _shows_secret(self.exc_value, values):
            self.exc_value = None
            self.exc_traceback = None
        if _shows_secret(self.__cause__, values):
            self.__cause__ = None
        if _shows_secret(self.__context__, values):
            self.__suppress_context__ = True


def _shows_secret(error: BaseException | None, values: frozenset[str]) -> bool:
    if error is None:
        return False
    text = f"{error!r} {error}"
    return mask_text(text, (), values) != text


class ServiceRequestError(AzureError):
    """The request never reached the service (connection, DNS, TLS, or refused by the client)."""


class ServiceRequestTimeoutError(ServiceRequestError):
    """Connecting to the service timed out."""


class ServiceResponseError(AzureError):
    """The request was sent but reading the response failed."""


class ServiceResponseTimeoutError(ServiceResponseError):
    """The service did not answer within the read timeout."""


class ResponseBodyTooLargeError(ServiceResponseError):
    """The response body was (or announced it would be) larger than the client accepts.

    ``limit`` is the cap in bytes (``max_response_body``); the rest of the body was not read.
    """

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class InvalidHeaderValueError(ValueError):
    """A header value supplied by the caller holds CR, LF or NUL (a header injection).

    ``header`` names the header; the value itself is never repeated (it may be a secret).
    """

    def __init__(self, header: str, source: str) -> None:
        super().__init__(
            f"{source}: the value of header {header!r} contains a CR, LF or NUL character; "
            "such a value could inject other headers and is refused"
        )
        self.header = header


@dataclass(frozen=True, repr=False)
class ErrorDetail:
    """One ARM error object (``{"error": {...}}`` or its inner part), recursively.

    Its repr names ``innererror`` and ``additional_info`` without showing them: they are free
    JSON that may echo the request, and unlike :meth:`format` a repr knows no secret fields.
    """

    code: str | None
    message: str | None
    target: str | None = None
    details: tuple[ErrorDetail, ...] = ()
    innererror: Mapping[str, Any] | None = None
    additional_info: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def from_json(cls, obj: Any) -> ErrorDetail | None:
        """Parse an ARM error; ``None`` when ``obj`` carries neither a code nor a message.

        Wrongly typed members are tolerated: scalars become strings, anything else is dropped,
        and unparseable ``details`` / ``additionalInfo`` entries are skipped.
        """
        if not isinstance(obj, Mapping):
            return None
        node = cast("Mapping[str, Any]", obj)
        inner: object = node.get("error")
        if isinstance(inner, Mapping):
            node = cast("Mapping[str, Any]", inner)
        obj = node
        code = _optional_text(obj.get("code"))
        message = _optional_text(obj.get("message"))
        if not (code or message):
            return None
        raw_details = obj.get("details")
        details = tuple(
            detail
            for detail in (cls.from_json(entry) for entry in _list_or_empty(raw_details))
            if detail is not None
        )
        innererror: object = obj.get("innererror")
        return cls(
            code=code,
            message=message,
            target=_optional_text(obj.get("target")),
            details=details,
            innererror=cast("Mapping[str, Any]", innererror)
            if isinstance(innererror, Mapping)
            else None,
            additional_info=tuple(
                cast("Mapping[str, Any]", entry)
                for entry in _list_or_empty(obj.get("additionalInfo"))
                if isinstance(entry, Mapping)
            ),
        )

    def masked(
        self, values: frozenset[str], secret_fields: frozenset[str] = frozenset()
    ) -> ErrorDetail:
        """A copy fit to show: each of ``values`` (secrets the request sent, which a service
        may echo back) and every credential recognisable by its shape or its key (see
        :func:`.redact.mask_text`) masked wherever it appears: code, message, target, details
        and nested JSON."""

        def text(value: str | None) -> str | None:
            return None if value is None else mask_text(value, secret_fields, values)

        shown = replace(
            self,
            code=text(self.code),
            message=text(self.message),
            target=text(self.target),
            details=tuple(detail.masked(values, secret_fields) for detail in self.details),
            innererror=None
            if self.innererror is None
            else mask_json(dict(self.innererror), secret_fields, values),
            additional_info=tuple(
                mask_json(dict(entry), secret_fields, values) for entry in self.additional_info
            ),
        )
        return self if shown == self else shown

    def format(self, secret_fields: frozenset[str] = frozenset()) -> str:
        """The azure-mgmt-core ``ARMErrorFormat`` text, with secret fields of nested JSON masked."""
        return f"({self.code}) {self.message}\n{self._format_details(secret_fields)}"

    def _format_details(self, secret_fields: frozenset[str]) -> str:
        lines = f"Code: {self.code}\nMessage: {self.message}"
        if self.target:
            lines += f"\nTarget: {self.target}"
        if self.details:
            # azure-core glues consecutive details together; a newline keeps them readable
            # while the first one still matches its layout exactly.
            lines += "\nException Details:" + "\n".join(
                "\n".join("\t" + line for line in detail.format(secret_fields).splitlines())
                for detail in self.details
            )
        if self.innererror:
            shown = redact_json_value(dict(self.innererror), secret_fields)
            lines += f"\nInner error: {json.dumps(shown, indent=4, default=str)}"
        if self.additional_info:
            lines += "\nAdditional Information:" + "\n".join(
                _format_additional_info(entry, secret_fields) for entry in self.additional_info
            )
        return lines

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        hidden: list[str] = []
        if self.innererror:
            hidden.append("innererror=<not shown>")
        if self.additional_info:
            hidden.append(f"additional_info=<{len(self.additional_info)} item(s), not shown>")
        shown = [
            f"code={self.code!r}",
            f"message={self.message!r}",
            f"target={self.target!r}",
            f"details={self.details!r}",
            *hidden,
        ]
        return f"ErrorDetail({', '.join(shown)})"


def _format_additional_info(entry: Mapping[str, Any], secret_fields: frozenset[str]) -> str:
    info = redact_json_value(entry.get("info"), secret_fields)
    return f"Type: {entry.get('type')}\nInfo: {json.dumps(info, indent=4, default=str)}"


def _optional_text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return value if isinstance(value, str) else str(value)


def _list_or_empty(value: Any) -> list[Any]:
    if isinstance(value, list):
        items: list[Any] = cast(Any, value)  # pyright narrows to list[Unknown]
        return items
    return []


class HttpResponseError(AzureError):
    """The service answered with a status the operation does not accept."""

    _parses_error_body = True

    def __init__(
        self,
        message: str | None = None,
        *,
        response: HttpResponse | None = None,
        error: ErrorDetail | None = None,
        secret_fields: frozenset[str] = frozenset(),
    ) -> None:
        self.response = response
        self.status_code: int | None = response.status_code if response is not None else None
        self.secret_fields = secret_fields
        # What the request sent that the service may echo back: the bearer token, secret
        # field values, SAS signatures (collected by the pipeline on the response, and carried
        # on a poll's request from the operation's first one), and the request's own body.
        self._secret_values: frozenset[str] = _sent_secret_values(response, secret_fields)
        # The reason phrase is free text from the server, shown in the message below.
        self.reason: str | None = (
            None
            if response is None
            else mask_text(response.reason, secret_fields, self._secret_values)
        )
        if error is None and response is not None and self._parses_error_body:
            error = _parse_error_body(response)
        if error is not None:
            if response is not None and len(response.body) > SHOWN_ERROR_BODY:
                error = _clipped(error, secret_fields, self._secret_values)
            error = error.masked(self._secret_values, secret_fields)
        self.error = error
        # azure-core's HttpResponseError.model: the parsed error body, as azure-mgmt clients
        # with ARMErrorFormat leave it for callers that read ``error.model``.
        self.model: ErrorDetail | None = error
        self.request_id = _response_header(response, "x-ms-request-id")
        self.client_request_id = _response_header(
            response, "x-ms-client-request-id"
        ) or _request_header(response, "x-ms-client-request-id")
        self.correlation_request_id = _response_header(response, "x-ms-correlation-request-id")
        if error is not None:
            text = error.format(secret_fields)
        else:
            text = message or f"Operation returned an invalid status '{self.reason}'"
        super().__init__(mask_text(text, secret_fields, self._secret_values))

    def __str__(self) -> str:
        text = self.message
        if self.error is None and self.response is not None and self.response.body:
            text += f"\nContent: {self._body_preview()}"
        ids = self._request_ids()
        if ids:
            text += f"\nRequest ids: {ids}"
        return text

    def _body_preview(self) -> str:
        assert self.response is not None
        # Redact (a window well past) the preview before cutting it, so a secret cannot
        # straddle the cut; not all of a body that may be 32 MiB (see preview_window).
        body = self.response.body
        window = preview_window(body, BODY_PREVIEW_LIMIT)
        shown = redact_json_bytes(window, self.secret_fields, self._secret_values)
        if len(window) < len(body):
            return f"{shown[:BODY_PREVIEW_LIMIT]}... ({len(body)} bytes in total)"
        if len(shown) > BODY_PREVIEW_LIMIT:
            return f"{shown[:BODY_PREVIEW_LIMIT]}... ({len(shown)} characters in total)"
        return shown

    def _request_ids(self) -> str:
        values = (self.request_id, self.client_request_id, self.correlation_request_id)
        return ", ".join(
            f"{name}={value}"
            for name, value in zip(_REQUEST_ID_HEADERS, values, strict=True)
            if value
        )


SHOWN_ERROR_BODY = 64 * 1024
"""Bytes of an error body shown whole in an error's message and ``error``. Masking takes about
a microsecond per character: a 28 MB ARM error message took 28 s of CPU to raise. A larger
body's error keeps its code, message and target, each cut to :data:`BODY_PREVIEW_LIMIT`
characters, and leaves its details, inner error and additional info out."""


def _clipped(
    error: ErrorDetail, secret_fields: frozenset[str], values: frozenset[str]
) -> ErrorDetail:
    def clip(text: str | None) -> str | None:
        return _clip_text(text, secret_fields, values)

    left_out = len(error.details) + len(error.additional_info) + bool(error.innererror)
    message = clip(error.message)
    if left_out:
        message = f"{message or ''} (details not shown: the error body is too large)"
    return ErrorDetail(code=clip(error.code), message=message, target=clip(error.target))


def _clip_text(
    text: str | None, secret_fields: frozenset[str], values: frozenset[str]
) -> str | None:
    """``text`` cut to :data:`BODY_PREVIEW_LIMIT` characters, masked when it is cut."""
    if text is None or len(text) <= BODY_PREVIEW_LIMIT:
        return text
    # Masked from a window well past the cut, so no secret straddles it half-shown.
    shown = mask_text(text[: BODY_PREVIEW_LIMIT + PREVIEW_MARGIN], secret_fields, values)
    return f"{shown[:BODY_PREVIEW_LIMIT]}... ({len(text)} characters in total)"


def _sent_secret_values(
    response: HttpResponse | None, secret_fields: frozenset[str]
) -> SecretValues:
    if response is None:
        return SecretValues()
    request = response.request
    return SecretValues(
        response.secret_values
        | request.secret_values
        | secret_values_in_body(request.body, secret_fields)
    )


def _parse_error_body(response: HttpResponse) -> ErrorDetail | None:
    if not response.body:
        return None
    try:
        return ErrorDetail.from_json(response.json())
    except ValueError:
        return None


def _response_header(response: HttpResponse | None, name: str) -> str | None:
    if response is None:
        return None
    value: str | None = response.headers.get(name)
    return value


def _request_header(response: HttpResponse | None, name: str) -> str | None:
    if response is None:
        return None
    lowered = name.lower()
    for key, value in response.request.headers.items():
        if key.lower() == lowered:
            return value
    return None


class ClientAuthenticationError(HttpResponseError):
    """401: the credential was missing, expired or not accepted."""


class ResourceNotFoundError(HttpResponseError):
    """404: the resource (or one of its parents) does not exist."""


class ResourceExistsError(HttpResponseError):
    """409: a conflicting resource or operation exists."""


class ResourceNotModifiedError(HttpResponseError):
    """304: the resource did not change since the given ETag/date."""


class RedirectNotFollowedError(HttpResponseError):
    """The service answered a request that carries a body with a redirect (``status_code``).

    ARM never redirects writes; resending the body (which may hold secrets) to wherever
    ``Location`` points is refused, so the request was not repeated anywhere.
    """

    _parses_error_body = False


class DecodeError(HttpResponseError):
    """A response body that should have been JSON (or a model) was not.

    The message names the problem; ``str()`` adds the (redacted, truncated) body and request ids.
    """

    _parses_error_body = False

    def __str__(self) -> str:
        text = self.message
        if self.response is not None:
            text += f"\nStatus: {self.status_code} {self.reason}"
            if self.response.body:
                text += f"\nContent: {self._body_preview()}"
        ids = self._request_ids()
        if ids:
            text += f"\nRequest ids: {ids}"
        return text


class RequiredFieldError(ValueError):
    """A model about to be sent has None in a field the API requires (and does not accept as
    JSON null). ``model`` and ``field`` name it; the value is never repeated."""

    def __init__(self, model: str, field: str) -> None:
        super().__init__(
            f"{model}.{field} is required and cannot be sent as None; set it before sending"
        )
        self.model = model
        self.field = field


class FieldTypeError(TypeError):
    """A model about to be sent holds a value of the wrong type. ``model`` names the model
    sent, ``path`` the field (Python names, list indexes, map keys), ``reason`` what was
    expected and the type that came; the value is never repeated (it may be a secret)."""

    def __init__(self, model: str, path: str, reason: str, *, parameter: str | None = None) -> None:
        where = f"{parameter or model}.{path}" if path else (parameter or model)
        super().__init__(f"{where}: {reason}")
        self.model = model
        self.path = path
        self.reason = reason
        self.parameter = parameter


class DeserializationError(AzureError, ValueError):
    """A decoded JSON value could not become a model; ``path`` names the offending member."""

    def __init__(
        self, message: str, *, path: str = "", inner_exception: BaseException | None = None
    ) -> None:
        super().__init__(message, inner_exception=inner_exception)
        self.path = path

    def __str__(self) -> str:
        if self.path and self.path not in self.message:
            return f"{self.message} (at '{self.path}')"
        return self.message


_ERRORS_BY_STATUS: Mapping[int, type[HttpResponseError]] = {
    401: ClientAuthenticationError,
    404: ResourceNotFoundError,
    409: ResourceExistsError,
    304: ResourceNotModifiedError,
}


def map_error(
    response: HttpResponse, *, secret_fields: frozenset[str] = frozenset()
) -> HttpResponseError:
    """The exception for an unexpected response (returned, not raised).

    Unlike azure-core, the ARM error format (with ``additionalInfo``) is used for every status.
    """
    error_type = _ERRORS_BY_STATUS.get(response.status_code, HttpResponseError)
    return error_type(response=response, secret_fields=secret_fields)


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
    otherwise the message carries the summary the operation's caller asked for (see
    :mod:`.lro_failure`), and the part of the resource it came from is kept, redacted, in
    :attr:`detail`. Unlike a plain ``HttpResponseError`` the resource body is not appended: it
    is the resource, not an error.

    A status body over :data:`SHOWN_ERROR_BODY` bytes is bounded as an error body is: the
    message (the summary) is cut to :data:`BODY_PREVIEW_LIMIT` characters and :attr:`detail`
    is left out (``None``; the message says so), since masking all of it costs about a
    microsecond a character. The body itself stays on :attr:`response`, as it came.
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
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        if response is not None and len(response.body) > SHOWN_ERROR_BODY:
            values = _sent_secret_values(response, secret_fields)
            message = _clip_text(message, secret_fields, values)
            if detail is not None:
                message = f"{message or ''} (details not shown: the resource is too large)"
                detail = None
        super().__init__(message, response=response, error=error, secret_fields=secret_fields)
        self.status = status
        self.detail: Mapping[str, Any] | None = (
            None if detail is None else mask_json(dict(detail), secret_fields, self._secret_values)
        )

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
