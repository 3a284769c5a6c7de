"""Constructs met in recent real Azure files (2023-2024 api-versions), each on a description of
our own in Azure's upstream layout, imported (``codegen import``), generated, run against a
loopback server and type-checked:

- ``final-state-schema`` naming a definition of the common types that no response names
  (Redis ``flush``, NetworkCloud's deletes): the import keeps it and rewrites its path;
- an x-ms-enum on an integer whose values are written as strings (Sql's
  ``diffBackupIntervalInHours``: ``"enum": ["12", "24"]``);
- an ``x-ms-pageable`` ``operationName`` that names no operation (AzureArcData's telemetry);
- a pageable operation answering 200 with a page and 202 with another schema (Commerce);
- a model flattening a property its allOf base has as a plain field (MobileNetwork's Slice
  flattens ``systemData``).
"""

from __future__ import annotations

import importlib
import json
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import attrs
import pytest
from generated_package import assert_mypy_strict, imported_package
from recording_server import FakeCredential, RecordingServer

from codegen.importer import import_api_version
from codegen.load import SpecError

API_VERSION = "2031-05-01"
MODULE = "v" + API_VERSION.replace("-", "_")
RP = "specification/harbor/resource-manager/Microsoft.Harbor/stable/" + API_VERSION
COMMON = "../../../../../common-types/resource-management/v5/types.json"
API = {"name": "api-version", "in": "query", "required": True, "type": "string"}
NAME = {"name": "name", "in": "path", "required": True, "type": "string"}
STRING = {"type": "string"}


def _ok(ref: str) -> dict[str, Any]:
    return {"description": "ok", "schema": {"$ref": ref}}


def harbor() -> dict[str, Any]:
    error = _ok(f"{COMMON}#/definitions/ErrorResponse")
    return {
        "swagger": "2.0",
        "info": {"title": "HarborClient", "version": API_VERSION},
        "host": "management.azure.com",
        "paths": {
            "/docks/{name}/flush": {
                "post": {
                    "operationId": "Docks_Flush",
                    "x-ms-long-running-operation": True,
                    "x-ms-long-running-operation-options": {
                        "final-state-via": "azure-async-operation",
                        "final-state-schema": f"{COMMON}#/definitions/OperationStatusResult",
                    },
                    "parameters": [API, NAME],
                    "responses": {"202": {"description": "accepted"}, "default": error},
                }
            },
            "/docks/{name}": {
                "put": {
                    "operationId": "Docks_Put",
                    "parameters": [
                        API,
                        NAME,
                        {
                            "name": "dock",
                            "in": "body",
                            "required": True,
                            "schema": {"$ref": "#/definitions/Dock"},
                        },
                    ],
                    "responses": {"200": _ok("#/definitions/Dock"), "default": error},
                }
            },
            "/docks/{name}/telemetry": {
                "post": {
                    "operationId": "Docks_Telemetry",
                    "x-ms-pageable": {
                        "nextLinkName": "nextLink",
                        "operationName": "Docks_TelemetryNext",
                    },
                    "parameters": [API, NAME],
                    "responses": {"200": _ok("#/definitions/Readings"), "default": error},
                }
            },
            "/slips/{name}": {
                "get": {
                    "operationId": "Slips_Get",
                    "parameters": [API, NAME],
                    "responses": {"200": _ok("#/definitions/Slip"), "default": error},
                }
            },
            "/usage": {
                "get": {
                    "operationId": "Usage_List",
                    "x-ms-pageable": {"nextLinkName": "nextLink"},
                    "parameters": [API],
                    "responses": {
                        "200": _ok("#/definitions/Readings"),
                        "202": _ok("#/definitions/Pending"),
                        "default": error,
                    },
                }
            },
        },
        "definitions": {
            "Dock": {
                "type": "object",
                "properties": {
                    "name": STRING,
                    "intervalInHours": {
                        "type": "integer",
                        "format": "int32",
                        "enum": ["12", "24"],
                        "x-ms-enum": {"name": "IntervalInHours", "modelAsString": True},
                    },
                },
            },
            "Readings": {
                "type": "object",
                "properties": {
                    "value": {"type": "array", "items": STRING},
                    "nextLink": STRING,
                },
            },
            "Pending": {"type": "object", "properties": {"message": STRING}},
            # MobileNetwork's Slice: flattens the systemData its base has as a plain field.
            "Slip": {
                "type": "object",
                "allOf": [{"$ref": f"{COMMON}#/definitions/TrackedResource"}],
                "properties": {
                    "systemData": {
                        "x-ms-client-flatten": True,
                        "readOnly": True,
                        "$ref": f"{COMMON}#/definitions/systemData",
                    },
                    "length": {"type": "integer"},
                },
            },
        },
    }


def common_types() -> dict[str, Any]:
    return {
        "swagger": "2.0",
        "info": {"title": "Common types", "version": "5.0"},
        "paths": {},
        "definitions": {
            "ErrorResponse": {"type": "object", "properties": {"code": STRING}},
            "systemData": {"type": "object", "properties": {"createdBy": STRING}},
            "TrackedResource": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "readOnly": True},
                    "systemData": {"readOnly": True, "$ref": "#/definitions/systemData"},
                },
            },
            # No response names it: only final-state-schema does.
            "OperationStatusResult": {
                "type": "object",
                "required": ["status"],
                "properties": {"status": STRING, "percentComplete": {"type": "number"}},
            },
        },
    }


def write_upstream(root: Path, description: dict[str, Any]) -> Path:
    entry = root / RP / "harbor.json"
    entry.parent.mkdir(parents=True)
    entry.write_text(json.dumps(description))
    common = root / "specification/common-types/resource-management/v5/types.json"
    common.parent.mkdir(parents=True)
    common.write_text(json.dumps(common_types()))
    return entry


def import_harbor(root: Path, description: dict[str, Any]) -> Path:
    spec_root = root / "spec"
    spec_root.mkdir()
    (spec_root / "codegen.yaml").write_text(
        "client_name: HarborClient\nentry: harbor.json\noperations: ['*']\n"
    )
    import_api_version(write_upstream(root / "upstream", description), spec_root)
    return spec_root


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("recent")
    with imported_package(import_harbor(root, harbor()), root / "out", "recent") as package:
        yield package


@pytest.fixture(scope="module")
def server() -> Iterator[RecordingServer]:
    running = RecordingServer()
    yield running
    running.stop()


@pytest.fixture
def client(package: ModuleType, server: RecordingServer) -> Iterator[Any]:
    server.clear()
    with package.HarborClient(
        FakeCredential(), "sub", base_url=server.url, polling_interval=0
    ) as c:
        yield c


def _models(package: ModuleType) -> ModuleType:
    return importlib.import_module(f"{package.__name__}.{MODULE}.models")


def test_the_generated_package_passes_mypy_strict(package: ModuleType, tmp_path: Path) -> None:
    assert_mypy_strict(package, tmp_path / "mypy-cache")


def test_final_state_schema_in_the_common_types_is_imported_and_is_the_result(
    package: ModuleType, client: Any, server: RecordingServer, tmp_path: Path
) -> None:
    models = _models(package)
    hints = typing.get_type_hints(type(client.docks).begin_flush)
    assert typing.get_args(hints["return"])[0] is models.OperationStatusResult
    status = f"{server.url}/status/1"
    server.reply(202, b"", {"Azure-AsyncOperation": status})
    server.reply(200, b'{"status": "Succeeded", "percentComplete": 100}')
    result = client.docks.begin_flush("d").result()
    assert result == models.OperationStatusResult(status="Succeeded", percent_complete=100.0)
    assert [r.method for r in server.requests] == ["POST", "GET"]


def test_the_import_rewrites_final_state_schema_to_the_bundled_common_types(
    tmp_path: Path,
) -> None:
    spec_root = import_harbor(tmp_path, harbor())
    imported = json.loads((spec_root / API_VERSION / "harbor.json").read_text())
    options = imported["paths"]["/docks/{name}/flush"]["post"][
        "x-ms-long-running-operation-options"
    ]
    target, _, pointer = options["final-state-schema"].partition("#")
    assert pointer == "/definitions/OperationStatusResult"
    common = json.loads((spec_root / API_VERSION / target).read_text())
    assert "OperationStatusResult" in common["definitions"]
    assert options["final-state-via"] == "azure-async-operation"


def test_a_final_state_schema_naming_nothing_is_an_import_error(tmp_path: Path) -> None:
    description = harbor()
    options = description["paths"]["/docks/{name}/flush"]["post"][
        "x-ms-long-running-operation-options"
    ]
    options["final-state-schema"] = "#/definitions/Missing"
    with pytest.raises(SpecError, match=r"\$ref '#/definitions/Missing' names no such definition"):
        import_harbor(tmp_path, description)


def test_an_integer_enum_written_as_strings_is_an_enum_of_ints(
    package: ModuleType, client: Any, server: RecordingServer
) -> None:
    models = _models(package)
    assert [(m.name, m.value) for m in models.IntervalInHours] == [
        ("TWELVE", 12),
        ("TWENTY_FOUR", 24),
    ]
    server.reply(200, b'{"name": "d", "intervalInHours": 24}')
    dock = client.docks.put("d", models.Dock(interval_in_hours=models.IntervalInHours.TWELVE))
    assert dock.interval_in_hours is models.IntervalInHours.TWENTY_FOUR
    assert json.loads(server.requests[0].body) == {"intervalInHours": 12}


def test_a_pageable_operation_name_naming_no_operation_gets_the_next_link(
    client: Any, server: RecordingServer
) -> None:
    server.reply(200, json.dumps({"value": ["a"], "nextLink": f"{server.url}/more?p=2"}).encode())
    server.reply(200, b'{"value": ["b"]}')
    assert list(client.docks.telemetry("d")) == ["a", "b"]
    first, second = server.requests
    assert (first.method, urlsplit(first.path).path) == ("POST", "/docks/d/telemetry")
    assert (second.method, urlsplit(second.path).path) == ("GET", "/more")


def test_a_pageable_operation_whose_202_has_another_schema_pages_with_the_200_one(
    package: ModuleType, client: Any, server: RecordingServer
) -> None:
    hints = typing.get_type_hints(type(client.usage).list)
    assert typing.get_args(hints["return"]) == (str,)
    server.reply(200, b'{"value": ["x", "y"]}')
    assert list(client.usage.list()) == ["x", "y"]


def test_a_property_flattened_over_a_plain_one_of_the_base_replaces_it(
    package: ModuleType, client: Any, server: RecordingServer
) -> None:
    models = _models(package)
    fields = {f.name for f in attrs.fields(models.Slip)}
    assert {"id", "created_by", "length"} <= fields and "system_data" not in fields
    server.reply(200, b'{"id": "/slips/s", "systemData": {"createdBy": "me"}, "length": 3}')
    slip = client.slips.get("s")
    assert (slip.id, slip.created_by, slip.length) == ("/slips/s", "me", 3)
    assert slip.to_dict() == {"length": 3}
