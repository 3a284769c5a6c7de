from __future__ import annotations

import json
from typing import Any

import pytest
from vmss_runcommands.runtime.exceptions import (
    AzureError,
    ClientAuthenticationError,
    DecodeError,
    DeserializationError,
    ErrorDetail,
    HttpResponseError,
    ResourceExistsError,
    ResourceNotFoundError,
    ResourceNotModifiedError,
    ServiceRequestError,
    ServiceRequestTimeoutError,
    ServiceResponseError,
    ServiceResponseTimeoutError,
    map_error,
)
from vmss_runcommands.runtime.http import HttpRequest, HttpResponse

SECRETS = frozenset({"runAsPassword", "protectedParameters"})

REASONS = {
    304: "Not Modified",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def make_response(
    status: int,
    body: Any = b"",
    headers: dict[str, str] | None = None,
    request_headers: dict[str, str] | None = None,
) -> HttpResponse:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = HttpRequest("PUT", "https://management.azure.com/x?api-version=2024-07-01")
    request.headers.update(request_headers or {})
    return HttpResponse(
        status_code=status,
        reason=REASONS.get(status, "Whatever"),
        headers=headers or {},
        body=raw,
        request=request,
    )


ARM_ERROR = {
    "error": {
        "code": "InvalidParameter",
        "message": "The value of parameter runCommandName is invalid.",
        "target": "runCommandName",
        "details": [{"code": "Inner", "message": "inner detail", "target": "x"}],
        "innererror": {"exceptiontype": "ValidationException", "errordetail": "bad"},
        "additionalInfo": [{"type": "PolicyViolation", "info": {"policy": "p1"}}],
    }
}

EXPECTED_ARM_TEXT = (
    "(InvalidParameter) The value of parameter runCommandName is invalid.\n"
    "Code: InvalidParameter\n"
    "Message: The value of parameter runCommandName is invalid.\n"
    "Target: runCommandName\n"
    "Exception Details:\t(Inner) inner detail\n"
    "\tCode: Inner\n"
    "\tMessage: inner detail\n"
    "\tTarget: x\n"
    "Inner error: {\n"
    '    "exceptiontype": "ValidationException",\n'
    '    "errordetail": "bad"\n'
    "}\n"
    "Additional Information:Type: PolicyViolation\n"
    "Info: {\n"
    '    "policy": "p1"\n'
    "}"
)


def test_hierarchy() -> None:
    assert issubclass(ServiceRequestTimeoutError, ServiceRequestError)
    assert issubclass(ServiceResponseTimeoutError, ServiceResponseError)
    for error_type in (
        ClientAuthenticationError,
        ResourceNotFoundError,
        ResourceExistsError,
        ResourceNotModifiedError,
        DecodeError,
    ):
        assert issubclass(error_type, HttpResponseError)
    assert issubclass(HttpResponseError, AzureError)
    assert issubclass(DeserializationError, AzureError)
    assert issubclass(DeserializationError, ValueError)


def test_azure_error_attributes() -> None:
    cause = OSError("boom")
    error = ServiceRequestError("could not connect", inner_exception=cause)
    assert error.message == "could not connect"
    assert error.inner_exception is cause
    assert error.continuation_token is None
    error.continuation_token = "tok"
    assert error.continuation_token == "tok"


@pytest.mark.parametrize(
    ("status", "expected_type"),
    [
        (401, ClientAuthenticationError),
        (404, ResourceNotFoundError),
        (409, ResourceExistsError),
        (304, ResourceNotModifiedError),
        (400, HttpResponseError),
        (403, HttpResponseError),
        (500, HttpResponseError),
    ],
)
def test_map_error_types_and_arm_format_for_every_status(
    status: int, expected_type: type[HttpResponseError]
) -> None:
    error = map_error(make_response(status, ARM_ERROR))
    # exactly that class, or its azure-core twin when azure-core is installed
    assert getattr(type(error), "_azure_core_twin_of", type(error)) is expected_type
    assert error.status_code == status
    assert error.reason == REASONS[status]
    assert error.error is not None
    assert error.error.code == "InvalidParameter"
    # additional_info is kept for mapped statuses too (azure-core drops it for 401/404/409/304).
    assert error.error.additional_info == ({"type": "PolicyViolation", "info": {"policy": "p1"}},)
    assert error.message == EXPECTED_ARM_TEXT
    assert str(error) == EXPECTED_ARM_TEXT


def test_error_detail_parses_bare_inner_object_and_nested_details() -> None:
    detail = ErrorDetail.from_json(ARM_ERROR["error"])
    assert detail is not None
    assert detail.target == "runCommandName"
    assert detail.details == (ErrorDetail(code="Inner", message="inner detail", target="x"),)
    assert detail.innererror == {"exceptiontype": "ValidationException", "errordetail": "bad"}


def test_error_detail_tolerates_wrong_types() -> None:
    detail = ErrorDetail.from_json(
        {
            "error": {
                "code": 42,
                "message": None,
                "target": ["not", "a", "string"],
                "details": [{"code": "Ok", "message": "m"}, "junk", 7, {"nothing": True}],
                "innererror": "not an object",
                "additionalInfo": "not a list",
            }
        }
    )
    assert detail == ErrorDetail(
        code="42",
        message=None,
        details=(ErrorDetail(code="Ok", message="m"),),
    )
    assert ErrorDetail.from_json({"error": {"details": []}}) is None
    assert ErrorDetail.from_json(["not", "an", "object"]) is None
    assert ErrorDetail.from_json({"code": "", "message": ""}) is None
    assert ErrorDetail.from_json({"message": "only a message"}) == ErrorDetail(
        code=None, message="only a message"
    )


def test_error_detail_repr_leaves_out_innererror_and_additional_info() -> None:
    echoed = {"runAsPassword": "pw-in-repr", "protectedParameters": [{"value": "pp-in-repr"}]}
    inner = {"code": "Inner", "message": "m", "innererror": echoed}
    detail = ErrorDetail.from_json(
        {
            "error": {
                "code": "Outer",
                "message": "outer",
                "details": [inner],
                "innererror": echoed,
                "additionalInfo": [{"type": "Echo", "info": echoed}],
            }
        }
    )
    assert detail is not None
    shown = repr(detail) + repr(HttpResponseError("x", error=detail).error)
    assert "pw-in-repr" not in shown and "pp-in-repr" not in shown
    assert repr(detail).startswith("ErrorDetail(code='Outer', message='outer', target=None")
    assert "code='Inner'" in shown and "additional_info=<1 item(s), not shown>" in shown
    assert "pw-in-repr" not in detail.format(frozenset({"runAsPassword"}))


def test_several_details_are_separated_by_newlines() -> None:
    body = {
        "error": {
            "code": "Outer",
            "message": "outer",
            "details": [{"code": "A", "message": "a"}, {"code": "B", "message": "b"}],
        }
    }
    text = str(map_error(make_response(400, body)))
    assert (
        "Exception Details:\t(A) a\n\tCode: A\n\tMessage: a\n\t(B) b\n\tCode: B\n\tMessage: b"
        in text
    )


def test_html_502_shows_status_and_truncated_body() -> None:
    html = b"<html><body>" + b"x" * 5000 + b"</body></html>"
    error = map_error(make_response(502, html, headers={"Content-Type": "text/html"}))
    assert error.error is None
    assert error.message == "Operation returned an invalid status 'Bad Gateway'"
    text = str(error)
    assert text.startswith(
        "Operation returned an invalid status 'Bad Gateway'\nContent: <html><body>xxx"
    )
    content = text.split("\nContent: ", 1)[1]
    assert content.startswith("<html><body>" + "x" * (2048 - len("<html><body>")) + "...")
    assert "</body>" not in content


def test_caller_message_is_used_when_body_does_not_parse() -> None:
    error = HttpResponseError("custom", response=make_response(500, b"plain text"))
    assert error.message == "custom"
    assert str(error) == "custom\nContent: plain text"
    assert str(HttpResponseError("no response")) == "no response"
    assert HttpResponseError().message == "Operation returned an invalid status 'None'"


def test_parsed_error_wins_over_caller_message() -> None:
    given = ErrorDetail(code="C", message="m")
    error = HttpResponseError("ignored", response=make_response(500, ARM_ERROR), error=given)
    assert error.error is given
    assert error.message == "(C) m\nCode: C\nMessage: m"


def test_request_ids_are_exposed_and_appended() -> None:
    response = make_response(
        404,
        {"error": {"code": "NotFound", "message": "gone"}},
        headers={
            "x-ms-request-id": "req-1",
            "X-MS-Correlation-Request-Id": "corr-1",
        },
        request_headers={"X-Ms-Client-Request-Id": "client-1"},
    )
    error = map_error(response)
    assert error.request_id == "req-1"
    assert error.client_request_id == "client-1"
    assert error.correlation_request_id == "corr-1"
    assert str(error).endswith(
        "\nRequest ids: x-ms-request-id=req-1, x-ms-client-request-id=client-1, "
        "x-ms-correlation-request-id=corr-1"
    )


def test_client_request_id_of_the_response_wins() -> None:
    response = make_response(
        500,
        b"",
        headers={"x-ms-client-request-id": "from-response"},
        request_headers={"x-ms-client-request-id": "from-request"},
    )
    assert map_error(response).client_request_id == "from-response"


def test_secrets_in_unparsed_error_bodies_never_show() -> None:
    body = {
        "properties": {
            "runAsPassword": "hunter2",
            "protectedParameters": [{"name": "k", "value": "p@ss-value"}],
        }
    }
    raw = json.dumps(body).encode()
    for candidate in (raw, raw[:-5]):  # whole and truncated JSON
        error = map_error(make_response(400, candidate), secret_fields=SECRETS)
        for shown in (str(error), repr(error), error.message):
            assert "hunter2" not in shown
            assert "p@ss-value" not in shown
        assert "runAsPassword" in str(error)


def test_secrets_in_innererror_and_additional_info_are_masked() -> None:
    body = {
        "error": {
            "code": "Bad",
            "message": "bad",
            "innererror": {"runAsPassword": "hunter2"},
            "additionalInfo": [{"type": "T", "info": {"protectedParameters": ["p@ss"]}}],
        }
    }
    error = map_error(make_response(400, body), secret_fields=SECRETS)
    assert "hunter2" not in str(error) and "p@ss" not in str(error)
    assert '"runAsPassword": "***"' in str(error)


def test_decode_error_carries_status_ids_and_redacted_truncated_body() -> None:
    body = b'{"properties": {"runAsPassword": "hunter2", "x": "' + b"y" * 4000
    response = make_response(200, body, headers={"x-ms-request-id": "rid"})
    response.reason = "OK"
    error = DecodeError("Response is not valid JSON", response=response, secret_fields=SECRETS)
    text = str(error)
    assert error.error is None
    assert error.status_code == 200
    assert text.startswith("Response is not valid JSON\nStatus: 200 OK\nContent: ")
    assert "hunter2" not in text
    assert "characters in total" in text
    assert text.endswith("\nRequest ids: x-ms-request-id=rid")


def test_decode_error_does_not_mistake_a_model_body_for_an_error() -> None:
    response = make_response(200, {"error": {"code": "X", "message": "looks like an error"}})
    error = DecodeError("wrong shape", response=response)
    assert error.error is None
    assert error.message == "wrong shape"


def test_deserialization_error_path() -> None:
    error = DeserializationError("expected an integer", path="properties.instanceView.exitCode")
    assert error.path == "properties.instanceView.exitCode"
    assert str(error) == "expected an integer (at 'properties.instanceView.exitCode')"
    assert str(DeserializationError("bad at 'a.b'", path="a.b")) == "bad at 'a.b'"
    with pytest.raises(ValueError):
        raise error


def test_a_request_repr_shows_neither_headers_nor_body() -> None:
    request = HttpRequest(
        "PUT",
        "https://management.azure.com/x?api-version=1&sig=abc",
        headers={"Authorization": "Bearer tok-SECRET"},
        body=b'{"properties": {"runAsPassword": "pw-SECRET"}}',
    )
    text = repr(request) + str(request)
    assert "PUT" in text and "management.azure.com/x" in text
    assert "SECRET" not in text and "abc" not in text
