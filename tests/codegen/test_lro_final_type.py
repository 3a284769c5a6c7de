"""The type of a long-running operation's result when its success responses disagree, as
AutoRest picks it (ManagementGroups, Reservations quota): the 200 answer's schema, or the
``final-state-schema`` of x-ms-long-running-operation-options (TypeSpec-era files); without
a 200 answer, the one with the request body's schema, else the 201 answer's."""

from __future__ import annotations

import importlib
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import vmss_runcommands.runtime
from generated_package import assert_mypy_strict, imported_package, write_single_file_spec
from recording_server import FakeCredential, RecordingServer

from codegen.generate import render_tree
from codegen.load import SpecError

RUNTIME = Path(vmss_runcommands.runtime.__file__).parent
API_VERSION = "2031-05-01"
MODULE = "v" + API_VERSION.replace("-", "_")
API = {"name": "api-version", "in": "query", "required": True, "type": "string"}
NAME = {"name": "name", "in": "path", "required": True, "type": "string"}


def _schema(ref: str) -> dict[str, Any]:
    return {"description": "ok", "schema": {"$ref": f"#/definitions/{ref}"}}


def _lro(
    operation_id: str, responses: dict[str, Any], *body: dict[str, Any], **options: str
) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "x-ms-long-running-operation": True,
        "x-ms-long-running-operation-options": options,
        "parameters": [API, NAME, *body],
        "responses": {**responses, "default": _schema("Error")},
    }


def spec() -> dict[str, Any]:
    string = {"type": "string"}
    return {
        "swagger": "2.0",
        "info": {"title": "LroClient", "version": API_VERSION},
        "host": "management.azure.com",
        "paths": {
            # ManagementGroups_CreateOrUpdate: 200 the resource, 202 an operation status.
            "/groups/{name}": {
                "put": _lro(
                    "Groups_CreateOrUpdate",
                    {"200": _schema("Group"), "202": _schema("OperationStatus")},
                    **{"final-state-via": "azure-async-operation"},
                )
            },
            # Quota_CreateOrUpdate: 200 and 201 with two schemas, final state by Location.
            "/quotas/{name}": {
                "put": _lro(
                    "Quotas_CreateOrUpdate",
                    {"201": _schema("Submitted"), "200": _schema("Group")},
                    **{"final-state-via": "location"},
                )
            },
            # No 200: 201 the created resource, 202 an operation status.
            "/docks/{name}": {
                "put": _lro(
                    "Docks_Create", {"202": _schema("OperationStatus"), "201": _schema("Group")}
                )
            },
            # No 200: the answer with the request body's schema wins over the 201 one.
            "/piers/{name}": {
                "put": _lro(
                    "Piers_Create",
                    {"201": _schema("Submitted"), "202": _schema("Group")},
                    {
                        "name": "pier",
                        "in": "body",
                        "required": True,
                        "schema": _schema("Group")["schema"],
                    },
                )
            },
            # TypeSpec: the final result's schema named outright, no response has it.
            "/groups/{name}/export": {
                "post": _lro(
                    "Groups_Export",
                    {"202": {"description": "accepted"}},
                    **{"final-state-via": "location", "final-state-schema": "#/definitions/Group"},
                )
            },
        },
        "definitions": {
            "Error": {"type": "object", "properties": {"code": string}},
            "Group": {"type": "object", "properties": {"name": string}},
            "OperationStatus": {"type": "object", "properties": {"status": string}},
            "Submitted": {"type": "object", "properties": {"requestId": string}},
        },
    }


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("lro-final")
    spec_dir = write_single_file_spec(
        root / "spec", API_VERSION, spec(), client_name="LroClient", entry="lro.json"
    )
    with imported_package(spec_dir, root / "out", "lrofinal") as package:
        yield package


@pytest.fixture(scope="module")
def server() -> Iterator[RecordingServer]:
    running = RecordingServer()
    yield running
    running.stop()


@pytest.fixture
def client(package: ModuleType, server: RecordingServer) -> Iterator[Any]:
    server.clear()
    with package.LroClient(FakeCredential(), "sub", base_url=server.url, polling_interval=0) as c:
        yield c


def _result_type(method: Any) -> Any:
    return typing.get_args(typing.get_type_hints(method)["return"])[0]


def test_the_generated_package_passes_mypy_strict(package: ModuleType, tmp_path: Path) -> None:
    assert_mypy_strict(package, tmp_path / "mypy-cache")


def test_a_long_running_put_answering_202_with_a_status_ends_with_the_200_schema(
    package: ModuleType, client: Any, server: RecordingServer
) -> None:
    models = importlib.import_module(f"{package.__name__}.{MODULE}.models")
    assert _result_type(type(client.groups).begin_create_or_update) is models.Group
    status = f"{server.url}/status/1"
    server.reply(202, b'{"status": "Running"}', {"Azure-AsyncOperation": status})
    server.reply(200, b'{"status": "Succeeded"}')
    server.reply(200, b'{"name": "g"}')
    result = client.groups.begin_create_or_update("g").result()
    assert result == models.Group(name="g")
    assert [r.method for r in server.requests] == ["PUT", "GET", "GET"]


def test_a_long_running_put_answering_200_or_201_with_two_schemas_ends_with_the_200_one(
    package: ModuleType, client: Any, server: RecordingServer
) -> None:
    models = importlib.import_module(f"{package.__name__}.{MODULE}.models")
    assert _result_type(type(client.quotas).begin_create_or_update) is models.Group
    server.reply(201, b'{"requestId": "r1"}', {"Location": f"{server.url}/quota-status/r1"})
    server.reply(200, b'{"name": "q"}')
    assert client.quotas.begin_create_or_update("q").result() == models.Group(name="q")
    # Done at once with 200: that answer is the result.
    server.reply(200, b'{"name": "now"}')
    assert client.quotas.begin_create_or_update("q").result() == models.Group(name="now")


def test_final_state_schema_names_the_result_no_response_declares(
    package: ModuleType, client: Any, server: RecordingServer
) -> None:
    models = importlib.import_module(f"{package.__name__}.{MODULE}.models")
    assert _result_type(type(client.groups).begin_export) is models.Group
    server.reply(202, b"", {"Location": f"{server.url}/export-status/1"})
    server.reply(200, b'{"name": "exported"}')
    assert client.groups.begin_export("g").result() == models.Group(name="exported")


def test_without_a_200_answer_a_put_ends_with_the_201_answers_schema(
    package: ModuleType, client: Any, server: RecordingServer
) -> None:
    models = importlib.import_module(f"{package.__name__}.{MODULE}.models")
    assert _result_type(type(client.docks).begin_create) is models.Group
    status = f"{server.url}/status/2"
    server.reply(202, b'{"status": "Running"}', {"Azure-AsyncOperation": status})
    server.reply(200, b'{"status": "Succeeded"}')
    server.reply(200, b'{"name": "d"}')
    assert client.docks.begin_create("d").result() == models.Group(name="d")
    assert [r.method for r in server.requests] == ["PUT", "GET", "GET"]


def test_without_a_200_answer_the_request_bodys_schema_is_the_result(
    package: ModuleType, client: Any, server: RecordingServer
) -> None:
    models = importlib.import_module(f"{package.__name__}.{MODULE}.models")
    assert _result_type(type(client.piers).begin_create) is models.Group
    server.reply(201, b'{"requestId": "r2"}', {"Location": f"{server.url}/pier-status/r2"})
    server.reply(200, b'{"name": "p"}')
    assert client.piers.begin_create("p", models.Group(name="p")).result() == models.Group(name="p")


def test_disagreeing_schemas_that_nothing_decides_are_a_located_error(tmp_path: Path) -> None:
    description = spec()
    responses = description["paths"]["/quotas/{name}"]["put"]["responses"]
    responses["202"] = responses.pop("200")
    responses["203"] = responses.pop("201")
    with pytest.raises(
        SpecError, match=r"lro\.json#/paths/~1quotas~1\{name\}/put: .*none is the 200 or 201"
    ):
        spec_dir = write_single_file_spec(
            tmp_path / "spec", API_VERSION, description, client_name="LroClient", entry="lro.json"
        )
        render_tree(spec_dir, tmp_path / "out" / "bad")
