"""A lost PUT/PATCH answer on the wire, against a scripted server: what is sent, in order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from lro_script_server import Reply, ScriptServer, arm_client, script_server
from surfaces import SURFACES
from vmss_runcommands.runtime.client import ArmClient, RequestOptions
from vmss_runcommands.runtime.exceptions import ServiceResponseError

PATH = "/subscriptions/sub/resourceGroups/rg/providers/Test.RP/things/t1"
SENT = {"location": "westus", "properties": {"size": 2, "secret": "pw"}}


def thing(state: str, size: int) -> dict[str, Any]:
    properties = {"size": size, "provisioningState": state}
    return {"id": PATH, "location": "westus", "properties": properties}


@pytest.fixture
def server() -> Iterator[ScriptServer]:
    with script_server() as running:
        yield running


@pytest.fixture(params=SURFACES)
def client(server: ScriptServer, request: pytest.FixtureRequest) -> Iterator[ArmClient]:
    made = arm_client(server, request.param, api_version="1", secret_fields=frozenset({"secret"}))
    yield made
    made.close()


def write(client: ArmClient, method: str, **options: Any) -> Any:
    poller = client.begin_lro(
        method,
        client.base_url + PATH + "?api-version=1",
        body=json.dumps(SENT).encode(),
        expected_status=(200, 201),
        deserialize=lambda data: data,
        operation_id=f"Things_{method}",
        options=RequestOptions(**options),
    )
    return poller.result(timeout=10)


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_taken_effect_and_provisioning_is_polled(
    client: ArmClient, server: ScriptServer, method: str
) -> None:
    server.reply(Reply(0), Reply(200, thing("Updating", 2)), Reply(200, thing("Succeeded", 2)))
    assert write(client, method) == thing("Succeeded", 2)
    assert [s.method for s in server.seen] == [method, "GET", "GET"]


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_finished_holding_what_was_sent_is_the_result(
    client: ArmClient, server: ScriptServer, method: str
) -> None:
    # "secret" is never echoed by the service, and is not needed to recognise the write.
    server.reply(Reply(0), Reply(200, thing("Succeeded", 2)))
    assert write(client, method) == thing("Succeeded", 2)
    assert [s.method for s in server.seen] == [method, "GET"]


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_finished_with_something_else_is_written_again_without_preconditions_on_the_get(
    client: ArmClient, server: ScriptServer, method: str
) -> None:
    server.reply(Reply(0), Reply(200, thing("Succeeded", 1)), Reply(200, thing("Succeeded", 2)))
    result = write(client, method, headers={"If-Match": '"etag-1"', "x-trace": "t"})
    assert result == thing("Succeeded", 2)
    seen = server.seen
    assert [s.method for s in seen] == [method, "GET", method]
    assert json.loads(seen[2].body) == SENT  # the same write, secret included
    assert "if-match" not in seen[1].headers and seen[1].headers["x-trace"] == "t"
    assert seen[2].headers["if-match"] == '"etag-1"'
    ids = {s.headers["x-ms-client-request-id"] for s in seen}
    assert len(ids) == 1  # one operation, one client request id


def test_absent_is_written_once_more_and_a_second_loss_is_raised(
    client: ArmClient, server: ScriptServer
) -> None:
    server.reply(Reply(0), Reply(404, {"error": {"code": "NotFound", "message": "no"}}), Reply(0))
    with pytest.raises(ServiceResponseError) as caught:
        write(client, "PUT")
    assert [s.method for s in server.seen] == ["PUT", "GET", "PUT"]
    assert caught.value.continuation_token is not None


def test_post_is_not_reconciled(client: ArmClient, server: ScriptServer) -> None:
    server.reply(Reply(0))
    with pytest.raises(ServiceResponseError):
        write(client, "POST")
    assert [s.method for s in server.seen] == ["POST"]
