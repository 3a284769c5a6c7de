"""media_types.json: AutoRest's media-type tests (vanilla/legacy test_media_types.py),
translated. An operation whose consumes mixes JSON, text and binary types takes
``content_type=`` (application/json by default when listed, as in AutoRest); bytes are sent as
they are, a str as text, anything else as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from support import client as make_client

PACKAGE = "autorest_media_types"


@pytest.fixture
def client() -> Iterator[Any]:
    with make_client(PACKAGE) as c:
        yield c


def test_pdf(client: Any) -> None:
    result = client.analyze_body(input=b"PDF", content_type="application/pdf")
    assert result == "Nice job with PDF"


def test_json(client: Any) -> None:
    result = client.analyze_body(input=json.loads('{"source":"foo"}'))
    assert result == "Nice job with JSON"


def test_content_type_with_encoding(client: Any) -> None:
    result = client.content_type_with_encoding(input="hello")
    assert result == "Nice job sending content type with encoding"


def test_pdf_no_accept_header(client: Any) -> None:
    client.analyze_body_no_accept_header(input=b"PDF", content_type="application/pdf")


def test_json_no_accept_header(client: Any) -> None:
    client.analyze_body_no_accept_header(input=json.loads('{"source":"foo"}'))


def test_binary_body_two_content_types(client: Any) -> None:
    json_input = json.dumps({"hello": "world"})
    client.binary_body_with_two_content_types(json_input, content_type="application/json")
    content = b"hello, world"
    client.binary_body_with_two_content_types(content, content_type="application/octet-stream")


def test_binary_body_three_content_types(client: Any) -> None:
    json_input = json.dumps({"hello": "world"})
    client.binary_body_with_three_content_types(json_input)
    content = b"hello, world"
    client.binary_body_with_three_content_types(content, content_type="application/octet-stream")
    client.binary_body_with_three_content_types("hello, world", content_type="text/plain")


def test_body_three_types(client: Any) -> None:
    client.body_three_types({"hello": "world"})
    client.body_three_types(b"hello, world")
