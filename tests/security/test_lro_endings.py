"""How each long-running operation ends, as azure-core ends it, against a scripted server.

The server answers any request beyond its script with 405, so each test also proves that no
extra request (such as a GET of a resource that cannot be read) was sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from lro_script_server import Reply, ScriptServer, arm_client, script_server
from surfaces import SURFACES
from vmss_runcommands.runtime.client import ArmClient
from vmss_runcommands.runtime.exceptions import DecodeError
from vmss_runcommands.runtime.polling import LROPoller

PATH = "/subscriptions/sub/resourceGroups/rg/providers/Test.RP/things/t1"
QUERY = "?api-version=2024-07-01"
OP_PATH = "/subscriptions/sub/providers/Test.RP/locations/w/operations/op1"
LOC_PATH = "/subscriptions/sub/providers/Test.RP/locations/w/results/op1"
ASYNC = {"Azure-AsyncOperation": "{base}" + OP_PATH + QUERY}
LOCATION = {"Location": "{base}" + LOC_PATH + QUERY}


@pytest.fixture
def server() -> Iterator[ScriptServer]:
    with script_server() as running:
        yield running


@pytest.fixture(params=SURFACES)
def client(server: ScriptServer, request: pytest.FixtureRequest) -> Iterator[ArmClient]:
    made = arm_client(server, request.param)
    yield made
    made.close()


class Thing:
    """A stand-in for a generated model: keeps the JSON it was built from."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    @classmethod
    def from_dict(cls, data: Any) -> Thing:
        if not isinstance(data, dict):
            raise TypeError(f"expected an object, got {type(data).__name__}")
        return cls(data)


def begin(
    client: ArmClient,
    method: str,
    *,
    model: bool = True,
    final_state_via: str | None = None,
    expected: tuple[int, ...] = (200, 201, 202, 204),
) -> LROPoller[Any]:
    return client.begin_lro(
        method,
        client.base_url + PATH + QUERY,
        body=b'{"properties":{}}' if method in ("PUT", "PATCH", "POST") else None,
        expected_status=expected,
        deserialize=Thing.from_dict if model else None,
        operation_id=f"Things_{method}",
        final_state_via=final_state_via,
    )


def result_data(poller: LROPoller[Any]) -> Any:
    result = poller.result(timeout=10)
    return result.data if isinstance(result, Thing) else result


# --- DELETE and POST with a body return it ---------------------------------------------------


def test_delete_with_location_returns_the_final_body_when_a_model_is_declared(
    client: ArmClient, server: ScriptServer
) -> None:
    server.reply(
        Reply(202, None, LOCATION),
        Reply(202, None),
        Reply(200, {"name": "t1", "deleted": True}),
    )
    assert result_data(begin(client, "DELETE")) == {"name": "t1", "deleted": True}
    assert server.trail() == [f"DELETE {PATH}", f"GET {LOC_PATH}", f"GET {LOC_PATH}"]


def test_delete_with_async_operation_returns_the_status_body(
    client: ArmClient, server: ScriptServer
) -> None:
    done = {"status": "Succeeded", "properties": {"freed": 3}}
    server.reply(Reply(202, None, ASYNC), Reply(200, {"status": "InProgress"}), Reply(200, done))
    assert result_data(begin(client, "DELETE")) == done
    assert server.trail() == [f"DELETE {PATH}", f"GET {OP_PATH}", f"GET {OP_PATH}"]


def test_delete_answered_at_once_with_a_body_returns_it(
    client: ArmClient, server: ScriptServer
) -> None:
    server.reply(Reply(200, {"name": "t1"}))
    assert result_data(begin(client, "DELETE")) == {"name": "t1"}
    assert server.trail() == [f"DELETE {PATH}"]


def test_post_with_location_returns_the_last_poll(client: ArmClient, server: ScriptServer) -> None:
    server.reply(Reply(202, None, LOCATION), Reply(200, {"output": "hi"}))
    assert result_data(begin(client, "POST")) == {"output": "hi"}
    assert server.trail() == [f"POST {PATH}", f"GET {LOC_PATH}"]


def test_post_with_async_operation_and_location_reads_the_location(
    client: ArmClient, server: ScriptServer
) -> None:
    server.reply(
        Reply(202, None, {**ASYNC, **LOCATION}),
        Reply(200, {"status": "Succeeded"}),
        Reply(200, {"output": "from location"}),
    )
    assert result_data(begin(client, "POST")) == {"output": "from location"}
    assert server.trail() == [f"POST {PATH}", f"GET {OP_PATH}", f"GET {LOC_PATH}"]


# --- the last response is the result; the extra GET only where azure-core sends it -------------


def test_put_with_location_ends_on_the_last_poll_without_a_get_of_the_resource(
    client: ArmClient, server: ScriptServer
) -> None:
    # The PUT target cannot be read (the server would answer 405): it must not be asked.
    server.reply(Reply(202, None, LOCATION), Reply(202, None), Reply(200, {"name": "t1", "v": 2}))
    assert result_data(begin(client, "PUT")) == {"name": "t1", "v": 2}
    assert server.trail() == [f"PUT {PATH}", f"GET {LOC_PATH}", f"GET {LOC_PATH}"]


@pytest.mark.parametrize("status", [200, 201])
def test_put_answered_with_a_terminal_body_is_its_own_result(
    client: ArmClient, server: ScriptServer, status: int
) -> None:
    body = {"name": "t1", "properties": {"provisioningState": "Succeeded"}}
    server.reply(Reply(status, body))
    assert result_data(begin(client, "PUT")) == body
    assert server.trail() == [f"PUT {PATH}"]


def test_body_polled_put_ends_on_the_poll_that_succeeded(
    client: ArmClient, server: ScriptServer
) -> None:
    server.reply(
        Reply(201, {"properties": {"provisioningState": "Creating"}}),
        Reply(200, {"properties": {"provisioningState": "Succeeded"}, "v": 1}),
    )
    assert result_data(begin(client, "PUT")) == {
        "properties": {"provisioningState": "Succeeded"},
        "v": 1,
    }
    assert server.trail() == [f"PUT {PATH}", f"GET {PATH}"]


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_put_and_patch_with_async_operation_get_the_resource_at_the_end(
    client: ArmClient, server: ScriptServer, method: str
) -> None:
    server.reply(
        Reply(201 if method == "PUT" else 200, {"name": "t1"}, ASYNC),
        Reply(200, {"status": "Succeeded"}),
        Reply(200, {"name": "t1", "v": 3}),
    )
    assert result_data(begin(client, method)) == {"name": "t1", "v": 3}
    assert server.trail() == [f"{method} {PATH}", f"GET {OP_PATH}", f"GET {PATH}"]


def test_final_state_via_original_uri_gets_the_original_url(
    client: ArmClient, server: ScriptServer
) -> None:
    server.reply(
        Reply(202, None, LOCATION), Reply(200, {"polled": True}), Reply(200, {"name": "t1"})
    )
    poller = begin(client, "POST", final_state_via="original-uri")
    assert result_data(poller) == {"name": "t1"}
    assert server.trail() == [f"POST {PATH}", f"GET {LOC_PATH}", f"GET {PATH}"]


# --- body-less endings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "replies", "trail"),
    [
        ("DELETE", [Reply(204)], [f"DELETE {PATH}"]),
        ("DELETE", [Reply(202, None, LOCATION), Reply(204)], [f"DELETE {PATH}", f"GET {LOC_PATH}"]),
        ("POST", [Reply(202, None, LOCATION), Reply(204)], [f"POST {PATH}", f"GET {LOC_PATH}"]),
        (
            "POST",
            [Reply(202, None, ASYNC), Reply(200, {"status": "Succeeded"})],
            [f"POST {PATH}", f"GET {OP_PATH}"],
        ),
        ("PUT", [Reply(204)], [f"PUT {PATH}"]),
        ("PUT", [Reply(202, None, LOCATION), Reply(204)], [f"PUT {PATH}", f"GET {LOC_PATH}"]),
    ],
)
def test_a_body_less_ending_without_a_model_is_none(
    client: ArmClient,
    server: ScriptServer,
    method: str,
    replies: list[Reply],
    trail: list[str],
) -> None:
    server.reply(*replies)
    assert begin(client, method, model=False).result(timeout=10) is None
    assert server.trail() == trail


@pytest.mark.parametrize("method", ["DELETE", "POST"])
def test_a_204_ending_of_delete_or_post_with_a_model_is_none(
    client: ArmClient, server: ScriptServer, method: str
) -> None:
    server.reply(Reply(202, None, LOCATION), Reply(204))
    assert begin(client, method).result(timeout=10) is None


# --- a terminal body that is not JSON --------------------------------------------------------


@pytest.mark.parametrize(
    ("replies", "status"),
    [
        ([Reply(200, b"<html>oops</html>", {"Content-Type": "text/html"})], 200),
        (
            [Reply(202, None, LOCATION), Reply(200, b"not json", {"Content-Type": "text/plain"})],
            200,
        ),
        (
            [
                Reply(201, {"name": "t1"}, ASYNC),
                Reply(200, {"status": "Succeeded"}),
                Reply(200, b'{"name": "t1"', {"Content-Type": "application/json"}),
            ],
            200,
        ),
    ],
)
def test_a_terminal_body_that_is_not_json_is_a_decode_error_with_status_and_request_id(
    client: ArmClient, server: ScriptServer, replies: list[Reply], status: int
) -> None:
    server.reply(*replies)
    with pytest.raises(DecodeError) as caught:
        begin(client, "PUT").result(timeout=10)
    error = caught.value
    assert error.status_code == status
    assert error.request_id == f"req-{len(replies)}"  # the id of the final answer
    assert f"x-ms-request-id=req-{len(replies)}" in str(error)
    assert len(server.seen) == len(replies)


@pytest.mark.parametrize(
    "replies",
    [
        [Reply(200)],
        [Reply(202, None, LOCATION), Reply(200)],
        [Reply(202, None, LOCATION), Reply(200, b"  ", {"Content-Type": "application/json"})],
    ],
)
@pytest.mark.parametrize("method", ["PUT", "DELETE", "POST"])
def test_an_empty_final_body_where_a_model_is_declared_is_none_as_in_azure_core(
    client: ArmClient, server: ScriptServer, replies: list[Reply], method: str
) -> None:
    # azure-core deserializes an empty body to None; only a body that is not JSON is an error.
    server.reply(*replies)
    assert begin(client, method).result(timeout=10) is None
    assert len(server.seen) == len(replies)


def test_a_non_json_ending_of_an_operation_without_a_model_is_not_an_error(
    client: ArmClient, server: ScriptServer
) -> None:
    server.reply(Reply(202, None, LOCATION), Reply(200, b"done", {"Content-Type": "text/plain"}))
    assert begin(client, "POST", model=False).result(timeout=10) is None


@pytest.mark.parametrize("method", ["DELETE", "POST"])
def test_polling_false_on_a_body_less_accepted_delete_or_post_is_none(
    client: ArmClient, server: ScriptServer, method: str
) -> None:
    server.reply(Reply(202, None, LOCATION))
    poller = client.begin_lro(
        method,
        client.base_url + PATH + QUERY,
        body=None,
        expected_status=(200, 202, 204),
        deserialize=Thing.from_dict,
        operation_id=f"Things_{method}",
        polling=False,
    )
    assert poller.result(timeout=10) is None
    assert server.trail() == [f"{method} {PATH}"]


def test_polling_false_on_a_delete_answered_with_a_body_returns_it(
    client: ArmClient, server: ScriptServer
) -> None:
    server.reply(Reply(200, {"name": "t1"}))
    poller = client.begin_lro(
        "DELETE",
        client.base_url + PATH + QUERY,
        body=None,
        expected_status=(200, 202, 204),
        deserialize=Thing.from_dict,
        operation_id="Things_DELETE",
        polling=False,
    )
    assert result_data(poller) == {"name": "t1"}
