"""The decision after a lost PUT/PATCH answer, from the GET of the resource alone."""

from __future__ import annotations

import json
from typing import Any

import pytest
from vmss_runcommands.runtime.http import HttpRequest, HttpResponse
from vmss_runcommands.runtime.reconcile import (
    LostWriteDecision,
    decide_lost_write,
    holds_what_was_sent,
)

SECRETS = frozenset({"runAsPassword", "protectedParameters"})
SENT = {
    "location": "West US",
    "properties": {
        "source": {"script": "echo hi"},
        "parameters": [{"name": "a", "value": "1"}],
        "runAsPassword": "pw",
        "protectedParameters": [{"name": "p", "value": "s"}],
        "timeoutInSeconds": 30,
    },
}


def got(status: int, body: Any) -> HttpResponse:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = HttpRequest("GET", "https://management.azure.com/x?api-version=1")
    return HttpResponse(status_code=status, reason="X", headers={}, body=raw, request=request)


def resource(state: str, **changes: Any) -> dict[str, Any]:
    properties = {
        "source": {"script": "echo hi"},
        "parameters": [{"name": "a", "value": "1"}],
        "timeoutInSeconds": 30,
        "provisioningState": state,
        **changes,
    }
    return {"id": "/x", "name": "rc", "location": "westus", "properties": properties}


def decide(response: HttpResponse) -> LostWriteDecision:
    return decide_lost_write(json.dumps(SENT).encode(), response, SECRETS)


def test_absent_means_send_again() -> None:
    assert decide(got(404, {"error": {"code": "NotFound"}})) is LostWriteDecision.SEND_AGAIN


@pytest.mark.parametrize("state", ["Creating", "Updating", "Accepted", "Deleting"])
def test_provisioning_means_poll(state: str) -> None:
    assert decide(got(200, resource(state, timeoutInSeconds=99))) is LostWriteDecision.POLL


def test_finished_and_holding_what_was_sent_means_poll() -> None:
    # Secrets are never echoed, location is normalized, extra read-only fields are fine.
    assert decide(got(200, resource("Succeeded"))) is LostWriteDecision.POLL


@pytest.mark.parametrize(
    "changes",
    [
        {"source": {"script": "echo old"}},
        {"timeoutInSeconds": 31},
        {"timeoutInSeconds": "30"},
        {"parameters": []},
        {"parameters": [{"name": "a", "value": "1"}, {"name": "b", "value": "2"}]},
    ],
)
def test_finished_and_different_means_send_again(changes: dict[str, Any]) -> None:
    assert decide(got(200, resource("Failed", **changes))) is LostWriteDecision.SEND_AGAIN


def test_a_field_sent_but_missing_from_the_resource_is_a_difference() -> None:
    found = resource("Succeeded")
    del found["properties"]["timeoutInSeconds"]
    assert decide(got(200, found)) is LostWriteDecision.SEND_AGAIN
    assert holds_what_was_sent({"a": None}, {}, frozenset())


def test_an_unreadable_resource_is_polled_not_written_again() -> None:
    assert decide(got(200, b"<html>")) is LostWriteDecision.POLL
