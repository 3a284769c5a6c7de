"""x-ms-enum on integers and numbers: enum classes of ints and floats, as AutoRest generates
them; extensible ones keep values the spec does not list. Boolean enums stay bool (Python
cannot derive an enum from bool). Generated from our own description, run against a loopback
server."""

from __future__ import annotations

import enum
import importlib
import json
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import vmss_runcommands.runtime
from generated_package import assert_mypy_strict, imported_package, write_single_file_spec
from recording_server import FakeCredential, RecordingServer

from codegen.generate import render_tree
from codegen.load import SpecError

RUNTIME = Path(vmss_runcommands.runtime.__file__).parent
API_VERSION = "2031-05-01"
MODULE = "v" + API_VERSION.replace("-", "_")

PRIORITY = {
    "type": "integer",
    "format": "int32",
    "enum": [1, 2, 10],
    "x-ms-enum": {
        "name": "Priority",
        "modelAsString": True,
        "values": [{"value": 10, "name": "Urgent", "description": "now"}],
    },
}


def spec() -> dict[str, Any]:
    return {
        "swagger": "2.0",
        "info": {"title": "EnumClient", "version": API_VERSION},
        "host": "management.azure.com",
        "paths": {
            "/tasks/{name}": {
                "put": {
                    "operationId": "Tasks_Put",
                    "parameters": [
                        {"name": "api-version", "in": "query", "required": True, "type": "string"},
                        {"name": "name", "in": "path", "required": True, "type": "string"},
                        {"name": "priority", "in": "query", "required": False, **PRIORITY},
                        {
                            "name": "task",
                            "in": "body",
                            "required": True,
                            "schema": {"$ref": "#/definitions/Task"},
                        },
                    ],
                    "responses": {
                        "200": {"description": "ok", "schema": {"$ref": "#/definitions/Task"}}
                    },
                }
            }
        },
        "definitions": {
            "Task": {
                "type": "object",
                "required": ["schemaVersion"],
                "properties": {
                    "priority": {"$ref": "#/definitions/Priority"},
                    "retries": {
                        "type": "integer",
                        "enum": [0, 3, 429],
                        "x-ms-enum": {"name": "Retries", "modelAsString": False},
                    },
                    "ratio": {
                        "type": "number",
                        "enum": [0.5, 1.5],
                        "x-ms-enum": {"name": "Ratio", "modelAsString": True},
                    },
                    "enabled": {
                        "type": "boolean",
                        "enum": [True, False],
                        "x-ms-enum": {"name": "Enabled", "modelAsString": False},
                    },
                    # A required single-value closed enum: a constant, always sent.
                    "schemaVersion": {
                        "type": "integer",
                        "enum": [2],
                        "x-ms-enum": {"name": "SchemaVersion", "modelAsString": False},
                    },
                },
            },
            "Priority": PRIORITY,
        },
    }


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("number-enums")
    spec_dir = write_single_file_spec(
        root / "spec", API_VERSION, spec(), client_name="EnumClient", entry="enums.json"
    )
    with imported_package(spec_dir, root / "out", "numenum") as package:
        yield package


@pytest.fixture(scope="module")
def models(package: ModuleType) -> ModuleType:
    return importlib.import_module(f"{package.__name__}.{MODULE}.models")


@pytest.fixture(scope="module")
def server() -> Iterator[RecordingServer]:
    running = RecordingServer()
    yield running
    running.stop()


def test_the_generated_package_passes_mypy_strict(package: ModuleType, tmp_path: Path) -> None:
    assert_mypy_strict(package, tmp_path / "mypy-cache")


def test_integer_and_number_enums_are_enum_classes_of_their_numbers(models: ModuleType) -> None:
    priority, retries, ratio = models.Priority, models.Retries, models.Ratio
    assert issubclass(priority, int) and issubclass(priority, enum.Enum)
    assert issubclass(ratio, float) and issubclass(ratio, enum.Enum)
    # Members named as AutoRest names them; x-ms-enum values names win.
    assert [m.name for m in priority] == ["ONE", "TWO", "URGENT"]
    assert [m.name for m in retries] == ["ZERO", "THREE", "FOUR_HUNDRED_TWENTY_NINE"]
    assert [m.name for m in ratio] == ["ZERO5", "ONE5"]
    assert priority.URGENT == 10 and priority.URGENT + 1 == 11
    assert ratio(1.5) is ratio.ONE5


def test_extensible_ones_accept_values_the_spec_does_not_list(models: ModuleType) -> None:
    unknown = models.Priority(7)
    assert unknown == 7 and isinstance(unknown, models.Priority)
    assert models.Priority(7) is unknown  # one member per value
    with pytest.raises(ValueError):
        models.Retries(7)  # closed: a caller cannot send a value the spec does not list
    with pytest.raises(ValueError):
        models.Priority("7")  # a string is no number


def test_fields_read_and_write_numbers_and_keep_unlisted_ones(models: ModuleType) -> None:
    hints = typing.get_type_hints(models.Task)
    assert hints["priority"] == models.Priority | int | None  # extensible: plain ints too
    assert hints["retries"] == models.Retries | None
    assert hints["enabled"] == bool | None  # a boolean enum stays bool
    task = models.Task.from_dict(
        {"priority": 99, "retries": 3, "ratio": 1, "enabled": True, "schemaVersion": 2}
    )
    assert task.priority == 99 and isinstance(task.priority, models.Priority)
    assert task.retries is models.Retries.THREE
    assert task.ratio == 1.0 and isinstance(task.ratio, models.Ratio)
    assert task.enabled is True and task.schema_version is models.SchemaVersion.TWO
    # A closed enum read from the service keeps a value added after the spec.
    assert models.Task.from_dict({"retries": 5, "schemaVersion": 2}).retries == 5
    sent = models.Task(priority=models.Priority.URGENT, retries=models.Retries.ZERO).to_dict()
    assert sent == {"priority": 10, "retries": 0, "schemaVersion": 2}
    assert json.loads(json.dumps(models.Task(priority=12).to_dict())) == {
        "priority": 12,
        "schemaVersion": 2,
    }


def test_a_json_string_or_boolean_for_a_number_enum_is_a_clear_error(models: ModuleType) -> None:
    with pytest.raises(Exception, match="expected an integer, got str"):
        models.Task.from_dict({"priority": "1", "schemaVersion": 2})
    with pytest.raises(Exception, match="expected an integer, got bool"):
        models.Task.from_dict({"retries": True, "schemaVersion": 2})


def test_a_number_enum_parameter_is_sent_as_its_number(
    package: ModuleType, models: ModuleType, server: RecordingServer
) -> None:
    server.reply(200, b'{"priority": 2, "schemaVersion": 2}')
    with package.EnumClient(FakeCredential(), "sub", base_url=server.url) as client:
        result = client.tasks.put("t", models.Task(), priority=models.Priority.URGENT)
    assert result.priority is models.Priority.TWO
    assert ("priority", "10") in parse_qsl(urlsplit(server.requests[-1].path).query)
    assert json.loads(server.requests[-1].body) == {"schemaVersion": 2}


def test_a_number_enum_listing_a_string_is_a_located_error(tmp_path: Path) -> None:
    description = spec()
    description["definitions"]["Priority"] = {**PRIORITY, "enum": [1, "two"]}
    with pytest.raises(SpecError, match=r"enums\.json#/definitions/Priority.*'two'"):
        spec_dir = write_single_file_spec(
            tmp_path / "spec",
            API_VERSION,
            description,
            client_name="EnumClient",
            entry="enums.json",
        )
        render_tree(spec_dir, tmp_path / "out" / "bad")
