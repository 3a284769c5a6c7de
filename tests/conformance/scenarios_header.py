"""header.json: AutoRest's header tests (vanilla/legacy test_header.py), translated.

Each AutoRest test is split in two scenarios: sending a header parameter, and reading a
response header. Response headers are read as in azure-core, through ``cls=``, whose third
argument holds the response headers the operation declares, deserialized.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from support import client as make_client
from support import models

PACKAGE = "autorest_header"
UTC = dt.timezone.utc


@pytest.fixture
def client() -> Iterator[Any]:
    with make_client(PACKAGE) as c:
        yield c


def value_header(response: Any, deserialized: Any, headers: dict[str, Any]) -> Any:
    return headers.get("value")


def test_integer_param(client: Any) -> None:
    client.header.param_integer("positive", 1)
    client.header.param_integer("negative", -2)


def test_integer_response(client: Any) -> None:
    assert client.header.response_integer("positive", cls=value_header) == 1
    assert client.header.response_integer("negative", cls=value_header) == -2


def test_long_param(client: Any) -> None:
    client.header.param_long("positive", 105)
    client.header.param_long("negative", -2)


def test_long_response(client: Any) -> None:
    assert client.header.response_long("positive", cls=value_header) == 105
    assert client.header.response_long("negative", cls=value_header) == -2


def test_float_param(client: Any) -> None:
    client.header.param_float("positive", 0.07)
    client.header.param_float("negative", -3.0)


def test_float_response(client: Any) -> None:
    assert abs(client.header.response_float("positive", cls=value_header) - 0.07) < 1e-5
    assert abs(client.header.response_float("negative", cls=value_header) + 3.0) < 1e-5


def test_double_param(client: Any) -> None:
    client.header.param_double("positive", 7e120)
    client.header.param_double("negative", -3.0)


def test_double_response(client: Any) -> None:
    assert client.header.response_double("positive", cls=value_header) == 7e120
    assert client.header.response_double("negative", cls=value_header) == -3.0


def test_bool_param(client: Any) -> None:
    client.header.param_bool("true", True)
    client.header.param_bool("false", False)


def test_bool_response(client: Any) -> None:
    assert client.header.response_bool("true", cls=value_header) is True
    assert client.header.response_bool("false", cls=value_header) is False


def test_string_param(client: Any) -> None:
    client.header.param_string("valid", value="The quick brown fox jumps over the lazy dog")
    client.header.param_string("null", value=None)
    client.header.param_string("empty", value="")


def test_string_response(client: Any) -> None:
    response = client.header.response_string("valid", cls=value_header)
    assert response == "The quick brown fox jumps over the lazy dog"
    assert client.header.response_string("null", cls=value_header) == "null"
    assert client.header.response_string("empty", cls=value_header) == ""


def test_enum_param(client: Any) -> None:
    grey = models(PACKAGE).GreyscaleColors.GREY
    client.header.param_enum("valid", value=grey)
    client.header.param_enum("valid", value="GREY")
    client.header.param_enum("null", value=None)


def test_enum_response(client: Any) -> None:
    grey = models(PACKAGE).GreyscaleColors.GREY
    assert client.header.response_enum("valid", cls=value_header) == grey
    assert client.header.response_enum("null", cls=value_header) == ""


def test_date_param(client: Any) -> None:
    client.header.param_date("valid", dt.date(2010, 1, 1))
    client.header.param_date("min", dt.date.min)


def test_date_response(client: Any) -> None:
    assert client.header.response_date("valid", cls=value_header) == dt.date(2010, 1, 1)
    assert client.header.response_date("min", cls=value_header) == dt.date(1, 1, 1)


def test_datetime_param(client: Any) -> None:
    client.header.param_datetime("valid", dt.datetime(2010, 1, 1, 12, 34, 56, tzinfo=UTC))
    client.header.param_datetime("min", dt.datetime.min.replace(tzinfo=UTC))


def test_datetime_response(client: Any) -> None:
    response = client.header.response_datetime("valid", cls=value_header)
    assert response == dt.datetime(2010, 1, 1, 12, 34, 56, tzinfo=UTC)
    response = client.header.response_datetime("min", cls=value_header)
    assert response == dt.datetime.min.replace(tzinfo=UTC)


def test_datetime_rfc1123_param(client: Any) -> None:
    valid = dt.datetime(2010, 1, 1, 12, 34, 56, tzinfo=UTC)
    client.header.param_datetime_rfc1123("valid", value=valid)
    client.header.param_datetime_rfc1123("min", value=dt.datetime.min.replace(tzinfo=UTC))


def test_datetime_rfc1123_response(client: Any) -> None:
    response = client.header.response_datetime_rfc1123("valid", cls=value_header)
    assert response == dt.datetime(2010, 1, 1, 12, 34, 56, tzinfo=UTC)
    response = client.header.response_datetime_rfc1123("min", cls=value_header)
    assert response == dt.datetime(2001, 1, 1, tzinfo=UTC)


DURATION = dt.timedelta(days=123, hours=22, minutes=14, seconds=12, milliseconds=11)


def test_duration_param(client: Any) -> None:
    client.header.param_duration("valid", DURATION)


def test_duration_response(client: Any) -> None:
    assert client.header.response_duration("valid", cls=value_header) == DURATION


BYTES = "\u554a\u9f44\u4e02\u72db\u72dc\uf9f1\uf92c\uf9f1\ufa0c\ufa29".encode()


def test_byte_param(client: Any) -> None:
    client.header.param_byte("valid", BYTES)


def test_byte_response(client: Any) -> None:
    assert client.header.response_byte("valid", cls=value_header) == BYTES


def test_param_existing_key(client: Any) -> None:
    client.header.param_existing_key("overwrite")


def test_response_existing_key(client: Any) -> None:
    def user_agent(response: Any, deserialized: Any, headers: dict[str, Any]) -> Any:
        return headers.get("User-Agent")

    assert client.header.response_existing_key(cls=user_agent) == "overwrite"


def test_response_protected_key(client: Any) -> None:
    def content_type(response: Any, deserialized: Any, headers: dict[str, Any]) -> Any:
        return headers.get("Content-Type")

    assert client.header.response_protected_key(cls=content_type) == "text/html; charset=utf-8"


def test_custom_request_id(client: Any) -> None:
    client.header.custom_request_id(
        headers={"x-ms-client-request-id": "9C4D50EE-2D56-4CD3-8152-34347DC9F2B0"}
    )
