"""Point 5: header values cannot inject headers; and a library does not print."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest
from hostile import HostileServer, make_client, reply
from vmss_runcommands.runtime.client import ArmClient, RequestOptions
from vmss_runcommands.runtime.exceptions import InvalidHeaderValueError
from vmss_runcommands.runtime.pipeline import LOGGER_NAME

# Every test here runs against the sync and the async client.
pytestmark = pytest.mark.usefixtures("surface")

BAD_VALUES = ["v\r\nX-Injected: 1", "v\r\n X-Injected: 1", "v\n\tX-Injected: 1", "v\x00w", "v\rw"]


@pytest.mark.parametrize("value", BAD_VALUES)
def test_a_header_value_with_cr_lf_or_nul_is_refused_before_sending(
    value: str, good: HostileServer
) -> None:
    good.handler = reply(200, b"{}")
    with (
        make_client(good) as client,
        pytest.raises(InvalidHeaderValueError, match="x-custom") as caught,
    ):
        client.send(
            "GET",
            good.base_url + "/rc",
            expected_status=(200,),
            options=RequestOptions(headers={"x-custom": value}),
        )
    assert caught.value.header == "x-custom"
    assert "X-Injected" not in str(caught.value)
    assert good.requests == []


@pytest.mark.parametrize("value", BAD_VALUES)
def test_a_client_request_id_with_cr_lf_or_nul_is_refused(value: str) -> None:
    with pytest.raises(InvalidHeaderValueError, match="x-ms-client-request-id"):
        RequestOptions(client_request_id=value)


@pytest.mark.parametrize("value", BAD_VALUES)
def test_a_user_agent_with_cr_lf_or_nul_is_refused(value: str, good: HostileServer) -> None:
    with pytest.raises(InvalidHeaderValueError, match="User-Agent"):
        make_client(good, user_agent=value)


# An environment variable cannot hold NUL at all.
@pytest.mark.parametrize("value", [value for value in BAD_VALUES if "\x00" not in value])
def test_azure_http_user_agent_with_cr_lf_or_nul_is_refused_before_sending(
    value: str, good: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_HTTP_USER_AGENT", value)
    good.handler = reply(200, b"{}")
    with (
        make_client(good) as client,
        pytest.raises(InvalidHeaderValueError, match="AZURE_HTTP_USER_AGENT"),
    ):
        client.send("GET", good.base_url + "/rc", expected_status=(200,))
    assert good.requests == []


def test_the_package_logger_has_a_null_handler() -> None:
    handlers = logging.getLogger(LOGGER_NAME).handlers
    assert any(isinstance(handler, logging.NullHandler) for handler in handlers)


def test_a_failure_raised_to_the_caller_is_not_also_printed(good: HostileServer) -> None:
    # No logging configured, as in a plain script: Python's last-resort handler would print
    # any WARNING to stderr, next to the exception the caller already handles.
    good.handler = reply(200, b"{}")
    good.stop()  # nothing listens any more: the call fails to connect
    script = textwrap.dedent(
        f"""
        from vmss_runcommands.runtime.client import ArmClient
        from vmss_runcommands.runtime.exceptions import AzureError
        from vmss_runcommands.runtime.retry import RetryPolicy

        client = ArmClient(
            None, "sub", base_url="{good.base_url}", api_version="v", sdk_moniker="t/0",
            retry_policy=RetryPolicy.no_retries(),
        )
        try:
            client.send("GET", "{good.base_url}/rc", expected_status=(200,))
        except AzureError:
            print("caught")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "caught"
    assert done.stderr == ""


def test_client_rejects_header_injection_through_arm_client_user_agent() -> None:
    with pytest.raises(InvalidHeaderValueError, match="user_agent"):
        ArmClient(
            None,
            "sub",
            base_url="http://127.0.0.1:1",
            api_version="v",
            sdk_moniker="t/0",
            user_agent="ok\r\nX-Evil: 1",
        )
