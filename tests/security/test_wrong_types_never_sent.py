"""A call with a wrongly typed body field or parameter fails before anything is sent, on both
surfaces, with a TypeError naming the parameter (and the field path inside a body)."""

from __future__ import annotations

from typing import Any

import pytest
import surfaces
from hostile import FakeCredential, HostileServer
from test_echoed_secrets import PASSWORD, command
from vmss_runcommands.models import RunCommandInputParameter
from vmss_runcommands.runtime.exceptions import FieldTypeError
from vmss_runcommands.runtime.retry import RetryPolicy


def _ops(server: HostileServer, surface: str) -> Any:
    client = surfaces.make_client(
        surface,
        FakeCredential(),
        "sub",
        base_url=server.base_url,
        retry_policy=RetryPolicy.no_retries(),
        polling_interval=0,
    )
    return client, client.virtual_machine_scale_set_vm_run_commands


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("location", 3, "run_command.location: expected a string, got int"),
        (
            "timeout_in_seconds",
            "10",
            "run_command.timeout_in_seconds: expected an integer, got str",
        ),
        ("treat_failure_as_deployment_failure", 1, "expected a boolean, got int"),
        ("run_as_password", 12345678, "run_command.run_as_password: expected a string, got int"),
        (
            "protected_parameters",
            [RunCommandInputParameter(name="K", value=98765)],
            "run_command.protected_parameters[0].value: expected a string, got int",
        ),
    ],
)
def test_a_wrongly_typed_body_field_is_refused_before_any_request(
    good: HostileServer, surface: str, field: str, value: Any, message: str
) -> None:
    client, ops = _ops(good, surface)
    run = command()
    setattr(run, field, value)
    try:
        with pytest.raises(FieldTypeError) as caught:
            ops.begin_create_or_update("rg", "ss", "0", "rc", run)
    finally:
        client.close()
    assert isinstance(caught.value, TypeError)
    assert str(caught.value).endswith(message)
    assert str(caught.value).startswith("run_command.")
    assert PASSWORD not in str(caught.value)
    assert "12345678" not in str(caught.value) and "98765" not in str(caught.value)
    assert good.requests == []


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("rg", "ss", 3, "rc"), {}, "instance_id must be a str, not int"),
        (("rg", None, "0", "rc"), {}, "vm_scale_set_name must not be None"),
        (("rg", "ss", "0", "rc"), {"expand": 3}, "'$expand' must be a str, not int"),
        (("rg", "ss", "0", "rc"), {"headers": {"x-a": 3}}, "headers['x-a'] must be a str, not int"),
        (("rg", "ss", "0", "rc"), {"headers": "x"}, "headers must be a mapping of str to str"),
    ],
)
def test_a_wrongly_typed_parameter_is_refused_naming_it(
    good: HostileServer, surface: str, args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    client, ops = _ops(good, surface)
    try:
        with pytest.raises((TypeError, ValueError)) as caught:
            ops.get(*args, **kwargs)
    finally:
        client.close()
    assert message in str(caught.value)
    assert good.requests == []
