"""Bodies sent as ``consumes`` says and results read as ``produces`` says: a JSON variant
(merge-patch), text, binary, a choice of kinds (``content_type=``), a text result. Generated
from our own description, run against a loopback server."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import vmss_runcommands.runtime
from generated_package import assert_mypy_strict, imported_package, write_single_file_spec
from recording_server import FakeCredential, RecordingServer

RUNTIME = Path(vmss_runcommands.runtime.__file__).parent
API_VERSION = "2031-05-01"
API = {"name": "api-version", "in": "query", "required": True, "type": "string"}
OK = {"200": {"description": "ok"}}


def _post(operation_id: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body = {"name": "body", "in": "body", "required": True, "schema": schema}
    return {"operationId": operation_id, "parameters": [API, body], "responses": OK, **extra}


def spec() -> dict[str, Any]:
    note = {"$ref": "#/definitions/Note"}
    return {
        "swagger": "2.0",
        "info": {"title": "MediaClient", "version": API_VERSION},
        "host": "management.azure.com",
        # ARM's usual document-wide pair: both JSON, so no choice is offered.
        "consumes": ["application/json", "text/json"],
        "produces": ["application/json", "text/json"],
        "paths": {
            "/notes/json": {"post": _post("Notes_Json", note)},
            "/notes/patch": {
                "patch": _post("Notes_Patch", note, consumes=["application/merge-patch+json"])
            },
            "/notes/text": {
                "post": {
                    **_post("Notes_Text", {"type": "string"}, consumes=["text/plain"]),
                    "produces": ["text/plain"],
                    "responses": {"200": {"description": "ok", "schema": {"type": "string"}}},
                }
            },
            "/notes/image": {
                "put": _post(
                    "Notes_Image", {"type": "string", "format": "binary"}, consumes=["image/png"]
                )
            },
            "/notes/any": {
                "post": _post(
                    "Notes_Any",
                    note,
                    consumes=["application/octet-stream", "text/plain", "application/json"],
                )
            },
        },
        "definitions": {"Note": {"type": "object", "properties": {"text": {"type": "string"}}}},
    }


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("media")
    spec_dir = write_single_file_spec(
        root / "spec", API_VERSION, spec(), client_name="MediaClient", entry="media.json"
    )
    with imported_package(spec_dir, root / "out", "media") as package:
        yield package


@pytest.fixture(scope="module")
def server() -> Iterator[RecordingServer]:
    running = RecordingServer()
    yield running
    running.stop()


@pytest.fixture
def client(package: ModuleType, server: RecordingServer) -> Iterator[Any]:
    server.clear()
    with package.MediaClient(FakeCredential(), "sub", base_url=server.url) as made:
        yield made


def _sent(server: RecordingServer) -> tuple[str, bytes]:
    request = server.requests[-1]
    return request.headers["content-type"], request.body


def test_the_generated_package_passes_mypy_strict(package: ModuleType, tmp_path: Path) -> None:
    assert_mypy_strict(package, tmp_path / "mypy-cache")


def test_json_media_types_only_send_json_and_offer_no_choice(
    client: Any, server: RecordingServer
) -> None:
    assert "content_type" not in inspect.signature(client.notes.json).parameters
    client.notes.json({"text": "a"})
    assert _sent(server) == ("application/json", b'{"text":"a"}')


def test_a_merge_patch_body_is_json_sent_as_merge_patch(
    client: Any, server: RecordingServer
) -> None:
    client.notes.patch({"text": "b"})
    assert _sent(server) == ("application/merge-patch+json", b'{"text":"b"}')


def test_a_text_body_is_sent_as_text_and_a_text_result_read_as_text(
    client: Any, server: RecordingServer
) -> None:
    server.reply(200, b"plain words", {"Content-Type": "text/plain"})
    assert client.notes.text('say "hi"') == "plain words"
    assert _sent(server) == ("text/plain", b'say "hi"')  # not a JSON string
    assert server.requests[-1].headers["accept"] == "text/plain"
    with pytest.raises(TypeError, match="body must be a str"):
        client.notes.text(b"bytes")


def test_a_binary_body_goes_as_its_declared_media_type(
    client: Any, server: RecordingServer
) -> None:
    client.notes.image(b"\x89PNG")
    assert _sent(server) == ("image/png", b"\x89PNG")


def test_a_choice_of_media_types_follows_content_type_or_the_body(
    client: Any, server: RecordingServer
) -> None:
    parameter = inspect.signature(client.notes.any).parameters["content_type"]
    assert parameter.default is None and parameter.kind is inspect.Parameter.KEYWORD_ONLY
    client.notes.any({"text": "c"})
    assert _sent(server) == ("application/json", b'{"text":"c"}')
    client.notes.any(b"\x00raw")  # bytes without content_type: the binary type
    assert _sent(server) == ("application/octet-stream", b"\x00raw")
    client.notes.any("words", content_type="text/plain")
    assert _sent(server) == ("text/plain", b"words")
    with pytest.raises(TypeError, match="body must be bytes to send as application/pdf"):
        client.notes.any({"text": "d"}, content_type="application/pdf")
