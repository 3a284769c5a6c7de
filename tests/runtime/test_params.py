"""Parameter values as azure-core writes them, and the URL pieces format_url builds from them."""

from __future__ import annotations

import datetime
import enum
import json

import pytest
from azure.core.serialization import AzureJSONEncoder
from hypothesis import given
from hypothesis import strategies as st
from vmss_runcommands.runtime.client import ArmClient, PathParam
from vmss_runcommands.runtime.params import (
    Joined,
    Raw,
    header_collection,
    wire_join,
    wire_list,
    wire_value,
)


def _azure_core(value: object) -> str:
    text: str = json.loads(json.dumps(value, cls=AzureJSONEncoder))
    return text


class Kind(str, enum.Enum):
    A = "a-value"


class Number(enum.Enum):
    ONE = 1


@given(st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=9999)))
def test_durations_match_azure_core(value: datetime.timedelta) -> None:
    assert wire_value(value) == _azure_core(value)


@given(st.datetimes(timezones=st.timezones()))
def test_aware_datetimes_match_azure_core(value: datetime.datetime) -> None:
    assert wire_value(value) == _azure_core(value)


@given(st.dates())
def test_dates_and_bytes_match_azure_core(value: datetime.date) -> None:
    assert wire_value(value) == _azure_core(value)
    data = value.isoformat().encode()
    assert wire_value(data) == _azure_core(data)


def test_scalars() -> None:
    assert (wire_value(True), wire_value(False)) == ("true", "false")  # not "True"
    assert wire_value(0) == "0" and wire_value(1.5) == "1.5"
    assert wire_value(Kind.A) == "a-value" and wire_value(Number.ONE) == "1"
    assert wire_value(None) is None
    naive = datetime.datetime(2031, 1, 2, 3, 4, 5)
    assert wire_value(naive) == "2031-01-02T03:04:05Z"  # naive is UTC, as in azure-core
    assert wire_value(naive, "date-time-rfc1123") == "Thu, 02 Jan 2031 03:04:05 GMT"
    assert wire_value(naive, "unix-time") == "1925089445"
    assert wire_value(b"\xfb\xff", "base64url") == "-_8" and wire_value(b"\xfb\xff") == "+/8="
    with pytest.raises(TypeError, match="cannot send a object"):
        wire_value(object())


def test_arrays_and_header_collections() -> None:
    assert wire_list(["a", None, 2, True]) == Joined(("a", "", "2", "true"), ",")
    assert wire_list(None) is None
    assert wire_join([1, 2], "", "|") == "1|2"
    with pytest.raises(TypeError, match="needs a list"):
        wire_list("abc")
    assert header_collection("x-ms-meta-", {"a": "1", "b": 2}) == {
        "x-ms-meta-a": "1",
        "x-ms-meta-b": "2",
    }
    assert header_collection("x-ms-meta-", None) == {}


def test_format_url_encodes_elements_and_keeps_separators() -> None:
    client = ArmClient(
        None, "sub", base_url="https://example.test", api_version="1", sdk_moniker="t"
    )
    url = client.format_url(
        "/a/{list}/{raw}",
        (
            PathParam("list", "list_", Joined(("x/y", "z"), ",")),
            PathParam("raw", "raw", Raw("p/q%20")),
        ),
        {
            "csv": Joined(("a b", "c,d"), ","),
            "ssv": Joined(("a", "b"), " "),
            "multi": Joined(("1", "2"), None),
            "raw": Raw("a%2Cb"),
            "none": None,
        },
    )
    assert url == (
        "https://example.test/a/x%2Fy,z/p/q%20?csv=a%20b,c%2Cd&ssv=a%20b&multi=1&multi=2&raw=a%2Cb"
    )


@pytest.mark.parametrize("text", ["a#b", "a b", "a\r\nX-Evil: 1", "\x00"])
def test_unencoded_values_cannot_end_the_url_or_inject_headers(text: str) -> None:
    client = ArmClient(
        None, "sub", base_url="https://example.test", api_version="1", sdk_moniker="t"
    )
    with pytest.raises(ValueError, match="next_link has a space, control character"):
        client.format_url("/a/{n}", (PathParam("n", "next_link", Raw(text)),), {})
    with pytest.raises(ValueError, match="q has a space"):
        client.format_url("/a", (), {"q": Raw(text)})


def test_absolute_templates_take_the_scheme_of_base_url() -> None:
    client = ArmClient(None, "sub", base_url="http://127.0.0.1:9", api_version="1", sdk_moniker="t")
    url = client.format_url(
        "{$scheme}://{account}.{host}/x",
        (
            PathParam("account", "account", Raw("acct")),
            PathParam("host", "host", Raw("example.test")),
        ),
        {},
        absolute=True,
    )
    assert url == "http://acct.example.test/x"
    with pytest.raises(ValueError, match="do not make a usable URL"):
        client.format_url("{a}/x", (PathParam("a", "a", Raw("ftp:")),), {}, absolute=True)
    with pytest.raises(ValueError, match="do not make a usable URL"):
        # userinfo would send the request (and its token) to evil.test
        client.format_url(
            "https://{a}.example.test/x",
            (PathParam("a", "a", Raw("x@evil.test")),),
            {},
            absolute=True,
        )
