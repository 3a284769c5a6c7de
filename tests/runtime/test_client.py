"""``ArmClient``: URL building and validation, send, deserialize, begin_lro (fake and real wire)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from surfaces import SURFACES, AsyncCredential, with_scripted_pipeline
from vmss_runcommands.runtime.client import ArmClient, PathParam, RequestOptions
from vmss_runcommands.runtime.exceptions import (
    DecodeError,
    DeserializationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceNotFoundError,
)
from vmss_runcommands.runtime.http import HttpRequest, HttpResponse
from vmss_runcommands.runtime.polling import (
    LROPoller,
    PollingState,
    decode_continuation_token,
    encode_continuation_token,
)
from vmss_runcommands.runtime.retry import RetryPolicy
from vmss_runcommands.runtime.transport import Urllib3Transport

API = "2024-07-01"
BASE = "https://management.azure.com"
TEMPLATE = (
    "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/"
    "Microsoft.Compute/virtualMachineScaleSets/{vmScaleSetName}/virtualMachines/{instanceId}"
    "/runCommands/{runCommandName}"
)
OP = "VirtualMachineScaleSetVMRunCommands_CreateOrUpdate"


def path_params(run_command_name: object = "rc") -> tuple[PathParam, ...]:
    return (
        PathParam("subscriptionId", "subscription_id", "sub"),
        PathParam("resourceGroupName", "resource_group_name", "rg"),
        PathParam("vmScaleSetName", "vm_scale_set_name", "ss"),
        PathParam("instanceId", "instance_id", "0"),
        PathParam("runCommandName", "run_command_name", run_command_name),
    )


# One transport for the offline tests: building a TLS context per client is the slow part.
_TRANSPORT = Urllib3Transport()


SURFACE = {"kind": "sync"}
"""``ArmClient`` or ``AsyncArmClient`` for ``make_client``; the ``surface`` fixture sets it for
the tests of what both drivers share (construction, URL building, decoding)."""


@pytest.fixture(params=SURFACES)
def surface(request: pytest.FixtureRequest) -> Iterator[str]:
    SURFACE["kind"] = request.param
    yield request.param
    SURFACE["kind"] = "sync"


def make_client(**kwargs: Any) -> ArmClient:
    kwargs.setdefault("api_version", API)
    kwargs.setdefault("sdk_moniker", "vmss-runcommands/0.1.0")
    credential = kwargs.pop("credential", None)
    subscription_id = kwargs.pop("subscription_id", "sub")
    if SURFACE["kind"] == "async":
        from vmss_runcommands.runtime.aio.client import AsyncArmClient

        if credential is not None:
            credential = AsyncCredential(credential)
        made: Any = AsyncArmClient(credential, subscription_id, **kwargs)
        return cast(ArmClient, made)
    kwargs.setdefault("transport", _TRANSPORT)
    return ArmClient(credential, subscription_id, **kwargs)


RESOURCE_URL = make_client().format_url(TEMPLATE, path_params(), {"api-version": API})


# --- construction ----------------------------------------------------------------------------


@pytest.mark.usefixtures("surface")
def test_constructor_keeps_settings() -> None:
    client = make_client(base_url="https://example.test/", polling_interval=2)
    assert client.base_url == "https://example.test"
    assert client.subscription_id == "sub"
    assert client.api_version == API
    assert client.polling_interval == 2.0
    assert client.pipeline.auth is None
    if SURFACE["kind"] == "sync":  # the async one is an async context manager
        with client as entered:
            assert entered is client


@pytest.mark.parametrize(
    ("subscription_id", "error"),
    [(None, ValueError), ("", ValueError), (" ", ValueError), (42, TypeError)],
)
@pytest.mark.usefixtures("surface")
def test_constructor_validates_subscription_id(
    subscription_id: Any, error: type[Exception]
) -> None:
    with pytest.raises(error, match="subscription_id"):
        make_client(subscription_id=subscription_id)


@pytest.mark.usefixtures("surface")
@pytest.mark.parametrize(
    ("base_url", "error"),
    [
        ("management.azure.com", ValueError),
        ("ftp://management.azure.com", ValueError),
        ("https://", ValueError),
        ("https://management.azure.com/?x=1", ValueError),
        (5, TypeError),
    ],
)
def test_constructor_validates_base_url(base_url: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="base_url"):
        make_client(base_url=base_url)


@pytest.mark.usefixtures("surface")
def test_constructor_validates_polling_interval() -> None:
    with pytest.raises(ValueError, match="polling_interval"):
        make_client(polling_interval=-1)


@pytest.mark.usefixtures("surface")
@pytest.mark.parametrize(
    ("settings", "error", "named"),
    [
        ({"connection_timeout": -1}, ValueError, "connection_timeout"),
        ({"connection_timeout": 0}, ValueError, "connection_timeout"),
        ({"read_timeout": "x"}, TypeError, "read_timeout"),
        ({"read_timeout": float("inf")}, ValueError, "read_timeout"),
        ({"retry_policy": "x"}, TypeError, "retry_policy"),
    ],
)
def test_constructor_validates_timeouts_and_retry_policy(
    settings: dict[str, Any], error: type[Exception], named: str
) -> None:
    with pytest.raises(error, match=named):
        make_client(**settings)


@pytest.mark.parametrize(
    ("settings", "error", "named"),
    [
        ({"timeout": -1}, ValueError, "timeout"),
        ({"timeout": 0}, ValueError, "timeout"),
        ({"timeout": "5"}, TypeError, "timeout"),
        ({"timeout": True}, TypeError, "timeout"),
        ({"headers": {"X": 5}}, TypeError, r"headers\['X'\]"),
        ({"headers": {5: "x"}}, TypeError, "header name"),
        ({"headers": {"": "x"}}, ValueError, "header name"),
        ({"headers": [("X", "y")]}, TypeError, "headers"),
        ({"client_request_id": 5}, TypeError, "client_request_id"),
        ({"client_request_id": " "}, ValueError, "client_request_id"),
        ({"retry_policy": "x"}, TypeError, "retry_policy"),
    ],
)
def test_request_options_are_validated_before_anything_is_sent(
    settings: dict[str, Any], error: type[Exception], named: str
) -> None:
    with pytest.raises(error, match=named):
        RequestOptions(**settings)


def test_a_bad_header_value_is_named_by_type_only() -> None:
    with pytest.raises(TypeError) as caught:
        RequestOptions(headers={"Authorization": b"Bearer s3cret"})  # type: ignore[dict-item]
    assert "s3cret" not in str(caught.value) and "bytes" in str(caught.value)


@pytest.mark.usefixtures("surface")
def test_credential_scope_defaults_to_the_endpoint() -> None:
    client = make_client(credential=FakeCredential(), sdk_moniker="x/1")
    assert client.pipeline.auth is not None
    assert client.pipeline.auth.scopes == ("https://management.azure.com/.default",)
    custom = make_client(
        credential=FakeCredential(), sdk_moniker="x/1", credential_scopes=["s/.default"]
    )
    assert custom.pipeline.auth is not None
    assert custom.pipeline.auth.scopes == ("s/.default",)


# --- format_url ------------------------------------------------------------------------------


@pytest.mark.usefixtures("surface")
def test_format_url_builds_the_arm_url() -> None:
    url = make_client().format_url(
        TEMPLATE, path_params(), {"$expand": "instanceView", "api-version": API}
    )
    assert url == (
        f"{BASE}/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/"
        "virtualMachineScaleSets/ss/virtualMachines/0/runCommands/rc"
        "?$expand=instanceView&api-version=2024-07-01"
    )


@pytest.mark.usefixtures("surface")
def test_format_url_drops_none_query_values() -> None:
    url = make_client().format_url(TEMPLATE, path_params(), {"$expand": None, "api-version": API})
    assert url.endswith("/runCommands/rc?api-version=2024-07-01")


@pytest.mark.usefixtures("surface")
def test_format_url_without_query() -> None:
    assert make_client().format_url("/x/{a}", (PathParam("a", "a", "b"),), {}) == f"{BASE}/x/b"


@pytest.mark.usefixtures("surface")
@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (None, ValueError, "run_command_name must not be None"),
        (123, TypeError, "run_command_name must be a str, not int"),
        (b"rc", TypeError, "run_command_name must be a str, not bytes"),
        ("", ValueError, "run_command_name must not be empty"),
        (" ", ValueError, "run_command_name must not be empty"),
        ("\t\n", ValueError, "run_command_name must not be empty"),
        (".", ValueError, "run_command_name must not be '.'"),
        ("..", ValueError, "run_command_name must not be '..'"),
    ],
)
def test_format_url_rejects_bad_path_values(
    value: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make_client().format_url(TEMPLATE, path_params(value), {"api-version": API})


@pytest.mark.usefixtures("surface")
@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("a/b", "a%2Fb"),
        ("?x", "%3Fx"),
        ("#frag", "%23frag"),
        ("a b", "a%20b"),
        ("ü?#&", "%C3%BC%3F%23%26"),
        ("../other", "..%2Fother"),
        ("..a", "..a"),
        ("%41", "%2541"),
        ("名前", "%E5%90%8D%E5%89%8D"),
    ],
)
def test_format_url_encodes_path_values_whole(value: str, encoded: str) -> None:
    url = make_client().format_url(TEMPLATE, path_params(value), {"api-version": API})
    assert url == RESOURCE_URL.replace("/runCommands/rc?", f"/runCommands/{encoded}?")


@pytest.mark.usefixtures("surface")
def test_format_url_encodes_query_values() -> None:
    url = make_client().format_url("/x", (), {"$filter": "a eq 'b&c'", "api-version": API})
    assert url == f"{BASE}/x?$filter=a%20eq%20%27b%26c%27&api-version=2024-07-01"


@pytest.mark.usefixtures("surface")
def test_format_url_template_placeholder_without_param() -> None:
    with pytest.raises(ValueError, match="placeholder"):
        make_client().format_url("/x/{missing}", (), {})


# --- send and deserialize --------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] | None = None


class FakePipeline:
    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[HttpRequest] = []
        self.client_request_ids: list[str | None] = []
        self.timeouts: list[float | None] = []

    def run(
        self,
        request: HttpRequest,
        *,
        client_request_id: str | None = None,
        timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> HttpResponse:
        self.requests.append(request)
        self.client_request_ids.append(client_request_id)
        self.timeouts.append(timeout)
        reply = self.replies.pop(0)
        body = reply.body if isinstance(reply.body, bytes) else b""
        if reply.body is not None and not isinstance(reply.body, bytes):
            body = json.dumps(reply.body).encode()
        headers = {"x-ms-request-id": "req-1", **(reply.headers or {})}
        return HttpResponse(
            status_code=reply.status, reason="R", headers=headers, body=body, request=request
        )


def with_pipeline(pipeline: FakePipeline, **kwargs: Any) -> ArmClient:
    """A client sending through ``pipeline``: the sync one, or the async one (behind
    tests/surfaces.py's blocking facade) as the ``surface`` fixture says."""
    made: ArmClient = with_scripted_pipeline(SURFACE["kind"], make_client(**kwargs), pipeline)
    return made


@pytest.mark.usefixtures("surface")
def test_send_sets_json_headers_and_merges_caller_headers() -> None:
    pipeline = FakePipeline(Reply(200, {}), Reply(200, {}))
    client = with_pipeline(pipeline)
    client.send("put", RESOURCE_URL, body=b"{}", expected_status=(200,))
    first = pipeline.requests[0]
    assert first.method == "PUT"
    assert first.headers == {
        "Accept": "application/json, text/json",
        "Content-Type": "application/json",
    }
    assert first.body == b"{}"
    options = RequestOptions(
        headers={"accept": "text/plain", "If-Match": "*"}, timeout=3.0, client_request_id="cid"
    )
    client.send("GET", RESOURCE_URL, expected_status=(200,), options=options)
    second = pipeline.requests[1]
    assert second.headers == {"accept": "text/plain", "If-Match": "*"}
    assert pipeline.client_request_ids == [None, "cid"]
    assert pipeline.timeouts == [None, 3.0]


@pytest.mark.usefixtures("surface")
@pytest.mark.parametrize(
    ("status", "error"),
    [(404, ResourceNotFoundError), (409, ResourceExistsError), (400, HttpResponseError)],
)
def test_send_maps_unexpected_status(status: int, error: type[Exception]) -> None:
    body = {"error": {"code": "Nope", "message": "not today"}}
    client = with_pipeline(FakePipeline(Reply(status, body)))
    with pytest.raises(error, match="not today") as caught:
        client.send("GET", RESOURCE_URL, expected_status=(200,))
    assert isinstance(caught.value, HttpResponseError)
    assert caught.value.status_code == status


def response_with(body: bytes, status: int = 200) -> HttpResponse:
    request = HttpRequest("GET", RESOURCE_URL, headers={"x-ms-client-request-id": "cid-7"})
    return HttpResponse(
        status_code=status,
        reason="OK",
        headers={"x-ms-request-id": "req-42", "Content-Type": "application/json"},
        body=body,
        request=request,
    )


def model(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise TypeError("expected an object")
    return {"name": data["name"]}


@pytest.mark.usefixtures("surface")
def test_deserialize_builds_the_model() -> None:
    assert make_client().deserialize(response_with(b'{"name": "rc"}'), model) == {"name": "rc"}


@pytest.mark.usefixtures("surface")
@pytest.mark.parametrize("body", [b"", b"   ", b"\r\n"])
def test_deserialize_an_empty_body_is_none_as_in_azure_core(body: bytes) -> None:
    assert make_client().deserialize(response_with(body), model) is None


@pytest.mark.usefixtures("surface")
@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"<html>502</html>", "not valid JSON"),
        (b"{", "not valid JSON"),
        (b"null x", "not valid JSON"),
    ],
)
def test_deserialize_bad_bodies_are_decode_errors(body: bytes, problem: str) -> None:
    with pytest.raises(DecodeError) as caught:
        make_client().deserialize(response_with(body), model)
    text = str(caught.value)
    assert problem in text
    assert caught.value.status_code == 200
    assert caught.value.request_id == "req-42"
    assert caught.value.client_request_id == "cid-7"
    assert "req-42" in text


@pytest.mark.usefixtures("surface")
def test_deserialize_model_errors_are_chained_decode_errors() -> None:
    with pytest.raises(DecodeError) as caught:
        make_client().deserialize(response_with(b'{"other": 1}'), model)
    assert isinstance(caught.value.__cause__, KeyError)

    def strict(data: Any) -> Any:
        raise DeserializationError(
            "bad datetime 'garbage'", path="properties.instanceView.startTime"
        )

    with pytest.raises(DecodeError, match=r"properties\.instanceView\.startTime") as caught:
        make_client().deserialize(response_with(b'{"name": "x"}'), strict)
    assert isinstance(caught.value.__cause__, DeserializationError)

    def attribute_error(data: Any) -> Any:
        return data.missing_attribute

    with pytest.raises(DecodeError):
        make_client().deserialize(response_with(b"[]"), attribute_error)


@pytest.mark.usefixtures("surface")
def test_decode_error_body_is_redacted_and_truncated() -> None:
    body = b'{"runAsPassword": "hunter2", "filler": "' + b"x" * 10000 + b'", broken'
    client = make_client(secret_fields=frozenset({"runAsPassword"}))
    with pytest.raises(DecodeError) as caught:
        client.deserialize(response_with(body), model)
    text = str(caught.value)
    assert "hunter2" not in text
    assert len(text) < 4000


# --- begin_lro -------------------------------------------------------------------------------


ASYNC_URL = (
    f"{BASE}/subscriptions/sub/providers/Microsoft.Compute/locations/eastus/operations/1"
    f"?api-version={API}"
)


def to_dict(data: Any) -> dict[str, Any]:
    assert isinstance(data, dict)
    return data


def headline_pipeline() -> FakePipeline:
    return FakePipeline(
        Reply(
            201,
            {"properties": {"provisioningState": "Creating"}},
            {"Azure-AsyncOperation": ASYNC_URL},
        ),
        Reply(200, {"status": "InProgress"}),
        Reply(200, {"status": "Succeeded"}),
        Reply(200, {"name": "rc", "properties": {"provisioningState": "Succeeded"}}),
    )


def begin_put(client: ArmClient, **kwargs: Any) -> LROPoller[dict[str, Any]]:
    kwargs.setdefault("polling_interval", 0)
    return client.begin_lro(
        "PUT",
        RESOURCE_URL,
        body=b'{"location":"eastus"}',
        expected_status=(200, 201),
        deserialize=to_dict,
        operation_id=OP,
        **kwargs,
    )


@pytest.mark.usefixtures("surface")
def test_begin_lro_headline_put() -> None:
    pipeline = headline_pipeline()
    poller = begin_put(with_pipeline(pipeline), options=RequestOptions(timeout=9.0))
    assert [r.method for r in pipeline.requests] == ["PUT"]
    assert poller.result() == {"name": "rc", "properties": {"provisioningState": "Succeeded"}}
    assert [(r.method, r.url) for r in pipeline.requests] == [
        ("PUT", RESOURCE_URL),
        ("GET", ASYNC_URL),
        ("GET", ASYNC_URL),
        ("GET", RESOURCE_URL),
    ]
    ids = pipeline.client_request_ids
    assert ids[0] is not None and len(set(ids)) == 1
    assert pipeline.timeouts == [9.0] * 4  # per-call timeout applies to polls too


@pytest.mark.usefixtures("surface")
def test_begin_lro_reuses_the_callers_request_id() -> None:
    pipeline = headline_pipeline()
    options = RequestOptions(headers={"X-MS-Client-Request-Id": "mine"})
    begin_put(with_pipeline(pipeline), options=options).result()
    assert pipeline.client_request_ids == ["mine"] * 4


@pytest.mark.usefixtures("surface")
def test_begin_lro_rejects_unexpected_initial_status() -> None:
    pipeline = FakePipeline(Reply(202, None, {"Location": ASYNC_URL}))
    with pytest.raises(HttpResponseError, match="invalid status"):
        begin_put(with_pipeline(pipeline))
    assert len(pipeline.requests) == 1


@pytest.mark.usefixtures("surface")
def test_begin_lro_rejects_bad_final_state_via_before_sending() -> None:
    pipeline = headline_pipeline()
    with pytest.raises(ValueError, match="final_state_via"):
        begin_put(with_pipeline(pipeline), final_state_via="sideways")
    assert pipeline.requests == []


@pytest.mark.usefixtures("surface")
@pytest.mark.parametrize("deadline", [-1, float("nan"), "soon"])
def test_begin_lro_rejects_a_bad_deadline_before_sending(deadline: Any) -> None:
    pipeline = headline_pipeline()
    with pytest.raises((ValueError, TypeError), match="deadline"):
        begin_put(with_pipeline(pipeline), deadline=deadline)
    assert pipeline.requests == []


@pytest.mark.usefixtures("surface")
def test_begin_lro_delete_returns_none() -> None:
    pipeline = FakePipeline(Reply(202, None, {"Location": ASYNC_URL}), Reply(204, None))
    poller: LROPoller[None] = with_pipeline(pipeline).begin_lro(
        "DELETE",
        RESOURCE_URL,
        body=None,
        expected_status=(200, 202, 204),
        deserialize=None,
        operation_id="VirtualMachineScaleSetVMRunCommands_Delete",
        polling_interval=0,
    )
    assert poller.result() is None
    assert [r.method for r in pipeline.requests] == ["DELETE", "GET"]
    assert "Content-Type" not in pipeline.requests[0].headers


@pytest.mark.usefixtures("surface")
def test_begin_lro_polling_false() -> None:
    pipeline = headline_pipeline()
    poller = begin_put(with_pipeline(pipeline), polling=False)
    assert poller.status() == "InProgress"
    assert poller.result() == {"properties": {"provisioningState": "Creating"}}
    assert len(pipeline.requests) == 1
    assert decode_continuation_token(poller.continuation_token()).operation_id == OP


@pytest.mark.usefixtures("surface")
def test_begin_lro_resumes_from_token_without_initial_request() -> None:
    first = headline_pipeline()
    poller = begin_put(with_pipeline(first))
    token = poller.continuation_token()
    resumed_pipeline = FakePipeline(Reply(200, {"status": "Succeeded"}), Reply(200, {"name": "rc"}))
    resumed = begin_put(with_pipeline(resumed_pipeline), continuation_token=token)
    assert resumed.result() == {"name": "rc"}
    assert [(r.method, r.url) for r in resumed_pipeline.requests] == [
        ("GET", ASYNC_URL),
        ("GET", RESOURCE_URL),
    ]
    assert resumed_pipeline.client_request_ids == [first.client_request_ids[0]] * 2


def _token(**changes: Any) -> str:
    fields: dict[str, Any] = {
        "operation_id": OP,
        "method": "PUT",
        "url": RESOURCE_URL,
        "algorithm": "azure-async-operation",
        "poll_url": ASYNC_URL,
        "location_url": None,
        "client_request_id": "cid",
        "final_state_via": None,
        "status": "InProgress",
    }
    fields.update(changes)
    return encode_continuation_token(PollingState(**fields))


@pytest.mark.usefixtures("surface")
@pytest.mark.parametrize(
    ("token", "kwargs", "message"),
    [
        (_token(operation_id="Other_Op"), {}, "belongs to operation"),
        (_token(method="PATCH"), {}, "is for a PATCH"),
        (_token(url="https://evil.example/x", poll_url="https://evil.example/op"), {}, "endpoint"),
        (_token(), {"polling": False}, "polling=False"),
        ("not-a-token", {}, "Invalid LRO continuation token"),
    ],
)
def test_begin_lro_rejects_unusable_tokens(
    token: str, kwargs: dict[str, Any], message: str
) -> None:
    pipeline = FakePipeline()
    with pytest.raises(ValueError, match=message):
        begin_put(with_pipeline(pipeline), continuation_token=token, **kwargs)
    assert pipeline.requests == []


# --- over a real socket ----------------------------------------------------------------------


@dataclass
class Token:
    token: str
    expires_on: int


class FakeCredential:
    def __init__(self) -> None:
        self.scopes: list[tuple[str, ...]] = []

    def get_token(
        self, *scopes: str, claims: str | None = None, tenant_id: str | None = None, **kwargs: Any
    ) -> Token:
        self.scopes.append(scopes)
        return Token("secret-bearer", int(time.time()) + 3600)


def test_headline_put_over_the_wire(server: Any) -> None:
    """``server`` is the scripted loopback server fixture of tests/runtime/conftest.py."""
    operation = (
        f"{server.url}/subscriptions/sub/providers/Microsoft.Compute/operations/1?api-version={API}"
    )
    server.reply(
        201,
        json.dumps({"name": "rc", "properties": {"provisioningState": "Creating"}}).encode(),
        {"Azure-AsyncOperation": operation, "Content-Type": "application/json"},
    )
    server.reply(200, b'{"status": "InProgress"}')
    server.reply(200, b'{"status": "Succeeded"}')
    server.reply(200, b'{"name": "rc", "properties": {"provisioningState": "Succeeded"}}')
    credential = FakeCredential()
    with ArmClient(
        credential,
        "sub",
        base_url=server.url,
        api_version=API,
        sdk_moniker="vmss-runcommands/0.1.0",
        polling_interval=0,
        retry_policy=RetryPolicy.no_retries(),
    ) as client:
        url = client.format_url(TEMPLATE, path_params("my command/1"), {"api-version": API})
        poller = client.begin_lro(
            "PUT",
            url,
            body=b'{"location":"eastus"}',
            expected_status=(200, 201),
            deserialize=to_dict,
            operation_id=OP,
        )
        assert poller.result() == {"name": "rc", "properties": {"provisioningState": "Succeeded"}}

    recorded = server.requests
    assert [r.method for r in recorded] == ["PUT", "GET", "GET", "GET"]
    assert recorded[0].path == (
        "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/"
        f"ss/virtualMachines/0/runCommands/my%20command%2F1?api-version={API}"
    )
    assert recorded[3].path == recorded[0].path
    assert recorded[1].path == recorded[2].path == operation[len(server.url) :]
    assert recorded[0].headers["accept"] == "application/json, text/json"
    assert recorded[0].headers["content-type"] == "application/json"
    assert recorded[0].body == b'{"location":"eastus"}'
    assert len({r.headers["x-ms-client-request-id"] for r in recorded}) == 1
    assert all(r.headers["authorization"] == "Bearer secret-bearer" for r in recorded)
    assert "azsdk-python-vmss-runcommands/0.1.0" in recorded[0].headers["user-agent"]
    assert credential.scopes[0] == (f"{server.url}/.default",)
    assert "secret-bearer" not in poller.continuation_token()


def test_a_call_without_options_shares_one_options_object_and_one_with_options_is_checked() -> None:
    from vmss_runcommands.runtime.request_options import NO_OPTIONS, request_options

    assert request_options() is NO_OPTIONS
    assert request_options(None, None, None, None, None, None, None) is NO_OPTIONS
    given = request_options(timeout=5.0, client_request_id="cid-1", logging_enable=False)
    assert given == RequestOptions(timeout=5.0, client_request_id="cid-1", logging_enable=False)
    with pytest.raises(ValueError, match="timeout"):
        request_options(timeout=-1.0)
    with pytest.raises(ValueError, match="client_request_id"):
        request_options(client_request_id="  ")


def test_path_params_are_values() -> None:
    param = PathParam("runCommandName", "run_command_name", "rc")
    assert param == PathParam("runCommandName", "run_command_name", "rc")
    assert (param.wire_name, param.python_name, param.value) == (
        "runCommandName",
        "run_command_name",
        "rc",
    )
    with pytest.raises(AttributeError):
        param.value = "other"  # type: ignore[misc]
