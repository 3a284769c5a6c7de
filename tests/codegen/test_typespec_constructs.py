"""Constructs of Swagger that TypeSpec emits for ARM (common-types v5/v6 era), on our own
description: dotted definition names, readOnly beside an allOf, x-ms-identifiers,
x-ms-arm-id-details, x-ms-mutability, a long-running PUT whose final schema is named by
final-state-schema. Generated, type-checked and round-tripped."""

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

RUNTIME = Path(vmss_runcommands.runtime.__file__).parent
API_VERSION = "2031-05-01"
MODULE = "v" + API_VERSION.replace("-", "_")
BASE = "/subscriptions/{subscriptionId}/providers/Test.Tsp/widgets/{widgetName}"


def spec() -> dict[str, Any]:
    api = {"name": "api-version", "in": "query", "required": True, "type": "string"}
    parameters = [
        api,
        {"name": "subscriptionId", "in": "path", "required": True, "type": "string"},
        {"name": "widgetName", "in": "path", "required": True, "type": "string"},
    ]
    error = {"$ref": "#/definitions/Azure.ResourceManager.CommonTypes.ErrorResponse"}
    return {
        "swagger": "2.0",
        "info": {"title": "TspClient", "version": API_VERSION},
        "host": "management.azure.com",
        "paths": {
            BASE: {
                "put": {
                    "operationId": "Widgets_CreateOrReplace",
                    "x-ms-long-running-operation": True,
                    "x-ms-long-running-operation-options": {
                        "final-state-via": "azure-async-operation",
                        "final-state-schema": "#/definitions/Widget",
                    },
                    "parameters": [
                        *parameters,
                        {
                            "name": "resource",
                            "in": "body",
                            "required": True,
                            "schema": {"$ref": "#/definitions/Widget"},
                        },
                    ],
                    "responses": {
                        "200": {"description": "ok", "schema": {"$ref": "#/definitions/Widget"}},
                        "201": {
                            "description": "created",
                            "schema": {"$ref": "#/definitions/Widget"},
                        },
                        "default": {"description": "error", "schema": error},
                    },
                }
            }
        },
        "definitions": {
            "Azure.ResourceManager.CommonTypes.ErrorResponse": {
                "type": "object",
                "properties": {"error": {"type": "object", "properties": {"code": {}}}},
            },
            "Azure.ResourceManager.CommonTypes.Resource": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "arm-id", "readOnly": True},
                    "name": {"type": "string", "readOnly": True},
                },
            },
            "Widget": {
                "type": "object",
                "allOf": [{"$ref": "#/definitions/Azure.ResourceManager.CommonTypes.Resource"}],
                "properties": {
                    "properties": {
                        "$ref": "#/definitions/WidgetProperties",
                        "x-ms-client-flatten": True,
                    },
                    # TypeSpec writes readOnly beside a $ref/allOf of another definition.
                    "status": {
                        "allOf": [{"$ref": "#/definitions/Status"}],
                        "readOnly": True,
                    },
                },
            },
            "Status": {"type": "object", "properties": {"phase": {"type": "string"}}},
            "WidgetProperties": {
                "type": "object",
                "properties": {
                    "subnetId": {
                        "type": "string",
                        "format": "arm-id",
                        "x-ms-arm-id-details": {
                            "allowedResources": [{"type": "Microsoft.Network/virtualNetworks"}]
                        },
                    },
                    "ports": {
                        "type": "array",
                        "items": {"$ref": "#/definitions/Port"},
                        "x-ms-identifiers": ["name"],
                    },
                    "secret": {
                        "type": "string",
                        "x-ms-mutability": ["create", "update"],
                        "x-ms-secret": True,
                    },
                },
            },
            "Port": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "number": {"type": "integer"}},
            },
        },
    }


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("tsp")
    spec_dir = write_single_file_spec(
        root / "spec", API_VERSION, spec(), client_name="TspClient", entry="tsp.json"
    )
    with imported_package(spec_dir, root / "out", "tsp") as package:
        yield package


def test_the_generated_package_passes_mypy_strict(package: ModuleType, tmp_path: Path) -> None:
    assert_mypy_strict(package, tmp_path / "mypy-cache")


def test_typespec_constructs_read_and_write(package: ModuleType) -> None:
    models = importlib.import_module(f"{package.__name__}.{MODULE}.models")
    wire = {
        "id": "/subscriptions/s/providers/Test.Tsp/widgets/w",
        "name": "w",
        "status": {"phase": "Ready"},
        "properties": {
            "subnetId": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/x",
            "ports": [{"name": "http", "number": 80}],
            "secret": "s3cr3t",
        },
    }
    widget = models.Widget.from_dict(wire)
    assert widget.status == models.Status(phase="Ready")
    assert widget.ports == [models.Port(name="http", number=80)]
    assert "s3cr3t" not in repr(widget)
    # readOnly beside allOf: read, never sent.
    assert widget.to_dict() == {"properties": wire["properties"]}
    assert models.AzureResourceManagerCommonTypesErrorResponse.__name__.isidentifier()


def test_final_state_schema_types_the_long_running_result(package: ModuleType) -> None:
    models = importlib.import_module(f"{package.__name__}.{MODULE}.models")
    operations = importlib.import_module(f"{package.__name__}.{MODULE}.operations")
    method = operations.WidgetsOperations.begin_create_or_replace
    returned = typing.get_type_hints(method)["return"]
    assert typing.get_args(returned) == (models.Widget,)
