"""Which endpoint and credential the connection options lead to (no request is sent)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from vmss_runcommands.cli.connection import StaticTokenCredential, connect
from vmss_runcommands.cli.parser import UsageError, build_parser

LIST = ["list", "-g", "rg", "--vmss-name", "ss", "--instance-id", "0"]


@pytest.mark.parametrize(
    ("cloud", "endpoint"),
    [
        ("public", "https://management.azure.com"),
        ("china", "https://management.chinacloudapi.cn"),
        ("usgov", "https://management.usgovcloudapi.net"),
    ],
)
def test_cloud_picks_the_resource_manager_endpoint(cloud: str, endpoint: str) -> None:
    args = build_parser().parse_args([*LIST, "--cloud", cloud, "--subscription", "sub"])
    connection = connect(args)
    try:
        assert connection.endpoint == endpoint
        assert repr(connection.client).endswith(f"base_url={endpoint!r}>")
        assert not connection.emulator and connection.throttle is None
    finally:
        connection.close()


def test_an_emulator_token_goes_to_the_given_endpoint_and_is_never_shown() -> None:
    args = build_parser().parse_args(
        [*LIST, "--endpoint", "http://127.0.0.1:9", "--emulator-token", "tok-123"]
    )
    connection = connect(args)
    try:
        assert connection.emulator and connection.endpoint == "http://127.0.0.1:9"
        assert connection.client.subscription_id == "00000000-0000-0000-0000-000000000000"
    finally:
        connection.close()
    credential = StaticTokenCredential("tok-123")
    assert credential.get_token("scope").token == "tok-123"
    assert "tok-123" not in repr(credential)


def test_fan_out_concurrency_brings_a_shared_throttle() -> None:
    args = build_parser().parse_args(
        [*LIST, "--endpoint", "http://127.0.0.1:9", "--emulator-token", "t"]
    )
    connection = connect(args, concurrency=8)
    try:
        assert connection.throttle is not None
    finally:
        connection.close()


def test_an_emulator_token_without_an_endpoint_is_a_usage_error() -> None:
    args = build_parser().parse_args([*LIST, "--emulator-token", "t"])
    with pytest.raises(
        UsageError, match=r"--emulator-token \(or VMSS_RUNCOMMANDS_TOKEN\) needs --endpoint"
    ):
        connect(args)


def test_an_unreachable_endpoint_from_the_environment_is_the_one_named() -> None:
    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{probe.getsockname()[1]}"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "VMSS_"))}
    environment.update(
        VMSS_RUNCOMMANDS_ENDPOINT=endpoint,
        VMSS_RUNCOMMANDS_TOKEN="emulator-token",
        AZURE_SUBSCRIPTION_ID="00000000-0000-0000-0000-000000000000",
    )
    done = subprocess.run(
        [sys.executable, "-m", "vmss_runcommands", *LIST],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout) == (125, ""), done.stderr
    assert done.stderr.startswith(f"Could not talk to {endpoint}:")
    assert "management.azure.com" not in done.stderr
