"""Continuation tokens from outside: another api-version or hostile JSON is a clear ValueError."""

from __future__ import annotations

import base64

import pytest
from surfaces import SURFACES, make_arm_client
from vmss_runcommands.runtime.client import ArmClient
from vmss_runcommands.runtime.polling import (
    PollingState,
    decode_continuation_token,
    encode_continuation_token,
)
from vmss_runcommands.runtime.transport import Urllib3Transport

BASE = "https://management.azure.com"
PATH = "/subscriptions/sub/resourceGroups/rg/providers/Test.RP/things/t1"
OP = "Things_CreateOrUpdate"
_TRANSPORT = Urllib3Transport()


@pytest.fixture(params=SURFACES)
def surface(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


def client(api_version: str, surface: str = "sync") -> ArmClient:
    """The sync ``ArmClient`` or the async one behind tests/surfaces.py's facade."""
    transport = {"transport": _TRANSPORT} if surface == "sync" else {}
    made: ArmClient = make_arm_client(
        surface, None, "sub", api_version=api_version, sdk_moniker="test/0", **transport
    )
    return made


def token(api_version: str) -> str:
    return encode_continuation_token(
        PollingState(
            operation_id=OP,
            method="PUT",
            url=f"{BASE}{PATH}?api-version={api_version}",
            algorithm="body",
            poll_url=None,
            location_url=None,
            client_request_id="cid",
            final_state_via=None,
            status="InProgress",
        )
    )


def resume(made: ArmClient, continuation_token: str) -> object:
    return made.begin_lro(
        "PUT",
        f"{BASE}{PATH}?api-version={made.api_version}",
        body=None,
        expected_status=(200, 201),
        deserialize=None,
        operation_id=OP,
        continuation_token=continuation_token,
    )


def test_a_token_of_another_api_version_is_refused_naming_both(surface: str) -> None:
    with pytest.raises(ValueError) as caught:
        resume(client("2025-01-01", surface), token("2024-07-01"))
    message = str(caught.value)
    assert "'2024-07-01'" in message and "'2025-01-01'" in message


def test_a_token_of_the_same_api_version_is_accepted(surface: str) -> None:
    poller = resume(client("2024-07-01", surface), token("2024-07-01"))
    assert poller.status() == "InProgress"  # type: ignore[attr-defined]


@pytest.mark.parametrize("depth", [2_000, 6_000])  # 6,000 still fits the length limit
def test_a_token_of_deeply_nested_json_is_a_value_error(depth: int, surface: str) -> None:
    raw = b"[" * depth + b"]" * depth
    nested = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    with pytest.raises(ValueError, match="nested too deeply"):
        decode_continuation_token(nested)
    with pytest.raises(ValueError, match="nested too deeply"):
        resume(client("2024-07-01", surface), nested)


def test_a_token_nested_deeply_inside_a_valid_envelope_is_a_value_error() -> None:
    deep = "[" * 3_000 + '"x"' + "]" * 3_000
    text = '{"v":1,"kind":"vmss_runcommands.lro","data":' + deep + "}"
    nested = base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()
    with pytest.raises(ValueError):
        decode_continuation_token(nested)
