"""A response that drifts harmlessly from its schema is read as azure-core's deserializer reads
it (a required field left out, ``"3600"`` or ``8.0`` for an integer, ``"true"`` for a
boolean, a number for a string); one that does not fit stays a DecodeError naming the field.
What a caller sends, and ``from_dict`` called directly, stay strict."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest
import urllib3
from vmss_runcommands import RunCommandsClient
from vmss_runcommands.models import (
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)
from vmss_runcommands.runtime.bodies import read_int, read_str
from vmss_runcommands.runtime.exceptions import (
    DecodeError,
    DeserializationError,
    RequiredFieldError,
)
from vmss_runcommands.runtime.lenient import read_response

ID = (
    "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/"
    "ss/virtualMachines/0/runCommands/rc"
)


class Token(NamedTuple):
    token: str
    expires_on: int


class Credential:
    def get_token(self, *scopes: str, **kwargs: Any) -> Token:
        return Token("token", 4_102_444_800)


class Pool(urllib3.PoolManager):
    """Answers every request with the body given, records what was sent."""

    def __init__(self) -> None:
        super().__init__()
        self.body = b"{}"
        self.sent: list[bytes | None] = []

    def urlopen(self, method: str, url: str, redirect: bool = True, **kw: Any) -> Any:  # type: ignore[override]
        self.sent.append(kw.get("body"))
        return urllib3.HTTPResponse(
            body=io.BytesIO(self.body),
            headers={"Content-Length": str(len(self.body)), "Content-Type": "application/json"},
            status=200,
            preload_content=False,
        )


@pytest.fixture
def pool() -> Pool:
    return Pool()


@pytest.fixture
def ops(pool: Pool) -> Iterator[Any]:
    with RunCommandsClient(Credential(), "sub", pool_manager=pool) as client:
        yield client.virtual_machine_scale_set_vm_run_commands


DRIFTING = {
    "id": ID,
    # "location" is required, and left out (as services leave out what they never return).
    "properties": {
        "timeoutInSeconds": "3600",
        "asyncExecution": "true",
        "runAsUser": 42,
        "parameters": [{"name": "a", "value": None}],
        "instanceView": {"exitCode": 0.0, "output": "done"},
    },
}


def test_a_harmlessly_drifting_response_reads_as_azure_core_reads_it(ops: Any, pool: Pool) -> None:
    pool.body = json.dumps(DRIFTING).encode()
    got = ops.get("rg", "ss", "0", "rc")
    assert got.location is None
    assert got.timeout_in_seconds == 3600 and type(got.timeout_in_seconds) is int
    assert got.async_execution is True
    assert got.run_as_user == "42"
    assert got.parameters == [RunCommandInputParameter(name="a", value=None)]  # type: ignore[arg-type]
    assert got.instance_view is not None
    assert got.instance_view.exit_code == 0 and type(got.instance_view.exit_code) is int


def test_pages_and_long_running_results_are_read_the_same_way(ops: Any, pool: Pool) -> None:
    pool.body = json.dumps({"value": [DRIFTING, {"location": "westus"}]}).encode()
    first, second = list(ops.list("rg", "ss", "0"))
    assert (first.timeout_in_seconds, second.location) == (3600, "westus")
    pool.body = json.dumps({**DRIFTING, "properties": {"timeoutInSeconds": 60.0}}).encode()
    command = VirtualMachineRunCommand(location="westus")
    done = ops.begin_create_or_update("rg", "ss", "0", "rc", command, polling=False).result()
    assert done.timeout_in_seconds == 60


@pytest.mark.parametrize(
    ("properties", "where"),
    [
        ({"timeoutInSeconds": 8.5}, "properties.timeoutInSeconds"),  # not an integer at all
        ({"timeoutInSeconds": "soon"}, "properties.timeoutInSeconds"),
        ({"asyncExecution": "maybe"}, "properties.asyncExecution"),
        ({"runAsUser": {"name": "x"}}, "properties.runAsUser"),
        ({"parameters": [{"name": "a", "value": ["v"]}]}, "properties.parameters[0].value"),
    ],
)
def test_a_response_that_does_not_fit_even_so_is_a_decode_error_naming_the_field(
    ops: Any, pool: Pool, properties: dict[str, Any], where: str
) -> None:
    pool.body = json.dumps({"location": "westus", "properties": properties}).encode()
    with pytest.raises(DecodeError, match=re.escape(f"at '{where}'")):
        ops.get("rg", "ss", "0", "rc")


def test_from_dict_called_directly_stays_strict() -> None:
    with pytest.raises(DeserializationError, match="required field is missing at 'location'"):
        VirtualMachineRunCommand.from_dict({"properties": {}})
    with pytest.raises(DeserializationError, match="expected an integer, got str"):
        VirtualMachineRunCommand.from_dict(
            {"location": "westus", "properties": {"timeoutInSeconds": "3600"}}
        )
    with pytest.raises(DeserializationError):
        read_int("3600")
    assert read_response(read_int, "3600") == 3600
    assert read_response(read_str, 5) == "5"


def test_what_a_caller_sends_stays_strict(ops: Any, pool: Pool) -> None:
    command = VirtualMachineRunCommand(
        location=None,  # type: ignore[arg-type]
        source=VirtualMachineRunCommandScriptSource(script="echo"),
    )
    with pytest.raises(RequiredFieldError, match="location"):
        ops.begin_create_or_update("rg", "ss", "0", "rc", command, polling=False)
    assert pool.sent == []


def test_base64_broken_by_white_space_is_read_without_it_only_when_lenient() -> None:
    from vmss_runcommands.runtime.lenient import lenient_rule
    from vmss_runcommands.runtime.wire_rules import WireError, scalar_rule

    lenient, strict = lenient_rule(bytes), scalar_rule(bytes)
    assert lenient is not None and strict is not None
    spaced = "aGVs bG8g\nd29y bGQ="  # a certificate as some services space it out
    assert lenient.read(spaced) == b"hello world"
    assert lenient.read("aGVsbG8gd29ybGQ=") == b"hello world"
    with pytest.raises(WireError):
        strict.read(spaced)
    for bad in ("not*base64 at all", 42):
        with pytest.raises(WireError):
            lenient.read(bad)
